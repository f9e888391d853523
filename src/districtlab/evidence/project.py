"""The in-memory form of a coded qualitative project: tidy tables and source texts.

Every importer (REFI-QDA, Taguette, QualCoder) produces a :class:`QdaProject`,
and every analysis (cross-case matrices, co-occurrence, reliability) reads one.
Tables are pandas DataFrames with fixed columns and dtypes, so that a project
read, written and read again compares equal column by column.

Offsets are Unicode code points into the source text, half-open ``[start, end)``,
exactly as Python indexes a ``str``: ``text[start:end]`` is the coded passage.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from districtlab.errors import InputError

#: Separator between code names in a code's ``path`` ("Barriers / Cost").
PATH_SEPARATOR = " / "

#: Namespace of the GUIDs districtlab derives (codebook codes, imported Taguette
#: and QualCoder items), so that the same input always gets the same GUIDs.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/districtlab/districtlab")

#: Kinds of source the REFI-QDA standard knows; only ``text`` carries codable text.
SOURCE_KINDS = ("text", "pdf", "picture", "audio", "video")

USER_COLUMNS = {"guid": "string", "name": "string", "id": "string"}
CODE_COLUMNS = {
    "guid": "string",
    "name": "string",
    "parent_guid": "string",
    "path": "string",
    "is_codable": "bool",
    "color": "string",
    "description": "string",
}
SOURCE_COLUMNS = {
    "guid": "string",
    "name": "string",
    "kind": "string",
    "has_text": "bool",
    "text_missing": "bool",
    "path": "string",
    "description": "string",
}
SEGMENT_COLUMNS = {
    "selection_guid": "string",
    "source_guid": "string",
    "source_name": "string",
    "start": "Int64",
    "end": "Int64",
    "text": "string",
    "code_guid": "string",
    "code_name": "string",
    "coding_guid": "string",
    "coder": "string",
    "coder_guid": "string",
    "created": "string",
    "text_missing": "bool",
}
CASE_COLUMNS = {"guid": "string", "name": "string", "description": "string"}
CASE_SOURCE_COLUMNS = {"case_guid": "string", "source_guid": "string"}
VARIABLE_COLUMNS = {"guid": "string", "name": "string", "type": "string", "description": "string"}
VARIABLE_VALUE_COLUMNS = {
    "owner_guid": "string",
    "owner_kind": "string",
    "variable_guid": "string",
    "value": "string",
}

#: The fields of a segment that an importer supplies; the rest are derived.
SEGMENT_INPUT_FIELDS = (
    "selection_guid",
    "source_guid",
    "start",
    "end",
    "code_guid",
    "coding_guid",
    "coder_guid",
    "created",
)


def stable_guid(*parts: object) -> str:
    """A GUID derived from ``parts`` (uuid5): the same parts always give the same GUID."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(str(part) for part in parts)))


class QdaImportWarning(UserWarning):
    """Something in an imported project was kept but may not mean what it seems."""


