"""The EMA Workbench adapter: EMA samples, evaluates and runs PRIM on a districtlab scenario.

ema-workbench 2.5 warns at import that its altair-based PRIM inspection is not
available, and calls ``DataFrame.drop(inplace=True)``, which pandas 3 deprecates;
the suite turns warnings into errors, so the tests that import PRIM ignore
exactly those two warnings.
"""

from __future__ import annotations

import numpy as np
import pytest

import districtlab
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.ema import (
    as_ema_model,
    ema_name,
    import_ema_workbench,
    model_parameter_names,
    sample_policies,
    sample_scenarios,
)

from .conftest import tiny

ema = import_ema_workbench()
UNCERTAINTIES = {"scale:technologies.*.imitation_strength": (0.5, 2.0), "behaviour.utility_slope": (0.5, 2.0)}
LEVERS = {"programme.budget_eur_per_year": (1e5, 1e6), "programme.targeting": ["open_call", "smes_first"]}


@pytest.fixture(scope="module")
def base() -> Scenario:
    return tiny(firms=60, months=36).with_programme("generic")


@pytest.fixture(scope="module")
def model(base: Scenario):  # type: ignore[no-untyped-def]
    return as_ema_model(
        base, uncertainties=UNCERTAINTIES, levers=LEVERS, outcomes=["laggard_share", "new_adopters"], rng=5
    )


def test_parameters_and_outcomes_are_typed_and_named_as_identifiers(model) -> None:  # type: ignore[no-untyped-def]
    kinds = {p.name: type(p).__name__ for p in (*model.uncertainties, *model.levers)}
    assert kinds == {
        "scale_technologies__all__imitation_strength": "RealParameter",
        "behaviour__utility_slope": "RealParameter",
        "programme__budget_eur_per_year": "RealParameter",
        "programme__targeting": "CategoricalParameter",
    }
    assert all(name.isidentifier() for name in kinds)
    assert [o.name for o in model.outcomes] == ["laggard_share", "new_adopters"]
    assert model.function.paths["behaviour__utility_slope"] == "behaviour.utility_slope"
    assert model_parameter_names(model) == list(kinds)


def test_an_experiment_is_the_districtlab_run_with_the_recorded_seed(model, base: Scenario) -> None:  # type: ignore[no-untyped-def]
    outcomes = model.function(behaviour__utility_slope=1.5, programme__targeting="smes_first")
    scenario = base.replace(
        behaviour={**base.behaviour.model_dump(), "utility_slope": 1.5},
        programme={**base.programme.model_dump(), "targeting": "smes_first"},
    )
    direct = districtlab.simulate(scenario, rng=np.random.SeedSequence(5, spawn_key=(0,))).outcomes()
    assert outcomes == {"laggard_share": direct["laggard_share"], "new_adopters": direct["new_adopters"]}


@pytest.mark.filterwarnings("ignore:altair based interactive inspection not available:ImportWarning")
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.drop is deprecated")
def test_ema_sampling_evaluation_and_prim_work_on_the_model(model) -> None:  # type: ignore[no-untyped-def]
    from ema_workbench.analysis import prim

    scenarios = sample_scenarios(model, 12, rng=1)
    policies = sample_policies(model, 2, rng=2)
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=scenarios, policies=policies)
    assert len(experiments) == 24
    assert outcomes["laggard_share"].shape == (24,)
    again = ema.perform_experiments(model, scenarios=sample_scenarios(model, 12, rng=1), policies=policies)
    np.testing.assert_array_equal(again[1]["new_adopters"], outcomes["new_adopters"])  # seeded all the way
    x = experiments[model_parameter_names(model)]
    many_adopters = outcomes["new_adopters"] >= np.quantile(outcomes["new_adopters"], 0.75)
    assert 0 < many_adopters.sum() < len(many_adopters)
    box = prim.Prim(x, many_adopters, threshold=0.8).find_box()
    assert 0.0 < box.coverage <= 1.0
    assert 0.0 < box.density <= 1.0
    limits = box.box_lims[-1]
    assert set(limits.columns) == set(model_parameter_names(model))
    # EMA's own samplers (numpy's global state, not districtlab's seeds) also drive the model:
    experiments, outcomes = ema.perform_experiments(model, scenarios=3, policies=2)
    assert len(experiments) == 6
    assert np.isfinite(outcomes["new_adopters"]).all()


def test_replications_make_a_replicator_model_of_means(base: Scenario) -> None:
    model = as_ema_model(
        base,
        uncertainties={"behaviour.utility_slope": (0.5, 2.0)},
        outcomes=["new_adopters"],
        replications=3,
        rng=2,
    )
    assert type(model).__name__ == "ReplicatorModel"
    _, outcomes = ema.perform_experiments(model, scenarios=sample_scenarios(model, 2, rng=1))
    first = sample_scenarios(model, 2, rng=1)[0]
    expected = np.mean(
        [
            model.function(replication=r, behaviour__utility_slope=first["behaviour__utility_slope"])[
                "new_adopters"
            ]
            for r in range(3)
        ]
    )
    assert outcomes["new_adopters"][0] == pytest.approx(expected)


def test_replication_r_of_an_experiment_is_replication_r_of_run_scenarios(base: Scenario) -> None:
    model = as_ema_model(base, levers={"programme.budget_eur_per_year": (1e5, 1e6)}, replications=3, rng=4)
    scenario = base.replace(programme={**base.programme.model_dump(), "budget_eur_per_year": 4e5})
    runs = districtlab.run_scenarios([scenario], replications=3, rng=4).outcomes()
    for replication in range(3):
        outcomes = model.function(replication=replication, programme__budget_eur_per_year=4e5)
        assert outcomes["new_adopters"] == runs["new_adopters"][replication]
        assert outcomes["laggard_share"] == runs["laggard_share"][replication]


def test_bad_parameters_are_input_errors(base: Scenario) -> None:
    with pytest.raises(InputError, match=r"programme.budget_eur: unknown parameter"):
        as_ema_model(base, levers={"programme.budget_eur": (1e5, 1e6)})
    with pytest.raises(InputError, match="outside what its type allows"):
        as_ema_model(base, levers={"programme.budget_eur_per_year": (1e5, 2e10)})
    with pytest.raises(InputError, match="is not one of"):
        as_ema_model(base, levers={"programme.targeting": ["open_call", "everyone"]})
    with pytest.raises(InputError, match="both an uncertainty and a lever"):
        as_ema_model(base, uncertainties={"rti.staff_fte": (1, 2)}, levers={"rti.staff_fte": (1, 2)})
    with pytest.raises(InputError, match="unknown outcome"):
        as_ema_model(base, levers={"rti.staff_fte": (1.0, 2.0)}, outcomes=["adopted"])


def test_names_are_identifiers() -> None:
    assert (
        ema_name("programmes.place-based.budget_eur_per_year")
        == "programmes__place_based__budget_eur_per_year"
    )
    assert ema_name("technologies.2.risk") == "technologies__2__risk"
