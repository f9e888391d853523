"""Knowledge networks: read them with actor attributes, orient them as flows, measure centrality.

A knowledge network says who passes technical knowledge to whom. Data come in
two orientations, and mixing them up swaps roles such as gatekeeper and
representative, so every reader and analysis takes an explicit
``edge_semantics``:

- ``"flow"``: an edge ``a -> b`` means knowledge flows from ``a`` to ``b``;
- ``"nomination"``: an edge ``a -> b`` is the survey answer "``a`` asks ``b``
  for advice", so knowledge flows ``b -> a`` and the edge is reversed.

:func:`read_knowledge_network` always returns a flow graph and marks it
(``graph.graph["edge_semantics"] == "flow"``), so that it is not reversed a
second time. The analyses accept any :class:`networkx.DiGraph` (for instance
one built from a simulated district) and use only the node attributes they are
told to use.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from districtlab.errors import InputError
from districtlab.evidence import safety

EDGE_SEMANTICS = ("flow", "nomination")

#: Actor types a knowledge network may hold (node attribute ``type``).
ACTOR_TYPES = ("rti", "lead_firm", "sme", "supplier", "association", "policymaker", "external")

#: Firm size classes (node attribute ``size_class``), as in the simulation.
SIZE_CLASSES = ("micro", "small", "medium", "large")

#: Common spellings mapped onto :data:`ACTOR_TYPES` after lower-casing and
#: turning spaces and hyphens into underscores.
ACTOR_TYPE_ALIASES = {
    "policy_maker": "policymaker",
    "leading_firm": "lead_firm",
    "lead": "lead_firm",
    "leader": "lead_firm",
    "research_and_technology_institute": "rti",
    "technology_centre": "rti",
    "technology_center": "rti",
    "business_association": "association",
    "external_actor": "external",
}


def normalise_actor_type(value: Any) -> str | None:
    """The actor type :data:`ACTOR_TYPES` spells ``value`` as, or None if it is none of them.

    >>> normalise_actor_type(" Lead-Firm ")
    'lead_firm'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    key = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    key = ACTOR_TYPE_ALIASES.get(key, key)
    return key if key in ACTOR_TYPES else None


def _check_semantics(edge_semantics: str) -> None:
    if edge_semantics not in EDGE_SEMANTICS:
        raise InputError(f"edge_semantics must be 'flow' or 'nomination', not {edge_semantics!r}")


def as_flow_graph(graph: nx.Graph, edge_semantics: str = "flow") -> nx.DiGraph:
    """A directed graph whose edges are knowledge flows.

    An undirected graph becomes a symmetric digraph; with
    ``edge_semantics="nomination"`` every edge is reversed.

    Raises
    ------
    InputError
        For a graph already read as flows by :func:`read_knowledge_network`
        and asked to be reversed again.
    """
    _check_semantics(edge_semantics)
    if edge_semantics == "nomination" and graph.graph.get("edge_semantics") == "flow":
        raise InputError(
            "this graph already holds knowledge flows (read_knowledge_network oriented it); "
            "use edge_semantics='flow'"
        )
    directed = nx.DiGraph(graph) if not graph.is_directed() or graph.is_multigraph() else graph
    return directed.reverse(copy=False) if edge_semantics == "nomination" else directed


