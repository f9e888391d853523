"""The demo's outputs: a self-contained HTML page with its figures, and the tables behind it."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from districtlab.experiments.analysis import (
    format_interval,
    programme_names,
    programme_verdict,
    readable_additionality,
)
from districtlab.experiments.programmes import DistrictComparison
from districtlab.i18n.labels import label
from districtlab.i18n.numbers import format_amount, format_moment
from districtlab.i18n.translate import N_, gettext_for
from districtlab.io.files import write_atomically
from districtlab.io.spreadsheet import spreadsheet_csv
from districtlab.report.embed import figure_png, png_data_uri
from districtlab.report.jinja import environment
from districtlab.viz import additionality_bars, adoption_bands, channel_shares, size_class_adoption

PROGRAMME_LABELS = {"none": N_("no programme"), "generic": N_("generic"), "place-based": N_("place-based")}
#: The channels through which SMEs adopt (``districtlab.model.CHANNELS``), as the figures' legends name them.
CHANNEL_LABELS = {
    "background": N_("vendors, fairs and press"),
    "diagnostic": N_("firm diagnostics"),
    "demonstrator": N_("demonstrators"),
    "project": N_("collaborative projects"),
    "imitation": N_("imitation of peers"),
    "supply_chain": N_("supply chain"),
    "legitimacy": N_("legitimacy bonus"),
    "grant": N_("adoption grants"),
    "lead_firm": N_("lead firms"),
    "two_step": N_("two-step flow via a lead firm"),
    "living_lab": N_("living lab"),
    "application": N_("grant application"),
}
#: The outcomes of the place-based minus generic table: (outcome, label, scale, decimals).
CONTRAST_OUTCOMES = (
    ("firms_adopting", N_("Adopting firms (at least one technology)"), 1.0, 1),
    ("new_adopters", N_("New adoptions (firm × technology)"), 1.0, 1),
    ("laggard_share", N_("Laggard share change (percentage points)"), 100.0, 2),
)


@dataclass(frozen=True)
class EmbeddedFigure:
    name: str
    caption: str
    uri: str


def _embed(name: str, caption: str, figure: Figure, directory: Path) -> EmbeddedFigure:
    png = figure_png(figure)
    (directory / f"{name}.png").write_bytes(png)
    return EmbeddedFigure(name=name, caption=caption, uri=png_data_uri(png))


def _scenario_rows(comparisons: Sequence[DistrictComparison], language: str = "en") -> pd.DataFrame:
    _ = gettext_for(language)
    rows = []
    for comparison in comparisons:
        scenario = comparison.experiment.scenarios[0]
        place = scenario.programmes["place-based"]
        rows.append(
            {
                _("District"): scenario.district,
                _("Preset"): comparison.preset,
                _("Firms"): format_amount(scenario.n_firms, language),
                _("RTI"): _("{rti} ({staff} staff)").format(
                    rti=scenario.rti.name, staff=format_amount(scenario.rti.staff_fte, language)
                ),
                _("Programme budget (EUR a year)"): format_amount(place.budget_eur_per_year, language),
                _("Months"): _("months {start}–{end} of {months}").format(
                    start=f"{place.start_month:g}",
                    end=f"{place.start_month + place.duration_months:g}",
                    months=f"{scenario.months:g}",
                ),
                _("Place-based targeting"): label(place.targeting, language),
            }
        )
    return pd.DataFrame(rows)


def _contrast_rows(contrast: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """Place-based minus generic per district and outcome, as people read it (the CSV keeps the raw table)."""
    _ = gettext_for(language)
    rows = []
    for row in contrast.itertuples():
        spec = next((spec for spec in CONTRAST_OUTCOMES if spec[0] == row.outcome), None)
        if spec is None:
            continue
        _outcome, heading, scale, digits = spec
        rows.append(
            {
                _("District"): row.district,
                _("Outcome"): _(heading),
                _("Difference [95% CI]"): format_interval(
                    row.difference, row.ci_low, row.ci_high, scale=scale, digits=digits, language=language
                ),
                _("Replications"): row.replications,
            }
        )
    return pd.DataFrame(rows)


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, escape=True)


def write_demo_report(
    comparisons: Sequence[DistrictComparison],
    summary: pd.DataFrame,
    contrast: pd.DataFrame,
    out: Path,
    metadata: Mapping[str, str],
    *,
    language: str = "en",
    sections: Sequence[Markup] = (),
) -> Path:
    """Write ``index.html`` (in ``language``), the figures as PNG, and the tables as CSV into ``out``.

    The CSV tables keep machine column names and raw numbers whatever the language.
    ``sections``: further HTML sections (already escaped) placed before the scenarios.
    """
    _ = gettext_for(language)
    names = {key: _(name) for key, name in PROGRAMME_LABELS.items()}
    figures_dir = out / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    curve_figures, channel_figures, size_figures = [], [], []
    for comparison in comparisons:
        experiment = comparison.experiment
        months = np.arange(experiment.series("adoption_share_mean").shape[2]) * experiment.scenarios[0].dt
        series = experiment.series("adoption_share_mean")
        curves = {names.get(name, name): series[i] for i, name in enumerate(experiment.names)}
        curve_figures.append(
            _embed(
                f"adoption_{comparison.preset}",
                _(
                    "{district}: mean adoption share over the {n} technologies ({replications} replications; "
                    "shaded: 95% CI)."
                ).format(
                    district=comparison.district,
                    n=len(experiment.scenarios[0].technologies),
                    replications=series.shape[1],
                ),
                adoption_bands(
                    curves,
                    months,
                    title=comparison.district,
                    ylabel=_("Adoption share (mean over technologies)"),
                    xlabel=_("Month"),
                    legend_title=_("mean, 95% CI (n={n})").format(n=series.shape[1]),
                ),
                figures_dir,
            )
        )
        shares = comparison.sme_channel_shares()
        shares.index = [names.get(name, name) for name in shares.index]
        shares.columns = [
            textwrap.fill(_(CHANNEL_LABELS[c]) if c in CHANNEL_LABELS else c, 22) for c in shares.columns
        ]
        channel_figures.append(
            _embed(
                f"channels_{comparison.preset}",
                _("{district}: share of SME adoptions by channel (mean over replications).").format(
                    district=comparison.district
                ),
                channel_shares(
                    shares, title=comparison.district, xlabel=_("Share of SME adoptions during the run")
                ),
                figures_dir,
            )
        )
        by_size = comparison.adoption_by_size()
        by_size.columns = [names.get(name, name) for name in by_size.columns]
        by_size.index = [label(str(size), language) for size in by_size.index]
        size_figures.append(
            _embed(
                f"size_{comparison.preset}",
                _(
                    "{district}: adoption share at the horizon by size class (mean over technologies and "
                    "replications)."
                ).format(district=comparison.district),
                size_class_adoption(
                    by_size, title=comparison.district, ylabel=_("Adoption share at the horizon (0–1)")
                ),
                figures_dir,
            )
        )
    additionality = pd.concat([c.additionality() for c in comparisons], ignore_index=True)
    shown = additionality.assign(scenario=[names.get(name, name) for name in additionality["scenario"]])
    headline = [
        _embed(
            "additional_firms",
            _("Additional adopting firms (at least one technology) over no programme, by district (95% CI)."),
            additionality_bars(
                shown,
                outcome="firms_adopting",
                ylabel=_("Additional adopting firms"),
                title=_("Adopting firms"),
            ),
            figures_dir,
        ),
        _embed(
            "additional_adopters",
            _("Additional firm × technology adoptions over no programme, by district (95% CI)."),
            additionality_bars(
                shown,
                outcome="new_adopters",
                ylabel=_("Additional adoptions (firm × technology)"),
                title=_("Additionality"),
            ),
            figures_dir,
        ),
        _embed(
            "laggard_share_change",
            _("Change in the share of firms with no technology, over no programme (95% CI)."),
            additionality_bars(
                shown.assign(
                    difference=shown["difference"] * 100,
                    ci_low=shown["ci_low"] * 100,
                    ci_high=shown["ci_high"] * 100,
                ),
                outcome="laggard_share",
                ylabel=_("Laggard share change (percentage points)"),
                title=_("Laggards"),
            ),
            figures_dir,
        ),
    ]
    # District names come from scenario files: the tables are written for spreadsheets, formulas as text.
    write_atomically(out / "additionality.csv", spreadsheet_csv(summary))
    write_atomically(out / "place_based_vs_generic.csv", spreadsheet_csv(contrast))
    write_atomically(out / "additionality_by_outcome.csv", spreadsheet_csv(additionality))
    write_atomically(out / "metadata.json", json.dumps(dict(metadata), indent=2) + "\n")

    html = (
        environment(language)
        .get_template("demo.html.j2")
        .render(
            title=_("districtlab demo: Industry 4.0 programmes in three Spanish industrial districts"),
            lede=_(
                "Castellón ceramic tiles (ITC), Vinalopó footwear (INESCOP) and Toy Valley (AIJU): no programme, "
                "the generic regional programme, and the documented place-based programme, with equal yearly "
                "budgets. What each programme actually spends differs, and is stated next to what it achieves."
            ),
            replications=int(summary["replications"].iloc[0]) if len(summary) else 0,
            summary_table=Markup(_table_html(readable_additionality(summary, language=language))),
            contrast_table=Markup(_table_html(_contrast_rows(contrast, language))),
            verdict=programme_verdict(comparisons, language=language),
            headline_figures=headline,
            curve_figures=curve_figures,
            channel_figures=channel_figures,
            size_figures=size_figures,
            scenario_table=Markup(_table_html(_scenario_rows(comparisons, language))),
            metadata=metadata,
            written=format_moment(datetime.now(UTC), language),
            sections=sections,
        )
    )
    path = out / "index.html"
    write_atomically(path, html)
    return path


__all__ = ["CHANNEL_LABELS", "PROGRAMME_LABELS", "programme_names", "write_demo_report"]
