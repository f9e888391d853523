"""Issue 2's speed target: 5,000 firms x 8 technologies x 120 months in under 0.2 s on one core.

Times ``districtlab.simulate`` (set-up included) for each preset rescaled to
``--firms`` firms, under each programme, and prints the median, the fastest
run and throughput. The acceptance figure is the slowest of the medians: every
preset and programme must run within the target. Timing is not asserted
anywhere in the tests; this script only prints figures.

Usage::

    python benchmarks/bench_model.py              # 5,000 firms, 120 months, 9 runs each
    python benchmarks/bench_model.py --repeats 15 --pin-cpu 1
"""

from __future__ import annotations

import argparse
import statistics
import time

import _single_core  # before anything that loads numpy: sets the thread-pool sizes
import districtlab
from districtlab.presets import list_presets, load_scenario

PROGRAMMES = ("none", "generic", "place-based")
TARGET_SECONDS = 0.2


def time_round_robin(
    scenarios: dict[tuple[str, str], districtlab.Scenario], repeats: int
) -> dict[tuple[str, str], list[float]]:
    """Wall-clock seconds of ``repeats`` runs of every scenario (seeds 1..repeats), after one warm-up run each.

    The runs go round the cases (one run of each, then the next seed), so that a
    burst of load from other tenants of a shared machine falls on all cases
    alike instead of on whichever case was running.
    """
    for scenario in scenarios.values():
        districtlab.simulate(scenario, rng=0)
    seconds: dict[tuple[str, str], list[float]] = {case: [] for case in scenarios}
    for seed in range(1, repeats + 1):
        for case, scenario in scenarios.items():
            start = time.perf_counter()
            districtlab.simulate(scenario, rng=seed)
            seconds[case].append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=5000)
    parser.add_argument("--months", type=float, default=120.0)
    parser.add_argument("--repeats", type=int, default=9, help="timed runs per case (at least 7)")
    parser.add_argument("--pin-cpu", type=int, default=None, help="pin the process to this CPU")
    args = parser.parse_args()
    if args.repeats < 7:
        parser.error("--repeats must be at least 7")
    print(
        f"# districtlab {districtlab.__version__}: {args.firms:,} firms x {args.months:g} months, "
        f"median of {args.repeats} runs, {_single_core.pin_to_cpu(args.pin_cpu)}"
    )
    print(f"# {_single_core.machine_note()}")
    print(
        f"{'preset':20s} {'programme':12s} {'median s':>9s} {'min s':>8s} {'max s':>8s} {'firm-steps/s':>14s}"
    )
    scenarios = {}
    for preset in list_presets():
        base = load_scenario(preset).with_firms(args.firms).with_months(args.months)
        for programme in PROGRAMMES:
            scenarios[preset, programme] = base.with_programme(programme)
    medians = {}
    for (preset, programme), seconds in time_round_robin(scenarios, args.repeats).items():
        scenario = scenarios[preset, programme]
        median = statistics.median(seconds)
        medians[preset, programme] = median
        rate = scenario.n_firms * scenario.n_steps / median
        print(
            f"{preset:20s} {programme:12s} {median:9.3f} {min(seconds):8.3f} {max(seconds):8.3f} {rate:14.3g}"
        )
    (worst_preset, worst_programme), worst = max(medians.items(), key=lambda item: item[1])
    verdict = "met" if worst < TARGET_SECONDS else "NOT met"
    print(
        f"\nAcceptance figure (issue 2): slowest median = {worst:.3f} s ({worst_preset}, {worst_programme}); "
        f"target < {TARGET_SECONDS} s: {verdict}."
    )


if __name__ == "__main__":
    main()
