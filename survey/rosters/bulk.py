"""Bulk-load techniques for a large import, inside its one transaction.

A large import into a table that is small beside it drops the table's secondary indexes (and on
PostgreSQL its foreign keys) and builds them again after the insert, as the PostgreSQL manual
advises ("Populating a Database"): one sort per index instead of a random insertion per row, one
query per key instead of a trigger call per row. Nothing outside the transaction ever sees a
table without them: the DDL holds an exclusive lock (the write lock on SQLite) until the commit,
and a rollback restores them. A repeated value makes a unique index's rebuild fail, and with it
the whole import.

Foreign keys come back NOT VALID and are validated after the commit (``validate_later``).

What is worth it was measured on a million rows (bench/bench_roster_import.py): on SQLite, the
person hash index (random keys: 15 s inserted row by row, 2 s rebuilt); on PostgreSQL, that index
and roster_entry's indexes and foreign keys (36 s down to 20 s). SQLite's roster_entry indexes
take new rows at their end and gain nothing.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import sqlalchemy as sa

from survey.rosters import timing

log = logging.getLogger(__name__)

#: From this many rows on, an import takes the bulk paths.
BULK_ROWS = 50_000


def worth_it(conn: sa.Connection, table: str, rows: int) -> bool:
    """Whether ``rows`` new rows are many, and at least half as many as the table holds."""
    if rows < BULK_ROWS:
        return False
    if conn.dialect.name == "postgresql":  # the planner's estimate, not a count of millions
        held = conn.execute(sa.text("SELECT greatest(reltuples, 0) FROM pg_class "
                                    "WHERE oid = CAST(:t AS regclass)"), {"t": table}).scalar()
    else:
        held = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    return rows * 2 >= (held or 0)


def _indexes(conn: sa.Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes other than its primary key."""
    if conn.dialect.name == "postgresql":
        return conn.execute(sa.text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = :t "
            "AND i.schemaname = current_schema() AND i.indexname NOT IN (SELECT conname "
            "FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) AND contype IN ('p', 'u'))"
            " ORDER BY i.indexname"), {"t": table}).all()
    return conn.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
        "AND sql IS NOT NULL ORDER BY name"), {"t": table}).all()


def _foreign_keys(conn: sa.Connection, table: str) -> list[tuple[str, str]]:
    if conn.dialect.name != "postgresql":
        return []  # SQLite checks keys on its own B-tree lookups, cheaply
    return conn.execute(sa.text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' ORDER BY conname"),
        {"t": table}).all()


@contextmanager
def loading(conn: sa.Connection, table: str, rows: int, *, sqlite: bool = True) -> Iterator[None]:
    """Insert ``rows`` rows into ``table`` inside this block; drop and rebuild what is worth it.

    ``sqlite=False`` leaves a SQLite table as it is (its indexes take the rows cheaply).
    """
    if (conn.dialect.name == "sqlite" and not sqlite) or not worth_it(conn, table, rows):
        yield
        return
    indexes, keys = _indexes(conn, table), _foreign_keys(conn, table)
    for name, _ in keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)
    for name, definition in keys:
        definition = definition.removesuffix(" NOT VALID")
        conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
        conn.info.setdefault(TO_VALIDATE, []).append((table, name))


#: conn.info key: the (table, constraint) keys a bulk load added back unvalidated.
TO_VALIDATE = "roster_keys_to_validate"


def validate_later(url: str, keys: list[tuple[str, str]]) -> threading.Thread | None:
    """Mark the keys a bulk load added back as validated, in a thread of its own, after the
    import's commit.

    PostgreSQL checks a foreign key it is given back by scanning the table once per key (2.3 s
    for four keys of a million entries) under an exclusive lock. The import checks its entries'
    keys itself, all four in one scan (``apply.check_keys``), before it commits, and gives the
    keys back NOT VALID, which enforces them on every later write at once; ``VALIDATE
    CONSTRAINT`` then records them as checked, under a lock that blocks neither reads nor
    writes, as PostgreSQL's manual advises for large tables (ALTER TABLE, Notes).
    """
    if not keys:
        return None

    def run() -> None:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                for table, name in keys:
                    conn.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')
        except psycopg.Error:
            log.exception("validating the keys %s failed", keys)

    return timing.in_background("roster-validate-keys", run, last_validation)


#: The thread of the last validation started in the background, and how long it took.
last_validation: dict = {}


def refresh_statistics(conn: sa.Connection, table: str, rows: int) -> None:
    """After many new rows, let PostgreSQL's planner know the table's new size at once.

    Autovacuum would analyze it a minute later; an import of the next version in that minute
    would otherwise be planned for the old, small table (nested loops over a million rows: a
    300,000-row re-import took 30 s instead of 12 s).
    """
    if conn.dialect.name == "postgresql" and rows >= BULK_ROWS:
        conn.exec_driver_sql(f"ANALYZE {table}")
