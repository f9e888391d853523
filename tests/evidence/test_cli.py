"""The ``evidence`` and ``network`` commands, driven through Typer's test runner."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.evidence import evidence_app, network_app
from districtlab.evidence import read_codebook, write_project

from ._builders import interview_project, write_atlas_like

runner = CliRunner()


@pytest.fixture
def qdpx(tmp_path: Path) -> Path:
    return write_project(interview_project(), tmp_path / "interviews.qdpx")


def assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert all(needle in lines[0] for needle in needles), lines[0]
    assert "Traceback" not in result.output


def test_import_shows_a_summary_and_writes_tables(qdpx: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = runner.invoke(evidence_app, ["import", str(qdpx), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "coded segments" in result.stdout
    assert "8" in result.stdout
    segments = pd.read_csv(out / "segments.csv")
    assert len(segments) == 8
    assert {
        "source_guid",
        "start",
        "end",
        "code_guid",
        "coder",
        "text",
    } <= set(segments)
    assert sorted(path.name for path in out.iterdir())[:3] == [
        "case_sources.csv",
        "cases.csv",
        "codes.csv",
    ]
    parquet = runner.invoke(evidence_app, ["import", str(qdpx), "--out", str(out), "--format", "parquet"])
    assert parquet.exit_code == 0
    assert len(pd.read_parquet(out / "segments.parquet")) == 8


def test_import_of_an_atlas_style_export(tmp_path: Path) -> None:
    result = runner.invoke(evidence_app, ["import", str(write_atlas_like(tmp_path / "atlas.qdpx"))])
    assert result.exit_code == 0
    assert "codes" in result.stdout


def test_import_reports_missing_sources_as_one_warning_line(tmp_path: Path) -> None:
    project = interview_project()
    # Drop the stored text of one source: the archive then lacks its file.
    texts = {guid: text for guid, text in project.texts.items() if guid != project.sources["guid"].iloc[0]}
    path = write_project(type(project)(**{**project.__dict__, "texts": texts}), tmp_path / "gap.qdpx")
    result = runner.invoke(evidence_app, ["import", str(path)])
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1
    assert "flagged text_missing" in warnings[0]


def test_matrix_by_variable_to_each_format(qdpx: Path, tmp_path: Path) -> None:
    shown = runner.invoke(evidence_app, ["matrix", str(qdpx), "--by", "district"])
    assert shown.exit_code == 0
    assert "Vinalopó" in shown.stdout
    for suffix in (".csv", ".xlsx", ".html"):
        out = tmp_path / f"matrix{suffix}"
        result = runner.invoke(
            evidence_app,
            ["matrix", str(qdpx), "--by", "case", "--cell", "presence", "--out", str(out)],
        )
        assert result.exit_code == 0, result.output
        assert out.is_file(), result.output
    assert pd.read_csv(tmp_path / "matrix.csv").columns.tolist() == ["case", "code", "presence"]


def test_matrix_bad_input_is_exit_2_and_writes_nothing(qdpx: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    assert_one_line_error(
        runner.invoke(evidence_app, ["matrix", str(qdpx), "--by", "sector", "--out", str(out)]),
        "sector",
    )
    assert_one_line_error(
        runner.invoke(evidence_app, ["matrix", str(qdpx), "--out", str(tmp_path / "m.docx")]),
        "docx",
    )
    assert_one_line_error(
        runner.invoke(evidence_app, ["matrix", str(tmp_path / "nope.qdpx")]), "no such file"
    )
    assert not out.exists()
    assert not (tmp_path / "m.docx").exists()


def test_cooccurrence_and_reliability(qdpx: Path, tmp_path: Path) -> None:
    result = runner.invoke(evidence_app, ["cooccurrence", str(qdpx), "--out", str(tmp_path / "co.xlsx")])
    assert result.exit_code == 0
    assert (tmp_path / "co.xlsx").is_file()
    shown = runner.invoke(evidence_app, ["reliability", str(qdpx), "--unit", "paragraph"])
    assert shown.exit_code == 0
    assert "(pooled)" in shown.stdout
    out = tmp_path / "icr.csv"
    written = runner.invoke(evidence_app, ["reliability", str(qdpx), "--unit", "source", "--out", str(out)])
    assert written.exit_code == 0
    assert pd.read_csv(out)["code"].iloc[-1] == "(pooled)"
    assert_one_line_error(
        runner.invoke(evidence_app, ["reliability", str(qdpx), "--coder", "Ana"]),
        "two or more coders",
    )
    assert_one_line_error(
        runner.invoke(evidence_app, ["reliability", str(qdpx), "--level", "cardinal"]), "level"
    )


def test_codebook_export(tmp_path: Path) -> None:
    result = runner.invoke(evidence_app, ["codebook", "--out", str(tmp_path / "districtlab.qdc")])
    assert result.exit_code == 0
    assert "Living lab" in set(read_codebook(tmp_path / "districtlab.qdc")["name"])
    assert runner.invoke(evidence_app, ["codebook", "--out", str(tmp_path / "c.yaml")]).exit_code == 0
    assert_one_line_error(
        runner.invoke(evidence_app, ["codebook", "--out", str(tmp_path / "c.txt")]), ".qdc or .yaml"
    )


@pytest.fixture
def network(tmp_path: Path) -> tuple[Path, Path]:
    nodes = tmp_path / "actors.csv"
    nodes.write_text(
        "id,type,district\nINESCOP,rti,Vinalopó\nLeader,lead firm,Vinalopó\nS1,sme,Vinalopó\nS2,sme,Vinalopó\n"
        "Vendor,external,\n",
        encoding="utf-8",
    )
    edges = tmp_path / "advice.csv"
    edges.write_text(
        "source,target\nS1,INESCOP\nS2,INESCOP\nS2,Leader\nINESCOP,Vendor\nLeader,Vendor\n",
        encoding="utf-8",
    )
    return edges, nodes


def test_network_roles_and_brokerage(network, tmp_path: Path) -> None:
    edges, nodes = network
    shown = runner.invoke(
        network_app, ["roles", str(edges), "--nodes", str(nodes), "--semantics", "nomination"]
    )
    assert shown.exit_code == 0, shown.output
    roles_csv = tmp_path / "roles.csv"
    written = runner.invoke(
        network_app,
        [
            "roles",
            str(edges),
            "--nodes",
            str(nodes),
            "--semantics",
            "nomination",
            "--out",
            str(roles_csv),
        ],
    )
    assert written.exit_code == 0, written.output
    roles = pd.read_csv(roles_csv).set_index("node")
    # The RTI hears from the outside vendor and advises two SMEs: Morrison's two conditions hold,
    # while by Giuliani and Bell it is an external star (it receives nothing inside the district).
    assert roles.loc["INESCOP", ["receives_external", "diffuses_internally", "gatekeeper"]].tolist() == [
        True,
        True,
        True,
    ]
    assert roles.loc["INESCOP", "cognitive_role"] == "external_star"
    assert "Vendor" not in roles["cognitive_role"].dropna().index
    out = tmp_path / "brokerage.csv"
    result = runner.invoke(
        network_app,
        [
            "brokerage",
            str(edges),
            "--nodes",
            str(nodes),
            "--group",
            "type",
            "--semantics",
            "nomination",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out).set_index("node")
    # Vendor -> INESCOP -> S1 and S2: three different actor types, so the RTI is a liaison twice.
    assert table.loc["INESCOP", "liaison"] == 2
    assert table.loc["INESCOP", "gatekeeper"] == 0
    roles_out = tmp_path / "roles.html"
    assert (
        runner.invoke(
            network_app, ["roles", str(edges), "--nodes", str(nodes), "--out", str(roles_out)]
        ).exit_code
        == 0
    )
    assert roles_out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_network_bad_input_is_exit_2(network, tmp_path: Path) -> None:
    edges, nodes = network
    assert_one_line_error(runner.invoke(network_app, ["roles", str(edges)]), "node table")
    assert_one_line_error(
        runner.invoke(network_app, ["brokerage", str(edges), "--nodes", str(nodes), "--group", "sector"]),
        "sector",
    )
    assert_one_line_error(
        runner.invoke(network_app, ["roles", str(edges), "--nodes", str(nodes), "--semantics", "advice"]),
        "edge_semantics",
    )
    nodes.write_text("id,type\nINESCOP,bank\n", encoding="utf-8")
    assert_one_line_error(
        runner.invoke(network_app, ["roles", str(edges), "--nodes", str(nodes)]),
        "actors.csv",
        "line 2",
        "bank",
    )


def test_tables_on_screen_speak_the_chosen_language(qdpx: Path, network, tmp_path: Path) -> None:
    from districtlab.cli.main import app

    shown = runner.invoke(app, ["--lang", "es", "evidence", "reliability", str(qdpx)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "fiabilidad entre codificadores" in shown.output
    assert "Alfa de Krippendorff" in shown.output
    assert "alpha" not in shown.output
    assert "0,7143" in shown.output  # the decimal comma
    edges, nodes = network
    roles = runner.invoke(
        app,
        ["--lang", "ca", "network", "roles", str(edges), "--nodes", str(nodes), "--semantics", "nomination"],
        env={"COLUMNS": "200"},
    )
    assert roles.exit_code == 0, roles.output
    assert "Rol cognitiu" in roles.output
    assert "estrella" in roles.output
    assert "external_star" not in roles.output
    assert "True" not in roles.output
    # Files keep the data's own column names whatever the language.
    out = tmp_path / "roles.csv"
    written = runner.invoke(
        app,
        ["--lang", "ca", "network", "roles", str(edges), "--nodes", str(nodes), "--semantics", "nomination",
         "--out", str(out)],
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    assert {"cognitive_role", "in_degree"} <= set(pd.read_csv(out).columns)
