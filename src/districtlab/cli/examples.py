"""``districtlab examples``: list the synthetic sample study that ships with districtlab, or copy it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from districtlab.cli.common import check_output_folder, console, user_errors


def examples(
    copy: Annotated[
        Path | None,
        typer.Option(
            "--copy",
            help="Copy every sample file into this folder (created if needed; a non-empty one needs --force).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="With --copy, write into a non-empty folder, replacing sample files already there.",
        ),
    ] = False,
) -> None:
    """The sample study (SYNTHETIC, illustrative): coded interviews and knowledge-network surveys."""
    from districtlab import examples as samples

    with user_errors():
        if copy is not None:
            check_output_folder(copy, force=force, option="--copy")
            copied = samples.copy_to(copy, overwrite=force)
            console.print(f"copied {len(copied)} sample files to {copy} (synthetic data; see README.txt)")
            return
        table = Table(title="Sample study: SYNTHETIC and illustrative, not real interview data")
        table.add_column("file")
        table.add_column("size", justify="right")
        table.add_column("what it is")
        for name in samples.names():
            table.add_row(name, f"{samples.path(name).stat().st_size:,} B", samples.DESCRIPTIONS[name])
        console.print(table)
        console.print(f"installed in {samples.DATA}; copy them with: districtlab examples --copy DIR")
