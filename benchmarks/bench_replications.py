"""Issue 14: replications per second at district size, the model before its compiled kernels (old) beside this one (new).

Every measurement runs in a fresh process whose ``PYTHONPATH`` points at one
source tree: *old* is ``src/`` as of ``--old-ref`` (by default the last commit
before the numba kernels, extracted with ``git archive`` into a temporary
directory, so the repository keeps no second copy of the model), *new* is this
checkout's ``src/``. The new tree's kernels are compiled (or loaded from numba's
cache) by a warm-up run before any clock starts. Rounds alternate old and new, so that a burst of load
from other tenants of the shared machine falls on both alike; each figure is
the median over the rounds. Nothing is asserted: the script prints figures.

Cases, for every preset at its real size (120 months, its documented programme):

* runs per second with one worker (``run_scenarios`` serially, in process,
  30 replications: also the time of "30 replications x 120 months", in wall
  seconds and in CPU seconds of the process, which other tenants' load moves
  less) and with
  two worker processes (a ``ProcessPoolExecutor`` started and warmed before
  the clock starts, 60 replications);
* a 3-design x 20-replication comparison of toy-valley (no programme, the
  generic programme, the place-based one): as the lab runs it
  (:func:`districtlab.dashboard.runs.run_designs`, one run at a time) and with
  ``run_scenarios`` on two worker processes;
* with ``--ten-thousand``: 10,000 runs of castellon-ceramics on two worker
  processes, new path only, measured once.

Usage::

    python benchmarks/bench_replications.py                   # 3 rounds
    python benchmarks/bench_replications.py --rounds 1 --ten-thousand
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import _single_core  # before anything that loads numpy: sets the thread-pool sizes

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: The model before the compiled kernels (main when the numba work of issue 14 started; the
#: small bit-identical savings of the first issue-14 session are in it).
OLD_REF = "4869f50"
PRESETS = ("toy-valley", "castellon-ceramics", "vinalopo-footwear")
SERIAL_REPLICATIONS = 30
PARALLEL_REPLICATIONS = 60
COMPARISON = ("toy-valley", ("none", "generic", "place-based"), 20)
TEN_THOUSAND = ("castellon-ceramics", 10_000)
SEED = 20261130


# -- worker: one source tree, every case once ------------------------------------------------


def _timed(function) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _cpu_timed(function) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds of this process): the CPU time is steadier on a loaded machine."""
    cpu = time.process_time()
    wall = _timed(function)
    return wall, time.process_time() - cpu


def worker(ten_thousand: bool) -> None:
    """Measure every case once in this process and print one JSON line."""
    from concurrent.futures import ProcessPoolExecutor

    from districtlab.dashboard.runs import run_designs
    from districtlab.experiments import run_scenarios
    from districtlab.presets import load_scenario

    figures: dict[str, float] = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        warm = load_scenario("castellon-ceramics").with_months(2.0)
        run_scenarios([warm], replications=4, rng=0, executor=pool, batch_size=1)  # both workers started
        if ten_thousand:
            preset, runs = TEN_THOUSAND
            scenario = load_scenario(preset)
            figures["ten_thousand"] = _timed(
                lambda: run_scenarios([scenario], replications=runs, rng=SEED, executor=pool)
            )
        else:
            for preset in PRESETS:
                scenario = load_scenario(preset)
                run_scenarios([scenario], replications=1, rng=SEED)  # warm caches in this process
                figures[f"serial/{preset}"], figures[f"cpu/{preset}"] = _cpu_timed(
                    lambda scenario=scenario: run_scenarios(
                        [scenario], replications=SERIAL_REPLICATIONS, rng=SEED
                    )
                )
                figures[f"two/{preset}"] = _timed(
                    lambda scenario=scenario: run_scenarios(
                        [scenario], replications=PARALLEL_REPLICATIONS, rng=SEED, executor=pool
                    )
                )
            preset, programmes, replications = COMPARISON
            base = load_scenario(preset)
            designs = {name: base.with_programme(name) for name in programmes}
            figures["comparison/lab"] = _timed(
                lambda: run_designs(designs, replications=replications, seed=SEED)
            )
            figures["comparison/two"] = _timed(
                lambda: run_scenarios(designs, replications=replications, rng=SEED, executor=pool)
            )
    print(json.dumps(figures), flush=True)


