"""One run through the run engine against ``simulate`` called directly: what a single replication costs.

The EMA adapter (one call, one run) and the calibration (one run per parameter
draw and district) go through :func:`~districtlab.experiments.run_scenarios` like
every front end. This script prints what that costs for one 120-month run of a
full-size district, and asserts nothing. The machine may be shared and noisy,
so the variants run in a shuffled order in every round, and each figure is the
median over the rounds:

* *vs direct*: wall time of the variant over the direct call's in the same round, median
  over the rounds (simple, but as noisy as the machine);
* *outside simulate*: the time the variant spends outside ``simulate`` (building the
  design and plan, summarising the run, the in-memory store, reading the outcomes),
  measured in the same call by timing ``simulate`` inside it, as a share of the time
  inside. Load slows both parts alike, so this figure is the steadier one;
* *extra*: outside simulate, minus what the direct call spends outside simulate too
  (its ``outcomes()`` or ``shares_at``): the cost of the run engine itself.

    python benchmarks/bench_single_run.py                  # castellon-ceramics, 120 months, 41 rounds
    python benchmarks/bench_single_run.py --rounds 11 --preset toy-valley --cpu 0
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import _single_core  # before anything that loads numpy: sets the thread-pool sizes

# isort: split
import numpy as np

from districtlab.calibration.simulator import Calendar, Statistics, scenario_for, shares_at, simulate_shares
from districtlab.calibration.targets import load_targets
from districtlab.experiments import run_scenarios
from districtlab.experiments import runner as runner_module
from districtlab.experiments.ema import EmaFunction
from districtlab.presets import load_scenario
from districtlab.simulation import simulate

ENTROPY = 20261130
inside = [0.0]  # seconds spent in simulate by the run engine since the last reset


def timed_simulate(*arguments: Any, **keywords: Any) -> Any:
    start = time.perf_counter()
    try:
        return simulate(*arguments, **keywords)
    finally:
        inside[0] += time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="castellon-ceramics")
    parser.add_argument("--months", type=float, default=120.0)
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU (default: not pinned)")
    arguments = parser.parse_args()
    pinned = _single_core.pin_to_cpu(arguments.cpu)
    scenario = load_scenario(arguments.preset).with_months(arguments.months)
    seed = np.random.SeedSequence(ENTROPY, spawn_key=(0,))
    ema = EmaFunction(
        base=scenario,
        paths={"budget": "programme.budget_eur_per_year"},
        outcomes={"new_adopters": "new_adopters"},
        entropy=ENTROPY,
        spawn_key=(),
    )
    budget = scenario.programme.budget_eur_per_year
    calendar = Calendar(start_year=2012)
    targets = load_targets("spain-2014-2020")
    rows = Statistics.of(targets).rows
    dated = scenario_for(
        scenario, {}, district=arguments.preset, calendar=calendar, until_year=targets.last_year
    )

    def fresh() -> np.random.SeedSequence:
        return np.random.SeedSequence(ENTROPY, spawn_key=(0,))

    variants: dict[str, Callable[[], object]] = {
        "simulate(scenario).outcomes()": lambda: timed_simulate(scenario, rng=fresh()).outcomes(),
        "run_scenarios, 1 run": lambda: run_scenarios([scenario], replications=1, rng=ENTROPY).runs,
        "EMA adapter call": lambda: ema(budget=budget),
        "shares_at(simulate(...)) (calibration)": lambda: shares_at(
            timed_simulate(dated, rng=fresh()), rows, calendar
        ),
        "simulate_shares, 1 replication": lambda: simulate_shares(dated, rows, calendar, seed, 1),
    }
    runner_module.simulate = timed_simulate  # type: ignore[assignment]
    for work in variants.values():  # warm caches and imports
        work()
    walls: dict[str, list[float]] = {name: [] for name in variants}
    outside: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    order = np.random.default_rng(ENTROPY)
    load_before = os.getloadavg()[0]
    for _ in range(arguments.rounds):
        for index in order.permutation(len(names)):  # shuffled: no variant always runs after another
            name = names[index]
            inside[0] = 0.0
            start = time.perf_counter()
            variants[name]()
            wall = time.perf_counter() - start
            walls[name].append(wall)
            outside[name].append(wall / inside[0] - 1)
    print(
        f"{arguments.preset}: {scenario.n_firms} firms, {arguments.months:g} months "
        f"({dated.n_steps} steps for the calibration rows), median of {arguments.rounds} rounds, {pinned}; "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    direct = {
        "run_scenarios, 1 run": "simulate(scenario).outcomes()",
        "EMA adapter call": "simulate(scenario).outcomes()",
        "simulate_shares, 1 replication": "shares_at(simulate(...)) (calibration)",
    }
    print(f"  {'variant':40} {'seconds':>8} {'vs direct':>10} {'outside simulate':>17} {'extra':>8}")
    for name in variants:
        wall = statistics.median(walls[name])
        beyond = statistics.median(outside[name])
        against = extra = ""
        if name in direct:
            paired = [mine / theirs for mine, theirs in zip(walls[name], walls[direct[name]], strict=True)]
            against = f"{statistics.median(paired) - 1:+10.1%}"
            extra = f"{beyond - statistics.median(outside[direct[name]]):+8.2%}"
        print(f"  {name:40} {wall:8.4f} {against:>10} {beyond:+17.2%} {extra:>8}")


if __name__ == "__main__":
    main()
