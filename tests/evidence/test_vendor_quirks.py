"""Vendor quirks seen in real exports, each rebuilt in ``_builders`` (no file outside ``tests/``)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.evidence import evidence_app
from districtlab.errors import InputError
from districtlab.evidence import QdaImportWarning, read_project, write_project
from districtlab.evidence.offsets import choose_convention, utf16_to_codepoints

from ._builders import (
    ATLAS_FREE_QUOTATION,
    ATLAS_SOURCE,
    ATLAS_TEXT,
    ATLAS_TRIPLE,
    NVIVO_PASSAGES,
    atlas_like_qde,
    write_atlas_like,
    write_maxqda_like,
    write_nvivo_like,
    write_zip,
)

runner = CliRunner()


def test_atlas_free_quotation_is_kept_with_its_description(tmp_path: Path) -> None:
    project = read_project(write_atlas_like(tmp_path / "atlas.qdpx"))
    free = project.segments[project.segments["code_guid"].isna()]
    assert len(free) == 1
    row = free.iloc[0]
    assert row["text"] == ATLAS_FREE_QUOTATION
    assert row["description"] == "Training, not technology: compare with the RTI interviews."
    assert row["coder"] == "Enric Llagostera"
    assert project.counts()["coded segments"] == 4  # the free quotation is not a coding


def test_atlas_selection_with_three_codings_gives_three_rows(tmp_path: Path) -> None:
    project = read_project(write_atlas_like(tmp_path / "atlas.qdpx"))
    triple = project.segments[project.segments["text"] == ATLAS_TRIPLE]
    assert sorted(triple["code_name"]) == ["Commits", "Robots", "Suppliers"]
    assert triple["selection_guid"].nunique() == 1
    assert triple["coding_guid"].nunique() == 3


def test_atlas_export_imports_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = runner.invoke(
        evidence_app, ["import", str(write_atlas_like(tmp_path / "atlas.qdpx")), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    segments = pd.read_csv(out / "segments.csv")
    assert len(segments) == 5
    assert segments["code_name"].isna().sum() == 1


def test_free_quotations_and_multiple_codings_survive_a_round_trip(tmp_path: Path) -> None:
    first = read_project(write_atlas_like(tmp_path / "atlas.qdpx"))
    second = read_project(write_project(first, tmp_path / "again.qdpx"))
    pd.testing.assert_frame_equal(first.segments, second.segments)


def test_nvivo_utf16_positions_are_detected_with_a_warning_naming_the_convention(tmp_path: Path) -> None:
    archive = write_nvivo_like(tmp_path / "nvivo.qdpx")
    with pytest.warns(QdaImportWarning, match="UTF-16 code units"):
        project = read_project(archive)
    assert project.segments["text"].tolist() == list(NVIVO_PASSAGES)


def test_nvivo_positions_are_detected_from_the_text_whatever_the_origin(tmp_path: Path) -> None:
    archive = write_nvivo_like(tmp_path / "nvivo.qdpx", origin="Some tool 1.0")
    with pytest.warns(QdaImportWarning, match="UTF-16"):
        project = read_project(archive)
    assert project.segments["text"].tolist() == list(NVIVO_PASSAGES)


def test_code_point_positions_around_emoji_are_recognised_even_from_nvivo(tmp_path: Path) -> None:
    archive = write_nvivo_like(tmp_path / "fixed.qdpx", utf16=False)
    with pytest.warns(QdaImportWarning, match="Unicode code points"):
        project = read_project(archive)
    assert project.segments["text"].tolist() == list(NVIVO_PASSAGES)


def test_a_forced_convention_is_used_without_guessing(tmp_path: Path) -> None:
    archive = write_nvivo_like(tmp_path / "nvivo.qdpx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right = read_project(archive, offsets="utf16")
        wrong = read_project(archive, offsets="codepoints")
    assert right.segments["text"].tolist() == list(NVIVO_PASSAGES)
    assert wrong.segments["text"].tolist()[1:] != list(NVIVO_PASSAGES)[1:]  # shifted by the emoji
    with pytest.raises(InputError, match="offsets must be one of"):
        read_project(archive, offsets="bytes")


def test_offsets_option_on_the_command_line(tmp_path: Path) -> None:
    archive = write_nvivo_like(tmp_path / "nvivo.qdpx")
    out = tmp_path / "tables"
    result = runner.invoke(evidence_app, ["import", str(archive), "--offsets", "utf16", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out / "segments.csv")["text"].tolist() == list(NVIVO_PASSAGES)
    auto = runner.invoke(evidence_app, ["import", str(archive)])
    assert auto.exit_code == 0
    assert "warning: " in auto.stderr
    assert "UTF-16" in auto.stderr
    bad = runner.invoke(evidence_app, ["import", str(archive), "--offsets", "bytes"])
    assert bad.exit_code == 2
    assert len(bad.stderr.strip().splitlines()) == 1


def test_utf16_conversion_and_choice_are_pure_functions() -> None:
    text = "a😀b"
    assert utf16_to_codepoints(text, [0, 1, 3, 4]) == [0, 1, 2, 3]
    assert utf16_to_codepoints(text, [2]) == [2]  # inside the surrogate pair: to the character's end
    assert choose_convention({"s": "plain text"}, [("s", 0, 5)], "NVivo 12")[0] == "codepoints"


def test_maxqda_zip_with_lower_case_sources_and_an_empty_root_folder(tmp_path: Path) -> None:
    project = read_project(write_maxqda_like(tmp_path / "export.zip"))
    assert project.segments["text"].tolist() == ["Robots came"]
    assert project.sources["kind"].tolist() == ["text", "pdf", "picture"]
    result = runner.invoke(evidence_app, ["import", str(tmp_path / "export.zip")])
    assert result.exit_code == 0, result.output


def test_notes_sets_links_and_regions_have_their_own_tables(tmp_path: Path) -> None:
    project = read_project(write_maxqda_like(tmp_path / "export.zip"))
    assert project.notes["text"].tolist() == ["Suppliers matter more than events here."]
    assert project.sets["name"].unique().tolist() == ["Toy Valley interviews"]
    assert project.sets["member_kind"].tolist() == ["source", "source"]
    assert project.links["name"].tolist() == ["explains"]
    regions = project.regions.set_index("kind")
    assert regions.loc["pdf", "page"] == 2
    assert regions.loc["pdf", "code_name"] == "Channels"
    assert (regions.loc["pdf", "second_x"], regions.loc["pdf", "second_y"]) == (300, 140)
    assert pd.isna(regions.loc["picture", "code_guid"])
    assert regions.loc["picture", "description"] == "The new cobot"
    again = read_project(write_project(project, tmp_path / "again.qdpx"))
    for table in ("notes", "sets", "links", "regions", "segments"):
        pd.testing.assert_frame_equal(getattr(project, table), getattr(again, table), obj=table)


def test_schema_validation_reports_the_first_violation_in_one_line(tmp_path: Path) -> None:
    pytest.importorskip("xmlschema")
    good = write_atlas_like(tmp_path / "atlas.qdpx")
    assert len(read_project(good, validate=True).segments) == 5
    broken = atlas_like_qde().replace('isCodable="true" color="#ffd700"', 'color="#ffd700"')
    archive = write_zip(tmp_path / "broken.qdpx", {"project.qde": broken})
    with pytest.raises(InputError, match="not valid REFI-QDA") as error:
        read_project(archive, validate=True)
    assert "isCodable" in str(error.value)
    assert "\n" not in str(error.value)
    result = runner.invoke(evidence_app, ["import", str(archive), "--validate"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_free_quotation_commented_through_a_note_keeps_the_note_as_its_description(tmp_path: Path) -> None:
    note = "E9000000-0000-4000-8000-000000000001"
    document = atlas_like_qde().replace(
        "<Description>Training, not technology: compare with the RTI interviews.</Description>",
        f'<NoteRef targetGUID="{note}"/>',
    )
    document = document.replace(
        "</Sources>",
        f'</Sources><Notes><Note guid="{note}" name="Comment 1:3"><PlainTextContent>Ask about the '
        "courses.</PlainTextContent></Note></Notes>",
    )
    archive = write_zip(
        tmp_path / "noted.qdpx", {"project.qde": document, "Sources/" + ATLAS_SOURCE + ".txt": ATLAS_TEXT}
    )
    project = read_project(archive)
    free = project.segments[project.segments["code_guid"].isna()].iloc[0]
    assert free["text"] == ATLAS_FREE_QUOTATION
    assert free["description"] == "Ask about the courses."
    assert project.notes["name"].tolist() == ["Comment 1:3"]
