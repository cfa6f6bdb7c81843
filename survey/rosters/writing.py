"""The import's transaction: the spooled parts written into person and roster_entry, in line
order, then the version.

Parts come in as the first pass finishes them, in any order; they are written in line order,
inside the import's one transaction, on a connection of its own: as they come (a large first
roster, whose writing then overlaps the reading of the rest of the file, see ``runner``) or all
at the end. Writing in line order lets each part be checked against every line before it: a
line whose person an earlier line already brought is left out (with "valid rows only") or stops
the writing (the file will be refused anyway), so the database never meets a person twice.

Duplicates are found from the 8-byte prefixes of the ID hashes, kept sorted as the parts are
written (8 bytes per line); the report of them comes from the first pass's own count
(``outcome.FirstPass.find_duplicates``), which finds the same lines.
"""

from contextlib import ExitStack
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from survey.models import ImportStatus, RosterImport, utcnow
from survey.rosters import apply, bulk, timing
from survey.rosters.outcome import FirstPass, Part
from survey.rosters.seal import NEW, Context


class Transaction:
    """The import's transaction on a connection of its own, from ``apply.begin`` to ``finish``
    (commit) or ``abort`` (rollback). ``expected`` are the first lines of the file's parts."""

    def __init__(self, engine: sa.Engine, import_id: int, ctx: Context, expected: list[int],
                 valid_only: bool):
        self.conn = engine.connect()
        self.import_id, self.ctx = import_id, ctx
        self.sqlite = self.conn.dialect.name == "sqlite"
        if self.sqlite:
            # This connection's commit skips the fsync of SQLite's write-ahead log, as WAL mode
            # allows without risk to the database's consistency: a power cut could at worst
            # undo the import. Its entries' foreign keys are checked all at once at the end
            # (``apply.check_keys``), not by a lookup per row. The connection is closed after.
            self.conn.exec_driver_sql("PRAGMA synchronous = NORMAL")
            self.conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        self.stack = ExitStack()
        try:
            apply.begin(self.conn, import_id, ctx)
            self.entries_before = apply.largest_entry_id(self.conn)
            self.parts = PartWriter(loader_for(self.conn, ctx),
                                    expected, valid_only)
        except BaseException:
            self.close()
            raise

    def bulk(self, people: int, entries: int) -> None:
        """Drop the indexes and keys that a load of this many rows gains by rebuilding."""
        self.stack.enter_context(bulk.loading(self.conn, "person", people))
        self.stack.enter_context(bulk.loading(self.conn, "roster_entry", entries, sqlite=False))

    def finish(self, result: FirstPass, change: apply.Changes, *, program_code: str,
               filename: str, by_id: int | None, counts: dict, created: list[str]) -> int:
        """Rebuild, end the entries nobody kept, record the version; commit; the version id."""
        self.stack.close()
        if self.sqlite or self.conn.info.get(bulk.TO_VALIDATE):
            apply.check_keys(self.conn, self.entries_before)
        apply.move_sequences(self.conn)
        timing.lap("indexes and keys")
        apply.close_entries(self.conn, self.ctx, result.kept_ids)
        timing.lap("close entries")
        bulk.refresh_statistics(self.conn, "person", result.kinds_count[NEW])
        bulk.refresh_statistics(self.conn, "roster_entry", result.staged - len(result.kept_ids))
        ctx, conn = self.ctx, self.conn
        total = (apply.fingerprint(conn, ctx.program_id, ctx.number) if self.parts.dropped
                 else result.fingerprint)
        detail = {"program": program_code, "import": self.import_id, "new_areas": created[:50]}
        version_id = apply.insert_version(
            conn, program_id=ctx.program_id, number=ctx.number, filename=filename,
            rows=result.staged, fingerprint=f"{total:064x}", change=change, user_id=by_id,
            detail=detail)
        conn.execute(sa.update(RosterImport).where(RosterImport.id == self.import_id).values(
            status=ImportStatus.DONE, version_id=version_id, finished_at=utcnow(), progress=1.0,
            **counts))
        later = self.sqlite and result.staged - len(result.kept_ids) >= bulk.BULK_ROWS
        if later:
            conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        conn.commit()
        timing.lap("commit")
        self.parts.loader.finish()
        if later:
            apply.checkpoint_later(conn.engine.url.database)
        keys = conn.info.pop(bulk.TO_VALIDATE, [])
        if keys:
            url = conn.engine.url.set(drivername="postgresql")
            bulk.validate_later(url.render_as_string(hide_password=False), keys)
        return version_id

    def abort(self) -> None:
        self.stack.pop_all()  # the rollback undoes what the bulk load dropped
        self.conn.rollback()
        self.conn.info.pop(bulk.TO_VALIDATE, None)

    def close(self) -> None:
        """Roll back what is not committed and let the connection go (on SQLite for good: its
        attached part database and temporary tables go with it)."""
        self.stack.pop_all()
        self.conn.rollback()
        self.conn.info.pop(bulk.TO_VALIDATE, None)
        if self.sqlite:
            self.conn.invalidate()
        self.conn.close()


