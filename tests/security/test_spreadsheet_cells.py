"""Text that a spreadsheet would run as a formula is written as text in every CSV meant for spreadsheets."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.io.spreadsheet import safe_cell, spreadsheet_csv, spreadsheet_safe

FORMULAS = ['=HYPERLINK("http://example.invalid","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_would_start_a_formula_is_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "a=b", "", 3, -0.5, None])
def test_other_cells_are_unchanged(value: object) -> None:
    assert safe_cell(value) == value


def test_numbers_stay_numbers_and_names_are_checked_too() -> None:
    frame = pd.DataFrame({"=name": ["=1+1", "ok"], "value": [-0.5, 2.0]})
    safe = spreadsheet_safe(frame)
    assert list(safe.columns) == ["'=name", "value"]
    assert safe["value"].tolist() == [-0.5, 2.0]
    assert spreadsheet_csv(frame).splitlines() == ["'=name,value", "'=1+1,-0.5", "ok,2.0"]
    assert frame["=name"].tolist() == ["=1+1", "ok"]  # the caller's frame is not changed


def test_a_sweep_writes_formula_like_levels_as_text(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            "toy-valley",
            "--firms",
            "150",
            "--months",
            "12",
            "--seed",
            "1",
            "--replications",
            "1",
            "--param",
            "description==1+1,@cmd",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    with open(out / "points.csv", newline="", encoding="utf-8") as stream:
        cells = [cell for row in csv.reader(stream) for cell in row]
    assert "'=1+1" in cells
    assert "'@cmd" in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
