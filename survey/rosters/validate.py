"""Check roster rows one by one and say, in Chinese, what is wrong, where, and in which column.

A problem is ``(line, column, masked value, reason)``: the value is masked so that an error report
never holds what the roster protects.
"""

from survey import privacy
from survey.rosters import values
from survey.rosters.columns import label

Problem = tuple[int, str, str, str]
#: name, id_number, phone, town_id, village_id, address, amount, paid_on, town, village
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

    def _cell(self, cells: list, field: str):
        index = self.at.get(field)
        return cells[index] if index is not None and index < len(cells) else None

    def check(self, line: int, cells: list) -> tuple[Clean | None, list[Problem]]:
        """The clean row, or None and every problem found in it."""
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
        amount = take("amount", values.amount)
        paid_on = take("paid_on", values.paid_on)
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


def _mask_id(text: str) -> str:
    return privacy.mask_id(text) if len(text) > 8 else "*" * len(text)


def _mask_address(text: str) -> str:
    return text[:6] + "…" if len(text) > 6 else text


def _shown(value: str) -> str:
    return value if len(value) <= 100 else value[:99] + "…"