def loader_for(conn, ctx: Context):
    if conn.dialect.name == "postgresql":
        from survey.rosters import spool_postgres

        return spool_postgres.Loader(conn, ctx.program_id, ctx.number)
    from survey.rosters import spool_sqlite

    return spool_sqlite.Loader(conn, ctx.program_id, ctx.number, ctx.entry_base)


@dataclass
class PartWriter:
    """Takes parts in any order, writes them in line order through ``loader``.

    ``expected`` is the parts' first lines in order. Writing stops for good (``stopped``) at
    the first part with a bad row or a person listed twice, unless ``valid_only``; what was
    written is then rolled back with the transaction by the caller.
    """

    loader: object
    expected: list[int]
    valid_only: bool
    areas: dict[int, int] = field(default_factory=dict)
    stopped: bool = False
    dropped: list[int] = field(default_factory=list)
    _waiting: dict[int, Part] = field(default_factory=dict)
    _next: int = 0
    #: The prefixes seen, as sorted runs of decreasing size (merged when a run grows as large as
    #: the one before it), so that adding a part costs no copy of everything seen.
    _seen: list[np.ndarray] = field(default_factory=list)

    def add(self, part: Part) -> None:
        self._waiting[part.first_line] = part
        while self._next < len(self.expected) and self.expected[self._next] in self._waiting:
            self._write(self._waiting.pop(self.expected[self._next]))
            self._next += 1

    @property
    def done(self) -> bool:
        return self._next == len(self.expected)

    def _write(self, part: Part) -> None:
        repeated = self._repeated(part)
        if self.stopped or ((repeated or part.bad_rows) and not self.valid_only):
            self.stopped = True
            return
        self.dropped.extend(repeated)
        if part.spooled is not None:
            self.loader.load(part.spooled, repeated, self.areas, part.lines.tolist(),
                             part.kinds.tolist())

    def _repeated(self, part: Part) -> list[int]:
        """The part's lines whose person an earlier line (of this part or before) brought; the
        part's prefixes join the sorted ones seen."""
        order = np.argsort(part.prefixes, kind="stable")  # stable: by line within a prefix
        keys = part.prefixes[order]
        again = np.zeros(len(keys), bool)
        again[1:] = keys[1:] == keys[:-1]
        for run in self._seen:
            at = np.searchsorted(run, keys)
            again |= run[np.minimum(at, len(run) - 1)] == keys
        if len(keys):
            self._seen.append(keys)
        while len(self._seen) > 1 and len(self._seen[-2]) <= len(self._seen[-1]):
            last = self._seen.pop()
            self._seen[-1] = np.sort(np.concatenate((self._seen[-1], last)))
        return sorted(part.lines[order[again]].tolist())
