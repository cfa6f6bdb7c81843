"""Contact-attempt outcomes, coded by the AAPOR Standard Definitions (telephone, list sample).

Each code belongs to one AAPOR category (I, P, R, NC, O, UH, UO, NE) that the response rates of
``sampling.rates`` count. A final outcome closes the case; a non-final one (no answer, busy, call
back) leaves it in the queue. Decisions for a named-person list sample, where the person is known
to be on the roster: a nonworking or wrong number does not make the person ineligible, so it is
unknown eligibility (UO); only a person outside the target population (moved away from the district)
is not eligible (NE).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Disposition:
    code: str
    category: str
    final: bool
    label: str


DISPOSITIONS = (
    Disposition("1.1", "I", True, _l("完成访问")),
    Disposition("2.11", "R", True, _l("拒绝访问")),
    Disposition("2.12", "R", True, _l("访问中途中断")),
    Disposition("2.21", "NC", False, _l("本人不在，约定回访")),
    Disposition("2.31", "O", True, _l("本人已去世")),
    Disposition("2.32", "O", True, _l("身体或精神原因无法受访")),
    Disposition("2.33", "O", True, _l("语言不通")),
    Disposition("3.12", "UH", False, _l("占线")),
    Disposition("3.13", "UH", False, _l("无人接听")),
    Disposition("3.14", "UH", False, _l("关机或无法接通")),
    Disposition("3.90", "UO", True, _l("空号、停机或号码不是本人")),
    Disposition("4.10", "NE", True, _l("不属于调查对象（已迁出本区等）")),
)
BY_CODE = {d.code: d for d in DISPOSITIONS}
COMPLETE = "1.1"


def label(code: str) -> str:
    disposition = BY_CODE.get(code)
    return str(disposition.label) if disposition else code
