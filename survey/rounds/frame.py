"""A program's sampling frame: the entries of one roster version, turned into plain rows.

Each program's roster is its own frame (DESIGN.md, "Data decisions"). A unit's key is the keyed
hash of the person's ID number, so the same person keeps the same key, and the same permanent
random number, across programs, versions and rounds.
"""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Person, Program, RosterEntry, RosterVersion
from survey.rosters.service import current_version

#: Stratum label of an unstratified draw (the sampling library's ``UNSTRATIFIED``).
ALL = "all"


@dataclass(frozen=True)
class FrameRow:
    entry_id: int
    person_id: int
    key: str
    town_id: int
    village_id: int | None
    amount: Decimal | None

    @property
    def town_label(self) -> str:
        """The stratum label of the row's town: its area id, stable when a town is renamed."""
        return str(self.town_id)

    @property
    def size(self) -> float:
        """The PPS size measure: the amount paid, 0 when the roster gives none."""
        return float(self.amount) if self.amount is not None and self.amount > 0 else 0.0


@dataclass(frozen=True)
class Frame:
    program: Program
    version: RosterVersion
    rows: list[FrameRow]

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.rows]

    def by_key(self) -> dict[str, FrameRow]:
        return {r.key: r for r in self.rows}

    def town_counts(self) -> dict[str, int]:
        """N_h per town label, in label order (the preview's and the draw's order)."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.town_label] = counts.get(row.town_label, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: int(item[0])))


def load_frame(program: Program, version: RosterVersion | None = None) -> Frame | None:
    """The frame of ``version`` (default: the program's current roster), sorted by key."""
    version = version or current_version(program)
    if version is None:
        return None
    query = (
        sa.select(RosterEntry.id, RosterEntry.person_id, Person.id_hash, RosterEntry.town_id,
                  RosterEntry.village_id, RosterEntry.amount)
        .join(Person, Person.id == RosterEntry.person_id)
        .where(RosterEntry.in_version(version.program_id, version.number))
        .order_by(Person.id_hash)
    )
    rows = [FrameRow(*row) for row in db.session.execute(query)]
    return Frame(program, version, rows)