def read_knowledge_network(
    path: str | Path,
    *,
    edge_semantics: str = "flow",
    nodes: str | Path | None = None,
    source_col: str = "source",
    target_col: str = "target",
    weight_col: str = "weight",
    id_col: str = "id",
) -> nx.DiGraph:
    """Read a knowledge network from a CSV edge list plus node table, or from GraphML.

    Parameters
    ----------
    path : str or Path
        A CSV edge list (columns ``source_col``, ``target_col`` and optionally
        ``weight_col``) or a GraphML file whose nodes carry the attributes.
    edge_semantics : {"flow", "nomination"}
        What an edge in the file means; nominations are reversed into flows.
    nodes : str or Path, optional
        For a CSV edge list, the node table: ``id_col``, ``type`` and optionally
        ``district``, ``size_class``, ``employees`` and any other columns (kept
        as attributes). Nodes in the table without edges are kept as isolates.
    source_col, target_col, weight_col, id_col : str
        Column names.

    Returns
    -------
    networkx.DiGraph
        Edges are knowledge flows with a ``weight`` (default 1.0; repeated
        edges add up); nodes carry ``type`` (one of :data:`ACTOR_TYPES`) and
        whatever else was given. ``graph.graph`` records ``edge_semantics``
        ("flow") and ``read_as`` (the semantics of the file).

    Raises
    ------
    InputError
        For a missing column, an unknown actor type or size class, a bad
        weight, or an edge naming a node the node table lacks; the message
        names the file and the line.
    """
    _check_semantics(edge_semantics)
    path = Path(path)
    if _is_xml(path):
        graph = _read_graphml(path, weight_col)
    else:
        if nodes is None:
            raise InputError(
                f"a CSV edge list needs a node table with '{id_col}' and 'type' columns (nodes=...)",
                path=path,
            )
        graph = _read_csv_network(path, Path(nodes), source_col, target_col, weight_col, id_col)
    if edge_semantics == "nomination":
        graph = graph.reverse(copy=True)
    graph.graph.update({"edge_semantics": "flow", "read_as": edge_semantics, "source": str(path)})
    return graph


