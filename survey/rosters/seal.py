"""The first pass's work on one part of a file: check, hash, match, encrypt and spool its rows.

Any process of an import runs this on its parts (see ``parallel``), so it imports little: no
database layer, no spreadsheet reader. For each clean row it computes the ID number's and the
phone's keyed hashes and the content hash, looks up who the district already knows and what
their open entry in the program says, and decides the row's kind:

- ``NEW``: a person nobody knows: a new person (id ``base + line``) and a new entry;
- ``ADDED``: a known person not on the program's current roster: a new entry;
- ``CHANGED``: on the current roster with other details: a new entry, the old one will end;
- ``KEPT``: on the current roster with the same details: nothing is written, the entry stays.

Only what is written is encrypted, so a month's list that changed little costs little. The rows
to write go to the spool (``spool_sqlite`` or ``spool_postgres``), one per line that is not kept:
``(line, person_id, id_hash, id_encrypted, id_mask, name, phone_encrypted, phone_hash,
phone_mask, town_id, village_id, address, amount, paid_on, content_hash)``, where the three ID
fields are None unless the line brings a new person. The counts, the kinds and the ID hash
prefixes by line come back to the importing process, which finds people listed twice from the
prefixes (some 21 bytes per row, not a set of hashes).
"""

import hashlib
import os
from array import array
from dataclasses import dataclass, field

from survey import privacy
from survey.rosters.batch import check_many
from survey.rosters.validate import RowChecker

KEPT, ADDED, NEW, CHANGED = 0, 1, 2, 3
_MOD = 1 << 256
_NONCE = privacy.NONCE_BYTES


@dataclass(frozen=True)
class Context:
    """What every part of one import needs to know about the program and the district."""

    program_id: int
    #: The number the new version will have; 1 for a program's first roster.
    number: int
    #: A new person's id is ``base + line``: ``base`` is the largest person id before.
    base: int
    #: Whether the district knows anybody yet; if not, nobody is looked up.
    people_known: bool


@dataclass
class FirstPass:
    """The counts of a part or of a whole file, and what the second pass needs of each line."""

    rows: int = 0
    bad_rows: int = 0
    staged: int = 0
    #: Sum of the staged rows' content hashes mod 2^256: the same set of rows, the same sum.
    fingerprint: int = 0
    #: Staged rows by kind (KEPT, ADDED, NEW, CHANGED).
    kinds_count: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    #: Per staged line: the line, the first 8 bytes of its ID hash, its kind.
    lines: array = field(default_factory=lambda: array("I"))
    prefixes: array = field(default_factory=lambda: array("Q"))
    kinds: array = field(default_factory=lambda: array("B"))
    #: Per staged line, the first four and the last four characters of its ID number (what its
    #: mask shows), for the report of people listed twice.
    mask_ends: bytearray = field(default_factory=bytearray)
    #: The open entries that stay, and the lines that keep them.
    kept_lines: array = field(default_factory=lambda: array("I"))
    kept_ids: array = field(default_factory=lambda: array("q"))
    #: What the spool writers returned for the parts (file paths), for the second pass.
    spooled: list = field(default_factory=list)
    #: Lines that repeat an earlier line's person: line -> the first line.
    duplicates: dict[int, int] = field(default_factory=dict)
    #: The peak memory of the worker process that read this part, if any.
    peak_mb: float = 0.0

    def merge(self, other: "FirstPass") -> None:
        """Add the counts of another part of the same file."""
        self.rows += other.rows
        self.bad_rows += other.bad_rows
        self.staged += other.staged
        self.fingerprint = (self.fingerprint + other.fingerprint) % _MOD
        self.kinds_count = [a + b for a, b in zip(self.kinds_count, other.kinds_count,
                                                  strict=True)]
        for name in ("lines", "prefixes", "kinds", "mask_ends", "kept_lines", "kept_ids"):
            getattr(self, name).extend(getattr(other, name))
        self.spooled.extend(other.spooled)
        self.peak_mb = max(self.peak_mb, other.peak_mb)

    def find_duplicates(self) -> None:
        self.duplicates = _duplicates(self.prefixes, self.lines)

    def masks(self, lines: list[int]) -> dict[int, str]:
        """line -> the masked ID number staged on it (3401**********123X)."""
        wanted, found = set(lines), {}
        for index, line in enumerate(self.lines):
            if line in wanted:
                ends = self.mask_ends[8 * index:8 * index + 8].decode()
                found[line] = ends[:4] + "**********" + ends[4:]
        return found

    def drop(self, dropped: list[int]) -> "Dropped":
        """Leave these lines out: update the counts, forget the entries they kept, and say where
        their rows are in the spool (which holds each part's rows in line order)."""
        import numpy as np

        lines = np.frombuffer(self.lines, dtype=np.uint32)
        order = np.argsort(lines, kind="stable")
        kinds = np.frombuffer(self.kinds, dtype=np.uint8)[order]
        gone = np.isin(lines[order], dropped)
        new, written = kinds == NEW, kinds != KEPT
        for kind in range(4):
            self.kinds_count[kind] -= int(np.count_nonzero(gone & (kinds == kind)))
        self.staged -= int(np.count_nonzero(gone))
        keep = ~np.isin(np.frombuffer(self.kept_lines, dtype=np.uint32), dropped)
        self.kept_lines = array("I", np.frombuffer(self.kept_lines, np.uint32)[keep].tobytes())
        self.kept_ids = array("q", np.frombuffer(self.kept_ids, np.int64)[keep].tobytes())
        return Dropped(lines=sorted(dropped),
                       people=(np.cumsum(new) - 1)[gone & new].tolist(),
                       entries=(np.cumsum(written) - 1)[gone & written].tolist())


