"""Taguette highlight exports and QualCoder projects, built by the tests in each tool's format."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from districtlab.errors import InputError
from districtlab.evidence import (
    QdaImportWarning,
    cooccurrence,
    meta_matrix,
    read_project,
    read_qda,
    read_qualcoder,
    read_taguette,
    reliability_by_code,
    write_project,
)

HIGHLIGHTS = pd.DataFrame(
    {
        "id": [7, 7, 8, 9],
        "document": ["I01 toy maker", "I01 toy maker", "I02 shoe maker", "I02 shoe maker"],
        "tag": ["events", "technologies.robots", "cost", ""],
        "content": [
            "We met them at the robot fair.",
            "We met them at the robot fair.",
            "Too expensive.",
            "Hm.",
        ],
    }
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_taguette_highlights(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"all_tags{suffix}"
    if suffix == ".csv":
        HIGHLIGHTS.to_csv(path, index=False)
    else:
        HIGHLIGHTS.to_excel(path, index=False)
    project = read_qda(path)
    assert project.codes["name"].tolist() == ["events", "technologies.robots", "cost"]
    assert project.codes["parent_guid"].isna().all()  # dots belong to Taguette tag names
    assert project.sources["name"].tolist() == ["I01 toy maker", "I02 shoe maker"]
    assert not project.sources["has_text"].any()
    assert not project.sources["text_missing"].any()
    segments = project.segments
    assert segments["text"].tolist() == HIGHLIGHTS["content"].tolist()
    assert segments["start"].isna().all()
    assert segments["code_guid"].isna().tolist() == [False, False, False, True]
    # One highlight with two tags co-occurs with itself, even without offsets.
    pair = cooccurrence(project).set_index(["code_a", "code_b"]).loc[("events", "technologies.robots")]
    assert pair["n_ab"] == 1
    assert pair["c_coefficient"] == 1.0
    assert meta_matrix(project, by="source")["count"].tolist() == [1, 1, 0, 0, 0, 1]


def test_taguette_parents_and_bad_columns(tmp_path: Path) -> None:
    with_parents = HIGHLIGHTS.assign(
        tag_parent=["", "technologies", "", ""], tag_description=["RTI events", "", "", ""]
    )
    path = tmp_path / "new.csv"
    with_parents.to_csv(path, index=False)
    codes = read_taguette(path).codes.set_index("name")
    assert codes.loc["technologies.robots", "path"] == "technologies / technologies.robots"
    assert codes.loc["events", "description"] == "RTI events"
    HIGHLIGHTS.drop(columns="content").to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(
        InputError, match=r"bad\.csv: not a Taguette highlights export: missing column\(s\) content"
    ):
        read_qda(tmp_path / "bad.csv")


def qualcoder_project(folder: Path) -> Path:
    """A QualCoder project folder with QualCoder's schema: two coders, a category, a case and attributes."""
    folder.mkdir()
    text = "Q: Barriers?\nA: Cost, and nobody to run the robot.\n"
    connection = sqlite3.connect(folder / "data.qda")
    connection.executescript(
        """
        CREATE TABLE project (databaseversion TEXT, date TEXT, memo TEXT, about TEXT, codername TEXT);
        CREATE TABLE code_cat (catid INTEGER PRIMARY KEY, name TEXT UNIQUE, memo TEXT, owner TEXT, date TEXT,
            supercatid INTEGER);
        CREATE TABLE code_name (cid INTEGER PRIMARY KEY, name TEXT UNIQUE, memo TEXT, catid INTEGER, owner TEXT,
            date TEXT, color TEXT);
        CREATE TABLE source (id INTEGER PRIMARY KEY, name TEXT, fulltext TEXT, mediapath TEXT, memo TEXT,
            owner TEXT, date TEXT, av_text_id INTEGER, risid INTEGER, UNIQUE(name));
        CREATE TABLE code_text (ctid INTEGER PRIMARY KEY, cid INTEGER, fid INTEGER, seltext TEXT, pos0 INTEGER,
            pos1 INTEGER, owner TEXT, date TEXT, memo TEXT, avid INTEGER, important INTEGER,
            UNIQUE(cid, fid, pos0, pos1, owner));
        CREATE TABLE cases (caseid INTEGER PRIMARY KEY, name TEXT, memo TEXT, owner TEXT, date TEXT);
        CREATE TABLE case_text (id INTEGER PRIMARY KEY, caseid INTEGER, fid INTEGER, pos0 INTEGER, pos1 INTEGER,
            owner TEXT, date TEXT, memo TEXT);
        CREATE TABLE attribute_type (name TEXT PRIMARY KEY, date TEXT, owner TEXT, memo TEXT, caseOrFile TEXT,
            valuetype TEXT);
        CREATE TABLE attribute (attrid INTEGER PRIMARY KEY, name TEXT, attr_type TEXT, value TEXT, id INTEGER,
            date TEXT, owner TEXT);
        """
    )
    connection.executemany(
        "INSERT INTO code_cat VALUES (?,?,?,?,?,?)", [(1, "Barriers", "", "ana", "", None)]
    )
    connection.executemany(
        "INSERT INTO code_name VALUES (?,?,?,?,?,?,?)",
        [
            (1, "Cost", "money", 1, "ana", "", "#FF0000"),
            (2, "Absorptive capacity", "", 1, "ana", "", None),
        ],
    )
    connection.executemany(
        "INSERT INTO source VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (1, "I01", text, None, "", "ana", "", None, None),
            (2, "photo", None, "/images/line.jpg", "", "", "", None, None),
        ],
    )
    cost, staff = text.index("Cost"), text.index("nobody to run the robot")
    connection.executemany(
        "INSERT INTO code_text (cid, fid, seltext, pos0, pos1, owner, date) VALUES (?,?,?,?,?,?,?)",
        [
            (1, 1, "Cost", cost, cost + 4, "ana", "2024-01-01"),
            (1, 1, "Cost", cost, cost + 4, "ben", "2024-01-02"),
            (2, 1, "nobody to run the robot", staff, staff + 23, "ana", "2024-01-01"),
        ],
    )
    connection.execute("INSERT INTO cases VALUES (1, 'Toy firm', '', 'ana', '')")
    connection.execute("INSERT INTO case_text (caseid, fid, pos0, pos1) VALUES (1, 1, 0, 10)")
    connection.execute("INSERT INTO attribute_type VALUES ('district', '', 'ana', '', 'case', 'character')")
    connection.execute(
        "INSERT INTO attribute (name, attr_type, value, id) VALUES ('district', 'case', 'Toy Valley', 1)"
    )
    connection.commit()
    connection.close()
    return folder


