"""check_many gives exactly what RowChecker.check gives row by row: results, order, caches.

Pure tests: a RowChecker over hand-made Areas, no app and no database.
"""

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.rosters import batch, columnar, idnumber
from survey.rosters.batch import check_columns, check_many
from survey.rosters.idnumber import check_digit
from survey.rosters.validate import Areas, RowChecker

MAPPING = {"name": 1, "id_number": 2, "phone": 3, "town": 4, "village": 5, "address": 6,
           "amount": 7, "paid_on": 8}
#: Town -> (id, villages): an id 0, a town name NFKC would change; a village "" is added below.
DISTRICT = {"城关街道": (0, ["东门社区", "西门社区"]), "金桥镇": (1, ["大王村", "小李村"]),
            "白沙镇": (2, ["沙河村"]), "Ａ区": (3, ["甲村"])}
NAMES = ["王伟", "李娜", "张三丰", "欧阳𠈌", "司马䶮", "刘"]
AMOUNTS = ["120.00", "85.00", "120", "1,200.50", "¥85", "0"]
DATES = ["2011-05-15", "2011/5/15", "20110515", "2011年5月15日", ""]
WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture(autouse=True)
def upload_dir():
    """Replaces the package's autouse fixture, which would build an app these tests don't need."""


def make_checker(mapping=MAPPING, create=False) -> RowChecker:
    towns = {town: number for town, (number, _) in DISTRICT.items()}
    villages = {(number, name): 100 * number + i
                for number, names in DISTRICT.values() for i, name in enumerate(names)}
    villages[(1, "")] = 999  # never read: no village is looked up for ""
    return RowChecker(dict(mapping), Areas(towns, villages, create))


def number_born(born: str, serial: int = 1) -> str:
    first17 = f"340199{born}{serial % 1000:03d}"
    return first17 + check_digit(first17)


def valid_row(rng: random.Random, index: int) -> list[str]:
    born = date(1890, 1, 1) + timedelta(days=rng.randrange((date.today() - date(1890, 1, 1)).days))
    town = rng.choice(list(DISTRICT))
    village = rng.choice(DISTRICT[town][1] + [""])
    return [str(index), rng.choice(NAMES), number_born(f"{born:%Y%m%d}", rng.randrange(1000)),
            rng.choice(["", f"13{rng.randrange(10**9):09d}", f"19{rng.randrange(10**9):09d}"]),
            town, village, f"{village}{rng.randrange(1, 200)}号", rng.choice(AMOUNTS),
            rng.choice(DATES)]


def plain_row(index: int, **cells) -> list:
    """A valid row in 金桥镇, ``cells`` (name=..., amount=...) changed; ``warmed`` caches its
    amount and date."""
    row = {"index": str(index), "name": "王伟", "id_number": number_born("19800101", index),
           "phone": "13812345678", "town": "金桥镇", "village": "大王村", "address": "大王村1号",
           "amount": "120.00", "paid_on": "2011-05-15"}
    return list({**row, **cells}.values())


def reference(checker, lines, rows):
    good_lines, cleans, problems, bad = [], [], [], 0
    for line, cells in zip(lines, rows):  # noqa: B905 - the very loop check_many must match
        clean, found = checker.check(line, cells)
        if found:
            bad += 1
            problems.extend(found)
        else:
            good_lines.append(line)
            cleans.append(clean)
    return good_lines, cleans, problems, bad


def state(checker) -> str:
    """Everything the checks may change, in order, with types: repr tells 1 from 1.0 and "1"."""
    areas = checker.areas
    return repr([list(checker._amounts.items()), list(checker._dates.items()),
                 list(areas.towns.items()), list(areas.villages.items()),
                 list(areas.new_towns.items()), list(areas.new_villages.items())])