def _is_xml(path: Path) -> bool:
    if path.suffix.lower() in (".graphml", ".xml"):
        return True
    with path.open("rb") as handle:
        return handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _read_table(path: Path) -> pd.DataFrame:
    if zipfile.is_zipfile(path):
        raise InputError("expected a CSV file, found a zip archive (export the sheet as CSV)", path=path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the CSV file ({str(error).splitlines()[0]})", path=path) from None
    table.columns = [str(column).strip() for column in table.columns]
    return table


def _require(table: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (found {', '.join(table.columns)})", path=path
        )


def _node_attributes(raw: dict[str, Any], path: Path, where: str) -> dict[str, Any]:
    """Validated node attributes: ``type`` normalised, ``size_class`` and ``employees`` checked."""
    attributes = {key: value for key, value in raw.items() if value is not None and str(value).strip() != ""}
    actor_type = normalise_actor_type(attributes.get("type"))
    if actor_type is None:
        given = attributes.get("type")
        problem = "has no actor type" if given is None else f"has the unknown actor type {given!r}"
        raise InputError(f"{problem}; expected one of {', '.join(ACTOR_TYPES)}", path=path, field=where)
    attributes["type"] = actor_type
    if "size_class" in attributes:
        size_class = str(attributes["size_class"]).strip().lower()
        if size_class not in SIZE_CLASSES:
            raise InputError(
                f"size_class {attributes['size_class']!r} is not one of {', '.join(SIZE_CLASSES)}",
                path=path,
                field=where,
            )
        attributes["size_class"] = size_class
    if "employees" in attributes:
        try:
            employees = float(attributes["employees"])
        except (TypeError, ValueError):
            employees = -1.0
        if employees < 0 or not employees.is_integer():
            raise InputError(
                f"employees {attributes['employees']!r} is not a whole number",
                path=path,
                field=where,
            )
        attributes["employees"] = int(employees)
    if "district" in attributes:
        attributes["district"] = str(attributes["district"]).strip()
    return attributes


def _weight(value: Any, path: Path, where: str) -> float:
    if value is None or str(value).strip() == "":
        return 1.0
    try:
        weight = float(value)
    except (TypeError, ValueError):
        weight = float("nan")
    if not math.isfinite(weight) or weight < 0:
        raise InputError(f"weight {value!r} is not a non-negative number", path=path, field=where)
    return weight


def _add_edge(graph: nx.DiGraph, source: Hashable, target: Hashable, weight: float) -> None:
    if graph.has_edge(source, target):
        graph[source][target]["weight"] += weight
    else:
        graph.add_edge(source, target, weight=weight)


def _read_csv_network(
    path: Path, nodes_path: Path, source_col: str, target_col: str, weight_col: str, id_col: str
) -> nx.DiGraph:
    node_table = _read_table(nodes_path)
    _require(node_table, [id_col, "type"], nodes_path)
    graph = nx.DiGraph()
    for line, row in enumerate(node_table.to_dict("records"), start=2):
        node = str(row.pop(id_col)).strip()
        where = f"line {line} (node {node!r})"
        if not node:
            raise InputError("a node has an empty id", path=nodes_path, field=f"line {line}")
        if node in graph:
            raise InputError("the node is listed twice", path=nodes_path, field=where)
        graph.add_node(node, **_node_attributes(row, nodes_path, where))
    edges = _read_table(path)
    _require(edges, [source_col, target_col], path)
    has_weight = weight_col in edges.columns
    for line, row in enumerate(edges.to_dict("records"), start=2):
        source, target = str(row[source_col]).strip(), str(row[target_col]).strip()
        for node in (source, target):
            if node not in graph:
                raise InputError(
                    f"node {node!r} is not in the node table {nodes_path.name}",
                    path=path,
                    field=f"line {line}",
                )
        weight = _weight(row[weight_col] if has_weight else None, path, f"line {line}")
        _add_edge(graph, source, target, weight)
    return graph


def _read_graphml(path: Path, weight_col: str) -> nx.DiGraph:
    data = path.read_bytes()
    safety.parse_xml(data, path=path)  # refuse entities and external references before networkx parses it
    try:
        parsed = nx.parse_graphml(data.decode("utf-8-sig"), node_type=str)
    except (nx.NetworkXError, ValueError, KeyError, UnicodeDecodeError) as error:
        raise InputError(f"not a readable GraphML file ({error})", path=path) from None
    graph = nx.DiGraph()
    for node, attributes in parsed.nodes(data=True):
        graph.add_node(node, **_node_attributes(dict(attributes), path, f"node {node!r}"))
    for source, target, attributes in parsed.edges(data=True):
        weight = _weight(attributes.get(weight_col), path, f"edge {source!r} -> {target!r}")
        _add_edge(graph, source, target, weight)
        if not parsed.is_directed():
            _add_edge(graph, target, source, weight)
    return graph


def node_table(
    graph: nx.Graph, attributes: tuple[str, ...] = ("type", "district", "size_class")
) -> pd.DataFrame:
    """Node attributes as a DataFrame indexed by node (missing attributes are NA)."""
    records = {node: {key: data.get(key) for key in attributes} for node, data in graph.nodes(data=True)}
    frame = pd.DataFrame.from_dict(records, orient="index", columns=list(attributes))
    frame.index.name = "node"
    return frame


def centralities(graph: nx.Graph, *, edge_semantics: str = "flow", weight: str = "weight") -> pd.DataFrame:
    """Degree, strength, betweenness, closeness and PageRank of every node.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph; undirected graphs count as symmetric digraphs.
    edge_semantics : {"flow", "nomination"}
        Orientation of ``graph``'s edges (see module docstring).
    weight : str
        Edge attribute for strengths and PageRank (1 where absent). Betweenness
        and closeness ignore weights: a knowledge weight is a strength, not a distance.

    Returns
    -------
    DataFrame
        Indexed by node: ``in_degree`` (sources of knowledge), ``out_degree``
        (recipients), ``in_strength``, ``out_strength``, ``betweenness``
        (normalised, directed), ``in_closeness`` (how near the others are as
        sources), ``out_closeness`` (how near as recipients), ``pagerank``.
    """
    flows = as_flow_graph(graph, edge_semantics)
    flows = flows.copy()
    flows.remove_edges_from(list(nx.selfloop_edges(flows)))
    frame = pd.DataFrame(
        {
            "in_degree": dict(flows.in_degree()),
            "out_degree": dict(flows.out_degree()),
            "in_strength": dict(flows.in_degree(weight=weight)),
            "out_strength": dict(flows.out_degree(weight=weight)),
            "betweenness": nx.betweenness_centrality(flows, normalized=True),
            "in_closeness": nx.closeness_centrality(flows),
            "out_closeness": nx.closeness_centrality(flows.reverse(copy=False)),
            "pagerank": nx.pagerank(flows, weight=weight) if flows.number_of_nodes() else {},
        },
        index=pd.Index(list(flows.nodes), name="node"),
    )
    return frame.astype({"in_degree": "int64", "out_degree": "int64"})
