"""`districtlab report EXPERIMENT_DIR`: an offline HTML report and figures for a paper."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from districtlab.cli.common import console, user_errors


def report(
    experiment_dir: Annotated[
        Path, typer.Argument(help="An experiment directory (experiment.json, runs/, series/).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Directory for index.html and figures/ (default: EXPERIMENT_DIR/report)."),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            help="Design the others are compared with (default: 'no programme' or 'none' if present)."
        ),
    ] = None,
) -> None:
    """Render an experiment as a self-contained HTML report, with its figures as PNG and PDF."""
    from districtlab import __version__
    from districtlab.errors import InputError
    from districtlab.report.experiment import write_report
    from districtlab.report.store import read_experiment

    with user_errors(str(experiment_dir)):
        data, metadata = read_experiment(experiment_dir)
        if baseline is not None and baseline not in data.names:
            raise InputError(
                f"--baseline {baseline!r} is not a design of the experiment (designs: {', '.join(data.names)})"
            )
        chosen = baseline or next((name for name in ("no programme", "none") if name in data.names), None)
        target = out if out is not None else experiment_dir / "report"
        written = write_report(
            data,
            target,
            title=f"districtlab: {data.scenarios[0].district}",
            baseline=chosen,
            metadata={
                "districtlab_version (report)": __version__,
                "districtlab_version (runs)": str(metadata.get("districtlab_version", "unknown")),
                "created": str(metadata.get("created", "unknown")),
                "experiment": str(experiment_dir),
            },
        )
        console.print(
            f"report: {written[0]} (opens offline); figures: {target / 'figures'} ({len(written) - 1} files)"
        )