def assert_same(rows, mapping=MAPPING, create=False, lines=None, warm=(), make=make_checker,
                check=check_many):
    """``check`` (check_many) on one checker, the reference loop on another, from equal states
    (the rows ``warm`` and a ``plain_row`` checked before); where the reference raises (a huge
    int has no float), ``check`` raises the same."""
    lines = list(range(2, len(rows) + 2)) if lines is None else lines
    by_row, by_batch = make(mapping, create), make(mapping, create)
    warm = [plain_row(0), *warm]
    for checker in (by_row, by_batch):
        reference(checker, list(range(len(warm))), [list(cells) for cells in warm])
    try:
        expected = reference(by_row, lines, rows)
    except Exception as error:
        with pytest.raises(type(error)):
            check(by_batch, lines, rows)
        assert state(by_batch) == state(by_row)
        return None
    got = check(by_batch, lines, rows)
    assert repr(got) == repr(expected) and got == expected
    assert state(by_batch) == state(by_row)
    return got


def warmed():
    """A checker whose caches know the amount and the date of ``plain_row``."""
    checker = make_checker()
    reference(checker, [0], [plain_row(0)])
    return checker


def spied(checker):
    """The lines checker.check is called for, as they come."""
    calls, check = [], checker.check
    checker.check = lambda line, cells: calls.append(line) or check(line, cells)
    return calls


NUMBER_FAULTS = [
    str.lower, lambda n: n[:-1] + "x", lambda n: f" {n} ", lambda n: "\u200b" + n,
    lambda n: n.translate(WIDE), lambda n: n[:17], lambda n: n + "1", lambda n: n[:15],
    lambda n: "3.40102E+17", lambda n: n[:-1] + ("1" if n[-1] != "1" else "2"),
    lambda n: n[:8] + "\0" + n[9:], lambda n: n[:6] + "٣" + n[7:], lambda n: n[:10] + "X" + n[11:],
    lambda n: "", lambda n: n[:5] + "\ud800" + n[6:], lambda n: n[:-1] + "?",
    lambda n: n[:-1] + "Ｘ", lambda n: n[:16] + ":" + n[17], lambda n: n[:3] + "/" + n[4:],
    lambda n: None, lambda n: int(n[:17]), lambda n: float(n[:17]), lambda n: n[:-3] + "000",
    *(lambda n, born=born: number_born(born) for born in (
        "19000229", "20000229", "18891231", "18900101", "20110230", "20111301",
        f"{date.today():%Y%m%d}", f"{date.today() + timedelta(days=1):%Y%m%d}")),
]
CELL_FAULTS = {
    1: ["", " 张三 ", "张 三", "阿依古丽·买买提", "张" * 60, "张" * 61, "Zhang", "张3", 123, None,
        1.5, "\u3000王伟", "王\0伟"],
    3: ["", None, 0, 0.0, False, 13812345678, 1.3812345678e10, "12812345678", "1381234567",
        "+86 138 1234 5678", "0551-12345678", "055112345678", "１３８１２３４５６７８",
        "138123456789", "1381234567a", " 13812345678", "13812345678\0", "1381234567:",
        "23812345678", "05511234567", "1/812345678"],
    4: ["不存在镇", "", None, " 金桥镇", "金 桥镇", "Ａ区", "A区", 1, "白沙镇\t"],
    5: ["", None, 0, "不存在村", " 大王村", "沙河村", "甲村", 5],
    6: ["张" * 200, "张" * 201, "a  b", "a\tb", " a", "a\u3000b", "甲 " * 100, None, 123, "",
        "a\0b", "\x1cx", "a\ud800"],
    7: ["120.00", "120", "abc", "-5", "1e20", 120.0, 120, 0, -0.0, True, False, None, "",
        " 120.00 ", "１２０", "nan", "85.00", "3.333"],
    8: ["2011-05-15", "2011/5/15", "2011-02-30", "1989-12-31", "bad", "", None, True, 40000,
        datetime(2011, 5, 15), date(2011, 5, 15), datetime(2011, 5, 15, 8, 30)],
}


def _set(column, value):
    return lambda row: [*row[:column], value, *row[column + 1:]] if len(row) > column else row


def _number(change):
    def fault(row):
        if len(row) <= 2:
            return row
        valid = isinstance(row[2], str) and len(row[2]) == 18 and row[2].isdigit()
        return [*row[:2], change(row[2] if valid else number_born("19800101")), *row[3:]]
    return fault


