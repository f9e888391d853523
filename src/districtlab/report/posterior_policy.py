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
from districtlab.i18n.numbers import format_amount, format_percent, format_signed, interval_separator
from districtlab.i18n.translate import N_, gettext_for
from districtlab.report.embed import figure_png, png_data_uri
from districtlab.report.jinja import environment

COMPARISON_LABELS = {
    "place_based_minus_generic": N_("place-based minus generic (documented budgets)"),
    "equal_spend": N_("place-based minus generic at equal realised spend"),
    "tailoring_premium": N_("tailoring premium (own design minus best transplanted)"),
}


def formatted_policy(summary: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """The summary as people read it: which columns are noise and which are parameters, in ``language``."""
    _ = gettext_for(language)
    rows = list(summary.itertuples())
    separator = interval_separator(language)

    def signed(value: float) -> str:
        return format_signed(value, language, decimals=2)

    def share(value: float) -> str:
        return format_percent(value, language, decimals=0)

    return pd.DataFrame(
        {
            _("District"): [r.district for r in rows],
            _("Comparison"): [
                _(COMPARISON_LABELS[r.comparison]) if r.comparison in COMPARISON_LABELS else r.comparison
                for r in rows
            ],
            _("Mean difference"): [signed(r.mean_difference) for r in rows],
            _("Parameter uncertainty: {level} of draws").format(level=share(0.9)): [
                f"[{signed(r.parameter_low)}{separator}{signed(r.parameter_high)}]" for r in rows
            ],
            _("Share of that spread from parameters"): [
                _("n/a") if pd.isna(r.parameter_share_of_variance) else share(r.parameter_share_of_variance)
                for r in rows
            ],
            _("Simulation noise: ± 95% within a draw"): [
                "±" + format_amount(r.noise_half_width, language, decimals=2) for r in rows
            ],
            _("P(difference > 0) [{level} interval]").format(level=share(0.9)): [
                f"{share(r.probability_positive)} [{share(r.probability_low)}{separator}{share(r.probability_high)}]"
                for r in rows
            ],
            _("Draws with noise interval above / below 0"): [
                f"{share(r.draws_above_zero)} / {share(r.draws_below_zero)}" for r in rows
            ],
            _("Draws × replications"): [f"{r.draws} × {r.replications_per_draw}" for r in rows],
        }
    )


def formatted_sobol(indices: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """Sobol' indices with their 95% bootstrap intervals, largest total index first, in ``language``."""
    _ = gettext_for(language)
    ordered = indices.sort_values(["district", "ST"], ascending=[True, False])
    separator = interval_separator(language)

    def index(value: float) -> str:
        return format_amount(value, language, decimals=2)

    def with_interval(estimate: float, half_width: float) -> str:
        low, high = estimate - half_width, estimate + half_width
        return f"{index(estimate)} [{index(low)}{separator}{index(high)}]"

    return pd.DataFrame(
        {
            _("District"): ordered.district,
            _("Parameter"): ordered.parameter,
            _("First order S1 [95%]"): [
                with_interval(s, c) for s, c in zip(ordered.S1, ordered.S1_conf, strict=True)
            ],
            _("Total ST [95%]"): [
                with_interval(s, c) for s, c in zip(ordered.ST, ordered.ST_conf, strict=True)
            ],
        }
    )


def _html(frame: pd.DataFrame) -> Markup:
    return Markup(frame.to_html(index=False, border=0, escape=True))


def posterior_policy_section(
    policy: DemoPolicy, *, figures_dir: Path | None = None, language: str = "en"
) -> Markup:
    """The HTML section in ``language`` (escaped; a figure embedded as a data URI, also saved to ``figures_dir``)."""
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
    unit = gettext_for(language)("adopting firms")
    readings = []
    if sobol is not None:
        readings = [
            (district, sobol_reading(group, language=language))
            for district, group in sobol.frame.groupby("district", sort=False)
        ]
    return Markup(
        environment(language)
        .get_template("posterior_policy_section.html.j2")
        .render(
            policy=policy,
            table=_html(formatted_policy(summary, language)) if len(summary) else None,
            sentences=policy_sentences(summary, unit=unit, language=language) if len(summary) else [],
            figure=figure_uri,
            reference=reference,
            reference_table=_html(formatted_policy(reference.frame, language))
            if reference is not None
            else None,
            reference_sentences=policy_sentences(reference.frame, unit=unit, language=language)
            if reference is not None
            else [],
            sobol=sobol,
            sobol_table=_html(formatted_sobol(sobol.frame, language)) if sobol is not None else None,
            sobol_readings=readings,
            meanings=PROBABILITY_MEANING,
            plateau=policy.plateau,
            ninety=format_percent(0.9, language, decimals=0),
            ninety_five=format_percent(0.95, language, decimals=0),
            plateau_sentence=trend_sentence(policy.plateau.frame, language=language)
            if policy.plateau is not None
            else "",
        )
    )


__all__ = ["formatted_policy", "formatted_sobol", "posterior_policy_section"]
