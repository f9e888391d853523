"""Export: a design as a scenario TOML file, the last comparison's results, and its report."""

from __future__ import annotations

import io

import streamlit as st

from districtlab.dashboard import cache, state
from districtlab.experiments.analysis import ExperimentData
from districtlab.io.spreadsheet import spreadsheet_csv
from districtlab.io.toml import dump_scenario

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
key = st.session_state[state.LAST_COMPARISON]
st.caption(f"{', '.join(result.names)}: {result.replications} replications each, seed {result.entropy}.")
outcomes = result.outcomes()
columns = st.columns(4)
columns[0].download_button(
    "Outcomes (CSV)",
    spreadsheet_csv(outcomes),  # design names are typed by users: no live formulas
    file_name="outcomes.csv",
    mime="text/csv",
    key="download_csv",
)
buffer = io.BytesIO()
result.to_frame().to_parquet(buffer, index=False)
columns[1].download_button(
    "Outcomes, tidy (Parquet)",
    buffer.getvalue(),
    file_name="outcomes.parquet",
    mime="application/vnd.apache.parquet",
    key="download_parquet",
)
columns[2].download_button(
    "Report (HTML, opens offline)",
    cache.report_html(key, data, f"districtlab policy lab: {scenario.district}", state.BASELINE),
    file_name="report.html",
    mime="text/html",
    key="download_report",
)
columns[3].download_button(
    "Experiment directory (zip)",
    cache.experiment_zip(key, result),
    file_name="experiment.zip",
    mime="application/zip",
    key="download_experiment",
    help="Unzip it and run `districtlab report experiment` for the report with its figures as PNG and PDF.",
)
st.dataframe(outcomes.head(50), width="stretch")
