"""Figures of sensitivity indices: Morris mu*-sigma, Sobol' S1/ST bars, and indices over time.

Each builder takes the tidy table of :class:`~districtlab.experiments.sensitivity.SensitivityResult`
(columns method, outcome, step, parameter, index, value, conf) and returns a
``matplotlib.figure.Figure``; nothing is read, written or shown. Colours are
the Okabe-Ito palette, and parameters also differ in marker or hatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from districtlab.viz.figures import LINESTYLES, PALETTE, STYLE

#: The shared style, typed as rc_context takes it.
_STYLE: dict[Any, Any] = dict(STYLE)

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _label(parameter: str, width: int = 28) -> str:
    """A parameter key as a label: ``scale:`` as ``×``, long paths broken after a dot."""
    text = parameter.replace("scale:", "× ")
    lines = [""]
    for segment in text.split("."):
        piece = segment if not lines[-1] else "." + segment
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines[-1] += "."
            lines.append(segment)
        else:
            lines[-1] += piece
    return "\n".join(lines)


def _rows(indices: pd.DataFrame, outcome: str, step: int | None) -> pd.DataFrame:
    rows = indices[indices["outcome"] == outcome]
    rows = rows[rows["step"].isna()] if step is None else rows[rows["step"] == step]
    if rows.empty:
        raise KeyError(f"no indices for outcome {outcome!r}" + ("" if step is None else f" at step {step}"))
    return rows


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        new = Figure(figsize=size, layout="constrained")
        return new, new.subplots()
    root = ax.get_figure(root=True)
    if not isinstance(root, Figure):
        raise TypeError("ax must belong to a matplotlib Figure")
    return root, ax


def morris_scatter(
    indices: pd.DataFrame, *, outcome: str, step: int | None = None, title: str = "", ax: Axes | None = None
) -> Figure:
    """mu* against sigma for each parameter, with the mu* interval as horizontal whiskers.

    Points far to the right matter; points above the sigma = mu* line have
    effects that depend on the other parameters or are not linear.
    """
    rows = _rows(indices, outcome, step)
    wide = rows.pivot(index="parameter", columns="index", values="value")
    conf = rows[rows["index"] == "mu_star"].set_index("parameter")["conf"]
    parameters = list(dict.fromkeys(rows["parameter"]))
    with mpl.rc_context(_STYLE):
        figure, ax = _axes(ax, (7.5, 5.0))
        for position, parameter in enumerate(parameters):
            ax.errorbar(
                wide.loc[parameter, "mu_star"],
                wide.loc[parameter, "sigma"],
                xerr=conf.get(parameter, np.nan),
                fmt=MARKERS[position % len(MARKERS)],
                color=PALETTE[position % len(PALETTE)],
                markersize=9,
                capsize=4,
                label=_label(parameter),
            )
        top = float(np.nanmax([wide["mu_star"].max() + conf.max(), wide["sigma"].max(), 0.0])) or 1.0
        ax.plot(
            [0, top * 1.05], [0, top * 1.05], color="black", linewidth=0.8, linestyle="--", label="σ = μ*"
        )
        ax.set_xlim(left=-0.02 * top)
        ax.set_ylim(bottom=-0.02 * top)
        ax.set_xlabel("μ* (mean absolute elementary effect)")
        ax.set_ylabel("σ (spread of the effects)")
        ax.set_title(title or f"Morris screening: {outcome}")
        ax.legend(frameon=False, fontsize=9, loc="upper left")
        ax.grid(alpha=0.3)
    return figure


def sobol_bars(
    indices: pd.DataFrame, *, outcome: str, step: int | None = None, title: str = "", ax: Axes | None = None
) -> Figure:
    """First-order (S1) and total (ST) Sobol' indices per parameter, with interval whiskers."""
    rows = _rows(indices, outcome, step)
    parameters = list(dict.fromkeys(rows["parameter"]))
    y = np.arange(len(parameters))
    height = 0.38
    with mpl.rc_context(_STYLE):
        figure, ax = _axes(ax, (7.5, 1.0 + 0.7 * len(parameters)))
        for offset, (index, hatch) in enumerate((("S1", ""), ("ST", "//"))):
            part = rows[rows["index"] == index].set_index("parameter").reindex(parameters)
            ax.barh(
                y + (offset - 0.5) * height,
                part["value"].to_numpy(dtype=float),
                height,
                xerr=part["conf"].to_numpy(dtype=float),
                capsize=3,
                color=PALETTE[offset],
                hatch=hatch,
                edgecolor="white",
                label={"S1": "S1 (first order)", "ST": "ST (total)"}[index],
            )
        ax.set_yticks(y, [_label(p) for p in parameters])
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("Sobol' index (share of the output variance)")
        ax.set_title(title or f"Sobol' indices: {outcome}")
        ax.legend(frameon=False)
        ax.grid(axis="x", alpha=0.3)
    return figure


