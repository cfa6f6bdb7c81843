"""Confidence intervals for a proportion: simple-sample and design-based methods.

Simple-sample methods take the count ``x`` of ones among ``n`` units; design methods take
the estimate ``p``, its linearised variance, the unweighted count and the degrees of freedom,
and equal R's ``survey::svyciprop``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from scipy import special  # not scipy.stats: some 70 MB and a second to import

SimpleMethod = Literal["wilson", "clopper-pearson", "jeffreys", "agresti-coull"]
DesignMethod = Literal["logit", "beta", "mean"]
Interval = tuple[float, float]


def normal_quantile(level: float) -> float:
    """Return z with P(|Z| <= z) = level for a standard normal Z."""
    return float(special.ndtri(0.5 + level / 2.0))


def t_quantile(level: float, df: float) -> float:
    """Return t with P(|T| <= t) = level for Student's t on ``df`` degrees of freedom."""
    return float(special.stdtrit(df, 0.5 + level / 2.0))


def wilson(x: int, n: int, level: float) -> Interval:
    """Wilson (1927) score interval; R ``prop.test(x, n, correct=FALSE)$conf.int``."""
    z = normal_quantile(level)
    z2 = z * z
    centre = (x + z2 / 2.0) / (n + z2)
    half = z / (n + z2) * math.sqrt(x * (n - x) / n + z2 / 4.0)
    low = 0.0 if x == 0 else max(0.0, centre - half)  # exactly 0, free of rounding
    return low, 1.0 if x == n else min(1.0, centre + half)


def clopper_pearson(x: int, n: int, level: float) -> Interval:
    """Clopper-Pearson (1934) exact interval; R ``binom.test(x, n)$conf.int``."""
    alpha = 1.0 - level
    low = 0.0 if x == 0 else float(special.betaincinv(x, n - x + 1, alpha / 2.0))
    high = 1.0 if x == n else float(special.betaincinv(x + 1, n - x, 1.0 - alpha / 2.0))
    return low, high


def jeffreys(x: int, n: int, level: float) -> Interval:
    """Jeffreys interval, Brown, Cai & DasGupta (2001): Beta(x + 1/2, n - x + 1/2) quantiles.

    As they recommend, the lower limit is 0 when x = 0 and the upper limit 1 when x = n.
    """
    alpha = 1.0 - level
    a, b = x + 0.5, n - x + 0.5
    low = 0.0 if x == 0 else float(special.betaincinv(a, b, alpha / 2.0))
    high = 1.0 if x == n else float(special.betaincinv(a, b, 1.0 - alpha / 2.0))
    return low, high


def agresti_coull(x: int, n: int, level: float) -> Interval:
    """Agresti & Coull (1998): Wald interval around (x + z^2/2) / (n + z^2), kept in [0, 1]."""
    z = normal_quantile(level)
    n_tilde = n + z * z
    p_tilde = (x + z * z / 2.0) / n_tilde
    half = z * math.sqrt(p_tilde * (1.0 - p_tilde) / n_tilde)
    return max(0.0, p_tilde - half), min(1.0, p_tilde + half)


SIMPLE: dict[str, Callable[[int, int, float], Interval]] = {
    "wilson": wilson,
    "clopper-pearson": clopper_pearson,
    "jeffreys": jeffreys,
    "agresti-coull": agresti_coull,
}


def logit(p: float, var: float, n: int, df: float, level: float) -> Interval:
    """Wald interval on the logit scale, back-transformed; R ``svyciprop(method="logit")``.

    R fits ``svyglm(y ~ 1, family=quasibinomial)``; for an intercept-only model the
    coefficient is logit(p) and its linearised variance var / (p (1 - p))^2 (delta method).
    """
    eta = math.log(p / (1.0 - p))
    half = t_quantile(level, df) * math.sqrt(var) / (p * (1.0 - p))
    return float(special.expit(eta - half)), float(special.expit(eta + half))


def korn_graubard(p: float, var: float, n: int, df: float, level: float) -> Interval:
    """Korn & Graubard (1998) beta interval; R ``svyciprop(method="beta")``."""
    return korn_graubard_n(p, p * (1.0 - p) / var, n, df, level)


def korn_graubard_n(p: float, n_eff: float, n: int, df: float, level: float) -> Interval:
    """Clopper-Pearson limits on the effective sample size, scaled for ``df``.

    The effective size is multiplied by (t_{n-1} / t_df)^2 at quantile alpha / 2, as in
    Korn & Graubard (1998, eq. 3) and R's ``svyciprop``.
    """
    alpha = 1.0 - level
    ratio = special.stdtrit(n - 1, alpha / 2.0) / special.stdtrit(df, alpha / 2.0)
    m = n_eff * ratio * ratio
    low = 0.0 if p == 0.0 else float(special.betaincinv(m * p, m * (1.0 - p) + 1.0, alpha / 2))
    high = 1.0 if p == 1.0 else float(special.betaincinv(m * p + 1.0, m * (1.0 - p), 1 - alpha / 2))
    return low, high


def wald(p: float, var: float, n: int, df: float, level: float) -> Interval:
    """t interval p +/- t_df * se, kept in [0, 1]; R ``svyciprop(method="mean")``."""
    half = t_quantile(level, df) * math.sqrt(var)
    return max(0.0, p - half), min(1.0, p + half)


DESIGN: dict[str, Callable[[float, float, int, float, float], Interval]] = {
    "logit": logit,
    "beta": korn_graubard,
    "mean": wald,
}
