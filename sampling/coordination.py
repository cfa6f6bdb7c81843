"""Permanent random numbers (PRN) for coordinating samples across rounds.

Each unit gets a permanent random number u in (0, 1), recomputable from its stable key and
a district secret. A coordinated round orders each stratum's N_h units by u (PRN-ordered
simple random sampling) and takes n_h consecutive units in that order, starting at rank
round(s N_h) for a start point s in [0, 1) and wrapping around the end. Because the u are
independent uniforms, the order is a uniformly random permutation, so for any fixed s the
round is an exact simple random sample without replacement: every person keeps the
inclusion probability n_h / N_h the design says, in every round (Ohlsson 1995).

- **Negative coordination** (spread the burden): move the start by the previous round's
  sampling fraction, s' = s + n_h / N_h (mod 1), with :func:`next_start`. The new sample is
  the next n_h units in PRN order, so while the frame is unchanged nobody is asked twice
  until the rounds' fractions add up to 1 (after about N_h / n_h rounds). People added to
  or removed from the frame shift the ranks a little and may bring a few back early.
  Nobody is excluded outright: each round alone is still a simple random sample.
- **Positive coordination** (a panel): keep the same start; the same people come first.

Moving a start in PRN *values* instead (Ohlsson's sequential srswor) would leave an
overlap of about 0.4 sqrt(n_h) people between consecutive rounds, as much as two
independent samples share when the fraction is small; ranks avoid that.

References: Ohlsson, E. (1995). Coordination of samples using permanent random numbers. In
Cox et al. (eds.), *Business Survey Methods*, Wiley, ch. 9. Brewer, Early & Joyce (1972).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

from sampling._draw import Draw

__all__ = ["next_start", "next_starts", "prn", "prns"]

_PERSON = b"sampling-prn-v1"


def prn(key: str, secret: str | bytes) -> float:
    """Return the permanent random number of one unit, a float in (0, 1).

    Parameters
    ----------
    key : str
        The unit's stable key (in the app, the keyed hash of a person's ID number).
    secret : str or bytes
        The district's PRN secret. Keep it out of the database: whoever knows it and the
        keys can foresee who will be drawn.

    Notes
    -----
    u = (floor(b / 2^11) + 1/2) / 2^53, where b is the first 8 bytes (big-endian) of the
    keyed BLAKE2b hash of the key's UTF-8 bytes; u never equals 0 or 1.

    Examples
    --------
    >>> u = prn("3f2a9c", "district secret")
    >>> 0.0 < u < 1.0 and u == prn("3f2a9c", "district secret")
    True
    """
    digest = hashlib.blake2b(
        key.encode("utf-8"), digest_size=8, key=_secret_bytes(secret), person=_PERSON
    ).digest()
    return ((int.from_bytes(digest, "big") >> 11) + 0.5) * 2.0**-53


def prns(keys: Sequence[str], secret: str | bytes) -> np.ndarray:
    """Return the permanent random numbers of many units (about 0.5 s per million)."""
    secret_bytes = _secret_bytes(secret)
    numbers = np.fromiter(
        (
            int.from_bytes(
                hashlib.blake2b(
                    k.encode("utf-8"), digest_size=8, key=secret_bytes, person=_PERSON
                ).digest(),
                "big",
            )
            >> 11
            for k in keys
        ),
        dtype=np.float64,
        count=len(keys),
    )
    return (numbers + 0.5) * 2.0**-53


def next_start(start: float, fraction: float) -> float:
    """Return the start of the next round for negative coordination: (start + fraction) mod 1.

    Examples
    --------
    >>> next_start(0.875, 0.25)
    0.125
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
    return (check_start(start) + fraction) % 1.0


def check_start(start: float) -> float:
    """Return ``start`` as a float in [0, 1), or raise."""
    value = float(start)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"start must be in [0, 1), got {start!r}")
    return value


def prn_ordered(
    codes: np.ndarray,
    values: np.ndarray,
    tiebreak: np.ndarray,
    starts: np.ndarray,
    needed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``needed[h]`` units of each stratum from rank round(s_h N_h) on, in PRN order.

    Ranks are by PRN (ties by ``tiebreak``) within each stratum; the returned ranks count
    from the start, 0, 1, ..., and wrap around the stratum's end.
    """
    order = np.lexsort((tiebreak, values, codes))
    counts = np.bincount(codes, minlength=needed.size)
    sorted_codes = codes[order]
    rank = np.arange(order.size) - (np.cumsum(counts) - counts)[sorted_codes]
    offset = np.rint(starts * counts).astype(np.int64)
    size = counts[sorted_codes]
    shifted = (rank - offset[sorted_codes]) % np.maximum(size, 1)
    keep = shifted < needed[sorted_codes]
    chosen, steps = order[keep], shifted[keep]
    final = np.lexsort((steps, codes[chosen]))
    return chosen[final], steps[final]


def starts_per_stratum(start: float | Mapping[str, float], labels: Sequence[str]) -> np.ndarray:
    """Return one start per stratum label from a single start or a mapping."""
    if isinstance(start, Mapping):
        missing = [label for label in labels if label not in start]
        if missing:
            raise ValueError(f"start has no value for stratum {missing[0]!r}")
        return np.array([check_start(start[label]) for label in labels])
    return np.full(len(labels), check_start(start))


def _secret_bytes(secret: str | bytes) -> bytes:
    raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if not raw:
        raise ValueError("secret must not be empty")
    return raw if len(raw) <= 64 else hashlib.blake2b(raw).digest()


def next_starts(previous: Draw) -> dict[str, float]:
    """Return each stratum's start for the round after ``previous`` (negative coordination).

    Examples
    --------
    >>> from sampling.designs import stratified
    >>> keys = [f"p{i}" for i in range(100)]
    >>> towns = ["east"] * 60 + ["west"] * 40
    >>> u = prns(keys, "district secret")
    >>> first = stratified(keys, towns, 10, seed=1, prn=u, start=0.5)
    >>> next_starts(first)
    {'east': 0.6, 'west': 0.6}
    >>> second = stratified(keys, towns, 10, seed=1, prn=u, start=next_starts(first))
    >>> {x.key for x in first.units} & {x.key for x in second.units}
    set()
    """
    starts = previous.params.get("start")
    if starts is None:
        raise ValueError("the previous draw used no permanent random numbers (no start recorded)")
    sizes = previous.params["strata"]
    return {
        label: next_start(value, sizes[label]["sample_size"] / sizes[label]["population"])
        for label, value in starts.items()
    }
