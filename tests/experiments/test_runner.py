"""run_scenarios: one seed per (scenario, replication), results independent of executor, workers and batches."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import distributed
import numpy as np
import pandas as pd
import pytest

import districtlab
from districtlab.config import Scenario
from districtlab.experiments import ExperimentResult, run_scenarios
from districtlab.experiments.runner import default_batch_size, parallelism

from .conftest import programmes, tiny


def assert_same_results(first: ExperimentResult, second: ExperimentResult) -> None:
    """Bit-identical outcomes (NaN equal to NaN) and series."""
    pd.testing.assert_frame_equal(first.outcomes(), second.outcomes(), check_exact=True)
    for name in ("adoption_share_mean", "laggard_share", "adopter_share"):
        np.testing.assert_array_equal(first.series(name), second.series(name))


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return programmes(tiny(months=36))


@pytest.fixture(scope="module")
def serial(scenarios: dict[str, Scenario]) -> ExperimentResult:
    return run_scenarios(scenarios, replications=4, rng=2026)


def test_every_run_is_simulate_with_its_recorded_seed(
    scenarios: dict[str, Scenario], serial: ExperimentResult
) -> None:
    outcomes = serial.outcomes()
    assert serial.entropy == 2026
    assert serial.common_random_numbers
    assert outcomes[["scenario", "replication"]].values.tolist() == [
        [name, r] for name in scenarios for r in range(4)
    ]
    for row in outcomes.itertuples(index=False):
        assert row.spawn_key == str(
            row.replication
        )  # common random numbers: replication r has spawn key (r,)
    direct = districtlab.simulate(
        scenarios["generic"], rng=np.random.SeedSequence(2026, spawn_key=(3,))
    ).outcomes()
    row = outcomes[(outcomes["scenario"] == "generic") & (outcomes["replication"] == 3)].iloc[0]
    assert {name: row[name] for name in direct} == pytest.approx(direct, nan_ok=True, rel=0, abs=0)


def test_without_common_random_numbers_each_scenario_has_its_own_streams(
    scenarios: dict[str, Scenario],
) -> None:
    result = run_scenarios(scenarios, replications=2, rng=1, common_random_numbers=False)
    keys = result.outcomes()[["scenario_index", "replication", "spawn_key"]].values.tolist()
    assert keys == [[s, r, f"{s}/{r}"] for s in range(3) for r in range(2)]


def test_common_random_numbers_give_identical_runs_to_identical_scenarios(
    scenarios: dict[str, Scenario],
) -> None:
    base = scenarios["none"]
    result = run_scenarios({"a": base, "b": base}, replications=3, rng=9)
    outcomes = result.outcomes().drop(columns=["scenario_index", "scenario"])
    pd.testing.assert_frame_equal(
        outcomes.iloc[:3].reset_index(drop=True), outcomes.iloc[3:].reset_index(drop=True)
    )


def test_a_spawned_root_seed_keeps_its_spawn_key(scenarios: dict[str, Scenario]) -> None:
    child = np.random.SeedSequence(5).spawn(3)[2]
    result = run_scenarios({"none": scenarios["none"]}, replications=2, rng=child)
    assert result.spawn_key == (2,)
    assert result.outcomes()["spawn_key"].tolist() == ["2/0", "2/1"]


def test_batch_size_does_not_change_results(scenarios: dict[str, Scenario], serial: ExperimentResult) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        for size in (1, 5):
            assert_same_results(
                serial, run_scenarios(scenarios, replications=4, rng=2026, executor=pool, batch_size=size)
            )


def test_results_are_bit_identical_with_one_and_two_worker_processes(
    scenarios: dict[str, Scenario], serial: ExperimentResult
) -> None:
    for workers in (1, 2):
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parallel = run_scenarios(scenarios, replications=4, rng=2026, executor=pool, batch_size=3)
        assert_same_results(serial, parallel)


def test_progress_counts_runs_up_to_the_total(scenarios: dict[str, Scenario]) -> None:
    calls: list[tuple[int, int]] = []
    run_scenarios(scenarios, replications=3, rng=1, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 9)
    assert calls[-1] == (9, 9)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    with ThreadPoolExecutor(max_workers=2) as pool:
        calls.clear()
        run_scenarios(
            scenarios,
            replications=3,
            rng=1,
            executor=pool,
            batch_size=2,
            progress=lambda d, t: calls.append((d, t)),
        )
    assert calls[-1] == (9, 9)


def test_only_some_replications_run_each_with_the_seed_of_the_whole_experiment(
    scenarios: dict[str, Scenario], serial: ExperimentResult, tmp_path: Path
) -> None:
    calls: list[tuple[int, int]] = []
    part = run_scenarios(
        scenarios,
        replications=4,
        rng=2026,
        only_replications=[3, 1],
        progress=lambda done, total: calls.append((done, total)),
    )
    whole = serial.outcomes()
    pd.testing.assert_frame_equal(
        part.outcomes(), whole[whole["replication"].isin([1, 3])].reset_index(drop=True), check_exact=True
    )
    assert not part.complete
    assert calls[-1] == (6, 6)
    # an experiment directory keeps the runs made, and a later call runs only the rest
    run_scenarios(scenarios, replications=4, rng=2026, store=tmp_path / "exp", only_replications=[0])
    finished: list[int] = []
    rest = run_scenarios(
        scenarios,
        replications=4,
        rng=2026,
        store=tmp_path / "exp",
        on_run=lambda run: finished.append(run.done),
    )
    assert finished == list(range(4, 13))
    assert_same_results(serial, rest)
    with pytest.raises(ValueError, match="only_replications"):
        run_scenarios(scenarios, replications=2, rng=1, only_replications=[2])


def test_series_and_adoption_share_arrays(serial: ExperimentResult, scenarios: dict[str, Scenario]) -> None:
    steps = scenarios["none"].n_steps + 1
    assert serial.series("laggard_share").shape == (3, 4, steps)
    shares = serial.adoption_share()
    assert shares.shape == (3, 4, steps, len(scenarios["none"].technologies))
    np.testing.assert_allclose(shares.mean(axis=-1), serial.series("adoption_share_mean"))
    with pytest.raises(KeyError, match="unknown series"):
        serial.series("no_such_series")
    tidy = serial.to_frame()
    assert list(tidy.columns) == ["scenario", "replication", "outcome", "value"]
    assert len(serial.runs) == 12
    assert serial.runs[5].replication == 1


def test_batches_are_sized_from_the_workers() -> None:
    assert default_batch_size(1000, 2) == 16
    assert default_batch_size(20, 2) == 3
    assert default_batch_size(1, 8) == 1
    assert parallelism(None) == 1
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert parallelism(pool) == 3


def test_bad_arguments_are_refused(scenarios: dict[str, Scenario]) -> None:
    with pytest.raises(ValueError, match="replications"):
        run_scenarios(scenarios, replications=0, rng=1)
    with pytest.raises(ValueError, match="batch_size"):
        run_scenarios(scenarios, replications=1, rng=1, batch_size=0)


def test_a_dask_cluster_gives_the_same_results(
    scenarios: dict[str, Scenario], serial: ExperimentResult
) -> None:
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        assert parallelism(executor) == 2
        on_cluster = run_scenarios(scenarios, replications=4, rng=2026, executor=executor)
    assert_same_results(serial, on_cluster)


def test_only_a_few_batches_are_in_flight_however_many_runs(scenarios: dict[str, Scenario]) -> None:
    """Tasks are submitted as results come back, so memory does not grow with the runs."""
    submitted = 0
    consumed = 0
    in_flight: list[int] = []

    class CountingPool(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            nonlocal submitted
            submitted += 1
            return super().submit(fn, *args, **kwargs)

    def progress(done: int, total: int) -> None:
        nonlocal consumed
        if done:  # one batch of one run came back
            consumed += 1
            in_flight.append(submitted - consumed + 1)

    with CountingPool(max_workers=2) as pool:
        run_scenarios(scenarios, replications=20, rng=1, executor=pool, batch_size=1, progress=progress)
    assert submitted == consumed == 60
    assert max(in_flight) <= 2 * 2  # two batches per worker, never the 60 at once
