"""A questionnaire version as plain data (a *spec*), and the rules every version must meet.

The builder, the XLSForm import, the shipped templates and copy-on-write all produce a spec and
pass it through :func:`problems` before anything is written, so one set of rules holds for all:

- the scale types keep the standard answer codes the statistics read, whatever the wording
  (awareness know/heard/unaware, the satisfaction scale, yes/no [+unsure], the two delivery
  sets), and a role requires its type (also a database CHECK);
- skip logic refers only to an earlier choice question, in the general part or (for a question
  of a per-program section) in a per-program section asked of the same programs, and only to
  that question's answer codes.

A spec: ``{"code", "title_zh", "title_en", "audience", "sections": [{"code", "title_zh",
"title_en", "per_program", "questions": [question, ...]}]}``; see :data:`QUESTION_DEFAULTS`.
"""

import math
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from survey.models import ProgramKind, QuestionRole, QuestionType, SampledFrom
from survey.models.questionnaire import CHOICE_TYPES, ROLE_TYPES

CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
UNSURE = "unsure"
AWARENESS_CODES = ("know", "heard", "unaware")
SATISFACTION_CODES = ("satisfied", "fairly_satisfied", "neutral", "fairly_dissatisfied",
                      "dissatisfied", UNSURE)
YES_NO_CODES = ("yes", "no")
DELIVERY_SETS = (("full_on_time", "full_late", "short"), ("as_promised", "not_as_promised"))



def _bad_code() -> str:
    return _("代码须以字母开头，只含字母、数字和下划线，最多40个字符。")


QUESTION_DEFAULTS = {
    "role": "other", "type": "single", "text_en": "", "script_zh": "", "script_en": "",
    "instructions_zh": "", "instructions_en": "", "options": [], "required": True,
    "min_value": None, "max_value": None, "program_kinds": None, "condition": None,
}
QUESTION_KEYS = ("code", "text_zh", *QUESTION_DEFAULTS)

#: Standard wording of the fixed scales, used when a builder picks the type.
STANDARD_OPTIONS = {
    QuestionType.AWARENESS: [
        ("know", "知道", "I know it"), ("heard", "听说过", "I have heard of it"),
        ("unaware", "不知道", "I do not know it"),
    ],
    QuestionType.SATISFACTION: [
        ("satisfied", "满意", "Satisfied"), ("fairly_satisfied", "比较满意", "Fairly satisfied"),
        ("neutral", "一般", "Neutral"), ("fairly_dissatisfied", "不太满意", "Fairly dissatisfied"),
        ("dissatisfied", "不满意", "Dissatisfied"), (UNSURE, "说不清", "Not sure"),
    ],
    QuestionType.YES_NO: [("yes", "是", "Yes"), ("no", "否", "No")],
}


def standard_options(kind: QuestionType) -> list[dict]:
    """The standard options of a scale type; 说不清 is not read out on the phone."""
    return [{"code": c, "zh": zh, "en": en, "read_out": c != UNSURE}
            for c, zh, en in STANDARD_OPTIONS.get(kind, [])]


@dataclass(frozen=True)
class Problem:
    """One broken rule, located by section and question code (the importer adds the row)."""

    message: str
    section: str | None = None
    question: str | None = None

    def __str__(self) -> str:
        if self.question:
            return _("题目 %(code)s：%(message)s", code=self.question, message=self.message)
        if self.section:
            return _("部分 %(code)s：%(message)s", code=self.section, message=self.message)
        return self.message


def normalized(spec: dict) -> dict:
    """A copy of ``spec`` with every key present, so two specs compare equal when they mean so."""
    sections = []
    for section in spec.get("sections") or []:
        questions = [_normalized_question(q) for q in section.get("questions") or []]
        sections.append({**_texts(section, "code", "title_zh", "title_en"),
                         "per_program": bool(section.get("per_program", False)),
                         "questions": questions})
    return {**_texts(spec, "code", "title_zh", "title_en"),
            "audience": spec.get("audience") or SampledFrom.ROSTER.value, "sections": sections}


