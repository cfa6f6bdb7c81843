"""Build an interview form per request from a questionnaire version, check it, read its answers.

A form class is made fresh for every request (never a shared class mutated). Per-program questions
are repeated for every program the respondent was drawn for; skip logic is checked on the server:
a required question that is shown must be answered and a skipped question must stay empty.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, Optional

from survey.models import Program, Question, QuestionnaireVersion, QuestionType


@dataclass(frozen=True)
class Item:
    """One question as asked: a question, the program of its block (or None), its field name."""

    question: Question
    program: Program | None

    @property
    def name(self) -> str:
        return field_name(self.question.code, self.program)


def field_name(code: str, program: Program | None) -> str:
    return f"q_{code}" if program is None else f"p{program.id}_{code}"


def condition_field(form: FlaskForm, item: Item) -> str | None:
    """The field a skip condition looks at: the same program's block, else the general part."""
    condition = item.question.condition
    if not condition:
        return None
    own = field_name(condition["question"], item.program)
    return own if own in form else field_name(condition["question"], None)


def items(version: QuestionnaireVersion, programs: list[Program]) -> list[Item]:
    """The questions in the order they are asked, per-program blocks repeated per program."""
    result: list[Item] = []
    block: list[Question] = []
    for question in version.questions:
        if question.per_program:
            block.append(question)
            continue
        result.extend(_block_items(block, programs))
        block = []
        result.append(Item(question, None))
    result.extend(_block_items(block, programs))
    return result


def _block_items(block: list[Question], programs: list[Program]) -> list[Item]:
    return [
        Item(question, program)
        for program in programs
        for question in block
        if not question.program_kinds or program.kind.value in question.program_kinds
    ]


class _MultiCheckbox(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _choices(question: Question, locale: str) -> list[SelectChoice]:
    key = "en" if locale.startswith("en") else "zh"
    return [SelectChoice(o["code"], o[key]) for o in question.options]


def _field(question: Question, locale: str):
    kind = question.type
    if kind in (QuestionType.SINGLE, QuestionType.YES_NO):
        return RadioField(choices=_choices(question, locale), validators=[Optional()])
    if kind is QuestionType.MULTIPLE:
        return _MultiCheckbox(choices=_choices(question, locale), validators=[Optional()])
    if kind is QuestionType.NUMBER:
        return FloatField(validators=[Optional()])
    if kind is QuestionType.DATE:
        return DateField(validators=[Optional()])
    if kind is QuestionType.TEXT:
        return StringField(validators=[Optional(), Length(max=200)])
    return TextAreaField(validators=[Optional(), Length(max=4000)])


def build_form(version: QuestionnaireVersion, programs: list[Program], locale: str) -> FlaskForm:
    """A fresh form class for this version and these programs, instantiated on the request."""
    fields = {item.name: _field(item.question, locale) for item in items(version, programs)}
    form_class = type("InterviewForm", (FlaskForm,), fields)
    return form_class()


def _value(form: FlaskForm, name: str):
    data = form[name].data
    if data in (None, "", []):
        return None
    return data


def check(form: FlaskForm, asked: list[Item]) -> bool:
    """Apply required answers and skip logic; put messages on the fields; True when all is well."""
    ok = form.validate()
    for item in asked:
        shown = is_shown(form, item)
        value = _value(form, item.name)
        if shown and item.question.required and value is None:
            form[item.name].errors = [*form[item.name].errors, _("请回答此题。")]
            ok = False
        elif not shown and value is not None:
            form[item.name].errors = [*form[item.name].errors, _("此题已跳过，不应有答案。")]
            ok = False
    return ok


def is_shown(form: FlaskForm, item: Item) -> bool:
    name = condition_field(form, item)
    if name is None:
        return True
    if name not in form:
        return False
    value = _value(form, name)
    wanted = item.question.condition["in"]
    values = value if isinstance(value, list) else [value]
    return any(v in wanted for v in values if v is not None)


def answers(form: FlaskForm, asked: list[Item]) -> list[dict]:
    """The answers in long form, one dict per answered question and program."""
    result = []
    for item in asked:
        value = _value(form, item.name)
        if value is None:
            continue
        row = {"question_id": item.question.id, "role": item.question.role,
               "program_id": item.program.id if item.program else None,
               "value": None, "number": None, "text": None}
        kind = item.question.type
        if kind in (QuestionType.SINGLE, QuestionType.YES_NO):
            row["value"] = value
        elif kind is QuestionType.MULTIPLE:
            row["value"] = " ".join(value)
        elif kind is QuestionType.NUMBER:
            row["number"] = float(value)
        elif kind is QuestionType.DATE:
            row["value"] = value.isoformat()
        else:
            row["text"] = value.strip()
        result.append(row)
    return result
