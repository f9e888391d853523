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
    chosen_language,
    console,
    error_console,
    user_errors,
)
from districtlab.errors import InputError
from districtlab.i18n.labels import LABELS
from districtlab.i18n.numbers import format_amount, format_percent, format_signed, interval_separator
from districtlab.i18n.translate import N_


def _significant(value: float, language: str, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, written the language's way (0,0123 in Spanish)."""
    return format_amount(float(f"{value:.{digits}g}"), language, decimals=-1)


def _interval(low: str, high: str, language: str) -> str:
    return f"[{low}{interval_separator(language)}{high}]"


def _NINETY(language: str) -> str:  # noqa: N802 - reads as the constant it writes
    """90% as the language writes it (kept out of message ids: "90% i" reads as a %-format there)."""
    return format_percent(0.9, language, decimals=0)


def _add_columns(table: Table, language: str, *columns: tuple[str, bool], fold: bool = True) -> None:
    """Add ``(message id, left-aligned)`` columns to ``table`` in ``language``; long cells fold."""
    for column, left in columns:
        table.add_column(
            _(column).format(level=_NINETY(language)),
            justify="left" if left else "right",
            overflow="fold" if fold else "ellipsis",
        )


def _size_class(name: str) -> str:
    return _(LABELS[name]) if name in LABELS else name


#: The policy comparisons as the table names them (calibration.policy.COMPARISON_NAMES, translated).
COMPARISONS = {
    "place_based_minus_generic": N_("place-based minus generic"),
    "equal_spend": N_("place-based minus generic at equal spend"),
    "tailoring_premium": N_("tailoring premium"),
}


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
        language = chosen_language()
        task = bar.add_task(_("population"), total=populations, status="")

        def on_population(record: Any) -> None:
            bar.update(
                task,
                completed=record.population + 1,
                status=_("ε {epsilon}  acceptance {rate}").format(
                    epsilon=_significant(record.epsilon, language),
                    rate=format_percent(record.acceptance_rate, language),
                ),
            )

        def on_evaluations(population: int, accepted: int) -> None:
            bar.update(
                task,
                description=_("population {n}: {accepted}/{particles} accepted").format(
                    n=population + 1, accepted=accepted, particles=particles
                ),
            )

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
        title=_("Posterior ({particles} particles, effective sample size {ess}, {level} intervals)").format(
            level=_NINETY(language),
            particles=format_amount(len(posterior.weights), language),
            ess=format_amount(posterior.effective_sample_size, language),
        )
    )
    _add_columns(
        table,
        language,
        (N_("parameter"), True),
        (N_("level"), True),
        (N_("prior"), True),
        (N_("median"), False),
        (N_("{level} interval"), False),
        fold=False,
    )
    for row in summary.itertuples():
        table.add_row(
            str(row.parameter),
            str(row.level),
            _interval(
                _significant(row.prior_low, language), _significant(row.prior_high, language), language
            ),
            _significant(row.median, language),
            _interval(_significant(row.low, language), _significant(row.high, language), language),
        )
    console.print(table)
    summary.to_csv(out / "posterior_summary.csv", index=False)
    console.print(
        _(
            "wrote {out} in {seconds} s (seed {seed}); predict with: districtlab predict {out} --technology T --year Y"
        ).format(out=out, seconds=format_amount(elapsed, language), seed=seed),
        markup=False,
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


def _prediction_table(table: Any, title: str) -> Table:
    """The prediction's rows on screen, in the chosen language (the CSV keeps the data's names)."""
    language = chosen_language()

    def percent(value: float) -> str:
        return format_percent(value, language)

    shown = Table(title=title)
    _add_columns(
        shown,
        language,
        (N_("district"), True),
        (N_("year"), False),
        (N_("size class"), True),
        (N_("indicator"), True),
        (N_("mean"), False),
        (N_("{level} interval"), False),
        (N_("district share (parameters + noise)"), False),
        (N_("fitted?"), False),
    )
    for row in table.itertuples():
        if row.in_fit:
            fitted = _("yes")
        elif row.extrapolated:
            fitted = _("no: extrapolated {years} yr beyond {year}").format(
                years=row.years_beyond_fit, year=row.last_fitted_year
            )
        else:
            fitted = _("no (within the fitted years)")
        if row.indicator == "any mapped":
            label = (
                _("any: {indicators}").format(indicators=row.indicators.replace("|", ", "))
                if row.indicators
                else _("none (prior discrepancy)")
            )
        else:
            label = str(row.indicator)
        covered = row.basis != "not covered"
        shown.add_row(
            str(row.district),
            str(row.year),
            _size_class(str(row.size_class)),
            label,
            percent(row.mean) if covered else "-",
            _interval(percent(row.low), percent(row.high), language)
            if covered
            else _("no figure for this size class"),
            _interval(percent(row.parameter_low), percent(row.parameter_high), language),
            fitted,
        )
    return shown


def predict_command(
    posterior_dir: Annotated[
        Path, typer.Argument(help="A calibration directory (districtlab calibrate --out).")
    ],
    technology: Annotated[str, typer.Option(help="A technology of the model (robotics, cloud_erp, ...).")],
    year: Annotated[
        str, typer.Option(help="Calendar year of the prediction (January), or a range such as 2021..2023.")
    ],
    by: Annotated[str, typer.Option(help="size_class (one row per size class) or all.")] = "size_class",
    indicator: Annotated[
        str | None,
        typer.Option(
            help="Predict this official indicator's figure (one fitted to the technology); "
            "default: an interval that holds for any indicator mapped to it, plus one row per indicator."
        ),
    ] = None,
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
                [
                    posterior.predict(
                        technology, y, by=by, draws=draws, rng=seed, indicator=indicator, per_indicator=True
                    )
                    for y in years
                ],
                ignore_index=True,
            )
        except ValueError as error:
            raise InputError(str(error)) from None
        target = out or posterior_dir / f"predict-{technology}-{year.replace('..', '-')}.csv"
        write_atomically(target, table.to_csv(index=False, float_format="%.6g"))
    language = chosen_language()
    mixed = table[table.indicator == "any mapped"] if indicator is None else table
    console.print(
        _prediction_table(
            mixed,
            _("{technology}, January {year}: official figure, mean and {level} predictive interval").format(
                technology=technology, year=year, level=_NINETY(language)
            ),
        )
    )
    per_indicator = table[table.indicator != "any mapped"] if indicator is None else table.iloc[:0]
    if len(per_indicator):
        console.print(_prediction_table(per_indicator, _("The same, per indicator")))
    console.print(
        _(
            "Each indicator's figure is the district share times that indicator's bias, estimated after the fit "
            "from the same fitted figures (per size class, with its uncertainty over draws and years), plus the "
            "year-to-year discrepancy; 'any' rows mix the indicators that cover the size class, so their interval "
            "holds for any of them."
        ),
        markup=False,
    )
    console.print(
        _(
            "The {level} interval combines parameter uncertainty (posterior draws), simulation noise and the "
            "discrepancy (official figure vs district share); the district share column leaves the discrepancy "
            "out."
        ).format(level=_NINETY(language)),
        markup=False,
    )
    fitted = posterior.problem.targets.frame
    fitted = fitted[fitted.technology == technology]
    if len(fitted):
        console.print(
            _(
                "Indicators fitted to this technology (national proxies at different levels, each with its own "
                "bias): {targets}"
            ).format(
                targets="; ".join(
                    f"{indicator} ({', '.join(map(str, sorted(group.year.unique())))})"
                    for indicator, group in fitted.groupby("indicator")
                )
            ),
            markup=False,
        )
    if table.extrapolated.any():
        last = int(table.last_fitted_year.iloc[0])
        from districtlab.calibration.priors import DRIFT_PER_YEAR

        console.print(
            _(
                "Extrapolated: no target after {last} constrained these years. Their interval adds a drift of "
                "{drift} log-sd per year beyond the fit to the discrepancy; it is a model projection to be "
                "checked against data, not a fitted figure."
            ).format(last=last, drift=format_amount(DRIFT_PER_YEAR, language, decimals=-1)),
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
    """Posterior predictive check of every target: ppc.csv, ppc.png and the coverage of their 90% predictive intervals."""
    from districtlab.calibration import load_posterior
    from districtlab.calibration.checks import posterior_predictive_check
    from districtlab.io.files import atomic_write, write_atomically
    from districtlab.viz.calibration import predictive_check

    with user_errors():
        posterior = load_posterior(posterior_dir)
        check = posterior_predictive_check(posterior, draws=draws, rng=seed)
        write_atomically(posterior_dir / "ppc.csv", check.to_csv(index=False, float_format="%.6g"))
        figure = predictive_check(
            check,
            title=_("{districts}: observed vs 90% predictive").format(
                districts=", ".join(posterior.districts)
            ),
        )
        atomic_write(posterior_dir / "ppc.png", lambda path: figure.savefig(path, dpi=150, format="png"))
    language = chosen_language()
    fitted = check[check.weight > 0]
    console.print(
        _(
            "90% predictive coverage: {fitted_share} of {fitted} fitted targets ({share} of all {targets}); "
            "wrote {csv} and ppc.png"
        ).format(
            fitted_share=format_percent(fitted.covered.mean(), language, decimals=0),
            fitted=len(fitted),
            share=format_percent(check.covered.mean(), language, decimals=0),
            targets=len(check),
            csv=posterior_dir / "ppc.csv",
        ),
        markup=False,
    )
    missed = check[~check.covered]
    for row in missed.itertuples():
        console.print(
            "  "
            + _(
                "outside: {district} {indicator} {year} {size_class}: observed {observed}, predicted {predicted}"
            ).format(
                district=row.district,
                indicator=row.indicator,
                year=row.year,
                size_class=_size_class(str(row.size_class)),
                observed=format_percent(row.value, language),
                predicted=format_percent(row.mean, language)
                + " "
                + _interval(format_percent(row.low, language), format_percent(row.high, language), language),
            ),
            markup=False,
        )
    from districtlab.calibration.checks import trend_misfit, trend_sentence

    sentence = trend_sentence(trend_misfit(check), language=language)
    if sentence:
        console.print(sentence, markup=False)
    from districtlab.calibration.checks import time_split

    with user_errors():
        split = time_split(posterior, draws=draws, rng=seed)
        write_atomically(posterior_dir / "time_split.csv", split.to_csv(index=False, float_format="%.6g"))
    if len(split):
        year = int(split.year.iloc[0])
        console.print(
            _(
                "Time split (indicator bias fitted on the years before {year}, {year} predicted as unseen; the "
                "parameters saw every year): {level} coverage {share} of {figures} figures (prior discrepancy "
                "without bias: {prior}); wrote time_split.csv"
            ).format(
                year=year,
                level=_NINETY(language),
                share=format_percent(split.covered.mean(), language, decimals=0),
                figures=len(split),
                prior=format_percent(split.prior_covered.mean(), language, decimals=0),
            ),
            markup=False,
        )
        for row in split[~split.covered].itertuples():
            console.print(
                "  "
                + _(
                    "outside: {district} {indicator} {year} {size_class}: observed {observed}, predicted {predicted}"
                ).format(
                    district=row.district,
                    indicator=row.indicator,
                    year=row.year,
                    size_class=_size_class(str(row.size_class)),
                    observed=format_percent(row.value, language),
                    predicted=format_percent(row.mean, language)
                    + " "
                    + _interval(
                        format_percent(row.low, language), format_percent(row.high, language), language
                    ),
                ),
                markup=False,
            )


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
    language = chosen_language()

    def signed(value: float) -> str:
        return format_signed(value, language, decimals=2)

    def share(value: float) -> str:
        return format_percent(value, language, decimals=0)

    table = Table(
        title=_("{outcome} under the posterior (difference per posterior draw, paired replications)").format(
            outcome=outcome
        )
    )
    _add_columns(
        table,
        language,
        (N_("district"), True),
        (N_("comparison"), True),
        (N_("mean"), False),
        (N_("{level} over draws (parameters)"), False),
        (N_("± noise (95%, one draw)"), False),
        (N_("P(> 0) [90%]"), False),
    )
    for row in summary.itertuples():
        comparison = str(row.comparison)
        table.add_row(
            str(row.district),
            _(COMPARISONS[comparison]) if comparison in COMPARISONS else comparison.replace("_", " "),
            signed(row.mean_difference),
            _interval(signed(row.parameter_low), signed(row.parameter_high), language),
            "±" + format_amount(row.noise_half_width, language, decimals=2),
            share(row.probability_positive)
            + " "
            + _interval(share(row.probability_low), share(row.probability_high), language),
        )
    console.print(table)
    console.print(
        _(
            "{draws} posterior draws × {replications} paired replications (seed {seed}). The interval over draws "
            "is parameter uncertainty; the ± is the simulation noise of one draw's mean (what ordinary CIs show). "
            "P(> 0) is the share of draws whose paired mean difference is positive, with a {level} interval for "
            "having run only so many draws: in the two place-based minus generic rows that is P(place-based "
            "beats generic); in the tailoring premium's, P(the district's own design beats the best transplanted "
            "one)."
        ).format(draws=draws, replications=replications, seed=seed, level=_NINETY(language)),
        markup=False,
    )
    unit = outcome.replace("_", " ")
    if language != "en" and outcome in LABELS:
        unit = _(LABELS[outcome]).lower()  # the outcome in words, as the sentences' unit
    for sentence in policy_sentences(summary, unit=unit, language=language):
        console.print(f"- {sentence}", markup=False)
    for frame in indices:
        console.print(
            _(
                "Sobol' indices of place-based minus generic, {district}, over the posterior 90% box "
                "(± is SALib's 95% bootstrap half-width):"
            ).format(district=frame.district.iloc[0]),
            markup=False,
        )
        console.print(
            frame[["parameter", "S1", "S1_conf", "ST", "ST_conf"]].to_string(
                index=False, float_format=lambda v: f"{v:.2f}"
            ),
            markup=False,
        )
        console.print(sobol_reading(frame, language=language), markup=False)
    console.print(
        _("wrote {file} in {seconds} s").format(
            file=posterior_dir / "policy.csv", seconds=format_amount(time.perf_counter() - started, language)
        ),
        markup=False,
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
    console.print(_("wrote {draws} draws to {file}").format(draws=draws, file=out), markup=False)
