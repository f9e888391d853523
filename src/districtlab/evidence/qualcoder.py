"""Import QualCoder projects (a ``name.qda`` folder holding the SQLite file ``data.qda``).

QualCoder (https://github.com/ccbogel/QualCoder) keeps the coder of every
coding in ``code_text.owner``, which makes its projects a direct input for
inter-coder reliability. Tables read: ``code_cat`` (categories, imported as
non-codable parent codes), ``code_name``, ``source``, ``code_text``, ``cases``,
``case_text``, ``attribute_type`` and ``attribute``. Offsets ``pos0, pos1``
index the source's ``fulltext`` in code points, half-open, as in REFI-QDA.

The database is opened read-only and immutable: importing never changes it.
GUIDs are derived from QualCoder's integer ids (uuid5), so the same project
always gives the same GUIDs.
"""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path
from typing import Any

from districtlab.errors import InputError
from districtlab.evidence.project import QdaImportWarning, QdaProject, build_project, stable_guid

#: Tables without which a file is not a QualCoder project.
REQUIRED_TABLES = ("code_name", "source", "code_text")

#: Columns read from each table; a table that lacks one is refused in one line.
REQUIRED_COLUMNS = {
    "code_cat": ("catid", "name", "supercatid", "memo"),
    "code_name": ("cid", "name", "catid", "color", "memo"),
    "source": ("id", "name", "fulltext", "mediapath"),
    "code_text": ("ctid", "cid", "fid", "seltext", "pos0", "pos1", "owner", "date"),
    "cases": ("caseid", "name", "memo"),
    "case_text": ("caseid", "fid"),
}

#: QualCoder media folders -> REFI source kind. Other sources with text are text.
_MEDIA_KINDS = {"images": "picture", "audio": "audio", "video": "video"}

#: QualCoder attribute value types -> REFI variable types.
_VALUE_TYPES = {"numeric": "Float", "character": "Text"}


def database_path(path: str | Path) -> Path:
    """The ``data.qda`` file of a QualCoder project given as its folder or the file itself."""
    path = Path(path)
    if path.is_dir():
        path = path / "data.qda"
    if not path.is_file():
        raise FileNotFoundError(2, "no such file", str(path))
    return path


def read_qualcoder(path: str | Path) -> QdaProject:
    """Read a QualCoder project (its ``.qda`` folder or its ``data.qda`` file).

    Raises
    ------
    InputError
        If the file is not an SQLite database with QualCoder's tables.

    Warns
    -----
    QdaImportWarning
        When stored selected texts disagree with the source text at their
        offsets (the offsets are kept; the text is taken from the source).
    """
    database = database_path(path)
    name = database.parent.name.removesuffix(".qda") if database.name == "data.qda" else database.stem
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise InputError(f"cannot open the QualCoder database ({error})", path=database) from None
    try:
        connection.row_factory = sqlite3.Row
        return _read(connection, name, database)
    except sqlite3.DatabaseError as error:
        raise InputError(f"not a readable QualCoder database ({error})", path=database) from None
    finally:
        connection.close()


def _rows(connection: sqlite3.Connection, query: str, tables: set[str], table: str) -> list[sqlite3.Row]:
    return connection.execute(query).fetchall() if table in tables else []