def _texts(data: dict, *keys: str) -> dict:
    return {k: str(data.get(k) or "") for k in keys}


def _normalized_question(question: dict) -> dict:
    result = _texts(question, "code", "text_zh")
    for key, default in QUESTION_DEFAULTS.items():
        value = question.get(key, default)
        if isinstance(default, str):
            value = default if value is None else str(value)
        result[key] = list(value) if isinstance(value, list) else value
    result["options"] = [
        {**_texts(o, "code", "zh", "en"), "read_out": bool(o.get("read_out", True))}
        for o in result["options"] or []
    ]
    for key in ("min_value", "max_value"):
        if result[key] is not None:
            result[key] = float(result[key])
    return result


def problems(spec: dict) -> list[Problem]:
    """Every rule the spec breaks; an empty list means it may be written."""
    spec = normalized(spec)
    found = _header_problems(spec)
    seen: dict[str, tuple[dict, dict]] = {}  # code -> (section, question), in order
    section_codes = set()
    for section in spec["sections"]:
        where = section["code"]
        if not CODE.match(where):
            found.append(Problem(_bad_code(), where))
        if where in section_codes:
            found.append(Problem(_("部分代码重复。"), where))
        section_codes.add(where)
        if not section["title_zh"].strip():
            found.append(Problem(_("请填写中文标题。"), where))
        if max(len(section["title_zh"]), len(section["title_en"])) > 200:
            found.append(Problem(_("标题最多200个字符。"), where))
        for question in section["questions"]:
            found.extend(Problem(m, where, question["code"])
                         for m in question_problems(question, section, seen))
            seen.setdefault(question["code"], (section, question))
    found.extend(Problem(_("题目代码与部分代码相同。"), None, code)
                 for code in section_codes & set(seen))
    return found


def _header_problems(spec: dict) -> list[Problem]:
    found = []
    if not CODE.match(spec["code"]):
        found.append(Problem(_("问卷代码须以字母开头，只含字母、数字和下划线，最多40个字符。")))
    if not spec["title_zh"].strip() or len(spec["title_zh"]) > 120:
        found.append(Problem(_("请填写问卷的中文标题（最多120个字符）。")))
    if len(spec["title_en"]) > 160:
        found.append(Problem(_("英文标题最多160个字符。")))
    if spec["audience"] not in {a.value for a in SampledFrom}:
        found.append(Problem(_("问卷对象只能是名册抽样（roster）或公众（public）。")))
    if not spec["sections"]:
        found.append(Problem(_("问卷至少要有一个部分。")))
    return found


def question_problems(question: dict, section: dict, earlier: dict) -> list[str]:
    """What is wrong with one question, given the questions before it (code -> (section, q))."""
    found = []
    if not CODE.match(question["code"]):
        found.append(_bad_code())
    if question["code"] in earlier:
        found.append(_("题目代码重复。"))
    if not question["text_zh"].strip():
        found.append(_("请填写中文题目。"))
    try:
        role, kind = QuestionRole(question["role"]), QuestionType(question["type"])
    except ValueError:
        return [*found, _("未知的题型或角色：%(type)s / %(role)s。", type=question["type"],
                          role=question["role"])]
    if role in ROLE_TYPES and ROLE_TYPES[role] is not kind:
        found.append(_("角色“%(role)s”的题目必须是“%(type)s”题型。", role=role.value,
                       type=ROLE_TYPES[role].value))
    found.extend(option_problems(question["options"], kind, role))
    found.extend(_range_problems(question, kind))
    found.extend(_kind_problems(question["program_kinds"], section))
    found.extend(condition_problems(question, section, earlier))
    return found


