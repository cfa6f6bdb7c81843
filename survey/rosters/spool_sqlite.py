"""The spool of a SQLite import: the rows the first pass made, in SQLite files beside the database.

Each process of the first pass writes the rows of its parts, already in their final shape (ids,
hashes, ciphertexts, masks), into a file of its own, one row per line that writes something. The
second pass attaches those files inside its transaction and copies them into person and
roster_entry with two INSERT ... SELECT statements, merging the files in line order.

Binding values is most of what writing costs here: Python's sqlite3 binds ``int``, ``str`` and
``bytearray`` directly but sends ``bytes`` and ``None`` through its adaptation machinery, at four
times the price. So the hashes and ciphertexts of a row travel as one ``bytearray``
(``sealed``), cut apart again by ``substr`` in the second pass, and empty values as '' or 0,
turned back into NULL by ``NULLIF``.

Layout of ``sealed``: the content hash (32 bytes); for a new person (``new`` = 1) the ID hash (32)
and the ID ciphertext (46: a 12-byte nonce, the 18 characters, a 16-byte tag); when the person
has a phone, the phone hash (32) and the phone ciphertext.
"""

import sqlite3

_COLUMNS = ("line INTEGER PRIMARY KEY, person_id INTEGER, new INTEGER, sealed BLOB, name TEXT, "
            "id_mask TEXT, phone_mask TEXT, town_id INTEGER, village_id INTEGER, address TEXT, "
            "amount NUMERIC, paid_on DATE")
#: Where the phone's part of ``sealed`` starts, 1-based as substr counts.
_PHONE = "33 + 78 * new"


class Writer:
    """One process's spool file; ``write`` appends a part and commits it."""

    def __init__(self, path: str):
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute(f"CREATE TABLE IF NOT EXISTS rows ({_COLUMNS})")

    def write(self, first_line: int, rows: list[tuple]) -> str:
        """Store a part's rows (see ``seal``); return the file's path."""
        conn = self.conn
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (line, person_id, 0 if id_sealed is None else 1,
             bytearray(content + (b"" if id_sealed is None else id_hash + id_sealed)
                       + (phone_hash + phone if phone else b"")),
             name, id_mask or "", phone_mask or "", town_id, village_id or 0, address,
             amount or "", paid_on or "")
            for line, person_id, id_hash, id_sealed, id_mask, name, phone, phone_hash,
            phone_mask, town_id, village_id, address, amount, paid_on, content in rows])
        conn.execute("COMMIT")
        return self.path

    def close(self) -> None:
        self.conn.close()


class Loader:
    """The second pass's view of the spool files, attached to the import's connection."""

    def __init__(self, conn, paths: list[str]):
        self.conn = conn
        self.names = [f"spool{index}" for index in range(len(paths))]
        for name, path in zip(self.names, paths, strict=True):
            conn.exec_driver_sql(f"ATTACH DATABASE ? AS {name}", (path,))

    def _all(self) -> str:
        """The rows of every file, merged in line order (each file is ordered by line)."""
        union = " UNION ALL ".join(f"SELECT * FROM {name}.rows" for name in self.names)
        return f"({union} ORDER BY line)"

    def prepare(self, dropped, areas: dict[int, int]) -> None:
        """Leave out the ``dropped.lines`` (the later lines of a person listed twice) and give
        the entries of newly created areas the areas' real ids (provisional id -> real id)."""
        for name in self.names:
            for start in range(0, len(dropped.lines), 500):
                chunk = dropped.lines[start:start + 500]
                self.conn.exec_driver_sql(
                    f"DELETE FROM {name}.rows WHERE line IN ({', '.join('?' * len(chunk))})",
                    tuple(chunk))
            for provisional, real in areas.items():
                for column in ("town_id", "village_id"):
                    self.conn.exec_driver_sql(
                        f"UPDATE {name}.rows SET {column} = ? WHERE {column} = ?",
                        (real, provisional))

    def insert_people(self) -> int:
        if not self.names:
            return 0
        return self.conn.exec_driver_sql(
            "INSERT INTO person (id, id_hash, id_encrypted, id_mask, name, is_demo) "
            "SELECT person_id, substr(sealed, 33, 32), substr(sealed, 65, 46), id_mask, name, 0 "
            f"FROM {self._all()} WHERE new = 1").rowcount

    def insert_entries(self, program_id: int, number: int) -> int:
        if not self.names:
            return 0
        return self.conn.exec_driver_sql(
            "INSERT INTO roster_entry (program_id, person_id, first_version, name, "
            "phone_encrypted, phone_hash, phone_mask, town_id, village_id, address, amount, "
            "paid_on, content_hash) SELECT ?, person_id, ?, name, "
            f"CASE WHEN length(sealed) >= {_PHONE} THEN substr(sealed, {_PHONE} + 32) END, "
            f"CASE WHEN length(sealed) >= {_PHONE} THEN substr(sealed, {_PHONE}, 32) END, "
            "NULLIF(phone_mask, ''), town_id, NULLIF(village_id, 0), address, "
            "NULLIF(amount, ''), NULLIF(paid_on, ''), substr(sealed, 1, 32) "
            f"FROM {self._all()}", (program_id, number)).rowcount

    def finish(self) -> None:
        """After the transaction: SQLite refuses to detach a database inside one."""
        for name in self.names:
            self.conn.exec_driver_sql(f"DETACH DATABASE {name}")
