"""sampling.size: Cochran's sample size, its inverse and per-cell sizes."""

from __future__ import annotations

import pytest

from sampling.size import cochran, for_cells, margin

TOL = 1e-6


def test_cochran_steps_match_r():
    size = cochran(0.05, population=2000, deff=1.5, response_rate=0.6)
    # z <- qnorm(0.975); n0 <- z^2*0.25/0.05^2; n0; n0/(1+(n0-1)/2000)
    assert size.n0 == pytest.approx(384.145882069, abs=TOL)
    assert size.n_fpc == pytest.approx(322.385536664, abs=TOL)
    # 1.5*n0/(1+(1.5*n0-1)/2000); ceiling(that/0.6)
    assert size.n_deff == pytest.approx(447.51057109, abs=TOL)
    assert size.n_final == 746
    assert [label for label, _, _ in size.steps] == ["z", "n0", "n_fpc", "n_deff", "n_final"]
    assert size.steps[-1][2] == 746.0
    assert all(isinstance(formula, str) and formula for _, formula, _ in size.steps)


def test_cochran_without_population():
    size = cochran(0.03, p=0.3, level=0.9)
    # z <- qnorm(0.95); z^2*0.3*0.7/0.03^2
    assert size.n0 == pytest.approx(631.293472622, abs=TOL)
    assert size.n_fpc == size.n0 == size.n_deff
    assert size.n_final == 632
    assert "n_fpc" not in [label for label, _, _ in size.steps]


def test_final_size_never_exceeds_the_population():
    size = cochran(0.05, population=100, response_rate=0.5)
    assert size.n_final == 100


def test_margin_inverts_the_size():
    size = cochran(0.04, p=0.35, population=3000, deff=1.3)
    assert margin(size.n_deff, p=0.35, population=3000, deff=1.3) == pytest.approx(0.04)
    assert margin(cochran(0.05).n0) == pytest.approx(0.05)
    # qnorm(0.975)*sqrt(1.2*0.4*0.6/300*(1000-300)/(1000-1))
    assert margin(300, p=0.4, population=1000, deff=1.2) == pytest.approx(0.0508334965537, abs=TOL)
    assert margin(10, population=10) == 0.0


def test_for_cells_sizes_each_town():
    sizes = for_cells({"east": 5000, "west": 300}, 0.1, response_rate=0.8)
    assert sizes["east"] == cochran(0.1, population=5000, response_rate=0.8)
    assert sizes["west"].n_final < sizes["east"].n_final


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"e": 0.0}, "e .* must be between 0 and 1"),
        ({"e": 5}, "e .* must be between 0 and 1"),
        ({"e": 0.05, "p": 1.0}, "p must be strictly between 0 and 1"),
        ({"e": 0.05, "deff": 0}, "deff must be > 0"),
        ({"e": 0.05, "response_rate": 0}, r"response_rate must be in \(0, 1\]"),
        ({"e": 0.05, "level": 1.0}, "level must be strictly between 0 and 1"),
        ({"e": 0.05, "population": 0}, "population must be an int >= 1"),
    ],
)
def test_bad_inputs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cochran(**kwargs)


def test_bad_margin_inputs():
    with pytest.raises(ValueError, match="n must be >= 1"):
        margin(0)
    with pytest.raises(ValueError, match="larger than the population"):
        margin(20, population=10)
