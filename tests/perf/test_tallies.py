"""The running tallies equal a recount of the state after every step.

The model keeps stage counts, adoptions by group, visibility-weighted adopters,
firms adopting by size class, adoptions by knowledge channel, technologies
adopted per firm and the maturity histogram incrementally, some of them in
batches (:mod:`districtlab.model.state`), so that a step never recounts the
firms x technologies array. Here every step is recounted from scratch and
compared, on the three presets under each programme, and on a district built to
put the same firm in two projects on one technology that end together.
"""

from __future__ import annotations

import numpy as np
import pytest

from districtlab._rng import run_streams
from districtlab.config import SIZE_CLASSES, Scenario
from districtlab.model import run_model
from districtlab.model.networks import build_networks
from districtlab.model.population import draw_firms
from districtlab.model.simulate import visibility
from districtlab.model.state import ADOPTED, CHANNELS, DistrictState
from districtlab.presets import load_scenario


def recount(state: DistrictState, size_class: np.ndarray, visible: np.ndarray) -> None:
    stage = state.stage
    k = stage.shape[1]
    at_least = np.array([(stage >= level).sum(axis=0) for level in range(4)])
    np.testing.assert_array_equal(state.at_least(), at_least)
    adopted = stage == ADOPTED
    np.testing.assert_array_equal(state.n_adopted, adopted.sum(axis=1))
    np.testing.assert_array_equal(state.maturity_histogram, np.bincount(adopted.sum(axis=1), minlength=k + 1))
    np.testing.assert_array_equal(
        state.adopted_by_group.sum(axis=2),
        np.array(
            [np.bincount(size_class[adopted[:, tech]], minlength=len(SIZE_CLASSES)) for tech in range(k)]
        ),
    )
    np.testing.assert_array_equal(state.adoptions_by_channel.sum(axis=(0, 2)), adopted.sum(axis=0))
    np.testing.assert_allclose(state.visible_adopters, visible @ adopted, rtol=1e-9)
    n_sizes = len(SIZE_CLASSES)
    np.testing.assert_array_equal(
        state.firms_adopting_by_size, np.bincount(size_class[adopted.any(axis=1)], minlength=n_sizes)
    )
    # every adoption is tallied under the channel its knowledge came from (month-0 adopters under "initial")
    channel = state.knowledge_channel[adopted].astype(np.int64)
    sizes = np.broadcast_to(size_class[:, None], adopted.shape)[adopted].astype(np.int64)
    expected = np.bincount(channel * n_sizes + sizes, minlength=len(CHANNELS) * n_sizes)
    np.testing.assert_array_equal(state.adoptions_by_knowledge.reshape(-1), expected)


def run_and_recount(scenario: Scenario, seed: int) -> int:
    """Run with a recount after every step; return how many pairs adopted."""
    streams = run_streams(np.random.SeedSequence(seed))
    firms = draw_firms(scenario.population, streams["population"])
    networks = build_networks(firms, scenario.networks, streams["network"])
    visible, _ = visibility(firms, networks, scenario)
    final: list[int] = []

    def check(step: int, state: DistrictState) -> None:
        recount(state, firms.size_class, visible)
        final[:] = [int((state.stage == ADOPTED).sum())]

    run_model(scenario, np.random.SeedSequence(seed), on_step=check)
    return final[0]


@pytest.mark.parametrize("preset", ["castellon-ceramics", "vinalopo-footwear", "toy-valley"])
@pytest.mark.parametrize("programme", ["none", "generic", "place-based"])
def test_tallies_equal_a_recount_every_step(preset: str, programme: str) -> None:
    scenario = load_scenario(preset).with_firms(250).with_months(48.0).with_programme(programme)
    assert run_and_recount(scenario, seed=11) > 0


def test_a_firm_in_two_projects_on_one_technology_keeps_consistent_tallies() -> None:
    """A tiny RTI network and a large project budget make projects share firms and end together."""
    base = load_scenario("toy-valley").with_firms(30).with_months(36.0).with_programme("none")
    core = base.rti.core_services.model_dump()
    core["budget_eur_per_year"] = 5e6
    core["focus_technologies"] = 1
    core["allocation"] = {
        "events": 0.0,
        "diagnostics": 0.0,
        "demonstrator": 0.0,
        "projects": 1.0,
        "training": 0.0,
        "grants": 0.0,
    }
    rti = base.rti.model_dump() | {"core_services": core, "staff_fte": 1000.0}
    scenario = base.replace(rti=rti)
    for seed in range(3):
        run_and_recount(scenario, seed=seed)
