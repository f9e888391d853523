"""Figures of a district itself: its firms by role and size, its RTI's competence, its knowledge network.

Same conventions as :mod:`districtlab.viz.figures`: Okabe-Ito colours, hatches
or marker shapes as a second cue, units on the axes, projector-sized fonts,
``Figure`` objects made without pyplot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import matplotlib as mpl
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from districtlab.viz.figures import PALETTE, STYLE

#: The shared style, typed as rc_context takes it.
_STYLE: dict[Any, Any] = dict(STYLE)
#: Colour and marker of each actor type in network pictures (colour and shape both tell them apart).
ACTOR_STYLE: Mapping[str, tuple[str, str]] = {
    "rti": (PALETTE[3], "*"),
    "association": (PALETTE[4], "P"),
    "lead_firm": (PALETTE[0], "s"),
    "sme": (PALETTE[1], "o"),
    "supplier": (PALETTE[2], "^"),
}
ACTOR_LABELS = {
    "rti": "RTI",
    "association": "association",
    "lead_firm": "leading firm",
    "sme": "SME",
    "supplier": "supplier",
}
#: Colour and marker of each model role (``role`` node attribute) in network pictures: the same roles
#: as the District page's table of firms, so the legend's counts and the table's agree.
ROLE_STYLE: Mapping[str, tuple[str, str]] = {
    "rti": (PALETTE[3], "*"),
    "association": (PALETTE[4], "P"),
    "lead": (PALETTE[0], "s"),
    "producer": (PALETTE[1], "o"),
    "subcontractor": (PALETTE[5], "D"),
    "supplier": (PALETTE[2], "^"),
    "tech_supplier": (PALETTE[6], "v"),
}
ROLE_LABELS = {
    "rti": "RTI",
    "association": "association",
    "lead": "leading firm",
    "producer": "producer",
    "subcontractor": "subcontractor",
    "supplier": "supplier",
    "tech_supplier": "technology supplier",
}
TIE_STYLE: Mapping[str, tuple[str, Literal["-", ":"]]] = {
    "supply": ("#555555", "-"),
    "peer": ("#999999", ":"),
    "membership": (PALETTE[3], "-"),
}


def district_structure(
    counts: pd.DataFrame,
    *,
    title: str = "",
    xlabel: str = "Firms (count)",
    legend_title: str = "size class",
    number: Callable[[float], str] = "{:,.0f}".format,
) -> Figure:
    """Stacked horizontal bars of firms: rows of ``counts`` are roles, columns size classes.

    ``xlabel``, ``legend_title`` and ``number`` (how totals are written) let a caller speak its language.
    """
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(8.5, 0.6 * len(counts) + 2.2), layout="constrained")
        ax = figure.subplots()
        left = np.zeros(len(counts))
        labels = [str(role).replace("_", " ") for role in counts.index]
        for index, size_class in enumerate(counts.columns):
            values = counts[size_class].to_numpy(dtype=float)
            ax.barh(
                labels,
                values,
                left=left,
                color=PALETTE[index % len(PALETTE)],
                hatch=("", "//", "..", "xx")[index % 4],
                edgecolor="white",
                label=str(size_class),
            )
            left += values
        for y, total in enumerate(left):
            ax.annotate(number(total), (total, y), xytext=(4, 0), textcoords="offset points", va="center")
        ax.set_xlabel(xlabel)
        ax.invert_yaxis()
        ax.set_xlim(0, max(left.max(), 1.0) * 1.15)
        ax.set_title(title)
        ax.legend(title=legend_title, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.grid(axis="x", alpha=0.3)
    return figure


def rti_competence(
    competence: pd.Series, *, title: str = "", xlabel: str = "RTI competence (0 = none, 1 = full)"
) -> Figure:
    """Horizontal bars of the RTI's competence (0 to 1) per technology, labelled by technology."""
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(7.5, 0.45 * len(competence) + 1.8), layout="constrained")
        ax = figure.subplots()
        ax.barh(
            [str(label) for label in competence.index], competence.to_numpy(dtype=float), color=PALETTE[0]
        )
        ax.set_xlim(0, 1)
        ax.set_xlabel(xlabel)
        ax.invert_yaxis()
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
    return figure


