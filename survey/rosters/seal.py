"""Check, hash, encrypt and stage rows: the work of the first pass, for any process.

This module is what a worker process of a large import loads, so it imports little: no database
layer, no spreadsheet reader. Duplicates inside the file are found at the end from 8-byte prefixes
of the ID numbers' HMACs kept in a compact array (about 12 bytes per row), not from a set.
"""

import hashlib
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from survey import privacy
from survey.rosters.validate import RowChecker

#: Rows sealed and staged at a time (a few MB).
BATCH = 5_000
_MOD = 1 << 256
#: The staging table's columns, in the order of the staged row tuples.
COLUMNS = ("line", "id_hash", "id_encrypted", "id_mask", "name", "phone_hash", "phone_encrypted",
           "phone_mask", "town_id", "village_id", "address", "amount", "paid_on", "content_hash")


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
    #: The peak memory of the worker process that read this part, if any.
    peak_mb: float = 0.0

    def merge(self, other: "FirstPass") -> None:
        """Add the counts of another part of the same file."""
        self.rows += other.rows
        self.bad_rows += other.bad_rows
        self.staged += other.staged
        self.fingerprint = (self.fingerprint + other.fingerprint) % _MOD
        self.prefixes.extend(other.prefixes)
        self.lines.extend(other.lines)
        self.peak_mb = max(self.peak_mb, other.peak_mb)

    def find_duplicates(self) -> None:
        self.duplicates = _duplicates(self.prefixes, self.lines)


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


def seal_and_stage(batch, stage, vault: privacy.Vault, result: FirstPass) -> None:
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
            id_hash, name, phone_hash or "", town, village, address, amount or "", paid_on or "",
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
    import numpy as np  # here, not at the top: worker processes never need it

    keys = np.frombuffer(prefixes, dtype=np.uint64) if prefixes else np.zeros(0, np.uint64)
    numbers = np.frombuffer(lines, dtype=f"u{lines.itemsize}") if lines else np.zeros(0)
    # By prefix, then by line: parts of a file may be merged in any order.
    order = np.lexsort((numbers, keys))
    ordered = keys[order]
    repeat = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    found: dict[int, int] = {}
    first_of: dict[int, int] = {}
    for position in repeat.tolist():
        first = first_of.setdefault(int(ordered[position]), lines[int(order[position - 1])])
        found[lines[int(order[position])]] = first
    return found
