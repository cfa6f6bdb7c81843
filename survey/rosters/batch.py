"""Check a batch of roster rows at once, with exactly the result of checking them one by one.

``RowChecker.check`` costs microseconds of Python per row. Here the rows of text cells that pass
every test of ``RowChecker._fast`` are found by tests over whole columns (numpy, C-level builtins),
chunk by chunk. The other rows, a row whose amount or date is not cached yet among them, go through
``checker.check`` in line order, so their problems and side effects (caches, new areas) are those
of the row-by-row loop: a row ``_fast`` accepts has none. Cells are taken to be of the kinds readers
give; a str subclass that overrides str's methods could be judged otherwise.
"""

import functools
from collections.abc import Callable
from itertools import chain, compress
from operator import index

import numpy as np

from survey.rosters import columnar
from survey.rosters.validate import Clean, Problem, RowChecker

#: Rows checked together: columns of this many cells stay in the CPU caches from pass to pass.
_CHUNK = 2048


def check_many(checker: RowChecker, lines: list[int], rows: list[list]
               ) -> tuple[list[int], list[tuple], list[Problem], int]:
    """Check many rows at once: (lines of the good rows, their clean tuples, the problems of the
    bad rows, how many rows were bad), exactly as ``checker.check`` row by row gives them."""
    def cut(start: int, end: int):
        part = rows[start:end]
        return functools.partial(_row_cells, part), part.__getitem__

    return _check(checker, lines, min(len(lines), len(rows)), cut)  # stop at the shorter, as zip


def check_columns(checker: RowChecker, lines: list[int], columns: list[list]
                  ) -> tuple[list[int], list[tuple], list[Problem], int]:
    """``check_many`` of the rows ``[column[i] for column in columns]``, the columns (lists of
    one length, at least one, which tells how many rows there are) read as they are: a row is
    made only to go through ``checker.check``."""
    sizes = set(map(len, columns))
    if len(sizes) != 1:
        raise ValueError("columns of different lengths" if sizes else "no columns")

    def cut(start: int, end: int):
        part = [column[start:end] for column in columns]
        return functools.partial(_column_cells, part), lambda i: [column[i] for column in part]

    return _check(checker, lines, min(len(lines), *sizes), cut)


def _check(checker: RowChecker, lines: list[int], size: int, cut: Callable):
    """Check the first ``size`` rows chunk by chunk; ``cut(start, end)`` gives a chunk's cells
    by field (``_row_cells``) and its row by index."""
    by_town = columnar.villages_by_town(checker.areas)
    spans = [(start, min(start + _CHUNK, size)) for start in range(0, size, _CHUNK)]
    parts = [_chunk(checker, by_town, lines[start:end], *cut(start, end)) for start, end in spans]
    if len(parts) == 1:
        return parts[0]
    good_lines, cleans, problems = (list(chain.from_iterable(part[k] for part in parts))
                                    for k in range(3))
    return good_lines, cleans, problems, sum(part[3] for part in parts)


def _chunk(checker: RowChecker, by_town: dict | None, lines: list, cells: Callable, row: Callable):
    try:
        columns = _Columns(checker, by_town, len(lines), cells)
    except Exception:  # odd input (a row that is no sequence, an unhashable cell): never guess
        return check_each(checker, lines, map(row, range(len(lines))))
    return columns.finish(checker, lines, row)


def check_each(checker: RowChecker, lines: list, rows):
    """The row-by-row loop whose result check_many gives: the lines and clean rows of the good
    rows, every problem, and how many rows were bad."""
    good_lines, cleans, problems, bad = [], [], [], 0
    for line, cells in zip(lines, rows, strict=True):
        clean, found = checker.check(line, cells)
        if found:
            bad += 1
            problems.extend(found)
        else:
            good_lines.append(line)
            cleans.append(clean)
    return good_lines, cleans, problems, bad


def _row_cells(rows: list, at: dict[str, int], ok: np.ndarray) -> dict[str, list]:
    """The cells of the columns ``at`` (field -> index) of rows; a row too short is not ok."""
    need = max(at.values()) + 1
    try:
        return {field: [cells[i] for cells in rows] for field, i in at.items()}
    except IndexError:
        ok &= np.array([len(cells) >= need for cells in rows], bool)
        rows = [cells if len(cells) >= need else [None] * need for cells in rows]
        return {field: [cells[i] for cells in rows] for field, i in at.items()}


def _column_cells(columns: list[list], at: dict[str, int], ok: np.ndarray) -> dict[str, list]:
    """The columns ``at``; with too few columns no row is ok."""
    if max(at.values()) < len(columns):
        return {field: columns[i] for field, i in at.items()}
    ok[:] = False
    return {field: [None] * len(ok) for field in at}


def _positions(checker: RowChecker) -> dict[str, int]:
    """The columns of the cells ``_fast`` reads, by field."""
    optional = ("phone", "village", "address", "amount", "paid_on")
    fields = ("name", "id_number", "town", *(f for f in optional if getattr(checker, f)))
    at = {field: index(checker.at[field]) for field in fields}
    if min(at.values()) < 0:
        raise IndexError("a column counted from the end")
    return at


class _Columns:
    """A chunk as columns, and which of its rows pass every test of ``RowChecker._fast``."""

    def __init__(self, checker: RowChecker, by_town: dict | None, size: int, cells: Callable):
        areas = checker.areas
        if by_town is None or not (type(checker._amounts) is dict is type(checker._dates)):
            raise TypeError("not plain dicts")  # their get() might not do what [] does
        ok = np.ones(size, bool)
        cell = cells(_positions(checker), ok)
        blank = [""] * size
        names = columnar.clean_names(cell["name"], ok)
        numbers = columnar.clean_numbers(cell["id_number"], ok)
        mobiles = columnar.clean_mobiles(cell["phone"], ok) if checker.phone else [None] * size
        towns, villages = cell["town"], cell["village"] if checker.village else blank
        town_ids, village_ids = columnar.place_ids(areas.towns, by_town, towns, villages, ok)
        addresses = columnar.clean_addresses(cell["address"], ok) if checker.address else blank
        amount_texts = columnar.cached_texts(checker._amounts, cell.get("amount"), ok)
        date_texts = columnar.cached_texts(checker._dates, cell.get("paid_on"), ok)
        self.parts = (names, numbers, mobiles, town_ids, village_ids, addresses, amount_texts,
                      date_texts, towns, villages)
        self.fast, self.others = ok, [] if ok.all() else np.flatnonzero(~ok).tolist()

    def finish(self, checker: RowChecker, lines: list, row: Callable):
        """Check the other rows (``row(i)``) in line order, then gather the clean rows in line
        order."""
        problems, bad, late = [], 0, {}
        for i in self.others:
            clean, found = checker.check(lines[i], row(i))
            if found:
                bad += 1
                problems.extend(found)
            else:
                late[i] = clean
        return *self._gather(lines, late), problems, bad

    def _gather(self, lines: list, late: dict[int, Clean]) -> tuple[list, list[Clean]]:
        cleans = zip(*self.parts, strict=True)
        if not self.others:
            return lines, list(cleans)  # lines: the chunk's own slice
        if late:
            cleans = list(cleans)
            for i, clean in late.items():
                cleans[i] = clean
            self.fast[list(late)] = True
        keep = self.fast.tolist()
        return list(compress(lines, keep)), list(compress(cleans, keep))
