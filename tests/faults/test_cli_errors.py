"""Every user error of every command ends in one line on stderr and exit status 2, before any work, touching nothing.

Each case is a bad input that gave a traceback, a late failure or a silent
acceptance before (issue 15). ``check`` asserts the one-line contract; cases add
what must (not) have happened.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from districtlab.cli import common
from districtlab.cli.main import app
from districtlab.presets import preset_text
from tests.experiments.conftest import directory_digest

SMALL = ["--firms", "60", "--months", "6"]


def invoke(*arguments: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(arguments), env=env)


def check(result: Result, *expected: str) -> str:
    """One line on stderr, exit status 2, no traceback; returns the line."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.output
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything is simulated (the error must come before)."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("simulated before checking the input")

    monkeypatch.setattr("districtlab.experiments.runner.simulate", refuse)
    monkeypatch.setattr("districtlab.experiments.programmes.run_scenarios", refuse)


def scenario_file(tmp_path: Path, edit: Callable[[str], str]) -> str:
    path = tmp_path / "scenario.toml"
    path.write_text(edit(preset_text("toy-valley")), encoding="utf-8")
    return str(path)


# -- output paths (checked before any simulation) -------------------------------------------

EXPERIMENT_COMMANDS = [
    ["run", "toy-valley", *SMALL],
    ["sweep", "toy-valley", *SMALL, "--param", "rti.staff_fte=4,8", "--replications", "1"],
    ["compare", "toy-valley", *SMALL, "--replications", "2"],
    ["sensitivity", "toy-valley", *SMALL, "--param", "rti.staff_fte=4:8", "--samples", "2"],
    ["demo", "--replications", "2"],
    ["audit", "toy-valley", "--replications", "2"],
]
IDS = ["run", "sweep", "compare", "sensitivity", "demo", "audit"]


@pytest.mark.parametrize("command", EXPERIMENT_COMMANDS, ids=IDS)
def test_an_out_that_is_a_file_is_refused_before_simulating(tmp_path: Path, command, no_simulation) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "file"
    target.write_text("keep me")
    check(invoke(*command, "--out", str(target)), str(target), "a file")
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("command", EXPERIMENT_COMMANDS, ids=IDS)
def test_an_out_under_a_file_is_refused_before_simulating(tmp_path: Path, command, no_simulation) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "file").write_text("keep me")
    check(invoke(*command, "--out", str(tmp_path / "file" / "sub")), "is a file")


@pytest.mark.parametrize("command", EXPERIMENT_COMMANDS, ids=IDS)
def test_an_out_that_cannot_be_written_is_refused_before_simulating(
    tmp_path: Path, command, no_simulation, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # Root may write into a 0o555 folder; a read-only folder is what os.access reports.
    monkeypatch.setattr(common.os, "access", lambda path, mode: False)
    check(invoke(*command, "--out", str(tmp_path / "out")), "cannot write into")


@pytest.mark.parametrize("command", EXPERIMENT_COMMANDS, ids=IDS)
def test_a_full_disk_is_refused_before_simulating(
    tmp_path: Path, command, no_simulation, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        common.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9 - 4096, 4096)
    )  # type: ignore[attr-defined]
    check(invoke(*command, "--out", str(tmp_path / "out")), "disk is full")


def test_a_disk_that_fills_while_writing_gives_one_line_naming_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(source: Any, target: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(source))

    monkeypatch.setattr("districtlab.io.files.os.replace", full)
    line = check(invoke("run", "toy-valley", *SMALL, "--seed", "1", "--out", str(tmp_path / "out")))
    assert "no space left on the disk" in line
    assert ".tmp" not in line


@pytest.mark.parametrize(
    "command",
    [c for c in EXPERIMENT_COMMANDS if c[0] in ("run", "demo", "audit")],
    ids=["run", "demo", "audit"],
)
def test_a_non_empty_out_is_refused_without_force(tmp_path: Path, command, no_simulation) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.parquet").write_text("earlier results")
    before = directory_digest(out)
    check(invoke(*command, "--out", str(out)), "not empty", "--force")
    assert directory_digest(out) == before


