"""Scenario files saved from a design keep their source's comments, and read back as exactly the design."""

from __future__ import annotations

from districtlab.io.toml import dump_scenario, parse_scenario
from districtlab.io.toml_comments import dump_keeping_comments
from districtlab.presets import load_preset, preset_text


def test_a_changed_design_keeps_the_presets_comments_and_its_values() -> None:
    source = preset_text("toy-valley")
    scenario = load_preset("toy-valley")
    design = scenario.replace(
        programme={**scenario.programme.model_dump(), "budget_eur_per_year": 2_000_000.0}
    )
    text = dump_keeping_comments(design, source)
    assert parse_scenario(text, source="saved") == design
    kept = [line.strip() for line in source.splitlines() if line.strip().startswith("#")]
    assert kept
    assert all(line in text for line in kept), "every full-line comment of the preset survives"
    assert "ASSUMPTION" in text


def test_without_a_source_or_with_a_broken_one_the_plain_dump_is_written() -> None:
    scenario = load_preset("toy-valley")
    assert dump_keeping_comments(scenario, None) == dump_scenario(scenario)
    assert dump_keeping_comments(scenario, "this is [not toml") == dump_scenario(scenario)
