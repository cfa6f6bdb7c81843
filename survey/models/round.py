"""Survey rounds (调查轮次), their plan, and the samples drawn for them."""

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, enum_type, utcnow
from survey.models.fieldwork import Mode
from survey.models.program import Program
from survey.models.questionnaire import QuestionnaireVersion
from survey.models.roster import Person, RosterEntry, RosterVersion
from survey.models.user import User


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class SampleDesign(enum.StrEnum):
    SIMPLE_RANDOM = "simple_random"  #: 简单随机抽样
    #: 分层抽样: strata are the towns inside each program's own frame, i.e. program × town.
    STRATIFIED = "stratified"
    SYSTEMATIC = "systematic"  #: 系统抽样, the frame sorted by town and village
    PPS = "pps"  #: 按规模成比例, the size being the amount paid on the roster


class Allocation(enum.StrEnum):
    PROPORTIONAL = "proportional"
    NEYMAN = "neyman"
    EQUAL = "equal"


class SizeBasis(enum.StrEnum):
    FIXED = "fixed"  #: the admin types each program's n
    PROGRAM = "program"  #: n per program from the target margin
    TOWN = "town"  #: n per program × town cell from the target margin (stratified only)


class Coordination(enum.StrEnum):
    NONE = "none"  #: independent of earlier rounds
    AVOID = "avoid"  #: leave out the people of recent rounds (negative coordination by PRN)
    PANEL = "panel"  #: keep the same people as the program's last round (positive coordination)


#: Replace a case that ended after ``max_attempts`` attempts without a final outcome.
REPLACE_AFTER_LIMIT = "limit"
DEFAULT_REPLACE_ON = ["2.11", "3.90", REPLACE_AFTER_LIMIT]


class Round(Base):
    """One survey wave: programs, questionnaire, modes, window, sample plan and attempt rules."""

    __tablename__ = "round"
    __table_args__ = (
        sa.CheckConstraint("target_margin > 0 AND target_margin < 0.5", name="margin"),
        sa.CheckConstraint("confidence_level >= 0.8 AND confidence_level < 1", name="level"),
        sa.CheckConstraint("anticipated_p > 0 AND anticipated_p < 1", name="anticipated_p"),
        sa.CheckConstraint("design_effect > 0 AND design_effect <= 10", name="deff"),
        sa.CheckConstraint("response_rate > 0 AND response_rate <= 1", name="response_rate"),
        sa.CheckConstraint("reserve_percent >= 0 AND reserve_percent <= 200", name="reserves"),
        sa.CheckConstraint("minimum_per_stratum IS NULL OR minimum_per_stratum >= 1",
                           name="minimum"),
        sa.CheckConstraint("coordination_rounds >= 1", name="coordination_rounds"),
        sa.CheckConstraint("max_attempts >= 1 AND max_attempts <= 30", name="max_attempts"),
        sa.CheckConstraint("fieldwork_end IS NULL OR fieldwork_start IS NULL"
                           " OR fieldwork_end >= fieldwork_start", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "period_kind"))
    #: "2011-07", "2011-Q3" or "2011".
    period: Mapped[str] = mapped_column(sa.String(10))
    #: The version the round started with; only the admin moves it to a newer one.
    questionnaire_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_version.id")
    )
    fieldwork_start: Mapped[date | None]
    fieldwork_end: Mapped[date | None]
    #: Local (Asia/Shanghai) hours in which surveyors may call.
    calling_from: Mapped[time] = mapped_column(default=time(9, 0))
    calling_to: Mapped[time] = mapped_column(default=time(20, 0))
    #: The modes the round uses, e.g. ["phone", "field"]; cases start in ``start_mode``.
    modes: Mapped[list] = mapped_column(sa.JSON, default=lambda: [Mode.PHONE.value])
    start_mode: Mapped[Mode] = mapped_column(enum_type(Mode, "round_start_mode"),
                                             default=Mode.PHONE)
    design: Mapped[SampleDesign] = mapped_column(enum_type(SampleDesign, "sample_design"),
                                                 default=SampleDesign.SIMPLE_RANDOM)
    allocation: Mapped[Allocation] = mapped_column(enum_type(Allocation, "allocation"),
                                                   default=Allocation.PROPORTIONAL)
    minimum_per_stratum: Mapped[int | None]
    size_basis: Mapped[SizeBasis] = mapped_column(enum_type(SizeBasis, "size_basis"),
                                                  default=SizeBasis.FIXED)
    #: Half-width of the confidence interval wanted, as a proportion (0.05 = ±5 points).
    target_margin: Mapped[float] = mapped_column(default=0.05)
    confidence_level: Mapped[float] = mapped_column(default=0.95)
    anticipated_p: Mapped[float] = mapped_column(default=0.5)
    #: Neyman allocation's anticipated proportion per town: {"<town id>": 0.8, ...}.
    anticipated_by_town: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    design_effect: Mapped[float] = mapped_column(default=1.0)
    response_rate: Mapped[float] = mapped_column(default=1.0)
    #: Reserves per stratum as a percentage of the stratum's sample (rounded up).
    reserve_percent: Mapped[int] = mapped_column(default=20)
    coordination: Mapped[Coordination] = mapped_column(enum_type(Coordination, "coordination"),
                                                       default=Coordination.NONE)
    #: With AVOID: how many earlier rounds of the program must not be asked again.
    coordination_rounds: Mapped[int] = mapped_column(default=1)
    #: Contact attempts per case and mode before the case ends as unreachable.
    max_attempts: Mapped[int] = mapped_column(default=5)
    #: Final disposition codes (and REPLACE_AFTER_LIMIT) that release a reserve.
    replace_on: Mapped[list] = mapped_column(sa.JSON, default=lambda: list(DEFAULT_REPLACE_ON))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    created_by: Mapped[User | None] = relationship()
    programs: Mapped[list["RoundProgram"]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )
    draws: Mapped[list["SampleDraw"]] = relationship(back_populates="round",
                                                     order_by="SampleDraw.id")


