"""Designs: factorial, Latin hypercube, Sobol' and user tables over dotted paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments import Design, design_from_table, full_factorial, latin_hypercube, sobol_design

RANGES = {"programme.budget_eur_per_year": (1e5, 9e5), "scale:technologies.*.imitation_strength": (0.5, 1.5)}


def test_a_full_factorial_has_every_combination_first_parameter_slowest(tiny_scenario: Scenario) -> None:
    design = full_factorial(
        tiny_scenario,
        {
            "programme.budget_eur_per_year": [1e5, 2e5, 3e5],
            "programme.targeting": ["open_call", "smes_first"],
        },
    )
    assert len(design) == 6
    assert design.table.values.tolist() == [  # type: ignore[union-attr]
        [1e5, "open_call"],
        [1e5, "smes_first"],
        [2e5, "open_call"],
        [2e5, "smes_first"],
        [3e5, "open_call"],
        [3e5, "smes_first"],
    ]
    assert design.names[0] == "point-0000"
    assert design[3].programme.budget_eur_per_year == 2e5
    assert design[3].programme.targeting == "smes_first"
    assert design[-1] == design[5]


def test_a_latin_hypercube_puts_one_point_in_every_stratum_of_every_parameter(
    tiny_scenario: Scenario,
) -> None:
    n = 12
    design = latin_hypercube(tiny_scenario, RANGES, n, rng=3)
    assert len(design) == n
    assert design.method == "latin-hypercube"
    for key, (low, high) in RANGES.items():
        strata = np.floor((design.table[key].to_numpy() - low) / (high - low) * n)  # type: ignore[index]
        assert sorted(strata.astype(int)) == list(range(n))
    assert design.seed is not None
    assert design.seed.entropy == 3


def test_sampled_designs_are_reproducible_from_their_seed(tiny_scenario: Scenario) -> None:
    same = latin_hypercube(tiny_scenario, RANGES, 8, rng=5).table
    again = latin_hypercube(tiny_scenario, RANGES, 8, rng=5).table
    other = latin_hypercube(tiny_scenario, RANGES, 8, rng=6).table
    pd.testing.assert_frame_equal(same, again)
    assert not same.equals(other)  # type: ignore[union-attr]
    pd.testing.assert_frame_equal(
        sobol_design(tiny_scenario, RANGES, 8, rng=1).table,
        sobol_design(tiny_scenario, RANGES, 8, rng=1).table,
    )


def test_a_sobol_design_needs_a_power_of_two_and_fills_the_box(tiny_scenario: Scenario) -> None:
    with pytest.raises(InputError, match="power of two"):
        sobol_design(tiny_scenario, RANGES, 12, rng=1)
    design = sobol_design(tiny_scenario, RANGES, 16, rng=1)
    values = design.table["programme.budget_eur_per_year"].to_numpy()  # type: ignore[index]
    assert values.min() >= 1e5
    assert values.max() <= 9e5
    halves = np.floor((values - 1e5) / 8e5 * 2)
    assert (halves == 0).sum() == 8  # a balanced (0, m, 1) net: exactly half the points in each half


def test_integer_parameters_are_spread_evenly_over_whole_numbers(tiny_scenario: Scenario) -> None:
    design = latin_hypercube(
        tiny_scenario.with_programme("generic"), {"programme.design.project_size": (2, 5)}, 40, rng=2
    )
    values = design.table["programme.design.project_size"]  # type: ignore[index]
    assert values.dtype.kind == "i"
    assert sorted(values.unique()) == [2, 3, 4, 5]
    assert values.value_counts().min() == 10


def test_a_user_table_is_a_design_and_its_bad_values_are_named(tiny_scenario: Scenario) -> None:
    table = pd.DataFrame({"rti.staff_fte": [5.0, 10.0], "programme.targeting": ["open_call", "rti_network"]})
    design = design_from_table(tiny_scenario, table)
    assert [s.rti.staff_fte for s in design] == [5.0, 10.0]
    with pytest.raises(InputError, match=r"rti.staff_fte: row 1 has no value"):
        design_from_table(tiny_scenario, pd.DataFrame({"rti.staff_fte": [5.0, None]}))
    with pytest.raises(InputError, match=r"rti.staf_fte: unknown parameter; did you mean rti.staff_fte"):
        design_from_table(tiny_scenario, pd.DataFrame({"rti.staf_fte": [5.0]}))
    with pytest.raises(
        InputError,
        match=r"instrument shares must sum to 1, .* \(point-0000 with programme.allocation.events=0.9\)",
    ):
        design_from_table(
            tiny_scenario.with_programme("generic"), pd.DataFrame({"programme.allocation.events": [0.9]})
        )


def test_explicit_scenarios_are_a_design_with_names(tiny_scenario: Scenario) -> None:
    scenarios = [tiny_scenario.with_programme(p) for p in ("none", "generic")]
    design = Design.of(scenarios)
    assert design.names == (
        f"{tiny_scenario.name}/none",
        f"{tiny_scenario.name}/{tiny_scenario.programmes['generic'].name}",
    )
    assert list(design) == scenarios
    named = Design.of({"a": scenarios[0], "b": scenarios[1]})
    assert named.names == ("a", "b")
    assert named.method == "scenarios"
    rebuilt = Design(named.base, named.points, names=named.names)
    assert list(rebuilt) == scenarios
    with pytest.raises(InputError, match="no scenario"):
        Design.of([])
