"""REFI-QDA import and export: ATLAS.ti-style exports, vendor quirks, offsets and round trips."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pandas.testing as pdt
import pytest

from districtlab.errors import InputError
from districtlab.evidence import (
    QdaImportWarning,
    QdaProject,
    read_codebook,
    read_project,
    write_codebook,
    write_project,
)
from districtlab.evidence.refi import PROJECT_SCHEMA, project_xml

from ._builders import interview_project, write_atlas_like

NS = "urn:QDA-XML:project:1.0"
CODE = "A182CD3A-D83C-4D8C-BC80-26D9103EC6D6"
SOURCE = "5E0F1A22-3C4B-4D5E-8F60-718293A4B5C6"
USER = "088B08AC-D5CD-4ADB-8B71-B4F3459C177F"
TABLES = (
    "users",
    "codes",
    "sources",
    "segments",
    "cases",
    "case_sources",
    "variables",
    "variable_values",
)

# 139 code points before the quote, three of them outside the BMP (two UTF-16 units each),
# so that UTF-16 offsets would point elsewhere.
PREFIX = ("Entrevista 🚀 con la técnica del instituto 🧪 sobre la fábrica 🏭 y sus proveedores. " * 3)[:139]
QUOTE = "Nos ayudaron con el diagnóstico y después con el demostr"
TEXT = PREFIX + QUOTE + " ador de robótica."


def qde(
    *,
    namespace: str | None = NS,
    source: str = '<TextSource guid="{s}" name="I01" plainTextPath="internal://{s}.txt">{selection}</TextSource>',
    code: str = '<Code guid="{c}" name="Diagnostics" isCodable="true"/>',
    extra: str = "",
) -> str:
    selection = (
        '<PlainTextSelection guid="9A000000-0000-4000-8000-000000000001" startPosition="139" endPosition="195" '
        'creatingUser="{u}"><Coding guid="9B000000-0000-4000-8000-000000000001" creatingUser="{u}">'
        '<CodeRef targetGUID="{c}"/></Coding></PlainTextSelection>'
    )
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><Project{xmlns} name="quirks" origin="hand-made">'
        '<Users><User guid="{u}" name="Enric"/></Users>'
        f"<CodeBook><Codes>{code}</Codes></CodeBook>"
        f"<Sources>{source.replace('{selection}', selection)}</Sources>{extra}</Project>"
    )
    return body.replace("{s}", SOURCE).replace("{c}", CODE).replace("{u}", USER)


def read_codepoints(path: Path) -> QdaProject:
    """Read with code-point positions: :func:`qde`'s text has emoji and a passage cut mid-word,
    on which ``offsets="auto"`` rightly warns that it had to choose."""
    return read_project(path, offsets="codepoints")


def test_atlas_style_export_without_sources_has_its_users_and_code_hierarchy(tmp_path: Path) -> None:
    project = read_project(write_atlas_like(tmp_path / "blank.qdpx", with_sources=False))
    assert project.name == "atlas-project"
    assert project.users["name"].tolist() == ["Enric Llagostera", "ATLAS.ti"]
    assert project.users["guid"].tolist() == [
        "088b08ac-d5cd-4adb-8b71-b4f3459c177f",
        "c32a2bd5-537f-4838-8b17-df9efbafdf4b",
    ]
    assert project.metadata["origin"] == "ATLAS.ti for Windows 23.2.3.27778"
    codes = project.codes.set_index("name")
    assert list(codes.index) == ["Commits", "Diagnostics", "Robots", "Suppliers"]
    assert pd.isna(codes.loc["Commits", "parent_guid"])
    assert codes.loc["Robots", "path"] == "Commits / Robots"
    assert codes["is_codable"].all()
    assert project.sources.empty
    assert project.segments.empty


def test_atlas_style_codebook_reads_as_a_codebook(tmp_path: Path) -> None:
    codes = read_codebook(write_atlas_like(tmp_path / "codes.qdpx", with_sources=False))
    assert len(codes) == 4


def test_selection_offsets_are_code_points_half_open(make_zip) -> None:
    assert len(QUOTE) == 56
    assert len(PREFIX) == 139
    archive = make_zip("p.qdpx", {"project.qde": qde(), f"Sources/{SOURCE}.txt": TEXT})
    segment = read_codepoints(archive).segments.iloc[0]
    assert (segment["start"], segment["end"]) == (139, 195)
    assert segment["text"] == QUOTE
    assert segment["coder"] == "Enric"
    assert segment["code_name"] == "Diagnostics"
    # UTF-16 offsets would have cut another passage.
    utf16 = TEXT.encode("utf-16-le")
    assert utf16[139 * 2 : 195 * 2].decode("utf-16-le") != QUOTE


@pytest.mark.parametrize(
    ("members", "archive_name"),
    [
        ({"project.qde": qde(), f"sources/{SOURCE}.txt": TEXT}, "lower-case-folder.qdpx"),
        ({"Study 2024.QDE": qde(), f"Sources/{SOURCE}.txt": TEXT}, "odd-name.QDPX"),
        (
            {
                "project.qde": qde(namespace="urn:QDA-XML:project:2.0"),
                f"Sources/{SOURCE}.txt": TEXT,
            },
            "v2.qdpx",
        ),
        ({"project.qde": qde(namespace=None), f"Sources/{SOURCE}.txt": TEXT}, "no-namespace.qdpx"),
        (
            {
                "project.qde": qde(code='<Code guid="{c}" name="Diagnostics"/>'),
                f"Sources/{SOURCE}.txt": TEXT,
            },
            "nc.qdpx",
        ),
        (
            {
                "project.qde": qde(
                    source='<TextSource guid="{s}" name="I01" plainTextPath="relative://interviews/I01.txt">'
                    "{selection}</TextSource>"
                ),
                "interviews/I01.txt": TEXT,
            },
            "relative.qdpx",
        ),
        (
            {
                "project.qde": qde(
                    source='<TextSource guid="{{s}}" name="I01"><PlainTextContent>'
                    + TEXT.replace("&", "&amp;")
                    + "</PlainTextContent>{selection}</TextSource>"
                )
            },
            "inline.qdpx",
        ),
        (
            {
                "project.qde": qde(
                    extra='<Notes><Note guid="9C000000-0000-4000-8000-000000000001"/></Notes><Graphs/><Vendor x="1"/>'
                ),
                f"Sources/{SOURCE}.txt": "\ufeff" + TEXT,
            },
            "unknown-elements-and-bom.qdpx",
        ),
    ],
)
def test_vendor_quirks_read_the_same_coding(make_zip, members: dict[str, str], archive_name: str) -> None:
    project = read_codepoints(make_zip(archive_name, members))
    segment = project.segments.iloc[0]
    assert segment["text"] == QUOTE
    assert segment["code_name"] == "Diagnostics"
    assert bool(project.codes["is_codable"].iloc[0]) is True
    assert project.sources["has_text"].tolist() == [True]


def test_braced_upper_case_guids_are_canonical(make_zip) -> None:
    members = {
        "project.qde": qde().replace(f'"{CODE}"', '"{' + CODE + '}"'),
        f"Sources/{SOURCE}.txt": TEXT,
    }
    project = read_codepoints(make_zip("braces.qdpx", members))
    assert project.codes["guid"].iloc[0] == CODE.lower()
    assert project.segments["code_guid"].iloc[0] == CODE.lower()


def test_missing_source_file_keeps_codings_flagged_with_a_warning(make_zip) -> None:
    archive = make_zip("missing.qdpx", {"project.qde": qde()})
    with pytest.warns(QdaImportWarning, match=r"text of 1 source\(s\) is missing \('I01'\)"):
        project = read_codepoints(archive)
    assert project.sources["text_missing"].tolist() == [True]
    assert project.sources["has_text"].tolist() == [False]
    segment = project.segments.iloc[0]
    assert bool(segment["text_missing"])
    assert pd.isna(segment["text"])
    assert (segment["start"], segment["end"], segment["code_name"]) == (139, 195, "Diagnostics")


def test_non_text_sources_are_listed_with_their_kind(make_zip) -> None:
    sources = (
        '<PDFSource guid="9D000000-0000-4000-8000-000000000001" name="Report" path="internal://r.pdf">'
        '<PDFSelection guid="9D000000-0000-4000-8000-000000000009" page="1" firstX="0" firstY="0" secondX="9" '
        'secondY="9"><Coding guid="9D000000-0000-4000-8000-000000000008"><CodeRef targetGUID="{c}"/></Coding>'
        "</PDFSelection></PDFSource>"
        '<PictureSource guid="9D000000-0000-4000-8000-000000000002" name="Line" path="internal://l.jpg"/>'
        '<AudioSource guid="9D000000-0000-4000-8000-000000000003" name="Call" path="relative://call.mp3"/>'
        '<VideoSource guid="9D000000-0000-4000-8000-000000000004" name="Visit" path="internal://v.mp4"/>'
    )
    archive = make_zip("media.qdpx", {"project.qde": qde(source=sources), "Sources/r.pdf": b"%PDF-1.4"})
    project = read_project(archive)
    assert project.sources["kind"].tolist() == ["pdf", "picture", "audio", "video"]
    assert not project.sources["has_text"].any()
    assert not project.sources["text_missing"].any()
    assert project.sources["path"].iloc[2] == "relative://call.mp3"
    assert project.segments.empty


def test_bare_qde_reads_sources_beside_it(tmp_path: Path) -> None:
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources" / f"{SOURCE}.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "study.qde").write_text(qde(), encoding="utf-8")
    assert read_codepoints(tmp_path / "study.qde").segments["text"].iloc[0] == QUOTE


def test_selections_past_the_text_end_warn(make_zip) -> None:
    short = TEXT[:150]
    with pytest.warns(QdaImportWarning, match="end past the end"):
        project = read_codepoints(
            make_zip("short.qdpx", {"project.qde": qde(), f"Sources/{SOURCE}.txt": short})
        )
    assert project.segments["text"].iloc[0] == short[139:]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('startPosition="139"', 'startPosition="x"'), "startPosition 'x' is not an integer"),
        (('endPosition="195"', 'endPosition="100"'), r"the selection \[139, 100\) runs backwards"),
        (("<Project", "<Projekt"), "not a REFI-QDA project: the root element is <Projekt>"),
    ],
)
def test_broken_projects_are_one_line_errors(make_zip, change: tuple[str, str], message: str) -> None:
    text = qde().replace(*change)
    if change[0] == "<Project":
        text = text.replace("</Project>", "</Projekt>")
    with pytest.raises(InputError, match=message) as error:
        read_project(make_zip("broken.qdpx", {"project.qde": text, f"Sources/{SOURCE}.txt": TEXT}))
    assert "\n" not in str(error.value)
    assert "broken.qdpx" in str(error.value)


def test_archive_without_qde_and_non_utf8_text_are_refused(make_zip) -> None:
    with pytest.raises(InputError, match=r"no \.qde project file"):
        read_project(make_zip("empty.qdpx", {"readme.txt": "hello"}))
    latin1 = {
        "project.qde": qde(),
        f"Sources/{SOURCE}.txt": TEXT.encode("latin-1", errors="replace"),
    }
    with pytest.raises(InputError, match="not UTF-8"):
        read_codepoints(make_zip("latin1.qdpx", latin1))


# ----------------------------------------------------------------------------- round trips


def assert_same_project(left, right) -> None:
    for table in TABLES:
        pdt.assert_frame_equal(getattr(left, table), getattr(right, table), obj=table)
    assert dict(left.texts) == dict(right.texts)
    assert left.name == right.name


def test_round_trip_loses_nothing(tmp_path: Path) -> None:
    original = interview_project()
    written = write_project(original, tmp_path / "round.qdpx")
    again = read_project(written)
    assert_same_project(original, again)
    # And a second generation is byte-for-byte the same document.
    assert project_xml(again) == project_xml(original)


@pytest.mark.parametrize("archive_name", ["inline", "relative", "windows-lines"])
def test_round_trip_of_imported_quirks(make_zip, tmp_path: Path, archive_name: str) -> None:
    if archive_name == "inline":
        source = f'<TextSource guid="{{s}}" name="I01"><PlainTextContent>{TEXT}</PlainTextContent>{{selection}}</TextSource>'
        members = {"project.qde": qde(source=source)}
    elif archive_name == "relative":
        source = '<TextSource guid="{s}" name="I01" plainTextPath="relative://int/I01.txt">{selection}</TextSource>'
        members = {"project.qde": qde(source=source), "int/I01.txt": TEXT}
    else:
        members = {"project.qde": qde(), f"Sources/{SOURCE}.txt": TEXT.replace(" ", "\r\n", 3)}
    first = read_codepoints(make_zip(f"{archive_name}.qdpx", members))
    second = read_codepoints(write_project(first, tmp_path / f"{archive_name}-again.qdpx"))
    assert_same_project(first, second)


def test_round_trip_keeps_a_missing_source_missing(make_zip, tmp_path: Path) -> None:
    with pytest.warns(QdaImportWarning):
        first = read_codepoints(make_zip("missing.qdpx", {"project.qde": qde()}))
    written = write_project(first, tmp_path / "again.qdpx")
    with pytest.warns(QdaImportWarning):
        second = read_codepoints(written)
    assert_same_project(first, second)


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_project(interview_project(), tmp_path / "no-such-folder" / "x.qdpx")
    assert list(tmp_path.iterdir()) == []


def test_codebook_round_trip(tmp_path: Path) -> None:
    codes = interview_project().codes
    again = read_codebook(write_codebook(codes, tmp_path / "codes.qdc"))
    pdt.assert_frame_equal(codes, again)


# ----------------------------------------------------------------------------- schema order


def _schema() -> tuple[dict[str, list[str]], dict[str, set[str]], dict[tuple[str, str], str]]:
    """From the vendored XSD: each type's child order, required attributes, and child element types."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    schema = ElementTree.parse(PROJECT_SCHEMA).getroot()
    order: dict[str, list[str]] = {}
    required: dict[str, set[str]] = {}
    child_type: dict[tuple[str, str], str] = {}
    for complex_type in schema.iter(f"{xs}complexType"):
        name = complex_type.get("name")
        elements = list(complex_type.iter(f"{xs}element"))
        order[name] = [element.get("name") for element in elements]
        for element in elements:
            child_type[(name, element.get("name"))] = element.get("type")
        required[name] = {
            attribute.get("name")
            for attribute in complex_type.iter(f"{xs}attribute")
            if attribute.get("use") == "required"
        }
    return order, required, child_type


def _check_against_schema(element: ElementTree.Element, type_name: str, schema) -> None:
    order, required, child_type = schema
    local = lambda tag: tag.rpartition("}")[2]  # noqa: E731
    assert required.get(type_name, set()) <= set(element.attrib), (type_name, element.attrib)
    if type_name not in order:
        return  # a simple type
    positions = [order[type_name].index(local(child.tag)) for child in element]
    assert positions == sorted(positions), f"children of {type_name} out of schema order"
    for child in element:
        _check_against_schema(child, child_type[(type_name, local(child.tag))], schema)


def test_written_project_follows_the_schema_order_and_required_attributes() -> None:
    root = ElementTree.fromstring(project_xml(interview_project()))
    assert root.tag == f"{{{NS}}}Project"
    _check_against_schema(root, "ProjectType", _schema())


def test_archive_layout(tmp_path: Path) -> None:
    written = write_project(interview_project(), tmp_path / "layout.qdpx")
    with zipfile.ZipFile(written) as archive:
        names = sorted(archive.namelist())
    assert names[0] == "Sources/50000000-0000-4000-8000-000000000001.txt"
    assert names[-1] == "project.qde"
