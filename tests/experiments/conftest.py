"""Tiny scenarios for experiment tests: a run takes a few milliseconds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from districtlab.config import Scenario
from districtlab.presets import load_scenario


def tiny(preset: str = "toy-valley", *, firms: int = 40, months: float = 24.0) -> Scenario:
    """A preset shrunk to a few dozen firms and months."""
    return load_scenario(preset).with_firms(firms).with_months(months)


def programmes(scenario: Scenario) -> dict[str, Scenario]:
    return {name: scenario.with_programme(name) for name in ("none", "generic", "place-based")}


def directory_digest(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` with the SHA-256 of its bytes (to show nothing changed)."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def tiny_scenario() -> Scenario:
    return tiny()