#: One fault each: a cell of every kind in every column, rows cut short or grown, a new amount.
FAULTS = ([_set(column, value) for column, cells in CELL_FAULTS.items() for value in cells]
          + [_number(change) for change in NUMBER_FAULTS]
          + [lambda row, size=size: row[:size] for size in range(9)]
          + [lambda row: tuple(row) + ("extra",),
             lambda row: _set(7, f"{row[0]}7.5")(row) if row else row])


@st.composite
def rows_with_faults(draw):
    """Valid rows, a few or many of them with faults of any kind."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    rows = [valid_row(rng, index) for index in range(draw(st.integers(0, 40)))]
    for index, fault in draw(st.lists(st.tuples(st.integers(0, 39), st.sampled_from(FAULTS)),
                                      max_size=60)):
        if index < len(rows):
            rows[index] = fault(rows[index])
    return rows


MAPPINGS = [MAPPING, {"name": 0, "id_number": 1, "town": 2},
            {"id_number": 2, "name": 1, "town": 4, "amount": 7, "phone": 3},
            {"name": 1, "id_number": 2, "town": 4, "village": 5, "paid_on": 8, "address": 10},
            {**MAPPING, "paid_on": True}]


@settings(max_examples=400, deadline=None)
@given(rows_with_faults(), st.sampled_from(MAPPINGS), st.booleans(), st.sampled_from([1, 3, 2048]),
       st.booleans(), st.lists(st.sampled_from(AMOUNTS + [120.0, True, 0]), max_size=3))
def test_check_many_equals_the_per_row_checks(rows, mapping, create, chunk, warm_all, amounts):
    """Also from caches that know every amount and date of ``valid_row`` (fast rows then) or few
    of them (rows going per row at first), with cached cells that are no str."""
    warm = [plain_row(0, amount=amount, paid_on=paid_on)
            for amount in (AMOUNTS if warm_all else amounts)
            for paid_on in (DATES if warm_all else DATES[:1])]
    saved, batch._CHUNK = batch._CHUNK, chunk
    try:
        assert_same(rows, mapping, create, warm=warm)
    finally:
        batch._CHUNK = saved


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(
    st.text(max_size=20), st.none(), st.integers(), st.floats(), st.booleans(),
    st.datetimes(), st.sampled_from(["金桥镇", "大王村", number_born("19491001"), "120.00"])),
    max_size=10), max_size=20))
def test_check_many_equals_the_per_row_checks_on_arbitrary_cells(rows):
    assert_same(rows)


@pytest.mark.parametrize("born, good", [
    ("20000229", True), ("19000229", False), ("19960229", True), ("20230229", False),
    (f"{date.today():%Y%m%d}", True), (f"{date.today() + timedelta(days=1):%Y%m%d}", False),
    ("18900101", True), ("18891231", False)])
def test_birth_dates_leap_days_and_today(born, good):
    good_lines, _, problems, bad = assert_same([plain_row(1, id_number=number_born(born))])
    assert (good_lines, bad) == (([2], 0) if good else ([], 1))
    assert good or "出生日期不存在" in problems[0][3]


X = next(number for serial in range(100) if (number := number_born("19800101", serial))[-1] == "X")


@pytest.mark.parametrize("cells, clean", [
    ({"id_number": X.lower()}, (X, "13812345678")),
    ({"id_number": X.translate(WIDE), "phone": "１３８１２３４５６７８"}, (X, "13812345678"))])
def test_a_lower_case_x_and_full_width_digits_go_per_row_and_are_normalised(cells, clean):
    rows = [plain_row(1, id_number=X), plain_row(2, **cells)]
    assert_same(rows)
    checker = warmed()
    calls = spied(checker)
    assert check_many(checker, [2, 3], rows)[1][1][1:3] == clean and calls == [3]


def test_a_clean_batch_with_warm_caches_never_goes_per_row():
    rng = random.Random(7)
    rows = [valid_row(rng, index)[:7] + ["120.00", "2011-05-15"] for index in range(5000)]
    assert_same(rows)
    checker = warmed()  # a row before fills the caches ...
    calls = spied(checker)
    good_lines, _, problems, bad = check_many(checker, list(range(len(rows))), rows)
    assert calls == [] and bad == 0 and len(good_lines) == len(rows)  # ... for all the others


def test_a_value_first_seen_sends_its_chunk_per_row_and_the_next_chunks_find_it(monkeypatch):
    monkeypatch.setattr(batch, "_CHUNK", 2)
    rows = [plain_row(serial, amount="99.50") for serial in range(6)]
    rows[3][1] = "王 伟"  # slow for its name
    assert_same(rows)
    checker = make_checker()
    calls = spied(checker)
    check_many(checker, list(range(6)), rows)
    assert calls == [0, 1, 3]


def test_a_big_mixed_batch_across_chunks():
    rng = random.Random(2011)
    faults = [_set(column, value) for column, cells in CELL_FAULTS.items() for value in cells]
    rows = [rng.choice(faults)(row) if rng.random() < 0.05 else row
            for row in (valid_row(rng, index) for index in range(6000))]
    assert_same(rows)
    assert_same(rows, create=True)


def test_rows_that_are_no_lists_are_read_or_refused_as_the_reference_does():
    row = valid_row(random.Random(3), 1)
    assert_same([dict(enumerate(row)), {"a": 1}, "".join(row), tuple(row), row])
    for rows in ([None], [["1", "王伟"], 5]):  # the reference raises TypeError
        assert assert_same(rows) is None


@pytest.mark.parametrize("odd", [
    lambda checker: setattr(checker, "_amounts", type("Cache", (dict,), {})(checker._amounts)),
    lambda checker: setattr(checker.areas, "towns", defaultdict(int, checker.areas.towns)),
    lambda checker: checker.areas.villages.update({("odd",): 5}),
    lambda checker: checker.at.update({"name": -8, "village": -4})])  # counted from the end
def test_odd_checkers_are_left_to_the_per_row_path(odd):
    def make(mapping, create):
        checker = make_checker(mapping, create)
        odd(checker)
        return checker

    rng = random.Random(5)
    rows = [valid_row(rng, index) for index in range(20)] + [["1", "王伟", "", "", "无名镇"]]
    assert_same(rows, make=make)


def test_nuls_inside_numbers_cannot_shift_the_columns():
    """Joined with NULs, "A\\0B", "" and a 17-character text have the length of three numbers,
    with NULs where the separators of three would be: the row of "" must not get B."""
    one, two = number_born("19800101"), number_born("19800102")
    rows = [plain_row(1, id_number=one + "\0" + two), plain_row(2, id_number=""),
            plain_row(3, id_number=one[:17])]
    assert assert_same(rows)[3] == 3


@pytest.mark.parametrize("column, cell, good", [
    (1, "张" * 60, True), (1, "张" * 61, False), (1, "", False), (6, "张" * 200, True),
    (6, "张" * 201, False),
    (6, "张 " * 100, True), (6, " 张" * 101, False), (3, "1381234567:", False),
    (3, "1381234567/", False), (3, "05511234567", True),
    (2, number_born("19800101")[:16] + ":0", False)])
def test_cells_at_the_edges(column, cell, good):
    """The longest name and address, no name; characters next to the digits; a landline of 11
    digits."""
    rows = [plain_row(index) for index in range(3)]
    rows[1][column] = cell
    assert assert_same(rows)[3] == (0 if good else 1)


def test_a_slow_row_that_rewrites_a_cached_amount_is_seen_by_the_rows_after_it():
    """0 and -0.0 are one key of the amount cache; either is the amount 0.00, never -0.00."""
    rows = [plain_row(1, amount=0), plain_row(2, name="王 伟", amount=-0.0), plain_row(3, amount=0),
            plain_row(4, amount="-0")]
    _, cleans, _, _ = assert_same(rows, warm=[plain_row(0, amount=0)])
    assert [clean[6] for clean in cleans] == ["0.00", "0.00", "0.00", "0.00"]


def test_lines_and_rows_of_unequal_length_stop_at_the_shorter():
    rows = [valid_row(random.Random(1), index) for index in range(3)]
    assert_same(rows, lines=[7, 8])
    assert_same(rows[:2], lines=[7, 8, 9])


def test_a_birth_date_still_to_come_is_accepted_once_it_has_come(monkeypatch):
    """birth_ok remembers no "not born yet": a long-running worker accepts the newborn."""
    tomorrow = date.today() + timedelta(days=1)
    rows = [plain_row(1, id_number=number_born(f"{tomorrow:%Y%m%d}"))]
    assert assert_same(rows)[3] == 1

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return tomorrow

    monkeypatch.setattr(idnumber, "_birth_ok", {})  # what tomorrow caches stays in this test
    monkeypatch.setattr(idnumber, "date", Tomorrow)
    monkeypatch.setattr(columnar, "date", Tomorrow)
    assert assert_same(rows)[3] == 0


def test_the_birth_date_rule_is_birth_ok_s():
    today = date.today()
    years = [*range(1887, 1902), 2000, 2024, today.year - 1, today.year, today.year + 1]
    days = [f"{year:04d}{month:02d}{day:02d}"
            for year in years for month in range(15) for day in range(33)]
    days += [f"{today + timedelta(days=shift):%Y%m%d}" for shift in range(-3, 4)]
    days += ["00000000", "99999999", "18900100", "18900101"]
    table = columnar._calendar(today)
    got = table[np.clip(np.array([int(day) for day in days]) - 18900100, 0, len(table) - 1)]
    assert got.tolist() == [idnumber.birth_ok(day) for day in days]


def test_all_whitespace_but_a_space_is_unprintable():
    """What the address test takes for granted, for every character."""
    assert not [hex(code) for code in range(0x110000)
                if chr(code).isspace() and code != 0x20 and chr(code).isprintable()]


def by_columns(width: int):
    """check_columns in check_many's place, on rows of ``width`` cells: their columns."""
    def check(checker, lines, rows):
        assert all(len(cells) == width for cells in rows)
        return check_columns(checker, lines, [[cells[j] for cells in rows] for j in range(width)])
    return check


