"""The tests of ``RowChecker._fast`` over whole columns of cells, for ``batch``.

Each function takes a column (a list of cells, one per row) and ``ok``, the rows still passing;
it returns the column's clean values and clears ``ok`` where a row fails, so that the row is then
checked one by one. A value given back for a row that is not ok means nothing.
"""

import functools
from datetime import date
from itertools import compress, repeat
from operator import is_not

import numpy as np

from survey.rosters import idnumber, values

_MISSING = object()
#: Digits 1-17 of an ID number times these: the MOD 11-2 weighted sum, the birth date YYYYMMDD.
_NUMBER_WEIGHTS = np.zeros((17, 2))
_NUMBER_WEIGHTS[:, 0] = idnumber.WEIGHTS
_NUMBER_WEIGHTS[6:14, 1] = 10.0 ** np.arange(7, -1, -1)
_CHECK_CODES = np.frombuffer(idnumber.CHECK_CHARS.encode("ascii"), np.uint8)


def _joined(cells: list, ok: np.ndarray, between: str = "") -> tuple[list[str], str]:
    """The cells and their concatenation; a cell that is no str becomes "", its row not ok."""
    try:
        return cells, between.join(cells)
    except TypeError:
        text = [cell.__class__ is str for cell in cells]
        ok &= np.array(text, bool)
        cells = [cell if is_text else "" for cell, is_text in zip(cells, text, strict=True)]
        return cells, between.join(cells)


def clean_names(names: list, ok: np.ndarray) -> list[str]:
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


def clean_numbers(numbers: list, ok: np.ndarray) -> list[str]:
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


def clean_mobiles(phones: list, ok: np.ndarray) -> list[str | None]:
    """Empty, or 11 ASCII digits 1[3-9]xxxxxxxxx; the mobile or None."""
    phones, codes, lengths = _ascii_rows(phones, 11, ok)
    digits, good = _digits(codes)
    good &= (digits[:, 0] == 1) & (digits[:, 1] >= 3)
    if lengths is None:
        ok &= good
        return phones
    ok &= good | (lengths == 0)
    return list(map({"": None}.get, phones, phones))


def villages_by_town(areas) -> dict | None:
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


def place_ids(towns: dict, by_town: dict, names: list, villages: list, ok: np.ndarray):
    """Town ids, and village ids (None for no village); an unknown one makes the row not ok."""
    town_ids = list(map(towns.get, names, repeat(_MISSING)))
    # An unknown town has no villages, not even "": one test for both.
    village_ids = list(map(dict.get, map(by_town.get, town_ids, repeat({})), villages,
                           repeat(_MISSING)))
    if _MISSING in village_ids:
        ok &= np.array(list(map(is_not, village_ids, repeat(_MISSING))), bool)
    return town_ids, village_ids


def clean_addresses(addresses: list, ok: np.ndarray) -> list[str]:
    """Whitespace collapsed (most chunks have none); too long makes the row not ok."""
    addresses, blob = _joined(addresses, ok)
    if " " in blob or not blob.isprintable():  # all whitespace but " " is unprintable
        addresses = list(map(" ".join, map(str.split, addresses)))
    if max(map(len, addresses)) > values.MAX_ADDRESS:
        ok &= np.array(list(map(len, addresses))) <= values.MAX_ADDRESS
    return addresses


def cached_texts(cache: dict, cells: list | None, ok: np.ndarray) -> list:
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