def typed_frame(records: Iterable[Mapping[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` (name -> dtype), missing values as NA."""
    frame = pd.DataFrame.from_records(list(records), columns=list(columns))
    frame = frame.astype(dict.fromkeys(columns, "object"))
    frame = frame.where(frame.notna(), None)
    return frame.astype(dict(columns)).reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class QdaProject:
    """A coded qualitative project as tidy tables.

    Attributes
    ----------
    name : str
        Project name.
    users : DataFrame
        ``guid, name, id``: the people (coders) and tools that made codings.
    codes : DataFrame
        ``guid, name, parent_guid, path, is_codable, color, description``, in
        codebook order (parents before children). ``path`` joins the names from
        the root with ``" / "``.
    sources : DataFrame
        ``guid, name, kind, has_text, text_missing, path, description``. ``kind``
        is one of ``text, pdf, picture, audio, video``; only text sources have
        codable text. ``text_missing`` flags a text source whose file was not
        found: its codings are kept without their text.
    segments : DataFrame
        One row per coding of a text selection: ``selection_guid, source_guid,
        source_name, start, end, text, code_guid, code_name, coding_guid, coder,
        coder_guid, created, text_missing``. A selection that carries no coding
        has one row with missing code fields. ``coder`` is the user's name when
        known, otherwise the user GUID.
    cases : DataFrame
        ``guid, name, description``.
    case_sources : DataFrame
        ``case_guid, source_guid``: which sources belong to which case.
    variables : DataFrame
        ``guid, name, type, description``; ``type`` is a REFI type (Text,
        Boolean, Integer, Float, Date, DateTime).
    variable_values : DataFrame
        ``owner_guid, owner_kind, variable_guid, value``: values of variables
        for cases (``owner_kind == "case"``) or sources (``"source"``), kept as
        the text written in the file.
    texts : Mapping[str, str]
        Source GUID -> full plain text, for the text sources whose text is known.
    metadata : Mapping[str, str]
        Other project attributes (``origin``, ``creationDateTime``, ``description``, ...).
    """

    name: str
    users: pd.DataFrame
    codes: pd.DataFrame
    sources: pd.DataFrame
    segments: pd.DataFrame
    cases: pd.DataFrame
    case_sources: pd.DataFrame
    variables: pd.DataFrame
    variable_values: pd.DataFrame
    texts: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)

    def text(self, source_guid: str) -> str | None:
        """The plain text of a source, or None when it has none or it is missing."""
        return self.texts.get(source_guid)

    def counts(self) -> dict[str, int]:
        """How many users, codes, sources, segments, cases and variables the project holds."""
        return {
            "users": len(self.users),
            "codes": len(self.codes),
            "sources": len(self.sources),
            "text sources": int(self.sources["has_text"].sum()),
            "sources with missing text": int(self.sources["text_missing"].sum()),
            "coded segments": int(self.segments["code_guid"].notna().sum()),
            "coders": int(self.segments["coder"].nunique()),
            "cases": len(self.cases),
            "variables": len(self.variables),
        }

    def coded_segments(self) -> pd.DataFrame:
        """Segments that carry a code, with the code's ``path`` added."""
        coded = self.segments[self.segments["code_guid"].notna()]
        paths = self.codes.set_index("guid")["path"]
        return coded.assign(code_path=coded["code_guid"].map(paths).astype("string")).reset_index(drop=True)


def code_paths(codes: pd.DataFrame, *, source: str | None = None) -> pd.Series:
    """The path of every code (names from the root joined by :data:`PATH_SEPARATOR`).

    Raises
    ------
    InputError
        If parents form a cycle or a parent GUID names no code.
    """
    names = dict(zip(codes["guid"], codes["name"], strict=True))
    parents = dict(zip(codes["guid"], codes["parent_guid"], strict=True))
    paths: dict[str, str] = {}
    for guid in codes["guid"]:
        chain: list[str] = []
        seen: set[str] = set()
        current: Any = guid
        while current is not None and not pd.isna(current):
            if current in seen:
                raise InputError(f"code {names[guid]!r} is its own ancestor", path=source, field="codes")
            if current not in names:
                raise InputError(
                    f"code {names[guid]!r} has a parent {current!r} that is not a code",
                    path=source,
                    field="codes",
                )
            seen.add(current)
            chain.append(names[current])
            current = parents[current]
        paths[guid] = PATH_SEPARATOR.join(reversed(chain))
    return pd.Series([paths[guid] for guid in codes["guid"]], index=codes.index, dtype="string")


def build_project(
    *,
    name: str,
    users: Iterable[Mapping[str, Any]] = (),
    codes: Iterable[Mapping[str, Any]] = (),
    sources: Iterable[Mapping[str, Any]] = (),
    segments: Iterable[Mapping[str, Any]] = (),
    cases: Iterable[Mapping[str, Any]] = (),
    case_sources: Iterable[Mapping[str, Any]] = (),
    variables: Iterable[Mapping[str, Any]] = (),
    variable_values: Iterable[Mapping[str, Any]] = (),
    texts: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    source: str | None = None,
) -> QdaProject:
    """Assemble a :class:`QdaProject` from plain records, deriving what follows from them.

    Importers pass what their format holds; this function derives code paths,
    each segment's source and code names, its coder name, its text (from the
    source text, or the ``text`` given in the record when the format has no
    full text, as in Taguette) and its ``text_missing`` flag.

    Parameters
    ----------
    source : str, optional
        The file the records came from, named in error messages.
    """
    texts = dict(texts or {})
    code_frame = typed_frame(({**record, "path": None} for record in codes), CODE_COLUMNS)
    code_frame["path"] = code_paths(code_frame, source=source)
    source_frame = typed_frame(sources, SOURCE_COLUMNS)
    user_frame = typed_frame(users, USER_COLUMNS)

    source_names = dict(zip(source_frame["guid"], source_frame["name"], strict=True))
    source_missing = dict(zip(source_frame["guid"], source_frame["text_missing"], strict=True))
    code_names = dict(zip(code_frame["guid"], code_frame["name"], strict=True))
    user_names = {
        guid: user_name
        for guid, user_name in zip(user_frame["guid"], user_frame["name"], strict=True)
        if not pd.isna(user_name)
    }
    rows = []
    for record in segments:
        row = {key: record.get(key) for key in SEGMENT_INPUT_FIELDS}
        source_guid = row["source_guid"]
        if source_guid not in source_names:
            raise InputError(f"a selection refers to the unknown source {source_guid!r}", path=source)
        full_text = texts.get(str(source_guid))
        start, end = row["start"], row["end"]
        if full_text is not None and start is not None and end is not None:
            row["text"] = full_text[start:end]
        else:
            row["text"] = record.get("text")
        row["source_name"] = source_names[source_guid]
        row["code_name"] = code_names.get(row["code_guid"]) if row["code_guid"] is not None else None
        coder_guid = row["coder_guid"]
        row["coder"] = None if coder_guid is None else user_names.get(coder_guid, coder_guid)
        row["text_missing"] = bool(source_missing[source_guid])
        rows.append(row)

    case_frame = typed_frame(cases, CASE_COLUMNS)
    source_order = _positions(source_frame["guid"])
    case_order = _positions(case_frame["guid"])
    segment_frame = typed_frame(rows, SEGMENT_COLUMNS)
    selection_order = _positions(segment_frame["selection_guid"])
    value_frame = typed_frame(variable_values, VARIABLE_VALUE_COLUMNS)
    owner_order = value_frame["owner_guid"].map(
        lambda guid: (0, case_order[guid]) if guid in case_order else (1, source_order.get(guid, -1))
    )
    membership = typed_frame(case_sources, CASE_SOURCE_COLUMNS)
    # Rows in the order a REFI-QDA file holds them (by source, case or owner), so that a
    # written and re-read project compares equal whatever order the records came in.
    return QdaProject(
        name=name,
        users=user_frame,
        codes=code_frame,
        sources=source_frame,
        segments=_stable_sort(
            segment_frame,
            list(
                zip(
                    segment_frame["source_guid"].map(source_order),
                    segment_frame["selection_guid"].map(selection_order),
                    strict=True,
                )
            ),
        ),
        cases=case_frame,
        case_sources=_stable_sort(membership, list(membership["case_guid"].map(case_order))),
        variables=typed_frame(variables, VARIABLE_COLUMNS),
        variable_values=_stable_sort(value_frame, list(owner_order)),
        texts=texts,
        metadata=dict(metadata or {}),
    )


def _positions(values: pd.Series) -> dict[Any, int]:
    """First position of every distinct value."""
    positions: dict[Any, int] = {}
    for position, value in enumerate(values):
        positions.setdefault(value, position)
    return positions


def _stable_sort(frame: pd.DataFrame, keys: list[Any]) -> pd.DataFrame:
    order = sorted(range(len(frame)), key=lambda row: keys[row])
    return frame.iloc[order].reset_index(drop=True)