class RoundProgram(Base):
    """A program of a round; ``sample_size`` is its n when the size basis is fixed."""

    __tablename__ = "round_program"
    __table_args__ = (sa.CheckConstraint("sample_size IS NULL OR sample_size > 0",
                                         name="sample_size_positive"),)

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("program.id"), primary_key=True)
    sample_size: Mapped[int | None]

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
    #: The roster version's own fingerprint (SHA-256 of its entries) at the time of drawing.
    roster_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    design: Mapped[str] = mapped_column(sa.String(24))
    #: The seed the admin saw or typed; ``seed`` is this program's seed derived from it.
    round_seed: Mapped[int] = mapped_column(sa.BigInteger)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    #: Other inputs of the design: strata with N_h, n_h, reserves and PRN starts, allocation ...
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    population: Mapped[int]
    #: The sampling library's order-independent digest of the frame's unit keys.
    frame_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    library_version: Mapped[str] = mapped_column(sa.String(20))
    drawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(back_populates="draws")
    program: Mapped[Program] = relationship()
    roster_version: Mapped[RosterVersion] = relationship()
    drawn_by: Mapped[User | None] = relationship()
    units: Mapped[list["SampleUnit"]] = relationship(back_populates="draw",
                                                     cascade="all, delete-orphan")


class SampleUnit(Base):
    """A drawn person with the design facts the estimates need; reserves carry their order."""

    __tablename__ = "sample_unit"
    __table_args__ = (
        sa.UniqueConstraint("draw_id", "person_id"),
        sa.UniqueConstraint("draw_id", "stratum", "reserve_order"),
        # A unit is replaced at most once, even when two releases race.
        sa.UniqueConstraint("replaces_id"),
        sa.CheckConstraint(
            "inclusion_probability > 0 AND inclusion_probability <= 1", name="probability"
        ),
        sa.CheckConstraint("reserve_order IS NULL OR reserve_order >= 1", name="reserve_order"),
        sa.CheckConstraint("replaces_id IS NULL OR reserve_order IS NOT NULL",
                           name="only_reserves_replace"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(sa.ForeignKey("sample_draw.id"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_entry.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    #: The case that works this unit; NULL for a reserve not yet released.
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_case.id"), index=True)
    #: The town's area id as text for stratified draws, "all" otherwise.
    stratum: Mapped[str] = mapped_column(sa.String(60))
    #: N_h, the population of the unit's stratum.
    stratum_population: Mapped[int]
    inclusion_probability: Mapped[float]
    #: The design weight 1 / inclusion probability (N_h / n_h for a stratified simple sample).
    weight: Mapped[float]
    #: 1, 2, ... for reserves in their fixed random order; NULL for the main sample.
    reserve_order: Mapped[int | None]
    #: The unit this reserve replaced when it was released.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sample_unit.id"))
    released_at: Mapped[datetime | None]

    draw: Mapped[SampleDraw] = relationship(back_populates="units")
    entry: Mapped[RosterEntry] = relationship()
    person: Mapped[Person] = relationship()
    replaces: Mapped["SampleUnit | None"] = relationship(remote_side=[id])
