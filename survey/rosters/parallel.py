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

import gc
import multiprocessing
import multiprocessing.pool
import os
import sqlite3
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from survey import privacy
from survey.rosters import spool_sqlite
from survey.rosters.match import Matcher
from survey.rosters.parts import Part, read, split_columns, split_rows
from survey.rosters.seal import Context, Sealed, Sealer
from survey.rosters.validate import Areas, Problem, RowChecker


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
    #: How many columns the header has: a part whose lines all have as many is read by columns.
    width: int
    #: A libpq connection string on PostgreSQL, else the SQLite database file.
    conninfo: str | None = None
    database: str | None = None
    #: The import whose table of known people (``prefetch``) the lookups read, if any.
    prefetch: int | None = None


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

        writer = spool_postgres.Writer(connection, setup.folder, ctx.program_id, ctx.number,
                                       ctx.entry_base)
    else:
        writer = spool_sqlite.Writer(setup.folder)
    checker = RowChecker(setup.mapping, areas or Areas(setup.towns, setup.villages))
    vault = privacy.Vault(setup.hash_key, setup.encryption_key)
    if setup.prefetch is not None:
        from survey.rosters import prefetch

        matcher = prefetch.Matcher(connection, prefetch.known_table(setup.prefetch))
    else:
        matcher = Matcher(connection, ctx.program_id)
    return Sealer(ctx, checker, vault, matcher, writer)


def _connect(setup: Setup):
    if setup.conninfo:
        import psycopg  # only where PostgreSQL is used

        return psycopg.connect(setup.conninfo, autocommit=True)
    uri = "file:" + urllib.parse.quote(os.path.abspath(setup.database)) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def release(setup: Setup) -> None:
    """Close this process's connections of an import (the importing process, at its end)."""
    if setup.conninfo:
        from survey.rosters import prefetch

        prefetch.release(setup.folder)
    sealer = _sealers.pop(setup.folder, None)
    if sealer is not None:
        sealer.writer.close()
        sealer.matcher.connection.close()


def stage_part(setup: Setup, part: Part) -> tuple[Sealed, list[Problem]]:
    """Read, check, seal and spool one part; return its counts and problems."""
    text = read(setup.path, setup.encoding, part)
    sealer = _sealers.get(setup.folder)
    if sealer is None:
        sealer = _sealers[setup.folder] = make_sealer(setup)
    problems = _Problems()
    regular = split_columns(text, setup.delimiter, part.first_line, setup.width)
    if regular is not None:
        result = sealer.part(regular[0], None, problems, columns=regular[1])
    else:
        lines, rows = split_rows(text, setup.delimiter, part.first_line)
        result = sealer.part(lines, rows, problems)
    result.peak_mb = peak_mb()
    return result, problems.items


def key_part(setup: Setup, part: Part) -> tuple[int, list]:
    """The quick first reading of a part before a PostgreSQL import looks people up in bulk
    (``prefetch``): copy its rows' ``(line, ID hash)``."""
    from survey.rosters import prefetch

    lines, rows = split_rows(read(setup.path, setup.encoding, part), setup.delimiter,
                             part.first_line)
    return prefetch.key_part(setup, lines, rows), []


#: What a worker can be asked to do with a part.
_TASKS = {"seal": stage_part, "keys": key_part}


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


def work(arguments: tuple[str, Setup, Part]):
    task, setup, part = arguments
    return _TASKS[task](setup, part)


@contextmanager
def pool(workers: int) -> Iterator[multiprocessing.pool.Pool]:
    """Worker processes started afresh ("spawn", never a fork of a process holding database
    connections and threads): they import only what a part needs, some 60 MB. They run without
    the cyclic garbage collector: sealing makes no reference cycles, and the collector's passes
    over a part's hundred thousand fresh objects cost a fifth of the time. They are let to
    finish (closing their connections and spool files) unless something went wrong."""
    workers_pool = multiprocessing.get_context("spawn").Pool(workers, initializer=gc.disable)
    try:
        yield workers_pool
    except BaseException:
        workers_pool.terminate()
        raise
    workers_pool.close()
    workers_pool.join()


def run_parts(setup: Setup, parts: list[Part], workers: int,
              take: Callable[[Part, Sealed, list[Problem]], None], task: str = "seal") -> None:
    """Seal every part (or do another of the ``_TASKS``), in this process and ``workers``
    worker processes; hand each part's outcome to ``take`` (in this process, as parts finish,
    not always in order).

    This process seals parts too, so that with two cores one extra process (not two) is started
    and the memory of the app is not loaded twice; but only as many as leave it no busier than
    the workers, counting the time ``take`` spends on each part (writing it, when an import is
    streamed): see ``_Share``.
    """
    waiting, running, share = deque(parts), deque(), _Share(workers)

    def hand(part: Part, outcome, problems) -> None:
        started = time.perf_counter()
        take(part, outcome, problems)
        share.took(time.perf_counter() - started)

    try:
        with pool(workers) as workers_pool:
            while waiting or running:
                while waiting and len(running) < 4 * workers:  # queued: never idle meanwhile
                    part = waiting.popleft()
                    share.handed()
                    running.append((part, workers_pool.apply_async(
                        work, ((task, setup, part),))))
                if waiting and share.mine():
                    part, started = waiting.popleft(), time.perf_counter()
                    outcome, problems = _TASKS[task](setup, part)
                    share.sealed(time.perf_counter() - started)
                    if task == "seal":
                        outcome.peak_mb = 0.0  # this process's memory is measured on its own
                    hand(part, outcome, problems)
                elif running:
                    part, pending = running.popleft()
                    hand(part, *pending.get())
                while running and running[0][1].ready():
                    part, pending = running.popleft()
                    hand(part, *pending.get())
    finally:
        release(setup)


class _Share:
    """How many of the parts this process should seal itself.

    With ``w`` workers, a part sealed in ``s`` seconds and ``t`` seconds of handling per part
    here, this process is as busy as each worker when it seals the share ``(s - w*t) /
    (s * (w + 1))`` of the parts; measured as the parts go (at first, its plain share).
    """

    def __init__(self, workers: int):
        self.workers, self.mine_count, self.handed_count = workers, 0, 0
        self.seal_seconds, self.take_seconds, self.taken = 0.0, 0.0, 0

    def handed(self) -> None:
        self.handed_count += 1

    def sealed(self, seconds: float) -> None:
        self.mine_count += 1
        self.handed_count += 1
        self.seal_seconds += seconds

    def took(self, seconds: float) -> None:
        self.taken += 1
        self.take_seconds += seconds

    def mine(self) -> bool:
        if not self.mine_count or not self.taken:
            return True
        seal = self.seal_seconds / self.mine_count
        handle = self.take_seconds / self.taken
        share = max(0.0, seal - self.workers * handle) / (seal * (self.workers + 1))
        return self.mine_count < share * (self.handed_count + 1)
