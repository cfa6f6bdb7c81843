"""Inclusion probabilities proportional to size, and a fixed-size pi-ps selection."""

from __future__ import annotations

import numpy as np


def inclusion_probabilities(size: object, n: int) -> np.ndarray:
    """Return inclusion probabilities proportional to ``size`` for a sample of ``n``.

    Parameters
    ----------
    size : array_like
        Size measure per unit, >= 0 (a unit of size 0 is never selected).
    n : int
        Sample size, at most the number of units with a positive size.

    Returns
    -------
    numpy.ndarray
        pi_k = n a_k / sum(a); units whose pi_k would reach 1 are taken with certainty
        (pi_k = 1) and the others rescaled to the remaining size, repeatedly.

    Notes
    -----
    The same computation, step for step, as R's ``sampling::inclusionprobabilities``
    (Tillé & Matei); see also Särndal, Swensson & Wretman (1992, section 3.6).

    Examples
    --------
    >>> inclusion_probabilities([10, 20, 30, 40], 2).tolist()
    [0.2, 0.4, 0.6, 0.8]
    >>> inclusion_probabilities([1, 1, 8], 2).tolist()
    [0.5, 0.5, 1.0]
    """
    a = np.asarray(size, dtype=float)
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError("size must be a non-empty one-dimensional array of finite numbers")
    if np.any(a < 0):
        raise ValueError(f"size must be >= 0; position {int(np.flatnonzero(a < 0)[0])} is negative")
    positive = a > 0
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= positive.sum():
        raise ValueError(f"n must be an int from 1 to {int(positive.sum())} (units of size > 0)")
    pik1 = n * a / a.sum()
    pik = pik1[positive]
    certain = pik >= 1
    count = int(certain.sum())
    if count > 0:
        previous = 0
        while count != previous:
            x = pik[~certain]
            pik[~certain] = (n - count) * (x / x.sum())
            pik[certain] = 1.0
            previous = count
            certain = pik >= 1
            count = int(certain.sum())
        pik1[positive] = pik
    return pik1


def systematic_pps(pik: np.ndarray, order: np.ndarray, start: float) -> np.ndarray:
    """Return a boolean mask of the units a systematic pi-ps pass selects.

    Units are visited in ``order``; those with 0 < pi < 1 are laid end to end, unit k on
    (C_{k-1}, C_k] with C the running sum of pi, and unit k is selected when a point
    start + j (j an integer, 0 <= start < 1) falls in its interval, as in R's
    ``sampling::UPsystematic``. Units with pi = 1 are always selected, pi = 0 never. Each
    unit's chance is exactly its pi (Madow 1949); visiting units in random order makes the
    joint probabilities positive (Goodman & Kish 1950; Hartley & Rao 1962).
    """
    selected = pik >= 1.0
    middle = order[(pik[order] > 0) & (pik[order] < 1)]
    if middle.size:
        cumulative = np.cumsum(pik[middle])
        cumulative *= round(cumulative[-1]) / cumulative[-1]  # remove rounding drift
        crossings = np.floor(cumulative - start)
        previous = np.concatenate(([np.floor(-start)], crossings[:-1]))
        selected[middle[crossings > previous]] = True
    return selected
