"""Scenario TOML that keeps its source's comments: a preset's sources and ASSUMPTION notes survive a save.

``tomli_w`` writes data, not comments; ``tomlkit`` reads a document with its
comments and lets values be changed in place. :func:`dump_keeping_comments`
starts from the source text (a preset, an uploaded file), writes the scenario's
values into it, adds what is new and removes what is gone, and checks the
result: it must read back as exactly the scenario, or the plain dump is
returned instead (a comment is never worth a wrong value).
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import Item, Table

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.io.toml import dump_scenario, parse_scenario


def _merge(document: Any, data: dict[str, Any]) -> None:
    """Write ``data`` into the tomlkit container ``document``, keeping the comments of unchanged items."""
    for key in [key for key in document if key not in data]:
        del document[key]
    for key, value in data.items():
        if key not in document:
            document[key] = value
            continue
        current = document[key]
        if isinstance(value, dict) and isinstance(current, (Table, dict)) and not isinstance(current, list):
            _merge(current, value)
            continue
        if current == value:
            continue
        comment = current.trivia.comment if isinstance(current, Item) else ""
        replacement = tomlkit.item(value)
        if comment and not isinstance(replacement, Table):
            replacement.comment(comment.lstrip("# ").rstrip())
        document[key] = replacement


def dump_keeping_comments(scenario: Scenario, source_text: str | None) -> str:
    """The TOML of ``scenario`` written into ``source_text`` with its comments; the plain dump without a source.

    Parameters
    ----------
    scenario
        What to write.
    source_text
        The TOML the scenario came from (e.g. a preset's text), or ``None``.
    """
    plain = dump_scenario(scenario)
    if not source_text:
        return plain
    try:
        document = tomlkit.parse(source_text)
        _merge(document, tomlkit.parse(plain).unwrap())
        text = tomlkit.dumps(document)
        if parse_scenario(text, source="scenario with comments") != scenario:
            return plain
    except (InputError, tomlkit.exceptions.TOMLKitError, ValueError, TypeError, KeyError):
        return plain
    return text
