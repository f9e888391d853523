"""districtlab policy lab: the entry point of ``streamlit run`` (``districtlab lab``).

Sets the page up, puts the shared choices (district, seed) in the sidebar, and
hands over to the page chosen in the navigation.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from districtlab._version import __version__
from districtlab.dashboard import state

# Not "pages/": Streamlit would also list a folder of that name as pages of its own, beside st.navigation.
PAGES = Path(__file__).with_name("views")

st.set_page_config(page_title="districtlab policy lab", page_icon="🏭", layout="wide")

navigation = st.navigation(
    [
        st.Page(PAGES / "district.py", title="District", default=True),
        st.Page(PAGES / "designer.py", title="Programme designer"),
        st.Page(PAGES / "compare.py", title="Compare"),
        st.Page(PAGES / "sensitivity.py", title="Sensitivity"),
        st.Page(PAGES / "evidence.py", title="Evidence"),
        st.Page(PAGES / "export.py", title="Export"),
    ]
)

with st.sidebar:
    st.selectbox(
        "District",
        list(state.district_options()),
        key=state.DISTRICT,
        help="One of the three documented districts, or a scenario uploaded on the Programme designer page.",
    )
    st.number_input(
        "Seed",
        min_value=0,
        value=2026,
        step=1,
        key=state.SEED,
        help="Root seed: the same seed gives the same firms, networks and results.",
    )
    st.caption(f"districtlab {__version__}. Runs on this computer; nothing is sent anywhere.")

navigation.run()
