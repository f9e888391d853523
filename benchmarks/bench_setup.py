"""A run's set-up and recording alone: CPU per run of ``run_model`` with the steps stubbed out, by part.

Issue 14 splits a replication into its steps and everything else; this script
times everything else. Each step is replaced by one that returns the run's
(zeroed) step unchanged, so ``run_model`` draws the firms and networks, builds
the state, records 121 rows and nothing moves. It prints the CPU median per
run (``time.process_time``, so that time another tenant of a shared machine
takes is not counted) and, for the main parts, the CPU median of one call
each. Medians of many runs, not means: a burst of load lands on a few runs.
Timing is not asserted anywhere; this script only prints figures. Compare two
trees by running it with each tree's sources first on the path, alternately.

Usage::

    python benchmarks/bench_setup.py                       # vinalopo-footwear, 300 runs
    python benchmarks/bench_setup.py toy-valley --runs 500
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import _single_core  # before anything that loads numpy: sets the thread-pool sizes
import districtlab.model.simulate as simulate
from districtlab._rng import as_seed_sequence
from districtlab.model.observers import Recorder
from districtlab.presets import load_scenario

#: The parts of run_model timed one by one (names in districtlab.model.simulate).
PARTS = (
    "draw_firms",
    "build_networks",
    "initial_state",
    "Exposure",
    "AwarenessSchedule.draw",
    "Recorder.record",
)


def _timed(function: Callable[..., Any], seconds: list[float]) -> Callable[..., Any]:
    def timed(*arguments: Any, **keywords: Any) -> Any:
        start = time.process_time()
        result = function(*arguments, **keywords)
        seconds.append(time.process_time() - start)
        return result

    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", nargs="?", default="vinalopo-footwear")
    parser.add_argument("--runs", type=int, default=300)
    options = parser.parse_args()
    scenario = load_scenario(options.preset)
    seconds: dict[str, list[float]] = {part: [] for part in PARTS}
    for part in ("draw_firms", "build_networks", "initial_state", "Exposure"):
        setattr(simulate, part, _timed(getattr(simulate, part), seconds[part]))
    awareness_draw = simulate.AwarenessSchedule.draw
    simulate.AwarenessSchedule.draw = _timed(awareness_draw, seconds["AwarenessSchedule.draw"])  # type: ignore[method-assign]
    Recorder.record = _timed(Recorder.record, seconds["Recorder.record"])  # type: ignore[method-assign]
    simulate.step = lambda data, *_: data.step  # type: ignore[assignment]
    for seed in range(10):  # warm-up: compiled kernels loaded, caches filled
        simulate.run_model(scenario, as_seed_sequence(seed))
    for values in seconds.values():
        values.clear()
    per_run = []
    for seed in range(options.runs):
        start = time.process_time()
        simulate.run_model(scenario, as_seed_sequence(1_000 + seed))
        per_run.append(time.process_time() - start)
    print(f"# {_single_core.machine_note()}")
    print(
        f"{options.preset}: set-up and recording, CPU median per run {1e3 * statistics.median(per_run):.3f} ms"
    )
    for part, values in seconds.items():
        calls = len(values) / options.runs
        print(f"  {part:24s} {1e3 * statistics.median(values) * calls:.3f} ms per run ({calls:g} calls)")


if __name__ == "__main__":
    main()
