"""The second pass of an import: write the spooled rows as a new roster version, in one transaction.

The first pass has already decided every row (``seal``): which people are new, which entries are
added or changed and which stay. Here the new people and entries are copied from the spool into
person and roster_entry, the open entries that no line kept are ended at the previous version,
and the version is recorded. Unchanged people keep their entry, which simply stays valid; earlier
versions never change.

Imports are serialised for their whole length (``import_lock``): the first pass looks people up
and numbers the new ones from the largest id when the import begins, so nobody else may add
people until it ends. A new person's id is ``base + line`` and a new entry's likewise, which
spends at most one id of each per line of the file: a district importing twenty rosters of
50,000 lines every month uses a billion ids in eighty years. Ids known in advance let the first
pass write rows in their final shape, in any process.
"""

import fcntl
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from survey.models import Area, AreaKind, AuditEvent, RosterVersion, utcnow
from survey.rosters import timing
from survey.rosters.seal import CHANGED, Context

_LOCK_KEY = 4_242_011
_memory_lock = threading.Lock()
log = logging.getLogger(__name__)
#: The thread of the last checkpoint started in the background, and how long it took.
last_checkpoint: dict = {}


class ConcurrentImport(RuntimeError):
    """Somebody added people while this import ran."""


@dataclass
class Changes:
    added: int
    removed: int
    changed: int

    @property
    def none(self) -> bool:
        return not (self.added or self.removed or self.changed)


@contextmanager
def import_lock(conn: sa.Connection) -> Iterator[None]:
    """Hold the district's import lock (waiting for an import that holds it) inside the block.

    PostgreSQL: a session advisory lock of the import's connection. SQLite: an exclusive lock on
    a file beside the database, which other processes on the machine (the CLI, an rq worker)
    respect too; a database in memory is one process's, so a lock of that process does.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.rollback()
            conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
            conn.commit()
        return
    database = conn.engine.url.database
    if not database or database == ":memory:":
        with _memory_lock:
            yield
        return
    with open(database + ".import-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def context(conn: sa.Connection, program_id: int) -> Context:
    """The program's and the district's state as the import begins (under the import lock)."""
    number = 1 + (conn.execute(sa.select(sa.func.max(RosterVersion.number)).where(
        RosterVersion.program_id == program_id)).scalar() or 0)
    base = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM person")).scalar()
    entry_base = largest_entry_id(conn)
    conn.commit()
    return Context(program_id=program_id, number=number, base=base, people_known=base > 0,
                   entry_base=entry_base)


def begin(conn: sa.Connection, import_id: int, ctx: Context) -> None:
    """Start the second pass's transaction and check that nobody added people meanwhile."""
    if conn.dialect.name == "postgresql":
        # Sorts, hashes and index builds of a million rows fit in the server's memory.
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        # The commit does not wait for the server to flush its log: a crash of the server in
        # that instant can undo the import, never damage the database (as SQLite's NORMAL).
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        conn.exec_driver_sql("LOCK TABLE person IN SHARE ROW EXCLUSIVE MODE")
    else:  # the first write takes SQLite's write lock, held until commit
        conn.execute(sa.text("UPDATE roster_import SET progress = 1 WHERE id = :id"),
                     {"id": import_id})
    base = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM person")).scalar()
    if base != ctx.base or largest_entry_id(conn) != ctx.entry_base:
        raise ConcurrentImport("导入期间有其他人员或名册条目被写入，请重新导入")


def largest_entry_id(conn: sa.Connection) -> int:
    return conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM roster_entry")).scalar()


def check_keys(conn: sa.Connection, after: int) -> None:
    """Check the foreign keys of the entries written after entry ``after`` in one statement:
    their person, program, town and village must exist. SQLite's import turns its per-row checks
    off (a lookup per row and key was a sixth of the writing); PostgreSQL's gives its keys back
    unvalidated (``bulk.validate_later``). A lookup per row suits SQLite, hash joins PostgreSQL.
    """
    if conn.dialect.name == "postgresql":
        query = ("SELECT count(*) FROM roster_entry e LEFT JOIN person p ON p.id = e.person_id "
                 "LEFT JOIN program g ON g.id = e.program_id LEFT JOIN area a ON a.id = e.town_id "
                 "LEFT JOIN area v ON v.id = e.village_id WHERE e.id > :after AND (p.id IS NULL "
                 "OR g.id IS NULL OR a.id IS NULL OR (e.village_id IS NOT NULL AND v.id IS NULL))")
    else:
        query = ("SELECT count(*) FROM roster_entry e WHERE e.id > :after AND ("
                 "NOT EXISTS (SELECT 1 FROM person p WHERE p.id = e.person_id) OR "
                 "NOT EXISTS (SELECT 1 FROM program g WHERE g.id = e.program_id) OR "
                 "NOT EXISTS (SELECT 1 FROM area a WHERE a.id = e.town_id) OR "
                 "(e.village_id IS NOT NULL AND "
                 "NOT EXISTS (SELECT 1 FROM area v WHERE v.id = e.village_id)))")
    broken = conn.execute(sa.text(query), {"after": after}).scalar()
    if broken:
        raise sa.exc.IntegrityError("roster entries with broken foreign keys", {"count": broken},
                                    RuntimeError(f"{broken} entries"))


