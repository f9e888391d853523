"""Fixtures of the evidence tests; the builders themselves live in ``_builders``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from districtlab.evidence.project import QdaProject

from ._builders import interview_project, write_zip


@pytest.fixture
def make_zip(tmp_path: Path) -> Callable[..., Path]:
    """Build a zip in the test's folder: ``make_zip("name.qdpx", {member: data})``."""

    def build(name: str, members: dict[str, bytes | str]) -> Path:
        return write_zip(tmp_path / name, members)

    return build


@pytest.fixture
def project() -> QdaProject:
    return interview_project()
