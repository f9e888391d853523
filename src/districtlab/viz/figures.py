"""Figures for runs and experiments.

Colours are the Okabe-Ito palette (safe for the common colour-vision
deficiencies); lines also differ in style, axes carry units, and the default
font sizes are large enough for a projector. Figures are made with
``matplotlib.figure.Figure`` directly, not pyplot: no global state, no backend
to choose, nothing to close.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray
from scipy import stats

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
LINESTYLES = ("-", "--", "-.", ":")
STYLE: Any = {
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "legend.fontsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def mean_band(
    values: NDArray[np.float64],
    confidence: float = 0.95,
    *,
    bounds: tuple[float, float] = (-np.inf, np.inf),
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Mean over replications (axis 0) and the t interval of the mean, per step, within ``bounds``.

    The interval is cut to the range the quantity can take (a share's [0, 1]):
    the true mean lies there, so the cut keeps the coverage.
    """
    mean = values.mean(axis=0)
    n = values.shape[0]
    if n < 2:
        return mean, mean, mean
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(axis=0, ddof=1) / np.sqrt(n)
    return mean, np.clip(mean - half, *bounds), np.clip(mean + half, *bounds)


def adoption_bands(
    curves: Mapping[str, NDArray[np.floating[Any]]],
    months: NDArray[np.floating[Any]],
    *,
    title: str,
    ylabel: str = "Adoption share (mean over technologies)",
    confidence: float = 0.95,
    ax: Axes | None = None,
    xlabel: str = "Month",
    legend_title: str | None = None,
    bounds: tuple[float, float] = (0.0, np.inf),
) -> Figure:
    """Mean curves with confidence bands; ``curves[label]`` is replications x steps.

    Bands stay within ``bounds``: adoption shares are never below zero (pass the
    top, 1 or 100, for shares). ``xlabel`` and ``legend_title`` (default "mean, 95% CI (n=...)")
    let a report name them in its language.
    """
    with mpl.rc_context(STYLE):
        if ax is None:
            ax = Figure(figsize=(7.5, 4.5), layout="constrained").subplots()
        figure = ax.get_figure(root=True)
        assert isinstance(figure, Figure)
        for index, (label, values) in enumerate(curves.items()):
            mean, low, high = mean_band(np.asarray(values), confidence, bounds=bounds)
            colour = PALETTE[index % len(PALETTE)]
            ax.plot(
                months,
                mean,
                color=colour,
                linestyle=LINESTYLES[index % len(LINESTYLES)],
                linewidth=2.2,
                label=label,
            )
            ax.fill_between(months, low, high, color=colour, alpha=0.25, linewidth=0)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.set_ylim(bottom=0)
        n = next(iter(curves.values())).shape[0] if curves else 0
        ax.legend(title=legend_title or f"mean, {confidence:.0%} CI (n={n})", frameon=False)
        ax.grid(alpha=0.3)
    return figure


def additionality_bars(
    comparison: pd.DataFrame,
    *,
    outcome: str,
    ylabel: str,
    group: str = "district",
    series: str = "scenario",
    title: str = "",
) -> Figure:
    """Bars of a difference over the baseline with confidence-interval whiskers.

    ``comparison`` has columns ``group``, ``series``, ``outcome``, ``difference``,
    ``ci_low`` and ``ci_high`` (as from :func:`districtlab.experiments.compare`).
    """
    data = comparison[comparison["outcome"] == outcome]
    groups = list(dict.fromkeys(data[group]))
    labels = list(dict.fromkeys(data[series]))
    width = 0.8 / max(len(labels), 1)
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(7.5, 4.5), layout="constrained")
        ax = figure.subplots()
        x = np.arange(len(groups))
        for index, label in enumerate(labels):
            rows = data[data[series] == label].set_index(group).reindex(groups)
            centre = rows["difference"].to_numpy(dtype=float)
            error = np.vstack(
                [
                    centre - rows["ci_low"].to_numpy(dtype=float),
                    rows["ci_high"].to_numpy(dtype=float) - centre,
                ]
            )
            ax.bar(
                x + (index - (len(labels) - 1) / 2) * width,
                centre,
                width,
                yerr=error,
                capsize=4,
                color=PALETTE[index % len(PALETTE)],
                label=label,
                hatch=("", "//", "..", "xx")[index % 4],
                edgecolor="white",
            )
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(x, [textwrap.fill(str(g), 18) for g in groups])
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(frameon=False)
        ax.grid(axis="y", alpha=0.3)
    return figure


def channel_shares(
    shares: pd.DataFrame, *, title: str = "", xlabel: str = "Share of SME adoptions during the run"
) -> Figure:
    """Stacked horizontal bars: share of adoptions by channel; rows are bars, columns channels."""
    # The legend sits under the bars, three channels a row: room for its rows and their wrapped lines.
    legend_rows = -(-len(shares.columns) // 3)
    lines = max((str(channel).count("\n") + 1 for channel in shares.columns), default=1)
    with mpl.rc_context(STYLE):
        figure = Figure(
            figsize=(8.5, 0.55 * len(shares) + 1.8 + 0.2 * legend_rows * lines), layout="constrained"
        )
        ax = figure.subplots()
        left = np.zeros(len(shares))
        for index, channel in enumerate(shares.columns):
            values = shares[channel].to_numpy(dtype=float)
            ax.barh(
                shares.index.astype(str),
                values,
                left=left,
                color=PALETTE[index % len(PALETTE)],
                label=channel.replace("_", " "),
            )
            left += values
        ax.set_xlim(0, 1)
        ax.set_xlabel(xlabel)
        ax.invert_yaxis()
        ax.set_title(title)
        ax.legend(
            ncol=3,
            frameon=False,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.25 if len(shares) < 6 else -0.12),
        )
    return figure


