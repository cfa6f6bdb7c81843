"""Sampling designs: simple random, stratified, systematic and PPS draws, reproducible by seed.

The frame is a sequence of stable string keys, one per unit (in the app, a keyed hash of a
person's ID number). Randomness comes only from the seed: each unit's random key is a
keyed hash of its own key and the seed (:mod:`sampling._keys`), so a draw does not depend
on the order of the frame, the platform or the numpy version, and the same frame, seed and
design always give the same units. Each draw records the frame's fingerprint and the
library version, and returns per stratum an ordered list of reserves for replacements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sampling import coordination
from sampling._allocation import AllocationMethod, allocate
from sampling._checks import as_labels, as_vector
from sampling._draw import (
    UNSTRATIFIED,
    Draw,
    Frame,
    ReserveUnit,
    SampledUnit,
    check_count,
    check_frame,
    common_params,
    make_draw,
    new_seed,
)
from sampling._keys import check_seed, ranking_numbers
from sampling._ordered import pps, systematic
from sampling._pps import inclusion_probabilities
from sampling._select import first_in_strata
from sampling.coordination import prn

__all__ = [
    "UNSTRATIFIED",
    "AllocationMethod",
    "Draw",
    "ReserveUnit",
    "SampledUnit",
    "allocate",
    "frame_fingerprint",
    "inclusion_probabilities",
    "new_seed",
    "pps",
    "prn",
    "simple_random",
    "stratified",
    "systematic",
]


def frame_fingerprint(keys: Sequence[str]) -> str:
    """Return an order-independent hex digest of the frame's keys.

    Raises
    ------
    ValueError
        If a key is not a non-empty string or appears twice.

    Notes
    -----
    BLAKE2b-256 (RFC 7693) of the number of keys and of the sorted 64-bit key hashes of
    :mod:`sampling._keys`, so the digest does not depend on the frame's order. Two frames
    with the same digest hold the same keys, barring a 64-bit hash collision.

    Examples
    --------
    >>> frame_fingerprint(["b", "a"]) == frame_fingerprint(["a", "b"])
    True
    """
    return check_frame(keys).fingerprint


def simple_random(
    keys: Sequence[str],
    n: int,
    *,
    seed: int,
    n_reserves: int = 0,
    prn: Sequence[float] | np.ndarray | None = None,
    start: float = 0.0,
) -> Draw:
    """Draw a simple random sample of ``n`` units without replacement.

    Parameters
    ----------
    keys : sequence of str
        One unique, stable key per unit of the frame.
    n : int
        Sample size, 1 <= n <= len(keys).
    seed : int
        0 <= seed < 2**63 (see :func:`new_seed`).
    n_reserves : int
        Reserves to list after the sample, in the order to use them.
    prn, start : optional
        Permanent random numbers per unit (see :mod:`sampling.coordination`) and the start
        point on [0, 1): the sample is then the n units from rank round(start N) on in PRN
        order, and depends on ``prn`` and ``start``, not on the seed (still recorded).

    Returns
    -------
    Draw
        Every unit has stratum :data:`UNSTRATIFIED`, inclusion probability n / N, weight N / n.

    Notes
    -----
    The units with the n smallest random keys are taken: with keys independent uniforms
    this is simple random sampling without replacement (Fan, Muller & Rezucha 1962;
    Ohlsson 1995). Reserves are the next units in the same order.

    Examples
    --------
    >>> keys = [f"unit{i:03d}" for i in range(100)]
    >>> draw = simple_random(keys, 5, seed=42, n_reserves=2)
    >>> len(draw.units), draw.units[0].weight, [r.order for r in draw.reserves]
    (5, 20.0, [1, 2])
    >>> draw == simple_random(list(reversed(keys)), 5, seed=42, n_reserves=2)
    True
    """
    frame = check_frame(keys)
    take = check_count(n, "n", 1)
    if take > len(keys):
        raise ValueError(f"n = {take} is larger than the frame's {len(keys)} units")
    codes = np.zeros(len(keys), dtype=np.intp)
    params: dict[str, Any] = {"n": take}
    return _by_strata(
        frame,
        codes,
        [UNSTRATIFIED],
        np.array([take]),
        (seed, n_reserves, prn, start),
        "simple_random",
        params,
    )


def stratified(
    keys: Sequence[str],
    strata: Sequence[str],
    n: int,
    *,
    seed: int,
    allocation: AllocationMethod = "proportional",
    anticipated: Mapping[str, float] | float | None = None,
    minimum: int | None = None,
    n_reserves: int = 0,
    prn: Sequence[float] | np.ndarray | None = None,
    start: float | Mapping[str, float] = 0.0,
) -> Draw:
    """Draw a stratified simple random sample of ``n`` units in total.

    Parameters
    ----------
    keys, n, seed, prn : see :func:`simple_random`
    strata : sequence of str
        Stratum label per unit (a town, for example).
    allocation, anticipated, minimum : see :func:`allocate`
        How n is shared among strata; the draw uses exactly :func:`allocate`'s result.
    n_reserves : int
        Reserves per stratum.
    start : float or Mapping[str, float]
        With ``prn``: one start for all strata, or one per stratum.

    Returns
    -------
    Draw
        Units of stratum h have inclusion probability n_h / N_h and weight N_h / n_h.

    Notes
    -----
    Stratified simple random sampling without replacement (Cochran 1977, ch. 5; Lohr 2022,
    ch. 3): the sizes n_h come from :func:`allocate` on the frame's stratum counts N_h, and
    each stratum takes its n_h units with the smallest random keys, as :func:`simple_random`
    does, followed by its ``n_reserves`` reserves in order.

    Examples
    --------
    >>> keys = [f"p{i:04d}" for i in range(1000)]
    >>> towns = ["east"] * 600 + ["west"] * 400
    >>> draw = stratified(keys, towns, 10, seed=7, n_reserves=1)
    >>> draw.params["strata"]["east"], draw.params["strata"]["west"]
    ({'population': 600, 'sample_size': 6}, {'population': 400, 'sample_size': 4})
    >>> sorted({(u.stratum, u.weight) for u in draw.units})
    [('east', 100.0), ('west', 100.0)]
    """
    frame = check_frame(keys)
    codes, labels = _stratum_labels(strata, len(keys))
    counts = np.bincount(codes, minlength=len(labels))
    sizes = allocate(
        dict(zip(labels, counts.tolist(), strict=True)),
        n,
        method=allocation,
        anticipated=anticipated,
        minimum=minimum,
    )
    take = np.array([sizes[label] for label in labels])
    params: dict[str, Any] = {
        "n": int(n),
        "allocation": allocation,
        "minimum": minimum,
        "anticipated": dict(anticipated) if isinstance(anticipated, Mapping) else anticipated,
    }
    return _by_strata(
        frame, codes, labels, take, (seed, n_reserves, prn, start), "stratified", params
    )


def _by_strata(
    frame: Frame,
    codes: np.ndarray,
    labels: list[str],
    take: np.ndarray,
    options: tuple[int, int, Any, Any],
    design: str,
    params: dict[str, Any],
) -> Draw:
    """Take the first ``take[h]`` units of each stratum in random-key (or PRN) order."""
    seed, n_reserves, prn_values, start = options
    seed, n_reserves = check_seed(seed), check_count(n_reserves, "n_reserves")
    counts = np.bincount(codes, minlength=len(labels))
    needed = np.minimum(take + n_reserves, counts)
    if prn_values is None:
        ranked, rank = first_in_strata(codes, ranking_numbers(frame.hashes, seed), needed)
    else:
        values = as_vector(prn_values, "prn", len(frame.keys))
        if np.any((values < 0) | (values >= 1)):
            raise ValueError("prn must be numbers in [0, 1), one per unit")
        starts = coordination.starts_per_stratum(start, labels)
        ranked, rank = coordination.prn_ordered(codes, values, frame.hashes, starts, needed)
        params["start"] = dict(zip(labels, starts.tolist(), strict=True))
    ranked_codes = codes[ranked]
    chosen = rank < take[ranked_codes]
    c = ranked_codes[chosen]
    selected = (ranked[chosen], c, counts[c], take[c], take[c] / counts[c], counts[c] / take[c])
    spare = ~chosen
    reserves = (ranked[spare], ranked_codes[spare], rank[spare] - take[ranked_codes[spare]] + 1)
    params.update(common_params(n_reserves, labels, counts, take))
    return make_draw(frame, selected, reserves, labels, (design, seed, params))


def _stratum_labels(strata: Sequence[str], n: int) -> tuple[np.ndarray, list[str]]:
    codes, labels = as_labels(strata, "strata", n)
    odd = [label for label in labels if not isinstance(label, str)]
    if odd:
        raise ValueError(f"stratum labels must be strings, got {odd[0]!r}")
    return codes, labels
