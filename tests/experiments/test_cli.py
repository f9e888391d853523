"""``districtlab sweep``, ``compare`` and ``sensitivity`` through the command line, good input and bad."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.experiments import ExperimentResult

from .conftest import directory_digest

runner = CliRunner()
TINY = ["toy-valley", "--firms", "40", "--months", "24"]


def invoke(*arguments: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(arguments))


def assert_one_line_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert all(needle in lines[0] for needle in needles), lines[0]
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "sweep"
    result = invoke(
        "sweep",
        *TINY,
        "--param",
        "rti.staff_fte=5:15:3",
        "--param",
        "programme.targeting=open_call,smes_first",
        "--replications",
        "2",
        "--seed",
        "8",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    return out


def test_a_factorial_sweep_writes_one_row_per_point(sweep_dir: Path) -> None:
    points = pd.read_csv(sweep_dir / "points.csv")
    assert len(points) == 6
    assert list(points.columns[:3]) == ["scenario", "rti.staff_fte", "programme.targeting"]
    assert {"new_adopters", "new_adopters_ci_low", "new_adopters_ci_high", "laggard_share"} <= set(
        points.columns
    )
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_dir / "points.parquet"), points, check_dtype=False)
    stored = ExperimentResult.load(sweep_dir)
    assert stored.complete
    assert stored.entropy == 8
    assert len(stored.outcomes()) == 12


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, read from its header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_a_sweep_draws_each_outcome_against_each_parameter(sweep_dir: Path) -> None:
    """The README promises figures from `sweep`: one panel per outcome and swept parameter."""
    width, height = _png_size(sweep_dir / "sweep.png")
    assert width > 600
    assert height > 3 * 300  # three default outcomes, one row each


def test_resume_completes_an_interrupted_sweep_with_the_stored_seed(sweep_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in sweep_dir.rglob("*"):
        target = copy / path.relative_to(sweep_dir)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif path.suffix != ".csv" and "points" not in path.name:
            target.write_bytes(path.read_bytes())
    runs = sorted((copy / "runs").iterdir())
    runs[-1].unlink()
    result = invoke(
        "sweep",
        *TINY,
        "--param",
        "rti.staff_fte=5:15:3",
        "--param",
        "programme.targeting=open_call,smes_first",
        "--replications",
        "2",
        "--out",
        str(copy),
        "--resume",
        "--workers",
        "2",
    )
    assert result.exit_code == 0, result.output
    assert "resuming" in result.stdout
    pd.testing.assert_frame_equal(pd.read_csv(copy / "points.csv"), pd.read_csv(sweep_dir / "points.csv"))


def test_lhs_and_table_designs(tmp_path: Path) -> None:
    result = invoke(
        "sweep",
        *TINY,
        "--design",
        "lhs",
        "--samples",
        "3",
        "--param",
        "behaviour.utility_slope=0.5:2",
        "--replications",
        "1",
        "--seed",
        "1",
        "--out",
        str(tmp_path / "lhs"),
    )
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "lhs" / "points.csv")) == 3
    pd.DataFrame({"rti.staff_fte": [4.0, 9.0]}).to_csv(tmp_path / "design.csv", index=False)
    result = invoke(
        "sweep",
        *TINY,
        "--design",
        "table",
        "--table",
        str(tmp_path / "design.csv"),
        "--replications",
        "1",
        "--seed",
        "1",
        "--out",
        str(tmp_path / "table"),
    )
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "table" / "points.csv")["rti.staff_fte"].tolist() == [4.0, 9.0]


def test_compare_prints_and_writes_means_and_paired_differences(tmp_path: Path) -> None:
    out = tmp_path / "compare"
    result = invoke(
        "compare",
        *TINY,
        "--programmes",
        "none,generic,place-based",
        "--replications",
        "4",
        "--seed",
        "3",
        "--out",
        str(out),
        "--target-half-width",
        "new_adopters=1",
        "--workers",
        "2",
    )
    assert result.exit_code == 0, result.output
    assert "Difference from none" in result.stdout
    assert "paired (common random numbers)" in result.stdout
    differences = pd.read_csv(out / "differences.csv")
    assert set(differences["scenario"]) == {"generic", "place-based"}
    assert differences["paired"].all()
    from districtlab.experiments.compare import DEFAULT_OUTCOMES

    means = pd.read_csv(out / "means.csv")
    assert len(means) == 3 * len(DEFAULT_OUTCOMES)
    assert means["outcome"].iloc[0] == "firms_adopting"  # adopting firms lead
    tidy = pd.read_parquet(out / "comparison.parquet")
    assert set(tidy["quantity"]) == {"mean", "difference"}
    for figure in ("adoption", "adoption_by_size", "additional_adopters", "laggard_share_change"):
        assert _png_size(out / f"{figure}.png")[0] > 600, figure


def test_sensitivity_writes_indices_and_figures(tmp_path: Path) -> None:
    out = tmp_path / "morris"
    result = invoke(
        "sensitivity",
        *TINY,
        "--method",
        "morris",
        "--param",
        "scale:technologies.*.imitation_strength=0.5:1.5",
        "--param",
        "behaviour.utility_slope=0.5:2",
        "--samples",
        "3",
        "--replications",
        "1",
        "--seed",
        "4",
        "--series",
        "adoption_share_mean",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    indices = pd.read_csv(out / "indices.csv")
    assert set(indices["index"]) == {"mu_star", "mu", "sigma"}
    assert {"new_adopters", "laggard_share", "adoption_share_mean"} == set(indices["outcome"])
    assert (out / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "sensitivity_adoption_share_mean.png").is_file()
    sobol = invoke(
        "sensitivity",
        *TINY,
        "--method",
        "sobol",
        "--param",
        "behaviour.utility_slope=0.5:2",
        "--samples",
        "4",
        "--replications",
        "1",
        "--seed",
        "4",
        "--out",
        str(tmp_path / "sobol"),
    )
    assert sobol.exit_code == 0, sobol.output
    assert set(pd.read_csv(tmp_path / "sobol" / "indices.csv")["index"]) == {"S1", "ST"}


@pytest.mark.parametrize(
    ("arguments", "needles"),
    [
        (
            ["sweep", *TINY, "--param", "programme.budget_eur=1,2"],
            ["programme.budget_eur: unknown parameter", "programme.budget_eur_per_year"],
        ),
        (
            ["sweep", *TINY, "--design", "lhs", "--param", "programme.budget_eur_per_year=1e5:2e10"],
            ["2e+10 is outside what its type allows"],
        ),
        (["sweep", *TINY, "--param", "programme.design.grant_rate=0.5,1.0"], ["grant_rate: 1 is outside"]),
        (["sweep", *TINY, "--param", "rti.staff_fte"], ["write PATH=LOW:HIGH"]),
        (["sweep", *TINY, "--param", "rti.staff_fte=1:2"], ["needs --design lhs or sobol"]),
        (
            ["sweep", *TINY, "--design", "sobol", "--samples", "6", "--param", "rti.staff_fte=1:2"],
            ["power of two"],
        ),
        (
            ["sweep", "no-such-district", "--param", "rti.staff_fte=1,2"],
            ["unknown preset 'no-such-district'"],
        ),
        (["compare", *TINY, "--programmes", "none,regional"], ["unknown programme 'regional'"]),
        (
            ["compare", *TINY, "--baseline", "generic", "--programmes", "none,place-based"],
            ["--baseline 'generic' is not one of"],
        ),
        (["compare", *TINY, "--outcome", "adopted", "--replications", "2"], ["unknown outcome 'adopted'"]),
        (
            ["sensitivity", *TINY, "--param", "rti.staff_fte=5:15", "--method", "fast"],
            ["unknown method 'fast'"],
        ),
        (["sensitivity", *TINY, "--param", "programme.targeting=0:1"], ["programme.targeting: takes one of"]),
    ],
)
def test_bad_input_is_one_line_with_status_2_and_writes_nothing(
    tmp_path: Path, arguments: list[str], needles: list[str]
) -> None:
    out = tmp_path / "out"
    result = invoke(*arguments, "--out", str(out))
    assert_one_line_error(result, *needles)
    assert not out.exists()


def test_existing_results_are_never_touched_by_bad_input(sweep_dir: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("\\chapter{Districts}")
    corrupted = tmp_path / "corrupted"
    corrupted.mkdir()
    (corrupted / "experiment.json").write_text(
        '{"format": "districtlab-experiment", "format_version": 1, "seed": '
    )
    broken_part = tmp_path / "broken"
    broken_part.mkdir()
    for path in sweep_dir.rglob("*"):
        target = broken_part / path.relative_to(sweep_dir)
        target.mkdir(exist_ok=True) if path.is_dir() else target.write_bytes(path.read_bytes())
    next((broken_part / "runs").iterdir()).write_bytes(b"not parquet")
    sweep = [
        "sweep",
        *TINY,
        "--param",
        "rti.staff_fte=5:15:3",
        "--param",
        "programme.targeting=open_call,smes_first",
        "--replications",
        "2",
    ]
    cases = [
        (sweep_dir, [*sweep, "--seed", "8"], "already holds an experiment: pass --resume"),
        (sweep_dir, [*sweep, "--seed", "9", "--resume"], "holds a different experiment: the seed differs"),
        (sweep_dir, [*sweep[:-1], "3", "--resume"], "holds a different experiment: replications differ"),
        (
            sweep_dir,
            ["sweep", *TINY, "--param", "rti.staff_fte=5:15:4", "--replications", "2", "--resume"],
            "holds a different experiment",
        ),
        (foreign, [*sweep, "--resume"], "not a districtlab experiment (no experiment.json)"),
        (corrupted, [*sweep, "--resume"], "corrupted experiment metadata"),
        (broken_part, [*sweep, "--resume"], "corrupted results part"),
    ]
    for directory, arguments, needle in cases:
        before = directory_digest(directory)
        assert_one_line_error(invoke(*arguments, "--out", str(directory)), needle)
        assert directory_digest(directory) == before, needle
    assert json.loads((sweep_dir / "experiment.json").read_text())["seed"]["entropy"] == "8"


def test_unknown_series_are_refused_before_running(tmp_path: Path) -> None:
    result = invoke(
        "sensitivity",
        *TINY,
        "--param",
        "rti.staff_fte=5:15",
        "--series",
        "adoption",
        "--out",
        str(tmp_path / "s"),
    )
    assert_one_line_error(result, "unknown series 'adoption'; known: adoption_share_mean")
    assert not (tmp_path / "s").exists()


def test_a_sampled_design_resumes_with_the_stored_seed(tmp_path: Path) -> None:
    out = tmp_path / "morris"
    arguments = [
        "sensitivity",
        *TINY,
        "--param",
        "behaviour.utility_slope=0.5:2",
        "--param",
        "rti.staff_fte=4:16",
        "--samples",
        "3",
        "--replications",
        "1",
        "--out",
        str(out),
    ]
    first = invoke(*arguments)  # no --seed: fresh entropy, recorded
    assert first.exit_code == 0, first.output
    indices = pd.read_csv(out / "indices.csv")
    for sub in ("runs", "series"):
        sorted((out / sub).iterdir())[-1].unlink()
    resumed = invoke(*arguments, "--resume")  # no --seed: the stored one, so the same Morris design
    assert resumed.exit_code == 0, resumed.output
    pd.testing.assert_frame_equal(pd.read_csv(out / "indices.csv"), indices)