def test_run_with_force_writes_into_a_non_empty_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = invoke("run", "toy-valley", *SMALL, "--seed", "1", "--out", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert (out / "results.parquet").is_file()
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "command",
    [c for c in EXPERIMENT_COMMANDS if c[0] in ("sweep", "compare", "sensitivity")],
    ids=["sweep", "compare", "sensitivity"],
)
def test_an_experiment_command_refuses_a_non_empty_out_that_holds_no_experiment(
    tmp_path: Path, command, no_simulation
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.tex").write_text("keep")
    check(invoke(*command, "--out", str(out)), "not a districtlab experiment")
    assert (out / "thesis.tex").read_text() == "keep"


def test_report_refuses_an_out_that_is_a_file_or_not_empty(tmp_path: Path) -> None:
    experiment = tmp_path / "exp"
    result = invoke(
        "compare", "toy-valley", *SMALL, "--replications", "2", "--seed", "1", "--out", str(experiment)
    )
    assert result.exit_code == 0, result.output
    (tmp_path / "file").write_text("x")
    check(invoke("report", str(experiment), "--out", str(tmp_path / "file")), "a file")
    check(invoke("report", str(experiment), "--out", str(tmp_path / "file" / "sub")), "is a file")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "index.html").write_text("mine")
    check(invoke("report", str(experiment), "--out", str(taken)), "not empty")
    assert (taken / "index.html").read_text() == "mine"
    assert invoke("report", str(experiment), "--out", str(taken), "--force").exit_code == 0


# -- presets --export ----------------------------------------------------------------------


def test_presets_export_into_a_folder_writes_name_toml(tmp_path: Path) -> None:
    result = invoke("presets", "--export", "toy-valley", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "toy-valley.toml").read_text(encoding="utf-8") == preset_text("toy-valley")


def test_presets_export_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    target.write_text("my edits")
    check(invoke("presets", "--export", "toy-valley", str(target)), str(target), "--force")
    assert target.read_text() == "my edits"
    assert invoke("presets", "--export", "toy-valley", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8") == preset_text("toy-valley")


def test_presets_export_names_the_users_path_never_a_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    line = check(invoke("presets", "--export", "toy-valley", str(tmp_path / "file" / "new.toml")))
    assert str(tmp_path / "file" / "new.toml") in line
    assert ".tmp" not in line
    check(invoke("presets", "--export", "no-such-preset", str(tmp_path / "x.toml")), "unknown preset")


# -- scenario files: finite numbers, strict types -------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("micro = 2.0", "micro = inf", "suppliers_per_buyer"),
        ("peer_degree = 6.0", "peer_degree = nan", "peer_degree"),
        ("months = 120.0", "months = true", "months"),
        ("months = 120.0", 'months = "120"', "months"),
        ("peer_degree = 6.0", "peer_degree = false", "peer_degree"),
        ("dt = 1.0", "dt = 1979-05-27", "dt"),
    ],
    ids=["inf", "nan", "bool-as-number", "text-as-number", "bool-as-degree", "date-as-number"],
)
def test_scenario_files_take_finite_numbers_of_the_declared_type(
    tmp_path: Path, old: str, new: str, field: str, no_simulation
) -> None:  # type: ignore[no-untyped-def]
    path = scenario_file(tmp_path, lambda text: text.replace(old, new, 1))
    check(invoke("run", path, "--out", str(tmp_path / "out")), path, field)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_non_finite_months_is_never_reported_as_a_bound(tmp_path: Path, value: str, no_simulation) -> None:  # type: ignore[no-untyped-def]
    line = check(invoke("run", "toy-valley", "--months", value, "--out", str(tmp_path / "out")))
    assert "finite" in line
    assert "1200" not in line


# -- experiment options --------------------------------------------------------------------

