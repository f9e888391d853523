"""An experiment killed at any point of its life resumes; a damaged part is reported with the way out.

Each test builds the layout a ``kill -9`` at one point leaves (the writer's steps
are: folder and lock, runs/ and series/, experiment.json, then per batch a series
part and its runs part, each through a temporary file), then resumes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments import ExperimentResult, run_scenarios
from districtlab.experiments.store import METADATA
from tests.experiments.conftest import directory_digest, programmes, tiny
from tests.experiments.test_runner import assert_same_results

REPLICATIONS = 2


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return programmes(tiny(months=12))


@pytest.fixture(scope="module")
def complete(scenarios: dict[str, Scenario], tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("complete") / "exp"
    run_scenarios(scenarios, replications=REPLICATIONS, rng=5, store=directory, batch_size=2)
    return directory


def resume(scenarios: dict[str, Scenario], directory: Path) -> ExperimentResult:
    return run_scenarios(scenarios, replications=REPLICATIONS, rng=5, store=directory, batch_size=2)


def killed_copy(complete: Path, tmp_path: Path, keep_parts: int) -> Path:
    """The complete experiment with only its first ``keep_parts`` pairs of parts."""
    directory = tmp_path / "exp"
    shutil.copytree(complete, directory)
    for sub in ("runs", "series"):
        for part in sorted((directory / sub).iterdir())[keep_parts:]:
            part.unlink()
    return directory


def test_killed_after_the_lock_before_anything_else(scenarios, complete, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    directory.mkdir()
    (directory / ".lock").write_text("")
    assert_same_results(ExperimentResult.load(complete), resume(scenarios, directory))


def test_killed_after_the_folders_before_the_metadata(scenarios, complete, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    for sub in ("runs", "series"):
        (directory / sub).mkdir(parents=True)
    (directory / ".lock").write_text("")
    (directory / ".experiment.json.x1y2.tmp").write_text('{"format": ')
    assert_same_results(ExperimentResult.load(complete), resume(scenarios, directory))


@pytest.mark.parametrize("missing", [("runs",), ("series",), ("runs", "series")])
def test_killed_after_the_metadata_before_the_folders(scenarios, complete, tmp_path: Path, missing) -> None:  # type: ignore[no-untyped-def]
    """The layout of older versions (metadata first): resuming repairs it rather than failing."""
    directory = killed_copy(complete, tmp_path, keep_parts=0)
    for sub in missing:
        shutil.rmtree(directory / sub)
    assert_same_results(ExperimentResult.load(complete), resume(scenarios, directory))


def test_killed_while_writing_a_series_part(scenarios, complete, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = killed_copy(complete, tmp_path, keep_parts=1)
    (directory / "series" / ".part-000002.parquet.4242.tmp").write_bytes(b"PAR1 half")
    assert_same_results(ExperimentResult.load(complete), resume(scenarios, directory))
    assert not list(directory.rglob("*.tmp"))


def test_killed_between_a_series_part_and_its_runs_part(scenarios, complete, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = killed_copy(complete, tmp_path, keep_parts=1)
    shutil.copy(complete / "series" / "part-000002.parquet", directory / "series" / "part-000002.parquet")
    (directory / "runs" / ".part-000002.parquet.4242.tmp").write_bytes(b"PAR1 half")
    assert_same_results(ExperimentResult.load(complete), resume(scenarios, directory))


@pytest.mark.parametrize("sub", ["runs", "series"])
def test_a_corrupt_part_is_refused_with_a_recovery_hint_and_the_hint_works(
    scenarios, complete, tmp_path: Path, sub: str
) -> None:  # type: ignore[no-untyped-def]
    directory = killed_copy(complete, tmp_path, keep_parts=3)
    damaged = directory / sub / "part-000002.parquet"
    damaged.write_bytes(damaged.read_bytes()[:-40] + b"\0" * 40)  # a torn footer
    before = directory_digest(directory)
    with pytest.raises(InputError) as caught:
        resume(scenarios, directory)
    message = str(caught.value)
    assert "\n" not in message
    assert f"corrupted {'results' if sub == 'runs' else 'series'} part" in message
    assert "--resume" in message
    assert directory_digest(directory) == before  # nothing was changed
    for twin in re.findall(r"delete (\S+) and (\S+) and", message)[0]:
        Path(twin).unlink()
    assert_same_results(ExperimentResult.load(complete), resume(scenarios, directory))


def test_a_corrupt_series_part_is_reported_by_report_in_one_line(complete, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = killed_copy(complete, tmp_path, keep_parts=99)
    (directory / "series" / "part-000001.parquet").write_bytes(b"PAR1 garbage")
    result = CliRunner().invoke(app, ["report", str(directory), "--out", str(tmp_path / "report")])
    assert result.exit_code == 2
    assert "corrupted series part" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "report").exists()


def test_a_series_part_of_other_runs_is_refused(scenarios, complete, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = killed_copy(complete, tmp_path, keep_parts=2)
    shutil.copy(directory / "series" / "part-000001.parquet", directory / "series" / "part-000002.parquet")
    with pytest.raises(InputError, match="holds the series of other runs"):
        resume(scenarios, directory)


def test_a_negative_stored_seed_is_refused_on_resume(complete, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = killed_copy(complete, tmp_path, keep_parts=1)
    metadata = json.loads((directory / METADATA).read_text())
    metadata["seed"]["entropy"] = "-5"
    (directory / METADATA).write_text(json.dumps(metadata))
    before = directory_digest(directory)
    result = CliRunner().invoke(
        app,
        [
            "compare",
            "toy-valley",
            "--firms",
            "40",
            "--months",
            "12",
            "--replications",
            "2",
            "--resume",
            "--out",
            str(directory),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "seed" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert directory_digest(directory) == before
