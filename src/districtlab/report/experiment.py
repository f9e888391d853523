"""The report of a comparison of designs: one self-contained HTML page, and its figures for a paper.

:func:`render_report` returns the page (figures as data URIs, inline CSS, no
script, nothing fetched when it opens); :func:`write_report` also writes every
figure as PNG and PDF into ``figures/``. Both read an
:class:`~districtlab.experiments.analysis.ExperimentData`, so the policy lab's Export
page and ``districtlab report EXPERIMENT_DIR`` give the same report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from districtlab.config import INSTRUMENTS, Scenario
from districtlab.experiments.analysis import (
    CONFIDENCE,
    ExperimentData,
    cost_table,
    difference_table,
    format_cost,
    format_interval,
    readable_summary,
    size_table,
    verdict,
)
from districtlab.experiments.compare import cost_per_additional
from districtlab.io.files import write_atomically
from districtlab.report.embed import figure_png, png_data_uri, save_figure
from districtlab.report.jinja import environment
from districtlab.report.odd import SUBMODELS
from districtlab.viz import additionality_bars, adoption_bands, size_class_adoption

#: Formats of the figures written for papers.
PAPER_FORMATS = ("png", "pdf")


@dataclass(frozen=True)
class ReportFigure:
    name: str
    caption: str
    figure: Figure


def report_figures(data: ExperimentData, *, baseline: str | None) -> list[ReportFigure]:
    """The report's figures, in the order they appear."""
    curves = {name: data.series["adoption_share_mean"][index] * 100 for index, name in enumerate(data.names)}
    district = data.scenarios[0].district
    figures = [
        ReportFigure(
            "adoption",
            f"{district}: mean adoption share over the technologies, with 95% confidence bands ({data.replications} replications).",
            adoption_bands(
                curves,
                data.months,
                title=district,
                ylabel="Adoption share, mean over technologies (%)",
                bounds=(0.0, 100.0),
            ),
        ),
        ReportFigure(
            "adoption_by_size",
            f"{district}: adoption share at the horizon by size class (mean over technologies and replications).",
            size_class_adoption(size_table(data), title=district, ylabel="Adoption share (0–1)"),
        ),
    ]
    if baseline is not None and baseline in data.names and len(data.names) > 1:
        differences = difference_table(
            data, baseline=baseline, outcomes=("new_adopters", "laggard_share")
        ).assign(district=district)
        figures.append(
            ReportFigure(
                "additional_adopters",
                f"Additional adopters over {baseline} (paired 95% CI).",
                additionality_bars(
                    differences,
                    outcome="new_adopters",
                    ylabel="Additional adopters (firm × technology)",
                    title=f"Additionality over {baseline}",
                ),
            )
        )
        percent = differences.assign(
            difference=differences["difference"] * 100,
            ci_low=differences["ci_low"] * 100,
            ci_high=differences["ci_high"] * 100,
        )
        figures.append(
            ReportFigure(
                "laggard_share_change",
                f"Change in the share of firms with no technology over {baseline} (paired 95% CI).",
                additionality_bars(
                    percent,
                    outcome="laggard_share",
                    ylabel="Change in laggard share (percentage points)",
                    title="Laggards",
                ),
            )
        )
    return figures


def scenario_table(names: tuple[str, ...], scenarios: tuple[Scenario, ...]) -> pd.DataFrame:
    """The parameters a reader needs to tell the designs apart, one row per design."""
    rows = []
    for name, scenario in zip(names, scenarios, strict=True):
        programme = scenario.programme
        allocation = programme.allocation
        rows.append(
            {
                "Design": name,
                "District": scenario.district,
                "Firms": f"{scenario.n_firms:,}",
                "Months": f"{scenario.months:g}",
                "Programme": f"{programme.name} ({programme.kind})",
                "Budget (EUR/year)": f"{programme.budget_eur_per_year:,.0f}",
                "Runs (months)": f"{programme.start_month}–{programme.start_month + programme.duration_months}"
                if programme.is_active()
                else "–",
                "Instrument mix (%)": ", ".join(
                    f"{key} {100 * getattr(allocation, key):.0f}"
                    for key in INSTRUMENTS
                    if getattr(allocation, key) > 0
                )
                if allocation is not None
                else "–",
                "Targeting": programme.targeting.replace("_", " ") if programme.is_active() else "–",
                "Focus": str(programme.focus_technologies) if programme.is_active() else "–",
                "Co-design breadth": f"{programme.codesign.participation_breadth:.2f}"
                if programme.codesign is not None
                else "–",
            }
        )
    return pd.DataFrame(rows)


DIFFERENCE_OUTCOMES = (
    ("firms_adopting", "Additional adopting firms", 1.0, 1),
    ("new_adopters", "Additional adoptions (firm × technology)", 1.0, 1),
    ("laggard_share", "Laggard share change (pp)", 100.0, 2),
    ("adoption_share_mean", "Adoption share change (pp)", 100.0, 2),
)


def _budget(data: ExperimentData, index: int, name: str) -> float:
    if "budget_eur" in data.outcomes.columns:
        return float(data.values(name, "budget_eur").mean())
    programme = data.scenarios[index].programme
    return programme.total_budget_eur if programme.is_active() else 0.0


