"""gettext catalogues of the lab and reports: ``es`` and ``ca`` translate the English message ids.

The catalogues live in ``districtlab/i18n/locale/<lang>/LC_MESSAGES/districtlab.po``
(written by people) with their compiled ``.mo`` beside them (``make catalogues``
rebuilds them with Babel, and a test checks that they are current and complete).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from districtlab.i18n import DEFAULT_LANGUAGE, LANGUAGES

DOMAIN = "districtlab"
LOCALE_DIR = Path(__file__).with_name("locale")


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> _gettext.NullTranslations:
    """The catalogue of ``language`` (English: the message ids themselves)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    if language == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])


def gettext_for(language: str = DEFAULT_LANGUAGE) -> Callable[[str], str]:
    """The ``_`` function of ``language``."""
    return translations(language).gettext


def N_(message: str) -> str:  # noqa: N802 - the conventional name Babel extracts
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message
