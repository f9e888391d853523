"""Progress bars for anything that takes longer than a second."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from districtlab.cli.common import _, error_console


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """Yield ``update(done, total)``; the bar appears only if the work outlasts a second."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(_("elapsed")),
        TimeElapsedColumn(),
        TextColumn(_("left")),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=error_console, transient=True, refresh_per_second=8) as bar:
        task = bar.add_task(description, total=total, visible=False)
        started = bar.get_time()

        def update(done: int, new_total: int) -> None:
            bar.update(task, completed=done, total=new_total, visible=bar.get_time() - started > 1.0)

        yield update


@contextmanager
def runs_progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """``update(done, total)`` for a bar with runs done and time left.

    Runs already in the store (when resuming) start the bar without counting
    toward its speed, so the time left is estimated from this session's runs.
    """
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(_("runs done")),
        TimeElapsedColumn(),
        TextColumn(_("elapsed,")),
        TimeRemainingColumn(),
        TextColumn(_("left")),
    )
    with Progress(*columns, console=error_console, transient=True, refresh_per_second=8) as bar:
        task: list[Any] = []
        started = bar.get_time()

        def update(done: int, total: int) -> None:
            visible = bar.get_time() - started > 1.0
            if not task:
                task.append(bar.add_task(description, total=total, completed=done, visible=visible))
            else:
                bar.update(task[0], completed=done, total=total, visible=visible)

        yield update