def _read(connection: sqlite3.Connection, name: str, database: Path) -> QdaProject:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise InputError(f"not a QualCoder project: table(s) {', '.join(missing)} missing", path=database)
    for table, columns in REQUIRED_COLUMNS.items():
        if table not in tables:
            continue
        present = {row[1] for row in connection.execute(f"PRAGMA table_info('{table}')")}
        absent = [column for column in columns if column not in present]
        if absent:
            raise InputError(
                f"the QualCoder table {table!r} lacks the column(s) {', '.join(absent)}", path=database
            )

    def category_guid(catid: Any) -> str | None:
        return None if catid is None else stable_guid("qualcoder", "category", catid)

    codes = [
        {
            "guid": category_guid(row["catid"]),
            "name": row["name"],
            "parent_guid": category_guid(row["supercatid"]),
            "is_codable": False,
            "description": row["memo"] or None,
        }
        for row in _rows(connection, "SELECT * FROM code_cat ORDER BY catid", tables, "code_cat")
    ]
    codes += [
        {
            "guid": stable_guid("qualcoder", "code", row["cid"]),
            "name": row["name"],
            "parent_guid": category_guid(row["catid"]),
            "is_codable": True,
            "color": row["color"] or None,
            "description": row["memo"] or None,
        }
        for row in connection.execute("SELECT * FROM code_name ORDER BY cid")
    ]

    sources, texts = [], {}
    for row in connection.execute("SELECT id, name, fulltext, mediapath FROM source ORDER BY id"):
        guid = stable_guid("qualcoder", "source", row["id"])
        kind = _kind(row["mediapath"], row["fulltext"])
        has_text = kind == "text" and row["fulltext"] is not None
        sources.append(
            {
                "guid": guid,
                "name": row["name"],
                "kind": kind,
                "has_text": has_text,
                "text_missing": kind == "text" and not has_text,
                "path": row["mediapath"] or None,
            }
        )
        if has_text:
            texts[guid] = row["fulltext"]

    owners: dict[str, None] = {}
    segments, disagreements = [], 0
    query = "SELECT ctid, cid, fid, seltext, pos0, pos1, owner, date FROM code_text ORDER BY fid, pos0, ctid"
    for row in connection.execute(query):
        source_guid = stable_guid("qualcoder", "source", row["fid"])
        text = texts.get(source_guid)
        if row["pos0"] is None or row["pos1"] is None:
            continue  # a coding of an image or audio-visual region, not of text
        where = f"code_text row {row['ctid']}"
        start, end = (
            _offset(row["pos0"], "pos0", where, database),
            _offset(row["pos1"], "pos1", where, database),
        )
        if text is not None and row["seltext"] is not None and text[start:end] != row["seltext"]:
            disagreements += 1
        owner = row["owner"] or "unknown"
        owners[owner] = None
        segments.append(
            {
                "selection_guid": stable_guid("qualcoder", "selection", row["fid"], start, end),
                "source_guid": source_guid,
                "start": start,
                "end": end,
                "code_guid": stable_guid("qualcoder", "code", row["cid"]),
                "coding_guid": stable_guid("qualcoder", "coding", row["ctid"]),
                "coder_guid": stable_guid("qualcoder", "user", owner),
                "created": row["date"] or None,
                "text": row["seltext"],
            }
        )
    if disagreements:
        warnings.warn(
            f"{database}: {disagreements} coding(s) store a selected text that differs from the source at "
            "their offsets; offsets are kept and the text is taken from the source",
            QdaImportWarning,
            stacklevel=3,
        )

    cases = [
        {
            "guid": stable_guid("qualcoder", "case", row["caseid"]),
            "name": row["name"],
            "description": row["memo"] or None,
        }
        for row in _rows(connection, "SELECT caseid, name, memo FROM cases ORDER BY caseid", tables, "cases")
    ]
    case_sources = [
        {
            "case_guid": stable_guid("qualcoder", "case", row["caseid"]),
            "source_guid": stable_guid("qualcoder", "source", row["fid"]),
        }
        for row in _rows(
            connection,
            "SELECT DISTINCT caseid, fid FROM case_text ORDER BY caseid, fid",
            tables,
            "case_text",
        )
    ]
    variables, values = _attributes(connection, tables)
    return build_project(
        name=name,
        users=[{"guid": stable_guid("qualcoder", "user", owner), "name": owner} for owner in owners],
        codes=codes,
        sources=sources,
        segments=segments,
        cases=cases,
        case_sources=case_sources,
        variables=variables,
        variable_values=values,
        texts=texts,
        metadata={"origin": "QualCoder"},
        source=str(database),
    )


def _offset(value: Any, column: str, where: str, database: Path) -> int:
    """A text offset as an integer; anything else (text, a fraction) is refused in one line."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise InputError(f"{where}: {column} {value!r} is not a whole-number text offset", path=database)


def _kind(mediapath: str | None, fulltext: str | None) -> str:
    if mediapath:
        folder = mediapath.lstrip("/").split("/", 1)[0].split(":", 1)[0].lower()
        if folder in _MEDIA_KINDS:
            return _MEDIA_KINDS[folder]
        if fulltext is None and mediapath.lower().endswith(".pdf"):
            return "pdf"
    return "text"


def _attributes(
    connection: sqlite3.Connection, tables: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    owner_kinds = {"case": "case", "file": "source"}
    variables = [
        {
            "guid": stable_guid("qualcoder", "attribute", row["caseOrFile"], row["name"]),
            "name": row["name"],
            "type": _VALUE_TYPES.get((row["valuetype"] or "").lower(), "Text"),
            "description": row["memo"] or None,
        }
        for row in _rows(
            connection,
            "SELECT name, memo, caseOrFile, valuetype FROM attribute_type ORDER BY name",
            tables,
            "attribute_type",
        )
        if row["caseOrFile"] in owner_kinds
    ]
    known = {variable["guid"] for variable in variables}
    values = []
    for row in _rows(
        connection,
        "SELECT name, attr_type, value, id FROM attribute ORDER BY attrid",
        tables,
        "attribute",
    ):
        variable_guid = stable_guid("qualcoder", "attribute", row["attr_type"], row["name"])
        kind = owner_kinds.get(row["attr_type"])
        if kind is None or variable_guid not in known:
            continue
        owner_guid = stable_guid("qualcoder", kind, row["id"])
        values.append(
            {
                "owner_guid": owner_guid,
                "owner_kind": kind,
                "variable_guid": variable_guid,
                "value": row["value"],
            }
        )
    return variables, values
