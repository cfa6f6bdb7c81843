"""Phone numbers: mobile (1[3-9] + 9 digits) and landlines with an area code."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-()（）.\u200b-\u200f\u2060\ufeff'\"]")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
#: Area codes are 010, 02x (3 digits) or 0xxx (4 digits); local numbers 7 or 8 digits.
LANDLINE = re.compile(r"^(010|02\d)\d{8}$|^0[3-9]\d{2}\d{7,8}$")


def normalise(raw: str) -> str:
    """Digits only: spaces, dashes and brackets removed, a +86 or 0086 prefix dropped."""
    if len(raw) == 11 and raw.isascii() and raw.isdigit():
        return raw
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell exported by Excel
        text = text[:-2]
    return text


def problem(number: str) -> str | None:
    """Why a normalised phone number is not valid, in Chinese; None when it is."""
    if MOBILE.match(number) or LANDLINE.match(number):
        return None
    if number.isdigit() and number.startswith("1"):
        if len(number) == 11:
            return "手机号码第二位应为3-9"
        return f"手机号码应为11位，实际为{len(number)}位"
    if number.isdigit() and number.startswith("0"):
        return "固定电话应带区号，共10-12位（如0551-12345678）"
    if "E" in number.upper():
        return "电话号码被Excel存成了科学计数法：请把该列设为“文本”格式"
    return "电话号码格式不正确（手机号11位，固话需带区号）"


def display(number: str) -> str:
    """A landline with a dash after its area code, a mobile number as it is."""
    if LANDLINE.match(number):
        cut = 3 if number[1] in "12" else 4
        return number[:cut] + "-" + number[cut:]
    return number
