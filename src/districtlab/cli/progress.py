"""Progress bars for anything that takes longer than a second."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from districtlab.cli.common import error_console


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """Yield ``update(done, total)``; the bar appears only if the work outlasts a second."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=error_console, transient=True, refresh_per_second=8) as bar:
        task = bar.add_task(description, total=total, visible=False)
        started = bar.get_time()

        def update(done: int, new_total: int) -> None:
            bar.update(task, completed=done, total=new_total, visible=bar.get_time() - started > 1.0)

        yield update
