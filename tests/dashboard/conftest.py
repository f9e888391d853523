"""The policy lab under Streamlit's AppTest, on Toy Valley (the quickest district to run)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from districtlab.dashboard import APP

DISTRICT = "toy-valley"


def open_page(page: str | None = None, *, district: str = DISTRICT) -> AppTest:
    """The app, run once, with ``district`` chosen and ``page`` (e.g. "compare") open.

    AppTest runs a page switched to on its own, without the entry point's
    sidebar, so the district is set in the session as the sidebar would set it.
    """
    app = AppTest.from_file(str(APP), default_timeout=240)
    app.session_state["district"] = district
    if page is not None:
        app.switch_page(f"pages/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


@pytest.fixture
def lab() -> AppTest:
    return open_page()