def regular(rows, width: int) -> list[list]:
    """The rows as lists cut or padded with "" to ``width`` cells."""
    return [[*cells[:width], *[""] * (width - len(cells))] for cells in rows]


@settings(max_examples=300, deadline=None)
@given(rows_with_faults(), st.sampled_from(MAPPINGS), st.booleans(), st.sampled_from([1, 3, 2048]),
       st.booleans(), st.one_of(st.just(9), st.integers(1, 12)), st.integers(-2, 2))
def test_check_columns_equals_check_many(rows, mapping, create, chunk, warm_all, width, more):
    """On the same rows, from the same states: also with too few columns for the mapping, more
    or fewer lines than rows."""
    rows = regular(rows, width)
    lines = list(range(2, len(rows) + 2 + more))
    warm = [plain_row(0, amount=amount, paid_on=paid_on)
            for amount in (AMOUNTS if warm_all else AMOUNTS[:1]) for paid_on in DATES[:1]]
    saved, batch._CHUNK = batch._CHUNK, chunk
    try:
        many = assert_same(rows, mapping, create, lines, warm)
        columns = assert_same(rows, mapping, create, lines, warm, check=by_columns(width))
    finally:
        batch._CHUNK = saved
    assert repr(columns) == repr(many)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(
    st.text(max_size=20), st.none(), st.integers(), st.floats(), st.booleans(),
    st.sampled_from(["金桥镇", "大王村", number_born("19491001"), "120.00"])),
    min_size=9, max_size=9), max_size=20))
def test_check_columns_equals_the_per_row_checks_on_arbitrary_cells(rows):
    assert assert_same(rows, check=by_columns(9)) == assert_same(rows)


def test_check_columns_makes_rows_only_for_the_rows_checked_one_by_one():
    rows = [plain_row(index) for index in range(5)]
    rows[3][1] = "王 伟"
    checker = warmed()
    seen, check = [], checker.check
    checker.check = lambda line, cells: seen.append((line, cells)) or check(line, cells)
    columns = [list(column) for column in zip(*rows, strict=True)]
    good_lines, _, _, bad = check_columns(checker, list(range(2, 7)), columns)
    assert seen == [(5, rows[3])] and type(seen[0][1]) is list
    assert good_lines == [2, 3, 4, 5, 6] and bad == 0
    for columns in ([["a", "b"], ["c"]], []):  # how many rows?
        with pytest.raises(ValueError):
            check_columns(checker, [2, 3], columns)
