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
from datetime import UTC, datetime
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
from districtlab.experiments.verdict import rank_designs
from districtlab.i18n.labels import label
from districtlab.i18n.numbers import format_amount, format_moment
from districtlab.i18n.translate import N_, gettext_for
from districtlab.io.files import write_atomically
from districtlab.report.embed import figure_png, png_data_uri, save_figure
from districtlab.report.jinja import environment
from districtlab.report.odd import odd_summary_html
from districtlab.viz import additionality_bars, adoption_bands, size_class_adoption

#: Formats of the figures written for papers.
PAPER_FORMATS = ("png", "pdf")


@dataclass(frozen=True)
class ReportFigure:
    name: str
    caption: str
    figure: Figure


def report_figures(data: ExperimentData, *, baseline: str | None, language: str = "en") -> list[ReportFigure]:
    """The report's figures, in the order they appear, with captions and axes in ``language``."""
    _ = gettext_for(language)
    curves = {name: data.series["adoption_share_mean"][index] * 100 for index, name in enumerate(data.names)}
    district = data.scenarios[0].district
    by_size = size_table(data)
    by_size.index = [label(size, language) for size in by_size.index]
    figures = [
        ReportFigure(
            "adoption",
            _(
                "{district}: mean adoption share over the technologies ({n} replications; shaded: 95% CI)."
            ).format(district=district, n=data.replications),
            adoption_bands(
                curves,
                data.months,
                title=district,
                ylabel=_("Adoption share, mean over technologies (%)"),
                xlabel=_("Month"),
                legend_title=_("mean, 95% CI (n={n})").format(n=data.replications),
                bounds=(0.0, 100.0),
            ),
        ),
        ReportFigure(
            "adoption_by_size",
            _(
                "{district}: adoption share at the horizon by size class (mean over technologies and "
                "replications)."
            ).format(district=district),
            size_class_adoption(by_size, title=district, ylabel=_("Adoption share (0–1)")),
        ),
    ]
    if baseline is not None and baseline in data.names and len(data.names) > 1:
        differences = difference_table(
            data, baseline=baseline, outcomes=("new_adopters", "laggard_share")
        ).assign(district=district)
        figures.append(
            ReportFigure(
                "additional_adopters",
                _("Additional adoptions (firm × technology) over {baseline} (paired 95% CI).").format(
                    baseline=baseline
                ),
                additionality_bars(
                    differences,
                    outcome="new_adopters",
                    ylabel=_("Additional adoptions (firm × technology)"),
                    title=_("Additionality over {baseline}").format(baseline=baseline),
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
                _("Change in the share of firms with no technology over {baseline} (paired 95% CI).").format(
                    baseline=baseline
                ),
                additionality_bars(
                    percent,
                    outcome="laggard_share",
                    ylabel=_("Laggard share change (percentage points)"),
                    title=_("Laggards"),
                ),
            )
        )
    return figures


def scenario_table(
    names: tuple[str, ...], scenarios: tuple[Scenario, ...], *, language: str = "en"
) -> pd.DataFrame:
    """The parameters a reader needs to tell the designs apart, one row per design, in ``language``."""
    _ = gettext_for(language)
    rows = []
    for name, scenario in zip(names, scenarios, strict=True):
        programme = scenario.programme
        allocation = programme.allocation
        active = programme.is_active()
        rows.append(
            {
                _("Design"): name,
                _("District"): scenario.district,
                _("Firms"): format_amount(scenario.n_firms, language),
                _("Months"): format_amount(scenario.months, language, decimals=-1),
                _(
                    "Programme"
                ): f"{programme.name} ({_(PROGRAMME_KINDS.get(programme.kind, programme.kind))})",
                _("Budget (EUR a year)"): format_amount(programme.budget_eur_per_year, language),
                _(
                    "Runs (months)"
                ): f"{programme.start_month:g}–{programme.start_month + programme.duration_months:g}"
                if active
                else "–",
                _("Instrument mix (%)"): ", ".join(
                    f"{label(key, language)} {format_amount(100 * getattr(allocation, key), language)}"
                    for key in INSTRUMENTS
                    if getattr(allocation, key) > 0
                )
                if allocation is not None
                else "–",
                _("Targeting"): label(programme.targeting, language) if active else "–",
                _("Technologies the instruments address"): str(programme.focus_technologies)
                if active
                else "–",
                _("Co-design breadth"): format_amount(
                    programme.codesign.participation_breadth, language, decimals=2
                )
                if programme.codesign is not None
                else "–",
            }
        )
    return pd.DataFrame(rows)


#: Programme kinds as a reader names them.
PROGRAMME_KINDS = {
    "none": N_("no programme"),
    "generic": N_("generic"),
    "place-based": N_("place-based"),
    "core": N_("RTI core services"),
}

DIFFERENCE_OUTCOMES = (
    ("firms_adopting", N_("Additional adopting firms"), 1.0, 1),
    ("new_adopters", N_("Additional adoptions (firm × technology)"), 1.0, 1),
    ("laggard_share", N_("Laggard share change (percentage points)"), 100.0, 2),
    ("adoption_share_mean", N_("Adoption share change (percentage points)"), 100.0, 2),
)


def _budget(data: ExperimentData, index: int, name: str) -> float:
    if "budget_eur" in data.outcomes.columns:
        return float(data.values(name, "budget_eur").mean())
    programme = data.scenarios[index].programme
    return programme.total_budget_eur if programme.is_active() else 0.0


def _difference_view(data: ExperimentData, baseline: str, language: str = "en") -> pd.DataFrame:
    """Each design over the baseline: adopting firms first, then adoptions, laggards, and the money.

    A cost is shown only where the effect's interval excludes zero ("no detectable effect" otherwise).
    """
    _ = gettext_for(language)
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
        row = {_("Design"): name}
        for outcome, heading, scale, digits in chosen:
            cell = differences[(differences["scenario"] == name) & (differences["outcome"] == outcome)].iloc[
                0
            ]
            row[_(heading)] = format_interval(
                cell["difference"],
                cell["ci_low"],
                cell["ci_high"],
                scale=scale,
                digits=digits,
                language=language,
            )
        spend = float(data.values(name, "programme_spend_eur").mean())
        budget = _budget(data, index, name)
        row[_("Budget (EUR)")] = format_amount(budget, language)
        row[_("Realised spend (EUR)")] = format_amount(spend, language)
        row[_("Unspent budget (EUR)")] = format_amount(budget - spend, language)
        if firm_costs is not None:
            cost = firm_costs.loc[name]
            row[_("EUR per additional adopting firm [95% CI]")] = format_cost(
                cost["eur_per_additional"], cost["ci_low"], cost["ci_high"], language=language
            )
        cost = costs.loc[name]
        row[_("EUR per additional adoption [95% CI]")] = format_cost(
            cost["eur_per_additional_adopter"], cost["ci_low"], cost["ci_high"], language=language
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _seeds(data: ExperimentData, language: str = "en") -> str:
    _ = gettext_for(language)
    keys = sorted(set(data.outcomes["spawn_key"].astype(str))) if "spawn_key" in data.outcomes else []
    shown = ", ".join(f"({key.replace('/', ', ')},)" for key in keys[:3])
    more = _(", … ({n} in all)").format(n=len(keys)) if len(keys) > 3 else ""
    pairing = (
        _("shared by every design (common random numbers)")
        if data.common_random_numbers
        else _("one per design and replication")
    )
    return _("root entropy {entropy}; spawn keys {keys}{more}, {pairing}").format(
        entropy=data.entropy, keys=shown, more=more, pairing=pairing
    )


def _verdict(data: ExperimentData, baseline: str | None, language: str) -> str:
    """Every design ranked over the baseline when there is one (as the lab's Compare page does);
    otherwise the first two designs compared."""
    comparable = [name for name in data.names if name != baseline]
    if not comparable:
        return ""
    if baseline in data.names and data.replications >= 2:
        ranked = rank_designs(
            data.runs,
            comparable,
            baseline=str(baseline),
            confidence=CONFIDENCE,
            gettext=gettext_for(language),
            language=language,
        )
        return " ".join(ranked.sentences)
    if {"place-based", "generic"} <= set(comparable):  # the study's question first
        comparable = [
            "place-based",
            "generic",
            *(name for name in comparable if name not in ("place-based", "generic")),
        ]
    if len(comparable) >= 2:
        return verdict(data, comparable[0], comparable[1], baseline=baseline, language=language)
    if baseline in data.names:
        return verdict(data, comparable[0], str(baseline), language=language)
    return ""


def _table_html(frame: pd.DataFrame) -> Markup:
    return Markup(frame.to_html(index=False, border=0, escape=True))


def render_report(
    data: ExperimentData,
    *,
    title: str,
    baseline: str | None,
    metadata: Mapping[str, str],
    figures: list[ReportFigure] | None = None,
    language: str = "en",
) -> str:
    """The report as one HTML document in ``language`` that needs nothing else to open.

    Texts, table headings, figure captions and axes are in ``language`` and numbers
    are written its way (2.000.000 in es and ca); design and district names, the
    metadata's keys and values stay as they were given.
    """
    _ = gettext_for(language)
    figures = report_figures(data, baseline=baseline, language=language) if figures is None else figures
    comparable = [name for name in data.names if name != baseline]
    return (
        environment(language)
        .get_template("experiment.html.j2")
        .render(
            title=title,
            lede=_("{district}: {designs}; {n} replications each.").format(
                district=data.scenarios[0].district, designs=", ".join(data.names), n=data.replications
            ),
            verdict=_verdict(data, baseline, language),
            summary_table=_table_html(readable_summary(data, language=language)),
            difference_table=_table_html(_difference_view(data, baseline, language))
            if baseline in data.names and comparable
            else None,
            baseline=baseline,
            figures=[{"caption": f.caption, "uri": png_data_uri(figure_png(f.figure))} for f in figures],
            scenario_table=_table_html(scenario_table(data.names, data.scenarios, language=language)),
            seeds=_seeds(data, language),
            metadata=dict(metadata),
            odd_summary=Markup(odd_summary_html(language)),
            paired=data.common_random_numbers,
            replications=data.replications,
            written=format_moment(datetime.now(UTC), language),
        )
    )


def write_report(
    data: ExperimentData,
    out: Path,
    *,
    title: str,
    baseline: str | None,
    metadata: Mapping[str, str],
    language: str = "en",
) -> list[Path]:
    """Write ``index.html`` and ``figures/<name>.png`` and ``.pdf`` into ``out``; returns the files."""
    figures = report_figures(data, baseline=baseline, language=language)
    written = []
    for figure in figures:
        written += save_figure(figure.figure, out / "figures" / figure.name, formats=PAPER_FORMATS, dpi=300)
    page = out / "index.html"
    write_atomically(
        page,
        render_report(
            data, title=title, baseline=baseline, metadata=metadata, figures=figures, language=language
        ),
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
