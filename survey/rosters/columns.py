"""The fields a roster file may hold and the headers departments give them.

A header is recognised after normalisation (full-width to half-width, spaces and brackets such
as "（元）" removed). What is not recognised the admin maps by hand, and the mapping is remembered
per program, so next month's file from the same department goes straight through.
"""

import re
import unicodedata

#: Canonical field -> the headers departments use for it (normalised form).
ALIASES = {
    "name": ("姓名", "名字", "户主姓名", "受益人姓名", "受益对象姓名", "申请人姓名", "患者姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "身份证件号码",
                  "公民身份证号", "受益人身份证号"),
    "phone": ("联系电话", "手机号码", "手机号", "电话", "手机", "联系方式", "电话号码",
              "联系电话手机"),
    "town": ("街镇", "街道", "乡镇", "镇", "镇街", "街道乡镇", "乡镇街道", "所属街镇", "镇街道"),
    "village": ("村居", "村", "社区", "村社区", "村居委会", "村委会", "居委会", "所属村居"),
    "address": ("住址", "地址", "家庭住址", "居住地址", "现住址", "详细地址"),
    "amount": ("发放金额", "金额", "补助金额", "补贴金额", "救助金额", "发放标准"),
    "paid_on": ("发放日期", "发放时间", "补助日期", "服务日期"),
}
FIELDS = tuple(ALIASES)
REQUIRED = ("name", "id_number", "town")
_LABELS = {
    "name": "姓名", "id_number": "身份证号", "phone": "联系电话", "town": "街镇",
    "village": "村居", "address": "住址", "amount": "发放金额", "paid_on": "发放日期",
}
_NOISE = re.compile(r"[\s()\[\]/、:*（）【】：]")
_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}


def label(field: str) -> str:
    """The Chinese name of a field, as reports and the mapping page show it."""
    return _LABELS.get(field, field)


def normalise_header(title: object) -> str:
    text = unicodedata.normalize("NFKC", str(title or "")).strip()
    text = re.sub(r"[（(]元[）)]$", "", text)
    return _NOISE.sub("", text).casefold()


def guess(header: list[object], remembered: dict[str, str] | None = None) -> dict[str, int]:
    """Field -> column index: the program's remembered mapping first, then the usual headers.

    The first column that claims a field wins; a remembered "" means "ignore this column".
    """
    remembered = remembered or {}
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        key = normalise_header(title)
        field = remembered[key] if key in remembered else _LOOKUP.get(key)
        if field and field in ALIASES and field not in mapping:
            mapping[field] = index
    return mapping


def missing(mapping: dict[str, int]) -> list[str]:
    """The required fields the mapping lacks, by their Chinese names."""
    return [label(field) for field in REQUIRED if field not in mapping]
