"""Typed configuration: validation, TOML round trip, and validated variants of a scenario."""

from __future__ import annotations

import pytest

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.io.toml import dump_scenario, load_scenario_file, parse_scenario, save_scenario
from districtlab.presets import load_scenario, parse_scenario_text, preset_text


def test_toml_round_trip_is_exact(preset_name: str, tmp_path) -> None:
    scenario = load_scenario(preset_name)
    path = save_scenario(scenario, tmp_path / "s.toml")
    again = load_scenario_file(path)
    assert again == scenario
    assert dump_scenario(again) == path.read_text()


def test_round_trip_keeps_variants(tmp_path) -> None:
    scenario = load_scenario("toy-valley").with_programme("generic").with_firms(123).with_months(18.5)
    assert load_scenario_file(save_scenario(scenario, tmp_path / "v.toml")) == scenario


def test_configuration_is_frozen() -> None:
    scenario = load_scenario("toy-valley")
    with pytest.raises(Exception, match="frozen"):
        scenario.months = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (("months = 120.0", "months = -3.0"), "months", "greater than 0"),
        (("months = 120.0", 'months = "soon"'), "months", "expected a number"),
        (("dt = 1.0", "dt = 1.0\nhorizon = 3"), "horizon", "unknown key"),
        (("complexity = 0.45", "complexity = 1.45"), "technologies.0.complexity", "less than or equal to 1"),
        (('programme = "place-based"', 'programme = "bespoke"'), "", "not in the programmes table"),
    ],
)
def test_bad_values_name_the_field(edit: tuple[str, str], field: str, message: str) -> None:
    text = preset_text("castellon-ceramics").replace(*edit, 1)
    with pytest.raises(InputError) as error:
        parse_scenario_text(text, source="s.toml")
    assert str(error.value).startswith("s.toml: ")
    assert field in str(error.value)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_malformed_toml_is_one_line() -> None:
    with pytest.raises(InputError, match=r"^s.toml: malformed TOML"):
        parse_scenario("months = [", source="s.toml")


def test_instrument_shares_must_sum_to_one() -> None:
    text = preset_text("toy-valley").replace(
        "training = 0.05  # ASSUMPTION\ngrants = 0.0", "training = 0.5\ngrants = 0.0", 1
    )
    with pytest.raises(InputError, match="sum to 1"):
        parse_scenario_text(text)


def test_unknown_technology_in_competence_is_refused() -> None:
    text = preset_text("toy-valley").replace(
        "ecommerce = 0.4\n\n[rti.core_services]", "ecommerce = 0.4\nblockchain = 0.1\n\n[rti.core_services]"
    )
    with pytest.raises(InputError, match="unknown"):
        parse_scenario_text(text)


def test_with_firms_keeps_the_distribution() -> None:
    scenario = load_scenario("vinalopo-footwear")
    doubled = scenario.with_firms(2 * scenario.n_firms)
    assert doubled.n_firms == 2 * scenario.n_firms
    for key, count in scenario.segment_counts().items():
        assert doubled.segment_counts()[key] == 2 * count
    tiny = scenario.with_firms(100)
    assert tiny.n_firms == 100
    assert tiny.networks == scenario.networks


def test_with_firms_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        load_scenario("toy-valley").with_firms(1)


def test_programme_choice() -> None:
    scenario = load_scenario("castellon-ceramics")
    assert scenario.programme.kind == "place-based"
    assert scenario.with_programme("generic").programme.kind == "generic"
    assert scenario.with_programme("none").programme.kind == "none"
    with pytest.raises(ValueError, match="unknown programme"):
        scenario.with_programme("bespoke")


def test_place_based_and_generic_have_the_same_budget(preset_name: str) -> None:
    scenario = load_scenario(preset_name)
    programmes = scenario.programmes
    assert programmes["place-based"].total_budget_eur == programmes["generic"].total_budget_eur
    assert isinstance(scenario, Scenario)
