"""Check roster rows one by one and say, in Chinese, what is wrong and where."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from survey import privacy
from survey.rosters import idnumber, phone
from survey.rosters.reader import FIELD_LABELS, Row


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    #: The offending value, masked: an error report must not leak what the roster protects.
    value: str
    reason: str


@dataclass(frozen=True)
class CleanRow:
    line: int
    name: str
    id_number: str
    phone: str | None
    town_id: int
    village_id: int | None
    address: str
    amount: Decimal | None


class AreaIndex:
    """Town and village names -> ids, for the rows to refer to."""

    def __init__(self, towns: dict[str, int], villages: dict[tuple[int, str], int]):
        self.towns = towns
        self.villages = villages


def _error(row: Row, field: str, reason: str, value: str = "") -> RowError:
    return RowError(row.line, FIELD_LABELS[field], value, reason)


def check_row(row: Row, areas: AreaIndex) -> tuple[CleanRow | None, list[RowError]]:
    """Return the clean row, or None and every problem found in it."""
    errors = []
    name = " ".join(row.values.get("name", "").split())
    if not name:
        errors.append(_error(row, "name", "姓名为空"))
    id_number = idnumber.normalise(row.values.get("id_number", ""))
    if reason := idnumber.problem(id_number):
        errors.append(_error(row, "id_number", reason, privacy.mask_id(id_number)))
    number = phone.normalise(row.values.get("phone", "")) or None
    if number and (reason := phone.problem(number)):
        errors.append(_error(row, "phone", reason, privacy.mask_phone(number)))
    town_name = row.values.get("town", "").strip()
    town_id = areas.towns.get(town_name)
    if town_id is None:
        reason = "街镇为空" if not town_name else "系统中没有该街镇"
        errors.append(_error(row, "town", reason, town_name))
    village_name = row.values.get("village", "").strip()
    village_id = None
    if village_name and town_id is not None:
        village_id = areas.villages.get((town_id, village_name))
        if village_id is None:
            errors.append(_error(row, "village", "该街镇下没有这个村居", village_name))
    amount, reason = _amount(row.values.get("amount", ""))
    if reason:
        errors.append(_error(row, "amount", reason, row.values.get("amount", "")))
    if errors:
        return None, errors
    address = " ".join(row.values.get("address", "").split())
    return CleanRow(row.line, name, id_number, number, town_id, village_id, address, amount), []


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    text = text.strip().replace(",", "").replace("元", "")
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "金额不是数字"
    if value < 0 or value >= Decimal("1e10"):
        return None, "金额超出范围"
    return value.quantize(Decimal("0.01")), None
