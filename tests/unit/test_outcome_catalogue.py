"""The outcome catalogue names every outcome a run reports, in the run's order, and reads them."""

from __future__ import annotations

import pytest

from districtlab.experiments.analysis import KEY_OUTCOMES
from districtlab.outcomes import GROUPS, label, outcome, outcome_names
from districtlab.presets import list_presets, load_preset
from districtlab.simulation import simulate


@pytest.mark.parametrize("preset", list_presets())
@pytest.mark.parametrize("programme", ["none", "generic", "place-based"])
def test_the_catalogue_lists_what_a_run_reports_in_its_order(preset: str, programme: str) -> None:
    scenario = load_preset(preset).with_firms(40).with_months(2).with_programme(programme)
    reported = tuple(simulate(scenario, rng=1).outcomes())
    assert outcome_names(scenario.technology_names) == reported


def test_every_entry_declares_how_it_is_read() -> None:
    for group in GROUPS:
        assert len({entry.over for entry in group}) == 1, "a group is broken down by one dimension"
        for entry in group:
            assert entry.direction in ("higher", "lower", "neither")
            assert entry.level in ("firm", "firm×technology")
            assert ("{}" in entry.label) == (entry.over is not None)


def test_labels_name_the_breakdown_and_show_shares_as_percent() -> None:
    assert label("laggard_share") == "Laggard share, no technology (%)"
    assert (
        label("adoption_share.iot_sensors", {"iot_sensors": "IoT sensors"})
        == "Adoption share: IoT sensors (%)"
    )
    assert outcome("new_adopters.micro").over == "size"
    assert outcome("new_adopters").over is None
    with pytest.raises(KeyError):
        outcome("adopted")


def test_the_comparisons_default_outcomes_come_from_the_catalogue() -> None:
    assert KEY_OUTCOMES["programme_spend_eur"] == ("Programme spend (EUR)", 1.0, 0)
    assert KEY_OUTCOMES["laggard_share"] == ("Laggard share, no technology (%)", 100.0, 1)
