"""Run one import from start to end: first pass, duplicates, second pass; record the outcome.

Whatever happens, the outcome is written to the import's row, and the program's roster is either
a complete new version or untouched: the second pass is one transaction, and the first writes only
to spool files of its own (``seal``) and to the import's report. The whole import holds the
district's import lock (``apply.import_lock``).
"""

import logging
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from survey import privacy
from survey.extensions import db
from survey.models import (
    Area,
    ImportStatus,
    RosterColumnMapping,
    RosterImport,
    RosterImportProblem,
    utcnow,
)
from survey.rosters import apply, bulk, columns, parallel, timing, values
from survey.rosters.formats import FileProblem
from survey.rosters.importer import ProblemSink, first_pass
from survey.rosters.reader import RosterFile
from survey.rosters.seal import NEW, Context, Dropped, FirstPass
from survey.rosters.validate import Areas

log = logging.getLogger(__name__)
#: CSV files from this size on are read by several processes (see ``parallel``).
PARALLEL_BYTES = 16 << 20
#: Called with the share of the file read (0 to 1) as an import goes on; the CLI's progress bar.
on_progress: Callable[[float], None] | None = None


@dataclass(frozen=True)
class Target:
    """The program an import writes to."""

    id: int
    code: str


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


def run(import_id: int, path: Path) -> ImportStatus:
    """Run the import ``import_id`` on the file at ``path``; return how it ended."""
    job = db.session.get(RosterImport, import_id)
    # Plain values only from here on: an ORM object touched later would open a transaction
    # whose locks could stand in the way of the second pass.
    program = Target(job.program.id, job.program.code)
    by_id, filename = job.created_by_id, job.filename
    options = (job.file_kind, job.sheet, job.valid_only, job.create_areas)
    db.session.commit()
    timing.start()
    folder = tempfile.mkdtemp(prefix="roster-")
    with db.engine.connect() as conn:
        try:
            _update(conn, import_id, status=ImportStatus.RUNNING, started_at=utcnow())
            with apply.import_lock(conn):
                timing.lap("waiting for other imports")
                status = _run(conn, folder, import_id, program, by_id, filename, path, options)
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
            if conn.dialect.name == "sqlite":
                conn.invalidate()  # attached spool files and temporary tables go with it
            shutil.rmtree(folder, ignore_errors=True)
            timing.lap("cleanup")
    log.info("roster import %s: %s", import_id, status.value, extra={"phases": timing.phases()})
    db.session.expire_all()
    return status


def _refuse(conn, import_id: int, message: str) -> ImportStatus:
    conn.execute(sa.insert(RosterImportProblem).values(
        import_id=import_id, line=0, column="", value="", reason=message[:200]))
    count = conn.execute(sa.select(sa.func.count()).select_from(RosterImportProblem)
                         .where(RosterImportProblem.import_id == import_id)).scalar()
    _update(conn, import_id, status=ImportStatus.REFUSED, message=message, finished_at=utcnow(),
            problem_count=count)
    return ImportStatus.REFUSED


def _run(conn, folder: str, import_id: int, program: Target, by_id, filename, path, options):
    kind, sheet, valid_only, create_areas = options
    remembered = remembered_mapping(conn, program.id)
    with RosterFile(path, kind, sheet, remembered) as roster:
        mapping = columns.guess(roster.header, remembered)
        if missing := columns.missing(mapping):
            raise FileProblem(f"第{roster.header_line}行（表头）缺少必需的列：" + "、".join(missing)
                              + "。请在“列对应”中指定哪一列是什么")
        areas = area_index(conn, create_areas)
        ctx = apply.context(conn, program.id)
        sink = ProblemSink(conn, import_id)

        def progress(rows: int, fraction: float) -> None:
            _update(conn, import_id, rows_read=rows, progress=min(fraction, 0.99))
            if on_progress is not None:
                on_progress(fraction)

        timing.lap("open")
        setup = _setup(conn, roster, mapping, areas, ctx, folder)
        parts = _parts(roster, create_areas, conn)
        if parts:
            result = in_parallel(setup, parts, sink, progress)
        else:
            sealer = parallel.make_sealer(setup, conn.connection.driver_connection, areas)
            try:
                result = first_pass(roster, sealer, sink, progress)
            finally:
                sealer.writer.close()
        conn.commit()
    timing.lap("first pass")
    return _decide(conn, import_id, program, by_id, filename, valid_only, result, areas, sink,
                   ctx)


