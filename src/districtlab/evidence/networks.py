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
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csgraph

from districtlab._rng import RNGLike, as_seed_sequence
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


#: Network file formats :func:`read_knowledge_network` recognises, for messages.
NETWORK_FORMATS = "CSV edge list (with a node table), GraphML, Pajek .net, UCINET DL (.dl)"


def read_knowledge_network(
    path: str | Path,
    *,
    edge_semantics: str = "flow",
    nodes: str | Path | None = None,
    source_col: str = "source",
    target_col: str = "target",
    weight_col: str = "weight",
    id_col: str = "id",
    require_types: bool = True,
) -> nx.DiGraph:
    """Read a knowledge network from a CSV edge list plus node table, GraphML, Pajek or UCINET DL.

    Parameters
    ----------
    path : str or Path
        A CSV edge list (columns ``source_col``, ``target_col`` and optionally
        ``weight_col``), a GraphML file whose nodes carry the attributes, a
        Pajek ``.net`` file (read with :func:`networkx.read_pajek`; node
        labels become ids) or a UCINET DL file (``.dl``; read by
        :func:`read_ucinet_dl`, since networkx has no DL reader). Pajek and
        DL files carry no actor types: give a node table (``nodes``) or
        ``require_types=False``.
    edge_semantics : {"flow", "nomination"}
        What an edge in the file means; nominations are reversed into flows.
    nodes : str or Path, optional
        For a CSV edge list, the node table: ``id_col``, ``type`` and optionally
        ``district``, ``size_class``, ``employees`` and any other columns (kept
        as attributes). Nodes in the table without edges are kept as isolates.
        For GraphML, Pajek and DL files, a node table adds its columns to the
        nodes the file names.
    source_col, target_col, weight_col, id_col : str
        Column names.
    require_types : bool
        Whether every node must have an actor ``type`` (needed for the
        Giuliani-Bell and Morrison defaults and the observed-network scenario).
        With False, nodes may have no type or any other attribute, e.g. to
        group brokerage by ``district``; a CSV edge list then needs no node table.

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
    kind = _network_kind(path)
    node_path = None if nodes is None else Path(nodes)
    if kind == "csv":
        if node_path is None and require_types:
            raise InputError(
                f"a CSV edge list needs a node table with '{id_col}' and 'type' columns (nodes=...)",
                path=path,
            )
        graph = _read_csv_network(path, node_path, source_col, target_col, weight_col, id_col, require_types)
    else:
        if kind == "graphml":
            graph = _read_graphml(path, weight_col, require_types and node_path is None)
        elif kind == "pajek":
            graph = _read_pajek(path, weight_col)
        else:
            graph = read_ucinet_dl(path)
        if node_path is not None:
            _add_node_table(graph, node_path, id_col, require_types)
        elif require_types and kind != "graphml":
            raise InputError(
                f"a {kind} file carries no actor types: give a node table with '{id_col}' and 'type' "
                "columns (--nodes), or group by another attribute",
                path=path,
            )
    if graph.number_of_nodes() == 0:
        raise InputError("the network has no actors", path=path)
    if edge_semantics == "nomination":
        graph = graph.reverse(copy=True)
    graph.graph.update({"edge_semantics": "flow", "read_as": edge_semantics, "source": str(path)})
    return graph


def _network_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".net", ".paj", ".pajek"):
        return "pajek"
    if suffix == ".dl":
        return "dl"
    if _is_xml(path):
        return "graphml"
    with path.open("rb") as handle:
        head = handle.read(256).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"*vertices") or head.startswith(b"*network"):
        return "pajek"
    if head.startswith(b"dl ") or head.startswith(b"dl\n") or head.startswith(b"dl\r"):
        return "dl"
    return "csv"


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


def _node_attributes(
    raw: dict[str, Any], path: Path, where: str, require_types: bool = True
) -> dict[str, Any]:
    """Validated node attributes: ``type`` normalised, ``size_class`` and ``employees`` checked.

    Without ``require_types`` a node may lack a type, and a type that is not
    one of :data:`ACTOR_TYPES` is kept as written (it is then just a label).
    """
    attributes = {key: value for key, value in raw.items() if value is not None and str(value).strip() != ""}
    actor_type = normalise_actor_type(attributes.get("type"))
    if actor_type is None and require_types:
        given = attributes.get("type")
        problem = "has no actor type" if given is None else f"has the unknown actor type {given!r}"
        raise InputError(f"{problem}; expected one of {', '.join(ACTOR_TYPES)}", path=path, field=where)
    if actor_type is not None:
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


def _read_node_table(nodes_path: Path, id_col: str, require_types: bool) -> dict[str, dict[str, Any]]:
    node_table = _read_table(nodes_path)
    _require(node_table, [id_col, "type"] if require_types else [id_col], nodes_path)
    attributes: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(node_table.to_dict("records"), start=2):
        node = str(row.pop(id_col)).strip()
        where = f"line {line} (node {node!r})"
        if not node:
            raise InputError("a node has an empty id", path=nodes_path, field=f"line {line}")
        if node in attributes:
            raise InputError("the node is listed twice", path=nodes_path, field=where)
        attributes[node] = _node_attributes(row, nodes_path, where, require_types)
    return attributes


def _add_node_table(graph: nx.DiGraph, nodes_path: Path, id_col: str, require_types: bool) -> None:
    """Add a node table's columns to the nodes of a graph read from a file without them."""
    table = _read_node_table(nodes_path, id_col, require_types)
    missing = [node for node in graph.nodes if node not in table]
    if missing and require_types:
        raise InputError(
            f"node {missing[0]!r} of the network is not in the node table {nodes_path.name}", path=nodes_path
        )
    for node, attributes in table.items():
        graph.add_node(node, **attributes)


