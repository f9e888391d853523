"""The lab's pure parts: widget bounds from the types, design edits, runs one at a time, the lab command."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.lab import streamlit_command
from districtlab.cli.main import app
from districtlab.config import CoDesign, InstrumentDesign, Programme
from districtlab.dashboard import APP, cache
from districtlab.dashboard.design import apply_design, budget_plan, edits_of
from districtlab.dashboard.runs import run_designs
from districtlab.dashboard.screening import screening_ranges
from districtlab.dashboard.widgets import field_bounds
from districtlab.errors import InputError
from districtlab.experiments import ExperimentResult, RunCache, run_scenarios
from tests.conftest import small


def test_widget_bounds_come_from_the_field_constraints() -> None:
    assert field_bounds(Programme, "budget_eur_per_year").low == 0.0
    assert field_bounds(Programme, "budget_eur_per_year").high == 1e10
    assert field_bounds(CoDesign, "budget_share", step=0.01).high == 0.99  # lt 1: one step inside
    assert field_bounds(InstrumentDesign, "event_cost_eur", step=10).low == 10  # gt 0
    assert math.isinf(field_bounds(InstrumentDesign, "event_cost_eur").high)
    assert field_bounds(CoDesign, "participation_breadth").help == "share of local actors taking part"


def test_unchanged_edits_reproduce_the_documented_programme() -> None:
    scenario = small("castellon-ceramics")
    for name, programme in scenario.programmes.items():
        design = apply_design(scenario, programme, edits_of(programme), name=programme.name)
        assert design == scenario.with_programme(name)


def test_choosing_priorities_and_co_design_changes_the_programme() -> None:
    scenario = small("toy-valley")
    generic = scenario.programmes["generic"]
    edits = edits_of(generic)
    edits = type(edits)(
        **{
            **edits.__dict__,
            "priorities": ("robotics", "additive"),
            "focus_technologies": 2,
            "codesign": True,
        }
    )
    design = apply_design(scenario, generic, edits, name="co-designed").programme
    assert design.kind == "place-based"
    assert design.codesign is not None
    assert {k for k, v in (design.priorities or {}).items() if v > 0} == {"robotics", "additive"}


def test_impossible_designs_are_input_errors_in_one_line() -> None:
    scenario = small("toy-valley")
    base = scenario.programmes["place-based"]
    edits = edits_of(base)
    short = type(edits)(**{**edits.__dict__, "duration_months": 3})
    with pytest.raises(InputError, match=r"codesign.months \(6\) exceeds duration_months \(3\)"):
        apply_design(scenario, base, short, name="x")
    lopsided = type(edits)(
        **{**edits.__dict__, "allocation_percent": {**edits.allocation_percent, "events": 50.0}}
    )
    with pytest.raises(InputError, match="add up to 100%"):
        apply_design(scenario, base, lopsided, name="x")


def test_the_budget_plan_adds_up() -> None:
    programme = small("toy-valley").programmes["place-based"]
    plan = budget_plan(programme).set_index("line")["eur"]
    assert plan["total"] == pytest.approx(programme.budget_eur_per_year * programme.duration_months / 12)
    assert plan.drop("total").sum() == pytest.approx(plan["total"])


def test_the_lab_runs_through_run_scenarios_and_never_makes_a_cached_run_twice(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from districtlab.experiments import runner

    scenario = small("toy-valley", firms=120, months=24)
    designs = {"place-based": scenario, "generic": scenario.with_programme("generic")}
    made: list[int] = []
    original = runner.simulate

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(runner, "simulate", counting)
    progress: list[tuple[int, int, str]] = []
    cache = RunCache(100)
    mine = run_designs(
        designs,
        replications=3,
        seed=11,
        cache=cache,
        progress=lambda d, t, label: progress.append((d, t, label)),
    )
    theirs = run_scenarios(designs, replications=3, rng=11)
    pd.testing.assert_frame_equal(mine.outcomes(), theirs.outcomes())
    assert len(made) == 6 + 6  # run_designs, then run_scenarios without a cache
    assert len(cache) == 6
    assert [(d, t) for d, t, _ in progress] == [(d, 6) for d in range(1, 7)]
    assert progress[0][2] == "place-based, replication 1 of 3"
    # the same runs again, in another design (one point renamed, one more replication): only the new ones run
    made.clear()
    again = run_designs(
        {"this design": scenario, "generic": scenario.with_programme("generic")},
        replications=4,
        seed=11,
        cache=cache,
    )
    assert len(made) == 2
    pd.testing.assert_frame_equal(
        again.outcomes().drop(columns="scenario"),
        run_scenarios(designs, replications=4, rng=11).outcomes().drop(columns="scenario"),
    )


def test_a_stopped_comparison_keeps_every_finished_run_in_the_cache() -> None:
    scenario = small("toy-valley", firms=120, months=24)
    designs = {"place-based": scenario, "generic": scenario.with_programme("generic")}
    cache = RunCache(100)

    class StopError(Exception):
        pass

    def stop_after_three(done: int, total: int, label: str) -> None:
        if done == 3:
            raise StopError

    with pytest.raises(StopError):
        run_designs(designs, replications=3, seed=5, cache=cache, progress=stop_after_three)
    assert len(cache) == 3


def test_the_lab_serves_this_computer_only_headless_and_without_usage_statistics() -> None:
    command = streamlit_command(8501, "127.0.0.1")
    assert command[1:5] == ["-m", "districtlab.dashboard.serve", "run", str(APP)]
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options == {
        "--server.address": "127.0.0.1",
        "--server.port": "8501",
        "--server.headless": "true",
        "--browser.gatherUsageStats": "false",
        "--client.toolbarMode": "viewer",
        "--theme.primaryColor": "#0072B2",
    }


def test_the_screening_varies_every_parameter_the_design_has_within_its_type() -> None:
    place_based = small("toy-valley").with_programme("place-based")
    ranges, left_out = screening_ranges(place_based, 0.2)
    assert ranges["scale:programme.budget_eur_per_year"] == (0.8, 1.2)
    breadth = place_based.programme.codesign.participation_breadth  # type: ignore[union-attr]
    low, high = ranges["programme.codesign.participation_breadth"]  # a share cannot be raised past 1
    assert (low, high) == pytest.approx((breadth * 0.8, min(1.0, breadth * 1.2)))
    assert not left_out
    ranges, left_out = screening_ranges(place_based.with_programme("generic"), 0.2)
    assert "programme.codesign.participation_breadth" not in ranges
    assert len(left_out) == 1
    assert left_out[0].startswith("co-design breadth")


def test_the_exported_experiment_directory_makes_the_same_report(tmp_path: Path) -> None:
    scenario = small("toy-valley", firms=120, months=24)
    designs = {
        "place-based": scenario,
        "generic": scenario.with_programme("generic"),
        "no programme": scenario.with_programme("none"),
    }
    result = run_designs(designs, replications=2, seed=1)
    zipfile.ZipFile(io.BytesIO(cache.experiment_zip("test", result))).extractall(tmp_path)
    outcome = CliRunner().invoke(app, ["report", str(tmp_path / "experiment")])
    assert outcome.exit_code == 0, outcome.output
    loaded = ExperimentResult.load(tmp_path / "experiment")
    pd.testing.assert_frame_equal(loaded.outcomes(), result.outcomes())
    assert (tmp_path / "experiment" / "report" / "figures" / "adoption.pdf").exists()
