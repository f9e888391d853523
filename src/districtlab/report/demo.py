"""The demo's outputs: a self-contained HTML page with its figures, and the tables behind it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from districtlab.experiments.analysis import programme_verdict, readable_additionality
from districtlab.experiments.programmes import DistrictComparison
from districtlab.io.files import write_atomically
from districtlab.io.spreadsheet import spreadsheet_csv
from districtlab.report.embed import figure_png, png_data_uri
from districtlab.report.jinja import environment
from districtlab.viz import additionality_bars, adoption_bands, channel_shares, size_class_adoption

PROGRAMME_LABELS = {"none": "no programme", "generic": "generic", "place-based": "place-based"}


@dataclass(frozen=True)
class EmbeddedFigure:
    name: str
    caption: str
    uri: str


def _embed(name: str, caption: str, figure: Figure, directory: Path) -> EmbeddedFigure:
    png = figure_png(figure)
    (directory / f"{name}.png").write_bytes(png)
    return EmbeddedFigure(name=name, caption=caption, uri=png_data_uri(png))


def _scenario_rows(comparisons: Sequence[DistrictComparison]) -> pd.DataFrame:
    rows = []
    for comparison in comparisons:
        scenario = comparison.experiment.scenarios[0]
        place = scenario.programmes["place-based"]
        rows.append(
            {
                "District": scenario.district,
                "Preset": comparison.preset,
                "Firms": scenario.n_firms,
                "RTI": f"{scenario.rti.name} ({scenario.rti.staff_fte:.0f} staff)",
                "Programme budget (EUR/year)": f"{place.budget_eur_per_year:,.0f}",
                "Months": f"{place.start_month}-{place.start_month + place.duration_months} of {scenario.months:.0f}",
                "Place-based targeting": place.targeting.replace("_", " "),
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
) -> Path:
    """Write ``index.html``, the figures as PNG, and the tables as CSV into ``out``."""
    figures_dir = out / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    curve_figures, channel_figures, size_figures = [], [], []
    for comparison in comparisons:
        experiment = comparison.experiment
        months = np.arange(experiment.series("adoption_share_mean").shape[2]) * experiment.scenarios[0].dt
        curves = {
            PROGRAMME_LABELS.get(name, name): experiment.series("adoption_share_mean")[i]
            for i, name in enumerate(experiment.names)
        }
        curve_figures.append(
            _embed(
                f"adoption_{comparison.preset}",
                f"{comparison.district}: mean adoption share over the 8 technologies, with 95% confidence bands.",
                adoption_bands(curves, months, title=comparison.district),
                figures_dir,
            )
        )
        shares = comparison.sme_channel_shares()
        shares.index = [PROGRAMME_LABELS.get(name, name) for name in shares.index]
        channel_figures.append(
            _embed(
                f"channels_{comparison.preset}",
                f"{comparison.district}: share of SME adoptions by channel (mean over replications).",
                channel_shares(shares, title=comparison.district),
                figures_dir,
            )
        )
        by_size = comparison.adoption_by_size()
        by_size.columns = [PROGRAMME_LABELS.get(name, name) for name in by_size.columns]
        size_figures.append(
            _embed(
                f"size_{comparison.preset}",
                f"{comparison.district}: adoption share at the horizon by size class (mean over technologies).",
                size_class_adoption(by_size, title=comparison.district),
                figures_dir,
            )
        )
    additionality = pd.concat([c.additionality() for c in comparisons], ignore_index=True)
    headline = [
        _embed(
            "additional_firms",
            "Additional adopting firms (at least one technology) over no programme, by district (95% CI).",
            additionality_bars(
                additionality,
                outcome="firms_adopting",
                ylabel="Additional adopting firms",
                title="Adopting firms",
            ),
            figures_dir,
        ),
        _embed(
            "additional_adopters",
            "Additional firm × technology adoptions over no programme, by district (95% CI).",
            additionality_bars(
                additionality,
                outcome="new_adopters",
                ylabel="Additional adoptions (firm × technology)",
                title="Additionality",
            ),
            figures_dir,
        ),
        _embed(
            "laggard_share_change",
            "Change in the share of firms with no technology, over no programme (95% CI).",
            additionality_bars(
                additionality.assign(
                    difference=additionality["difference"] * 100,
                    ci_low=additionality["ci_low"] * 100,
                    ci_high=additionality["ci_high"] * 100,
                ),
                outcome="laggard_share",
                ylabel="Change in laggard share (percentage points)",
                title="Laggards",
            ),
            figures_dir,
        ),
    ]
    # District names come from scenario files: the tables are written for spreadsheets, formulas as text.
    write_atomically(out / "additionality.csv", spreadsheet_csv(summary))
    write_atomically(out / "place_based_vs_generic.csv", spreadsheet_csv(contrast))
    write_atomically(out / "additionality_by_outcome.csv", spreadsheet_csv(additionality))
    write_atomically(out / "metadata.json", json.dumps(dict(metadata), indent=2) + "\n")

    templates = environment()
    contrast_view = contrast[contrast["outcome"].isin(["firms_adopting", "new_adopters", "laggard_share"])][
        ["district", "outcome", "difference", "ci_low", "ci_high", "replications"]
    ].round(4)
    html = templates.get_template("demo.html.j2").render(
        title="districtlab demo: Industry 4.0 programmes in three Spanish industrial districts",
        lede=(
            "Castellón ceramic tiles (ITC), Vinalopó footwear (INESCOP) and Toy Valley (AIJU): no programme, the generic "
            "regional programme, and the documented place-based programme, with equal yearly budgets. What each "
            "programme actually spends differs, and is stated next to what it achieves."
        ),
        replications=int(summary["replications"].iloc[0]) if len(summary) else 0,
        confidence="95%",
        summary_table=Markup(_table_html(readable_additionality(summary))),
        contrast_table=Markup(_table_html(contrast_view)),
        verdict=programme_verdict(comparisons),
        headline_figures=headline,
        curve_figures=curve_figures,
        channel_figures=channel_figures,
        size_figures=size_figures,
        scenario_table=Markup(_table_html(_scenario_rows(comparisons))),
        metadata=metadata,
    )
    path = out / "index.html"
    write_atomically(path, html)
    return path
