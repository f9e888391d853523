"""REFI-QDA exchange: read and write ``.qdpx`` projects and ``.qdc`` codebooks.

The REFI-QDA standard (QDA-XML 1.0, https://www.qdasoftware.org) is what NVivo,
ATLAS.ti, MAXQDA, QualCoder and others export. A ``.qdpx`` is a zip with one
``.qde`` XML project and a folder of source files; a ``.qdc`` is a codebook alone.

Reading is tolerant, because real exports differ from the schema in known ways:
the sources folder may be ``Sources`` or ``sources``, the ``.qde`` may have any
name, the namespace may be another version or absent, ``isCodable`` may be
missing, GUIDs may carry braces or any letter case, source text may be inline
(``PlainTextContent``) or a file addressed ``internal://``, ``relative://`` or
``absolute://``, the archive may be named ``.zip`` (MAXQDA) and hold empty
folders (``.root/``). A text selection without a coding (ATLAS.ti's "free
quotation") is kept with its description; a selection with several codings
gives one segment row per coding. Notes, sets, links and PDF or picture region
selections go to their own tables; graphs are not read. A text source whose
file is missing is kept with its codings, flagged ``text_missing``, and reported
with a :class:`~districtlab.evidence.project.QdaImportWarning`.

**Positions.** REFI-QDA 1.5 (section 10.2) counts selection positions in
Unicode code points. NVivo counts UTF-16 code units, so every character
outside the Basic Multilingual Plane (emoji) counts twice and every later
passage shifts. ``read_project(offsets="auto")`` decides per project, from the
``origin`` attribute and from how the positions land in the text (word
boundaries, split surrogate pairs, overruns), and warns naming the convention
whenever the two would differ; ``"codepoints"`` or ``"utf16"`` force one.

Reading is strict on safety (:mod:`districtlab.evidence.safety`) and on
integrity (:func:`~districtlab.evidence.project.build_project`): repeated GUIDs
and references to missing objects are refused.

Writing produces a schema-ordered ``project.qde`` with every source text stored
in the archive, so that reading the written file gives back the same tables.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

import pandas as pd

from districtlab.errors import InputError
from districtlab.evidence import safety
from districtlab.evidence.offsets import (
    OFFSET_CONVENTIONS,
    choose_convention,
    has_astral,
    utf16_boundaries,
    utf16_to_codepoints,
)
from districtlab.evidence.project import (
    CODE_COLUMNS,
    QdaImportWarning,
    QdaProject,
    build_project,
    code_paths,
    require_unique,
    stable_guid,
    typed_frame,
)
from districtlab.io.files import atomic_write

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"

#: Project attributes kept in :attr:`QdaProject.metadata` and written back.
PROJECT_ATTRIBUTES = (
    "origin",
    "creatingUserGUID",
    "creationDateTime",
    "modifyingUserGUID",
    "modifiedDateTime",
    "basePath",
)

#: Source element -> kind, in the order the schema lists them.
SOURCE_ELEMENTS = {
    "TextSource": "text",
    "PictureSource": "picture",
    "PDFSource": "pdf",
    "AudioSource": "audio",
    "VideoSource": "video",
}
_ELEMENT_OF_KIND = {kind: element for element, kind in SOURCE_ELEMENTS.items()}

#: Variable type -> the element holding its value.
VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Date": "DateValue",
    "DateTime": "DateTimeValue",
}
_VALUE_TAGS = frozenset(VALUE_ELEMENTS.values())

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_SCHEMES = ("internal://", "relative://", "absolute://")


# --------------------------------------------------------------------------- reading


def read_project(path: str | Path, *, offsets: str = "auto", validate: bool = False) -> QdaProject:
    """Read a REFI-QDA project: a ``.qdpx`` archive, or a bare ``.qde`` file.

    A bare ``.qde`` finds its source files in a ``Sources`` folder beside it.
    The format is recognised from the content, not the file extension.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` (or ``.zip``) archive or the ``.qde`` file.
    offsets : {"auto", "codepoints", "utf16"}
        How the file counts selection positions: code points (the standard),
        UTF-16 code units (NVivo), or decided from the project (see the module
        docstring). Segments always come out in code points.
    validate : bool
        Also check the ``.qde`` against the REFI-QDA project schema shipped
        with districtlab (needs the optional ``xmlschema`` package; offline).

    Returns
    -------
    QdaProject
        Users, codes, sources, segments (one row per coding of a text
        selection, offsets in code points, half-open), cases and variables.

    Raises
    ------
    InputError
        For an unsafe archive or XML, a file that is not a REFI-QDA project,
        a selection with offsets that are not integers or run backwards,
        repeated GUIDs, references to missing objects, or (with ``validate``)
        the first schema violation.

    Warns
    -----
    QdaImportWarning
        When source files are missing (codings kept, flagged ``text_missing``),
        a coding names an unknown code, selections run past the end of their
        text, or ``offsets="auto"`` chose a convention that matters.
    """
    if offsets not in OFFSET_CONVENTIONS:
        raise InputError(f"offsets must be one of {', '.join(OFFSET_CONVENTIONS)}, not {offsets!r}")
    path = Path(path)
    if zipfile.is_zipfile(path):
        with safety.open_archive(path) as archive:
            members = _ArchiveFiles(archive, path)
            qde_name, qde_bytes = members.project_file()
            if validate:
                validate_project_xml(qde_bytes, path=path)
            root = safety.parse_xml(qde_bytes, path=path, member=qde_name)
            return _ProjectReader(root, path, members.find, offsets).read()
    data = path.read_bytes()
    if validate:
        validate_project_xml(data, path=path)
    root = safety.parse_xml(data, path=path)
    return _ProjectReader(root, path, _DiskFiles(path).find, offsets).read()


#: The REFI-QDA project schema (QDA-XML 1.0, March 2019; MIT licence, notice inside the file).
PROJECT_SCHEMA = Path(__file__).parent / "data" / "refi-qda" / "Project-mrt2019.xsd"


def validate_project_xml(data: bytes, *, path: str | Path) -> None:
    """Check a ``.qde`` document against the shipped REFI-QDA schema; the first violation is one line.

    The XML is first parsed with the safety guards, and the schema is read from
    the package: nothing is fetched.

    Raises
    ------
    InputError
        For the first schema violation, or when ``xmlschema`` is not installed.
    """
    safety.parse_xml(data, path=path)  # entity and DTD guards before the validator sees it
    try:
        import xmlschema
    except ImportError:
        raise InputError(
            "schema validation needs the optional package xmlschema (pip install xmlschema)", path=path
        ) from None
    schema = xmlschema.XMLSchema(str(PROJECT_SCHEMA))
    text = data.decode("utf-8-sig", errors="replace")
    error = next(iter(schema.iter_errors(text)), None)
    if error is not None:
        where = f" at {error.path}" if error.path else ""
        reason = " ".join(str(error.reason or error.message).split())
        raise InputError(f"not valid REFI-QDA{where}: {reason}", path=path)


def read_codebook(path: str | Path) -> pd.DataFrame:
    """Read a REFI-QDA codebook (``.qdc``), or the codebook of a project file.

    Returns
    -------
    DataFrame
        ``guid, name, parent_guid, path, is_codable, color, description`` in
        codebook order, as :attr:`QdaProject.codes`.
    """
    path = Path(path)
    if zipfile.is_zipfile(path):
        return read_project(path).codes
    root = safety.parse_xml(path.read_bytes(), path=path)
    _strip_namespaces(root)
    if root.tag not in ("CodeBook", "Project"):
        raise InputError(f"not a REFI-QDA codebook: the root element is <{root.tag}>", path=path)
    codes_parent = root.find("Codes") if root.tag == "CodeBook" else root.find("CodeBook/Codes")
    records = list(_read_codes(codes_parent, None, path)) if codes_parent is not None else []
    frame = typed_frame(({**record, "path": None} for record in records), CODE_COLUMNS)
    require_unique(frame["guid"], "code", str(path))
    frame["path"] = code_paths(frame, source=str(path))
    return frame


class _ArchiveFiles:
    """Finds members of a checked ``.qdpx`` archive, whatever their folder's case."""

    def __init__(self, archive: zipfile.ZipFile, path: Path) -> None:
        self.archive = archive
        self.path = path
        self.by_lower_name = {info.filename.replace("\\", "/").lower(): info for info in archive.infolist()}

    def project_file(self) -> tuple[str, bytes]:
        candidates = [name for name in self.by_lower_name if name.endswith(".qde")]
        if not candidates:
            raise InputError("no .qde project file in the archive (is it a REFI-QDA .qdpx?)", path=self.path)
        # Prefer the standard name, then the shallowest file: some tools nest it.
        candidates.sort(key=lambda name: (PurePosixPath(name).name != "project.qde", name.count("/"), name))
        info = self.by_lower_name[candidates[0]]
        return info.filename, safety.read_member(self.archive, info, self.path)

    def find(self, location: str) -> bytes | None:
        scheme, rest = _split_location(location)
        rest = rest.replace("\\", "/").lstrip("/") if scheme != "absolute://" else rest.replace("\\", "/")
        basename = PurePosixPath(rest).name.lower()
        wanted = []
        if scheme == "internal://":
            wanted = [f"sources/{rest}".lower(), rest.lower()]
        elif scheme == "relative://":
            wanted = [rest.lower(), f"sources/{rest}".lower()]
        for name in wanted:
            if name in self.by_lower_name:
                return safety.read_member(self.archive, self.by_lower_name[name], self.path)
        # Fall back to a unique file of that name anywhere in the archive.
        matches = [info for name, info in self.by_lower_name.items() if PurePosixPath(name).name == basename]
        if basename and len(matches) == 1:
            return safety.read_member(self.archive, matches[0], self.path)
        return None


class _DiskFiles:
    """Finds the source files of a bare ``.qde`` in the ``Sources`` folder beside it."""

    def __init__(self, qde_path: Path) -> None:
        self.folder = qde_path.resolve().parent

    def find(self, location: str) -> bytes | None:
        scheme, rest = _split_location(location)
        if scheme == "absolute://" or safety.unsafe_member_reason(rest) is not None:
            return None  # never follow a project file out of its own folder
        candidates = [
            self.folder / "Sources" / rest,
            self.folder / "sources" / rest,
            self.folder / rest,
        ]
        for candidate in candidates:
            if candidate.is_file() and candidate.resolve().is_relative_to(self.folder):
                return candidate.read_bytes()
        return None


def _split_location(location: str) -> tuple[str, str]:
    for scheme in _SCHEMES:
        if location.lower().startswith(scheme):
            return scheme, location[len(scheme) :]
    return "relative://", location


def _strip_namespaces(root: Element) -> None:
    """Drop namespaces from every tag and attribute: vendors use several versions, or none."""
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rpartition("}")[2]
        if any("}" in key for key in element.attrib):
            element.attrib = {key.rpartition("}")[2]: value for key, value in element.attrib.items()}


def _guid(value: str | None) -> str | None:
    """Canonical GUID: no braces, lower case. Other identifiers are kept as written."""
    if value is None:
        return None
    value = value.strip()
    match = _GUID.match(value)
    return match.group(1).lower() if match else value


def _required_guid(element: Element, what: str, path: Path) -> str:
    guid = _guid(element.get("guid"))
    if not guid:
        label = element.get("name")
        named = f" {label!r}" if label else ""
        raise InputError(f"a {what}{named} has no guid", path=path, field=element.tag)
    return guid


def _child_text(element: Element, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else (child.text or "")


def _is_true(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


def _read_codes(parent: Element, parent_guid: str | None, path: Path) -> Iterator[dict[str, Any]]:
    for element in parent.findall("Code"):
        guid = _required_guid(element, "code", path)
        yield {
            "guid": guid,
            "name": element.get("name", ""),
            "parent_guid": parent_guid,
            "is_codable": _is_true(element.get("isCodable"), default=True),
            "color": element.get("color"),
            "description": _child_text(element, "Description"),
        }
        yield from _read_codes(element, guid, path)


def _read_values(element: Element, owner_guid: str, owner_kind: str) -> Iterator[dict[str, Any]]:
    for value in element.findall("VariableValue"):
        reference = value.find("VariableRef")
        if reference is None:
            continue
        typed = next((child for child in value if child.tag in _VALUE_TAGS), None)
        yield {
            "owner_guid": owner_guid,
            "owner_kind": owner_kind,
            "variable_guid": _guid(reference.get("targetGUID")),
            "value": None if typed is None else (typed.text or ""),
        }


def _integer(value: str | None, what: str, path: Path, field: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not an integer", path=path, field=field) from None


class _ProjectReader:
    """Reads one parsed ``.qde`` tree into the records :func:`build_project` takes."""

    def __init__(
        self,
        root: Element,
        path: Path,
        find_file: Callable[[str], bytes | None],
        offsets: str = "auto",
    ) -> None:
        _strip_namespaces(root)
        if root.tag != "Project":
            raise InputError(f"not a REFI-QDA project: the root element is <{root.tag}>", path=path)
        self.root = root
        self.path = path
        self.find_file = find_file
        self.offsets = offsets
        self.texts: dict[str, str] = {}
        self.missing: list[str] = []
        self.overruns = 0
        self.regions: list[dict[str, Any]] = []
        self.note_texts: dict[str, str] = {}

    def read(self) -> QdaProject:
        root = self.root
        code_parent = root.find("CodeBook/Codes")
        codes = list(_read_codes(code_parent, None, self.path)) if code_parent is not None else []
        known_codes = {code["guid"] for code in codes}
        notes = self._read_notes()
        self.note_texts = {note["guid"]: note["text"] for note in notes if note["text"]}
        sources, segments, values = self._read_sources()
        segments = self._to_codepoints(segments)
        self.overruns = sum(
            1
            for segment in segments
            if segment["source_guid"] in self.texts
            and segment["end"] > len(self.texts[segment["source_guid"]])
        )
        codings = [*segments, *self.regions]
        unknown = sorted(
            {s["code_guid"] for s in codings if s.get("code_guid") and s["code_guid"] not in known_codes}
        )
        cases, case_sources, case_values = self._read_cases()
        self._warn(unknown)
        metadata = {key: str(root.get(key)) for key in PROJECT_ATTRIBUTES if root.get(key) is not None}
        description = _child_text(root, "Description")
        if description is not None:
            metadata["description"] = description
        return build_project(
            name=root.get("name", self.path.stem),
            users=[
                {
                    "guid": _required_guid(user, "user", self.path),
                    "name": user.get("name"),
                    "id": user.get("id"),
                }
                for user in root.findall("Users/User")
            ],
            codes=codes,
            sources=sources,
            segments=segments,
            cases=cases,
            case_sources=case_sources,
            variables=[
                {
                    "guid": _required_guid(variable, "variable", self.path),
                    "name": variable.get("name", ""),
                    "type": variable.get("typeOfVariable", "Text"),
                    "description": _child_text(variable, "Description"),
                }
                for variable in root.findall("Variables/Variable")
            ],
            variable_values=case_values + values,
            texts=self.texts,
            metadata=metadata,
            notes=notes,
            sets=self._read_sets(),
            links=self._read_links(),
            regions=self.regions,
            source=str(self.path),
            past_end="clip",
        )

    def _to_codepoints(self, segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Selections' positions in code points, converting from UTF-16 units when the file uses them."""
        convention = self.offsets
        astral = {guid for guid, text in self.texts.items() if has_astral(text)}
        if convention == "auto":
            origin = self.root.get("origin")
            convention, reason = choose_convention(self.texts, _distinct_spans(segments), origin)
            if any(segment["source_guid"] in astral for segment in segments):
                used = (
                    "UTF-16 code units (as NVivo writes them)"
                    if convention == "utf16"
                    else "Unicode code points (REFI-QDA 1.5)"
                )
                warnings.warn(
                    f"{self.path}: selection positions read as {used} because {reason}; "
                    "use --offsets codepoints|utf16 to choose",
                    QdaImportWarning,
                    stacklevel=4,
                )
        if convention != "utf16":
            return segments
        boundaries = {guid: utf16_boundaries(self.texts[guid]) for guid in astral}
        converted = []
        for segment in segments:
            guid = segment["source_guid"]
            if guid in boundaries and segment["start"] is not None:
                start, end = utf16_to_codepoints(
                    self.texts[guid], (segment["start"], segment["end"]), boundaries=boundaries[guid]
                )
                segment = {**segment, "start": start, "end": end}
            converted.append(segment)
        return converted

    def _read_sources(
        self,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        sources: list[dict[str, Any]] = []
        segments: list[dict[str, Any]] = []
        values: list[dict[str, Any]] = []
        container = self.root.find("Sources")
        for element in [] if container is None else list(container):
            kind = SOURCE_ELEMENTS.get(element.tag)
            if kind is None:
                continue
            guid = _required_guid(element, "source", self.path)
            name = element.get("name", guid)
            record = {
                "guid": guid,
                "name": name,
                "kind": kind,
                "has_text": False,
                "text_missing": False,
                "description": _child_text(element, "Description"),
            }
            if kind == "text":
                location = element.get("plainTextPath")
                record["path"] = location
                text = self._source_text(element, location)
                record["has_text"] = text is not None
                record["text_missing"] = text is None
                if text is None:
                    self.missing.append(name)
                else:
                    self.texts[guid] = text
                segments.extend(self._read_selections(element, guid))
                segments.extend(self._whole_source_codings(element, guid, text))
            else:
                record["path"] = element.get("path") or element.get("currentPath")
                self.regions.extend(self._read_regions(element, guid, kind))
            values.extend(_read_values(element, guid, "source"))
            sources.append(record)
        return sources, segments, values

    def _source_text(self, element: Element, location: str | None) -> str | None:
        inline = element.find("PlainTextContent")
        if inline is not None:
            return inline.text or ""
        if not location:
            return None
        data = self.find_file(location)
        if data is None:
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(
                f"source text is not UTF-8 (byte {error.start}); REFI-QDA requires UTF-8 plain text",
                path=self.path,
                field=location,
            ) from None

    def _description(self, selection: Element) -> str | None:
        """A selection's comment: its ``Description``, else the text of the notes it refers to."""
        description = _child_text(selection, "Description")
        if description is not None:
            return description
        texts = [
            self.note_texts[guid]
            for reference in selection.findall("NoteRef")
            if (guid := _guid(reference.get("targetGUID"))) in self.note_texts
        ]
        return "\n\n".join(texts) if texts else None

    def _codings(self, holder: Element, selector: str | None) -> list[dict[str, Any]]:
        """The codings on a selection; a selection without any gives one uncoded row."""
        rows = []
        for coding in holder.findall("Coding"):
            reference = coding.find("CodeRef")
            rows.append(
                {
                    "code_guid": None if reference is None else _guid(reference.get("targetGUID")),
                    "coding_guid": _guid(coding.get("guid")),
                    "coder_guid": _guid(coding.get("creatingUser") or selector),
                    "created": coding.get("creationDateTime"),
                }
            )
        if not rows:  # ATLAS.ti's "free quotation": kept, with its description
            rows.append(
                {
                    "code_guid": None,
                    "coding_guid": None,
                    "coder_guid": _guid(selector),
                    "created": holder.get("creationDateTime"),
                }
            )
        return rows

    def _read_selections(self, source: Element, source_guid: str) -> Iterator[dict[str, Any]]:
        for selection in source.findall("PlainTextSelection"):
            guid = _required_guid(selection, "text selection", self.path)
            field = f"PlainTextSelection {guid}"
            start = _integer(selection.get("startPosition"), "startPosition", self.path, field)
            end = _integer(selection.get("endPosition"), "endPosition", self.path, field)
            if start < 0 or end < start:
                raise InputError(
                    f"the selection [{start}, {end}) runs backwards or starts before 0",
                    path=self.path,
                    field=field,
                )
            description = self._description(selection)
            for coding in self._codings(selection, selection.get("creatingUser")):
                yield {
                    "selection_guid": guid,
                    "source_guid": source_guid,
                    "start": start,
                    "end": end,
                    "description": description,
                    **coding,
                }

    def _whole_source_codings(
        self, source: Element, source_guid: str, text: str | None
    ) -> Iterator[dict[str, Any]]:
        """A ``Coding`` placed on the source itself codes all of its text."""
        for coding in source.findall("Coding"):
            reference = coding.find("CodeRef")
            guid = _guid(coding.get("guid")) or stable_guid("whole-source", source_guid)
            yield {
                "selection_guid": guid,
                "source_guid": source_guid,
                "start": 0 if text is not None else None,
                "end": len(text) if text is not None else None,
                "description": None,
                "code_guid": None if reference is None else _guid(reference.get("targetGUID")),
                "coding_guid": guid,
                "coder_guid": _guid(coding.get("creatingUser") or source.get("creatingUser")),
                "created": coding.get("creationDateTime"),
            }

    def _read_regions(self, source: Element, source_guid: str, kind: str) -> Iterator[dict[str, Any]]:
        """PDF and picture region selections, with their codings."""
        tag = {"pdf": "PDFSelection", "picture": "PictureSelection"}.get(kind)
        if tag is None:
            return
        for selection in source.findall(tag):
            guid = _required_guid(selection, tag, self.path)
            field = f"{tag} {guid}"
            coordinates = {
                column: _integer(selection.get(attribute), attribute, self.path, field)
                for column, attribute in (
                    ("first_x", "firstX"),
                    ("first_y", "firstY"),
                    ("second_x", "secondX"),
                    ("second_y", "secondY"),
                )
            }
            page = selection.get("page")
            for coding in self._codings(selection, selection.get("creatingUser")):
                yield {
                    "selection_guid": guid,
                    "source_guid": source_guid,
                    "kind": kind,
                    "page": None if page is None else _integer(page, "page", self.path, field),
                    **coordinates,
                    "code_guid": coding["code_guid"],
                    "coding_guid": coding["coding_guid"],
                    "coder_guid": coding["coder_guid"],
                    "description": self._description(selection),
                }

    def _read_notes(self) -> list[dict[str, Any]]:
        notes = []
        for note in self.root.findall("Notes/Note"):
            guid = _required_guid(note, "note", self.path)
            location = note.get("plainTextPath")
            notes.append(
                {
                    "guid": guid,
                    "name": note.get("name"),
                    "text": self._source_text(note, location),
                    "description": _child_text(note, "Description"),
                    "creating_user": _guid(note.get("creatingUser")),
                    "created": note.get("creationDateTime"),
                }
            )
        return notes

    def _read_sets(self) -> list[dict[str, Any]]:
        rows = []
        for element in self.root.findall("Sets/Set"):
            guid = _required_guid(element, "set", self.path)
            base = {
                "guid": guid,
                "name": element.get("name"),
                "description": _child_text(element, "Description"),
            }
            members = [
                {**base, "member_kind": kind, "member_guid": _guid(member.get("targetGUID"))}
                for tag, kind in (("MemberCode", "code"), ("MemberSource", "source"), ("MemberNote", "note"))
                for member in element.findall(tag)
            ]
            rows.extend(members or [{**base, "member_kind": None, "member_guid": None}])
        return rows

    def _read_links(self) -> list[dict[str, Any]]:
        return [
            {
                "guid": _required_guid(link, "link", self.path),
                "name": link.get("name"),
                "direction": link.get("direction"),
                "origin_guid": _guid(link.get("originGUID")),
                "target_guid": _guid(link.get("targetGUID")),
                "color": link.get("color"),
            }
            for link in self.root.findall("Links/Link")
        ]

    def _read_cases(
        self,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        cases: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        values: list[dict[str, Any]] = []
        for case in self.root.findall("Cases/Case"):
            guid = _required_guid(case, "case", self.path)
            cases.append(
                {
                    "guid": guid,
                    "name": case.get("name"),
                    "description": _child_text(case, "Description"),
                }
            )
            members.extend(
                {"case_guid": guid, "source_guid": _guid(reference.get("targetGUID"))}
                for reference in case.findall("SourceRef")
            )
            values.extend(_read_values(case, guid, "case"))
        return cases, members, values

    def _warn(self, unknown_codes: list[str]) -> None:
        if self.missing:
            shown = ", ".join(repr(name) for name in self.missing[:5])
            more = f" and {len(self.missing) - 5} more" if len(self.missing) > 5 else ""
            warnings.warn(
                f"{self.path}: the text of {len(self.missing)} source(s) is missing ({shown}{more}); "
                "their codings are kept without text and flagged text_missing",
                QdaImportWarning,
                stacklevel=4,
            )
        if unknown_codes:
            warnings.warn(
                f"{self.path}: {len(unknown_codes)} coding(s) refer to codes not in the codebook "
                f"({', '.join(unknown_codes[:5])}); they are kept with no code name",
                QdaImportWarning,
                stacklevel=4,
            )
        if self.overruns:
            warnings.warn(
                f"{self.path}: {self.overruns} selection(s) end past the end of their source text "
                "(line endings changed since coding?); their text is cut at the end of the source",
                QdaImportWarning,
                stacklevel=4,
            )


def _distinct_spans(segments: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """One (source, start, end) per selection, so that multi-coded selections count once."""
    seen: dict[Any, tuple[str, int, int]] = {}
    for segment in segments:
        if segment["start"] is not None and segment["end"] is not None:
            seen.setdefault(
                segment["selection_guid"], (segment["source_guid"], segment["start"], segment["end"])
            )
    return list(seen.values())


# --------------------------------------------------------------------------- writing


def write_project(project: QdaProject, path: str | Path) -> Path:
    """Write a project as a REFI-QDA ``.qdpx`` archive.

    Every known source text is stored in the archive (under ``Sources/`` for
    ``internal://`` and ``absolute://`` sources, at its own relative path for
    ``relative://`` ones, inline when the project had it inline), so that
    :func:`read_project` gives back equal tables. The file is written to a
    temporary name and moved into place, so a failure leaves nothing behind.

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    root, files = _project_tree(project)
    document = _serialise(root)
    return atomic_write(path, lambda target: _write_zip(target, document, files))


def write_codebook(codes: pd.DataFrame, path: str | Path) -> Path:
    """Write a codes table (as :attr:`QdaProject.codes`) as a REFI-QDA ``.qdc`` codebook."""
    path = Path(path)
    document = codebook_xml(codes)
    return atomic_write(path, lambda target: Path(target).write_bytes(document))


def codebook_xml(codes: pd.DataFrame) -> bytes:
    """The bytes of a ``.qdc`` codebook for a codes table; the same table gives the same bytes."""
    root = Element("CodeBook", {"xmlns": CODEBOOK_NAMESPACE})
    root.append(_codes_element(codes))
    return _serialise(root)


def project_xml(project: QdaProject) -> bytes:
    """The ``project.qde`` document :func:`write_project` stores (pure, for inspection and tests)."""
    return _serialise(_project_tree(project)[0])


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _set(element: Element, **attributes: Any) -> Element:
    for key, value in attributes.items():
        text = _text(value)
        if text is not None:
            element.set(key, text)
    return element


def _sub(parent: Element, tag: str, text: Any = None, **attributes: Any) -> Element:
    child = _set(ElementTree.SubElement(parent, tag), **attributes)
    if _text(text) is not None:
        child.text = _text(text)
    return child


def _codes_element(codes: pd.DataFrame) -> Element:
    element = Element("Codes")
    children: dict[Any, list[dict[str, Any]]] = {}
    for record in codes.to_dict("records"):
        parent = None if pd.isna(record["parent_guid"]) else record["parent_guid"]
        children.setdefault(parent, []).append(record)

    def add(parent_element: Element, parent_guid: Any) -> None:
        for record in children.get(parent_guid, []):
            code = _sub(
                parent_element,
                "Code",
                guid=record["guid"],
                name=record["name"],
                isCodable="true" if record["is_codable"] else "false",
                color=record["color"],
            )
            if _text(record["description"]) is not None:
                _sub(code, "Description", record["description"])
            add(code, record["guid"])

    add(element, None)
    return element


def _project_tree(project: QdaProject) -> tuple[Element, dict[str, bytes]]:
    root = Element("Project", {"xmlns": PROJECT_NAMESPACE})
    _set(root, name=project.name, **{key: project.metadata.get(key) for key in PROJECT_ATTRIBUTES})
    if len(project.users):
        users = _sub(root, "Users")
        for user in project.users.to_dict("records"):
            _sub(users, "User", guid=user["guid"], name=user["name"], id=user["id"])
    if len(project.codes):
        _sub(root, "CodeBook").append(_codes_element(project.codes))
    values = project.variable_values
    if len(project.variables):
        variables = _sub(root, "Variables")
        for variable in project.variables.to_dict("records"):
            element = _sub(
                variables,
                "Variable",
                guid=variable["guid"],
                name=variable["name"],
                typeOfVariable=variable["type"],
            )
            if _text(variable["description"]) is not None:
                _sub(element, "Description", variable["description"])
    variable_types = dict(zip(project.variables["guid"], project.variables["type"], strict=True))
    if len(project.cases):
        cases = _sub(root, "Cases")
        for case in project.cases.to_dict("records"):
            element = _sub(cases, "Case", guid=case["guid"], name=case["name"])
            if _text(case["description"]) is not None:
                _sub(element, "Description", case["description"])
            _add_values(element, values[values["owner_guid"] == case["guid"]], variable_types)
            for member in project.case_sources[project.case_sources["case_guid"] == case["guid"]][
                "source_guid"
            ]:
                _sub(element, "SourceRef", targetGUID=member)
    files: dict[str, bytes] = {}
    if len(project.sources):
        sources = _sub(root, "Sources")
        segments = project.segments
        for source in project.sources.to_dict("records"):
            tag = _ELEMENT_OF_KIND.get(source["kind"], "TextSource")
            element = _sub(sources, tag, guid=source["guid"], name=source["name"])
            if _text(source["description"]) is not None:
                _sub(element, "Description", source["description"])
            if source["kind"] == "text":
                _add_text(element, source, project.text(source["guid"]), files)
                _add_selections(element, segments[segments["source_guid"] == source["guid"]])
            else:
                _set(element, path=source["path"])
                _add_regions(element, project.regions[project.regions["source_guid"] == source["guid"]])
            _add_values(element, values[values["owner_guid"] == source["guid"]], variable_types)
    _add_notes_sets_links(root, project)
    if "description" in project.metadata:
        _sub(root, "Description", project.metadata["description"])
    return root, files


def _add_regions(element: Element, regions: pd.DataFrame) -> None:
    for selection_guid, rows in regions.groupby("selection_guid", sort=False):
        first = rows.iloc[0]
        tag = "PDFSelection" if first["kind"] == "pdf" else "PictureSelection"
        selection = _sub(
            element,
            tag,
            guid=selection_guid,
            page=first["page"] if tag == "PDFSelection" else None,
            firstX=first["first_x"],
            firstY=first["first_y"],
            secondX=first["second_x"],
            secondY=first["second_y"],
        )
        if _text(first["description"]) is not None:
            _sub(selection, "Description", first["description"])
        coded = rows[rows["code_guid"].notna()]
        if coded.empty:
            _set(selection, creatingUser=first["coder_guid"])
        for coding in coded.to_dict("records"):
            guid = _text(coding["coding_guid"]) or stable_guid("coding", selection_guid, coding["code_guid"])
            holder = _sub(selection, "Coding", guid=guid, creatingUser=coding["coder_guid"])
            _sub(holder, "CodeRef", targetGUID=coding["code_guid"])


def _add_notes_sets_links(root: Element, project: QdaProject) -> None:
    """Notes, links and sets, in the schema's order (Notes, Links, Sets) after Sources."""
    if len(project.notes):
        notes = _sub(root, "Notes")
        for note in project.notes.to_dict("records"):
            element = _sub(
                notes,
                "Note",
                guid=note["guid"],
                name=note["name"],
                creatingUser=note["creating_user"],
                creationDateTime=note["created"],
            )
            if _text(note["description"]) is not None:
                _sub(element, "Description", note["description"])
            if _text(note["text"]) is not None:
                _sub(element, "PlainTextContent", note["text"])
    if len(project.links):
        links = _sub(root, "Links")
        for link in project.links.to_dict("records"):
            _sub(
                links,
                "Link",
                guid=link["guid"],
                name=link["name"],
                direction=link["direction"],
                color=link["color"],
                originGUID=link["origin_guid"],
                targetGUID=link["target_guid"],
            )
    if len(project.sets):
        sets = _sub(root, "Sets")
        tags = {"code": "MemberCode", "source": "MemberSource", "note": "MemberNote"}
        for set_guid, rows in project.sets.groupby("guid", sort=False):
            first = rows.iloc[0]
            element = _sub(sets, "Set", guid=set_guid, name=first["name"])
            if _text(first["description"]) is not None:
                _sub(element, "Description", first["description"])
            for member in rows[rows["member_guid"].notna()].to_dict("records"):
                _sub(
                    element,
                    tags.get(str(member["member_kind"]), "MemberSource"),
                    targetGUID=member["member_guid"],
                )


def _add_values(element: Element, values: pd.DataFrame, variable_types: dict[str, str]) -> None:
    for value in values.to_dict("records"):
        holder = _sub(element, "VariableValue")
        _sub(holder, "VariableRef", targetGUID=value["variable_guid"])
        tag = VALUE_ELEMENTS.get(variable_types.get(value["variable_guid"], "Text"), "TextValue")
        if _text(value["value"]) is not None:
            _sub(holder, tag).text = value["value"]


def _add_text(element: Element, source: dict[str, Any], text: str | None, files: dict[str, bytes]) -> None:
    location = _text(source["path"])
    if text is None:
        _set(element, plainTextPath=location)  # still missing: keep where it was said to be
        return
    member = _member_for(location) if location else None
    if location is None and "\r" not in text:
        _sub(element, "PlainTextContent", text)
        return
    if member is None or location is None:
        # XML would turn carriage returns into line feeds, so such text goes to a file.
        location = f"internal://{source['guid']}.txt"
        member = f"Sources/{source['guid']}.txt"
    element.set("plainTextPath", location)
    files[member] = text.encode("utf-8")


def _member_for(location: str) -> str | None:
    """The archive member that holds the file at ``location``, or None if it cannot be stored."""
    scheme, rest = _split_location(location)
    rest = rest.replace("\\", "/")
    if scheme == "absolute://":
        rest = PurePosixPath(rest).name
    if not rest or safety.unsafe_member_reason(rest) is not None:
        return None
    return rest if scheme == "relative://" else f"Sources/{rest}"


def _add_selections(element: Element, segments: pd.DataFrame) -> None:
    for selection_guid, rows in segments.groupby("selection_guid", sort=False):
        first = rows.iloc[0]
        selection = _sub(
            element,
            "PlainTextSelection",
            guid=selection_guid,
            startPosition=first["start"],
            endPosition=first["end"],
        )
        if _text(first["description"]) is not None:
            _sub(selection, "Description", first["description"])
        coded = rows[rows["code_guid"].notna()]
        if coded.empty:  # an uncoded selection keeps its author and time on itself
            _set(selection, creatingUser=first["coder_guid"], creationDateTime=first["created"])
        for coding in coded.to_dict("records"):
            guid = _text(coding["coding_guid"]) or stable_guid(
                "coding", selection_guid, coding["code_guid"], coding["coder_guid"]
            )
            holder = _sub(
                selection,
                "Coding",
                guid=guid,
                creatingUser=coding["coder_guid"],
                creationDateTime=coding["created"],
            )
            _sub(holder, "CodeRef", targetGUID=coding["code_guid"])


def _serialise(root: Element) -> bytes:
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def project_archive(project: QdaProject) -> bytes:
    """The bytes of the ``.qdpx`` :func:`write_project` writes: the same project gives the same bytes."""
    root, files = _project_tree(project)
    buffer = io.BytesIO()
    _write_zip(buffer, _serialise(root), files)
    return buffer.getvalue()


#: Every member gets this timestamp, so that an archive depends on its content only.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _write_zip(target: str | io.BytesIO, document: bytes, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in {"project.qde": document, **files}.items():
            info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