def test_qualcoder_project(tmp_path: Path) -> None:
    folder = qualcoder_project(tmp_path / "study.qda")
    project = read_qda(folder)
    assert project.name == "study"
    assert project.codes["path"].tolist() == [
        "Barriers",
        "Barriers / Cost",
        "Barriers / Absorptive capacity",
    ]
    assert project.codes["is_codable"].tolist() == [False, True, True]
    assert project.sources["kind"].tolist() == ["text", "picture"]
    assert project.users["name"].tolist() == ["ana", "ben"]
    segments = project.segments
    assert segments["text"].tolist() == ["Cost", "Cost", "nobody to run the robot"]
    assert segments["coder"].tolist() == ["ana", "ben", "ana"]
    assert segments["selection_guid"].iloc[0] == segments["selection_guid"].iloc[1]
    by_district = meta_matrix(project, by="district")
    assert by_district["district"].tolist() == [
        "Toy Valley",
        "Toy Valley",
        "(unassigned)",
        "(unassigned)",
    ]
    assert by_district["count"].tolist() == [1, 1, 0, 0]  # the coders' shared "Cost" counts once
    table = reliability_by_code(project, units="paragraph").set_index("code")
    assert table.loc["Barriers / Cost", "alpha"] == pytest.approx(1.0)
    # The database file is the same after reading (opened read-only) and gives the same project again.
    assert read_qualcoder(folder / "data.qda").segments.equals(segments)


def test_qualcoder_survives_a_refi_round_trip(tmp_path: Path) -> None:
    project = read_qualcoder(qualcoder_project(tmp_path / "study.qda"))
    again = read_project(write_project(project, tmp_path / "study.qdpx"))
    for table in (
        "codes",
        "sources",
        "segments",
        "cases",
        "case_sources",
        "variables",
        "variable_values",
    ):
        pd.testing.assert_frame_equal(getattr(project, table), getattr(again, table), obj=table)


def test_qualcoder_disagreeing_selected_text_warns(tmp_path: Path) -> None:
    folder = qualcoder_project(tmp_path / "study.qda")
    connection = sqlite3.connect(folder / "data.qda")
    connection.execute("UPDATE code_text SET seltext = 'Kost' WHERE ctid = 1")
    connection.commit()
    connection.close()
    with pytest.warns(QdaImportWarning, match="1 coding"):
        project = read_qualcoder(folder)
    assert project.segments["text"].iloc[0] == "Cost"


def test_not_a_qualcoder_database(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(
        InputError,
        match=r"not a QualCoder project: table\(s\) code_name, source, code_text missing",
    ):
        read_qda(path)
    with pytest.raises(InputError, match="not a QualCoder project"):
        read_qda(tmp_path)
