"""People and the versioned rosters (受益对象名册) they are on.

A person is one record across programs and versions, keyed by a keyed hash (HMAC) of the ID
number; the ID and phone numbers themselves are stored only encrypted, with a display mask beside.
A roster entry is valid over a range of version numbers, so a new version stores only what changed.
"""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.area import Area
from survey.models.base import Base, Digest, utcnow
from survey.models.program import Program
from survey.models.user import User


class Person(Base):
    __tablename__ = "person"
    #: A unique index, not a table constraint: a large import on SQLite drops and rebuilds it
    #: (see ``rosters.apply.insert_people``), which SQLite allows only for an index.
    __table_args__ = (sa.Index("ix_person_id_hash", "id_hash", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: HMAC-SHA256 of the normalised ID number: matching and de-duplication without plain text.
    id_hash: Mapped[str] = mapped_column(Digest)
    #: The ID number, AES-GCM encrypted with the configured key.
    id_encrypted: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: 3401**********123X, what lists and reports show.
    id_mask: Mapped[str] = mapped_column(sa.String(18))
    name: Mapped[str] = mapped_column(sa.String(60))
    is_demo: Mapped[bool] = mapped_column(default=False)


class RosterVersion(Base):
    __tablename__ = "roster_version"
    __table_args__ = (sa.UniqueConstraint("program_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("program.id"), index=True)
    #: 1, 2, 3 ... per program; each import of a full list is a new snapshot.
    number: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(255))
    row_count: Mapped[int]
    #: SHA-256 over the sorted entries: an identical file makes no new version.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    added: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)

    program: Mapped[Program] = relationship()
    imported_by: Mapped[User | None] = relationship()


class RosterEntry(Base):
    """One person on one program's roster, valid from ``first_version`` to ``last_version``."""

    __tablename__ = "roster_entry"
    __table_args__ = (
        sa.Index("ix_roster_entry_membership", "program_id", "first_version", "last_version"),
        sa.Index("ix_roster_entry_program_person", "program_id", "person_id"),
        sa.CheckConstraint(
            "last_version IS NULL OR last_version >= first_version", name="version_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("program.id"))
    #: No index of its own: lookups by person name the program ((program_id, person_id) index).
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    first_version: Mapped[int]
    #: The last version that still holds this entry; NULL while the entry is current.
    last_version: Mapped[int | None]
    #: The name as the department's list spells it.
    name: Mapped[str] = mapped_column(sa.String(60))
    phone_encrypted: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Not indexed: phone searches run inside one version, and an index on a random hash
    #: costs more than half of a large import on SQLite.
    phone_hash: Mapped[str | None] = mapped_column(Digest)
    phone_mask: Mapped[str | None] = mapped_column(sa.String(20))
    #: No index of its own either: counts by town are counts within a version.
    town_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"))
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    #: 发放日期, when the department says it paid or served this person.
    paid_on: Mapped[date | None]
    #: SHA-256 of the entry's content (keyed hashes, never plain numbers, go into it), to tell a
    #: changed person from an unchanged one; equal hashes imply the same person.
    content_hash: Mapped[str] = mapped_column(Digest)

    person: Mapped[Person] = relationship()
    town: Mapped[Area] = relationship(foreign_keys=[town_id])
    village: Mapped[Area | None] = relationship(foreign_keys=[village_id])

    @classmethod
    def in_version(cls, program_id: int, number: int) -> sa.ColumnElement[bool]:
        """The condition selecting the entries of one roster version."""
        return sa.and_(
            cls.program_id == program_id,
            cls.first_version <= number,
            sa.or_(cls.last_version.is_(None), cls.last_version >= number),
        )
