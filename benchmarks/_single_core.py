"""Run benchmarks on one core: no BLAS or OpenMP thread pools, optionally pinned to one CPU.

Import this module before numpy (the thread-pool sizes are read when numpy
loads). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which the machine may set, are
left as they are.
"""

from __future__ import annotations

import os

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")

for _name in THREAD_VARIABLES:
    os.environ[_name] = "1"


def pin_to_cpu(cpu: int | None) -> str:
    """Pin this process to ``cpu`` (None: leave it to the scheduler); return a description."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return "not pinned (single-threaded)"
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def machine_note() -> str:
    """One line on where the figures were measured."""
    import platform

    import numpy as np

    cpus = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"{cpus} CPUs, 1-min load average {load:.2f} at start"
    )
