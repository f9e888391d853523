"""Hostile and broken evidence files: one line, exit status 2, nothing written, nothing corrupted.

Archive limits (every member ratio-checked, streamed decompression against a
budget, corrupt members), external DTDs, integrity of every format (unique
GUIDs, references that resolve, offsets inside the text and in order),
QualCoder databases with missing columns or bad offsets, formula injection in
spreadsheets, and unusable ``--out`` paths.
"""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab import examples
from districtlab.cli.evidence import evidence_app
from districtlab.errors import InputError
from districtlab.evidence import read_project, read_qda, safety, write_project
from tests.evidence._builders import (
    ATLAS_SOURCE,
    atlas_like_qde,
    interview_project,
    write_atlas_like,
    write_zip,
)

runner = CliRunner()
EMPTY_PROJECT = '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'


def assert_one_line_exit_2(arguments: list[str], *needles: str) -> str:
    result = runner.invoke(evidence_app, arguments)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# ----------------------------------------------------------------------------- archive limits


@pytest.mark.parametrize("size", [900 * 1024, 1024**2, 4 * 1024**2])
def test_every_member_is_ratio_checked_whatever_its_size(tmp_path: Path, size: int) -> None:
    archive = write_zip(
        tmp_path / "bomb.qdpx", {"project.qde": EMPTY_PROJECT, "Sources/zeros.txt": b"\0" * size}
    )
    message = assert_one_line_exit_2(["import", str(archive)], "zip bomb")
    assert "zeros.txt" in message


def test_ordinary_members_pass_the_ratio_check(tmp_path: Path) -> None:
    text = "".join(
        f"Line {number}: the institute visited firm {number % 97} about robots.\n" for number in range(20_000)
    )
    archive = write_zip(tmp_path / "ok.qdpx", {"project.qde": EMPTY_PROJECT, "Sources/long.txt": text})
    assert read_project(archive).name == "p"


def test_reading_stops_at_the_running_byte_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = write_atlas_like(tmp_path / "atlas.qdpx")
    monkeypatch.setattr(safety, "MAX_READ_BYTES", 2_000)  # the .qde alone is about 2,300 bytes
    with pytest.raises(InputError, match="safety limit of 2000 bytes read from one archive"):
        read_project(archive)


def _corrupt(path: Path, member: str, compression: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr("project.qde", atlas_like_qde())
        archive.writestr(member, "Interview text that will be damaged. " * 50)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 5, start + 25):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("compression", "name"), [(zipfile.ZIP_STORED, "crc"), (zipfile.ZIP_DEFLATED, "zlib")]
)
def test_corrupt_members_are_one_line_input_errors(tmp_path: Path, compression: int, name: str) -> None:
    archive = _corrupt(tmp_path / f"{name}.qdpx", f"Sources/{ATLAS_SOURCE}.txt", compression)
    assert_one_line_exit_2(["import", str(archive)], "corrupt archive member")


# ----------------------------------------------------------------------------- XML


def test_an_external_dtd_is_refused_and_never_fetched(tmp_path: Path) -> None:
    document = atlas_like_qde().replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE Project SYSTEM "http://127.0.0.1:9/project.dtd">',
    )
    archive = write_zip(tmp_path / "dtd.qdpx", {"project.qde": document})
    assert_one_line_exit_2(["import", str(archive)], "external DTD", "refused")


def test_an_internal_dtd_without_entities_is_harmless(tmp_path: Path) -> None:
    document = atlas_like_qde(with_sources=False).replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE Project []>',
    )
    assert read_project(write_zip(tmp_path / "dtd.qdpx", {"project.qde": document})).name == "atlas-project"


# ----------------------------------------------------------------------------- integrity (REFI-QDA)


def test_duplicate_source_guids_are_refused_not_merged(tmp_path: Path) -> None:
    project = interview_project()
    sources = project.sources.copy()
    sources.loc[1, "guid"] = sources.loc[0, "guid"]
    document = write_project(project, tmp_path / "ok.qdpx")
    with zipfile.ZipFile(document) as archive:
        qde = archive.read("project.qde").decode()
        texts = {name: archive.read(name) for name in archive.namelist() if name != "project.qde"}
    second, first = sources["guid"].iloc[0], project.sources["guid"].iloc[1]
    hostile = write_zip(tmp_path / "dup.qdpx", {"project.qde": qde.replace(first, second), **texts})
    assert_one_line_exit_2(["import", str(hostile)], "source GUID(s) appear more than once")


def test_duplicate_code_guids_are_refused(tmp_path: Path) -> None:
    codes = interview_project().codes
    document = atlas_like_qde().replace(
        "A182CD3A-D83C-4D8C-BC80-26D9103EC6D9", "A182CD3A-D83C-4D8C-BC80-26D9103EC6D8"
    )
    archive = write_zip(tmp_path / "dup.qdpx", {"project.qde": document})
    assert len(codes)  # the builder's codebook is sound; only the edited copy repeats a GUID
    assert_one_line_exit_2(["import", str(archive)], "code GUID(s) appear more than once")


