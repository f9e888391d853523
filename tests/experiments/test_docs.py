"""The examples in the experiments' docstrings and in the README's Experiments section run."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

import districtlab

README = Path(__file__).parents[2] / "README.md"
MODULES = [
    "districtlab.experiments.compare",
    "districtlab.experiments.designs",
    "districtlab.experiments.ema",
    "districtlab.experiments.runner",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def experiments_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Experiments\n")
    following = text.find("\n## ", start + 1)
    return text[start : following if following != -1 else len(text)]


def test_the_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", experiments_section(), flags=re.DOTALL)
    assert len(blocks) == 3
    monkeypatch.chdir(tmp_path)  # the examples write their experiment directories here
    namespace: dict[str, object] = {}
    for block in blocks:
        if (
            "Client(" in block
        ):  # needs a running scheduler: test_runner runs the same executor on a LocalCluster
            compile(block, "README.md", "exec")
            continue
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "programmes-run" / "experiment.json").is_file()
    assert (tmp_path / "lhs-run" / "experiment.json").is_file()


def test_the_readme_names_the_public_api() -> None:
    section = experiments_section()
    for name in (
        "run_scenarios",
        "compare",
        "latin_hypercube",
        "sobol_design",
        "full_factorial",
        "design_from_table",
        "as_ema_model",
        "--resume",
        "--workers",
        "--scheduler",
        "dask worker",
    ):
        assert name in section, name
    assert {"run_scenarios", "compare", "ExperimentResult"} <= set(districtlab.__all__)
