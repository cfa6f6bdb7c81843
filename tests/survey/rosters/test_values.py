"""Cell rules, each with the reason a clerk reads: ID numbers, phones, amounts, dates, names."""

import random
from datetime import date, datetime
from decimal import Decimal

import pytest

from survey.privacy import Vault
from survey.rosters import columns, idnumber, phone, values
from survey.rosters.idnumber import check_digit, fast_check_digit

GOOD = "11010519491231002X"  # the standard's own example


def test_check_digit_follows_gb11643():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("34052419800101001") == "X"


def test_the_fast_check_digit_equals_the_weighted_sum():
    rng = random.Random(11643)
    for _ in range(20_000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        assert fast_check_digit(first17) == check_digit(first17)


@pytest.mark.parametrize("raw, expected", [
    (GOOD, None),
    (GOOD.lower(), None),  # lower-case x accepted as X
    ("１１０１０５１９４９１２３１００２Ｘ", None),  # full-width digits
    (" \u200b11010519491231002X\ufeff ", None),  # invisible and surrounding whitespace
    ("'11010519491231002X", None),  # Excel's text prefix
    ("110105194912310021", "校验位错误"),
    ("110105194902300028", "出生日期不存在"),  # 30 February
    ("110105209912310028", "出生日期不存在"),  # born in the future
    ("3.40102E+17", "科学计数法"),
    ("340102199001011000", "校验位错误（末几位是0"),  # Excel kept 15 significant digits
    ("340102199001011234.0", "科学计数法"),
    ("110105491231002", "15位的旧身份证号"),
    ("1101051949123100", "应为18位，实际为16位"),
    ("11010519491231002Y", "非法字符"),
    ("", "身份证号为空"),
])
def test_id_numbers(raw, expected):
    value, reason = values.id_number(raw)
    if expected is None:
        assert reason is None and value == GOOD
    else:
        assert value is None and expected in reason


@pytest.mark.parametrize("cell", [340102199001011000.0, 3.40102e17, 110105194912310020])
def test_an_id_number_stored_as_a_number_is_refused_with_the_text_hint(cell):
    value, reason = values.id_number(cell)
    assert value is None and "文本" in reason and "数字" in reason


@pytest.mark.parametrize("raw, expected", [
    ("13812345678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("0086 13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("0551-62345678", "055162345678"),
    ("(010) 62345678", "01062345678"),
    ("0558-1234567", "05581234567"),
    ("", None),
])
def test_phone_numbers_are_normalised(raw, expected):
    assert values.phone_number(raw) == (expected, None)


@pytest.mark.parametrize("raw, expected", [
    ("1381234567", "手机号码应为11位，实际为10位"),
    ("12812345678", "第二位应为3-9"),
    ("62345678", "格式不正确"),
    ("055162", "固定电话应带区号"),
    ("1.38123E+10", "科学计数法"),
])
def test_bad_phone_numbers_say_why(raw, expected):
    value, reason = values.phone_number(raw)
    assert value is None and expected in reason


def test_an_xlsx_number_cell_holding_a_mobile_is_fine():
    assert values.phone_number(13812345678) == ("13812345678", None)
    assert values.phone_number(13812345678.0) == ("13812345678", None)


@pytest.mark.parametrize("raw, expected", [
    ("1,200.5元", Decimal("1200.50")), ("¥85", Decimal("85.00")), (260.0, Decimal("260.00")),
    ("", None),
])
def test_amounts(raw, expected):
    assert values.amount(raw) == (expected, None)


def test_bad_amounts():
    assert "不是数字" in values.amount("八十五")[1]
    assert "超出范围" in values.amount("-5")[1]


@pytest.mark.parametrize("raw", ["2011-07-15", "2011/7/15", "2011.7.15", "2011年7月15日",
                                 "20110715", datetime(2011, 7, 15, 0, 0), date(2011, 7, 15)])
def test_payment_dates(raw):
    assert values.paid_on(raw) == (date(2011, 7, 15), None)


def test_bad_payment_dates():
    assert "日期不存在" in values.paid_on("2011-02-30")[1]
    assert "格式不正确" in values.paid_on("七月")[1]


def test_names_keep_rare_characters_and_the_middle_dot():
    for name in ("阿依古丽·买买提", "欧阳𠈌", "𪚥文", "司马䶮"):
        assert values.name(f"  {name} ") == (name, None)
    assert "为空" in values.name("  ")[1]
    assert "超过" in values.name("张" * 61)[1]


def test_the_usual_headers_are_recognised():
    header = ["序号", "户主姓名", "公民身份号码", "手机号码", "乡镇（街道）", "村（社区）",
              "家庭住址", "发放金额（元）", "发放日期"]
    guessed = columns.guess(header)
    assert guessed == {"name": 1, "id_number": 2, "phone": 3, "town": 4, "village": 5,
                       "address": 6, "amount": 7, "paid_on": 8}
    assert columns.missing(columns.guess(["名字", "证件"])) == ["身份证号", "街镇"]
    assert columns.guess(["A", "B"], {"a": "name", "b": "id_number"}) == {"name": 0,
                                                                          "id_number": 1}


def test_hmac_shortcut_equals_the_standard_library():
    for key in (b"k" * 32, b"a much longer key than one sha-256 block of sixty-four bytes!" * 2):
        vault = Vault(key, b"e" * 32)
        for value in (GOOD, "13812345678", "欧阳𠈌"):
            assert vault.digest(value) == vault.reference_digest(value)


def test_encrypted_values_read_back_and_never_repeat():
    vault = Vault(b"k" * 32, b"e" * 32)
    sealed = vault.encrypt_many([GOOD, None, GOOD])
    assert sealed[1] is None and sealed[0] != sealed[2]
    assert vault.decrypt(sealed[0]) == vault.decrypt(sealed[2]) == GOOD
    assert GOOD.encode() not in sealed[0]


def test_phone_display_and_normalise():
    assert phone.display("055162345678") == "0551-62345678"
    assert idnumber.normalise("11010519491231002x") == GOOD


def test_negative_zero_is_the_amount_zero():
    assert values.amount("-0") == (Decimal("0.00"), None)
    assert str(values.amount(-0.0)[0]) == "0.00"


def test_a_birth_date_still_to_come_is_not_remembered_as_impossible(monkeypatch):
    tomorrow = date.today().toordinal() + 1
    digits = f"{date.fromordinal(tomorrow):%Y%m%d}"
    monkeypatch.setattr(idnumber, "_birth_ok", {})
    assert not idnumber.birth_ok(digits) and digits not in idnumber._birth_ok
    assert idnumber.birth_ok("19491231") and idnumber._birth_ok["19491231"]


def _checker(mapping=None):
    from survey.rosters.validate import Areas, RowChecker

    towns = {values.place("Ａ区"): 1, "金桥镇": 2}
    return RowChecker(mapping or {"name": 0, "id_number": 1, "phone": 2, "town": 3,
                                  "village": 4, "amount": 5},
                      Areas(towns, {(2, "大王村"): 3}))


@pytest.mark.parametrize("town", ["Ａ区", "A区", " A区 "])
def test_a_place_is_found_however_its_cell_is_written(town):
    """The place index holds normalised names: every spelling of a town finds it, whether the
    row takes the fast path or the slow one (a new amount sends it there)."""
    for amount in ("120", f"{random.random():.2f}"):
        clean, problems = _checker().check(2, ["王伟", GOOD, "", town, "", amount])
        assert problems == [] and clean[3] == 1


@pytest.mark.parametrize("cell, reason", [(0, "区号"), (0.0, "区号"), (False, "电话号码")])
def test_a_typed_phone_cell_that_looks_empty_is_checked(cell, reason):
    checker = _checker()
    checker.check(2, ["王伟", GOOD, "", "金桥镇", "", "120"])  # the amount is cached now
    clean, problems = checker.check(3, ["王伟", GOOD, cell, "金桥镇", "", "120"])
    assert clean is None and reason in problems[0][3]


def test_typed_village_and_amount_cells_are_read_as_the_slow_path_reads_them():
    checker = _checker()
    checker.check(2, ["王伟", GOOD, "", "金桥镇", "", 1])  # 1 is cached as "1.00"
    clean, problems = checker.check(3, ["王伟", GOOD, "", "金桥镇", None, 1])
    assert problems == [] and clean[9] == ""  # an empty village is "", never None
    clean, problems = checker.check(4, ["王伟", GOOD, "", "金桥镇", "", True])
    assert clean is None and "不是数字" in problems[0][3]
