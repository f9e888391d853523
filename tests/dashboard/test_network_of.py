"""network_of: the simulated district's network as a graph, as the model built it."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from districtlab import network_of
from districtlab._rng import as_seed_sequence, run_streams
from districtlab.errors import InputError
from districtlab.evidence import ACTOR_TYPES, brokerage_roles
from districtlab.model.networks import build_networks
from districtlab.model.population import draw_firms
from districtlab.networks import actor_type, firm_id, network_sample
from districtlab.simulation import bass_scenario
from tests.conftest import small


def test_ties_are_the_models_ties_oriented_as_knowledge_flows() -> None:
    scenario = small("castellon-ceramics", firms=200)
    graph = network_of(scenario, rng=7)
    streams = run_streams(as_seed_sequence(7))
    firms = draw_firms(scenario.population, streams["population"])
    networks = build_networks(firms, scenario.networks, streams["network"])
    assert networks.weights is not None

    supply = networks.supply.tocoo()
    for buyer, seller in zip(supply.row, supply.col, strict=True):
        assert graph.edges[firm_id(buyer), firm_id(seller)]["kind"] == "supply"
    # The model's exposure weights are supply ties both ways plus peer ties; the graph keeps supply ties
    # in the direction knowledge flows (buyer to seller) and peer ties both ways, with their weights.
    supply_matrix = networks.supply.toarray()
    peer = networks.weights.toarray() - scenario.networks.supply_weight * (supply_matrix + supply_matrix.T)
    directed = scenario.networks.supply_weight * supply_matrix + np.where(
        peer > 1e-12, scenario.networks.peer_weight, 0.0
    )
    arcs = [(a, b, w) for a, b, w in graph.edges(data="weight") if graph.edges[a, b]["kind"] != "membership"]
    assert len(arcs) == int((directed > 0).sum())
    for a, b, w in arcs:
        assert w == pytest.approx(directed[int(a.split()[1]), int(b.split()[1])])
    assert any(kind == "peer" for _, _, kind in graph.edges(data="kind"))

    members = set(graph.successors(scenario.rti.name))
    assert members == {firm_id(i) for i in np.flatnonzero(firms.rti_member)}
    assert all(graph.edges[scenario.rti.name, m]["kind"] == "membership" for m in members)
    assert graph.graph["edge_semantics"] == "flow"


def test_nodes_carry_what_network_analysis_groups_by() -> None:
    scenario = small("toy-valley", firms=150)
    graph = network_of(scenario, rng=1)
    assert graph.number_of_nodes() == 150 + 2  # the firms, the RTI, the association
    for node, data in graph.nodes(data=True):
        assert data["type"] in ACTOR_TYPES
        assert data["district"] == scenario.district
        if node.startswith("firm"):
            assert data["type"] == actor_type(data["role"], data["size_class"])
            assert data["employees"] >= 1
            assert isinstance(data["rti_member"], bool)
    assert graph.nodes[scenario.rti.name]["type"] == "rti"


def test_same_seed_same_network_other_seed_other_network() -> None:
    scenario = small("vinalopo-footwear", firms=200)
    same = nx.utils.graphs_equal(network_of(scenario, rng=3), network_of(scenario, rng=3))
    assert same
    assert set(network_of(scenario, rng=3).edges) != set(network_of(scenario, rng=4).edges)


def test_brokerage_roles_run_on_a_simulated_district() -> None:
    graph = network_of(small("castellon-ceramics", firms=120), rng=2)
    roles = brokerage_roles(graph, "type")
    assert set(roles["group"]) == {"rti", "association", "lead_firm", "sme", "supplier"}
    assert roles["total"].sum() > 0
    # The RTI only sends to its members here: it brokers nothing.
    assert roles.loc["ITC", "total"] == 0


def test_actor_types_follow_role_and_size() -> None:
    assert actor_type("lead", "small") == "lead_firm"
    assert actor_type("subcontractor", "micro") == "sme"
    assert actor_type("producer", "large") == "lead_firm"
    assert actor_type("supplier", "medium") == "supplier"


def test_a_sample_keeps_the_collective_actors_and_the_leads() -> None:
    graph = network_of(small("vinalopo-footwear", firms=1000), rng=1)
    sample = network_sample(graph, firms=60, rng=1)
    firms = [n for n, d in sample.nodes(data=True) if "size_class" in d]
    assert len(firms) == 60
    assert sample.graph["firms_total"] == 1000
    assert {"rti", "association"} <= {d["type"] for _, d in sample.nodes(data=True)}
    leads = [n for n, d in graph.nodes(data=True) if d.get("role") == "lead"]
    assert set(leads[:60]) <= set(firms)
    assert nx.utils.graphs_equal(sample, network_sample(graph, firms=60, rng=1))


def test_a_complete_graph_is_refused_in_one_line() -> None:
    with pytest.raises(InputError, match="complete peer graph"):
        network_of(bass_scenario(p=0.01, q=0.3, n_firms=50, steps=5), rng=1)