def _read_csv_network(
    path: Path,
    nodes_path: Path | None,
    source_col: str,
    target_col: str,
    weight_col: str,
    id_col: str,
    require_types: bool = True,
) -> nx.DiGraph:
    graph = nx.DiGraph()
    if nodes_path is not None:
        for node, attributes in _read_node_table(nodes_path, id_col, require_types).items():
            graph.add_node(node, **attributes)
    edges = _read_table(path)
    _require(edges, [source_col, target_col], path)
    # Column-wise checks (millions of ties are read in seconds); the first bad line is reported.
    sources, targets = edges[source_col].str.strip(), edges[target_col].str.strip()
    lines = pd.RangeIndex(2, len(edges) + 2)
    empty = ((sources == "") | (targets == "")).to_numpy()
    if empty.any():
        raise InputError("an edge names an empty node", path=path, field=f"line {lines[empty.argmax()]}")
    if nodes_path is not None:
        for column in (sources, targets):
            unknown = (~column.isin(graph.nodes)).to_numpy()
            if unknown.any():
                first = int(unknown.argmax())
                raise InputError(
                    f"node {column.iloc[first]!r} is not in the node table {nodes_path.name}",
                    path=path,
                    field=f"line {lines[first]}",
                )
    if weight_col in edges.columns:
        given = edges[weight_col].str.strip()
        weights = pd.to_numeric(given.where(given != "", "1"), errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(weights) | (weights < 0)
        if bad.any():
            first = int(bad.argmax())
            _weight(given.iloc[first], path, f"line {lines[first]}")  # raises with the value as written
    else:
        weights = np.ones(len(edges))
    summed = (
        pd.DataFrame({"source": sources.to_numpy(), "target": targets.to_numpy(), "weight": weights})
        .groupby(["source", "target"], sort=False)["weight"]
        .sum()
    )
    graph.add_edges_from(
        (source, target, {"weight": float(weight)}) for (source, target), weight in summed.items()
    )
    return graph


def _read_pajek(path: Path, weight_col: str) -> nx.DiGraph:
    try:
        parsed = nx.read_pajek(path)
    except (nx.NetworkXError, ValueError, KeyError, IndexError, UnicodeDecodeError, TypeError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InputError(f"not a readable Pajek .net file ({reason})", path=path) from None
    graph = nx.DiGraph()
    for node, attributes in parsed.nodes(data=True):
        kept = {key: value for key, value in attributes.items() if key not in ("id", "x", "y", "shape")}
        graph.add_node(str(node), **kept)
    for source, target, attributes in parsed.edges(data=True):
        weight = _weight(attributes.get(weight_col), path, f"edge {source!r} -> {target!r}")
        _add_edge(graph, str(source), str(target), weight)
        if not parsed.is_directed():
            _add_edge(graph, str(target), str(source), weight)
    return graph


#: A DL header may claim at most this many nodes: the reader creates every one of them,
#: so a hostile ``n=1000000000`` would exhaust memory before any data is read.
MAX_DL_NODES = 5_000_000


def read_ucinet_dl(path: str | Path) -> nx.DiGraph:
    """Read a one-mode UCINET DL file: ``fullmatrix``, ``edgelist1`` or ``nodelist1`` format.

    Hand-written because networkx has no DL reader. Supported: ``dl n=N``
    (``n = N`` too), ``format = fullmatrix | edgelist1 | nodelist1`` (default
    fullmatrix), labels in a ``labels:`` section or ``labels embedded``, and a
    ``data:`` section; numbers are edge weights (0 means no tie in a matrix).
    Two-mode (``nr``/``nc``) and multi-matrix (``nm`` > 1) files are refused
    in one line, as is anything else the reader does not understand.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"a DL file must be UTF-8 text (byte {error.start})", path=path) from None
    header, _, data = _split_dl(text, path)
    settings = dict(re.findall(r"(?i)\b(n|nm|nr|nc|format)\s*=\s*([\w.]+)", header))
    settings = {key.lower(): value.lower() for key, value in settings.items()}
    if "nr" in settings or "nc" in settings:
        raise InputError("two-mode DL files (nr=, nc=) are not supported; give a one-mode network", path=path)
    if settings.get("nm", "1") != "1":
        raise InputError("DL files with several matrices (nm > 1) are not supported", path=path)
    if "n" not in settings or not settings["n"].isdigit() or int(settings["n"]) < 1:
        raise InputError("the DL header lacks a positive node count (n=...)", path=path)
    size = int(settings["n"])
    if size > MAX_DL_NODES:
        raise InputError(
            f"the DL header claims {size:,} nodes, more than the limit of {MAX_DL_NODES:,}", path=path
        )
    layout = settings.get("format", "fullmatrix")
    if layout not in ("fullmatrix", "edgelist1", "nodelist1"):
        raise InputError(
            f"DL format {layout!r} is not supported (fullmatrix, edgelist1, nodelist1)", path=path
        )
    embedded = re.search(r"(?i)labels\s+embedded", header) is not None
    labels_match = re.search(r"(?is)labels\s*:\s*(.*)$", header)
    labels = (
        [label.strip().strip('"') for label in re.split(r"[,\s]+", labels_match.group(1)) if label.strip()]
        if labels_match
        else []
    )
    if labels and len(labels) != size:
        raise InputError(f"the DL file lists {len(labels)} labels for n={size} nodes", path=path)
    graph = nx.DiGraph()
    rows = [line.split() for line in data.replace(",", " ").splitlines() if line.strip()]
    if layout == "fullmatrix":
        names = labels or [str(number) for number in range(1, size + 1)]
        if embedded:
            names = [name.strip('"') for name in rows[0]] if rows else []
            rows = [row[1:] for row in rows[1:]]
            if len(names) != size:
                raise InputError(f"the DL matrix has {len(names)} column labels for n={size}", path=path)
        values = [value for row in rows for value in row]
        if len(values) != size * size:
            raise InputError(f"the DL matrix holds {len(values)} values, not n*n = {size * size}", path=path)
        graph.add_nodes_from(names)
        for index, value in enumerate(values):
            weight = _weight(value, path, f"matrix cell {index // size + 1},{index % size + 1}")
            if weight > 0:
                _add_edge(graph, names[index // size], names[index % size], weight)
        return graph
    names = labels or [str(number) for number in range(1, size + 1)]
    if not embedded:
        graph.add_nodes_from(names)

    def node(token: str, line: int) -> str:
        token = token.strip('"')
        if embedded:
            graph.add_node(token)
            return token
        if not token.isdigit() or not 1 <= int(token) <= size:
            raise InputError(
                f"DL data line {line}: {token!r} is not a node number from 1 to {size}", path=path
            )
        return names[int(token) - 1]

    for line, row in enumerate(rows, start=1):
        if layout == "edgelist1":
            if len(row) not in (2, 3):
                raise InputError(f"DL data line {line}: an edge is 'from to [weight]'", path=path)
            weight = _weight(row[2] if len(row) == 3 else None, path, f"DL data line {line}")
            _add_edge(graph, node(row[0], line), node(row[1], line), weight)
        else:
            origin = node(row[0], line)
            for target in row[1:]:
                _add_edge(graph, origin, node(target, line), 1.0)
    if embedded and graph.number_of_nodes() > size:
        raise InputError(f"the DL data name {graph.number_of_nodes()} nodes for n={size}", path=path)
    return graph


def _split_dl(text: str, path: Path) -> tuple[str, str, str]:
    """The header (before ``data:``), the separator and the data of a DL file."""
    parts = re.split(r"(?im)^\s*data\s*:\s*", text, maxsplit=1)
    if len(parts) != 2 or not re.match(r"(?i)\s*dl\b", parts[0]):
        raise InputError("not a UCINET DL file (expected 'dl n=...' and a 'data:' section)", path=path)
    return parts[0], "data:", parts[1]


def _read_graphml(path: Path, weight_col: str, require_types: bool = True) -> nx.DiGraph:
    data = path.read_bytes()
    safety.parse_xml(data, path=path)  # refuse entities and external references before networkx parses it
    try:
        parsed = nx.parse_graphml(data.decode("utf-8-sig"), node_type=str)
    except (nx.NetworkXError, ValueError, KeyError, UnicodeDecodeError) as error:
        raise InputError(f"not a readable GraphML file ({error})", path=path) from None
    graph = nx.DiGraph()
    for node, attributes in parsed.nodes(data=True):
        graph.add_node(node, **_node_attributes(dict(attributes), path, f"node {node!r}", require_types))
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


#: Up to this many nodes, betweenness and closeness are exact (networkx; Brandes,
#: one search per node). Above it they are estimated from :data:`DEFAULT_PIVOTS`
#: sampled source nodes (Brandes and Pich 2007 for betweenness, as networkx's
#: ``k``; Eppstein and Wang 2004 for closeness), because exact values on millions
#: of ties take hours: ASSUMPTION, 2,000 nodes keeps the exact path to seconds,
#: and district surveys have a few hundred actors.
EXACT_MAX_NODES = 2_000

#: Sampled source nodes for the approximations above :data:`EXACT_MAX_NODES`.
DEFAULT_PIVOTS = 64

ProgressCallback = Callable[[int, int], None]


def centralities(
    graph: nx.Graph,
    *,
    edge_semantics: str = "flow",
    weight: str = "weight",
    exact_max_nodes: int = EXACT_MAX_NODES,
    pivots: int = DEFAULT_PIVOTS,
    seed: RNGLike = 0,
    progress: ProgressCallback | None = None,
) -> pd.DataFrame:
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
    exact_max_nodes : int
        Above this many nodes, betweenness and closeness are estimated from
        ``pivots`` sampled source nodes instead of computed exactly.
    pivots : int
        Sampled source nodes for the estimates.
    seed : int, SeedSequence or Generator
        Chooses the pivots (through :mod:`districtlab._rng`); recorded in the result.
    progress : callable, optional
        Called as ``progress(done, total)`` while the estimates run.

    Returns
    -------
    DataFrame
        Indexed by node: ``in_degree`` (sources of knowledge), ``out_degree``
        (recipients), ``in_strength``, ``out_strength``, ``betweenness``
        (normalised, directed), ``in_closeness`` (how near the others are as
        sources), ``out_closeness`` (how near as recipients), ``pagerank``.
        ``frame.attrs["centrality_method"]`` says ``"exact"`` or, for
        estimates, the number of pivots and the seed.
    """
    flows = as_flow_graph(graph, edge_semantics)
    flows = flows.copy()
    flows.remove_edges_from(list(nx.selfloop_edges(flows)))
    n = flows.number_of_nodes()
    if n > exact_max_nodes and pivots < n:
        sampled = _sampled_path_measures(flows, pivots, seed, progress)
        betweenness, in_closeness, out_closeness = sampled
        method = (
            f"estimated from {pivots} sampled source nodes (seed {seed}); exact up to {exact_max_nodes} nodes"
        )
    else:
        betweenness = nx.betweenness_centrality(flows, normalized=True)
        in_closeness = nx.closeness_centrality(flows)
        out_closeness = nx.closeness_centrality(flows.reverse(copy=False))
        method = "exact"
    frame = pd.DataFrame(
        {
            "in_degree": dict(flows.in_degree()),
            "out_degree": dict(flows.out_degree()),
            "in_strength": dict(flows.in_degree(weight=weight)),
            "out_strength": dict(flows.out_degree(weight=weight)),
            "betweenness": betweenness,
            "in_closeness": in_closeness,
            "out_closeness": out_closeness,
            "pagerank": nx.pagerank(flows, weight=weight) if n else {},
        },
        index=pd.Index(list(flows.nodes), name="node"),
    )
    frame = frame.astype({"in_degree": "int64", "out_degree": "int64"})
    frame.attrs["centrality_method"] = method
    return frame


def _sampled_path_measures(
    flows: nx.DiGraph, pivots: int, seed: RNGLike, progress: ProgressCallback | None
) -> tuple[dict[Hashable, float], dict[Hashable, float], dict[Hashable, float]]:
    """Betweenness and closeness estimated from ``pivots`` source nodes.

    Betweenness: Brandes' dependencies accumulated from the pivots (Brandes and
    Pich 2007), scaled by ``n / pivots`` and normalised as networkx's
    ``betweenness_centrality(k=pivots)``. Closeness: distances from the pivots
    stand for distances from everyone (Eppstein and Wang 2004); a node's
    estimate is the share of the other pivots that reach it over their mean
    distance, networkx's Wasserman-Faust form. With every node a pivot both are
    exact (a test checks this against networkx).

    Hand-written on scipy's breadth-first search (:func:`scipy.sparse.csgraph.shortest_path`)
    and numpy, level by level, because networkx's pure-Python searches take hours
    on millions of ties and no well-kept library installed here samples sources.
    """
    nodes = list(flows.nodes)
    n = len(nodes)
    generator = np.random.default_rng(as_seed_sequence(seed))
    chosen = generator.choice(n, size=pivots, replace=False)
    arcs = nx.to_scipy_sparse_array(flows, nodelist=nodes, weight=None, dtype=bool, format="csr")
    source, target = arcs.nonzero()
    backwards = arcs.T.tocsr()
    betweenness = np.zeros(n)
    reached_in, distance_in = np.zeros(n), np.zeros(n)
    reached_out, distance_out = np.zeros(n), np.zeros(n)
    for done, pivot in enumerate(chosen, start=1):
        forward = csgraph.shortest_path(arcs, directed=True, unweighted=True, indices=int(pivot))
        betweenness += _dependencies(forward, source, target, int(pivot), n)
        _add_distances(forward, int(pivot), reached_in, distance_in)
        backward = csgraph.shortest_path(backwards, directed=True, unweighted=True, indices=int(pivot))
        _add_distances(backward, int(pivot), reached_out, distance_out)
        if progress is not None:
            progress(done, pivots)
    scale = (n / pivots) / ((n - 1) * (n - 2)) if n > 2 else 0.0
    is_pivot = np.zeros(n)
    is_pivot[chosen] = 1.0
    others = pivots - is_pivot  # the pivots that could reach a node (never itself)

    def closeness(reached: np.ndarray, distance: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(others > 0, reached / np.where(others > 0, others, 1), 0.0)
            return np.where(reached > 0, share * reached / np.where(distance > 0, distance, 1), 0.0)

    return (
        dict(zip(nodes, (betweenness * scale).tolist(), strict=True)),
        dict(zip(nodes, closeness(reached_in, distance_in).tolist(), strict=True)),
        dict(zip(nodes, closeness(reached_out, distance_out).tolist(), strict=True)),
    )


def _dependencies(
    distance: np.ndarray, source: np.ndarray, target: np.ndarray, pivot: int, n: int
) -> np.ndarray:
    """Brandes' dependency of every node on the shortest paths from ``pivot`` (unweighted, directed)."""
    reachable = np.isfinite(distance)
    tight = reachable[source] & (distance[target] == distance[source] + 1)
    tight_source, tight_target = source[tight], target[tight]
    level = distance[tight_source].astype(np.int64)
    order = np.argsort(level, kind="stable")
    tight_source, tight_target, level = tight_source[order], tight_target[order], level[order]
    bounds = np.searchsorted(level, np.arange(level.max() + 2 if level.size else 1))
    paths = np.zeros(n)
    paths[pivot] = 1.0
    for depth in range(len(bounds) - 1):  # shortest-path counts, level by level outwards
        edges = slice(bounds[depth], bounds[depth + 1])
        paths += np.bincount(tight_target[edges], weights=paths[tight_source[edges]], minlength=n)
    dependency = np.zeros(n)
    for depth in range(len(bounds) - 2, -1, -1):  # dependencies, level by level inwards
        edges = slice(bounds[depth], bounds[depth + 1])
        heads, tails = tight_source[edges], tight_target[edges]
        share = paths[heads] / paths[tails] * (1.0 + dependency[tails])
        dependency += np.bincount(heads, weights=share, minlength=n)
    dependency[pivot] = 0.0
    return dependency


def _add_distances(distance: np.ndarray, pivot: int, reached: np.ndarray, total: np.ndarray) -> None:
    hit = np.isfinite(distance)
    hit[pivot] = False
    reached[hit] += 1
    total[hit] += distance[hit]