def changes(conn: sa.Connection, ctx: Context, kinds_count: list[int], kept: int) -> Changes:
    """Added, removed and changed people against the program's current roster."""
    open_count = 0
    if ctx.number > 1:
        open_count = conn.execute(sa.text(
            "SELECT count(*) FROM roster_entry WHERE program_id = :p AND last_version IS NULL"),
            {"p": ctx.program_id}).scalar()
    changed = kinds_count[CHANGED]
    added = sum(kinds_count) - kept - changed
    return Changes(added=added, removed=open_count - kept - changed, changed=changed)


def close_entries(conn: sa.Connection, ctx: Context, kept_ids) -> int:
    """End, at the previous version, the open entries that no line of the file kept (the
    entries this import wrote begin at the new version and stay open)."""
    if ctx.number == 1:
        return 0
    conn.exec_driver_sql("CREATE TEMPORARY TABLE roster_kept (id integer PRIMARY KEY)")
    try:
        if conn.dialect.name == "postgresql":
            with conn.connection.driver_connection.cursor() as cursor, cursor.copy(
                    "COPY roster_kept (id) FROM STDIN") as copy:
                copy.write("".join(f"{entry_id}\n" for entry_id in kept_ids))
            conn.exec_driver_sql("ANALYZE roster_kept")
        else:
            conn.execute(sa.text("INSERT INTO roster_kept SELECT value FROM json_each(:ids)"),
                         {"ids": json.dumps(list(kept_ids))})
        return conn.execute(sa.text(
            "UPDATE roster_entry SET last_version = :prev WHERE program_id = :p AND "
            "first_version <= :prev AND last_version IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM roster_kept k WHERE k.id = roster_entry.id)"),
            {"p": ctx.program_id, "prev": ctx.number - 1}).rowcount
    finally:
        conn.exec_driver_sql("DROP TABLE roster_kept")


def create_areas(conn: sa.Connection, towns: dict[str, int],
                 villages: dict[tuple[int, str], int]) -> tuple[dict[int, int], list[str]]:
    """Create the towns and villages the file named and the admin allowed; return provisional
    id -> real id, and the names."""
    area = Area.__table__
    real: dict[int, int] = {}
    for name, provisional in towns.items():
        real[provisional] = conn.execute(area.insert().values(
            name=name, kind=_town_kind(name), parent_id=None, is_demo=False,
        ).returning(area.c.id)).scalar_one()
    for (town_id, name), provisional in villages.items():
        kind = AreaKind.COMMUNITY if name.endswith("社区") else AreaKind.VILLAGE
        real[provisional] = conn.execute(area.insert().values(
            name=name, kind=kind, parent_id=real.get(town_id, town_id), is_demo=False,
        ).returning(area.c.id)).scalar_one()
    return real, list(towns) + [name for _, name in villages]


def _town_kind(name: str) -> AreaKind:
    if name.endswith("街道"):
        return AreaKind.SUBDISTRICT
    if name.endswith(("开发区", "园区", "新区")):
        return AreaKind.DEVELOPMENT_ZONE
    return AreaKind.TOWN


def move_sequences(conn: sa.Connection) -> None:
    """New people and entries took ids from line numbers: move PostgreSQL's sequences past
    them."""
    if conn.dialect.name == "postgresql":
        for table in ("person", "roster_entry"):
            conn.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"greatest((SELECT max(id) FROM {table}), 1))"))


def fingerprint(conn: sa.Connection, program_id: int, number: int) -> int:
    """The sum of the version's content hashes mod 2^256, read back from the database (when
    lines were left out, the first pass's sum no longer holds)."""
    query = sa.text("SELECT content_hash FROM roster_entry WHERE program_id = :p AND "
                    "first_version <= :n AND (last_version IS NULL OR last_version >= :n)")
    total = 0
    for (content,) in conn.execute(query, {"p": program_id, "n": number}):
        total += int.from_bytes(content)
    return total % (1 << 256)


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



def checkpoint_later(database: str) -> threading.Thread:
    """Copy SQLite's write-ahead log into the database file in a thread of its own, as
    PostgreSQL's checkpointer writes its data files after a commit. A large import commits
    without waiting for the copy (some 400 MB per million rows), and no later commit of somebody
    else's pays for it: SQLite lets a checkpoint run beside readers and writers, and a writer's
    own automatic checkpoint gives way to a running one. Until it ends, readers find the new
    pages in the log."""
    def run() -> None:
        try:
            with closing(sqlite3.connect(database, timeout=60)) as conn:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            log.exception("checkpoint of %s failed (SQLite will try again later)", database)

    return timing.in_background("sqlite-checkpoint", run, last_checkpoint)
