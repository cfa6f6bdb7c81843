"""Who in a large file the district already knows, found by PostgreSQL in one join (PostgreSQL).

Looking people up part by part costs PostgreSQL some ten microseconds a key (an index probe per
ID hash and per person), twenty seconds of the server's time for a million rows. So before a
large CSV is sealed, a quick first reading (``key_part``, in every process) hashes each row's
ID number and copies ``(line, ID hash)`` into an unlogged table; one statement then joins it with
person and the program's open entries (hash joins, a second or two for a million rows) into a
second unlogged table keyed by line; and each part, when it is sealed, reads its own lines'
people and entries from there with one range scan (``Matcher``).

This also lets a large first roster be written while it is read in a district that already
knows people: the writing locks person and roster_entry (``bulk``), which the sealing processes
then no longer need to read.
"""

import psycopg

from survey import privacy
from survey.rosters import idnumber, values
from survey.rosters.match import OpenEntries

#: This process's connection of each import running, by spool folder.
_connections: dict[str, psycopg.Connection] = {}


def keys_table(import_id: int) -> str:
    return f"roster_keys_{int(import_id)}"


def known_table(import_id: int) -> str:
    return f"roster_known_{int(import_id)}"


def create(conn, import_id: int) -> None:
    """The table of keys, empty, visible to the other processes (committed)."""
    drop(conn, import_id)
    conn.exec_driver_sql(f"CREATE UNLOGGED TABLE {keys_table(import_id)} "
                         f"(line integer NOT NULL, id_hash bytea NOT NULL)")
    conn.commit()


def key_part(setup, lines: list[int], rows: list[list]) -> int:
    """Copy the ``(line, ID hash)`` of every row of a part whose ID number is valid."""
    at, vault = setup.mapping["id_number"], privacy.Vault(setup.hash_key, setup.encryption_key)
    digest, keys = vault.digest, []
    for line, cells in zip(lines, rows, strict=True):
        number = _number(cells[at] if at < len(cells) else None)
        if number is not None:
            keys.append((line, digest(number)))
    connection = _connections.get(setup.folder)
    if connection is None:
        connection = _connections[setup.folder] = psycopg.connect(setup.conninfo, autocommit=True)
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {keys_table(setup.prefetch)} (line, id_hash) FROM STDIN") as copy:
        for key in keys:
            copy.write_row(key)
    return len(keys)


def _number(cell) -> str | None:
    """The ID number as the row checker reads it, or None when it is not valid."""
    if (cell.__class__ is str and len(cell) == 18 and cell.isascii() and cell[:17].isdigit()
            and idnumber.fast_check_digit(cell[:17]) == cell[17]
            and idnumber.birth_ok(cell[6:14])):
        return cell
    return values.id_number(cell)[0]


def join(conn, import_id: int, program_id: int) -> int:
    """Join the keys with person and the program's open entries, into the table of the known,
    ordered and indexed by line; drop the keys. Return how many lines are known people."""
    keys, known = keys_table(import_id), known_table(import_id)
    conn.exec_driver_sql(f"ANALYZE {keys}")
    found = conn.exec_driver_sql(
        f"CREATE UNLOGGED TABLE {known} AS SELECT k.line, p.id AS person_id, e.id AS entry_id, "
        f"e.content_hash FROM {keys} k JOIN person p ON p.id_hash = k.id_hash "
        f"LEFT JOIN roster_entry e ON e.person_id = p.id AND e.program_id = %(program)s "
        f"AND e.last_version IS NULL ORDER BY k.line", {"program": program_id}).rowcount
    conn.exec_driver_sql(f"CREATE INDEX ON {known} (line)")
    conn.exec_driver_sql(f"DROP TABLE {keys}")
    conn.commit()
    return found


def drop(conn, import_id: int) -> None:
    for table in (keys_table(import_id), known_table(import_id)):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    conn.commit()


def release(folder: str) -> None:
    connection = _connections.pop(folder, None)
    if connection is not None:
        connection.close()


class Matcher:
    """Lookups of known people by line, in the table ``join`` made."""

    def __init__(self, connection, table: str):
        self.connection, self.table = connection, table

    def match(self, lines: list[int], digests: list[bytes],
              entries: bool) -> tuple[dict[bytes, int], OpenEntries]:
        with self.connection.cursor() as cursor:
            found = dict((line, rest) for line, *rest in cursor.execute(
                f"SELECT line, person_id, entry_id, content_hash FROM {self.table} "
                f"WHERE line BETWEEN %s AND %s", (lines[0], lines[-1])))
        known: dict[bytes, int] = {}
        opened: OpenEntries = {}
        for line, digest in zip(lines, digests, strict=True):
            row = found.get(line)
            if row is not None:
                person_id, entry_id, content = row
                known[digest] = person_id
                if entry_id is not None and entries:
                    opened[person_id] = (entry_id, content)
        return known, opened
