"""Shared test data for the sampling tests.

``survey_data`` is a small stratified sample built by integer formulas, so that R can build
exactly the same data frame. The expected values in the tests come from R 4.2.2 with
survey 4.1.1 and sampling 2.9, after running::

    library(survey)
    i <- 0:59
    d <- data.frame(h = ifelse(i < 25, "a", ifelse(i < 45, "b", "c")))
    d$N <- c(a = 400, b = 900, c = 150)[d$h]
    d$y <- as.integer((i * 37) %% 11 < 5)
    d$x <- c(100, 80, 60, 30, 0)[((i * i + 3 * i) %% 7) %% 5 + 1]
    d$w <- 10 + (i * 13) %% 7
    d$town <- c("t1", "t2", "t3")[((i * 5) %% 7) %% 3 + 1]
    des <- svydesign(ids=~1, strata=~h, fpc=~N, data=d)
    dw  <- svydesign(ids=~1, strata=~h, weights=~w, data=d)
    dwf <- svydesign(ids=~1, strata=~h, fpc=~N, weights=~w, data=d)

and printing with ``sprintf("%.12g", ...)``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest


def build_survey_data() -> SimpleNamespace:
    """Return the 60-unit stratified sample described in this module's docstring."""
    i = np.arange(60)
    h = np.where(i < 25, "a", np.where(i < 45, "b", "c"))
    population = np.select([h == "a", h == "b"], [400.0, 900.0], 150.0)
    return SimpleNamespace(
        h=h,
        N=population,
        y=((i * 37) % 11 < 5).astype(int),
        x=np.array([100.0, 80.0, 60.0, 30.0, 0.0])[((i * i + 3 * i) % 7) % 5],
        w=(10 + (i * 13) % 7).astype(float),
        town=np.array(["t1", "t2", "t3"])[((i * 5) % 7) % 3],
    )


@pytest.fixture
def survey_data() -> SimpleNamespace:
    return build_survey_data()


@pytest.fixture
def designs(survey_data: SimpleNamespace) -> dict[str, dict]:
    """Keyword arguments for the three R designs ``des``, ``dw`` and ``dwf``."""
    d = survey_data
    return {
        "des": {"strata": d.h, "fpc": d.N},
        "dw": {"strata": d.h, "weights": d.w},
        "dwf": {"strata": d.h, "fpc": d.N, "weights": d.w},
    }

