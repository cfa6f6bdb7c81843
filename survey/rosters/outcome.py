"""The first pass of an import as the importing process sums it up, part by part.

Each part's ``seal.Sealed`` is kept as a ``Part`` (its staged lines, kinds, ID hash prefixes and
mask ends as numpy arrays, some 21 bytes per line) with the counts added up. From these the
importing process finds the people listed twice, shows their masked ID numbers, leaves their
later lines out, and writes the parts in line order (``writing``).
"""

from array import array
from dataclasses import dataclass, field

import numpy as np

from survey.rosters.seal import Sealed

_MOD = 1 << 256


@dataclass
class Part:
    """One part's outcome: where its rows were spooled, its staged lines (in line order), their
    kinds, ID hash prefixes and mask ends, and how many of its rows were bad."""

    first_line: int
    spooled: tuple | None
    lines: np.ndarray
    kinds: np.ndarray
    prefixes: np.ndarray
    mask_ends: bytes
    bad_rows: int = 0

    @classmethod
    def of(cls, first_line: int, sealed: Sealed) -> "Part":
        return cls(first_line, sealed.spooled,
                   np.frombuffer(sealed.lines, dtype=np.uint32).copy(),
                   np.frombuffer(sealed.kinds, dtype=np.uint8).copy(),
                   np.frombuffer(sealed.prefixes, dtype=np.uint64).copy(),
                   bytes(sealed.mask_ends), sealed.bad_rows)


@dataclass
class FirstPass:
    rows: int = 0
    bad_rows: int = 0
    staged: int = 0
    #: Sum of the staged rows' content hashes mod 2^256: the same set of rows, the same sum.
    fingerprint: int = 0
    #: Staged rows by kind (seal.KEPT, ADDED, NEW, CHANGED).
    kinds_count: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    #: The open entries that stay, and the lines that keep them.
    kept_lines: array = field(default_factory=lambda: array("I"))
    kept_ids: array = field(default_factory=lambda: array("q"))
    parts: list[Part] = field(default_factory=list)
    #: Lines that repeat an earlier line's person: line -> the first line.
    duplicates: dict[int, int] = field(default_factory=dict)
    #: The peak memory of the worker processes, if any.
    peak_mb: float = 0.0

    def add(self, first_line: int, sealed: Sealed) -> Part:
        """Count in the part that starts at ``first_line``; return it as a Part."""
        self.rows += sealed.rows
        self.bad_rows += sealed.bad_rows
        self.staged += sealed.staged
        self.fingerprint = (self.fingerprint + sealed.fingerprint) % _MOD
        self.kinds_count = [a + b for a, b in zip(self.kinds_count, sealed.kinds_count,
                                                  strict=True)]
        self.kept_lines.extend(sealed.kept_lines)
        self.kept_ids.extend(sealed.kept_ids)
        self.peak_mb = max(self.peak_mb, sealed.peak_mb)
        part = Part.of(first_line, sealed)
        self.parts.append(part)
        return part

    def in_order(self) -> list[Part]:
        return sorted(self.parts, key=lambda part: part.first_line)

    def find_duplicates(self) -> None:
        """Later line -> first line, for every person (ID hash prefix) staged more than once.

        One sorted copy of the prefixes finds the repeated ones (8 bytes a line, where sorting
        lines and prefixes together took 28: a tenth of the import's peak memory); the few
        lines that carry them are then picked out part by part."""
        if not self.parts:
            return
        ordered = np.concatenate([part.prefixes for part in self.parts])
        ordered.sort()
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        del ordered
        if not len(repeated):
            return
        lines_of: dict[int, list[int]] = {}
        for part in self.parts:
            for index in np.flatnonzero(np.isin(part.prefixes, repeated)).tolist():
                lines_of.setdefault(int(part.prefixes[index]), []).append(int(part.lines[index]))
        for lines in lines_of.values():
            lines.sort()
            for line in lines[1:]:
                self.duplicates[line] = lines[0]

    def masks(self, wanted: list[int]) -> dict[int, str]:
        """line -> the masked ID number staged on it (3401**********123X)."""
        found = {}
        for part in self.parts:
            for index in np.flatnonzero(np.isin(part.lines, wanted)).tolist():
                ends = part.mask_ends[8 * index:8 * index + 8].decode()
                found[int(part.lines[index])] = ends[:4] + "**********" + ends[4:]
        return found

    def drop(self, dropped: list[int]) -> None:
        """Leave these lines out of the counts, and forget the entries they kept."""
        for part in self.parts:
            gone = np.isin(part.lines, dropped)
            for kind in range(4):
                self.kinds_count[kind] -= int(np.count_nonzero(gone & (part.kinds == kind)))
            self.staged -= int(np.count_nonzero(gone))
        lines = np.frombuffer(self.kept_lines, dtype=np.uint32)
        keep = ~np.isin(lines, dropped)
        self.kept_lines = array("I", lines[keep].tobytes())
        self.kept_ids = array("q", np.frombuffer(self.kept_ids, np.int64)[keep].tobytes())