COMPARE = ["compare", "toy-valley", *SMALL, "--replications", "2"]


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--target-half-width", "-1"], "positive"),
        (["--target-half-width", "0"], "positive"),
        (["--target-half-width", "nan"], "positive"),
        (["--target-half-width", "no_such_outcome=0.1"], "not a reported outcome"),
        (["--target-half-width", "new_adopters=-3"], "positive"),
        (["--outcome", "no_such_outcome"], "no_such_outcome"),
    ],
    ids=["negative", "zero", "nan", "unknown-outcome", "negative-per-outcome", "unknown-outcome-option"],
)
def test_compare_options_are_validated_before_running(
    tmp_path: Path, option: list[str], expected: str, no_simulation
) -> None:  # type: ignore[no-untyped-def]
    check(invoke(*COMPARE, *option, "--out", str(tmp_path / "out")), expected)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["sweep", "toy-valley", *SMALL, "--param", "rti.staff_fte=4,8", "--param", "rti.staff_fte=1,2"],
        ["sensitivity", "toy-valley", *SMALL, "--param", "rti.staff_fte=4:8", "--param", "rti.staff_fte=1:2"],
    ],
    ids=["sweep", "sensitivity"],
)
def test_a_repeated_param_is_refused(tmp_path: Path, command: list[str], no_simulation) -> None:  # type: ignore[no-untyped-def]
    check(invoke(*command, "--out", str(tmp_path / "out")), "rti.staff_fte", "twice")


@pytest.mark.parametrize(
    "command",
    [
        ["sweep", "toy-valley", *SMALL, "--param", "rti.staff_fte=1:100:1000000000000"],
        [
            "sweep",
            "toy-valley",
            *SMALL,
            "--param",
            "rti.staff_fte=1:9:100000",
            "--param",
            "peer_weight=0:1:100000",
        ],
        [
            "sweep",
            "toy-valley",
            *SMALL,
            "--design",
            "lhs",
            "--samples",
            "1000000000000",
            "--param",
            "rti.staff_fte=1:9",
        ],
        [
            "sensitivity",
            "toy-valley",
            *SMALL,
            "--method",
            "sobol",
            "--samples",
            "1099511627776",
            "--param",
            "rti.staff_fte=1:9",
        ],
    ],
    ids=["levels", "factorial-product", "lhs-samples", "sobol-samples"],
)
def test_a_design_too_large_for_memory_is_refused_with_an_estimate(
    tmp_path: Path, command: list[str], no_simulation
) -> None:  # type: ignore[no-untyped-def]
    check(
        invoke(*command, "--out", str(tmp_path / "out")),
        "needs about",
        "available",
        "DISTRICTLAB_MEMORY_LIMIT",
    )


@pytest.mark.parametrize("spec", ["0:inf", "nan:1", "1,inf"])
def test_non_finite_param_levels_are_refused(tmp_path: Path, spec: str, no_simulation) -> None:  # type: ignore[no-untyped-def]
    design = ["--design", "lhs"] if spec.count(":") == 1 else []
    check(
        invoke(
            "sweep",
            "toy-valley",
            *SMALL,
            *design,
            "--param",
            f"rti.staff_fte={spec}",
            "--out",
            str(tmp_path / "o"),
        ),
        "finite",
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"rti.staff_fte\n4\n8,9,10\n", "well-formed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", ""),
    ],
    ids=["empty", "ragged", "binary"],
)
def test_a_broken_design_table_gives_one_line(
    tmp_path: Path, content: bytes, expected: str, no_simulation
) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "design.csv"
    table.write_bytes(content)
    check(
        invoke(
            "sweep",
            "toy-valley",
            *SMALL,
            "--design",
            "table",
            "--table",
            str(table),
            "--out",
            str(tmp_path / "o"),
        ),
        str(table),
        expected,
    )


# -- size guards ---------------------------------------------------------------------------


def test_thirty_million_firms_are_refused_with_an_estimate(tmp_path: Path, no_simulation) -> None:  # type: ignore[no-untyped-def]
    line = check(
        invoke("run", "toy-valley", "--firms", "30000000", "--out", str(tmp_path / "out")), "needs about"
    )
    assert "GB" in line
    assert not (tmp_path / "out").exists()


