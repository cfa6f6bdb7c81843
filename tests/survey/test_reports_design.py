"""Design-based figures for a stratified sample, with non-response adjusted weights.

Expected values from R 4.2.2, survey 4.1.1::

    i <- 0:27; h <- ifelse(i < 10, "a", ifelse(i < 22, "b", "c"))
    N <- c(a=400, b=900, c=150)[h]; r <- c(a=10, b=12, c=6)[h]
    y <- as.integer((i * 7) %% 5 < 3); x <- c(100, 80, 60, 30, 0)[(i * 3) %% 5 + 1]
    town <- ifelse(i %% 3 == 0, 1, 2)
    des <- svydesign(ids=~1, strata=~h, fpc=~N, weights=~N/r, data=data.frame(h, N, r, y, x, town))
    svyciprop(~y, des, method="logit")
    #   0.631034482759 [0.412058852912, 0.806710422163]
    confint(svymean(~x, des), df=degf(des))
    #   55.5862068966 [40.0625529056, 71.1098608875]
    svyciprop(~y, subset(des, town == 1), method="logit")
    #   0.676470588235 [0.277703920165, 0.919166627471]
"""

import numpy as np
import pytest

from survey.models import QuestionRole
from survey.reports.data import ProgramData, adjusted_weights
from survey.reports.service import figures_for

SCORE_CODES = ["satisfied", "fairly_satisfied", "neutral", "fairly_dissatisfied", "dissatisfied"]


def _data() -> ProgramData:
    i = np.arange(28)
    h = np.where(i < 10, "a", np.where(i < 22, "b", "c")).astype(object)
    population = np.select([h == "a", h == "b"], [400.0, 900.0], 150.0)
    drawn = np.select([h == "a", h == "b"], [12.0, 15.0], 8.0)  # some drawn did not respond
    weights = adjusted_weights(h, population / drawn, population)
    data = ProgramData("stratified", h, population, weights, np.where(i % 3 == 0, 1, 2))
    y = (i * 7) % 5 < 3
    data.answers[QuestionRole.AWARENESS] = np.where(y, "know", "unaware").astype(object)
    data.answers[QuestionRole.SATISFACTION] = np.array(
        [SCORE_CODES[(k * 3) % 5] for k in i], dtype=object)
    return data


def test_respondents_stand_for_their_stratum():
    data = _data()
    for label, population, respondents in (("a", 400, 10), ("b", 900, 12), ("c", 150, 6)):
        inside = data.strata == label
        assert data.weights[inside] == pytest.approx(population / respondents)
        assert data.weights[inside].sum() == pytest.approx(population)


def test_stratified_figures_equal_r():
    figures = figures_for(_data(), np.ones(28, bool), delivery=False)
    awareness, score = figures["awareness"], figures["score"]
    assert (awareness.estimate, awareness.low, awareness.high) == pytest.approx(
        (0.631034482759, 0.412058852912, 0.806710422163), abs=1e-6)
    assert (score.estimate, score.low, score.high) == pytest.approx(
        (55.5862068966, 40.0625529056, 71.1098608875), abs=1e-6)
    assert awareness.n == 28 and "delivery" not in figures


def test_a_town_is_a_domain_inside_the_design():
    data = _data()
    figure = figures_for(data, data.towns == 1, delivery=False)["awareness"]
    assert figure.n == 10
    assert (figure.estimate, figure.low, figure.high) == pytest.approx(
        (0.676470588235, 0.277703920165, 0.919166627471), abs=1e-6)
