"""Bad input to sampling.estimate raises a ValueError that names what is wrong."""

from __future__ import annotations

import pytest

from sampling.estimate import difference, mean, proportion, total


def test_lengths_must_match():
    with pytest.raises(ValueError, match="weights has 2 values for 3 units"):
        proportion([1, 0, 1], weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="strata has 4 values for 3 units"):
        mean([1.0, 2.0, 3.0], strata=["a", "a", "b", "b"])
    with pytest.raises(ValueError, match="domain has 2 values"):
        total([1, 0, 1], domain=[True, False])


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_weights_must_be_positive(bad):
    with pytest.raises(ValueError, match=r"weights must be > 0; position 1"):
        proportion([1, 0, 1], weights=[1.0, bad, 2.0])


@pytest.mark.parametrize("bad", [2, -1, 0.5])
def test_y_must_be_zero_or_one(bad):
    with pytest.raises(ValueError, match=r"y must be 0 or 1 for every unit; position 2"):
        proportion([1, 0, bad])


def test_values_must_be_finite_numbers():
    with pytest.raises(ValueError, match="x must be finite numbers; position 1"):
        mean([1.0, float("nan")])
    with pytest.raises(ValueError, match="y must be numbers"):
        proportion(["yes", "no"])


@pytest.mark.parametrize("level", [0.0, 1.0, 95, -0.5])
def test_level_must_be_inside_zero_one(level):
    with pytest.raises(ValueError, match="level must be strictly between 0 and 1"):
        proportion([1, 0], level=level)
    with pytest.raises(ValueError, match="level must be strictly between 0 and 1"):
        difference(proportion([1, 0]), proportion([0, 1]), level=level)


def test_unknown_method_lists_the_allowed_ones():
    with pytest.raises(ValueError) as info:
        proportion([1, 0, 1], method="jeff")  # type: ignore[arg-type]
    message = str(info.value)
    assert "unknown method 'jeff'" in message
    for method in ("wilson", "clopper-pearson", "jeffreys", "agresti-coull", "logit", "beta"):
        assert repr(method) in message


@pytest.mark.parametrize("design", [{"weights": [1.0, 2.0, 3.0]}, {"strata": ["a", "a", "b"]}])
def test_simple_method_with_a_design_names_the_design_methods(design):
    with pytest.raises(ValueError, match="use a design method: 'logit', 'beta', 'mean'"):
        proportion([1, 0, 1], **design, method="wilson")


def test_unknown_lonely_rule():
    with pytest.raises(ValueError, match="unknown lonely rule 'average'; allowed: 'adjust'"):
        mean([1.0, 2.0], lonely="average")  # type: ignore[arg-type]


def test_no_units():
    with pytest.raises(ValueError, match="no units"):
        proportion([])
    with pytest.raises(ValueError, match="no units"):
        proportion([1, 0], domain=[False, False])
    with pytest.raises(ValueError, match="no units"):
        mean([1.0, 2.0], weights=[1.0, 1.0], domain=[False, False])


def test_no_degrees_of_freedom():
    with pytest.raises(ValueError, match=r"no degrees of freedom left \(df = 0\)"):
        mean([3.0])
    with pytest.raises(ValueError, match="no degrees of freedom"):
        proportion([1, 0, 1], strata=["a", "b", "c"])
    with pytest.raises(ValueError, match="no degrees of freedom"):
        proportion([1, 0, 1], weights=[1.0, 1.0, 1.0], df=0)


def test_fpc_must_be_one_population_size_per_stratum():
    with pytest.raises(ValueError, match="fpc must be the same for every unit of stratum 'a'"):
        mean([1.0, 2.0, 3.0], strata=["a", "a", "b"], fpc=[10, 11, 5])
    with pytest.raises(ValueError, match="fpc .* of stratum 'b' is 1, smaller than its 2"):
        mean([1.0, 2.0, 3.0, 4.0], strata=["a", "a", "b", "b"], fpc=[10, 10, 1, 1])
