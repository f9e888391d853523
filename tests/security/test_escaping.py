"""Hostile names from scenario files and experiment metadata come out of every HTML report as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import districtlab.report as report_package
from districtlab.cli.main import app
from districtlab.config import Scenario
from districtlab.experiments import run_scenarios
from districtlab.experiments.analysis import additionality_summary
from districtlab.experiments.programmes import compare_programmes
from districtlab.report import write_demo_report
from districtlab.report.jinja import environment as report_environment
from tests.conftest import small

SCRIPT = "<script>alert(1)</script>"
QUOTES = 'x" onerror="alert(2)\' y'
TITLE = "</title><h1>owned</h1>"
HOSTILE = f"{SCRIPT}{QUOTES}{TITLE}"


def hostile(scenario: Scenario) -> Scenario:
    return Scenario.model_validate({**scenario.model_dump(), "district": HOSTILE, "name": HOSTILE})


class _Elements(HTMLParser):
    """Every start tag and attribute name of a page, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self._in_h1 = tag == "h1"

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data)


def assert_escaped(html: str, *, page: bool = True) -> None:
    elements = _Elements()
    elements.feed(html)
    assert "script" not in elements.tags  # reports are offline pages: no script of any kind
    assert "onerror" not in elements.attributes  # the quotes did not close an attribute
    assert elements.tags.count("title") == (1 if page else 0)
    assert "owned" not in elements.h1
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text


TEMPLATES = sorted(path.name for path in (Path(report_package.__file__).parent / "templates").glob("*.j2"))


def test_every_template_of_the_package_is_rendered_with_autoescaping() -> None:
    assert {"demo.html.j2", "experiment.html.j2", "odd_summary.html.j2"} <= set(TEMPLATES)
    environment = report_environment()
    for name in TEMPLATES:
        template = environment.get_template(name)
        assert "&lt;b&gt;" in environment.from_string("{{ x }}").render(x="<b>")
        assert template.environment.autoescape is True


@pytest.mark.parametrize("template", ["demo.html.j2", "experiment.html.j2", "odd_summary.html.j2"])
def test_every_template_escapes_what_it_is_given(template: str) -> None:
    environment = report_environment()
    assert environment.autoescape is True
    source = environment.loader.get_source(environment, template)[0]  # type: ignore[union-attr]
    names = set(re.findall(r"{{\s*([a-z_]+)", source))
    context: dict[str, object] = dict.fromkeys(names, HOSTILE)
    context |= {
        "metadata": {HOSTILE: HOSTILE},
        "submodels": [(HOSTILE, HOSTILE)],
        "figures": [{"caption": HOSTILE, "uri": HOSTILE}],
        "headline_figures": [{"caption": HOSTILE, "uri": HOSTILE}],
        "curve_figures": [],
        "channel_figures": [],
        "size_figures": [],
        "difference_table": HOSTILE,
        "verdict": HOSTILE,
        "paired": True,
        "replications": 2,
    }
    html = environment.get_template(template).render(**context)
    assert_escaped(html, page=template != "odd_summary.html.j2")


def test_the_demo_report_escapes_district_names(tmp_path: Path) -> None:
    scenario = hostile(small("toy-valley", firms=150, months=24))
    comparisons = compare_programmes([("toy-valley", scenario)], replications=2, rng=1)
    summary = additionality_summary(comparisons)
    contrast = comparisons[0].place_based_vs_generic()
    page = write_demo_report(comparisons, summary, contrast, tmp_path, {HOSTILE: HOSTILE})
    assert_escaped(page.read_text(encoding="utf-8"))


def test_the_experiment_report_escapes_district_and_design_names(tmp_path: Path) -> None:
    scenario = hostile(small("toy-valley", firms=150, months=24))
    designs = {HOSTILE: scenario, "none": scenario.with_programme("none")}
    store = tmp_path / "experiment"
    run_scenarios(designs, replications=2, rng=2, store=store)
    result = CliRunner().invoke(app, ["report", str(store), "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    assert_escaped((tmp_path / "report" / "index.html").read_text(encoding="utf-8"))
