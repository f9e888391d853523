"""The layer contracts in pyproject.toml hold, and the guard CI runs catches a broken one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
    "lint-imports"
)


def _lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _copy_of_project(destination: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "districtlab",
        destination / "src" / "districtlab",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return destination


def test_the_package_ships_a_py_typed_marker() -> None:
    assert (ROOT / "src" / "districtlab" / "py.typed").is_file()


@pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter comes with the test extra")
def test_every_layer_contract_is_kept(tmp_path: Path) -> None:
    result = _lint_imports(_copy_of_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter comes with the test extra")
def test_a_model_module_importing_the_experiments_breaks_the_contracts(tmp_path: Path) -> None:
    project = _copy_of_project(tmp_path)
    simulate = project / "src" / "districtlab" / "model" / "simulate.py"
    simulate.write_text(simulate.read_text() + "\nimport districtlab.experiments  # noqa: E402\n")
    result = _lint_imports(project)
    assert result.returncode != 0
    assert "districtlab.model.simulate -> districtlab.experiments" in result.stdout
