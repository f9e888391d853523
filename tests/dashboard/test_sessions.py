"""Session files: designs, settings and comparisons survive a reload; imports are treated as hostile."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from districtlab.dashboard import APP, sessions
from districtlab.dashboard.sessions import SessionStore, check_workshop_name
from districtlab.errors import InputError
from districtlab.experiments import run_scenarios
from districtlab.presets import load_preset
from tests.dashboard.conftest import DISTRICT, open_page

KEY = "ab" * 16


@pytest.fixture(scope="module")
def small_result():  # type: ignore[no-untyped-def]
    scenario = load_preset(DISTRICT).replace(months=6)
    return run_scenarios({"a": scenario, "b": scenario}, replications=2, rng=1)


def test_the_session_folder_follows_the_environment(session_folder: Path) -> None:
    assert sessions.session_folder() == session_folder
    assert SessionStore.for_workshop("Alicante 2026").path == session_folder / "Alicante 2026.sqlite"


@pytest.mark.parametrize("name", ["../etc", "", ".hidden", "a/b", "x" * 65])
def test_a_workshop_name_that_is_not_a_file_name_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="workshop name"):
        check_workshop_name(name)


def test_designs_settings_and_results_come_back(tmp_path: Path, small_result) -> None:  # type: ignore[no-untyped-def]
    store = SessionStore(tmp_path / "w.sqlite")
    scenario = load_preset(DISTRICT)
    store.save_design("k1", scenario.district, "big budget", scenario)
    store.save_settings({"seed": 7, "compare_designs/toy-valley": ["a", "b"]})
    store.save_result(KEY, small_result, last=True)
    again = SessionStore(tmp_path / "w.sqlite")  # another day
    assert list(again.designs()["k1"]) == ["big budget"]
    assert again.library()[0][:2] == (scenario.district, "big budget")
    assert again.settings() == {"seed": 7, "compare_designs/toy-valley": ["a", "b"]}
    assert again.result_keys() == [(KEY, True)]
    restored = again.result(KEY)
    assert restored.outcomes().equals(small_result.outcomes())


def test_an_exported_session_imports_into_another(tmp_path: Path, small_result) -> None:  # type: ignore[no-untyped-def]
    store = SessionStore(tmp_path / "one.sqlite")
    store.save_design("k1", "Toy Valley", "d", load_preset(DISTRICT))
    store.save_result(KEY, small_result)
    other = SessionStore(tmp_path / "two.sqlite")
    assert other.import_bytes(store.export_bytes()) == (1, 1)
    assert other.result(KEY).outcomes().equals(small_result.outcomes())


def _hostile(tmp_path: Path, sql: str) -> bytes:
    store = SessionStore(tmp_path / "hostile.sqlite")
    store.save_design("k1", "Toy Valley", "d", load_preset(DISTRICT))
    connection = sqlite3.connect(store.path)
    with connection:
        connection.executescript(sql)
    connection.close()
    return store.path.read_bytes()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: b"not a database at all", "not an SQLite database"),
        (lambda tmp: b"SQLite format 3\x00" + b"\x00" * 200, "session"),
        (lambda tmp: _hostile(tmp, "DROP TABLE settings;"), "table 'settings'"),
        (lambda tmp: _hostile(tmp, "UPDATE meta SET value = 'other/9';"), "session format"),
        (
            lambda tmp: _hostile(tmp, "UPDATE designs SET scenario = '{\"months\": -1}';"),
            "not a valid scenario",
        ),
        (
            lambda tmp: _hostile(
                tmp,
                f"INSERT INTO result_files VALUES ('{KEY}', '../../evil', x'00'); INSERT INTO results VALUES ('{KEY}', 'x', 0);",
            ),
            "not a plain relative name",
        ),
        (lambda tmp: _hostile(tmp, "INSERT INTO result_files VALUES ('nothex', 'a', x'00');"), "hexadecimal"),
        (
            lambda tmp: _hostile(
                tmp, f"INSERT INTO result_files VALUES ('{KEY}', 'experiment.json', x'00');"
            ),
            "does not load",
        ),
    ],
)
def test_a_hostile_session_file_is_refused_in_one_line_and_nothing_is_imported(
    tmp_path: Path,
    make,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    data = make(tmp_path)
    store = SessionStore(tmp_path / "mine.sqlite")
    with pytest.raises(InputError, match=message) as caught:
        store.import_bytes(data, "upload.sqlite")
    assert "\n" not in str(caught.value)
    assert store.designs() == {}
    assert store.result_keys() == []


def test_a_session_survives_a_reload_in_the_lab() -> None:
    app = open_page("designer")
    app.toggle(key="design_preview").set_value(False).run()
    app.text_input(key="design_name").set_value("saved design").run()
    app.button(key="add_design").click().run()
    app.switch_page("views/compare.py").run()
    app.slider(key="compare_replications").set_value(2).run()
    app.button(key="run_comparison").click().run()
    assert app.info
    verdict = app.info[0].value
    app.sidebar.button(key="session_save").click().run()
    assert not app.exception
    assert any("Saved 1 design(s) and 1 comparison(s)" in s.value for s in app.sidebar.success)

    fresh = AppTest.from_file(str(APP), default_timeout=240)  # a reload: a new session
    fresh.session_state["district"] = load_preset(DISTRICT).district
    fresh.switch_page("views/compare.py")
    fresh.run()
    assert "saved design" not in fresh.multiselect(key=f"compare_designs/{DISTRICT}").options
    fresh.sidebar.button(key="session_restore").click().run()
    assert not fresh.exception
    assert any("Restored 1 design(s) and 1 comparison(s)" in s.value for s in fresh.sidebar.success)
    assert "saved design" in fresh.multiselect(key=f"compare_designs/{DISTRICT}").value
    assert fresh.info, "the comparison is shown again without running it"
    assert fresh.info[0].value == verdict


def test_the_lab_opens_in_the_language_districtlab_lab_was_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISTRICTLAB_LANG", "ca")
    app = open_page()
    assert not app.exception
    assert app.sidebar.selectbox(key="language").value == "ca"
    assert app.metric[0].label == "Empreses"