def test_a_case_pointing_at_a_missing_source_is_refused(tmp_path: Path) -> None:
    document = atlas_like_qde(with_sources=False).replace(
        "</CodeBook>",
        '</CodeBook><Cases><Case guid="F1000000-0000-4000-8000-000000000001" name="Firm">'
        '<SourceRef targetGUID="F2000000-0000-4000-8000-000000000001"/></Case></Cases>',
    )
    archive = write_zip(tmp_path / "case.qdpx", {"project.qde": document})
    assert_one_line_exit_2(["import", str(archive)], "a case refers to the missing source")


@pytest.mark.parametrize(
    ("start", "end", "needle"),
    [
        ("-3", "5", "runs backwards or starts before 0"),
        ("40", "10", "runs backwards"),
        ("x", "5", "not an integer"),
    ],
)
def test_bad_refi_offsets_are_refused(tmp_path: Path, start: str, end: str, needle: str) -> None:
    document = atlas_like_qde().replace('startPosition="', f'startPosition="{start}" old="', 1)
    document = document.replace('endPosition="', f'endPosition="{end}" oldend="', 1)
    archive = write_zip(
        tmp_path / "offsets.qdpx", {"project.qde": document, f"Sources/{ATLAS_SOURCE}.txt": "x" * 400}
    )
    assert_one_line_exit_2(["import", str(archive)], needle)


# ----------------------------------------------------------------------------- QualCoder


def qualcoder(folder: Path, *, code_text: str = "", rows: list[tuple] | None = None) -> Path:
    folder.mkdir()
    connection = sqlite3.connect(folder / "data.qda")
    connection.executescript(
        f"""
        CREATE TABLE code_name (cid INTEGER PRIMARY KEY, name TEXT, memo TEXT, catid INTEGER, color TEXT);
        CREATE TABLE source (id INTEGER PRIMARY KEY, name TEXT, fulltext TEXT, mediapath TEXT);
        CREATE TABLE code_text ({code_text or "ctid INTEGER PRIMARY KEY, cid INTEGER, fid INTEGER, seltext TEXT, pos0, pos1, owner TEXT, date TEXT"});
        INSERT INTO code_name VALUES (1, 'Cost', '', NULL, NULL);
        INSERT INTO source VALUES (1, 'I01', 'Cost was the barrier.', NULL);
        """
    )
    if rows:
        connection.executemany("INSERT INTO code_text VALUES (?,?,?,?,?,?,?,?)", rows)
    connection.commit()
    connection.close()
    return folder


def test_qualcoder_missing_column_is_one_line(tmp_path: Path) -> None:
    folder = qualcoder(tmp_path / "p.qda", code_text="ctid INTEGER PRIMARY KEY, cid INTEGER, fid INTEGER")
    assert_one_line_exit_2(["import", str(folder)], "lacks the column(s)", "pos0")


@pytest.mark.parametrize(
    ("start", "end", "needle"),
    [
        (-2, 4, "run backwards or start before 0"),
        (9, 4, "run backwards"),
        (0, 400, "end past the end of the text"),
        ("four", 8, "not a whole-number text offset"),
        (1.5, 4, "not a whole-number text offset"),
    ],
)
def test_qualcoder_bad_offsets_are_one_line(tmp_path: Path, start: object, end: object, needle: str) -> None:
    folder = qualcoder(tmp_path / "p.qda", rows=[(1, 1, 1, "Cost", start, end, "ana", "")])
    assert_one_line_exit_2(["import", str(folder)], needle)


def test_qualcoder_coding_of_a_missing_source_is_refused(tmp_path: Path) -> None:
    folder = qualcoder(tmp_path / "p.qda", rows=[(1, 1, 7, "Cost", 0, 4, "ana", "")])
    with pytest.raises(InputError, match="unknown source"):
        read_qda(folder)


# ----------------------------------------------------------------------------- formula injection


HOSTILE = '=HYPERLINK("http://attacker.example/","click")'


def test_code_names_never_become_formulas_in_spreadsheets(tmp_path: Path) -> None:
    highlights = tmp_path / "all_tags.csv"
    pd.DataFrame(
        {
            "id": [1, 2, 3],
            "document": ["I01", "I01", "I02"],
            "tag": [HOSTILE, "+cmd|' /C calc'!A0", "@SUM(1+1)"],
            "content": ["We met them at the fair.", "-2+3", "\tTabbed"],
        }
    ).to_csv(highlights, index=False)
    xlsx, csv = tmp_path / "matrix.xlsx", tmp_path / "matrix.csv"
    for out in (xlsx, csv):
        result = runner.invoke(evidence_app, ["matrix", str(highlights), "--by", "source", "--out", str(out)])
        assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(xlsx)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert HOSTILE in {cell.value for cell in cells}  # kept, as plain text
    codes = pd.read_csv(csv)["code"].tolist()
    assert all(not str(code).startswith(("=", "+", "-", "@", "\t", "\r")) for code in codes)
    assert "'" + HOSTILE in codes
    excerpts = tmp_path / "excerpts.csv"
    result = runner.invoke(
        evidence_app,
        ["matrix", str(highlights), "--by", "source", "--cell", "excerpts", "--out", str(excerpts)],
    )
    assert result.exit_code == 0, result.output
    assert all(not str(cell).startswith(("=", "+", "-", "@", "\t")) for cell in pd.read_csv(excerpts).stack())


