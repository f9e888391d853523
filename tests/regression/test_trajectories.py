"""The model reproduces the stored fixed-seed trajectories exactly."""

from __future__ import annotations

import json

import pytest

from tests.regression.trajectories import CASES, DATA, trajectory


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_is_unchanged(name: str) -> None:
    expected = json.loads((DATA / f"{name}.json").read_text())
    actual = json.loads(json.dumps(trajectory(CASES[name])))
    for key in expected:
        assert actual[key] == expected[key], f"{name}: {key} changed (see tests/regression/trajectories.py)"
