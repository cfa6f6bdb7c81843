"""What the roster pages show: versions, counts per town and village, what changed."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from survey.extensions import db
from survey.models import Area, Program, Role, RosterEntry, RosterImport, RosterVersion, User

#: People listed per kind of change on a version's changes page.
CHANGES_SHOWN = 200


def may_see(user: User, program: Program) -> bool:
    """Admins see every roster; supervisors all but the sensitive ones (whose people they meet
    only through the cases of their rounds)."""
    return user.role is Role.ADMIN or (user.role is Role.SUPERVISOR and not program.sensitive)


def latest_versions() -> dict[int, RosterVersion]:
    newest = (sa.select(RosterVersion.program_id, sa.func.max(RosterVersion.number).label("n"))
              .group_by(RosterVersion.program_id).subquery())
    query = sa.select(RosterVersion).join(newest, sa.and_(
        RosterVersion.program_id == newest.c.program_id, RosterVersion.number == newest.c.n))
    return {v.program_id: v for v in db.session.scalars(query)}


def versions(program: Program) -> list[RosterVersion]:
    query = (sa.select(RosterVersion).where(RosterVersion.program_id == program.id)
             .order_by(RosterVersion.number.desc()))
    return list(db.session.scalars(query))


def recent_imports(limit: int = 20) -> list[RosterImport]:
    query = sa.select(RosterImport).order_by(RosterImport.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def counts_by_area(version: RosterVersion) -> list[tuple[str, str, int]]:
    """(town, village, people) of a version, with "" for people without a village."""
    village = aliased(Area)
    query = (
        sa.select(Area.name, sa.func.coalesce(village.name, ""), sa.func.count())
        .select_from(RosterEntry)
        .join(Area, Area.id == RosterEntry.town_id)
        .outerjoin(village, village.id == RosterEntry.village_id)
        .where(RosterEntry.in_version(version.program_id, version.number))
        .group_by(Area.name, village.name).order_by(Area.name, village.name)
    )
    return [tuple(row) for row in db.session.execute(query)]


def towns_of(counts: list[tuple[str, str, int]]) -> list[tuple[str, int, list]]:
    """Group area counts by town: (town, people, [(village, people)])."""
    grouped: dict[str, list] = {}
    for town, village, people in counts:
        grouped.setdefault(town, []).append((village, people))
    return [(town, sum(n for _, n in rows), rows) for town, rows in grouped.items()]


def changes(version: RosterVersion) -> dict[str, list[RosterEntry]]:
    """The people added, changed (their new entry) and removed (their last entry) by a version."""
    program, number = version.program_id, version.number
    new = sa.select(RosterEntry).where(RosterEntry.program_id == program,
                                       RosterEntry.first_version == number)
    gone = sa.select(RosterEntry).where(RosterEntry.program_id == program,
                                        RosterEntry.last_version == number - 1)
    earlier = sa.select(RosterEntry.person_id).where(
        RosterEntry.program_id == program, RosterEntry.last_version == number - 1)
    later = sa.select(RosterEntry.person_id).where(
        RosterEntry.program_id == program, RosterEntry.first_version == number)
    limit = CHANGES_SHOWN
    return {
        "added": list(db.session.scalars(new.where(RosterEntry.person_id.not_in(earlier))
                                         .order_by(RosterEntry.id).limit(limit))),
        "changed": list(db.session.scalars(new.where(RosterEntry.person_id.in_(earlier))
                                           .order_by(RosterEntry.id).limit(limit))),
        "removed": list(db.session.scalars(gone.where(RosterEntry.person_id.not_in(later))
                                           .order_by(RosterEntry.id).limit(limit))),
    }
