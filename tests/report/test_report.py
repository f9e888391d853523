"""`districtlab report`: an offline page, figures for papers, numbers that agree with the experiments API."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.config import Scenario
from districtlab.experiments import ExperimentResult, compare, cost_per_additional, run_scenarios
from districtlab.experiments.analysis import ExperimentData, cost_table, difference_table, verdict
from districtlab.report.odd import SUBMODELS
from tests.conftest import small

ODD = Path(__file__).resolve().parents[2] / "ODD.md"


def designs() -> dict[str, Scenario]:
    scenario = small("toy-valley", firms=200, months=48)
    return {
        "place-based": scenario,
        "generic": scenario.with_programme("generic"),
        "no programme": scenario.with_programme("none"),
    }


@pytest.fixture(scope="module")
def experiment() -> ExperimentResult:
    return run_scenarios(designs(), replications=4, rng=3)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same experiment, kept in an experiment directory."""
    directory = tmp_path_factory.mktemp("stored") / "experiment"
    run_scenarios(designs(), replications=4, rng=3, store=directory)
    return directory


def test_differences_and_costs_agree_with_the_experiments_api(experiment: ExperimentResult) -> None:
    data = ExperimentData.of(experiment)
    mine = difference_table(data, baseline="no programme").set_index(["scenario", "outcome"])
    theirs = compare(experiment, baseline="no programme").differences.set_index(["scenario", "outcome"])
    for (design, outcome), row in mine.iterrows():
        expected = theirs.loc[(design, outcome)]
        assert (row["difference"], row["ci_low"], row["ci_high"]) == pytest.approx(
            (expected["difference"], expected["ci_low"], expected["ci_high"])
        )
    costs = cost_table(data, baseline="no programme").set_index("scenario")
    reference = cost_per_additional(experiment, baseline="no programme").set_index("scenario")
    np.testing.assert_allclose(
        costs[["eur_per_additional_adopter", "ci_low", "ci_high"]].to_numpy(),
        reference.loc[costs.index, ["eur_per_additional", "ci_low", "ci_high"]].to_numpy(),
    )


def _data(first: list[float], second: list[float]) -> ExperimentData:
    rows = [
        {
            "scenario": name,
            "replication": r,
            "new_adopters": value,
            "laggard_share": 0.2,
            "programme_spend_eur": 0.0,
        }
        for name, values in (("A", first), ("B", second))
        for r, value in enumerate(values)
    ]
    return ExperimentData(
        names=("A", "B"),
        scenarios=(),
        outcomes=pd.DataFrame(rows),
        series={},
        entropy=1,
        replications=len(first),
        common_random_numbers=True,
    )


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ([10.0, 12.0, 11.0], [5.0, 6.0, 5.5], "A does better on adoption"),
        ([5.0, 6.0, 5.5], [10.0, 12.0, 11.0], "B does better on adoption"),
        ([10.0, 5.0, 8.0], [8.0, 6.0, 9.0], "cannot be told apart"),
    ],
)
def test_the_verdict_states_the_direction_and_its_interval(
    first: list[float], second: list[float], expected: str
) -> None:
    text = verdict(_data(first, second), "A", "B")
    assert expected in text
    assert "3 paired replications" in text
    assert "95% CI" in text


def test_report_command_writes_an_offline_page_and_paper_figures(stored: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["report", str(stored), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page, "opens offline"
    assert not re.search(r"(src|href)=\"https?://", page), "opens offline"
    assert page.count("data:image/png;base64,") == 4
    for needle in (
        "95% CI",
        "place-based",
        "Scenario parameters",
        "root entropy 3",
        "spawn keys (0,)",
        "districtlab_version",
        "Process overview",
        "Observation",
    ):
        assert needle in page
    figures = sorted(p.name for p in (out / "figures").iterdir())
    stems = {"adoption", "adoption_by_size", "additional_adopters", "laggard_share_change"}
    assert figures == sorted(f"{stem}.{ext}" for stem in stems for ext in ("pdf", "png"))
    assert (out / "figures" / "adoption.pdf").read_bytes().startswith(b"%PDF")


def test_a_stored_experiment_reads_as_the_same_numbers(stored: Path, experiment: ExperimentResult) -> None:
    loaded = ExperimentData.of(ExperimentResult.load(stored))
    original = ExperimentData.of(experiment)
    assert loaded.names == original.names
    assert loaded.scenarios == original.scenarios
    np.testing.assert_array_equal(
        loaded.series["adoption_share_mean"], original.series["adoption_share_mean"]
    )
    pd.testing.assert_frame_equal(
        difference_table(loaded, baseline="no programme"), difference_table(original, baseline="no programme")
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: None, "no such experiment directory"),
        (lambda d: d.mkdir(), "not a districtlab experiment"),
        (lambda d: (d.mkdir(), (d / "experiment.json").write_text("{")), "corrupted"),
        (lambda d: (d.mkdir(), (d / "experiment.json").write_text('{"format": "other"}')), "unknown format"),
    ],
)
def test_bad_directories_are_one_line_and_exit_2(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "experiment"
    make(target)
    result = CliRunner().invoke(app, ["report", str(target)])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_corrupted_results_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    directory = tmp_path / "experiment"
    run_scenarios(designs(), replications=2, rng=3, store=directory)
    next((directory / "runs").glob("part-*.parquet")).write_bytes(b"PAR1 not really")
    result = CliRunner().invoke(app, ["report", str(directory)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1


def test_an_unfinished_experiment_is_refused_in_one_line(tmp_path: Path) -> None:
    directory = tmp_path / "experiment"
    run_scenarios(designs(), replications=2, rng=3, store=directory, batch_size=1)
    for part in sorted((directory / "runs").glob("part-*.parquet"))[2:]:
        part.unlink()
    result = CliRunner().invoke(app, ["report", str(directory)])
    assert result.exit_code == 2
    assert "unfinished (2 of 6 runs)" in result.output


def test_the_odd_summary_names_the_submodels_of_odd_md() -> None:
    text = ODD.read_text(encoding="utf-8")
    table = text[text.index("### III.iv Submodels") :]
    table = table[: table.index("\n\n", table.index("| submodel"))]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    documented = [
        (row.split("|")[1].strip(), re.search(r"`(districtlab\.model\.[a-z_]+)`", row).group(1))
        for row in rows
    ]  # type: ignore[union-attr]
    assert list(SUBMODELS) == documented