# -- driver ----------------------------------------------------------------------------------


def extract_old_source(ref: str, into: Path) -> Path:
    """``src/`` as of ``ref``, extracted with ``git archive`` into ``into``."""
    archive = into / "old.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def run_worker(source: Path, ten_thousand: bool) -> dict[str, float]:
    environment = dict(os.environ, PYTHONPATH=str(source))
    command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    if ten_thousand:
        command.append("--ten-thousand")
    output = subprocess.run(command, env=environment, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def table(old: list[dict[str, float]], new: list[dict[str, float]]) -> list[str]:
    def median(rounds: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    lines = [
        "| case | old | new | new / old speed |",
        "|---|---:|---:|---:|",
    ]
    for preset in PRESETS:
        for kind, runs, label in (
            ("serial", SERIAL_REPLICATIONS, "1 worker (in process)"),
            ("two", PARALLEL_REPLICATIONS, "2 worker processes"),
        ):
            key = f"{kind}/{preset}"
            before, after = runs / median(old, key), runs / median(new, key)
            lines.append(
                f"| {preset}, runs/s, {label} | {before:.1f} | {after:.1f} | {after / before:.2f}x |"
            )
    for preset in PRESETS:
        key = f"serial/{preset}"
        before, after = median(old, key), median(new, key)
        lines.append(
            f"| {preset}, {SERIAL_REPLICATIONS} replications x 120 months, 1 core, s | "
            f"{before:.2f} | {after:.2f} | {before / after:.2f}x |"
        )
    for preset in PRESETS:
        key = f"cpu/{preset}"
        before, after = median(old, key), median(new, key)
        lines.append(
            f"| {preset}, {SERIAL_REPLICATIONS} replications x 120 months, 1 core, CPU s of the process | "
            f"{before:.2f} | {after:.2f} | {before / after:.2f}x |"
        )
    preset, programmes, replications = COMPARISON
    for key, label in (
        ("comparison/lab", "as the lab runs it (one at a time)"),
        ("comparison/two", "run_scenarios, 2 worker processes"),
    ):
        before, after = median(old, key), median(new, key)
        lines.append(
            f"| {preset}: {len(programmes)} designs x {replications} replications, {label}, s | "
            f"{before:.2f} | {after:.2f} | {before / after:.2f}x |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help="old/new rounds (the median is reported)")
    parser.add_argument("--old-ref", default=OLD_REF, help="git ref of the old source tree")
    parser.add_argument(
        "--ten-thousand", action="store_true", help="also time 10,000 runs of one district (new only)"
    )
    args = parser.parse_args()
    if args.worker:
        worker(args.ten_thousand)
        return
    print(f"# {_single_core.machine_note()}", flush=True)
    print(f"# old: src/ at {args.old_ref}; new: {ROOT / 'src'}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        old_source = extract_old_source(args.old_ref, Path(scratch))
        old: list[dict[str, float]] = []
        new: list[dict[str, float]] = []
        for number in range(args.rounds):
            old.append(run_worker(old_source, ten_thousand=False))
            new.append(run_worker(ROOT / "src", ten_thousand=False))
            print(f"# round {number + 1} of {args.rounds} done, load {os.getloadavg()[0]:.2f}", flush=True)
    for line in table(old, new):
        print(line)
    if args.ten_thousand:
        preset, runs = TEN_THOUSAND
        seconds = run_worker(ROOT / "src", ten_thousand=True)["ten_thousand"]
        print(
            f"\n{runs:,} runs of {preset} (120 months), new path, 2 worker processes: {seconds:.1f} s "
            f"({runs / seconds:.1f} runs/s), load {os.getloadavg()[0]:.2f} after"
        )


if __name__ == "__main__":
    main()
