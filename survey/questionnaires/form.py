"""Build an interview form per request from a questionnaire version, check it, read its answers.

A form class is made fresh for every request (never a shared class mutated). A per-program
section is repeated for every program the respondent is asked about. Every submission is checked
on the server, whatever the browser did: each answer has the question's type (a listed option
code, a finite number inside the range, a real date), a shown required question is answered, and
a skipped question has no answer.
"""

import math
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, Optional

from survey.models import Program, Question, QuestionnaireVersion, QuestionType, Section

TEXT_MAX = {QuestionType.TEXT: 200, QuestionType.LONG_TEXT: 4000}


@dataclass(frozen=True)
class Item:
    """One question as asked: a question, the program of its block (or None), its field name."""

    question: Question
    program: Program | None

    @property
    def name(self) -> str:
        return field_name(self.question.code, self.program)

    @property
    def section(self) -> Section:
        return self.question.section


def field_name(code: str, program: Program | None) -> str:
    return f"q_{code}" if program is None else f"p{program.id}_{code}"


def condition_field(form: FlaskForm, item: Item) -> str | None:
    """The field a skip condition looks at: the same program's block, else the general part."""
    condition = item.question.condition
    if not condition:
        return None
    own = field_name(condition["question"], item.program)
    return own if own in form else field_name(condition["question"], None)


def applies(question: Question, program: Program) -> bool:
    return not question.program_kinds or program.kind.value in question.program_kinds


def items(version: QuestionnaireVersion, programs: list[Program]) -> list[Item]:
    """The questions in the order they are asked, per-program sections repeated per program."""
    result: list[Item] = []
    for section in version.sections:
        if not section.per_program:
            result.extend(Item(q, None) for q in section.questions)
            continue
        result.extend(Item(q, p) for p in programs for q in section.questions if applies(q, p))
    return result


def display_text(text: str, *, person: str, program: Program | None, locale: str) -> str:
    """A question's wording with the respondent's name and the program filled in (not escaped)."""
    return text.replace("{person}", person).replace(
        "{program}", program.name(locale) if program else "")


class _MultiCheckbox(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _label(option: dict, key: str) -> str:
    return option.get(key) or option["zh"]


def _field(question: Question, locale: str):
    key = "en" if locale.startswith("en") else "zh"
    choices = [SelectChoice(o["code"], _label(o, key)) for o in question.options]
    kind = question.type
    if kind is QuestionType.MULTIPLE:
        return _MultiCheckbox(choices=choices, validators=[Optional()], validate_choice=False)
    if question.has_options:
        return RadioField(choices=choices, validators=[Optional()], validate_choice=False)
    if kind is QuestionType.NUMBER:
        bounds = {k: v for k, v in (("min", question.min_value), ("max", question.max_value))
                  if v is not None}
        return StringField(render_kw={"type": "number", "step": "any", "inputmode": "decimal",
                                      **bounds})
    if kind is QuestionType.DATE:
        return StringField(render_kw={"type": "date"})
    if kind is QuestionType.TEXT:
        return StringField(validators=[Length(max=TEXT_MAX[kind])])
    return TextAreaField(validators=[Length(max=TEXT_MAX[QuestionType.LONG_TEXT])])


def build_form(version: QuestionnaireVersion, programs: list[Program], locale: str,
               **kwargs) -> FlaskForm:
    """A fresh form class for this version and these programs, instantiated on the request."""
    fields = {item.name: _field(item.question, locale) for item in items(version, programs)}
    form_class = type("InterviewForm", (FlaskForm,), fields)
    return form_class(**kwargs)


def _raw(form: FlaskForm, name: str):
    data = form[name].data
    if isinstance(data, str):
        data = data.strip()
    return None if data in (None, "", []) else data


def parse(question: Question, raw):
    """The typed value of one raw answer, or raise ValueError with a message for the surveyor."""
    codes = [o["code"] for o in question.options]
    kind = question.type
    if kind is QuestionType.MULTIPLE:
        if any(v not in codes for v in raw) or len(set(raw)) != len(raw):
            raise ValueError(_("请从列出的选项中选择。"))
        return [c for c in codes if c in raw]  # the questionnaire's order, whatever was sent
    if question.has_options:
        if raw not in codes:
            raise ValueError(_("请从列出的选项中选择。"))
        return raw
    if kind is QuestionType.NUMBER:
        return _number(question, raw)
    if kind is QuestionType.DATE:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(_("请填写有效日期，例如 2011-07-01。")) from None
    return raw


def _number(question: Question, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(_("请填写数字。")) from None
    if not math.isfinite(value):
        raise ValueError(_("请填写数字。"))
    low, high = question.min_value, question.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(_("请填写 %(low)s 到 %(high)s 之间的数。",
                           low=_fmt(low) if low is not None else "−∞",
                           high=_fmt(high) if high is not None else "+∞"))
    return value


def _fmt(value: float) -> str:
    return f"{value:g}"


def _add_error(form: FlaskForm, name: str, message: str) -> None:
    form[name].errors = [*form[name].errors, message]


def check(form: FlaskForm, asked: list[Item]) -> bool:
    """Apply types, ranges, required answers and skip logic; put messages on the fields."""
    ok = form.validate()
    values = {}
    for item in asked:  # in order: a condition only looks back, at values already checked
        raw = _raw(form, item.name)
        shown = _shown(form, item, values)
        if not shown and raw is not None:
            _add_error(form, item.name, _("此题已跳过，不应有答案。"))
            ok = False
        elif shown and raw is None and item.question.required:
            _add_error(form, item.name, _("请回答此题。"))
            ok = False
        elif shown and raw is not None:
            try:
                values[item.name] = parse(item.question, raw)
            except ValueError as problem:
                _add_error(form, item.name, str(problem))
                ok = False
    form.checked_values = values
    return ok


def _shown(form: FlaskForm, item: Item, values: dict) -> bool:
    name = condition_field(form, item)
    if name is None:
        return True
    value = values.get(name)
    chosen = value if isinstance(value, list) else [value]
    return any(v in item.question.condition["in"] for v in chosen if v is not None)


def is_shown(form: FlaskForm, item: Item) -> bool:
    """Whether the item is asked given the form's checked answers (after :func:`check`)."""
    return _shown(form, item, getattr(form, "checked_values", {}))


def answers(form: FlaskForm, asked: list[Item]) -> list[dict]:
    """The checked answers in long form, one dict per answered question and program."""
    values = form.checked_values
    result = []
    for item in asked:
        if item.name not in values:
            continue
        value = values[item.name]
        row = {"question_id": item.question.id, "role": item.question.role,
               "program_id": item.program.id if item.program else None,
               "value": None, "number": None, "text": None}
        kind = item.question.type
        if kind is QuestionType.MULTIPLE:
            row["value"] = " ".join(value)
        elif item.question.has_options:
            row["value"] = value
        elif kind is QuestionType.NUMBER:
            row["number"] = value
        elif kind is QuestionType.DATE:
            row["value"] = value.isoformat()
        else:
            row["text"] = value
        result.append(row)
    return result
