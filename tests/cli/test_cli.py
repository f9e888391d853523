"""The command line: presets, run and one-line errors with exit status 2 for bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.presets import preset_text

runner = CliRunner()
CONSOLE_SCRIPT = Path(sys.executable).with_name("districtlab")


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_presets_lists_the_three_districts() -> None:
    result = invoke("presets")
    assert result.exit_code == 0
    for name in ("castellon-ceramics", "vinalopo-footwear", "toy-valley"):
        assert name in result.output


def test_presets_export_writes_an_editable_file(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    result = invoke("presets", "--export", "toy-valley", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text() == preset_text("toy-valley")


def test_run_writes_results_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "run",
        "toy-valley",
        "--firms",
        "120",
        "--months",
        "24",
        "--replications",
        "3",
        "--seed",
        "4",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "adoption share" in result.output
    for name in ("results.parquet", "outcomes.parquet", "adoption.png", "metadata.json", "scenario.toml"):
        assert (out / name).exists(), name
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert list(outcomes["replication"]) == [0, 1, 2]
    assert set(outcomes["seed_entropy"]) == {"4"}
    tidy = pd.read_parquet(out / "results.parquet")
    assert {"step", "technology", "size_class", "role", "metric", "value", "replication"} <= set(tidy.columns)


def test_run_is_reproducible_from_its_seed(tmp_path: Path) -> None:
    frames = []
    for name in ("a", "b"):
        invoke(
            "run",
            "vinalopo-footwear",
            "--firms",
            "150",
            "--months",
            "12",
            "--seed",
            "9",
            "--out",
            str(tmp_path / name),
        )
        frames.append(pd.read_parquet(tmp_path / name / "results.parquet"))
    pd.testing.assert_frame_equal(*frames)


def test_run_rescales_firms_and_chooses_programme(tmp_path: Path) -> None:
    result = invoke(
        "run",
        "castellon-ceramics",
        "--firms",
        "500",
        "--months",
        "6",
        "--programme",
        "generic",
        "--seed",
        "1",
        "--out",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert "500 firms" in result.output
    assert "Generic regional programme" in result.output


def write_edit(tmp_path: Path, old: str, new: str) -> Path:
    text = preset_text("castellon-ceramics")
    assert old in text
    path = tmp_path / "scenario.toml"
    path.write_text(text.replace(old, new, 1))
    return path


BAD_FILES = {
    "wrong type": (("months = 120.0", 'months = "ten years"'), "months", "expected a number"),
    "out of range": (
        ("relevance = 0.9", "relevance = 1.9"),
        "technologies.0.relevance",
        "less than or equal to 1",
    ),
    "unknown key": (("dt = 1.0", "dt = 1.0\nspeed = 2"), "speed", "unknown key"),
    "malformed TOML": (("dt = 1.0", "dt = = 1.0"), "", "malformed TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_scenario_file_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    (old, new), field, problem = BAD_FILES[case]
    path = write_edit(tmp_path, old, new)
    completed = subprocess.run(
        [str(CONSOLE_SCRIPT), "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout
    assert str(path) in lines[0]
    assert field in lines[0]
    assert problem in lines[0]
    assert not (tmp_path / "o").exists(), "nothing is written for bad input"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("run", "no/such/scenario.toml"), "no such file"),
        (("run", "atlantis"), "unknown preset 'atlantis'"),
        (("run", "toy-valley", "--firms", "1"), "at least 2"),
        (("run", "toy-valley", "--months=-5"), "months: Input should be greater than 0"),
        (("presets", "--export", "atlantis", "x.toml"), "unknown preset"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args: tuple[str, ...], expected: str, tmp_path: Path) -> None:
    completed = subprocess.run(
        [str(CONSOLE_SCRIPT), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert expected in lines[0], completed.stderr
    assert "Traceback" not in completed.stderr


def test_unknown_programme_option_is_a_usage_error() -> None:
    result = invoke("run", "toy-valley", "--programme", "bespoke")
    assert result.exit_code == 2


def test_run_writes_an_experiment_that_report_renders(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = invoke(
        "run",
        "toy-valley",
        "--firms",
        "60",
        "--months",
        "12",
        "--replications",
        "2",
        "--seed",
        "9",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    from districtlab.experiments import ExperimentResult

    stored = ExperimentResult.load(out / "experiment").outcomes()
    written = pd.read_parquet(out / "outcomes.parquet")
    assert stored["spawn_key"].tolist() == written["spawn_key"].tolist() == ["0", "1"]
    pd.testing.assert_series_equal(
        stored["firms_adopting"], written["firms_adopting"], check_names=False, check_index=False
    )
    rendered = invoke("report", str(out))
    assert rendered.exit_code == 0, rendered.output
    page = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "Toy Valley" in page
    assert "<script" not in page, "opens offline"


def test_runs_intervals_of_shares_and_counts_stay_within_their_bounds(tmp_path: Path) -> None:
    # Two years of a small district: few SME adoptions, so several channel shares are 0 in most
    # replications and their t intervals would reach below zero if they were not cut to [0, 1].
    result = invoke(
        "run", "toy-valley", "--firms", "120", "--months", "24", "--replications", "3", "--seed", "4",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lows = [float(low) for low in re.findall(r"\[\s*(-?[\d.,]+)", result.output.replace(",", ""))]
    assert lows, result.output
    assert min(lows) >= 0.0, result.output
