"""Numbers as people type them, and read back in words: pure functions, no Streamlit.

A workshop in Alicante types a budget as "2.000.000"; a visitor may type
"2,000,000", "2 000 000" or "2000000". :func:`parse_amount` reads the entry
with Babel's strict parser under the chosen locale's convention *and* under the
opposite convention (decimal comma vs decimal point); when both readings are
valid and differ, the entry is ambiguous and refused with a message that says
how to write it, never silently misread. The kind of quantity narrows the
readings: money has at most two decimals (cents), a count is a whole number
written without a decimal separator.

:func:`in_words` reads a value back ("dos millones de euros al año"). Babel has
no number-to-words, so the integer words come from ``num2words`` (es, ca, en);
the Spanish apocope before a noun ("veintiún millones", "ciento un mil"), which
``num2words`` 0.5 leaves out, and the units are written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_decimal_symbol,
    get_minus_sign_symbol,
    parse_decimal,
)
from babel.numbers import format_percent as format_percent_babel
from num2words import num2words

from districtlab.i18n import LANGUAGES

Kind = Literal["money", "count", "number"]
Unit = Literal["eur_per_year", "eur", "months", "none"]

#: Characters people type as thousands separators that no locale reads as a decimal mark.
_SPACES = re.compile(r"[\s\u00a0\u202f'’_]")
_LONGEST = 40  # a budget of a trillion euros with cents is 20 characters; refuse longer entries outright


def _identity(text: str) -> str:
    return text


class NumberEntryError(ValueError):
    """An entry that is not a number, or that could be read as two different numbers."""


@dataclass(frozen=True)
class Reading:
    """What an entry was read as, and under which convention."""

    value: Decimal
    convention: str


def _opposite(locale: str) -> str:
    """A locale with the other decimal mark: a decimal comma for English, a decimal point otherwise."""
    return "en" if get_decimal_symbol(locale) == "," else "es"


def _reading(text: str, locale: str) -> tuple[Decimal, int] | None:
    """The entry under one locale's convention and how many decimals it has, or ``None``."""
    try:
        value = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        return None
    if not value.is_finite():
        return None
    decimal_mark = get_decimal_symbol(locale)
    decimals = len(text.split(decimal_mark, 1)[1]) if decimal_mark in text else -1  # -1: no decimal mark
    return value, decimals


def _fits(decimals: int, kind: Kind) -> bool:
    if kind == "count":
        return decimals < 0
    if kind == "money":
        return decimals <= 2
    return True


def parse_amount(
    entry: str, locale: str, kind: Kind = "number", *, gettext: Callable[[str], str] = _identity
) -> Decimal:
    """Read a typed number under ``locale``, refusing what is not a number or is ambiguous.

    Parameters
    ----------
    entry
        What was typed. Spaces (also non-breaking and thin ones), apostrophes and
        underscores are read as thousands separators.
    locale
        ``es``, ``ca`` or ``en``: whose convention comes first. The opposite
        convention is also tried, so "2,000,000" in Spanish and "2.000.000" in
        English are read as two million: neither has another reading.
    kind
        ``money`` (at most two decimals), ``count`` (a whole number, no decimal
        separator) or ``number``.
    gettext
        Translates the messages (English by default).

    Returns
    -------
    Decimal
        The value.

    Raises
    ------
    NumberEntryError
        With a message for the person typing, in the language of ``gettext``.

    Examples
    --------
    >>> parse_amount("2.000.000", "es", "money")
    Decimal('2000000')
    >>> parse_amount("2,000,000", "es", "money")
    Decimal('2000000')
    >>> parse_amount("2 000 000", "en", "money")
    Decimal('2000000')
    >>> parse_amount("2,5", "es")
    Decimal('2.5')
    """
    _ = gettext
    shown = entry.strip()
    text = _SPACES.sub("", shown)
    if not text:
        raise NumberEntryError(_("enter a number"))
    if len(text) > _LONGEST:
        raise NumberEntryError(_("that entry is too long to be a number"))
    if text.startswith("-"):
        raise NumberEntryError(_("enter a number that is not negative"))
    parsed = [
        reading for convention in (locale, _opposite(locale)) if (reading := _reading(text, convention))
    ]
    if not parsed:
        raise NumberEntryError(
            _(
                "'{entry}' is not a number: write digits, with '.' or spaces between thousands, e.g. 2.000.000"
            ).format(entry=shown)
        )
    values = {value for value, decimals in parsed if _fits(decimals, kind)}
    if not values:
        if kind == "count":
            raise NumberEntryError(_("'{entry}' is not a whole number").format(entry=shown))
        raise NumberEntryError(_("'{entry}' has more than two decimals").format(entry=shown))
    if len(values) > 1:
        low, high = (format_amount(value, locale, decimals=-1) for value in sorted(values))
        raise NumberEntryError(
            _(
                "'{entry}' could be {low} or {high}: write it without separators, "
                "or with a separator between every three digits"
            ).format(entry=shown, low=low, high=high)
        )
    return values.pop()


# --- read back in words ----------------------------------------------------------------------

