"""Evidence: coded interviews from QDA software as a cross-case meta-matrix."""

from __future__ import annotations

import streamlit as st

from districtlab.dashboard import cache
from districtlab.errors import InputError
from districtlab.evidence import meta_matrix, meta_matrix_wide
from districtlab.evidence.load import SUPPORTED_FORMATS

st.title("Evidence from the interviews")
st.markdown(
    "Upload a coded project to set the cases (or districts, or any case variable) against the codes: "
    "what the interviews say, next to what the model does."
)
uploaded = st.file_uploader(
    "Coded project", type=["qdpx", "qde", "qdc", "csv", "xlsx"], key="qda_upload", help=SUPPORTED_FORMATS
)
if uploaded is None:
    st.info(f"Accepted: {SUPPORTED_FORMATS}.")
    st.stop()

try:
    project, warnings = cache.qda_project(uploaded.getvalue(), uploaded.name)
except InputError as error:
    st.error(f"That file could not be read: {error}")
    st.stop()
for warning in warnings:
    st.warning(warning)

counts = project.counts()
columns = st.columns(min(len(counts), 5))
for column, (what, count) in zip(columns, list(counts.items())[:5], strict=False):
    column.metric(what, f"{count:,}")

variables = sorted(set(project.variables["name"].dropna())) if not project.variables.empty else []
by = st.selectbox(
    "Rows",
    ["case", "source", *variables],
    key="qda_by",
    help="Cases, sources, or a case variable such as district.",
)
cell = st.radio("Cells", ["count", "presence"], horizontal=True, key="qda_cell")
try:
    tidy = meta_matrix(project, by=by, cell=cell)
except InputError as error:
    st.error(str(error))
    st.stop()
if tidy.empty:
    st.info("This project has no coded passages to put in a matrix.")
    st.stop()
st.subheader(f"Meta-matrix: {cell} of codings by {by} × code")
st.dataframe(meta_matrix_wide(tidy), width="stretch")
