"""Roster imports as jobs: keep the upload, decide where it runs, and run it there.

A small file is imported within the request; a large one in the background, on a Redis queue
(rq) when ``REDIS_URL`` is set and in a thread of the app otherwise. Progress and results live in
the ``roster_import`` row, so any web worker can show them. The uploaded file is kept under
``instance/imports/`` (mode 600) only while the import may still need it: it is deleted when the
import ends, except after a refusal, when the admin may still import the valid rows; those files
are deleted after a day.
"""

import os
import secrets
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from survey.extensions import db
from survey.models import ImportStatus, Program, RosterImport, RosterImportProblem, User, utcnow
from survey.rosters import formats, runner
from survey.rosters.formats import FileProblem

KEEP_REFUSED = timedelta(days=1)
#: Files up to this size are imported within the request.
INLINE_BYTES = 2 << 20
QUEUE = "rosters"


def upload_dir() -> Path:
    path = Path(current_app.config.get("ROSTER_UPLOAD_DIR")
                or Path(current_app.instance_path) / "imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stored_path(job: RosterImport) -> Path | None:
    return upload_dir() / job.stored_name if job.stored_name else None


def keep_upload(stream) -> tuple[str, int]:
    """Save an uploaded stream under instance/imports/ (mode 600); return its name and size."""
    name = secrets.token_hex(16)
    fd = os.open(upload_dir() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
        size = out.tell()
    return name, size


def create(program: Program, filename: str, *, by: User | None, stored_name: str | None = None,
           path: Path | None = None, sheet: str | None = None, valid_only: bool = False,
           create_areas: bool = False) -> RosterImport:
    """Record a new import of a kept upload (``stored_name``) or of a local file (``path``)."""
    source = upload_dir() / stored_name if stored_name else Path(path)
    job = RosterImport(
        program_id=program.id, filename=(filename or source.name)[:255], stored_name=stored_name,
        size=source.stat().st_size, file_kind="csv", sheet=(sheet or "").strip()[:100] or None,
        valid_only=valid_only, create_areas=create_areas, status=ImportStatus.QUEUED,
        created_by_id=by.id if by else None,
    )
    db.session.add(job)
    try:
        job.file_kind = formats.sniff(source)
    except FileProblem as problem:
        job.status, job.message, job.finished_at = ImportStatus.REFUSED, str(problem), utcnow()
        job.problem_count = 1
        db.session.flush()
        db.session.add(RosterImportProblem(import_id=job.id, line=0, column="", value="",
                                           reason=str(problem)[:200]))
    db.session.commit()
    return job


def start(job: RosterImport, path: Path | None = None) -> str:
    """Run the import now or hand it to the background; return "inline", "thread" or "queue"."""
    job.status = ImportStatus.QUEUED
    db.session.commit()
    if path is not None or job.size <= current_app.config.get("ROSTER_INLINE_BYTES", INLINE_BYTES):
        run(job.id, path)
        return "inline"
    if current_app.config.get("REDIS_URL"):
        queue().enqueue("survey.rosters.jobs.run", job.id, job_timeout=3 * 3600,
                        result_ttl=3600)
        return "queue"
    app = current_app._get_current_object()
    threading.Thread(target=_run_in_thread, args=(app, job.id), daemon=True,
                     name=f"roster-import-{job.id}").start()
    return "thread"


def _run_in_thread(app, import_id: int) -> None:
    with app.app_context():
        run(import_id)
        db.session.remove()


def run(import_id: int, path: Path | None = None) -> ImportStatus:
    """Run an import (in a request, a thread or a queue worker) and drop its upload if done."""
    job = db.session.get(RosterImport, import_id)
    source = path or stored_path(job)
    if source is None or not source.exists():
        job.status, job.finished_at = ImportStatus.FAILED, utcnow()
        job.message = "上传的文件已不存在（超过保留期限），请重新上传"
        db.session.commit()
        return job.status
    status = runner.run(import_id, source)
    if status is not ImportStatus.REFUSED and job.stored_name:
        discard(job)
    if status in (ImportStatus.DONE, ImportStatus.UNCHANGED):
        _discard_superseded(job)
    return status


def _discard_superseded(job: RosterImport) -> None:
    """Once a program's roster is imported, earlier refused uploads of it are no longer needed."""
    query = sa.select(RosterImport).where(RosterImport.program_id == job.program_id,
                                          RosterImport.stored_name.is_not(None),
                                          RosterImport.id < job.id)
    for old in db.session.scalars(query).all():
        discard(old)


def discard(job: RosterImport) -> None:
    """Delete the kept upload of an import."""
    path = stored_path(job)
    if path is not None:
        path.unlink(missing_ok=True)
    job.stored_name = None
    db.session.commit()


def retry_valid_only(job: RosterImport, *, by: User | None) -> RosterImport:
    """A new import of a refused file's upload that leaves the bad rows out."""
    again = RosterImport(
        program_id=job.program_id, filename=job.filename, stored_name=job.stored_name,
        size=job.size, file_kind=job.file_kind, sheet=job.sheet, valid_only=True,
        create_areas=job.create_areas, status=ImportStatus.QUEUED,
        created_by_id=by.id if by else None,
    )
    job.stored_name = None  # the upload now belongs to the new import
    db.session.add(again)
    db.session.commit()
    return again


def purge_stale_uploads() -> int:
    """Delete the kept uploads of imports older than a day; return how many."""
    query = sa.select(RosterImport).where(RosterImport.stored_name.is_not(None),
                                          RosterImport.created_at < utcnow() - KEEP_REFUSED)
    stale = list(db.session.scalars(query))
    for job in stale:
        discard(job)
    return len(stale)


def queue():
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    return Queue(current_app.config.get("ROSTER_QUEUE", QUEUE), connection=connection)


def work(burst: bool = False) -> None:
    """Process queued imports in this process, inside the app context (``flask roster worker``)."""
    from rq import SimpleWorker

    q = queue()
    SimpleWorker([q], connection=q.connection).work(burst=burst, with_scheduler=False)


def retry(job: RosterImport, *, by: User | None) -> RosterImport:
    """A new import of the same kept upload, with the same options."""
    again = retry_valid_only(job, by=by)
    again.valid_only = job.valid_only
    db.session.commit()
    return again
