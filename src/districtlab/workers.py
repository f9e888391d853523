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
from concurrent.futures import ProcessPoolExecutor

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
