"""The catalog of livelihood programs (民生工程项目)."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, enum_type


class ProgramKind(enum.StrEnum):
    CASH = "cash"  #: 资金发放类
    SERVICE = "service"  #: 服务类
    WORKS = "works"  #: 工程建设类


class SampledFrom(enum.StrEnum):
    ROSTER = "roster"  #: drawn from the program's roster of beneficiaries
    PUBLIC = "public"  #: no roster: asked of every respondent


class Program(Base):
    __tablename__ = "program"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[ProgramKind] = mapped_column(enum_type(ProgramKind, "program_kind"))
    sampled_from: Mapped[SampledFrom] = mapped_column(enum_type(SampledFrom, "sampled_from"))
    #: A sensitive roster (infectious disease) is seen only by admins and the round's staff.
    sensitive: Mapped[bool] = mapped_column(default=False)
    department: Mapped[str] = mapped_column(sa.String(60))
    target: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh

    @property
    def has_roster(self) -> bool:
        return self.sampled_from is SampledFrom.ROSTER

    @property
    def has_delivery(self) -> bool:
        return self.kind is not ProgramKind.WORKS and self.has_roster

    def __repr__(self) -> str:
        return f"<Program {self.code}>"