def _decide(conn, import_id: int, program: Target, by_id, filename, valid_only: bool,
            result: FirstPass, areas: Areas, sink: ProblemSink, ctx: Context):
    """Refuse the file, or leave its bad rows out when the admin said so, and write the rest."""
    _report_duplicates(conn, sink, result)
    timing.lap("duplicates")
    bad_rows = result.bad_rows + len(result.duplicates)
    counts = {"rows_read": result.rows, "bad_rows": bad_rows, "problem_count": sink.count}
    if bad_rows and not valid_only:
        _update(conn, import_id, status=ImportStatus.REFUSED, finished_at=utcnow(), **counts)
        return ImportStatus.REFUSED
    dropped = result.drop(sorted(result.duplicates)) if result.duplicates else Dropped()
    if result.staged == 0:
        _update(conn, import_id, **counts)
        return _refuse(conn, import_id, "文件中没有可导入的数据行")
    _update(conn, import_id, **counts)
    return _second_pass(conn, import_id, program, by_id, filename, result, areas, ctx, dropped)


def _parts(roster: RosterFile, create_areas: bool, conn) -> list[parallel.Part] | None:
    """The parts of a large CSV to read in parallel, or None to read it in this process."""
    config = current_app.config
    workers = min(config.get("ROSTER_WORKERS", 2), os.cpu_count() or 1)
    in_memory = conn.dialect.name == "sqlite" and conn.engine.url.database in (None, "",
                                                                              ":memory:")
    if (roster.kind != "csv" or create_areas or workers < 2 or in_memory
            or roster.size < config.get("ROSTER_PARALLEL_BYTES", PARALLEL_BYTES)):
        return None
    parts = parallel.plan(roster.path, roster.encoding, roster.header_line,
                          config.get("ROSTER_PART_BYTES", parallel.PART_BYTES))
    return parts if parts and len(parts) > 1 else None


def _setup(conn, roster: RosterFile, mapping, areas: Areas, ctx: Context,
           folder: str) -> parallel.Setup:
    vault = privacy.Vault.from_app()
    postgres = conn.dialect.name == "postgresql"
    url = conn.engine.url.set(drivername="postgresql")
    return parallel.Setup(
        path=str(roster.path), encoding=getattr(roster, "encoding", ""),
        delimiter=getattr(roster, "delimiter", ","), mapping=mapping, towns=areas.towns,
        villages=areas.villages, hash_key=vault.hash_key, encryption_key=vault.encryption_key,
        context=ctx, folder=folder,
        conninfo=url.render_as_string(hide_password=False) if postgres else None,
        database=None if postgres else conn.engine.url.database,
    )


