"""`districtlab sensitivity`: which parameters move the outcomes (Morris, Sobol')."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from districtlab.cli.common import (
    _,
    base_scenario,
    chosen_language,
    console,
    root_seed,
    run_experiment,
    user_errors,
)
from districtlab.cli.experiments import (
    SENSITIVITY_OUTCOMES,
    BatchSize,
    Firms,
    Months,
    Outcomes,
    Programme,
    Replications,
    Resume,
    Scheduler,
    Seed,
    Source,
    Workers,
)
from districtlab.cli.tables import heading, number, write_figure, write_table
from districtlab.errors import InputError
from districtlab.experiments.grammar import parse_range, split_params
from districtlab.i18n.numbers import format_amount
from districtlab.memory import design_bytes, require_memory

if TYPE_CHECKING:
    from districtlab.experiments.sensitivity import SensitivityResult


def sensitivity(
    preset_or_file: Source,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="PATH=LOW:HIGH, one per parameter (repeatable).")
    ] = None,
    method: Annotated[
        str, typer.Option(help="morris (screening) or sobol (variance-based indices).")
    ] = "morris",
    outcome: Outcomes = None,
    series: Annotated[
        list[str] | None,
        typer.Option("--series", help="Per-step series to analyse at every step (repeatable)."),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            min=2,
            help="Morris trajectories (default 10) or Sobol' base samples N, a power of two (default 64).",
        ),
    ] = None,
    levels: Annotated[int, typer.Option(min=2, help="Morris grid levels (even).")] = 4,
    replications: Replications = 2,
    seed: Seed = None,
    out: Annotated[Path, typer.Option(help="Experiment directory.")] = Path("sensitivity-output"),
    workers: Workers = 1,
    scheduler: Scheduler = None,
    resume: Resume = False,
    batch_size: BatchSize = None,
    programme: Programme = None,
    months: Months = None,
    firms: Firms = None,
) -> None:
    """Morris screening or Sobol' indices (SALib) of scalar outcomes and per-step series, with CIs and figures."""
    from districtlab.experiments.sensitivity import analyse, morris_design, saltelli_design
    from districtlab.experiments.summary import check_outcomes
    from districtlab.viz import indices_over_steps, sensitivity_panels

    with user_errors(preset_or_file):
        if method not in ("morris", "sobol"):
            raise InputError(_("unknown method {method}: morris or sobol").format(method=repr(method)))
        if not param:
            raise InputError(_("sensitivity analysis needs at least one --param PATH=LOW:HIGH"))
        outcomes = list(outcome or SENSITIVITY_OUTCOMES)
        base = base_scenario(preset_or_file, programme, months, firms, workers)
        check_outcomes(base, outcomes, series or [])
        root = root_seed(out, seed, resume)
        ranges = {key: parse_range(key, spec) for key, spec in split_params(param)}
        points = (
            (samples or 10) * (len(ranges) + 1)
            if method == "morris"
            else (samples or 64) * (2 * len(ranges) + 2)
        )
        require_memory(
            design_bytes(points, replications),
            _("a {method} design of {points} points").format(
                method=method, points=format_amount(points, chosen_language())
            ),
        )
        if method == "morris":
            chosen = morris_design(base, ranges, trajectories=samples or 10, levels=levels, rng=root)
        else:
            chosen = saltelli_design(base, ranges, n=samples or 64, rng=root)
        result = run_experiment(
            chosen,
            replications=replications,
            root=root,
            out=out,
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            description=method,
        )
        indices = analyse(result, outcomes=outcomes, series=list(series or []))
        written = write_table(indices.to_frame(), out, "indices")
        written.append(
            write_figure(sensitivity_panels(indices.indices, outcomes=outcomes), out / "sensitivity.png")
        )
        for name in series or []:
            figure = indices_over_steps(indices.indices, series=name, dt=base.dt)
            written.append(write_figure(figure, out / f"sensitivity_{name.replace('.', '_')}.png"))
        _print_indices(indices)
        console.print(_("wrote {files}").format(files=", ".join(map(str, written))))


def _print_indices(indices: SensitivityResult) -> None:
    import pandas as pd

    scalar = indices.scalar()
    shown = ("mu_star", "sigma") if indices.method == "morris" else ("S1", "ST")
    for outcome, rows in scalar.groupby("outcome", sort=False):
        table = Table(
            title=_("{method}: {outcome} (mean of {n} replications per point, 95% CI)").format(
                method="Morris" if indices.method == "morris" else "Sobol'",
                outcome=heading(str(outcome)).removesuffix(" (%)"),  # indices are in the raw units
                n=indices.replications,
            )
        )
        table.add_column(_("Setting"))
        for index in shown:
            table.add_column(heading(index), justify="right")
        wide = rows.set_index(["parameter", "index"])
        order = rows[rows["index"] == shown[-1 if indices.method == "sobol" else 0]].sort_values(
            "value", ascending=False
        )
        for parameter in order["parameter"]:
            cells = []
            for index in shown:
                value, conf = wide.loc[(parameter, index), "value"], wide.loc[(parameter, index), "conf"]
                cells.append(number(value) + ("" if pd.isna(conf) else f" ± {number(conf)}"))
            table.add_row(str(parameter), *cells)
        console.print(table)


__all__ = ["sensitivity"]
