"""``python -m districtlab``: the command line, for environments without the console script."""

from districtlab.cli.main import app

app(prog_name="districtlab")
