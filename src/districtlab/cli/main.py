"""districtlab's command line: presets, run, demo (and the evidence and experiment commands)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from pydantic import ValidationError
from rich.table import Table

from districtlab._version import __version__
from districtlab.cli.audit import audit as audit_command
from districtlab.cli.calibrate import (
    calibrate_command,
    check_command,
    policy_command,
    predict_command,
    sample_command,
)
from districtlab.cli.common import (
    OneLineErrorsGroup,
    _,
    check_output_file,
    check_output_folder,
    chosen_language,
    console,
    fail,
    language_option,
    user_errors,
)
from districtlab.cli.evidence import evidence_app, network_app
from districtlab.cli.examples import examples as examples_command
from districtlab.cli.experiments import register as register_experiment_commands
from districtlab.cli.lab import lab as lab_command
from districtlab.cli.progress import progress_bar
from districtlab.cli.report import RUN_EXPERIMENT
from districtlab.cli.report import report as report_command
from districtlab.config import NO_PROGRAMME, Scenario
from districtlab.errors import InputError, from_validation_error
from districtlab.experiments.designs import Design
from districtlab.experiments.runner import FinishedRun, run_scenarios
from districtlab.experiments.store import is_experiment
from districtlab.i18n import LANGUAGE_ENV
from districtlab.i18n.labels import technology_label
from districtlab.i18n.numbers import format_amount, interval_separator
from districtlab.i18n.translate import N_
from districtlab.io.toml import save_scenario
from districtlab.memory import district_bytes, require_memory, results_bytes
from districtlab.presets import export_preset, list_presets, load_preset, load_scenario
from districtlab.results import RunResult
from districtlab.workers import executor_for

app = typer.Typer(
    name="districtlab",
    help="Simulate how Industry 4.0 spreads through industrial districts, and which programme makes it spread.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=OneLineErrorsGroup,
)


class ProgrammeChoice(StrEnum):
    none = "none"
    generic = "generic"
    place_based = "place-based"


def _version(value: bool) -> None:
    if value:
        console.print(f"districtlab {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar=LANGUAGE_ENV,
            callback=language_option,
            is_eager=True,
            help="Language of messages, tables and reports: es (Español), ca (Valencià) or en (English); "
            "also read from $DISTRICTLAB_LANG. Given anywhere on the line. CSV and Parquet column names "
            "stay the same in every language.",
        ),
    ] = None,
) -> None:
    """districtlab: Industry 4.0 diffusion in industrial districts."""


# -- presets ------------------------------------------------------------------------------


@app.command()
def presets(
    export: Annotated[
        tuple[str, Path] | None,
        typer.Option(
            "--export",
            metavar="NAME FILE",
            help="Write preset NAME as an editable TOML file (FILE may be a folder: FOLDER/NAME.toml).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """List the district presets, or export one as an editable TOML file."""
    with user_errors():
        if export is not None:
            name, path = export
            if name not in list_presets():
                raise InputError(
                    _("unknown preset {name} (known: {known})").format(
                        name=repr(name), known=", ".join(list_presets())
                    )
                )
            if path.is_dir():
                path = path / f"{name}.toml"
            check_output_file(path, force=force)
            written = export_preset(name, path)
            console.print(_("wrote {file} (every number keeps its source comment)").format(file=written))
            return
        table = Table(title=_("District presets"))
        for column in (_("name"), _("district"), _("firms"), _("RTI"), _("programmes")):
            table.add_column(column)
        for name in list_presets():
            scenario = load_preset(name)
            table.add_row(
                name,
                scenario.district,
                format_amount(scenario.n_firms, chosen_language()),
                scenario.rti.name,
                ", ".join([NO_PROGRAMME, *scenario.programmes]),
            )
        console.print(table)


# -- run ----------------------------------------------------------------------------------


def _scenario_for_run(
    source: str, programme: ProgrammeChoice | None, months: float | None, firms: int | None
) -> Scenario:
    scenario = load_scenario(source)
    try:
        if programme is not None:
            scenario = scenario.with_programme(programme.value)
        if months is not None:
            scenario = scenario.with_months(months)
        if firms is not None:
            scenario = scenario.with_firms(firms)
    except ValidationError as error:
        raise from_validation_error(error, source) from None
    except ValueError as error:  # e.g. an unknown programme name, too few firms
        raise InputError(str(error).splitlines()[0], path=source) from None
    return scenario


def _design_name(scenario: Scenario) -> str:
    return scenario.programme.name


def _run_replications(
    scenario: Scenario, directory: Path, replications: int, seed: int | None, workers: int, *, force: bool
) -> list[RunResult]:
    """Every replication of ``scenario`` through the one run engine, stored in ``directory``.

    The experiment directory is the store every experiment command writes (``districtlab report``
    renders it); each replication's whole :class:`RunResult` (its tidy trajectories by size class
    and role) comes back too, for the run's own files.
    """
    if force and is_experiment(directory):
        shutil.rmtree(directory)  # --force replaces what --out holds, this run's experiment included
    results: dict[int, RunResult] = {}

    def keep(run: FinishedRun) -> None:
        assert run.result is not None
        results[run.summary.replication] = run.result

    design = Design.of({_design_name(scenario): scenario})
    if replications == 1:  # one run: a bar over its steps
        with progress_bar(_("simulating"), scenario.n_steps) as update:
            run_scenarios(
                design,
                replications=1,
                rng=seed,
                store=directory,
                on_run=keep,
                keep_results=True,
                step_progress=update,
            )
    else:
        with executor_for(workers) as executor, progress_bar(_("replications"), replications) as update:
            run_scenarios(
                design,
                replications=replications,
                rng=seed,
                executor=executor,
                store=directory,
                batch_size=1,  # each replication's whole result travels back alone
                progress=update,
                on_run=keep,
                keep_results=True,
            )
    return [results[replication] for replication in range(replications)]


def _summary_table(scenario: Scenario, results: list[RunResult]) -> Table:
    from districtlab.experiments.compare import (
        mean_interval,
        within_bounds,
    )  # scipy.stats: imported when needed
    from districtlab.outcomes import bounds

    language = chosen_language()
    outcomes = pd.DataFrame([result.outcomes() for result in results])
    n = len(results)
    table = Table(
        title=_("{district}: {programme}, {firms} firms, {months} months, {n} replication(s)").format(
            district=scenario.district,
            programme=scenario.programme.name,
            firms=format_amount(scenario.n_firms, language),
            months=f"{scenario.months:g}",
            n=n,
        )
    )
    table.add_column(_("outcome"))
    table.add_column(_("month 0"), justify="right")
    table.add_column(_("horizon (mean [95% CI])") if n > 1 else _("horizon"), justify="right")

    def number(value: float, digits: int) -> str:
        return format_amount(value, language, decimals=digits)

    def cell(name: str, digits: int = 3) -> str:
        # A share's interval stays in [0, 1] and a count's or an amount's above 0, as everywhere else.
        mean, _spread, low, high = mean_interval(outcomes[name].to_numpy(dtype=float), 0.95)
        low, high = within_bounds(low, high, bounds(name))
        separator = interval_separator(language)
        return number(mean, digits) + (
            f" [{number(low, digits)}{separator}{number(high, digits)}]" if n > 1 else ""
        )

    start = np.array([r.adoption_share().iloc[0].to_numpy() for r in results]).mean(axis=0)
    for index, technology in enumerate(scenario.technologies):
        table.add_row(
            _("adoption share: {technology}").format(technology=technology_label(technology, language)),
            number(start[index], 3),
            cell(f"adoption_share.{technology.name}"),
        )
    first = results[0].outcomes()
    table.add_row(
        _("firms adopting (at least one technology)"),
        number(first["firms_adopting"] - first.get("new_firms_adopting", 0.0), 0)
        if "new_firms_adopting" in outcomes
        else "",
        cell("firms_adopting", digits=0 if n == 1 else 1),
    )
    table.add_row(
        _("adopters (firm × technology)"),
        number(first["adopters"] - first["new_adopters"], 0),
        cell("adopters", digits=0 if n == 1 else 1),
    )
    table.add_row(
        _("laggard share (no technology)"),
        number(results[0].laggard_share()[0], 3),
        cell("laggard_share"),
    )
    if "budget_eur" in outcomes:
        table.add_row(_("programme budget (EUR)"), "", cell("budget_eur", digits=0))
    table.add_row(_("realised public spend (EUR)"), "0", cell("programme_spend_eur", digits=0))
    if "unspent_budget_eur" in outcomes:
        table.add_row(_("unspent budget (EUR)"), "", cell("unspent_budget_eur", digits=0))
    for channel, words in SME_CHANNELS:
        table.add_row(
            _("share of SME adoptions via {channel}").format(channel=_(words)),
            "",
            cell(f"sme_adoption_channel_share.{channel}"),
        )
    return table


#: The channels of SME adoptions the run's table shows, as it names them.
SME_CHANNELS = (
    ("supply_chain", N_("the supply chain")),
    ("imitation", N_("imitation of peers")),
    ("rti_direct", N_("direct contact with the RTI")),
    ("legitimacy", N_("the legitimacy bonus")),
    ("grant", N_("a grant")),
)


@app.command()
def run(
    preset_or_file: Annotated[
        str, typer.Argument(help="A preset name (see `districtlab presets`) or a scenario TOML file.")
    ],
    programme: Annotated[
        ProgrammeChoice | None, typer.Option(help="Programme to run (default: the scenario's).")
    ] = None,
    months: Annotated[float | None, typer.Option(help="Horizon in months.")] = None,
    firms: Annotated[
        int | None,
        typer.Option(
            help="Rescale the population to N firms, keeping its distributions and network degrees."
        ),
    ] = None,
    replications: Annotated[int, typer.Option(min=1, help="Independent replications.")] = 1,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Root seed (default: fresh entropy, printed and recorded).")
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            help="Directory for results.parquet, outcomes.parquet, adoption.png, scenario.toml and "
            "experiment/ (the runs as an experiment: `districtlab report DIR` renders it)."
        ),
    ] = Path("districtlab-output"),
    workers: Annotated[int, typer.Option(min=1, help="Processes for replications.")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Write into --out even if it is not empty (replacing its files).")
    ] = False,
) -> None:
    """Simulate a district and write its results."""
    with user_errors(preset_or_file):
        scenario = _scenario_for_run(preset_or_file, programme, months, firms)
        check_output_folder(out, force=force)  # before simulating: never lose a run to an unusable --out
        parallel = min(workers, replications)
        require_memory(
            district_bytes(scenario) * parallel + results_bytes(scenario, replications),
            _(
                "{replications} replication(s) of {firms} firms ({parallel} at once, every trajectory kept)"
            ).format(
                replications=format_amount(replications, chosen_language()),
                firms=format_amount(scenario.n_firms, chosen_language()),
                parallel=parallel,
            ),
        )
        experiment = out / RUN_EXPERIMENT
        results = _run_replications(scenario, experiment, replications, seed, workers, force=force)
        console.print(_summary_table(scenario, results))
        metadata = {
            "districtlab_version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "scenario": scenario.name,
            "programme": scenario.programme.name,
            "replications": replications,
            "seed_entropy": results[0].seed.entropy,
            "spawn_keys": [list(r.seed.spawn_key) for r in results],
        }
        from districtlab.report.run import write_run_outputs  # matplotlib: imported when needed

        written = write_run_outputs(results, out, metadata, language=chosen_language())
        save_scenario(scenario, out / "scenario.toml")
        written.append(experiment)
        console.print(
            _("seed {seed}; wrote {files}").format(
                seed=results[0].seed.entropy,
                files=", ".join(str(p) for p in [*written, out / "scenario.toml"]),
            )
        )


# -- demo ---------------------------------------------------------------------------------


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Directory for index.html, figures and tables.")] = Path(
        "demo-output"
    ),
    replications: Annotated[int, typer.Option(min=2, help="Replications per district and programme.")] = 30,
    seed: Annotated[int, typer.Option(min=0, help="Root seed.")] = 2026,
    workers: Annotated[int, typer.Option(min=1, help="Processes (default: up to 2 cores).")] = min(
        2, os.cpu_count() or 1
    ),
    force: Annotated[
        bool, typer.Option("--force", help="Write into --out even if it is not empty (replacing its files).")
    ] = False,
    posterior_draws: Annotated[
        int,
        typer.Option(
            min=0, help="Posterior draws per district for the policy result under the calibration (0: skip)."
        ),
    ] = 3,
) -> None:
    """The three districts × {none, generic, place-based}: additionality with 95% CIs and an offline HTML report."""
    from districtlab.cli.demo import run_demo  # the demo pulls in the report stack

    with user_errors():
        check_output_folder(out, force=force)
        run_demo(
            out=out, replications=replications, seed=seed, workers=workers, posterior_draws=posterior_draws
        )


app.add_typer(evidence_app, name="evidence")
app.add_typer(network_app, name="network")
app.command(name="lab")(lab_command)
app.command(name="examples")(examples_command)
app.command(name="report")(report_command)
app.command(name="calibrate")(calibrate_command)
app.command(name="predict")(predict_command)
app.command(name="calibration-check")(check_command)
app.command(name="calibration-policy")(policy_command)
app.command(name="calibration-sample")(sample_command)
app.command(name="audit")(audit_command)
register_experiment_commands(app)

__all__ = ["app", "fail"]
