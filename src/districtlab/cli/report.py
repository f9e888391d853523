"""`districtlab report EXPERIMENT_DIR`: an offline HTML report and figures for a paper."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from districtlab.cli.common import _, check_output_folder, chosen_language, console, user_errors

#: The experiment folder inside a `districtlab run --out DIR` folder.
RUN_EXPERIMENT = "experiment"

#: Designs taken as the counterfactual when no --baseline is given, in this order.
BASELINES = ("no programme", "none")


def report(
    experiment_dir: Annotated[
        Path,
        typer.Argument(
            help="An experiment directory (from `districtlab sweep`, `compare`, or the lab's Export), "
            "or the --out folder of `districtlab run`."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Directory for index.html and figures/ (default: EXPERIMENT_DIR/report)."),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            help="Design the others are compared with (default: 'no programme' or 'none' when present)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into --out even if it is not empty (replacing its files).")
    ] = False,
) -> None:
    """Render an experiment as a self-contained HTML report, with its figures as PNG and PDF."""
    from districtlab._version import __version__
    from districtlab.errors import InputError
    from districtlab.experiments import ExperimentResult
    from districtlab.experiments.analysis import ExperimentData
    from districtlab.experiments.store import is_experiment, read_metadata
    from districtlab.report.experiment import write_report

    with user_errors(str(experiment_dir)):
        target = out if out is not None else experiment_dir / "report"
        if not is_experiment(experiment_dir) and is_experiment(experiment_dir / RUN_EXPERIMENT):
            experiment_dir = experiment_dir / RUN_EXPERIMENT  # the folder `districtlab run` wrote
        result = ExperimentResult.load(experiment_dir)
        if not result.complete:
            raise InputError(
                _(
                    "the experiment is unfinished ({done} of {total} runs); finish it by running it again "
                    "with the same store"
                ).format(done=len(result.outcomes()), total=len(result.names) * result.replications),
                path=experiment_dir,
            )
        if baseline is not None and baseline not in result.names:
            raise InputError(
                _("--baseline {baseline} is not a design of the experiment (designs: {designs})").format(
                    baseline=repr(baseline), designs=", ".join(result.names)
                )
            )
        chosen = baseline or next((name for name in BASELINES if name in result.names), None)
        metadata = read_metadata(experiment_dir)
        check_output_folder(target, force=force)
        written = write_report(
            ExperimentData.of(result),
            target,
            title=f"districtlab: {result.scenarios[0].district}",
            baseline=chosen,
            metadata={
                "districtlab_version (report)": __version__,
                "districtlab_version (runs)": str(metadata.get("districtlab_version", "unknown")),
                "created": str(metadata.get("created", "unknown")),
                "experiment": str(experiment_dir),
            },
            language=chosen_language(),
        )
        console.print(
            _("report: {page} (opens offline); figures: {folder} ({n} files)").format(
                page=written[0], folder=target / "figures", n=len(written) - 1
            )
        )
