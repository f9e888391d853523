"""The demo's words: firms first, uncertainty always, "same spend" only within 5%, costs only for detectable effects."""

from __future__ import annotations

import math

import pandas as pd

from districtlab.experiments.analysis import programme_verdict, readable_additionality
from districtlab.experiments.programmes import compare_programmes
from districtlab.experiments.spend import spend_clause
from districtlab.experiments.verdict import rank_designs
from tests.conftest import small


def _summary(place_spend: float, generic_spend: float) -> pd.DataFrame:
    rows = []
    for programme, spend, firms, cost in (
        ("generic", generic_spend, (1.0, -2.0, 4.0), math.nan),
        ("place-based", place_spend, (20.0, 10.0, 30.0), 50_000.0),
    ):
        rows.append(
            {
                "district": "Somewhere",
                "scenario": programme,
                "additional_firms": firms[0],
                "additional_firms_low": firms[1],
                "additional_firms_high": firms[2],
                "additional_adopters": 5.0,
                "additional_adopters_low": -1.0,
                "additional_adopters_high": 11.0,
                "laggard_share_change": -0.01,
                "laggard_share_change_low": -0.02,
                "laggard_share_change_high": 0.0,
                "budget_eur": 1_000_000.0,
                "spend_eur": spend,
                "unspent_budget_eur": 1_000_000.0 - spend,
                "eur_per_additional_firm": cost,
                "eur_per_additional_firm_low": cost * 0.8,
                "eur_per_additional_firm_high": cost * 1.5,
                "eur_per_additional_adopter": math.nan,
                "eur_per_additional_adopter_low": math.nan,
                "eur_per_additional_adopter_high": math.nan,
                "replications": 10,
            }
        )
    return pd.DataFrame(rows)


def test_different_spends_are_both_stated_and_never_called_the_same_budget() -> None:
    text = spend_clause("place-based", 1_447_400.0, "generic", 525_776.0)
    assert "same budget" not in text
    assert "different realised public spend" in text
    assert "EUR 1,447,400" in text
    assert "EUR 525,776" in text


def test_spends_within_five_percent_are_called_the_same_spend() -> None:
    assert "the same realised public spend" in spend_clause("place-based", 1_000_000.0, "generic", 970_000.0)


def test_the_demo_verdict_is_the_ranked_verdict_of_each_district_with_its_uncertainty() -> None:
    scenario = small("toy-valley", firms=120, months=24)
    comparisons = compare_programmes([("toy-valley", scenario)], replications=3, rng=4)
    text = programme_verdict(comparisons)
    ranked = rank_designs(comparisons[0].experiment, ["generic", "place-based"], baseline="none")
    assert text.startswith(f"{scenario.district}: " + " ".join(ranked.sentences))
    assert "Over 3 paired replications, additional adopting firms compared with none, mean [95% CI]" in text
    assert "districtlab audit PRESET" in text


def test_the_table_leads_with_firms_and_shows_no_cost_for_an_undetectable_effect() -> None:
    table = readable_additionality(_summary(1_000_000.0, 500_000.0))
    columns = list(table.columns)
    assert columns.index("Additional adopting firms") < columns.index(
        "Additional adoptions (firm × technology)"
    )
    generic = table[table["Programme"] == "generic"].iloc[0]
    assert generic["EUR per additional adopting firm"] == "no detectable effect"
    assert generic["EUR per additional adoption"] == "no detectable effect"
    assert generic["Unspent budget (EUR)"] == "500,000"
    place = table[table["Programme"] == "place-based"].iloc[0]
    assert place["EUR per additional adopting firm"] == "50,000 [40,000, 75,000]"
