"""Effects with their confidence intervals as bars, largest first (e.g. one-at-a-time elasticities)."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from districtlab.viz.figures import PALETTE, STYLE


def effect_bars(
    effects: pd.DataFrame,
    *,
    xlabel: str,
    title: str = "",
    label: str = "parameter",
    value: str = "elasticity",
    low: str = "ci_low",
    high: str = "ci_high",
) -> Figure:
    """Horizontal bars of ``effects[value]`` with ``low``-``high`` whiskers, in the frame's row order (top first).

    Positive effects are blue, negative ones vermilion with a hatch, so the sign
    reads without colour.
    """
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(8.5, 0.55 * len(effects) + 1.8), layout="constrained")
        ax = figure.subplots()
        centre = effects[value].to_numpy(dtype=float)
        error = np.vstack(
            [centre - effects[low].to_numpy(dtype=float), effects[high].to_numpy(dtype=float) - centre]
        )
        positive = centre >= 0
        ax.barh(
            effects[label].astype(str),
            centre,
            xerr=error,
            capsize=4,
            color=[PALETTE[0] if sign else PALETTE[3] for sign in positive],
            hatch=[("" if sign else "//") for sign in positive],
            edgecolor="white",
        )
        ax.axvline(0, color="black", linewidth=0.8)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
    return figure
