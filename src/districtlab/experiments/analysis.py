"""The numbers a comparison of designs is read by, with their 95% intervals, and its verdict in words.

Everything works on :class:`ExperimentData`: the per-run outcomes table and the
per-step series of an experiment, whether it comes from memory (the policy lab,
:meth:`ExperimentData.of`) or from an experiment directory on disk (``districtlab
report``). Differences between designs are paired when the runs share common
random numbers (replication r of every design saw the same firms and networks),
as :func:`districtlab.experiments.compare` computes them; the cost per additional
adopter is Fieller's interval of a ratio of means, and "no detectable effect"
where that interval is unbounded (the effect's interval includes zero).

The demo's tables and verdict (the programmes of several districts, each district
an experiment: :class:`~districtlab.experiments.programmes.DistrictComparison`) are
here too (:func:`additionality_summary`, :func:`readable_additionality`,
:func:`programme_verdict`), so that the report and the CLI only render. Every
table names a run's scenario in its ``scenario`` column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from districtlab.config import SIZE_CLASSES, Scenario
from districtlab.experiments import ExperimentResult
from districtlab.experiments.audit import describe
from districtlab.experiments.compare import DEFAULT_OUTCOMES as COMPARED_OUTCOMES
from districtlab.experiments.compare import (
    OutcomeTable,
    cost_per_additional,
    paired_differences,
    scenario_means,
)
from districtlab.experiments.programmes import BASELINE, PROGRAMMES, DistrictComparison
from districtlab.experiments.spend import spend_clause
from districtlab.experiments.verdict import rank_designs
from districtlab.i18n.numbers import format_amount, format_signed, interval_separator
from districtlab.i18n.translate import N_, gettext_for
from districtlab.outcomes import label as outcome_label
from districtlab.outcomes import outcome as catalogue_entry

CONFIDENCE = 0.95
#: The outcomes every comparison reports by default (one list: :mod:`districtlab.experiments.compare`'s).
DEFAULT_OUTCOMES = COMPARED_OUTCOMES
#: How people read them, from the outcome catalogue: (label, unit scale, digits).
KEY_OUTCOMES: Mapping[str, tuple[str, float, int]] = {
    name: (outcome_label(name), catalogue_entry(name).scale, catalogue_entry(name).digits)
    for name in DEFAULT_OUTCOMES
}


@dataclass(frozen=True)
class ExperimentData:
    """An experiment's runs as tables: what the report and the lab's Compare page read."""

    names: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    outcomes: pd.DataFrame  # one row per run: scenario (name), replication, outcome columns
    series: Mapping[str, NDArray[np.float64]]  # series name -> designs x replications x steps
    entropy: int
    replications: int
    common_random_numbers: bool

    @classmethod
    def of(cls, result: ExperimentResult) -> ExperimentData:
        return cls(
            names=result.names,
            scenarios=tuple(result.scenarios),
            outcomes=result.outcomes(),
            series={name: result.series(name) for name in ("adoption_share_mean", "laggard_share")},
            entropy=result.entropy,
            replications=result.replications,
            common_random_numbers=result.common_random_numbers,
        )

    @property
    def months(self) -> NDArray[np.float64]:
        steps = next(iter(self.series.values())).shape[2]
        return np.arange(steps, dtype=np.float64) * float(self.scenarios[0].dt)

    @property
    def runs(self) -> OutcomeTable:
        """The outcomes as :mod:`districtlab.experiments.compare` reads them."""
        return OutcomeTable(self.names, self.outcomes, self.common_random_numbers)

    def renamed(self, names: Mapping[str, str]) -> ExperimentData:
        """The same data with designs shown under other names (``names[old]``; names not given are kept).

        For display: the lab shows the documented designs ("no programme", "place-based", ...) in the
        workshop's language. The new names must stay distinct.
        """
        new = tuple(names.get(name, name) for name in self.names)
        if len(set(new)) != len(new):
            raise ValueError(f"renaming the designs {self.names} gives duplicates: {new}")
        return replace(
            self,
            names=new,
            outcomes=self.outcomes.assign(scenario=self.outcomes["scenario"].map(lambda n: names.get(n, n))),
        )

    def values(self, name: str, outcome: str) -> NDArray[np.float64]:
        """One outcome of one design, in replication order."""
        rows = self.outcomes[self.outcomes["scenario"] == name].sort_values("replication")
        return rows[outcome].to_numpy(dtype=float)


def format_interval(
    mean: float, low: float, high: float, *, scale: float = 1.0, digits: int = 1, language: str = "en"
) -> str:
    """'12.3 [10.1, 14.5]' ('12,3 [10,1, 14,5]' in es and ca); infinite bounds as ∞ and missing ones as n/a."""

    _ = gettext_for(language)

    def show(number: float) -> str:
        if math.isnan(number):
            return _("n/a")
        if math.isinf(number):
            return "−∞" if number < 0 else "∞"
        return format_amount(number * scale, language, decimals=digits)

    return f"{show(mean)} [{show(low)}{interval_separator(language)}{show(high)}]"


def format_cost(ratio: float, low: float, high: float, *, language: str = "en") -> str:
    """EUR per additional adopter with its interval, or "no detectable effect" where there is no finite one.

    Fieller's interval is unbounded exactly when the gain's interval includes zero; a cost
    is then not a number anyone should read, so none is shown.
    """
    if math.isfinite(low) and math.isfinite(high) and ratio > 0:
        return format_interval(ratio, low, high, digits=0, language=language)
    _ = gettext_for(language)
    return _("no detectable effect")


def _reported(data: ExperimentData, outcomes: Sequence[str]) -> list[str]:
    """The outcomes the runs report (an experiment stored by an older version may lack some)."""
    return [outcome for outcome in outcomes if outcome in data.outcomes.columns]


def summary_table(data: ExperimentData, outcomes: Sequence[str] = tuple(KEY_OUTCOMES)) -> pd.DataFrame:
    """Tidy: scenario, outcome, mean, ci_low, ci_high, replications (from :func:`scenario_means`)."""
    table = scenario_means(data.runs, outcomes=_reported(data, outcomes), confidence=CONFIDENCE)
    return table[["scenario", "outcome", "mean", "ci_low", "ci_high", "replications"]]


def difference_table(
    data: ExperimentData, *, baseline: str, outcomes: Sequence[str] = tuple(KEY_OUTCOMES)
) -> pd.DataFrame:
    """Tidy: scenario, baseline, outcome, difference (scenario minus baseline), ci_low, ci_high, paired
    (from :func:`paired_differences`)."""
    table = paired_differences(data.runs, baseline=baseline, outcomes=list(outcomes), confidence=CONFIDENCE)
    return table[["scenario", "baseline", "outcome", "difference", "ci_low", "ci_high", "paired"]]


def cost_table(data: ExperimentData, *, baseline: str) -> pd.DataFrame:
    """EUR of programme spend per additional adopter over ``baseline``, with Fieller's 95% interval
    (from :func:`cost_per_additional`)."""
    table = cost_per_additional(data.runs, baseline=baseline, confidence=CONFIDENCE)
    return table.rename(columns={"eur_per_additional": "eur_per_additional_adopter"})[
        ["scenario", "baseline", "eur_per_additional_adopter", "ci_low", "ci_high"]
    ]


def size_table(data: ExperimentData) -> pd.DataFrame:
    """Mean adoption share at the horizon (0-1, mean over technologies): size classes x designs."""
    columns = {
        name: [data.values(name, f"size_adoption_share.{size}").mean() for size in SIZE_CLASSES]
        for name in data.names
    }
    return pd.DataFrame(columns, index=pd.Index(SIZE_CLASSES, name="size class"))


def readable_summary(data: ExperimentData, *, language: str = "en") -> pd.DataFrame:
    """The summary as people read it: one row per design, 'mean [95% CI]' per outcome, in ``language``."""
    _ = gettext_for(language)
    table = summary_table(data)
    rows = []
    for name in data.names:
        row: dict[str, str] = {_("Design"): name}
        for outcome, (label, scale, digits) in KEY_OUTCOMES.items():
            if outcome not in data.outcomes.columns:
                continue
            cell = table[(table["scenario"] == name) & (table["outcome"] == outcome)].iloc[0]
            row[_(label)] = format_interval(
                cell["mean"], cell["ci_low"], cell["ci_high"], scale=scale, digits=digits, language=language
            )
        rows.append(row)
    return pd.DataFrame(rows)


def verdict(
    data: ExperimentData, first: str, second: str, *, baseline: str | None = None, language: str = "en"
) -> str:
    """Plain-language comparison of two designs that states its uncertainty, in ``language``.

    Compares new adopters and the laggard share of ``first`` and ``second``
    (paired when the runs share random numbers) and, when ``baseline`` (usually
    no programme) is among the designs, what each additional adopter costs.
    """
    _ = gettext_for(language)

    def number(value: float, digits: int = 1) -> str:
        return format_amount(value, language, decimals=digits)

    def signed(value: float, digits: int = 1) -> str:
        return format_signed(value, language, decimals=digits)

    n = data.replications
    differences = difference_table(data, baseline=second, outcomes=("new_adopters", "laggard_share"))
    differences = differences[differences["scenario"] == first].set_index("outcome")
    adopters = differences.loc["new_adopters"]
    interval = _("95% CI {low} to {high}").format(
        low=signed(adopters["ci_low"]), high=signed(adopters["ci_high"])
    )
    over = (
        _("Over {n} paired replications").format(n=n)
        if data.common_random_numbers
        else _("Over {n} replications").format(n=n)
    )
    if n < 2:
        sentences = [
            _(
                "With a single replication there is no interval: run at least 2 (better 20 or more) before "
                "reading a difference between {first} and {second}."
            ).format(first=first, second=second)
        ]
    elif adopters["ci_low"] > 0:
        sentences = [
            _(
                "{over}, {first} brings {amount} more adopters than {second} ({interval}): {first} does "
                "better on adoption."
            ).format(
                over=over,
                first=first,
                second=second,
                amount=number(adopters["difference"]),
                interval=interval,
            )
        ]
    elif adopters["ci_high"] < 0:
        sentences = [
            _(
                "{over}, {first} brings {amount} fewer adopters than {second} ({interval}): {second} does "
                "better on adoption."
            ).format(
                over=over,
                first=first,
                second=second,
                amount=number(-adopters["difference"]),
                interval=interval,
            )
        ]
    else:
        sentences = [
            _(
                "{over}, {first} and {second} cannot be told apart on adoption: the difference is {amount} "
                "adopters ({interval}). More replications would narrow the interval."
            ).format(
                over=over,
                first=first,
                second=second,
                amount=signed(adopters["difference"]),
                interval=interval,
            )
        ]
    if n >= 2:
        laggards = differences.loc["laggard_share"]
        laggard_interval = _("95% CI {low} to {high}").format(
            low=signed(laggards["ci_low"] * 100), high=signed(laggards["ci_high"] * 100)
        )
        if laggards["ci_high"] < 0 or laggards["ci_low"] > 0:
            template = (
                _(
                    "The share of firms with no technology is {points} percentage points lower with {first} "
                    "({interval})."
                )
                if laggards["difference"] < 0
                else _(
                    "The share of firms with no technology is {points} percentage points higher with {first} "
                    "({interval})."
                )
            )
            sentences.append(
                template.format(
                    points=number(abs(laggards["difference"]) * 100), first=first, interval=laggard_interval
                )
            )
        else:
            sentences.append(
                _(
                    "The share of firms with no technology does not clearly differ ({points} percentage points, "
                    "{interval})."
                ).format(points=signed(laggards["difference"] * 100), interval=laggard_interval)
            )
    if n >= 2 and "firms_adopting" in data.outcomes.columns:
        firms = difference_table(data, baseline=second, outcomes=("firms_adopting",))
        firms = firms[firms["scenario"] == first].iloc[0]
        sentences.insert(
            0,
            _("Adopting firms (at least one technology), {first} minus {second}: {effect}.").format(
                first=first,
                second=second,
                effect=describe(
                    firms["difference"], firms["ci_low"], firms["ci_high"], _("firms"), language=language
                ),
            ),
        )
    if n >= 2 and "programme_spend_eur" in data.outcomes.columns:
        spends = [float(data.values(name, "programme_spend_eur").mean()) for name in (first, second)]
        if min(spends) > 0:
            sentences.append(
                _("The two designs have {money}.").format(
                    money=spend_clause(first, spends[0], second, spends[1], language=language)
                )
            )
    if baseline is not None and baseline in data.names and n >= 2:
        costs = cost_table(data, baseline=baseline).set_index("scenario")
        counterfactual = _("no programme") if baseline == "none" else baseline
        parts = []
        for name in (first, second):
            row = costs.loc[name]
            if (
                math.isfinite(row["ci_low"])
                and math.isfinite(row["ci_high"])
                and row["eur_per_additional_adopter"] > 0
            ):
                parts.append(
                    _("EUR {cost} with {design} (95% CI {low} to {high})").format(
                        cost=number(row["eur_per_additional_adopter"], 0),
                        design=name,
                        low=number(row["ci_low"], 0),
                        high=number(row["ci_high"], 0),
                    )
                )
            else:
                parts.append(
                    _("no figure with {design} (no detectable effect over {baseline})").format(
                        design=name, baseline=counterfactual
                    )
                )
        sentences.append(
            _("Each additional adopter over {baseline} costs {costs}.").format(
                baseline=counterfactual, costs=_(" and ").join(parts)
            )
        )
    return " ".join(sentences)


# -- programmes compared district by district (districtlab demo) --------------------------


def _detectable(low: float, high: float) -> bool:
    return math.isfinite(low) and math.isfinite(high) and (low > 0.0 or high < 0.0)


def _detectable_cost(cost: pd.Series, effect: pd.Series) -> tuple[float, float, float]:
    """A cost with its interval only where the effect is detectable and the interval finite."""
    values = (float(cost["eur_per_additional"]), float(cost["ci_low"]), float(cost["ci_high"]))
    if _detectable(effect["ci_low"], effect["ci_high"]) and all(map(math.isfinite, values)) and values[0] > 0:
        return values
    return math.nan, math.nan, math.nan


def additionality_summary(
    comparisons: Sequence[DistrictComparison], confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """One row per district and programme (its ``scenario``): additionality over no programme, with intervals.

    Additional adopting firms lead, next to additional firm × technology adoptions;
    budget, realised public spend and unspent budget follow. A cost per additional
    firm (or adoption) is given only where that effect's interval excludes zero
    (NaN otherwise: "no detectable effect", never a negative or unbounded cost).
    """
    rows = []
    for comparison in comparisons:
        additionality = comparison.additionality(confidence).set_index(["scenario", "outcome"])
        firm_costs = comparison.cost_per_additional_adopter(confidence, effect="firms_adopting")
        adoption_costs = comparison.cost_per_additional_adopter(confidence)
        budgets = comparison.budgets()
        for programme in PROGRAMMES[1:]:
            firms = additionality.loc[(programme, "firms_adopting")]
            adopters = additionality.loc[(programme, "new_adopters")]
            laggards = additionality.loc[(programme, "laggard_share")]
            spend = additionality.loc[(programme, "programme_spend_eur")]
            firm_cost = _detectable_cost(firm_costs.set_index("scenario").loc[programme], firms)
            adoption_cost = _detectable_cost(adoption_costs.set_index("scenario").loc[programme], adopters)
            budget = float(budgets[programme])
            rows.append(
                {
                    "district": comparison.district,
                    "scenario": programme,
                    "additional_firms": firms["difference"],
                    "additional_firms_low": firms["ci_low"],
                    "additional_firms_high": firms["ci_high"],
                    "additional_adopters": adopters["difference"],
                    "additional_adopters_low": adopters["ci_low"],
                    "additional_adopters_high": adopters["ci_high"],
                    "laggard_share_change": laggards["difference"],
                    "laggard_share_change_low": laggards["ci_low"],
                    "laggard_share_change_high": laggards["ci_high"],
                    "budget_eur": budget,
                    "spend_eur": spend["mean"],
                    "unspent_budget_eur": budget - spend["mean"],
                    "eur_per_additional_firm": firm_cost[0],
                    "eur_per_additional_firm_low": firm_cost[1],
                    "eur_per_additional_firm_high": firm_cost[2],
                    "eur_per_additional_adopter": adoption_cost[0],
                    "eur_per_additional_adopter_low": adoption_cost[1],
                    "eur_per_additional_adopter_high": adoption_cost[2],
                    "replications": int(adopters["replications"]),
                }
            )
    return pd.DataFrame(rows)


NO_EFFECT = N_("no detectable effect")

#: How reports name the demo's programmes (its scenario names are these keys).
PROGRAMME_NAMES: Mapping[str, str] = {
    "none": N_("no programme"),
    "generic": N_("generic"),
    "place-based": N_("place-based"),
}


def programme_names(language: str = "en") -> dict[str, str]:
    """The demo's programme names as a reader of ``language`` reads them (English keeps its own keys)."""
    if language == "en":
        return {}
    _ = gettext_for(language)
    return {key: _(name) for key, name in PROGRAMME_NAMES.items()}


