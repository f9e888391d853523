"""Issue 9: every mechanism is switchable and acts; the kind label changes nothing; the horizon is a parameter."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import districtlab
from districtlab.config import DISTRICT_MECHANISMS, PROGRAMME_MECHANISMS, Scenario
from districtlab.model import CHANNELS, PROGRAMME_SLOTS, UNIT_LINES, Observations
from districtlab.presets import load_scenario

PROGRAMME = PROGRAMME_SLOTS.index("programme")


def _programme(scenario: Scenario, **changes: Any) -> Scenario:
    return scenario.replace(programme=scenario.programme.model_dump() | changes)


def _mechanisms(scenario: Scenario, **switches: bool) -> Scenario:
    return _programme(scenario, mechanisms=scenario.programme.mechanisms.model_dump() | switches)


def _same(a: Observations, b: Observations) -> bool:
    return all(
        np.array_equal(getattr(a, name), getattr(b, name))
        for name in ("adopted", "at_least", "spend", "units", "knowledge_by_channel", "private_spend")
    )


def _knowledge(observations: Observations, channel: str) -> int:
    return int(observations.knowledge_by_channel[-1, CHANNELS.index(channel)].sum())


def test_the_kind_label_changes_nothing() -> None:
    """The same design run as "place-based" and as "generic" gives the same run, draw for draw."""
    base = load_scenario("vinalopo-footwear").with_firms(500).with_months(72.0)
    priorities = {t.name: t.relevance for t in base.technologies}
    design = _programme(base, codesign=None, priorities=priorities)
    place_based = districtlab.simulate(_programme(design, kind="place-based"), rng=4).observations
    generic = districtlab.simulate(_programme(design, kind="generic"), rng=4).observations
    assert _same(place_based, generic)


def test_presets_switch_every_place_based_mechanism_on_and_generic_ones_off() -> None:
    for preset in ("castellon-ceramics", "vinalopo-footwear", "toy-valley"):
        scenario = load_scenario(preset)
        assert scenario.programmes["place-based"].mechanisms.switched_on() == PROGRAMME_MECHANISMS
        assert scenario.programmes["generic"].mechanisms.switched_on() == ()
        assert scenario.mechanisms.switched_off() == ()


@pytest.mark.parametrize("mechanism", PROGRAMME_MECHANISMS)
def test_each_place_based_mechanism_acts_and_can_be_knocked_out(mechanism: str) -> None:
    base = load_scenario("toy-valley").with_months(72.0)  # its 401 firms leave some instruments idle
    full = districtlab.simulate(base, rng=7).observations
    knocked = districtlab.simulate(_mechanisms(base, **{mechanism: False}), rng=7).observations
    assert not _same(full, knocked)
    units = {name: knocked.units[:, PROGRAMME, UNIT_LINES.index(name)].sum() for name in UNIT_LINES}
    if mechanism == "codesign_information":
        assert units["codesign_participants"] == 0
        assert not np.array_equal(full.priorities, knocked.priorities)
    if mechanism == "diagnostic_routing":
        assert units["routed_firms"] == 0
    if mechanism == "adaptive_reallocation":
        assert units["reallocated_eur"] == 0


@pytest.mark.parametrize(
    ("mechanism", "channels"),
    [
        ("peer_imitation", ("imitation",)),
        ("supply_chain_transfer", ("supply_chain", "lead_firm", "two_step")),
        ("living_lab", ("living_lab",)),
        ("legitimacy", ()),
        ("association_visibility", ()),
        ("buyer_requirements", ()),
    ],
)
def test_each_district_mechanism_acts_and_can_be_knocked_out(
    mechanism: str, channels: tuple[str, ...]
) -> None:
    assert mechanism in DISTRICT_MECHANISMS
    base = load_scenario("toy-valley").with_firms(600).with_months(96.0)
    full = districtlab.simulate(base, rng=8).observations
    knocked_scenario = base.replace(mechanisms=base.mechanisms.model_dump() | {mechanism: False})
    knocked = districtlab.simulate(knocked_scenario, rng=8).observations
    assert not _same(full, knocked)
    for channel in channels:
        assert _knowledge(full, channel) > 0
        assert _knowledge(knocked, channel) == 0
    if mechanism == "legitimacy":
        assert full.adoptions_by_channel[-1, CHANNELS.index("legitimacy")].sum() > 0
        assert knocked.adoptions_by_channel[-1, CHANNELS.index("legitimacy")].sum() == 0
    if mechanism == "living_lab":  # the same showcase then works as an RTI showroom
        assert _knowledge(knocked, "demonstrator") > 0


def test_grants_reach_aware_firms_through_applications() -> None:
    scenario = load_scenario("vinalopo-footwear").with_firms(1500).with_months(72.0).with_programme("generic")
    observations = districtlab.simulate(scenario, rng=2).observations
    units = observations.units[:, PROGRAMME].sum(axis=0)
    assert units[UNIT_LINES.index("grant_applications")] > units[UNIT_LINES.index("grants")] > 0
    assert _knowledge(observations, "application") > 0  # writing the proposal taught some applicants


def test_saying_no_slows_adoption() -> None:
    base = load_scenario("castellon-ceramics").with_months(96.0).with_programme("none")

    def adopters(rejection: float) -> float:
        scenario = base.replace(behaviour=base.behaviour.model_dump() | {"rejection_probability": rejection})
        return float(
            np.mean([districtlab.simulate(scenario, rng=s).outcomes()["new_adopters"] for s in range(4)])
        )

    assert adopters(0.8) < adopters(0.0)


def test_outcomes_at_a_horizon_equal_a_run_that_stops_there() -> None:
    base = load_scenario("vinalopo-footwear").with_firms(500)
    long = districtlab.simulate(base.with_months(96.0), rng=6)
    short = districtlab.simulate(base.with_months(48.0), rng=6)
    at_48 = long.outcomes(horizon_months=48.0)
    reporting = base.with_months(96.0).replace(reporting={"horizon_months": 48.0})
    via_config = districtlab.simulate(reporting, rng=6).outcomes()
    assert via_config.keys() == at_48.keys()
    np.testing.assert_array_equal(list(via_config.values()), list(at_48.values()))  # NaN equals NaN here
    for name in (
        "new_adopters",
        "new_firms_adopting",
        "adopter_months",
        "public_spend_eur",
        "private_spend_eur",
    ):
        assert at_48[name] == short.outcomes()[name]
    assert at_48["budget_eur"] < long.outcomes()["budget_eur"]


def test_reopened_calls_spend_more_of_the_budget_and_never_more_than_it() -> None:
    base = load_scenario("vinalopo-footwear").with_firms(1500).with_months(96.0).with_programme("generic")
    reopened = _programme(base, extension_months=24)
    plain = districtlab.simulate(base, rng=3)
    extended = districtlab.simulate(reopened, rng=3)
    end = base.programme.start_month + base.programme.duration_months
    grants_after_end = extended.observations.units[
        end + 1 :, PROGRAMME, UNIT_LINES.index("grant_applications")
    ]
    assert grants_after_end.sum() > 0
    assert extended.outcomes()["public_spend_eur"] > plain.outcomes()["public_spend_eur"]
    assert extended.outcomes()["public_spend_eur"] <= base.programme.total_budget_eur + 1e-6
    assert extended.outcomes()["budget_eur"] == plain.outcomes()["budget_eur"]


def test_months_to_target_read_the_recorded_shares() -> None:
    scenario = load_scenario("castellon-ceramics").replace(reporting={"target_adoption_share": 0.3})
    result = districtlab.simulate(scenario, rng=9)
    outcomes = result.outcomes()
    mean_share = result.adoption_share().mean(axis=1).to_numpy()
    reached = np.flatnonzero(mean_share >= 0.3)
    assert reached.size  # the target is reached in this district, so the test can fail
    assert outcomes["months_to_target_share"] == result.months[reached[0]]
    large = result.observations.adopted[:, :, 3].sum(axis=(1, 2)) / (
        result.observations.firms_by_group[3].sum() * len(scenario.technologies)
    )
    reached_large = np.flatnonzero(large >= 0.3)
    assert outcomes["months_to_target_share.large"] == result.months[reached_large[0]]
    assert outcomes["months_to_target_share.large"] <= outcomes["months_to_target_share"]
