"""A tiny calibration shared by the posterior tests (seconds, not minutes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from districtlab.calibration import Posterior, calibrate, load_targets

TARGETS = Path(__file__).parent / "data" / "small-targets.csv"


@pytest.fixture(scope="module")
def tiny_posterior(tmp_path_factory: pytest.TempPathFactory) -> Posterior:
    out = tmp_path_factory.mktemp("calibration") / "cal"
    return calibrate(
        "castellon-ceramics",
        load_targets(TARGETS),
        out=out,
        particles=10,
        populations=2,
        replications=1,
        seed=11,
    )