def test_a_billion_replications_are_refused_with_an_estimate(tmp_path: Path, no_simulation) -> None:  # type: ignore[no-untyped-def]
    check(
        invoke("run", "toy-valley", "--replications", "1000000000", "--out", str(tmp_path / "out")),
        "needs about",
    )


def test_the_memory_guard_follows_the_override(tmp_path: Path) -> None:
    small = ["run", "toy-valley", *SMALL, "--seed", "1"]
    check(
        invoke(*small, "--out", str(tmp_path / "a"), env={"DISTRICTLAB_MEMORY_LIMIT": "10k"}), "needs about"
    )
    assert (
        invoke(*small, "--out", str(tmp_path / "b"), env={"DISTRICTLAB_MEMORY_LIMIT": "off"}).exit_code == 0
    )
    check(
        invoke(*small, "--out", str(tmp_path / "c"), env={"DISTRICTLAB_MEMORY_LIMIT": "lots"}),
        "DISTRICTLAB_MEMORY_LIMIT",
    )


# -- usage errors and the lab ----------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        ["run", "toy-valley", "--no-such-option"],
        ["run"],
        ["sweep", "toy-valley", "--replications", "many"],
        ["compare", "toy-valley", "--seed", "-4"],
        ["no-such-command"],
        ["run", "toy-valley", "--programme", "magic"],
    ],
    ids=[
        "unknown-option",
        "missing-argument",
        "not-a-number",
        "negative-seed",
        "unknown-command",
        "bad-choice",
    ],
)
def test_usage_errors_are_one_line(arguments: list[str]) -> None:
    line = check(invoke(*arguments))
    assert "--help" in line


@pytest.mark.parametrize("address", ["300.1.1.1", "example.invalid", "1.2.3", ""])
def test_lab_refuses_an_address_that_is_not_an_ip_address(
    address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "execv", lambda *args: pytest.fail("the lab started"))
    check(invoke("lab", "--address", address), "not an IP address")


@pytest.mark.parametrize("address", ["0.0.0.0", "192.0.2.10", "::"])
def test_lab_warns_when_it_is_reachable_from_other_computers(
    address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, command: started.append(command))
    result = invoke("lab", "--address", address)
    assert result.exit_code == 0, result.output
    assert "warning: the lab will be reachable" in result.stderr
    assert "no authentication" in result.stderr
    assert started


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_lab_on_this_computer_only_prints_no_warning(address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "execv", lambda path, command: None)
    result = invoke("lab", "--address", address)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


# -- tables a user gives (--units, --table) --------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"source,start,end\n", "no rows"),
        (b"source,start,end\na,1,2\nb,3,4,5,6\n", "well-formed"),
        (b"\x00\x01\xff\xfe\x89PNG\r\n", "UTF-8"),
        (b"source,start\n\xff\xfe,1\n", "UTF-8"),
    ],
    ids=["empty", "header-only", "ragged", "binary", "latin-bytes"],
)
def test_a_broken_units_csv_is_one_input_error(tmp_path: Path, content: bytes, expected: str) -> None:
    from districtlab.errors import InputError
    from districtlab.io.tables import read_table_file

    path = tmp_path / "units.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_table_file(path, what="units CSV")
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_examples_copy_follows_the_output_folder_rule(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    check(invoke("examples", "--copy", str(tmp_path / "file" / "sub")), "--copy", "is a file")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "thesis.tex").write_text("mine")
    check(invoke("examples", "--copy", str(taken)), "not empty", "--force")
    assert sorted(p.name for p in taken.iterdir()) == ["thesis.tex"]


def test_a_scheduler_that_is_not_an_address_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    line = check(
        invoke(
            "sweep",
            "toy-valley",
            *SMALL,
            "--param",
            "rti.staff_fte=4,8",
            "--scheduler",
            "not-an-address",
            "--out",
            str(tmp_path / "out"),
        ),
        "cannot reach the Dask scheduler",
    )
    assert "not-an-address" in line
