"""mkdocs hooks: pages generated at build time from what the project already holds, so they cannot drift.

- ``odd.md``: ODD.md as it is;
- ``cli.md``: the help of ``districtlab`` and of each of its commands (Typer's own text);
- ``tutorial.md``: docs/tutorial.ipynb as Markdown (its code; the suite executes the notebook).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]


def _cli_reference() -> str:
    from typer.main import get_command
    from typer.testing import CliRunner

    from districtlab.cli.main import app

    runner = CliRunner()
    command = get_command(app)
    names = sorted(getattr(command, "commands", {}))
    parts = ["# Command line\n", "Generated from the commands' own help.\n"]
    for path in [[], *([name] for name in names)]:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
        text = re.sub(r"\x1b\[[0-9;]*m", "", result.output)
        parts.append(f"## `districtlab {' '.join(path)}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


def _tutorial() -> str:
    notebook = json.loads((ROOT / "docs" / "tutorial.ipynb").read_text(encoding="utf-8"))
    parts = ["*This page is the notebook `docs/tutorial.ipynb`; open it in Jupyter to run it.*\n"]
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        parts.append(source if cell["cell_type"] == "markdown" else f"```python\n{source}\n```")
    return "\n\n".join(parts)


def on_files(files: Files, config: Any) -> Files:
    pages = {
        "odd.md": (ROOT / "ODD.md").read_text(encoding="utf-8"),
        "cli.md": _cli_reference(),
        "tutorial.md": _tutorial(),
    }
    for name, content in pages.items():
        files.append(File.generated(config, name, content=content))
    return files
