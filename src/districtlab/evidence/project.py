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
    "description": "string",
}
CASE_COLUMNS = {"guid": "string", "name": "string", "description": "string"}
CASE_SOURCE_COLUMNS = {"case_guid": "string", "source_guid": "string"}
VARIABLE_COLUMNS = {"guid": "string", "name": "string", "type": "string", "description": "string"}
NOTE_COLUMNS = {
    "guid": "string",
    "name": "string",
    "text": "string",
    "description": "string",
    "creating_user": "string",
    "created": "string",
}
#: One row per member of a set; a set without members has one row with no member.
SET_COLUMNS = {
    "guid": "string",
    "name": "string",
    "description": "string",
    "member_kind": "string",
    "member_guid": "string",
}
LINK_COLUMNS = {
    "guid": "string",
    "name": "string",
    "direction": "string",
    "origin_guid": "string",
    "target_guid": "string",
    "color": "string",
}
#: One row per coding of a PDF or picture region (a region with no coding has one row
#: with missing code fields). Coordinates as the file gives them; ``page`` only for PDFs.
REGION_COLUMNS = {
    "selection_guid": "string",
    "source_guid": "string",
    "source_name": "string",
    "kind": "string",
    "page": "Int64",
    "first_x": "Int64",
    "first_y": "Int64",
    "second_x": "Int64",
    "second_y": "Int64",
    "code_guid": "string",
    "code_name": "string",
    "coding_guid": "string",
    "coder_guid": "string",
    "description": "string",
}
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
    "description",
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
        has one row with missing code fields (an ATLAS.ti "free quotation"),
        keeping its ``description``. ``coder`` is the user's name when known,
        otherwise the user GUID.
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
    notes : DataFrame
        ``guid, name, text, description, creating_user, created``: memos and notes.
    sets : DataFrame
        ``guid, name, description, member_kind, member_guid``: one row per member
        (``member_kind`` is ``code``, ``source`` or ``note``).
    links : DataFrame
        ``guid, name, direction, origin_guid, target_guid, color``: links between
        any two project objects.
    regions : DataFrame
        Codings of PDF and picture regions (:data:`REGION_COLUMNS`), which have
        no text offsets and so are kept apart from ``segments``.
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
    notes: pd.DataFrame = field(default_factory=lambda: typed_frame([], NOTE_COLUMNS))
    sets: pd.DataFrame = field(default_factory=lambda: typed_frame([], SET_COLUMNS))
    links: pd.DataFrame = field(default_factory=lambda: typed_frame([], LINK_COLUMNS))
    regions: pd.DataFrame = field(default_factory=lambda: typed_frame([], REGION_COLUMNS))

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
    notes: Iterable[Mapping[str, Any]] = (),
    sets: Iterable[Mapping[str, Any]] = (),
    links: Iterable[Mapping[str, Any]] = (),
    regions: Iterable[Mapping[str, Any]] = (),
    source: str | None = None,
    past_end: str = "error",
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
    past_end : {"error", "clip"}
        What a selection ending past the end of its source text does: refuse the
        project (the default), or keep it with its text cut at the end (the
        REFI-QDA reader, which warns, because vendors' line-ending conversions
        cause it).

    Raises
    ------
    InputError
        When the records do not hold together (:func:`check_integrity`): a
        repeated source, code, case or variable GUID, a reference to something
        the project lacks, or offsets outside the text or running backwards.
    """
    texts = dict(texts or {})
    code_frame = typed_frame(({**record, "path": None} for record in codes), CODE_COLUMNS)
    require_unique(code_frame["guid"], "code", source)
    code_frame["path"] = code_paths(code_frame, source=source)
    source_frame = typed_frame(sources, SOURCE_COLUMNS)
    require_unique(source_frame["guid"], "source", source)
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
        _check_offsets(
            start, end, full_text, past_end, row["selection_guid"], source_names[source_guid], source
        )
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
    require_unique(case_frame["guid"], "case", source)
    variable_frame = typed_frame(variables, VARIABLE_COLUMNS)
    require_unique(variable_frame["guid"], "variable", source)
    source_order = _positions(source_frame["guid"])
    case_order = _positions(case_frame["guid"])
    segment_frame = typed_frame(rows, SEGMENT_COLUMNS)
    selection_order = _positions(segment_frame["selection_guid"])
    value_frame = typed_frame(variable_values, VARIABLE_VALUE_COLUMNS)
    owner_order = value_frame["owner_guid"].map(
        lambda guid: (0, case_order[guid]) if guid in case_order else (1, source_order.get(guid, -1))
    )
    membership = typed_frame(case_sources, CASE_SOURCE_COLUMNS)
    _require_known(
        membership["case_guid"], case_order, "a case membership refers to the unknown case", source
    )
    _require_known(membership["source_guid"], source_order, "a case refers to the missing source", source)
    _require_known(
        value_frame["variable_guid"],
        _positions(variable_frame["guid"]),
        "a variable value refers to the unknown variable",
        source,
    )
    region_rows = []
    for record in regions:
        row = {key: record.get(key) for key in REGION_COLUMNS}
        if row["source_guid"] not in source_names:
            raise InputError(f"a region refers to the unknown source {row['source_guid']!r}", path=source)
        row["source_name"] = source_names[row["source_guid"]]
        row["code_name"] = code_names.get(row["code_guid"]) if row["code_guid"] is not None else None
        region_rows.append(row)
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
        variables=variable_frame,
        variable_values=_stable_sort(value_frame, list(owner_order)),
        texts=texts,
        metadata=dict(metadata or {}),
        notes=typed_frame(notes, NOTE_COLUMNS),
        sets=typed_frame(sets, SET_COLUMNS),
        links=typed_frame(links, LINK_COLUMNS),
        regions=typed_frame(region_rows, REGION_COLUMNS),
    )


def require_unique(guids: pd.Series, what: str, source: str | None) -> None:
    """Refuse a repeated GUID: later records would silently take over the first one's codings."""
    repeated = guids[guids.notna() & guids.duplicated()]
    if len(repeated):
        raise InputError(
            f"{len(repeated)} {what} GUID(s) appear more than once (first: {repeated.iloc[0]!r}); "
            f"each {what} needs its own GUID",
            path=source,
        )


def _require_known(values: pd.Series, known: Mapping[Any, int], problem: str, source: str | None) -> None:
    unknown = [value for value in values if value is not None and not pd.isna(value) and value not in known]
    if unknown:
        raise InputError(f"{problem} {unknown[0]!r}", path=source)


def _check_offsets(
    start: Any,
    end: Any,
    text: str | None,
    past_end: str,
    selection: Any,
    source_name: Any,
    source: str | None,
) -> None:
    """Offsets must be whole, start at 0 or later, not run backwards, and stay inside the text."""
    if start is None or end is None:
        return
    where = f"selection {selection!r} in {source_name!r}"
    if start < 0 or end < start:
        raise InputError(
            f"{where}: the offsets [{start}, {end}) run backwards or start before 0", path=source
        )
    if text is not None and end > len(text) and past_end == "error":
        raise InputError(
            f"{where}: the offsets [{start}, {end}) end past the end of the text ({len(text)} characters)",
            path=source,
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
