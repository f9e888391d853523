"""Morris and Sobol' indices (SALib) on scalar outcomes and per-step series, and their figures."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments import ExperimentResult, latin_hypercube, run_scenarios
from districtlab.experiments.sensitivity import COLUMNS, analyse, morris_design, saltelli_design
from districtlab.viz import indices_over_steps, morris_scatter, sensitivity_panels, sobol_bars

from .conftest import tiny

#: Imitation drives diffusion; the no-programme scenario ignores its budget, so
#: under common random numbers that parameter has no effect at all.
RANGES = {
    "scale:technologies.*.imitation_strength": (0.5, 2.0),
    "programme.budget_eur_per_year": (1e5, 1e6),
}
INERT = "programme.budget_eur_per_year"
ACTIVE = "scale:technologies.*.imitation_strength"


@pytest.fixture(scope="module")
def base() -> Scenario:
    return tiny(firms=60, months=36).with_programme("none")


@pytest.fixture(scope="module")
def morris_result(base: Scenario) -> ExperimentResult:
    return run_scenarios(morris_design(base, RANGES, trajectories=6, rng=1), replications=2, rng=2)


@pytest.fixture(scope="module")
def sobol_result(base: Scenario) -> ExperimentResult:
    return run_scenarios(saltelli_design(base, RANGES, n=16, rng=1), replications=1, rng=2)


def test_morris_finds_the_active_parameter_and_no_effect_of_the_inert_one(
    morris_result: ExperimentResult,
) -> None:
    result = analyse(morris_result, outcomes=["new_adopters", "laggard_share"])
    table = result.scalar().set_index(["outcome", "parameter", "index"])
    assert table.loc[("new_adopters", INERT, "mu_star"), "value"] == 0.0
    assert table.loc[("new_adopters", INERT, "sigma"), "value"] == 0.0
    assert table.loc[("new_adopters", ACTIVE, "mu_star"), "value"] > 0.0
    assert table.loc[("new_adopters", ACTIVE, "mu_star"), "conf"] >= 0.0
    assert list(result.indices.columns) == list(COLUMNS)
    assert result.method == "morris"
    assert result.parameters == (ACTIVE, INERT)
    assert result.replications == 2


def test_sobol_indices_of_an_inert_parameter_are_exactly_zero(sobol_result: ExperimentResult) -> None:
    assert len(sobol_result.names) == 16 * (2 + 2)
    result = analyse(sobol_result, outcomes=["new_adopters"])
    table = result.scalar().set_index(["parameter", "index"])
    assert table.loc[(INERT, "S1"), "value"] == 0.0
    assert table.loc[(INERT, "ST"), "value"] == 0.0
    assert table.loc[(ACTIVE, "ST"), "value"] > 0.5
    assert np.isfinite(table.loc[(ACTIVE, "ST"), "conf"])


def test_indices_of_a_series_are_computed_at_every_step(
    morris_result: ExperimentResult, base: Scenario
) -> None:
    result = analyse(morris_result, outcomes=["new_adopters"], series=["adoption_share_mean"])
    steps = result.over_steps("adoption_share_mean")
    assert sorted(steps["step"].unique()) == list(range(base.n_steps + 1))
    assert len(steps) == (base.n_steps + 1) * 2 * 3  # steps x parameters x (mu_star, mu, sigma)
    at_start = steps[steps["step"] == 0]
    assert (at_start["value"] == 0.0).all()  # nothing has happened yet: no parameter has an effect
    later = steps[(steps["parameter"] == ACTIVE) & (steps["index"] == "mu_star")]
    assert later["value"].max() > 0.0


def test_the_bootstrap_is_seeded(sobol_result: ExperimentResult) -> None:
    first = analyse(sobol_result, outcomes=["new_adopters"]).indices
    again = analyse(sobol_result, outcomes=["new_adopters"]).indices
    other = analyse(sobol_result, outcomes=["new_adopters"], rng=99).indices
    assert first.equals(again)
    assert not first["conf"].equals(other["conf"])


def test_designs_check_their_arguments(base: Scenario) -> None:
    with pytest.raises(InputError, match="power of two"):
        saltelli_design(base, RANGES, n=12)
    with pytest.raises(InputError, match="even number of levels"):
        morris_design(base, RANGES, levels=3)
    with pytest.raises(InputError, match="multiple of levels - 1 = 3"):
        morris_design(base.with_programme("generic"), {"programme.design.project_size": (2, 6)})
    grid = morris_design(
        base.with_programme("generic"), {"programme.design.project_size": (2, 8)}, trajectories=4, rng=1
    )
    assert set(grid.table["programme.design.project_size"]) <= {2, 4, 6, 8}  # type: ignore[index]
    with pytest.raises(InputError, match="outside what its type allows"):
        morris_design(base, {"programme.budget_eur_per_year": (-1.0, 1.0)})


def test_analysis_needs_a_sensitivity_design_and_known_outcomes(
    base: Scenario, morris_result: ExperimentResult
) -> None:
    lhs = run_scenarios(latin_hypercube(base, RANGES, 2, rng=1), replications=1, rng=1)
    with pytest.raises(InputError, match="need a Morris or Saltelli design"):
        analyse(lhs)
    with pytest.raises(InputError, match="unknown outcome 'adopted'"):
        analyse(morris_result, outcomes=["adopted"])
    with pytest.raises(InputError, match="is missing \\(NaN\\)"):
        analyse(morris_result, outcomes=["months_to_half.ai"])


def test_figures_are_built_from_the_tidy_table(
    morris_result: ExperimentResult, sobol_result: ExperimentResult
) -> None:
    morris = analyse(
        morris_result, outcomes=["new_adopters", "laggard_share"], series=["laggard_share"]
    ).indices
    sobol = analyse(sobol_result, outcomes=["new_adopters"]).indices
    scatter = morris_scatter(morris, outcome="new_adopters")
    assert isinstance(scatter, Figure)
    assert len(scatter.axes[0].lines) >= 2
    bars = sobol_bars(sobol, outcome="new_adopters")
    assert len(bars.axes[0].patches) == 2 * 2
    panels = sensitivity_panels(morris)
    assert sum(ax.get_visible() for ax in panels.axes) == 2
    over = indices_over_steps(morris, series="laggard_share")
    assert len(over.axes[0].lines) == 2
    with pytest.raises(KeyError):
        sobol_bars(sobol, outcome="laggard_share")
