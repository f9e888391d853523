"""Invariants that hold for any scenario and seed (Hypothesis).

* shares are in [0, 1];
* stages never go back;
* no firm adopts without being knowledgeable (except the month-0 adopters);
* programme spending never exceeds the budget that has flowed in, nor the total budget (re-opened
  calls, place-based mechanisms, staff-day prices and running costs included); private and
  post-programme spending are never negative; public spend plus unspent budget is the budget.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import districtlab
from districtlab.config import PROGRAMME_MECHANISMS, Scenario
from districtlab.model import run_model
from districtlab.model.state import DistrictState
from districtlab.presets import load_scenario
from tests.property.recording import recording_adoptions

PRESETS = ("castellon-ceramics", "vinalopo-footwear", "toy-valley")


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    preset = load_scenario(draw(st.sampled_from(PRESETS)))
    scenario = preset.with_firms(draw(st.integers(20, 400))).with_months(draw(st.sampled_from([30.0, 60.0])))
    scenario = scenario.with_programme(draw(st.sampled_from(["none", "generic", "place-based"])))
    programme = scenario.programme.model_dump()
    if scenario.programme.kind != "none":
        programme["budget_eur_per_year"] = draw(st.sampled_from([1e4, 3e5, 2e6, 2e7]))
        programme["start_month"] = draw(st.integers(0, 12))
        programme["targeting"] = draw(
            st.sampled_from(["open_call", "smes_first", "leading_firms_first", "rti_network"])
        )
        # issue 9: re-opened calls, any subset of the place-based mechanisms, costs and who pays after
        programme["extension_months"] = draw(st.sampled_from([0, 12]))
        programme["mechanisms"] = {name: draw(st.booleans()) for name in PROGRAMME_MECHANISMS}
        programme["design"] = programme["design"] | {
            "staff_day_cost_eur": draw(st.sampled_from([0.0, 400.0, 5000.0])),
            "demonstrator_after_programme": draw(st.sampled_from(["rti_pays", "close"])),
            "demonstrator_site": draw(st.sampled_from(["rti", "partner_firms"])),
        }
    behaviour = scenario.behaviour.model_dump() | {"rejection_probability": draw(st.sampled_from([0.0, 0.5]))}
    return scenario.replace(programme=programme, behaviour=behaviour)


seeds = st.integers(0, 2**32 - 1)


@given(scenario=scenarios(), seed=seeds)
def test_shares_are_in_unit_interval(scenario: Scenario, seed: int) -> None:
    frame = districtlab.simulate(scenario, rng=seed).to_frame()
    shares = frame[frame["metric"].str.endswith("_share")]["value"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()


@given(scenario=scenarios(), seed=seeds)
def test_stages_never_go_back_and_adoption_needs_knowledge(scenario: Scenario, seed: int) -> None:
    previous: list[np.ndarray] = []

    def check(step: int, state: DistrictState) -> None:
        if previous:
            assert np.all(state.stage >= previous[-1]), f"a stage went back at step {step}"
        previous[:] = [state.stage.copy()]

    with recording_adoptions() as calls:
        run_model(scenario, np.random.SeedSequence(seed), on_step=check)
    assert calls, "nobody adopted, not even at month 0"
    below = [call for call in calls if call["below_knowledgeable"]]
    assert all(call["initial"] for call in below), "a firm adopted without being knowledgeable"


@given(scenario=scenarios(), seed=seeds)
def test_programme_spending_never_exceeds_budget(scenario: Scenario, seed: int) -> None:
    result = districtlab.simulate(scenario, rng=seed)
    observations = result.observations
    for slot in range(observations.spend.shape[1]):
        spent = np.cumsum(observations.spend[:, slot].sum(axis=1))
        released = np.cumsum(observations.released[:, slot])
        assert np.all(spent <= released + 1e-6), "spent more than had flowed in"
        assert np.all(observations.spend[:, slot] >= 0.0)
    total = np.cumsum(result.programme_spend())[-1]
    assert total <= scenario.programme.total_budget_eur * (1 + 1e-12) + 1e-6
    assert (observations.private_spend >= 0.0).all()
    assert (observations.post_programme_spend >= 0.0).all()
    outcomes = result.outcomes()
    if scenario.programme.is_active():  # public spend and what is left add up to the budget
        total_public = outcomes["public_spend_eur"] + outcomes["unspent_budget_eur"]
        assert np.isclose(total_public, outcomes["budget_eur"], rtol=1e-9, atol=1e-6)
