"""REFI-QDA exchange: read and write ``.qdpx`` projects and ``.qdc`` codebooks.

The REFI-QDA standard (QDA-XML 1.0, https://www.qdasoftware.org) is what NVivo,
ATLAS.ti, MAXQDA, QualCoder and others export. A ``.qdpx`` is a zip with one
``.qde`` XML project and a folder of source files; a ``.qdc`` is a codebook alone.

Reading is tolerant, because real exports differ from the schema in known ways:
the sources folder may be ``Sources`` or ``sources``, the ``.qde`` may have any
name, the namespace may be another version or absent, ``isCodable`` may be
missing, GUIDs may carry braces or any letter case, source text may be inline
(``PlainTextContent``) or a file addressed ``internal://``, ``relative://`` or
``absolute://``, and elements this module does not read (notes, links, sets,
graphs, picture or PDF selections) are ignored. A text source whose file is
missing is kept with its codings, flagged ``text_missing``, and reported with a
:class:`~districtlab.evidence.project.QdaImportWarning`. Reading is strict on
safety (:mod:`districtlab.evidence.safety`).

Writing produces a schema-ordered ``project.qde`` with every source text stored
in the archive, so that reading the written file gives back the same tables.
"""

from __future__ import annotations

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
from districtlab.evidence.project import (
    CODE_COLUMNS,
    QdaImportWarning,
    QdaProject,
    build_project,
    code_paths,
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


def read_project(path: str | Path) -> QdaProject:
    """Read a REFI-QDA project: a ``.qdpx`` archive, or a bare ``.qde`` file.

    A bare ``.qde`` finds its source files in a ``Sources`` folder beside it.
    The format is recognised from the content, not the file extension.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` or ``.qde`` file.

    Returns
    -------
    QdaProject
        Users, codes, sources, segments (one row per coding of a text
        selection, offsets in code points, half-open), cases and variables.

    Raises
    ------
    InputError
        For an unsafe archive or XML, a file that is not a REFI-QDA project,
        or a selection with offsets that are not integers or run backwards.

    Warns
    -----
    QdaImportWarning
        When source files are missing (codings kept, flagged ``text_missing``),
        a coding names an unknown code, or selections run past the end of their text.
    """
    path = Path(path)
    if zipfile.is_zipfile(path):
        with safety.open_archive(path) as archive:
            members = _ArchiveFiles(archive, path)
            qde_name, qde_bytes = members.project_file()
            root = safety.parse_xml(qde_bytes, path=path, member=qde_name)
            return _ProjectReader(root, path, members.find).read()
    data = path.read_bytes()
    root = safety.parse_xml(data, path=path)
    return _ProjectReader(root, path, _DiskFiles(path).find).read()


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

    def __init__(self, root: Element, path: Path, find_file: Callable[[str], bytes | None]) -> None:
        _strip_namespaces(root)
        if root.tag != "Project":
            raise InputError(f"not a REFI-QDA project: the root element is <{root.tag}>", path=path)
        self.root = root
        self.path = path
        self.find_file = find_file
        self.texts: dict[str, str] = {}
        self.missing: list[str] = []
        self.overruns = 0

    def read(self) -> QdaProject:
        root = self.root
        code_parent = root.find("CodeBook/Codes")
        codes = list(_read_codes(code_parent, None, self.path)) if code_parent is not None else []
        known_codes = {code["guid"] for code in codes}
        sources, segments, values = self._read_sources()
        unknown = sorted(
            {s["code_guid"] for s in segments if s["code_guid"] and s["code_guid"] not in known_codes}
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
            source=str(self.path),
        )

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
                segments.extend(self._read_selections(element, guid, text))
            else:
                record["path"] = element.get("path") or element.get("currentPath")
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

    def _read_selections(
        self, source: Element, source_guid: str, text: str | None
    ) -> Iterator[dict[str, Any]]:
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
            if text is not None and end > len(text):
                self.overruns += 1
            selector = selection.get("creatingUser")
            codings = selection.findall("Coding")
            if not codings:
                yield {
                    "selection_guid": guid,
                    "source_guid": source_guid,
                    "start": start,
                    "end": end,
                    "coder_guid": _guid(selector),
                    "created": selection.get("creationDateTime"),
                }
            for coding in codings:
                reference = coding.find("CodeRef")
                yield {
                    "selection_guid": guid,
                    "source_guid": source_guid,
                    "start": start,
                    "end": end,
                    "code_guid": None if reference is None else _guid(reference.get("targetGUID")),
                    "coding_guid": _guid(coding.get("guid")),
                    "coder_guid": _guid(coding.get("creatingUser") or selector),
                    "created": coding.get("creationDateTime"),
                }

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
                stacklevel=3,
            )
        if unknown_codes:
            warnings.warn(
                f"{self.path}: {len(unknown_codes)} coding(s) refer to codes not in the codebook "
                f"({', '.join(unknown_codes[:5])}); they are kept with no code name",
                QdaImportWarning,
                stacklevel=3,
            )
        if self.overruns:
            warnings.warn(
                f"{self.path}: {self.overruns} selection(s) end past the end of their source text "
                "(line endings changed since coding?); their text is cut at the end of the source",
                QdaImportWarning,
                stacklevel=3,
            )


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
            _add_values(element, values[values["owner_guid"] == source["guid"]], variable_types)
    if "description" in project.metadata:
        _sub(root, "Description", project.metadata["description"])
    return root, files


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


def _write_zip(target: str, document: bytes, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", document)
        for member, data in files.items():
            archive.writestr(member, data)
