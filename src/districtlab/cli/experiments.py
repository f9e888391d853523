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

import io
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from districtlab.cli.common import check_output_folder, console, error_console, user_errors
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.io.files import write_atomically
from districtlab.io.spreadsheet import spreadsheet_csv
from districtlab.memory import design_bytes, district_bytes, require_memory
from districtlab.presets import load_scenario

if TYPE_CHECKING:
    from concurrent.futures import Executor

    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from districtlab.experiments import (
        Design,
        ExperimentResult,
    )
    from districtlab.experiments.sensitivity import SensitivityResult


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


def _base_scenario(
    source: str, programme: str | None, months: float | None, firms: int | None, workers: int = 1
) -> Scenario:
    scenario = _scenario(source, programme, months, firms)
    require_memory(
        district_bytes(scenario) * workers,
        f"{workers} worker{'s' if workers > 1 else ''} each simulating {scenario.n_firms:,} firms",
    )
    return scenario


def _scenario(source: str, programme: str | None, months: float | None, firms: int | None) -> Scenario:
    scenario = load_scenario(source)
    if programme is not None:
        scenario = _with_programme(scenario, programme, source)
    try:
        if months is not None:
            scenario = scenario.with_months(months)
        if firms is not None:
            scenario = scenario.with_firms(firms)
    except InputError:
        raise
    except ValueError as error:
        raise InputError(str(error).splitlines()[0], path=source) from None
    return scenario


def _with_programme(scenario: Scenario, programme: str, source: str) -> Scenario:
    try:
        return scenario.with_programme(programme)
    except ValueError as error:
        raise InputError(str(error).splitlines()[0], path=source) from None


def _root_seed(out: Path, seed: int | None, resume: bool) -> np.random.SeedSequence:
    """The root seed: --seed, the stored one when resuming without --seed, or fresh entropy.

    Refuses an existing experiment without --resume before anything runs.
    """
    import numpy as np

    from districtlab.experiments.store import is_experiment, stored_seed

    check_output_folder(out, resume=resume)  # the store decides what a non-empty --out may hold
    if is_experiment(out):
        if not resume:
            raise InputError(
                "already holds an experiment: pass --resume to continue it, or choose another --out", path=out
            )
        if seed is None:
            return stored_seed(out)
    return np.random.SeedSequence(seed)


@contextmanager
def _executor(workers: int, scheduler: str | None) -> Iterator[Executor | None]:
    """Local processes, a Dask cluster's executor, or none (serial)."""
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs Dask: pip install 'districtlab[cluster]'") from None
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, ValueError, TypeError) as error:  # unreachable, or not an address at all
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({error})") from None
        with client:
            yield client.get_executor()
    elif workers > 1:
        from districtlab.workers import worker_pool

        with worker_pool(workers) as pool:
            yield pool
    else:
        yield None


@contextmanager
def _runs_progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """``update(done, total)`` for a bar with runs done and time left.

    Runs already in the store (when resuming) start the bar without counting
    toward its speed, so the time left is estimated from this session's runs.
    """
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs done"),
        TimeElapsedColumn(),
        TextColumn("elapsed,"),
        TimeRemainingColumn(),
        TextColumn("left"),
    )
    with Progress(*columns, console=error_console, transient=True, refresh_per_second=8) as bar:
        task: list[Any] = []
        started = bar.get_time()

        def update(done: int, total: int) -> None:
            visible = bar.get_time() - started > 1.0
            if not task:
                task.append(bar.add_task(description, total=total, completed=done, visible=visible))
            else:
                bar.update(task[0], completed=done, total=total, visible=visible)

        yield update


def _run(
    design: Design,
    *,
    replications: int,
    root: np.random.SeedSequence,
    out: Path,
    workers: int,
    scheduler: str | None,
    batch_size: int | None,
    description: str,
) -> ExperimentResult:
    from districtlab.experiments import run_scenarios
    from districtlab.experiments.store import is_experiment

    if is_experiment(out):
        console.print(f"resuming the experiment in {out}")
    with _executor(workers, scheduler) as executor, _runs_progress(description) as update:
        result = run_scenarios(
            design,
            replications=replications,
            rng=root,
            executor=executor,
            store=out,
            batch_size=batch_size,
            progress=update,
        )
    console.print(
        f"seed {result.entropy} ({len(result.names)} scenarios x {replications} replications = "
        f"{len(result.names) * replications} runs in {out})"
    )
    return result


# -- writing outputs -------------------------------------------------------------------------


