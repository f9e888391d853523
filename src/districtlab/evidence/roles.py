"""Gatekeeper typologies: Giuliani and Bell's cognitive roles and Morrison's two conditions.

**Giuliani and Bell (2005)**, *Research Policy* 34(1):47-68, classify the actors
of a cluster on two axes. Locally, from the intra-cluster knowledge network:
actors that give more than they receive are *sources*, those that receive
more are *absorbers*, balanced ones *mutual exchangers*, and those without
local ties *isolated*. Externally, by their *openness*: links to knowledge
outside the cluster. Five cognitive roles combine the axes:

- ``technological_gatekeeper``: locally central (in- and out-degree above
  their thresholds) and open;
- ``active_mutual_exchanger``: locally central, not open;
- ``external_star``: open, not locally central;
- ``weakly_connected``: some local ties, not central, not open;
- ``isolated``: no local ties, not open.

Every threshold is a named parameter, defaulting to the mean over the
cluster's actors, and is recorded in the output next to the classification.

**Morrison (2008)**, *Regional Studies* 42(6):817-835, defines a gatekeeper by
two conditions that she found often fail separately: it receives knowledge
from outside the district, and it passes knowledge on to district actors.
:func:`morrison_gatekeepers` reports each condition on its own.

Which actors are outside the cluster is an explicit choice (``external``);
by default, nodes whose ``type`` attribute is ``"external"``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from districtlab.errors import InputError
from districtlab.evidence.networks import as_flow_graph

COGNITIVE_ROLES = (
    "technological_gatekeeper",
    "active_mutual_exchanger",
    "external_star",
    "weakly_connected",
    "isolated",
)
LOCAL_POSITIONS = ("source", "absorber", "mutual_exchanger", "isolated")

#: Default balance tolerance: in- and out-degree count as balanced when
#: ``|out - in| / (out + in)`` is at most this, i.e. a ratio between 2/3 and 3/2.
DEFAULT_BALANCE_TOLERANCE = 0.2


def external_nodes(graph: nx.Graph, external: Iterable[Hashable] | None = None) -> set[Hashable]:
    """The actors outside the cluster: ``external`` if given, else nodes with ``type == "external"``."""
    if external is not None:
        chosen = set(external)
        unknown = [node for node in chosen if node not in graph]
        if unknown:
            raise InputError(f"external node(s) not in the graph: {', '.join(map(repr, unknown[:5]))}")
        return chosen
    return {node for node, data in graph.nodes(data=True) if data.get("type") == "external"}


def _local_ties(flows: nx.DiGraph, outside: set[Hashable]) -> pd.DataFrame:
    """Distinct internal senders and recipients, and distinct external contacts, of internal nodes."""
    rows = {}
    for node in flows.nodes:
        if node in outside:
            continue
        senders = set(flows.predecessors(node)) - {node}
        recipients = set(flows.successors(node)) - {node}
        rows[node] = {
            "in_degree": len(senders - outside),
            "out_degree": len(recipients - outside),
            "external_sources": len(senders & outside),
            "external_recipients": len(recipients & outside),
            "external_contacts": len((senders | recipients) & outside),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index", dtype="int64")
    frame.index.name = "node"
    return frame


def cognitive_roles(
    graph: nx.Graph,
    *,
    edge_semantics: str = "flow",
    external: Iterable[Hashable] | None = None,
    openness: Mapping[Hashable, float] | None = None,
    in_threshold: float | None = None,
    out_threshold: float | None = None,
    openness_threshold: float | None = None,
    balance_tolerance: float = DEFAULT_BALANCE_TOLERANCE,
) -> pd.DataFrame:
    """Giuliani and Bell's cognitive roles of the cluster's actors.

    Parameters
    ----------
    graph : networkx.Graph
        Knowledge network including external actors, if any.
    edge_semantics : {"flow", "nomination"}
        Orientation of ``graph``'s edges.
    external : iterable, optional
        Actors outside the cluster (see :func:`external_nodes`). They are not
        classified; their links make up the default openness.
    openness : Mapping, optional
        External openness of every internal actor (e.g. a survey index). By
        default, the number of distinct external actors linked to it.
    in_threshold, out_threshold, openness_threshold : float, optional
        An actor is locally central when its internal in-degree exceeds
        ``in_threshold`` and its out-degree exceeds ``out_threshold``, and open
        when its openness exceeds ``openness_threshold``. Each defaults to the
        mean over internal actors.
    balance_tolerance : float
        In- and out-degree are balanced when ``|out - in| / (out + in)`` is at
        most this.

    Returns
    -------
    DataFrame
        Indexed by internal node: ``in_degree``, ``out_degree``, ``openness``,
        ``local_position`` (source, absorber, mutual_exchanger, isolated),
        ``locally_central``, ``open``, ``cognitive_role`` and the thresholds
        used: ``in_threshold``, ``out_threshold``, ``openness_threshold``,
        ``balance_tolerance``.
    """
    if not 0 <= balance_tolerance < 1:
        raise InputError(f"balance_tolerance must be in [0, 1), not {balance_tolerance}")
    flows = as_flow_graph(graph, edge_semantics)
    outside = external_nodes(flows, external)
    ties = _local_ties(flows, outside)
    if ties.empty:
        raise InputError("the network has no actors inside the cluster to classify")
    if openness is None:
        open_score = ties["external_contacts"].astype(float)
    else:
        missing = [node for node in ties.index if node not in openness]
        if missing:
            raise InputError(f"openness is missing for {', '.join(map(repr, missing[:5]))}")
        open_score = pd.Series({node: float(openness[node]) for node in ties.index}, dtype=float)
    thresholds = {
        "in_threshold": float(ties["in_degree"].mean()) if in_threshold is None else float(in_threshold),
        "out_threshold": float(ties["out_degree"].mean()) if out_threshold is None else float(out_threshold),
        "openness_threshold": float(open_score.mean())
        if openness_threshold is None
        else float(openness_threshold),
        "balance_tolerance": float(balance_tolerance),
    }
    given, received = ties["out_degree"].to_numpy(), ties["in_degree"].to_numpy()
    has_ties = (given + received) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        imbalance = np.where(has_ties, (given - received) / np.maximum(given + received, 1), 0.0)
    position = np.select(
        [~has_ties, imbalance > balance_tolerance, imbalance < -balance_tolerance],
        ["isolated", "source", "absorber"],
        "mutual_exchanger",
    )
    central = (received > thresholds["in_threshold"]) & (given > thresholds["out_threshold"])
    is_open = open_score.to_numpy() > thresholds["openness_threshold"]
    role = np.select(
        [central & is_open, central, is_open, has_ties],
        [
            "technological_gatekeeper",
            "active_mutual_exchanger",
            "external_star",
            "weakly_connected",
        ],
        "isolated",
    )
    frame = pd.DataFrame(
        {
            "in_degree": received,
            "out_degree": given,
            "openness": open_score.to_numpy(),
            "local_position": position,
            "locally_central": central,
            "open": is_open,
            "cognitive_role": role,
        },
        index=ties.index,
    )
    for name, value in thresholds.items():
        frame[name] = value
    frame.attrs["thresholds"] = thresholds
    return frame


def morrison_gatekeepers(
    graph: nx.Graph,
    *,
    edge_semantics: str = "flow",
    external: Iterable[Hashable] | None = None,
    min_external_sources: int = 1,
    min_internal_recipients: int = 1,
) -> pd.DataFrame:
    """Morrison's two gatekeeper conditions, reported separately for the cluster's actors.

    Parameters
    ----------
    min_external_sources : int
        Condition 1, ``receives_external``: knowledge arrives from at least this
        many distinct actors outside the cluster.
    min_internal_recipients : int
        Condition 2, ``diffuses_internally``: knowledge goes to at least this
        many distinct actors inside the cluster.

    Returns
    -------
    DataFrame
        Indexed by internal node: ``external_sources``, ``internal_recipients``,
        ``receives_external``, ``diffuses_internally``, ``gatekeeper`` (both),
        and the thresholds ``min_external_sources``, ``min_internal_recipients``.
    """
    if min_external_sources < 1 or min_internal_recipients < 1:
        raise InputError("Morrison's thresholds must be at least 1")
    flows = as_flow_graph(graph, edge_semantics)
    ties = _local_ties(flows, external_nodes(flows, external))
    if ties.empty:
        raise InputError("the network has no actors inside the cluster to classify")
    frame = pd.DataFrame(
        {
            "external_sources": ties["external_sources"],
            "internal_recipients": ties["out_degree"],
        }
    )
    frame["receives_external"] = frame["external_sources"] >= min_external_sources
    frame["diffuses_internally"] = frame["internal_recipients"] >= min_internal_recipients
    frame["gatekeeper"] = frame["receives_external"] & frame["diffuses_internally"]
    frame["min_external_sources"] = min_external_sources
    frame["min_internal_recipients"] = min_internal_recipients
    return frame


def roles_by_group(
    graph: nx.Graph,
    group_attr: str,
    *,
    edge_semantics: str = "flow",
    balance_tolerance: float = DEFAULT_BALANCE_TOLERANCE,
    min_internal_recipients: int = 1,
) -> pd.DataFrame:
    """Cognitive roles and Morrison's conditions within each group of a node attribute.

    Every value of ``group_attr`` (a district, a region, any label) is treated
    as a cluster of its own: the actors of the other groups are its outside
    world, so openness and "receives external knowledge" count ties across
    groups. No actor types are needed. Thresholds (means) are computed per group.

    Returns
    -------
    DataFrame
        Indexed by node: ``group`` and the columns of :func:`cognitive_roles`
        and :func:`morrison_gatekeepers` (without the repeated degrees).

    Raises
    ------
    InputError
        If a node lacks the attribute.
    """
    flows = as_flow_graph(graph, edge_semantics)
    labels = {}
    for node, data in flows.nodes(data=True):
        label = data.get(group_attr)
        if label is None or (isinstance(label, float) and np.isnan(label)):
            raise InputError(f"node {node!r} has no {group_attr!r} attribute to group by")
        labels[node] = label
    frames = []
    for label in dict.fromkeys(labels.values()):
        outside = [node for node, value in labels.items() if value != label]
        roles = cognitive_roles(flows, external=outside, balance_tolerance=balance_tolerance)
        morrison = morrison_gatekeepers(
            flows, external=outside, min_internal_recipients=min_internal_recipients
        ).drop(columns="internal_recipients")
        morrison = morrison.drop(columns=[column for column in morrison.columns if column in roles.columns])
        frames.append(roles.join(morrison).assign(group=label))
    table = pd.concat(frames) if frames else pd.DataFrame()
    return table[["group", *[column for column in table.columns if column != "group"]]]
