"""Turn one cell into a clean value, or say in Chinese why it cannot be one.

Cells come as text from a CSV and typed (numbers, dates) from an xlsx file. Each function returns
``(value, None)`` or ``(None, reason)``. The row checker (``validate``) remembers amounts and dates
per distinct cell, because a roster repeats the same ones on thousands of rows.
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from survey.rosters import idnumber, phone

MAX_NAME = 60
MAX_ADDRESS = 200
_DATE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$")


def text(cell) -> str:
    if cell is None:
        return ""
    if cell.__class__ is str:
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def name(cell) -> tuple[str | None, str | None]:
    """Whitespace collapsed, nothing else touched: rare characters and the middle dot stay."""
    value = " ".join(text(cell).split())
    if not value:
        return None, "姓名为空"
    if len(value) > MAX_NAME:
        return None, f"姓名超过{MAX_NAME}个字"
    return value, None


def id_number(cell) -> tuple[str | None, str | None]:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return None, idnumber.AS_NUMBER
    value = idnumber.normalise(text(cell))
    reason = idnumber.problem(value)
    return (None, reason) if reason else (value, None)


def phone_number(cell) -> tuple[str | None, str | None]:
    """An empty phone is allowed (None, None); a wrong one is not."""
    if isinstance(cell, float) and not cell.is_integer():
        return None, "电话号码被Excel存成了小数或科学计数法：请把该列设为“文本”格式"
    raw = text(cell)
    if not raw:
        return None, None
    value = phone.normalise(raw)
    reason = phone.problem(value)
    return (None, reason) if reason else (value, None)


def place(cell) -> str:
    return "".join(unicodedata.normalize("NFKC", text(cell)).split())


def address(cell) -> tuple[str | None, str | None]:
    value = " ".join(text(cell).split())
    if len(value) > MAX_ADDRESS:
        return None, f"住址超过{MAX_ADDRESS}个字"
    return value, None


def amount(cell) -> tuple[Decimal | None, str | None]:
    """A text or a number; the checker remembers the result per distinct cell."""
    if cell.__class__ is bool:
        return None, "金额不是数字"
    if isinstance(cell, int | float):
        return _parse_amount(repr(round(float(cell), 2)))
    raw = text(cell)
    return _parse_amount(raw) if raw else (None, None)


def _parse_amount(raw: str) -> tuple[Decimal | None, str | None]:
    cleaned = unicodedata.normalize("NFKC", raw).replace(",", "").replace("元", "")
    cleaned = cleaned.replace("¥", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, "金额不是数字"
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        return None, "金额超出范围"
    return abs(value.quantize(Decimal("0.01"))), None  # abs: "-0" is 0.00, not -0.00


def paid_on(cell) -> tuple[date | None, str | None]:
    """A text or an xlsx date; the checker remembers the result per distinct cell."""
    if isinstance(cell, datetime):
        return cell.date(), None
    if isinstance(cell, date):
        return cell, None
    if isinstance(cell, int | float):
        return None, "日期被存成了数字：请在Excel中把该列设为日期或文本格式"
    raw = text(cell)
    return _parse_date(raw) if raw else (None, None)


def _parse_date(raw: str) -> tuple[date | None, str | None]:
    match = _DATE.match(unicodedata.normalize("NFKC", raw).split(" ")[0])
    if match:
        year, month, day, month2, day2 = match.groups()
        try:
            value = date(int(year), int(month or month2), int(day or day2))
        except ValueError:
            return None, "日期不存在"
        if date(1990, 1, 1) <= value <= date(2100, 12, 31):
            return value, None
    return None, "日期格式不正确（应如2011-07-15）"