def option_problems(options: list[dict], kind: QuestionType, role: QuestionRole) -> list[str]:
    """Options exist only on choice types, have unique codes, and scales keep their codes."""
    if kind not in CHOICE_TYPES:
        return [_("此题型没有选项。")] if options else []
    codes = [o["code"] for o in options]
    found = []
    if len(options) < 2:
        found.append(_("选择题至少要有两个选项。"))
    if len(set(codes)) != len(codes):
        found.append(_("选项代码重复。"))
    found.extend(_("选项代码“%(code)s”无效：须以字母开头，只含字母、数字和下划线。", code=c)
                 for c in codes if not CODE.match(c))
    if any(not o["zh"].strip() for o in options):
        found.append(_("每个选项都要有中文标签。"))
    if kind is QuestionType.MULTIPLE and len(" ".join(codes)) > 200:
        found.append(_("多选题的选项代码合计不能超过200个字符。"))
    fixed = _fixed_codes(kind, role)
    if fixed is not None and not any(set(codes) == set(allowed) for allowed in fixed):
        wanted = _("或").join(" / ".join(allowed) for allowed in fixed)
        found.append(_("此题型的选项代码固定为 %(codes)s（可以改写选项文字，不能改代码），"
                       "统计按这些代码计算。", codes=wanted))
    return found


def _fixed_codes(kind: QuestionType, role: QuestionRole) -> list[tuple[str, ...]] | None:
    if kind is QuestionType.AWARENESS:
        return [AWARENESS_CODES]
    if kind is QuestionType.SATISFACTION:
        return [SATISFACTION_CODES]
    if kind is QuestionType.YES_NO:
        return [YES_NO_CODES, (*YES_NO_CODES, UNSURE)]
    if role is QuestionRole.DELIVERY:
        return [codes for base in DELIVERY_SETS for codes in (base, (*base, UNSURE))]
    return None


def _range_problems(question: dict, kind: QuestionType) -> list[str]:
    low, high = question["min_value"], question["max_value"]
    if kind is not QuestionType.NUMBER:
        return [_("只有数字题可以设置取值范围。")] if (low, high) != (None, None) else []
    if any(v is not None and not math.isfinite(v) for v in (low, high)):
        return [_("取值范围必须是有限的数。")]
    if low is not None and high is not None and low > high:
        return [_("最小值不能大于最大值。")]
    return []


def _kind_problems(kinds: list | None, section: dict) -> list[str]:
    if kinds is None:
        return []
    if not section["per_program"]:
        return [_("只有“每个项目分别询问”部分的题目可以限定项目类别。")]
    allowed = {k.value for k in ProgramKind}
    if not kinds or not set(kinds) <= allowed:
        return [_("项目类别只能是 %(kinds)s 中的一个或几个。", kinds=" / ".join(sorted(allowed)))]
    return []


def condition_problems(question: dict, section: dict, earlier: dict) -> list[str]:
    """Skip logic may only look back, at a choice question asked of the same programs."""
    condition = question["condition"]
    if condition is None:
        return []
    target, values = condition.get("question"), condition.get("in")
    if target not in earlier:
        return [_("跳转条件引用的题目“%(code)s”不存在或不在本题之前。", code=target)]
    target_section, target_question = earlier[target]
    if target_section["per_program"] and not section["per_program"]:
        return [_("一般问题的跳转条件不能引用“每个项目分别询问”部分的题目“%(code)s”。",
                  code=target)]
    if target_section["per_program"] and not _covers(target_question["program_kinds"],
                                                     question["program_kinds"]):
        return [_("跳转条件引用的题目“%(code)s”并不对本题的所有项目类别提问。", code=target)]
    if target_question["type"] not in {t.value for t in CHOICE_TYPES}:
        return [_("跳转条件只能引用选择题，“%(code)s”不是选择题。", code=target)]
    codes = {o["code"] for o in target_question["options"]}
    if not values or not isinstance(values, list) or not set(values) <= codes:
        return [_("跳转条件的取值必须是题目“%(code)s”的选项代码：%(codes)s。", code=target,
                  codes=" / ".join(o["code"] for o in target_question["options"]))]
    return []


def _covers(target_kinds: list | None, kinds: list | None) -> bool:
    if target_kinds is None:
        return True
    return kinds is not None and set(kinds) <= set(target_kinds)
