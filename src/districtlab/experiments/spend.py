"""Budgets and realised public spend: when two designs may be said to have "the same budget".

A programme's budget is what it may spend; what it *realises* depends on how
many firms take up its instruments. Two designs with equal budgets can spend
very different amounts, and a comparison that calls them "the same budget"
then compares unequal public money. This module holds the one rule every text
follows (:func:`spends_match`: realised public spend within 5 %) and
:func:`match_spend`, which scales one design's budget until its realised
public spend matches the other's, so that designs can be compared at equal
spend.

Budgets are scaled rather than calls re-opened: scaling the yearly budget keeps
the design's calendar, instrument shares and unit costs, and changes only how
much money flows into its accounts (ASSUMPTION: a design scaled up buys more
of the same units; see ODD.md, "Equal-spend comparisons").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from districtlab._rng import RNGLike, as_seed_sequence
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.runner import ExperimentResult, Progress, run_scenarios
from districtlab.i18n.numbers import format_amount, format_percent
from districtlab.i18n.translate import gettext_for

#: Realised public spend of two designs is "the same" when it differs by less than this share
#: (of the larger spend); only then may a text say "same budget".
SAME_SPEND_TOLERANCE = 0.05
#: The matching loop aims well inside the tolerance, so that the matched designs pass the rule.
MATCH_TARGET = 0.02
#: Most budget rescalings tried before matching is given up.
MAX_ITERATIONS = 8
#: Largest factor a budget is scaled by (a design that cannot spend more than 1/50 of what
#: the other spends is reported as unmatched rather than given an absurd budget).
MAX_SCALE = 50.0
#: The outcome holding a run's realised public spend (EUR over the horizon).
PUBLIC_SPEND = "programme_spend_eur"


def spend_gap(first: float, second: float) -> float:
    """Relative difference of two spends, as a share of the larger (0 when both are zero)."""
    larger = max(abs(first), abs(second))
    return 0.0 if larger == 0.0 else abs(first - second) / larger


def spends_match(first: float, second: float, tolerance: float = SAME_SPEND_TOLERANCE) -> bool:
    """Whether two realised public spends differ by less than ``tolerance`` (5 % by default)."""
    return spend_gap(first, second) < tolerance


def spend_clause(
    first_name: str, first_spend: float, second_name: str, second_spend: float, *, language: str = "en"
) -> str:
    """How a text names the money behind a comparison of two designs, in ``language``.

    "the same realised public spend (EUR a and EUR b)" only when the spends differ by
    less than 5 %; otherwise both figures, with the gap.

    Examples
    --------
    >>> spend_clause("place-based", 1_000_000, "generic", 990_000)
    'the same realised public spend (place-based EUR 1,000,000, generic EUR 990,000)'
    >>> spend_clause("place-based", 1_000_000, "generic", 500_000)
    'different realised public spend (place-based EUR 1,000,000, generic EUR 500,000: 50% apart)'
    """
    _ = gettext_for(language)

    def euros(amount: float) -> str:
        return _("EUR {amount}").format(amount=format_amount(amount, language))

    figures = f"{first_name} {euros(first_spend)}, {second_name} {euros(second_spend)}"
    if spends_match(first_spend, second_spend):
        return _("the same realised public spend ({figures})").format(figures=figures)
    return _("different realised public spend ({figures}: {gap} apart)").format(
        figures=figures, gap=format_percent(spend_gap(first_spend, second_spend), language, decimals=0)
    )


def with_budget_scaled(scenario: Scenario, factor: float) -> Scenario:
    """``scenario`` whose active programme's yearly budget is multiplied by ``factor``."""
    programme = scenario.programme
    budget = programme.budget_eur_per_year * factor
    return scenario.replace(programme=programme.model_dump() | {"budget_eur_per_year": budget})


@dataclass(frozen=True)
class SpendMatch:
    """Two designs brought to equal realised public spend.

    Attributes
    ----------
    first, second
        The two designs as given.
    scaled
        Which of them had its budget scaled ("first" or "second").
    factor
        The factor its yearly budget was multiplied by.
    matched_first, matched_second
        The two designs at equal spend (one of them is unchanged).
    spend_first, spend_second
        Mean realised public spend (EUR) of the matched designs.
    matched
        Whether their spends differ by less than :data:`SAME_SPEND_TOLERANCE`.
    iterations
        One row per budget tried: design, factor, budget_eur, public_spend_eur, gap.
    """

    first: Scenario
    second: Scenario
    scaled: str
    factor: float
    matched_first: Scenario
    matched_second: Scenario
    spend_first: float
    spend_second: float
    matched: bool
    iterations: pd.DataFrame

    @property
    def gap(self) -> float:
        return spend_gap(self.spend_first, self.spend_second)


def mean_spend(result: ExperimentResult, name: str) -> float:
    outcomes = result.outcomes()
    return float(outcomes.loc[outcomes["scenario"] == name, PUBLIC_SPEND].mean())


