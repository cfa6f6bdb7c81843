"""Write a questionnaire version as an XLSForm workbook (survey, choices and settings sheets).

The mapping, both ways (``xlsform_import`` reads the same):

===================  ==========================================================================
ours                 XLSForm
===================  ==========================================================================
section              ``begin_group`` / ``end_group``, name = section code; a per-program section
                     has ``yes`` in the custom ``per_program`` column
single, delivery     ``select_one <list>``
awareness,           ``select_one <list>`` with the custom ``scale`` column naming the scale
satisfaction, yes_no
multiple             ``select_multiple <list>``
number               ``decimal``; the range goes to ``constraint`` (``. >= 0 and . <= 120``)
date, text           ``date``, ``text``
long_text            ``text`` with ``appearance`` ``multiline``
wording              ``label::Chinese (zh)``, ``label::English (en)``
instructions         ``hint::Chinese (zh)``, ``hint::English (en)``
phone script         custom ``script::Chinese (zh)``, ``script::English (en)``
role                 custom ``role`` column (identity, awareness, received, delivery, ...)
program kinds        custom ``program_kinds`` column (``cash service``)
skip logic           ``relevant``: ``${received} = 'yes' or ${received} = 'unsure'``, and
                     ``selected(${channel}, 'tv')`` for a multiple-choice question
not read out         custom ``read_out`` column of the choices sheet (``no``)
title, code          settings ``form_title``, ``form_id``, custom ``title_en``, ``audience``;
                     ``version`` carries our version number
===================  ==========================================================================

ODK tools ignore the custom columns, so the file also converts to an XForm (pyxform checks it).
"""

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from survey.models import QuestionType
from survey.models.questionnaire import CHOICE_TYPES
from survey.questionnaires.spec import normalized

ZH, EN = "Chinese (zh)", "English (en)"
SURVEY_COLUMNS = (
    "type", "name", f"label::{ZH}", f"label::{EN}", f"hint::{ZH}", f"hint::{EN}", "required",
    "relevant", "constraint", "appearance", "role", "scale", "program_kinds", "per_program",
    f"script::{ZH}", f"script::{EN}",
)
CHOICE_COLUMNS = ("list_name", "name", f"label::{ZH}", f"label::{EN}", "read_out")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language", "title_en",
                    "audience")
SCALES = {QuestionType.AWARENESS, QuestionType.SATISFACTION, QuestionType.YES_NO}


def number_text(value: float) -> str:
    """A number as XPath reads it: never in exponent notation."""
    text = format(Decimal(repr(float(value))), "f")
    return text[:-2] if text.endswith(".0") else text


def relevant(condition: dict | None, target_type: str | None) -> str:
    """Our condition as an XLSForm ``relevant`` expression."""
    if not condition:
        return ""
    code = condition["question"]
    if target_type == QuestionType.MULTIPLE.value:
        terms = [f"selected(${{{code}}}, '{v}')" for v in condition["in"]]
    else:
        terms = [f"${{{code}}} = '{v}'" for v in condition["in"]]
    return " or ".join(terms)


def constraint(question: dict) -> str:
    terms = []
    if question["min_value"] is not None:
        terms.append(f". >= {number_text(question['min_value'])}")
    if question["max_value"] is not None:
        terms.append(f". <= {number_text(question['max_value'])}")
    return " and ".join(terms)


def _type(question: dict) -> tuple[str, str]:
    """(XLSForm type, appearance)."""
    kind = QuestionType(question["type"])
    if kind is QuestionType.MULTIPLE:
        return f"select_multiple {question['code']}", ""
    if kind in CHOICE_TYPES:
        return f"select_one {question['code']}", ""
    if kind is QuestionType.LONG_TEXT:
        return "text", "multiline"
    return {QuestionType.NUMBER: "decimal", QuestionType.DATE: "date"}.get(kind, "text"), ""


