"""The builder's edits as pure changes of a spec; :func:`service.save` then checks and writes it.

Each function returns a new spec and raises :class:`EditRefused` (a Chinese message) when the
thing to change is not there, so a stale page never edits the wrong question.
"""

import copy

from flask_babel import gettext as _


class EditRefused(ValueError):
    """The edit names a section or question the version does not have."""


def _section(spec: dict, code: str) -> dict:
    for section in spec["sections"]:
        if section["code"] == code:
            return section
    raise EditRefused(_("没有代码为“%(code)s”的部分。", code=code))


def find_question(spec: dict, code: str) -> tuple[dict, dict]:
    """(section, question) of the question with ``code``."""
    for section in spec["sections"]:
        for question in section["questions"]:
            if question["code"] == code:
                return section, question
    raise EditRefused(_("没有代码为“%(code)s”的题目。", code=code))


def put_question(spec: dict, section_code: str, question: dict,
                 replacing: str | None = None) -> dict:
    """Add a question at the end of a section, or replace one (in place if it stays put)."""
    spec = copy.deepcopy(spec)
    target = _section(spec, section_code)
    if replacing is not None:
        section, old = find_question(spec, replacing)
        if section is target:
            target["questions"][target["questions"].index(old)] = question
            return spec
        section["questions"].remove(old)
    target["questions"].append(question)
    return spec


def remove_question(spec: dict, code: str) -> dict:
    spec = copy.deepcopy(spec)
    section, question = find_question(spec, code)
    section["questions"].remove(question)
    return spec


def _move(items: list, index: int, step: int) -> None:
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]


def move_question(spec: dict, code: str, step: int) -> dict:
    """Move a question one place up (-1) or down (+1) inside its section."""
    spec = copy.deepcopy(spec)
    section, question = find_question(spec, code)
    _move(section["questions"], section["questions"].index(question), step)
    return spec


def put_section(spec: dict, section: dict, replacing: str | None = None) -> dict:
    """Add a section at the end, or change one's code, titles and per-program flag."""
    spec = copy.deepcopy(spec)
    if replacing is None:
        spec["sections"].append({**section, "questions": []})
        return spec
    old = _section(spec, replacing)
    old.update({k: v for k, v in section.items() if k != "questions"})
    return spec


def remove_section(spec: dict, code: str) -> dict:
    """Remove an empty section (its questions must be moved or removed first)."""
    spec = copy.deepcopy(spec)
    section = _section(spec, code)
    if section["questions"]:
        raise EditRefused(_("该部分还有题目，请先移走或删除这些题目。"))
    spec["sections"].remove(section)
    return spec


def move_section(spec: dict, code: str, step: int) -> dict:
    spec = copy.deepcopy(spec)
    _move(spec["sections"], spec["sections"].index(_section(spec, code)), step)
    return spec
