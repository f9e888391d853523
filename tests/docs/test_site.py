"""The documentation site builds offline (mkdocs, as `make docs` does), with every page and no external asset."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")

ROOT = Path(__file__).resolve().parents[2]


def test_the_site_builds_with_every_page_and_fetches_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    pages = {path.name: path.read_text(encoding="utf-8") for path in site.glob("*.html")}
    for page in ("index.html", "tutorial.html", "odd.html", "cli.html", "api.html", "screenshots.html"):
        assert page in pages
    assert "rank_designs" in pages["api.html"], "the API reference comes from the docstrings"
    assert "districtlab lab" in pages["cli.html"]
    assert "run_scenarios" in pages["tutorial.html"]
    assert "ODD" in pages["odd.html"]
    for name, html in pages.items():
        # links to papers may point outside; scripts, stylesheets and fonts never do
        assert not re.search(r"""<(?:script|link)[^>]+(?:src|href)=["']https?://""", html), name