def _question_row(question: dict, types: dict[str, str]) -> list:
    kind, appearance = _type(question)
    condition = question["condition"]
    target = types.get(condition["question"]) if condition else None
    return [
        kind, question["code"], question["text_zh"], question["text_en"],
        question["instructions_zh"], question["instructions_en"],
        "yes" if question["required"] else "no", relevant(condition, target),
        constraint(question), appearance, question["role"],
        question["type"] if QuestionType(question["type"]) in SCALES else "",
        " ".join(question["program_kinds"] or []), "", question["script_zh"],
        question["script_en"],
    ]


def _sheet(workbook: Workbook, title: str, header, rows, first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet(title)
    sheet.title = title
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    return sheet


def survey_rows(spec: dict) -> list[list]:
    types = {q["code"]: q["type"] for s in spec["sections"] for q in s["questions"]}
    rows = []
    blank = [""] * (len(SURVEY_COLUMNS) - 2)
    for section in spec["sections"]:
        begin = ["begin_group", section["code"], section["title_zh"], section["title_en"],
                 *blank[2:]]
        begin[SURVEY_COLUMNS.index("per_program")] = "yes" if section["per_program"] else ""
        rows.append(begin)
        rows.extend(_question_row(q, types) for q in section["questions"])
        rows.append(["end_group", section["code"], *blank])
    return rows


def choice_rows(spec: dict) -> list[list]:
    return [[q["code"], o["code"], o["zh"], o["en"], "" if o["read_out"] else "no"]
            for s in spec["sections"] for q in s["questions"] for o in q["options"]]


def write(spec: dict, version_number: int) -> bytes:
    """The XLSForm workbook of a spec, as .xlsx bytes."""
    spec = normalized(spec)
    workbook = Workbook()
    _sheet(workbook, "survey", SURVEY_COLUMNS, survey_rows(spec), first=True)
    _sheet(workbook, "choices", CHOICE_COLUMNS, choice_rows(spec))
    _sheet(workbook, "settings", SETTINGS_COLUMNS, [[
        spec["title_zh"], spec["code"], str(version_number), ZH, spec["title_en"],
        spec["audience"],
    ]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_TERM = re.compile(
    r"^\s*(?:\$\{(?P<code>\w+)\}\s*=\s*(?P<q>['\"])(?P<value>\w+)(?P=q)"
    r"|selected\(\s*\$\{(?P<scode>\w+)\}\s*,\s*(?P<sq>['\"])(?P<svalue>\w+)(?P=sq)\s*\))\s*$"
)
_BOUND = re.compile(r"^\s*\.\s*(?P<op>>=|<=)\s*(?P<number>-?\d+(?:\.\d+)?)\s*$")


def parse_relevant(text: str) -> tuple[dict, bool] | None:
    """(condition, uses selected()) for the expressions :func:`relevant` writes, else None."""
    code, values, selected = None, [], set()
    for term in re.split(r"\s+or\s+", text.strip()):
        match = _TERM.match(term)
        if match is None:
            return None
        term_code = match["code"] or match["scode"]
        if code not in (None, term_code):
            return None  # a condition looks at one question
        code = term_code
        values.append(match["value"] or match["svalue"])
        selected.add(match["scode"] is not None)
    if len(selected) != 1:
        return None
    return {"question": code, "in": values}, selected.pop()


def parse_constraint(text: str) -> tuple[float | None, float | None] | None:
    """(min, max) for ``. >= a and . <= b`` (either part alone), else None."""
    low = high = None
    for term in re.split(r"\s+and\s+", text.strip()):
        match = _BOUND.match(term)
        if match is None:
            return None
        number = float(match["number"])
        if match["op"] == ">=" and low is None:
            low = number
        elif match["op"] == "<=" and high is None:
            high = number
        else:
            return None
    return low, high


def xform_problems(data: bytes) -> list[str]:
    """What pyxform finds wrong when it converts the workbook to an XForm (empty: it converts)."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        convert(data, file_type=".xlsx", warnings=[])
    except (PyXFormError, ValueError, KeyError) as error:
        return [str(error)]
    return []
