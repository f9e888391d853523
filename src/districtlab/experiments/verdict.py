"""A verdict over every design of a comparison: ranked, with intervals, money and channels.

Pure: reads a table of runs (any :class:`~districtlab.experiments.compare.Outcomes`)
and returns numbers and sentences; the lab's Compare page and the reports show
them. The sentences follow the numbers: a design is said to bring more
adopting firms than another only when the paired 95% interval of the difference
excludes zero, and no sentence names a kind of programme as better.

Texts go through a ``gettext`` callable so that the lab can show them in the
workshop's language; the default leaves them in English.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from districtlab.experiments.compare import (
    Outcomes,
    cost_per_additional,
    paired_differences,
)
from districtlab.i18n.numbers import format_amount

#: Outcome the designs are ranked by: firms with at least one technology adopted during the run.
RANK_OUTCOME = "new_firms_adopting"
#: Older runs report only firm × technology adoptions; the ranking then uses those.
FALLBACK_RANK_OUTCOME = "new_adopters"
#: Where adopting firms got their knowledge (docs/model-contract.md); the shares of a run add up to 1.
ADOPTION_SOURCES: tuple[str, ...] = ("vendor", "rti", "lead_firm", "supplier_buyer", "peer")
MONEY = ("budget_eur", "programme_spend_eur", "unspent_budget_eur")


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class Verdict:
    """Every chosen design ranked, with what it cost and through which channels firms adopted.

    Attributes
    ----------
    outcome
        The outcome the ranking reads (``new_firms_adopting``, or ``new_adopters`` for older runs).
    ranking
        One row per design, best mean first: ``scenario`` (its name), ``rank``, ``gain``, ``gain_low``,
        ``gain_high`` (additional firms over the baseline, paired 95% CI), ``budget_eur``,
        ``spend_eur``, ``unspent_eur`` (means over replications), ``eur_per_firm``,
        ``eur_low``, ``eur_high`` (Fieller interval; NaN where the gain's interval spans zero),
        ``detectable`` (whether the gain's interval excludes zero).
    pairs
        One row per pair of designs in rank order: ``first``, ``second``, ``difference``,
        ``ci_low``, ``ci_high`` (first minus second), ``apart`` (the interval excludes zero).
    channels
        Designs × sources: the mean share of adoptions whose knowledge came from each source
        (vendors include the background channel), adding up to 1 per design; and
        ``sme_two_step_share`` where the runs report it.
    sentences
        The verdict in words.
    """

    outcome: str
    ranking: pd.DataFrame
    pairs: pd.DataFrame
    channels: pd.DataFrame
    sentences: tuple[str, ...]


def _column(table: pd.DataFrame, name: str, outcome: str) -> np.ndarray:
    rows = table[table["scenario"] == name].sort_values("replication")
    return rows[outcome].to_numpy(dtype=float)


def _mean(table: pd.DataFrame, name: str, outcome: str) -> float:
    if outcome not in table.columns:
        return math.nan
    return float(np.nanmean(_column(table, name, outcome)))


def rank_designs(
    runs: Outcomes,
    designs: Sequence[str],
    *,
    baseline: str,
    confidence: float = 0.95,
    gettext: Callable[[str], str] = _identity,
    language: str = "en",
    names: Mapping[str, str] | None = None,
) -> Verdict:
    """Rank ``designs`` by their additional adopting firms over ``baseline`` and say what the numbers allow.

    Parameters
    ----------
    runs
        The comparison's runs; ``baseline`` and every design must be among them.
    designs
        The designs to rank (two or more; the baseline is not ranked).
    baseline
        The counterfactual (usually "no programme").
    confidence
        Level of every interval.
    gettext
        Translates the sentences' templates.
    language
        How the sentences write numbers (2,000.5 in English, 2.000,5 in Spanish and Valencian).
    names
        How the sentences name designs and the baseline (e.g. "territorial" for "place-based" in a
        Spanish report); a name not given is written as it is. The tables keep the designs' own names.
    """
    _ = gettext
    table = runs.outcomes()
    outcome = RANK_OUTCOME if RANK_OUTCOME in table.columns else FALLBACK_RANK_OUTCOME
    gains = paired_differences(runs, baseline=baseline, outcomes=[outcome], confidence=confidence)
    gains = gains.set_index("scenario")
    costs = cost_per_additional(runs, baseline=baseline, effect=outcome, confidence=confidence).set_index(
        "scenario"
    )
    rows = []
    for name in designs:
        gain = gains.loc[name]
        cost = costs.loc[name]
        detectable = bool(gain["ci_low"] > 0 or gain["ci_high"] < 0)
        # A cost per firm is read only where the gain is detectably positive (Fieller's interval is then finite).
        finite_cost = (
            bool(gain["ci_low"] > 0)
            and math.isfinite(cost["ci_low"])
            and math.isfinite(cost["ci_high"])
            and cost["eur_per_additional"] > 0
        )
        rows.append(
            {
                "scenario": name,
                "gain": float(gain["difference"]),
                "gain_low": float(gain["ci_low"]),
                "gain_high": float(gain["ci_high"]),
                "budget_eur": _mean(table, name, "budget_eur"),
                "spend_eur": _mean(table, name, "programme_spend_eur"),
                "unspent_eur": _mean(table, name, "unspent_budget_eur"),
                "eur_per_firm": float(cost["eur_per_additional"]) if finite_cost else math.nan,
                "eur_low": float(cost["ci_low"]) if finite_cost else math.nan,
                "eur_high": float(cost["ci_high"]) if finite_cost else math.nan,
                "detectable": detectable,
            }
        )
    ranking = pd.DataFrame(rows).sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)
    ranking.insert(1, "rank", range(1, len(ranking) + 1))

    order = list(ranking["scenario"])
    pair_rows = []
    for position, first in enumerate(order):
        against = paired_differences(runs, baseline=first, outcomes=[outcome], confidence=confidence)
        against = against.set_index("scenario")
        for second in order[position + 1 :]:
            difference = against.loc[second]  # second minus first
            pair_rows.append(
                {
                    "first": first,
                    "second": second,
                    "difference": -float(difference["difference"]),
                    "ci_low": -float(difference["ci_high"]),
                    "ci_high": -float(difference["ci_low"]),
                    "apart": bool(difference["ci_low"] > 0 or difference["ci_high"] < 0),
                }
            )
    pairs = pd.DataFrame(pair_rows, columns=["first", "second", "difference", "ci_low", "ci_high", "apart"])

    channel_rows = {}
    for name in order:
        shares = {
            source: _mean(table, name, f"adoption_source_share.{source}") for source in ADOPTION_SOURCES
        }
        total = sum(value for value in shares.values() if math.isfinite(value))
        # Means of shares that each add up to 1 add up to 1, except where a run had no adoption (NaN):
        # renormalise so that the row reads as a whole.
        shares = {
            source: (value / total if total > 0 and math.isfinite(value) else math.nan)
            for source, value in shares.items()
        }
        shares["sme_two_step_share"] = _mean(table, name, "sme_two_step_share")
        channel_rows[name] = shares
    channels = pd.DataFrame.from_dict(channel_rows, orient="index")
    channels.index.name = "scenario"

    sentences = _sentences(ranking, pairs, outcome, baseline, runs, _, language, dict(names or {}))
    return Verdict(outcome=outcome, ranking=ranking, pairs=pairs, channels=channels, sentences=sentences)


def _number(value: float, digits: int = 1, *, language: str = "en") -> str:
    return format_amount(value, language, decimals=digits)


def _sentences(
    ranking: pd.DataFrame,
    pairs: pd.DataFrame,
    outcome: str,
    baseline: str,
    runs: Outcomes,
    _: Callable[[str], str],
    language: str,
    names: dict[str, str],
) -> tuple[str, ...]:
    def shown(name: str) -> str:
        return names.get(name, name)

    replications = int(runs.outcomes().groupby("scenario").size().min())
    what = _("adopting firms") if outcome == RANK_OUTCOME else _("adoptions (firm × technology)")
    listed = "; ".join(
        _("{rank}. {design}: {gain} [{low}, {high}]").format(
            rank=row.rank,
            design=shown(row.scenario),
            gain=_number(row.gain, language=language),
            low=_number(row.gain_low, language=language),
            high=_number(row.gain_high, language=language),
        )
        for row in ranking.itertuples()
    )
    sentences = [
        _(
            "Over {n} paired replications, additional {what} compared with {baseline}, mean [95% CI]: {listed}."
        ).format(n=replications, what=what, baseline=shown(baseline), listed=listed)
    ]
    overlapping = []
    for row in pairs.itertuples():
        if row.apart:
            sentences.append(
                _("{first} brings more {what} than {second}: {difference} [{low}, {high}].").format(
                    first=shown(row.first),
                    second=shown(row.second),
                    what=what,
                    difference=_number(row.difference, language=language),
                    low=_number(row.ci_low, language=language),
                    high=_number(row.ci_high, language=language),
                )
            )
        else:
            overlapping.append(f"{shown(row.first)} – {shown(row.second)}")
    if overlapping:
        sentences.append(
            _(
                "These pairs overlap (their difference could be zero; see the table of pairs): {pairs}."
            ).format(pairs="; ".join(overlapping))
        )
    undetectable = [shown(row.scenario) for row in ranking.itertuples() if not row.detectable]
    if undetectable:
        sentences.append(
            _(
                "No detectable effect over {baseline} for: {designs}; no cost per firm is given for them."
            ).format(baseline=shown(baseline), designs=", ".join(undetectable))
        )
    unspent = [
        shown(row.scenario)
        for row in ranking.itertuples()
        if math.isfinite(row.budget_eur) and row.budget_eur > 0 and row.unspent_eur > 0.05 * row.budget_eur
    ]
    if unspent:
        sentences.append(
            _(
                "Part of the budget was not spent by {designs}: fewer firms took up the instruments than the budget could pay for, so their budgets are not their spends."
            ).format(designs=", ".join(unspent))
        )
    if replications < 20 and any(not row.apart for row in pairs.itertuples()):
        sentences.append(_("More replications would narrow the intervals."))
    return tuple(sentences)
