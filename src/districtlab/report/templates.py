"""The Jinja environment every report renders with: autoescaping on for every template.

``select_autoescape()`` with its defaults only matches ``*.html``/``*.xml`` and so
leaves ``*.html.j2`` unescaped; here autoescaping is unconditional, so a district,
scenario or experiment name such as ``<script>`` is always written as text. Only
HTML that districtlab builds itself (tables from ``DataFrame.to_html(escape=True)``,
a sub-template rendered by this environment) may be passed in as ``Markup``.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader


@cache
def report_environment() -> Environment:
    """The shared environment of the report templates (autoescape on, undefined names fail loudly)."""
    from jinja2 import StrictUndefined

    return Environment(loader=PackageLoader("districtlab.report"), autoescape=True, undefined=StrictUndefined)


__all__ = ["report_environment"]
