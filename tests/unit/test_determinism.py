"""Reproducibility: the same seed gives identical results; the seed is recorded and replays the run."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

import districtlab
from districtlab.config import Scenario
from districtlab.experiments import RunSummary, run_scenarios
from districtlab.experiments.summary import summarise
from tests.conftest import small


def test_same_seed_gives_identical_frames() -> None:
    scenario = small("castellon-ceramics")
    first = districtlab.simulate(scenario, rng=42).to_frame()
    second = districtlab.simulate(scenario, rng=42).to_frame()
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_different_seeds_give_different_runs() -> None:
    scenario = small("castellon-ceramics")
    first = districtlab.simulate(scenario, rng=1).adoption_share()
    second = districtlab.simulate(scenario, rng=2).adoption_share()
    assert not first.equals(second)


def test_recorded_seed_replays_the_run() -> None:
    scenario = small("toy-valley")
    original = districtlab.simulate(scenario)  # fresh entropy
    replay = districtlab.simulate(scenario, rng=original.seed.to_seed_sequence())
    pd.testing.assert_frame_equal(original.to_frame(), replay.to_frame(), check_exact=True)


def test_int_seed_and_its_seed_sequence_are_the_same_run() -> None:
    scenario = small("vinalopo-footwear")
    by_int = districtlab.simulate(scenario, rng=7)
    by_sequence = districtlab.simulate(scenario, rng=np.random.SeedSequence(7))
    assert by_int.seed.entropy == 7
    np.testing.assert_array_equal(by_int.observations.adopted, by_sequence.observations.adopted)


def test_a_generator_seeds_reproducibly() -> None:
    scenario = small("vinalopo-footwear")
    a = districtlab.simulate(scenario, rng=np.random.default_rng(3))
    b = districtlab.simulate(scenario, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.observations.adopted, b.observations.adopted)


def test_programmes_share_the_population_and_thresholds_under_one_seed() -> None:
    """Common random numbers: month 0 is identical whatever the programme."""
    base = small("castellon-ceramics")
    runs = [
        districtlab.simulate(base.with_programme(name), rng=5) for name in ("none", "generic", "place-based")
    ]
    for run in runs[1:]:
        np.testing.assert_array_equal(run.observations.adopted[0], runs[0].observations.adopted[0])
        np.testing.assert_array_equal(run.observations.firms_by_group, runs[0].observations.firms_by_group)
    # before any programme starts (month 24) the trajectories coincide exactly
    start = 24
    for run in runs[1:]:
        np.testing.assert_array_equal(
            run.observations.adopted[: start + 1], runs[0].observations.adopted[: start + 1]
        )


# -- issue 14: a run does not depend on how runs are batched or where they run ------------------

BATCH_ENTROPY = 20261130
#: Replications checked against their run alone: every one (a run takes milliseconds with the compiled kernels).
CHECKED = tuple(range(30))


def _alone(scenario: Scenario, replication: int) -> RunSummary:
    """Replication ``replication`` run by itself, seeded as run_scenarios seeds it (common random numbers)."""
    seed = np.random.SeedSequence(BATCH_ENTROPY, spawn_key=(replication,))
    return summarise(districtlab.simulate(scenario, rng=seed), 0, replication)


def _assert_same_run(batched: RunSummary, alone: RunSummary) -> None:
    assert batched.replication == alone.replication
    assert batched.spawn_key == alone.spawn_key
    assert batched.outcomes.keys() == alone.outcomes.keys()
    for name, value in alone.outcomes.items():  # NaN-aware and bit-exact
        np.testing.assert_array_equal(batched.outcomes[name], value, err_msg=name)
    assert batched.series.keys() == alone.series.keys()
    for name, values in alone.series.items():
        np.testing.assert_array_equal(batched.series[name], values, err_msg=name)


@pytest.mark.parametrize("workers", [0, 2], ids=["serial", "two-processes"])
@pytest.mark.parametrize("batch", [7, 30])
def test_a_run_is_the_same_alone_and_in_any_batch(batch: int, workers: int) -> None:
    """The same (scenario, replication, seed) gives identical results alone, in a batch of 7 or of 30,
    serially and in two worker processes."""
    scenario = small("castellon-ceramics", firms=200, months=36.0)
    if workers:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            result = run_scenarios(
                [scenario], replications=30, rng=BATCH_ENTROPY, executor=pool, batch_size=batch
            )
    else:
        result = run_scenarios([scenario], replications=30, rng=BATCH_ENTROPY, batch_size=batch)
    batched = {run.replication: run for run in result.runs}
    assert sorted(batched) == list(range(30))
    for replication in CHECKED:
        _assert_same_run(batched[replication], _alone(scenario, replication))
