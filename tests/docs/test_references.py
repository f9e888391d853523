"""No file of the project cites a Markdown file the project does not contain (issue 12: presets and
docstrings cited MODEL.md and district_facts.md, which live outside the repository)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITED = re.compile(r"(?<![\w/.-])([\w-]+\.md)\b")
#: Where references are read: the package (code, presets, templates), the tests and benchmarks. (The
#: documentation site's pages link to pages that docs/hooks.py generates at build time; `make docs`
#: checks those links itself, with --strict.)
SEARCHED = ("src", "tests", "benchmarks")
SUFFIXES = {".py", ".toml", ".md", ".html", ".j2", ".yml", ".yaml", ".txt", ".ipynb"}


def _files() -> list[Path]:
    # (CHANGELOG.md is left out: it records the references that were removed.)
    files = [ROOT / name for name in ("README.md", "ODD.md") if (ROOT / name).exists()]
    for folder in SEARCHED:
        files += [path for path in (ROOT / folder).rglob("*") if path.is_file() and path.suffix in SUFFIXES]
    return files


def test_every_cited_markdown_file_is_in_the_project() -> None:
    contained = {path.name for path in ROOT.rglob("*.md") if ".venv" not in path.parts}
    missing = {
        (str(path.relative_to(ROOT)), name)
        for path in _files()
        if path != Path(__file__)
        for name in CITED.findall(path.read_text(encoding="utf-8", errors="replace"))
        if name not in contained
    }
    assert not missing, sorted(missing)
