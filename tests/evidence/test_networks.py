"""Knowledge networks: reading with actor attributes, edge orientation, brokerage, roles, centralities."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from districtlab.errors import InputError
from districtlab.evidence import (
    brokerage_permutation_test,
    brokerage_roles,
    centralities,
    cognitive_roles,
    morrison_gatekeepers,
    read_knowledge_network,
)
from districtlab.evidence.brokerage import brokerage_null_moments

ROLE_COLUMNS = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total"]


def t1() -> nx.DiGraph:
    """Test vector T1 (Gould & Fernandez 1989 brokerage, as R sna 2.7-2 counts it): A, B in group 1; C, D in group 2."""
    graph = nx.DiGraph()
    graph.add_nodes_from([("A", {"g": 1}), ("B", {"g": 1}), ("C", {"g": 2}), ("D", {"g": 2})])
    graph.add_edges_from([("A", "B"), ("A", "C"), ("B", "C"), ("B", "D"), ("C", "D"), ("D", "A")])
    return graph


def test_t1_raw_counts() -> None:
    roles = brokerage_roles(t1(), "g")
    assert roles.loc["A", ROLE_COLUMNS].tolist() == [0, 1, 0, 1, 0, 2]
    assert roles.loc["B", ROLE_COLUMNS].tolist() == [0, 0, 1, 0, 0, 1]
    assert roles.loc["C", ROLE_COLUMNS].tolist() == [0, 0, 0, 1, 0, 1]
    assert roles.loc["D", ROLE_COLUMNS].tolist() == [0, 1, 1, 0, 0, 2]
    assert roles["group"].tolist() == [1, 1, 2, 2]


def test_t1_null_model_moments_and_z_scores() -> None:
    expected, variance = brokerage_null_moments(np.array([2, 2]), arcs=6)
    for group in range(2):
        assert expected[group] == pytest.approx([0, 0.25, 0.25, 0.25, 0, 0.75])
        assert np.sqrt(variance[group]).round(4).tolist() == [0, 0.4677, 0.5, 0.5, 0, 0.9186]
    z = brokerage_roles(t1(), "g").loc["A", [f"z_{role}" for role in ROLE_COLUMNS]].to_numpy(dtype=float)
    assert math.isnan(z[0])
    assert math.isnan(z[4])
    assert z[[1, 2, 3, 5]].round(4).tolist() == [1.6036, -0.5, 1.5, 1.3608]
    # Exactly the formulas: z_itinerant(A) = (1 - 1/4) / sqrt(7/32).
    assert z[1] == pytest.approx(0.75 / math.sqrt(7 / 32), abs=1e-12)


def test_split_credit_shares_a_pair_among_its_brokers() -> None:
    # a reaches b through v1 and v2; a also reaches c only through v1.
    graph = nx.DiGraph([("a", "v1"), ("a", "v2"), ("v1", "b"), ("v2", "b"), ("v1", "c")])
    nx.set_node_attributes(graph, "same", "g")
    full = brokerage_roles(graph, "g")
    split = brokerage_roles(graph, "g", credit="split")
    assert full.loc[["v1", "v2"], "coordinator"].tolist() == [2, 1]
    assert split.loc[["v1", "v2"], "coordinator"].tolist() == [1.5, 0.5]
    assert split.filter(like="z_").isna().all().all()


def test_a_direct_arc_closes_the_path_but_a_reciprocal_one_does_not() -> None:
    graph = nx.DiGraph([("a", "v"), ("v", "b"), ("b", "a")])
    nx.set_node_attributes(graph, 1, "g")
    assert brokerage_roles(graph, "g").loc["v", "total"] == 1
    graph.add_edge("a", "b")
    assert brokerage_roles(graph, "g").loc["v", "total"] == 0


def test_undirected_graphs_count_each_brokerage_both_ways() -> None:
    graph = nx.Graph([("a", "v"), ("v", "b")])
    nx.set_node_attributes(graph, {"a": 1, "v": 1, "b": 1}, "g")
    assert brokerage_roles(graph, "g").loc["v", "coordinator"] == 2


def test_nomination_reversal_swaps_gatekeeper_and_representative() -> None:
    # Knowledge flows from an outside firm x through the RTI r to a district SME s.
    # Survey nominations are the reverse: s asks r for advice, r asks x.
    nominations = nx.DiGraph([("s", "r"), ("r", "x")])
    nx.set_node_attributes(nominations, {"s": "district", "r": "district", "x": "outside"}, "where")
    as_flows = brokerage_roles(nominations, "where", edge_semantics="nomination")
    assert as_flows.loc["r", "gatekeeper"] == 1
    assert as_flows.loc["r", "representative"] == 0
    misread = brokerage_roles(nominations, "where", edge_semantics="flow")
    assert misread.loc["r", "representative"] == 1
    assert misread.loc["r", "gatekeeper"] == 0


def test_brokerage_needs_the_group_attribute_on_every_node() -> None:
    graph = t1()
    del graph.nodes["C"]["g"]
    with pytest.raises(InputError, match="node 'C' has no 'g' attribute"):
        brokerage_roles(graph, "g")
    with pytest.raises(InputError, match="credit must be"):
        brokerage_roles(t1(), "g", credit="half")


def test_permutation_test_is_reproducible_and_bounded() -> None:
    first = brokerage_permutation_test(t1(), "g", draws=99, rng=7)
    again = brokerage_permutation_test(t1(), "g", draws=99, rng=np.random.default_rng(7))
    pd.testing.assert_frame_equal(first, again)
    p = first.filter(like="p_").to_numpy()
    assert ((p > 0) & (p <= 1)).all()
    # No random graph with 6 arcs has a coordinator in groups of two: every draw ties the observed 0.
    assert (first["p_coordinator"] == 1.0).all()


# ----------------------------------------------------------------------------- reading


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def survey(tmp_path: Path) -> tuple[Path, Path]:
    nodes = write(
        tmp_path / "actors.csv",
        "id,type,district,size_class,employees\n"
        "AIJU,RTI,Toy Valley,,\nLeader,Lead-Firm,Toy Valley,large,400\nSME1, sme ,Toy Valley,small,20\n"
        "Council,Policy maker,Toy Valley,,\nVendor,external,,,\nLonely,supplier,Toy Valley,micro,3\n",
    )
    edges = write(
        tmp_path / "advice.csv",
        "source,target,weight\nSME1,AIJU,2\nSME1,Leader,\nLeader,AIJU,1\nAIJU,Vendor,1\nSME1,AIJU,1\n",
    )
    return edges, nodes


def test_read_csv_network_normalises_types_and_reverses_nominations(survey) -> None:
    edges, nodes = survey
    graph = read_knowledge_network(edges, nodes=nodes, edge_semantics="nomination")
    assert graph.nodes["Leader"] == {
        "type": "lead_firm",
        "district": "Toy Valley",
        "size_class": "large",
        "employees": 400,
    }
    assert graph.nodes["Council"]["type"] == "policymaker"
    assert graph.nodes["SME1"]["type"] == "sme"
    assert "Lonely" in graph
    assert graph.degree("Lonely") == 0
    # "SME1 asks AIJU" (twice, weights 2 and 1) is knowledge flowing AIJU -> SME1 with weight 3.
    assert graph["AIJU"]["SME1"]["weight"] == 3.0
    assert graph["Leader"]["SME1"]["weight"] == 1.0
    assert not graph.has_edge("SME1", "AIJU")
    assert graph.graph["edge_semantics"] == "flow"
    assert graph.graph["read_as"] == "nomination"
    with pytest.raises(InputError, match="already holds knowledge flows"):
        brokerage_roles(graph, "type", edge_semantics="nomination")


@pytest.mark.parametrize(
    ("nodes_text", "edges_text", "where", "message"),
    [
        (
            "id,type\nA,bank\nB,sme\n",
            "source,target\nA,B\n",
            "actors.csv: line 2 (node 'A')",
            "unknown actor type 'bank'",
        ),
        (
            "id,type\nA,rti\nB,sme\n",
            "source,target\nA,B\nA,C\n",
            "advice.csv: line 3",
            "node 'C' is not in the node table",
        ),
        (
            "id,type\nA,rti\nB,sme\n",
            "source,target,weight\nA,B,lots\n",
            "advice.csv: line 2",
            "weight 'lots'",
        ),
        (
            "id,type,size_class\nA,rti,\nB,sme,huge\n",
            "source,target\nA,B\n",
            "line 3 (node 'B')",
            "size_class 'huge'",
        ),
        ("id,kind\nA,rti\n", "source,target\nA,A\n", "actors.csv", "missing column(s) type"),
        ("id,type\nA,rti\n", "from,to\nA,A\n", "advice.csv", "missing column(s) source, target"),
    ],
)
def test_bad_network_files_name_file_and_line(tmp_path, nodes_text, edges_text, where, message) -> None:
    nodes = write(tmp_path / "actors.csv", nodes_text)
    edges = write(tmp_path / "advice.csv", edges_text)
    with pytest.raises(InputError) as error:
        read_knowledge_network(edges, nodes=nodes)
    assert where in str(error.value)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_read_graphml_with_attributes(tmp_path: Path) -> None:
    original = nx.DiGraph()
    original.add_node("r", type="RTI", district="Castellón")
    original.add_node("f", type="lead firm", district="Castellón")
    original.add_edge("r", "f", weight=2.5)
    path = tmp_path / "net.graphml"
    nx.write_graphml(original, path)
    graph = read_knowledge_network(path)
    assert graph.nodes["f"]["type"] == "lead_firm"
    assert graph["r"]["f"]["weight"] == 2.5
    undirected = tmp_path / "undirected.graphml"
    nx.write_graphml(nx.Graph(original), undirected)
    assert read_knowledge_network(undirected).has_edge("f", "r")


def test_graphml_entities_are_refused(tmp_path: Path) -> None:
    hostile = write(
        tmp_path / "net.graphml",
        '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
        '<node id="&x;"/></graph></graphml>',
    )
    with pytest.raises(InputError, match="external entity 'x'"):
        read_knowledge_network(hostile)


def test_csv_edges_without_node_table_are_refused(survey) -> None:
    edges, _ = survey
    with pytest.raises(InputError, match="needs a node table"):
        read_knowledge_network(edges)


# ----------------------------------------------------------------------------- roles


def archetypes() -> nx.DiGraph:
    """One cluster actor per Giuliani and Bell role, plus two external sources."""
    graph = nx.DiGraph()
    for node in ("gk", "a1", "a2", "a3", "star", "weak", "iso"):
        graph.add_node(node, type="sme")
    graph.add_nodes_from(["e1", "e2"], type="external")
    core = ["gk", "a1", "a2", "a3"]
    graph.add_edges_from((u, v) for u in core for v in core if u != v)
    graph.add_edges_from([("e1", "gk"), ("e2", "gk"), ("e1", "star"), ("e2", "star"), ("star", "weak")])
    return graph


def test_giuliani_bell_one_archetype_per_role() -> None:
    roles = cognitive_roles(archetypes())
    assert roles["cognitive_role"].to_dict() == {
        "gk": "technological_gatekeeper",
        "a1": "active_mutual_exchanger",
        "a2": "active_mutual_exchanger",
        "a3": "active_mutual_exchanger",
        "star": "external_star",
        "weak": "weakly_connected",
        "iso": "isolated",
    }
    assert roles.loc[["gk", "star", "weak", "iso"], "local_position"].tolist() == [
        "mutual_exchanger",
        "source",
        "absorber",
        "isolated",
    ]
    # Thresholds are the means over the seven cluster actors, and are recorded with the result.
    assert roles["in_threshold"].iloc[0] == pytest.approx(13 / 7)
    assert roles["out_threshold"].iloc[0] == pytest.approx(13 / 7)
    assert roles["openness_threshold"].iloc[0] == pytest.approx(4 / 7)
    assert roles.attrs["thresholds"]["balance_tolerance"] == 0.2


def test_giuliani_bell_thresholds_and_openness_can_be_given() -> None:
    roles = cognitive_roles(
        archetypes(),
        in_threshold=3,
        openness={n: 0.0 for n in archetypes() if not n.startswith("e")},
    )
    assert set(roles["cognitive_role"]) == {"weakly_connected", "isolated"}
    assert (roles["in_threshold"] == 3).all()


def test_morrison_conditions_are_reported_separately() -> None:
    table = morrison_gatekeepers(archetypes(), min_internal_recipients=2)
    assert table.loc["gk", ["receives_external", "diffuses_internally", "gatekeeper"]].tolist() == [
        True,
        True,
        True,
    ]
    assert table.loc["star", ["receives_external", "diffuses_internally", "gatekeeper"]].tolist() == [
        True,
        False,
        False,
    ]
    assert table.loc["a1", ["receives_external", "diffuses_internally", "gatekeeper"]].tolist() == [
        False,
        True,
        False,
    ]
    assert (table["min_internal_recipients"] == 2).all()
    assert (table["min_external_sources"] == 1).all()
    explicit = morrison_gatekeepers(archetypes(), external=["e1"])
    assert explicit.loc["gk", "external_sources"] == 1
    assert "e2" in explicit.index


def test_functions_run_on_a_model_generated_district() -> None:
    # Shaped like the simulation's graphs: attributes type, role, size_class, district; no weights.
    rng = np.random.default_rng(3)
    graph = nx.gnm_random_graph(60, 240, seed=3, directed=True)
    types = rng.choice(
        ["sme", "lead_firm", "supplier", "rti", "external"], size=60, p=[0.6, 0.1, 0.15, 0.05, 0.1]
    )
    for node in graph.nodes:
        graph.nodes[node].update(
            type=str(types[node]), role="producer", size_class="small", district="Toy Valley"
        )
    by_type = brokerage_roles(graph, "type")
    assert len(by_type) == 60
    assert (by_type["total"] >= by_type[ROLE_COLUMNS[:-1]].sum(axis=1) - 1e-9).all()
    assert by_type["total"].sum() > 0
    assert len(cognitive_roles(graph)) == int((types != "external").sum())
    assert morrison_gatekeepers(graph)["gatekeeper"].dtype == bool
    table = centralities(graph)
    assert table["in_degree"].sum() == graph.number_of_edges()
    assert table["pagerank"].sum() == pytest.approx(1.0)


def test_centralities_follow_edge_semantics() -> None:
    nominations = nx.DiGraph([("s1", "r"), ("s2", "r")])
    flows = centralities(nominations, edge_semantics="nomination")
    assert flows.loc["r", "out_degree"] == 2
    assert flows.loc["r", "in_degree"] == 0
