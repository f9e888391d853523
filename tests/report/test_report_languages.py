"""Reports in Spanish and Valencian: translated text, numbers written the locale's way, the page's language
declared; design names and machine column names untouched."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from districtlab.experiments import run_scenarios
from districtlab.experiments.analysis import ExperimentData, additionality_summary, format_interval
from districtlab.experiments.audit import describe
from districtlab.experiments.programmes import compare_programmes
from districtlab.experiments.spend import spend_clause
from districtlab.report import write_demo_report
from districtlab.report.audit import readable
from districtlab.report.experiment import render_report
from tests.conftest import small
from tests.report.test_audit_report import _frame

#: What each language must show: a heading, a table heading, a sentence of the ODD summary.
EXPECTED = {
    "es": ("Resultados al final del periodo", "Presupuesto (euros al año)", "Visión general del proceso"),
    "ca": ("Resultats al final del període", "Pressupost (euros a l'any)", "Visió general del procés"),
    "en": ("Outcomes at the horizon", "Budget (EUR a year)", "Process overview"),
}


@pytest.fixture(scope="module")
def data() -> ExperimentData:
    scenario = small("toy-valley", firms=150, months=36)
    designs = {
        "place-based": scenario,
        "generic": scenario.with_programme("generic"),
        "no programme": scenario.with_programme("none"),
    }
    return ExperimentData.of(run_scenarios(designs, replications=3, rng=5))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.lang = ""
        self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        self._cell = tag == "td"

    def handle_data(self, data: str) -> None:
        if self._cell:
            self.cells.append(data.strip())
            self._cell = False


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_the_report_speaks_the_language_and_writes_its_numbers(data: ExperimentData, language: str) -> None:
    page = render_report(
        data, title="Toy Valley", baseline="no programme", metadata={"key": "value"}, language=language
    )
    parsed = _Text()
    parsed.feed(page)
    assert parsed.lang == language
    shown = html.unescape(page)
    for text in EXPECTED[language]:
        assert text in shown, (language, text)
    for other in EXPECTED.keys() - {language}:
        assert EXPECTED[other][0] not in shown
    budget = data.scenarios[0].programme.budget_eur_per_year  # 400,000 EUR a year in the preset
    assert budget >= 100_000
    grouped = f"{budget:,.0f}".replace(",", "." if language != "en" else ",")
    assert grouped in parsed.cells, (grouped, parsed.cells)
    # every interval is written the locale's way: decimal comma and a semicolon between the bounds in
    # es and ca ("118,5 [104,2; 132,8]"), a decimal point and a comma in en ("118.5 [104.2, 132.8]")
    intervals = [cell for cell in parsed.cells if re.fullmatch(r"\S+ \[\S+[,;] \S+\]", cell)]
    assert len(intervals) >= 10
    if language == "en":
        assert all(re.fullmatch(r"-?[\d,]+(\.\d+)? \[.+, .+\]", cell) for cell in intervals), intervals
    else:
        assert all(re.fullmatch(r"-?[\d.]+(,\d+)? \[.+; .+\]", cell) for cell in intervals), intervals
        assert any("," in cell for cell in intervals)  # decimals with a comma
    assert "<td>place-based</td>" in page  # design names are the user's, never translated
    assert "<td>no programme</td>" in page


def test_interval_sentences_and_money_in_spanish_and_valencian() -> None:
    assert format_interval(1234.5, 1000.25, 1500, language="es") == "1.234,5 [1.000,2; 1.500,0]"
    assert format_interval(1234.5, 1000.25, 1500) == "1,234.5 [1,000.2, 1,500.0]"
    assert describe(1.2, -3.0, 5.4, "empreses", language="ca") == (
        "sense efecte detectable (+1,2 empreses, IC 95 % de -3,0 a +5,4)"
    )
    clause = spend_clause("A", 1_000_000, "B", 500_000, language="es")
    assert clause.startswith("un gasto público realizado distinto (A 1.000.000 €, B 500.000 €")


@pytest.mark.parametrize(
    ("language", "heading", "money", "no_effect"),
    [
        ("es", "Gasto público realizado (euros)", "1.450.000", "sin efecto detectable"),
        ("ca", "Despesa pública realitzada (euros)", "1.450.000", "sense efecte detectable"),
    ],
)
def test_audit_tables_in_spanish_and_valencian(
    language: str, heading: str, money: str, no_effect: str
) -> None:
    table = readable(_frame(), language)
    assert heading in table.columns
    assert money in list(table[heading])
    assert no_effect in table.iloc[:, -1].tolist()
    assert "20,0 [10,0; 30,0]" in table.iloc[:, 1].tolist()


#: The demo page in each language: its heading, a programme's name in the tables, the verdict's counterfactual.
DEMO = {
    "es": ("Adicionalidad frente a ningún programa", "<td>territorial</td>", "frente a «sin programa»"),
    "ca": ("Addicionalitat davant de cap programa", "<td>territorial</td>", "davant de «sense programa»"),
}


@pytest.mark.parametrize("language", ["es", "ca"])
def test_the_demo_report_speaks_the_language(tmp_path: Path, language: str) -> None:
    scenario = small("toy-valley", firms=150, months=36)
    comparisons = compare_programmes([("toy-valley", scenario)], replications=3, rng=2)
    summary = additionality_summary(comparisons)
    contrast = comparisons[0].place_based_vs_generic()
    page = write_demo_report(comparisons, summary, contrast, tmp_path, {"key": "value"}, language=language)
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert f'<html lang="{language}">' in text
    for expected in DEMO[language]:
        assert expected in text, expected
    assert "Additionality over no programme" not in text
    budget = f"{summary['budget_eur'].iloc[0]:,.0f}".replace(",", ".")
    assert f"<td>{budget}</td>" in text  # 1.200.000: the budget grouped with points
    # the CSV beside the page keeps machine column names and raw numbers
    written = pd.read_csv(tmp_path / "additionality.csv")
    assert {"district", "scenario", "additional_firms", "budget_eur"} <= set(written.columns)
    assert set(written["scenario"]) == {"generic", "place-based"}