def in_parallel(setup: parallel.Setup, parts: list[parallel.Part], sink: ProblemSink,
                progress) -> FirstPass:
    """The first pass shared by this process and ``ROSTER_WORKERS - 1`` worker processes.

    This process takes a part whenever the workers are busy, so that with two cores one extra
    process (not two) is started and the memory of the app is not loaded twice.
    """
    result, done, total = FirstPass(), 0, sum(p.end - p.start for p in parts)
    workers = min(current_app.config.get("ROSTER_WORKERS", 2), os.cpu_count() or 1) - 1
    waiting, running = deque(parts), deque()

    def take(part: parallel.Part, outcome, worker: bool) -> None:
        nonlocal done
        counts, problems = outcome
        if not worker:
            counts.peak_mb = 0.0  # this process's own memory is its own ru_maxrss
        sink.add(problems)
        sink.flush()
        result.merge(counts)
        done += part.end - part.start
        progress(result.rows, done / total)

    try:
        with parallel.pool(workers) as pool:
            while waiting or running:
                while waiting and len(running) < 2 * workers:  # one queued behind each
                    part = waiting.popleft()
                    running.append((part, pool.apply_async(parallel.work, ((setup, part),))))
                if waiting:
                    part = waiting.popleft()
                    take(part, parallel.stage_part(setup, part), worker=False)
                while running and (running[0][1].ready() or not waiting):
                    part, pending = running.popleft()
                    take(part, pending.get(), worker=True)
    finally:
        parallel.release(setup)
    result.find_duplicates()
    log.info("roster first pass: %d rows in %d parts, %d worker processes",
             result.rows, len(parts), workers, extra={"worker_peak_mb": result.peak_mb})
    return result


def _report_duplicates(conn, sink: ProblemSink, result: FirstPass) -> None:
    if not result.duplicates:
        return
    lines = sorted(result.duplicates)
    masks = result.masks(lines)
    sink.add([(line, columns.label("id_number"), masks.get(line, ""),
               f"与第{result.duplicates[line]}行是同一个人（身份证号重复）") for line in lines])
    sink.flush()
    conn.commit()


def _second_pass(conn, import_id, program: Target, by_id, filename, result: FirstPass,
                 areas: Areas, ctx: Context, dropped: Dropped) -> ImportStatus:
    apply.begin(conn, import_id, ctx)
    change = apply.changes(conn, ctx, result.kinds_count, len(result.kept_ids))
    if change.none:
        conn.rollback()
        version_id = apply.current_version_id(conn, program.id)
        _update(conn, import_id, status=ImportStatus.UNCHANGED, version_id=version_id,
                finished_at=utcnow(), progress=1.0)
        return ImportStatus.UNCHANGED
    timing.lap("compare")
    loader = _loader(conn, result.spooled)
    real, created = apply.create_areas(conn, areas.new_towns, areas.new_villages)
    loader.prepare(dropped, real)
    new_people, new_entries = result.kinds_count[NEW], result.staged - len(result.kept_ids)
    with bulk.loading(conn, "person", new_people):
        loader.insert_people()
    apply.move_person_sequence(conn)
    timing.lap("people")
    with bulk.loading(conn, "roster_entry", new_entries, sqlite=False):
        loader.insert_entries(ctx.program_id, ctx.number)
        timing.lap("entries")
    timing.lap("indexes and keys")
    apply.close_entries(conn, ctx, result.kept_ids)
    timing.lap("close entries")
    bulk.refresh_statistics(conn, "person", new_people)
    bulk.refresh_statistics(conn, "roster_entry", new_entries)
    timing.lap("statistics")
    total = apply.fingerprint(conn, ctx.program_id, ctx.number) if dropped.lines \
        else result.fingerprint
    detail = {"program": program.code, "import": import_id, "new_areas": created[:50]}
    version_id = apply.insert_version(
        conn, program_id=program.id, number=ctx.number, filename=filename,
        rows=result.staged, fingerprint=f"{total:064x}", change=change, user_id=by_id,
        detail=detail)
    conn.execute(sa.update(RosterImport).where(RosterImport.id == import_id).values(
        status=ImportStatus.DONE, version_id=version_id, finished_at=utcnow(), progress=1.0))
    conn.commit()
    timing.lap("commit")
    loader.finish()
    return ImportStatus.DONE


def _loader(conn, spooled: list):
    if conn.dialect.name == "postgresql":
        from survey.rosters import spool_postgres

        return spool_postgres.Loader(conn, spooled)
    from survey.rosters import spool_sqlite

    return spool_sqlite.Loader(conn, sorted(set(spooled)))
