"""The second pass of an import: turn the staged rows into a new roster version, in one transaction.

Set-based SQL, the same on SQLite and PostgreSQL: new people are inserted, the entries of people
who left or changed are closed at the previous version, and entries are written only for people
who are new or changed. Unchanged people keep their entry, which simply stays valid; earlier
versions never change. Imports are serialised (an advisory lock on PostgreSQL, the write lock on
SQLite), so two imports never race to create the same person or version number.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from survey.models import Area, AreaKind, AuditEvent, RosterVersion, utcnow
from survey.rosters import bulk
from survey.rosters.stage import Stage

_LOCK_KEY = 4_242_011


@dataclass
class Changes:
    added: int
    removed: int
    changed: int

    @property
    def none(self) -> bool:
        return not (self.added or self.removed or self.changed)


def lock(conn: sa.Connection, import_id: int) -> None:
    """Take the import lock for the rest of the transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        # Joins, sorts and index builds of a million staged rows fit in the server's memory.
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        # New people's ids are chosen from max(id) (see number_new_people): nobody else writes.
        conn.exec_driver_sql("LOCK TABLE person IN SHARE ROW EXCLUSIVE MODE")
    else:  # the first write takes SQLite's write lock, held until commit
        conn.execute(sa.text("UPDATE roster_import SET progress = 1 WHERE id = :id"),
                     {"id": import_id})


def previous_number(conn: sa.Connection, program_id: int) -> int:
    query = sa.select(sa.func.max(RosterVersion.number)).where(
        RosterVersion.program_id == program_id)
    return conn.execute(query).scalar() or 0


def create_areas(conn: sa.Connection, stage: Stage, towns: dict[str, int],
                 villages: dict[tuple[int, str], int]) -> list[str]:
    """Create the towns and villages the file named and the admin allowed; return their names."""
    area = Area.__table__
    real_town: dict[int, int] = {}
    for name, provisional in towns.items():
        real_town[provisional] = conn.execute(area.insert().values(
            name=name, kind=_town_kind(name), parent_id=None, is_demo=False,
        ).returning(area.c.id)).scalar_one()
        stage.fix_area("town_id", provisional, real_town[provisional])
    for (town_id, name), provisional in villages.items():
        kind = AreaKind.COMMUNITY if name.endswith("社区") else AreaKind.VILLAGE
        real = conn.execute(area.insert().values(
            name=name, kind=kind, parent_id=real_town.get(town_id, town_id), is_demo=False,
        ).returning(area.c.id)).scalar_one()
        stage.fix_area("village_id", provisional, real)
    return list(towns) + [name for _, name in villages]


def _town_kind(name: str) -> AreaKind:
    if name.endswith("街道"):
        return AreaKind.SUBDISTRICT
    if name.endswith(("开发区", "园区", "新区")):
        return AreaKind.DEVELOPMENT_ZONE
    return AreaKind.TOWN


def known_people(conn: sa.Connection, stage: Stage) -> int:
    """Note the people the district already knows (matched by the ID's HMAC); return how many.

    They go to a narrow table beside the stage, ``line -> person_id``, with ``known = 1``:
    rewriting the wide staged rows instead cost seconds per hundred thousand.
    """
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {stage.ids} (line integer PRIMARY KEY, "
                         f"person_id integer NOT NULL, known integer NOT NULL)")
    if conn.execute(sa.text("SELECT 1 FROM person LIMIT 1")).first() is None:
        return 0  # a new district: nobody to look up
    return conn.execute(sa.text(
        f"INSERT INTO {stage.ids} (line, person_id, known) SELECT s.line, p.id, 1 "
        f"FROM {stage.name} s JOIN person p ON p.id_hash = s.id_hash")).rowcount


def number_new_people(conn: sa.Connection, stage: Stage, staged: int,
                      known: int) -> tuple[int, int]:
    """Choose the ids of the new people in the stage; return ``base``, the largest id before,
    and how many people are new.

    A new person's id is ``base + line`` when most rows are new (a first import): people and
    entries are then written in the file's order with no join or sort, one pass over the stage
    each. When few are (a later version), they are numbered ``base + 1, 2, ...`` in line order
    in the table of known people (with ``known = 0``), so that ids are not spent on the lines of
    known people. Either way a staged row's person is ``coalesce(ids.person_id, base + line)``.
    """
    base = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM person")).scalar()
    new = staged - known
    first, last = conn.execute(sa.text(f"SELECT min(line), max(line) FROM {stage.name}")).one()
    if new and 2 * new < last - first + 1:
        conn.execute(sa.text(
            f"INSERT INTO {stage.ids} (line, person_id, known) SELECT s.line, :base + "
            f"row_number() OVER (ORDER BY s.line), 0 FROM {stage.name} s WHERE NOT EXISTS "
            f"(SELECT 1 FROM {stage.ids} i WHERE i.line = s.line)"), {"base": base})
    return base, new


