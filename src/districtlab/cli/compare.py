"""`districtlab compare`: programmes side by side, paired by common random numbers."""

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
    with_programme,
)
from districtlab.cli.experiments import (
    BatchSize,
    Firms,
    Months,
    Outcomes,
    Replications,
    Resume,
    Scheduler,
    Seed,
    Source,
    Workers,
)
from districtlab.cli.progress import runs_progress
from districtlab.cli.tables import interval, shown, write_figure, write_table
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.grammar import target_half_widths
from districtlab.i18n.numbers import format_amount, format_money, format_percent
from districtlab.workers import executor_for

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from districtlab.experiments import ExperimentResult


def compare_command(
    preset_or_file: Source,
    programmes: Annotated[
        str, typer.Option(help="Comma-separated programmes to compare.")
    ] = "none,generic,place-based",
    baseline: Annotated[
        str | None, typer.Option(help="Programme differences are taken from (default: the first).")
    ] = None,
    outcome: Outcomes = None,
    replications: Replications = 30,
    seed: Seed = None,
    out: Annotated[Path, typer.Option(help="Experiment directory.")] = Path("compare-output"),
    workers: Workers = 1,
    scheduler: Scheduler = None,
    resume: Resume = False,
    batch_size: BatchSize = None,
    target_half_width: Annotated[
        list[str] | None,
        typer.Option(
            help="Report the replications needed for 95% CIs of this half-width: X, or OUTCOME=X (repeatable)."
        ),
    ] = None,
    months: Months = None,
    firms: Firms = None,
    equal_spend: Annotated[
        str | None,
        typer.Option(
            help="Scale every other programme's budget until its realised public spend matches this "
            "programme's (within 5%), then compare."
        ),
    ] = None,
) -> None:
    """Compare programmes under common random numbers: means and paired differences with 95% CIs."""
    from districtlab.experiments import Design, compare
    from districtlab.experiments.compare import DEFAULT_OUTCOMES
    from districtlab.experiments.summary import check_outcomes

    with user_errors(preset_or_file):
        outcomes = list(outcome or DEFAULT_OUTCOMES)
        names = [name.strip() for name in programmes.split(",") if name.strip()]
        if len(names) < 2 or len(set(names)) != len(names):
            raise InputError(
                _("--programmes needs at least two different programmes, got {programmes}").format(
                    programmes=repr(programmes)
                )
            )
        baseline = baseline or names[0]
        if baseline not in names:
            raise InputError(
                _("--baseline {baseline} is not one of --programmes ({names})").format(
                    baseline=repr(baseline), names=", ".join(names)
                )
            )
        targets = target_half_widths(target_half_width or [], outcomes)
        base = base_scenario(preset_or_file, None, months, firms, workers)
        check_outcomes(base, outcomes)
        scenarios = {name: with_programme(base, name, preset_or_file) for name in names}
        root = root_seed(out, seed, resume)
        matched = None
        if equal_spend is not None:
            scenarios, matched = _equal_spend(
                scenarios,
                equal_spend,
                replications=replications,
                root=root,
                workers=workers,
                scheduler=scheduler,
            )
        result = run_experiment(
            Design.of(scenarios),
            replications=replications,
            root=root,
            out=out,
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            description=_("compare"),
        )
        comparison = compare(result, baseline=baseline, outcomes=outcomes, target_half_width=targets)
        written = write_table(comparison.means, out, "means") + write_table(
            comparison.differences, out, "differences"
        )
        written += write_table(comparison.to_frame(), out, "comparison")
        if matched is not None:
            written += write_table(matched, out, "equal_spend")
        written += _write_figures(result, baseline, out)
        _print_comparison(
            comparison.means, comparison.differences, baseline, replications, targets is not None
        )
        console.print(_("wrote {files}").format(files=", ".join(map(str, written))))


def _write_figures(result: ExperimentResult, baseline: str, out: Path) -> list[Path]:
    """The report's figures as PNG beside the tables: adoption over time with 95% bands, adoption by
    size class, and the paired differences from ``baseline`` (additional adopters, laggard share)."""
    from districtlab.experiments.analysis import ExperimentData
    from districtlab.report.experiment import report_figures

    return [
        write_figure(figure.figure, out / f"{figure.name}.png")
        for figure in report_figures(ExperimentData.of(result), baseline=baseline, language=chosen_language())
    ]


