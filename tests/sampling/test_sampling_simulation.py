"""Seeded simulations: inclusion frequencies match the design's probabilities (chi-square),
and 95% intervals cover the population value 94-96% of the time."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from scipy import stats

from sampling.coordination import next_start, prns
from sampling.designs import inclusion_probabilities, pps, simple_random, stratified, systematic
from sampling.estimate import mean, proportion

REPLICATES = 2000


def chi_square_p_value(draws, probabilities: dict[str, float]) -> float:
    """p-value of sum (O - R pi)^2 / (R pi (1 - pi)) over units with 0 < pi < 1.

    Each count O is Binomial(R, pi); for a fixed-size design the counts are slightly
    negatively correlated, which only makes the test conservative.
    """
    counts = Counter(unit.key for draw in draws for unit in draw.units)
    r = len(draws)
    terms = [
        (counts[key] - r * pi) ** 2 / (r * pi * (1 - pi))
        for key, pi in probabilities.items()
        if 0 < pi < 1
    ]
    return float(stats.chi2.sf(sum(terms), len(terms) - 1))


def test_simple_random_inclusion_frequencies():
    keys = [f"unit{i:02d}" for i in range(40)]
    draws = [simple_random(keys, 8, seed=seed) for seed in range(REPLICATES)]
    assert chi_square_p_value(draws, dict.fromkeys(keys, 8 / 40)) > 0.001


def test_stratified_inclusion_frequencies():
    keys = [f"unit{i:02d}" for i in range(60)]
    strata = ["a"] * 30 + ["b"] * 20 + ["c"] * 10
    draws = [stratified(keys, strata, 12, seed=seed) for seed in range(REPLICATES)]
    expected = {
        key: {"a": 6 / 30, "b": 4 / 20, "c": 2 / 10}[h] for key, h in zip(keys, strata, strict=True)
    }
    assert chi_square_p_value(draws, expected) > 0.001


def test_systematic_inclusion_frequencies():
    keys = [f"unit{i:02d}" for i in range(37)]
    groups = [i % 4 for i in range(37)]
    draws = [systematic(keys, 5, seed=seed, sort_by=groups) for seed in range(REPLICATES)]
    assert chi_square_p_value(draws, dict.fromkeys(keys, 5 / 37)) > 0.001


def test_pps_inclusion_frequencies():
    keys = [f"unit{i:02d}" for i in range(30)]
    sizes = [float((i % 7 + 1) ** 2) for i in range(29)] + [400.0]
    probabilities = dict(zip(keys, inclusion_probabilities(sizes, 6), strict=True))
    assert probabilities["unit29"] == 1.0
    draws = [pps(keys, sizes, 6, seed=seed) for seed in range(REPLICATES)]
    assert all("unit29" in {u.key for u in draw.units} for draw in draws)
    assert chi_square_p_value(draws, probabilities) > 0.001


def test_coordinated_rounds_keep_their_inclusion_probabilities():
    """Over many district secrets, the second round of negative coordination is still an
    SRS of 8 in 40: nobody's probability is moved to zero."""
    keys = [f"unit{i:02d}" for i in range(40)]
    draws, overlap = [], 0
    for replicate in range(REPLICATES):
        numbers = prns(keys, f"secret {replicate}")
        first = simple_random(keys, 8, seed=0, prn=numbers, start=0.6)
        draws.append(simple_random(keys, 8, seed=0, prn=numbers, start=next_start(0.6, 0.2)))
        overlap += len({u.key for u in first.units} & {u.key for u in draws[-1].units})
    assert chi_square_p_value(draws, dict.fromkeys(keys, 0.2)) > 0.001
    assert overlap == 0  # independent rounds would share 8 * 8 / 40 = 1.6 people on average


def make_population(rng: np.random.Generator):
    sizes = np.array([8000, 6000, 4000, 2000])
    stratum = np.repeat(np.arange(4), sizes)
    y = rng.random(stratum.size) < np.array([0.3, 0.5, 0.7, 0.85])[stratum]
    score = np.where(
        y, rng.choice([100, 80, 60], stratum.size), rng.choice([60, 30, 0], stratum.size)
    ).astype(float)
    town = rng.random(stratum.size) < 0.4
    return sizes, stratum, y.astype(float), score, town


@pytest.mark.slow
def test_intervals_cover_95_percent():
    rng = np.random.default_rng(20240501)
    sizes, stratum, y, score, town = make_population(rng)
    take = np.array([120, 100, 100, 80])
    truth = {"p": y.mean(), "mean": score.mean(), "town": y[town].mean(), "srs": y.mean()}
    covered = Counter()
    replicates = 4000
    starts = np.cumsum(sizes) - sizes
    for _ in range(replicates):
        picked = np.concatenate(
            [starts[h] + rng.choice(sizes[h], take[h], replace=False) for h in range(4)]
        )
        design = {"strata": stratum[picked], "fpc": sizes[stratum[picked]]}
        results = {
            "p": proportion(y[picked], **design),
            "mean": mean(score[picked], **design),
            "town": proportion(y[picked], **design, domain=town[picked]),
            "srs": proportion(y[rng.choice(y.size, 300, replace=False)]),
        }
        for name, result in results.items():
            covered[name] += result.low <= truth[name] <= result.high
    for name in truth:
        assert 0.94 <= covered[name] / replicates <= 0.96, (name, covered[name] / replicates)
