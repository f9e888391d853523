"""compare: means with t intervals, paired differences under common random numbers, replications needed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import districtlab
from districtlab.errors import InputError
from districtlab.experiments import ExperimentResult, compare, replications_needed, run_scenarios

from .conftest import programmes, tiny


@pytest.fixture(scope="module")
def result() -> ExperimentResult:
    return run_scenarios(programmes(tiny(firms=80, months=60)), replications=8, rng=7)


def t_interval(values: np.ndarray) -> tuple[float, float]:
    return stats.t.interval(0.95, values.size - 1, loc=values.mean(), scale=stats.sem(values))


def test_means_carry_their_t_intervals(result: ExperimentResult) -> None:
    comparison = compare(result, baseline="none", outcomes=["new_adopters"])
    values = result.outcomes().query("scenario == 'generic'")["new_adopters"].to_numpy()
    row = comparison.means.set_index(["scenario", "outcome"]).loc[("generic", "new_adopters")]
    assert row["mean"] == pytest.approx(values.mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(t_interval(values))
    assert row["replications"] == 8


def test_differences_are_paired_under_common_random_numbers(result: ExperimentResult) -> None:
    comparison = compare(result, baseline="none", outcomes=["new_adopters", "laggard_share"])
    outcomes = result.outcomes()
    place = outcomes.query("scenario == 'place-based'").sort_values("replication")["new_adopters"].to_numpy()
    none = outcomes.query("scenario == 'none'").sort_values("replication")["new_adopters"].to_numpy()
    row = comparison.differences.set_index(["scenario", "outcome"]).loc[("place-based", "new_adopters")]
    assert row["paired"]
    assert row["difference"] == pytest.approx((place - none).mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(t_interval(place - none))
    unpaired_half = (t_interval(place)[1] - t_interval(place)[0]) / 2
    assert row["half_width"] < unpaired_half  # common random numbers narrow the interval
    assert set(comparison.differences["scenario"]) == {"generic", "place-based"}


def test_without_common_random_numbers_the_interval_is_welchs() -> None:
    result = run_scenarios(programmes(tiny(months=36)), replications=5, rng=3, common_random_numbers=False)
    row = compare(result, outcomes=["new_adopters"]).differences.iloc[0]
    outcomes = result.outcomes()
    a = outcomes.query("scenario == 'generic'")["new_adopters"].to_numpy()
    b = outcomes.query("scenario == 'none'")["new_adopters"].to_numpy()
    expected = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert not row["paired"]
    assert row["baseline"] == "none"
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((expected.low, expected.high))


def test_replications_needed_reach_the_target_half_width_and_no_fewer_would() -> None:
    for sd, target in [(10.0, 2.0), (3.0, 0.5), (1.0, 1.0)]:
        n = replications_needed(sd, target, 0.95, current=4)
        assert stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) <= target
        assert stats.t.ppf(0.975, n - 2) * sd / math.sqrt(n - 1) > target or n == 2
    assert replications_needed(0.0, 1.0, 0.95, current=7) == 7


def test_targets_are_reported_per_outcome(result: ExperimentResult) -> None:
    comparison = compare(
        result,
        baseline="none",
        outcomes=["new_adopters", "laggard_share"],
        target_half_width={"new_adopters": 1.0},
    )
    differences = comparison.differences.set_index(["scenario", "outcome"])
    needed = differences.loc[("place-based", "new_adopters"), "replications_needed"]
    sd = differences.loc[("place-based", "new_adopters"), "sd_difference"]
    assert needed == replications_needed(sd, 1.0, 0.95, 8)
    assert pd.isna(differences.loc[("place-based", "laggard_share"), "replications_needed"])


def test_the_tidy_table_has_one_row_per_scenario_outcome_and_quantity(result: ExperimentResult) -> None:
    comparison = districtlab.compare(
        result, outcomes=["new_adopters", "laggard_share"], target_half_width=0.5
    )
    tidy = comparison.to_frame()
    assert list(tidy.columns) == [
        "scenario",
        "outcome",
        "quantity",
        "baseline",
        "estimate",
        "ci_low",
        "ci_high",
        "half_width",
        "sd",
        "replications",
        "paired",
        "replications_needed",
    ]
    assert len(tidy) == 3 * 2 + 2 * 2
    assert set(tidy["quantity"]) == {"mean", "difference"}
    assert comparison.baseline == "none"
    assert not tidy.duplicated(["scenario", "outcome", "quantity"]).any()


def test_unknown_outcomes_and_baselines_are_input_errors(result: ExperimentResult) -> None:
    with pytest.raises(InputError, match="unknown outcome 'adopted'; known: adopters"):
        compare(result, outcomes=["adopted"])
    with pytest.raises(InputError, match="baseline 'nothing' is not one of the scenarios"):
        compare(result, baseline="nothing")


def test_intervals_of_bounded_outcomes_respect_their_bounds() -> None:
    """Issue 12: intervals of shares went below zero. Shares stay in [0, 1], counts >= 0, share differences
    in [-1, 1]; the half-width (for replications needed) is still the t interval's."""
    from districtlab.experiments.compare import OutcomeTable, paired_differences, scenario_means

    table = pd.DataFrame(
        {
            "scenario": ["a"] * 3 + ["b"] * 3,
            "replication": [0, 1, 2] * 2,
            "laggard_share": [0.0, 0.0, 0.03, 0.99, 1.0, 0.97],
            "firms_adopting": [0.0, 0.0, 5.0, 400.0, 401.0, 390.0],
            "unlisted": [-1.0, 0.0, 1.0, 2.0, 3.0, 4.0],
        }
    )
    result = OutcomeTable(names=("a", "b"), table=table, common_random_numbers=True)
    means = scenario_means(result, outcomes=("laggard_share", "firms_adopting", "unlisted")).set_index(
        ["scenario", "outcome"]
    )
    assert means.loc[("a", "laggard_share"), "ci_low"] == 0.0
    assert means.loc[("b", "laggard_share"), "ci_high"] == 1.0
    assert means.loc[("a", "firms_adopting"), "ci_low"] == 0.0
    assert means.loc[("a", "unlisted"), "ci_low"] < -1.0  # not in the catalogue: no bounds assumed
    half = means.loc[("a", "laggard_share"), "half_width"]
    assert half == pytest.approx(stats.t.ppf(0.975, 2) * np.std([0, 0, 0.03], ddof=1) / math.sqrt(3))
    differences = paired_differences(result, baseline="a", outcomes=("laggard_share",)).iloc[0]
    assert -1.0 <= differences["ci_low"] <= differences["ci_high"] <= 1.0


def test_adoption_bands_stay_within_the_share_range() -> None:
    from districtlab.viz.figures import mean_band

    values = np.array([[0.0, 0.99], [0.0, 1.0], [0.02, 0.95]])
    _, low, high = mean_band(values, bounds=(0.0, 1.0))
    assert low.min() >= 0.0
    assert high.max() <= 1.0
    _, unbounded_low, _ = mean_band(values)
    assert unbounded_low[0] < 0.0
