"""The one Jinja environment every report renders with: package templates, HTML autoescaped."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape


@cache
def environment() -> Environment:
    """Templates of ``districtlab/report/templates``, escaping every value they insert.

    The templates are named ``*.html.j2``; ``select_autoescape()`` without arguments
    escapes only ``.html``, ``.htm`` and ``.xml`` names and would leave them unescaped,
    so the extensions are listed. Only values wrapped in :class:`markupsafe.Markup`
    (tables pandas has already escaped) are inserted as they are.
    """
    return Environment(
        loader=PackageLoader("districtlab.report"),
        autoescape=select_autoescape(["html", "j2", "html.j2"]),
    )
