"""Presets: every number is sourced or marked as an assumption; generic priorities are the regional mean."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import numpy as np
import pytest

from districtlab.errors import InputError
from districtlab.presets import export_preset, list_presets, load_scenario, preset_text

NUMBER = re.compile(r"^\s*[A-Za-z0-9_\-]+\s*=\s*-?[0-9][0-9_.eE+\-]*\s*(#.*)?$")
SOURCE = re.compile(
    r"\[[A-Z][A-Za-z0-9\-]*\]|ASSUMPTION|ODD\.md §|unused|as above|as the|the same|derived|always on|no grants|does not|not part|not in|not ASCER|own association|\(see above\)"
)


def test_three_district_presets_are_shipped() -> None:
    assert list_presets() == ("castellon-ceramics", "toy-valley", "vinalopo-footwear")


def _unsourced(text: str) -> list[str]:
    header_comment = ""
    missing = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("["):
            header_comment = line.split("#", 1)[1] if "#" in line else ""
            continue
        if NUMBER.match(line):
            comment = line.split("#", 1)[1] if "#" in line else ""
            if not (SOURCE.search(comment) or SOURCE.search(header_comment)):
                missing.append(f"line {number}: {line.strip()}")
    return missing


def test_every_number_has_a_source_or_an_assumption(preset_name: str) -> None:
    """Each numeric line carries a comment with a source key or ASSUMPTION, or sits under a table header that does."""
    missing = _unsourced(preset_text(preset_name))
    assert not missing, "\n".join(missing)


def test_every_number_of_the_region_has_a_source_or_an_assumption() -> None:
    text = (
        resources.files("districtlab.presets").joinpath("regions/valencian-community.toml").read_text("utf-8")
    )
    missing = _unsourced(text)
    assert not missing, "\n".join(missing)


def test_presets_take_behaviour_and_generic_priorities_from_their_region() -> None:
    for name in list_presets():
        raw = tomllib.loads(preset_text(name))
        assert raw["region"] == "valencian-community"
        assert "behaviour" not in raw, "behaviour is the region's, written once"
        assert "priorities" not in raw["programmes"]["generic"], "computed at load time"


def test_generic_priorities_are_the_mean_relevance_of_the_three_districts() -> None:
    relevance = np.array([[t.relevance for t in load_scenario(name).technologies] for name in list_presets()])
    names = [t.name for t in load_scenario(list_presets()[0]).technologies]
    for name in list_presets():
        priorities = load_scenario(name).programmes["generic"].priorities
        assert priorities is not None
        np.testing.assert_allclose([priorities[n] for n in names], relevance.mean(axis=0), atol=5e-5)


def test_shared_behaviour_is_identical_across_districts() -> None:
    behaviours = {load_scenario(name).behaviour for name in list_presets()}
    assert len(behaviours) == 1


def test_documented_demonstrators_are_affordable(preset_name: str) -> None:
    programme = load_scenario(preset_name).programmes["place-based"]
    assert programme.allocation is not None
    assert programme.design is not None
    assert programme.codesign is not None
    delivery = programme.total_budget_eur * (1 - programme.codesign.budget_share)
    assert programme.allocation.demonstrator * delivery >= programme.design.demonstrator_cost_eur


def test_export_writes_an_editable_file_with_its_sources(tmp_path, preset_name: str) -> None:
    path = export_preset(preset_name, tmp_path / "mine.toml")
    text = path.read_text()
    assert "ASSUMPTION" in text
    assert tomllib.loads(text)["name"] == preset_name
    assert load_scenario(str(path)) == load_scenario(preset_name)


def test_unknown_preset_is_one_line() -> None:
    with pytest.raises(InputError, match="unknown preset 'atlantis'"):
        load_scenario("atlantis")
