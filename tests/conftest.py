"""Shared fixtures: small scenarios built from the shipped presets, and Hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from districtlab.config import Scenario
from districtlab.presets import list_presets, load_scenario

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def small(preset: str, *, firms: int = 300, months: float = 48.0, programme: str = "place-based") -> Scenario:
    """A preset shrunk so that a run takes a few milliseconds."""
    return load_scenario(preset).with_firms(firms).with_months(months).with_programme(programme)


@pytest.fixture(params=list_presets())
def preset_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def small_scenario() -> Scenario:
    return small("vinalopo-footwear")
