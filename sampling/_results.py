"""Result types of :mod:`sampling.estimate`; frozen so a figure cannot change after it is shown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Estimate:
    """An estimate with its standard error and confidence interval.

    Attributes
    ----------
    estimate, se, low, high : float
        The estimate, its standard error and the interval limits.
    n : int
        Unweighted number of units used (in the domain, for a domain estimate).
    df : float or None
        Degrees of freedom of the t quantiles; None for a normal or exact interval.
    level : float
        Confidence level of the interval.
    method : str
        The interval method (``"t"`` for means and totals).
    deff, n_eff : float or None
        Kish's design effect and the effective sample size n / deff; None where undefined
        (fewer than two units, or no variation in the answer).
    population : float or None
        Estimated number of population units in the domain (the sum of the weights); None
        for a simple-sample proportion.
    """

    estimate: float
    se: float
    low: float
    high: float
    n: int
    df: float | None
    level: float
    method: str
    deff: float | None
    n_eff: float | None
    population: float | None = None


@dataclass(frozen=True)
class Difference:
    """The difference ``a - b`` of two independent estimates, its interval and p-value.

    ``df`` is the Welch-Satterthwaite degrees of freedom, or None when the reference
    distribution is the standard normal.
    """

    estimate: float
    se: float
    low: float
    high: float
    p_value: float
    df: float | None
    level: float
