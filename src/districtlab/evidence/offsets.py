"""Text-position conventions of QDA tools: Unicode code points or UTF-16 code units.

REFI-QDA 1.5 (section 10.2) counts selection positions in code points, which
is how Python indexes a ``str``. NVivo (Windows and Mac) writes UTF-16 code
units, the unit of .NET and Cocoa strings: a character outside the Basic
Multilingual Plane (an emoji, U+10000 and above) counts as two, so every
passage after one is shifted by one position per such character. The two
conventions agree on text without such characters.

This module converts between them and decides which one a file uses when it
does not say. Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

#: What ``read_project(offsets=...)`` and ``--offsets`` accept.
OFFSET_CONVENTIONS = ("auto", "codepoints", "utf16")

#: Words in a project's ``origin`` attribute that name a tool writing UTF-16 positions.
UTF16_ORIGINS = ("nvivo",)


def has_astral(text: str) -> bool:
    """Whether ``text`` holds a character outside the Basic Multilingual Plane (counted twice in UTF-16)."""
    return any(ord(character) > 0xFFFF for character in text)


def utf16_boundaries(text: str) -> np.ndarray:
    """UTF-16 position of every code-point boundary: element ``i`` is where code point ``i`` starts."""
    widths = np.fromiter(
        (2 if ord(character) > 0xFFFF else 1 for character in text), dtype=np.int64, count=len(text)
    )
    return np.concatenate(([0], np.cumsum(widths)))


def utf16_to_codepoints(
    text: str, positions: Iterable[int], *, boundaries: np.ndarray | None = None
) -> list[int]:
    """Code-point positions for UTF-16 positions in ``text``.

    A position inside a surrogate pair (which a UTF-16 tool never writes)
    moves to the end of that character; positions past the end keep their
    distance from it, so that an overrun stays visible. ``boundaries``
    (:func:`utf16_boundaries` of ``text``) may be passed to convert many
    positions of one text without recomputing them.
    """
    if boundaries is None:
        boundaries = utf16_boundaries(text)
    total = int(boundaries[-1])
    converted = []
    for position in positions:
        if position > total:
            converted.append(len(text) + (position - total))
        else:
            converted.append(int(np.searchsorted(boundaries, position, side="left")))
    return converted


def _plausibility(text: str, start: int, end: int) -> int:
    """How many ends of ``[start, end)`` fall where a coder would put them (0, 1 or 2).

    Coders select whole words: a start at the text's start or after a character
    that is not a letter or digit, an end before such a character or at the end.
    """
    if end > len(text) or start > end:
        return -2  # past the end: wrong for this convention
    score = int(start == 0 or not text[start - 1].isalnum() or not text[start].isalnum())
    score += int(end == len(text) or not text[end].isalnum() or (end > 0 and not text[end - 1].isalnum()))
    return score


def choose_convention(
    texts: Mapping[str, str], selections: Iterable[tuple[str, int, int]], origin: str | None
) -> tuple[str, str]:
    """Decide whether a project's positions are code points or UTF-16 units.

    Only selections in texts holding characters outside the BMP tell the two
    apart. Each is scored under both readings (whole-word ends, no overrun,
    and for UTF-16 no end inside a surrogate pair); the reading with the
    higher total wins, and a tie goes to what the project's ``origin`` says
    (NVivo writes UTF-16), else to the standard's code points.

    Parameters
    ----------
    texts : Mapping[str, str]
        Source GUID -> text.
    selections : Iterable of (source GUID, start, end)
        Positions as written in the file.
    origin : str, optional
        The project's ``origin`` attribute.

    Returns
    -------
    tuple of str
        The convention (``"codepoints"`` or ``"utf16"``) and the reason, for the warning.
    """
    from_origin = bool(origin) and any(word in str(origin).lower() for word in UTF16_ORIGINS)
    as_codepoints = as_utf16 = telling = 0
    boundaries: dict[str, set[int]] = {}
    cached: dict[str, np.ndarray] = {}
    astral: dict[str, bool] = {}
    for source_guid, start, end in selections:
        text = texts.get(source_guid)
        if text is None:
            continue
        if source_guid not in astral:
            astral[source_guid] = has_astral(text)
        if not astral[source_guid]:
            continue
        telling += 1
        as_codepoints += _plausibility(text, start, end)
        if source_guid not in boundaries:
            cached[source_guid] = utf16_boundaries(text)
            boundaries[source_guid] = set(cached[source_guid].tolist())
        splits = (start not in boundaries[source_guid]) + (end not in boundaries[source_guid])
        converted_start, converted_end = utf16_to_codepoints(
            text, (start, end), boundaries=cached[source_guid]
        )
        as_utf16 += _plausibility(text, converted_start, converted_end) - 2 * splits
    if telling == 0:
        return "codepoints", "no selection lies in a text with characters outside the BMP"
    if as_utf16 > as_codepoints:
        return "utf16", f"{telling} selection(s) near emoji fit UTF-16 units better"
    if as_codepoints > as_utf16:
        return "codepoints", f"{telling} selection(s) near emoji fit code points better"
    if from_origin:
        return "utf16", f"the project comes from {origin!r}, which writes UTF-16 units"
    return "codepoints", "the positions fit both equally; REFI-QDA's code points assumed"
