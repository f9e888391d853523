"""The Posterior API and the predict command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.calibration import Posterior, load_posterior, prior_table
from districtlab.calibration.checks import posterior_predictive_check
from districtlab.calibration.priors import DRIFT_PER_YEAR
from districtlab.cli.main import app
from districtlab.config import SIZE_CLASSES
from districtlab.viz.calibration import predictive_check


def test_to_frame_sample_and_scenarios(tiny_posterior: Posterior) -> None:
    frame = tiny_posterior.to_frame()
    assert len(frame) == 10
    assert frame.weight.sum() == pytest.approx(1.0)
    assert 1.0 <= tiny_posterior.effective_sample_size <= len(frame)
    for prior in tiny_posterior.problem.priors:
        low, high = sorted((prior.natural(prior.low), prior.natural(prior.high)))
        assert frame[prior.name].between(low, high).all(), prior.name
    first = tiny_posterior.sample(5, np.random.default_rng(1))
    again = tiny_posterior.sample(5, np.random.default_rng(1))
    pd.testing.assert_frame_equal(first, again)
    scenarios = tiny_posterior.scenarios(3, 2, until_year=2022)
    assert len(scenarios) == 3
    assert all(s.months == 12 * (2022 - 2012) for s in scenarios)
    # the 2018 programme still starts in 2018 on the 2012 calendar
    assert all(s.programme.start_month == 72 for s in scenarios)
    draw = tiny_posterior.sample(1, 0).iloc[0]
    robotics = next(t for t in tiny_posterior.scenario(draw.to_dict()).technologies if t.name == "robotics")
    assert robotics.initial_adoption.small == pytest.approx(min(0.95, draw["initial_small.robotics"]))


def test_predict_gives_one_row_per_size_class_wider_after_the_data(tiny_posterior: Posterior) -> None:
    fitted = tiny_posterior.predict("robotics", 2018, draws=20, rng=3)
    assert list(fitted.size_class) == list(SIZE_CLASSES)
    assert (fitted.low <= fitted["mean"]).all()
    assert (fitted["mean"] <= fitted.high).all()
    assert fitted.in_fit.all()
    assert not fitted.extrapolated.any()
    later = tiny_posterior.predict("robotics", 2024, draws=20, rng=3)
    assert not later.in_fit.any()
    assert later.extrapolated.all()
    assert (later.years_beyond_fit == 4).all()
    assert (later.last_fitted_year == 2020).all()
    assert later.discrepancy_sd.iloc[0] == pytest.approx(
        np.hypot(fitted.discrepancy_sd.iloc[0], 4 * DRIFT_PER_YEAR)
    )
    all_firms = tiny_posterior.predict("cloud_erp", 2016, by="all", draws=10)
    assert list(all_firms.size_class) == ["all"]
    # per indicator: the Eurostat figure for small and large only (the tiny targets have no other)
    eurostat = tiny_posterior.predict("robotics", 2022, draws=20, rng=3, indicator="eurostat_e_rbt")
    assert list(eurostat.indicator.unique()) == ["eurostat_e_rbt"]
    covered = eurostat.set_index("size_class")
    assert list(covered.basis[["small", "large"]]) == ["indicator bias"] * 2
    assert list(covered.basis[["micro", "medium"]]) == ["not covered"] * 2
    assert covered.loc[["micro", "medium"], "mean"].isna().all()
    assert (covered.loc[["small", "large"], "low"] <= covered.loc[["small", "large"], "high"]).all()
    assert (later.set_index("size_class").basis[["micro", "medium"]] == "prior discrepancy").all()
    with pytest.raises(ValueError, match="not fitted to robotics"):
        tiny_posterior.predict("robotics", 2018, indicator="eurostat_e_cc")
    with pytest.raises(ValueError, match="unknown technology"):
        tiny_posterior.predict("teleport", 2018)
    with pytest.raises(ValueError, match="not after"):
        tiny_posterior.predict("robotics", 2010)


def test_summary_and_predictive_check(tiny_posterior: Posterior) -> None:
    summary = tiny_posterior.summary()
    assert list(summary.parameter) == [p.name for p in tiny_posterior.problem.priors]
    assert (summary.low <= summary.high).all()
    check = posterior_predictive_check(tiny_posterior, draws=10)
    assert len(check) == len(tiny_posterior.problem.targets.frame)
    assert check.covered.dtype == bool
    figure = predictive_check(check)
    assert len([ax for ax in figure.axes if ax.get_visible()]) == check.indicator.nunique()


def test_predict_command_speaks_spanish_and_keeps_the_files_machine_readable(
    tiny_posterior: Posterior, tmp_path: Path
) -> None:
    assert tiny_posterior.directory is not None
    target = tmp_path / "robots.csv"
    result = CliRunner().invoke(
        app,
        ["predict", str(tiny_posterior.directory), "--technology", "robotics", "--year", "2018", "--draws", "10",
         "--out", str(target), "--lang", "es"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "enero de 2018" in result.output
    assert "intervalo del 90 %" in result.output.replace("\xa0", " ")
    assert "Mediana" in result.output  # size classes in words
    assert list(pd.read_csv(target).size_class) == list(SIZE_CLASSES)


def test_predict_command_prints_and_writes_the_table(tiny_posterior: Posterior, tmp_path: Path) -> None:
    assert tiny_posterior.directory is not None
    directory = Path(tiny_posterior.directory)
    target = tmp_path / "robots.csv"
    result = CliRunner().invoke(
        app,
        [
            "predict",
            str(directory),
            "--technology",
            "robotics",
            "--year",
            "2018",
            "--draws",
            "10",
            "--out",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "eurostat_e_rbt" in result.output
    table = pd.read_csv(target)
    assert list(table.size_class) == list(SIZE_CLASSES)
    from districtlab.i18n.labels import LABELS

    for size in SIZE_CLASSES:
        assert (
            LABELS[size] in result.output
        )  # on screen in words (Micro, Small, ...); the CSV keeps the names
    reloaded = load_posterior(directory)
    pd.testing.assert_frame_equal(reloaded.to_frame(), tiny_posterior.to_frame())
    bad = CliRunner().invoke(app, ["predict", str(tmp_path), "--technology", "robotics", "--year", "2018"])
    assert bad.exit_code == 2
    assert "not a finished calibration" in bad.output
    unknown = CliRunner().invoke(
        app, ["predict", str(directory), "--technology", "teleport", "--year", "2018"]
    )
    assert unknown.exit_code == 2


def test_prior_table_is_in_odd() -> None:
    odd = (Path(__file__).resolve().parents[2] / "ODD.md").read_text(encoding="utf-8")
    assert prior_table() in odd, "regenerate it: python -m districtlab.calibration.priors"


def test_check_and_policy_commands_write_their_tables(tiny_posterior: Posterior) -> None:
    assert tiny_posterior.directory is not None
    directory = Path(tiny_posterior.directory)
    check = CliRunner().invoke(app, ["calibration-check", str(directory), "--draws", "10"])
    assert check.exit_code == 0, check.output
    assert "90% predictive coverage" in check.output
    assert "Time split" in check.output
    split = pd.read_csv(directory / "time_split.csv")
    assert set(split.indicator) == {"eurostat_e_rbt"}  # the only series with a figure before 2020 and in 2020
    assert set(split.size_class) == {"small", "large"}
    assert (split.trained_until == 2018).all()
    assert split.covered.dtype == bool
    assert (directory / "ppc.png").read_bytes().startswith(b"\x89PNG")
    assert len(pd.read_csv(directory / "ppc.csv")) == len(tiny_posterior.problem.targets.frame)
    policy = CliRunner().invoke(
        app,
        [
            "calibration-policy",
            str(directory),
            "--draws",
            "2",
            "--replications",
            "2",
            "--comparisons",
            "place_based_minus_generic",
        ],
    )
    assert policy.exit_code == 0, policy.output
    assert "parameter uncertainty" in policy.output
    table = pd.read_csv(directory / "policy.csv")
    assert list(table.comparison) == ["place_based_minus_generic"]
    bad = CliRunner().invoke(app, ["calibration-policy", str(directory), "--comparisons", "magic"])
    assert bad.exit_code == 2
    assert "unknown comparison" in bad.output
