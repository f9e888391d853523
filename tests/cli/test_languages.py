"""The command line in Spanish and Valencian: `--lang` anywhere on the line or $DISTRICTLAB_LANG; errors
stay one line with exit status 2; reports and tables speak the language; files keep machine column names."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.experiments import run_scenarios
from districtlab.i18n import LANGUAGE_ENV
from tests.conftest import small

runner = CliRunner()

#: A bad preset in each language: what the error says, and a word that only that language uses.
UNKNOWN_PRESET = {
    "es": "distrito predefinido 'no-such-district' desconocido y no existe ese archivo",
    "ca": "districte predefinit 'no-such-district' desconegut i no existix eixe fitxer",
    "en": "unknown preset 'no-such-district' and no such file",
}


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    from districtlab.cli.main import app

    return runner.invoke(app, list(args), env={LANGUAGE_ENV: "", **(env or {})})


def _one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return str(lines[0])


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_a_bad_preset_is_one_translated_line_wherever_lang_is_given(language: str) -> None:
    before = _one_line_error(invoke("--lang", language, "run", "no-such-district"))
    after = _one_line_error(invoke("run", "no-such-district", "--lang", language))
    from_environment = _one_line_error(invoke("run", "no-such-district", env={LANGUAGE_ENV: language}))
    assert before == after == from_environment
    assert before.startswith("error: ")
    assert UNKNOWN_PRESET[language] in before


def test_the_language_is_forgotten_when_the_command_ends() -> None:
    _one_line_error(invoke("--lang", "ca", "run", "no-such-district"))
    assert UNKNOWN_PRESET["en"] in _one_line_error(invoke("run", "no-such-district"))


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["--lang", "fr", "presets"], {}, "--lang 'fr'"),
        (["presets", "--lang=de"], {}, "--lang 'de'"),
        (["presets"], {LANGUAGE_ENV: "fr"}, "$DISTRICTLAB_LANG 'fr'"),
    ],
)
def test_a_language_districtlab_does_not_speak_is_one_line(
    args: list[str], env: dict[str, str], named: str
) -> None:
    line = _one_line_error(invoke(*args, env=env))
    assert named in line
    assert "es, ca, en" in line


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "--out: la carpeta no está vacía; elija otra --out o añada --force"),
        ("ca", "--out: la carpeta no està buida; trieu una altra --out o afegiu --force"),
    ],
)
def test_an_occupied_output_folder_is_refused_in_the_language(
    tmp_path: Path, language: str, expected: str
) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    line = _one_line_error(invoke("--lang", language, "run", "toy-valley", "--out", str(tmp_path)))
    assert expected in line
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("stored") / "experiment"
    scenario = small("toy-valley", firms=150, months=36)
    designs = {
        "place-based": scenario,
        "generic": scenario.with_programme("generic"),
        "no programme": scenario.with_programme("none"),
    }
    run_scenarios(designs, replications=3, rng=11, store=directory)
    return directory


@pytest.mark.parametrize(
    ("language", "status", "heading", "budget"),
    [
        ("es", "informe:", "Resultados al final del periodo", "400.000"),
        ("ca", "informe:", "Resultats al final del període", "400.000"),
        ("en", "report:", "Outcomes at the horizon", "400,000"),
    ],
)
def test_report_writes_the_page_in_the_language(
    stored: Path, tmp_path: Path, language: str, status: str, heading: str, budget: str
) -> None:
    out = tmp_path / "report"
    result = invoke("report", str(stored), "--out", str(out), env={LANGUAGE_ENV: language})
    assert result.exit_code == 0, result.output
    assert result.output.startswith(status)
    page = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert f"<td>{budget}</td>" in page  # the yearly budget, grouped the language's way


def test_tables_on_disk_keep_machine_column_names(stored: Path, tmp_path: Path) -> None:
    out = tmp_path / "compare"
    result = invoke(
        "--lang",
        "es",
        "compare",
        "toy-valley",
        "--firms",
        "120",
        "--months",
        "24",
        "--replications",
        "2",
        "--seed",
        "1",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "Medias [IC 95 %], 2 réplicas" in result.output
    assert "Proporción de rezagadas, sin ninguna tecnología (%)" in result.output
    assert "escritos:" in result.output
    means = pd.read_csv(out / "means.csv")
    assert {"scenario", "outcome", "mean", "ci_low", "ci_high"} <= set(means.columns)
    assert "laggard_share" in set(means["outcome"])


def test_presets_and_run_speak_valencian(tmp_path: Path) -> None:
    listed = invoke("presets", "--lang", "ca")
    assert listed.exit_code == 0, listed.output
    assert "Districtes predefinits" in listed.output
    out = tmp_path / "run"
    result = invoke(
        "run", "toy-valley", "--firms", "120", "--months", "24", "--replications", "2", "--seed", "3",
        "--out", str(out), "--lang", "ca",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "proporció d'adopció:" in result.output
    assert "Toy Valley" in result.output
    assert "120 empreses, 24 mesos, 2 rèplica(es)" in result.output
    assert "llavor 3; fitxers escrits:" in result.output
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert {"replication", "firms_adopting", "laggard_share"} <= set(outcomes.columns)


@pytest.mark.parametrize(
    ("args", "environment", "expected"),
    [
        (["run", "--help", "--lang", "es"], {}, "Simula un distrito y escribe sus resultados."),
        (["--lang=ca", "run", "--help"], {}, "Simula un districte i n'escriu els resultats."),
        (["run", "--help"], {LANGUAGE_ENV: "es"}, "Réplicas independientes."),
        (["--help"], {LANGUAGE_ENV: "ca"}, "Mostra la versió."),
        (["run", "--help"], {LANGUAGE_ENV: "es", "COLUMNS": "200"}, "Reescala la población"),
        (["run", "--help"], {}, "Simulate a district and write its results."),
    ],
)
def test_help_texts_speak_the_language_of_the_line(
    args: list[str], environment: dict[str, str], expected: str
) -> None:
    from districtlab.cli.main import app

    result = runner.invoke(app, args, env={LANGUAGE_ENV: "", **environment})
    assert result.exit_code == 0, result.output
    assert expected in " ".join(result.output.split())


def test_a_command_tree_invoked_again_is_translated_from_english() -> None:
    import typer

    from districtlab.cli.help import help_texts, translate_help
    from districtlab.cli.main import app
    from districtlab.i18n.translate import gettext_for

    tree = typer.main.get_command(app)
    english = help_texts(tree)
    translate_help(tree, gettext_for("es"))
    translate_help(tree, gettext_for("ca"))
    assert "Simula un districte i n'escriu els resultats." in help_texts(tree)
    translate_help(tree, gettext_for("en"))
    assert help_texts(tree) == english
