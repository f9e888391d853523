"""`districtlab demo`: the three districts under three programmes, a table and an offline report."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from districtlab.cli.main import app


def test_demo_prints_additionality_and_writes_an_offline_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--replications", "2", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Additionality over no programme" in result.output
    summary = pd.read_csv(out / "additionality.csv")
    assert len(summary) == 6  # three districts x {generic, place-based}
    assert set(summary["programme"]) == {"generic", "place-based"}
    assert summary["replications"].eq(2).all()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page, "opens offline"
    assert not re.search(r"(src|href)=\"https?://", page), "opens offline"
    for district in ("Castellón", "Vinalopó", "Toy Valley"):
        assert district in page
    assert page.count("data:image/png;base64,") == 11
    assert len(list((out / "figures").glob("*.png"))) == 11
