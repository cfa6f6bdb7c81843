"""Allocation of a sample size to strata, rounded so the stratum sizes add up to n."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np

from sampling._checks import choose

AllocationMethod = Literal["proportional", "neyman", "equal"]


def allocate(
    population: Mapping[str, int],
    n: int,
    *,
    method: AllocationMethod = "proportional",
    anticipated: Mapping[str, float] | float | None = None,
    minimum: int | None = None,
) -> dict[str, int]:
    """Share a sample of ``n`` units among strata.

    Parameters
    ----------
    population : Mapping[str, int]
        Stratum label -> number of units N_h in the frame.
    n : int
        Total sample size, 1 <= n <= sum of N_h.
    method : {"proportional", "neyman", "equal"}
        n_h proportional to N_h, to N_h S_h with S_h = sqrt(p_h (1 - p_h)) from the
        ``anticipated`` proportions, or the same for every stratum.
    anticipated : Mapping[str, float] or float, optional
        Anticipated proportion p_h per stratum (or one for all); required for "neyman".
    minimum : int, optional
        At least this many units per stratum (all of a stratum smaller than that).

    Returns
    -------
    dict[str, int]
        n_h per stratum, in the order of ``population``; 0 <= n_h <= N_h, sum n.

    Notes
    -----
    The real-valued allocation is x_h = clip(c a_h, m_h, N_h), with a_h = N_h, N_h S_h or 1,
    m_h = min(minimum, N_h), and c solved exactly so that sum x_h = n (strata that would
    exceed N_h are taken whole, those below the minimum raised to it). Neyman allocation
    minimises the variance of the stratified proportion for a fixed n (Cochran 1977,
    section 5.5). Rounding is by largest remainders (Hamilton's method): each stratum gets
    floor(x_h) and the units still missing go to the largest fractional parts (ties to the
    larger stratum, then the label), so that the sizes add up exactly to n.

    Examples
    --------
    >>> allocate({"a": 500, "b": 300, "c": 200}, 7)
    {'a': 4, 'b': 2, 'c': 1}
    >>> allocate({"a": 500, "b": 300, "c": 200}, 7, minimum=2)
    {'a': 3, 'b': 2, 'c': 2}
    >>> allocate({"a": 500, "b": 500}, 10, method="neyman", anticipated={"a": 0.5, "b": 0.1})
    {'a': 6, 'b': 4}
    """
    labels, sizes = _check_population(population)
    lower = np.minimum(_check_minimum(minimum), sizes)
    _check_n(n, sizes, lower)
    weights = choose("allocation", method, _WEIGHTS)(labels, sizes, anticipated)
    targets = _fill(weights, lower, sizes, n)
    counts = _round(targets, lower, sizes, n, labels)
    return {label: int(count) for label, count in zip(labels, counts, strict=True)}


def _check_population(population: Mapping[str, int]) -> tuple[list[str], np.ndarray]:
    if not isinstance(population, Mapping) or not population:
        raise ValueError("population must be a non-empty mapping of stratum label -> size")
    for label, size in population.items():
        if not isinstance(label, str):
            raise ValueError(f"stratum labels must be strings, got {label!r}")
        if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
            raise ValueError(f"population of stratum {label!r} must be an int >= 1, got {size!r}")
    return list(population), np.array([int(v) for v in population.values()], dtype=np.int64)


def _check_minimum(minimum: int | None) -> int:
    if minimum is None:
        return 0
    if isinstance(minimum, bool) or not isinstance(minimum, int | np.integer) or minimum < 0:
        raise ValueError(f"minimum must be an int >= 0, got {minimum!r}")
    return int(minimum)


def _check_n(n: int, sizes: np.ndarray, lower: np.ndarray) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    if n > sizes.sum():
        raise ValueError(f"n = {n} is larger than the population of {int(sizes.sum())} units")
    if lower.sum() > n:
        raise ValueError(f"the minimum per stratum needs n >= {int(lower.sum())}, got n = {n}")


def _proportional(labels: list[str], sizes: np.ndarray, anticipated: object) -> np.ndarray:
    return sizes.astype(float)


def _equal(labels: list[str], sizes: np.ndarray, anticipated: object) -> np.ndarray:
    return np.ones(sizes.size)


def _neyman(labels: list[str], sizes: np.ndarray, anticipated: object) -> np.ndarray:
    if anticipated is None:
        raise ValueError("Neyman allocation needs the anticipated proportion per stratum")
    if isinstance(anticipated, Mapping):
        missing = [label for label in labels if label not in anticipated]
        if missing:
            raise ValueError(f"anticipated has no proportion for stratum {missing[0]!r}")
        p = np.array([float(anticipated[label]) for label in labels])
    else:
        p = np.full(sizes.size, float(anticipated))  # type: ignore[arg-type]
    if np.any((p < 0) | (p > 1)) or not np.all(np.isfinite(p)):
        raise ValueError("anticipated proportions must be between 0 and 1")
    weights = sizes * np.sqrt(p * (1.0 - p))
    if not np.any(weights > 0):
        raise ValueError("anticipated proportions are all 0 or 1; Neyman allocation is undefined")
    return weights


_WEIGHTS = {"proportional": _proportional, "neyman": _neyman, "equal": _equal}


def _fill(weights: np.ndarray, lower: np.ndarray, upper: np.ndarray, n: int) -> np.ndarray:
    """Return clip(c * weights, lower, upper) with c chosen so that the sum is n."""
    positive = weights > 0
    breaks = np.unique(
        np.concatenate([lower[positive], upper[positive]]) / np.concatenate([weights[positive]] * 2)
    )
    sums = np.array([np.clip(c * weights, lower, upper).sum() for c in breaks])
    k = int(np.searchsorted(sums, n - 1e-9))
    if k == breaks.size:  # the weighted strata are all taken whole; share the rest by size
        rest = np.where(positive, upper, lower).astype(float)
        share = np.where(positive, 0.0, upper.astype(float))
        return rest + _fill(share, np.zeros_like(lower), upper - rest, n - int(rest.sum()))
    if k == 0:
        return np.clip(breaks[0] * weights, lower, upper)
    c0, c1 = breaks[k - 1], breaks[k]
    c = c0 + (n - sums[k - 1]) * (c1 - c0) / (sums[k] - sums[k - 1])
    return np.clip(c * weights, lower, upper)


def _round(
    targets: np.ndarray, lower: np.ndarray, upper: np.ndarray, n: int, labels: list[str]
) -> np.ndarray:
    """Largest-remainder rounding of ``targets`` to integers in [lower, upper] summing to n."""
    counts = np.clip(np.floor(targets + 1e-9), lower, upper).astype(np.int64)
    fraction = np.round(targets - counts, 9)  # so exact ties are not broken by rounding noise
    missing = n - int(counts.sum())
    order = sorted(range(len(labels)), key=lambda h: (-fraction[h], -upper[h], labels[h]))
    step = 1 if missing > 0 else -1
    for h in order if missing > 0 else reversed(order):
        if missing == 0:
            break
        if lower[h] <= counts[h] + step <= upper[h]:
            counts[h] += step
            missing -= step
    if missing:
        raise AssertionError(f"allocation could not be rounded to n = {n}")  # pragma: no cover
    return counts