def size_class_adoption(
    shares: pd.DataFrame, *, title: str = "", ylabel: str = "Adoption share at the horizon"
) -> Figure:
    """Grouped bars: rows are size classes, columns the series compared (e.g. programmes)."""
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(7.5, 4.5), layout="constrained")
        ax = figure.subplots()
        width = 0.8 / max(len(shares.columns), 1)
        x = np.arange(len(shares.index))
        for index, column in enumerate(shares.columns):
            ax.bar(
                x + (index - (len(shares.columns) - 1) / 2) * width,
                shares[column].to_numpy(dtype=float),
                width,
                color=PALETTE[index % len(PALETTE)],
                label=str(column),
                hatch=("", "//", "..", "xx")[index % 4],
                edgecolor="white",
            )
        ax.set_xticks(x, [str(i) for i in shares.index])
        ax.set_ylim(0, 1)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(frameon=False)
        ax.grid(axis="y", alpha=0.3)
    return figure


def sweep_effects(
    points: pd.DataFrame,
    parameters: list[str],
    outcomes: list[str],
    *,
    labels: Mapping[str, str] | None = None,
    scales: Mapping[str, float] | None = None,
    title: str = "",
) -> Figure:
    """Main effects of a sweep: each outcome against each parameter, every design point with its CI.

    ``points`` has one row per design point, a column per parameter and, per
    outcome, ``<outcome>``, ``<outcome>_ci_low`` and ``<outcome>_ci_high`` (as
    ``districtlab sweep`` writes them to ``points.csv``). A panel shows the design
    points (dots with their 95% intervals) at each value of its parameter and,
    joined by a line, their mean at that value: the parameter's main effect,
    averaged over the other parameters. Text-valued parameters are categories.
    ``scales`` multiplies an outcome for display (100 shows a share as %).
    """
    labels = dict(labels or {})
    scales = dict(scales or {})
    with mpl.rc_context(STYLE):
        figure = Figure(
            figsize=(max(4.2 * len(parameters), 6.0), 3.4 * len(outcomes) + 0.8), layout="constrained"
        )
        axes = np.atleast_2d(figure.subplots(len(outcomes), len(parameters), squeeze=False))
        for column, parameter in enumerate(parameters):
            raw = points[parameter]
            numeric = pd.api.types.is_numeric_dtype(raw)
            levels = sorted(raw.unique()) if numeric else list(dict.fromkeys(raw.astype(str)))
            position = {level: index for index, level in enumerate(levels)}
            x = (
                raw.to_numpy(dtype=float)
                if numeric
                else np.array([position[str(v)] for v in raw], dtype=float)
            )
            if not numeric:  # spread the points of one category a little, so that none hides another
                offsets = points.groupby(raw.astype(str)).cumcount().to_numpy(dtype=float)
                x = x + (offsets - offsets.mean()) * 0.04
            for row, outcome in enumerate(outcomes):
                ax = axes[row, column]
                scale = scales.get(outcome, 1.0)
                mean = points[outcome].to_numpy(dtype=float) * scale
                low = points[f"{outcome}_ci_low"].to_numpy(dtype=float) * scale
                high = points[f"{outcome}_ci_high"].to_numpy(dtype=float) * scale
                errors = np.vstack([np.clip(mean - low, 0, None), np.clip(high - mean, 0, None)])
                ax.errorbar(
                    x, mean, yerr=np.nan_to_num(errors), fmt="o", color=PALETTE[0], alpha=0.55, capsize=3
                )
                effect = (
                    pd.Series(mean).groupby(raw.to_numpy() if numeric else raw.astype(str).to_numpy()).mean()
                )
                effect_x = (
                    effect.index.to_numpy(dtype=float)
                    if numeric
                    else np.array([position[str(level)] for level in effect.index], dtype=float)
                )
                order = np.argsort(effect_x)
                ax.plot(effect_x[order], effect.to_numpy()[order], color=PALETTE[1], linewidth=2.2)
                if not numeric:
                    ax.set_xticks(range(len(levels)), [textwrap.fill(str(level), 14) for level in levels])
                elif np.nanmax(np.abs(x)) >= 1000:  # euros as 1,000,000, not an offset "1e6" under the axis
                    ax.xaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
                    ax.tick_params(axis="x", labelrotation=20)
                if row == len(outcomes) - 1:
                    ax.set_xlabel(textwrap.fill(labels.get(parameter, parameter), 30))
                if column == 0:
                    ax.set_ylabel(textwrap.fill(labels.get(outcome, outcome), 24))
                ax.grid(alpha=0.3)
        figure.suptitle(title)
    return figure
