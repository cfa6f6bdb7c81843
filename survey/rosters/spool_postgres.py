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

import psycopg
from psycopg import pq
from psycopg.adapt import Dumper, PyFormat
from psycopg.copy import FileWriter

_PEOPLE = ("id", "id_hash", "id_encrypted", "id_mask", "name", "is_demo")
_PEOPLE_TYPES = ("int4", "bytea", "bytea", "varchar", "varchar", "bool")
_ENTRIES = ("program_id", "person_id", "first_version", "name", "phone_encrypted", "phone_hash",
            "phone_mask", "town_id", "village_id", "address", "amount", "paid_on",
            "content_hash")
#: amount and paid_on are written as bytes dumped beforehand by psycopg's numeric and date dumpers.
_ENTRIES_TYPES = ("int4", "int4", "int4", "varchar", "bytea", "bytea", "varchar", "int4", "int4",
                  "varchar", "bytea", "bytea", "bytea")


class _RawBytes(Dumper):
    """bytea in binary format is the bytes themselves."""

    format = pq.Format.BINARY
    oid = psycopg.postgres.types["bytea"].oid

    def dump(self, obj):
        return obj


class Writer:
    """Formats parts into files under ``folder``; needs a connection only for its adapters."""

    def __init__(self, connection, folder: str, program_id: int, number: int):
        self.cursor = connection.cursor()
        self.cursor.adapters.register_dumper(bytes, _RawBytes)
        self.folder, self.program_id, self.number = folder, program_id, number
        self._numeric = self.cursor.adapters.get_dumper(Decimal, PyFormat.BINARY)(Decimal)
        self._date = self.cursor.adapters.get_dumper(date, PyFormat.BINARY)(date)
        self._amounts: dict[str, bytes] = {}
        self._dates: dict[str, bytes] = {}

    def write(self, first_line: int, rows: list[tuple]) -> tuple[int, str, str] | None:
        """Write the rows (see ``seal``) of the part that starts at ``first_line``; return
        ``(first line, people file, entries file)``, or None when the part writes nothing."""
        if not rows:
            return None
        base = os.path.join(self.folder, f"part-{first_line:010d}")
        self._copy(base + ".people", _PEOPLE_TYPES, [
            (row[1], row[2], row[3], row[4], row[5], False) for row in rows if row[3]])
        amount, paid_on, p, n = self._amount, self._paid_on, self.program_id, self.number
        self._copy(base + ".entries", _ENTRIES_TYPES, [
            (p, person_id, n, name, phone, phone_hash, phone_mask, town_id, village_id, address,
             amount(amount_text), paid_on(date_text), content)
            for _, person_id, _, _, _, name, phone, phone_hash, phone_mask, town_id, village_id,
            address, amount_text, date_text, content in rows])
        return first_line, base + ".people", base + ".entries"

    def close(self) -> None:
        self.cursor.close()

    def _copy(self, path: str, types: tuple[str, ...], rows: list[tuple]) -> None:
        with open(path, "wb") as out, psycopg.Copy(
                self.cursor, binary=True, writer=FileWriter(out)) as copy:
            copy.set_types(list(types))
            write = copy.write_row
            for row in rows:
                write(row)

    def _amount(self, text: str | None) -> bytes | None:
        if text is None:
            return None
        found = self._amounts.get(text)
        if found is None:
            found = self._amounts[text] = bytes(self._numeric.dump(Decimal(text)))
        return found

    def _paid_on(self, text: str | None) -> bytes | None:
        if text is None:
            return None
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = bytes(self._date.dump(date.fromisoformat(text)))
        return found


class Loader:
    """Streams the spooled parts into the tables, in line order, inside the import's transaction.

    Lines left out (``prepare``) or new areas send the rows through a temporary table, where
    the rows of the left-out lines are deleted by position and the areas' real ids set.
    """

    def __init__(self, conn, parts: list[tuple[int, str, str]]):
        self.conn = conn
        self.parts = sorted(parts)
        self.raw = conn.connection.driver_connection
        self.dropped = None
        self.areas: dict[int, int] = {}

    def prepare(self, dropped, areas: dict[int, int]) -> None:
        self.dropped, self.areas = dropped, areas

    def insert_people(self) -> int:
        drop = self.dropped.people if self.dropped else []
        return self._load("person", _PEOPLE, [p[1] for p in self.parts], drop, {})

    def insert_entries(self, program_id: int, number: int) -> int:
        """The entries (whose program and version the first pass wrote into the spool)."""
        drop = self.dropped.entries if self.dropped else []
        return self._load("roster_entry", _ENTRIES, [p[2] for p in self.parts], drop, self.areas)

    def finish(self) -> None:
        pass

    def _load(self, table: str, columns: tuple[str, ...], paths: list[str], drop, areas) -> int:
        names = ", ".join(columns)
        if not drop and not areas:
            return self._stream(f"COPY {table} ({names}) FROM STDIN (FORMAT binary)", paths)
        temporary = f"spool_{table}"
        self.conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {temporary} ON COMMIT DROP AS SELECT {names} FROM {table} "
            f"WITH NO DATA")
        self.conn.exec_driver_sql(f"ALTER TABLE {temporary} ADD COLUMN position bigserial")
        self._stream(f"COPY {temporary} ({names}) FROM STDIN (FORMAT binary)", paths)
        with self.raw.cursor() as cursor:
            cursor.execute(f"DELETE FROM {temporary} WHERE position - 1 = ANY(%s)", (list(drop),))
            for provisional, real in areas.items():
                for column in ("town_id", "village_id"):
                    cursor.execute(f"UPDATE {temporary} SET {column} = %s WHERE {column} = %s",
                                   (real, provisional))
            return cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM "
                                  f"{temporary} ORDER BY position").rowcount

    def _stream(self, statement: str, paths: list[str]) -> int:
        rows = 0
        with self.raw.cursor() as cursor:
            for path in paths:
                with cursor.copy(statement) as copy, open(path, "rb") as data:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
                rows += cursor.rowcount
        return rows
