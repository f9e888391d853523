"""`districtlab lab --lang`: a language the lab does not speak is one line and exit status 2."""

from __future__ import annotations

from typer.testing import CliRunner

from districtlab.cli.main import app


def test_an_unknown_language_is_refused_before_anything_starts() -> None:
    result = CliRunner().invoke(app, ["lab", "--lang", "fr"])
    assert result.exit_code == 2
    assert "--lang" in result.output
    assert "es, ca, en" in result.output
    assert "Traceback" not in result.output
