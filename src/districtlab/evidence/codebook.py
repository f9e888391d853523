"""The study's codebook, shipped as package data in YAML (the source) and REFI-QDA ``.qdc``.

``data/districtlab-codebook.yaml`` is written by hand; ``data/districtlab-codebook.qdc``
is generated from it (``python -m districtlab.evidence.codebook``, which needs
PyYAML) and can be imported into any QDA tool that reads REFI-QDA codebooks.
A test checks that the shipped ``.qdc`` is exactly what the YAML generates.

A code's GUID is a uuid5 of its path of names, so it stays the same from one
release to the next unless the code is renamed or moved; a YAML ``guid`` key
pins it across such changes.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from districtlab.errors import InputError
from districtlab.evidence.project import (
    CODE_COLUMNS,
    PATH_SEPARATOR,
    code_paths,
    stable_guid,
    typed_frame,
)

#: File names of the shipped codebook inside ``districtlab.evidence.data``.
CODEBOOK_FILES = {"yaml": "districtlab-codebook.yaml", "qdc": "districtlab-codebook.qdc"}

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_CODE_KEYS = frozenset({"name", "description", "color", "codable", "guid", "codes"})


def codebook_frame(spec: Mapping[str, Any], *, source: str | None = None) -> pd.DataFrame:
    """The codes table (as :attr:`QdaProject.codes`) of a codebook given as a parsed YAML mapping.

    Parameters
    ----------
    spec : Mapping
        A mapping with a ``codes`` list; each code has ``name`` and optionally
        ``description``, ``color``, ``codable``, ``guid`` and ``codes``.
    source : str, optional
        File named in error messages.

    Raises
    ------
    InputError
        For a code without a name, an unknown key, a bad colour, or two
        siblings with the same name.
    """
    if not isinstance(spec, Mapping) or not isinstance(spec.get("codes"), Sequence):
        raise InputError("a codebook needs a 'codes' list", path=source, field="codes")
    records = list(_records(spec["codes"], parent_path=(), parent_guid=None, source=source))
    frame = typed_frame(({**record, "path": None} for record in records), CODE_COLUMNS)
    frame["path"] = code_paths(frame, source=source)
    return frame


def _records(
    codes: Sequence[Any],
    *,
    parent_path: tuple[str, ...],
    parent_guid: str | None,
    source: str | None,
) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for position, code in enumerate(codes):
        where = PATH_SEPARATOR.join((*parent_path, f"#{position + 1}"))
        if not isinstance(code, Mapping) or not isinstance(code.get("name"), str) or not code["name"].strip():
            raise InputError("every code needs a non-empty 'name'", path=source, field=where)
        name = code["name"].strip()
        path = (*parent_path, name)
        field = PATH_SEPARATOR.join(path)
        unknown = set(code) - _CODE_KEYS
        if unknown:
            raise InputError(f"unknown key(s) {', '.join(sorted(unknown))}", path=source, field=field)
        if name in seen:
            raise InputError("two sibling codes have this name", path=source, field=field)
        seen.add(name)
        color = code.get("color")
        if color is not None and not _COLOR.match(str(color)):
            raise InputError(f"color {color!r} is not #RRGGBB", path=source, field=field)
        codable = code.get("codable", True)
        if not isinstance(codable, bool):
            raise InputError("'codable' must be true or false", path=source, field=field)
        guid = str(code.get("guid") or stable_guid("codebook", *path))
        description = code.get("description")
        yield {
            "guid": guid,
            "name": name,
            "parent_guid": parent_guid,
            "is_codable": codable,
            "color": None if color is None else str(color).upper(),
            "description": None if description is None else " ".join(str(description).split()),
        }
        yield from _records(code.get("codes") or [], parent_path=path, parent_guid=guid, source=source)


def study_codebook_file(kind: str = "qdc") -> Path:
    """Path of the shipped codebook, ``kind`` = ``"qdc"`` (REFI-QDA) or ``"yaml"``."""
    if kind not in CODEBOOK_FILES:
        raise InputError(f"unknown codebook format {kind!r}; choose {' or '.join(CODEBOOK_FILES)}")
    return Path(str(resources.files("districtlab.evidence").joinpath("data").joinpath(CODEBOOK_FILES[kind])))


def study_codebook() -> pd.DataFrame:
    """The study's codes, read from the shipped ``.qdc`` with the REFI-QDA reader."""
    from districtlab.evidence.refi import read_codebook

    return read_codebook(study_codebook_file("qdc"))


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the shipped ``.qdc`` from the YAML (a maintainer's step; needs PyYAML)."""
    try:
        import yaml
    except ImportError:
        print(
            "regenerating the codebook needs PyYAML: pip install 'districtlab[test]'",
            file=sys.stderr,
        )
        return 1
    from districtlab.evidence.refi import write_codebook

    source = study_codebook_file("yaml")
    spec = yaml.safe_load(source.read_text(encoding="utf-8"))
    target = write_codebook(codebook_frame(spec, source=str(source)), study_codebook_file("qdc"))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
