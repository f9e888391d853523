"""Networks from any source: Pajek, UCINET DL, any node attribute as the group, sampled measures."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.evidence import network_app
from districtlab.errors import InputError
from districtlab.evidence import brokerage_roles, centralities, read_knowledge_network
from districtlab.evidence.networks import read_ucinet_dl
from districtlab.evidence.roles import roles_by_group

runner = CliRunner()

PAJEK = """*Vertices 4
1 "Aitex"
2 "Firm A"
3 "Firm B"
4 "Firm C"
*Arcs
1 2 2
2 3 1
3 4 1
1 4 1
"""


def test_pajek_network_is_read_with_labels_and_weights(tmp_path: Path) -> None:
    path = tmp_path / "ties.net"
    path.write_text(PAJEK, encoding="utf-8")
    graph = read_knowledge_network(path, require_types=False)
    assert sorted(graph.nodes) == ["Aitex", "Firm A", "Firm B", "Firm C"]
    assert graph["Aitex"]["Firm A"]["weight"] == 2.0
    assert graph.number_of_edges() == 4
    with pytest.raises(InputError, match="carries no actor types"):
        read_knowledge_network(path)


def test_pajek_with_a_node_table_gets_types_and_districts(tmp_path: Path) -> None:
    path = tmp_path / "ties.net"
    path.write_text(PAJEK, encoding="utf-8")
    nodes = tmp_path / "actors.csv"
    pd.DataFrame(
        {
            "id": ["Aitex", "Firm A", "Firm B", "Firm C"],
            "type": ["rti", "lead_firm", "sme", "sme"],
            "district": ["Alcoi", "Alcoi", "Alcoi", "Ontinyent"],
        }
    ).to_csv(nodes, index=False)
    graph = read_knowledge_network(path, nodes=nodes)
    assert graph.nodes["Aitex"]["type"] == "rti"
    assert graph.nodes["Firm C"]["district"] == "Ontinyent"


@pytest.mark.parametrize(
    "text",
    [
        "dl n=3\nformat = fullmatrix\nlabels:\nA,B,C\ndata:\n0 1 0\n0 0 2\n1 0 0\n",
        "DL N=3 FORMAT=EDGELIST1\nlabels embedded\ndata:\nA B\nB C 2\nC A\n",
        "dl n = 3\nformat=fullmatrix\nlabels embedded\ndata:\n  A B C\nA 0 1 0\nB 0 0 2\nC 1 0 0\n",
        "dl n=3 format=nodelist1\nlabels:\nA B C\ndata:\n1 2\n2 3 3\n3 1\n",
    ],
)
def test_ucinet_dl_layouts_give_the_same_network(tmp_path: Path, text: str) -> None:
    path = tmp_path / "ties.dl"
    path.write_text(text, encoding="utf-8")
    graph = read_ucinet_dl(path)
    assert sorted(graph.edges) == [("A", "B"), ("B", "C"), ("C", "A")]
    assert graph["B"]["C"]["weight"] == 2.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dl nr=2 nc=3\ndata:\n1 0 1\n0 1 1\n", "two-mode"),
        ("dl n=2 nm=2\ndata:\n0 1 1 0 0 1 1 0\n", "several matrices"),
        ("dl n=2\ndata:\n0 1 1\n", r"not n\*n"),
        ("dl n=2 format=edgelist1\ndata:\n1 5\n", "not a node number"),
        ("dl n=3 format=linked\ndata:\n", "not supported"),
        ("hello\n", "not a UCINET DL file"),
    ],
)
def test_broken_dl_files_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.dl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        read_knowledge_network(path, require_types=False)
    assert "\n" not in str(error.value)


def _district_network(tmp_path: Path) -> tuple[Path, Path]:
    edges = tmp_path / "ties.csv"
    pd.DataFrame(
        {
            "source": ["a1", "a2", "a2", "b1", "b2", "a1"],
            "target": ["a2", "a3", "b1", "b2", "b3", "a3"],
        }
    ).to_csv(edges, index=False)
    nodes = tmp_path / "actors.csv"
    pd.DataFrame(
        {
            "id": ["a1", "a2", "a3", "b1", "b2", "b3"],
            "district": ["A", "A", "A", "B", "B", "B"],
        }
    ).to_csv(nodes, index=False)
    return edges, nodes


def test_brokerage_groups_by_any_attribute_without_actor_types(tmp_path: Path) -> None:
    edges, nodes = _district_network(tmp_path)
    result = runner.invoke(
        network_app, ["brokerage", str(edges), "--nodes", str(nodes), "--group", "district"]
    )
    assert result.exit_code == 0, result.output
    graph = read_knowledge_network(edges, nodes=nodes, require_types=False)
    table = brokerage_roles(graph, "district")
    # a2 passes a1's knowledge to b1 in the other district: a representative brokerage.
    assert table.loc["a2", "representative"] == 1
    # b1 passes a2's knowledge on to b2 in its own district: a gatekeeper brokerage.
    assert table.loc["b1", "gatekeeper"] == 1


def test_roles_within_each_group(tmp_path: Path) -> None:
    edges, nodes = _district_network(tmp_path)
    graph = read_knowledge_network(edges, nodes=nodes, require_types=False)
    table = roles_by_group(graph, "district")
    assert table.loc["a2", "group"] == "A"
    assert table.loc["b1", "receives_external"]  # from a2, outside district B
    assert table.loc["b1", "gatekeeper"]  # and passes it to b2
    assert not table.loc["a1", "receives_external"]
    out = tmp_path / "roles.csv"
    result = runner.invoke(
        network_app, ["roles", str(edges), "--nodes", str(nodes), "--group", "district", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out).set_index("node")
    assert written.loc["b1", "gatekeeper"]
    missing = runner.invoke(network_app, ["roles", str(edges), "--nodes", str(nodes)])
    assert missing.exit_code == 2
    assert "type" in missing.stderr


def test_sampled_measures_approximate_the_exact_ones_and_repeat_with_the_seed() -> None:
    graph = nx.gnp_random_graph(300, 0.03, seed=7, directed=True)
    exact = centralities(graph)
    calls: list[tuple[int, int]] = []
    sampled = centralities(
        graph, exact_max_nodes=100, pivots=150, seed=3, progress=lambda d, t: calls.append((d, t))
    )
    again = centralities(graph, exact_max_nodes=100, pivots=150, seed=3)
    assert exact.attrs["centrality_method"] == "exact"
    assert "150 sampled source nodes" in sampled.attrs["centrality_method"]
    pd.testing.assert_frame_equal(sampled, again)
    for column in ("betweenness", "in_closeness", "out_closeness"):
        assert np.corrcoef(exact[column], sampled[column])[0, 1] > 0.85, column
        assert sampled[column].mean() == pytest.approx(exact[column].mean(), rel=0.1), column
    assert calls[-1] == (150, 150)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_with_every_node_a_pivot_the_estimates_are_networkx_exact_values() -> None:
    from districtlab.evidence.networks import _sampled_path_measures

    graph = nx.gnp_random_graph(120, 0.04, seed=11, directed=True)
    betweenness, in_closeness, out_closeness = _sampled_path_measures(graph, 120, 0, None)
    exact = (
        nx.betweenness_centrality(graph),
        nx.closeness_centrality(graph),
        nx.closeness_centrality(graph.reverse()),
    )
    for estimate, truth in zip((betweenness, in_closeness, out_closeness), exact, strict=True):
        assert estimate == pytest.approx(truth, abs=1e-12)


def test_roles_on_a_big_network_says_it_samples(tmp_path: Path) -> None:
    graph = nx.gnp_random_graph(60, 0.05, seed=1, directed=True)
    edges = tmp_path / "big.csv"
    pd.DataFrame([{"source": f"n{a}", "target": f"n{b}"} for a, b in graph.edges]).to_csv(edges, index=False)
    nodes = tmp_path / "nodes.csv"
    pd.DataFrame({"id": [f"n{i}" for i in graph.nodes], "district": ["A", "B"] * 30}).to_csv(
        nodes, index=False
    )
    result = runner.invoke(
        network_app,
        [
            "roles",
            str(edges),
            "--nodes",
            str(nodes),
            "--group",
            "district",
            "--exact-max-nodes",
            "20",
            "--pivots",
            "10",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "estimated from 10 sampled source nodes" in result.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty.net", "\x00\x01\x02"),
        ("huge.dl", "dl n=1000000000 format=edgelist1\ndata:\n1 2\n"),
        ("ties.csv", "source,target\n"),
    ],
)
def test_empty_or_hostile_networks_are_one_line(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(network_app, ["brokerage", str(path), "--group", "type"])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
