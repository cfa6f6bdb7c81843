"""Questionnaires as data: versions and their questions, each tagged with a role."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, enum_type, utcnow


class QuestionRole(enum.StrEnum):
    IDENTITY = "identity"  #: identity check
    AWARENESS = "awareness"  #: 知晓
    RECEIVED = "received"  #: did the person receive the benefit at all
    DELIVERY = "delivery"  #: in full and on time / as promised
    SATISFACTION = "satisfaction"  #: 满意度
    REASON = "reason"
    OTHER = "other"


class QuestionType(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    YES_NO = "yes_no"
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"
    LONG_TEXT = "long_text"


class Questionnaire(Base):
    __tablename__ = "questionnaire"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(120))
    title_en: Mapped[str] = mapped_column(sa.String(160))

    versions: Mapped[list["QuestionnaireVersion"]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number"
    )

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") else self.title_zh


class QuestionnaireVersion(Base):
    __tablename__ = "questionnaire_version"
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire.id"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the first response uses this version; a frozen version never changes again.
    frozen_at: Mapped[datetime | None]

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="version", order_by="Question.position"
    )


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_version.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(40))
    role: Mapped[QuestionRole] = mapped_column(enum_type(QuestionRole, "question_role"))
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType, "question_type"))
    text_zh: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)
    #: Shown to the surveyor (phone script, instructions), never to a resident.
    instructions_zh: Mapped[str] = mapped_column(sa.Text, default="")
    instructions_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: [{"code": "know", "zh": "知道", "en": "Know it", "read_out": true}, ...]
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=True)
    #: Asked once per program of the round that the respondent was drawn for.
    per_program: Mapped[bool] = mapped_column(default=False)
    #: Program kinds the question applies to (["cash"]); NULL means every kind.
    program_kinds: Mapped[list | None] = mapped_column(sa.JSON)
    #: Skip logic: {"question": "received", "in": ["yes"]}; NULL means always asked.
    condition: Mapped[dict | None] = mapped_column(sa.JSON)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="questions")

    def text(self, locale: str) -> str:
        return self.text_en if locale.startswith("en") else self.text_zh

    def instructions(self, locale: str) -> str:
        return self.instructions_en if locale.startswith("en") else self.instructions_zh
