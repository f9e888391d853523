"""A fourth district is one TOML file in a user folder: every command finds it with no code change."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.errors import InputError
from districtlab.presets import PRESETS_VARIABLE, districts, list_presets, load_preset

FOURTH = "alcoy-textiles"


def _fourth_district_file(folder: Path) -> Path:
    """A complete scenario file: the Toy Valley preset renamed (a test fixture, not a calibration)."""
    text = resources.files("districtlab.presets").joinpath("toy-valley.toml").read_text(encoding="utf-8")
    text = text.replace('name = "toy-valley"', f'name = "{FOURTH}"', 1)
    text = text.replace(
        'district = "Toy Valley (Ibi, Onil, Castalla)"', 'district = "Alcoy textiles (test district)"', 1
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{FOURTH}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def user_presets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "my-presets"
    _fourth_district_file(folder)
    monkeypatch.setenv(PRESETS_VARIABLE, str(folder))
    return folder


def invoke(*arguments: str) -> object:
    result = CliRunner().invoke(app, list(arguments))
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.usefixtures("user_presets")
def test_the_fourth_district_is_listed_after_the_study_s_three_and_loads() -> None:
    assert FOURTH in list_presets()
    assert districts() == ("castellon-ceramics", "vinalopo-footwear", "toy-valley", FOURTH)
    assert load_preset(FOURTH).district == "Alcoy textiles (test district)"
    assert FOURTH in invoke("presets").output  # type: ignore[attr-defined]


@pytest.mark.usefixtures("user_presets")
def test_run_and_compare_and_report_take_the_fourth_district_by_name(tmp_path: Path) -> None:
    run_out = tmp_path / "run"
    invoke("run", FOURTH, "--firms", "60", "--months", "12", "--seed", "2", "--out", str(run_out))
    assert (run_out / "outcomes.parquet").exists()
    invoke("report", str(run_out))
    assert "Alcoy textiles" in (run_out / "report" / "index.html").read_text(encoding="utf-8")
    compared = tmp_path / "compare"
    invoke(
        "compare",
        FOURTH,
        "--firms",
        "60",
        "--months",
        "12",
        "--programmes",
        "none,place-based",
        "--replications",
        "2",
        "--seed",
        "3",
        "--out",
        str(compared),
    )
    report = tmp_path / "report"
    invoke("report", str(compared), "--out", str(report))
    assert "Alcoy textiles" in (report / "index.html").read_text(encoding="utf-8")


@pytest.mark.usefixtures("user_presets")
def test_the_demo_runs_the_fourth_district_with_the_three(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    invoke("demo", "--replications", "2", "--workers", "1", "--out", str(out))
    summary = pd.read_csv(out / "additionality.csv")
    assert len(summary) == 8  # four districts x {generic, place-based}
    assert "Alcoy textiles" in (out / "index.html").read_text(encoding="utf-8")


def test_a_user_file_may_not_take_a_shipped_preset_s_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "toy-valley.toml").write_text("name = 'x'\n", encoding="utf-8")
    monkeypatch.setenv(PRESETS_VARIABLE, str(tmp_path))
    with pytest.raises(InputError, match="defined twice"):
        list_presets()


def test_a_missing_user_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PRESETS_VARIABLE, str(tmp_path / "absent"))
    with pytest.raises(InputError, match="not a folder"):
        list_presets()


def test_a_district_s_own_behaviour_keys_replace_the_region_s(tmp_path: Path) -> None:
    from districtlab.presets import load_scenario

    text = _fourth_district_file(tmp_path).read_text(encoding="utf-8")
    own = tmp_path / "own.toml"
    own.write_text(text.replace("[population]", "[behaviour]\nadoption_hazard = 0.08\n\n[population]", 1))
    regional = load_scenario(str(tmp_path / f"{FOURTH}.toml"))
    changed = load_scenario(str(own))
    assert changed.behaviour.adoption_hazard == 0.08
    assert changed.behaviour.utility_slope == regional.behaviour.utility_slope
    assert changed.programmes["generic"].priorities == regional.programmes["generic"].priorities


def test_an_unknown_region_is_one_line(tmp_path: Path) -> None:
    from districtlab.presets import load_scenario

    text = _fourth_district_file(tmp_path).read_text(encoding="utf-8")
    path = tmp_path / "elsewhere.toml"
    path.write_text(text.replace('region = "valencian-community"', 'region = "atlantis"', 1))
    with pytest.raises(InputError, match="unknown region 'atlantis'"):
        load_scenario(str(path))
