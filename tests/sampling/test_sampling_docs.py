"""The Examples in sampling's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import inspect
from pathlib import Path

import pytest

MODULES = [
    "sampling._allocation",
    "sampling._pps",
    "sampling.coordination",
    "sampling.designs",
    "sampling._ordered",
    "sampling.estimate",
    "sampling.rates",
    "sampling.size",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    "name",
    [
        "sampling.estimate",
        "sampling.designs",
        "sampling.size",
        "sampling.rates",
        "sampling.coordination",
    ],
)
def test_public_functions_have_numpydoc_docstrings(name):
    module = importlib.import_module(name)
    for attribute in getattr(module, "__all__", dir(module)):
        value = getattr(module, attribute)
        if inspect.isfunction(value) and not attribute.startswith("_"):
            assert value.__module__.startswith("sampling")
            assert value.__doc__, f"{name}.{attribute} has no docstring"
            if value.__module__ != "sampling.coordination" or attribute == "prn":
                assert "Examples" in value.__doc__ or "Returns" in value.__doc__, attribute


def test_readme_examples():
    readme = Path(importlib.import_module("sampling").__file__).parent / "README.md"
    result = doctest.testfile(str(readme), module_relative=False)
    assert result.attempted > 20
    assert result.failed == 0
