"""Questionnaires stored as data: write a spec, copy on write, install the shipped templates.

Every change goes through :func:`save`: a version that no response has used is rewritten in place;
a frozen one (a response used it) is never touched, and the change becomes the next version. Old
responses keep pointing at the version (and question rows) they were answered on, and the
statistics read answers by role and code, so every version counts alike.
"""

import json
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from survey.extensions import db
from survey.models import (
    AuditEvent,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionRole,
    QuestionType,
    Response,
    SampledFrom,
    Section,
    User,
    utcnow,
)
from survey.questionnaires.spec import Problem, normalized, problems

SHIPPED_DIR = Path(__file__).with_name("shipped")
#: The shipped templates, installed by ``flask setup``: the standard phone spot check first.
SHIPPED = (SHIPPED_DIR / "standard.json", SHIPPED_DIR / "public.json")


class SpecRefused(ValueError):
    """The spec breaks rules; nothing was written. ``problems`` says which and where."""

    def __init__(self, found: list[Problem]):
        super().__init__("; ".join(str(p) for p in found))
        self.problems = found


def spec_of(version: QuestionnaireVersion) -> dict:
    """The version as a normalized spec (the form the builder edits and the XLSForm carries)."""
    questionnaire = version.questionnaire
    return normalized({
        "code": questionnaire.code, "title_zh": questionnaire.title_zh,
        "title_en": questionnaire.title_en, "audience": questionnaire.audience.value,
        "sections": [{
            "code": s.code, "title_zh": s.title_zh, "title_en": s.title_en,
            "per_program": s.per_program,
            "questions": [_question_spec(q) for q in s.questions],
        } for s in version.sections],
    })


def _question_spec(q: Question) -> dict:
    return {
        "code": q.code, "role": q.role.value, "type": q.type.value, "text_zh": q.text_zh,
        "text_en": q.text_en, "script_zh": q.script_zh, "script_en": q.script_en,
        "instructions_zh": q.instructions_zh, "instructions_en": q.instructions_en,
        "options": q.options, "required": q.required, "min_value": q.min_value,
        "max_value": q.max_value, "program_kinds": q.program_kinds, "condition": q.condition,
    }


def _write(version: QuestionnaireVersion, spec: dict) -> None:
    position = 0
    for number, item in enumerate(spec["sections"], start=1):
        section = Section(position=number, code=item["code"], title_zh=item["title_zh"].strip(),
                          title_en=item["title_en"].strip(), per_program=item["per_program"])
        version.sections.append(section)  # appended from the parent, so the session cascades
        for question in item["questions"]:
            position += 1
            fields = dict(question, role=QuestionRole(question["role"]),
                          type=QuestionType(question["type"]))
            row = Question(position=position, **fields)
            version.questions.append(row)
            section.questions.append(row)


def _checked(spec: dict) -> dict:
    spec = normalized(spec)
    found = problems(spec)
    if found:
        raise SpecRefused(found)
    return spec


def _audit(by: User | None, action: str, version: QuestionnaireVersion, **detail) -> None:
    """Record what a person did; the system installing its own templates is not audited."""
    if by is None:
        return
    db.session.add(AuditEvent(user_id=by.id, action=action,
                              object_type="questionnaire_version", object_id=version.id,
                              detail={"number": version.number, **detail}))


def create(spec: dict, *, by: User | None, note: str = "") -> QuestionnaireVersion:
    """A new questionnaire with its first version; its code must be new."""
    spec = _checked(spec)
    if by_code(spec["code"]) is not None:
        raise SpecRefused([Problem(_("问卷代码“%(code)s”已被使用。", code=spec["code"]))])
    questionnaire = Questionnaire(code=spec["code"], title_zh=spec["title_zh"].strip(),
                                  title_en=spec["title_en"].strip(),
                                  audience=SampledFrom(spec["audience"]))
    version = QuestionnaireVersion(questionnaire=questionnaire, number=1, note=note,
                                   created_by_id=by.id if by else None)
    _write(version, spec)
    db.session.add(questionnaire)
    db.session.flush()
    _audit(by, "questionnaire.create", version, code=spec["code"])
    db.session.commit()
    return version


def by_code(code: str) -> Questionnaire | None:
    return db.session.scalar(sa.select(Questionnaire).where(Questionnaire.code == code))


def is_frozen(version: QuestionnaireVersion) -> bool:
    """Frozen once marked, or once any response uses it (checked, not only trusted)."""
    if version.frozen_at is not None:
        return True
    used = sa.select(Response.id).where(Response.questionnaire_version_id == version.id).limit(1)
    return db.session.scalar(used) is not None


def latest(questionnaire: Questionnaire) -> QuestionnaireVersion:
    return questionnaire.versions[-1]


def save(version: QuestionnaireVersion, spec: dict, *, by: User | None,
         note: str = "") -> QuestionnaireVersion:
    """Write ``spec`` as the new content of ``version``'s questionnaire; return the version written.

    Only the newest version is edited. If it is frozen, a new version is made (copy on write);
    otherwise it is rewritten in place. The row is locked so that a response arriving at the same
    moment either sees the old content frozen or waits for the new.
    """
    spec = _checked(spec)
    questionnaire = version.questionnaire
    if spec["code"] != questionnaire.code:
        raise SpecRefused([Problem(_("不能修改问卷代码。"))])
    if version is not latest(questionnaire):
        raise SpecRefused([Problem(_("只能修改最新版本（第%(n)s版）。",
                                     n=latest(questionnaire).number))])
    db.session.execute(sa.select(QuestionnaireVersion.id)
                       .where(QuestionnaireVersion.id == version.id).with_for_update())
    db.session.refresh(version)
    questionnaire.title_zh, questionnaire.title_en = spec["title_zh"].strip(), spec["title_en"]
    questionnaire.audience = SampledFrom(spec["audience"])
    if spec["sections"] == spec_of(version)["sections"]:
        db.session.commit()  # only the title or audience changed: no new version needed
        return version
    if is_frozen(version):
        written = QuestionnaireVersion(questionnaire=questionnaire, number=version.number + 1,
                                       note=note, created_by_id=by.id if by else None)
        db.session.add(written)
    else:
        written = version
        written.questions.clear()
        written.sections.clear()
        db.session.flush()  # delete the old rows before their codes are used again
        written.note = note or written.note
    _write(written, spec)
    db.session.flush()
    _audit(by, "questionnaire.save", written, based_on=version.id, note=note)
    db.session.commit()
    return written


def install(paths=SHIPPED) -> QuestionnaireVersion:
    """Create each shipped questionnaire unless it exists; return the first one's latest version."""
    first = None
    for path in paths:
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
        questionnaire = by_code(spec["code"])
        version = latest(questionnaire) if questionnaire else create(
            spec, by=None, note="系统自带模板")
        first = first or version
    return first


def latest_versions() -> list[QuestionnaireVersion]:
    """The newest version of every questionnaire, for a round to choose from, oldest first."""
    newest = (sa.select(sa.func.max(QuestionnaireVersion.id))
              .group_by(QuestionnaireVersion.questionnaire_id))
    query = (sa.select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(newest))
             .order_by(QuestionnaireVersion.questionnaire_id))
    return list(db.session.scalars(query))


def freeze(version: QuestionnaireVersion) -> None:
    """Mark a version as used by a response: from now on it never changes."""
    if version.frozen_at is None:
        version.frozen_at = utcnow()
