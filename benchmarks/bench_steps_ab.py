"""Two source trees side by side in one process: CPU of a preset's 30 replications, its steps and their delivery.

On a machine shared with other work, timings taken a minute apart differ by
more than a change saves. This script loads both trees into one process (the
``districtlab`` modules of the first are set aside before the second is
imported; each keeps its own compiled kernels) and alternates their batches of
30 replications, so that both meet the same load; it prints, for each tree,
medians of CPU seconds (``time.process_time``) of the whole batch, of its
steps without the programmes' delivery (``schedule.deliver_programmes``) and
of the delivery alone, and the median of the paired differences. Timing is not
asserted anywhere; this script only prints figures.

Usage::

    python benchmarks/bench_steps_ab.py NEW_SRC OLD_SRC                  # vinalopo-footwear, 12 pairs
    python benchmarks/bench_steps_ab.py NEW_SRC OLD_SRC --preset toy-valley --pairs 20

``NEW_SRC`` and ``OLD_SRC`` are the ``src`` directories of the two trees
(e.g. a worktree's ``src`` and ``/work/main/src``).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _load(src: str) -> tuple[Callable[..., Any], Callable[[str], Any], dict[str, float]]:
    """(run_scenarios, load_scenario, CPU counters) of the tree whose sources are in ``src``."""
    for name in [name for name in sys.modules if name == "districtlab" or name.startswith("districtlab.")]:
        del sys.modules[name]
    sys.path.insert(0, src)
    try:
        experiments = importlib.import_module("districtlab.experiments")
        presets = importlib.import_module("districtlab.presets")
        simulate = importlib.import_module("districtlab.model.simulate")
        schedule = importlib.import_module("districtlab.model.schedule")
    finally:
        sys.path.remove(src)
    counters = {"steps": 0.0, "delivery": 0.0}

    def timed(function: Callable[..., Any], counter: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                counters[counter] += time.process_time() - start

        return call

    simulate.step = timed(simulate.step, "steps")  # type: ignore[attr-defined]
    schedule.deliver_programmes = timed(schedule.deliver_programmes, "delivery")  # type: ignore[attr-defined]
    return experiments.run_scenarios, presets.load_scenario, counters  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("new_src")
    parser.add_argument("old_src")
    parser.add_argument("--preset", default="vinalopo-footwear")
    parser.add_argument("--pairs", type=int, default=12)
    arguments = parser.parse_args()
    trees = {"new": _load(arguments.new_src), "old": _load(arguments.old_src)}
    for run, load_scenario, _ in trees.values():  # compile or load the kernels, warm the caches
        run([load_scenario(arguments.preset)], replications=2, rng=1)
    figures: dict[str, dict[str, list[float]]] = {
        name: {"total": [], "steps without delivery": [], "delivery": []} for name in trees
    }
    for _ in range(arguments.pairs):
        for name, (run, load_scenario, counters) in trees.items():
            scenario = load_scenario(arguments.preset)
            counters["steps"] = counters["delivery"] = 0.0
            start = time.process_time()
            run([scenario], replications=30, rng=20261130)
            figures[name]["total"].append(time.process_time() - start)
            figures[name]["steps without delivery"].append(counters["steps"] - counters["delivery"])
            figures[name]["delivery"].append(counters["delivery"])
    for name, columns in figures.items():
        medians = ", ".join(f"{column} {statistics.median(values):.3f}" for column, values in columns.items())
        print(f"{arguments.preset} {name}: CPU s, medians of {arguments.pairs}: {medians}")
    for column in figures["new"]:
        paired = [new - old for new, old in zip(figures["new"][column], figures["old"][column], strict=True)]
        print(f"paired new - old, {column}: median {statistics.median(paired):+.3f}")


if __name__ == "__main__":
    main()
