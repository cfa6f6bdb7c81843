"""Estimates with confidence intervals: proportions, means, totals and their differences.

Design-based estimates follow R's ``survey`` package for the design
``svydesign(ids=~1, strata=~h, fpc=~N_h, weights=~w)``: a stratified sample drawn without
replacement, one design weight per unit, Taylor-linearisation variances and t intervals on
the design's degrees of freedom. Without design arguments a proportion gets a
simple-sample interval (Wilson by default) and a mean a plain t interval.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy import special

from sampling import _linear
from sampling._checks import as_binary, as_mask, as_vector, check_level, choose
from sampling._intervals import DESIGN, SIMPLE, normal_quantile, t_quantile
from sampling._results import Difference, Estimate
from sampling._variance import LonelyRule, is_census, make_design, srs_variance

__all__ = [
    "Difference",
    "Estimate",
    "ProportionMethod",
    "difference",
    "mean",
    "proportion",
    "total",
]

ProportionMethod = Literal[
    "wilson", "clopper-pearson", "jeffreys", "agresti-coull", "logit", "beta", "mean"
]
_METHODS = {**SIMPLE, **DESIGN}


def proportion(
    y: object,
    *,
    weights: object = None,
    strata: object = None,
    fpc: object = None,
    domain: object = None,
    level: float = 0.95,
    method: ProportionMethod | None = None,
    lonely: LonelyRule = "adjust",
    df: float | None = None,
) -> Estimate:
    """Estimate the proportion of units with a property, with a confidence interval.

    Parameters
    ----------
    y : array_like of 0/1
        1 when the unit has the property (for example knows the program), per unit.
    weights : array_like, optional
        Design weight per unit, > 0. Default N_h / n_h when ``fpc`` is given, else 1.
    strata : sequence, optional
        Stratum label per unit.
    fpc : array_like, optional
        Population size N_h of the unit's stratum, per unit (same within a stratum).
    domain : array_like of bool, optional
        Mask of a subpopulation (one town) estimated inside the whole design, as
        ``svyby``: the variance keeps every stratum's full sample size.
    level : float
        Confidence level, strictly between 0 and 1.
    method : {"wilson", "clopper-pearson", "jeffreys", "agresti-coull", "logit", "beta",
        "mean"}, optional
        The first four are for a simple random sample; the last three for a design
        (``weights``, ``strata`` or ``fpc`` given). Default "wilson" without design
        arguments, "logit" with them.
    lonely : {"adjust", "remove", "fail"}
        What a stratum with a single unit contributes to the variance; see Notes.
    df : float, optional
        Degrees of freedom for design intervals. Default: units minus strata among the
        domain's units, which is what R's ``degf()`` gives for the design ``svyby`` uses.

    Returns
    -------
    Estimate

    Raises
    ------
    ValueError
        For a simple-sample method with design arguments, an unknown method, y not 0/1,
        lengths that differ, weights <= 0, a level outside (0, 1), no units, or no degrees
        of freedom left.

    Notes
    -----
    The estimate is p = sum(w y) / sum(w) over the domain. Its variance is the Taylor
    linearisation of the ratio, with influence values z = w (y - p) / sum(w) (zero outside
    the domain) and v = sum_h (1 - f_h) n_h / (n_h - 1) sum_i (z_hi - zbar_h)^2 (Lohr 2022,
    ch. 3 and 9). Intervals, each equal to R's ``svyciprop(~y, design, method=...)``:

    - ``logit``: expit(logit(p) +/- t_df sqrt(v) / (p (1 - p))).
    - ``beta`` (Korn & Graubard 1998): Clopper-Pearson limits with n* = p (1 - p) / v
      times (t_{n-1, alpha/2} / t_{df, alpha/2})^2 in place of n.
    - ``mean``: p +/- t_df sqrt(v), kept in [0, 1] (R does not clip).

    When p is 0 or 1 the linearised variance is 0 and R returns degenerate or NaN limits;
    here the Korn-Graubard limits with n* = n (the unweighted count) are used instead, as
    Korn & Graubard recommend, unless every stratum was fully enumerated (then [p, p]).
    A single-unit stratum: ``adjust`` adds (1 - f_h) z^2 (R's ``survey.lonely.psu =
    "adjust"``), ``remove`` adds 0, ``fail`` raises. Simple-sample intervals: Wilson (1927),
    Clopper & Pearson (1934), Jeffreys and Agresti & Coull (1998) as in Brown, Cai &
    DasGupta (2001); for them ``se = sqrt(p (1 - p) / n)``, deff = 1 and n_eff = n.

    Examples
    --------
    >>> r = proportion([1, 1, 0, 1, 0, 1, 1, 1, 0, 1])
    >>> r.method, r.estimate, round(r.low, 4), round(r.high, 4)
    ('wilson', 0.7, 0.3968, 0.8922)
    >>> r = proportion([1, 0, 1, 1, 0, 1], strata=["a", "a", "a", "b", "b", "b"],
    ...                fpc=[30, 30, 30, 50, 50, 50])
    >>> r.method, round(r.estimate, 4), r.df
    ('logit', 0.6667, 4)
    """
    level = check_level(level)
    values = as_binary(y)
    chosen = _resolve_method(method, weights is not None or strata is not None or fpc is not None)
    if chosen in SIMPLE:
        return _simple_proportion(values, domain, level, chosen)
    design = make_design(values.size, weights, strata, fpc, domain, lonely)
    p, var, n, population = _linear.ratio(values, design)
    dof = _linear.degrees(design, df)
    low, high = _linear.proportion_interval(p, var, n, dof, level, chosen, is_census(design))
    deff, n_eff = _linear.design_effect(var, srs_variance(design, values, p), n)
    se = _linear.standard_error(var)
    return Estimate(p, se, low, high, n, dof, level, chosen, deff, n_eff, population)


def mean(
    x: object,
    *,
    weights: object = None,
    strata: object = None,
    fpc: object = None,
    domain: object = None,
    level: float = 0.95,
    lonely: LonelyRule = "adjust",
    df: float | None = None,
) -> Estimate:
    """Estimate the mean of a numeric answer (the 0-100 satisfaction score), with a t interval.

    Parameters are those of :func:`proportion`; ``x`` is any finite number per unit.

    Returns
    -------
    Estimate
        ``method`` is ``"t"``.

    Notes
    -----
    The estimate is sum(w x) / sum(w) over the domain, with the linearised variance of
    :func:`proportion` and the interval mean +/- t_df se, as R's
    ``confint(svymean(~x, design), df=degf(design))``. Without design arguments this is the
    plain t interval with df = n - 1 (R's ``t.test(x)$conf.int``). ``deff`` follows R's
    ``svymean(..., deff=TRUE)``: the variance over that of a simple random sample of n
    units drawn without replacement from a population of sum(w) (with replacement when
    sum(w) <= n, R's ``deff="replace"``) (Kish 1965, section 8.2).

    Examples
    --------
    >>> r = mean([100, 80, 80, 60, 100, 30, 80, 100])
    >>> r.estimate, r.df, round(r.low, 3), round(r.high, 3)
    (78.75, 7, 58.548, 98.952)
    """
    level = check_level(level)
    values = as_vector(x, "x")
    design = make_design(values.size, weights, strata, fpc, domain, lonely)
    m, var, n, population = _linear.ratio(values, design)
    dof = _linear.degrees(design, df)
    se = _linear.standard_error(var)
    half = t_quantile(level, dof) * se
    deff, n_eff = _linear.design_effect(var, srs_variance(design, values, m), n)
    return Estimate(m, se, m - half, m + half, n, dof, level, "t", deff, n_eff, population)


def total(
    y: object,
    *,
    weights: object = None,
    strata: object = None,
    fpc: object = None,
    domain: object = None,
    level: float = 0.95,
    lonely: LonelyRule = "adjust",
    df: float | None = None,
) -> Estimate:
    """Estimate a population total, such as how many roster people never got their benefit.

    Parameters are those of :func:`mean`; ``y`` is usually 0/1 (1 = has the property).

    Returns
    -------
    Estimate
        ``method`` is ``"t"``; ``population`` is the estimated size of the domain.

    Notes
    -----
    The Horvitz-Thompson total sum(w y) over the domain, with influence values w y (zero
    outside the domain) in the linearised variance, and the interval total +/- t_df se as
    R's ``confint(svytotal(~y, design), df=degf(design))`` (Lohr 2022, section 3.2). When
    every y is >= 0 a negative lower limit is raised to 0, the only departure from R.
    ``deff`` is R's ``svytotal(..., deff=TRUE)``.

    Examples
    --------
    >>> r = total([0, 1, 0, 0, 1, 0], strata=["a"] * 3 + ["b"] * 3, fpc=[300] * 3 + [600] * 3)
    >>> r.estimate, r.df, round(r.se, 2)
    (300.0, 4, 222.93)
    """
    level = check_level(level)
    values = as_vector(y, "y")
    design = make_design(values.size, weights, strata, fpc, domain, lonely)
    estimate, var, n, population = _linear.total(values, design)
    dof = _linear.degrees(design, df)
    se = _linear.standard_error(var)
    half = t_quantile(level, dof) * se
    low = estimate - half
    if low < 0.0 and np.all(values >= 0.0):
        low = 0.0
    srs = srs_variance(design, values, estimate / population)
    deff, n_eff = _linear.design_effect(var, None if srs is None else srs * population**2, n)
    return Estimate(estimate, se, low, estimate + half, n, dof, level, "t", deff, n_eff, population)


def difference(a: Estimate, b: Estimate, *, level: float = 0.95) -> Difference:
    """Compare two independent estimates (two rounds, or two towns in separate strata).

    Returns
    -------
    Difference
        ``a.estimate - b.estimate`` with se = sqrt(se_a^2 + se_b^2), its interval and the
        two-sided p-value of "no difference".

    Notes
    -----
    With both degrees of freedom known the reference distribution is Student's t on the
    Welch-Satterthwaite df = (v_a + v_b)^2 / (v_a^2 / df_a + v_b^2 / df_b) (Satterthwaite
    1946); otherwise the standard normal. Estimates that share strata are not independent:
    their covariance is not accounted for here. With se = 0 the p-value is 1 for equal
    estimates and 0 otherwise.

    Examples
    --------
    >>> r = difference(proportion([1] * 60 + [0] * 40), proportion([1] * 45 + [0] * 55))
    >>> round(r.estimate, 2), round(r.p_value, 4)
    (0.15, 0.0317)
    """
    level = check_level(level)
    estimate = a.estimate - b.estimate
    se = math.hypot(a.se, b.se)
    dof = _satterthwaite(a, b)
    quantile = normal_quantile(level) if dof is None else t_quantile(level, dof)
    if se == 0.0:
        p_value = 1.0 if estimate == 0.0 else 0.0
    else:
        score = -abs(estimate) / se
        p_value = float(2.0 * (special.ndtr(score) if dof is None else special.stdtr(dof, score)))
    half = quantile * se
    return Difference(estimate, se, estimate - half, estimate + half, p_value, dof, level)


def _resolve_method(method: str | None, design_given: bool) -> str:
    if method is None:
        return "logit" if design_given else "wilson"
    choose("method", method, _METHODS)
    if design_given and method in SIMPLE:
        raise ValueError(
            f"method {method!r} is for a simple random sample; with weights, strata or fpc "
            f"use a design method: {', '.join(repr(m) for m in DESIGN)}"
        )
    return method


def _simple_proportion(values: np.ndarray, domain: object, level: float, method: str) -> Estimate:
    if domain is not None:
        values = values[as_mask(domain, "domain", values.size)]
    n = int(values.size)
    if n == 0:
        raise ValueError("no units to estimate from (y is empty or the domain selects none)")
    x = int(np.sum(values))
    p = x / n
    low, high = SIMPLE[method](x, n, level)
    return Estimate(
        p, math.sqrt(p * (1.0 - p) / n), low, high, n, None, level, method, 1.0, float(n)
    )


def _satterthwaite(a: Estimate, b: Estimate) -> float | None:
    if a.df is None or b.df is None:
        return None
    va, vb = a.se**2, b.se**2
    if va + vb == 0.0:
        return None
    return (va + vb) ** 2 / (va**2 / a.df + vb**2 / b.df)
