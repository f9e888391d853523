"""The demo report's section on the policy result under the calibrated posterior.

It shows the two kinds of uncertainty side by side and names them: *simulation noise* (the
paired replications within one posterior draw, what the demo's other tables show) and
*parameter uncertainty* (the spread over posterior draws), with P(place-based beats generic)
and its own interval. Pure rendering: the numbers come from :mod:`districtlab.calibration.demo`.
Every text, table heading, number and figure label is written in the report's language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from districtlab.calibration.checks import trend_sentence
from districtlab.calibration.demo import DemoPolicy
from districtlab.calibration.policy import (
    COMPARISON_NAMES,
    DRAW_INTERVAL,
    NOISE_CONFIDENCE,
    policy_sentences,
    sobol_reading,
)
from districtlab.i18n.numbers import (
    format_amount,
    format_moment,
    format_percent,
    format_signed,
    interval_separator,
)
from districtlab.i18n.translate import N_, gettext_for
from districtlab.report.embed import figure_png, png_data_uri
from districtlab.report.jinja import environment

#: Confidence of SALib's bootstrap intervals of the Sobol' indices (its ``conf_level`` default).
SOBOL_CONFIDENCE = 0.95

#: The comparisons as the table names them (message ids).
COMPARISON_LABELS = {
    "place_based_minus_generic": N_("place-based minus generic (documented budgets)"),
    "equal_spend": N_("place-based minus generic at equal realised spend"),
    "tailoring_premium": N_("tailoring premium (own design minus best transplanted)"),
}


def formatted_policy(summary: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """The summary as people read it: which columns are noise and which are parameters, in words."""
    _ = gettext_for(language)
    rows = list(summary.itertuples())
    between = interval_separator(language)
    draw_level = format_percent(DRAW_INTERVAL, language, decimals=0)
    noise_level = format_percent(NOISE_CONFIDENCE, language, decimals=0)

    def signed(value: float) -> str:
        return format_signed(value, language, decimals=2)

    def percent(value: float) -> str:
        return format_percent(value, language, decimals=0)

    return pd.DataFrame(
        {
            _("District"): [r.district for r in rows],
            _("Comparison"): [
                _(COMPARISON_LABELS[r.comparison]) if r.comparison in COMPARISON_LABELS else r.comparison
                for r in rows
            ],
            _("Mean difference"): [signed(r.mean_difference) for r in rows],
            _("Parameter uncertainty: {level} of draws").format(level=draw_level): [
                f"[{signed(r.parameter_low)}{between}{signed(r.parameter_high)}]" for r in rows
            ],
            _("Share of that spread from parameters"): [
                _("n/a") if pd.isna(r.parameter_share_of_variance) else percent(r.parameter_share_of_variance)
                for r in rows
            ],
            _("Simulation noise: ± {level} within a draw").format(level=noise_level): [
                f"±{format_amount(r.noise_half_width, language, decimals=2)}" for r in rows
            ],
            _("P(difference > 0) [{level} interval]").format(level=draw_level): [
                f"{percent(r.probability_positive)} "
                f"[{percent(r.probability_low)}{between}{percent(r.probability_high)}]"
                for r in rows
            ],
            _("Draws with noise interval above / below 0"): [
                f"{percent(r.draws_above_zero)} / {percent(r.draws_below_zero)}" for r in rows
            ],
            _("Draws × replications"): [
                f"{format_amount(r.draws, language)} × {format_amount(r.replications_per_draw, language)}"
                for r in rows
            ],
        }
    )


def formatted_sobol(indices: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """Sobol' indices with their 95% bootstrap intervals, largest total index first."""
    _ = gettext_for(language)
    ordered = indices.sort_values(["district", "ST"], ascending=[True, False])
    between = interval_separator(language)
    level = format_percent(SOBOL_CONFIDENCE, language, decimals=0)

    def index(value: float, half_width: float) -> str:
        low, high = (format_amount(v, language, decimals=2) for v in (value - half_width, value + half_width))
        return f"{format_amount(value, language, decimals=2)} [{low}{between}{high}]"

    return pd.DataFrame(
        {
            _("District"): ordered.district,
            _("Parameter"): ordered.parameter,
            _("First order S1 [{level}]").format(level=level): [
                index(s, c) for s, c in zip(ordered.S1, ordered.S1_conf, strict=True)
            ],
            _("Total ST [{level}]").format(level=level): [
                index(s, c) for s, c in zip(ordered.ST, ordered.ST_conf, strict=True)
            ],
        }
    )


def _header_readers(language: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """How the section writes a header's dates and figures in ``language`` (text that is neither: as it is)."""

    def moment(text: str) -> str:
        try:
            return format_moment(datetime.fromisoformat(text), language)
        except (TypeError, ValueError):
            return text

    def figure(text: str) -> str:
        try:
            return format_amount(float(text), language, decimals=-1)
        except (TypeError, ValueError):
            return text

    return moment, figure


def _html(frame: pd.DataFrame) -> Markup:
    return Markup(frame.to_html(index=False, border=0, escape=True))


def posterior_policy_section(
    policy: DemoPolicy, *, figures_dir: Path | None = None, language: str = "en"
) -> Markup:
    """The HTML section in ``language`` (escaped; a figure embedded as a data URI, also saved to ``figures_dir``)."""
    from districtlab.viz.calibration import policy_draws

    _ = gettext_for(language)
    summary = policy.summary()
    figure_uri = ""
    if policy.result is not None and not policy.result.draws.empty:
        png = figure_png(
            policy_draws(
                policy.result.draws,
                ylabel=_("Difference (additional adopting firms)"),
                comparison_labels={key: _(name) for key, name in COMPARISON_NAMES.items()},
            )
        )
        figure_uri = png_data_uri(png)
        if figures_dir is not None:
            figures_dir.mkdir(parents=True, exist_ok=True)
            (figures_dir / "posterior_policy.png").write_bytes(png)
    reference = policy.reference
    sobol = policy.sobol
    readings = []
    if sobol is not None:
        readings = [
            (district, sobol_reading(group, language))
            for district, group in sobol.frame.groupby("district", sort=False)
        ]

    def table(frame: pd.DataFrame) -> Markup:
        return _html(formatted_policy(frame, language))

    moment, figure = _header_readers(language)

    return Markup(
        environment(language)
        .get_template("posterior_policy_section.html.j2")
        .render(
            policy=policy,
            table=table(summary) if len(summary) else None,
            sentences=policy_sentences(summary, language=language) if len(summary) else [],
            figure=figure_uri,
            moment=moment,
            header_figure=figure,
            noise_level=format_percent(NOISE_CONFIDENCE, language, decimals=0),
            draw_level=format_percent(DRAW_INTERVAL, language, decimals=0),
            bootstrap_level=format_percent(SOBOL_CONFIDENCE, language, decimals=0),
            reference=reference,
            reference_table=table(reference.frame) if reference is not None else None,
            reference_sentences=policy_sentences(reference.frame, language=language)
            if reference is not None
            else [],
            sobol=sobol,
            sobol_table=_html(formatted_sobol(sobol.frame, language)) if sobol is not None else None,
            sobol_readings=readings,
            plateau=policy.plateau,
            plateau_sentence=trend_sentence(policy.plateau.frame, language=language)
            if policy.plateau is not None
            else "",
        )
    )


__all__ = ["COMPARISON_LABELS", "formatted_policy", "formatted_sobol", "posterior_policy_section"]
