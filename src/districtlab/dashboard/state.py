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
from districtlab.dashboard.sessions import SessionStore
from districtlab.errors import InputError
from districtlab.experiments import ExperimentResult
from districtlab.i18n import DEFAULT_LANGUAGE, LANGUAGES
from districtlab.presets import districts

#: Widget keys of the sidebar.
DISTRICT = "district"
SEED = "seed"
LANGUAGE = "language"
WORKSHOP = "workshop"
#: Session keys.
UPLOADED = "uploaded_scenario"
UPLOAD_ERROR = "upload_error"
DESIGNS = "designs"
COMPARISONS = "comparisons"
LAST_COMPARISON = "last_comparison"
RUNNING = "running_comparison"
DESIGN_DISTRICTS = "design_districts"
SESSION_MESSAGE = "session_message"
#: Widget values a saved session keeps (besides designs and comparisons), so that a restored
#: session shows the same comparison again.
SAVED_SETTINGS = (DISTRICT, SEED, LANGUAGE)
KEPT = "kept/"
SAVED_SETTING_PREFIXES = (KEPT,)
DEFAULT_WORKSHOP = "workshop"
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


def language() -> str:
    """The language chosen in the sidebar (its Babel code: es, ca or en)."""
    chosen = st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


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
    st.session_state.setdefault(DESIGN_DISTRICTS, {})[_source_key(base)] = base.district


def kept(key: str) -> str:
    """Where a page's widget value is kept while other pages are shown (and in a saved session)."""
    return KEPT + key


def keep(key: str) -> None:
    """A widget's ``on_change``: keep its new value beyond the page."""
    st.session_state[kept(key)] = st.session_state[key]


def source_key(scenario: Scenario) -> str:
    """The key a scenario's designs are kept under (in the session and in the session file)."""
    return _source_key(scenario)


def session_store() -> SessionStore:
    """The session file of the workshop named in the sidebar."""
    return SessionStore.for_workshop(str(st.session_state.get(WORKSHOP) or DEFAULT_WORKSHOP))


def _settings() -> dict[str, object]:
    return {
        key: value
        for key, value in st.session_state.items()
        if isinstance(key, str)
        and (key in SAVED_SETTINGS or key.startswith(SAVED_SETTING_PREFIXES))
        and isinstance(value, (str, int, float, list))
    }


def save_session() -> None:
    """Write the designs, settings and finished comparisons to the workshop's session file
    (a button's callback: its outcome is left in ``SESSION_MESSAGE``)."""
    try:
        store = session_store()
        districts = st.session_state.get(DESIGN_DISTRICTS, {})
        designs_saved = 0
        for key, own in st.session_state.get(DESIGNS, {}).items():
            for name, text in own.items():
                store.save_design(key, districts.get(key, ""), name, Scenario.model_validate_json(text))
                designs_saved += 1
        store.save_settings(_settings())
        last = st.session_state.get(LAST_COMPARISON)
        finished = st.session_state.get(COMPARISONS, {})
        for key, result in finished.items():
            store.save_result(key, result, last=key == last)
    except (InputError, OSError) as error:
        st.session_state[SESSION_MESSAGE] = ("error", "session_not_saved", str(error))
        return
    st.session_state[SESSION_MESSAGE] = (
        "success",
        "session_saved",
        (designs_saved, len(finished), str(store.path)),
    )


def restore_session() -> None:
    """Read the workshop's session file back into the page (a button's callback)."""
    try:
        store = session_store()
        library = store.designs()
        settings = store.settings()
        comparisons = [(key, store.result(key), last) for key, last in store.result_keys()]
    except (InputError, OSError) as error:
        st.session_state[SESSION_MESSAGE] = ("error", "session_not_restored", str(error))
        return
    for key, own in library.items():
        st.session_state.setdefault(DESIGNS, {}).setdefault(key, {}).update(own)
    for key, value in settings.items():
        if key in SAVED_SETTINGS or key.startswith(SAVED_SETTING_PREFIXES):
            st.session_state[key] = value
        if key.startswith(KEPT):  # the page's widget shows the restored value, even if it is on screen now
            st.session_state[key.removeprefix(KEPT)] = value
    for key, result, last in comparisons:
        remember_comparison(key, result, last=last)
    designs_restored = sum(len(own) for own in library.values())
    st.session_state[SESSION_MESSAGE] = (
        "success",
        "session_restored",
        (designs_restored, len(comparisons), str(store.path)),
    )


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
