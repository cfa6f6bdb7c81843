"""Resident ID numbers (公民身份号码, GB 11643-1999): normalise and check.

The check character is ISO 7064 MOD 11-2 over the first 17 digits with the weights 2^(18-i) mod
11. Checking runs once per roster row, so the common case (18 ASCII characters) takes a fast path.
"""

import re
import unicodedata
from datetime import date
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ZERO_SUM = ord("0") * sum(WEIGHTS)
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff'\"`]")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")
AS_NUMBER = ("身份证号被Excel存成了数字（如科学计数法3.40102E+17），后几位已经丢失："
             "请把该列设为“文本”格式，重新填入号码后再导出")
#: YYYYMMDD -> whether it is a real birth date, filled as numbers are checked (see birth_ok).
_birth_ok: dict[str, bool] = {}


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    return CHECK_CHARS[(sum(map(mul, first17.encode(), WEIGHTS)) - _ZERO_SUM) % 11]


def fast_check_digit(first17: str) -> str:
    """The same as ``check_digit`` for 17 ASCII digits, several times faster.

    The weights are 2^(17-k) mod 11 (k = 0..16), so the weighted sum is 2 * sum(d_k * 2^(16-k)),
    and since 13 = 2 (mod 11), sum(d_k * 2^(16-k)) = int(first17, 13) (mod 11): one C call.
    """
    return CHECK_CHARS[2 * int(first17, 13) % 11]


def normalise(raw: str) -> str:
    """Full-width to half-width, invisible characters and quotes removed, x upper-cased."""
    if len(raw) == 18 and raw.isascii() and raw.isdigit():
        return raw
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", raw)).upper()


def problem(number: str) -> str | None:
    """Why a normalised ID number is not valid, in Chinese; None when it is."""
    if len(number) == 18 and number[:17].isdigit() and number.isascii() and (
            number[17] == "X" or number[17].isdigit()):
        if not birth_ok(number[6:14]):
            return "身份证号中的出生日期不存在"
        if fast_check_digit(number[:17]) != number[17]:
            if number.endswith("000") or number.endswith("00X"):
                return "身份证号校验位错误（末几位是0，可能被Excel按数字截断：请把该列设为文本）"
            return "身份证号校验位错误"
        return None
    return _shape_problem(number)


def _shape_problem(number: str) -> str:
    if not number:
        return "身份证号为空"
    if _SCIENTIFIC.match(number) or (number.endswith(".0") and number[:-2].isdigit()):
        return AS_NUMBER
    if len(number) == 15 and number.isdigit():
        return "这是15位的旧身份证号，请换成18位的号码"
    if len(number) != 18:
        return f"身份证号应为18位，实际为{len(number)}位"
    return "身份证号含有非法字符（只能是数字，最后一位可以是X）"


def birth_ok(digits: str) -> bool:
    """Whether YYYYMMDD is a real date from 1890-01-01 to today. An answer that may change (a
    date still to come) is not remembered, so a long-running process accepts a newborn."""
    known = _birth_ok.get(digits)
    if known is None:
        try:
            born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            born = None
        today = date.today()
        known = born is not None and date(1890, 1, 1) <= born <= today
        if len(_birth_ok) < 100_000 and (born is None or born <= today):
            _birth_ok[digits] = known
    return known
