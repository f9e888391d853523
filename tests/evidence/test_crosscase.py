"""Cross-case meta-matrices, code co-occurrence and their exports."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from districtlab.errors import InputError
from districtlab.evidence import (
    c_coefficient,
    cooccurrence,
    cooccurrence_wide,
    meta_matrix,
    meta_matrix_wide,
    source_groups,
    write_table,
)


def test_c_coefficient_known_answer() -> None:
    assert round(float(c_coefficient(100, 10, 5)), 3) == 0.048
    assert c_coefficient([2, 0], [2, 0], [2, 0])[0] == 1.0
    assert np.isnan(c_coefficient(0, 0, 0))


def test_source_groups_by_case_variable_and_source(project) -> None:
    names = dict(zip(project.sources["guid"], project.sources["name"], strict=True))
    by_district = source_groups(project, "district")
    assert {names[g]: d for g, d in zip(by_district["source_guid"], by_district["group"], strict=True)} == {
        "I01 toy maker": "Toy Valley",
        "I02 shoe maker": "Vinalopó",
    }
    assert source_groups(project, "DISTRICT")["group"].tolist() == by_district["group"].tolist()
    assert source_groups(project, "source")["group"].tolist() == ["I01 toy maker", "I02 shoe maker"]
    with pytest.raises(
        InputError, match=r"not 'case', 'source' or a variable .*variables: adoption, district"
    ):
        source_groups(project, "sector")


def test_meta_matrix_counts_distinct_passages(project) -> None:
    matrix = meta_matrix(project, by="case")
    assert list(matrix.columns) == ["case", "code", "count"]
    wide = meta_matrix_wide(matrix)
    assert list(wide.columns) == ["Instruments / Events", "Cost", "Supplier transceivers"]
    # Toy firm: Events coded by Ana (whole sentence) and Ben ("AIJU event"): two passages.
    # Cost: Ana's "Cost, mostly.", Ben's "Cost" and Ben's sentence: three passages.
    assert wide.loc["Toy firm"].tolist() == [2, 3, 0]
    assert wide.loc["Shoe firm"].tolist() == [0, 1, 2]
    only_ana = meta_matrix_wide(meta_matrix(project, by="case", coders=["Ana"]))
    assert only_ana.loc["Toy firm"].tolist() == [1, 1, 0]


def test_meta_matrix_presence_excerpts_and_case_order(project) -> None:
    presence = meta_matrix_wide(meta_matrix(project, by="district", cell="presence"))
    assert presence.loc["Vinalopó"].tolist() == [False, True, True]
    ordered = meta_matrix(project, by="case", order_by="adoption")
    assert list(dict.fromkeys(ordered["case"])) == ["Shoe firm", "Toy firm"]  # adoption 1 before 3
    excerpts = meta_matrix_wide(meta_matrix(project, by="case", cell="excerpts", max_excerpts=1))
    assert (
        excerpts.loc["Toy firm", "Instruments / Events"]
        == "[I01 toy maker] At the AIJU event on robots.\n(+1 more)"
    )
    assert excerpts.loc["Shoe firm", "Instruments / Events"] == ""
    with pytest.raises(InputError, match="cell must be one of"):
        meta_matrix(project, cell="sum")


def test_cooccurrence_overlap_and_source_scopes(project) -> None:
    table = cooccurrence(project).set_index(["code_a", "code_b"])
    events_cost = table.loc[("Instruments / Events", "Cost")]
    # Events passages: Ana's sentence and Ben's "AIJU event"; both overlap Ben's Cost on the sentence.
    assert events_cost[["n_a", "n_b", "n_ab"]].tolist() == [2, 4, 2]
    assert events_cost["c_coefficient"] == pytest.approx(2 / (2 + 4 - 2))
    assert events_cost["share_of_a"] == pytest.approx(1.0)
    assert events_cost["share_of_b"] == pytest.approx(0.5)
    cost_suppliers = table.loc[("Cost", "Supplier transceivers")]
    assert cost_suppliers[["n_a", "n_b", "n_ab"]].tolist() == [4, 2, 2]
    by_source = cooccurrence(project, scope="source").set_index(["code_a", "code_b"])
    assert by_source.loc[("Instruments / Events", "Supplier transceivers"), "n_ab"] == 0
    assert by_source.loc[("Cost", "Supplier transceivers"), ["n_a", "n_b", "n_ab"]].tolist() == [
        2,
        1,
        1,
    ]
    wide = cooccurrence_wide(cooccurrence(project), "n_ab")
    assert wide.loc["Cost", "Instruments / Events"] == wide.loc["Instruments / Events", "Cost"] == 2


def test_adjacent_half_open_passages_do_not_overlap(project) -> None:
    segments = project.segments.copy()
    text = project.text(segments["source_guid"].iloc[0])
    start = text.index("Cost, mostly.")
    rows = segments.iloc[:2].copy()
    rows["start"], rows["end"] = [start, start + 4], [start + 4, start + 8]
    rows["selection_guid"] = ["s-left", "s-right"]
    touching = type(project)(**{**project.__dict__, "segments": rows.reset_index(drop=True)})
    assert cooccurrence(touching)["n_ab"].sum() == 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".html", ".parquet"])
def test_exports_are_written_and_readable(project, tmp_path: Path, suffix: str) -> None:
    tidy = meta_matrix(project, by="district", cell="excerpts")
    path = write_table(
        tidy, tmp_path / f"matrix{suffix}", display=meta_matrix_wide(tidy), title="Matrix <test>"
    )
    if suffix == ".csv":
        pd.testing.assert_frame_equal(
            pd.read_csv(path, keep_default_na=False), tidy.astype(object), check_dtype=False
        )
    elif suffix == ".parquet":
        assert pd.read_parquet(path)["excerpts"].tolist() == tidy["excerpts"].tolist()
    elif suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path)
        assert workbook.sheetnames == ["matrix", "data"]
        header = [cell.value for cell in workbook["matrix"][1]]
        assert header == ["district", "Instruments / Events", "Cost", "Supplier transceivers"]
        assert workbook["data"].max_row == len(tidy) + 1
    else:
        page = path.read_text(encoding="utf-8")
        assert "<title>Matrix &lt;test&gt;</title>" in page
        assert "Vinalopó" in page
        assert not re.search(r"<script|<link|https?://", page)  # self-contained, works offline
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_unsupported_export_is_refused_without_writing(project, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unsupported table format '\.docx'"):
        write_table(meta_matrix(project), tmp_path / "matrix.docx")
    assert list(tmp_path.iterdir()) == []
