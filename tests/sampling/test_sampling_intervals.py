"""Interval methods of sampling.estimate.proportion: simple-sample methods against R's
prop.test / binom.test / qbeta, degenerate design cases, and differences of estimates.

Data and designs: see conftest.py. Tolerance 1e-6.
"""

from __future__ import annotations

import pytest

from sampling.estimate import difference, mean, proportion

TOL = 1e-6


SIMPLE_CASES = [
    # prop.test(x, n, correct=FALSE, conf.level=level)$conf.int
    ("wilson", 7, 20, 0.95, 0.181191824101, 0.567145723315),
    ("wilson", 0, 15, 0.95, 0.0, 0.203883301036),
    ("wilson", 15, 15, 0.9, 0.84719229539, 1.0),
    # binom.test(x, n, conf.level=level)$conf.int
    ("clopper-pearson", 7, 20, 0.95, 0.153909204785, 0.592188534533),
    ("clopper-pearson", 0, 15, 0.95, 0.0, 0.218019360911),
    ("clopper-pearson", 15, 15, 0.9, 0.818963727478, 1.0),
    # qbeta(c(0.025, 0.975), 7.5, 13.5); 0 and qbeta(0.975, 0.5, 15.5); qbeta(0.05, 15.5, 0.5), 1
    ("jeffreys", 7, 20, 0.95, 0.172276213632, 0.567766093841),
    ("jeffreys", 0, 15, 0.95, 0.0, 0.151816662114),
    ("jeffreys", 15, 15, 0.9, 0.881693383547, 1.0),
    # z <- qnorm(0.975); nt <- 20 + z^2; pt <- (7 + z^2/2)/nt; pt + c(-1, 1)*z*sqrt(pt*(1-pt)/nt)
    ("agresti-coull", 7, 20, 0.95, 0.179926361438, 0.568411185978),
]


@pytest.mark.parametrize(("method", "x", "n", "level", "low", "high"), SIMPLE_CASES)
def test_simple_intervals_match_r(method, x, n, level, low, high):
    result = proportion([1] * x + [0] * (n - x), method=method, level=level)
    assert (result.low, result.high) == pytest.approx((low, high), abs=TOL)
    assert result.estimate == x / n
    assert result.n == n and result.df is None


def test_defaults_wilson_without_design_and_logit_with_one(survey_data):
    assert proportion(survey_data.y).method == "wilson"
    assert proportion(survey_data.y, weights=survey_data.w).method == "logit"
    assert proportion(survey_data.y, fpc=[100] * 60).method == "logit"


def test_simple_domain_subsets_the_sample(survey_data):
    mask = survey_data.town == "t2"
    assert proportion(survey_data.y, domain=mask) == proportion(survey_data.y[mask])


def test_difference_of_two_strata_matches_svycontrast(designs, survey_data):
    # m <- svyby(~y, ~h, des, svymean, covmat=TRUE); dd <- svycontrast(m, c(1, -1, 0))
    # c(coef(dd), SE(dd))
    a = mean(survey_data.y, **designs["des"], domain=survey_data.h == "a")
    b = mean(survey_data.y, **designs["des"], domain=survey_data.h == "b")
    result = difference(a, b)
    assert (result.estimate, result.se) == pytest.approx((0.03, 0.149956133937), abs=TOL)
    # Welch-Satterthwaite df; 2 * pt(-abs(0.03 / 0.149956133937), df)
    assert result.df == pytest.approx(40.4552074254, abs=TOL)
    assert result.p_value == pytest.approx(0.842437111054, abs=TOL)


def test_difference_of_simple_proportions_is_a_normal_wald_test():
    a = proportion([1] * 60 + [0] * 40)
    b = proportion([1] * 45 + [0] * 55)
    result = difference(a, b, level=0.9)
    # se <- sqrt(0.6*0.4/100 + 0.45*0.55/100); 2*pnorm(-0.15/se); 0.15 + c(-1,1)*qnorm(0.95)*se
    assert result.se == pytest.approx(0.0698212002188, abs=TOL)
    assert result.p_value == pytest.approx(0.0316863885398, abs=TOL)
    assert (result.low, result.high) == pytest.approx((0.0351543455819, 0.264845654418), abs=TOL)
    assert result.df is None


def test_difference_with_no_variance():
    same = difference(proportion([1] * 5), proportion([1] * 8))
    assert (same.p_value, same.low, same.high) == (1.0, 0.0, 0.0)


def test_domain_of_all_zeros_uses_korn_graubard_with_n(designs, survey_data):
    y = survey_data.y.copy()
    mask = survey_data.town == "t1"
    y[mask] = 0
    for method in ("logit", "beta", "mean"):
        result = proportion(y, **designs["des"], domain=mask, method=method)
        # m <- 26*(qt(0.025, 25)/qt(0.025, 23))^2; qbeta(0.975, 1, m)
        # (R itself gives logit (5e-12, 1e-11), beta NaN, mean (0, 0) here)
        assert (result.estimate, result.se, result.low) == (0.0, 0.0, 0.0)
        assert result.high == pytest.approx(0.133366548729, abs=TOL)
        assert result.deff is None and result.n_eff is None


def test_domain_of_all_ones(designs, survey_data):
    y = survey_data.y.copy()
    mask = survey_data.town == "t1"
    y[mask] = 1
    result = proportion(y, **designs["des"], domain=mask, level=0.9)
    # m <- 26*(qt(0.05, 25)/qt(0.05, 23))^2; qbeta(0.05, m, 1)
    assert (result.estimate, result.high) == (1.0, 1.0)
    assert result.low == pytest.approx(0.890479771716, abs=TOL)


def test_census_has_no_sampling_error():
    result = proportion([1, 0, 1, 1], strata=["a", "a", "b", "b"], fpc=[2, 2, 2, 2])
    assert (result.estimate, result.se, result.low, result.high) == (0.75, 0.0, 0.75, 0.75)
