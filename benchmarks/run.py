"""Issue 6: districtlab side by side with its Mesa reference, and districtlab alone up to a million firms.

Measures, on one core (no BLAS/OpenMP threads), every case in a fresh worker
process so that its peak memory is its own:

1. districtlab and the Mesa reference (``benchmarks/mesa_reference``) on the
   same scenario at 1k, 10k and 100k firms: median seconds per run and the ratio;
2. districtlab at 1,000,000 firms x 8 technologies x 120 months, with peak memory;
3. scaling of districtlab's time with the number of firms (1k ... 1M) and with
   the number of network ties (peer degree varied at a fixed number of firms),
   with the exponent of a log-log fit.

and writes the tables to ``benchmarks/RESULTS.md``. The scenario is
vinalopo-footwear with no regional programme (the RTI's core services
running), the largest district of the three and the one the Mesa reference
covers in full (see its module docstring for the rules in and out). Timing is
a figure, never a test: nothing here asserts a time.

Usage::

    python benchmarks/run.py                 # everything (about half an hour, most of it Mesa)
    python benchmarks/run.py --quick         # fewer runs, Mesa only up to 10k firms
    python benchmarks/run.py --mesa-max-firms 10000 --out /tmp/RESULTS.md
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import _single_core  # before anything that loads numpy: sets the thread-pool sizes

HERE = Path(__file__).resolve().parent
SCENARIO = "vinalopo-footwear"
PROGRAMME = "none"
MONTHS = 120.0


# -- worker: one case in a fresh process ---------------------------------------------------


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def worker(args: argparse.Namespace) -> None:
    """Run one case ``args.runs`` times and print a JSON line with the times, ties and memory."""
    import districtlab
    from districtlab.presets import load_scenario

    scenario = (
        load_scenario(args.preset)
        .with_firms(args.firms)
        .with_months(args.months)
        .with_programme(args.programme)
    )
    if args.peer_degree is not None:
        scenario = scenario.replace(
            networks=scenario.networks.model_dump() | {"peer_degree": args.peer_degree}
        )
    if args.model == "mesa":
        sys.path.insert(0, str(HERE.parent))
        from benchmarks.mesa_reference import run_reference

        def run(seed: int) -> None:
            run_reference(scenario, seed=seed)
    else:

        def run(seed: int) -> None:
            districtlab.simulate(scenario, rng=seed)

    baseline = _rss_mib()
    if args.warm_up:
        run(0)
    seconds = []
    for seed in range(1, args.runs + 1):
        start = time.perf_counter()
        run(seed)
        seconds.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mib": _rss_mib(),
                "baseline_rss_mib": baseline,
                "ties": _ties(scenario),
            }
        )
    )


def _ties(scenario) -> int:  # type: ignore[no-untyped-def]
    """Exposure ties (non-zeros of the symmetric weight matrix) of the scenario's network, seed 1."""
    import numpy as np

    from districtlab._rng import run_streams
    from districtlab.model.networks import build_networks
    from districtlab.model.population import draw_firms

    streams = run_streams(np.random.SeedSequence(1))
    firms = draw_firms(scenario.population, streams["population"])
    networks = build_networks(firms, scenario.networks, streams["network"])
    return networks.peer_graph_size()


@dataclass(frozen=True)
class Measured:
    model: str
    firms: int
    seconds: list[float]
    peak_rss_mib: float
    baseline_rss_mib: float
    ties: int
    peer_degree: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure(
    model: str, firms: int, runs: int, *, peer_degree: float | None = None, warm_up: bool = True
) -> Measured:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "worker",
        "--model",
        model,
        "--firms",
        str(firms),
        "--runs",
        str(runs),
        "--preset",
        SCENARIO,
        "--programme",
        PROGRAMME,
        "--months",
        str(MONTHS),
    ]
    if peer_degree is not None:
        command += ["--peer-degree", str(peer_degree)]
    if warm_up:
        command.append("--warm-up")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    measured = Measured(
        model,
        firms,
        result["seconds"],
        result["peak_rss_mib"],
        result["baseline_rss_mib"],
        result["ties"],
        peer_degree,
    )
    print(
        f"  {model:11s} {firms:>9,} firms  ties {measured.ties:>11,}  median {measured.median:9.3f} s "
        f"over {runs}  peak RSS {measured.peak_rss_mib:7.0f} MiB",
        flush=True,
    )
    return measured


