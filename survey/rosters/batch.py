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
from datetime import date
from itertools import chain, compress, repeat
from operator import index, is_not

import numpy as np

from survey.rosters import idnumber, values
from survey.rosters.validate import Clean, Problem, RowChecker

_MISSING = object()
#: Rows checked together: columns of this many cells stay in the CPU caches from pass to pass.
_CHUNK = 2048
#: Digits 1-17 of an ID number times these: the MOD 11-2 weighted sum, the birth date YYYYMMDD.
_NUMBER_WEIGHTS = np.zeros((17, 2))
_NUMBER_WEIGHTS[:, 0] = idnumber.WEIGHTS
_NUMBER_WEIGHTS[6:14, 1] = 10.0 ** np.arange(7, -1, -1)
_CHECK_CODES = np.frombuffer(idnumber.CHECK_CHARS.encode("ascii"), np.uint8)


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
    by_town = _villages_by_town(checker.areas)
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
        return _one_by_one(checker, lines, map(row, range(len(lines))))
    return columns.finish(checker, lines, row)


def _one_by_one(checker: RowChecker, lines: list, rows):
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
        names = _names(cell["name"], ok)
        numbers = _numbers(cell["id_number"], ok)
        mobiles = _mobiles(cell["phone"], ok) if checker.phone else [None] * size
        towns, villages = cell["town"], cell["village"] if checker.village else blank
        town_ids, village_ids = _places(areas.towns, by_town, towns, villages, ok)
        addresses = _addresses(cell["address"], ok) if checker.address else blank
        amount_texts = _cached_texts(checker._amounts, cell.get("amount"), ok)
        date_texts = _cached_texts(checker._dates, cell.get("paid_on"), ok)
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


def _joined(cells: list, ok: np.ndarray, between: str = "") -> tuple[list[str], str]:
    """The cells and their concatenation; a cell that is no str becomes "", its row not ok."""
    try:
        return cells, between.join(cells)
    except TypeError:
        text = [cell.__class__ is str for cell in cells]
        ok &= np.array(text, bool)
        cells = [cell if is_text else "" for cell, is_text in zip(cells, text, strict=True)]
        return cells, between.join(cells)


def _names(names: list, ok: np.ndarray) -> list[str]:
    """Letters only, at most MAX_NAME of them."""
    names, blob = _joined(names, ok)
    lengths = list(map(len, names))
    if not (blob.isalpha() and min(lengths) > 0 and max(lengths) <= values.MAX_NAME):
        ok &= np.array(list(map(str.isalpha, names)), bool)
        ok &= np.array(lengths) <= values.MAX_NAME
    return names


def _ascii_rows(texts: list, width: int, ok: np.ndarray):
    """The texts, their codes as rows ("?" for a character that is not ASCII, NULs for a text of
    another length), and their lengths if some are not ``width`` (else None). Joined with NULs,
    they all are when the only NULs are at every (width + 1)-th place: no pass over them then."""
    texts, blob = _joined(texts, ok, "\0")
    size = len(texts)
    if len(blob) == size * (width + 1) - 1:
        codes = np.frombuffer((blob + "\0").encode("ascii", "replace"), np.uint8)
        codes = codes.reshape(size, width + 1)
        if not codes[:, width].any() and codes[:, :width].all():
            return texts, codes[:, :width], None
    lengths = np.array(list(map(len, texts)))
    fits, codes = lengths == width, np.zeros((size, width), np.uint8)
    blob = "".join(compress(texts, fits.tolist())).encode("ascii", "replace")
    codes[fits] = np.frombuffer(blob, np.uint8).reshape(-1, width)
    return texts, codes, lengths


