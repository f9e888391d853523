"""Open any supported QDA file, recognising its format from its content."""

from __future__ import annotations

import zipfile
from pathlib import Path

from districtlab.errors import InputError
from districtlab.evidence import safety
from districtlab.evidence.project import QdaProject, build_project
from districtlab.evidence.qualcoder import read_qualcoder
from districtlab.evidence.refi import read_codebook, read_project
from districtlab.evidence.taguette import read_taguette

_SQLITE_MAGIC = b"SQLite format 3\x00"

#: What :func:`read_qda` accepts, for messages and help texts.
SUPPORTED_FORMATS = (
    "REFI-QDA project (.qdpx, .qde), REFI-QDA codebook (.qdc), Taguette highlights (.csv, .xlsx), "
    "QualCoder project (.qda folder or its data.qda)"
)


def read_qda(path: str | Path, *, offsets: str = "auto", validate: bool = False) -> QdaProject:
    """Read a REFI-QDA project or codebook, a Taguette export or a QualCoder project.

    ``offsets`` and ``validate`` are passed to
    :func:`~districtlab.evidence.refi.read_project` for REFI-QDA projects
    (``.qdpx``, ``.zip``, ``.qde``); other formats count in code points.

    The format is recognised from the content (zip, SQLite or XML), helped by
    the extension only to tell a Taguette spreadsheet from a ``.qdpx`` and a
    ``.qdc`` codebook from a ``.qde`` project.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    InputError
        If the file is none of the supported formats, or is unsafe or broken.
    """
    path = Path(path)
    if path.is_dir():
        if (path / "data.qda").is_file():
            return read_qualcoder(path)
        raise InputError(
            f"a folder that is not a QualCoder project (no data.qda); expected {SUPPORTED_FORMATS}",
            path=path,
        )
    with path.open("rb") as handle:
        head = handle.read(len(_SQLITE_MAGIC))
    suffix = path.suffix.lower()
    if head == _SQLITE_MAGIC:
        return read_qualcoder(path)
    if zipfile.is_zipfile(path):
        with safety.open_archive(path) as archive:
            is_spreadsheet = "[Content_Types].xml" in archive.namelist()
        if is_spreadsheet or suffix == ".xlsx":
            return read_taguette(path)
        return read_project(path, offsets=offsets, validate=validate)
    if suffix == ".csv":
        return read_taguette(path)
    if suffix == ".qdc":
        codes = read_codebook(path)
        return build_project(
            name=path.stem, codes=codes.drop(columns="path").to_dict("records"), source=str(path)
        )
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<") or suffix in (".qde", ".xml"):
        return read_project(path, offsets=offsets, validate=validate)
    raise InputError(f"unrecognised file; expected {SUPPORTED_FORMATS}", path=path)
