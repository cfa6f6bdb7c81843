"""Linearised estimators over a :class:`~sampling._variance.Design` and their intervals."""

from __future__ import annotations

import math

import numpy as np

from sampling._intervals import DESIGN, korn_graubard_n
from sampling._variance import Design, degrees_of_freedom, variance


def domain_size(design: Design) -> tuple[int, float]:
    """Return the unweighted count and the sum of weights of the domain; raise if empty."""
    n = int(np.count_nonzero(design.domain))
    if n == 0:
        raise ValueError("no units to estimate from (y is empty or the domain selects none)")
    return n, float(np.sum(design.weights[design.domain]))


def ratio(values: np.ndarray, design: Design) -> tuple[float, float, int, float]:
    """Return the weighted mean over the domain, its variance, n and the sum of weights.

    Notes
    -----
    The mean is the ratio sum(w x) / sum(w); its influence values are
    w (x - mean) / sum(w) inside the domain and 0 outside (Woodruff 1971; Lohr 2022, 9.1).
    A domain whose values are all equal gets exactly that value, free of rounding.
    """
    n, population = domain_size(design)
    inside = values[design.domain]
    if np.all(inside == inside[0]):
        estimate = float(inside[0])
    else:
        estimate = float(np.where(design.domain, design.weights, 0.0) @ values) / population
    w = np.where(design.domain, design.weights, 0.0)
    var = variance(design, w * (values - estimate) / population)
    return estimate, var, n, population


def total(values: np.ndarray, design: Design) -> tuple[float, float, int, float]:
    """Return the weighted total over the domain, its variance, n and the sum of weights."""
    n, population = domain_size(design)
    w = np.where(design.domain, design.weights, 0.0)
    return float(w @ values), variance(design, w * values), n, population


def degrees(design: Design, df: float | None) -> float:
    """Return ``df`` or the design's degrees of freedom, raising when fewer than one."""
    dof = degrees_of_freedom(design) if df is None else float(df)
    if not dof >= 1.0:
        raise ValueError(
            f"no degrees of freedom left (df = {dof:g}): the estimate needs more than one unit "
            "per stratum somewhere in the domain"
        )
    return dof


def proportion_interval(
    p: float, var: float, n: int, df: float, level: float, method: str, census: bool
) -> tuple[float, float]:
    """Return the design interval, with the documented rules for degenerate cases.

    A census, or a zero variance with 0 < p < 1, gives [p, p]; p = 0 or 1 from a sample
    gives the Korn-Graubard limits with the effective sample size set to n.
    """
    if census or (var == 0.0 and 0.0 < p < 1.0):
        return p, p
    if p in (0.0, 1.0):
        return korn_graubard_n(p, float(n), n, df, level)
    return DESIGN[method](p, var, n, df, level)


def design_effect(var: float, srs: float | None, n: int) -> tuple[float | None, float | None]:
    """Return (deff, n_eff) = (var / srs, n / deff), or None where undefined."""
    if srs is None or srs <= 0.0:
        return None, None
    deff = var / srs
    return deff, (n / deff if deff > 0.0 else None)


def standard_error(var: float) -> float:
    """Return the square root of a variance (never negative)."""
    return math.sqrt(max(var, 0.0))
