"""``districtlab sweep``, ``districtlab compare`` and ``districtlab sensitivity``: many runs, one directory.

Each command runs an experiment into ``--out`` (an experiment directory, see
:mod:`districtlab.experiments.store`), prints a table and writes its tables
(CSV and Parquet) and figures next to the runs. ``--workers N`` runs on N local
processes and ``--scheduler tcp://host:8786`` on a Dask cluster; results are the
same either way. An interrupted command is continued with ``--resume``: the
runs already stored are kept, the rest are run. Bad input is reported in one
line with exit status 2, before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from districtlab.cli.common import _, base_scenario, console, root_seed, run_experiment, user_errors
from districtlab.cli.tables import print_frame, write_figure, write_table
from districtlab.config import Scenario
from districtlab.experiments.grammar import sweep_design

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from districtlab.experiments import ExperimentResult


SWEEP_OUTCOMES = ("new_adopters", "laggard_share", "adoption_share_mean")
SENSITIVITY_OUTCOMES = ("new_adopters", "laggard_share")

# -- options shared by the three commands ---------------------------------------------------

Source = Annotated[
    str, typer.Argument(help="A preset name (see `districtlab presets`) or a scenario TOML file.")
]
Replications = Annotated[int, typer.Option(min=1, help="Runs per scenario (design point).")]
Seed = Annotated[
    int | None,
    typer.Option(min=0, help="Root seed (default: fresh entropy, printed; with --resume, the stored one)."),
]
Workers = Annotated[int, typer.Option(min=1, help="Local processes to run on.")]
Scheduler = Annotated[
    str | None,
    typer.Option(
        help="Address of a Dask scheduler (tcp://host:8786) to run on a cluster instead of local processes."
    ),
]
Resume = Annotated[
    bool, typer.Option("--resume", help="Continue the experiment in --out: keep its runs, run the rest.")
]
Programme = Annotated[
    str | None, typer.Option(help="Active programme of the base scenario: none, generic, place-based...")
]
Months = Annotated[float | None, typer.Option(help="Horizon in months.")]
Firms = Annotated[int | None, typer.Option(help="Rescale the population to N firms.")]
Outcomes = Annotated[
    list[str] | None, typer.Option("--outcome", help="Scalar outcome to report (repeatable).")
]
BatchSize = Annotated[
    int | None,
    typer.Option(min=1, help="Runs per task sent to a worker and per part stored (default: automatic)."),
]


# -- sweep ---------------------------------------------------------------------------------


def sweep(
    preset_or_file: Source,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="PATH=V1,V2,... or PATH=LOW:HIGH:LEVELS (factorial), PATH=LOW:HIGH (lhs, sobol). Repeatable.",
        ),
    ] = None,
    design: Annotated[str, typer.Option(help="factorial, lhs, sobol or table.")] = "factorial",
    samples: Annotated[
        int, typer.Option(min=1, help="Design points of an lhs or sobol design (sobol: a power of two).")
    ] = 16,
    table: Annotated[
        Path | None,
        typer.Option(help="Design table (CSV or Parquet): one column per parameter path, one row per point."),
    ] = None,
    outcome: Outcomes = None,
    replications: Replications = 5,
    seed: Seed = None,
    out: Annotated[Path, typer.Option(help="Experiment directory.")] = Path("sweep-output"),
    workers: Workers = 1,
    scheduler: Scheduler = None,
    resume: Resume = False,
    batch_size: BatchSize = None,
    programme: Programme = None,
    months: Months = None,
    firms: Firms = None,
) -> None:
    """Run a parameter sweep (factorial, Latin hypercube, Sobol' or your table) with replications."""
    from districtlab.experiments.summary import check_outcomes

    with user_errors(preset_or_file):
        outcomes = list(outcome or SWEEP_OUTCOMES)
        base = base_scenario(preset_or_file, programme, months, firms, workers)
        check_outcomes(base, outcomes)
        root = root_seed(out, seed, resume)
        chosen = sweep_design(base, param or [], design, samples, table, root, replications)
        result = run_experiment(
            chosen,
            replications=replications,
            root=root,
            out=out,
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            description=_("sweep"),
        )
        points = _point_summary(result, outcomes)
        written = write_table(points, out, "points")
        parameters = [column for column in result.scenarios.to_frame().columns if column != "scenario"]
        if parameters:
            written.append(write_figure(_sweep_figure(points, parameters, outcomes, base), out / "sweep.png"))
        view = points[[c for c in points.columns if not c.endswith(("_ci_low", "_ci_high"))]]
        print_frame(
            view,
            _("{points} design points, mean of {n} replications (CIs in points.csv)").format(
                points=len(points), n=replications
            ),
        )
        console.print(_("wrote {files}").format(files=", ".join(map(str, written))))


def _sweep_figure(
    points: pd.DataFrame, parameters: list[str], outcomes: Sequence[str], base: Scenario
) -> Figure:
    """Each outcome against each swept parameter (:func:`districtlab.viz.figures.sweep_effects`)."""
    from districtlab.outcomes import label, outcome
    from districtlab.viz.figures import sweep_effects

    labels = {name: _(label(name, {t.name: t.label for t in base.technologies})) for name in outcomes}
    scales = {name: outcome(name).scale for name in outcomes}
    return sweep_effects(
        points,
        parameters,
        list(outcomes),
        labels=labels,
        scales=scales,
        title=_("{district}: {points} design points, mean and 95% CI of each").format(
            district=base.district, points=len(points)
        ),
    )


def _point_summary(result: ExperimentResult, outcomes: Sequence[str]) -> pd.DataFrame:
    """One row per design point: its parameters, then mean and 95% CI of each outcome."""
    from districtlab.experiments import scenario_means

    means = scenario_means(result, outcomes=outcomes).set_index(["scenario", "outcome"])
    frame = result.scenarios.to_frame()
    for outcome in outcomes:
        rows = means.xs(outcome, level="outcome").reindex(frame["scenario"])
        frame[outcome] = rows["mean"].to_numpy()
        frame[f"{outcome}_ci_low"] = rows["ci_low"].to_numpy()
        frame[f"{outcome}_ci_high"] = rows["ci_high"].to_numpy()
    return frame


def register(app: typer.Typer) -> None:
    """Mount ``sweep``, ``compare`` and ``sensitivity`` on the main command."""
    from districtlab.cli.compare import compare_command
    from districtlab.cli.sensitivity import sensitivity

    app.command("sweep")(sweep)
    app.command("compare")(compare_command)
    app.command("sensitivity")(sensitivity)


__all__ = ["register", "sweep"]
