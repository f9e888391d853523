"""Scenario files in TOML: load with one-line errors, save so that loading gives the same scenario.

Saving writes every field (defaults included) with ``tomli_w``; floats are written
with their shortest round-tripping repr, so ``parse_scenario(dump_scenario(s)) == s``
and dumping again gives the same text. Preset files keep their comments (the
sources of every number); :func:`districtlab.presets.export_preset` copies them as
they are.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from districtlab.config import Scenario
from districtlab.config.base import strict_type_problem
from districtlab.errors import InputError, from_validation_error
from districtlab.i18n.translate import N_
from districtlab.io.files import write_atomically


def parse_scenario(text: str, *, source: str = "<string>") -> Scenario:
    """Parse TOML text into a validated Scenario; errors are :class:`InputError`."""
    return scenario_from_dict(read_toml(text, source=source), source=source)


def scenario_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> Scenario:
    """Validate a scenario read from a file: strict types (no ``true`` or ``"120"`` for a number), finite numbers."""
    if "region" in data:  # composition with a region's shared values is the presets' job
        raise InputError(
            "names a region: load it with districtlab.presets (load_scenario or parse_scenario_text)",
            path=source,
            field="region",
        )
    problem = strict_type_problem(Scenario, data)
    if problem is not None:
        raise InputError(problem[1], path=source, field=problem[0])
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise from_validation_error(error, source) from None


def read_scenario_text(path: str | Path) -> str:
    """The text of a scenario TOML file; :class:`InputError` when it cannot be read as one."""
    path = Path(path)
    if not path.exists():
        raise InputError(N_("no such file"), path=path)
    if path.is_dir():
        raise InputError(N_("is a directory, not a scenario file"), path=path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(N_("not a UTF-8 text file"), path=path) from None


def read_toml(text: str, *, source: str) -> dict[str, Any]:
    """Parse TOML text; :class:`InputError` naming ``source`` when it is malformed."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"malformed TOML: {error}", path=source) from None


def load_scenario_file(path: str | Path) -> Scenario:
    """Load a complete scenario TOML file (one that names no region: see :mod:`districtlab.presets`)."""
    return parse_scenario(read_scenario_text(path), source=str(path))


def dump_scenario(scenario: Scenario) -> str:
    """The TOML text of a scenario, every field written out."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    return tomli_w.dumps(data)


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write ``scenario`` as TOML to ``path`` (atomically)."""
    path = Path(path)
    write_atomically(path, dump_scenario(scenario))
    return path