# ----------------------------------------------------------------------------- unusable --out


def test_import_out_that_is_a_file_or_under_a_file(tmp_path: Path) -> None:
    archive = write_atlas_like(tmp_path / "atlas.qdpx")
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me", encoding="utf-8")
    assert_one_line_exit_2(["import", str(archive), "--out", str(blocker)], "must be a folder")
    assert_one_line_exit_2(
        ["import", str(archive), "--out", str(blocker / "tables")], "is a file, not a folder"
    )
    assert blocker.read_text(encoding="utf-8") == "keep me"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_import_out_in_a_read_only_folder(tmp_path: Path) -> None:
    archive = write_atlas_like(tmp_path / "atlas.qdpx")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert_one_line_exit_2(["import", str(archive), "--out", str(locked / "tables")], "permission")
    finally:
        locked.chmod(0o700)


def test_codebook_out_is_checked_before_writing(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me", encoding="utf-8")
    assert_one_line_exit_2(["codebook", "--out", str(blocker / "codes.qdc")], "does not exist")
    assert_one_line_exit_2(["codebook", "--out", str(tmp_path / "codes.docx")], ".qdc")
    assert_one_line_exit_2(["codebook", "--out", str(tmp_path)], "is a folder")
    assert blocker.read_text(encoding="utf-8") == "keep me"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file"]


def test_a_full_disk_while_writing_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from districtlab.evidence import tables

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "m.csv"))

    monkeypatch.setattr(tables, "atomic_write", full)  # every table write goes through it
    archive = write_atlas_like(tmp_path / "atlas.qdpx")
    assert_one_line_exit_2(
        ["matrix", str(archive), "--out", str(tmp_path / "m.csv")], "No space left on device"
    )
    assert_one_line_exit_2(
        ["import", str(archive), "--out", str(tmp_path / "tables")], "No space left on device"
    )


def test_a_corrupt_taguette_spreadsheet_is_one_line(tmp_path: Path) -> None:
    sheet = tmp_path / "tags.xlsx"
    pd.DataFrame({"id": [1], "document": ["I01"], "tag": ["cost"], "content": ["Too dear."]}).to_excel(
        sheet, index=False
    )
    with zipfile.ZipFile(sheet) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(sheet.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 3, start + 20):
        data[offset] ^= 0x5A
    sheet.write_bytes(bytes(data))
    assert_one_line_exit_2(["import", str(sheet)])


def test_a_codebook_repeating_a_guid_is_refused(tmp_path: Path) -> None:
    codebook = tmp_path / "codes.qdc"
    codebook.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a" name="A" isCodable="true">'
        '<Code guid="a" name="B" isCodable="true"/></Code></Codes></CodeBook>',
        encoding="utf-8",
    )
    assert_one_line_exit_2(["import", str(codebook)], "code GUID(s) appear more than once")


def test_a_spreadsheet_openpyxl_cannot_parse_is_one_line(tmp_path: Path) -> None:
    sheet = write_zip(tmp_path / "tags.xlsx", {"[Content_Types].xml": "not xml"})
    assert_one_line_exit_2(["import", str(sheet)], "not a readable spreadsheet")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "cannot read the units CSV"),
        (b"source,start,end\nI01,0\nI01,1,2,3,4\n", "cannot read the units CSV"),
        (b"\x00\xff\xfe\x01", "cannot read the units CSV"),
        (b"source,start,end\n", "no rows"),
        (b"source,start,end\nI01 castellon RTI staff,x,2\n", "start 'x' is not a whole number"),
        (b"source,start,end\nI01 castellon RTI staff,-4,2\n", "start '-4' is not a whole number"),
    ],
)
def test_bad_units_csv_is_one_line(tmp_path: Path, content: bytes, needle: str) -> None:
    units = tmp_path / "units.csv"
    units.write_bytes(content)
    archive = examples.path("interviews.qdpx")  # two coders
    assert_one_line_exit_2(["reliability", str(archive), "--units", str(units)], needle)


@pytest.mark.parametrize("where", ["under-a-file", "folder", "suffix"])
def test_network_scenario_out_is_checked_before_work(tmp_path: Path, where: str) -> None:
    from districtlab.cli.evidence import network_app

    blocker = tmp_path / "a-file"
    blocker.write_text("keep me", encoding="utf-8")
    out = {"under-a-file": blocker / "x.toml", "folder": tmp_path, "suffix": tmp_path / "x.json"}[where]
    result = runner.invoke(
        network_app,
        [
            "scenario",
            str(examples.path("castellon-ties.csv")),
            "--nodes",
            str(examples.path("castellon-actors.csv")),
            "--preset",
            "castellon-ceramics",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert ".tmp" not in result.stderr
    assert blocker.read_text(encoding="utf-8") == "keep me"
