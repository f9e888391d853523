"""Export: a design as a scenario TOML file, the last comparison's results, and its report."""

from __future__ import annotations

import io

import streamlit as st

from districtlab import __version__
from districtlab.dashboard import state
from districtlab.io.toml import dump_scenario
from districtlab.report.analysis import ExperimentData
from districtlab.report.experiment import render_report

scenario = state.current_scenario()
st.title("Export")

st.header("A design as a scenario file")
designs = state.designs(scenario)
name = st.selectbox("Design", list(designs), key="export_design")
text = dump_scenario(designs[name])
st.download_button(
    "Download scenario TOML",
    text,
    file_name=f"{scenario.name}-{name.replace(' ', '-')}.toml",
    mime="application/toml",
    key="download_toml",
    help="Opens in the Programme designer (upload) and runs with `districtlab run FILE`.",
)
with st.expander("Preview"):
    st.code(text[:4000] + ("\n…" if len(text) > 4000 else ""), language="toml")

st.header("The last comparison")
result = state.last_comparison()
if result is None:
    st.info("Run a comparison on the Compare page first; its results and report appear here.")
    st.stop()

data = ExperimentData.of(result)
st.caption(f"{', '.join(result.names)}: {result.replications} replications each, seed {result.entropy}.")
outcomes = result.outcomes()
tidy = result.to_frame()
columns = st.columns(3)
columns[0].download_button(
    "Outcomes (CSV)",
    outcomes.to_csv(index=False),
    file_name="outcomes.csv",
    mime="text/csv",
    key="download_csv",
)
buffer = io.BytesIO()
tidy.to_parquet(buffer, index=False)
columns[1].download_button(
    "Outcomes, tidy (Parquet)",
    buffer.getvalue(),
    file_name="outcomes.parquet",
    mime="application/vnd.apache.parquet",
    key="download_parquet",
)
html = render_report(
    data,
    title=f"districtlab policy lab: {scenario.district}",
    baseline=state.BASELINE,
    metadata={"districtlab_version": __version__, "source": "districtlab lab (Compare page)"},
)
columns[2].download_button(
    "Report (HTML, opens offline)", html, file_name="report.html", mime="text/html", key="download_report"
)
st.dataframe(outcomes.head(50), width="stretch")
