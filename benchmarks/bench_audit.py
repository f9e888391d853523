"""Issue 9: how long ``districtlab audit PRESET --replications N`` takes, as a user runs it.

Runs the command in a fresh process (as on a clean clone: nothing cached), with the
given replications and workers, and prints the wall time, the runs it made, the
seconds per run and the load average before and after (the machine may be shared).
The acceptance figure is ``vinalopo-footwear`` at 10 replications on 2 workers,
which must finish in under 10 minutes on a 2-core machine. Prints figures and
asserts nothing.

    python benchmarks/bench_audit.py                                  # vinalopo-footwear, 10 replications, 2 workers
    python benchmarks/bench_audit.py --preset toy-valley --replications 20
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="vinalopo-footwear")
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    environment = dict(os.environ, PYTHONPATH=str(SOURCE))
    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable,
            "-m",
            "districtlab",
            "audit",
            args.preset,
            "--replications",
            str(args.replications),
            "--workers",
            str(args.workers),
            "--seed",
            str(args.seed),
            "--out",
            out,
        ]
        load_before = os.getloadavg()
        started = time.perf_counter()
        finished = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
        if finished.returncode != 0:
            print(finished.stderr, file=sys.stderr)
            raise SystemExit(finished.returncode)
        metadata = json.loads((Path(out) / "metadata.json").read_text())
        tables = sorted(p.name for p in Path(out).glob("*.csv"))
    runs = int(metadata["runs"])
    print(f"districtlab audit {args.preset} --replications {args.replications} --workers {args.workers}")
    print(f"  wall time        {elapsed:8.1f} s  ({elapsed / 60:.1f} min; the target is under 10 min)")
    print(f"  runs             {runs:8d}  ({elapsed / runs * args.workers:.3f} s per run per worker)")
    print(f"  tables written   {', '.join(tables)}")
    print(
        f"  load average     {load_before[0]:.1f} before, {load_after[0]:.1f} after ({os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
