"""The Evidence page: a coded project becomes a meta-matrix; a broken file is one line on the page."""

from __future__ import annotations

from pathlib import Path

from districtlab.evidence import write_project
from tests.dashboard.conftest import errors, open_page
from tests.evidence._builders import interview_project, write_zip


def test_a_coded_project_gives_a_meta_matrix_that_follows_the_cell_choice(tmp_path: Path) -> None:
    archive = write_project(interview_project(), tmp_path / "interviews.qdpx")
    app = open_page("evidence")
    app.file_uploader(key="qda_upload").set_value(
        ("interviews.qdpx", archive.read_bytes(), "application/zip")
    ).run()
    assert not app.exception
    assert not errors(app)
    counts = app.dataframe[0].value
    assert counts.to_numpy().max() > 1, "some case has a code twice"
    app.radio(key="qda_cell").set_value("presence").run()
    assert not app.exception
    presence = app.dataframe[0].value
    assert presence.shape == counts.shape
    assert not presence.equals(counts)


def test_a_broken_qdpx_is_one_line_on_the_page(tmp_path: Path) -> None:
    broken = write_zip(tmp_path / "broken.qdpx", {"project.qde": "<Project><not-closed>"})
    app = open_page("evidence")
    app.file_uploader(key="qda_upload").set_value(
        ("broken.qdpx", broken.read_bytes(), "application/zip")
    ).run()
    assert not app.exception
    [message] = errors(app)
    assert message.startswith("That file could not be read: broken.qdpx")
    assert "/tmp" not in message.split("broken.qdpx", 1)[1], "names the upload, not a temporary copy"
    assert "\n" not in message


def test_a_file_that_is_not_a_project_is_one_line_on_the_page() -> None:
    app = open_page("evidence")
    app.file_uploader(key="qda_upload").set_value(
        ("notes.qdpx", b"just some text", "application/octet-stream")
    ).run()
    assert not app.exception
    assert len(errors(app)) == 1


def test_the_sample_study_shows_tree_quotations_cooccurrence_and_reliability() -> None:
    app = open_page("evidence")
    app.checkbox(key="qda_sample").check().run()
    assert not app.exception
    assert not errors(app)
    assert any("synthetic" in caption.value.lower() for caption in app.caption)
    tree = "\n".join(element.value for element in app.markdown)
    assert "**Transfer mechanisms**" in tree
    assert "    - Two-step flow through leading firms" in tree
    quotes = app.multiselect(key="qda_quote_codes")
    everything = len(next(frame.value for frame in app.dataframe if "quotation" in frame.value.columns))
    quotes.set_value(["Transfer mechanisms"]).run()
    app.multiselect(key="qda_quote_district").set_value(["Vinalopó footwear"]).run()
    assert not app.exception
    table = next(frame.value for frame in app.dataframe if "quotation" in frame.value.columns)
    assert 0 < len(table) < everything
    assert set(table["district"]) == {"Vinalopó footwear"}
    assert table["code"].str.startswith("Transfer mechanisms / ").all()
    app.multiselect(key="qda_quote_actor_type").set_value(["sme"]).run()
    narrowed = next(frame.value for frame in app.dataframe if "quotation" in frame.value.columns)
    assert set(narrowed["actor_type"]) <= {"sme"}
    assert len(narrowed) <= len(table)
    frames = [frame.value for frame in app.dataframe]
    assert any("c_coefficient" in frame.columns for frame in frames)
    reliability = next(frame for frame in frames if "alpha" in frame.columns)
    pooled = reliability.set_index("code").loc["(pooled)"]
    assert 0.5 < pooled["alpha"] <= 1


def test_code_names_are_escaped_in_the_tree(tmp_path: Path) -> None:
    project = interview_project()
    codes = project.codes.copy()
    codes.loc[2, "name"] = "<img src=x onerror=alert(1)>"
    hostile = type(project)(**{**project.__dict__, "codes": codes})
    archive = write_project(hostile, tmp_path / "hostile.qdpx")
    app = open_page("evidence")
    app.file_uploader(key="qda_upload").set_value(
        ("hostile.qdpx", archive.read_bytes(), "application/zip")
    ).run()
    assert not app.exception
    tree = "\n".join(element.value for element in app.markdown)
    assert "<img" not in tree
    assert "&lt;img" in tree


def test_the_lab_walkthrough_uploads_the_observed_network_scenario(tmp_path: Path) -> None:
    """README's lab path: the sample survey's scenario (step 5) becomes the district in the designer."""
    from typer.testing import CliRunner

    from districtlab import examples
    from districtlab.cli.main import app as cli

    out = tmp_path / "observed.toml"
    result = CliRunner().invoke(
        cli,
        [
            "network",
            "scenario",
            str(examples.path("castellon-ties.csv")),
            "--nodes",
            str(examples.path("castellon-actors.csv")),
            "--semantics",
            "nomination",
            "--preset",
            "castellon-ceramics",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    app = open_page("designer")
    app.file_uploader(key="scenario_upload").set_value(
        ("observed.toml", out.read_bytes(), "application/toml")
    ).run()
    assert not app.exception
    assert not errors(app)
    assert "uploaded" in app.sidebar.selectbox(key="district").value
