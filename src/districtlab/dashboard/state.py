"""What the pages share through ``st.session_state``: the district, the designs, finished comparisons.

Keys are named here once. A design is stored as its scenario's JSON text, so
what the Compare page runs is exactly what the Designer validated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import streamlit as st

from districtlab.config import NO_PROGRAMME, Scenario
from districtlab.dashboard import cache
from districtlab.experiments import ExperimentResult
from districtlab.presets import districts

#: Widget keys of the sidebar.
DISTRICT = "district"
SEED = "seed"
#: Session keys.
UPLOADED = "uploaded_scenario"
UPLOAD_ERROR = "upload_error"
DESIGNS = "designs"
COMPARISONS = "comparisons"
LAST_COMPARISON = "last_comparison"
RUNNING = "running_comparison"
#: Name of the counterfactual design every comparison includes.
BASELINE = "no programme"
#: Finished comparisons kept in a session (each is a few MB at most).
MAX_COMPARISONS = 12


def district_options() -> dict[str, Scenario]:
    """The districts the sidebar offers, by the name shown: the presets, then an uploaded scenario.

    The options are the names themselves (not preset keys with a format
    function), so that the choice reads the same in the page, in the session
    and in tests.
    """
    names = districts()  # the study's three, then any user preset (DISTRICTLAB_PRESETS)
    options = {cache.preset(name).district: cache.preset(name) for name in names}
    uploaded: Scenario | None = st.session_state.get(UPLOADED)
    if uploaded is not None:
        options[uploaded_label(uploaded)] = uploaded
    return options


def uploaded_label(scenario: Scenario) -> str:
    return f"{scenario.district} (uploaded: {scenario.name})"


def current_scenario() -> Scenario:
    """The scenario of the district chosen in the sidebar (the first preset before any choice)."""
    options = district_options()
    return options.get(st.session_state.get(DISTRICT, ""), next(iter(options.values())))


def seed() -> int:
    return int(st.session_state.get(SEED, 2026))


def _source_key(scenario: Scenario) -> str:
    """Designs belong to the scenario they were made for."""
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()[:16]


def documented_designs(scenario: Scenario) -> dict[str, Scenario]:
    """No programme and the programmes the scenario documents (for presets: place-based and generic)."""
    designs = {name: scenario.with_programme(name) for name in scenario.programmes}
    if scenario.programme.kind != "none" and scenario.programme not in scenario.programmes.values():
        designs[f"{scenario.programme.name} (as uploaded)"] = scenario
    designs[BASELINE] = scenario.with_programme(NO_PROGRAMME)
    return designs


def designs(scenario: Scenario) -> dict[str, Scenario]:
    """Every design a comparison can include: the documented ones, then the workshop's own."""
    own: Mapping[str, str] = st.session_state.get(DESIGNS, {}).get(_source_key(scenario), {})
    return {
        **documented_designs(scenario),
        **{name: Scenario.model_validate_json(text) for name, text in own.items()},
    }


def add_design(base: Scenario, name: str, design: Scenario) -> None:
    store = st.session_state.setdefault(DESIGNS, {})
    store.setdefault(_source_key(base), {})[name] = design.model_dump_json()


def request_key(chosen: Mapping[str, Scenario], replications: int, seed: int) -> str:
    """Identity of a comparison: the designs' configurations, replications and seed."""
    document = json.dumps(
        {
            "designs": {name: scenario.model_dump_json() for name, scenario in chosen.items()},
            "replications": replications,
            "seed": seed,
        },
        sort_keys=True,
    )
    return hashlib.sha256(document.encode()).hexdigest()


def remember_comparison(key: str, result: ExperimentResult, *, last: bool = True) -> None:
    """Keep a finished comparison; ``last`` makes it the one the Export page offers."""
    finished: dict[str, ExperimentResult] = st.session_state.setdefault(COMPARISONS, {})
    finished[key] = result
    while len(finished) > MAX_COMPARISONS:
        finished.pop(next(iter(finished)))
    if last:
        st.session_state[LAST_COMPARISON] = key


def comparison(key: str) -> ExperimentResult | None:
    return st.session_state.get(COMPARISONS, {}).get(key)


def last_comparison() -> ExperimentResult | None:
    key = st.session_state.get(LAST_COMPARISON)
    return None if key is None else comparison(key)
