"""The tutorial notebook runs from top to bottom in a kernel of this Python (nbclient), without errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.ipynb"


def test_the_tutorial_runs_and_reads_a_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = nbformat.read(TUTORIAL, as_version=4)
    source = str(Path(__file__).resolve().parents[2] / "src")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])))
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",  # ipykernel's kernel: this interpreter (sys.executable)
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = [
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    ]
    errors = [
        o
        for cell in notebook.cells
        if cell.cell_type == "code"
        for o in cell.outputs
        if o.output_type == "error"
    ]
    assert not errors
    text = "\n".join(outputs)
    assert "Toy Valley" in text
    assert "paired replications" in text
    assert "réplicas emparejadas" in text
