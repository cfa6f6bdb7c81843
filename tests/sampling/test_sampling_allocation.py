"""sampling.designs.allocate and inclusion_probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from sampling.designs import allocate, inclusion_probabilities

TOWNS = {"east": 5000, "west": 3000, "north": 1500, "south": 500}


def test_proportional_rounds_by_largest_remainder():
    # 7 * (500, 300, 200) / 1000 = 3.5, 2.1, 1.4 -> floors 3, 2, 1; the 0.5 gets the last unit
    assert allocate({"a": 500, "b": 300, "c": 200}, 7) == {"a": 4, "b": 2, "c": 1}
    result = allocate(TOWNS, 999)
    assert sum(result.values()) == 999
    assert list(result) == list(TOWNS)


@pytest.mark.parametrize("n", [1, 2, 3, 17, 400, 9999, 10000])
@pytest.mark.parametrize("method", ["proportional", "equal", "neyman"])
def test_sizes_add_up_to_n_and_stay_within_strata(n, method):
    anticipated = {"east": 0.5, "west": 0.2, "north": 0.9, "south": 0.02}
    result = allocate(TOWNS, n, method=method, anticipated=anticipated)
    assert sum(result.values()) == n
    assert all(0 <= result[h] <= TOWNS[h] for h in TOWNS)


def test_equal_allocation_takes_small_strata_whole():
    # 120 / 3 = 40 each, but c has 10 units: c is taken whole and a, b share the other 110
    assert allocate({"a": 100, "b": 200, "c": 10}, 120, method="equal") == {
        "a": 55,
        "b": 55,
        "c": 10,
    }


def test_proportional_allocation_never_exceeds_a_stratum():
    assert allocate({"a": 10, "b": 10}, 20) == {"a": 10, "b": 10}
    result = allocate({"a": 2, "b": 1000}, 500, minimum=5)
    assert result == {"a": 2, "b": 498}


def test_minimum_per_stratum():
    result = allocate(TOWNS, 100, minimum=20)
    # south (5) and then north (80 * 1500 / 9500 = 12.6) are raised to 20; east and west
    # share the other 60 as 37.5 : 22.5, and the tie of remainders goes to the larger east
    assert result == {"east": 38, "west": 22, "north": 20, "south": 20}


def test_neyman_follows_n_h_times_s_h():
    # N_h sqrt(p (1 - p)): 500 * 0.5 = 250 and 500 * 0.3 = 150 -> 6.25 and 3.75 of 10
    result = allocate({"a": 500, "b": 500}, 10, method="neyman", anticipated={"a": 0.5, "b": 0.1})
    assert result == {"a": 6, "b": 4}
    same = allocate(TOWNS, 300, method="neyman", anticipated=0.3)
    assert same == allocate(TOWNS, 300)


def test_neyman_gives_strata_without_variance_only_the_minimum():
    result = allocate(
        {"a": 100, "b": 100}, 20, method="neyman", anticipated={"a": 0.0, "b": 0.4}, minimum=2
    )
    assert result == {"a": 2, "b": 18}
    # when the strata with variance are exhausted, the rest goes by size
    result = allocate({"a": 100, "b": 10}, 30, method="neyman", anticipated={"a": 0.0, "b": 0.4})
    assert result == {"a": 20, "b": 10}


def test_allocation_errors():
    with pytest.raises(ValueError, match="unknown allocation 'optimal'; allowed: 'proportional'"):
        allocate(TOWNS, 10, method="optimal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n = 10001 is larger than the population of 10000"):
        allocate(TOWNS, 10001)
    with pytest.raises(ValueError, match=r"minimum per stratum needs n >= 40"):
        allocate(TOWNS, 39, minimum=10)
    with pytest.raises(ValueError, match="needs the anticipated proportion"):
        allocate(TOWNS, 10, method="neyman")
    with pytest.raises(ValueError, match="no proportion for stratum 'north'"):
        allocate(TOWNS, 10, method="neyman", anticipated={"east": 0.2, "west": 0.2})
    with pytest.raises(ValueError, match="all 0 or 1"):
        allocate(TOWNS, 10, method="neyman", anticipated=1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        allocate(TOWNS, 10, method="neyman", anticipated=1.5)
    with pytest.raises(ValueError, match="population of stratum 'x' must be an int >= 1"):
        allocate({"x": 0}, 1)
    with pytest.raises(ValueError, match="non-empty mapping"):
        allocate({}, 1)
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        allocate(TOWNS, 2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="minimum must be an int >= 0"):
        allocate(TOWNS, 10, minimum=-1)


INCLUSION_CASES = [
    # sampling::inclusionprobabilities(c(10, 20, 30, 40), 2)
    ([10, 20, 30, 40], 2, [0.2, 0.4, 0.6, 0.8]),
    # sampling::inclusionprobabilities(c(1, 2, 3, 50, 4, 5, 100, 7, 0, 9), 4)
    (
        [1, 2, 3, 50, 4, 5, 100, 7, 0, 9],
        4,
        [
            0.0645161290323,
            0.129032258065,
            0.193548387097,
            1,
            0.258064516129,
            0.322580645161,
            1,
            0.451612903226,
            0,
            0.58064516129,
        ],
    ),
    # sampling::inclusionprobabilities(c(1,2,3,4,5,6,7,8,9,100,60,30), 5)
    (
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 60, 30],
        5,
        [
            0.0444444444444,
            0.0888888888889,
            0.133333333333,
            0.177777777778,
            0.222222222222,
            0.266666666667,
            0.311111111111,
            0.355555555556,
            0.4,
            1,
            1,
            1,
        ],
    ),
    # sampling::inclusionprobabilities(c(5, 5, 5, 85), 2)
    ([5, 5, 5, 85], 2, [1 / 3, 1 / 3, 1 / 3, 1]),
]


@pytest.mark.parametrize(("size", "n", "expected"), INCLUSION_CASES)
def test_inclusion_probabilities_match_r(size, n, expected):
    result = inclusion_probabilities(size, n)
    assert result == pytest.approx(expected, abs=1e-6)
    assert result.sum() == pytest.approx(n)


def test_inclusion_probability_errors():
    with pytest.raises(ValueError, match="size must be >= 0"):
        inclusion_probabilities([1, -2], 1)
    with pytest.raises(ValueError, match="non-empty one-dimensional"):
        inclusion_probabilities([], 1)
    with pytest.raises(ValueError, match="n must be an int from 1 to 2"):
        inclusion_probabilities(np.array([1.0, 0.0, 2.0]), 3)
