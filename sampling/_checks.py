"""Argument checks shared by the public functions; each error names the bad argument."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def check_level(level: float) -> float:
    """Return ``level`` as a float, or raise if it is not strictly between 0 and 1."""
    value = float(level)
    if not 0.0 < value < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    return value


def choose(name: str, value: str, table: Mapping[str, T]) -> T:
    """Look ``value`` up in ``table`` exactly, or raise listing the allowed values."""
    if value not in table:
        allowed = ", ".join(repr(key) for key in table)
        raise ValueError(f"unknown {name} {value!r}; allowed: {allowed}")
    return table[value]


def as_vector(values: object, name: str, n: int | None = None) -> np.ndarray:
    """Return ``values`` as a 1-D float array of finite numbers (and length ``n`` if given)."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers: {error}") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if n is not None and array.size != n:
        raise ValueError(f"{name} has {array.size} values for {n} units; lengths must match")
    if not np.all(np.isfinite(array)):
        bad = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ValueError(f"{name} must be finite numbers; position {bad} is {array[bad]!r}")
    return array


def as_binary(values: object, name: str = "y") -> np.ndarray:
    """Return a 0/1 vector as floats, or raise naming the first value that is not 0 or 1."""
    array = as_vector(values, name)
    bad = np.flatnonzero((array != 0.0) & (array != 1.0))
    if bad.size:
        raise ValueError(
            f"{name} must be 0 or 1 for every unit; position {int(bad[0])} is {array[bad[0]]!r}"
        )
    return array


def as_mask(values: object, name: str, n: int) -> np.ndarray:
    """Return a boolean mask of length ``n``; only booleans (or 0/1) are accepted."""
    array = np.asarray(values)
    if array.ndim != 1 or array.size != n:
        raise ValueError(f"{name} has {array.size} values for {n} units; lengths must match")
    if array.dtype != bool:
        numeric = as_binary(array, name)
        array = numeric == 1.0
    return array


def as_labels(values: Iterable[Any], name: str, n: int) -> tuple[np.ndarray, list]:
    """Factorise per-unit labels into integer codes and the sorted list of distinct labels."""
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if len(items) != n:
        raise ValueError(f"{name} has {len(items)} values for {n} units; lengths must match")
    try:
        distinct = set(items)
    except TypeError as error:
        raise ValueError(f"{name} labels must be hashable: {error}") from None
    try:
        labels = sorted(distinct)
    except TypeError:
        labels = sorted(distinct, key=str)
    position = {label: i for i, label in enumerate(labels)}
    return np.fromiter(map(position.__getitem__, items), np.intp, n), labels
