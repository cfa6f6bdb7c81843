"""The spool of a PostgreSQL import: each part's new people and entries as binary COPY data.

Each process of the first pass formats the rows of its parts (see ``seal``) with psycopg's binary
COPY format, ready for person and roster_entry, into two files per part. The second pass streams
the files, in line order, into ``COPY ... FROM STDIN (FORMAT binary)``: the server only stores
them, several times cheaper than INSERT ... SELECT from a staging table (each row WAL-logged on
its own) or than COPY in text format (parsing hex bytea). When lines must be left out (a person
listed twice, with "valid rows only") or new areas get their ids, the data goes through a
temporary table first; rows keep the order they were written in, which the first pass recorded.

Two costs of psycopg's per-value formatting are avoided: bytes are dumped by a dumper that returns
them as they are (the default one copies through a slower path), and amounts and dates, which
repeat on thousands of rows, are dumped by psycopg once per distinct value and then passed on as
ready bytes.
"""

import os
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import add

import psycopg
from psycopg import pq
from psycopg.adapt import Dumper, PyFormat
from psycopg.copy import FileWriter

_PEOPLE = ("id", "id_hash", "id_encrypted", "id_mask", "name", "is_demo")
_PEOPLE_TYPES = ("int4", "bytea", "bytea", "varchar", "varchar", "bool")
_ENTRIES = ("id", "program_id", "person_id", "first_version", "name", "phone_encrypted",
            "phone_hash",
            "phone_mask", "town_id", "village_id", "address", "amount", "paid_on",
            "content_hash")
#: amount and paid_on are written as bytes dumped beforehand by psycopg's numeric and date dumpers.
_ENTRIES_TYPES = ("int4", "int4", "int4", "int4", "varchar", "bytea", "bytea", "varchar", "int4",
                  "int4", "varchar", "bytea", "bytea", "bytea")


class _RawBytes(Dumper):
    """bytea in binary format is the bytes themselves."""

    format = pq.Format.BINARY
    oid = psycopg.postgres.types["bytea"].oid

    def dump(self, obj):
        return obj


class Writer:
    """Formats parts into files under ``folder``; needs a connection only for its adapters."""

    def __init__(self, connection, folder: str, program_id: int, number: int,
                 entry_base: int = 0):
        self.cursor = connection.cursor()
        self.cursor.adapters.register_dumper(bytes, _RawBytes)
        self.folder, self.program_id, self.number = folder, program_id, number
        self.entry_base = entry_base
        self._numeric = self.cursor.adapters.get_dumper(Decimal, PyFormat.BINARY)(Decimal)
        self._date = self.cursor.adapters.get_dumper(date, PyFormat.BINARY)(date)
        self._amounts: dict[str | None, bytes | None] = {None: None}
        self._dates: dict[str | None, bytes | None] = {None: None}

    def write(self, first_line: int, rows) -> tuple[int, str, str] | None:
        """Write the rows (``seal.Rows``) of the part that starts at ``first_line``; return
        ``(first line, people file, entries file)``, or None when the part writes nothing."""
        if not rows.line:
            return None
        base = os.path.join(self.folder, f"part-{first_line:010d}")
        new = [sealed is not None for sealed in rows.id_encrypted]
        self._copy(base + ".people", _PEOPLE_TYPES, compress(zip(
            rows.person_id, rows.id_hash, rows.id_encrypted, rows.id_mask, rows.name,
            repeat(False)), new))
        self._copy(base + ".entries", _ENTRIES_TYPES, zip(
            map(add, repeat(self.entry_base), rows.line), repeat(self.program_id),
            rows.person_id, repeat(self.number), rows.name,
            rows.phone_encrypted, rows.phone_hash, rows.phone_mask, rows.town_id,
            rows.village_id, rows.address, self._dumped(self._amounts, rows.amount, Decimal),
            self._dumped(self._dates, rows.paid_on, date.fromisoformat), rows.content_hash))
        return first_line, base + ".people", base + ".entries"

    def close(self) -> None:
        self.cursor.close()

    def _copy(self, path: str, types: tuple[str, ...], rows) -> None:
        with open(path, "wb") as out, psycopg.Copy(
                self.cursor, binary=True, writer=FileWriter(out)) as copy:
            copy.set_types(list(types))
            write = copy.write_row
            for row in rows:
                write(row)

    def _dumped(self, cache: dict, texts: list, parse) -> list[bytes | None]:
        """Each text's binary COPY value, dumped by psycopg once per distinct text."""
        for text in set(texts).difference(cache):
            value = parse(text)
            dumper = self._numeric if isinstance(value, Decimal) else self._date
            cache[text] = bytes(dumper.dump(value))
        return list(map(cache.__getitem__, texts))


class Loader:
    """Streams spooled parts into the tables, inside the import's transaction.

    A part with lines to leave out, or with entries in newly created areas, goes through a
    temporary table, where its rows are deleted by their position (the first pass wrote the rows
    of the part's lines in line order) and the areas' real ids set.
    """

    def __init__(self, conn, program_id: int, number: int):
        self.conn = conn
        self.raw = conn.connection.driver_connection

    def load(self, spooled: tuple[int, str, str], dropped: list[int], areas: dict[int, int],
             lines=(), kinds=()) -> None:
        """Copy one part in, without the ``dropped`` lines; ``lines`` and ``kinds`` are the
        part's staged lines (in line order) and their kinds (``seal``)."""
        _, people, entries = spooled
        drop_people, drop_entries = _positions(set(dropped), lines, kinds)
        self._load("person", _PEOPLE, people, drop_people, {})
        self._load("roster_entry", _ENTRIES, entries, drop_entries, areas)

    def finish(self) -> None:
        pass

    def _load(self, table: str, columns: tuple[str, ...], path: str, drop: list[int],
              areas: dict[int, int]) -> None:
        names = ", ".join(columns)
        if not drop and not areas:
            self._stream(f"COPY {table} ({names}) FROM STDIN (FORMAT binary)", path)
            return
        temporary = f"spool_{table}"
        self.conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {temporary} AS SELECT {names} FROM {table} WITH NO DATA")
        self.conn.exec_driver_sql(f"ALTER TABLE {temporary} ADD COLUMN position bigserial")
        self._stream(f"COPY {temporary} ({names}) FROM STDIN (FORMAT binary)", path)
        with self.raw.cursor() as cursor:
            cursor.execute(f"DELETE FROM {temporary} WHERE position - 1 = ANY(%s)", (drop,))
            for provisional, real in areas.items():
                for column in ("town_id", "village_id"):
                    cursor.execute(f"UPDATE {temporary} SET {column} = %s WHERE {column} = %s",
                                   (real, provisional))
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {temporary} "
                           f"ORDER BY position")
        self.conn.exec_driver_sql(f"DROP TABLE {temporary}")

    def _stream(self, statement: str, path: str) -> None:
        with self.raw.cursor() as cursor, cursor.copy(statement) as copy, \
                open(path, "rb") as data:
            while chunk := data.read(1 << 20):
                copy.write(chunk)


def _positions(dropped: set[int], lines, kinds) -> tuple[list[int], list[int]]:
    """Where the rows of the dropped lines are among the part's person rows (lines of new
    people) and entry rows (lines not kept)."""
    from survey.rosters.seal import KEPT, NEW

    people, entries, person_at, entry_at = [], [], 0, 0
    if not dropped:
        return people, entries
    for line, kind in zip(lines, kinds, strict=True):
        if line in dropped:
            if kind == NEW:
                people.append(person_at)
            if kind != KEPT:
                entries.append(entry_at)
        person_at += kind == NEW
        entry_at += kind != KEPT
    return people, entries
