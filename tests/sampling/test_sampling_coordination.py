"""sampling.coordination: permanent random numbers and coordinated rounds."""

from __future__ import annotations

import numpy as np
import pytest

from sampling.coordination import next_start, next_starts, prn, prns
from sampling.designs import simple_random, stratified

KEYS = [f"person{i:05d}" for i in range(3000)]
TOWNS = [("a", "b", "c")[i % 3] for i in range(3000)]
PRN = prns(KEYS, "district secret")


def keys_of(draw):
    return {unit.key for unit in draw.units}


def test_prn_is_a_stable_uniform_in_the_open_interval():
    u = prn("person00001", "district secret")
    assert 0.0 < u < 1.0
    assert u == prn("person00001", b"district secret") == PRN[1]
    assert u != prn("person00001", "another district")
    assert prn("k", "s") == 0.18659268731289164  # pinned: PRNs must never change
    assert np.all((PRN > 0) & (PRN < 1))
    assert abs(PRN.mean() - 0.5) < 0.02


def test_long_secrets_are_accepted_and_empty_ones_refused():
    assert 0 < prn("k", "x" * 200) < 1
    with pytest.raises(ValueError, match="secret must not be empty"):
        prn("k", "")


def test_panel_keeps_the_same_people():
    first = stratified(KEYS, TOWNS, 150, seed=1, prn=PRN, start=0.3)
    again = stratified(KEYS, TOWNS, 150, seed=999, prn=PRN, start=0.3)
    assert keys_of(first) == keys_of(again)
    assert first.params["start"] == {"a": 0.3, "b": 0.3, "c": 0.3}


def test_negative_coordination_avoids_the_last_rounds():
    start, fraction = 0.1, 100 / 3000
    rounds = []
    for _ in range(30):
        rounds.append(keys_of(simple_random(KEYS, 100, seed=1, prn=PRN, start=start)))
        start = next_start(start, fraction)
    # 30 rounds of 100 go once through the 3000 people: nobody is asked twice
    assert len(set().union(*rounds)) == 3000
    # the 31st round starts again with the people of the first
    assert keys_of(simple_random(KEYS, 100, seed=1, prn=PRN, start=start)) == rounds[0]


def test_negative_coordination_per_stratum_uses_each_fraction():
    first = stratified(KEYS, TOWNS, 300, seed=1, prn=PRN, start=0.5)
    second = stratified(KEYS, TOWNS, 300, seed=1, prn=PRN, start=next_starts(first))
    third = stratified(KEYS, TOWNS, 300, seed=1, prn=PRN, start=next_starts(second))
    assert not keys_of(first) & keys_of(second)
    assert not (keys_of(first) | keys_of(second)) & keys_of(third)
    assert all(unit.inclusion_probability == 0.1 for unit in second.units)
    assert second.params["start"] == pytest.approx({"a": 0.6, "b": 0.6, "c": 0.6})


def test_a_grown_frame_brings_back_only_a_few():
    first = simple_random(KEYS, 300, seed=1, prn=PRN, start=0.0)
    grown = KEYS + [f"newcomer{i}" for i in range(150)]
    second = simple_random(
        grown, 300, seed=1, prn=prns(grown, "district secret"), start=next_starts(first)["all"]
    )
    assert len(keys_of(first) & keys_of(second)) < 30


def test_prn_selection_takes_consecutive_units_in_prn_order():
    draw = simple_random(KEYS, 10, seed=1, prn=PRN, start=0.25, n_reserves=2)
    order = np.argsort(PRN)
    assert [unit.key for unit in draw.units] == [KEYS[i] for i in order[750:760]]
    assert [r.key for r in draw.reserves] == [KEYS[i] for i in order[760:762]]
    wrapped = simple_random(KEYS, 10, seed=1, prn=PRN, start=0.999)
    assert [unit.key for unit in wrapped.units] == [
        KEYS[i] for i in list(order[2997:]) + list(order[:7])
    ]


def test_next_starts_needs_a_coordinated_draw():
    with pytest.raises(ValueError, match="used no permanent random numbers"):
        next_starts(simple_random(KEYS, 10, seed=1))


def test_coordination_errors():
    with pytest.raises(ValueError, match="prn must be numbers in"):
        simple_random(KEYS[:3], 1, seed=1, prn=[0.1, 1.0, 0.5])
    with pytest.raises(ValueError, match="prn has 2 values for 3 units"):
        simple_random(KEYS[:3], 1, seed=1, prn=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"start must be in \[0, 1\)"):
        simple_random(KEYS[:3], 1, seed=1, prn=[0.1, 0.2, 0.3], start=1.0)
    with pytest.raises(ValueError, match="start has no value for stratum 'c'"):
        stratified(KEYS, TOWNS, 30, seed=1, prn=PRN, start={"a": 0.1, "b": 0.2})
    with pytest.raises(ValueError, match="fraction must be between 0 and 1"):
        next_start(0.2, 1.5)
