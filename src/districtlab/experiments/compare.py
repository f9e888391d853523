"""Compare scenarios: means with confidence intervals, paired differences, and replications needed.

Under common random numbers replication r of every scenario shares its firms,
networks and thresholds, so the difference between two scenarios is estimated
from the per-replication differences (a paired t interval), which is far
narrower than the intervals of the two means; without them the interval is
Welch's. The replications needed for an interval of a target half-width h come
from n = (t_{n-1} s / h)^2, iterated on the t quantile, with s the standard
deviation of the values (means) or of the paired differences.

Intervals of bounded outcomes respect their bounds (shares and indices in
[0, 1], counts, months and euros >= 0; differences of shares in [-1, 1]): the t
interval is intersected with the range, which keeps its coverage
(:func:`within_bounds`).

The cost per additional adopter is a ratio of two means, whose interval comes
from Fieller's theorem: when the effect is not clearly different from zero the
interval is unbounded, and it is reported as such.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from districtlab.errors import InputError
from districtlab.outcomes import bounds as outcome_bounds
from districtlab.outcomes import difference_bounds

DEFAULT_OUTCOMES = (
    "firms_adopting",
    "new_adopters",
    "laggard_share",
    "adoption_share_mean",
    "programme_spend_eur",
)
TargetHalfWidth = float | Mapping[str, float] | None


class Outcomes(Protocol):
    """What a comparison reads: scenario names, one row of outcomes per run, and the seeding.

    :class:`~districtlab.experiments.ExperimentResult` is one; so is any table of
    runs with ``scenario`` and ``replication`` columns (see :class:`OutcomeTable`).
    """

    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def common_random_numbers(self) -> bool: ...

    def outcomes(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class OutcomeTable:
    """Runs made elsewhere, as a comparison reads them: one row per run."""

    names: tuple[str, ...]
    table: pd.DataFrame = field(repr=False)
    common_random_numbers: bool

    def outcomes(self) -> pd.DataFrame:
        return self.table


def mean_interval(values: NDArray[np.float64], confidence: float) -> tuple[float, float, float, float]:
    """Mean, standard deviation and the t interval of the mean."""
    n = values.size
    mean = float(values.mean()) if n else float("nan")
    if n < 2:
        return mean, float("nan"), float("nan"), float("nan")
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n))
    return mean, sd, mean - half, mean + half


def within_bounds(low: float, high: float, bounds: tuple[float, float]) -> tuple[float, float]:
    """A confidence interval intersected with the range the quantity can take.

    The true mean of a bounded quantity lies in its range, so cutting the
    interval to that range keeps its coverage exactly: P(mu in CI and range) =
    P(mu in CI). (A percentile bootstrap also stays in range but covers too
    little at the 3-20 replications a workshop runs; Wilson's interval is for
    one binomial proportion, not a mean of per-run shares.) The half-width used
    for the replications needed is the t interval's, before the cut.
    """
    if math.isnan(low) or math.isnan(high):
        return low, high
    return max(low, bounds[0]), min(high, bounds[1])


def replications_needed(sd: float, half_width: float, confidence: float, current: int) -> int:
    """The fewest replications n >= 2 whose t interval has at most the given half-width.

    That is the smallest n with ``t_{n-1} sd / sqrt(n) <= half_width``, ``sd``
    estimated from the ``current`` replications. The normal quantile gives a
    lower bound (t exceeds it), from which n is raised one at a time. With no
    variation to estimate (``sd`` zero or NaN), ``current`` is returned.

    Examples
    --------
    >>> replications_needed(sd=10.0, half_width=2.0, confidence=0.95, current=5)
    99
    """
    if not (sd > 0 and half_width > 0):
        return current
    z = stats.norm.ppf(0.5 + confidence / 2)
    n = max(2, math.ceil((z * sd / half_width) ** 2))
    while stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n) > half_width:
        n += 1
    return n


def _target(target_half_width: TargetHalfWidth, outcome: str) -> float | None:
    if isinstance(target_half_width, Mapping):
        return target_half_width.get(outcome)
    return target_half_width


def _check(result: Outcomes, outcomes: Sequence[str], baseline: str | None) -> pd.DataFrame:
    table = result.outcomes()
    unknown = [name for name in outcomes if name not in table.columns]
    if unknown:
        known = [
            c for c in table.columns if c not in ("scenario_index", "scenario", "replication", "spawn_key")
        ]
        raise InputError(f"unknown outcome {unknown[0]!r}; known: {', '.join(known)}")
    if baseline is not None and baseline not in result.names:
        raise InputError(f"baseline {baseline!r} is not one of the scenarios: {', '.join(result.names)}")
    return table


def _values(table: pd.DataFrame, scenario: str, outcome: str) -> pd.Series:
    rows = table[table["scenario"] == scenario]
    return pd.Series(rows[outcome].to_numpy(dtype=float), index=rows["replication"].to_numpy()).sort_index()


def scenario_means(
    result: Outcomes,
    *,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    confidence: float = 0.95,
    target_half_width: TargetHalfWidth = None,
) -> pd.DataFrame:
    """Mean of each outcome in each scenario with its t interval; one row per (scenario, outcome)."""
    table = _check(result, outcomes, None)
    rows = []
    for scenario in result.names:
        for outcome in outcomes:
            values = _values(table, scenario, outcome).to_numpy()
            mean, sd, low, high = mean_interval(values, confidence)
            half_width = (high - low) / 2
            low, high = within_bounds(low, high, outcome_bounds(outcome))
            target = _target(target_half_width, outcome)
            rows.append(
                {
                    "scenario": scenario,
                    "outcome": outcome,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "half_width": half_width,
                    "sd": sd,
                    "replications": int(values.size),
                    "replications_needed": replications_needed(sd, target, confidence, int(values.size))
                    if target
                    else pd.NA,
                }
            )
    return pd.DataFrame(rows)


def paired_differences(
    result: Outcomes,
    *,
    baseline: str,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    confidence: float = 0.95,
    target_half_width: TargetHalfWidth = None,
) -> pd.DataFrame:
    """Differences of every scenario from ``baseline`` on each outcome, with confidence intervals.

    One row per (scenario, outcome): the scenario's mean, the baseline's mean,
    the mean difference and its interval (paired under common random numbers,
    Welch's otherwise), the replications, and those needed for the interval to
    reach ``target_half_width`` (when given). Under common random numbers only
    replications present in both scenarios are paired.
    """
    table = _check(result, outcomes, baseline)
    paired = result.common_random_numbers
    rows = []
    for scenario in result.names:
        if scenario == baseline:
            continue
        for outcome in outcomes:
            values, base = _values(table, scenario, outcome), _values(table, baseline, outcome)
            if paired:
                values, base = values.align(base, join="inner")
                difference, sd, low, high = mean_interval(values.to_numpy() - base.to_numpy(), confidence)
            else:
                difference = float(values.mean() - base.mean())
                if min(values.size, base.size) < 2:
                    low = high = sd = float("nan")
                else:
                    interval = stats.ttest_ind(
                        values.to_numpy(), base.to_numpy(), equal_var=False
                    ).confidence_interval(confidence)
                    low, high = float(interval.low), float(interval.high)
                    sd = float(math.sqrt(values.var(ddof=1) + base.var(ddof=1)))
            half_width = (high - low) / 2
            low, high = within_bounds(low, high, difference_bounds(outcome))
            target = _target(target_half_width, outcome)
            rows.append(
                {
                    "scenario": scenario,
                    "baseline": baseline,
                    "outcome": outcome,
                    "mean": float(values.mean()),
                    "baseline_mean": float(base.mean()),
                    "difference": difference,
                    "ci_low": low,
                    "ci_high": high,
                    "half_width": half_width,
                    "sd_difference": sd,
                    "replications": int(values.size),
                    "paired": paired,
                    "replications_needed": replications_needed(sd, target, confidence, int(values.size))
                    if target
                    else pd.NA,
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Comparison:
    """Scenarios compared on their outcomes: means and differences from a baseline, with intervals.

    Attributes
    ----------
    means
        One row per (scenario, outcome): mean, ci_low, ci_high, half_width, sd,
        replications, replications_needed.
    differences
        One row per (scenario other than the baseline, outcome): difference from
        the baseline with ci_low, ci_high, half_width, sd_difference, paired,
        replications, replications_needed (see :func:`paired_differences`).
    baseline
        The scenario the differences are taken from.
    confidence
        The level of every interval.
    """

    means: pd.DataFrame = field(repr=False)
    differences: pd.DataFrame = field(repr=False)
    baseline: str
    confidence: float

    def __repr__(self) -> str:
        from districtlab.notebook import comparison_repr

        return comparison_repr(self)

    def _repr_html_(self) -> str:
        from districtlab.notebook import comparison_html

        return comparison_html(self)

    def plot(self, outcome: str | None = None) -> Any:
        """Each design's difference from the baseline on ``outcome``, with its interval (a matplotlib figure)."""
        from districtlab.notebook import comparison_plot

        return comparison_plot(self, outcome)

    def to_frame(self) -> pd.DataFrame:
        """Both tables in one tidy table: one row per (scenario, outcome, quantity).

        ``quantity`` is ``"mean"`` (the scenario's mean) or ``"difference"`` (its
        difference from ``baseline``); ``estimate`` is the value, ``ci_low`` and
        ``ci_high`` its interval and ``sd`` the standard deviation it comes from.
        """
        means = self.means.assign(quantity="mean", baseline=pd.NA, paired=pd.NA).rename(
            columns={"mean": "estimate"}
        )
        differences = self.differences.assign(quantity="difference").rename(
            columns={"difference": "estimate", "sd_difference": "sd"}
        )
        columns = [
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
        frames = [frame[columns] for frame in (means, differences) if not frame.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def compare(
    result: Outcomes,
    *,
    baseline: str | None = None,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    confidence: float = 0.95,
    target_half_width: TargetHalfWidth = None,
) -> Comparison:
    """Compare the scenarios of an experiment: means with intervals and paired differences from a baseline.

    Parameters
    ----------
    result
        An experiment, typically of programmes run under common random numbers
        (:func:`~districtlab.experiments.run_scenarios`).
    baseline
        The scenario differences are taken from (default: the first).
    outcomes
        Scalar outcomes to compare (columns of ``result.outcomes()``).
    confidence
        Level of the t intervals.
    target_half_width
        A half-width (or one per outcome) for which to report the replications needed.

    Examples
    --------
    >>> import districtlab
    >>> from districtlab.presets import load_scenario
    >>> base = load_scenario("toy-valley").with_firms(60).with_months(24)
    >>> result = districtlab.run_scenarios(
    ...     {p: base.with_programme(p) for p in ("none", "generic")}, replications=5, rng=1
    ... )
    >>> comparison = districtlab.compare(result, baseline="none", outcomes=["new_adopters"], target_half_width=1.0)
    >>> comparison.differences[["scenario", "outcome", "paired", "replications"]].values.tolist()
    [['generic', 'new_adopters', True, 5]]
    """
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be between 0 and 1, got {confidence}")
    baseline = result.names[0] if baseline is None else baseline
    return Comparison(
        means=scenario_means(
            result, outcomes=outcomes, confidence=confidence, target_half_width=target_half_width
        ),
        differences=paired_differences(
            result,
            baseline=baseline,
            outcomes=outcomes,
            confidence=confidence,
            target_half_width=target_half_width,
        ),
        baseline=baseline,
        confidence=confidence,
    )


def fieller_ratio(
    numerator: NDArray[np.float64], denominator: NDArray[np.float64], confidence: float = 0.95
) -> tuple[float, float, float]:
    """Ratio of means of paired samples with its Fieller interval (low, high may be +-inf)."""
    n = numerator.size
    x, y = float(numerator.mean()), float(denominator.mean())
    ratio = x / y if y != 0 else float("inf") if x > 0 else float("nan")
    if n < 2:
        return ratio, float("nan"), float("nan")
    covariance = np.cov(numerator, denominator, ddof=1) / n
    t2 = stats.t.ppf(0.5 + confidence / 2, n - 1) ** 2
    a = y * y - t2 * covariance[1, 1]
    b = -2.0 * (x * y - t2 * covariance[0, 1])
    c = x * x - t2 * covariance[0, 0]
    if a <= 0.0:  # the denominator's interval includes zero: the ratio is unbounded
        return ratio, -math.inf, math.inf
    discriminant = b * b - 4 * a * c
    root = math.sqrt(max(discriminant, 0.0))
    return ratio, (-b - root) / (2 * a), (-b + root) / (2 * a)


def cost_per_additional(
    result: Outcomes,
    *,
    baseline: str,
    effect: str = "new_adopters",
    cost: str = "programme_spend_eur",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """EUR of programme spending per additional unit of ``effect`` over the baseline, with Fieller intervals."""
    table = _check(result, [effect, cost], baseline)
    rows = []
    for scenario in result.names:
        if scenario == baseline:
            continue
        spend, base_spend = _values(table, scenario, cost).align(_values(table, baseline, cost), join="inner")
        gain, base_gain = _values(table, scenario, effect).align(
            _values(table, baseline, effect), join="inner"
        )
        ratio, low, high = fieller_ratio(
            (spend - base_spend).to_numpy(), (gain - base_gain).to_numpy(), confidence
        )
        rows.append(
            {
                "scenario": scenario,
                "baseline": baseline,
                "effect": effect,
                "eur_per_additional": ratio,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(rows)


__all__ = [
    "DEFAULT_OUTCOMES",
    "Comparison",
    "compare",
    "cost_per_additional",
    "fieller_ratio",
    "mean_interval",
    "paired_differences",
    "replications_needed",
    "scenario_means",
    "within_bounds",
]
