"""districtlab policy lab: the entry point of ``streamlit run`` (``districtlab lab``).

Sets the page up, puts the shared choices (district, seed) in the sidebar, and
hands over to the page chosen in the navigation.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from districtlab._version import __version__
from districtlab.dashboard import state
from districtlab.i18n import LANGUAGES, starting_language
from districtlab.i18n.translate import gettext_for

# Not "pages/": Streamlit would also list a folder of that name as pages of its own, beside st.navigation.
PAGES = Path(__file__).with_name("views")

st.set_page_config(page_title="districtlab policy lab", page_icon="🏭", layout="wide")

_ = gettext_for(state.language())
navigation = st.navigation(
    [
        st.Page(PAGES / "district.py", title=_("District"), default=True),
        st.Page(PAGES / "designer.py", title=_("Programme designer")),
        st.Page(PAGES / "compare.py", title=_("Compare")),
        st.Page(PAGES / "sensitivity.py", title=_("Sensitivity")),
        st.Page(PAGES / "evidence.py", title=_("Evidence")),
        st.Page(PAGES / "export.py", title=_("Export")),
    ]
)

# Defaults through the session rather than the widgets, so that a restored session may set them
# (Streamlit warns when a widget has both a default and a value set from the session).
st.session_state.setdefault(state.LANGUAGE, starting_language())  # districtlab lab --lang
st.session_state.setdefault(state.SEED, 2026)
st.session_state.setdefault(state.WORKSHOP, state.DEFAULT_WORKSHOP)
with st.sidebar:
    st.selectbox(
        "Language · Idioma · Llengua",
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=state.LANGUAGE,
        help=_("Language of the lab and of how numbers are written and read (2.000.000 or 2,000,000)."),
    )
    st.selectbox(
        _("District"),
        list(state.district_options()),
        key=state.DISTRICT,
        help=_(
            "One of the three documented districts, or a scenario uploaded on the Programme designer page."
        ),
    )
    st.number_input(
        _("Seed"),
        min_value=0,
        step=1,
        key=state.SEED,
        help=_("Root seed: the same seed gives the same firms, networks and results."),
    )
    with st.expander(_("Workshop session"), expanded=False):
        st.text_input(
            _("Workshop"),
            key=state.WORKSHOP,
            help=_(
                "Each workshop has its own session file on this computer: designs, settings and finished comparisons."
            ),
        )
        save, restore = st.columns(2)
        save.button(_("Save session"), key="session_save", on_click=state.save_session)
        restore.button(_("Restore session"), key="session_restore", on_click=state.restore_session)
    # The outcome of Save / Restore, outside the expander: seen also when the expander is closed.
    message = st.session_state.pop(state.SESSION_MESSAGE, None)
    if message is not None:
        _kind, what, detail = message
        if what == "session_saved":
            st.success(
                _("Saved {designs} design(s) and {comparisons} comparison(s) in {path}.").format(
                    designs=detail[0], comparisons=detail[1], path=detail[2]
                )
            )
        elif what == "session_restored":
            st.success(
                _("Restored {designs} design(s) and {comparisons} comparison(s) from {path}.").format(
                    designs=detail[0], comparisons=detail[1], path=detail[2]
                )
            )
        elif what == "session_not_saved":
            st.error(_("The session was not saved: {reason}").format(reason=detail))
        else:
            st.error(_("The session was not restored: {reason}").format(reason=detail))
    st.caption(
        _("districtlab {version}. Runs on this computer; nothing is sent anywhere.").format(
            version=__version__
        )
    )

navigation.run()
