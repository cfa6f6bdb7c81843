"""The first pass of a large CSV in several processes at once.

Checking, hashing, encrypting and formatting cost some 10 microseconds of Python per row, so a
million rows would keep one core busy for ten seconds; the file is therefore cut into parts at
line starts and each part is read, checked, sealed and spooled by whichever process is free (the
importing one and ``ROSTER_WORKERS - 1`` workers). This is done only when the cut is certainly
safe: a CSV without any quote character (so no field spans lines) in UTF-8 or GB 18030 (where the
newline byte never occurs inside a character), and without creating areas (whose provisional ids
must come from one place). Each process has its own database connection for the lookups and
writes its own spool files (``seal``).
"""

import bisect
import multiprocessing
import multiprocessing.pool
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from survey import privacy
from survey.rosters import spool_sqlite
from survey.rosters.match import Matcher
from survey.rosters.seal import Context, FirstPass, Sealer
from survey.rosters.validate import Areas, Problem, RowChecker

BLOCK = 4 << 20
#: A part of about this size (some 10,000 rows, 25 MB in memory while it is sealed).
PART_BYTES = 1 << 20


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
    """What a process needs to seal parts: the file, the mapping, the places, the keys, the
    database to look people up in, and the folder of the spool."""

    path: str
    encoding: str
    delimiter: str
    mapping: dict[str, int]
    towns: dict[str, int]
    villages: dict[tuple[int, str], int]
    hash_key: bytes
    encryption_key: bytes
    context: Context
    folder: str
    #: A libpq connection string on PostgreSQL, else the SQLite database file.
    conninfo: str | None = None
    database: str | None = None


class _Problems:
    def __init__(self):
        self.items: list[Problem] = []

    def add(self, problems: list[Problem]) -> None:
        if len(self.items) < 100_000:
            self.items.extend(problems)

    def flush(self) -> None:
        pass


#: This process's sealer of each import running, by spool folder.
_sealers: dict[str, Sealer] = {}


def make_sealer(setup: Setup, connection=None, areas: Areas | None = None) -> Sealer:
    """A sealer writing to the import's spool; on its own database connection unless given one
    (an importing process reading a file alone uses its own), checking places against its own
    copy of the district's unless given ``areas`` (which may create new ones)."""
    if connection is None:
        connection = _connect(setup)
    ctx = setup.context
    if setup.conninfo or not isinstance(connection, sqlite3.Connection):
        from survey.rosters import spool_postgres  # only where PostgreSQL is used

        writer = spool_postgres.Writer(connection, setup.folder, ctx.program_id, ctx.number)
    else:
        writer = spool_sqlite.Writer(os.path.join(
            setup.folder, f"spool-{os.getpid()}-{threading.get_ident()}.sqlite"))
    checker = RowChecker(setup.mapping, areas or Areas(setup.towns, setup.villages))
    vault = privacy.Vault(setup.hash_key, setup.encryption_key)
    return Sealer(ctx, checker, vault, Matcher(connection, ctx.program_id), writer)


def _connect(setup: Setup):
    if setup.conninfo:
        import psycopg  # only where PostgreSQL is used

        return psycopg.connect(setup.conninfo, autocommit=True)
    uri = "file:" + urllib.parse.quote(os.path.abspath(setup.database)) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def release(setup: Setup) -> None:
    """Close this process's connections of an import (the importing process, at its end)."""
    sealer = _sealers.pop(setup.folder, None)
    if sealer is not None:
        sealer.matcher.connection.close()
        if isinstance(sealer.writer, spool_sqlite.Writer):
            sealer.writer.close()


def stage_part(setup: Setup, part: Part) -> tuple[FirstPass, list[Problem]]:
    """Read, check, seal and spool one part; return its counts and problems."""
    with open(setup.path, "rb") as handle:
        handle.seek(part.start)
        text = handle.read(part.end - part.start).decode(
            "utf-8" if setup.encoding == "utf-8-sig" else setup.encoding)
    lines, rows = split_rows(text, setup.delimiter, part.first_line)
    sealer = _sealers.get(setup.folder)
    if sealer is None:
        sealer = _sealers[setup.folder] = make_sealer(setup)
    problems = _Problems()
    result = sealer.part(lines, rows, problems)
    result.peak_mb = peak_mb()
    return result, problems.items


def split_rows(text: str, delimiter: str, first_line: int) -> tuple[list[int], list[list]]:
    """The line numbers and cells of a part's non-blank rows.

    With no quote character in the file (see ``plan``) a CSV line is its fields joined by the
    delimiter, so str.split reads it as the csv module would, at twice its speed. Lines are split
    at "\n" only, not by splitlines(): a name may hold a Unicode line separator. A line that
    starts with something other than a delimiter or a space is not blank, without looking further.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines, rows = [], []
    for line, content in enumerate(text.split("\n"), start=first_line):
        if not content:
            continue
        cells = content.split(delimiter)
        head = content[0]
        if (head == delimiter or head.isspace()) and not any(c.strip() for c in cells):
            continue
        lines.append(line)
        rows.append(cells)
    return lines, rows


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


@contextmanager
def pool(workers: int) -> Iterator[multiprocessing.pool.Pool]:
    """Worker processes started afresh ("spawn", never a fork of a process holding database
    connections and threads): they import only what a part needs, some 60 MB. They are let to
    finish (closing their connections and spool files) unless something went wrong."""
    workers_pool = multiprocessing.get_context("spawn").Pool(workers)
    try:
        yield workers_pool
    except BaseException:
        workers_pool.terminate()
        raise
    workers_pool.close()
    workers_pool.join()