_UNITS: dict[str, dict[str, tuple[str, str]]] = {
    # unit -> language -> (singular, plural) of the noun
    "eur_per_year": {"es": ("euro", "euros"), "ca": ("euro", "euros"), "en": ("euro", "euros")},
    "eur": {"es": ("euro", "euros"), "ca": ("euro", "euros"), "en": ("euro", "euros")},
    "months": {"es": ("mes", "meses"), "ca": ("mes", "mesos"), "en": ("month", "months")},
}
_PER_YEAR = {"es": "al año", "ca": "a l'any", "en": "a year"}
_CENTS = {
    "es": ("con", "céntimo", "céntimos"),
    "ca": ("amb", "cèntim", "cèntims"),
    "en": ("and", "cent", "cents"),
}


def _spanish_apocope(words: str) -> str:
    """Spanish drops the final -o of "uno" before a noun or "mil"/"millones" (veintiún, ciento un mil)."""
    words = re.sub(r"\bveintiuno\b(?= \w)", "veintiún", words)
    return re.sub(r"\buno\b(?= \w)", "un", words)


def _integer_words(value: int, language: str, *, before_noun: bool) -> str:
    words = str(num2words(value, lang=language))
    if language == "es":
        words = _spanish_apocope(words + (" x" if before_noun else ""))
        words = words[:-2] if before_noun else words
    return words


def _of(words: str, language: str) -> str:
    """'de' / "d'" between a round million and its noun (dos millones de euros, dos milions d'euros)."""
    last = words.split()[-1] if words else ""
    if last in {"millón", "millones", "billón", "billones"}:
        return words + " de"
    if last in {"milió", "milions", "bilió", "bilions"}:
        return words + " d'"
    return words


def in_words(value: Decimal | float | int, language: str, unit: Unit = "none") -> str:
    """``value`` read back in ``language``, with its unit.

    >>> in_words(2_000_000, "es", "eur_per_year")
    'dos millones de euros al año'
    >>> in_words(2_000_000, "ca", "eur_per_year")
    "dos milions d'euros a l'any"
    >>> in_words(2_000_000, "en", "eur_per_year")
    'two million euros a year'
    >>> in_words(21_000_000, "es", "eur")
    'veintiún millones de euros'
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    whole = int(amount)
    cents = int((amount - whole) * 100) if unit in {"eur", "eur_per_year"} else 0
    if unit == "none":
        if amount != whole:
            return str(num2words(float(amount), lang=language))
        return _integer_words(whole, language, before_noun=False)
    singular, plural = _UNITS[unit][language]
    noun = singular if whole == 1 else plural
    words = _of(_integer_words(whole, language, before_noun=True), language)
    text = f"{words}{noun}" if words.endswith("'") else f"{words} {noun}"
    if cents:
        conjunction, cent, cents_noun = _CENTS[language]
        cent_words = _integer_words(cents, language, before_noun=True)
        text += f" {conjunction} {cent_words} {cent if cents == 1 else cents_noun}"
    if unit == "eur_per_year":
        text += f" {_PER_YEAR[language]}"
    return text


def format_amount(value: float | Decimal, language: str, *, decimals: int = 0) -> str:
    """``value`` written the way ``language`` writes numbers (2.000.000 in Spanish, 2,000,000 in English).

    ``decimals`` fixes the number of decimals; ``-1`` shows as many as the value has (up to six).
    """
    pattern = "#,##0" + ("." + "#" * 6 if decimals < 0 else "." + "0" * decimals if decimals else "")
    # Spanish CLDR leaves four-digit numbers ungrouped (2000); a budget field reads better grouped throughout.
    return format_decimal(value, format=pattern, locale=language, group_separator=True)


def format_signed(value: float, language: str, *, decimals: int = 1) -> str:
    """``value`` with its sign always written, in ``language``'s digits (+1,234.5 / +1.234,5; -2.0)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(abs(value), format=pattern, locale=language, group_separator=True)
    zero = format_decimal(0, format=pattern, locale=language)
    return (get_minus_sign_symbol(language) if value < 0 and text != zero else "+") + text


def format_percent(share: float, language: str, *, decimals: int = 1) -> str:
    """A share (0–1) as a percentage the way ``language`` writes it (12.5% in English, 12,5 % in Spanish)."""
    base = Locale.parse(language).percent_formats[None].pattern.split(";")[0]  # "#,##0 %" in es and ca
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * decimals if decimals > 0 else ""), 1)
    return format_percent_babel(share, format=pattern, locale=language)


def format_money(value: float, language: str) -> str:
    """Whole euros with the symbol where ``language`` puts it (€2,000,000; 2.000.000 €)."""
    pattern = Locale.parse(language).currency_formats["standard"].pattern.split(";")[0]
    whole = re.sub(r"\.0+", "", pattern)  # no cents: programme budgets are read in whole euros
    return format_currency(round(value), "EUR", format=whole, locale=language, currency_digits=False)


def format_moment(moment: datetime, language: str) -> str:
    """A date and time of day as ``language`` writes them in prose (30 de noviembre de 2026, 05:50 UTC)."""
    utc = moment.astimezone(UTC)
    day = format_date(utc.date(), format="long", locale=language)
    return f"{day}, {utc:%H:%M} UTC"


def interval_separator(language: str) -> str:
    """What separates an interval's bounds: ", " where the decimal mark is a point, "; " where it is a comma
    (Spanish and Valencian write [1,5; 2,5], never the ambiguous [1,5, 2,5])."""
    return "; " if get_decimal_symbol(language) == "," else ", "
