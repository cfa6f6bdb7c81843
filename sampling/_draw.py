"""The record of a drawn sample, and the frame checks every design shares."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sampling import __version__
from sampling._keys import KEY_HASH, check_unique, fingerprint, key_hashes

#: Stratum label of every unit in an unstratified draw.
UNSTRATIFIED = "all"


@dataclass(frozen=True)
class SampledUnit:
    """One selected unit and its design facts.

    ``population`` is N_h, the units of its stratum in the frame; ``sample_size`` n_h;
    ``weight`` is 1 / ``inclusion_probability``.
    """

    key: str
    stratum: str
    population: int
    sample_size: int
    inclusion_probability: float
    weight: float


@dataclass(frozen=True)
class ReserveUnit:
    """A replacement candidate: use a stratum's reserves in ``order`` 1, 2, ..."""

    key: str
    stratum: str
    order: int


@dataclass(frozen=True)
class Draw:
    """A drawn sample: everything needed to use it, and to draw it again identically.

    ``params`` holds what else defines the draw (sizes, allocation, coordination starts,
    the key-hashing scheme); it is JSON-serialisable.
    """

    units: tuple[SampledUnit, ...]
    reserves: tuple[ReserveUnit, ...]
    design: str
    seed: int
    frame_fingerprint: str
    library_version: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Frame:
    """Checked frame keys with their 64-bit hashes and fingerprint."""

    keys: Sequence[str]
    hashes: np.ndarray
    fingerprint: str


def new_seed() -> int:
    """Return a fresh random seed from the operating system's entropy (``secrets``).

    Returns
    -------
    int
        0 <= seed < 2**63; record it with the draw so that anyone can redraw the sample.
    """
    return secrets.randbelow(2**63)


def check_frame(keys: Sequence[str]) -> Frame:
    """Hash the keys, reject duplicates and compute the frame's fingerprint."""
    if isinstance(keys, str | bytes) or not hasattr(keys, "__len__"):
        raise ValueError("keys must be a sequence of strings (one stable key per unit)")
    if not isinstance(keys, Sequence):
        keys = keys.tolist() if hasattr(keys, "tolist") else list(keys)
    hashes = key_hashes(keys)
    ordered = np.sort(hashes)
    check_unique(ordered, hashes, keys)
    return Frame(keys, hashes, fingerprint(ordered))


def check_count(value: int, name: str, low: int = 0) -> int:
    """Return ``value`` if it is an int >= ``low``, else raise naming it."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return int(value)


def make_draw(
    frame: Frame,
    selected: tuple[np.ndarray, ...],
    reserves: tuple[np.ndarray, np.ndarray, np.ndarray],
    labels: Sequence[str],
    head: tuple[str, int, dict[str, Any]],
) -> Draw:
    """Assemble a :class:`Draw`.

    ``selected`` is (unit index, stratum code, N_h, n_h, inclusion probability, weight),
    ``reserves`` (unit index, stratum code, order) and ``head`` (design, seed, params).
    """
    columns = (np.asarray(column).tolist() for column in selected)
    units = tuple(
        SampledUnit(frame.keys[i], labels[c], int(big_n), int(small_n), float(p), float(w))
        for i, c, big_n, small_n, p, w in zip(*columns, strict=True)
    )
    spare = tuple(
        ReserveUnit(frame.keys[i], labels[c], int(o))
        for i, c, o in zip(*(a.tolist() for a in reserves), strict=True)
    )
    design, seed, params = head
    return Draw(units, spare, design, seed, frame.fingerprint, __version__, params)


def common_params(
    n_reserves: int, labels: Sequence[str], population: np.ndarray, take: np.ndarray
) -> dict[str, Any]:
    """Return the parameters every draw records: reserves, key hashing, stratum sizes."""
    strata = {
        label: {"population": int(big_n), "sample_size": int(small_n)}
        for label, big_n, small_n in zip(labels, population, take, strict=True)
    }
    return {"n_reserves": n_reserves, "key_hash": KEY_HASH, "strata": strata}
