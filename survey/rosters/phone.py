"""Phone numbers: mobile (1[3-9] + 9 digits) and landlines with an area code."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-()（）\u200b\ufeff]")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


def normalise(raw: str) -> str:
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


def problem(number: str) -> str | None:
    """Why a normalised phone number is not valid, in Chinese; None when it is."""
    if MOBILE.match(number) or LANDLINE.match(number):
        return None
    if number.isdigit() and number.startswith("1"):
        return f"手机号码应为11位，实际为{len(number)}位"
    return "电话号码格式不正确（手机号11位，固话需带区号）"


def display(number: str) -> str:
    """A landline with a dash after its area code, a mobile number as it is."""
    if LANDLINE.match(number):
        cut = 3 if number[1] in "12" else 4
        return number[:cut] + "-" + number[cut:]
    return number
