"""The examples in the evidence modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "districtlab.evidence",
    "districtlab.evidence.crosscase",
    "districtlab.evidence.networks",
    "districtlab.evidence.reliability",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_api_is_curated() -> None:
    evidence = importlib.import_module("districtlab.evidence")
    assert sorted(evidence.__all__) == sorted(set(evidence.__all__))
    assert all(hasattr(evidence, name) for name in evidence.__all__)
