"""Permanent random numbers (PRN) for coordinating samples across rounds.

Each unit gets a permanent random number u in (0, 1), recomputable from its stable key and
a district secret. A round's simple random (or stratified) sample takes, in each stratum,
the n_h units that come first on the circle [0, 1) when walking from a start point s:
those with the smallest (u - s) mod 1. Because the u are independent uniforms, that is an
exact simple random sample without replacement for any s (Ohlsson 1995, "sequential
srswor"), so every round keeps the inclusion probabilities n_h / N_h its design says.

- **Negative coordination** (spread the burden): move the start by the previous round's
  sampling fraction, s' = s + n_h / N_h (mod 1). The new sample begins where the last one
  ended, so people asked in the last k rounds are skipped while k rounds' fractions add up
  to less than 1. Nobody is excluded outright; a person's chance in each round stays n/N.
- **Positive coordination** (a panel): keep the same start; the same people come first.

References: Ohlsson, E. (1995). Coordination of samples using permanent random numbers. In
Cox et al. (eds.), *Business Survey Methods*, Wiley, ch. 9. Brewer, Early & Joyce (1972).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

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


def rotated(prn_values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Return (u - s) mod 1 per unit, the position on the circle walked from start s."""
    return np.mod(prn_values - starts, 1.0)


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
