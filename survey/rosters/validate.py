"""Check roster rows one by one and say, in Chinese, what is wrong, where, and in which column.

A problem is ``(line, column, masked value, reason)``: the value is masked so that an error report
never holds what the roster protects.
"""

from survey import privacy
from survey.rosters import idnumber, values
from survey.rosters.columns import label

Problem = tuple[int, str, str, str]
#: name, id_number, phone, town_id, village_id, address, amount, paid_on, town, village; the
#: amount and the date as canonical text ("120.00", "2011-05-15") or None.
Clean = tuple


class Areas:
    """Town and village names -> ids; unknown ones get provisional negative ids when allowed."""

    def __init__(self, towns: dict[str, int], villages: dict[tuple[int, str], int],
                 create: bool = False):
        self.towns, self.villages, self.create = towns, villages, create
        self.new_towns: dict[str, int] = {}
        self.new_villages: dict[tuple[int, str], int] = {}

    def town(self, name: str) -> int | None:
        found = self.towns.get(name)
        if found is None and self.create and name:
            found = self.towns[name] = self.new_towns[name] = -1 - len(self.new_towns)
        return found

    def village(self, town_id: int, name: str) -> int | None:
        found = self.villages.get((town_id, name))
        if found is None and self.create:
            found = -1_000_000 - len(self.new_villages)
            self.villages[(town_id, name)] = self.new_villages[(town_id, name)] = found
        return found


class RowChecker:
    """Validate rows under one column mapping (field -> column index)."""

    def __init__(self, mapping: dict[str, int], areas: Areas):
        self.at = mapping
        self.areas = areas
        self.phone, self.village = "phone" in mapping, "village" in mapping
        self.address, self.amount, self.paid_on = ("address" in mapping, "amount" in mapping,
                                                   "paid_on" in mapping)
        # Cell -> (canonical text or None, reason): what the stage stores and the content hash
        # covers ("120.00", "2011-05-15"), worked out once per distinct cell by the slow path.
        # A KeyError in the fast path sends a new cell there.
        self._amounts: dict = {"": (None, None), None: (None, None)}
        self._dates: dict = {"": (None, None), None: (None, None)}
        self._birth = idnumber.birth_ok

    def _cell(self, cells: list, field: str):
        index = self.at.get(field)
        return cells[index] if index is not None and index < len(cells) else None

    def check(self, line: int, cells: list) -> tuple[Clean | None, list[Problem]]:
        """The clean row, or None and every problem found in it."""
        try:
            clean = self._fast(cells)
        except (IndexError, TypeError, AttributeError, KeyError):
            clean = None
        if clean is None:
            return self._slow(line, cells)
        return clean, []

    def _fast(self, cells: list) -> Clean | None:
        """The common case of a clean text row, checked in a few microseconds; None otherwise.

        Anything unusual (spaces to remove, a missing cell, a typed xlsx cell, a wrong value)
        returns None and takes the slow path, which says what is wrong. Places are looked up as
        they are: the index holds normalised names (``runner.area_index``), so a cell that
        would need normalising misses here and is normalised by the slow path.
        """
        at = self.at
        name, number = cells[at["name"]], cells[at["id_number"]]
        if not (name.isalpha() and len(name) <= values.MAX_NAME and len(number) == 18
                and number[:17].isdigit() and number.isascii() and self._birth(number[6:14])
                and idnumber.fast_check_digit(number[:17]) == number[17]):
            return None
        mobile = cells[at["phone"]] if self.phone else ""
        village = cells[at["village"]] if self.village else ""
        amount = cells[at["amount"]] if self.amount else None
        if mobile.__class__ is not str or village.__class__ is not str or amount is True:
            return None  # a typed cell (0 for a phone, True for an amount): the slow path
        if mobile and not (len(mobile) == 11 and mobile.isdigit() and mobile.isascii()
                           and mobile[0] == "1" and mobile[1] in "3456789"):
            return None
        town = cells[at["town"]]
        town_id = self.areas.towns[town]
        village_id = self.areas.villages[(town_id, village)] if village else None
        address = " ".join(cells[at["address"]].split()) if self.address else ""
        amount = self._amounts[amount] if self.amount else (None, None)
        paid_on = self._dates[cells[at["paid_on"]]] if self.paid_on else (None, None)
        if amount[1] or paid_on[1] or len(address) > values.MAX_ADDRESS:
            return None
        return (name, number, mobile or None, town_id, village_id, address, amount[0],
                paid_on[0], town, village)

    def _slow(self, line: int, cells: list) -> tuple[Clean | None, list[Problem]]:
        problems: list[Problem] = []
        cell = self._cell

        def take(field, parse, mask=str):
            raw = cell(cells, field)
            value, reason = parse(raw)
            if reason:
                problems.append((line, label(field), _shown(mask(values.text(raw))), reason))
            return value

        name = take("name", values.name, privacy.mask_name)
        number = take("id_number", values.id_number, _mask_id)
        mobile = take("phone", values.phone_number, privacy.mask_phone)
        town, town_id, village, village_id = self._place(line, cells, problems)
        address = take("address", values.address, _mask_address)
        amount = take("amount", lambda cell: _as_text(self._amounts, cell, values.amount))
        paid_on = take("paid_on", lambda cell: _as_text(self._dates, cell, values.paid_on))
        if problems:
            return None, problems
        return (name, number, mobile, town_id, village_id, address or "", amount, paid_on,
                town, village), problems

    def _place(self, line: int, cells: list, problems: list[Problem]):
        town = values.place(self._cell(cells, "town"))
        village = values.place(self._cell(cells, "village"))
        town_id = self.areas.town(town)
        if town_id is None:
            reason = "街镇为空" if not town else "系统中没有这个街镇（可在导入时选择“自动新建”）"
            problems.append((line, label("town"), _shown(town), reason))
            return town, None, village, None
        village_id = self.areas.village(town_id, village) if village else None
        if village and village_id is None:
            problems.append((line, label("village"), _shown(village),
                             f"“{town}”下没有这个村居（可在导入时选择“自动新建”）"))
        return town, town_id, village, village_id


def _as_text(cache: dict, cell, parse) -> tuple[str | None, str | None]:
    """Parse a cell to its canonical text, remembering it for the next equal cell (not for
    True, which equals 1 as a key but is no amount)."""
    value, reason = parse(cell)
    found = (None if value is None else str(value), reason)
    if cell.__class__ is not bool and len(cache) < 50_000:
        cache[cell] = found
    return found


def _mask_id(text: str) -> str:
    return privacy.mask_id(text) if len(text) > 8 else "*" * len(text)


def _mask_address(text: str) -> str:
    return text[:6] + "…" if len(text) > 6 else text


def _shown(value: str) -> str:
    return value if len(value) <= 100 else value[:99] + "…"
