"""Programme comparisons: paired differences with confidence intervals, and cost per additional adopter.

Under common random numbers replication r of every scenario shares its firms,
networks and thresholds, so the difference between two scenarios is estimated
from the per-replication differences (a paired t interval); without them the
interval is Welch's. The cost per additional adopter is a ratio of two means,
whose interval comes from Fieller's theorem: when the effect is not clearly
different from zero the interval is unbounded, and it is reported as such.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from districtlab.experiments.runner import ExperimentResult

DEFAULT_OUTCOMES = ("new_adopters", "laggard_share", "adoption_share_mean", "programme_spend_eur")


def _paired_values(result: ExperimentResult, scenario: str, baseline: str, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    table = result.outcomes().set_index(["scenario", "replication"])[outcome]
    return table.loc[scenario].sort_index().to_numpy(), table.loc[baseline].sort_index().to_numpy()


def mean_interval(values: np.ndarray, confidence: float) -> tuple[float, float, float, float]:
    """Mean, standard deviation and the t interval of the mean."""
    n = values.size
    mean = float(values.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), float("nan")
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n))
    return mean, sd, mean - half, mean + half


def replications_needed(sd: float, half_width: float, confidence: float, current: int) -> int:
    """Replications for a t interval of the given half-width (iterating on the t quantile)."""
    if not (sd > 0 and half_width > 0):
        return current
    n = max(current, 2)
    for _ in range(50):
        needed = math.ceil((stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / half_width) ** 2)
        if needed == n:
            break
        n = max(needed, 2)
    return int(n)


def compare(
    result: ExperimentResult,
    *,
    baseline: str,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    confidence: float = 0.95,
    target_half_width: float | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Differences of every scenario from ``baseline`` on each outcome, with confidence intervals.

    Returns a tidy DataFrame with one row per (scenario, outcome): the scenario's
    mean, the baseline's mean, the mean difference and its interval, the number of
    replications, whether the difference is paired, and the replications needed
    for the interval to reach ``target_half_width`` (when given).
    """
    if baseline not in result.names:
        raise ValueError(f"baseline {baseline!r} is not one of the scenarios: {', '.join(result.names)}")
    rows = []
    for scenario in result.names:
        if scenario == baseline:
            continue
        for outcome in outcomes:
            values, base = _paired_values(result, scenario, baseline, outcome)
            if result.common_random_numbers:
                difference, sd, low, high = mean_interval(values - base, confidence)
            else:
                difference = float(values.mean() - base.mean())
                test = stats.ttest_ind(values, base, equal_var=False)
                interval = test.confidence_interval(confidence)
                low, high = float(interval.low), float(interval.high)
                sd = float(math.sqrt(values.var(ddof=1) + base.var(ddof=1)))
            target = target_half_width.get(outcome) if isinstance(target_half_width, Mapping) else target_half_width
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
                    "half_width": (high - low) / 2,
                    "sd_difference": sd,
                    "replications": int(values.size),
                    "paired": result.common_random_numbers,
                    "replications_needed": (
                        replications_needed(sd, target, confidence, int(values.size)) if target else pd.NA
                    ),
                }
            )
    return pd.DataFrame(rows)


def fieller_ratio(
    numerator: np.ndarray, denominator: np.ndarray, confidence: float = 0.95
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
    result: ExperimentResult,
    *,
    baseline: str,
    effect: str = "new_adopters",
    cost: str = "programme_spend_eur",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """EUR of programme spending per additional unit of ``effect`` over the baseline, with Fieller intervals."""
    rows = []
    for scenario in result.names:
        if scenario == baseline:
            continue
        spend, base_spend = _paired_values(result, scenario, baseline, cost)
        gain, base_gain = _paired_values(result, scenario, baseline, effect)
        ratio, low, high = fieller_ratio(spend - base_spend, gain - base_gain, confidence)
        rows.append(
            {"scenario": scenario, "baseline": baseline, "effect": effect, "eur_per_additional": ratio, "ci_low": low, "ci_high": high}
        )
    return pd.DataFrame(rows)