def _equal_spend(
    scenarios: dict[str, Scenario],
    reference: str,
    *,
    replications: int,
    root: np.random.SeedSequence,
    workers: int,
    scheduler: str | None,
) -> tuple[dict[str, Scenario], pd.DataFrame]:
    """Every active programme but ``reference`` with its budget scaled to ``reference``'s realised spend."""
    import pandas as pd

    from districtlab.experiments.spend import match_spend

    if reference not in scenarios:
        raise InputError(
            _("--equal-spend {reference} is not one of --programmes ({names})").format(
                reference=repr(reference), names=", ".join(scenarios)
            )
        )
    if not scenarios[reference].programme.is_active():
        raise InputError(
            _("--equal-spend {reference} spends nothing: choose a programme with a budget").format(
                reference=repr(reference)
            )
        )
    matched = dict(scenarios)
    rows = []
    with executor_for(workers, scheduler) as executor, runs_progress(_("matching spend")) as update:
        for name, scenario in scenarios.items():
            if name == reference or not scenario.programme.is_active():
                continue
            match = match_spend(
                scenarios[reference],
                scenario,
                replications=replications,
                rng=root,
                executor=executor,
                progress=update,
                scale="second",
            )
            matched[name] = match.matched_second
            rows.append(
                {
                    "programme": name,
                    "reference": reference,
                    "budget_factor": match.factor,
                    "budget_eur": match.matched_second.programme.total_budget_eur,
                    "public_spend_eur": match.spend_second,
                    "reference_public_spend_eur": match.spend_first,
                    "spend_gap": match.gap,
                    "matched": match.matched,
                }
            )
    table = pd.DataFrame(rows)
    for row in table.itertuples():
        language = chosen_language()
        state = _("matched") if row.matched else _("NOT matched (closest budget kept)")
        console.print(
            _(
                "equal spend: {programme} budget x{factor} -> realised public spend {spend} vs {reference} "
                "{reference_spend} ({gap} apart, {state})"
            ).format(
                programme=row.programme,
                factor=format_amount(row.budget_factor, language, decimals=2),
                spend=format_money(row.public_spend_eur, language),
                reference=reference,
                reference_spend=format_money(row.reference_public_spend_eur, language),
                gap=format_percent(row.spend_gap, language),
                state=state,
            ),
            markup=False,
        )
    return matched, table


def _print_comparison(
    means: pd.DataFrame, differences: pd.DataFrame, baseline: str, replications: int, targets: bool
) -> None:
    table = Table(title=_("Means [95% CI], {n} replications").format(n=replications))
    table.add_column(_("Outcome"))
    scenarios = list(dict.fromkeys(means["scenario"]))
    for scenario in scenarios:
        table.add_column(scenario, justify="right")
    for outcome, rows in means.groupby("outcome", sort=False):
        rows = rows.set_index("scenario")
        text, scale = shown(str(outcome))
        table.add_row(
            text,
            *(
                interval(
                    rows.loc[s, "mean"] * scale, rows.loc[s, "ci_low"] * scale, rows.loc[s, "ci_high"] * scale
                )
                for s in scenarios
            ),
        )
    console.print(table)
    paired = bool(differences["paired"].iloc[0]) if len(differences) else True
    table = Table(
        title=(
            _("Difference from {baseline} [95% CI], paired (common random numbers)")
            if paired
            else _("Difference from {baseline} [95% CI], Welch")
        ).format(baseline=baseline)
    )
    table.add_column(_("Outcome"))
    others = list(dict.fromkeys(differences["scenario"]))
    for scenario in others:
        table.add_column(scenario, justify="right")
    if targets:
        table.add_column(_("replications needed"), justify="right")
    for outcome, rows in differences.groupby("outcome", sort=False):
        rows = rows.set_index("scenario")
        text, scale = shown(str(outcome), change=True)
        cells = [
            interval(
                rows.loc[s, "difference"] * scale,
                rows.loc[s, "ci_low"] * scale,
                rows.loc[s, "ci_high"] * scale,
            )
            for s in others
        ]
        if targets:
            needed = rows["replications_needed"].dropna()
            cells.append(str(int(needed.max())) if len(needed) else _("n/a"))
        table.add_row(text, *cells)
    console.print(table)


__all__ = ["compare_command"]
