"""Local worker processes that never outlive the districtlab process that started them.

A ``ProcessPoolExecutor`` worker blocks reading its task queue; when its parent
is killed (``kill -9``, out of memory, a closed terminal) nothing wakes it, and
it lives on holding its memory. Each worker here starts a watchdog thread that
checks, twice a second, whether the process that started it is still its
parent; once it is not (the worker was re-parented to init or a subreaper), the
worker exits at once. On Linux ``prctl(PR_SET_PDEATHSIG)`` would do this without
polling, but it fires when the *thread* that forked the worker ends, and pools
are started from short-lived threads too (the policy lab's); polling is
portable and costs nothing measurable. The standard library offers neither, so
this is hand-written.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from districtlab.errors import InputError

#: Seconds between two checks of a worker's parent.
PARENT_CHECK_INTERVAL = 0.5

#: The message when a worker dies under a command (kill, out of memory); one line, no traceback.
WORKER_DIED = (
    "a worker process stopped unexpectedly (killed, or out of memory?); nothing already stored is lost: "
    "run the command again (sweep, compare and sensitivity continue with --resume), or with fewer --workers"
)


def _exit_when_orphaned(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_INTERVAL)
        if os.getppid() != parent:
            os._exit(1)  # the parent is gone: nobody will read this worker's results


def watch_parent() -> None:
    """Start the watchdog in this (worker) process: it exits when its parent process dies."""
    parent = os.getppid()
    threading.Thread(
        target=_exit_when_orphaned, args=(parent,), name="districtlab-parent-watchdog", daemon=True
    ).start()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` processes, each of which exits when this process dies."""
    return ProcessPoolExecutor(max_workers=workers, initializer=watch_parent)


__all__ = ["PARENT_CHECK_INTERVAL", "WORKER_DIED", "watch_parent", "worker_pool"]


@contextmanager
def executor_for(workers: int, scheduler: str | None = None) -> Iterator[Executor | None]:
    """The one executor factory: a Dask cluster's executor, local worker processes, or none (serial).

    Results do not depend on which: every run's seed comes from the experiment plan.
    """
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs Dask: pip install 'districtlab[cluster]'") from None
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, ValueError, TypeError) as error:  # unreachable, or not an address at all
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({error})") from None
        with client:
            yield client.get_executor()
    elif workers > 1:
        with worker_pool(workers) as pool:
            yield pool
    else:
        yield None
