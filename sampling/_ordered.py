"""Designs that walk an ordered frame once: systematic and PPS (randomly ordered systematic)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sampling._checks import as_vector
from sampling._draw import (
    UNSTRATIFIED,
    Draw,
    Frame,
    check_count,
    check_frame,
    common_params,
    make_draw,
)
from sampling._keys import START_SALT, check_seed, ranking_numbers, stream, to_unit
from sampling._pps import inclusion_probabilities, systematic_pps


def systematic(
    keys: Sequence[str],
    n: int,
    *,
    seed: int,
    sort_by: Sequence[Any] | None = None,
    n_reserves: int = 0,
) -> Draw:
    """Draw a systematic sample of ``n`` units, with an optional sort for implicit strata.

    Parameters
    ----------
    keys, n, seed, n_reserves : see :func:`simple_random`
    sort_by : sequence, optional
        A sortable value per unit (town, village, age group...). The frame is ordered by it,
        and by the random keys within equal values, before taking every (N / n)-th unit.

    Returns
    -------
    Draw
        Units in frame order; inclusion probability n / N and weight N / n each.

    Notes
    -----
    With a random integer start s in [0, N), the units at positions floor((s + i N) / n),
    i = 0, ..., n - 1, are taken (a fractional interval N / n, so the size is exactly n and
    every unit has probability exactly n / N; Cochran 1977, ch. 8; Lohr 2022, 5.6).
    Sorting spreads the sample over the sort variable like a proportional stratification.
    Reserves are the other units in random-key order.

    Examples
    --------
    >>> keys = [f"u{i:02d}" for i in range(20)]
    >>> draw = systematic(keys, 4, seed=3, sort_by=[i // 5 for i in range(20)])
    >>> sorted(int(u.key[1:]) // 5 for u in draw.units)
    [0, 1, 2, 3]
    """
    frame = check_frame(keys)
    seed, size = check_seed(seed), check_count(n, "n", 1)
    big_n = len(keys)
    if size > big_n:
        raise ValueError(f"n = {size} is larger than the frame's {big_n} units")
    ranking = ranking_numbers(frame.hashes, seed)
    order = np.argsort(ranking, kind="stable")
    if sort_by is not None:
        values = np.asarray(sort_by)
        if values.ndim != 1 or values.size != big_n:
            raise ValueError(f"sort_by has {values.size} values for {big_n} units")
        order = order[np.argsort(values[order], kind="stable")]
    first = int(stream(seed, START_SALT)) % big_n
    chosen = order[(first + np.arange(size, dtype=np.int64) * big_n) // size]
    params = {"n": size, "sorted": sort_by is not None, "start_position": first}
    return _single_stratum(
        frame,
        chosen,
        np.full(size, size / big_n),
        ranking,
        (seed, n_reserves, "systematic", params),
    )


def pps(
    keys: Sequence[str],
    sizes: Sequence[float] | np.ndarray,
    n: int,
    *,
    seed: int,
    n_reserves: int = 0,
) -> Draw:
    """Draw ``n`` units with probability proportional to size (fixed-size pi-ps).

    Parameters
    ----------
    keys, n, seed, n_reserves : see :func:`simple_random`
    sizes : array_like
        Size measure per unit (households, beneficiaries...), >= 0.

    Returns
    -------
    Draw
        Inclusion probabilities from :func:`inclusion_probabilities` (large units with
        certainty, probability 1); weight 1 / pi.

    Notes
    -----
    Randomly ordered systematic pi-ps sampling: units are put in random-key order and a
    systematic pass with a random start selects them with exactly their pi (Goodman & Kish
    1950; Hartley & Rao 1962; Tillé 2006, 7.2). Reserves are the unselected units with
    pi > 0 in increasing order of u / pi (u the unit's uniform random key), the order
    of sequential Poisson sampling (Ohlsson 1998), so larger units come first.

    Examples
    --------
    >>> draw = pps(["a", "b", "c", "d"], [10, 20, 30, 140], 2, seed=1)
    >>> [(u.key, u.inclusion_probability) for u in draw.units if u.key == "d"]
    [('d', 1.0)]
    """
    frame = check_frame(keys)
    seed = check_seed(seed)
    pik = inclusion_probabilities(as_vector(sizes, "sizes", len(keys)), n)
    ranking = ranking_numbers(frame.hashes, seed)
    order = np.argsort(ranking, kind="stable")
    start = float(to_unit(np.array([stream(seed, START_SALT)]))[0])
    selected = systematic_pps(pik, order, start)
    chosen = order[selected[order]]
    priority = np.where(selected | (pik == 0), np.inf, to_unit(ranking) / np.maximum(pik, 1e-300))
    params = {"n": int(n), "systematic_start": start}
    return _single_stratum(frame, chosen, pik[chosen], priority, (seed, n_reserves, "pps", params))


def _single_stratum(
    frame: Frame,
    chosen: np.ndarray,
    pik: np.ndarray,
    priority: np.ndarray,
    head: tuple[int, int, str, dict[str, Any]],
) -> Draw:
    """Assemble an unstratified draw; reserves are the unchosen units by ``priority``."""
    seed, n_reserves, design, params = head
    n_reserves = check_count(n_reserves, "n_reserves")
    big_n, size = len(frame.keys), chosen.size
    candidates = np.ones(big_n, dtype=bool)
    candidates[chosen] = False
    if priority.dtype.kind == "f":
        candidates &= np.isfinite(priority)
    pool = np.flatnonzero(candidates)
    spare = pool[np.argsort(priority[pool], kind="stable")][:n_reserves]
    zeros = np.zeros(size, dtype=np.intp)
    weights = np.where(pik == size / big_n, big_n / size, 1.0 / pik)  # N / n exactly for SRS
    selected = (chosen, zeros, np.full(size, big_n), np.full(size, size), pik, weights)
    reserves = (spare, np.zeros(spare.size, dtype=np.intp), np.arange(1, spare.size + 1))
    params.update(common_params(n_reserves, [UNSTRATIFIED], np.array([big_n]), np.array([size])))
    return make_draw(frame, selected, reserves, [UNSTRATIFIED], (design, seed, params))
