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
to write go to the spool (``spool_sqlite`` or ``spool_postgres``) as ``Rows``, column by column.
The counts, the kinds and the ID hash prefixes by line come back to the importing process, which
finds people listed twice from the prefixes (some 21 bytes per row, not a set of hashes).
"""

import hashlib
import os
from array import array
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import add, methodcaller
from typing import NamedTuple

from survey import privacy
from survey.rosters.batch import check_columns, check_many
from survey.rosters.validate import RowChecker

KEPT, ADDED, NEW, CHANGED = 0, 1, 2, 3
_MOD = 1 << 256
_NONCE = privacy.NONCE_BYTES
_DIGEST = methodcaller("digest")


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
    #: A new entry's id is ``entry_base + line``, the largest entry id before plus the line.
    entry_base: int = 0


class Rows(NamedTuple):
    """The rows a part writes, as columns: one row per line that is not kept, in line order. The
    three ID columns hold None where the line brings no new person, the phone columns where it
    has no phone."""

    line: list
    person_id: list
    id_hash: list
    id_encrypted: list
    id_mask: list
    name: list
    phone_encrypted: list
    phone_hash: list
    phone_mask: list
    town_id: list
    village_id: list
    address: list
    amount: list
    paid_on: list
    content_hash: list


@dataclass
class Sealed:
    """What sealing one part gave: its counts, and per staged line what the second pass needs."""

    rows: int = 0
    bad_rows: int = 0
    staged: int = 0
    #: Sum of the staged rows' content hashes mod 2^256: the same set of rows, the same sum.
    fingerprint: int = 0
    #: Staged rows by kind (KEPT, ADDED, NEW, CHANGED).
    kinds_count: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    #: Per staged line, in line order: the line, the first 8 bytes of its ID hash, its kind.
    lines: array = field(default_factory=lambda: array("I"))
    prefixes: array = field(default_factory=lambda: array("Q"))
    kinds: array = field(default_factory=lambda: array("B"))
    #: Per staged line, the first four and the last four characters of its ID number (what its
    #: mask shows), for the report of people listed twice.
    mask_ends: bytearray = field(default_factory=bytearray)
    #: The open entries that stay, and the lines that keep them.
    kept_lines: array = field(default_factory=lambda: array("I"))
    kept_ids: array = field(default_factory=lambda: array("q"))
    #: What the spool writer returned for the part (its files), if it wrote anything.
    spooled: tuple | None = None
    #: The peak memory of the worker process that sealed this part, if any.
    peak_mb: float = 0.0


class Sealer:
    """Check, seal and spool the parts of one import in one process."""

    def __init__(self, context: Context, checker: RowChecker, vault: privacy.Vault, matcher,
                 writer):
        self.context, self.checker, self.vault = context, checker, vault
        self.matcher, self.writer = matcher, writer

    def part(self, lines: list[int], rows: list[list] | None, sink,
             columns: list[list] | None = None) -> Sealed:
        """Check and seal the rows ``(lines[i], rows[i])`` of a part, or the part given by
        ``columns`` (``parts.split_columns``); problems go to ``sink``."""
        if columns is None:
            good, cleans, problems, bad = check_many(self.checker, lines, rows)
        else:
            good, cleans, problems, bad = check_columns(self.checker, lines, columns)
        sink.add(problems)
        result = Sealed(rows=len(lines), bad_rows=bad, staged=len(cleans))
        if cleans:
            self._seal(good, cleans, result)
        return result

    def _seal(self, lines: list[int], cleans: list[tuple], result: Sealed) -> None:
        digest = self.vault.digest
        id_digests = list(map(digest, [clean[1] for clean in cleans]))
        phone_digests = [digest(clean[2]) if clean[2] else None for clean in cleans]
        known, opened = self._match(lines, id_digests)
        written = _seal_rows(self.context.base, lines, cleans, id_digests, phone_digests, known,
                             opened, self.vault.aead_encrypt(), result)
        result.prefixes.frombytes(b"".join(d[:8] for d in id_digests))
        result.mask_ends.extend("".join(clean[1][:4] + clean[1][14:] for clean in cleans)
                                .encode())
        result.spooled = self.writer.write(lines[0], written)

    def _match(self, lines: list[int], id_digests: list[bytes]):
        if not self.context.people_known:
            return {}, {}
        return self.matcher.match(lines, id_digests, entries=self.context.number > 1)


def _seal_rows(base: int, lines, cleans, id_digests, phone_digests, known: dict, opened: dict,
               encrypt, result: Sealed) -> Rows:
    """Each clean row's kind and content hash, and the rows to write, with the ID and phone
    numbers encrypted (only those written: a kept row costs no
    encryption). Column by column, each step one C-level pass (map, zip, compress) where it can:
    this runs for every row of the file."""
    (names, numbers, mobiles, town_ids, village_ids, addresses, amounts, paid_ons, towns,
     villages) = zip(*cleans, strict=True)
    contents = _contents(id_digests, phone_digests, names, towns, villages, addresses, amounts,
                         paid_ons)
    result.fingerprint = (result.fingerprint + sum(map(int.from_bytes, contents))) % _MOD
    kinds, person_ids = _classify(base, lines, id_digests, contents, known, opened, result)
    result.lines.extend(lines)
    result.kinds.extend(kinds)
    for kind in (KEPT, ADDED, NEW, CHANGED):
        result.kinds_count[kind] += kinds.count(kind)
    everyone = result.kinds_count[NEW] == len(kinds)
    new = None if everyone else [kind == NEW for kind in kinds]
    fresh = numbers if everyone else list(compress(numbers, new))
    ids = _spread(_encrypt(encrypt, fresh), new)
    id_masks = _spread([number[:4] + "**********" + number[14:] for number in fresh], new)
    written = None if everyone else [kind != KEPT for kind in kinds]
    calls = [bool(mobile) for mobile in mobiles] if written is None else [
        bool(mobile) and write for mobile, write in zip(mobiles, written, strict=True)]
    phones = _spread(_encrypt(encrypt, list(compress(mobiles, calls))), calls)
    phone_masks = [(mobile[:3] + "****" + mobile[7:] if len(mobile) == 11
                    else privacy.mask_phone(mobile)) if mobile else None for mobile in mobiles]
    columns = (lines, person_ids, id_digests, ids, id_masks, names, phones, phone_digests,
               phone_masks, town_ids, village_ids, addresses, amounts, paid_ons, contents)
    if written is None:
        return Rows(*columns)
    return Rows(*(list(compress(column, written)) for column in columns))


def _contents(id_digests, phone_digests, names, towns, villages, addresses, amounts, paid_ons):
    """The content hash of each row: SHA-256 over its ID hash (hex), name, phone hash (hex),
    town, village, address, amount and date, joined by U+001F."""
    texts = map("\x1f".join, zip(
        map(bytes.hex, id_digests), names, ["" if d is None else d.hex() for d in phone_digests],
        towns, villages, addresses, ["" if a is None else a for a in amounts],
        ["" if d is None else d for d in paid_ons], strict=True))
    return list(map(_DIGEST, map(hashlib.sha256, map(str.encode, texts))))


def _classify(base: int, lines, id_digests, contents, known: dict, opened: dict,
              result: Sealed) -> tuple[list[int], list[int]]:
    """Each row's kind and person id (``base + line`` for a new person); the kept entries go to
    ``result``."""
    if not known:
        return [NEW] * len(lines), [base + line for line in lines]
    kinds, person_ids = [], list(map(known.get, id_digests))
    for index, (line, person_id, content) in enumerate(zip(lines, person_ids, contents,
                                                           strict=True)):
        if person_id is None:
            kinds.append(NEW)
            person_ids[index] = base + line
            continue
        entry = opened.get(person_id)
        if entry is None:
            kinds.append(ADDED)
        elif entry[1] == content:
            kinds.append(KEPT)
            result.kept_lines.append(line)
            result.kept_ids.append(entry[0])
        else:
            kinds.append(CHANGED)
    return kinds, person_ids


def _encrypt(encrypt, values: list[str]) -> list[bytes]:
    """Each value AES-GCM encrypted under a fresh random nonce, stored in front."""
    nonces = os.urandom(_NONCE * len(values))
    nonces = [nonces[at:at + _NONCE] for at in range(0, len(nonces), _NONCE)]
    return list(map(add, nonces, map(encrypt, nonces, map(str.encode, values), repeat(None))))


def _spread(values: list, where: list[bool] | None) -> list:
    """``values`` placed at the rows where ``where`` is true, None elsewhere (all rows: None)."""
    if where is None:
        return values
    found = iter(values)
    return [next(found) if here else None for here in where]
