"""The first pass of an import in this process alone: read every row, check, seal and spool it.

Nothing of the program's roster is touched here. Rows are taken in parts of ``PART_ROWS``, as the
worker processes of a large CSV take them (``parallel``), and sealed by the same code (``seal``).
Problems are written to the import's report as they are found.
"""

from collections.abc import Callable

import sqlalchemy as sa

from survey.models import RosterImportProblem
from survey.rosters.outcome import FirstPass
from survey.rosters.reader import RosterFile
from survey.rosters.seal import Sealer
from survey.rosters.validate import Problem

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
               progress: Callable[[int, float], None]) -> FirstPass:
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
