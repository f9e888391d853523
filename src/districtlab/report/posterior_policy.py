"""The demo report's section on the policy result under the calibrated posterior.

It shows the two kinds of uncertainty side by side and names them: *simulation noise* (the
paired replications within one posterior draw, what the demo's other tables show) and
*parameter uncertainty* (the spread over posterior draws), with P(place-based beats generic)
and its own interval. Pure rendering: the numbers come from :mod:`districtlab.calibration.demo`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from districtlab.calibration.checks import trend_sentence
from districtlab.calibration.demo import DemoPolicy
from districtlab.calibration.policy import PROBABILITY_MEANING, policy_sentences, sobol_reading
from districtlab.report.embed import figure_png, png_data_uri
from districtlab.report.jinja import environment

COMPARISON_LABELS = {
    "place_based_minus_generic": "place-based minus generic (documented budgets)",
    "equal_spend": "place-based minus generic at equal realised spend",
    "tailoring_premium": "tailoring premium (own design minus best transplanted)",
}


def formatted_policy(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as people read it: which columns are noise and which are parameters, in words."""
    rows = list(summary.itertuples())
    return pd.DataFrame(
        {
            "District": [r.district for r in rows],
            "Comparison": [COMPARISON_LABELS.get(r.comparison, r.comparison) for r in rows],
            "Mean difference": [f"{r.mean_difference:+.2f}" for r in rows],
            "Parameter uncertainty: 90% of draws": [
                f"[{r.parameter_low:+.2f}, {r.parameter_high:+.2f}]" for r in rows
            ],
            "Share of that spread from parameters": [
                "n/a" if pd.isna(r.parameter_share_of_variance) else f"{r.parameter_share_of_variance:.0%}"
                for r in rows
            ],
            "Simulation noise: ± 95% within a draw": [f"±{r.noise_half_width:.2f}" for r in rows],
            "P(difference > 0) [90% interval]": [
                f"{r.probability_positive:.0%} [{r.probability_low:.0%}, {r.probability_high:.0%}]"
                for r in rows
            ],
            "Draws with noise interval above / below 0": [
                f"{r.draws_above_zero:.0%} / {r.draws_below_zero:.0%}" for r in rows
            ],
            "Draws × replications": [f"{r.draws} × {r.replications_per_draw}" for r in rows],
        }
    )


def formatted_sobol(indices: pd.DataFrame) -> pd.DataFrame:
    """Sobol' indices with their 95% bootstrap intervals, largest total index first."""
    ordered = indices.sort_values(["district", "ST"], ascending=[True, False])
    return pd.DataFrame(
        {
            "District": ordered.district,
            "Parameter": ordered.parameter,
            "First order S1 [95%]": [
                f"{s:.2f} [{s - c:.2f}, {s + c:.2f}]"
                for s, c in zip(ordered.S1, ordered.S1_conf, strict=True)
            ],
            "Total ST [95%]": [
                f"{s:.2f} [{s - c:.2f}, {s + c:.2f}]"
                for s, c in zip(ordered.ST, ordered.ST_conf, strict=True)
            ],
        }
    )


def _html(frame: pd.DataFrame) -> Markup:
    return Markup(frame.to_html(index=False, border=0, escape=True))


def posterior_policy_section(policy: DemoPolicy, *, figures_dir: Path | None = None) -> Markup:
    """The HTML section (escaped; a figure embedded as a data URI, also saved to ``figures_dir``)."""
    from districtlab.viz.calibration import policy_draws

    summary = policy.summary()
    figure_uri = ""
    if policy.result is not None and not policy.result.draws.empty:
        png = figure_png(policy_draws(policy.result.draws))
        figure_uri = png_data_uri(png)
        if figures_dir is not None:
            figures_dir.mkdir(parents=True, exist_ok=True)
            (figures_dir / "posterior_policy.png").write_bytes(png)
    reference = policy.reference
    sobol = policy.sobol
    readings = []
    if sobol is not None:
        readings = [
            (district, sobol_reading(group))
            for district, group in sobol.frame.groupby("district", sort=False)
        ]
    return Markup(
        environment()
        .get_template("posterior_policy_section.html.j2")
        .render(
            policy=policy,
            table=_html(formatted_policy(summary)) if len(summary) else None,
            sentences=policy_sentences(summary) if len(summary) else [],
            figure=figure_uri,
            reference=reference,
            reference_table=_html(formatted_policy(reference.frame)) if reference is not None else None,
            reference_sentences=policy_sentences(reference.frame) if reference is not None else [],
            sobol=sobol,
            sobol_table=_html(formatted_sobol(sobol.frame)) if sobol is not None else None,
            sobol_readings=readings,
            meanings=PROBABILITY_MEANING,
            plateau=policy.plateau,
            plateau_sentence=trend_sentence(policy.plateau.frame) if policy.plateau is not None else "",
        )
    )


__all__ = ["formatted_policy", "formatted_sobol", "posterior_policy_section"]
