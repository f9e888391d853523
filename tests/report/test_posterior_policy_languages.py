"""The demo's section on the policy under the calibrated posterior, in Spanish and Valencian: its texts,
sentences, table headings, numbers (decimal comma, '; ' between an interval's bounds, '47 %') and figure
labels in the chosen language, with both kinds of uncertainty named and no programme kind declared better."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from matplotlib.figure import Figure

import districtlab.viz.calibration as viz_calibration
from districtlab.calibration.demo import DemoPolicy, reference_table
from districtlab.calibration.policy import PolicyUnderPosterior
from districtlab.report.posterior_policy import posterior_policy_section

#: Per language: the heading, the two kinds of uncertainty, P(place-based beats generic), the figure's axis.
EXPECTED = {
    "es": (
        "¿Qué certeza tiene la comparación?",
        "ruido de simulación",
        "incertidumbre de los parámetros",
        "P(el territorial supera al genérico)",
        "Diferencia (empresas adoptantes adicionales)",
    ),
    "ca": (
        "Quina certesa té la comparació?",
        "soroll de simulació",
        "incertesa dels paràmetres",
        "P(el territorial supera el genèric)",
        "Diferència (empreses adoptants addicionals)",
    ),
}
#: English that must not be left in a translated section (its own words, not data or commands).
ENGLISH = (
    "simulation noise",
    "parameter uncertainty",
    "posterior draws",
    "place-based",
    "beats",
    "reference run",
    "misfit",
    "tailoring premium",
    "draws per district",
    "n/a",
)
#: Words that would declare a winner, in Spanish and Valencian.
WINNING_WORDS = ("gana", "ganador", "guanya", "guanyador", "es mejor", "és millor", "superior")


@pytest.fixture(scope="module")
def policy() -> DemoPolicy:
    """Three posterior draws of each comparison in one district (made up, so the section renders at once)."""
    rows = []
    for comparison, differences in {
        "place_based_minus_generic": [1234.5, -3.25, 8.0],
        "equal_spend": [0.5, 2.0, -1.0],
        "tailoring_premium": [12.0, 15.5, 9.0],
    }.items():
        for draw, difference in enumerate(differences):
            rows.append(
                {
                    "district": "toy-valley",
                    "comparison": comparison,
                    "draw": draw,
                    "difference": difference,
                    "noise_low": difference - 4.0,
                    "noise_high": difference + 4.0,
                }
            )
    result = PolicyUnderPosterior(pd.DataFrame(rows), "firms_adopting", replications=3)
    header = {
        "draws": "200",
        "sample_seed": "7",
        "created": "2026-11-30T05:26:15Z",
        "particles": "100",
        "effective_sample_size": "51.7",
    }
    return DemoPolicy(
        result,
        {"toy-valley": header},
        ("<script>x</script>",),
        reference_table("reference-policy"),
        reference_table("reference-sobol"),
        reference_table("reference-plateau"),
        draws=3,
        changed=("toy-valley",),
    )


def _text(page: str) -> str:
    """The page's visible prose: tags, commands (``<code>``) and the embedded figure dropped, entities decoded."""
    page = re.sub(r'src="data:[^"]*"', "", page)
    page = re.sub(r"<code>.*?</code>", "", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("language", ["es", "ca"])
def test_the_posterior_section_speaks_the_chosen_language(
    language: str, policy: DemoPolicy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert policy.reference is not None
    assert policy.sobol is not None
    assert policy.plateau is not None
    drawn: list[Figure] = []
    original = viz_calibration.policy_draws

    def keep(*args: Any, **kwargs: Any) -> Figure:
        drawn.append(original(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(viz_calibration, "policy_draws", keep)
    page = str(posterior_policy_section(policy, figures_dir=tmp_path, language=language))
    text = _text(page)
    heading, noise, parameters, probability, axis = EXPECTED[language]
    for expected in (heading, noise, parameters, probability):
        assert expected in text, expected
    for word in ENGLISH:
        assert word not in text.lower(), word
    assert not any(word in text.lower() for word in WINNING_WORDS)
    # numbers the local way: a decimal comma, '; ' between an interval's bounds, a space before '%'
    assert re.search(r"\[[+-]\d+,\d\d; [+-]\d+,\d\d\]", text)  # parameter uncertainty over draws
    assert re.search(r"\+\d\.\d{3},\d\d", text)  # thousands grouped with '.', two decimals after a comma
    assert re.search(r"\d\xa0% \[\d+\xa0%; \d+\xa0%\]", text)  # P(> 0) [90 % interval]
    assert re.search(r"\d,\d\d \[\d,\d\d; \d,\d\d\]", text)  # a Sobol' index with its interval
    assert "{" not in text
    assert "%(" not in text
    # the shipped reference, Sobol' and plateau parts are in the language too
    assert ("Ejecución de referencia" if language == "es" else "Execució de referència") in text
    assert ("Desajuste" if language == "es" else "Desajust") in text
    # provenance: dates and figures of the headers written the local way
    assert ("30 de noviembre de 2026" if language == "es" else "30 de novembre del 2026") in text
    assert "51,7" in text
    assert "<script>x" not in page
    # the figure: axis and comparison names translated
    (figure,) = drawn
    (ax,) = figure.axes
    assert ax.get_ylabel().replace("\n", " ") == axis
    ticks = " ".join(label.get_text().replace("\n", " ") for label in ax.get_xticklabels())
    assert ("territorial menos genérico" if language == "es" else "territorial menys genèric") in ticks
    assert "place-based" not in ticks
    assert (tmp_path / "posterior_policy.png").read_bytes().startswith(b"\x89PNG")


def test_english_keeps_its_wording(policy: DemoPolicy) -> None:
    text = _text(str(posterior_policy_section(policy)))
    assert "P(place-based beats generic)" in text
    assert "simulation noise" in text
    assert "parameter uncertainty" in text
    assert re.search(r"\[[+-]\d+\.\d\d, [+-]\d+\.\d\d\]", text)
    assert re.search(r"\d% \[\d+%, \d+%\]", text)
