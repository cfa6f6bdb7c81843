"""Property tests (Hypothesis): intervals hold the estimate, stay in [0, 1], narrow with n."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling.designs import allocate, stratified
from sampling.estimate import mean, proportion

SIMPLE = ["wilson", "clopper-pearson", "jeffreys", "agresti-coull"]
DESIGN = ["logit", "beta", "mean"]
LEVELS = st.floats(min_value=0.8, max_value=0.995)


@st.composite
def counts(draw):
    n = draw(st.integers(min_value=1, max_value=3000))
    return draw(st.integers(min_value=0, max_value=n)), n


@st.composite
def stratified_samples(draw):
    """Draw (y, strata, weights) with 1-5 strata of 2-40 units each."""
    sizes = draw(st.lists(st.integers(min_value=2, max_value=40), min_size=1, max_size=5))
    strata = np.repeat([f"s{h}" for h in range(len(sizes))], sizes)
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=strata.size, max_size=strata.size)))
    weights = np.array(
        draw(st.lists(st.floats(0.5, 50.0), min_size=strata.size, max_size=strata.size))
    )
    return y, strata, weights


def holds_estimate(result) -> bool:
    return 0.0 <= result.low <= result.estimate <= result.high <= 1.0


@settings(max_examples=150, deadline=None)
@given(counts(), LEVELS, st.sampled_from(SIMPLE))
def test_simple_interval_holds_the_estimate_inside_zero_one(count, level, method):
    x, n = count
    assert holds_estimate(proportion([1] * x + [0] * (n - x), method=method, level=level))


@settings(max_examples=100, deadline=None)
@given(counts(), st.integers(min_value=2, max_value=5), st.sampled_from(SIMPLE))
def test_simple_interval_narrows_as_n_grows(count, k, method):
    x, n = count
    small = proportion([1] * x + [0] * (n - x), method=method)
    large = proportion([1] * (k * x) + [0] * (k * (n - x)), method=method)
    assert large.high - large.low <= small.high - small.low + 1e-12


@settings(max_examples=150, deadline=None)
@given(stratified_samples(), LEVELS, st.sampled_from(DESIGN))
def test_design_interval_holds_the_estimate_inside_zero_one(sample, level, method):
    y, strata, weights = sample
    result = proportion(y, strata=strata, weights=weights, method=method, level=level)
    assert holds_estimate(result)


@settings(max_examples=100, deadline=None)
@given(stratified_samples(), st.integers(min_value=2, max_value=4), st.sampled_from(DESIGN))
def test_design_interval_narrows_as_n_grows(sample, k, method):
    y, strata, weights = sample
    small = proportion(y, strata=strata, weights=weights, method=method)
    large = proportion(
        np.tile(y, k), strata=np.tile(strata, k), weights=np.tile(weights, k) / k, method=method
    )
    assert large.estimate == small.estimate or abs(large.estimate - small.estimate) < 1e-12
    assert large.high - large.low <= small.high - small.low + 1e-9


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=2, max_size=200), LEVELS)
def test_mean_interval_holds_the_estimate(values, level):
    result = mean(values, level=level)
    assert result.low <= result.estimate <= result.high
    assert min(values) - 1e-9 <= result.estimate <= max(values) + 1e-9


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3), st.integers(1, 500), min_size=1, max_size=8
    ),
    st.data(),
)
def test_allocation_adds_up_and_respects_bounds(population, data):
    n = data.draw(st.integers(min_value=1, max_value=sum(population.values())))
    minimum = data.draw(st.integers(min_value=0, max_value=n // len(population)))
    method = data.draw(st.sampled_from(["proportional", "equal", "neyman"]))
    result = allocate(population, n, method=method, anticipated=0.3, minimum=minimum)
    assert sum(result.values()) == n
    assert all(min(minimum, population[h]) <= result[h] <= population[h] for h in population)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**63 - 1), st.integers(min_value=1, max_value=60))
def test_stratified_draw_has_the_allocated_distinct_units(seed, n):
    keys = [f"k{i}" for i in range(90)]
    strata = [("x", "y", "z")[i % 3] if i < 60 else "w" for i in range(90)]
    draw = stratified(keys, strata, n, seed=seed, n_reserves=2)
    assert len({unit.key for unit in draw.units}) == n
    assert not {r.key for r in draw.reserves} & {u.key for u in draw.units}
