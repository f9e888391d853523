"""``districtlab examples``: list the synthetic sample study that ships with districtlab, or copy it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from districtlab.cli.common import _, check_output_folder, chosen_language, console, user_errors
from districtlab.i18n.numbers import format_amount


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
            console.print(
                _("copied {n} sample files to {folder} (synthetic data; see README.txt)").format(
                    n=len(copied), folder=copy
                )
            )
            return
        table = Table(title=_("Sample study: SYNTHETIC and illustrative, not real interview data"))
        table.add_column(_("file"))
        table.add_column(_("size"), justify="right")
        table.add_column(_("what it is"))
        for name in samples.names():
            size = format_amount(samples.path(name).stat().st_size, chosen_language())
            table.add_row(name, f"{size} B", samples.DESCRIPTIONS[name])
        console.print(table)
        console.print(
            _("installed in {folder}; copy them with: districtlab examples --copy DIR").format(
                folder=samples.DATA
            )
        )
