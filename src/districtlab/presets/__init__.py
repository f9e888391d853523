"""District presets shipped as package data (TOML with a source or an assumption for every number).

* ``castellon-ceramics``: Castellón ceramic tile district, ITC, ASCER;
* ``vinalopo-footwear``: Vinalopó footwear district (Elche, Elda), INESCOP;
* ``toy-valley``: Toy Valley (Ibi, Onil, Castalla), AIJU.

A further district is one scenario TOML file in a folder named by the ``DISTRICTLAB_PRESETS``
environment variable (several folders separated by ``os.pathsep``): its file name, without
``.toml``, is the preset's name everywhere presets are listed (``presets``, ``demo``, ``audit``,
``run``, the lab). A user file may not reuse a shipped preset's name.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.io.files import write_atomically
from districtlab.io.toml import load_scenario_file, parse_scenario

_SUFFIX = ".toml"

#: The environment variable naming the user's preset folders.
PRESETS_VARIABLE = "DISTRICTLAB_PRESETS"

#: The shipped districts in the order the study names them (the demo's rows and seed streams
#: follow it; user presets come after, sorted by name).
STUDY_ORDER = ("castellon-ceramics", "vinalopo-footwear", "toy-valley")


def _shipped() -> tuple[str, ...]:
    files = resources.files(__package__).iterdir()
    return tuple(sorted(f.name[: -len(_SUFFIX)] for f in files if f.name.endswith(_SUFFIX)))


def user_preset_files() -> dict[str, Path]:
    """The user's presets: ``name -> file`` for every ``*.toml`` in the ``DISTRICTLAB_PRESETS`` folders.

    Raises :class:`~districtlab.errors.InputError` when a folder does not exist or a file takes the
    name of a shipped preset or of a file in an earlier folder.
    """
    found: dict[str, Path] = {}
    shipped = set(_shipped())
    for entry in os.environ.get(PRESETS_VARIABLE, "").split(os.pathsep):
        if not entry.strip():
            continue
        folder = Path(entry).expanduser()
        if not folder.is_dir():
            raise InputError(f"{PRESETS_VARIABLE} names {str(folder)!r}, which is not a folder")
        for path in sorted(folder.glob("*" + _SUFFIX)):
            name = path.name[: -len(_SUFFIX)]
            if name in shipped or name in found:
                raise InputError(
                    f"preset {name!r} is defined twice (rename the file)", path=path, field=PRESETS_VARIABLE
                )
            found[name] = path
    return found


def list_presets() -> tuple[str, ...]:
    """Names of the presets (shipped and the user's, see ``DISTRICTLAB_PRESETS``), sorted."""
    return tuple(sorted((*_shipped(), *user_preset_files())))


def districts() -> tuple[str, ...]:
    """Every preset, the shipped ones in :data:`STUDY_ORDER` first, then the others by name."""
    known = list_presets()
    return tuple(name for name in STUDY_ORDER if name in known) + tuple(
        name for name in known if name not in STUDY_ORDER
    )


def preset_text(name: str) -> str:
    """The TOML text of a preset, comments included."""
    if name in _shipped():
        return resources.files(__package__).joinpath(name + _SUFFIX).read_text(encoding="utf-8")
    user = user_preset_files()
    if name not in user:
        known = ", ".join(list_presets())
        raise InputError(f"unknown preset {name!r} (known: {known})")
    try:
        return user[name].read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the preset ({error.__class__.__name__})", path=user[name]) from None


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