def insert_people(conn: sa.Connection, stage: Stage, base: int, new: int) -> int:
    """Add the ``new`` staged people the district does not know yet (``number_new_people``).

    Their ID hashes are random, so a large import rebuilds the hash index (see ``bulk``).
    """
    with bulk.loading(conn, "person", new):
        added = conn.execute(sa.text(
            f"INSERT INTO person (id, id_hash, id_encrypted, id_mask, name, is_demo) "
            f"SELECT coalesce(i.person_id, :base + s.line), s.id_hash, s.id_encrypted, "
            f"s.id_mask, s.name, :no FROM {stage.name} s LEFT JOIN {stage.ids} i "
            f"ON i.line = s.line WHERE i.line IS NULL OR i.known = 0 ORDER BY s.line"
        ), {"no": False, "base": base}).rowcount
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('person', 'id'), "
            "greatest((SELECT max(id) FROM person), 1))"))
    return added


def close_entries(conn: sa.Connection, stage: Stage, program_id: int, previous: int) -> int:
    """End, at the previous version, the entries of people who left or changed; return how many.

    An entry is unchanged when its content hash is staged (the hash covers the person's ID
    hash, so an equal hash is the same person with the same details).
    """
    return conn.execute(sa.text(
        f"UPDATE roster_entry SET last_version = :prev "
        f"WHERE program_id = :p AND last_version IS NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {stage.name} s WHERE s.content_hash = roster_entry.content_hash)"
    ), {"p": program_id, "prev": previous}).rowcount


def changes(conn: sa.Connection, stage: Stage, program_id: int, previous: int, staged: int,
            closed: int) -> Changes:
    """Added, removed and changed people against the entries current before this import,
    once ``known_people`` has run and ``closed`` entries have been ended."""
    before = "e.program_id = :p AND (e.last_version IS NULL OR e.last_version = :prev)"
    open_count = conn.execute(sa.text(f"SELECT count(*) FROM roster_entry e WHERE {before}"),
                              {"p": program_id, "prev": previous}).scalar()
    # EXISTS, not a join: SQLite then walks the known people and looks each one up in the
    # (program, person) index, where a join let it scan the known people once per entry.
    matched = conn.execute(sa.text(
        f"SELECT count(*) FROM {stage.ids} i WHERE i.known = 1 AND EXISTS (SELECT 1 FROM "
        f"roster_entry e WHERE e.person_id = i.person_id AND {before})"),
        {"p": program_id, "prev": previous}).scalar()
    same = open_count - closed
    return Changes(added=staged - matched, removed=open_count - matched, changed=matched - same)


def insert_entries(conn: sa.Connection, stage: Stage, program_id: int, number: int,
                   base: int) -> None:
    """Write entries for the staged people who have no open entry (new or changed ones)."""
    keep = "" if number == 1 else (
        "WHERE i.line IS NULL OR i.known = 0 OR NOT EXISTS (SELECT 1 FROM roster_entry e "
        "WHERE e.program_id = :p AND e.person_id = i.person_id AND e.last_version IS NULL)")
    conn.execute(sa.text(
        f"INSERT INTO roster_entry (program_id, person_id, first_version, name, phone_encrypted, "
        f"phone_hash, phone_mask, town_id, village_id, address, amount, paid_on, content_hash) "
        f"SELECT :p, coalesce(i.person_id, :base + s.line), :n, s.name, s.phone_encrypted, "
        f"s.phone_hash, s.phone_mask, s.town_id, s.village_id, s.address, s.amount, s.paid_on, "
        f"s.content_hash FROM {stage.name} s LEFT JOIN {stage.ids} i ON i.line = s.line "
        f"{keep} ORDER BY s.line"
    ), {"p": program_id, "n": number, "base": base})


def insert_version(conn: sa.Connection, *, program_id: int, number: int, filename: str,
                   rows: int, fingerprint: str, change: Changes, user_id: int | None,
                   detail: dict) -> int:
    table = RosterVersion.__table__
    version_id = conn.execute(table.insert().values(
        program_id=program_id, number=number, filename=filename[:255], row_count=rows,
        fingerprint=fingerprint, added=change.added, removed=change.removed,
        changed=change.changed, imported_by_id=user_id, imported_at=utcnow(), is_demo=False,
    ).returning(table.c.id)).scalar_one()
    conn.execute(AuditEvent.__table__.insert().values(
        at=utcnow(), user_id=user_id, action="roster.import", object_type="roster_version",
        object_id=version_id, detail={**detail, "rows": rows, "added": change.added,
                                      "removed": change.removed, "changed": change.changed},
    ))
    return version_id


def current_version_id(conn: sa.Connection, program_id: int) -> int | None:
    query = (sa.select(RosterVersion.id).where(RosterVersion.program_id == program_id)
             .order_by(RosterVersion.number.desc()).limit(1))
    return conn.execute(query).scalar()
