"""``districtlab audit``: the falsification suite of a district's place-based design."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from districtlab._version import __version__
from districtlab.cli.common import _, check_output_folder, chosen_language, console, user_errors
from districtlab.cli.progress import progress_bar
from districtlab.i18n.numbers import format_amount
from districtlab.memory import district_bytes, require_memory
from districtlab.presets import load_scenario
from districtlab.workers import executor_for

#: Paired replications per design when --replications is not given. An audit of a preset is
#: about 78 designs, 780 runs at 10 replications. Measured on the 2-core development machine
#: with 2 workers while other jobs kept its load average at 7-9: 10 replications 97 s, 20
#: replications 4 min 19 s; both inside the 10 minutes asked for.
DEFAULT_REPLICATIONS = 20


def audit(
    preset_or_file: Annotated[
        str, typer.Argument(help="A preset name (see `districtlab presets`) or a scenario TOML file.")
    ],
    replications: Annotated[
        int, typer.Option(min=2, help="Paired replications per design (at least 2, for intervals).")
    ] = DEFAULT_REPLICATIONS,
    workers: Annotated[int, typer.Option(min=1, help="Processes (default: up to 2 cores).")] = min(
        2, os.cpu_count() or 1
    ),
    out: Annotated[
        Path, typer.Option(help="Directory for the six tables (CSV), index.html and metadata.json.")
    ] = Path("audit-output"),
    seed: Annotated[
        int | None, typer.Option(min=0, help="Root seed (default: fresh entropy, printed and recorded).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into --out even if it is not empty (replacing its files).")
    ] = False,
) -> None:
    """Falsification suite: factorial split, transplants, equal spend, knowledge-instrument generic,
    knock-outs and horizons, with paired 95% CIs, as tables and an offline HTML report."""

    import numpy as np

    from districtlab.experiments.audit import audit as run_audit
    from districtlab.report.audit import headline, readable, write_audit_report

    with user_errors(preset_or_file):
        scenario = load_scenario(preset_or_file)
        check_output_folder(out, force=force)  # before hours of runs, not after
        require_memory(
            district_bytes(scenario) * workers,
            _("{workers} worker(s) each simulating {firms} firms").format(
                workers=workers, firms=format_amount(scenario.n_firms, chosen_language())
            ),
        )
        root = np.random.SeedSequence(seed)
        started = datetime.now(UTC)
        with executor_for(workers) as executor, progress_bar(_("auditing"), 1) as update:
            result = run_audit(
                scenario, replications=replications, rng=root, executor=executor, progress=update
            )
        elapsed = (datetime.now(UTC) - started).total_seconds()
        language = chosen_language()
        for key, rows in headline(result).items():
            table = result.tables[key]
            console.print(_rich_table(readable(rows, language), _(table.title)))
            console.print(table.summary_in(language), markup=False)
            console.print()
        metadata = {
            "districtlab_version": __version__,
            "created": started.isoformat(timespec="seconds"),
            "scenario": scenario.name,
            "source": preset_or_file,
            "replications": str(replications),
            "seed_entropy": str(result.entropy),
            "seed_spawn_key": str(list(result.spawn_key)),
            "common_random_numbers": "yes: replication r of every design in every table shares its seed",
            "runs": str(result.runs),
            "workers": str(workers),
            "elapsed_seconds": f"{elapsed:.1f}",
        }
        path = write_audit_report(result, out, metadata, language=language)
        console.print(
            _(
                "seed {seed}; {runs} runs in {seconds} s; wrote six tables (CSV) and {page} (opens offline)"
            ).format(seed=result.entropy, runs=result.runs, seconds=f"{elapsed:.0f}", page=path)
        )


def _rich_table(frame: object, title: str) -> Table:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    table = Table(title=title)
    for index, column in enumerate(frame.columns):
        table.add_column(str(column), justify="left" if index == 0 else "right")
    for row in frame.itertuples(index=False):
        table.add_row(*map(str, row))
    return table


__all__ = ["audit"]