def match_spend(
    first: Scenario,
    second: Scenario,
    *,
    replications: int,
    rng: RNGLike = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    runner: Callable[[dict[str, Scenario]], ExperimentResult] | None = None,
    scale: Literal["either", "second"] = "either",
) -> SpendMatch:
    """Scale one design's budget until its mean realised public spend matches the other's.

    The design that spends less has its budget raised towards the other's realised
    spend (a fixed-point iteration on the ratio of spends, at most
    :data:`MAX_ITERATIONS` budgets); if it cannot get there (its spend saturates:
    it runs out of firms that take its instruments up), the design that spends
    more has its budget lowered to the other's spend instead, which always
    converges when spend grows with budget. Every batch of runs uses the same
    root seed (common random numbers), so the result is reproducible.

    Parameters
    ----------
    first, second
        Two scenarios with an active programme.
    replications
        Runs per budget tried.
    rng
        Root seed; the same seed gives the same match.
    executor, progress
        As for :func:`~districtlab.experiments.run_scenarios`.
    runner
        Runs a mapping of scenarios and returns their results (default:
        :func:`~districtlab.experiments.run_scenarios` with ``replications``, ``rng``,
        ``executor`` and ``progress``); the audit passes its own, which keeps one
        progress bar over all its runs.
    scale
        ``"either"`` (as above) or ``"second"``: only the second design's budget is
        scaled, up or down, to the first's realised spend (a fixed reference, as when
        several designs are matched to one).
    """
    if not (first.programme.is_active() and second.programme.is_active()):
        raise InputError("equal-spend matching needs two designs with an active programme")
    seed = as_seed_sequence(rng)
    records: list[dict[str, float | str]] = []

    def spend_of(scenarios: dict[str, Scenario]) -> dict[str, float]:
        if runner is not None:
            result = runner(scenarios)
        else:
            result = run_scenarios(
                scenarios, replications=replications, rng=seed, executor=executor, progress=progress
            )
        return {name: mean_spend(result, name) for name in scenarios}

    spends = spend_of({"first": first, "second": second})
    for name, scenario in (("first", first), ("second", second)):
        records.append(_record(name, 1.0, scenario, spends[name], spends["first"], spends["second"]))
    if spends_match(spends["first"], spends["second"], MATCH_TARGET) or min(spends.values()) <= 0.0:
        matched = spends_match(spends["first"], spends["second"])
        return SpendMatch(
            first,
            second,
            "none",
            1.0,
            first,
            second,
            spends["first"],
            spends["second"],
            matched,
            pd.DataFrame(records),
        )
    low, high = ("first", "second") if spends["first"] < spends["second"] else ("second", "first")
    designs = {"first": first, "second": second}
    directions = ((low, high), (high, low)) if scale == "either" else (("second", "first"),)
    for scaled, target_name in directions:
        target = spends[target_name]
        factor, spend = 1.0, spends[scaled]
        for _ in range(MAX_ITERATIONS):
            proposal = min(MAX_SCALE, max(1.0 / MAX_SCALE, factor * target / spend))
            if proposal == factor:
                break
            raising = proposal > factor
            previous, factor = spend, proposal
            candidate = with_budget_scaled(designs[scaled], factor)
            spend = spend_of({scaled: candidate})[scaled]
            pair = {scaled: spend, target_name: target}
            records.append(_record(scaled, factor, candidate, spend, pair["first"], pair["second"]))
            if spends_match(spend, target, MATCH_TARGET):
                break
            if raising and spend < previous * 1.01:  # raising the budget no longer raises spend
                break
        if spends_match(spend, target):
            candidate = with_budget_scaled(designs[scaled], factor)
            pair_scenarios = {scaled: candidate, target_name: designs[target_name]}
            pair_spend = {scaled: spend, target_name: target}
            return SpendMatch(
                first,
                second,
                scaled,
                factor,
                pair_scenarios["first"],
                pair_scenarios["second"],
                pair_spend["first"],
                pair_spend["second"],
                True,
                pd.DataFrame(records),
            )
    # Neither direction reached the tolerance: keep the closest budget tried, flagged unmatched.
    table = pd.DataFrame(records)
    best = table.iloc[int(table["gap"].to_numpy().argmin())]
    scaled = str(best["design"])
    factor = float(best["factor"])
    other = "second" if scaled == "first" else "first"
    chosen = {scaled: with_budget_scaled(designs[scaled], factor), other: designs[other]}
    spent = {scaled: float(best["public_spend_eur"]), other: spends[other]}
    return SpendMatch(
        first,
        second,
        scaled,
        factor,
        chosen["first"],
        chosen["second"],
        spent["first"],
        spent["second"],
        spends_match(spent["first"], spent["second"]),
        table,
    )


def _record(
    design: str, factor: float, scenario: Scenario, spend: float, first: float, second: float
) -> dict[str, float | str]:
    return {
        "design": design,
        "factor": factor,
        "budget_eur": scenario.programme.total_budget_eur,
        "public_spend_eur": spend,
        "gap": spend_gap(first, second) if math.isfinite(first + second) else math.nan,
    }


__all__ = [
    "MATCH_TARGET",
    "PUBLIC_SPEND",
    "SAME_SPEND_TOLERANCE",
    "SpendMatch",
    "match_spend",
    "mean_spend",
    "spend_clause",
    "spend_gap",
    "spends_match",
    "with_budget_scaled",
]
