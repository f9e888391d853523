"""Experiments: runs per second with 1 and 2 worker processes, overhead over a plain loop, memory.

Prints figures and asserts nothing. The machine may be shared and noisy, so
every variant is timed several times, in a shuffled order each round, and the
median is reported with the load average before and after.

The overhead of ``run_scenarios`` over the loop a user would write by hand
(``simulate(scenario, rng=SeedSequence(entropy, spawn_key=(r,)))`` for each
replication) is reported two ways:

* *vs loop*: wall time against the plain loop timed in the same rounds
  (simple, but as noisy as the machine);
* *outside simulate*: the time a variant spends outside ``simulate`` (batching,
  summaries, pickling, writing the store, waiting for workers) as a share of
  the time spent inside it, measured in the same run by timing every call of
  ``simulate`` (in the worker processes too). Load on the machine slows both
  parts alike, so this figure is steadier than the first. With two workers the
  time inside ``simulate`` is halved (a perfect split) before the comparison,
  so the figure also counts workers waiting for each other and for the machine.

    python benchmarks/bench_experiments.py              # toy-valley and ceramics at full size, tiny, memory
    python benchmarks/bench_experiments.py --quick      # fewer runs and repeats
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import numpy as np

from districtlab import simulate
from districtlab.config import Scenario
from districtlab.experiments import run_scenarios
from districtlab.experiments import runner as runner_module
from districtlab.presets import load_scenario

ENTROPY = 20261127


def install_timer(seconds: Synchronized[float]) -> None:
    """Add the duration of every call of ``simulate`` made by run_scenarios in this process to ``seconds``.

    Used in this process and as the initializer of the worker pools.
    """
    untimed = runner_module.simulate

    def timed_simulate(*arguments: Any, **keywords: Any) -> Any:
        start = time.perf_counter()
        try:
            return untimed(*arguments, **keywords)
        finally:
            with seconds.get_lock():
                seconds.value += time.perf_counter() - start

    runner_module.simulate = timed_simulate  # type: ignore[assignment]


def plain_loop(scenario: Scenario, runs: int) -> None:
    for replication in range(runs):
        simulate(scenario, rng=np.random.SeedSequence(ENTROPY, spawn_key=(replication,)))


def experiment(scenario: Scenario, runs: int, executor: Executor | None = None, store: bool = False) -> None:
    with tempfile.TemporaryDirectory() as directory:
        run_scenarios(
            [scenario],
            replications=runs,
            rng=ENTROPY,
            executor=executor,
            store=Path(directory) / "experiment" if store else None,
        )


def warm(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start the workers (they import districtlab), so that timings measure runs, not start-up."""
    for future in [pool.submit(load_scenario, "toy-valley") for _ in range(workers)]:
        future.result()


def bench_district(
    label: str,
    scenario: Scenario,
    runs: int,
    repeats: int,
    pools: dict[int, ProcessPoolExecutor],
    inside: Synchronized[float],
) -> None:
    variants: dict[str, tuple[Callable[[], None], int]] = {  # name -> (work, workers sharing the runs)
        "plain loop of simulate": (lambda: plain_loop(scenario, runs), 0),
        "run_scenarios, serial": (lambda: experiment(scenario, runs), 1),
        "run_scenarios, serial, store": (lambda: experiment(scenario, runs, store=True), 1),
        "run_scenarios, 1 worker process": (lambda: experiment(scenario, runs, pools[1]), 1),
        "run_scenarios, 2 worker processes": (lambda: experiment(scenario, runs, pools[2]), 2),
        "run_scenarios, 2 workers, store": (lambda: experiment(scenario, runs, pools[2], store=True), 2),
    }
    plain_loop(scenario, 2)  # warm caches in this process
    walls: dict[str, list[float]] = {name: [] for name in variants}
    outside: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    order = np.random.default_rng(ENTROPY)
    for _ in range(repeats):
        for index in order.permutation(len(names)):  # shuffled: no variant always runs after another
            name = names[index]
            work, workers = variants[name]
            inside.value = 0.0
            start = time.perf_counter()
            work()
            wall = time.perf_counter() - start
            walls[name].append(wall)
            if workers:
                outside[name].append(wall / (inside.value / workers) - 1)
    loop = statistics.median(walls["plain loop of simulate"])
    one_worker = statistics.median(walls["run_scenarios, 1 worker process"])
    print(f"\n{label}: {scenario.n_firms} firms, {scenario.n_steps} steps, {runs} runs, median of {repeats}")
    print(f"  {'variant':36} {'runs/s':>8} {'vs loop':>9} {'outside simulate':>17} {'vs 1 worker':>12}")
    for name in variants:
        wall = statistics.median(walls[name])
        beyond = f"{statistics.median(outside[name]):+17.1%}" if outside[name] else " " * 17
        speedup = f"{one_worker / wall:11.2f}x" if "worker" in name else ""
        print(f"  {name:36} {runs / wall:8.2f} {wall / loop - 1:+9.1%} {beyond} {speedup:>12}")


def bench_memory(counts: tuple[int, ...]) -> None:
    """Peak traced memory of run_scenarios with and without a store, as the number of runs grows."""
    scenario = load_scenario("toy-valley").with_firms(20).with_months(6)
    print(
        f"\nmemory: peak Python allocations (tracemalloc) of run_scenarios, "
        f"{scenario.n_firms}-firm {scenario.n_steps}-step district"
    )
    for store in (True, False):
        peaks = []
        for runs in counts:
            with tempfile.TemporaryDirectory() as directory:
                tracemalloc.start()
                run_scenarios(
                    [scenario], replications=runs, rng=1, store=Path(directory) / "x" if store else None
                )
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
        figures = ", ".join(
            f"{runs} runs {peak / 1e6:.2f} MB" for runs, peak in zip(counts, peaks, strict=True)
        )
        print(f"  {'with a store' if store else 'in memory   '}: {figures}  (x{peaks[-1] / peaks[0]:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and repeats")
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the memory figures (slow under tracemalloc)"
    )
    arguments = parser.parse_args()
    repeats = 3 if arguments.quick else 5
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (shared: figures are medians)"
    )
    inside = multiprocessing.Value("d", 0.0)
    with (
        ProcessPoolExecutor(max_workers=1, initializer=install_timer, initargs=(inside,)) as one,
        ProcessPoolExecutor(max_workers=2, initializer=install_timer, initargs=(inside,)) as two,
    ):
        warm(one, 1)
        warm(two, 2)
        install_timer(inside)  # here only after the workers were forked, or they would time every run twice
        cases = [
            ("toy-valley", load_scenario("toy-valley"), 12 if arguments.quick else 24),
            ("castellon-ceramics", load_scenario("castellon-ceramics"), 12 if arguments.quick else 24),
            (
                "tiny toy-valley",
                load_scenario("toy-valley").with_firms(60).with_months(24),
                60 if arguments.quick else 150,
            ),
        ]
        for label, scenario, runs in cases:
            bench_district(label, scenario, runs, repeats, {1: one, 2: two}, inside)
    if not arguments.no_memory:
        bench_memory((200, 800))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
