"""Languages of the lab and reports: Spanish (``es``), Valencian (``ca``) and English (``en``).

:mod:`districtlab.i18n.numbers` reads numbers as people type them and reads
them back in words.
"""

from __future__ import annotations

#: The languages districtlab speaks, by Babel locale code, with their own names.
LANGUAGES: dict[str, str] = {"es": "Español", "ca": "Valencià", "en": "English"}
DEFAULT_LANGUAGE = "en"  # the lab opens in English; the sidebar switches it
