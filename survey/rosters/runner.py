"""Run one import from start to end: first pass, duplicates, second pass; record the outcome.

Whatever happens, the outcome is written to the import's row, and the program's roster is either
a complete new version or untouched: the second pass is one transaction, and the first writes only
to a temporary staging table and to the import's report.
"""

import logging
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from survey import privacy
from survey.extensions import db
from survey.models import (
    Area,
    ImportStatus,
    Program,
    RosterColumnMapping,
    RosterImport,
    RosterImportProblem,
    utcnow,
)
from survey.rosters import apply, columns
from survey.rosters.formats import FileProblem
from survey.rosters.importer import FirstPass, ProblemSink, first_pass
from survey.rosters.reader import RosterFile
from survey.rosters.stage import Stage
from survey.rosters.validate import Areas, RowChecker

log = logging.getLogger(__name__)
#: Called with the share of the file read (0 to 1) as an import goes on; the CLI's progress bar.
on_progress: Callable[[float], None] | None = None


def remembered_mapping(conn: sa.Connection, program_id: int) -> dict[str, str]:
    query = sa.select(RosterColumnMapping.columns).where(
        RosterColumnMapping.program_id == program_id)
    return conn.execute(query).scalar() or {}


def area_index(conn: sa.Connection, create: bool) -> Areas:
    rows = conn.execute(sa.select(Area.id, Area.name, Area.parent_id)).all()
    towns = {name: id_ for id_, name, parent in rows if parent is None}
    villages = {(parent, name): id_ for id_, name, parent in rows if parent is not None}
    return Areas(towns, villages, create)


def _update(conn: sa.Connection, import_id: int, **values) -> None:
    conn.execute(sa.update(RosterImport).where(RosterImport.id == import_id).values(**values))
    conn.commit()


def run(import_id: int, path: Path) -> ImportStatus:
    """Run the import ``import_id`` on the file at ``path``; return how it ended."""
    job = db.session.get(RosterImport, import_id)
    program, by_id, filename = job.program, job.created_by_id, job.filename
    options = (job.file_kind, job.sheet, job.valid_only, job.create_areas)
    db.session.commit()  # release the session's read transaction before the long work
    with db.engine.connect() as conn:
        stage = Stage(conn, import_id)
        try:
            _update(conn, import_id, status=ImportStatus.RUNNING, started_at=utcnow())
            status = _run(conn, stage, import_id, program, by_id, filename, path, options)
        except FileProblem as problem:
            conn.rollback()
            status = _refuse(conn, import_id, str(problem))
        except Exception:
            log.exception("roster import %s failed", import_id)
            conn.rollback()
            status = ImportStatus.FAILED
            _update(conn, import_id, status=status, finished_at=utcnow(),
                    message="导入时发生系统错误，没有导入任何数据。请联系管理员查看日志。")
        finally:
            stage.drop()
            conn.commit()
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


def _run(conn, stage: Stage, import_id: int, program: Program, by_id, filename, path, options):
    kind, sheet, valid_only, create_areas = options
    remembered = remembered_mapping(conn, program.id)
    with RosterFile(path, kind, sheet, remembered) as roster:
        mapping = columns.guess(roster.header, remembered)
        if missing := columns.missing(mapping):
            raise FileProblem(f"第{roster.header_line}行（表头）缺少必需的列：" + "、".join(missing)
                              + "。请在“列对应”中指定哪一列是什么")
        stage.create()
        conn.commit()
        areas = area_index(conn, create_areas)
        sink = ProblemSink(conn, import_id)

        def progress(rows: int, fraction: float) -> None:
            _update(conn, import_id, rows_read=rows, progress=min(fraction, 0.99))
            if on_progress is not None:
                on_progress(fraction)

        result = first_pass(roster, RowChecker(mapping, areas), stage, privacy.Vault.from_app(),
                            sink, progress)
    _report_duplicates(conn, stage, sink, result)
    bad_rows = result.bad_rows + len(result.duplicates)
    counts = {"rows_read": result.rows, "bad_rows": bad_rows, "problem_count": sink.count}
    if bad_rows and not valid_only:
        _update(conn, import_id, status=ImportStatus.REFUSED, finished_at=utcnow(), **counts)
        return ImportStatus.REFUSED
    if valid_only and result.duplicates:
        lines = sorted(result.duplicates)
        for content in stage.content_hashes(lines):
            result.fingerprint = (result.fingerprint - int(content, 16)) % (1 << 256)
        stage.delete_lines(lines)
        result.staged -= len(lines)
    if result.staged == 0:
        _update(conn, import_id, **counts)
        return _refuse(conn, import_id, "文件中没有可导入的数据行")
    return _second_pass(conn, stage, import_id, program, by_id, filename, result, areas, counts)


def _report_duplicates(conn, stage: Stage, sink: ProblemSink, result: FirstPass) -> None:
    if not result.duplicates:
        return
    lines = sorted(result.duplicates)
    masks = {}
    query = sa.text(f"SELECT line, id_mask FROM {stage.name} WHERE line IN :lines").bindparams(
        sa.bindparam("lines", expanding=True))
    for start in range(0, len(lines), 500):
        masks.update(conn.execute(query, {"lines": lines[start:start + 500]}).all())
    sink.add([(line, columns.label("id_number"), masks.get(line, ""),
               f"与第{result.duplicates[line]}行是同一个人（身份证号重复）") for line in lines])
    sink.flush()
    conn.commit()


def _second_pass(conn, stage, import_id, program, by_id, filename, result: FirstPass, areas,
                 counts) -> ImportStatus:
    _update(conn, import_id, **counts)
    apply.lock(conn, import_id)
    previous = apply.previous_number(conn, program.id)
    created = apply.create_areas(conn, stage, areas.new_towns, areas.new_villages)
    if previous:
        stage.index()
        change = apply.changes(conn, stage, program.id, result.staged)
        if change.none:
            conn.rollback()
            version_id = apply.current_version_id(conn, program.id)
            _update(conn, import_id, status=ImportStatus.UNCHANGED, version_id=version_id,
                    finished_at=utcnow(), progress=1.0)
            return ImportStatus.UNCHANGED
    else:
        change = apply.Changes(added=result.staged, removed=0, changed=0)
    apply.insert_people(conn, stage)
    if previous:
        apply.close_entries(conn, stage, program.id, previous)
    apply.insert_entries(conn, stage, program.id, previous + 1)
    detail = {"program": program.code, "import": import_id, "new_areas": created[:50]}
    version_id = apply.insert_version(
        conn, program_id=program.id, number=previous + 1, filename=filename,
        rows=result.staged, fingerprint=f"{result.fingerprint:064x}", change=change,
        user_id=by_id, detail=detail)
    conn.execute(sa.update(RosterImport).where(RosterImport.id == import_id).values(
        status=ImportStatus.DONE, version_id=version_id, finished_at=utcnow(), progress=1.0))
    conn.commit()
    return ImportStatus.DONE
