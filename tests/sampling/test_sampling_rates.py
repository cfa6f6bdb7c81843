"""sampling.rates: AAPOR outcome rates, computed by hand from the Standard Definitions."""

from __future__ import annotations

import pytest

from sampling.rates import CATEGORIES, outcome_rates

COUNTS = {"I": 400, "P": 50, "R": 150, "NC": 200, "O": 20, "UH": 80, "UO": 20, "NE": 80}


def test_rates_follow_the_standard_definitions():
    r = outcome_rates(COUNTS, e=0.5)
    # E = 400 + 50 + 150 + 200 + 20 = 820 known eligible; U = 100 unknown
    assert r.rr1 == pytest.approx(400 / 920)
    assert r.rr2 == pytest.approx(450 / 920)
    assert r.rr3 == pytest.approx(400 / 870)
    assert r.rr4 == pytest.approx(450 / 870)
    assert r.rr5 == pytest.approx(400 / 820)
    assert r.rr6 == pytest.approx(450 / 820)
    assert r.coop1 == pytest.approx(400 / 620)
    assert r.coop2 == pytest.approx(450 / 620)
    assert r.coop3 == pytest.approx(400 / 600)
    assert r.coop4 == pytest.approx(450 / 600)
    assert (r.ref1, r.ref2, r.ref3) == pytest.approx((150 / 920, 150 / 870, 150 / 820))
    assert (r.con1, r.con2, r.con3) == pytest.approx((620 / 920, 620 / 870, 620 / 820))
    assert r.e == 0.5


def test_default_e_is_the_eligible_share_of_resolved_cases():
    r = outcome_rates(COUNTS)
    assert r.e == pytest.approx(820 / 900)
    assert r.rr3 == pytest.approx(400 / (820 + 100 * 820 / 900))


def test_rates_order_as_aapor_says():
    r = outcome_rates(COUNTS)
    assert r.rr1 <= r.rr3 <= r.rr5
    assert r.rr1 <= r.rr2 and r.rr5 <= r.rr6


def test_missing_categories_count_zero_and_empty_denominators_give_none():
    r = outcome_rates({"I": 3})
    assert (r.rr1, r.rr5, r.coop1, r.e) == (1.0, 1.0, 1.0, 1.0)
    empty = outcome_rates({})
    assert empty.rr1 is None and empty.e is None and empty.rr3 is None
    only_unknown = outcome_rates({"UH": 5})
    assert only_unknown.rr1 == 0.0 and only_unknown.e is None and only_unknown.rr3 is None


def test_categories():
    assert CATEGORIES == ("I", "P", "R", "NC", "O", "UH", "UO", "NE")


def test_bad_counts():
    with pytest.raises(ValueError, match="unknown disposition category '1.1'; allowed: I, P"):
        outcome_rates({"1.1": 3})
    with pytest.raises(ValueError, match="count of R must be an int >= 0"):
        outcome_rates({"R": -1})
    with pytest.raises(ValueError, match="e must be between 0 and 1"):
        outcome_rates(COUNTS, e=1.2)
