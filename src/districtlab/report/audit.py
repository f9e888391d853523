"""The audit's outputs: one CSV per table and a self-contained HTML report section.

:func:`readable` turns an audit table into what people read ("mean [95% CI]",
"no detectable effect" instead of a cost whose effect could be zero, EUR with
thousands separators); :func:`headline` picks each table's few rows that answer
its question; :func:`audit_section_html` renders the six tables as one HTML
section (to include in any report) and :func:`write_audit_report` writes the
CSVs and a standalone page that opens offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from districtlab.experiments.analysis import format_interval
from districtlab.experiments.audit import MECHANISM_LABELS, TABLES, AuditResult
from districtlab.i18n.labels import LABELS as OUTCOME_LABELS
from districtlab.i18n.numbers import format_amount, format_moment, format_percent
from districtlab.i18n.translate import N_, gettext_for
from districtlab.io.files import write_atomically
from districtlab.io.spreadsheet import spreadsheet_csv
from districtlab.report.embed import figure_png, png_data_uri
from districtlab.report.jinja import environment
from districtlab.viz.audit import effect_forest

#: Interval columns (prefix, then prefix_ci_low and prefix_ci_high) and how they are labelled.
INTERVALS = {
    "additional_firms": N_("Additional adopting firms"),
    "additional_adoptions": N_("Additional adoptions (firm × technology)"),
    "effect_without": N_("Effect without it (firms)"),
    "contribution_firms": N_("Contribution (firms)"),
    "contribution_adoptions": N_("Contribution (adoptions)"),
    "no_programme_change_firms": N_("Change with no programme (firms)"),
}
MONEY = {
    "budget_eur": N_("Budget (EUR)"),
    "public_spend_eur": N_("Realised public spend (EUR)"),
    "unspent_budget_eur": N_("Unspent budget (EUR)"),
}
LABELS = {
    "row": N_("Row"),
    "cell": N_("Cell"),
    "instrument_mix": N_("Instrument mix"),
    "targeting": N_("Targeting"),
    "priorities": N_("Priorities"),
    "codesign": N_("Co-design"),
    "host": N_("Host structure"),
    "design": N_("Design"),
    "native": N_("Native"),
    "budget_factor": N_("Budget factor"),
    "spend_gap": N_("Spend gap"),
    "rank": N_("Rank"),
    "mechanism": N_("Mechanism"),
    "label": N_("What it is"),
    "scope": N_("Switched off in"),
    "months": N_("Month"),
}
NO_EFFECT = N_("no detectable effect")


def _cost(row: pd.Series, language: str = "en") -> str:
    if pd.isna(row.get("budget_eur")):
        return ""
    cost = row.get("eur_per_additional_firm")
    if cost is None or pd.isna(cost):
        return gettext_for(language)(NO_EFFECT)
    return format_interval(
        float(cost),
        float(row["eur_per_additional_firm_ci_low"]),
        float(row["eur_per_additional_firm_ci_high"]),
        digits=0,
        language=language,
    )


def readable(frame: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """An audit table as people read it: intervals as 'mean [low, high]', money in EUR, costs or
    "no detectable effect", headings and numbers in ``language``."""
    _ = gettext_for(language)
    columns: dict[str, list[str]] = {}
    skip = {f"{prefix}_ci_{end}" for prefix in INTERVALS for end in ("low", "high")}
    skip |= {"eur_per_additional_firm", "eur_per_additional_firm_ci_low", "eur_per_additional_firm_ci_high"}
    for name in frame.columns:
        if name in skip:
            continue
        values = frame[name]
        if name in INTERVALS:
            columns[_(INTERVALS[name])] = [
                ""
                if pd.isna(row[name])
                else format_interval(
                    float(row[name]),
                    float(row[f"{name}_ci_low"]),
                    float(row[f"{name}_ci_high"]),
                    language=language,
                )
                for _row, row in frame.iterrows()
            ]
        elif name in MONEY:
            columns[_(MONEY[name])] = [
                "" if pd.isna(v) else format_amount(float(v), language) for v in values
            ]
        elif name == "spend_gap":
            columns[_(LABELS[name])] = [
                "" if pd.isna(v) else format_percent(float(v), language) for v in values
            ]
        elif name == "budget_factor":
            columns[_(LABELS[name])] = [
                "" if pd.isna(v) else "×" + format_amount(float(v), language, decimals=2) for v in values
            ]
        elif name == "months":
            columns[_(LABELS[name])] = [format_amount(float(v), language, decimals=-1) for v in values]
        else:
            heading = _(LABELS[name]) if name in LABELS else name
            columns[heading] = ["" if _missing(v) else row_words(str(v), language) for v in values]
        if name == "unspent_budget_eur" and "eur_per_additional_firm" in frame.columns:
            columns[_("EUR per additional adopting firm")] = [
                _cost(row, language) for _row, row in frame.iterrows()
            ]
    return pd.DataFrame(columns)


#: The rows' names in the audit's tables (the CSVs keep them as they are), as people read them.
ROW_WORDS = {
    "cell": N_("cell"),
    "main effect": N_("main effect"),
    "place-based": N_("place-based"),
    "generic": N_("generic"),
    "place-based (documented budget)": N_("place-based (documented budget)"),
    "generic (documented budget)": N_("generic (documented budget)"),
    "place-based (equal spend)": N_("place-based (equal spend)"),
    "generic (equal spend)": N_("generic (equal spend)"),
    "place-based (calls re-opened)": N_("place-based (calls re-opened)"),
    "generic (calls re-opened)": N_("generic (calls re-opened)"),
    "place-based minus generic": N_("place-based minus generic"),
    "place-based minus generic, documented budgets": N_("place-based minus generic, documented budgets"),
    "place-based minus generic, equal spend": N_("place-based minus generic, equal spend"),
    "place-based minus generic, calls re-opened": N_("place-based minus generic, calls re-opened"),
    "generic (grants)": N_("generic (grants)"),
    "generic (knowledge instruments)": N_("generic (knowledge instruments)"),
    "knowledge-instrument generic minus grant generic": N_(
        "knowledge-instrument generic minus grant generic"
    ),
    "place-based minus knowledge-instrument generic": N_("place-based minus knowledge-instrument generic"),
    "district": N_("district"),
    "programme": N_("programme"),
}
_INSTRUMENT_KNOCKOUT = re.compile(r"the programme's (\w+) \(share (\d+)% spread over the others\)")


def row_words(value: str, language: str = "en") -> str:
    """A row's name in an audit table in ``language``: the fixed names, "main effect of <factor>",
    "tailoring premium (native minus <design>)" and the mechanisms' labels; anything else (a cell such
    as PPGG, a district or a design the user named) as it is."""
    _ = gettext_for(language)
    if value in ROW_WORDS:
        return _(ROW_WORDS[value])
    if value.startswith("main effect of "):
        factor = value.removeprefix("main effect of ")
        return _("main effect of {factor}").format(factor=_(FACTOR_NAMES.get(factor, factor)))
    if value.startswith("tailoring premium (native minus ") and value.endswith(")"):
        best = value.removeprefix("tailoring premium (native minus ").removesuffix(")")
        return _("tailoring premium (native minus {best})").format(best=best)
    if value in MECHANISM_LABELS:
        return _(value)
    if match := _INSTRUMENT_KNOCKOUT.fullmatch(value):
        instrument, share = match.groups()
        return _("the programme's {instrument} (share {share} spread over the others)").format(
            instrument=_(OUTCOME_LABELS.get(instrument, instrument)),
            share=format_percent(int(share) / 100, language, decimals=0),
        )
    return value


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def headline(result: AuditResult) -> dict[str, pd.DataFrame]:
    """Each table's rows that answer its question (raw columns; see :func:`readable`)."""
    factorial = result.factorial
    transplant = result.transplant
    equal_spend = result.equal_spend
    knockouts = result.knockouts
    horizons = result.horizons
    return {
        "factorial": factorial[
            (factorial["row"] == "main effect") | factorial["cell"].isin(["PPPP", "GGGG"])
        ][
            [
                "cell",
                "additional_firms",
                "additional_firms_ci_low",
                "additional_firms_ci_high",
                "additional_adoptions",
                "additional_adoptions_ci_low",
                "additional_adoptions_ci_high",
            ]
        ],
        "transplant": transplant[transplant["design"].astype(str).str.startswith("tailoring premium")][
            ["host", "design", "additional_firms", "additional_firms_ci_low", "additional_firms_ci_high"]
        ],
        "equal_spend": equal_spend[
            [
                "row",
                "additional_firms",
                "additional_firms_ci_low",
                "additional_firms_ci_high",
                "budget_eur",
                "public_spend_eur",
                "unspent_budget_eur",
                "spend_gap",
            ]
        ],
        "knowledge_generic": result.knowledge_generic[
            [
                "row",
                "additional_firms",
                "additional_firms_ci_low",
                "additional_firms_ci_high",
                "public_spend_eur",
            ]
        ],
        "knockouts": knockouts.head(5)[
            [
                "rank",
                "mechanism",
                "contribution_firms",
                "contribution_firms_ci_low",
                "contribution_firms_ci_high",
            ]
        ]
        if not knockouts.empty
        else knockouts,
        "horizons": horizons[horizons["row"] == "place-based minus generic"][
            ["months", "row", "additional_firms", "additional_firms_ci_low", "additional_firms_ci_high"]
        ],
    }


