"""Gould and Fernandez (1989) brokerage roles, with the null model of R's ``sna``.

For every ordered triple of distinct actors ``a -> v -> b`` where ``a`` does not
send to ``b`` directly, the broker ``v`` gets one brokerage in exactly one role
given by the groups ``G`` of the three actors (Gould and Fernandez 1989,
*Sociological Methodology* 19:89-126):

==============  ===========================  =====================
role            sna name                     groups
==============  ===========================  =====================
coordinator     w_I                          G(a) = G(v) = G(b)
itinerant       w_O                          G(a) = G(b) != G(v)
representative  b_IO                         G(a) = G(v) != G(b)
gatekeeper      b_OI                         G(a) != G(v) = G(b)
liaison         b_O                          all three differ
==============  ===========================  =====================

Conventions follow ``sna::brokerage`` (Butts): only the arc ``a -> b`` is
checked (a reciprocal ``b -> a`` does not stop brokerage), self-loops are
ignored, and when several brokers link the same pair each gets full credit
(``credit="full"``); UCINET's alternative gives each of ``k`` brokers ``1/k``
(``credit="split"``). z-scores use sna's analytic null model, in which every
arc is present independently with the graph's density ``d``; sna's help warns
that their normality is not known, so :func:`brokerage_permutation_test` also
offers a conditional uniform graph test that keeps the number of arcs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from districtlab._rng import RNGLike
from districtlab.errors import InputError
from districtlab.evidence.networks import as_flow_graph

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
CREDITS = ("full", "split")


def _groups(graph: nx.DiGraph, group_attr: str) -> tuple[list[Hashable], np.ndarray]:
    nodes = list(graph.nodes)
    labels = []
    for node in nodes:
        label = graph.nodes[node].get(group_attr)
        if label is None or (isinstance(label, float) and np.isnan(label)):
            raise InputError(f"node {node!r} has no {group_attr!r} attribute to group by")
        labels.append(label)
    codes, _ = pd.factorize(pd.Series(labels, dtype=object))
    return nodes, codes.astype(np.int64)


def _adjacency(graph: nx.DiGraph, nodes: list[Hashable]) -> sparse.csr_array:
    """Boolean arcs without self-loops, sparse: memory grows with the arcs, not with nodes squared."""
    if not nodes:
        return sparse.csr_array((0, 0), dtype=bool)
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, dtype=bool, format="csr")
    adjacency.setdiag(False)
    adjacency.eliminate_zeros()
    return adjacency


def brokerage_counts(
    adjacency: np.ndarray | sparse.sparray,
    groups: np.ndarray,
    *,
    credit: str = "full",
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Raw brokerage counts from a boolean adjacency matrix (pure computation).

    Parameters
    ----------
    adjacency : ndarray or scipy sparse array of bool, shape (n, n)
        ``adjacency[a, b]`` is true when knowledge flows from ``a`` to ``b``; the
        diagonal is ignored.
    groups : ndarray of int, shape (n,)
        Group code of every node.
    credit : {"full", "split"}
        Each broker of a pair counts 1, or ``1/k`` when ``k`` brokers link it.
    progress : callable, optional
        Called as ``progress(done, total)`` every thousand brokers.

    Returns
    -------
    ndarray, shape (n, 5)
        Counts in the order of :data:`ROLES`.
    """
    if credit not in CREDITS:
        raise InputError(f"credit must be 'full' or 'split', not {credit!r}")
    # Sparse rows (who each node sends to) and columns (who sends to it): the work is one
    # senders x receivers block per broker, so large sparse networks fit in memory.
    arcs = sparse.csr_array(adjacency, dtype=bool)
    arcs.setdiag(False)
    arcs.eliminate_zeros()
    incoming = arcs.T.tocsr()
    two_paths = (arcs.astype(np.int64) @ arcs.astype(np.int64)).tocsr() if credit == "split" else None
    size = arcs.shape[0]
    counts = np.zeros((size, len(ROLES)))
    column_of = np.full(size, -1, dtype=np.int64)  # receiver -> its column in the current block
    for broker in range(size):
        if progress is not None and broker % 1000 == 0:
            progress(broker, size)
        senders = incoming.indices[incoming.indptr[broker] : incoming.indptr[broker + 1]]
        receivers = arcs.indices[arcs.indptr[broker] : arcs.indptr[broker + 1]]
        if senders.size == 0 or receivers.size == 0:
            continue
        column_of[receivers] = np.arange(receivers.size)
        direct = _block(arcs, senders, column_of, receivers.size).astype(bool)
        open_path = ~direct & (senders[:, None] != receivers[None, :])
        weight = open_path.astype(float)
        if two_paths is not None:
            brokers = _block(two_paths, senders, column_of, receivers.size)
            weight = np.divide(weight, brokers, out=weight, where=open_path)
        column_of[receivers] = -1
        source_group = groups[senders][:, None]
        target_group = groups[receivers][None, :]
        own = groups[broker]
        same_ends = source_group == target_group
        source_inside = source_group == own
        target_inside = target_group == own
        role_masks = (
            source_inside & target_inside,
            same_ends & ~source_inside,
            source_inside & ~target_inside,
            ~source_inside & target_inside,
            ~source_inside & ~target_inside & ~same_ends,
        )
        counts[broker] = [float((weight * mask).sum()) for mask in role_masks]
    if progress is not None:
        progress(size, size)
    return counts