@dataclass(frozen=True)
class Dropped:
    """Lines left out of a spooled import, and the positions (from 0, in spool order) of the
    person rows and the entry rows they had written."""

    lines: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)


class Sealer:
    """Check, seal and spool the parts of one import in one process."""

    def __init__(self, context: Context, checker: RowChecker, vault: privacy.Vault, matcher,
                 writer):
        self.context, self.checker, self.vault = context, checker, vault
        self.matcher, self.writer = matcher, writer

    def part(self, lines: list[int], rows: list[list], sink) -> FirstPass:
        """Check and seal the rows ``(lines[i], rows[i])`` of a part; problems go to ``sink``."""
        good, cleans, problems, bad = check_many(self.checker, lines, rows)
        sink.add(problems)
        result = FirstPass(rows=len(rows), bad_rows=bad, staged=len(cleans))
        if cleans:
            self._seal(good, cleans, result)
        return result

    def _seal(self, lines: list[int], cleans: list[tuple], result: FirstPass) -> None:
        digest = self.vault.digest
        id_digests = list(map(digest, [clean[1] for clean in cleans]))
        phone_digests = [digest(clean[2]) if clean[2] else None for clean in cleans]
        known, opened = self._match(id_digests)
        written = _seal_rows(self.context.base, lines, cleans, id_digests, phone_digests, known,
                             opened, self.vault.aead_encrypt(), result)
        result.prefixes.frombytes(b"".join(d[:8] for d in id_digests))
        result.mask_ends.extend("".join(clean[1][:4] + clean[1][14:] for clean in cleans)
                                .encode())
        spooled = self.writer.write(lines[0], written)
        if spooled is not None:
            result.spooled.append(spooled)

    def _match(self, id_digests: list[bytes]):
        if not self.context.people_known:
            return {}, {}
        known = self.matcher.people(id_digests)
        if not known or self.context.number == 1:
            return known, {}
        return known, self.matcher.open_entries(known.values())


def _seal_rows(base: int, lines, cleans, id_digests, phone_digests, known: dict, opened: dict,
               encrypt, result: FirstPass) -> list[tuple]:
    """Each clean row's kind and content hash, and the rows to write (see ``Row``), with the ID
    and phone numbers encrypted (only those written: a kept row costs no encryption)."""
    sha256, from_bytes, mask_phone = hashlib.sha256, int.from_bytes, privacy.mask_phone
    add_line, add_kind, count = result.lines.append, result.kinds.append, result.kinds_count
    nonces, at = os.urandom(2 * _NONCE * len(cleans)), 0
    written, total = [], result.fingerprint
    for line, clean, id_digest, phone_digest in zip(lines, cleans, id_digests, phone_digests,
                                                    strict=True):
        name, number, mobile, town_id, village_id, address, amount, paid_on, town, village = clean
        content = sha256("\x1f".join((
            id_digest.hex(), name, phone_digest.hex() if phone_digest else "", town, village,
            address, amount or "", paid_on or "")).encode()).digest()
        total += from_bytes(content)
        person_id = known.get(id_digest)
        sealed = id_mask = None
        if person_id is None:
            kind, person_id, nonce, at = NEW, base + line, nonces[at:at + _NONCE], at + _NONCE
            sealed = nonce + encrypt(nonce, number.encode(), None)
            id_mask = number[:4] + "**********" + number[14:]
        else:
            entry = opened.get(person_id)
            kind = ADDED if entry is None else KEPT if entry[1] == content else CHANGED
        add_line(line)
        add_kind(kind)
        count[kind] += 1
        if kind == KEPT:
            result.kept_lines.append(line)
            result.kept_ids.append(entry[0])
            continue
        phone = mask = None
        if mobile:
            nonce, at = nonces[at:at + _NONCE], at + _NONCE
            phone = nonce + encrypt(nonce, mobile.encode(), None)
            mask = mobile[:3] + "****" + mobile[7:] if len(mobile) == 11 else mask_phone(mobile)
        written.append((line, person_id, id_digest, sealed, id_mask, name, phone, phone_digest,
                        mask, town_id, village_id, address, amount, paid_on, content))
    result.fingerprint = total % _MOD
    return written


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