def _difference_view(data: ExperimentData, baseline: str) -> pd.DataFrame:
    """Each design over the baseline: adopting firms first, then adoptions, laggards, and the money.

    A cost is shown only where the effect's interval excludes zero ("no detectable effect" otherwise).
    """
    chosen = [spec for spec in DIFFERENCE_OUTCOMES if spec[0] in data.outcomes.columns]
    differences = difference_table(data, baseline=baseline, outcomes=tuple(spec[0] for spec in chosen))
    costs = cost_table(data, baseline=baseline).set_index("scenario")
    firm_costs = (
        cost_per_additional(
            data.runs, baseline=baseline, effect="firms_adopting", confidence=CONFIDENCE
        ).set_index("scenario")
        if "firms_adopting" in data.outcomes.columns
        else None
    )
    rows = []
    for index, name in enumerate(data.names):
        if name == baseline:
            continue
        row = {"Design": name}
        for outcome, label, scale, digits in chosen:
            cell = differences[(differences["scenario"] == name) & (differences["outcome"] == outcome)].iloc[
                0
            ]
            row[label] = format_interval(
                cell["difference"], cell["ci_low"], cell["ci_high"], scale=scale, digits=digits
            )
        spend = float(data.values(name, "programme_spend_eur").mean())
        budget = _budget(data, index, name)
        row["Budget (EUR)"] = f"{budget:,.0f}"
        row["Realised public spend (EUR)"] = f"{spend:,.0f}"
        row["Unspent budget (EUR)"] = f"{budget - spend:,.0f}"
        if firm_costs is not None:
            cost = firm_costs.loc[name]
            row["EUR per additional adopting firm"] = format_cost(
                cost["eur_per_additional"], cost["ci_low"], cost["ci_high"]
            )
        cost = costs.loc[name]
        row["EUR per additional adoption"] = format_cost(
            cost["eur_per_additional_adopter"], cost["ci_low"], cost["ci_high"]
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _seeds(data: ExperimentData) -> str:
    keys = sorted(set(data.outcomes["spawn_key"].astype(str))) if "spawn_key" in data.outcomes else []
    shown = ", ".join(f"({key.replace('/', ', ')},)" for key in keys[:3])
    more = f", … ({len(keys)} in all)" if len(keys) > 3 else ""
    pairing = (
        "shared by every design (common random numbers)"
        if data.common_random_numbers
        else "one per design and replication"
    )
    return f"root entropy {data.entropy}; spawn keys {shown}{more}, {pairing}"


def _table_html(frame: pd.DataFrame) -> Markup:
    return Markup(frame.to_html(index=False, border=0, escape=True))


def render_report(
    data: ExperimentData,
    *,
    title: str,
    baseline: str | None,
    metadata: Mapping[str, str],
    figures: list[ReportFigure] | None = None,
) -> str:
    """The report as one HTML document that needs nothing else to open."""
    figures = report_figures(data, baseline=baseline) if figures is None else figures
    comparable = [name for name in data.names if name != baseline]
    if {"place-based", "generic"} <= set(comparable):  # the study's question first
        comparable = [
            "place-based",
            "generic",
            *(name for name in comparable if name not in ("place-based", "generic")),
        ]
    text = (
        verdict(data, comparable[0], comparable[1], baseline=baseline)
        if len(comparable) >= 2
        else verdict(data, comparable[0], baseline, baseline=None)
        if comparable and baseline in data.names
        else ""
    )
    templates = environment()
    odd = Markup(templates.get_template("odd_summary.html.j2").render(submodels=SUBMODELS))
    return templates.get_template("experiment.html.j2").render(
        title=title,
        lede=f"{data.scenarios[0].district}: {', '.join(data.names)}; {data.replications} replications each.",
        verdict=text,
        summary_table=_table_html(readable_summary(data)),
        difference_table=_table_html(_difference_view(data, baseline))
        if baseline in data.names and comparable
        else None,
        baseline=baseline,
        figures=[{"caption": f.caption, "uri": png_data_uri(figure_png(f.figure))} for f in figures],
        scenario_table=_table_html(scenario_table(data.names, data.scenarios)),
        seeds=_seeds(data),
        metadata=dict(metadata),
        odd_summary=odd,
        paired=data.common_random_numbers,
        replications=data.replications,
    )


def write_report(
    data: ExperimentData, out: Path, *, title: str, baseline: str | None, metadata: Mapping[str, str]
) -> list[Path]:
    """Write ``index.html`` and ``figures/<name>.png`` and ``.pdf`` into ``out``; returns the files."""
    figures = report_figures(data, baseline=baseline)
    written = []
    for figure in figures:
        written += save_figure(figure.figure, out / "figures" / figure.name, formats=PAPER_FORMATS, dpi=300)
    page = out / "index.html"
    write_atomically(
        page, render_report(data, title=title, baseline=baseline, metadata=metadata, figures=figures)
    )
    return [page, *written]


__all__ = [
    "PAPER_FORMATS",
    "ReportFigure",
    "render_report",
    "report_figures",
    "scenario_table",
    "write_report",
]
