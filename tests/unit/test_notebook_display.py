"""Notebook display: a short repr, an HTML summary with names escaped, and a figure, for every result kind."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from districtlab import compare, run_scenarios, simulate
from districtlab.presets import load_preset


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_preset("toy-valley").replace(months=6, name="<b>toy</b>")


def test_a_run_shows_briefly_and_plots(scenario) -> None:  # type: ignore[no-untyped-def]
    run = simulate(scenario, rng=3)
    text = repr(run)
    assert text.startswith("RunResult(")
    assert "seed=" in text
    assert len(text) < 200, "the scenario is not printed in full"
    page = run._repr_html_()
    assert "&lt;b&gt;toy&lt;/b&gt;" in page
    assert "<b>toy</b>" not in page
    assert "Adopting firms" in page
    assert isinstance(run.plot(), Figure)


def test_an_experiment_and_its_comparison_show_briefly_and_plot(scenario) -> None:  # type: ignore[no-untyped-def]
    designs = {"place-based": scenario.with_programme("place-based"), "none": scenario.with_programme("none")}
    result = run_scenarios(designs, replications=2, rng=3)
    assert repr(result) == "ExperimentResult(2 designs: place-based, none; 2 replications, seed=3)"
    assert "Programme spend (EUR) (mean)" in result._repr_html_()
    assert isinstance(result.plot(), Figure)
    comparison = compare(result, baseline="none")
    assert repr(comparison).startswith("Comparison(2 designs against 'none'")
    assert "difference" in comparison._repr_html_()
    assert isinstance(comparison.plot(), Figure)
