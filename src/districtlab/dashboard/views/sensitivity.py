"""Sensitivity: which parameters matter most around a design (Morris screening), in plain words,
with the policy levers a workshop decides apart from the uncertainties it does not."""

from __future__ import annotations

import streamlit as st

from districtlab.dashboard import state
from districtlab.dashboard.progress import finished_or_run
from districtlab.dashboard.screening import is_lever, label, screening_ranges
from districtlab.errors import InputError
from districtlab.experiments.sensitivity import analyse, morris_design
from districtlab.i18n.labels import LABELS, design_label
from districtlab.i18n.labels import label as outcome_label
from districtlab.i18n.translate import gettext_for
from districtlab.viz import morris_scatter

OUTCOMES = ("new_adopters", "laggard_share", "adoption_share_mean")
language = state.language()
_ = gettext_for(language)

scenario = state.current_scenario()
st.title(_("Sensitivity: {district}").format(district=scenario.district))
st.markdown(
    _(
        "Which settings change the result most around a design? Each setting is moved up and down over a range "
        "around the design's value, one at a time, with the same firms and networks every time. "
        "**Mean absolute effect**: how much the outcome moves, on average, when that setting moves across its "
        "range (in the outcome's units): larger means it matters more. **Spread of the effect**: when it is "
        "larger than the mean effect, the setting's effect depends on the others or is not a straight line. "
        "This ranks what matters; it does not forecast."
    )
)
available = {name: design for name, design in state.designs(scenario).items() if name != state.BASELINE}
around = st.selectbox(
    _("Around the design"),
    list(available),
    format_func=lambda name: design_label(name, language),
    key="sensitivity_design",
)
outcome = st.selectbox(
    _("Outcome"), OUTCOMES, format_func=lambda name: outcome_label(name, language), key="sensitivity_outcome"
)
columns = st.columns(3)
spread = (
    columns[0].slider(_("Range (± percent of each setting)"), 5, 50, 20, step=5, key="sensitivity_spread")
    / 100
)
trajectories = columns[1].slider(
    _("Paths through the settings"),
    2,
    20,
    4,
    key="sensitivity_trajectories",
    help=_("Morris trajectories: more paths give a surer ranking and take longer."),
)
replications = columns[2].slider(_("Replications per point"), 1, 20, 2, key="sensitivity_replications")

ranges, left_out = screening_ranges(available[around], spread)
for reason in left_out:
    st.caption(_("Left out: {reason}.").format(reason=reason))
try:
    design = morris_design(available[around], ranges, trajectories=trajectories, levels=4, rng=state.seed())
except InputError as error:
    st.error(_("This screening cannot run: {reason}").format(reason=error))
    st.stop()
st.caption(
    _("{points} design points × {replications} replications = {runs} runs.").format(
        points=len(design), replications=replications, runs=len(design) * replications
    )
)
result = finished_or_run(
    design,
    replications=replications,
    seed=state.seed(),
    button=_("Run screening"),
    key="run_sensitivity",
    export=False,
)
if result is None:
    st.stop()

indices = analyse(result, outcomes=[outcome], rng=state.seed()).scalar()
levers = indices["parameter"].map(is_lever)
indices = indices.assign(parameter=indices["parameter"].map(lambda key: _(label(key))))
st.pyplot(
    morris_scatter(
        indices,
        outcome=outcome,
        title=f"{design_label(around, language)}: {outcome_label(outcome, language)}",
    )
)
table = indices.pivot(index="parameter", columns="index", values="value")[["mu_star", "sigma"]]
conf = indices[indices["index"] == "mu_star"].set_index("parameter")["conf"]
table.insert(1, "mu_star_half_width", conf)
table = table.sort_values("mu_star", ascending=False)
lever_names = set(indices.loc[levers, "parameter"])
headers = {
    "mu_star": _(LABELS["mu_star"]),
    "mu_star_half_width": _("± (95% CI)"),
    "sigma": _(LABELS["sigma"]),
}
for title, caption, rows in (
    (
        _("Policy levers: what the programme and the RTI decide"),
        _("Settings a workshop can change in a design."),
        [name for name in table.index if name in lever_names],
    ),
    (
        _("Uncertainties: what nobody in the workshop decides"),
        _(
            "How the district works; knowing which of these matter says where better evidence would help most."
        ),
        [name for name in table.index if name not in lever_names],
    ),
):
    st.subheader(title)
    st.caption(caption)
    shown = table.loc[rows].rename(columns=headers)
    shown.index.name = _("Setting")
    st.dataframe(shown.style.format("{:.3g}"), width="stretch")
st.caption(
    _(
        "Ranges: {ranges}. Intervals are bootstrap intervals; indices average {n} replication(s) per point. "
        "Method: Morris elementary effects (SALib)."
    ).format(
        ranges=", ".join(
            f"{_(label(key))} {low:g}–{high:g}" + (" × " + _("design") if key.startswith("scale:") else "")
            for key, (low, high) in ranges.items()
        ),
        n=replications,
    )
)
