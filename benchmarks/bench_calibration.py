"""Calibration: seconds per ABC evaluation and the wall and CPU time of a calibration.

Prints figures and asserts nothing. The machine may be shared: the load average
before and after is printed with every figure, and CPU time (user + system, of
this process and its workers) is reported beside wall time, as it depends less
on other users of the machine.

    python benchmarks/bench_calibration.py            # evaluations, then the default calibration of one district
    python benchmarks/bench_calibration.py --quick    # evaluations and a small calibration
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

import districtlab
from districtlab.calibration import calibrate, load_targets, problem_for
from districtlab.calibration.abc import Settings


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def evaluations(preset: str, n: int) -> None:
    problem = problem_for([preset], "spain-2014-2020", replications=Settings.replications)
    rng = np.random.default_rng(0)
    draws = [{p.name: float(rng.uniform(p.low, p.high)) for p in problem.priors} for _ in range(n)]
    before, started = load(), time.perf_counter()
    for i, draw in enumerate(draws):
        problem.simulate(draw, np.random.SeedSequence(i))
    elapsed = time.perf_counter() - started
    print(
        f"{preset}: {elapsed / n * 1000:.0f} ms per ABC evaluation ({Settings.replications} runs 2012-2020), "
        f"{before} -> {load()}"
    )


def full(preset: str, particles: int, populations: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        before, cpu, started = load(), cpu_seconds(), time.perf_counter()
        posterior = calibrate(
            districtlab.load_scenario(preset),
            load_targets("spain-2014-2020"),
            out=Path(directory) / "cal",
            particles=particles,
            populations=populations,
            workers=workers,
        )
        wall = time.perf_counter() - started
        evaluated = sum(r.evaluations for r in posterior.populations)
        print(
            f"calibrate {preset} --particles {particles} --populations {populations} --workers {workers}: "
            f"{wall / 60:.1f} min wall, {(cpu_seconds() - cpu) / 60:.1f} min CPU, {evaluated} evaluations, "
            f"final epsilon {posterior.populations[-1].epsilon:.3g}, {before} -> {load()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small calibration instead of the default one")
    parser.add_argument("--preset", default="castellon-ceramics")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    evaluations(args.preset, 10 if args.quick else 40)
    if args.quick:
        full(args.preset, 30, 3, args.workers)
    else:
        full(args.preset, Settings.particles, Settings.populations, args.workers)


if __name__ == "__main__":
    main()
