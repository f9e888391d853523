"""The audit's tables as people read them, and as CSV a spreadsheet cannot run."""

from __future__ import annotations

import math

import pandas as pd

from districtlab.report.audit import _csv, readable


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "row": '=HYPERLINK("http://example.com")',
                "additional_firms": 1.0,
                "additional_firms_ci_low": -2.0,
                "additional_firms_ci_high": 4.0,
                "budget_eur": 1_500_000.0,
                "public_spend_eur": 500_000.0,
                "unspent_budget_eur": 1_000_000.0,
                "eur_per_additional_firm": math.nan,
                "eur_per_additional_firm_ci_low": math.nan,
                "eur_per_additional_firm_ci_high": math.nan,
            },
            {
                "row": "place-based",
                "additional_firms": 20.0,
                "additional_firms_ci_low": 10.0,
                "additional_firms_ci_high": 30.0,
                "budget_eur": 1_500_000.0,
                "public_spend_eur": 1_450_000.0,
                "unspent_budget_eur": 50_000.0,
                "eur_per_additional_firm": 72_500.0,
                "eur_per_additional_firm_ci_low": 48_000.0,
                "eur_per_additional_firm_ci_high": 145_000.0,
            },
            {
                "row": "place-based minus generic",
                "additional_firms": 19.0,
                "additional_firms_ci_low": 8.0,
                "additional_firms_ci_high": 30.0,
                "budget_eur": math.nan,
                "public_spend_eur": math.nan,
                "unspent_budget_eur": math.nan,
                "eur_per_additional_firm": math.nan,
                "eur_per_additional_firm_ci_low": math.nan,
                "eur_per_additional_firm_ci_high": math.nan,
            },
        ]
    )


def test_readable_tables_show_intervals_money_and_no_cost_without_an_effect() -> None:
    table = readable(_frame())
    assert list(table.columns) == [
        "Row",
        "Additional adopting firms",
        "Budget (EUR)",
        "Realised public spend (EUR)",
        "Unspent budget (EUR)",
        "EUR per additional adopting firm",
    ]
    assert table["Additional adopting firms"].tolist()[:2] == ["1.0 [-2.0, 4.0]", "20.0 [10.0, 30.0]"]
    assert table["EUR per additional adopting firm"].tolist() == [
        "no detectable effect",
        "72,500 [48,000, 145,000]",
        "",
    ]
    assert table["Unspent budget (EUR)"].tolist() == ["1,000,000", "50,000", ""]


def test_csv_cells_that_a_spreadsheet_would_run_stay_text() -> None:
    text = _csv(_frame())
    assert "\n\"'=HYPERLINK" in text
    assert '\n"=HYPERLINK' not in text
    assert ",-2.0," in text  # numbers are left alone


def test_the_forest_plot_has_one_row_per_effect_and_marks_zero() -> None:
    from districtlab.viz.audit import effect_forest

    figure = effect_forest(["a", "b", "c"], [1.0, -2.0, 0.5], [0.2, -3.0, -1.0], [1.8, -1.0, 2.0], title="t")
    ax = figure.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["a", "b", "c"]
    assert list(ax.get_yticks()) == [2, 1, 0]  # the first effect on top
    assert any(tuple(line.get_xdata()) == (0.0, 0.0) for line in ax.get_lines())


def test_row_names_read_in_the_reports_language_and_user_names_stay() -> None:
    from districtlab.report.audit import row_words

    assert (
        row_words("place-based minus generic, equal spend", "es") == "territorial menos genérico, mismo gasto"
    )
    assert row_words("main effect of co-design", "ca") == "efecte principal de codisseny"
    assert row_words("tailoring premium (native minus toy-valley)", "es") == (
        "prima de adaptación (diseño propio menos toy-valley)"
    )
    assert row_words("the programme's training (share 20% spread over the others)", "es").replace(
        "\xa0", " "
    ) == ("formación del programa (su parte, un 20 %, repartida entre los demás)")
    for name in ("PPGG", "my design", "=HYPERLINK(1)"):
        assert row_words(name, "es") == name