def indices_over_steps(
    indices: pd.DataFrame,
    *,
    series: str,
    index: str | None = None,
    dt: float = 1.0,
    title: str = "",
    ax: Axes | None = None,
) -> Figure:
    """One index (``ST`` for Sobol', ``mu_star`` for Morris by default) of each parameter over time, with bands."""
    rows = indices[(indices["outcome"] == series) & indices["step"].notna()]
    if rows.empty:
        raise KeyError(f"no per-step indices for {series!r}")
    index = index or ("ST" if "ST" in set(rows["index"]) else "mu_star")
    rows = rows[rows["index"] == index]
    with mpl.rc_context(_STYLE):
        figure, ax = _axes(ax, (7.5, 4.5))
        for position, (parameter, part) in enumerate(rows.groupby("parameter", sort=False)):
            part = part.sort_values("step")
            months = part["step"].to_numpy(dtype=float) * dt
            value = part["value"].to_numpy(dtype=float)
            conf = part["conf"].to_numpy(dtype=float)
            colour = PALETTE[position % len(PALETTE)]
            ax.plot(
                months,
                value,
                color=colour,
                linestyle=LINESTYLES[position % len(LINESTYLES)],
                linewidth=2,
                label=_label(str(parameter), 40),
            )
            if np.isfinite(conf).any():
                ax.fill_between(months, value - conf, value + conf, color=colour, alpha=0.2, linewidth=0)
        ax.set_xlabel("Month")
        ax.set_ylabel(index)
        ax.set_title(title or f"{index} of {series} over time")
        ax.legend(frameon=False, fontsize=9)
        ax.grid(alpha=0.3)
    return figure


def sensitivity_panels(indices: pd.DataFrame, *, outcomes: Sequence[str] | None = None) -> Figure:
    """One panel per scalar outcome: mu*-sigma for Morris, S1/ST bars for Sobol'."""
    scalar = indices[indices["step"].isna()]
    outcomes = list(outcomes) if outcomes is not None else list(dict.fromkeys(scalar["outcome"]))
    if not outcomes:
        raise KeyError("no scalar outcome to draw")
    method = str(scalar["method"].iloc[0])
    n_parameters = scalar["parameter"].nunique()
    height = 5.0 if method == "morris" else 1.2 + 0.7 * n_parameters
    columns = min(2, len(outcomes))
    rows = int(np.ceil(len(outcomes) / columns))
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(7.5 * columns, height * rows), layout="constrained")
        axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
        for ax, outcome in zip(axes, outcomes, strict=False):
            builder = morris_scatter if method == "morris" else sobol_bars
            builder(indices, outcome=outcome, ax=ax)
        for ax in axes[len(outcomes) :]:
            ax.set_visible(False)
    return figure


__all__ = ["indices_over_steps", "morris_scatter", "sensitivity_panels", "sobol_bars"]