def _table_html(frame: pd.DataFrame) -> Markup:
    # pandas escapes every cell (escape=True); the result is inserted as it is.
    return Markup(frame.to_html(index=False, border=0, escape=True, na_rep=""))


def components_figure(result: AuditResult, language: str = "en") -> Figure:
    """What carries the effect: the factors' main effects and the knock-outs' contributions."""
    _ = gettext_for(language)
    factorial = result.factorial
    main = factorial[factorial["row"] == "main effect"]
    knockouts = result.knockouts
    labels = [
        _("place-based {factor}").format(factor=_(FACTOR_NAMES.get(factor, factor)))
        for factor in (str(cell).removeprefix("main effect of ") for cell in main["cell"])
    ]
    estimates = [float(v) for v in main["additional_firms"]]
    lows = [float(v) for v in main["additional_firms_ci_low"]]
    highs = [float(v) for v in main["additional_firms_ci_high"]]
    if not knockouts.empty:
        labels += [
            _("knock-out: {mechanism}").format(mechanism=str(name).replace("_", " "))
            for name in knockouts["mechanism"]
        ]
        estimates += [float(v) for v in knockouts["contribution_firms"]]
        lows += [float(v) for v in knockouts["contribution_firms_ci_low"]]
        highs += [float(v) for v in knockouts["contribution_firms_ci_high"]]
    return effect_forest(
        labels,
        estimates,
        lows,
        highs,
        title=_("What carries the place-based effect"),
        xlabel=_("Additional adopting firms it accounts for (95% CI)"),
    )


