"""``districtlab calibrate``, ``districtlab predict`` and ``districtlab calibration-policy``: thin wrappers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from districtlab.cli.common import (
    _,
    check_output_file,
    check_output_folder,
    console,
    error_console,
    user_errors,
)
from districtlab.errors import InputError

# calibration.abc's Settings and MIN_PARTICLES, repeated so that the CLI starts without importing
# pyabc (a test keeps them equal).
DEFAULT_PARTICLES = 100
DEFAULT_POPULATIONS = 6
MIN_PARTICLES = 10


@contextmanager
def _client(scheduler: str | None) -> Iterator[Any]:
    if scheduler is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'districtlab[cluster]'") from None
    try:
        client = Client(scheduler, timeout=30)
    except OSError as error:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({error})") from None
    with client:
        yield client


def calibrate_command(
    scenarios: Annotated[
        list[str], typer.Argument(help="Presets or scenario TOML files (several: fitted jointly).")
    ],
    targets: Annotated[
        str, typer.Option(help="A shipped target set (spain-2014-2020) or a target CSV file.")
    ],
    out: Annotated[Path, typer.Option(help="Calibration directory (database, posterior, figures).")],
    particles: Annotated[
        int,
        typer.Option(
            min=MIN_PARTICLES,
            help=f"Particles per population (at least {MIN_PARTICLES}). The defaults, 100 × 6 populations, "
            "aim at one district within 30 minutes on 2 cores (200 × 10 took 47 min on a shared machine); "
            "more sharpen the posterior.",
        ),
    ] = DEFAULT_PARTICLES,
    populations: Annotated[int, typer.Option(min=1, help="ABC-SMC populations.")] = DEFAULT_POPULATIONS,
    replications: Annotated[int, typer.Option(min=1, help="Runs averaged per particle.")] = 2,
    workers: Annotated[int, typer.Option(min=1, help="Local processes.")] = 1,
    seed: Annotated[int, typer.Option(min=0, help="Root seed (recorded).")] = 0,
    resume: Annotated[
        bool, typer.Option(help="Continue the calibration in --out from its last population.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(help="Write into a non-empty --out that is not a calibration (never over one)."),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of a Dask scheduler (tcp://host:8786) instead of local processes."),
    ] = None,
) -> None:
    """Fit districts to adoption targets with ABC-SMC (pyabc); write the posterior and its checks to --out."""
    from districtlab.calibration import calibrate, problem_for
    from districtlab.calibration.store import check_directory

    started = time.perf_counter()
    with user_errors():  # a bad --out, scenarios or targets: one line before any work or progress bar
        check_directory(out, resume=resume, force=force)
        check_output_folder(out, force=True, resume=resume)  # writable, room on the disk
        problem = problem_for(scenarios, targets, replications=replications)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with user_errors(), _client(scheduler) as client, Progress(*columns, console=error_console) as bar:
        task = bar.add_task("population", total=populations, status="")

        def on_population(record: Any) -> None:
            bar.update(
                task,
                completed=record.population + 1,
                status=f"ε {record.epsilon:.3g}  acceptance {record.acceptance_rate:.1%}",
            )

        def on_evaluations(population: int, accepted: int) -> None:
            bar.update(task, description=f"population {population + 1}: {accepted}/{particles} accepted")

        posterior = calibrate(
            list(problem.districts.values()),
            problem.targets,
            out=out,
            particles=particles,
            populations=populations,
            replications=replications,
            workers=workers,
            seed=seed,
            resume=resume,
            force=force,
            client=client,
            on_population=on_population,
            on_evaluations=on_evaluations,
        )
    elapsed = time.perf_counter() - started
    summary = posterior.summary()
    table = Table(
        title=f"Posterior ({len(posterior.weights)} particles, effective sample size "
        f"{posterior.effective_sample_size:.0f}, 90% intervals)"
    )
    for column in ("parameter", "level", "prior", "median", "90% interval"):
        table.add_column(column, justify="left" if column in ("parameter", "level", "prior") else "right")
    for row in summary.itertuples():
        table.add_row(
            str(row.parameter),
            str(row.level),
            f"[{row.prior_low:.3g}, {row.prior_high:.3g}]",
            f"{row.median:.3g}",
            f"[{row.low:.3g}, {row.high:.3g}]",
        )
    console.print(table)
    summary.to_csv(out / "posterior_summary.csv", index=False)
    console.print(
        f"wrote {out} in {elapsed:.0f} s (seed {seed}); predict with: districtlab predict {out} --technology T --year Y"
    )


def _years(text: str) -> list[int]:
    """``2021`` or a range ``2021..2023`` (inclusive)."""
    first, sep, last = text.partition("..")
    try:
        years = list(range(int(first), int(last) + 1)) if sep else [int(first)]
    except ValueError:
        raise InputError(f"--year must be a year or a range such as 2021..2023, got {text!r}") from None
    if not years or len(years) > 50:
        raise InputError(f"--year range {text!r} must hold between 1 and 50 years")
    return years


def predict_command(
    posterior_dir: Annotated[
        Path, typer.Argument(help="A calibration directory (districtlab calibrate --out).")
    ],
    technology: Annotated[str, typer.Option(help="A technology of the model (robotics, cloud_erp, ...).")],
    year: Annotated[
        str, typer.Option(help="Calendar year of the prediction (January), or a range such as 2021..2023.")
    ],
    by: Annotated[str, typer.Option(help="size_class (one row per size class) or all.")] = "size_class",
    draws: Annotated[int, typer.Option(min=10, help="Posterior draws simulated.")] = 100,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the draws.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="CSV to write (default POSTERIOR_DIR/predict-T-Y.csv).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """Predicted adoption share with its 90% predictive interval (parameters, simulation noise, proxy discrepancy).

    Years after the last fitted year are flagged as extrapolated; their interval also carries a
    drift term that grows with each year beyond the fit.
    """
    import pandas as pd

    from districtlab.calibration import load_posterior
    from districtlab.io.files import write_atomically

    with user_errors():
        years = _years(year)
        if out is not None:  # the default lives in the calibration directory, rewritten by each run
            check_output_file(out, force=force, option="--out")
        posterior = load_posterior(posterior_dir)
        try:
            table = pd.concat(
                [posterior.predict(technology, y, by=by, draws=draws, rng=seed) for y in years],
                ignore_index=True,
            )
        except ValueError as error:
            raise InputError(str(error)) from None
        target = out or posterior_dir / f"predict-{technology}-{year.replace('..', '-')}.csv"
        write_atomically(target, table.to_csv(index=False, float_format="%.6g"))
    shown = Table(title=f"{technology}, January {year}: adoption share, mean and 90% predictive interval")
    for column in (
        "district",
        "year",
        "size class",
        "mean",
        "90% interval",
        "parameters + noise only",
        "fitted?",
    ):
        shown.add_column(
            column, justify="left" if column in ("district", "size class") else "right", overflow="fold"
        )
    for row in table.itertuples():
        if row.in_fit:
            fitted = "yes"
        elif row.extrapolated:
            fitted = f"no: extrapolated {row.years_beyond_fit} yr beyond {row.last_fitted_year}"
        else:
            fitted = "no (within the fitted years)"
        shown.add_row(
            str(row.district),
            str(row.year),
            str(row.size_class),
            f"{row.mean:.1%}",
            f"[{row.low:.1%}, {row.high:.1%}]",
            f"[{row.parameter_low:.1%}, {row.parameter_high:.1%}]",
            fitted,
        )
    console.print(shown)
    console.print(
        "The 90% interval combines parameter uncertainty (posterior draws), simulation noise and the "
        "proxy discrepancy (national figure vs district share); 'parameters + noise only' leaves the "
        "discrepancy out.",
        markup=False,
    )
    fitted = posterior.problem.targets.frame
    fitted = fitted[fitted.technology == technology]
    if len(fitted):
        console.print(
            "Fitted to (national proxies of different levels; the interval spans what the fit compromised between): "
            + "; ".join(
                f"{indicator} ({', '.join(map(str, sorted(group.year.unique())))})"
                for indicator, group in fitted.groupby("indicator")
            ),
            markup=False,
        )
    if table.extrapolated.any():
        last = int(table.last_fitted_year.iloc[0])
        from districtlab.calibration.priors import DRIFT_PER_YEAR

        console.print(
            f"Extrapolated: no target after {last} constrained these years. Their interval adds a drift of "
            f"{DRIFT_PER_YEAR:g} log-sd per year beyond the fit to the discrepancy; it is a model projection to be checked "
            "against data, not a fitted figure.",
            markup=False,
        )
    console.print(_("wrote {files}").format(files=target))


def check_command(
    posterior_dir: Annotated[
        Path, typer.Argument(help="A calibration directory (districtlab calibrate --out).")
    ],
    draws: Annotated[int, typer.Option(min=10, help="Posterior draws simulated.")] = 100,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the draws.")] = 0,
) -> None:
    """Posterior predictive check of every target: ppc.csv, ppc.png and the coverage of the 90% intervals."""
    from districtlab.calibration import load_posterior
    from districtlab.calibration.checks import posterior_predictive_check
    from districtlab.io.files import atomic_write, write_atomically
    from districtlab.viz.calibration import predictive_check

    with user_errors():
        posterior = load_posterior(posterior_dir)
        check = posterior_predictive_check(posterior, draws=draws, rng=seed)
        write_atomically(posterior_dir / "ppc.csv", check.to_csv(index=False, float_format="%.6g"))
        figure = predictive_check(
            check, title=f"{', '.join(posterior.districts)}: observed vs 90% predictive"
        )
        atomic_write(posterior_dir / "ppc.png", lambda path: figure.savefig(path, dpi=150, format="png"))
    fitted = check[check.weight > 0]
    console.print(
        f"90% predictive coverage: {fitted.covered.mean():.0%} of {len(fitted)} fitted targets"
        f" ({check.covered.mean():.0%} of all {len(check)}); wrote {posterior_dir / 'ppc.csv'} and ppc.png"
    )
    missed = check[~check.covered]
    for row in missed.itertuples():
        console.print(
            f"  outside: {row.district} {row.indicator} {row.year} {row.size_class}: observed {row.value:.1%},"
            f" predicted {row.mean:.1%} [{row.low:.1%}, {row.high:.1%}]"
        )
    from districtlab.calibration.checks import trend_misfit, trend_sentence

    sentence = trend_sentence(trend_misfit(check))
    if sentence:
        console.print(sentence, markup=False)


def policy_command(
    posterior_dir: Annotated[
        Path, typer.Argument(help="A calibration directory (districtlab calibrate --out).")
    ],
    draws: Annotated[int, typer.Option(min=2, help="Posterior draws.")] = 30,
    replications: Annotated[int, typer.Option(min=2, help="Paired replications per draw.")] = 10,
    outcome: Annotated[
        str, typer.Option(help="Outcome compared (a column of RunResult.outcomes()).")
    ] = "firms_adopting",
    comparisons: Annotated[
        str, typer.Option(help="Comma-separated: place_based_minus_generic, equal_spend, tailoring_premium.")
    ] = "place_based_minus_generic,equal_spend,tailoring_premium",
    sobol: Annotated[
        int,
        typer.Option(
            min=0,
            help="Sobol' base samples N, a power of two (0: skip); runs N (D + 2) paired comparisons per district.",
        ),
    ] = 0,
    sobol_replications: Annotated[int, typer.Option(min=2, help="Paired replications per Sobol' point.")] = 2,
    seed: Annotated[int, typer.Option(min=0, help="Seed.")] = 0,
) -> None:
    """The policy result under the posterior: P(place-based beats generic), noise vs parameter uncertainty."""
    import pandas as pd

    from districtlab.calibration import load_posterior
    from districtlab.calibration.policy import (
        policy_sentences,
        policy_under_posterior,
        sobol_cost,
        sobol_indices,
        sobol_reading,
    )
    from districtlab.cli.progress import progress_bar
    from districtlab.io.files import write_atomically

    wanted = tuple(c.strip() for c in comparisons.split(",") if c.strip())
    started = time.perf_counter()
    with user_errors():
        if sobol and sobol & (sobol - 1):
            raise InputError(f"--sobol must be a power of two (Sobol' sequences need it), got {sobol}")
        posterior = load_posterior(posterior_dir)
        if outcome not in (
            "firms_adopting",
            "new_adopters",
            "adopters",
            "laggard_share",
            "adoption_share_mean",
        ):
            raise InputError(
                f"--outcome {outcome!r} is not one of firms_adopting, new_adopters, adopters, laggard_share, adoption_share_mean"
            )
        try:
            with progress_bar("posterior draws", draws * len(posterior.districts)) as update:
                result = policy_under_posterior(
                    posterior,
                    draws=draws,
                    replications=replications,
                    outcome=outcome,
                    comparisons=wanted,
                    rng=seed,
                    progress=update,
                )
        except ValueError as error:
            raise InputError(str(error)) from None
        summary = result.summary()
        write_atomically(
            posterior_dir / "policy_draws.csv", result.draws.to_csv(index=False, float_format="%.6g")
        )
        write_atomically(posterior_dir / "policy.csv", summary.to_csv(index=False, float_format="%.6g"))
        indices = []
        for district in posterior.districts if sobol else ():
            with progress_bar(f"Sobol' points, {district}", sobol_cost(posterior, sobol)) as update:
                indices.append(
                    sobol_indices(
                        posterior,
                        district=district,
                        base_samples=sobol,
                        replications=sobol_replications,
                        outcome=outcome,
                        rng=seed,
                        progress=update,
                    )
                )
        if indices:
            write_atomically(
                posterior_dir / "sobol.csv",
                pd.concat(indices, ignore_index=True).to_csv(index=False, float_format="%.6g"),
            )
    table = Table(title=f"{outcome} under the posterior (difference per posterior draw, paired replications)")
    for column in (
        "district",
        "comparison",
        "mean",
        "90% over draws (parameters)",
        "± noise (95%, one draw)",
        "P(> 0) [90%]",
    ):
        table.add_column(
            column, justify="left" if column in ("district", "comparison") else "right", overflow="fold"
        )
    for row in summary.itertuples():
        table.add_row(
            str(row.district),
            str(row.comparison).replace("_", " "),
            f"{row.mean_difference:+.2f}",
            f"[{row.parameter_low:+.2f}, {row.parameter_high:+.2f}]",
            f"±{row.noise_half_width:.2f}",
            f"{row.probability_positive:.0%} [{row.probability_low:.0%}, {row.probability_high:.0%}]",
        )
    console.print(table)
    console.print(
        f"{draws} posterior draws × {replications} paired replications (seed {seed}). The interval over draws is "
        "parameter uncertainty; the ± is the simulation noise of one draw's mean (what ordinary CIs show). "
        "P(> 0) is the share of draws whose paired mean difference is positive, with a 90% interval for having "
        "run only so many draws: for 'place based minus generic' and 'equal spend' that is P(place-based beats "
        "generic); for 'tailoring premium', P(the district's own design beats the best transplanted one).",
        markup=False,
    )
    for sentence in policy_sentences(summary, unit=outcome.replace("_", " ")):
        console.print(f"- {sentence}", markup=False)
    for frame in indices:
        console.print(
            f"Sobol' indices of place-based minus generic, {frame.district.iloc[0]}, over the posterior 90% box "
            "(± is SALib's 95% bootstrap half-width):",
            markup=False,
        )
        console.print(
            frame[["parameter", "S1", "S1_conf", "ST", "ST_conf"]].to_string(
                index=False, float_format=lambda v: f"{v:.2f}"
            ),
            markup=False,
        )
        console.print(sobol_reading(frame), markup=False)
    console.print(
        f"wrote {posterior_dir / 'policy.csv'} in {time.perf_counter() - started:.0f} s", markup=False
    )


def sample_command(
    posterior_dir: Annotated[
        Path, typer.Argument(help="A calibration directory (districtlab calibrate --out).")
    ],
    out: Annotated[Path, typer.Option(help="CSV to write (a posterior sample with its provenance header).")],
    draws: Annotated[int, typer.Option(min=2, help="Draws resampled by weight.")] = 60,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the resampling.")] = 0,
    district: Annotated[
        str | None, typer.Option(help="District of a joint calibration (default: the first).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """Write a small posterior sample of one district (what the demo ships instead of a calibration)."""
    from districtlab.calibration import load_posterior
    from districtlab.calibration.sample import sample_csv
    from districtlab.io.files import write_atomically

    with user_errors():
        check_output_file(out, force=force, option="--out")
        posterior = load_posterior(posterior_dir)
        command = (
            f"districtlab calibration-sample {posterior_dir} --draws {draws} --seed {seed}"
            + (f" --district {district}" if district else "")
            + f" --out {out}"
        )
        try:
            text = sample_csv(posterior, draws, seed, district=district, command=command, seed=seed)
        except ValueError as error:
            raise InputError(str(error)) from None
        write_atomically(out, text)
    console.print(f"wrote {draws} draws to {out}", markup=False)
