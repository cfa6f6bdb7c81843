"""Roster imports as jobs: their progress, the problems found, and each program's column mapping.

An import is a row in the database from upload to result, so that any web worker can show its
progress and its report, whichever process (a request, a thread, a Redis worker) runs it.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, enum_type, utcnow
from survey.models.program import Program
from survey.models.roster import RosterVersion
from survey.models.user import User


class ImportStatus(enum.StrEnum):
    MAPPING = "mapping"  #: waiting for the admin to say which column holds what
    QUEUED = "queued"
    RUNNING = "running"
    REFUSED = "refused"  #: the file has errors: nothing was imported
    DONE = "done"  #: a new version was written
    UNCHANGED = "unchanged"  #: identical to the current version: nothing written
    FAILED = "failed"  #: an unexpected error: nothing was imported

    @property
    def finished(self) -> bool:
        return self in (ImportStatus.REFUSED, ImportStatus.DONE, ImportStatus.UNCHANGED,
                        ImportStatus.FAILED)


class RosterImport(Base):
    __tablename__ = "roster_import"
    __table_args__ = (sa.CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("program.id"), index=True)
    #: The name the file had on the clerk's computer.
    filename: Mapped[str] = mapped_column(sa.String(255))
    #: The uploaded file under instance/imports/, kept only while the import may still need it.
    stored_name: Mapped[str | None] = mapped_column(sa.String(80))
    size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: "csv" or "xlsx", from the file's content, not its name.
    file_kind: Mapped[str] = mapped_column(sa.String(8))
    #: The worksheet of an xlsx file; NULL for the first one.
    sheet: Mapped[str | None] = mapped_column(sa.String(100))
    #: Import the valid rows of a file that has errors, leaving the bad ones out.
    valid_only: Mapped[bool] = mapped_column(default=False)
    #: Create the towns and villages the file names that the system does not know yet.
    create_areas: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ImportStatus] = mapped_column(enum_type(ImportStatus, "import_status"))
    #: Share of the file read so far, 0 to 1.
    progress: Mapped[float] = mapped_column(default=0.0)
    rows_read: Mapped[int] = mapped_column(default=0)
    #: Rows with at least one problem (a duplicate counts as a bad row).
    bad_rows: Mapped[int] = mapped_column(default=0)
    problem_count: Mapped[int] = mapped_column(default=0)
    #: A problem with the file as a whole, or why an import failed, in Chinese.
    message: Mapped[str] = mapped_column(sa.Text, default="")
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roster_version.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    program: Mapped[Program] = relationship()
    version: Mapped[RosterVersion | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def good_rows(self) -> int:
        return max(self.rows_read - self.bad_rows, 0)


class RosterImportProblem(Base):
    """One problem found in one row (or, with line 0, in the file as a whole)."""

    __tablename__ = "roster_import_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roster_import.id", ondelete="CASCADE"), index=True
    )
    #: Line in the file, the header being line 1.
    line: Mapped[int]
    column: Mapped[str] = mapped_column(sa.String(60))
    #: The offending value, masked: a report must not leak what the roster protects.
    value: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.String(200))


class RosterColumnMapping(Base):
    """Which field each header of a program's files holds, as the admin last said."""

    __tablename__ = "roster_column_mapping"

    program_id: Mapped[int] = mapped_column(sa.ForeignKey("program.id"), primary_key=True)
    #: Normalised header text -> field name ("name", "id_number" ...) or "" to ignore it.
    columns: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