#: The factors of the factorial table as :data:`districtlab.experiments.audit.FACTOR_LABELS` names them.
FACTOR_NAMES = {
    "instrument mix": N_("instrument mix"),
    "targeting": N_("targeting"),
    "technology priorities": N_("technology priorities"),
    "co-design": N_("co-design"),
}


def audit_section_html(result: AuditResult, *, heading_level: int = 2, language: str = "en") -> Markup:
    """The six tables with their questions and findings, as one HTML section (autoescaped).

    The section's own text, the tables' titles, questions, headings, numbers and findings (the
    summaries :mod:`districtlab.experiments.audit` writes from the numbers) are in ``language``.
    """
    _ = gettext_for(language)
    sections = [
        {
            "key": table.key,
            "title": _(table.title),
            "question": _(table.question),
            "summary": table.summary_in(language),
            "table": _table_html(readable(table.frame, language)),
        }
        for table in result.tables.values()
    ]
    figure = png_data_uri(figure_png(components_figure(result, language)))
    caption = _(
        "Main effects of the four factors (each switched from its generic to its place-based setting) and "
        "the contribution of each mechanism (the effect with it minus the effect without it); hollow grey "
        "points: no detectable effect."
    )
    html = (
        environment(language)
        .get_template("audit_section.html.j2")
        .render(
            result=result,
            sections=sections,
            level=heading_level,
            sublevel=heading_level + 1,
            figure=figure,
            caption=caption,
            overall=result.summary_in(language),
            runs=format_amount(result.runs, language),
        )
    )
    return Markup(html)


def write_audit_tables(result: AuditResult, out: Path) -> list[Path]:
    """``<table>.csv`` for each of the six tables and ``audit.csv`` with all of them (raw numbers)."""
    out.mkdir(parents=True, exist_ok=True)
    written = [write_atomically(out / f"{key}.csv", _csv(result.table(key))) for key in TABLES]
    written.append(write_atomically(out / "audit.csv", _csv(result.to_frame())))
    return written


def _csv(frame: pd.DataFrame) -> str:
    # Cells are numbers or names the package wrote; a cell a spreadsheet would read as a formula
    # (a user's design name, say) is prefixed with a quote so that it stays text.
    return spreadsheet_csv(frame)


def write_audit_report(
    result: AuditResult, out: Path, metadata: Mapping[str, str], *, language: str = "en"
) -> Path:
    """Write the CSVs, ``metadata.json`` and ``index.html`` (self-contained, offline, in ``language``) into ``out``.

    The CSVs keep machine column names and raw numbers whatever the language.
    """
    _ = gettext_for(language)
    write_audit_tables(result, out)
    write_atomically(out / "metadata.json", json.dumps(dict(metadata), indent=2) + "\n")
    html = (
        environment(language)
        .get_template("audit.html.j2")
        .render(
            title=_("districtlab audit: {district}").format(district=result.district),
            result=result,
            section=audit_section_html(result, language=language),
            metadata=metadata,
            written=format_moment(datetime.now(UTC), language),
        )
    )
    return write_atomically(out / "index.html", html)


__all__ = [
    "audit_section_html",
    "components_figure",
    "headline",
    "readable",
    "row_words",
    "write_audit_report",
    "write_audit_tables",
]
