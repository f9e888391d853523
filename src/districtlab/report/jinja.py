"""The one Jinja environment every report renders with: package templates, HTML autoescaped."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader


@cache
def environment() -> Environment:
    """Templates of ``districtlab/report/templates``, escaping every value they insert.

    The templates are named ``*.html.j2``; Jinja's ``select_autoescape`` with its default
    arguments escapes only ``.html``, ``.htm`` and ``.xml`` names and would leave them unescaped,
    so autoescaping is on for every template, whatever its name (every one writes
    HTML). Only values wrapped in :class:`markupsafe.Markup` (tables pandas has
    already escaped, a sub-template rendered here) are inserted as they are.
    """
    return Environment(loader=PackageLoader("districtlab.report"), autoescape=True)
