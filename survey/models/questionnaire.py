"""Questionnaires as data: versions, their sections and questions, each question tagged with a role.

A version is frozen once a response uses it and never changes again; an edit then makes a new
version (see ``survey.questionnaires.versions``). The database holds what fits in a CHECK: which
type a role needs and the shape of a number range; the fixed answer codes of the scale types are
checked in ``survey.questionnaires.spec`` before anything is written.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, enum_type, utcnow
from survey.models.program import SampledFrom


class QuestionRole(enum.StrEnum):
    IDENTITY = "identity"  #: identity check
    AWARENESS = "awareness"  #: 知晓
    RECEIVED = "received"  #: did the person receive the benefit at all
    DELIVERY = "delivery"  #: in full and on time / as promised
    AMOUNT = "amount"  #: the amount received (a number); not part of any rate
    SATISFACTION = "satisfaction"  #: 满意度
    REASON = "reason"
    OTHER = "other"


class QuestionType(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SATISFACTION = "satisfaction"  #: the five-point scale plus 说不清, fixed codes
    AWARENESS = "awareness"  #: 知道 / 听说过 / 不知道, fixed codes
    YES_NO = "yes_no"  #: yes / no, optionally 说不清
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"
    LONG_TEXT = "long_text"


#: The type a role requires; the statistics read these roles by their standard codes.
ROLE_TYPES = {
    QuestionRole.AWARENESS: QuestionType.AWARENESS,
    QuestionRole.SATISFACTION: QuestionType.SATISFACTION,
    QuestionRole.RECEIVED: QuestionType.YES_NO,
    QuestionRole.DELIVERY: QuestionType.SINGLE,
    QuestionRole.AMOUNT: QuestionType.NUMBER,
}

CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SATISFACTION,
                          QuestionType.AWARENESS, QuestionType.YES_NO})


def _role_checks() -> list[sa.CheckConstraint]:
    return [
        sa.CheckConstraint(f"role <> '{role.value}' OR type = '{kind.value}'",
                           name=f"{role.value}_type")
        for role, kind in ROLE_TYPES.items()
    ]


class Questionnaire(Base):
    __tablename__ = "questionnaire"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(120))
    title_en: Mapped[str] = mapped_column(sa.String(160))
    #: Whose programs the per-program sections are about: those the respondent was drawn for
    #: from rosters, or the public programs (asked of everyone).
    audience: Mapped[SampledFrom] = mapped_column(
        enum_type(SampledFrom, "questionnaire_audience"), default=SampledFrom.ROSTER
    )

    versions: Mapped[list["QuestionnaireVersion"]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number"
    )

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") else self.title_zh


class QuestionnaireVersion(Base):
    __tablename__ = "questionnaire_version"
    __table_args__ = (
        sa.UniqueConstraint("questionnaire_id", "number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire.id"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: What changed from the previous version, or where it came from (an XLSForm file).
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Set when the first response uses this version; a frozen version never changes again.
    frozen_at: Mapped[datetime | None]

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
    sections: Mapped[list["Section"]] = relationship(
        back_populates="version", order_by="Section.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="version", order_by="Question.position", cascade="all, delete-orphan",
        overlaps="section",
    )


class Section(Base):
    """A titled part of a version; a per-program section is repeated for each program."""

    __tablename__ = "question_section"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "code"),
        sa.UniqueConstraint("version_id", "position"),
        sa.UniqueConstraint("id", "version_id"),  # lets a question's (section, version) be a FK
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_version.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(40))
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    #: Asked once per program of the round that the respondent was drawn for.
    per_program: Mapped[bool] = mapped_column(default=False)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="sections")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="section", order_by="Question.position", overlaps="questions,version",
    )

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") else self.title_zh


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "code"),
        sa.ForeignKeyConstraint(["section_id", "version_id"],
                                ["question_section.id", "question_section.version_id"]),
        *_role_checks(),
        sa.CheckConstraint("type = 'number' OR (min_value IS NULL AND max_value IS NULL)",
                           name="range_on_numbers"),
        sa.CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value",
                           name="range_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_version.id"), index=True)
    section_id: Mapped[int] = mapped_column(index=True)
    #: Order within the whole version (sections in order, then questions in order).
    position: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(40))
    role: Mapped[QuestionRole] = mapped_column(enum_type(QuestionRole, "question_role"))
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType, "question_type"))
    text_zh: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)
    #: The phone script read before the question (greeting, transition); surveyors only.
    script_zh: Mapped[str] = mapped_column(sa.Text, default="")
    script_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: Interviewer instructions; shown to the surveyor, never to a resident.
    instructions_zh: Mapped[str] = mapped_column(sa.Text, default="")
    instructions_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: [{"code": "know", "zh": "知道", "en": "Know it", "read_out": true}, ...]
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=True)
    #: The accepted range of a number question (either end may be open).
    min_value: Mapped[float | None]
    max_value: Mapped[float | None]
    #: Program kinds the question applies to (["cash"]); NULL means every kind.
    program_kinds: Mapped[list | None] = mapped_column(sa.JSON)
    #: Skip logic: {"question": "received", "in": ["yes"]}; NULL means always asked.
    condition: Mapped[dict | None] = mapped_column(sa.JSON)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="questions",
                                                         overlaps="questions")
    section: Mapped[Section] = relationship(back_populates="questions",
                                            overlaps="questions,version")

    @property
    def per_program(self) -> bool:
        return self.section.per_program

    @property
    def has_options(self) -> bool:
        return self.type in CHOICE_TYPES

    def text(self, locale: str) -> str:
        return self.text_en if locale.startswith("en") else self.text_zh

    def script(self, locale: str) -> str:
        return self.script_en if locale.startswith("en") else self.script_zh

    def instructions(self, locale: str) -> str:
        return self.instructions_en if locale.startswith("en") else self.instructions_zh
