"""The one Jinja environment per language every report renders with: package templates, HTML autoescaped,
texts translated through the project's gettext catalogues."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader

from districtlab.i18n import DEFAULT_LANGUAGE, checked_language
from districtlab.i18n.numbers import format_amount
from districtlab.i18n.translate import translations


@cache
def environment(language: str = DEFAULT_LANGUAGE) -> Environment:
    """Templates of ``districtlab/report/templates`` in ``language``, escaping every value they insert.

    The templates are named ``*.html.j2``; Jinja's ``select_autoescape`` with its default
    arguments escapes only ``.html``, ``.htm`` and ``.xml`` names and would leave them unescaped,
    so autoescaping is on for every template, whatever its name (every one writes
    HTML). Only values wrapped in :class:`markupsafe.Markup` (tables pandas has
    already escaped, a sub-template rendered here) are inserted as they are.

    Texts in ``{% trans %}`` blocks are translated with the catalogue of ``language``
    (``jinja2.ext.i18n``, new-style gettext: values put into a translation are escaped
    too); ``lang`` is the page's language for ``<html lang>`` and the ``number`` filter
    writes a number the way ``language`` does. One environment per language, never
    re-installed, so that reports rendered at once in two languages (the lab's
    sessions) cannot mix their texts.
    """
    language = checked_language(language)
    templates = Environment(
        loader=PackageLoader("districtlab.report"), autoescape=True, extensions=["jinja2.ext.i18n"]
    )
    templates.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    templates.globals["lang"] = language
    templates.filters["number"] = lambda value, digits=0: format_amount(value, language, decimals=digits)
    return templates
