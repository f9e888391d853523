"""Figures of the falsification audit: effects with their intervals, one row each (a forest plot)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from districtlab.viz.figures import PALETTE, STYLE


def effect_forest(
    labels: Sequence[str],
    estimates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    title: str,
    xlabel: str = "Additional adopting firms (95% CI)",
) -> Figure:
    """One row per effect: its estimate and interval, with zero marked.

    An interval that spans zero is drawn hollow and grey ("no detectable effect");
    one that excludes it is filled (blue above zero, vermilion below).
    """
    n = len(labels)
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(9.0, 1.2 + 0.42 * max(n, 1)), layout="constrained")
        ax = figure.add_subplot()
        positions = np.arange(n)[::-1]
        for y, estimate, low, high in zip(positions, estimates, lows, highs, strict=True):
            detectable = np.isfinite(low) and np.isfinite(high) and (low > 0 or high < 0)
            colour = (PALETTE[0] if estimate > 0 else PALETTE[3]) if detectable else "#888888"
            ax.plot([low, high], [y, y], color=colour, linewidth=2.2)
            ax.plot(
                [estimate],
                [y],
                marker="o",
                markersize=7,
                color=colour,
                markerfacecolor=colour if detectable else "white",
            )
        ax.axvline(0.0, color="#000000", linewidth=0.9, linestyle="--")
        ax.set_yticks(positions, labels=list(labels))
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
    return figure


__all__ = ["effect_forest"]
