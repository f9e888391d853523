"""Dotted parameter paths: what they name, the bounds the types declare, and the errors users see."""

from __future__ import annotations

import pytest

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.parameters import (
    check_range,
    check_value,
    known_paths,
    locate,
    parameter_bounds,
    scenario_changes,
    scenario_with,
)

from .conftest import tiny


@pytest.fixture(scope="module")
def ceramics() -> Scenario:
    return tiny("castellon-ceramics")


def paths(scenario: Scenario, key: str) -> list[str]:
    return [location.path for location in locate(scenario.model_dump(mode="json"), key)]


def test_paths_name_fields_items_by_position_or_name_tables_and_mappings(ceramics: Scenario) -> None:
    robotics = ceramics.technology_names.index("robotics")
    assert paths(ceramics, "programme.budget_eur_per_year") == ["programme.budget_eur_per_year"]
    assert paths(ceramics, f"technologies.{robotics}.risk") == [f"technologies.{robotics}.risk"]
    assert paths(ceramics, "technologies.robotics.risk") == [f"technologies.{robotics}.risk"]
    assert paths(ceramics, "programmes.generic.budget_eur_per_year") == [
        "programmes.generic.budget_eur_per_year"
    ]
    assert paths(ceramics, "rti.competence.robotics") == ["rti.competence.robotics"]
    assert paths(ceramics, "technologies.*.risk") == [
        f"technologies.{i}.risk" for i in range(len(ceramics.technologies))
    ]
    assert len(paths(ceramics, "programmes.*.budget_eur_per_year")) == len(ceramics.programmes)


def test_bounds_come_from_the_field_declarations(ceramics: Scenario) -> None:
    budget = parameter_bounds(ceramics, "programme.budget_eur_per_year")
    assert (budget.kind, budget.low, budget.high) == ("float", 0.0, 1e10)
    grant = parameter_bounds(ceramics, "programme.design.grant_rate")
    assert (grant.low, grant.low_inclusive, grant.high, grant.high_inclusive) == (0.0, True, 1.0, False)
    assert parameter_bounds(ceramics, "programme.design.project_size").kind == "int"
    targeting = parameter_bounds(ceramics, "programme.targeting")
    assert targeting.kind == "choice"
    assert "smes_first" in targeting.choices
    assert parameter_bounds(ceramics, "behaviour.immediate_adoption").kind == "bool"


def test_setting_a_path_changes_that_value_and_nothing_else(ceramics: Scenario) -> None:
    changed = scenario_with(
        ceramics, {"technologies.robotics.imitation_strength": 0.9, "programme.targeting": "smes_first"}
    )
    robotics = ceramics.technology_names.index("robotics")
    assert changed.technologies[robotics].imitation_strength == 0.9
    assert changed.programme.targeting == "smes_first"
    assert scenario_changes(ceramics, changed) == {
        f"technologies.{robotics}.imitation_strength": 0.9,
        "programme.targeting": "smes_first",
    }


def test_a_wildcard_sets_every_item_and_scale_multiplies_each(ceramics: Scenario) -> None:
    every = scenario_with(ceramics, {"technologies.*.imitation_strength": 0.25})
    assert {t.imitation_strength for t in every.technologies} == {0.25}
    scaled = scenario_with(ceramics, {"scale:technologies.*.imitation_strength": 1.5})
    for before, after in zip(ceramics.technologies, scaled.technologies, strict=True):
        assert after.imitation_strength == pytest.approx(1.5 * before.imitation_strength)
    doubled = scenario_with(ceramics, {"scale:programme.design.event_attendees": 1.5})
    assert isinstance(doubled.programme.design.event_attendees, int)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("programme.budget_eur", "programme.budget_eur_per_year"),
        ("budget_eur_per_year", "programme.budget_eur_per_year"),
        ("technologies.robotix.risk", "technologies.robotics.risk"),
        ("programmes.generc.budget_eur_per_year", "programmes.generic.budget_eur_per_year"),
        ("rti.staf_fte", "rti.staff_fte"),
    ],
)
def test_an_unknown_path_is_one_line_naming_it_and_the_closest_paths(
    ceramics: Scenario, key: str, suggestion: str
) -> None:
    with pytest.raises(InputError) as raised:
        check_value(ceramics, key, 1.0)
    message = str(raised.value)
    assert message.startswith(f"{key}: unknown parameter")
    assert suggestion in message
    assert "\n" not in message


def test_paths_that_name_no_value_are_refused(ceramics: Scenario) -> None:
    for key, problem in [
        ("programme", "names a section"),
        ("technologies.99.risk", "no item 99"),
        ("programme.budget_eur_per_year.x", "is a value"),
        ("programme..budget_eur_per_year", "empty segment"),
    ]:
        with pytest.raises(InputError, match=problem):
            paths(ceramics, key)


def test_values_and_ranges_outside_the_type_bounds_are_refused(ceramics: Scenario) -> None:
    with pytest.raises(
        InputError,
        match=r"programme.budget_eur_per_year: 2e\+10 is outside what its type allows \(>= 0, <= 1e\+10\)",
    ):
        check_range(ceramics, "programme.budget_eur_per_year", 1e5, 2e10)
    with pytest.raises(InputError, match="grant_rate: 1 is outside"):
        check_value(ceramics, "programme.design.grant_rate", 1.0)
    with pytest.raises(InputError, match="not a whole number"):
        check_value(ceramics, "programme.design.project_size", 2.5)
    with pytest.raises(InputError, match="is not one of open_call"):
        check_value(ceramics, "programme.targeting", "everyone")
    with pytest.raises(InputError, match="not numbers in a range"):
        check_range(ceramics, "programme.targeting", 0, 1)
    with pytest.raises(InputError, match="low < high"):
        check_range(ceramics, "rti.staff_fte", 10, 5)
    largest = max(t.imitation_strength for t in ceramics.technologies)
    with pytest.raises(InputError, match=r"scaled to .* is outside"):
        check_range(ceramics, "scale:technologies.*.imitation_strength", 0.5, 5.0 / largest * 1.01)
    assert check_range(ceramics, "programme.design.project_size", 2, 6).kind == "int"


def test_rules_across_fields_are_checked_by_validation_and_name_the_point(ceramics: Scenario) -> None:
    with pytest.raises(InputError) as raised:
        scenario_with(ceramics, {"programme.allocation.events": 0.99}, label="design point 7")
    message = str(raised.value)
    assert message.startswith("programme.allocation: instrument shares must sum to 1")
    assert "design point 7 with programme.allocation.events=0.99" in message


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.with_programme("none"),
        lambda s: s.with_programme("generic"),
        lambda s: s.with_firms(55),
        lambda s: s.with_months(13),
        lambda s: s.replace(rti={**s.rti.model_dump(), "staff_fte": 7.0}),
    ],
)
def test_changes_between_two_scenarios_rebuild_the_second_exactly(ceramics: Scenario, change) -> None:  # type: ignore[no-untyped-def]
    other = change(ceramics)
    changes = scenario_changes(ceramics, other)
    assert scenario_with(ceramics, changes) == other
    assert scenario_changes(ceramics, ceramics) == {}


def test_known_paths_cover_the_configuration() -> None:
    known = set(known_paths())
    assert {
        "programme.budget_eur_per_year",
        "technologies.*.imitation_strength",
        "rti.competence.*",
        "programmes.*.design.grant_rate",
        "population.segments.*.count",
    } <= known
