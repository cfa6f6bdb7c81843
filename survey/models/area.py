"""The district's two-level area tree: towns (街镇) and villages (村居)."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, enum_type


class AreaKind(enum.StrEnum):
    SUBDISTRICT = "subdistrict"  #: 街道
    TOWN = "town"  #: 镇
    DEVELOPMENT_ZONE = "zone"  #: 开发区
    VILLAGE = "village"  #: 村
    COMMUNITY = "community"  #: 社区

    @property
    def is_town(self) -> bool:
        return self in (AreaKind.SUBDISTRICT, AreaKind.TOWN, AreaKind.DEVELOPMENT_ZONE)


class Area(Base):
    __tablename__ = "area"
    __table_args__ = (
        sa.UniqueConstraint("parent_id", "name"),
        sa.CheckConstraint(
            "(parent_id IS NULL AND kind IN ('subdistrict','town','zone'))"
            " OR (parent_id IS NOT NULL AND kind IN ('village','community'))",
            name="level",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[AreaKind] = mapped_column(enum_type(AreaKind, "area_kind"))
    #: The town a village belongs to; NULL for a town.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    #: Marks the generated demo district, so nobody mistakes it for real data.
    is_demo: Mapped[bool] = mapped_column(default=False)

    parent: Mapped["Area | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Area"]] = relationship(back_populates="parent", order_by="Area.name")

    def __repr__(self) -> str:
        return f"<Area {self.name}>"
