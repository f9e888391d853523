"""District presets shipped as package data (TOML with a source or an assumption for every number).

* ``castellon-ceramics``: Castellón ceramic tile district, ITC, ASCER;
* ``vinalopo-footwear``: Vinalopó footwear district (Elche, Elda), INESCOP;
* ``toy-valley``: Toy Valley (Ibi, Onil, Castalla), AIJU.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.io.files import write_atomically
from districtlab.io.toml import load_scenario_file, parse_scenario

_SUFFIX = ".toml"


def list_presets() -> tuple[str, ...]:
    """Names of the shipped presets, sorted."""
    files = resources.files(__package__).iterdir()
    return tuple(sorted(f.name[: -len(_SUFFIX)] for f in files if f.name.endswith(_SUFFIX)))


def preset_text(name: str) -> str:
    """The TOML text of a preset, comments included."""
    if name not in list_presets():
        known = ", ".join(list_presets())
        raise InputError(f"unknown preset {name!r} (known: {known})")
    return resources.files(__package__).joinpath(name + _SUFFIX).read_text(encoding="utf-8")


def load_preset(name: str) -> Scenario:
    return parse_scenario(preset_text(name), source=f"preset {name}")


def load_scenario(preset_name_or_path: str | Path) -> Scenario:
    """Load a preset by name, or a scenario TOML file by path.

    A string that names a preset loads the preset; anything else is read as a path.
    """
    if isinstance(preset_name_or_path, str) and preset_name_or_path in list_presets():
        return load_preset(preset_name_or_path)
    path = Path(preset_name_or_path)
    if not path.exists() and path.suffix != _SUFFIX and isinstance(preset_name_or_path, str):
        known = ", ".join(list_presets())
        raise InputError(f"unknown preset {preset_name_or_path!r} and no such file (presets: {known})")
    return load_scenario_file(path)


def export_preset(name: str, path: str | Path) -> Path:
    """Write a preset as an editable TOML file, with its source comments."""
    path = Path(path)
    write_atomically(path, preset_text(name))
    return path
