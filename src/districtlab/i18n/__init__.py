"""Languages of the lab and reports: Spanish (``es``), Valencian (``ca``) and English (``en``).

:mod:`districtlab.i18n.numbers` reads numbers as people type them and reads
them back in words.
"""

from __future__ import annotations

#: The languages districtlab speaks, by Babel locale code, with their own names.
LANGUAGES: dict[str, str] = {"es": "Español", "ca": "Valencià", "en": "English"}
DEFAULT_LANGUAGE = "en"  # the lab opens in English; the sidebar switches it
#: Environment variable through which ``districtlab lab --lang`` tells the lab its first language.
LANGUAGE_ENV = "DISTRICTLAB_LANG"


def checked_language(language: str) -> str:
    """``language`` if districtlab speaks it; ``ValueError`` naming the choices otherwise."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r}: choose one of {', '.join(LANGUAGES)}")
    return language


def starting_language() -> str:
    """The lab's first language: ``$DISTRICTLAB_LANG`` when it names one districtlab speaks, else English."""
    import os

    chosen = os.environ.get(LANGUAGE_ENV, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
