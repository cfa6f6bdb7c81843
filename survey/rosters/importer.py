"""The first pass of an import in this process: read every row, check, seal and stage it.

Nothing of the program's roster is touched here. Problems are written to the import's report as
they are found; the rows themselves are handled by ``seal``, which worker processes share.
"""

from collections.abc import Callable

import sqlalchemy as sa

from survey import privacy
from survey.models import RosterImportProblem
from survey.rosters.reader import RosterFile
from survey.rosters.seal import FirstPass, read_rows
from survey.rosters.stage import Stage
from survey.rosters.validate import Problem, RowChecker

#: Problems stored per import; past this the report counts them but lists no more.
MAX_PROBLEMS = 100_000


class ProblemSink:
    """Write problems to the import's report in batches, up to MAX_PROBLEMS."""

    def __init__(self, conn: sa.Connection, import_id: int):
        self.conn, self.import_id = conn, import_id
        self.pending: list[dict] = []
        self.count = 0

    def add(self, problems: list[Problem]) -> None:
        for line, column, value, reason in problems:
            self.count += 1
            if self.count <= MAX_PROBLEMS:
                self.pending.append({"import_id": self.import_id, "line": line,
                                     "column": column, "value": value, "reason": reason})
        if len(self.pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.conn.execute(sa.insert(RosterImportProblem), self.pending)
            self.pending = []


def first_pass(roster: RosterFile, checker: RowChecker, stage: Stage, vault: privacy.Vault,
               sink: ProblemSink, progress: Callable[[int, float], None]) -> FirstPass:
    """Read, check, seal and stage every row; return the counts and the duplicates found."""
    result = read_rows(roster.rows(), checker, stage, vault, sink,
                       lambda rows: progress(rows, roster.fraction()))
    result.find_duplicates()
    progress(result.rows, 1.0)
    return result


