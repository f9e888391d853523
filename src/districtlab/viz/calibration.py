"""Figures of a calibration: observed targets against posterior predictive intervals (pure)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from districtlab.config import SIZE_CLASSES
from districtlab.viz.figures import PALETTE

ALL_SIZES = (*SIZE_CLASSES, "all")


def predictive_check(check: pd.DataFrame, *, title: str = "") -> Figure:
    """One panel per indicator: observed figures (points) and 90% predictive intervals (bars) by year.

    ``check`` has the columns of :func:`districtlab.calibration.checks.predictive`:
    indicator, year, size_class, value, mean, low, high (shares; shown as %), and
    optionally district (the first district is drawn).
    """
    if check.empty:
        raise ValueError("nothing to draw: the check has no rows")
    data = check[check.district == check.district.iloc[0]] if "district" in check else check
    indicators = list(dict.fromkeys(data.indicator))
    columns = min(3, len(indicators))
    rows = int(np.ceil(len(indicators) / columns))
    figure = Figure(figsize=(4.2 * columns, 3.2 * rows), layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).ravel()
    for ax, indicator in zip(axes, indicators, strict=False):
        panel = data[data.indicator == indicator]
        years = sorted(panel.year.unique())
        sizes = [s for s in ALL_SIZES if s in set(panel.size_class)]
        width = 0.8 / max(1, len(sizes))
        for j, size in enumerate(sizes):
            part = panel[panel.size_class == size].sort_values("year")
            x = np.array([years.index(y) for y in part.year]) + (j - (len(sizes) - 1) / 2) * width
            colour = PALETTE[ALL_SIZES.index(size)]
            ax.vlines(x, 100 * part.low, 100 * part.high, color=colour, linewidth=3, alpha=0.5)
            ax.plot(x, 100 * part["mean"], "_", color=colour, markersize=10)
            ax.plot(x, 100 * part.value, "o", color=colour, markersize=4, label=size)
        ax.set_xticks(range(len(years)), [str(y) for y in years])
        ax.set_title(str(indicator), fontsize=9)
        ax.set_ylabel("% of firms")
        ax.legend(fontsize=7, frameon=False)
    for ax in axes[len(indicators) :]:
        ax.set_visible(False)
    figure.suptitle(title or "Observed (dots) vs posterior predictive 90% intervals (bars)", fontsize=10)
    return figure


__all__ = ["predictive_check"]


def policy_draws(
    draws: pd.DataFrame,
    *,
    unit: str = "adopting firms",
    title: str = "",
    ylabel: str | None = None,
    comparison_labels: Mapping[str, str] | None = None,
) -> Figure:
    """One panel per district: each posterior draw's paired mean difference with its noise interval.

    ``draws`` has the columns of :attr:`districtlab.calibration.policy.PolicyUnderPosterior.draws`
    (district, comparison, draw, difference, noise_low, noise_high). The spread of the points
    across draws is parameter uncertainty; each point's vertical bar is simulation noise.
    ``ylabel`` (default "difference (<unit>)") and ``comparison_labels`` (comparison -> tick label;
    default the comparison's name in words) are the caller's, already in the report's language.
    """
    if draws.empty:
        raise ValueError("nothing to draw: no posterior draws")
    districts = list(dict.fromkeys(draws.district))
    comparisons = list(dict.fromkeys(draws.comparison))

    def tick(comparison: str) -> str:
        if comparison_labels is not None and comparison in comparison_labels:
            # wrapped: three comparison names side by side in a 4.4-inch panel
            return textwrap.fill(comparison_labels[comparison], 18)
        return comparison.replace("_", " ").replace("place based", "place-based")

    figure = Figure(figsize=(4.4 * len(districts), 3.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(districts), squeeze=False)).ravel()
    for ax, district in zip(axes, districts, strict=True):
        panel = draws[draws.district == district]
        for i, comparison in enumerate(comparisons):
            part = panel[panel.comparison == comparison].sort_values("draw")
            n = len(part)
            x = i + (np.arange(n) - (n - 1) / 2) * (0.6 / max(1, n))
            colour = PALETTE[i % len(PALETTE)]
            ax.vlines(x, part.noise_low, part.noise_high, color=colour, linewidth=1.2, alpha=0.6)
            ax.plot(x, part.difference, "o", color=colour, markersize=4)
        ax.axhline(0.0, color="#555555", linewidth=0.8)
        ax.set_xticks(range(len(comparisons)))
        ax.set_xticklabels([tick(c) for c in comparisons], fontsize=8)
        ax.set_title(district, fontsize=10)
        # wrapped: a translated label is longer than the 3.4-inch panel is tall
        ax.set_ylabel(textwrap.fill(ylabel if ylabel is not None else f"difference ({unit})", 30))
    if title:
        figure.suptitle(title, fontsize=11)
    return figure
