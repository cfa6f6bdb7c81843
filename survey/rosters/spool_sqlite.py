"""The spool of a SQLite import: each part's rows, in a small SQLite database of its own.

Each process of the first pass writes the rows of a part (see ``seal``), already in their final
shape (ids, hashes, ciphertexts, masks), into an in-memory database and saves it as a file, one
row per line that writes something. The importing process loads each part in line order: it
deserialises the file into a database attached as ``part`` (which SQLite allows inside a
transaction, where attaching a file each time would soon hit the limit of attached databases)
and copies it into person and roster_entry with two INSERT ... SELECT statements. This may
happen while the first pass goes on (``stream``) or after it.

Binding values is most of what writing costs here: Python's sqlite3 binds ``int``, ``str`` and
``bytearray`` directly but sends ``bytes`` and ``None`` through its adaptation machinery, at four
times the price. So the hashes and ciphertexts of a row travel as one ``bytearray``
(``sealed``), cut apart again by ``substr``, and empty values as '' or 0, turned back into NULL
by ``NULLIF``.

Layout of ``sealed``: the content hash (32 bytes); for a new person (``new`` = 1) the ID hash (32)
and the ID ciphertext (46: a 12-byte nonce, the 18 characters, a 16-byte tag); when the person
has a phone, the phone hash (32) and the phone ciphertext.
"""

import os
import sqlite3
from operator import add

_COLUMNS = ("line INTEGER PRIMARY KEY, person_id INTEGER, new INTEGER, sealed BLOB, name TEXT, "
            "id_mask TEXT, phone_mask TEXT, town_id INTEGER, village_id INTEGER, address TEXT, "
            "amount NUMERIC, paid_on DATE")
#: Where the phone's part of ``sealed`` starts, 1-based as substr counts.
_PHONE = "33 + 78 * new"


class Writer:
    """Saves parts as files under ``folder``."""

    def __init__(self, folder: str):
        self.folder = folder

    def write(self, first_line: int, rows) -> tuple[int, str] | None:
        """Save the rows (``seal.Rows``) of the part that starts at ``first_line``; return
        ``(first line, file)``, or None when the part writes nothing."""
        if not rows.line:
            return None
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute(f"CREATE TABLE rows ({_COLUMNS})")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", zip(
            rows.line, rows.person_id, [0 if s is None else 1 for s in rows.id_encrypted],
            _sealed(rows), rows.name, [m or "" for m in rows.id_mask],
            [m or "" for m in rows.phone_mask], rows.town_id, [v or 0 for v in rows.village_id],
            rows.address, [a or "" for a in rows.amount], [d or "" for d in rows.paid_on],
            strict=True))
        conn.execute("COMMIT")
        path = os.path.join(self.folder, f"part-{first_line:010d}.sqlite")
        with open(path, "wb") as out:
            out.write(conn.serialize())
        conn.close()
        return first_line, path

    def close(self) -> None:
        pass


def _sealed(rows) -> list[bytearray]:
    """Each row's hashes and ciphertexts as one ``bytearray`` (see the module's docstring)."""
    ids = [b"" if sealed is None else digest + sealed
           for digest, sealed in zip(rows.id_hash, rows.id_encrypted, strict=True)]
    phones = [b"" if sealed is None else digest + sealed
              for digest, sealed in zip(rows.phone_hash, rows.phone_encrypted, strict=True)]
    return list(map(bytearray, map(add, map(add, rows.content_hash, ids), phones)))


class Loader:
    """Copies spooled parts into person and roster_entry on the import's connection."""

    def __init__(self, conn, program_id: int, number: int, entry_base: int = 0):
        self.conn, self.program_id, self.number = conn, program_id, number
        self.entry_base = entry_base
        self.raw = conn.connection.driver_connection
        conn.exec_driver_sql("ATTACH DATABASE ':memory:' AS part")

    def load(self, spooled: tuple[int, str], dropped: list[int], areas: dict[int, int],
             lines=None, kinds=None) -> None:
        """Copy one part in, without the ``dropped`` lines (the later lines of a person listed
        twice), the entries of newly created areas getting the areas' real ids (provisional id
        -> real id). ``lines`` and ``kinds`` are the PostgreSQL loader's business."""
        with open(spooled[1], "rb") as data:
            self.raw.deserialize(data.read(), name="part")
        for start in range(0, len(dropped), 500):
            chunk = dropped[start:start + 500]
            self.conn.exec_driver_sql(
                f"DELETE FROM part.rows WHERE line IN ({', '.join('?' * len(chunk))})",
                tuple(chunk))
        for provisional, real in areas.items():
            for column in ("town_id", "village_id"):
                self.conn.exec_driver_sql(f"UPDATE part.rows SET {column} = ? WHERE {column} = ?",
                                          (real, provisional))
        self.conn.exec_driver_sql(
            "INSERT INTO person (id, id_hash, id_encrypted, id_mask, name, is_demo) "
            "SELECT person_id, substr(sealed, 33, 32), substr(sealed, 65, 46), id_mask, name, 0 "
            "FROM part.rows WHERE new = 1 ORDER BY line")
        self.conn.exec_driver_sql(
            "INSERT INTO roster_entry (id, program_id, person_id, first_version, name, "
            "phone_encrypted, phone_hash, phone_mask, town_id, village_id, address, amount, "
            "paid_on, content_hash) SELECT ? + line, ?, person_id, ?, name, "
            f"CASE WHEN length(sealed) >= {_PHONE} THEN substr(sealed, {_PHONE} + 32) END, "
            f"CASE WHEN length(sealed) >= {_PHONE} THEN substr(sealed, {_PHONE}, 32) END, "
            "NULLIF(phone_mask, ''), town_id, NULLIF(village_id, 0), address, "
            "NULLIF(amount, ''), NULLIF(paid_on, ''), substr(sealed, 1, 32) "
            "FROM part.rows ORDER BY line", (self.entry_base, self.program_id, self.number))

    def finish(self) -> None:
        """After the transaction: SQLite refuses to detach a database inside one."""
        self.conn.exec_driver_sql("DETACH DATABASE part")
