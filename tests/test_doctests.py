"""The examples in atlas/core docstrings are run, so they stay true."""

import doctest
import importlib
import pkgutil

import pytest

import atlas.core

MODULES = sorted(
    name
    for _finder, name, _is_package in pkgutil.walk_packages(atlas.core.__path__, "atlas.core.")
    if ".tests" not in name
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
