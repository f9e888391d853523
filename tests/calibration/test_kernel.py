"""The ABC-PMC kernel stays usable with few particles and collapsed weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
import pytest
from typer.testing import CliRunner

from districtlab.calibration import calibrate, load_targets
from districtlab.calibration.abc import KERNEL_FLOOR, MIN_PARTICLES, RegularisedTransition
from districtlab.cli.main import app

TARGETS = Path(__file__).parent / "data" / "small-targets.csv"


def _population(particles: int = 10, dimension: int = 12) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        rng.uniform(0, 1, (particles, dimension)), columns=[f"p{i}" for i in range(dimension)]
    )
    weights = np.full(particles, 1e-9)
    weights[0] = 1.0  # collapsed: one particle carries the population
    return frame, weights / weights.sum()


def test_the_kernel_has_full_rank_and_a_positive_density_off_the_particles_span() -> None:
    frame, weights = _population()
    away = pd.Series(np.full(frame.shape[1], 0.5) + 0.05, index=frame.columns)
    plain = pyabc.MultivariateNormalTransition(bandwidth_selector=lambda n, d: np.sqrt(2.0))
    plain.fit(frame, weights)
    assert np.linalg.matrix_rank(plain.cov) < frame.shape[1]  # what made pyabc divide by zero
    kernel = RegularisedTransition(dict.fromkeys(frame.columns, 1.0))
    kernel.fit(frame, weights)
    assert np.linalg.matrix_rank(kernel.cov) == frame.shape[1]
    assert np.all(np.diag(kernel.cov) >= KERNEL_FLOOR**2)
    density = kernel.pdf(away)
    assert np.isfinite(density)
    assert density > 0
    assert np.all(kernel.pdf(frame) > 0)


def test_ten_particles_run_past_the_population_where_weights_became_nan(tmp_path: Path) -> None:
    # seed 11 with pyabc's plain kernel: "population total weight nan" in population 7
    posterior = calibrate(
        "castellon-ceramics",
        load_targets(TARGETS),
        out=tmp_path / "cal",
        particles=MIN_PARTICLES,
        populations=7,
        replications=1,
        seed=11,
    )
    assert len(posterior.populations) == 7
    assert np.all(np.isfinite(posterior.weights))
    assert posterior.weights.sum() == pytest.approx(1.0)


def test_too_few_particles_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "calibrate",
            "castellon-ceramics",
            "--targets",
            str(TARGETS),
            "--out",
            str(tmp_path / "c"),
            "--particles",
            str(MIN_PARTICLES - 1),
        ],
    )
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not (tmp_path / "c").exists()


def test_a_failure_inside_pyabc_is_one_line_and_keeps_the_stored_populations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cal"
    arguments = ["calibrate", "castellon-ceramics", "--targets", str(TARGETS), "--out", str(out)]
    arguments += ["--particles", "10", "--populations", "2", "--replications", "1"]
    run = pyabc.ABCSMC.run

    def second_population_fails(self: pyabc.ABCSMC, *args: object, **kwargs: object) -> object:
        if (out / "abc.db").exists() and self.history is not None and self.history.max_t >= 0:
            raise AssertionError("The population total weight nan is not normalized.")
        return run(self, *args, **kwargs)

    monkeypatch.setattr(pyabc.ABCSMC, "run", second_population_fails)
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output  # the progress bar's last line aside
    assert "population 2 failed inside pyabc" in errors[0]
    monkeypatch.setattr(pyabc.ABCSMC, "run", run)
    resumed = CliRunner().invoke(app, [*arguments, "--resume"])
    assert resumed.exit_code == 0, resumed.output


def test_the_command_line_defaults_are_the_library_defaults() -> None:
    from districtlab.calibration import Settings, abc
    from districtlab.cli import calibrate as command

    assert Settings.particles == command.DEFAULT_PARTICLES
    assert Settings.populations == command.DEFAULT_POPULATIONS
    assert command.MIN_PARTICLES == abc.MIN_PARTICLES
    result = CliRunner().invoke(app, ["calibrate", "--help"], env={"COLUMNS": "200"})
    assert "default: 100" in result.output
    assert "30 minutes" in result.output
