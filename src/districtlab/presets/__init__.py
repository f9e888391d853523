"""District presets shipped as package data (TOML with a source or an assumption for every number).

* ``castellon-ceramics``: Castellón ceramic tile district, ITC, ASCER;
* ``vinalopo-footwear``: Vinalopó footwear district (Elche, Elda), INESCOP;
* ``toy-valley``: Toy Valley (Ibi, Onil, Castalla), AIJU.

A preset may name its region (``region = "valencian-community"``): it then takes the region's
shared ``[behaviour]`` (its own keys replace the region's one by one) and, unless it gives them,
the generic programme's priorities, computed at load time as the mean relevance of the region's
districts (``presets/regions/<region>.toml``, or ``regions/<region>.toml`` in a user folder).

A further district is one scenario TOML file in a folder named by the ``DISTRICTLAB_PRESETS``
environment variable (several folders separated by ``os.pathsep``): its file name, without
``.toml``, is the preset's name everywhere presets are listed (``presets``, ``demo``, ``audit``,
``run``, the lab). A user file may not reuse a shipped preset's name.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.i18n.translate import N_
from districtlab.io.files import write_atomically
from districtlab.io.toml import read_scenario_text, read_toml, scenario_from_dict

_SUFFIX = ".toml"

#: The environment variable naming the user's preset folders.
PRESETS_VARIABLE = "DISTRICTLAB_PRESETS"

#: The folder of region files, in the package and in a user folder.
_REGIONS = "regions"

#: The shipped districts in the order the study names them (the demo's rows and seed streams
#: follow it; user presets come after, sorted by name).
STUDY_ORDER = ("castellon-ceramics", "vinalopo-footwear", "toy-valley")


def _shipped() -> tuple[str, ...]:
    files = resources.files(__package__).iterdir()
    return tuple(sorted(f.name[: -len(_SUFFIX)] for f in files if f.name.endswith(_SUFFIX)))


def _user_folders() -> list[Path]:
    folders = []
    for entry in os.environ.get(PRESETS_VARIABLE, "").split(os.pathsep):
        if not entry.strip():
            continue
        folder = Path(entry).expanduser()
        if not folder.is_dir():
            raise InputError(f"{PRESETS_VARIABLE} names {str(folder)!r}, which is not a folder")
        folders.append(folder)
    return folders


def user_preset_files() -> dict[str, Path]:
    """The user's presets: ``name -> file`` for every ``*.toml`` in the ``DISTRICTLAB_PRESETS`` folders.

    Raises :class:`~districtlab.errors.InputError` when a folder does not exist or a file takes the
    name of a shipped preset or of a file in an earlier folder.
    """
    found: dict[str, Path] = {}
    shipped = set(_shipped())
    for folder in _user_folders():
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
        raise InputError(
            N_("unknown preset {name} (known: {known})"), values={"name": repr(name), "known": known}
        )
    try:
        return user[name].read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the preset ({error.__class__.__name__})", path=user[name]) from None


def load_preset(name: str) -> Scenario:
    return parse_scenario_text(preset_text(name), source=f"preset {name}")


def parse_scenario_text(text: str, *, source: str = "<string>") -> Scenario:
    """A validated scenario from TOML text, composed with its region when it names one."""
    return scenario_from_dict(compose(read_toml(text, source=source), source=source), source=source)


def region_names() -> tuple[str, ...]:
    """The regions a preset may name (shipped, and in the user folders' ``regions/``)."""
    return tuple(sorted(_region_files()))


def _region_files() -> dict[str, Any]:
    files: dict[str, Any] = {}
    for entry in resources.files(__package__).joinpath(_REGIONS).iterdir():
        if entry.name.endswith(_SUFFIX):
            files[entry.name[: -len(_SUFFIX)]] = entry
    for folder in _user_folders():
        for path in sorted((folder / _REGIONS).glob("*" + _SUFFIX)):
            name = path.name[: -len(_SUFFIX)]
            if name in files:
                raise InputError(f"region {name!r} is defined twice (rename the file)", path=path)
            files[name] = path
    return files


def _region(name: object, source: str) -> dict[str, Any]:
    files = _region_files()
    if not isinstance(name, str) or name not in files:
        known = ", ".join(sorted(files))
        raise InputError(f"unknown region {name!r} (regions: {known})", path=source, field="region")
    data = read_toml(files[name].read_text(encoding="utf-8"), source=f"region {name}")
    districts = data.get("districts")
    digits = data.get("priority_digits", 4)
    if not isinstance(districts, list) or not districts or not all(isinstance(d, str) for d in districts):
        raise InputError(
            "districts: a non-empty list of preset names", path=f"region {name}", field="districts"
        )
    if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 15:
        raise InputError("priority_digits: an integer from 0 to 15", path=f"region {name}")
    return data


def regional_priorities(region: dict[str, Any], source: str) -> dict[str, float]:
    """The generic programme's priorities: each technology's mean relevance over the region's districts."""
    relevance: dict[str, list[float]] = {}
    for district in region["districts"]:
        if district not in list_presets():
            raise InputError(
                f"the region lists {district!r}, which is not a preset", path=source, field="region"
            )
        member = read_toml(preset_text(district), source=f"preset {district}")
        for technology in member.get("technologies", []):
            if isinstance(technology, dict) and "name" in technology and "relevance" in technology:
                relevance.setdefault(str(technology["name"]), []).append(float(technology["relevance"]))
    digits = int(region.get("priority_digits", 4))
    return {name: round(sum(values) / len(values), digits) for name, values in relevance.items()}


def compose(data: dict[str, Any], *, source: str) -> dict[str, Any]:
    """The scenario ``data`` with what it takes from its region (unchanged when it names none)."""
    if "region" not in data:
        return data
    composed = dict(data)
    region = _region(composed.pop("region"), source)
    own = composed.get("behaviour", {})
    if not isinstance(own, dict):
        raise InputError("behaviour: a table", path=source, field="behaviour")
    composed["behaviour"] = {**region.get("behaviour", {}), **own}
    programmes = composed.get("programmes")
    generic = programmes.get("generic") if isinstance(programmes, dict) else None
    if (
        isinstance(generic, dict)
        and generic.get("kind", "generic") == "generic"
        and "priorities" not in generic
    ):
        assert isinstance(programmes, dict)
        programmes = dict(programmes)
        programmes["generic"] = {**generic, "priorities": regional_priorities(region, source)}
        composed["programmes"] = programmes
    return composed


def load_scenario(preset_name_or_path: str | Path) -> Scenario:
    """Load a preset by name, or a scenario TOML file by path.

    A string that names a preset loads the preset; anything else is read as a path.
    """
    if isinstance(preset_name_or_path, str) and preset_name_or_path in list_presets():
        return load_preset(preset_name_or_path)
    path = Path(preset_name_or_path)
    if not path.exists() and path.suffix != _SUFFIX and isinstance(preset_name_or_path, str):
        known = ", ".join(list_presets())
        raise InputError(
            N_("unknown preset {name} and no such file (presets: {known})"),
            values={"name": repr(preset_name_or_path), "known": known},
        )
    return parse_scenario_text(read_scenario_text(path), source=str(path))


def export_preset(name: str, path: str | Path) -> Path:
    """Write a preset as an editable TOML file, with its source comments."""
    path = Path(path)
    write_atomically(path, preset_text(name))
    return path
