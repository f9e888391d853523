"""Configuration fields as Streamlit widgets, their bounds and help read from the pydantic types.

:func:`field_bounds` is pure (tested without Streamlit); the widget functions
only pass what it finds to ``st.number_input`` and ``st.slider``, so a bound
changed in :mod:`districtlab.config` changes the widget with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st
from pydantic import BaseModel

from districtlab.config.reflect import field_constraints
from districtlab.i18n.numbers import Kind, NumberEntryError, Unit, format_amount, in_words, parse_amount
from districtlab.i18n.translate import gettext_for


@dataclass(frozen=True)
class Bounds:
    """The closed interval a field accepts (open bounds moved inward by ``step``), and its help text."""

    low: float
    high: float
    help: str


def _translated(help_text: str) -> str:
    """A field's help text in the lab's language (the field descriptions the lab shows are in the label
    catalogue, :data:`districtlab.i18n.labels.FIELD_HELP`; any other is shown as written)."""
    from districtlab.dashboard import state  # the lab's language; state imports the cache, not the widgets

    return gettext_for(state.language())(help_text) if help_text else help_text


def field_bounds(model: type[BaseModel], name: str, *, step: float = 1.0) -> Bounds:
    """Bounds of ``model.name`` from its ``ge``/``gt``/``le``/``lt`` constraints.

    A strict bound (``gt``, ``lt``) becomes the closed bound one ``step`` inside
    it; a missing bound is infinite.

    >>> from districtlab.config import CoDesign
    >>> field_bounds(CoDesign, "budget_share", step=0.01)
    Bounds(low=0.0, high=0.99, help='share of the budget the co-design consumes')
    """
    found = field_constraints(model, name)
    low, high = found.closed_interval(step)
    return Bounds(low=low, high=high, help=found.description)


def number_field(
    label: str,
    model: type[BaseModel],
    name: str,
    value: float,
    *,
    key: str,
    step: float = 1.0,
    high: float | None = None,
    integer: bool = False,
    format: str | None = None,
) -> float:
    """``st.number_input`` for a numeric field; ``high`` may tighten the type's upper bound."""
    bounds = field_bounds(model, name, step=step)
    upper = bounds.high if high is None else min(bounds.high, high)
    low = None if math.isinf(bounds.low) else bounds.low
    up = None if math.isinf(upper) else upper
    if integer:
        return st.number_input(
            label,
            min_value=None if low is None else int(low),
            max_value=None if up is None else int(up),
            value=int(value),
            step=int(step),
            key=key,
            help=_translated(bounds.help),
        )
    return st.number_input(
        label,
        min_value=low,
        max_value=up,
        value=float(value),
        step=float(step),
        key=key,
        help=_translated(bounds.help),
        format=format,
    )


def share_slider(
    label: str, model: type[BaseModel], name: str, value: float, *, key: str, step: float = 0.05
) -> float:
    """``st.slider`` for a field bounded on both sides (shares, breadths)."""
    bounds = field_bounds(model, name, step=step)
    return st.slider(
        label,
        min_value=float(bounds.low),
        max_value=float(bounds.high),
        value=float(min(max(value, bounds.low), bounds.high)),
        step=step,
        key=key,
        help=_translated(bounds.help),
    )


def int_slider(
    label: str, model: type[BaseModel], name: str, value: int, *, key: str, high: int | None = None
) -> int:
    """``st.slider`` for an integer field; ``high`` may tighten the type's upper bound."""
    bounds = field_bounds(model, name)
    upper = int(bounds.high if high is None else min(bounds.high, high))
    return st.slider(
        label,
        min_value=int(bounds.low),
        max_value=upper,
        value=int(min(max(value, bounds.low), upper)),
        step=1,
        key=key,
        help=_translated(bounds.help),
    )


def check_typed(
    entry: str, bounds: Bounds, *, language: str, kind: Kind, unit: Unit = "none", high: float | None = None
) -> tuple[float | None, str]:
    """Read a typed entry within ``bounds``: the value and its words, or ``None`` and what is wrong.

    Pure, so the rules (``parse_amount``'s, and the field's bounds) are tested without Streamlit.
    """
    _ = gettext_for(language)
    upper = bounds.high if high is None else min(bounds.high, high)
    try:
        value = parse_amount(entry, language, kind, gettext=_)
    except NumberEntryError as error:
        return None, str(error)
    if value < bounds.low or value > upper:
        return None, _("{value} is outside {low}–{high}").format(
            value=format_amount(value, language, decimals=-1),
            low=format_amount(bounds.low, language, decimals=-1),
            high=format_amount(upper, language, decimals=-1),
        )
    return float(value), in_words(value, language, unit)


def typed_number_field(
    label: str,
    model: type[BaseModel],
    name: str,
    value: float,
    *,
    key: str,
    language: str,
    kind: Kind,
    unit: Unit = "none",
    high: float | None = None,
) -> float | None:
    """A text field for money or a count, read the way people type it; ``None`` while it is wrong.

    ``st.number_input`` reads "2.000.000" as 2 without a word; this field reads
    it under the language's convention (see :func:`districtlab.i18n.numbers.parse_amount`),
    shows the value back in words under the field, and shows an error instead of
    guessing when the entry is ambiguous or out of bounds.
    """
    bounds = field_bounds(model, name)
    entry = st.text_input(
        label, value=format_amount(value, language, decimals=-1), key=key, help=_translated(bounds.help)
    )
    number, words = check_typed(entry, bounds, language=language, kind=kind, unit=unit, high=high)
    if number is None:
        st.error(words)
    else:
        st.caption(words)
    return number
