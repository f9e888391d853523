"""Every evidence, network and examples command in the README runs on the shipped sample study.

The README's command lines are read from its ``sh`` blocks, continuation lines
joined, and run in a fresh folder in order (a ``&& cd DIR`` moves into DIR), so
that the walkthrough interviews -> meta-matrix -> reliability -> network roles
-> observed-network scenario -> simulation is checked exactly as printed.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from districtlab import examples
from districtlab.cli.main import app
from districtlab.evidence import read_project
from districtlab.examples.generate import sample_files

README = Path(__file__).parents[2] / "README.md"
CHECKED = ("evidence", "network", "examples")
runner = CliRunner()


def readme_commands() -> list[tuple[str, list[list[str]]]]:
    """(block label, commands) for every ``sh`` block: each command as its argument list after ``districtlab``."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    result = []
    for number, block in enumerate(blocks):
        joined = re.sub(r"\\\n\s*", " ", block)
        commands = []
        for line in joined.splitlines():
            line = line.split("  #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            commands.extend(shlex.split(part.strip()) for part in line.split("&&"))
        walkthrough = any(
            command[:2] == ["districtlab", "run"] and "observed.toml" in command for command in commands
        )
        result.append((f"block {number}{' (walkthrough)' if walkthrough else ''}", commands))
    return result


def run_block(
    commands: list[list[str]], folder: Path, monkeypatch: pytest.MonkeyPatch, *, everything: bool
) -> int:
    monkeypatch.chdir(folder)
    ran = 0
    for command in commands:
        if command[0] == "cd":
            monkeypatch.chdir(Path.cwd() / command[1])
            continue
        if command[0] != "districtlab" or len(command) < 2:
            continue
        if not everything and command[1] not in CHECKED:
            continue
        result = runner.invoke(app, command[1:])
        assert result.exit_code == 0, f"{shlex.join(command)}\n{result.output}"
        ran += 1
    return ran


def test_the_readme_has_a_walkthrough_from_interviews_to_simulation() -> None:
    blocks = dict(readme_commands())
    walkthrough = next(commands for label, commands in blocks.items() if "walkthrough" in label)
    steps = [" ".join(command[1:3]) for command in walkthrough if command[0] == "districtlab"]
    for step in (
        "evidence import",
        "evidence matrix",
        "evidence reliability",
        "network roles",
        "network scenario",
    ):
        assert step in steps, step
    assert steps[-1].startswith("run ")


def test_every_evidence_and_network_command_in_the_readme_runs_on_the_samples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = 0
    for label, commands in readme_commands():
        folder = tmp_path / re.sub(r"\W+", "-", label)
        folder.mkdir()
        total += run_block(commands, folder, monkeypatch, everything="walkthrough" in label)
    assert total >= 15
    (study,) = [folder / "study" for folder in tmp_path.iterdir() if "walkthrough" in folder.name]
    assert (study / "observed-run" / "outcomes.parquet").is_file()
    assert (study / "roles.csv").is_file()
    assert (study / "tables" / "segments.csv").is_file()


def test_the_samples_are_what_the_generator_makes() -> None:
    made = sample_files()
    assert sorted(made) == sorted(examples.names())
    for name, data in made.items():
        assert examples.path(name).read_bytes() == data, (
            f"{name}: run python -m districtlab.examples.generate"
        )
    assert sum(len(data) for data in made.values()) < 300_000


def test_the_sample_project_is_labelled_synthetic_and_has_two_coders() -> None:
    project = read_project(examples.path("interviews.qdpx"))
    assert len(project.sources) == 24
    assert project.sources["description"].str.contains("SYNTHETIC").all()
    assert all("SYNTHETIC" in text for text in project.texts.values())
    coded = project.coded_segments()
    per_coder = coded.groupby("coder")["source_guid"].nunique()
    assert per_coder["Coder A (synthetic)"] == 24
    assert per_coder["Coder B (synthetic)"] == 8
    districts = project.variable_values.merge(project.variables, left_on="variable_guid", right_on="guid")
    counts = districts[districts["name"] == "district"]["value"].value_counts()
    assert counts.to_dict() == {"Castellón ceramics": 8, "Vinalopó footwear": 8, "Toy Valley": 8}
    assert set(districts[districts["name"] == "actor_type"]["value"]) == {
        "rti",
        "lead_firm",
        "sme",
        "policymaker",
        "association",
    }


def test_examples_docstring_runs() -> None:
    import doctest

    result = doctest.testmod(examples)
    assert result.attempted > 0
    assert result.failed == 0


def test_examples_command_lists_and_refuses_to_overwrite(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["examples"])
    assert listed.exit_code == 0
    assert "SYNTHETIC" in listed.stdout
    assert runner.invoke(app, ["examples", "--copy", str(tmp_path / "s")]).exit_code == 0
    again = runner.invoke(app, ["examples", "--copy", str(tmp_path / "s")])
    assert again.exit_code == 2
    assert "--force" in again.stderr
    assert runner.invoke(app, ["examples", "--copy", str(tmp_path / "s"), "--force"]).exit_code == 0
