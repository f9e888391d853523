"""The experiment directory: parts written as runs finish, resume, refusals, SQL and flat memory."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments import ExperimentResult, ExperimentStore, latin_hypercube, run_scenarios
from districtlab.experiments import runner as runner_module
from districtlab.experiments.store import METADATA, is_experiment

from .conftest import directory_digest, programmes, tiny
from .test_runner import assert_same_results


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return programmes(tiny(months=30))


@pytest.fixture(scope="module")
def in_memory(scenarios: dict[str, Scenario]) -> ExperimentResult:
    return run_scenarios(scenarios, replications=5, rng=11)


def test_a_stored_experiment_equals_the_one_held_in_memory(scenarios, in_memory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stored = run_scenarios(scenarios, replications=5, rng=11, store=tmp_path / "exp", batch_size=4)
    assert stored.path == tmp_path / "exp"
    assert_same_results(in_memory, stored)
    assert_same_results(in_memory, ExperimentResult.load(tmp_path / "exp"))
    parts = sorted(p.name for p in (tmp_path / "exp" / "runs").iterdir())
    assert parts == [f"part-{i:06d}.parquet" for i in range(1, 5)]  # 15 runs in batches of 4
    assert sorted(p.name for p in (tmp_path / "exp" / "series").iterdir()) == parts
    metadata = json.loads((tmp_path / "exp" / METADATA).read_text())
    assert metadata["seed"]["entropy"] == "11"
    assert metadata["replications"] == 5
    assert metadata["run_list"][6] == [1, 1, [1]]
    assert [entry["name"] for entry in metadata["scenarios"]] == list(scenarios)
    assert stored.runs[7].outcomes.keys() == in_memory.runs[7].outcomes.keys()


def test_the_store_is_queried_as_tables_with_sql(scenarios, in_memory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stored = run_scenarios(scenarios, replications=5, rng=11, store=tmp_path / "exp")
    sql = "SELECT scenario, count(*) AS runs, avg(new_adopters) AS adopters FROM runs GROUP BY scenario ORDER BY scenario"
    from_disk = stored.query(sql)
    assert from_disk["runs"].tolist() == [5, 5, 5]
    pd.testing.assert_frame_equal(from_disk, in_memory.query(sql), check_dtype=False)
    final = stored.query(
        "SELECT s.scenario, avg(value) AS share FROM series JOIN scenarios s USING (scenario_index) "
        "WHERE series = 'laggard_share' AND step = 30 GROUP BY s.scenario ORDER BY s.scenario"
    )
    expected = in_memory.outcomes().groupby("scenario")["laggard_share"].mean().sort_index()
    np.testing.assert_allclose(final["share"], expected.to_numpy())
    with pytest.raises(InputError, match="query failed"):
        stored.query("SELECT nothing FROM nowhere")


def test_a_design_is_recorded_and_joins_the_runs(tmp_path: Path) -> None:
    base = tiny(months=12)
    design = latin_hypercube(base, {"rti.staff_fte": (5.0, 20.0)}, 4, rng=2)
    result = run_scenarios(design, replications=2, rng=3, store=tmp_path / "lhs")
    loaded = ExperimentResult.load(tmp_path / "lhs")
    pd.testing.assert_frame_equal(loaded.scenarios.table, design.table)
    assert loaded.scenarios.seed == design.seed
    assert loaded.scenarios.method == "latin-hypercube"
    joined = result.query(
        'SELECT d."rti.staff_fte" AS fte, r.replication FROM runs r JOIN design d USING (scenario_index) ORDER BY 1, 2'
    )
    assert len(joined) == 8
    assert sorted(set(joined["fte"])) == sorted(design.table["rti.staff_fte"])  # type: ignore[index]
    assert list(result.outcomes(design=True).columns[:5]) == [
        "scenario_index",
        "scenario",
        "replication",
        "spawn_key",
        "rti.staff_fte",
    ]


def test_resuming_runs_only_what_is_missing(scenarios, in_memory, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    run_scenarios(scenarios, replications=5, rng=11, store=directory, batch_size=4)
    (directory / "runs" / "part-000002.parquet").unlink()  # as if the run had stopped before writing it
    (directory / "series" / "part-000004.parquet").unlink()
    (directory / "runs" / "part-000004.parquet").unlink()
    (directory / "runs" / ".part-000009.parquet.123.tmp").write_bytes(b"half a file")
    ran: list[int] = []
    original = runner_module.run_batch

    def counting(task, *args):  # type: ignore[no-untyped-def]
        ran.extend(range(len(task.runs)))
        return original(task, *args)

    monkeypatch.setattr(runner_module, "run_batch", counting)
    resumed = run_scenarios(scenarios, replications=5, store=directory)  # rng=None: the stored seed
    assert len(ran) == 4 + 3
    assert_same_results(in_memory, resumed)
    assert not any(p.name.endswith(".tmp") for p in (directory / "runs").iterdir())
    ran.clear()
    run_scenarios(scenarios, replications=5, store=directory)
    assert ran == []


def test_a_part_holding_runs_already_stored_is_ignored(scenarios, in_memory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    run_scenarios(scenarios, replications=5, rng=11, store=directory, batch_size=4)
    for sub in ("runs", "series"):
        (directory / sub / "part-000009.parquet").write_bytes(
            (directory / sub / "part-000001.parquet").read_bytes()
        )
    loaded = ExperimentResult.load(directory)
    assert len(loaded.outcomes()) == 15
    assert_same_results(in_memory, loaded)
    assert loaded.query("SELECT count(*) AS n FROM runs")["n"].item() == 15


def test_an_orphan_series_part_is_removed_on_resume(scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    run_scenarios(scenarios, replications=5, rng=11, store=directory, batch_size=8)
    (directory / "runs" / "part-000002.parquet").unlink()  # killed between the two renames
    run_scenarios(scenarios, replications=5, rng=11, store=directory, batch_size=8)
    names = sorted(p.name for p in (directory / "runs").iterdir())
    assert (
        names
        == sorted(p.name for p in (directory / "series").iterdir())
        == ["part-000001.parquet", "part-000002.parquet"]
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"rng": 12}, "the seed differs"),
        ({"replications": 6}, "replications differ"),
        ({"common_random_numbers": False}, "common random numbers differ"),
    ],
)
def test_another_experiment_is_refused_and_left_untouched(scenarios, tmp_path: Path, change, problem) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    run_scenarios(scenarios, replications=5, rng=11, store=directory)
    before = directory_digest(directory)
    arguments = {"replications": 5, "rng": 11, **change}
    with pytest.raises(InputError, match=f"holds a different experiment: {problem}"):
        run_scenarios(scenarios, store=directory, **arguments)
    assert directory_digest(directory) == before


def test_other_scenarios_are_another_experiment(scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    run_scenarios(scenarios, replications=2, rng=11, store=directory)
    before = directory_digest(directory)
    changed = {**scenarios, "generic": scenarios["generic"].replace(months=29)}
    with pytest.raises(InputError, match=r"scenario 1 \(generic\) differs"):
        run_scenarios(changed, replications=2, rng=11, store=directory)
    assert directory_digest(directory) == before


def test_directories_that_are_not_districtlab_experiments_are_refused(scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("my thesis")
    corrupted = tmp_path / "corrupted"
    corrupted.mkdir()
    (corrupted / METADATA).write_text("{ not json")
    future = tmp_path / "future"
    future.mkdir()
    (future / METADATA).write_text(json.dumps({"format": "districtlab-experiment", "format_version": 99}))
    other = tmp_path / "other"
    other.mkdir()
    (other / METADATA).write_text(json.dumps({"format": "something-else"}))
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    with pytest.raises(InputError, match="exists and is not a directory"):
        run_scenarios(scenarios, replications=1, rng=1, store=a_file)
    assert a_file.read_text() == "not a directory"
    for directory, problem in [
        (foreign, "not a districtlab experiment (no experiment.json)"),
        (corrupted, "corrupted experiment metadata"),
        (future, "experiment format version 99"),
        (other, "not a districtlab experiment (unknown format)"),
    ]:
        before = directory_digest(directory)
        with pytest.raises(InputError, match=re.escape(problem)):
            run_scenarios(scenarios, replications=1, rng=1, store=directory)
        with pytest.raises(InputError, match=re.escape(problem)):
            ExperimentResult.load(directory)
        assert directory_digest(directory) == before


def test_a_corrupted_or_foreign_part_is_reported(scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    run_scenarios(scenarios, replications=2, rng=11, store=directory)
    (directory / "runs" / "part-000001.parquet").write_bytes(b"PAR1 garbage")
    before = directory_digest(directory)
    with pytest.raises(InputError, match=r"part-000001.parquet: corrupted results part"):
        run_scenarios(scenarios, replications=2, rng=11, store=directory)
    assert directory_digest(directory) == before
    smaller = tmp_path / "smaller"
    run_scenarios(scenarios, replications=3, rng=11, store=smaller)
    target = tmp_path / "target"
    run_scenarios({"none": scenarios["none"]}, replications=1, rng=11, store=target)
    for sub in ("runs", "series"):
        (target / sub / "part-000002.parquet").write_bytes(
            (smaller / sub / "part-000001.parquet").read_bytes()
        )
    with pytest.raises(InputError, match="holds runs that are not in this experiment"):
        ExperimentResult.load(target)


def test_an_experiment_being_written_cannot_be_written_by_another_process(scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    result = run_scenarios(scenarios, replications=1, rng=11, store=directory)
    with ExperimentStore.prepare(directory, result.plan):
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                textwrap.dedent(f"""
                from districtlab.experiments import ExperimentResult, ExperimentStore
                plan = ExperimentResult.load({str(directory)!r}).plan
                try:
                    ExperimentStore.prepare({str(directory)!r}, plan)
                except ValueError as error:
                    print(error)
            """),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    assert "another districtlab process is writing this experiment" in other.stdout
    with ExperimentStore.prepare(directory, result.plan):  # released: it can be taken again
        pass


def test_a_directory_left_before_its_metadata_was_written_is_taken_as_empty(
    scenarios, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exp"
    directory.mkdir()
    (directory / ".lock").write_text("")
    (directory / ".experiment.json.abc123.tmp").write_text("{")
    run_scenarios(scenarios, replications=1, rng=11, store=directory)
    assert is_experiment(directory)
    assert not (directory / ".experiment.json.abc123.tmp").exists()


def test_memory_does_not_grow_with_the_number_of_runs(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With a store, run summaries live only while their batch is written: one batch, however many runs."""
    scenario = tiny(firms=20, months=6)
    created: list[weakref.ref[runner_module.RunSummary]] = []

    def alive() -> int:
        return sum(reference() is not None for reference in created)

    live_when_writing: list[int] = []
    summarise, append = runner_module.summarise, ExperimentStore.append

    def tracked_summarise(*arguments):  # type: ignore[no-untyped-def]
        summary = summarise(*arguments)
        created.append(weakref.ref(summary))
        return summary

    def counting_append(self, summaries):  # type: ignore[no-untyped-def]
        path = append(self, summaries)
        live_when_writing.append(alive())
        return path

    monkeypatch.setattr(runner_module, "summarise", tracked_summarise)
    monkeypatch.setattr(ExperimentStore, "append", counting_append)
    for replications in (30, 300):
        live_when_writing.clear()
        created.clear()
        result = run_scenarios(
            [scenario], replications=replications, rng=1, store=tmp_path / str(replications), batch_size=10
        )
        assert len(live_when_writing) == replications // 10
        assert max(live_when_writing) == 10  # the batch being written, never the runs before it
        assert alive() == 0
        assert len(result.outcomes()) == replications
