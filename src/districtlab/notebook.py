"""How results show in a notebook: a short ``repr``, an HTML summary and a figure, for
:class:`~districtlab.results.RunResult`, :class:`~districtlab.experiments.ExperimentResult` and
:class:`~districtlab.experiments.compare.Comparison`.

The classes delegate here (``__repr__``, ``_repr_html_``, ``plot``), so that their display is written
once and tested without a notebook. Every name that comes from a scenario is HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

# The results classes call these functions; typing them by name would import upwards across the
# layers (results < experiments), so they are read by what they offer.
RunResult = Any
ExperimentResult = Any
Comparison = Any

#: Outcomes a summary shows, with how people read them.
SUMMARY = {
    "firms_adopting": "Adopting firms (at least one technology)",
    "new_firms_adopting": "Additional adopting firms",
    "laggard_share": "Laggard share, no technology",
    "programme_spend_eur": "Programme spend (EUR)",
}


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table>{cells}</table>"


def run_repr(result: RunResult) -> str:
    return (
        f"RunResult({result.scenario.name!r}, {result.n_firms} firms, {result.months[-1]:g} months, "
        f"seed={result.seed.entropy})"
    )


def run_html(result: RunResult) -> str:
    outcomes = result.outcomes()
    rows = [
        ("Scenario", f"{result.scenario.name} ({result.scenario.district})"),
        ("Programme", result.scenario.programme.name),
        ("Firms", f"{result.n_firms:,}"),
        ("Months", f"{result.months[-1]:g}"),
        ("Seed (entropy)", str(result.seed.entropy)),
    ]
    rows += [(label, f"{outcomes[name]:,.3g}") for name, label in SUMMARY.items() if name in outcomes]
    return f"<strong>districtlab run</strong>{_table(rows)}"


def run_plot(result: RunResult) -> Figure:
    """Adoption share of each technology and the laggard share over the run."""
    figure = Figure(figsize=(7, 4), layout="constrained")
    axes = figure.subplots()
    shares = result.adoption_share()
    for technology in shares.columns:
        axes.plot(result.months, shares[technology] * 100, label=str(technology), linewidth=1.2)
    axes.plot(result.months, result.laggard_share() * 100, color="black", linestyle="--", label="laggards")
    axes.set_xlabel("Month")
    axes.set_ylabel("Share of firms (%)")
    axes.set_ylim(0, 100)
    axes.set_title(f"{result.scenario.district}: {result.scenario.programme.name}")
    axes.legend(fontsize="x-small", ncols=2)
    return figure


def experiment_repr(result: ExperimentResult) -> str:
    return (
        f"ExperimentResult({len(result.names)} designs: {', '.join(result.names)}; "
        f"{result.replications} replications, seed={result.entropy})"
    )


def experiment_html(result: ExperimentResult) -> str:
    """Mean of the key outcomes per design, with the replications and the seed."""
    outcomes = result.outcomes()
    shown = [name for name in SUMMARY if name in outcomes.columns]
    means = outcomes.groupby("scenario", sort=False)[shown].mean().reindex(list(result.names))
    means.columns = [SUMMARY[name] + " (mean)" for name in shown]
    means.index.name = "scenario"
    head = html.escape(experiment_repr(result))
    return f"<strong>districtlab experiment</strong><p>{head}</p>{means.to_html(float_format=lambda v: f'{v:,.3g}')}"


def experiment_plot(result: ExperimentResult) -> Figure:
    """Mean adoption share over time per design, with the range over replications shaded."""
    figure = Figure(figsize=(7, 4), layout="constrained")
    axes = figure.subplots()
    series = result.series("adoption_share_mean") * 100  # designs x replications x steps
    months = np.arange(series.shape[2], dtype=np.float64) * float(result.scenarios[0].dt)
    for index, name in enumerate(result.names):
        runs = series[index]
        (line,) = axes.plot(months, runs.mean(axis=0), label=str(name))
        axes.fill_between(months, runs.min(axis=0), runs.max(axis=0), color=line.get_color(), alpha=0.15)
    axes.set_xlabel("Month")
    axes.set_ylabel("Adoption share, mean over technologies (%)")
    axes.set_title("Adoption over time (line: mean; band: range over replications)")
    axes.legend(fontsize="small")
    return figure


def comparison_repr(comparison: Comparison) -> str:
    designs = list(dict.fromkeys(comparison.means["scenario"]))
    return f"Comparison({len(designs)} designs against {comparison.baseline!r}, {comparison.confidence:.0%} intervals)"


def comparison_html(comparison: Comparison) -> str:
    """Differences from the baseline with their intervals, one row per design and outcome."""
    table: pd.DataFrame = comparison.differences[["scenario", "outcome", "difference", "ci_low", "ci_high"]]
    head = html.escape(comparison_repr(comparison))
    return f"<strong>districtlab comparison</strong><p>{head}</p>{table.to_html(index=False, float_format=lambda v: f'{v:,.3g}')}"


def comparison_plot(comparison: Comparison, outcome: str | None = None) -> Figure:
    """Each design's difference from the baseline on ``outcome`` (the first one by default), with its interval."""
    differences = comparison.differences
    chosen = outcome or str(differences["outcome"].iloc[0])
    rows = differences[differences["outcome"] == chosen]
    figure = Figure(figsize=(6, 0.6 * len(rows) + 1.5), layout="constrained")
    axes = figure.subplots()
    positions = np.arange(len(rows))
    axes.errorbar(
        rows["difference"],
        positions,
        xerr=[rows["difference"] - rows["ci_low"], rows["ci_high"] - rows["difference"]],
        fmt="o",
        color="#0072B2",
    )
    axes.axvline(0, color="grey", linewidth=0.8)
    axes.set_yticks(positions, [str(name) for name in rows["scenario"]])
    axes.set_xlabel(f"{chosen}: difference from {comparison.baseline} ({comparison.confidence:.0%} CI)")
    return figure
