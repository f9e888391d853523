"""The demo's words: firms first, uncertainty always, "same spend" only within 5%, costs only for detectable effects."""

from __future__ import annotations

import math

import pandas as pd

from districtlab.report.demo import formatted_summary, verdict


def _contrast(firms: tuple[float, float, float], adoptions: tuple[float, float, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"district": "Somewhere", "outcome": outcome, "difference": d, "ci_low": low, "ci_high": high}
            for outcome, (d, low, high) in (("firms_adopting", firms), ("new_adopters", adoptions))
        ]
    )


def _summary(place_spend: float, generic_spend: float) -> pd.DataFrame:
    rows = []
    for programme, spend, firms, cost in (
        ("generic", generic_spend, (1.0, -2.0, 4.0), math.nan),
        ("place-based", place_spend, (20.0, 10.0, 30.0), 50_000.0),
    ):
        rows.append(
            {
                "district": "Somewhere",
                "programme": programme,
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
    text = verdict(_contrast((21.9, 10.9, 32.9), (88.0, 62.0, 114.0)), _summary(1_447_400.0, 525_776.0))
    assert "same budget" not in text
    assert "different realised public spend" in text
    assert "EUR 1,447,400" in text
    assert "EUR 525,776" in text
    assert "+21.9 adopting firms (95% CI +10.9 to +32.9)" in text


def test_spends_within_five_percent_are_called_the_same_spend() -> None:
    text = verdict(_contrast((0.5, -1.0, 2.0), (3.0, 1.0, 5.0)), _summary(1_000_000.0, 970_000.0))
    assert "the same realised public spend" in text
    assert "no detectable effect (+0.5 adopting firms" in text


def test_the_table_leads_with_firms_and_shows_no_cost_for_an_undetectable_effect() -> None:
    table = formatted_summary(_summary(1_000_000.0, 500_000.0))
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
