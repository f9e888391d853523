"""Sensitivity: which parameters matter most around a design (Morris screening, experiments module)."""

from __future__ import annotations

import streamlit as st

from districtlab.dashboard import state
from districtlab.dashboard.progress import finished_or_run
from districtlab.dashboard.screening import label, screening_ranges
from districtlab.errors import InputError
from districtlab.experiments.analysis import KEY_OUTCOMES
from districtlab.experiments.sensitivity import analyse, morris_design
from districtlab.viz import morris_scatter

OUTCOMES = ("new_adopters", "laggard_share", "adoption_share_mean")

scenario = state.current_scenario()
st.title(f"Sensitivity: {scenario.district}")
st.markdown(
    "**Morris screening** (elementary effects, SALib through `districtlab.experiments.sensitivity`). Each parameter "
    "moves over a range around the chosen design, one at a time along random paths, everything else kept, with the "
    "same firms and networks in every replication. **μ\\*** (mean absolute effect of moving a parameter across its "
    "range, in the outcome's units) ranks what matters; **σ** above μ\\* means the effect depends on the other "
    "parameters or is not linear. A screening, not a forecast: it ranks, it does not predict."
)
available = {name: design for name, design in state.designs(scenario).items() if name != state.BASELINE}
around = st.selectbox("Around the design", list(available), key="sensitivity_design")
outcome = st.selectbox(
    "Outcome", OUTCOMES, format_func=lambda name: KEY_OUTCOMES[name][0], key="sensitivity_outcome"
)
columns = st.columns(3)
spread = (
    columns[0].slider("Range (± percent of each parameter)", 5, 50, 20, step=5, key="sensitivity_spread")
    / 100
)
trajectories = columns[1].slider("Morris trajectories", 2, 20, 4, key="sensitivity_trajectories")
replications = columns[2].slider("Replications per point", 1, 20, 2, key="sensitivity_replications")

ranges, left_out = screening_ranges(available[around], spread)
for reason in left_out:
    st.caption(f"Left out: {reason}.")
try:
    design = morris_design(available[around], ranges, trajectories=trajectories, levels=4, rng=state.seed())
except InputError as error:
    st.error(f"This screening cannot run: {error}")
    st.stop()
st.caption(f"{len(design)} design points × {replications} replications = {len(design) * replications} runs.")
result = finished_or_run(
    design,
    replications=replications,
    seed=state.seed(),
    button="Run screening",
    key="run_sensitivity",
    export=False,
)
if result is None:
    st.stop()

indices = analyse(result, outcomes=[outcome], rng=state.seed()).scalar()
indices = indices.assign(parameter=indices["parameter"].map(label))
st.pyplot(morris_scatter(indices, outcome=outcome, title=f"{around}: {KEY_OUTCOMES[outcome][0].lower()}"))
table = indices.pivot(index="parameter", columns="index", values="value")[["mu_star", "sigma", "mu"]]
conf = indices[indices["index"] == "mu_star"].set_index("parameter")["conf"]
table.insert(1, "mu_star 95% half-width", conf)
st.dataframe(table.sort_values("mu_star", ascending=False), width="stretch")
st.caption(
    f"Ranges: {', '.join(f'{label(key)} {low:g}–{high:g}' + (' × design' if key.startswith('scale:') else '') for key, (low, high) in ranges.items())}. "
    f"Intervals are SALib's bootstrap intervals; indices average {replications} replication(s) per point."
)
