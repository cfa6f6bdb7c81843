"""The first pass of an import: read every row, check it, seal it, stage it; find duplicates.

Nothing of the program's roster is touched here. Valid rows are hashed (HMAC), encrypted (AES-GCM)
and staged; problems are written to the import's report as they are found. Duplicates inside the
file are found at the end from 8-byte prefixes of the ID numbers' HMACs kept in a compact array
(about 12 bytes per row), not from a set of numbers in memory.
"""

import hashlib
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from survey import privacy
from survey.models import RosterImportProblem
from survey.rosters.reader import RosterFile
from survey.rosters.stage import Stage
from survey.rosters.validate import Problem, RowChecker

BATCH = 20_000
#: Problems stored per import; past this the report counts them but lists no more.
MAX_PROBLEMS = 100_000
_MOD = 1 << 256


@dataclass
class FirstPass:
    rows: int = 0
    bad_rows: int = 0
    problems: int = 0
    staged: int = 0
    #: Sum of the staged rows' content hashes mod 2^256: the same set of rows, the same sum.
    fingerprint: int = 0
    #: Lines that repeat an earlier line's person: line -> the first line.
    duplicates: dict[int, int] = field(default_factory=dict)
    #: 8-byte prefixes of the staged rows' ID hashes, and their lines, to find duplicates.
    prefixes: array = field(default_factory=lambda: array("Q"))
    lines: array = field(default_factory=lambda: array("I"))

    def merge(self, other: "FirstPass") -> None:
        """Add the counts of another part of the same file."""
        self.rows += other.rows
        self.bad_rows += other.bad_rows
        self.staged += other.staged
        self.fingerprint = (self.fingerprint + other.fingerprint) % _MOD
        self.prefixes.extend(other.prefixes)
        self.lines.extend(other.lines)

    def find_duplicates(self) -> None:
        self.duplicates = _duplicates(self.prefixes, self.lines)


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


def read_rows(rows: Iterable, checker: RowChecker, stage, vault: privacy.Vault, sink,
              progress: Callable[[int], None] | None = None) -> FirstPass:
    """Check, seal and stage ``(line, cells)`` rows in batches; problems go to ``sink``."""
    result = FirstPass()
    batch: list[tuple] = []
    check = checker.check
    for line, cells in rows:
        result.rows += 1
        clean, problems = check(line, cells)
        if problems:
            result.bad_rows += 1
            sink.add(problems)
            continue
        batch.append((line, clean))
        if len(batch) >= BATCH:
            seal_and_stage(batch, stage, vault, result)
            sink.flush()
            if progress is not None:
                progress(result.rows)
            batch = []
    seal_and_stage(batch, stage, vault, result)
    sink.flush()
    return result


def seal_and_stage(batch, stage: Stage, vault: privacy.Vault, result: FirstPass) -> None:
    """Hash, encrypt and mask a batch of clean rows, and write them to the stage."""
    if not batch:
        return
    id_sealed = vault.encrypt_many([clean[1] for _, clean in batch])
    phone_sealed = vault.encrypt_many([clean[2] for _, clean in batch])
    digest, sha256, from_bytes = vault.digest, hashlib.sha256, int.from_bytes
    add_prefix, add_line = result.prefixes.append, result.lines.append
    rows, total = [], result.fingerprint
    for (line, clean), id_blob, phone_blob in zip(batch, id_sealed, phone_sealed, strict=True):
        name, number, mobile, town_id, village_id, address, amount, paid_on, town, village = clean
        id_digest = digest(number)
        id_hash = id_digest.hex()
        if mobile:
            phone_hash = digest(mobile).hex()
            phone_mask = privacy.mask_phone(mobile)
        else:
            phone_hash = phone_mask = None
        content = sha256("\x1f".join((
            id_hash, name, phone_hash or "", town, village, address,
            "" if amount is None else str(amount), "" if paid_on is None else paid_on.isoformat(),
        )).encode()).digest()
        total += from_bytes(content)
        add_prefix(from_bytes(id_digest[:8]))
        add_line(line)
        rows.append((line, id_hash, id_blob, number[:4] + "**********" + number[14:], name,
                     phone_hash, phone_blob, phone_mask, town_id, village_id, address, amount,
                     paid_on, content.hex()))
    stage.write(rows)
    result.staged += len(rows)
    result.fingerprint = total % _MOD


def _duplicates(prefixes: array, lines: array) -> dict[int, int]:
    """Later line -> first line, for every person (ID hash prefix) staged more than once."""
    keys = np.frombuffer(prefixes, dtype=np.uint64) if prefixes else np.zeros(0, np.uint64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeat = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    found: dict[int, int] = {}
    first_of: dict[int, int] = {}
    for position in repeat.tolist():
        first = first_of.setdefault(int(ordered[position]), lines[int(order[position - 1])])
        found[lines[int(order[position])]] = first
    return found
