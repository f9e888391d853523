"""Figures of a calibration: observed targets against posterior predictive intervals (pure)."""

from __future__ import annotations

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
