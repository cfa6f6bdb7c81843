"""What each audience sees of a questionnaire: the surveyor on the phone or on a visit, a resident.

:func:`screens` turns asked items into plain view objects that ``templates/questionnaires/
_questions.html`` draws, the same for the interview, the builder's previews and (later) the
resident's own form:

- ``phone``: the phone script, the interviewer instructions and the "not read out" marks;
- ``field``: instructions and "not read out" marks, no phone script (the surveyor is there);
- ``web``: a resident on a phone screen: the questions and every option, nothing meant for the
  surveyor.

Texts are plain strings; the template escapes them, so HTML typed into a question shows as text.
"""

from dataclasses import dataclass, field
from typing import Literal

from flask_wtf import FlaskForm

from survey.questionnaires.form import Item, condition_field, display_text

Mode = Literal["phone", "field", "web"]
MODES: tuple[Mode, ...] = ("phone", "field", "web")


@dataclass(frozen=True)
class Choice:
    widget: object  #: the option's WTForms subfield
    label: str
    not_read_out: bool  #: marked for the surveyor; a resident sees a plain option


@dataclass
class Screen:
    """One question as one audience sees it."""

    item: Item
    field: object
    text: str
    script: str = ""
    instructions: str = ""
    heading: str | None = None  #: set on the first question of a section or program block
    choices: list[Choice] = field(default_factory=list)
    show_if: str | None = None
    show_values: str = ""

    @property
    def required(self) -> bool:
        return self.item.question.required


def _heading(item: Item, locale: str) -> str:
    title = item.section.title(locale) or item.section.title_zh
    return f"{title} · {item.program.name(locale)}" if item.program else title


def screens(form: FlaskForm, asked: list[Item], *, mode: Mode, person: str,
            locale: str) -> list[Screen]:
    """The view objects for ``asked`` in ``mode``; see the module docstring."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    surveyor = mode != "web"
    result, block = [], None
    for item in asked:
        question, bound = item.question, form[item.name]
        here = (item.section.id, item.program.id if item.program else None)

        def words(text: str, item=item) -> str:
            return display_text(text, person=person, program=item.program, locale=locale)

        screen = Screen(item, bound, words(question.text(locale) or question.text_zh))
        if here != block:
            screen.heading, block = _heading(item, locale), here
        if surveyor:
            screen.instructions = words(question.instructions(locale) or question.instructions_zh)
        if mode == "phone":
            screen.script = words(question.script(locale) or question.script_zh)
        if question.has_options:
            screen.choices = [Choice(sub, sub.label.text, surveyor and not spec["read_out"])
                              for sub, spec in zip(bound, question.options, strict=True)]
        if (name := condition_field(form, item)) is not None:
            screen.show_if = name
            screen.show_values = " ".join(question.condition["in"])
        result.append(screen)
    return result
