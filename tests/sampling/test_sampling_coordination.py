"""sampling.coordination: permanent random numbers and coordinated rounds."""

from __future__ import annotations

import numpy as np
import pytest

from sampling.coordination import next_start, prn, prns
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
    for _ in range(4):
        rounds.append(keys_of(simple_random(KEYS, 100, seed=1, prn=PRN, start=start)))
        start = next_start(start, fraction)
    for later in range(1, 4):
        for earlier in range(later):
            # about 3 in 100 shared by chance (order-statistic jitter) versus ~3.3 expected
            # between independent samples; consecutive rounds are the only ones that touch
            assert len(rounds[later] & rounds[earlier]) <= (12 if later - earlier == 1 else 0)


def test_negative_coordination_per_stratum_uses_each_fraction():
    first = stratified(KEYS, TOWNS, 300, seed=1, prn=PRN, start=0.5, allocation="proportional")
    starts = {
        h: next_start(first.params["start"][h], s["sample_size"] / s["population"])
        for h, s in first.params["strata"].items()
    }
    second = stratified(KEYS, TOWNS, 300, seed=1, prn=PRN, start=starts)
    assert len(keys_of(first) & keys_of(second)) < 30
    assert all(unit.inclusion_probability == 0.1 for unit in second.units)


def test_prn_selection_takes_the_units_after_the_start():
    draw = simple_random(KEYS, 10, seed=1, prn=PRN, start=0.25)
    position = np.mod(PRN - 0.25, 1.0)
    expected = {KEYS[i] for i in np.argsort(position)[:10]}
    assert keys_of(draw) == expected


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
