"""sampling.estimate against R's survey package (data and designs: see conftest.py).

Every expected value was printed by the R command in the comment beside it; the tolerance
is 1e-6 on estimates, standard errors and interval limits.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sampling.estimate import Estimate, mean, proportion, total

TOL = 1e-6


def close(result: Estimate, *expected: float) -> None:
    fields = (result.estimate, result.se, result.low, result.high)[: len(expected)]
    assert fields == pytest.approx(expected, abs=TOL)


# (design, method, level, estimate, se, low, high)
PROPORTION_CASES = [
    # r <- svyciprop(~y, des, method=m, level=0.9); c(coef(r), SE(r), confint(r))
    ("des", "logit", 0.9, 0.46, 0.0762898350526, 0.33763207292, 0.587388294792),
    ("des", "beta", 0.9, 0.46, 0.0762898350526, 0.328154046839, 0.596193930508),
    ("des", "mean", 0.9, 0.46, 0.0762898350526, 0.332441191896, 0.587558808104),
    # r <- svyciprop(~y, dw, method=m); c(coef(r), SE(r), confint(r))
    ("dw", "logit", 0.95, 0.462324393359, 0.0667602187868, 0.334304025204, 0.595513330713),
    ("dw", "beta", 0.95, 0.462324393359, 0.0667602187868, 0.327726287441, 0.601067456317),
    ("dw", "mean", 0.95, 0.462324393359, 0.0667602187868, 0.328639361184, 0.596009425534),
    # r <- svyciprop(~y, dwf, method=m); c(coef(r), SE(r), confint(r))
    ("dwf", "logit", 0.95, 0.462324393359, 0.064762016758, 0.337895768603, 0.591630112316),
    ("dwf", "beta", 0.95, 0.462324393359, 0.064762016758, 0.331758554236, 0.596788102143),
    ("dwf", "mean", 0.95, 0.462324393359, 0.064762016758, 0.332640691727, 0.592008094991),
]


@pytest.mark.parametrize(("design", "method", "level", "p", "se", "low", "high"), PROPORTION_CASES)
def test_proportion_matches_svyciprop(
    designs, survey_data, design, method, level, p, se, low, high
):
    result = proportion(survey_data.y, **designs[design], method=method, level=level)
    close(result, p, se, low, high)
    assert result.df == 57  # degf(des): 60 units - 3 strata
    assert result.n == 60


# (design, method, town, estimate, se, low, high)
DOMAIN_CASES = [
    # svyby(~y, ~town, des, svyciprop, method=m, vartype=c("se", "ci"))
    ("des", "logit", "t1", 0.522620904836, 0.115450362258, 0.295936632729, 0.740354881185),
    ("des", "logit", "t2", 0.408268733850, 0.142621007998, 0.162831233246, 0.709932750384),
    ("des", "beta", "t2", 0.408268733850, 0.142621007998, 0.142478141279, 0.721381917797),
    ("des", "beta", "t3", 0.412322274882, 0.138024477776, 0.152463061940, 0.714601371738),
    ("des", "mean", "t1", 0.522620904836, 0.115450362258, 0.283793634325, 0.761448175348),
    ("des", "mean", "t3", 0.412322274882, 0.138024477776, 0.116289212341, 0.708355337422),
    # svyby(~y, ~town, dwf, svyciprop, method=m, vartype=c("se", "ci"))
    ("dwf", "logit", "t3", 0.465517241379, 0.1216696613303, 0.233802968128, 0.713135187372),
    ("dwf", "beta", "t1", 0.492401215805, 0.0988478323014, 0.290123051985, 0.696519237821),
    ("dwf", "mean", "t2", 0.414414414414, 0.1191788778326, 0.158801143758, 0.670027685071),
]


@pytest.mark.parametrize(("design", "method", "town", "p", "se", "low", "high"), DOMAIN_CASES)
def test_domain_proportion_matches_svyby(
    designs, survey_data, design, method, town, p, se, low, high
):
    mask = survey_data.town == town
    result = proportion(survey_data.y, **designs[design], domain=mask, method=method)
    close(result, p, se, low, high)
    assert result.n == int(mask.sum())
    # degf(subset(des, town == "t1")) is 23: R's domain df is the domain's units - strata
    assert result.df == int(mask.sum()) - 3


def test_domain_with_whole_design_df(designs, survey_data):
    # r <- svyciprop(~y, subset(des, town == "t1"), method="logit", df=degf(des))
    result = proportion(survey_data.y, **designs["des"], domain=survey_data.town == "t1", df=57)
    close(result, 0.522620904836, 0.115450362258, 0.302358347604, 0.734423624897)


# (design, estimate, se, low, high, deff)
MEAN_CASES = [
    # m <- svymean(~x, des, deff=TRUE); c(coef(m), SE(m), confint(m, df=degf(des)), deff(m))
    ("des", 61.6344827586, 6.85106310093, 47.9154655396, 75.3534999777, 1.41092642007),
    # m <- svymean(~x, dw, deff=TRUE); c(coef(m), SE(m), confint(m, df=degf(dw)), deff(m))
    ("dw", 53.4482758621, 6.15766907283, 41.117756234, 65.7787954902, 1.13955856112),
    # m <- svymean(~x, dwf, deff=TRUE); c(coef(m), SE(m), confint(m, df=degf(dwf)), deff(m))
    ("dwf", 53.4482758621, 5.97184019466, 41.4898721439, 65.4066795803, 1.07181619004),
]


@pytest.mark.parametrize(("design", "m", "se", "low", "high", "deff"), MEAN_CASES)
def test_mean_matches_svymean(designs, survey_data, design, m, se, low, high, deff):
    result = mean(survey_data.x, **designs[design])
    close(result, m, se, low, high)
    assert result.deff == pytest.approx(deff, abs=TOL)
    assert result.n_eff == pytest.approx(60 / deff)
    assert result.method == "t"


def test_domain_mean_matches_svyby(designs, survey_data):
    # s <- subset(des, town == "t1"); m <- svymean(~x, s, deff=TRUE)
    # c(coef(m), SE(m), confint(m, df=degf(s)), deff(m))
    result = mean(survey_data.x, **designs["des"], domain=survey_data.town == "t1")
    close(result, 76.0842433697, 7.67143279699, 60.2146755314, 91.953811208)
    assert result.deff == pytest.approx(1.39135933264, abs=TOL)


# (design, estimate, se, low, high, deff)
TOTAL_CASES = [
    # t <- svytotal(~y, des, deff=TRUE); c(coef(t), SE(t), confint(t, df=degf(des)), deff(t))
    ("des", 667.0, 110.620260826, 445.486748598, 888.513251402, 1.44207209786),
    # t <- svytotal(~y, dw, deff=TRUE); c(coef(t), SE(t), confint(t, df=degf(dw)), deff(t))
    ("dw", 362.0, 52.4378495953, 256.995017426, 467.004982574, 1.15285465407),
    # t <- svytotal(~y, dwf, deff=TRUE); c(coef(t), SE(t), confint(t, df=degf(dwf)), deff(t))
    ("dwf", 362.0, 50.8585647045, 260.15748087, 463.84251913, 1.08445868036),
]


@pytest.mark.parametrize(("design", "t", "se", "low", "high", "deff"), TOTAL_CASES)
def test_total_matches_svytotal(designs, survey_data, design, t, se, low, high, deff):
    result = total(survey_data.y, **designs[design])
    close(result, t, se, low, high)
    assert result.deff == pytest.approx(deff, abs=TOL)


def test_domain_total_matches_r(designs, survey_data):
    # s <- subset(dwf, town == "t2"); t <- svytotal(~y, s, deff=TRUE)
    # c(coef(t), SE(t), confint(t, df=degf(s)), deff(t))
    result = total(survey_data.y, **designs["dwf"], domain=survey_data.town == "t2")
    close(result, 92.0, 32.565176437, 22.1546430882, 161.845356912)
    assert result.deff == pytest.approx(1.53636635311, abs=TOL)


def test_total_lower_limit_is_not_negative():
    result = total([1, 0, 0, 0, 0, 0], weights=[50.0] * 6)
    assert result.low == 0.0
    assert result.estimate == 50.0


def test_simple_random_sample_without_replacement(survey_data):
    srs = {"fpc": [1000] * 60}
    # s <- svydesign(ids=~1, fpc=~rep(1000, 60), data=d)
    # r <- svyciprop(~y, s, method="beta"); c(coef(r), SE(r), confint(r))
    close(
        proportion(survey_data.y, **srs, method="beta"),
        0.466666666667,
        0.0629710123727,
        0.339607425398,
        0.596975180968,
    )
    # m <- svymean(~x, s, deff=TRUE); c(coef(m), SE(m), confint(m, df=degf(s)), deff(m))
    result = mean(survey_data.x, **srs)
    close(result, 59.5, 5.77702198809, 47.9402057027, 71.0597942973)
    assert result.deff == pytest.approx(1.0, abs=TOL)


@pytest.fixture
def lonely_data(survey_data):
    """The survey data with unit 60 moved to its own stratum "z" (N = 40)."""
    h, population = survey_data.h.copy(), survey_data.N.copy()
    h[59], population[59] = "z", 40.0
    return h, population


def test_lonely_stratum_adjust(survey_data, lonely_data):
    h, population = lonely_data
    # d2 <- d; d2$h[60] <- "z"; d2$N[60] <- 40; options(survey.lonely.psu="adjust")
    # l <- svydesign(ids=~1, strata=~h, fpc=~N, data=d2)
    # r <- svyciprop(~y, l, method="logit"); c(coef(r), SE(r), confint(r))
    close(
        proportion(survey_data.y, strata=h, fpc=population),
        0.451006711409,
        0.0752949092864,
        0.308788706272,
        0.601706429653,
    )
    # m <- svymean(~x, l); c(coef(m), SE(m), confint(m, df=degf(l)))
    close(
        mean(survey_data.x, strata=h, fpc=population),
        60.3921380633,
        6.86038974384,
        46.6491259812,
        74.1351501453,
    )
    # t <- svytotal(~y, l); c(coef(t), SE(t), confint(t, df=degf(l)))
    close(
        total(survey_data.y, strata=h, fpc=population),
        672.0,
        110.76619429,
        450.108649326,
        893.891350674,
    )


def test_lonely_stratum_remove_and_fail(survey_data, lonely_data):
    h, population = lonely_data
    # options(survey.lonely.psu="remove"); l <- svydesign(ids=~1, strata=~h, fpc=~N, data=d2)
    # m <- svymean(~x, l); c(coef(m), SE(m), confint(m, df=degf(l)))
    close(
        mean(survey_data.x, strata=h, fpc=population, lonely="remove"),
        60.3921380633,
        6.67099380267,
        47.0285316426,
        73.755744484,
    )
    with pytest.raises(ValueError, match="stratum 'z' has a single unit"):
        mean(survey_data.x, strata=h, fpc=population, lonely="fail")


def test_lonely_stratum_fully_enumerated_is_fine(survey_data, lonely_data):
    h, population = lonely_data
    population[59] = 1.0
    # options(survey.lonely.psu="fail"); d3 <- d2; d3$N[60] <- 1
    # m <- svymean(~x, svydesign(ids=~1, strata=~h, fpc=~N, data=d3)); c(coef(m), SE(m))
    close(
        mean(survey_data.x, strata=h, fpc=population, lonely="fail"), 62.0153588658, 6.85029687524
    )


def test_plain_t_interval_without_design(survey_data):
    # t.test(d$x)$conf.int; mean(d$x)
    result = mean(survey_data.x)
    close(result, 59.5, np.std(survey_data.x, ddof=1) / np.sqrt(60), 47.5769825594, 71.4230174406)
    assert result.df == 59 and result.deff == pytest.approx(1.0)
    # t.test(d$x, conf.level=0.99)$conf.int
    close(mean(survey_data.x, level=0.99), 59.5, result.se, 43.6397954377, 75.3602045623)


def test_weights_default_from_fpc_equal_explicit_weights(designs, survey_data):
    weights = survey_data.N / np.select([survey_data.h == "a", survey_data.h == "b"], [25, 20], 15)
    assert mean(survey_data.x, **designs["des"]) == mean(
        survey_data.x, strata=survey_data.h, fpc=survey_data.N, weights=weights
    )


def test_estimate_is_frozen():
    result = proportion([1, 0, 1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.estimate = 0.5  # type: ignore[misc]
