"""Sample size for a proportion: Cochran's formula with fpc, design effect and response rate."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from sampling._checks import check_level
from sampling._intervals import normal_quantile

__all__ = ["SampleSize", "cochran", "for_cells", "margin"]


@dataclass(frozen=True)
class SampleSize:
    """The size needed for a margin of error, with the steps that lead to it.

    ``n0`` is Cochran's size for an infinite population, ``n_fpc`` after the finite
    population correction, ``n_deff`` the completed interviews needed with the design
    effect (and the correction), ``n_final`` the units to draw given the expected response
    rate. ``steps`` lists (label, formula, value) for showing why.
    """

    n0: float
    n_fpc: float
    n_deff: float
    n_final: int
    steps: list[tuple[str, str, float]] = field(hash=False)


def cochran(
    e: float,
    *,
    p: float = 0.5,
    level: float = 0.95,
    population: int | None = None,
    deff: float = 1.0,
    response_rate: float = 1.0,
) -> SampleSize:
    """Return the sample size that estimates a proportion to within +/- ``e``.

    Parameters
    ----------
    e : float
        Margin of error, as a proportion (0.05 for +/- 5 points), 0 < e < 1.
    p : float
        Anticipated proportion, 0 < p < 1; 0.5 is the safe (largest) choice.
    level : float
        Confidence level.
    population : int, optional
        Population size N for the finite population correction.
    deff : float
        Anticipated design effect, > 0 (1 for simple random sampling).
    response_rate : float
        Expected share of drawn units that complete the interview, 0 < r <= 1.

    Returns
    -------
    SampleSize

    Notes
    -----
    Cochran (1977, sections 4.4 and 4.6)::

        n0 = z^2 p (1 - p) / e^2                       z = Phi^-1(1 - alpha / 2)
        n_fpc = n0 / (1 + (n0 - 1) / N)
        n_deff = deff n0 / (1 + (deff n0 - 1) / N)      (Kish 1965, section 8.2)
        n_final = ceil(n_deff / response_rate), at most N

    The correction makes the variance the exact one of simple random sampling without
    replacement, p (1 - p) / n * (N - n) / (N - 1), so :func:`margin` inverts ``n_deff``.

    Examples
    --------
    >>> size = cochran(0.05)
    >>> round(size.n0, 2), size.n_final
    (384.15, 385)
    >>> size = cochran(0.05, population=2000, deff=1.5, response_rate=0.6)
    >>> round(size.n_fpc, 1), round(size.n_deff, 1), size.n_final
    (322.4, 447.5, 746)
    """
    z = _check_inputs(e, p, level, deff, response_rate)
    n0 = z * z * p * (1.0 - p) / (e * e)
    big_n = None if population is None else _check_population(population)
    n_fpc, n_deff = _corrected(n0, big_n), _corrected(deff * n0, big_n)
    n_final = max(1, math.ceil(n_deff / response_rate - 1e-9))
    if big_n is not None:
        n_final = min(n_final, big_n)
    steps = [("z", "z = Φ⁻¹(1 − α/2)", z), ("n0", "n0 = z²·p·(1 − p) / e²", n0)]
    if big_n is not None:
        steps.append(("n_fpc", "n_fpc = n0 / (1 + (n0 − 1) / N)", n_fpc))
    correction = " / (1 + (deff·n0 − 1) / N)" if big_n is not None else ""
    steps.append(("n_deff", f"n_deff = deff·n0{correction}", n_deff))
    final = "min(N, ⌈n_deff / r⌉)" if big_n is not None else "⌈n_deff / r⌉"
    steps.append(("n_final", f"n_final = {final}", float(n_final)))
    return SampleSize(n0, n_fpc, n_deff, n_final, steps)


def margin(
    n: float,
    *,
    p: float = 0.5,
    level: float = 0.95,
    population: int | None = None,
    deff: float = 1.0,
) -> float:
    """Return the margin of error that ``n`` completed interviews achieve.

    Notes
    -----
    e = z sqrt(deff p (1 - p) / n * (N - n) / (N - 1)), the inverse of
    :func:`cochran`'s ``n_deff`` (without N, the factor (N - n) / (N - 1) is 1).

    Examples
    --------
    >>> round(margin(385), 4)
    0.0499
    >>> margin(50, population=50)
    0.0
    """
    z = _check_inputs(0.5, p, level, deff, 1.0)
    if not n >= 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    variance = deff * p * (1.0 - p) / n
    if population is not None:
        big_n = _check_population(population)
        if n > big_n:
            raise ValueError(f"n = {n} is larger than the population of {big_n}")
        variance *= 0.0 if big_n == 1 else (big_n - n) / (big_n - 1)
    return z * math.sqrt(variance)


def for_cells(
    populations: Mapping[str, int],
    e: float,
    *,
    p: float = 0.5,
    level: float = 0.95,
    deff: float = 1.0,
    response_rate: float = 1.0,
) -> dict[str, SampleSize]:
    """Return the size each reporting cell (each town) needs for its own margin ``e``.

    Examples
    --------
    >>> sizes = for_cells({"east": 5000, "west": 300}, 0.1)
    >>> {town: size.n_final for town, size in sizes.items()}
    {'east': 95, 'west': 73}
    """
    return {
        cell: cochran(e, p=p, level=level, population=size, deff=deff, response_rate=response_rate)
        for cell, size in populations.items()
    }


def _corrected(n: float, population: int | None) -> float:
    return n if population is None else n / (1.0 + (n - 1.0) / population)


def _check_inputs(e: float, p: float, level: float, deff: float, response_rate: float) -> float:
    if not 0.0 < e < 1.0:
        raise ValueError(f"e (the margin of error) must be between 0 and 1, got {e!r}")
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p!r}")
    if not deff > 0.0:
        raise ValueError(f"deff must be > 0, got {deff!r}")
    if not 0.0 < response_rate <= 1.0:
        raise ValueError(f"response_rate must be in (0, 1], got {response_rate!r}")
    return normal_quantile(check_level(level))


def _check_population(population: int) -> int:
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        raise ValueError(f"population must be an int >= 1, got {population!r}")
    return population
