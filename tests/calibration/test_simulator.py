"""Calibration runs go through run_scenarios: replication r has the seed of the experiments' one rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import districtlab
from districtlab.calibration.simulator import Calendar, Statistics, scenario_for, shares_at, simulate_shares
from districtlab.calibration.targets import load_targets
from districtlab.experiments.plan import run_seed
from districtlab.presets import load_scenario

TARGETS = Path(__file__).parent / "data" / "small-targets.csv"


def test_simulated_shares_average_the_runs_of_the_plan_seed_rule_and_leave_the_seed_as_it_was() -> None:
    targets = load_targets(TARGETS)
    rows = Statistics.of(targets).rows
    calendar = Calendar()
    base = load_scenario("castellon-ceramics").with_firms(60)
    scenario = scenario_for(
        base, {}, district="castellon-ceramics", calendar=calendar, until_year=targets.last_year
    )
    seed = np.random.SeedSequence(31, spawn_key=(4,))
    shares = simulate_shares(scenario, rows, calendar, seed, 3)

    runs = [
        shares_at(districtlab.simulate(scenario, rng=run_seed(31, r, spawn_key=(4,))), rows, calendar)
        for r in range(3)
    ]
    np.testing.assert_array_equal(shares, (runs[0] + runs[1] + runs[2]) / 3)
    # the children a fresh seed spawns are the same seeds (what the calibration used before)
    children = np.random.SeedSequence(31, spawn_key=(4,)).spawn(3)
    assert [tuple(child.spawn_key) for child in children] == [(4, r) for r in range(3)]
    # the seed is not consumed: the same seed gives the same shares again
    assert seed.n_children_spawned == 0
    np.testing.assert_array_equal(simulate_shares(scenario, rows, calendar, seed, 3), shares)
