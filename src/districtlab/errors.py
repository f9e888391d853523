"""Errors that districtlab reports to users in one line.

Library code raises :class:`InputError` for anything a user can fix: a broken
file, a wrong value, an unknown name, a hostile archive. Its message is one line
that names the file and the field when there are any, and says what is wrong.
The CLI prints it and exits with status 2 (:mod:`districtlab.cli.common`).

A message may be a template with ``{name}`` fields and their ``values``; the
template is kept (:attr:`InputError.template`) so that a front end can show it
in the user's language: the CLI looks the template, or a plain message, up in
the gettext catalogues (``N_()`` marks it for extraction where it is raised).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from districtlab.i18n.translate import N_


class DistrictlabError(Exception):
    """Base class of districtlab's own errors."""


class InputError(DistrictlabError, ValueError):
    """Bad input a user can fix; ``str(error)`` is the one line to show them."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        field: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.field = field
        self.template = message
        self.values = dict(values or {})
        self.problem = message.format(**self.values) if values is not None else message
        super().__init__(self.shown(self.problem))

    def shown(self, problem: str) -> str:
        """The one line with ``problem`` (this error's, or its translation) after the path and the field."""
        parts = [part for part in (self.path, self.field) if part]
        return ": ".join([*parts, problem])


def first_problem(error: ValidationError) -> tuple[str, str]:
    """(dotted field, what is wrong) for the first problem of a pydantic ValidationError, in one line."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(top level)"
    kind = first["type"]
    if kind == "extra_forbidden":
        message = N_("unknown key")
    elif kind == "missing":
        message = N_("required key is missing")
    else:
        message = str(first["msg"]).splitlines()[0]
    more = error.error_count() - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return field, message


def from_validation_error(error: ValidationError, source: str | Path | None = None) -> InputError:
    field, message = first_problem(error)
    return InputError(message, path=source, field=field)
