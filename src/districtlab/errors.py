"""Errors that districtlab reports to users in one line.

Library code raises :class:`InputError` for anything a user can fix: a broken
file, a wrong value, an unknown name, a hostile archive. Its message is one line
that names the file and the field when there are any, and says what is wrong.
The CLI prints it and exits with status 2 (:mod:`districtlab.cli.common`).
"""

from __future__ import annotations

from pathlib import Path


class DistrictlabError(Exception):
    """Base class of districtlab's own errors."""


class InputError(DistrictlabError, ValueError):
    """Bad input a user can fix; ``str(error)`` is the one line to show them."""

    def __init__(self, message: str, *, path: str | Path | None = None, field: str | None = None) -> None:
        self.path = None if path is None else str(path)
        self.field = field
        self.problem = message
        parts = [part for part in (self.path, field) if part]
        super().__init__(": ".join([*parts, message]))
