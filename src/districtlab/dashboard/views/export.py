"""Export: a design as a scenario TOML file, the last comparison's results, and its report."""

from __future__ import annotations

import io

import streamlit as st

from districtlab.dashboard import cache, state
from districtlab.errors import InputError
from districtlab.experiments.analysis import ExperimentData
from districtlab.i18n.labels import design_label
from districtlab.i18n.translate import gettext_for
from districtlab.io.spreadsheet import spreadsheet_csv
from districtlab.io.toml_comments import dump_keeping_comments
from districtlab.presets import list_presets, preset_text

language = state.language()
_ = gettext_for(language)

scenario = state.current_scenario()
st.title(_("Export"))

st.header(_("A design as a scenario file"))
designs = state.designs(scenario)
name = st.selectbox(
    _("Design"), list(designs), format_func=lambda design: design_label(design, language), key="export_design"
)
# A design of a preset district keeps the preset's comments (sources, ASSUMPTION notes).
text = dump_keeping_comments(
    designs[name], preset_text(scenario.name) if scenario.name in list_presets() else None
)
st.download_button(
    _("Download scenario TOML"),
    text,
    file_name=f"{scenario.name}-{name.replace(' ', '-')}.toml",
    mime="application/toml",
    key="download_toml",
    help=_("Opens in the Programme designer (upload) and runs with `districtlab run FILE`."),
)
with st.expander(_("Preview")):
    st.code(text[:4000] + ("\n…" if len(text) > 4000 else ""), language="toml")

st.header(_("The workshop's session file"))
st.caption(
    _(
        "Designs, settings and finished comparisons saved with 'Save session' in the sidebar, as one file to keep "
        "or to open on another computer."
    )
)


def _on_session_upload() -> None:
    uploaded = st.session_state.get("session_upload")
    if uploaded is None:
        return
    try:
        designs, comparisons = state.session_store().import_bytes(uploaded.getvalue(), uploaded.name)
    except InputError as error:
        st.session_state["session_import"] = ("error", str(error))
        return
    st.session_state["session_import"] = ("success", (designs, comparisons))


try:
    session_file = state.session_store()
except InputError as error:
    st.error(str(error))
else:
    st.download_button(
        _("Download the session file"),
        session_file.export_bytes(),
        file_name=f"{session_file.path.stem}.districtlab-session.sqlite",
        mime="application/vnd.sqlite3",
        key="download_session",
    )
    st.file_uploader(
        _("Import a session file (its designs and comparisons join this workshop's; then 'Restore session')"),
        type=["sqlite"],
        key="session_upload",
        on_change=_on_session_upload,
    )
    outcome = st.session_state.pop("session_import", None)
    if outcome is not None and outcome[0] == "error":
        st.error(_("That file was not imported: {reason}").format(reason=outcome[1]))
    elif outcome is not None:
        st.success(
            _("Imported {designs} design(s) and {comparisons} comparison(s).").format(
                designs=outcome[1][0], comparisons=outcome[1][1]
            )
        )

st.header(_("The last comparison"))
result = state.last_comparison()
if result is None:
    st.info(_("Run a comparison on the Compare page first; its results and report appear here."))
    st.stop()

data = ExperimentData.of(result)
key = st.session_state[state.LAST_COMPARISON]
st.caption(
    _("{designs}: {n} replications each, seed {seed}.").format(
        designs=", ".join(result.names), n=result.replications, seed=result.entropy
    )
)
outcomes = result.outcomes()
columns = st.columns(4)
columns[0].download_button(
    _("Outcomes (CSV)"),
    spreadsheet_csv(outcomes),  # design names are typed by users: no live formulas
    file_name="outcomes.csv",
    mime="text/csv",
    key="download_csv",
)
buffer = io.BytesIO()
result.to_frame().to_parquet(buffer, index=False)
columns[1].download_button(
    _("Outcomes, tidy (Parquet)"),
    buffer.getvalue(),
    file_name="outcomes.parquet",
    mime="application/vnd.apache.parquet",
    key="download_parquet",
)
columns[2].download_button(
    _("Report (HTML, opens offline)"),
    cache.report_html(
        key, data, f"districtlab policy lab: {scenario.district}", state.BASELINE, state.language()
    ),
    file_name="report.html",
    mime="text/html",
    key="download_report",
)
columns[3].download_button(
    _("Experiment directory (zip)"),
    cache.experiment_zip(key, result),
    file_name="experiment.zip",
    mime="application/zip",
    key="download_experiment",
    help=_(
        "Unzip it and run `districtlab report experiment` for the report with its figures as PNG and PDF."
    ),
)
st.dataframe(outcomes.head(50), width="stretch")
