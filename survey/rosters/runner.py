"""Run one import from start to end: first pass, duplicates, second pass; record the outcome.

Whatever happens, the outcome is written to the import's row, and the program's roster is either
a complete new version or untouched: the rows are written in one transaction (``writing``), and
the first pass otherwise writes only to spool files of its own (``seal``) and to the import's
report. The whole import holds the district's import lock (``apply.import_lock``).

A large CSV that is a program's first roster is written as it is read ("streamed"): the
transaction begins with the first pass and takes each part as soon as the parts before it are
in, so that the database's writing overlaps the reading of the rest. It ends at the first bad
row (unless the admin asked for the valid rows only), and the file is then refused as usual.
While it runs, SQLite's write lock is held, so the import's report and progress wait in memory
(the command line's progress bar still moves). Otherwise the rows are written after the first
pass, from the spool.
"""

import gc
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from survey.extensions import db
from survey.models import (
    Area,
    ImportStatus,
    RosterColumnMapping,
    RosterImport,
    RosterImportProblem,
    utcnow,
)
from survey.rosters import apply, bulk, columns, firstpass, timing, values
from survey.rosters.firstpass import ProblemSink
from survey.rosters.formats import FileProblem
from survey.rosters.outcome import FirstPass
from survey.rosters.reader import RosterFile
from survey.rosters.seal import NEW, Context
from survey.rosters.validate import Areas
from survey.rosters.writing import Transaction

log = logging.getLogger(__name__)
#: Called with the share of the file read (0 to 1) as an import goes on; the CLI's progress bar.
on_progress: Callable[[float], None] | None = None


@dataclass(frozen=True)
class Job:
    """An import's facts, as plain values (an ORM object touched later would open a transaction
    whose locks could stand in the way of the writing)."""

    id: int
    program_id: int
    program_code: str
    by_id: int | None
    filename: str
    kind: str
    sheet: str | None
    valid_only: bool
    create_areas: bool


def remembered_mapping(conn: sa.Connection, program_id: int) -> dict[str, str]:
    query = sa.select(RosterColumnMapping.columns).where(
        RosterColumnMapping.program_id == program_id)
    return conn.execute(query).scalar() or {}


def area_index(conn: sa.Connection, create: bool) -> Areas:
    """Town and village names -> ids, the names normalised as a file's cells are
    (``values.place``: full-width folded, spaces removed), so that a cell finds its place
    whichever way the checker reads it."""
    rows = conn.execute(sa.select(Area.id, Area.name, Area.parent_id)).all()
    towns = {values.place(name): id_ for id_, name, parent in rows if parent is None}
    villages = {(parent, values.place(name)): id_ for id_, name, parent in rows
                if parent is not None}
    return Areas(towns, villages, create)


def _update(conn: sa.Connection, import_id: int, **values) -> None:
    conn.execute(sa.update(RosterImport).where(RosterImport.id == import_id).values(**values))
    conn.commit()


class Progress:
    """Writes how far the first pass is to the import's row, twice a second at most (each time
    is a commit), unless held; and moves the command line's progress bar."""

    def __init__(self, conn: sa.Connection, import_id: int):
        self.conn, self.import_id = conn, import_id
        self.held, self.shown = False, 0.0

    def __call__(self, rows: int, fraction: float) -> None:
        if not self.held and (time.monotonic() - self.shown >= 0.5 or fraction >= 1):
            _update(self.conn, self.import_id, rows_read=rows, progress=min(fraction, 0.99))
            self.shown = time.monotonic()
        if on_progress is not None:
            on_progress(fraction)


