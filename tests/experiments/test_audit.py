"""The falsification suite: its designs, its arithmetic, equal-spend matching, and a small audit end to end."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import districtlab
from districtlab.config import INSTRUMENTS, Scenario
from districtlab.errors import InputError
from districtlab.experiments import run_scenarios
from districtlab.experiments.audit import (
    FACTORS,
    TABLES,
    AuditResult,
    cell_name,
    describe,
    factorial_cells,
    factorial_programme,
    knowledge_generic,
    mechanism_switches,
    tailoring_premium,
    transplanted,
)
from districtlab.experiments.spend import (
    SAME_SPEND_TOLERANCE,
    match_spend,
    spend_clause,
    spend_gap,
    spends_match,
    with_budget_scaled,
)
from tests.conftest import small

REPLICATIONS = 3
SEED = 11


def _district(preset: str, firms: int = 150) -> Scenario:
    return small(preset, firms=firms, months=72.0)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return _district("vinalopo-footwear")


@pytest.fixture(scope="module")
def result(scenario: Scenario) -> AuditResult:
    structures = {"vinalopo-footwear": scenario, "toy-valley": _district("toy-valley", firms=80)}
    knockouts = [k for k in mechanism_switches(scenario) if k.name in ("association", "instrument_projects")]
    return districtlab.audit(
        scenario,
        replications=REPLICATIONS,
        rng=SEED,
        structures=structures,
        horizons=(36.0, 72.0),
        knockouts=knockouts,
    )


# -- designs ----------------------------------------------------------------------------------


def test_the_factorial_has_sixteen_distinct_cells() -> None:
    cells = factorial_cells()
    assert len(cells) == 2 ** len(FACTORS) == 16
    assert len({cell_name(cell) for cell in cells}) == 16
    assert cell_name(cells[0]) == "PPPP"
    assert cell_name(cells[-1]) == "GGGG"


def test_factorial_cells_switch_exactly_their_factors(scenario: Scenario) -> None:
    place, generic = scenario.programmes["place-based"], scenario.programmes["generic"]
    assert factorial_programme(scenario, place, generic, dict.fromkeys(FACTORS, True)) == place
    all_generic = factorial_programme(scenario, place, generic, dict.fromkeys(FACTORS, False))
    assert all_generic.allocation == generic.allocation
    assert all_generic.design == generic.design
    assert all_generic.targeting == generic.targeting
    assert all_generic.priorities == generic.priorities
    assert all_generic.codesign is None
    assert all_generic.budget_eur_per_year == place.budget_eur_per_year
    assert all_generic.mechanisms == generic.mechanisms
    codesign_only = factorial_programme(
        scenario,
        place,
        generic,
        {"instrument_mix": False, "targeting": False, "priorities": False, "codesign": True},
    )
    assert codesign_only.codesign == place.codesign
    assert codesign_only.mechanisms == place.mechanisms
    targeting_only = factorial_programme(
        scenario,
        place,
        generic,
        {"instrument_mix": False, "targeting": True, "priorities": False, "codesign": False},
    )
    assert targeting_only.targeting == place.targeting
    assert targeting_only.allocation == generic.allocation
    # Place-based priorities without a co-design phase are the district's relevance.
    no_codesign = factorial_programme(
        scenario,
        place,
        generic,
        {"instrument_mix": True, "targeting": True, "priorities": True, "codesign": False},
    )
    assert no_codesign.codesign is None
    assert no_codesign.priorities == {t.name: t.relevance for t in scenario.technologies}
    assert no_codesign.focus_technologies == place.focus_technologies


def test_a_transplant_keeps_the_design_and_takes_the_hosts_money() -> None:
    design = districtlab.load_scenario("castellon-ceramics").programmes["place-based"]
    host = districtlab.load_scenario("toy-valley").programmes["place-based"]
    moved = transplanted(design, host)
    assert moved.budget_eur_per_year == host.budget_eur_per_year
    assert (moved.start_month, moved.duration_months) == (host.start_month, host.duration_months)
    assert (moved.allocation, moved.design, moved.targeting) == (
        design.allocation,
        design.design,
        design.targeting,
    )


def test_the_knowledge_generic_programme_buys_no_grants(scenario: Scenario) -> None:
    place, generic = scenario.programmes["place-based"], scenario.programmes["generic"]
    programme = knowledge_generic(place, generic)
    assert programme.allocation is not None
    shares = dict(zip(INSTRUMENTS, programme.allocation.as_tuple(), strict=True))
    assert shares["grants"] == shares["demonstrator"] == 0.0
    assert math.isclose(sum(shares.values()), 1.0)
    assert place.allocation is not None
    assert math.isclose(
        shares["projects"] / shares["events"], place.allocation.projects / place.allocation.events
    )
    assert (programme.targeting, programme.priorities, programme.codesign) == (
        generic.targeting,
        generic.priorities,
        None,
    )


def test_knockouts_enumerate_every_mechanism_switch(scenario: Scenario) -> None:
    from districtlab.config import DISTRICT_MECHANISMS, PROGRAMME_MECHANISMS

    knockouts = {k.name: k for k in mechanism_switches(scenario)}
    assert set(DISTRICT_MECHANISMS) <= set(knockouts)
    switched_on = scenario.programmes["place-based"].mechanisms.switched_on()
    assert set(switched_on) <= set(knockouts)
    assert all(knockouts[name].scope == "programme" for name in switched_on)
    for name in DISTRICT_MECHANISMS:
        assert getattr(knockouts[name].apply(scenario).mechanisms, name) is False
    for name in switched_on:
        assert getattr(knockouts[name].apply(scenario).programme.mechanisms, name) is False
    assert set(PROGRAMME_MECHANISMS) >= set(switched_on)


# -- arithmetic -------------------------------------------------------------------------------


def test_the_tailoring_premium_is_native_minus_the_best_foreign_design() -> None:
    firms = {
        "own": np.array([5.0, 7.0, 9.0]),
        "weak": np.array([1.0, 1.0, 1.0]),
        "strong": np.array([2.0, 3.0, 7.0]),
    }
    best, premium, low, high = tailoring_premium(firms, "own")
    assert best == "strong"
    assert premium == pytest.approx(3.0)  # differences 3, 4, 2
    half = 4.302652729911275 * 1.0 / math.sqrt(3)  # t(0.975, 2) * sd / sqrt(n), sd = 1
    assert (low, high) == pytest.approx((3.0 - half, 3.0 + half))
    with pytest.raises(ValueError, match="foreign"):
        tailoring_premium({"own": firms["own"]}, "own")


def test_an_interval_spanning_zero_reads_no_detectable_effect() -> None:
    assert describe(1.2, -3.0, 5.4).startswith("no detectable effect")
    assert describe(-4.0, -6.0, -2.0) == "-4.0 firms (95% CI -6.0 to -2.0)"
    assert "no interval" in describe(1.0, math.nan, math.nan)


def test_same_budget_only_within_five_percent() -> None:
    assert spends_match(100.0, 96.0)
    assert not spends_match(100.0, 95.0)
    assert spend_gap(0.0, 0.0) == 0.0
    assert "the same realised public spend" in spend_clause("a", 1000.0, "b", 980.0)
    text = spend_clause("a", 1000.0, "b", 600.0)
    assert "different realised public spend" in text
    assert "EUR 1,000" in text
    assert "EUR 600" in text


# -- equal spend ------------------------------------------------------------------------------


def test_equal_spend_matching_brings_spends_within_five_percent(scenario: Scenario) -> None:
    place, generic = scenario.with_programme("place-based"), scenario.with_programme("generic")
    match = match_spend(place, generic, replications=REPLICATIONS, rng=SEED)
    assert match.matched
    assert match.gap < SAME_SPEND_TOLERANCE
    # The matched spends are what the matched designs spend with the same seed.
    check = run_scenarios(
        {"first": match.matched_first, "second": match.matched_second}, replications=REPLICATIONS, rng=SEED
    ).outcomes()
    spent = check.groupby("scenario")["programme_spend_eur"].mean()
    assert spent["first"] == pytest.approx(match.spend_first)
    assert spent["second"] == pytest.approx(match.spend_second)
    assert spend_gap(spent["first"], spent["second"]) < SAME_SPEND_TOLERANCE
    # Only one design was rescaled, by the factor reported.
    unchanged = match.matched_second if match.scaled == "first" else match.matched_first
    assert unchanged in (place, generic)
    scaled = match.matched_first if match.scaled == "first" else match.matched_second
    original = place if match.scaled == "first" else generic
    assert scaled == with_budget_scaled(original, match.factor)


# -- the audit end to end ---------------------------------------------------------------------


def test_the_audit_writes_six_tables_with_intervals(result: AuditResult) -> None:
    assert tuple(result.tables) == TABLES
    for key in TABLES:
        table = result.table(key)
        assert not table.empty, key
        assert result.tables[key].summary, key
        interval_columns = [c for c in table.columns if c.endswith("_ci_low")]
        assert interval_columns, key
    frame = result.to_frame()
    assert set(frame["table"]) == set(TABLES)
    factorial = result.factorial
    assert (factorial["row"] == "cell").sum() == 16
    assert (factorial["row"] == "main effect").sum() == 4
    assert result.runs > 0


def test_the_all_place_based_cell_is_the_documented_programme(
    scenario: Scenario, result: AuditResult
) -> None:
    documented = run_scenarios(
        {"none": scenario.with_programme("none"), "place-based": scenario.with_programme("place-based")},
        replications=REPLICATIONS,
        rng=SEED,
    ).outcomes()
    firms = documented.pivot(index="replication", columns="scenario", values="firms_adopting")
    expected = (firms["place-based"] - firms["none"]).mean()
    cell = result.factorial.set_index("cell").loc["PPPP"]
    assert cell["additional_firms"] == pytest.approx(expected)
    native = result.transplant
    native = native[(native["host"] == "vinalopo-footwear") & (native["design"] == "vinalopo-footwear")]
    assert native["additional_firms"].iloc[0] == pytest.approx(expected)


def test_main_effects_average_the_cells(result: AuditResult) -> None:
    factorial = result.factorial
    cells = factorial[factorial["row"] == "cell"]
    on = cells[cells["codesign"] == "place-based"]["additional_firms"].mean()
    off = cells[cells["codesign"] == "generic"]["additional_firms"].mean()
    main = factorial.set_index("cell").loc["main effect of co-design", "additional_firms"]
    assert main == pytest.approx(on - off)


def test_transplant_premium_rows_match_the_matrix(result: AuditResult) -> None:
    table = result.transplant
    for host, rows in table.groupby("host"):
        designs = rows[rows["design"].isin(["vinalopo-footwear", "toy-valley"])].set_index("design")
        premium = rows[rows["design"].str.startswith("tailoring premium")]
        assert len(premium) == 1
        foreign = "toy-valley" if host == "vinalopo-footwear" else "vinalopo-footwear"
        expected = designs.loc[host, "additional_firms"] - designs.loc[foreign, "additional_firms"]
        assert premium["additional_firms"].iloc[0] == pytest.approx(expected)


def test_equal_spend_table_states_spend_and_matches(result: AuditResult) -> None:
    table = result.equal_spend.set_index("row")
    assert {"budget_eur", "public_spend_eur", "unspent_budget_eur"} <= set(table.columns)
    assert table.loc["place-based minus generic, equal spend", "spend_gap"] < SAME_SPEND_TOLERANCE
    designs = table[table["budget_eur"].notna()]
    assert np.allclose(designs["unspent_budget_eur"], designs["budget_eur"] - designs["public_spend_eur"])
    # Re-opened calls: the design that spends less keeps its budget and spends more of it.
    reopened = [name for name in table.index if name.endswith("(calls re-opened)")]
    assert len(reopened) == 1
    documented = reopened[0].replace("calls re-opened", "documented budget")
    assert table.loc[reopened[0], "budget_eur"] == pytest.approx(table.loc[documented, "budget_eur"])
    assert table.loc[reopened[0], "public_spend_eur"] >= table.loc[documented, "public_spend_eur"]
    assert "place-based minus generic, calls re-opened" in table.index


def test_costs_only_where_the_effect_is_detectable(result: AuditResult) -> None:
    for key in ("factorial", "equal_spend", "knowledge_generic", "horizons"):
        table = result.table(key)
        rows = (
            table[table["eur_per_additional_firm"].notna()] if "eur_per_additional_firm" in table else table
        )
        spans_zero = (rows["additional_firms_ci_low"] <= 0) & (rows["additional_firms_ci_high"] >= 0)
        assert not spans_zero.any(), key


def test_knockouts_are_ranked_by_the_size_of_their_contribution(result: AuditResult) -> None:
    table = result.knockouts
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    sizes = table["contribution_firms"].abs().to_numpy()
    assert np.all(np.diff(sizes) <= 1e-12)
    assert set(table["mechanism"]) == {"association", "instrument_projects"}


def test_the_horizon_sweep_covers_each_horizon(result: AuditResult) -> None:
    table = result.horizons
    assert sorted(set(table["months"])) == [36.0, 72.0]
    assert (table["row"] == "place-based minus generic").sum() == 2


def test_the_summary_states_uncertainty_and_never_a_winner(result: AuditResult) -> None:
    texts = [result.summary, *(t.summary for t in result.tables.values())]
    for text in texts:
        assert "95% CI" in text or "no detectable effect" in text
        for claim in ("wins", "beats", "outperforms", "is better", "works better"):
            assert claim not in text


def test_the_audit_is_reproducible(scenario: Scenario) -> None:
    structures = {"vinalopo-footwear": scenario}
    kwargs = {"replications": 2, "rng": 5, "structures": structures, "horizons": (36.0,), "knockouts": []}
    first = districtlab.audit(scenario, **kwargs)  # type: ignore[arg-type]
    second = districtlab.audit(scenario, **kwargs)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(first.to_frame(), second.to_frame())


def test_bad_input_is_one_clear_error(scenario: Scenario) -> None:
    with pytest.raises(InputError, match="at least 2 replications"):
        districtlab.audit(scenario, replications=1)
    without_generic = scenario.replace(
        programmes={"place-based": scenario.programmes["place-based"].model_dump()}
    )
    with pytest.raises(InputError, match="'generic'"):
        districtlab.audit(without_generic, replications=2)
    with pytest.raises(InputError, match="horizons"):
        districtlab.audit(scenario, replications=2, horizons=(0.0,))


def test_the_horizon_sweep_reads_each_run_at_its_own_end() -> None:
    from districtlab.experiments.audit import _read_at_end

    scenario = small("toy-valley", firms=60, months=72.0)
    fixed = scenario.replace(reporting=scenario.reporting.model_dump() | {"horizon_months": 60.0})
    assert _read_at_end(fixed.with_months(36.0)).reporting.horizon_months is None
    assert _read_at_end(scenario) is scenario


def test_progress_counts_every_run_and_ends_at_its_total(scenario: Scenario) -> None:
    calls: list[tuple[int, int]] = []
    result = districtlab.audit(
        scenario,
        replications=2,
        rng=5,
        structures={"vinalopo-footwear": scenario},
        horizons=(36.0,),
        knockouts=[],
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (result.runs, result.runs)
    assert all(done <= total for done, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.parametrize(
    ("language", "uncertainty", "claims"),
    [
        ("es", ("IC 95 %", "sin efecto detectable"), ("gana", "supera", "es mejor", "funciona mejor")),
        ("ca", ("IC 95 %", "sense efecte detectable"), ("guanya", "supera", "és millor", "funciona millor")),
    ],
)
def test_the_findings_read_in_spanish_and_valencian(
    result: AuditResult, language: str, uncertainty: tuple[str, ...], claims: tuple[str, ...]
) -> None:
    texts = [result.summary_in(language), *(t.summary_in(language) for t in result.tables.values())]
    for english, text in zip(
        [result.summary, *(t.summary for t in result.tables.values())], texts, strict=True
    ):
        assert text != english
        assert any(word in text for word in uncertainty)
        for claim in claims:
            assert claim not in text
        for template_word in (" over no programme", " minus ", "place-based", "{", "}"):
            assert template_word not in text, (template_word, text)


def test_every_mechanism_switch_has_a_translatable_label() -> None:
    from districtlab.config import DISTRICT_MECHANISMS, PROGRAMME_MECHANISMS
    from districtlab.config.programme import ProgrammeMechanisms
    from districtlab.config.scenario import DistrictMechanisms
    from districtlab.experiments.audit import MECHANISM_LABELS, MECHANISM_NAMES

    for model, names in (
        (DistrictMechanisms, DISTRICT_MECHANISMS),
        (ProgrammeMechanisms, PROGRAMME_MECHANISMS),
    ):
        for name in names:
            assert model.model_fields[name].description in MECHANISM_LABELS, name
            assert name in MECHANISM_NAMES, name