def spring_positions(graph: nx.DiGraph, *, seed: int = 1) -> dict[object, np.ndarray]:
    """Positions of a network picture: firms by a spring layout (fixed ``seed``), collectives above and below.

    Firms are laid out by their own supply and peer ties (membership ties would
    pull every member into one knot); the RTI sits above them and the
    association below, their membership ties fanning out.
    """
    # The RTI first (above), then the association (below), whatever order the graph holds them in.
    collectives = sorted(
        (node for node, data in graph.nodes(data=True) if data.get("type") in ("rti", "association")),
        key=lambda node: (graph.nodes[node]["type"] != "rti", str(node)),
    )
    firms = nx.Graph()  # built in the graph's node order (a subgraph view's order is a set's)
    firms.add_nodes_from(node for node in graph.nodes if node not in set(collectives))
    firms.add_edges_from((a, b) for a, b in graph.edges if a in firms and b in firms)
    positions = dict(nx.spring_layout(firms, seed=seed, k=1.6 / np.sqrt(max(firms.number_of_nodes(), 1))))
    for index, node in enumerate(collectives):
        positions[node] = np.array([0.0, 1.35 if index % 2 == 0 else -1.35])
    return positions


def network_picture(graph: nx.DiGraph, *, title: str = "", seed: int = 1) -> Figure:
    """A knowledge network drawn with a spring layout (fixed ``seed``): model roles by colour and shape.

    Firms are placed by :func:`spring_positions`. Marker area grows with the
    logarithm of employees; ties are drawn by kind (supply solid grey, peer
    dotted, RTI/association membership thin red). The legend counts the firms of
    each model role in the picture, the same roles as the District page's table.
    Meant for a sample of a district (:func:`districtlab.networks.network_sample`).
    """
    positions = spring_positions(graph, seed=seed)
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(9.0, 7.5), layout="constrained")
        ax = figure.subplots()
        for kind, (colour, style) in TIE_STYLE.items():
            segments = [
                (positions[a], positions[b])
                for a, b, data in graph.edges(data=True)
                if data.get("kind") == kind
            ]
            if segments:
                width, alpha = (0.5, 0.35) if kind == "membership" else (0.9, 0.6)
                ax.add_collection(
                    LineCollection(
                        segments, colors=colour, linestyles=style, linewidths=width, alpha=alpha, zorder=1
                    )
                )
        handles = []
        for kind, (colour, marker) in ROLE_STYLE.items():
            nodes = [node for node, data in graph.nodes(data=True) if data.get("role") == kind]
            if not nodes:
                continue
            xy = np.array([positions[node] for node in nodes])
            if kind in ("rti", "association"):
                sizes = np.full(len(nodes), 900.0)
            else:
                employees = np.array([graph.nodes[node].get("employees", 1.0) for node in nodes], dtype=float)
                sizes = 25.0 + 45.0 * np.log10(np.maximum(employees, 1.0))
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=sizes,
                c=colour,
                marker=marker,
                edgecolors="white",
                linewidths=0.6,
                zorder=3,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    color=colour,
                    marker=marker,
                    linestyle="",
                    markersize=11,
                    label=f"{ROLE_LABELS.get(kind, kind)} ({len(nodes)})",
                )
            )
        for node, data in graph.nodes(data=True):
            if data.get("type") in ("rti", "association"):
                ax.annotate(
                    str(node),
                    (float(positions[node][0]), float(positions[node][1])),
                    xytext=(0, 14),
                    textcoords="offset points",
                    ha="center",
                    fontsize=13,
                    weight="bold",
                )
        handles += [
            Line2D([], [], color=colour, linestyle=style, label=f"{kind} tie")
            for kind, (colour, style) in TIE_STYLE.items()
        ]
        ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=11)
        ax.set_title(title)
        ax.set_axis_off()
        ax.autoscale_view()
        ax.margins(x=0.05, y=0.12)
    return figure
