"""An observed knowledge network becomes the model's firms and ties (issue 4, item 7)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import districtlab
from districtlab._rng import run_streams
from districtlab.errors import InputError
from districtlab.evidence import read_knowledge_network, scenario_with_observed_network
from districtlab.model.networks import build_networks
from districtlab.model.population import draw_firms

NODES = """id,type,district,size_class,employees
ITC,rti,Castellón,,
ASCER,association,Castellón,,
Porcelanosa,lead_firm,Castellón,large,
Pamesa,lead_firm,Castellón,,900
Frita,supplier,Castellón,medium,
Esmalt,supplier,Castellón,,
Tiles1,sme,Castellón,small,
Tiles2,sme,Castellón,micro,
Regional agency,policymaker,Castellón,,
"""
# "asks advice from": the target gives advice to the source (nomination semantics reverse it)
EDGES = """source,target,weight
Porcelanosa,ITC,1
Pamesa,ITC,1
Tiles1,ITC,1
Frita,Porcelanosa,2
Esmalt,Pamesa,1
Tiles1,Porcelanosa,1
Tiles2,Tiles1,1
Tiles1,ASCER,1
Porcelanosa,Regional agency,1
"""


@pytest.fixture
def observed_graph(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "nodes.csv").write_text(NODES)
    (tmp_path / "edges.csv").write_text(EDGES)
    return read_knowledge_network(
        tmp_path / "edges.csv", nodes=tmp_path / "nodes.csv", edge_semantics="nomination"
    )


def test_firms_roles_sizes_and_memberships_come_from_the_network(observed_graph) -> None:  # type: ignore[no-untyped-def]
    scenario = scenario_with_observed_network(
        districtlab.load_scenario("castellon-ceramics"), observed_graph, source="survey.csv"
    )
    observed = scenario.networks.observed
    assert observed is not None
    firms = {f.id: f for f in observed.firms}
    assert set(firms) == {
        "Porcelanosa",
        "Pamesa",
        "Frita",
        "Esmalt",
        "Tiles1",
        "Tiles2",
    }  # RTI, association, agency are not firms
    assert firms["Porcelanosa"].role == "lead"
    assert firms["Porcelanosa"].rti_member
    assert firms["Pamesa"].size_class == "large"
    assert firms["Pamesa"].employees == 900
    assert firms["Esmalt"].size_class == "small"  # default for suppliers without size
    assert firms["Tiles1"].association_member
    assert firms["Tiles1"].rti_member
    assert not firms["Tiles2"].rti_member
    kinds = {(observed.firms[t.source].id, observed.firms[t.target].id): t.kind for t in observed.ties}
    # advice flows from the asked to the asker: Porcelanosa -> Frita is a lead-to-supplier (supply) tie
    assert kinds[("Porcelanosa", "Frita")] == "supply"
    assert kinds[("Tiles1", "Tiles2")] == "peer"
    assert scenario.n_firms == 6


def test_the_model_runs_on_exactly_the_observed_ties(observed_graph) -> None:  # type: ignore[no-untyped-def]
    scenario = scenario_with_observed_network(districtlab.load_scenario("castellon-ceramics"), observed_graph)
    observed = scenario.networks.observed
    assert observed is not None
    streams = run_streams(np.random.SeedSequence(1))
    firms = draw_firms(scenario.population, streams["population"], observed=observed)
    networks = build_networks(firms, scenario.networks, streams["network"])
    index = {f.id: i for i, f in enumerate(observed.firms)}
    supply = {(int(b), int(s)) for b, s in zip(*networks.supply.nonzero(), strict=True)}
    assert supply == {(index["Porcelanosa"], index["Frita"]), (index["Pamesa"], index["Esmalt"])}
    assert networks.weights is not None
    weights = networks.weights.toarray()
    np.testing.assert_array_equal(weights, weights.T)
    assert weights[index["Porcelanosa"], index["Frita"]] == scenario.networks.supply_weight * 2.0
    assert weights[index["Tiles1"], index["Tiles2"]] == scenario.networks.peer_weight
    assert firms.employees[index["Pamesa"]] == 900
    result = districtlab.simulate(scenario, rng=2)
    assert result.n_firms == 6
    assert result.observations.firms_by_group.sum() == 6


def test_an_observed_network_cannot_be_rescaled(observed_graph) -> None:  # type: ignore[no-untyped-def]
    scenario = scenario_with_observed_network(districtlab.load_scenario("toy-valley"), observed_graph)
    with pytest.raises(ValueError, match="cannot be rescaled"):
        scenario.with_firms(100)


def test_a_network_without_firms_is_refused() -> None:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_node("AIJU", type="rti")
    graph.add_node("Agency", type="policymaker")
    graph.add_edge("AIJU", "Agency")
    with pytest.raises(InputError, match="fewer than two firms"):
        scenario_with_observed_network(districtlab.load_scenario("toy-valley"), graph)


def test_observed_scenario_round_trips_through_toml(observed_graph, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from districtlab.io import load_scenario_file, save_scenario

    scenario = scenario_with_observed_network(districtlab.load_scenario("vinalopo-footwear"), observed_graph)
    assert load_scenario_file(save_scenario(scenario, tmp_path / "observed.toml")) == scenario


def test_network_scenario_command_writes_a_runnable_scenario(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from districtlab.cli.main import app

    (tmp_path / "nodes.csv").write_text(NODES)
    (tmp_path / "edges.csv").write_text(EDGES)
    out = tmp_path / "observed.toml"
    runner = CliRunner()
    args = ["network", "scenario", str(tmp_path / "edges.csv"), "--nodes", str(tmp_path / "nodes.csv")]
    result = runner.invoke(
        app, [*args, "--semantics", "nomination", "--preset", "castellon-ceramics", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "6 observed firms" in result.output
    ran = runner.invoke(
        app, ["run", str(out), "--months", "12", "--seed", "1", "--out", str(tmp_path / "run")]
    )
    assert ran.exit_code == 0, ran.output
    assert "6 firms" in ran.output


def test_network_of_an_observed_scenario_is_the_observed_network(observed_graph) -> None:  # type: ignore[no-untyped-def]
    scenario = scenario_with_observed_network(districtlab.load_scenario("castellon-ceramics"), observed_graph)
    graph = districtlab.network_of(scenario, rng=1)
    firms = {n for n, d in graph.nodes(data=True) if d["type"] not in ("rti", "association")}
    assert firms == {"Porcelanosa", "Pamesa", "Frita", "Esmalt", "Tiles1", "Tiles2"}
    assert graph.edges["Porcelanosa", "Frita"]["kind"] == "supply"
    assert graph.edges["Porcelanosa", "Frita"]["weight"] == scenario.networks.supply_weight * 2.0
    assert graph.edges["Tiles1", "Tiles2"]["kind"] == "peer"
    assert graph.has_edge("ITC", "Porcelanosa")
