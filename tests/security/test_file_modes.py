"""Every file districtlab writes gets the process umask's mode, like any new file (not a temporary's 0600)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.io.files import atomic_write, new_file_mode, write_atomically

UMASK = 0o027  # neither the default 0o022 nor owner-only: the files must follow it


@pytest.fixture
def umask() -> Iterator[int]:
    previous = os.umask(UMASK)
    try:
        yield UMASK
    finally:
        os.umask(previous)


def modes(directory: Path) -> dict[str, int]:
    return {
        str(path.relative_to(directory)): stat.S_IMODE(path.stat().st_mode)
        for path in directory.rglob("*")
        if path.is_file() and path.name != ".lock"
    }


def test_new_file_mode_follows_the_umask(umask: int) -> None:
    assert new_file_mode() == 0o666 & ~umask


def test_the_atomic_writers_give_the_umask_mode(tmp_path: Path, umask: int) -> None:
    write_atomically(tmp_path / "a.txt", "text")
    atomic_write(tmp_path / "b.parquet", partial(pd.DataFrame({"x": [1]}).to_parquet, index=False))
    assert modes(tmp_path) == {"a.txt": 0o640, "b.parquet": 0o640}


@pytest.mark.parametrize(
    "command",
    [
        ["run", "toy-valley", "--firms", "150", "--months", "12", "--seed", "1"],
        [
            "sweep",
            "toy-valley",
            "--firms",
            "150",
            "--months",
            "12",
            "--seed",
            "1",
            "--replications",
            "1",
            "--param",
            "months=12,24",
        ],
        ["presets", "--export", "toy-valley"],
    ],
    ids=["run", "sweep", "presets"],
)
def test_every_output_of_a_command_gets_the_umask_mode(
    tmp_path: Path, umask: int, command: list[str]
) -> None:
    out = tmp_path / "out"
    arguments = (
        [*command, str(out / "scenario.toml")] if command[0] == "presets" else [*command, "--out", str(out)]
    )
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    written = modes(out)
    assert written
    assert written == dict.fromkeys(written, 0o666 & ~umask)


def test_a_report_and_its_figures_get_the_umask_mode(tmp_path: Path, umask: int) -> None:
    experiment = tmp_path / "experiment"
    ran = CliRunner().invoke(
        app,
        [
            "compare",
            "toy-valley",
            "--firms",
            "60",
            "--months",
            "6",
            "--replications",
            "2",
            "--seed",
            "1",
            "--out",
            str(experiment),
        ],
    )
    assert ran.exit_code == 0, ran.output
    result = CliRunner().invoke(app, ["report", str(experiment), "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    for directory in (experiment, tmp_path / "report"):
        written = modes(directory)
        assert written == dict.fromkeys(written, 0o666 & ~umask), directory
    assert any(name.endswith(".pdf") for name in modes(tmp_path / "report"))
