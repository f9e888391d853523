"""Import Taguette highlight exports (CSV or XLSX).

Taguette (https://www.taguette.org) exports highlights as a table with one row
per highlight and tag: ``id, document, tag, content`` (Taguette 1.x), with
``tag_parent``, ``tag_full_path`` and ``tag_description`` added by later
versions. The export carries the highlighted text but not the documents' full
text nor offsets, so the project it gives has text-less sources and segments
whose ``start`` and ``end`` are missing; a highlight with several tags becomes
several segments sharing one ``selection_guid``, which is what cross-case
co-occurrence needs.

Tags are kept as flat codes (Taguette's dots are part of a tag's name, not a
hierarchy), with a parent only where the export names one in ``tag_parent``.
"""

from __future__ import annotations

import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pandas as pd

from districtlab.errors import InputError
from districtlab.evidence import safety
from districtlab.evidence.project import QdaProject, build_project, stable_guid

#: The columns every Taguette highlight export has.
REQUIRED_COLUMNS = ("id", "document", "tag", "content")


def read_taguette(path: str | Path) -> QdaProject:
    """Read a Taguette highlights export (``.csv`` or ``.xlsx``) into a project.

    Raises
    ------
    InputError
        If the file lacks one of the columns ``id, document, tag, content``.
    """
    path = Path(path)
    table = _read_table(path)
    table.columns = [str(column).strip().lower() for column in table.columns]
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise InputError(
            f"not a Taguette highlights export: missing column(s) {', '.join(missing)} "
            f"(expected {', '.join(REQUIRED_COLUMNS)})",
            path=path,
        )
    table = table.fillna("").astype(str)

    codes: dict[str, dict[str, Any]] = {}
    named_only_as_parent: set[str] = set()
    for row in table.itertuples(index=False):
        tag = row.tag.strip()
        parent = str(getattr(row, "tag_parent", "")).strip()
        if parent and parent not in codes:
            codes[parent] = _code(parent, parent=None, description=None)
            named_only_as_parent.add(parent)
        if tag and (tag not in codes or tag in named_only_as_parent):
            description = str(getattr(row, "tag_description", "")).strip() or None
            codes[tag] = _code(tag, parent=parent or None, description=description)
            named_only_as_parent.discard(tag)
    documents = list(dict.fromkeys(table["document"]))
    segments = [
        {
            "selection_guid": stable_guid("taguette", "highlight", row.id),
            "source_guid": stable_guid("taguette", "document", row.document),
            "code_guid": codes[row.tag.strip()]["guid"] if row.tag.strip() else None,
            "coding_guid": stable_guid("taguette", "highlight", row.id, row.tag.strip())
            if row.tag.strip()
            else None,
            "text": row.content,
        }
        for row in table.itertuples(index=False)
    ]
    return build_project(
        name=path.stem,
        codes=list(codes.values()),
        sources=[
            {
                "guid": stable_guid("taguette", "document", document),
                "name": document,
                "kind": "text",
                "has_text": False,
                "text_missing": False,
            }
            for document in documents
        ],
        segments=segments,
        metadata={"origin": "Taguette highlights export"},
        source=str(path),
    )


def _code(tag: str, *, parent: str | None, description: str | None) -> dict[str, Any]:
    return {
        "guid": stable_guid("taguette", "tag", tag),
        "name": tag,
        "parent_guid": None if parent is None else stable_guid("taguette", "tag", parent),
        "is_codable": True,
        "description": description,
    }


def _read_table(path: Path) -> pd.DataFrame:
    if zipfile.is_zipfile(path):
        # An .xlsx is a zip of XML: check it like any archive before openpyxl opens it.
        with safety.open_archive(path):
            pass
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
                return pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl")
        except (ValueError, KeyError, OSError, zipfile.BadZipFile, zlib.error) as error:
            raise InputError(f"cannot read the spreadsheet ({error})", path=path) from None
        except Exception as error:  # openpyxl parsing a hostile file may raise anything
            reason = " ".join(str(error).split()) or "malformed"
            raise InputError(
                f"not a readable spreadsheet ({type(error).__name__}: {reason})", path=path
            ) from None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"cannot read the CSV file ({message})", path=path) from None
