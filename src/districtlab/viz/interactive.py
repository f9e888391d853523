"""Interactive figures (plotly): the knowledge network and the municipalities month by month.

Pure builders, like the rest of :mod:`districtlab.viz`: data and words in, a
``plotly.graph_objects.Figure`` out. Each figure has one frame per shown month,
a month slider and a play button, all inside the figure (plotly animates in the
browser: no server round trip). Nothing is fetched: the lab draws them with the
plotly.js that Streamlit bundles, and :func:`to_offline_html` embeds plotly.js
in the page. The figure first shows the last month; Play runs from month 0.

Colours: a single technology is grey (not adopted) or Okabe-Ito blue
(adopted); "any technology" and adoption shares use the colour-blind-safe
``cividis`` scale. Marker shapes tell the roles apart, so the picture reads
without colour too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from numpy.typing import NDArray

from districtlab.viz.district import spring_positions
from districtlab.viz.figures import PALETTE

#: Plotly marker symbol of each model role (and of the collective actors).
ROLE_SYMBOLS: Mapping[str, str] = {
    "lead": "square",
    "producer": "circle",
    "subcontractor": "diamond",
    "supplier": "triangle-up",
    "tech_supplier": "triangle-down",
    "rti": "star",
    "association": "cross",
}
#: Line colour and dash of each tie kind.
TIE_LINES: Mapping[str, tuple[str, str]] = {
    "supply": ("#777777", "solid"),
    "peer": ("#aaaaaa", "dot"),
    "membership": (PALETTE[3], "solid"),
}
NOT_ADOPTED = "#d0d0d0"
ADOPTED = "#0072B2"  # Okabe-Ito blue
#: At most this many frames (months) per figure: a 120-month run has one a month.
MAX_FRAMES = 150


@dataclass(frozen=True)
class Words:
    """The words a figure shows (translated by the caller)."""

    title: str = ""
    month: str = "Month"
    play: str = "Play"
    pause: str = "Pause"
    colour: str = ""
    roles: Mapping[str, str] = field(default_factory=dict)
    ties: Mapping[str, str] = field(default_factory=dict)
    longitude: str = "longitude (°)"
    latitude: str = "latitude (°)"
    note: str = ""
    #: plotly's decimal and thousands separators (",." in Spanish and Valencian)
    separators: str = ".,"


def _frame_steps(n_steps: int) -> NDArray[np.int64]:
    every = max(1, int(np.ceil((n_steps + 1) / MAX_FRAMES)))
    steps = np.arange(0, n_steps + 1, every)
    if steps[-1] != n_steps:
        steps = np.append(steps, n_steps)
    return steps.astype(np.int64)


def _animation_controls(
    figure: go.Figure, labels: Sequence[str], names: Sequence[str], words: Words, *, delay_ms: int
) -> None:
    """A slider over the frames ``names`` (shown as ``labels``), starting at the last, and Play/Pause."""
    figure.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 50, "r": 10},
                "buttons": [
                    {
                        "label": "▶ " + words.play,
                        "method": "animate",
                        "args": [
                            list(names),
                            {
                                "frame": {"duration": delay_ms, "redraw": True},
                                "transition": {"duration": 0},
                                "mode": "immediate",
                                "fromcurrent": False,
                            },
                        ],
                    },
                    {
                        "label": "❚❚ " + words.pause,
                        "method": "animate",
                        "args": [
                            [None],
                            {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"},
                        ],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": len(names) - 1,
                "x": 0.2,
                "len": 0.8,
                "y": 0.0,
                "yanchor": "top",
                "pad": {"t": 30},
                "currentvalue": {"prefix": words.month + " ", "font": {"size": 16}},
                "steps": [
                    {
                        "label": label,
                        "method": "animate",
                        "args": [
                            [name],
                            {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"},
                        ],
                    }
                    for label, name in zip(labels, names, strict=True)
                ],
            }
        ],
    )


def adoption_network(
    graph: nx.DiGraph,
    first_step: NDArray[np.integer],
    months: NDArray[np.floating],
    *,
    n_technologies: int = 1,
    words: Words = Words(),
    seed: int = 1,
    hover: Callable[[str], str] | None = None,
) -> go.Figure:
    """The knowledge network ``graph`` with each firm coloured by adoption, month by month.

    Parameters
    ----------
    graph
        A (sample of a) network from :func:`districtlab.network_of`: firms carry
        ``row`` and ``role``; the RTI and the association have no ``row``.
    first_step
        Per model row, the step at which the firm adopted: shape ``(firms,)`` for
        one technology (``-1`` never), or ``(firms, technologies)`` to colour by
        the number of technologies adopted.
    months
        Month of each step (``result.months``).
    n_technologies
        The top of the colour scale when ``first_step`` is two-dimensional.
    words
        Title, legend and control labels.
    seed
        Seed of the spring layout (the picture does not move between reruns).
    hover
        ``hover(node)`` gives a firm's hover text (the level at the month shown,
        labelled ``words.colour``, is added below it); by default the node's name.
    """
    positions = spring_positions(graph, seed=seed)
    by_technology = first_step.ndim == 2
    steps = _frame_steps(len(months) - 1)
    figure = go.Figure()
    for kind, (colour, dash) in TIE_LINES.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b, data in graph.edges(data=True):
            if data.get("kind") == kind:
                xs += [float(positions[a][0]), float(positions[b][0]), None]
                ys += [float(positions[a][1]), float(positions[b][1]), None]
        if xs:
            figure.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": colour, "dash": dash, "width": 0.6 if kind == "membership" else 1.0},
                    opacity=0.35 if kind == "membership" else 0.6,
                    name=words.ties.get(kind, kind),
                    hoverinfo="skip",
                )
            )
    # Collective actors: fixed, large, labelled.
    collectives = [node for node, data in graph.nodes(data=True) if "row" not in data]
    if collectives:
        figure.add_trace(
            go.Scatter(
                x=[float(positions[node][0]) for node in collectives],
                y=[float(positions[node][1]) for node in collectives],
                mode="markers+text",
                text=[str(node) for node in collectives],
                textposition="top center",
                textfont={"size": 15},
                marker={
                    "symbol": [
                        ROLE_SYMBOLS.get(graph.nodes[n].get("type", ""), "circle") for n in collectives
                    ],
                    "size": 26,
                    "color": PALETTE[3],
                    "line": {"color": "white", "width": 1},
                },
                name=" · ".join(words.roles.get(graph.nodes[n].get("type", ""), str(n)) for n in collectives),
                hoverinfo="text",
            )
        )
    # Firms: one trace per role (its marker shape); colours change from frame to frame.
    firm_traces: list[tuple[int, list[str], NDArray[np.int64]]] = []
    top = float(n_technologies) if by_technology else 1.0
    for role, symbol in ROLE_SYMBOLS.items():
        nodes = [node for node, data in graph.nodes(data=True) if data.get("role") == role and "row" in data]
        if not nodes:
            continue
        rows = np.array([int(graph.nodes[node]["row"]) for node in nodes], dtype=np.int64)
        employees = np.array([graph.nodes[node].get("employees", 1.0) for node in nodes], dtype=float)
        sizes = 7.0 + 5.0 * np.log10(np.maximum(employees, 1.0))
        figure.add_trace(
            go.Scatter(
                x=[float(positions[node][0]) for node in nodes],
                y=[float(positions[node][1]) for node in nodes],
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": sizes,
                    "cmin": 0.0,
                    "cmax": top,
                    "colorscale": "Cividis" if by_technology else [[0.0, NOT_ADOPTED], [1.0, ADOPTED]],
                    "line": {"color": "#333333", "width": 0.6},
                },
                name=words.roles.get(role, role),
            )
        )
        firm_traces.append((len(figure.data) - 1, nodes, rows))

    def levels(step: int, rows: NDArray[np.int64]) -> NDArray[np.int64]:
        chosen = first_step[rows]
        adopted = (chosen >= 0) & (chosen <= step)
        return adopted.sum(axis=1).astype(np.int64) if by_technology else adopted.astype(np.int64)

    names = [str(int(step)) for step in steps]
    labels = [f"{months[step]:g}" for step in steps]
    # Frames carry only the colours (merged into the traces); hover texts are fixed per firm and the
    # level is read from the colour, so a 121-month picture stays small.
    figure.frames = [
        go.Frame(
            name=name,
            data=[
                {"type": "scatter", "marker": {"color": levels(int(step), rows).tolist()}}
                for _, _, rows in firm_traces
            ],
            traces=[index for index, _, _ in firm_traces],
        )
        for name, step in zip(names, steps, strict=True)
    ]
    last = int(steps[-1])
    for index, nodes, rows in firm_traces:  # the figure opens on the last month
        figure.data[index].marker.color = levels(last, rows)
        figure.data[index].text = [hover(node) if hover is not None else str(node) for node in nodes]
        figure.data[index].hovertemplate = "%{text}<br>" + words.colour + ": %{marker.color}<extra></extra>"
    if firm_traces:
        first_index = firm_traces[0][0]
        figure.data[first_index].marker.showscale = True
        figure.data[first_index].marker.colorbar = {
            "title": {"text": words.colour, "side": "right"},
            "x": 1.02,
            "len": 0.6,
            "y": 0.3,
            **({"tickvals": [0.0, 1.0], "ticktext": ["0", "1"]} if not by_technology else {"dtick": 1}),
        }
    figure.update_layout(
        title={"text": words.title},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        legend={"x": 1.02, "y": 1.0, "xanchor": "left", "itemsizing": "constant"},
        plot_bgcolor="white",
        separators=words.separators,
        height=720,
        margin={"l": 10, "r": 10, "t": 60, "b": 110},
    )
    _animation_controls(figure, labels, names, words, delay_ms=120)
    return figure


def adoption_map(
    by_place: pd.DataFrame,
    *,
    words: Words = Words(),
    rti_municipality: str | None = None,
    rti_name: str = "",
    hover: Callable[[pd.Series], str] | None = None,
    number: Callable[[float], str] = "{:,.0f}".format,
) -> go.Figure:
    """A schematic map: one disc per municipality, area by firms, colour by the adopting share.

    ``by_place`` is :func:`districtlab.geography.adoption_by_place`. Positions
    are longitude and latitude drawn on plain axes, with the latitude scaled so
    that a kilometre is the same length both ways (no tiles, no borders: a
    schematic). Each disc is labelled with its municipality and number of firms
    (written by ``number``). ``hover(row)`` gives a municipality's hover text for
    a row of ``by_place``.
    """
    n_steps = int(by_place["step"].max())
    steps = _frame_steps(n_steps)
    first = by_place[by_place["step"] == 0]
    latitude0 = float(np.deg2rad(first["latitude"].mean()))
    firms = first["firms"].to_numpy(dtype=float)
    sizes = 18.0 + 50.0 * np.sqrt(firms / max(firms.max(), 1.0))

    def texts(rows: pd.DataFrame) -> list[str]:
        if hover is None:
            return [str(name) for name in rows["municipality"]]
        return [hover(row) for _, row in rows.iterrows()]

    def shares(rows: pd.DataFrame) -> list[float]:
        return (100.0 * rows["share"].fillna(0.0)).round(1).tolist()

    last_rows = by_place[by_place["step"] == int(steps[-1])]
    figure = go.Figure(
        go.Scatter(
            x=first["longitude"].tolist(),
            y=first["latitude"].tolist(),
            mode="markers+text",
            text=[
                f"{name} ({number(firms)})"
                for name, firms in zip(first["municipality"], first["firms"], strict=True)
            ],
            textposition="bottom center",
            textfont={"size": 14},
            hovertext=texts(last_rows),
            hoverinfo="text",
            marker={
                "size": sizes,
                "color": shares(last_rows),
                "cmin": 0.0,
                "cmax": 100.0,
                "colorscale": "Cividis",
                "showscale": True,
                "colorbar": {"title": {"text": words.colour, "side": "right"}},
                "line": {"color": "#333333", "width": 1},
            },
            name=words.title,
            showlegend=False,
        )
    )
    if rti_municipality is not None:
        place = first[first["municipality"] == rti_municipality]
        if len(place):
            figure.add_trace(
                go.Scatter(
                    x=place["longitude"].tolist(),
                    y=place["latitude"].tolist(),
                    mode="markers+text",
                    text=[rti_name],
                    textposition="top center",
                    textfont={"size": 14, "color": PALETTE[3]},
                    marker={
                        "symbol": "star",
                        "size": 16,
                        "color": PALETTE[3],
                        "line": {"color": "white", "width": 1},
                    },
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    names = [str(int(step)) for step in steps]
    months = by_place.drop_duplicates("step").set_index("step")["month"]
    labels = [f"{months[int(step)]:g}" for step in steps]
    figure.frames = [
        go.Frame(
            name=name,
            data=[go.Scatter(marker={"color": shares(rows)}, hovertext=texts(rows))],
            traces=[0],
        )
        for name, step in zip(names, steps, strict=True)
        for rows in [by_place[by_place["step"] == int(step)]]
    ]
    span_x = float(first["longitude"].max() - first["longitude"].min())
    span_y = float(first["latitude"].max() - first["latitude"].min())
    pad = max(span_x, span_y, 0.05) * 0.25
    figure.update_layout(
        title={"text": words.title},
        xaxis={
            "title": {"text": words.longitude},
            "range": [first["longitude"].min() - pad, first["longitude"].max() + pad],
            "showgrid": True,
            "gridcolor": "#eeeeee",
            "zeroline": False,
        },
        # a degree of latitude is 1/cos(latitude) times as long as a degree of longitude
        yaxis={
            "title": {"text": words.latitude},
            "range": [first["latitude"].min() - pad, first["latitude"].max() + pad],
            "scaleanchor": "x",
            "scaleratio": 1.0 / float(np.cos(latitude0)),
            "showgrid": True,
            "gridcolor": "#eeeeee",
            "zeroline": False,
        },
        plot_bgcolor="white",
        separators=words.separators,
        height=620,
        margin={"l": 60, "r": 10, "t": 60, "b": 130},
        annotations=[
            {
                "text": words.note,
                "xref": "paper",
                "yref": "paper",
                "x": 0.0,
                "y": 1.0,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#555555"},
            }
        ]
        if words.note
        else [],
    )
    _animation_controls(figure, labels, names, words, delay_ms=150)
    return figure


def to_offline_html(figure: go.Figure) -> str:
    """The figure as a self-contained HTML fragment with plotly.js embedded (no CDN)."""
    return str(figure.to_html(full_html=False, include_plotlyjs=True))


__all__ = ["ROLE_SYMBOLS", "Words", "adoption_map", "adoption_network", "to_offline_html"]
