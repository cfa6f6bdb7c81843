"""Rosters for the rest of the app: import a file, find versions, entries and people.

``import_roster`` is what the CLI, the demo and the tests call; the web upload goes through
``jobs`` so that a large file can run in the background. Both end in ``runner.run``.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from survey import privacy
from survey.extensions import db
from survey.models import (
    ImportStatus,
    Person,
    Program,
    RosterEntry,
    RosterImport,
    RosterImportProblem,
    RosterVersion,
    User,
)
from survey.rosters import idnumber, jobs, phone


@dataclass
class ImportReport:
    """The outcome of an import, for callers that run it to the end."""

    job: RosterImport
    errors: list[RosterImportProblem] = field(default_factory=list)
    version: RosterVersion | None = None

    @property
    def ok(self) -> bool:
        return self.job.status in (ImportStatus.DONE, ImportStatus.UNCHANGED)

    @property
    def unchanged(self) -> bool:
        return self.job.status is ImportStatus.UNCHANGED

    @property
    def rows(self) -> int:
        return self.job.rows_read


def import_file(program: Program, path: Path, *, by: User | None, filename: str | None = None,
                sheet: str | None = None, valid_only: bool = False,
                create_areas: bool = False) -> ImportReport:
    """Import a local file to the end, here and now; nothing is imported if it has errors."""
    job = jobs.create(program, filename or Path(path).name, by=by, path=Path(path), sheet=sheet,
                      valid_only=valid_only, create_areas=create_areas)
    if job.status is not ImportStatus.REFUSED:
        jobs.start(job, Path(path))
    return report(job)


def import_roster(program: Program, data: bytes, filename: str, *, by: User | None,
                  **options) -> ImportReport:
    """Import a file given as bytes (the demo and tests); see ``import_file``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster"
        path.write_bytes(data)
        return import_file(program, path, by=by, filename=filename, **options)


def report(job: RosterImport, limit: int = 1000) -> ImportReport:
    db.session.refresh(job)
    return ImportReport(job=job, errors=problems(job, limit=limit), version=job.version)


def problems(job: RosterImport, limit: int | None = None, offset: int = 0):
    query = (sa.select(RosterImportProblem).where(RosterImportProblem.import_id == job.id)
             .order_by(RosterImportProblem.line, RosterImportProblem.id).offset(offset))
    return list(db.session.scalars(query.limit(limit) if limit else query))


def current_version(program: Program) -> RosterVersion | None:
    query = (sa.select(RosterVersion).where(RosterVersion.program_id == program.id)
             .order_by(RosterVersion.number.desc()).limit(1))
    return db.session.scalar(query)


def version_entries(version: RosterVersion):
    """A select of the entries that make up one roster version."""
    return sa.select(RosterEntry).where(RosterEntry.in_version(version.program_id, version.number))


def search_entries(version: RosterVersion, text: str):
    """Entries of a version matching a name (part of it), a full ID number or a phone number.

    ID and phone numbers are matched through their keyed hashes: the database is never searched
    for, and never holds, the plain number.
    """
    query = version_entries(version)
    text = " ".join(text.split())
    if not text:
        return query
    vault = privacy.Vault.from_app()
    number = idnumber.normalise(text)
    mobile = phone.normalise(text)
    conditions = [RosterEntry.name.contains(text, autoescape=True)]
    if idnumber.problem(number) is None:
        conditions.append(RosterEntry.person.has(Person.id_hash == vault.hash(number)))
    if phone.problem(mobile) is None:
        conditions.append(RosterEntry.phone_hash == vault.hash(mobile))
    return query.where(sa.or_(*conditions))