def _cost_cell(value: float, low: float, high: float, language: str = "en") -> str:
    # additionality_summary leaves a cost out (NaN) where the effect's interval spans zero.
    if math.isnan(value):
        return gettext_for(language)(NO_EFFECT)
    return format_interval(value, low, high, digits=0, language=language)


def readable_additionality(summary: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """The additionality table as people read it: adopting firms first, then adoptions, laggards and money,
    headings, programme names and numbers in ``language``."""
    _ = gettext_for(language)
    names = programme_names(language)
    rows = list(summary.itertuples())

    def money(value: float) -> str:
        return format_amount(value, language)

    return pd.DataFrame(
        {
            _("District"): summary["district"],
            _("Programme"): [names.get(str(name), str(name)) for name in summary["scenario"]],
            _("Additional adopting firms"): [
                format_interval(
                    r.additional_firms, r.additional_firms_low, r.additional_firms_high, language=language
                )
                for r in rows
            ],
            _("Additional adoptions (firm × technology)"): [
                format_interval(
                    r.additional_adopters,
                    r.additional_adopters_low,
                    r.additional_adopters_high,
                    language=language,
                )
                for r in rows
            ],
            _("Laggard share change (percentage points)"): [
                format_interval(
                    r.laggard_share_change,
                    r.laggard_share_change_low,
                    r.laggard_share_change_high,
                    scale=100,
                    digits=2,
                    language=language,
                )
                for r in rows
            ],
            _("Budget (EUR)"): [money(r.budget_eur) for r in rows],
            _("Realised public spend (EUR)"): [money(r.spend_eur) for r in rows],
            _("Unspent budget (EUR)"): [money(r.unspent_budget_eur) for r in rows],
            _("EUR per additional adopting firm"): [
                _cost_cell(
                    r.eur_per_additional_firm,
                    r.eur_per_additional_firm_low,
                    r.eur_per_additional_firm_high,
                    language,
                )
                for r in rows
            ],
            _("EUR per additional adoption"): [
                _cost_cell(
                    r.eur_per_additional_adopter,
                    r.eur_per_additional_adopter_low,
                    r.eur_per_additional_adopter_high,
                    language,
                )
                for r in rows
            ],
        }
    )


def programme_verdict(
    comparisons: Sequence[DistrictComparison], confidence: float = CONFIDENCE, *, language: str = "en"
) -> str:
    """The programmes of each district in words: ranked over no programme, every pair compared, in ``language``.

    The words are :func:`~districtlab.experiments.verdict.rank_designs`' (the verdict the
    lab and the reports give), district by district: a programme is said to bring more
    adopting firms than another only where the paired interval of their difference excludes zero.
    """
    _ = gettext_for(language)
    sentences = []
    for comparison in comparisons:
        ranked = rank_designs(
            comparison.experiment,
            PROGRAMMES[1:],
            baseline=BASELINE,
            confidence=confidence,
            gettext=_,
            language=language,
            names=programme_names(language),
        )
        sentences.append(f"{comparison.district}: " + " ".join(ranked.sentences))
    sentences.append(
        _(
            "Whether the difference comes from the design or from the money it spends, and which components "
            "carry it, is what `districtlab audit PRESET` tests (equal-spend comparison, factorial split, "
            "transplants)."
        )
    )
    return " ".join(sentences)
