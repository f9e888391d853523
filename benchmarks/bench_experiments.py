"""Experiments: runs per second with 1 and 2 worker processes, overhead over a plain loop, memory.

Prints figures and asserts nothing: the machine may be shared and noisy, so
every variant is timed several times, interleaved with the others, and the
median is reported, with the load average before and after. The overhead of
``run_scenarios`` is measured against the loop a user would write by hand,
``simulate(scenario, rng=SeedSequence(entropy, spawn_key=(r,)))`` for each
replication, in wall time and in CPU time of this process (less sensitive to
other processes on the machine).

    python benchmarks/bench_experiments.py              # toy-valley and ceramics at full size, tiny, memory
    python benchmarks/bench_experiments.py --quick      # fewer runs and repeats
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

import numpy as np

from districtlab import simulate
from districtlab.config import Scenario
from districtlab.experiments import run_scenarios
from districtlab.presets import load_scenario

ENTROPY = 20261127


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


def timed(work: Callable[[], None]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def warm(pool: ProcessPoolExecutor) -> None:
    """Start the workers and import districtlab in them, so that timings measure runs, not start-up."""
    for future in [pool.submit(load_scenario, "toy-valley") for _ in range(pool._max_workers)]:  # type: ignore[attr-defined]
        future.result()


def bench_district(
    label: str,
    scenario: Scenario,
    runs: int,
    repeats: int,
    one: ProcessPoolExecutor,
    two: ProcessPoolExecutor,
) -> None:
    variants: dict[str, Callable[[], None]] = {
        "plain loop of simulate": lambda: plain_loop(scenario, runs),
        "run_scenarios, serial": lambda: experiment(scenario, runs),
        "run_scenarios, serial, store": lambda: experiment(scenario, runs, store=True),
        "run_scenarios, 1 worker process": lambda: experiment(scenario, runs, one),
        "run_scenarios, 2 worker processes": lambda: experiment(scenario, runs, two),
        "run_scenarios, 2 workers, store": lambda: experiment(scenario, runs, two, store=True),
    }
    plain_loop(scenario, 2)  # warm caches in this process
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, work in variants.items():  # interleaved, so that a burst of load hits every variant
            wall, cpu = timed(work)
            walls[name].append(wall)
            cpus[name].append(cpu)
    loop_wall = statistics.median(walls["plain loop of simulate"])
    loop_cpu = statistics.median(cpus["plain loop of simulate"])
    one_worker = statistics.median(walls["run_scenarios, 1 worker process"])
    print(f"\n{label}: {scenario.n_firms} firms, {scenario.n_steps} steps, {runs} runs, median of {repeats}")
    print(f"  {'variant':36} {'runs/s':>8} {'wall vs loop':>13} {'CPU vs loop':>12} {'vs 1 worker':>12}")
    for name in variants:
        wall = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        cpu_text = f"{cpu / loop_cpu - 1:+12.1%}" if "worker" not in name else f"{'(workers)':>12}"
        speedup = f"{one_worker / wall:11.2f}x" if "worker" in name else ""
        print(f"  {name:36} {runs / wall:8.2f} {wall / loop_wall - 1:+13.1%} {cpu_text} {speedup:>12}")


def bench_memory(counts: tuple[int, ...]) -> None:
    """Peak traced memory of run_scenarios with and without a store, as the number of runs grows."""
    scenario = load_scenario("toy-valley").with_firms(20).with_months(6)
    print(
        f"\nmemory: peak Python allocations (tracemalloc) running a {scenario.n_firms}-firm, {scenario.n_steps}-step district"
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
    with ProcessPoolExecutor(max_workers=1) as one, ProcessPoolExecutor(max_workers=2) as two:
        warm(one)
        warm(two)
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
            bench_district(label, scenario, runs, repeats, one, two)
    if not arguments.no_memory:
        bench_memory((200, 800))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
