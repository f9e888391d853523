"""Issue 9, Acceptance: rules that give the place-based thesis a fair chance to fail.

* with the adoption hazard at zero no firm adopts through any instrument (projects included);
* an open demonstrator costs money every month;
* adding an association never lowers legitimacy exposure;
* knowledge-provenance shares sum to 1, and on a hand-made network (RTI -> one lead firm ->
  its two suppliers) the suppliers' adoptions are attributed to the two-step chain exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import districtlab
from districtlab._rng import run_streams
from districtlab.config import Scenario
from districtlab.model import KNOWLEDGE_SOURCES, PROGRAMME_SLOTS, SPEND_LINES, UNIT_LINES
from districtlab.model.networks import build_networks
from districtlab.model.population import draw_firms
from districtlab.model.schedule import legitimacy_exposure
from districtlab.model.simulate import visibility
from districtlab.presets import load_scenario

PROGRAMME = PROGRAMME_SLOTS.index("programme")


def _with(scenario: Scenario, section: str, **changes: Any) -> Scenario:
    return scenario.replace(**{section: getattr(scenario, section).model_dump() | changes})


@pytest.mark.parametrize(
    ("preset", "programme"),
    [("vinalopo-footwear", "place-based"), ("toy-valley", "place-based"), ("castellon-ceramics", "generic")],
)
def test_with_zero_adoption_hazard_no_firm_adopts_through_any_instrument(preset: str, programme: str) -> None:
    scenario = load_scenario(preset).with_firms(400).with_months(96.0).with_programme(programme)
    scenario = _with(scenario, "behaviour", adoption_hazard=0.0)
    observations = districtlab.simulate(scenario, rng=3).observations
    units = observations.units[:, :, :].sum(axis=(0, 1))
    # the instruments did run: projects (or grants) were delivered, and knowledge spread
    delivered = units[UNIT_LINES.index("project_seats")] + units[UNIT_LINES.index("grant_applications")]
    assert delivered > 0
    assert observations.at_least[-1, 2].sum() > observations.at_least[0, 2].sum()
    # ... and yet nobody adopted after month 0
    np.testing.assert_array_equal(observations.adopted[-1], observations.adopted[0])


def test_an_open_demonstrator_costs_money_every_month() -> None:
    base = load_scenario("vinalopo-footwear").with_firms(300).with_months(84.0)
    observations = districtlab.simulate(base, rng=5).observations
    programme = base.programme
    built = observations.units[:, PROGRAMME, UNIT_LINES.index("demonstrators_built")].nonzero()[0]
    assert built.size == 1
    end_row = programme.start_month + programme.duration_months  # row t+1 records step t
    running = observations.spend[:, PROGRAMME, SPEND_LINES.index("demonstrator_running")]
    design = programme.design
    assert design is not None
    assert design.demonstrator_running_cost_eur_per_month > 0
    # while the programme runs: at least the running cost, every month from the build on
    during = running[built[0] + 1 : end_row + 1]
    assert (during >= design.demonstrator_running_cost_eur_per_month - 1e-6).all()
    # after it, the RTI pays (outside the budget), every month it stays open
    after = observations.post_programme_spend[end_row + 1 :, PROGRAMME]
    assert (after >= design.demonstrator_running_cost_eur_per_month - 1e-6).all()
    # a demonstrator that closes with the programme costs nothing more, and receives nobody
    closing = base.replace(
        programme=base.programme.model_dump()
        | {"design": design.model_dump() | {"demonstrator_after_programme": "close"}}
    )
    closed = districtlab.simulate(closing, rng=5).observations
    assert closed.post_programme_spend[end_row + 1 :, PROGRAMME].sum() == 0.0
    visits = closed.units[end_row + 1 :, PROGRAMME, UNIT_LINES.index("demonstrator_visits")]
    assert visits.sum() == 0.0


@pytest.mark.parametrize("preset", ["castellon-ceramics", "vinalopo-footwear", "toy-valley"])
def test_adding_an_association_never_lowers_legitimacy_exposure(preset: str) -> None:
    scenario = load_scenario(preset).with_firms(600)
    streams = run_streams(np.random.SeedSequence(2))
    firms = draw_firms(scenario.population, streams["population"])
    networks = build_networks(firms, scenario.networks, streams["network"])
    without = _with(scenario, "association", enabled=False)
    weights_off, total_off = visibility(firms, networks, without)
    rng = np.random.default_rng(0)
    for boost in (0.0, 0.5, 3.0):
        with_association = _with(scenario, "association", enabled=True, visibility_boost=boost)
        weights_on, total_on = visibility(firms, networks, with_association)
        assert total_on == total_off  # the association never enlarges the denominator
        for share in (0.01, 0.1, 0.5, 0.9):
            adopted = rng.random((firms.n, 4)) < share
            # adopters concentrated outside the association: the case where diluting would bite
            adopted[firms.association_member] &= rng.random((int(firms.association_member.sum()), 4)) < 0.2
            on = legitimacy_exposure(weights_on @ adopted, total_on)
            off = legitimacy_exposure(weights_off @ adopted, total_off)
            assert (on >= off).all()
            assert (on <= 1.0).all()


def _two_step_district() -> Scenario:
    """RTI -> one lead firm -> its two suppliers; suppliers learn only from their buyer."""
    base = load_scenario("toy-valley").with_programme("none")
    technology = base.technologies[0].model_dump() | {
        "awareness_hazard": 0.0,
        "learning_hazard": 0.0,
        "imitation_strength": 0.0,
        "initial_awareness": 0.0,
        "initial_adoption": {"micro": 0.0, "small": 0.0, "medium": 0.0, "large": 0.0},
        "complexity": 0.1,
        "risk": 0.0,
    }
    firms = [
        {"id": "lead", "role": "lead", "size_class": "large", "employees": 300.0, "rti_member": True},
        {"id": "s1", "role": "supplier", "size_class": "small", "employees": 20.0},
        {"id": "s2", "role": "supplier", "size_class": "small", "employees": 20.0},
    ]
    ties = [{"source": 0, "target": 1, "kind": "supply"}, {"source": 0, "target": 2, "kind": "supply"}]
    population = base.population.model_dump() | {
        "segments": [
            {
                "role": "lead",
                "size_class": "large",
                "count": 1,
                "rti_member_share": 1.0,
                "association_member_share": 0.0,
            },
            {
                "role": "supplier",
                "size_class": "small",
                "count": 2,
                "rti_member_share": 0.0,
                "association_member_share": 0.0,
            },
        ],
        "absorptive_capacity": {
            "mean": {"micro": 1.0, "small": 1.0, "medium": 1.0, "large": 1.0},
            "concentration": 2.0,
        },
        # only the lead firm deals with the RTI: the suppliers never take up an instrument
        "rti_affinity": {
            "mean": {"micro": 0.0, "small": 0.0, "medium": 0.0, "large": 1.0},
            "concentration": 2.0,
        },
    }
    core = base.rti.core_services.model_dump() | {
        "focus_technologies": 1,
        "priorities": {technology["name"]: 1.0},
        "allocation": {
            "events": 0.0,
            "diagnostics": 0.5,
            "demonstrator": 0.0,
            "projects": 0.5,
            "training": 0.0,
            "grants": 0.0,
        },
    }
    return base.replace(
        months=120.0,
        programmes={},
        technologies=[technology],
        population=population,
        networks=base.networks.model_dump()
        | {"observed": {"source": "hand-made", "firms": firms, "ties": ties}},
        behaviour=base.behaviour.model_dump()
        | {"adoption_hazard": 1.0, "supply_chain_hazard": 0.5, "rejection_probability": 0.0},
        rti=base.rti.model_dump() | {"competence": {technology["name"]: 1.0}, "core_services": core},
        mechanisms={"peer_imitation": False, "buyer_requirements": False},
    )


def test_provenance_attributes_the_suppliers_adoptions_to_the_two_step_chain() -> None:
    scenario = _two_step_district()
    for seed in range(3):
        outcomes = districtlab.simulate(scenario, rng=seed).outcomes()
        assert outcomes["new_adopters"] == 3.0  # the lead firm and its two suppliers
        assert outcomes["adoption_source_share.rti"] == pytest.approx(1 / 3)
        assert outcomes["adoption_source_share.lead_firm"] == pytest.approx(2 / 3)
        assert outcomes["sme_two_step_share"] == 1.0
        assert outcomes["sme_adoption_channel_share.two_step"] == 1.0


def test_provenance_shares_sum_to_one() -> None:
    for preset in ("castellon-ceramics", "vinalopo-footwear", "toy-valley"):
        for programme in ("none", "generic", "place-based"):
            scenario = load_scenario(preset).with_firms(300).with_months(60.0).with_programme(programme)
            outcomes = districtlab.simulate(scenario, rng=1).outcomes()
            for prefix in ("knowledge_source_share", "adoption_source_share"):
                shares = [outcomes[f"{prefix}.{source}"] for source in KNOWLEDGE_SOURCES]
                assert sum(shares) == pytest.approx(1.0)
                assert min(shares) >= 0.0


def test_a_knowledge_chain_without_the_rti_is_not_two_step() -> None:
    """The same district without the RTI, the lead firm an adopter from the start: lead_firm, not two-step."""
    scenario = _two_step_district()
    technology = scenario.technologies[0].model_dump()
    technology["initial_adoption"] = technology["initial_adoption"] | {"large": 1.0}
    rti = scenario.rti.model_dump() | {"enabled": False}
    outcomes = districtlab.simulate(scenario.replace(technologies=[technology], rti=rti), rng=0).outcomes()
    assert outcomes["new_adopters"] == 2.0  # the two suppliers
    assert outcomes["sme_two_step_share"] == 0.0
    assert outcomes["adoption_source_share.lead_firm"] == 1.0