def run(import_id: int, path: Path) -> ImportStatus:
    """Run the import ``import_id`` on the file at ``path``; return how it ended."""
    row = db.session.get(RosterImport, import_id)
    job = Job(import_id, row.program.id, row.program.code, row.created_by_id, row.filename,
              row.file_kind, row.sheet, row.valid_only, row.create_areas)
    db.session.commit()
    timing.start()
    folder = tempfile.mkdtemp(prefix="roster-")
    with _without_cyclic_gc(), db.engine.connect() as conn:
        try:
            _update(conn, import_id, status=ImportStatus.RUNNING, started_at=utcnow())
            with apply.import_lock(conn):
                timing.lap("waiting for other imports")
                status = _run(conn, folder, job, path)
        except (FileProblem, apply.ConcurrentImport) as problem:
            conn.rollback()
            status = _refuse(conn, import_id, str(problem))
        except Exception:
            log.exception("roster import %s failed", import_id)
            conn.rollback()
            status = ImportStatus.FAILED
            _update(conn, import_id, status=status, finished_at=utcnow(),
                    message="导入时发生系统错误，没有导入任何数据。请联系管理员查看日志。")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            timing.lap("cleanup")
    log.info("roster import %s: %s", import_id, status.value, extra={"phases": timing.phases()})
    db.session.expire_all()
    return status


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while an import runs in this process: the import
    makes no reference cycles, and the collector would walk its many fresh objects (and the
    whole app's) again and again, a fifth of the first pass's time. Other threads' cycles wait
    for the end of the import; reference counting frees everything else as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _refuse(conn, import_id: int, message: str) -> ImportStatus:
    conn.execute(sa.insert(RosterImportProblem).values(
        import_id=import_id, line=0, column="", value="", reason=message[:200]))
    count = conn.execute(sa.select(sa.func.count()).select_from(RosterImportProblem)
                         .where(RosterImportProblem.import_id == import_id)).scalar()
    _update(conn, import_id, status=ImportStatus.REFUSED, message=message, finished_at=utcnow(),
            problem_count=count)
    return ImportStatus.REFUSED


def _run(conn, folder: str, job: Job, path: Path) -> ImportStatus:
    remembered = remembered_mapping(conn, job.program_id)
    with RosterFile(path, job.kind, job.sheet, remembered) as roster:
        mapping = columns.guess(roster.header, remembered)
        if missing := columns.missing(mapping):
            raise FileProblem(f"第{roster.header_line}行（表头）缺少必需的列：" + "、".join(missing)
                              + "。请在“列对应”中指定哪一列是什么")
        areas = area_index(conn, job.create_areas)
        ctx = apply.context(conn, job.program_id)
        sink, progress = ProblemSink(conn, job.id), Progress(conn, job.id)
        timing.lap("open")
        setup = firstpass.setup(conn, roster, mapping, areas, ctx, folder)
        cut = firstpass.plan(roster, job.create_areas, conn)
        try:
            if cut and setup.conninfo and ctx.people_known:
                firstpass.look_up_people(conn, setup, cut, job.id, job.program_id)
            stream = _stream(conn, job, ctx, cut, sink, progress, setup)
            try:
                if cut:
                    result = firstpass.in_parallel(setup, cut, sink, progress,
                                                   stream and stream.parts.add)
                else:
                    result = firstpass.in_this_process(conn, roster, setup, areas, sink,
                                                       progress)
                conn.commit()
                timing.lap("first pass")
                return _decide(conn, job, result, areas, sink, ctx, stream)
            finally:
                if stream is not None:
                    stream.close()
        finally:
            if setup.prefetch is not None:
                from survey.rosters import prefetch

                prefetch.drop(conn, job.id)


def _stream(conn, job: Job, ctx: Context, cut, sink: ProblemSink, progress: Progress,
            setup) -> Transaction | None:
    """The transaction of a streamed import (see the module's docstring), or None."""
    rows = 0 if not cut else len(cut) * (cut[-1].first_line - cut[0].first_line) // max(
        len(cut) - 1, 1)
    postgres = conn.dialect.name == "postgresql"
    # A PostgreSQL bulk load locks person: the parts could not look people up there.
    looks_up = postgres and ctx.people_known and setup.prefetch is None
    if (not cut or ctx.number > 1 or rows < bulk.BULK_ROWS or looks_up
            or not current_app.config.get("ROSTER_STREAM", True)):
        return None
    stream = Transaction(db.engine, job.id, ctx, [part.first_line for part in cut],
                         job.valid_only)
    stream.bulk(rows, rows)
    if not postgres:
        sink.held = progress.held = True
    return stream


def _decide(conn, job: Job, result: FirstPass, areas: Areas, sink: ProblemSink, ctx: Context,
            stream: Transaction | None) -> ImportStatus:
    """Refuse the file, or leave its bad rows out when the admin said so, and write the rest."""
    if stream is not None and (stream.parts.stopped or not stream.parts.done):
        stream.abort()
        sink.release()
    result.find_duplicates()
    _report_duplicates(sink, result)
    timing.lap("duplicates")
    bad_rows = result.bad_rows + len(result.duplicates)
    counts = {"rows_read": result.rows, "bad_rows": bad_rows, "problem_count": sink.count}
    if bad_rows and not job.valid_only:
        sink.release()
        _update(conn, job.id, status=ImportStatus.REFUSED, finished_at=utcnow(), **counts)
        return ImportStatus.REFUSED
    if result.duplicates:
        result.drop(sorted(result.duplicates))
    if result.staged == 0:
        if stream is not None:
            stream.abort()
        sink.release()
        _update(conn, job.id, **counts)
        return _refuse(conn, job.id, "文件中没有可导入的数据行")
    return _write(conn, job, result, areas, sink, ctx, stream, counts)


def _write(conn, job: Job, result: FirstPass, areas: Areas, sink: ProblemSink, ctx: Context,
           stream: Transaction | None, counts: dict) -> ImportStatus:
    """Write the rows (unless they were streamed) and the version, in the import's transaction."""
    tx, created = stream, []
    if tx is None:
        sink.release()
        _update(conn, job.id, **counts)
        tx = Transaction(db.engine, job.id, ctx, [part.first_line for part in result.in_order()],
                         job.valid_only)
    try:
        change = apply.changes(tx.conn, ctx, result.kinds_count, len(result.kept_ids))
        if change.none:
            tx.abort()
            _update(conn, job.id, status=ImportStatus.UNCHANGED, finished_at=utcnow(),
                    progress=1.0, version_id=apply.current_version_id(conn, job.program_id))
            return ImportStatus.UNCHANGED
        timing.lap("compare")
        if tx is not stream:
            tx.parts.areas, created = apply.create_areas(tx.conn, areas.new_towns,
                                                         areas.new_villages)
            tx.bulk(result.kinds_count[NEW], result.staged - len(result.kept_ids))
            for part in result.in_order():
                tx.parts.add(part)
        sink.release(tx.conn)
        timing.lap("people and entries")
        tx.finish(result, change, program_code=job.program_code, filename=job.filename,
                  by_id=job.by_id, counts=counts, created=created)
        return ImportStatus.DONE
    finally:
        if tx is not stream:
            tx.close()


def _report_duplicates(sink: ProblemSink, result: FirstPass) -> None:
    if not result.duplicates:
        return
    lines = sorted(result.duplicates)
    masks = result.masks(lines)
    sink.add([(line, columns.label("id_number"), masks.get(line, ""),
               f"与第{result.duplicates[line]}行是同一个人（身份证号重复）") for line in lines])