def _write_table(frame: pd.DataFrame, out: Path, name: str) -> list[Path]:
    """``name.csv`` and ``name.parquet`` in ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv, parquet = out / f"{name}.csv", out / f"{name}.parquet"
    write_atomically(csv, spreadsheet_csv(frame))  # names may come from user files: no live formulas
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    write_atomically(parquet, buffer.getvalue())
    return [csv, parquet]


def _write_figure(figure: Figure, path: Path) -> Path:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    write_atomically(path, buffer.getvalue())
    return path


def _number(value: float) -> str:
    import pandas as pd

    if pd.isna(value):
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _print_frame(frame: pd.DataFrame, title: str, limit: int = 25) -> None:
    import pandas as pd

    table = Table(title=title)
    for column in frame.columns:
        table.add_column(
            str(column), justify="right" if pd.api.types.is_numeric_dtype(frame[column]) else "left"
        )
    for row in frame.head(limit).itertuples(index=False):
        table.add_row(*(_number(v) if isinstance(v, float) else str(v) for v in row))
    console.print(table)
    if len(frame) > limit:
        console.print(f"... {len(frame) - limit} more rows in the CSV")


def _interval(mean: float, low: float, high: float) -> str:
    import pandas as pd

    return _number(mean) + ("" if pd.isna(low) else f" [{_number(low)}, {_number(high)}]")


# -- parsing parameters ----------------------------------------------------------------------


def _value(text: str) -> Any:
    """A level as typed: an integer, a number, true/false, or text."""
    text = text.strip()
    for convert in (int, float):
        try:
            value = convert(text)
        except ValueError:
            continue
        if not math.isfinite(value):
            raise InputError(f"--param level {text!r} is not a finite number")
        return value
    return {"true": True, "false": False}.get(text.lower(), text)


def _split_params(texts: Sequence[str]) -> list[tuple[str, str]]:
    """(path, spec) of every --param, refusing a path given twice (the last would silently win)."""
    pairs = [_split_param(text) for text in texts]
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise InputError(f"--param {key} is given twice; give each parameter once")
        seen.add(key)
    return pairs


def _split_param(text: str) -> tuple[str, str]:
    key, equals, spec = text.partition("=")
    if not equals or not key.strip() or not spec.strip():
        raise InputError(f"--param {text!r}: write PATH=LOW:HIGH, PATH=LOW:HIGH:LEVELS or PATH=V1,V2,...")
    return key.strip(), spec.strip()


def _range(key: str, spec: str) -> tuple[float, float]:
    parts = spec.split(":")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"expected LOW:HIGH (two numbers), got {spec!r}", field=key) from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError(f"LOW and HIGH must be finite numbers, got {spec!r}", field=key)
    return low, high


def _levels(key: str, spec: str) -> list[Any]:
    import numpy as np

    parts = spec.split(":")
    if len(parts) == 3:
        try:
            low, high, count = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise InputError(f"expected LOW:HIGH:LEVELS, got {spec!r}", field=key) from None
        if count < 2:
            raise InputError(f"LOW:HIGH:LEVELS needs at least 2 levels, got {count}", field=key)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise InputError(f"LOW and HIGH must be finite numbers, got {spec!r}", field=key)
        require_memory(design_bytes(count), f"--param {key} with {count:,} levels")
        values = np.linspace(low, high, count)
        return [
            int(v) if float(v).is_integer() and all(float(x).is_integer() for x in parts[:2]) else float(v)
            for v in values
        ]
    if len(parts) == 2:
        raise InputError(
            f"a range {spec!r} needs --design lhs or sobol; a factorial design takes LOW:HIGH:LEVELS or V1,V2,...",
            field=key,
        )
    return [_value(v) for v in spec.split(",")]


def _read_design_table(path: Path) -> pd.DataFrame:
    from districtlab.io.tables import read_table_file

    return read_table_file(path, what="design table")


def _target_half_widths(texts: Sequence[str], outcomes: Sequence[str]) -> float | dict[str, float] | None:
    """--target-half-width as one positive number, or OUTCOME=X for outcomes that are reported."""
    if not texts:
        return None
    plain = [t for t in texts if "=" not in t]
    if plain and len(texts) > 1:
        raise InputError("give --target-half-width once as a number, or as OUTCOME=X for each outcome")
    try:
        if plain:
            targets: dict[str, float] = {"": float(plain[0])}
        else:
            targets = {}
            for key, text in (t.split("=", 1) for t in texts):
                if key.strip() in targets:
                    raise InputError(f"--target-half-width {key.strip()} is given twice")
                targets[key.strip()] = float(text)
    except ValueError:
        raise InputError(
            f"--target-half-width takes X or OUTCOME=X with X a number, got {', '.join(texts)}"
        ) from None
    for key, value in targets.items():
        if not (math.isfinite(value) and value > 0):
            raise InputError(
                f"--target-half-width {key + '=' if key else ''}{value:g}: must be a positive number"
            )
        if key and key not in outcomes:
            raise InputError(
                f"--target-half-width {key}: not a reported outcome (outcomes: {', '.join(outcomes)})"
            )
    return targets[""] if plain else targets


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
        base = _base_scenario(preset_or_file, programme, months, firms, workers)
        check_outcomes(base, outcomes)
        root = _root_seed(out, seed, resume)
        chosen = _sweep_design(base, param or [], design, samples, table, root, replications)
        result = _run(
            chosen,
            replications=replications,
            root=root,
            out=out,
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            description="sweep",
        )
        points = _point_summary(result, outcomes)
        written = _write_table(points, out, "points")
        view = points[[c for c in points.columns if not c.endswith(("_ci_low", "_ci_high"))]]
        _print_frame(
            view, f"{len(points)} design points, mean of {replications} replications (CIs in points.csv)"
        )
        console.print("wrote " + ", ".join(map(str, written)))


def _sweep_design(
    base: Scenario,
    params: Sequence[str],
    method: str,
    samples: int,
    table: Path | None,
    root: np.random.SeedSequence,
    replications: int,
) -> Design:
    from districtlab.experiments import design_from_table, full_factorial, latin_hypercube, sobol_design

    if method not in ("factorial", "lhs", "sobol", "table"):
        raise InputError(f"unknown design {method!r}: factorial, lhs, sobol or table")
    if method == "table":
        if table is None:
            raise InputError("--design table needs --table FILE")
        if params:
            raise InputError("--design table takes its parameters from --table, not --param")
        return design_from_table(base, _read_design_table(table))
    if table is not None:
        raise InputError("--table needs --design table")
    if not params:
        raise InputError("a sweep needs at least one --param")
    pairs = _split_params(params)
    if method == "factorial":
        levels = {key: _levels(key, spec) for key, spec in pairs}
        points = math.prod(len(values) for values in levels.values())
        require_memory(design_bytes(points, replications), f"a factorial design of {points:,} points")
        return full_factorial(base, levels)
    ranges = {key: _range(key, spec) for key, spec in pairs}
    if method in ("lhs", "sobol"):
        require_memory(design_bytes(samples, replications), f"a design of {samples:,} samples")
    if method == "lhs":
        return latin_hypercube(base, ranges, samples, rng=root)
    if method == "sobol":
        return sobol_design(base, ranges, samples, rng=root)
    raise InputError(f"unknown design {method!r}: factorial, lhs, sobol or table")


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


# -- compare -------------------------------------------------------------------------------


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
            raise InputError(f"--programmes needs at least two different programmes, got {programmes!r}")
        baseline = baseline or names[0]
        if baseline not in names:
            raise InputError(f"--baseline {baseline!r} is not one of --programmes ({', '.join(names)})")
        targets = _target_half_widths(target_half_width or [], outcomes)
        base = _base_scenario(preset_or_file, None, months, firms, workers)
        check_outcomes(base, outcomes)
        scenarios = {name: _with_programme(base, name, preset_or_file) for name in names}
        root = _root_seed(out, seed, resume)
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
        result = _run(
            Design.of(scenarios),
            replications=replications,
            root=root,
            out=out,
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            description="compare",
        )
        comparison = compare(result, baseline=baseline, outcomes=outcomes, target_half_width=targets)
        written = _write_table(comparison.means, out, "means") + _write_table(
            comparison.differences, out, "differences"
        )
        written += _write_table(comparison.to_frame(), out, "comparison")
        if matched is not None:
            written += _write_table(matched, out, "equal_spend")
        _print_comparison(
            comparison.means, comparison.differences, baseline, replications, targets is not None
        )
        console.print("wrote " + ", ".join(map(str, written)))


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
        raise InputError(f"--equal-spend {reference!r} is not one of --programmes ({', '.join(scenarios)})")
    if not scenarios[reference].programme.is_active():
        raise InputError(f"--equal-spend {reference!r} spends nothing: choose a programme with a budget")
    matched = dict(scenarios)
    rows = []
    with _executor(workers, scheduler) as executor, _runs_progress("matching spend") as update:
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
        state = "matched" if row.matched else "NOT matched (closest budget kept)"
        console.print(
            f"equal spend: {row.programme} budget x{row.budget_factor:.2f} -> realised public spend "
            f"EUR {row.public_spend_eur:,.0f} vs {reference} EUR {row.reference_public_spend_eur:,.0f} "
            f"({row.spend_gap:.1%} apart, {state})",
            markup=False,
        )
    return matched, table


def _print_comparison(
    means: pd.DataFrame, differences: pd.DataFrame, baseline: str, replications: int, targets: bool
) -> None:
    table = Table(title=f"Means [95% CI], {replications} replications")
    table.add_column("outcome")
    scenarios = list(dict.fromkeys(means["scenario"]))
    for scenario in scenarios:
        table.add_column(scenario, justify="right")
    for outcome, rows in means.groupby("outcome", sort=False):
        rows = rows.set_index("scenario")
        table.add_row(
            str(outcome),
            *(
                _interval(rows.loc[s, "mean"], rows.loc[s, "ci_low"], rows.loc[s, "ci_high"])
                for s in scenarios
            ),
        )
    console.print(table)
    paired = bool(differences["paired"].iloc[0]) if len(differences) else True
    table = Table(
        title=f"Difference from {baseline} [95% CI], {'paired (common random numbers)' if paired else 'Welch'}"
    )
    table.add_column("outcome")
    others = list(dict.fromkeys(differences["scenario"]))
    for scenario in others:
        table.add_column(scenario, justify="right")
    if targets:
        table.add_column("replications needed", justify="right")
    for outcome, rows in differences.groupby("outcome", sort=False):
        rows = rows.set_index("scenario")
        cells = [
            _interval(rows.loc[s, "difference"], rows.loc[s, "ci_low"], rows.loc[s, "ci_high"])
            for s in others
        ]
        if targets:
            needed = rows["replications_needed"].dropna()
            cells.append(str(int(needed.max())) if len(needed) else "n/a")
        table.add_row(str(outcome), *cells)
    console.print(table)


# -- sensitivity -----------------------------------------------------------------------------


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
            raise InputError(f"unknown method {method!r}: morris or sobol")
        if not param:
            raise InputError("sensitivity analysis needs at least one --param PATH=LOW:HIGH")
        outcomes = list(outcome or SENSITIVITY_OUTCOMES)
        base = _base_scenario(preset_or_file, programme, months, firms, workers)
        check_outcomes(base, outcomes, series or [])
        root = _root_seed(out, seed, resume)
        ranges = {key: _range(key, spec) for key, spec in _split_params(param)}
        points = (
            (samples or 10) * (len(ranges) + 1)
            if method == "morris"
            else (samples or 64) * (2 * len(ranges) + 2)
        )
        require_memory(design_bytes(points, replications), f"a {method} design of {points:,} points")
        if method == "morris":
            chosen = morris_design(base, ranges, trajectories=samples or 10, levels=levels, rng=root)
        else:
            chosen = saltelli_design(base, ranges, n=samples or 64, rng=root)
        result = _run(
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
        written = _write_table(indices.to_frame(), out, "indices")
        written.append(
            _write_figure(sensitivity_panels(indices.indices, outcomes=outcomes), out / "sensitivity.png")
        )
        for name in series or []:
            figure = indices_over_steps(indices.indices, series=name, dt=base.dt)
            written.append(_write_figure(figure, out / f"sensitivity_{name.replace('.', '_')}.png"))
        _print_indices(indices)
        console.print("wrote " + ", ".join(map(str, written)))


def _print_indices(indices: SensitivityResult) -> None:
    import pandas as pd

    scalar = indices.scalar()
    shown = ("mu_star", "sigma") if indices.method == "morris" else ("S1", "ST")
    for outcome, rows in scalar.groupby("outcome", sort=False):
        table = Table(
            title=f"{'Morris' if indices.method == 'morris' else 'Sobol'}: {outcome} "
            f"(mean of {indices.replications} replications per point, 95% CI)"
        )
        table.add_column("parameter")
        for index in shown:
            table.add_column(index, justify="right")
        wide = rows.set_index(["parameter", "index"])
        order = rows[rows["index"] == shown[-1 if indices.method == "sobol" else 0]].sort_values(
            "value", ascending=False
        )
        for parameter in order["parameter"]:
            cells = []
            for index in shown:
                value, conf = wide.loc[(parameter, index), "value"], wide.loc[(parameter, index), "conf"]
                cells.append(_number(value) + ("" if pd.isna(conf) else f" ± {_number(conf)}"))
            table.add_row(str(parameter), *cells)
        console.print(table)


def register(app: typer.Typer) -> None:
    """Mount ``sweep``, ``compare`` and ``sensitivity`` on the main command."""
    app.command("sweep")(sweep)
    app.command("compare")(compare_command)
    app.command("sensitivity")(sensitivity)


__all__ = ["compare_command", "register", "sensitivity", "sweep"]
