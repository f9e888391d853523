"""A simulated district's knowledge network as a networkx graph: for pictures and network analysis.

The model keeps its networks as sparse matrices and never exports them;
:func:`network_of` draws the firms and ties of a scenario with the same random
streams as :func:`districtlab.simulate`, so ``network_of(s, rng=seed)`` is the
network of ``simulate(s, rng=seed)``, and returns them as a directed graph of
knowledge flows, the orientation :mod:`districtlab.evidence` expects:

* supply ties run from the buyer to its supplier (the two-step flow: buyers pass
  what they know down their supply chains), kind ``"supply"``;
* peer ties run both ways, kind ``"peer"``;
* the RTI (and the association, when the district has one) sends to its
  members, kind ``"membership"``.

A pair tied both by supply and as peers has one arc per direction: its weight is
the sum of the tie weights in that direction, its kind the first of supply, peer.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from districtlab._rng import RNGLike, as_seed_sequence, run_streams
from districtlab.config import ROLES, SIZE_CLASSES, Scenario
from districtlab.errors import InputError
from districtlab.model.networks import build_networks
from districtlab.model.population import draw_firms
from districtlab.results import SME_CLASSES

#: Actor type (as in :data:`districtlab.evidence.ACTOR_TYPES`) of a firm by its model role. Producers and
#: subcontractors are SMEs when micro or small (:data:`districtlab.results.SME_CLASSES`); medium and large
#: ones are counted with the leading firms, the study's other kind of district firm.
ROLE_TYPES = {
    "lead": "lead_firm",
    "producer": "sme",
    "subcontractor": "sme",
    "supplier": "supplier",
    "tech_supplier": "supplier",
}
#: Ties a picture or an analysis can tell apart (edge attribute ``kind``).
TIE_KINDS = ("supply", "peer", "membership")


def actor_type(role: str, size_class: str) -> str:
    """The actor type of a firm of ``role`` and ``size_class``.

    >>> actor_type("producer", "small"), actor_type("producer", "medium"), actor_type("tech_supplier", "micro")
    ('sme', 'lead_firm', 'supplier')
    """
    kind = ROLE_TYPES[role]
    if kind == "sme" and size_class not in SME_CLASSES:
        return "lead_firm"
    return kind


def firm_id(index: int) -> str:
    """Node name of the firm in model row ``index``."""
    return f"firm {index:05d}"


def network_of(scenario: Scenario, *, rng: RNGLike = None) -> nx.DiGraph:
    """The knowledge network of one draw of ``scenario``'s district.

    Parameters
    ----------
    scenario
        Any scenario whose peers are drawn (``networks.peer_kind`` ``"random"``
        or ``"none"``).
    rng
        Seed, as for :func:`districtlab.simulate`; the same seed gives the
        network of that run.

    Returns
    -------
    networkx.DiGraph
        Firms are nodes ``"firm 00000"``, ... with ``type`` (``lead_firm``,
        ``sme`` or ``supplier``), ``row`` (the firm's row in the model's arrays,
        as in :class:`~districtlab.results.FirmAdoption`), ``role``, ``size_class``, ``district``,
        ``employees``, ``rti_member`` and ``association_member``. The RTI and the
        association are nodes named after them with ``type`` ``"rti"`` and
        ``"association"`` (and no ``size_class``). Edges carry ``weight`` and
        ``kind`` (:data:`TIE_KINDS`); ``graph.graph`` records the district, the
        seed and ``edge_semantics="flow"``.

    Raises
    ------
    InputError
        For a complete peer graph (every pair tied: nothing to draw or analyse).
    """
    if scenario.networks.peer_kind == "complete":
        raise InputError("a complete peer graph ties every pair of firms; there is no network to draw")
    seed = as_seed_sequence(rng)
    streams = run_streams(seed)  # the run's own streams: same firms and ties as simulate(scenario, rng=seed)
    observed = scenario.networks.observed
    firms = draw_firms(scenario.population, streams["population"], observed=observed)
    networks = build_networks(firms, scenario.networks, streams["network"])
    names = [f.id for f in observed.firms] if observed is not None else [firm_id(i) for i in range(firms.n)]
    district = scenario.district

    graph = nx.DiGraph(
        district=district,
        scenario=scenario.name,
        seed_entropy=seed.entropy,
        seed_spawn_key=tuple(int(k) for k in seed.spawn_key),
        edge_semantics="flow",
    )
    for index in range(firms.n):
        role = ROLES[firms.role[index]]
        size_class = SIZE_CLASSES[firms.size_class[index]]
        graph.add_node(
            names[index],
            type=actor_type(role, size_class),
            row=index,
            role=role,
            size_class=size_class,
            district=district,
            employees=float(firms.employees[index]),
            rti_member=bool(firms.rti_member[index]),
            association_member=bool(firms.association_member[index]),
        )

    assert networks.supply_strength is not None
    assert networks.peer is not None
    supply = networks.supply_strength.tocoo()
    for buyer, seller, strength in zip(
        supply.row.tolist(), supply.col.tolist(), supply.data.tolist(), strict=True
    ):
        _add_tie(graph, names[buyer], names[seller], scenario.networks.supply_weight * strength, "supply")
    peer = networks.peer.tocoo()
    for a, b, strength in zip(peer.row.tolist(), peer.col.tolist(), peer.data.tolist(), strict=True):
        _add_tie(graph, names[a], names[b], scenario.networks.peer_weight * strength, "peer")

    collectives: list[tuple[str, str, np.ndarray, float | None]] = []
    if scenario.rti.enabled:
        collectives.append((scenario.rti.name, "rti", firms.rti_member, scenario.rti.staff_fte))
    if scenario.association.enabled:
        collectives.append((scenario.association.name, "association", firms.association_member, None))
    for name, kind, members, staff in collectives:
        graph.add_node(name, type=kind, role=kind, district=district, staff_fte=staff)
        for index in np.flatnonzero(members).tolist():
            graph.add_edge(name, names[index], weight=1.0, kind="membership")
    return graph


def _add_tie(graph: nx.DiGraph, source: str, target: str, weight: float, kind: str) -> None:
    if graph.has_edge(source, target):
        graph.edges[source, target]["weight"] += weight
    else:
        graph.add_edge(source, target, weight=weight, kind=kind)


def network_sample(graph: nx.DiGraph, *, firms: int = 120, rng: RNGLike = None) -> nx.DiGraph:
    """A readable part of a district network: its collective actors, its leads and the firms around them.

    Keeps every node that is not a firm (the RTI, the association) and every
    firm whose model role is ``lead`` (up to ``firms``), then snowballs: firms
    tied to those kept by supply or peer ties, ring after ring, each ring in a
    random order, until ``firms`` firms are kept (a random sample of the rest
    fills up a district whose rings run out). A uniform sample of a sparse
    district would show scattered dots; the rings show who the leads reach.
    Returns the induced subgraph, with ``graph.graph["firms_total"]`` the number
    of firms it was drawn from.
    """
    generator = np.random.default_rng(as_seed_sequence(rng))
    firm_nodes = [node for node, data in graph.nodes(data=True) if "size_class" in data]
    is_firm = set(firm_nodes)
    collectives = [node for node in graph.nodes if node not in is_firm]
    kept = [node for node in firm_nodes if graph.nodes[node]["role"] == "lead"][:firms]
    seen = set(kept)
    ring = list(kept)
    while ring and len(kept) < firms:
        neighbours = sorted(
            {
                other
                for node in ring
                for other in (*graph.successors(node), *graph.predecessors(node))
                if other in is_firm and other not in seen
            }
        )
        order = generator.permutation(len(neighbours))
        ring = [neighbours[i] for i in order[: firms - len(kept)].tolist()]
        kept.extend(ring)
        seen.update(ring)
    if len(kept) < firms:
        rest = [node for node in firm_nodes if node not in seen]
        picked = generator.choice(len(rest), size=min(firms - len(kept), len(rest)), replace=False)
        kept.extend(rest[i] for i in sorted(picked.tolist()))
    # Built node by node in this order: a subgraph view would iterate a set, whose order changes from
    # process to process with string hashing, and a spring layout depends on the order of the nodes.
    keep = [*collectives, *kept]
    kept_set = set(keep)
    sample = nx.DiGraph(**graph.graph)
    sample.add_nodes_from((node, graph.nodes[node]) for node in keep)
    sample.add_edges_from((a, b, data) for a, b, data in graph.out_edges(keep, data=True) if b in kept_set)
    sample.graph["firms_total"] = len(firm_nodes)
    return sample


__all__ = ["ROLE_TYPES", "TIE_KINDS", "actor_type", "firm_id", "network_of", "network_sample"]
