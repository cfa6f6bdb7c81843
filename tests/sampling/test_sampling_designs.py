"""sampling.designs: reproducible draws, design facts per unit, reserves and bad input."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import numpy as np
import pytest

import sampling
from sampling import designs
from sampling.designs import (
    UNSTRATIFIED,
    frame_fingerprint,
    new_seed,
    pps,
    simple_random,
    stratified,
    systematic,
)

KEYS = [f"unit{i:03d}" for i in range(100)]
TOWNS = ["a"] * 60 + ["b"] * 40


def selected(draw: designs.Draw) -> list[str]:
    return [unit.key for unit in draw.units]


def test_golden_draws_pin_the_algorithm():
    # Fixed results: a change here means old seeds no longer redraw the same sample.
    assert selected(simple_random(KEYS, 5, seed=42)) == [
        "unit016",
        "unit021",
        "unit060",
        "unit082",
        "unit049",
    ]
    assert selected(stratified(KEYS, TOWNS, 5, seed=42)) == [
        "unit016",
        "unit021",
        "unit049",
        "unit060",
        "unit082",
    ]
    assert selected(systematic(KEYS, 5, seed=42)) == [
        "unit024",
        "unit008",
        "unit089",
        "unit098",
        "unit022",
    ]
    assert selected(pps(KEYS, list(range(1, 101)), 5, seed=42)) == [
        "unit086",
        "unit099",
        "unit093",
        "unit085",
        "unit064",
    ]
    assert frame_fingerprint(KEYS) == (
        "ae2b9213d642f091018c9ec1e861f9c28638ccd7b808c66a175f2841f53ebd80"
    )


@pytest.mark.parametrize(
    "draw",
    [
        lambda keys, towns, seed: simple_random(keys, 7, seed=seed, n_reserves=3),
        lambda keys, towns, seed: stratified(keys, towns, 7, seed=seed, n_reserves=2),
        lambda keys, towns, seed: systematic(keys, 7, seed=seed, n_reserves=3),
        lambda keys, towns, seed: pps(
            keys, [len(k) + i % 9 for i, k in enumerate(keys)], 7, seed=seed, n_reserves=3
        ),
    ],
    ids=["simple_random", "stratified", "systematic", "pps"],
)
def test_same_frame_and_seed_give_the_same_draw(draw):
    first = draw(KEYS, TOWNS, 2024)
    assert first == draw(KEYS, TOWNS, 2024)
    assert selected(first) != selected(draw(KEYS, TOWNS, 2025))


def test_frame_order_does_not_matter():
    order = np.random.default_rng(1).permutation(100)
    keys, towns = [KEYS[i] for i in order], [TOWNS[i] for i in order]
    assert stratified(keys, towns, 9, seed=5, n_reserves=2) == stratified(
        KEYS, TOWNS, 9, seed=5, n_reserves=2
    )
    assert simple_random(keys, 9, seed=5) == simple_random(KEYS, 9, seed=5)
    assert pps(keys, [int(k[4:]) + 1 for k in keys], 9, seed=5) == pps(
        KEYS, [int(k[4:]) + 1 for k in KEYS], 9, seed=5
    )


def test_draw_records_what_defines_it():
    draw = stratified(KEYS, TOWNS, 10, seed=77, allocation="equal", n_reserves=1)
    assert draw.design == "stratified"
    assert draw.seed == 77
    assert draw.library_version == sampling.__version__
    assert draw.frame_fingerprint == frame_fingerprint(KEYS)
    assert draw.params["allocation"] == "equal"
    assert draw.params["key_hash"] == "utf8-splitmix64-v1"
    assert draw.params["strata"] == {
        "a": {"population": 60, "sample_size": 5},
        "b": {"population": 40, "sample_size": 5},
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        draw.seed = 1  # type: ignore[misc]


def test_stratified_units_carry_their_design_facts():
    draw = stratified(KEYS, TOWNS, 10, seed=3, allocation="equal")
    for unit in draw.units:
        population = 60 if unit.stratum == "a" else 40
        assert (unit.population, unit.sample_size) == (population, 5)
        assert unit.inclusion_probability == 5 / population
        assert unit.weight == pytest.approx(population / 5)
        assert TOWNS[int(unit.key[4:])] == unit.stratum
    weights = Counter()
    for unit in draw.units:
        weights[unit.stratum] += unit.weight
    assert weights == pytest.approx({"a": 60.0, "b": 40.0})


def test_stratified_uses_allocate():
    population = dict(Counter(TOWNS))
    for options in [
        {},
        {"allocation": "neyman", "anticipated": {"a": 0.5, "b": 0.05}},
        {"allocation": "proportional", "minimum": 5},
    ]:
        draw = stratified(KEYS, TOWNS, 11, seed=1, **options)
        method = options.get("allocation", "proportional")
        expected = designs.allocate(
            population,
            11,
            method=method,
            anticipated=options.get("anticipated"),
            minimum=options.get("minimum"),
        )
        assert Counter(unit.stratum for unit in draw.units) == expected


def test_reserves_are_ordered_per_stratum_and_not_in_the_sample():
    draw = stratified(KEYS, TOWNS, 10, seed=8, n_reserves=3)
    assert [(r.stratum, r.order) for r in draw.reserves] == [
        ("a", 1),
        ("a", 2),
        ("a", 3),
        ("b", 1),
        ("b", 2),
        ("b", 3),
    ]
    assert not {r.key for r in draw.reserves} & set(selected(draw))


def test_reserves_are_the_next_units_of_a_larger_sample():
    small = simple_random(KEYS, 4, seed=11, n_reserves=3)
    large = simple_random(KEYS, 7, seed=11)
    assert selected(large) == selected(small) + [r.key for r in small.reserves]


def test_reserves_stop_when_the_stratum_runs_out():
    draw = stratified(
        ["x1", "x2", "y1", "y2", "y3"], ["x", "x", "y", "y", "y"], 3, seed=2, n_reserves=5
    )
    assert Counter(r.stratum for r in draw.reserves) == {"x": 1, "y": 1}


def test_unstratified_designs_use_the_documented_label():
    for draw in (
        simple_random(KEYS, 3, seed=1, n_reserves=1),
        systematic(KEYS, 3, seed=1),
        pps(KEYS, [1.0] * 100, 3, seed=1),
    ):
        assert {unit.stratum for unit in draw.units} == {UNSTRATIFIED}
        assert all(u.population == 100 and u.sample_size == 3 for u in draw.units)
    assert UNSTRATIFIED == "all"


def test_systematic_takes_exactly_n_spread_over_the_sort_order():
    groups = [i % 10 for i in range(100)]
    draw = systematic(KEYS, 20, seed=99, sort_by=groups, n_reserves=4)
    assert len(set(selected(draw))) == 20
    assert Counter(groups[int(k[4:])] for k in selected(draw)) == {g: 2 for g in range(10)}
    assert all(u.inclusion_probability == 0.2 for u in draw.units)
    assert [r.order for r in draw.reserves] == [1, 2, 3, 4]
    assert not {r.key for r in draw.reserves} & set(selected(draw))


def test_pps_takes_large_units_with_certainty():
    sizes = [1.0] * 99 + [500.0]
    draw = pps(KEYS, sizes, 5, seed=4, n_reserves=2)
    probabilities = {u.key: u.inclusion_probability for u in draw.units}
    assert probabilities["unit099"] == 1.0
    assert len(draw.units) == 5
    others = [p for k, p in probabilities.items() if k != "unit099"]
    assert others == pytest.approx([4 / 99] * 4)
    assert all(u.weight == pytest.approx(1 / u.inclusion_probability) for u in draw.units)


def test_pps_never_takes_or_reserves_a_unit_of_size_zero():
    sizes = [0.0] * 50 + [1.0] * 50
    draw = pps(KEYS, sizes, 10, seed=6, n_reserves=40)
    used = selected(draw) + [r.key for r in draw.reserves]
    assert all(int(k[4:]) >= 50 for k in used)
    assert len(draw.reserves) == 40


def test_keys_may_be_any_unicode_and_any_length():
    keys = ["张三", "李四-3401", "a", "x" * 70, "0123456789abcdef"]
    draw = simple_random(keys, 2, seed=12, n_reserves=3)
    assert sorted(selected(draw) + [r.key for r in draw.reserves]) == sorted(keys)
    alone = designs.frame_fingerprint(keys[:1])
    assert alone != designs.frame_fingerprint(keys[1:2])


def test_fingerprint_changes_with_the_frame():
    assert frame_fingerprint(KEYS) == frame_fingerprint(list(reversed(KEYS)))
    assert frame_fingerprint(KEYS) != frame_fingerprint(KEYS[:-1])
    assert frame_fingerprint(KEYS) != frame_fingerprint(KEYS[:-1] + ["unit100"])


def test_new_seed_is_a_fresh_int_in_range():
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(isinstance(s, int) and 0 <= s < 2**63 for s in seeds)


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, "7", True, None])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed must"):
        simple_random(KEYS, 3, seed=seed)


def test_bad_frames():
    with pytest.raises(ValueError, match="'unit001' appears more than once"):
        simple_random(KEYS + ["unit001"], 3, seed=1)
    with pytest.raises(ValueError, match="keys must be strings"):
        simple_random([1, 2, 3], 1, seed=1)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="keys must not be empty; position 1"):
        simple_random(["a", "", "b"], 1, seed=1)
    with pytest.raises(ValueError, match="keys must be a sequence"):
        simple_random("abc", 1, seed=1)


def test_bad_sizes_and_arguments():
    with pytest.raises(ValueError, match="n = 101 is larger than the frame's 100 units"):
        simple_random(KEYS, 101, seed=1)
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        systematic(KEYS, 0, seed=1)
    with pytest.raises(ValueError, match="n_reserves must be an int >= 0"):
        simple_random(KEYS, 3, seed=1, n_reserves=-1)
    with pytest.raises(ValueError, match="strata has 99 values for 100 units"):
        stratified(KEYS, TOWNS[:-1], 3, seed=1)
    with pytest.raises(ValueError, match="stratum labels must be strings"):
        stratified(KEYS, [i % 2 for i in range(100)], 3, seed=1)  # type: ignore[misc]
    with pytest.raises(ValueError, match="unknown allocation 'optimal'"):
        stratified(KEYS, TOWNS, 3, seed=1, allocation="optimal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sort_by has 3 values for 100 units"):
        systematic(KEYS, 3, seed=1, sort_by=[1, 2, 3])
    with pytest.raises(ValueError, match="size must be >= 0; position 2"):
        pps(KEYS[:3], [1.0, 2.0, -1.0], 1, seed=1)
    with pytest.raises(ValueError, match="n must be an int from 1 to 2"):
        pps(KEYS[:3], [1.0, 0.0, 3.0], 3, seed=1)


def test_params_are_json_and_keys_may_be_an_array():
    keys = np.array(KEYS)
    for draw in (
        stratified(
            keys,
            np.array(TOWNS),
            6,
            seed=1,
            allocation="neyman",
            anticipated={"a": 0.2, "b": 0.5},
            n_reserves=1,
        ),
        stratified(
            KEYS, TOWNS, 6, seed=1, prn=np.linspace(0.001, 0.999, 100), start={"a": 0.1, "b": 0.2}
        ),
        simple_random(keys, 4, seed=1),
        systematic(KEYS, 4, seed=1, sort_by=TOWNS),
        pps(keys, np.arange(1.0, 101.0), 4, seed=1),
    ):
        assert json.loads(json.dumps(draw.params)) == draw.params
        assert all(isinstance(unit.key, str) for unit in draw.units)
