"""Find the first units of each stratum in random-key order without sorting the whole frame."""

from __future__ import annotations

import numpy as np


def first_in_strata(
    codes: np.ndarray,
    primary: np.ndarray,
    needed: np.ndarray,
    tiebreak: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the first ``needed[h]`` units of each stratum h and their ranks 0, 1, ...

    Units are ordered by stratum code, then ``primary`` (the random key), then
    ``tiebreak``. The result is exactly that of sorting the whole frame; only the sort is
    restricted to the candidates :func:`_candidates` keeps.
    """
    candidates = _candidates(codes, primary, needed)
    sub_codes = codes[candidates]
    columns = (primary[candidates], sub_codes)
    if tiebreak is not None:
        columns = (tiebreak[candidates], *columns)
    order = np.lexsort(columns)
    ranked, sorted_codes = candidates[order], sub_codes[order]
    found = np.bincount(sorted_codes, minlength=needed.size)
    rank = np.arange(ranked.size) - (np.cumsum(found) - found)[sorted_codes]
    keep = rank < needed[sorted_codes]
    return ranked[keep], rank[keep]


def _candidates(codes: np.ndarray, primary: np.ndarray, needed: np.ndarray) -> np.ndarray:
    """Return the units whose random key is below a per-stratum threshold.

    Random keys are uniform (on [0, 2**64) for integers, [0, 1) for floats), so a
    threshold at the fraction (k + 6 sqrt(k) + 20) / N_h of the range keeps about that
    many of a stratum's N_h units, almost surely at least the k needed. A stratum where it
    keeps fewer keeps all its units instead, so the answer never depends on luck.
    """
    counts = np.bincount(codes, minlength=needed.size)
    expected = needed + 6.0 * np.sqrt(needed) + 20.0
    fraction = np.minimum(expected / np.maximum(counts, 1), 1.0)
    if primary.dtype == np.uint64:
        limit = 2**64 - 1
        thresholds = np.array([min(limit, int(f * 2.0**64)) for f in fraction], dtype=np.uint64)
    else:
        thresholds = np.where(fraction >= 1.0, np.inf, fraction)
    mask = primary <= thresholds[codes]
    short = np.bincount(codes[mask], minlength=needed.size) < needed
    if np.any(short):
        mask |= short[codes]
    return np.flatnonzero(mask)
