"""`districtlab audit`: six tables as CSV and HTML, one-line errors with exit status 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.experiments.audit import TABLES
from districtlab.io.toml import save_scenario
from tests.conftest import small

runner = CliRunner()


def test_a_bad_preset_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "atlantis", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "atlantis" in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_one_replication_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "toy-valley", "--replications", "1", "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_a_scenario_without_a_generic_programme_is_one_line_and_exit_2(tmp_path: Path) -> None:
    scenario = small("toy-valley", firms=60, months=36.0)
    scenario = scenario.replace(programmes={"place-based": scenario.programmes["place-based"].model_dump()})
    path = tmp_path / "lonely.toml"
    save_scenario(scenario, path)
    result = runner.invoke(app, ["audit", str(path), "--replications", "2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "'generic'" in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_audit_writes_six_tables_and_an_offline_escaped_report(tmp_path: Path) -> None:
    hostile = "<script>alert('district')</script>"
    scenario = small("vinalopo-footwear", firms=120, months=48.0).replace(district=hostile)
    path = tmp_path / "small.toml"
    save_scenario(scenario, path)
    out = tmp_path / "audit"
    result = runner.invoke(
        app, ["audit", str(path), "--replications", "2", "--workers", "1", "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for key in TABLES:
        table = pd.read_csv(out / f"{key}.csv")
        assert not table.empty, key
    assert "(a) Factorial split" in result.output
    assert "tailoring premium" in result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page, "the district name is escaped, and nothing is fetched"
    assert "&lt;script&gt;" in page
    assert not re.search(r"(src|href)=\"https?://", page), "opens offline"
    for key in TABLES:
        assert f'id="audit-{key}"' in page
    assert page.count("<table") == len(TABLES)
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["seed_entropy"] == "3"
    assert metadata["replications"] == "2"
