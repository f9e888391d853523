"""Compare: two or more designs side by side over paired replications, with 95% intervals and a verdict."""

from __future__ import annotations

import numpy as np
import streamlit as st

from districtlab.dashboard import state
from districtlab.dashboard.progress import finished_or_run
from districtlab.experiments.analysis import (
    KEY_OUTCOMES,
    ExperimentData,
    cost_table,
    difference_table,
    format_cost,
    format_interval,
    readable_summary,
    size_table,
    verdict,
)
from districtlab.viz import adoption_bands, size_class_adoption

scenario = state.current_scenario()
available = state.designs(scenario)
options = [name for name in available if name != state.BASELINE]

st.title(f"Compare designs: {scenario.district}")
chosen_names = st.multiselect(
    "Designs",
    options,
    default=[name for name in ("place-based", "generic") if name in options] or options[:2],
    key=f"compare_designs/{scenario.name}",
    help=f"Each is run with the same firms and networks in every replication (common random numbers); '{state.BASELINE}' is always run as the counterfactual.",
)
replications = st.slider(
    "Replications",
    min_value=2,
    max_value=100,
    value=20,
    step=1,
    key="compare_replications",
    help="More replications give narrower intervals; 20 is a fair start, 50 or more for a paper.",
)
if len(chosen_names) < 2:
    st.info("Choose at least two designs to compare.")
    st.stop()

chosen = {name: available[name] for name in [*chosen_names, state.BASELINE]}
result = finished_or_run(
    chosen, replications=replications, seed=state.seed(), button="Run comparison", key="run_comparison"
)
if result is None:
    st.stop()

data = ExperimentData.of(result)
first, second = chosen_names[0], chosen_names[1]
st.subheader("Verdict")
st.info(verdict(data, first, second, baseline=state.BASELINE))

st.subheader(f"Outcomes at month {scenario.months:g}: mean [95% CI] over {replications} replications")
st.dataframe(readable_summary(data).set_index("Design"), width="stretch")

curves = {name: data.series["adoption_share_mean"][index] * 100 for index, name in enumerate(data.names)}
left, right = st.columns(2)
with left:
    st.pyplot(
        adoption_bands(
            curves,
            data.months,
            title="Adoption over time",
            ylabel="Adoption share, mean over technologies (%)",
        )
    )
with right:
    by_size = size_table(data)
    st.pyplot(
        size_class_adoption(
            by_size, title="Adoption by size class at the horizon", ylabel="Adoption share (0–1)"
        )
    )

st.subheader(f"Against {state.BASELINE}: additionality and cost (paired, 95% CI)")
differences = difference_table(data, baseline=state.BASELINE, outcomes=("new_adopters", "laggard_share"))
costs = cost_table(data, baseline=state.BASELINE).set_index("design")
rows = []
for name in chosen_names:
    adopters = differences[(differences["design"] == name) & (differences["outcome"] == "new_adopters")].iloc[
        0
    ]
    laggards = differences[
        (differences["design"] == name) & (differences["outcome"] == "laggard_share")
    ].iloc[0]
    cost = costs.loc[name]
    rows.append(
        {
            "Design": name,
            "Additional adopters": format_interval(
                adopters["difference"], adopters["ci_low"], adopters["ci_high"]
            ),
            "Laggard share change (percentage points)": format_interval(
                laggards["difference"], laggards["ci_low"], laggards["ci_high"], scale=100, digits=2
            ),
            "EUR per additional adopter": format_cost(
                cost["eur_per_additional_adopter"], cost["ci_low"], cost["ci_high"]
            ),
        }
    )
st.table(rows)
st.caption(
    "Cost intervals are Fieller intervals of a ratio of means: unbounded when the gain over no programme could be zero."
)

with st.expander("Data behind the figures"):
    final = {name: float(np.mean(curve[:, -1])) for name, curve in curves.items()}
    st.dataframe(
        {"design": list(final), "adoption share at the horizon (%)": list(final.values())}, width="stretch"
    )
    st.dataframe(by_size, width="stretch")
    st.caption(
        f"Seed {result.entropy}; replication r of every design used SeedSequence({result.entropy}, spawn_key=(r,)). Outcomes: {', '.join(KEY_OUTCOMES)}."
    )
