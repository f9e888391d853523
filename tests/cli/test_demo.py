"""`districtlab demo`: the three districts under three programmes, a table and an offline report."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from districtlab.cli.main import app


def test_demo_prints_additionality_and_writes_an_offline_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--replications", "2", "--workers", "1", "--posterior-draws", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Additionality over no programme" in result.output
    summary = pd.read_csv(out / "additionality.csv")
    assert len(summary) == 6  # three districts x {generic, place-based}
    assert set(summary["scenario"]) == {"generic", "place-based"}
    assert summary["replications"].eq(2).all()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page, "opens offline"
    assert not re.search(r"(src|href)=\"https?://", page), "opens offline"
    for district in ("Castellón", "Vinalopó", "Toy Valley"):
        assert district in page
    assert page.count("data:image/png;base64,") == 13  # 12 + the policy under the posterior
    assert len(list((out / "figures").glob("*.png"))) == 13
    assert "under the calibrated posterior" in page
    assert "Simulation noise" in page
    assert "Parameter uncertainty" in page
    # Firms lead, money is stated, and a cost appears only where its effect is detectable.
    for column in (
        "additional_firms",
        "additional_adopters",
        "budget_eur",
        "spend_eur",
        "unspent_budget_eur",
        "eur_per_additional_firm",
    ):
        assert column in summary.columns
    assert "Additional adopting firms" in page
    assert "Realised public spend" in page
    costed = summary[summary["eur_per_additional_firm"].notna()]
    assert ((costed["additional_firms_low"] > 0) | (costed["additional_firms_high"] < 0)).all()
    spans_zero = summary[(summary["additional_firms_low"] <= 0) & (summary["additional_firms_high"] >= 0)]
    assert spans_zero["eur_per_additional_firm"].isna().all()
    assert (summary["unspent_budget_eur"] - (summary["budget_eur"] - summary["spend_eur"])).abs().max() < 1e-6
