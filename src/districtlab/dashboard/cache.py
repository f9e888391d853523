"""Thin ``st.cache_data`` wrappers around the public API, keyed on plain values.

Scenarios are passed as their JSON text, so a cache key is exactly the
configuration. Runs are kept one at a time in :func:`run_cache`, the store the
lab's comparisons run into (:mod:`districtlab.dashboard.runs`): moving a slider
back to a value already tried finds the runs made then, and a comparison that
was stopped resumes where it stopped.
"""

from __future__ import annotations

import io
import tempfile
import warnings
import zipfile
from pathlib import Path

import networkx as nx
import streamlit as st

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.evidence import read_qda
from districtlab.evidence.project import QdaProject
from districtlab.experiments import ExperimentResult, ExperimentStore, RunCache
from districtlab.experiments.analysis import ExperimentData
from districtlab.networks import network_of, network_sample
from districtlab.presets import load_preset, parse_scenario_text
from districtlab.report.experiment import render_report
from districtlab.results import RunResult
from districtlab.simulation import simulate

#: Runs kept: a workshop comparing a few designs with up to 100 replications each.
MAX_RUNS = 4000


@st.cache_data(show_spinner=False)
def preset(name: str) -> Scenario:
    return load_preset(name)


@st.cache_data(show_spinner=False, max_entries=32)
def uploaded_scenario(data: bytes, filename: str) -> Scenario:
    """A scenario from an uploaded TOML file; :class:`~districtlab.errors.InputError` if it is bad."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file", path=filename) from None
    return parse_scenario_text(text, source=filename)


@st.cache_resource(show_spinner=False)
def run_cache() -> RunCache:
    """The runs every session of this lab has made (the store of its comparisons)."""
    return RunCache(MAX_RUNS)


@st.cache_data(show_spinner=False, max_entries=16)
def network_sample_of(scenario_json: str, seed: int, firms: int) -> nx.DiGraph:
    """A readable sample of the district network of run ``seed``."""
    scenario = Scenario.model_validate_json(scenario_json)
    return network_sample(network_of(scenario, rng=seed), firms=firms, rng=seed)


@st.cache_data(show_spinner=False, max_entries=8)
def district_run(scenario_json: str, seed: int) -> RunResult:
    """One run of the scenario with seed ``seed``, firm by firm (the District page's pictures)."""
    return simulate(Scenario.model_validate_json(scenario_json), rng=seed, record_firms=True)


@st.cache_data(show_spinner=False, max_entries=4)
def report_html(
    comparison_key: str, _data: ExperimentData, title: str, baseline: str, language: str = "en"
) -> str:
    """The report of the comparison ``comparison_key`` in ``language`` (``_data`` is its content, not hashed)."""
    from districtlab._version import __version__

    metadata = {"districtlab_version": __version__, "source": "districtlab lab (Compare page)"}
    return render_report(_data, title=title, baseline=baseline, metadata=metadata, language=language)


@st.cache_data(show_spinner=False, max_entries=4)
def experiment_zip(comparison_key: str, _result: ExperimentResult) -> bytes:
    """The comparison as a zipped experiment directory, for `districtlab report`."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder) / "experiment"
        with ExperimentStore.prepare(directory, _result.plan) as store:
            store.append(_result.runs)
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    archive.write(path, Path("experiment") / path.relative_to(directory))
    return buffer.getvalue()


@st.cache_data(show_spinner=False, max_entries=8)
def qda_project(data: bytes, filename: str) -> tuple[QdaProject, list[str]]:
    """Read an uploaded QDA file (its format recognised from its content) and the warnings it raised."""
    suffix = Path(filename).suffix or ".qdpx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                project = read_qda(path)
            except InputError as error:  # name the uploaded file, not the temporary copy
                raise InputError(error.problem, path=filename, field=error.field) from None
    return project, [str(warning.message) for warning in caught]