def _digits(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes minus "0", and which rows are all ASCII digits (anything else wraps round above 9)."""
    digits = codes - np.uint8(48)
    return digits, np.full(len(digits), True) if digits.max() <= 9 else (digits <= 9).all(axis=1)


def _numbers(numbers: list, ok: np.ndarray) -> list[str]:
    """18 ASCII characters: 17 digits with a real birth date, then the MOD 11-2 check character."""
    numbers, codes, _ = _ascii_rows(numbers, 18, ok)
    digits, good = _digits(codes[:, :17])
    sums = digits.astype(np.float64) @ _NUMBER_WEIGHTS  # exact: far below 2**53
    good &= _CHECK_CODES[sums[:, 0].astype(np.int64) % 11] == codes[:, 17]
    born = sums[:, 1].astype(np.int64)
    # Real dates from 1890-01-01 to today, idnumber.birth_ok's rule ("clip": any other is False).
    ok &= good & _calendar(date.today()).take(born - 18900100, mode="clip")
    return numbers


@functools.lru_cache(maxsize=1)
def _calendar(today: date) -> np.ndarray:
    """Whether 18900100 + i is a date from 1890-01-01 to today (False at both ends)."""
    days = np.arange(np.datetime64("1890-01-01"), np.datetime64(today) + 1)
    months = days.astype("datetime64[M]")
    born = ((days.astype("datetime64[Y]").astype(np.int64) + 1970) * 10_000
            + (months.astype(np.int64) % 12 + 1) * 100
            + (days - months.astype("datetime64[D]")).astype(np.int64) + 1)
    table = np.zeros(born[-1] - 18900100 + 2, bool)
    table[born - 18900100] = True
    return table


def _mobiles(phones: list, ok: np.ndarray) -> list[str | None]:
    """Empty, or 11 ASCII digits 1[3-9]xxxxxxxxx; the mobile or None."""
    phones, codes, lengths = _ascii_rows(phones, 11, ok)
    digits, good = _digits(codes)
    good &= (digits[:, 0] == 1) & (digits[:, 1] >= 3)
    if lengths is None:
        ok &= good
        return phones
    ok &= good | (lengths == 0)
    return list(map({"": None}.get, phones, phones))


def _villages_by_town(areas) -> dict | None:
    """Town id -> {village name: id, "": None} (``_fast`` looks no village up for ""); None
    when the areas are not plain dicts, whose ``get`` could differ from their ``[]``."""
    if not (type(areas.towns) is dict is type(areas.villages)):
        return None
    try:
        by_town = {town_id: {"": None} for town_id in areas.towns.values()}
        for (town_id, name), village_id in areas.villages.items():
            if name and name.__class__ is str and town_id in by_town:  # _fast tests "if"
                by_town[town_id][name] = village_id
    except (TypeError, ValueError):  # an unhashable id, a key that is no pair
        return None
    return by_town


def _places(towns: dict, by_town: dict, names: list, villages: list, ok: np.ndarray):
    """Town ids, and village ids (None for no village); an unknown one makes the row not ok."""
    town_ids = list(map(towns.get, names, repeat(_MISSING)))
    # An unknown town has no villages, not even "": one test for both.
    village_ids = list(map(dict.get, map(by_town.get, town_ids, repeat({})), villages,
                           repeat(_MISSING)))
    if _MISSING in village_ids:
        ok &= np.array(list(map(is_not, village_ids, repeat(_MISSING))), bool)
    return town_ids, village_ids


def _addresses(addresses: list, ok: np.ndarray) -> list[str]:
    """Whitespace collapsed (most chunks have none); too long makes the row not ok."""
    addresses, blob = _joined(addresses, ok)
    if " " in blob or not blob.isprintable():  # all whitespace but " " is unprintable
        addresses = list(map(" ".join, map(str.split, addresses)))
    if max(map(len, addresses)) > values.MAX_ADDRESS:
        ok &= np.array(list(map(len, addresses))) <= values.MAX_ADDRESS
    return addresses


def _cached_texts(cache: dict, cells: list | None, ok: np.ndarray) -> list:
    """Each cell's canonical text from the cache, looked up once per distinct cell. When the
    cache has none (``_fast`` would meet a KeyError) or a reason, or the cell is no str (the
    entry of 0 is rewritten by a slow row with -0.0, say), the row is left to ``check``."""
    if cells is None:
        return [None] * len(ok)
    known = {cell: _cached(cache, cell) if cell.__class__ is str else _MISSING
             for cell in set(cells)}
    if all(cell == text for cell, text in known.items()):
        return cells  # canonical already, as "120.00" and "2011-05-15" are
    texts = list(map(known.__getitem__, cells))
    if _MISSING in known.values():
        ok &= np.array(list(map(is_not, texts, repeat(_MISSING))), bool)
    return texts


def _cached(cache: dict, cell):
    """What ``_fast`` takes from the cache for this cell, or _MISSING where it goes slow."""
    found = cache.get(cell, _MISSING)
    return found[0] if found.__class__ is tuple and len(found) == 2 and not found[1] else _MISSING
