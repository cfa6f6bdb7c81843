"""Questionnaires stored as data: install the shipped ones, find versions, freeze on first use."""

import json
from pathlib import Path

import sqlalchemy as sa

from survey.extensions import db
from survey.models import (
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionRole,
    QuestionType,
    utcnow,
)

STANDARD = Path(__file__).with_name("standard.json")


def install(path: Path = STANDARD) -> QuestionnaireVersion:
    """Create a shipped questionnaire unless it exists; return its latest version."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    questionnaire = db.session.scalar(
        sa.select(Questionnaire).where(Questionnaire.code == spec["code"])
    )
    if questionnaire is not None:
        return questionnaire.versions[-1]
    questionnaire = Questionnaire(
        code=spec["code"], title_zh=spec["title_zh"], title_en=spec["title_en"]
    )
    version = QuestionnaireVersion(questionnaire=questionnaire, number=1)
    for position, item in enumerate(spec["questions"], start=1):
        version.questions.append(_question(item, position))
    db.session.add(questionnaire)
    db.session.commit()
    return version


def _question(item: dict, position: int) -> Question:
    return Question(
        position=position, code=item["code"], role=QuestionRole(item["role"]),
        type=QuestionType(item["type"]), text_zh=item["text_zh"], text_en=item["text_en"],
        instructions_zh=item.get("instructions_zh", ""),
        instructions_en=item.get("instructions_en", ""), options=item.get("options", []),
        required=item.get("required", True), per_program=item.get("per_program", False),
        program_kinds=item.get("program_kinds"), condition=item.get("condition"),
    )


def latest_versions() -> list[QuestionnaireVersion]:
    """The newest version of every questionnaire, for a round to choose from."""
    newest = (sa.select(sa.func.max(QuestionnaireVersion.id))
              .group_by(QuestionnaireVersion.questionnaire_id))
    query = sa.select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(newest))
    return list(db.session.scalars(query))


def freeze(version: QuestionnaireVersion) -> None:
    """Mark a version as used by a response: from now on it never changes."""
    if version.frozen_at is None:
        version.frozen_at = utcnow()
