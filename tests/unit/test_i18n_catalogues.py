"""The catalogues: every message the sources mark has a careful translation in each language, with the
same placeholders, and the compiled .mo files say what the .po files say."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import districtlab
from districtlab.i18n import LANGUAGES
from districtlab.i18n.labels import LABELS, label
from districtlab.i18n.translate import DOMAIN, LOCALE_DIR, gettext_for

SOURCES = Path(districtlab.__file__).parent
TRANSLATED = [language for language in LANGUAGES if language != "en"]
#: Placeholders a translation must keep: str.format fields in the sources, %(name)s and %% in the templates.
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)s|%%")
MAPPING = SOURCES / "i18n" / "babel.cfg"


def _extracted() -> set[str]:
    """Every message id the sources mark with ``_()`` or ``N_()``, every ``{% trans %}`` block of the
    report templates (Babel's extractors with the project's babel.cfg, as ``make catalogues``) and every
    ``--help`` text of the command line (read from the built command tree, as ``make catalogues``)."""
    import typer

    from districtlab.cli.help import help_texts
    from districtlab.cli.main import app

    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    with MAPPING.open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file, filename=str(MAPPING))
    return {
        str(message)
        for _, _, message, _, _ in extract_from_dir(
            str(SOURCES), method_map=method_map, options_map=options_map, keywords=keywords
        )
        if isinstance(message, str)
    } | set(help_texts(typer.main.get_command(app)))


def test_the_report_templates_are_extracted(extracted: set[str]) -> None:
    assert "Outcomes at the horizon" in extracted  # experiment.html.j2
    assert "Reproducibility" in extracted


def _catalogue(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as file:
        return read_po(file, locale=language)


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    return _extracted()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_id_has_a_translation(language: str, extracted: set[str]) -> None:
    catalogue = _catalogue(language)
    translated = {message.id: message.string for message in catalogue if message.id and not message.fuzzy}
    missing = sorted(message for message in extracted if not translated.get(message))
    assert not missing, f"{language}: untranslated (run `make catalogues`, then translate): {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language: str) -> None:
    for message in _catalogue(language):
        if message.id:
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), (
                message.id
            )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    compiled = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])
    for message in _catalogue(language):
        if message.id:
            assert compiled.gettext(message.id) == message.string, f"{language}: run `make catalogues`"


def test_every_label_is_translated_and_unknown_names_are_not_shown_raw() -> None:
    for language in TRANSLATED:
        for name, english in LABELS.items():
            if english not in {"Micro", "Total"}:  # the same word in Spanish and Valencian
                assert label(name, language) != english, (language, name)
    assert label("some_raw_name") == "some raw name"


def test_the_lab_speaks_each_language() -> None:
    assert gettext_for("es")("Total budget") == "Presupuesto total"
    assert gettext_for("ca")("Total budget") == "Pressupost total"
    assert gettext_for("en")("Total budget") == "Total budget"
    with pytest.raises(ValueError, match="unknown language"):
        gettext_for("fr")


def test_the_field_help_the_lab_translates_is_the_configurations_word_for_word() -> None:
    """The lab shows pydantic field descriptions as help; they reach Spanish and Valencian through FIELD_HELP."""
    from districtlab import config
    from districtlab.i18n.labels import FIELD_HELP

    for (model, field), english in FIELD_HELP.items():
        assert getattr(config, model).model_fields[field].description == english, (model, field)
        for language in TRANSLATED:
            assert gettext_for(language)(english) != english, (language, english)


def test_shipped_technologies_are_named_in_each_language_and_a_users_own_label_is_kept() -> None:
    from districtlab.i18n.labels import TECHNOLOGY_LABELS, technology_label
    from districtlab.presets import STUDY_ORDER, load_preset

    for preset in STUDY_ORDER:
        for technology in load_preset(preset).technologies:
            assert TECHNOLOGY_LABELS[technology.name] == technology.label
            assert technology_label(technology, "en") == technology.label
            assert technology_label(technology, "es") != technology.label
    robots = next(t for t in load_preset("toy-valley").technologies if t.name == "robotics")
    assert technology_label(robots, "es") == "Robótica y automatización"
    own = robots.model_copy(update={"label": "Cobots in the injection shop"})
    assert technology_label(own, "es") == "Cobots in the injection shop"


def test_shipped_descriptions_and_documented_designs_are_translated() -> None:
    from districtlab.i18n.labels import PRESET_DESCRIPTIONS, description_of, design_label
    from districtlab.presets import STUDY_ORDER, load_preset

    for preset in STUDY_ORDER:
        scenario = load_preset(preset)
        assert PRESET_DESCRIPTIONS[preset] == scenario.description
        assert description_of(preset, scenario.description, "es") != scenario.description
    assert description_of("toy-valley", "my own words", "es") == "my own words"
    assert design_label("no programme", "es") == "sin programa"
    assert design_label("taller A", "es") == "taller A"
