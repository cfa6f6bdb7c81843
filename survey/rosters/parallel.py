"""The first pass of a large CSV in several processes at once.

Checking, hashing and encrypting cost some 15 microseconds of Python per row, so a million rows
keep one core busy for a quarter of a minute; the file is therefore cut into parts at line starts
and each part is read, checked, sealed and staged by a worker process. This is done only when the
cut is certainly safe: a CSV without any quote character (so no field spans lines) in UTF-8 or
GB 18030 (where the newline byte never occurs inside a character), and without creating areas
(whose provisional ids must come from one place). Workers stage into an unlogged table on
PostgreSQL and into their own SQLite file otherwise, which the main process copies in.
"""

import bisect
import multiprocessing
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from survey import privacy
from survey.rosters.seal import COLUMNS, FirstPass, read_rows
from survey.rosters.validate import Areas, Problem, RowChecker

BLOCK = 4 << 20
#: A part of about this size: small enough to read whole (some 10 MB once decoded).
PART_BYTES = 2 << 20


@dataclass(frozen=True)
class Part:
    start: int
    end: int
    first_line: int


def plan(path: Path, encoding: str, header_line: int,
         part_bytes: int = PART_BYTES) -> list[Part] | None:
    """Byte ranges of the data rows, each starting at a line start; None if cutting is unsafe."""
    if encoding not in ("utf-8", "utf-8-sig", "gb18030"):
        return None
    blocks: list[tuple[int, int]] = []  # (offset, newlines before it)
    newlines = position = 0
    data_start = None
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            if (b'"' in block or b"\0" in block
                    or block.count(b"\r") - block.count(b"\r\n") > 0):
                return None  # a quoted field may span lines; a lone CR ends lines too; the
                # csv module refuses NUL, with a message that names the line
            count = block.count(b"\n")
            if data_start is None and newlines + count >= header_line:
                cut = -1
                for _ in range(header_line - newlines):
                    cut = block.index(b"\n", cut + 1)
                data_start = position + cut + 1
            blocks.append((position, newlines))
            newlines += count
            position += len(block)
        if data_start is None:
            return None
        starts = [data_start]
        for target in range(data_start + part_bytes, position, part_bytes):
            handle.seek(target)
            cut = handle.read(1 << 16).find(b"\n")
            if cut >= 0 and target + cut + 1 < position and target + cut + 1 > starts[-1]:
                starts.append(target + cut + 1)
        lines = [_line_at(handle, blocks, start) for start in starts]
    ends = starts[1:] + [position]
    return [Part(s, e, n) for s, e, n in zip(starts, ends, lines, strict=True)]


def _line_at(handle, blocks: list[tuple[int, int]], offset: int) -> int:
    """The line number (from 1) of the line that starts at byte ``offset``."""
    index = bisect.bisect_right([b[0] for b in blocks], offset) - 1
    start, before = blocks[index]
    handle.seek(start)
    return before + handle.read(offset - start).count(b"\n") + 1


@dataclass
class Setup:
    """What a worker needs: the file, the mapping, the places, the keys and where to stage."""

    path: str
    encoding: str
    delimiter: str
    mapping: dict[str, int]
    towns: dict[str, int]
    villages: dict[tuple[int, str], int]
    hash_key: bytes
    encryption_key: bytes
    #: A libpq connection string and the stage table on PostgreSQL; else a folder for SQLite.
    conninfo: str | None
    table: str
    folder: str | None


class _Problems:
    def __init__(self):
        self.items: list[Problem] = []

    def add(self, problems: list[Problem]) -> None:
        if len(self.items) < 100_000:
            self.items.extend(problems)

    def flush(self) -> None:
        pass


class _PostgresStage:
    def __init__(self, conn, table: str):
        self.conn, self.table = conn, table

    def write(self, rows: list[tuple]) -> None:
        with self.conn.cursor() as cursor, cursor.copy(
                f"COPY {self.table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


class _SqliteStage:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.execute(f"CREATE TABLE stage ({', '.join(COLUMNS)})")

    def write(self, rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(COLUMNS))
        self.conn.executemany(f"INSERT INTO stage VALUES ({marks})", rows)


def stage_part(setup: Setup, part: Part) -> tuple[FirstPass, list[Problem], str | None]:
    """Read, check, seal and stage one part; return its counts, problems and SQLite file."""
    with open(setup.path, "rb") as handle:
        handle.seek(part.start)
        text = handle.read(part.end - part.start).decode(
            "utf-8" if setup.encoding == "utf-8-sig" else setup.encoding)
    rows = _split_rows(text, setup.delimiter, part.first_line)
    checker = RowChecker(setup.mapping, Areas(setup.towns, setup.villages))
    vault = privacy.Vault(setup.hash_key, setup.encryption_key)
    problems = _Problems()
    if setup.conninfo:
        import psycopg  # only where PostgreSQL is used

        with psycopg.connect(setup.conninfo) as conn:
            result = read_rows(rows, checker, _PostgresStage(conn, setup.table), vault, problems)
        result.peak_mb = peak_mb()
        return result, problems.items, None
    path = os.path.join(setup.folder, f"part-{part.start}.sqlite")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("BEGIN")
    result = read_rows(rows, checker, _SqliteStage(conn), vault, problems)
    conn.execute("COMMIT")
    conn.close()
    result.peak_mb = peak_mb()
    return result, problems.items, path


def _split_rows(text: str, delimiter: str, first_line: int):
    """The non-blank rows of a part as ``(line, cells)``.

    With no quote character in the file (see ``plan``) a CSV line is its fields joined by the
    delimiter, so str.split reads it as the csv module would, at twice its speed. Lines are split
    at "\n" only, not by splitlines(): a name may hold a Unicode line separator.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    for line, content in enumerate(text.split("\n"), start=first_line):
        if content and not content.isspace():
            cells = content.split(delimiter)
            if any(c.strip() for c in cells):
                yield line, cells


def peak_mb() -> float:
    """This process's own peak memory (VmHWM), in MB; 0 where /proc is not there.

    Not ``ru_maxrss``: Linux carries the high-water mark of the process that forked over the exec
    of a spawned worker, so a worker would report the main process's size.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def work(arguments: tuple[Setup, Part]):
    return stage_part(*arguments)


def pool(workers: int):
    """Worker processes started afresh ("spawn", never a fork of a process holding database
    connections and threads): they import only what a part needs, some 60 MB."""
    return multiprocessing.get_context("spawn").Pool(workers)
