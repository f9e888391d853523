"""Knowledge networks at scale: reading, centralities (exact and sampled), roles and brokerage.

Prints figures and asserts nothing. A random directed network with districts as
groups is written as CSV (edges plus actor table) and read back as
``districtlab network roles`` does; then each measure is timed once, with the
peak resident memory of this process at the end.

    python benchmarks/bench_networks.py                       # 50,000 actors, 250,000 ties
    python benchmarks/bench_networks.py --nodes 200000 --ties 1000000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from districtlab._rng import as_seed_sequence
from districtlab.evidence import brokerage_roles, centralities, read_knowledge_network
from districtlab.evidence.networks import DEFAULT_PIVOTS, EXACT_MAX_NODES
from districtlab.evidence.roles import roles_by_group


def timed(label: str, action):
    start = time.perf_counter()
    value = action()
    print(f"{label:<52} {time.perf_counter() - start:8.1f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=50_000)
    parser.add_argument("--ties", type=int, default=250_000)
    parser.add_argument("--pivots", type=int, default=DEFAULT_PIVOTS)
    arguments = parser.parse_args()
    rng = np.random.default_rng(as_seed_sequence(7))
    n, m = arguments.nodes, arguments.ties
    print(f"{n:,} actors, {m:,} ties (random, 3 districts); exact measures up to {EXACT_MAX_NODES:,} actors")
    with tempfile.TemporaryDirectory() as folder:
        edges, nodes = Path(folder) / "ties.csv", Path(folder) / "actors.csv"
        source = rng.integers(0, n, size=m)
        target = (source + rng.integers(1, n, size=m)) % n
        pd.DataFrame({"source": source, "target": target}).astype(str).to_csv(edges, index=False)
        pd.DataFrame(
            {"id": np.arange(n).astype(str), "district": rng.choice(["A", "B", "C"], size=n)}
        ).to_csv(nodes, index=False)
        graph = timed(
            "read CSV edges + actor table",
            lambda: read_knowledge_network(edges, nodes=nodes, require_types=False),
        )
    measures = timed(
        f"centralities, sampled ({arguments.pivots} pivots)",
        lambda: centralities(graph, pivots=arguments.pivots),
    )
    print(f"  method: {measures.attrs['centrality_method']}")
    timed("roles within each district (Giuliani-Bell, Morrison)", lambda: roles_by_group(graph, "district"))
    timed("Gould-Fernandez brokerage by district (sparse)", lambda: brokerage_roles(graph, "district"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
