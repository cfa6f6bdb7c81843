"""Survey rounds (调查轮次) and the samples drawn for them."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, enum_type, utcnow
from survey.models.program import Program
from survey.models.questionnaire import QuestionnaireVersion
from survey.models.roster import Person, RosterEntry, RosterVersion
from survey.models.user import User


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Round(Base):
    __tablename__ = "round"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "period_kind"))
    #: "2011-07", "2011-Q3" or "2011".
    period: Mapped[str] = mapped_column(sa.String(10))
    questionnaire_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_version.id")
    )
    fieldwork_start: Mapped[date | None]
    fieldwork_end: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    created_by: Mapped[User | None] = relationship()
    programs: Mapped[list["RoundProgram"]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )
    draws: Mapped[list["SampleDraw"]] = relationship(back_populates="round")


class RoundProgram(Base):
    """A program of a round and how many of its people to draw."""

    __tablename__ = "round_program"
    __table_args__ = (sa.CheckConstraint("sample_size > 0", name="sample_size_positive"),)

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("program.id"), primary_key=True)
    sample_size: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="programs")
    program: Mapped[Program] = relationship()


class SampleDraw(Base):
    """One program's sample in one round, with everything needed to draw it again."""

    __tablename__ = "sample_draw"
    # One draw per program and round, enforced by the database: a double click draws once.
    __table_args__ = (sa.UniqueConstraint("round_id", "program_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"))
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("program.id"))
    roster_version_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_version.id"))
    design: Mapped[str] = mapped_column(sa.String(24))
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    #: Other inputs of the design (allocation, strata variable, reserves ...).
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    population: Mapped[int]
    frame_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    library_version: Mapped[str] = mapped_column(sa.String(20))
    drawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(back_populates="draws")
    program: Mapped[Program] = relationship()
    roster_version: Mapped[RosterVersion] = relationship()
    drawn_by: Mapped[User | None] = relationship()
    units: Mapped[list["SampleUnit"]] = relationship(back_populates="draw")


class SampleUnit(Base):
    """A drawn person with the design facts the estimates need; reserves carry their order."""

    __tablename__ = "sample_unit"
    __table_args__ = (
        sa.UniqueConstraint("draw_id", "person_id"),
        sa.CheckConstraint(
            "inclusion_probability > 0 AND inclusion_probability <= 1", name="probability"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(sa.ForeignKey("sample_draw.id"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_entry.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    #: The case that works this unit; NULL for a reserve not yet released.
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_case.id"), index=True)
    stratum: Mapped[str] = mapped_column(sa.String(60))
    #: N_h, the population of the unit's stratum.
    stratum_population: Mapped[int]
    inclusion_probability: Mapped[float]
    weight: Mapped[float]
    #: 1, 2, ... for reserves in their fixed random order; NULL for the main sample.
    reserve_order: Mapped[int | None]
    #: The unit this reserve replaced when it was released.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sample_unit.id"))

    draw: Mapped[SampleDraw] = relationship(back_populates="units")
    entry: Mapped[RosterEntry] = relationship()
    person: Mapped[Person] = relationship()