def _block(matrix: sparse.csr_array, rows: np.ndarray, column_of: np.ndarray, width: int) -> np.ndarray:
    """The dense block ``matrix[rows][:, columns]``, where ``column_of`` maps a column to its place or -1.

    Gathers the rows' stored entries in one vectorised step (scipy's fancy
    indexing costs about a millisecond per call, too slow once per broker).
    """
    starts, ends = matrix.indptr[rows], matrix.indptr[rows + 1]
    lengths = ends - starts
    block = np.zeros((rows.size, width), dtype=matrix.data.dtype)
    total = int(lengths.sum())
    if total == 0:
        return block
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    columns = column_of[matrix.indices[offsets]]
    keep = columns >= 0
    block[np.repeat(np.arange(rows.size), lengths)[keep], columns[keep]] = matrix.data[offsets][keep]
    return block


def brokerage_null_moments(group_sizes: np.ndarray, arcs: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected value and variance of each role count for a broker in each group (sna's model).

    Parameters
    ----------
    group_sizes : ndarray of int, shape (g,)
        Number of nodes in each group.
    arcs : int
        Number of arcs (without self-loops), which sets the density
        ``d = arcs / (N (N - 1))``.

    Returns
    -------
    expected, variance : ndarray, shape (g, 6)
        Moments of the five roles and the total, for a broker in each group.
    """
    n = np.asarray(group_sizes, dtype=float)
    total = n.sum()
    density = arcs / (total * (total - 1)) if total > 1 else 0.0
    p = density**2 * (1 - density)  # chance that a given triple is an open two-path
    q = density**3 * (1 - density) ** 3

    def pairs(x: np.ndarray | float) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.where(x >= 2, x * (x - 1) / 2, 0.0)

    expected = np.zeros((n.size, 6))
    variance = np.zeros((n.size, 6))
    for i, own in enumerate(n):
        others = np.delete(n, i)
        outside = total - own
        expected[i, 0] = p * (own - 1) * (own - 2)
        variance[i, 0] = expected[i, 0] * (1 - p) + 2 * (own - 1) * (own - 2) * (own - 3) * q
        expected[i, 1] = p * np.sum(others * (others - 1))
        variance[i, 1] = expected[i, 1] * (1 - p) + 2 * np.sum(others * (others - 1) * (others - 2)) * q
        expected[i, 2] = p * outside * (own - 1)
        variance[i, 2] = (
            expected[i, 2] * (1 - p) + 2 * ((own - 1) * pairs(outside) + outside * pairs(own - 1)) * q
        )
        expected[i, 3], variance[i, 3] = expected[i, 2], variance[i, 2]
        expected[i, 4] = p * (others.sum() ** 2 - np.sum(others**2))
        variance[i, 4] = expected[i, 4] * (1 - p) + 4 * np.sum(others * pairs(total - others - own)) * q
        expected[i, 5] = p * (total - 1) * (total - 2)
        variance[i, 5] = expected[i, 5] * (1 - p) + 2 * (total - 1) * (total - 2) * (total - 3) * q
    return expected, variance


def brokerage_roles(
    graph: nx.Graph,
    group_attr: str,
    *,
    edge_semantics: str = "flow",
    credit: str = "full",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Gould-Fernandez brokerage role counts and z-scores of every node.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph whose nodes carry ``group_attr``; undirected graphs count as
        symmetric digraphs (so each brokerage is counted in both directions).
    group_attr : str
        Node attribute that defines the groups (e.g. ``"type"`` or ``"district"``).
    edge_semantics : {"flow", "nomination"}
        Orientation of ``graph``'s edges; nominations are reversed into flows.
    credit : {"full", "split"}
        sna's full credit for every broker, or UCINET's ``1/k`` for ``k`` brokers.
    progress : callable, optional
        Called as ``progress(done, total)`` while brokers are counted.

    Returns
    -------
    DataFrame
        Indexed by node: ``group``, the counts ``coordinator, itinerant,
        representative, gatekeeper, liaison, total`` and ``z_<role>`` for each
        of them (sna's null model; NaN where its variance is 0, and for
        ``credit="split"``, which that model does not describe).

    Raises
    ------
    InputError
        If a node lacks ``group_attr``, or for an unknown option.
    """
    flows = as_flow_graph(graph, edge_semantics)
    nodes, groups = _groups(flows, group_attr)
    adjacency = _adjacency(flows, nodes)
    counts = brokerage_counts(adjacency, groups, credit=credit, progress=progress)
    raw = np.column_stack([counts, counts.sum(axis=1)])
    columns = [*ROLES, "total"]
    if credit == "full" and nodes:
        expected, variance = brokerage_null_moments(np.bincount(groups), int(adjacency.sum()))
        mean, var = expected[groups], variance[groups]
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(var > 0, (raw - mean) / np.sqrt(np.where(var > 0, var, 1.0)), np.nan)
    else:
        z = np.full(raw.shape, np.nan)
    frame = pd.DataFrame(raw, columns=columns, index=pd.Index(nodes, name="node"))
    frame = pd.concat(
        [frame, pd.DataFrame(z, columns=[f"z_{c}" for c in columns], index=frame.index)], axis=1
    )
    frame.insert(0, "group", [flows.nodes[node][group_attr] for node in nodes])
    return frame


def brokerage_permutation_test(
    graph: nx.Graph,
    group_attr: str,
    *,
    draws: int = 1000,
    edge_semantics: str = "flow",
    credit: str = "full",
    rng: RNGLike = None,
) -> pd.DataFrame:
    """Conditional uniform graph test of brokerage: random digraphs with the same arcs count.

    Each draw places the observed number of arcs uniformly at random among the
    ``N (N - 1)`` possible ones, keeping nodes and their groups, and counts
    brokerage again. The p-value of a role for a node is
    ``(1 + #{draws with count >= observed}) / (draws + 1)``.

    Returns
    -------
    DataFrame
        Indexed by node: ``group`` and ``p_<role>`` for the five roles and the total.
    """
    if draws < 1:
        raise InputError(f"draws must be at least 1, not {draws}")
    generator = np.random.default_rng(rng)
    flows = as_flow_graph(graph, edge_semantics)
    nodes, groups = _groups(flows, group_attr)
    adjacency = _adjacency(flows, nodes)
    size, arcs = len(nodes), int(adjacency.sum())
    observed = _with_total(brokerage_counts(adjacency, groups, credit=credit))
    off_diagonal = np.flatnonzero(~np.eye(size, dtype=bool))
    exceed = np.zeros_like(observed)
    for _ in range(draws):
        simulated = np.zeros(size * size, dtype=bool)
        simulated[generator.choice(off_diagonal, size=arcs, replace=False)] = True
        counts = _with_total(brokerage_counts(simulated.reshape(size, size), groups, credit=credit))
        exceed += counts >= observed - 1e-9
    columns = [f"p_{c}" for c in (*ROLES, "total")]
    frame = pd.DataFrame((1 + exceed) / (draws + 1), columns=columns, index=pd.Index(nodes, name="node"))
    frame.insert(0, "group", [flows.nodes[node][group_attr] for node in nodes])
    return frame


def _with_total(counts: np.ndarray) -> np.ndarray:
    return np.column_stack([counts, counts.sum(axis=1)])


def group_summary(roles: pd.DataFrame) -> pd.DataFrame:
    """Mean brokerage counts by group, from a :func:`brokerage_roles` table."""
    columns: list[Any] = [*ROLES, "total"]
    return roles.groupby("group")[columns].mean()
