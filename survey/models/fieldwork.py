"""Cases (调查任务), their contact attempts (接触记录) and responses (答卷) with long answers."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, enum_type, utcnow
from survey.models.questionnaire import QuestionnaireVersion, QuestionRole
from survey.models.roster import Person
from survey.models.user import User

if TYPE_CHECKING:
    from survey.models.round import Round, SampleUnit


class Mode(enum.StrEnum):
    PHONE = "phone"  #: 电话抽查
    FIELD = "field"  #: 实地走访
    WEB = "web"  #: resident self-response


class Case(Base):
    """One sampled person to be reached in one round; its state is derived from its history."""

    __tablename__ = "survey_case"
    __table_args__ = (sa.UniqueConstraint("round_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    mode: Mapped[Mode] = mapped_column(enum_type(Mode, "case_mode"), default=Mode.PHONE)
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped["Round"] = relationship()
    person: Mapped[Person] = relationship()
    assigned_to: Mapped[User | None] = relationship()
    units: Mapped[list["SampleUnit"]] = relationship(foreign_keys="SampleUnit.case_id")
    attempts: Mapped[list["ContactAttempt"]] = relationship(
        back_populates="case", order_by="ContactAttempt.id"
    )
    response: Mapped["Response | None"] = relationship(back_populates="case")


class ContactAttempt(Base):
    """One call or visit, appended and never edited."""

    __tablename__ = "contact_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_case.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    mode: Mapped[Mode] = mapped_column(enum_type(Mode, "attempt_mode"))
    #: AAPOR Standard Definitions disposition code, e.g. "1.1" complete, "2.11" refusal.
    disposition: Mapped[str] = mapped_column(sa.String(6))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="attempts")
    user: Mapped[User | None] = relationship()


class Response(Base):
    """The answers of one interview; at most one per case, stored once or not at all."""

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_case.id"), unique=True)
    questionnaire_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_version.id")
    )
    mode: Mapped[Mode] = mapped_column(enum_type(Mode, "response_mode"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="response")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    answers: Mapped[list["Answer"]] = relationship(back_populates="response")


class Answer(Base):
    """One answer in long form: response × program × question, with the question's role."""

    __tablename__ = "answer"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id", "program_id"),
        sa.Index("ix_answer_role_value", "program_id", "role", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("response.id"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"))
    #: The program a per-program block was asked about; NULL for general questions.
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("program.id"))
    role: Mapped[QuestionRole] = mapped_column(enum_type(QuestionRole, "answer_role"))
    #: The coded answer ("know", "satisfied", "yes" ...); several codes joined by spaces.
    value: Mapped[str | None] = mapped_column(sa.String(200))
    number: Mapped[float | None]
    text: Mapped[str | None] = mapped_column(sa.Text)

    response: Mapped[Response] = relationship(back_populates="answers")
