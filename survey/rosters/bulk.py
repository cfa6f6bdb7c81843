"""Bulk-load techniques for a large import, inside its one transaction.

A large import into a table that is small beside it drops the table's secondary indexes (and on
PostgreSQL its foreign keys) and builds them again after the insert, as the PostgreSQL manual
advises ("Populating a Database"): one sort per index instead of a random insertion per row, one
query per key instead of a trigger call per row. Nothing outside the transaction ever sees a
table without them: the DDL holds an exclusive lock (the write lock on SQLite) until the commit,
and a rollback restores them. A repeated value makes a unique index's rebuild fail, and with it
the whole import.

What is worth it was measured on a million rows (bench/bench_roster_import.py): on SQLite, the
person hash index (random keys: 15 s inserted row by row, 2 s rebuilt); on PostgreSQL, that index
and roster_entry's indexes and foreign keys (36 s down to 20 s). SQLite's roster_entry indexes
take new rows at their end and gain nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

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
        conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def refresh_statistics(conn: sa.Connection, table: str, rows: int) -> None:
    """After many new rows, let PostgreSQL's planner know the table's new size at once.

    Autovacuum would analyze it a minute later; an import of the next version in that minute
    would otherwise be planned for the old, small table (nested loops over a million rows: a
    300,000-row re-import took 30 s instead of 12 s).
    """
    if conn.dialect.name == "postgresql" and rows >= BULK_ROWS:
        conn.exec_driver_sql(f"ANALYZE {table}")
