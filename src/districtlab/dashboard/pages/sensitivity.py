"""Sensitivity: which parameters move the outcome most, around a design."""

from __future__ import annotations

import streamlit as st

from districtlab.dashboard import state
from districtlab.dashboard.progress import finished_or_run
from districtlab.dashboard.sensitivity import CENTRE, PARAMETERS, elasticities, oat_designs
from districtlab.report.analysis import KEY_OUTCOMES
from districtlab.viz.effects import effect_bars

scenario = state.current_scenario()
st.title(f"Sensitivity: {scenario.district}")
st.markdown(
    "**One-at-a-time elasticities.** Each parameter is moved down and up by the same percentage around the chosen "
    "design, everything else kept, with the same firms and networks in every replication. The elasticity is the percent "
    "change in the outcome for a one-percent change in the parameter, with its 95% interval. It is a local screening: "
    "it does not see interactions between parameters, and far from the design the answer can differ."
)
available = {name: design for name, design in state.designs(scenario).items() if name != state.BASELINE}
around = st.selectbox("Around the design", list(available), key="sensitivity_design")
outcome = st.selectbox(
    "Outcome",
    ["new_adopters", "laggard_share", "adoption_share_mean"],
    format_func=lambda name: KEY_OUTCOMES[name][0],
    key="sensitivity_outcome",
)
columns = st.columns(2)
delta = (
    columns[0].slider("Step (percent of each parameter)", 5, 50, 20, step=5, key="sensitivity_delta") / 100
)
replications = columns[1].slider("Replications", 2, 50, 8, key="sensitivity_replications")

designs, skipped = oat_designs(available[around], PARAMETERS, delta)
for reason in skipped:
    st.caption(f"Left out: {reason}.")
st.caption(
    f"{len(designs)} design points × {replications} replications = {len(designs) * replications} runs."
)
result = finished_or_run(
    designs,
    replications=replications,
    seed=state.seed(),
    button="Run sensitivity",
    key="run_sensitivity",
    export=False,
)
if result is None:
    st.stop()

table = elasticities(result, PARAMETERS, delta, outcome)
label = KEY_OUTCOMES[outcome][0]
st.pyplot(
    effect_bars(
        table,
        xlabel=f"Elasticity of {label.lower()} (% per 1% change)",
        title=f"{around}: ±{delta:.0%}, {replications} replications",
    )
)
st.dataframe(table.set_index("parameter"), width="stretch")
centre = result.outcomes()
st.caption(
    f"At the design ('{CENTRE}'): {label.lower()} = {centre[centre['scenario'] == CENTRE][outcome].mean():,.3f} on average."
)
