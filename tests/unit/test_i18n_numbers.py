"""Numbers as people type them: every reading, every refusal, and the words read back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from districtlab.dashboard.widgets import Bounds, check_typed
from districtlab.i18n.numbers import NumberEntryError, format_amount, in_words, parse_amount

TWO_MILLION = ["2.000.000", "2 000 000", "2\u00a0000\u00a0000", "2\u202f000\u202f000", "2,000,000", "2000000"]


@pytest.mark.parametrize("locale", ["es", "ca", "en"])
@pytest.mark.parametrize("entry", TWO_MILLION)
@pytest.mark.parametrize("kind", ["money", "count", "number"])
def test_two_million_is_read_as_two_million_however_it_is_typed(locale: str, entry: str, kind: str) -> None:
    assert parse_amount(entry, locale, kind) == Decimal(2_000_000)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "locale", "kind", "value"),
    [
        ("2,5", "es", "money", Decimal("2.5")),
        ("2.5", "en", "money", Decimal("2.5")),
        ("2.000,50", "es", "money", Decimal("2000.50")),
        ("2,000.50", "en", "money", Decimal("2000.50")),
        ("2.000,50", "en", "money", Decimal("2000.50")),  # the English reading is impossible: no doubt
        ("2.000", "es", "money", Decimal(2000)),  # three decimals are not money: two thousand
        ("2,000", "es", "money", Decimal(2000)),
        ("2.000", "en", "count", Decimal(2000)),  # a count has no decimal mark
        ("36", "ca", "count", Decimal(36)),
    ],
)
def test_readings_the_kind_of_quantity_makes_certain(
    entry: str, locale: str, kind: str, value: Decimal
) -> None:
    assert parse_amount(entry, locale, kind) == value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "locale", "kind", "message"),
    [
        ("2.000", "es", "number", "could be 2 or 2.000"),
        ("2,000", "en", "number", "could be 2 or 2,000"),
        ("1,234", "ca", "number", "could be"),
        ("", "es", "money", "enter a number"),
        ("   ", "es", "money", "enter a number"),
        ("2 millones", "es", "money", "is not a number"),
        ("2M", "en", "money", "is not a number"),
        ("1.2.3", "es", "money", "is not a number"),
        ("2,5555", "es", "money", "more than two decimals"),
        ("2,5", "es", "count", "not a whole number"),
        ("-5", "es", "money", "not negative"),
        ("9" * 50, "es", "money", "too long"),
        ("nan", "en", "number", "is not a number"),
        ("Infinity", "en", "number", "is not a number"),
    ],
)
def test_what_cannot_be_read_without_doubt_is_refused_with_a_reason(
    entry: str, locale: str, kind: str, message: str
) -> None:
    with pytest.raises(NumberEntryError, match=message):
        parse_amount(entry, locale, kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "language", "unit", "words"),
    [
        (2_000_000, "es", "eur_per_year", "dos millones de euros al año"),
        (2_000_000, "ca", "eur_per_year", "dos milions d'euros a l'any"),
        (2_000_000, "en", "eur_per_year", "two million euros a year"),
        (2_500_000, "es", "eur_per_year", "dos millones quinientos mil euros al año"),
        (21_000_000, "es", "eur", "veintiún millones de euros"),
        (101_000, "es", "eur", "ciento un mil euros"),
        (31_000, "es", "eur", "treinta y un mil euros"),
        (1, "es", "eur", "un euro"),
        (1_000_000, "ca", "eur", "un milió d'euros"),
        (Decimal("2000.50"), "es", "eur", "dos mil euros con cincuenta céntimos"),
        (36, "es", "months", "treinta y seis meses"),
        (36, "ca", "months", "trenta-sis mesos"),
        (1, "en", "months", "one month"),
        (21, "es", "none", "veintiuno"),
    ],
)
def test_values_are_read_back_in_words(value: Decimal | int, language: str, unit: str, words: str) -> None:
    assert in_words(value, language, unit) == words  # type: ignore[arg-type]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        in_words(2, "fr")


@pytest.mark.parametrize(
    ("language", "text"), [("es", "2.000.000"), ("ca", "2.000.000"), ("en", "2,000,000")]
)
def test_amounts_are_written_in_the_language_and_read_back_unchanged(language: str, text: str) -> None:
    assert format_amount(2_000_000, language) == text
    assert parse_amount(format_amount(2_000_000, language), language, "money") == 2_000_000
    assert parse_amount(format_amount(1234.5, language, decimals=2), language, "money") == Decimal("1234.50")


def test_a_field_refuses_what_is_outside_its_bounds() -> None:
    bounds = Bounds(low=0.0, high=1e7, help="")
    assert check_typed("2.000.000", bounds, language="es", kind="money", unit="eur_per_year") == (
        2e6,
        "dos millones de euros al año",
    )
    value, message = check_typed("20.000.000", bounds, language="es", kind="money")
    assert value is None
    assert "está fuera de 0–10.000.000" in message  # in the language of the field
    value, message = check_typed("40", bounds, language="en", kind="count", high=35)
    assert value is None
    assert "outside 0–35" in message
