"""Target files: the documented format, the shipped set and one-line errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from districtlab.calibration.simulator import Statistics
from districtlab.calibration.targets import load_targets, parse_targets
from districtlab.cli.main import app
from districtlab.errors import InputError

DATA = Path(__file__).parent / "data"
HEADER = "technology,indicator,year,size_class,value,unit,se,weight,source\n"


def test_shipped_set_maps_indicators_to_technologies() -> None:
    targets = load_targets("spain-2014-2020")
    frame = targets.frame
    assert targets.technologies == ("additive", "cloud_erp", "robotics")
    assert set(frame[frame.technology == "robotics"].indicator) == {"eurostat_e_rbt", "ine_robots_industry"}
    assert set(frame[frame.technology == "cloud_erp"].indicator) == {"eurostat_e_cc"}
    assert targets.years == (2014, 2015, 2016, 2017, 2018, 2020)
    robots_2018_large = frame[(frame.indicator == "ine_robots_industry") & (frame.size_class == "large")]
    assert robots_2018_large.value.item() == pytest.approx(0.6062)  # percent converted to a share
    assert frame.source.str.len().min() > 10


def test_statistics_include_gradients_and_slopes() -> None:
    statistics = Statistics.of(load_targets(DATA / "small-targets.csv"))
    names = statistics.names
    assert "gradient eurostat_e_rbt 2018 large/small" in names
    assert "slope eurostat_e_cc small 2014-2018" in names
    observed = statistics.observed()
    assert len(observed) == len(names)
    # the robot plateau: the observed slope of small firms' robots is negative
    assert observed[names.index("slope eurostat_e_rbt small 2018-2020")] < 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no rows"),
        ("technology,indicator\nrobotics,x\n", "missing column"),
        (
            HEADER.replace("source", "source,extra") + "robotics,a,2018,small,1,percent,,,s,x\n",
            "unknown column",
        ),
        (HEADER + "robotics,a,2018,tiny,1,percent,,,s\n", "size_class 'tiny'"),
        (HEADER + "robotics,a,2018,small,150,percent,,,s\n", "not a share"),
        (HEADER + "robotics,a,20x8,small,1,percent,,,s\n", "year '20x8' is not a number"),
        (HEADER + "robotics,a,2018,small,1,percent,,,\n", "needs its source"),
        (HEADER + "robotics,a,2018,small,1,kg,,,s\n", "unit 'kg'"),
        (HEADER + "robotics,a,2018,small,nan,percent,,,s\n", "must be finite"),
        (
            HEADER + "robotics,a,2018,small,1,percent,,,s\nrobotics,a,2018,small,2,percent,,,s\n",
            "a second figure",
        ),
        (HEADER + "teleport,a,2018,small,1,percent,,,s\n", "unknown technology"),
        (HEADER + "robotics,a,2018,small,1,percent,-1,,s\n", "se must be > 0"),
        (HEADER + "robotics,a,2018,small,1,percent,,0,s\n", "every weight is 0"),
        (HEADER + "robotics,a,2018,small,1,percent\n", "wrong number of fields"),
    ],
)
def test_bad_target_text_gets_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_targets(text, name="t.csv", technologies=("robotics",))


def test_bad_target_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "robotics,a,2018,small,150,percent,,,s\n")
    out = tmp_path / "cal"
    result = CliRunner().invoke(
        app, ["calibrate", "castellon-ceramics", "--targets", str(bad), "--out", str(out)]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "bad.csv" in lines[0]
    assert "not a share" in lines[0]
    assert not out.exists()
    missing = CliRunner().invoke(
        app, ["calibrate", "toy-valley", "--targets", "nope-2030", "--out", str(out)]
    )
    assert missing.exit_code == 2
    assert "no such target file" in missing.output
