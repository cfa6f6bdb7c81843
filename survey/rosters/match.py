"""Who in a part of a file the district already knows, and what their open entry says.

Run by every process of the first pass against the database as it was when the import began:
imports are serialised for their whole length (``apply.import_lock``), so nobody else adds people
or versions meanwhile. Plain DB-API calls (sqlite3 or psycopg), no SQLAlchemy: this is what worker
processes load. Lookups go through the person hash index and roster_entry's (program, person)
index, a few thousand keys per statement.
"""

import sqlite3
from collections.abc import Iterable

#: Keys per statement; SQLite allows 32,766 bound values.
CHUNK = 5_000
#: person id -> (entry id, content hash) of the person's open entry in the program.
OpenEntries = dict[int, tuple[int, bytes]]


class Matcher:
    """Lookups for one program on one DB-API connection (sqlite3 or psycopg, autocommit)."""

    def __init__(self, connection, program_id: int):
        self.connection = connection
        self.program_id = program_id
        self.sqlite = isinstance(connection, sqlite3.Connection)

    def match(self, lines: list[int], digests: list[bytes],
              entries: bool) -> tuple[dict[bytes, int], OpenEntries]:
        """ID hash -> person id of the known people among ``digests`` (of these ``lines``),
        and, if ``entries``, their open entries in the program."""
        known = self.people(digests)
        return known, self.open_entries(known.values()) if entries and known else {}

    def people(self, digests: list[bytes]) -> dict[bytes, int]:
        """ID hash -> person id, for the hashes that belong to a known person."""
        found: dict[bytes, int] = {}
        for chunk in _chunks(digests):
            found.update(self._select("SELECT id_hash, id FROM person WHERE id_hash {}", chunk))
        return found

    def open_entries(self, person_ids: Iterable[int]) -> OpenEntries:
        """The open (current) entry of each of these people in the program, if any."""
        found: OpenEntries = {}
        query = ("SELECT person_id, id, content_hash FROM roster_entry WHERE program_id = {p} "
                 "AND last_version IS NULL AND person_id {}")
        for chunk in _chunks(sorted(set(person_ids))):
            for person_id, entry_id, content in self._select(query, chunk, self.program_id):
                found[person_id] = (entry_id, content)
        return found

    def _select(self, query: str, keys: list, program_id: int | None = None) -> list[tuple]:
        if self.sqlite:
            sql = query.format("IN (" + ", ".join("?" * len(keys)) + ")", p="?")
            values = (program_id, *keys) if program_id is not None else keys
            return self.connection.execute(sql, values).fetchall()
        sql = query.format("= ANY(%s)", p="%s")
        values = (program_id, keys) if program_id is not None else (keys,)
        with self.connection.cursor() as cursor:
            return cursor.execute(sql, values).fetchall()


def _chunks(keys: list) -> Iterable[list]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start:start + CHUNK]