def fitted_exponent(x: list[float], y: list[float]) -> float:
    """Slope of log y on log x (least squares)."""
    lx, ly = [math.log(v) for v in x], [math.log(v) for v in y]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


# -- the report -------------------------------------------------------------------------------


def main(args: argparse.Namespace) -> None:
    quick = args.quick
    print(f"# {_single_core.machine_note()}", flush=True)
    started = time.perf_counter()

    print("1. districtlab and the Mesa reference, side by side", flush=True)
    side_by_side = []
    for firms in (1_000, 10_000, 100_000):
        ours = measure("districtlab", firms, runs=3 if quick else (7 if firms < 100_000 else 5))
        theirs = None
        if firms <= args.mesa_max_firms:
            mesa_runs = 1 if (quick or firms >= 100_000) else (5 if firms <= 1_000 else 3)
            theirs = measure("mesa", firms, runs=mesa_runs, warm_up=firms <= 1_000)
        side_by_side.append((ours, theirs))

    print("2. districtlab at a million firms", flush=True)
    million = measure("districtlab", 1_000_000, runs=1 if quick else 3, warm_up=False)

    print("3. scaling with firms and with ties", flush=True)
    by_firms = [pair[0] for pair in side_by_side]
    by_firms.extend(
        measure(
            "districtlab", firms, runs=3 if quick else (5 if firms < 300_000 else 3), warm_up=firms < 300_000
        )
        for firms in (3_000, 30_000, 300_000)
    )
    by_firms.append(million)
    by_firms.sort(key=lambda m: m.firms)
    tie_firms = 100_000
    by_ties = [
        measure("districtlab", tie_firms, runs=3, peer_degree=degree, warm_up=True)
        for degree in (2.0, 6.0, 18.0, 54.0)
    ]

    text = report(side_by_side, million, by_firms, by_ties, tie_firms, time.perf_counter() - started, quick)
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


