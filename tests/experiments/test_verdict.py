"""The verdict over every design: ranks all of them, says where they overlap, follows the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from districtlab.experiments.compare import OutcomeTable
from districtlab.experiments.verdict import ADOPTION_SOURCES, rank_designs

REPLICATIONS = 12


def _runs(
    gains: dict[str, float], *, noise: float = 1.0, budget: float = 1e6, spend: dict[str, float] | None = None
) -> OutcomeTable:
    """No programme plus designs whose adopting firms exceed it by ``gains`` (paired noise)."""
    generator = np.random.default_rng(7)
    base = 50 + generator.normal(0, 5, REPLICATIONS)  # shared across designs: common random numbers
    rows = []
    for name, gain in {"no programme": 0.0, **gains}.items():
        own = generator.normal(0, noise, REPLICATIONS)
        for replication in range(REPLICATIONS):
            shares = generator.dirichlet(np.ones(len(ADOPTION_SOURCES)))
            spent = 0.0 if name == "no programme" else (spend or {}).get(name, budget)
            rows.append(
                {
                    "scenario": name,
                    "replication": replication,
                    "new_firms_adopting": base[replication] + gain + own[replication],
                    "new_adopters": 2 * (base[replication] + gain),
                    "budget_eur": 0.0 if name == "no programme" else budget,
                    "programme_spend_eur": spent * (1 + 0.01 * own[replication]),
                    "unspent_budget_eur": 0.0 if name == "no programme" else budget - spent,
                    "sme_two_step_share": 0.1,
                    **{
                        f"adoption_source_share.{s}": v for s, v in zip(ADOPTION_SOURCES, shares, strict=True)
                    },
                }
            )
    return OutcomeTable(("no programme", *gains), pd.DataFrame(rows), common_random_numbers=True)


def test_every_design_is_ranked_with_its_interval_not_only_the_first_two() -> None:
    runs = _runs({"place-based": 43.0, "generic": 20.0, "third": 83.0})
    verdict = rank_designs(runs, ["place-based", "generic", "third"], baseline="no programme")
    assert list(verdict.ranking["scenario"]) == ["third", "place-based", "generic"]
    assert list(verdict.ranking["rank"]) == [1, 2, 3]
    assert verdict.ranking["gain"].iloc[0] == pytest.approx(83.0, abs=2)
    assert (verdict.ranking["gain_low"] < verdict.ranking["gain"]).all()
    assert len(verdict.pairs) == 3  # every pair, in rank order
    assert verdict.pairs["apart"].all()
    assert "third" in verdict.sentences[0]
    assert "generic" in verdict.sentences[0]
    assert any("third brings more adopting firms than place-based" in s for s in verdict.sentences)


def test_designs_that_cannot_be_told_apart_are_said_to_overlap_and_no_cost_is_invented() -> None:
    runs = _runs({"a": 0.0, "b": 0.0}, noise=5.0)
    verdict = rank_designs(runs, ["a", "b"], baseline="no programme")
    assert not verdict.pairs["apart"].iloc[0]
    assert any("overlap" in s and "a – b" in s for s in verdict.sentences)
    assert any("No detectable effect" in s for s in verdict.sentences)
    assert verdict.ranking["eur_per_firm"].isna().all()


def test_money_and_unspent_budget_are_shown_and_explained() -> None:
    runs = _runs({"a": 30.0, "b": 30.0}, spend={"a": 1e6, "b": 6e5})
    verdict = rank_designs(runs, ["a", "b"], baseline="no programme")
    row = verdict.ranking.set_index("scenario").loc["b"]
    assert row["budget_eur"] == pytest.approx(1e6)
    assert row["unspent_eur"] == pytest.approx(4e5)
    assert row["eur_per_firm"] == pytest.approx(6e5 / 30, rel=0.1)
    assert any("not spent by b" in s for s in verdict.sentences)


def test_channel_shares_add_up_to_one_for_every_design() -> None:
    verdict = rank_designs(_runs({"a": 10.0, "b": 5.0}), ["a", "b"], baseline="no programme")
    assert verdict.channels[list(ADOPTION_SOURCES)].sum(axis=1).to_numpy() == pytest.approx([1.0, 1.0])
    assert "sme_two_step_share" in verdict.channels.columns


def test_no_sentence_names_a_kind_of_programme_as_the_winner() -> None:
    verdict = rank_designs(
        _runs({"place-based": 40.0, "generic": 10.0}), ["place-based", "generic"], baseline="no programme"
    )
    text = " ".join(verdict.sentences).lower()
    for claim in ("wins", "is better", "superior", "place-based policy works"):
        assert claim not in text


def test_the_sentences_go_through_the_translation() -> None:
    verdict = rank_designs(
        _runs({"a": 10.0, "b": 5.0}), ["a", "b"], baseline="no programme", gettext=lambda text: "» " + text
    )
    assert all(sentence.startswith("» ") for sentence in verdict.sentences)


def test_numbers_are_written_in_the_language() -> None:
    verdict = rank_designs(_runs({"a": 1234.5, "b": 5.0}), ["a", "b"], baseline="no programme", language="es")
    assert "1.23" in verdict.sentences[0]  # 1.234,x: a point between thousands, a comma before decimals
    assert "," in verdict.sentences[0].split("a: ")[1].split(" ")[0]
