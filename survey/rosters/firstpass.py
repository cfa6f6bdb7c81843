"""The first pass of an import: read every row, check, seal and spool it.

Nothing of the program's roster is touched here. A large CSV is cut into parts that this process
and ``ROSTER_WORKERS - 1`` worker processes read (``in_parallel``, see ``parallel``); any other
file is read here alone (``in_this_process``), in parts of ``PART_ROWS`` rows sealed by the same
code (``seal``). Problems are written to the import's report as they are found.
"""

import logging
import os
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app

from survey import privacy
from survey.models import RosterImportProblem
from survey.rosters import parallel, parts, timing
from survey.rosters.outcome import FirstPass, Part
from survey.rosters.reader import RosterFile
from survey.rosters.seal import Context, Sealer
from survey.rosters.validate import Areas, Problem

log = logging.getLogger(__name__)
#: CSV files from this size on are read by several processes (see ``parallel``).
PARALLEL_BYTES = 16 << 20
#: Told the rows read and the share of the file read (0 to 1) as the first pass goes on.
Progress = Callable[[int, float], None]

#: Problems stored per import; past this the report counts them but lists no more.
MAX_PROBLEMS = 100_000
#: Rows checked and sealed at a time (some 25 MB in memory).
PART_ROWS = 10_000


class ProblemSink:
    """Write problems to the import's report in batches, up to MAX_PROBLEMS."""

    def __init__(self, conn: sa.Connection, import_id: int):
        self.conn, self.import_id = conn, import_id
        self.pending: list[dict] = []
        self.count = 0
        #: While held, problems wait in memory (SQLite: the import's transaction holds the
        #: write lock); ``release`` writes them, on the given connection if any.
        self.held = False

    def add(self, problems: list[Problem]) -> None:
        for line, column, value, reason in problems:
            self.count += 1
            if self.count <= MAX_PROBLEMS:
                self.pending.append({"import_id": self.import_id, "line": line,
                                     "column": column, "value": value, "reason": reason})
        if len(self.pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self.pending and not self.held:
            self.conn.execute(sa.insert(RosterImportProblem), self.pending)
            self.pending = []

    def release(self, conn: sa.Connection | None = None) -> None:
        self.held = False
        self.conn = conn or self.conn
        self.flush()


def first_pass(roster: RosterFile, sealer: Sealer, sink: ProblemSink,
               progress: Progress) -> FirstPass:
    """Read, check, seal and spool every row; return the counts and the duplicates found."""
    result = FirstPass()
    lines: list[int] = []
    rows: list[list] = []
    for line, cells in roster.rows():
        lines.append(line)
        rows.append(cells)
        if len(rows) >= PART_ROWS:
            result.add(lines[0], sealer.part(lines, rows, sink))
            sink.flush()
            progress(result.rows, roster.fraction())
            lines, rows = [], []
    if rows:
        result.add(lines[0], sealer.part(lines, rows, sink))
    sink.flush()
    result.find_duplicates()
    progress(result.rows, 1.0)
    return result


def in_this_process(conn, roster: RosterFile, setup: parallel.Setup, areas: Areas,
                     sink: ProblemSink, progress: Progress) -> FirstPass:
    sealer = parallel.make_sealer(setup, conn.connection.driver_connection, areas)
    try:
        return first_pass(roster, sealer, sink, progress)
    finally:
        sealer.writer.close()


def look_up_people(conn, setup: parallel.Setup, cut: list[parts.Part], import_id: int,
                   program_id: int) -> None:
    """Look the file's people up in one join before sealing it (``prefetch``)."""
    from survey.rosters import prefetch

    prefetch.create(conn, import_id)
    setup.prefetch = import_id
    parallel.run_parts(setup, cut, workers() - 1, lambda *_: None, task="keys")
    known = prefetch.join(conn, import_id, program_id)
    timing.lap("people looked up")
    log.info("roster import %s: %d lines of known people", import_id, known)


def plan(roster: RosterFile, create_areas: bool, conn) -> list[parts.Part] | None:
    """The parts of a large CSV to read in parallel, or None to read it in this process."""
    config = current_app.config
    in_memory = conn.dialect.name == "sqlite" and conn.engine.url.database in (None, "",
                                                                              ":memory:")
    if (roster.kind != "csv" or create_areas or workers() < 2 or in_memory
            or roster.size < config.get("ROSTER_PARALLEL_BYTES", PARALLEL_BYTES)):
        return None
    cut = parts.plan(roster.path, roster.encoding, roster.header_line,
                     config.get("ROSTER_PART_BYTES", parts.PART_BYTES))
    return cut if cut and len(cut) > 1 else None


def workers() -> int:
    """The processes that read a large CSV, this one included."""
    return min(current_app.config.get("ROSTER_WORKERS", 2), os.cpu_count() or 1)


def setup(conn, roster: RosterFile, mapping, areas: Areas, ctx: Context,
          folder: str) -> parallel.Setup:
    """What the processes of the first pass need to know, as plain values."""
    vault = privacy.Vault.from_app()
    postgres = conn.dialect.name == "postgresql"
    url = conn.engine.url.set(drivername="postgresql")
    return parallel.Setup(
        path=str(roster.path), encoding=getattr(roster, "encoding", ""),
        delimiter=getattr(roster, "delimiter", ","), mapping=mapping, towns=areas.towns,
        villages=areas.villages, hash_key=vault.hash_key, encryption_key=vault.encryption_key,
        context=ctx, folder=folder, width=len(roster.header),
        conninfo=url.render_as_string(hide_password=False) if postgres else None,
        database=None if postgres else conn.engine.url.database,
    )


def in_parallel(setup: parallel.Setup, cut: list[parts.Part], sink: ProblemSink,
                progress: Progress, sealed: Callable[[Part], None] | None = None) -> FirstPass:
    """The first pass in several processes; each part is given to ``sealed`` as it comes (in
    any order: a streamed import writes it at once)."""
    result, done, total = FirstPass(), [0], sum(part.end - part.start for part in cut)

    def take(part: parts.Part, outcome, problems) -> None:
        sink.add(problems)
        sink.flush()
        counted = result.add(part.first_line, outcome)
        if sealed is not None:
            sealed(counted)
        done[0] += part.end - part.start
        progress(result.rows, done[0] / total)

    parallel.run_parts(setup, cut, workers() - 1, take)
    log.info("roster first pass: %d rows in %d parts", result.rows, len(cut),
             extra={"worker_peak_mb": result.peak_mb})
    return result