def report(side_by_side, million, by_firms, by_ties, tie_firms, elapsed, quick) -> str:  # type: ignore[no-untyped-def]
    import districtlab

    lines = [
        "# Performance: districtlab and a Mesa reference, up to a million firms",
        "",
        f"Measured by `python benchmarks/run.py{' --quick' if quick else ''}` on "
        f"{datetime.date.today().isoformat()} (districtlab {districtlab.__version__}), {elapsed / 60:.0f} minutes in all.",
        f"Machine: {_single_core.machine_note()}. One core: BLAS/OpenMP pools of one thread; every case runs in a",
        "fresh process (peak RSS is that process's, interpreter and libraries included). The machine is shared:",
        "other tenants' load moves single figures by up to a factor of two, so read ratios and exponents, not the",
        "third digit. Times are wall-clock seconds per run, set-up included: the median over the runs shown.",
        "",
        f"Scenario: `{SCENARIO}` rescaled with `Scenario.with_firms(n)`, programme `{PROGRAMME}` (the RTI's core",
        f"services running), {MONTHS:g} months, 8 technologies. The Mesa reference (`benchmarks/mesa_reference`,",
        "Mesa 3.3, one agent object per firm) implements the same rules; `tests/perf/test_mesa_equivalence.py`",
        "(slow) checks that both give statistically indistinguishable adoption by technology and size class.",
        "",
        "## 1. Side by side",
        "",
        "| firms | districtlab s | runs | Mesa s | runs | Mesa / districtlab | districtlab firm-steps/s | Mesa firm-steps/s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    steps = int(MONTHS)
    for ours, theirs in side_by_side:
        if theirs is None:
            lines.append(
                f"| {ours.firms:,} | {ours.median:.3f} | {len(ours.seconds)} | not run | | | {ours.firms * steps / ours.median:.3g} | |"
            )
        else:
            lines.append(
                f"| {ours.firms:,} | {ours.median:.3f} | {len(ours.seconds)} | {theirs.median:.1f} | {len(theirs.seconds)} | "
                f"**{theirs.median / ours.median:.0f}x** | {ours.firms * steps / ours.median:.3g} | {theirs.firms * steps / theirs.median:.3g} |"
            )
    lines += [
        "",
        "## 2. A million firms",
        "",
        "| firms | ties | median s | runs | peak RSS MiB | RSS after imports MiB | target |",
        "|---:|---:|---:|---:|---:|---:|---|",
        f"| {million.firms:,} | {million.ties:,} | {million.median:.1f} | {len(million.seconds)} | {million.peak_rss_mib:.0f} | "
        f"{million.baseline_rss_mib:.0f} | < 60 s and < 4 GB (4096 MiB) |",
        "",
        "## 3. Scaling",
        "",
        "Time against the number of firms (same scenario, peer degree as in the preset):",
        "",
        "| firms | ties | median s | s per million firm-steps | peak RSS MiB |",
        "|---:|---:|---:|---:|---:|",
    ]
    for m in by_firms:
        lines.append(
            f"| {m.firms:,} | {m.ties:,} | {m.median:.3f} | {m.median / (m.firms * steps) * 1e6:.3f} | {m.peak_rss_mib:.0f} |"
        )
    large = [m for m in by_firms if m.firms >= 10_000]
    lines += [
        "",
        f"Fitted exponent of time on firms (log-log least squares): {fitted_exponent([m.firms for m in by_firms], [m.median for m in by_firms]):.2f} "
        f"over 1k to 1M, {fitted_exponent([m.firms for m in large], [m.median for m in large]):.2f} over 10k to 1M "
        "(1 is linear; below 1 at small sizes because a fixed per-step cost dominates there).",
        "",
        f"Time against the number of ties at {tie_firms:,} firms (peer degree varied):",
        "",
        "| peer degree | ties | median s | runs |",
        "|---:|---:|---:|---:|",
    ]
    for m in by_ties:
        lines.append(f"| {m.peer_degree:g} | {m.ties:,} | {m.median:.3f} | {len(m.seconds)} |")
    lines += [
        "",
        f"Fitted exponent of time on ties: {fitted_exponent([m.ties for m in by_ties], [m.median for m in by_ties]):.2f} "
        "(time = fixed cost + a part proportional to the ties, so the exponent stays below 1).",
        "",
    ]
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    run_worker = sub.add_parser("worker", help="run one case in this process (used by the benchmark itself)")
    run_worker.add_argument("--model", choices=("districtlab", "mesa"), required=True)
    run_worker.add_argument("--firms", type=int, required=True)
    run_worker.add_argument("--runs", type=int, required=True)
    run_worker.add_argument("--preset", default=SCENARIO)
    run_worker.add_argument("--programme", default=PROGRAMME)
    run_worker.add_argument("--months", type=float, default=MONTHS)
    run_worker.add_argument("--peer-degree", type=float, default=None)
    run_worker.add_argument("--warm-up", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer runs; Mesa only up to 10k firms")
    parser.add_argument(
        "--mesa-max-firms",
        type=int,
        default=None,
        help="largest district to run in Mesa (default 100k; 10k with --quick)",
    )
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)
    if args.command is None and args.mesa_max_firms is None:
        args.mesa_max_firms = 10_000 if args.quick else 100_000
    return args


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    if arguments.command == "worker":
        worker(arguments)
    else:
        main(arguments)
