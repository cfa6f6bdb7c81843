"""The staging table: one import's checked, hashed and encrypted rows, before they are applied.

It is a temporary table of the import's own connection, so it costs no WAL on PostgreSQL, takes
no lock on the main SQLite database while the file is read, and vanishes with the connection if
the import dies. Rows go in by COPY on PostgreSQL and by ``executemany`` in large batches on
SQLite, never one ORM object per row.
"""

import sqlalchemy as sa

from survey.rosters.seal import COLUMNS

_TYPES = {
    "postgresql": ("integer", "varchar(64)", "bytea", "varchar(18)", "varchar(60)",
                   "varchar(64)", "bytea", "varchar(20)", "integer", "integer", "varchar(200)",
                   "numeric(12,2)", "date", "varchar(64)"),
    "sqlite": ("INTEGER PRIMARY KEY", "VARCHAR(64)", "BLOB", "VARCHAR(18)", "VARCHAR(60)",
               "VARCHAR(64)", "BLOB", "VARCHAR(20)", "INTEGER", "INTEGER", "VARCHAR(200)",
               "NUMERIC", "DATE", "VARCHAR(64)"),
}


class Stage:
    """A staging table on one connection; ``write`` appends a batch of row tuples."""

    def __init__(self, conn: sa.Connection, import_id: int):
        self.conn = conn
        self.dialect = conn.dialect.name
        self.name = f"roster_stage_{int(import_id)}"
        #: line -> person id of the rows whose people are known or numbered (apply.known_people).
        self.ids = f"{self.name}_ids"

    def create(self, shared: bool = False) -> None:
        """A temporary table; ``shared`` makes it an unlogged table other connections can fill
        (PostgreSQL, for parallel workers), dropped all the same at the end."""
        self.drop()
        columns = ", ".join(f"{c} {t}" for c, t in zip(COLUMNS, _TYPES[self.dialect], strict=True))
        kind = "UNLOGGED" if shared and self.dialect == "postgresql" else "TEMPORARY"
        self.conn.exec_driver_sql(f"CREATE {kind} TABLE {self.name} ({columns})")

    def copy_in(self, path: str) -> None:
        """Append the rows a worker staged in its own SQLite file."""
        self.conn.commit()
        self.conn.exec_driver_sql("ATTACH DATABASE ? AS part", (path,))
        self.conn.exec_driver_sql(f"INSERT INTO {self.name} ({', '.join(COLUMNS)}) "
                                  f"SELECT * FROM part.stage")
        self.conn.commit()
        self.conn.exec_driver_sql("DETACH DATABASE part")

    def drop(self) -> None:
        self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.name}")
        self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.ids}")

    def discard(self) -> None:
        """Drop the table at the end of an import. On SQLite the connection is closed instead:
        its temporary tables vanish with it at once, where dropping a million rows takes
        seconds."""
        if self.dialect == "sqlite":
            self.conn.invalidate()
        else:
            self.drop()
            self.conn.commit()

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        raw = self.conn.connection.driver_connection
        if self.dialect == "postgresql":
            with raw.cursor() as cursor, cursor.copy(
                    f"COPY {self.name} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(COLUMNS))
            raw.executemany(f"INSERT INTO {self.name} ({', '.join(COLUMNS)}) VALUES ({marks})",
                            rows)

    def index(self) -> None:
        """Ready the stage for comparing with the current version, once the rows are in: an
        index for SQLite's lookups; statistics for PostgreSQL, which hashes the stage instead
        (building the index cost more than the comparison it served)."""
        if self.dialect == "postgresql":
            self.conn.exec_driver_sql(f"ANALYZE {self.name}")
        else:
            self.conn.exec_driver_sql(
                f"CREATE INDEX {self.name}_content ON {self.name} (content_hash)")

    def delete_lines(self, lines: list[int]) -> None:
        for start in range(0, len(lines), 500):
            chunk = lines[start:start + 500]
            self.conn.execute(sa.text(f"DELETE FROM {self.name} WHERE line IN :lines")
                              .bindparams(sa.bindparam("lines", expanding=True)),
                              {"lines": chunk})

    def content_hashes(self, lines: list[int]) -> list[str]:
        query = sa.text(f"SELECT content_hash FROM {self.name} WHERE line IN :lines").bindparams(
            sa.bindparam("lines", expanding=True))
        found = []
        for start in range(0, len(lines), 500):
            found += self.conn.execute(query, {"lines": lines[start:start + 500]}).scalars()
        return found

    def fix_area(self, column: str, provisional: int, real: int) -> None:
        self.conn.execute(sa.text(f"UPDATE {self.name} SET {column} = :real WHERE {column} = :p"),
                          {"real": real, "p": provisional})
