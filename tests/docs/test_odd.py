"""ODD.md describes the model as built: its modules exist, its parameter table is generated, its
Observation section lists every metric the model records."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import districtlab
from districtlab.config.describe import END_MARKER, START_MARKER, markdown_table
from tests.conftest import small

ODD = Path(__file__).resolve().parents[2] / "ODD.md"


def odd_text() -> str:
    return ODD.read_text(encoding="utf-8")


def section(title: str) -> str:
    text = odd_text()
    start = text.index(title)
    end = text.index("\n#", start + len(title))
    return text[start:end]


def test_every_named_module_exists() -> None:
    modules = sorted(set(re.findall(r"`(districtlab(?:\.[a-z_]+)+)`", odd_text())))
    assert len(modules) >= 12
    for name in modules:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            module, _, attribute = name.rpartition(".")
            assert hasattr(importlib.import_module(module), attribute), (
                f"ODD.md names {name}, which does not exist"
            )


def test_every_submodel_names_its_module() -> None:
    rows = [
        line
        for line in section("### III.iv Submodels").splitlines()
        if line.startswith("| ") and "---" not in line
    ][1:]
    assert rows
    for row in rows:
        assert re.search(r"`districtlab\.model\.[a-z_]+`", row), f"submodel without a module: {row}"


def test_parameter_table_is_the_generated_one() -> None:
    text = odd_text()
    start, end = text.index(START_MARKER), text.index(END_MARKER) + len(END_MARKER)
    assert text[start:end] == markdown_table(), "regenerate it: python -m districtlab.config.describe"


def test_observation_lists_every_recorded_metric() -> None:
    result = districtlab.simulate(small("toy-valley", firms=50, months=3.0), rng=0)
    families = {metric.split(".")[0] for metric in result.to_frame()["metric"].unique()}
    observation = section("### II.x Observation")
    missing = [family for family in sorted(families) if f"`{family}" not in observation]
    assert not missing, f"ODD.md II.x does not mention: {missing}"
