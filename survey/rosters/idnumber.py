"""Resident ID numbers (公民身份号码, GB 11643-1999): normalise and check."""

import re
import unicodedata
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff'\"]")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """Full-width to half-width, invisible characters and quotes removed, x upper-cased."""
    text = unicodedata.normalize("NFKC", raw or "")
    return _INVISIBLE.sub("", text).upper()


def problem(number: str) -> str | None:
    """Why a normalised ID number is not valid, in Chinese; None when it is."""
    if not number:
        return "身份证号为空"
    if _SCIENTIFIC.match(number) or (number.endswith(".0") and number[:-2].isdigit()):
        return "身份证号被Excel存成了数字（科学计数法），请把该列设为“文本”格式后重新导出"
    if len(number) != 18:
        return f"身份证号应为18位，实际为{len(number)}位"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号含有非法字符"
    if _birth_date(number) is None:
        return "身份证号中的出生日期不存在"
    if check_digit(number[:17]) != number[17]:
        return "身份证号校验位错误"
    return None


def _birth_date(number: str) -> date | None:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if date(1890, 1, 1) <= born <= date.today() else None
