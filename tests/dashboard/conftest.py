"""The policy lab under Streamlit's AppTest, on Toy Valley (the quickest district to run)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from districtlab.dashboard import APP
from districtlab.presets import load_preset

DISTRICT = "toy-valley"


def open_page(page: str | None = None, *, district: str = DISTRICT) -> AppTest:
    """The app, run once, with ``district`` chosen and ``page`` (e.g. "compare") open.

    The page runs through the entry point (navigation and sidebar included); the
    district is put in the session before the first run, as the sidebar's
    selector would, so that no other district is drawn first.
    """
    app = AppTest.from_file(str(APP), default_timeout=240)
    app.session_state["district"] = load_preset(district).district  # the sidebar offers districts by name
    if page is not None:
        app.switch_page(f"views/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


@pytest.fixture
def lab() -> AppTest:
    return open_page()


@pytest.fixture(autouse=True)
def session_folder(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Session files of the tests go to a temporary folder, never the user's data folder."""
    folder = tmp_path / "sessions"
    monkeypatch.setenv("DISTRICTLAB_SESSION_DIR", str(folder))
    return folder
