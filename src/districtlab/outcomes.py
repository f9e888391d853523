"""The outcome catalogue: every number a run reports, declared once.

:meth:`districtlab.results.RunResult.outcomes` computes these outcomes; this module says what
they are called, how people read them (label, unit, digits, scale for display), which way is
"more diffusion" (``direction``) and at which level they count (a firm, or a firm × technology
pair). Outcome names, the experiments' default lists, report tables and axis labels derive from
it, so a new outcome is one entry here plus its computation in ``results.py`` (a test checks
that the two agree, name for name and in order).

Families such as ``adoption_share.<technology>`` are declared once with ``over`` naming the
dimension they are broken down by; :func:`outcome_names` expands them in the order the run
reports them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from districtlab.config import SIZE_CLASSES
from districtlab.model import CHANNELS, KNOWLEDGE_SOURCES

Direction = Literal["higher", "lower", "neither"]
Level = Literal["firm", "firm×technology"]
Dimension = Literal["size", "technology", "channel", "source"]

#: The adoption channels the SME channel shares are broken down by: every channel but the
#: initial state, then all RTI channels together.
CHANNEL_SHARES = (*(channel for channel in CHANNELS if channel != "initial"), "rti_direct")


@dataclass(frozen=True)
class Outcome:
    """One outcome (or one family of outcomes, broken down by ``over``).

    Attributes
    ----------
    name
        The outcome's name; a family's members are ``name.<value>``.
    label
        How a table or an axis names it (a family's label has ``{}`` for the value).
    unit
        What one unit is: ``"firms"``, ``"adoptions"``, ``"share"``, ``"months"``,
        ``"firm-months"``, ``"adoption-months"``, ``"EUR"`` or ``"index"``.
    digits
        Decimals shown (after ``scale``).
    direction
        ``"higher"`` when a larger value means more or faster diffusion, ``"lower"`` when a
        smaller one does, ``"neither"`` for money and composition shares.
    level
        ``"firm"`` when it counts firms, ``"firm×technology"`` when it counts adopter pairs.
    scale
        Factor for display (100 shows a share as %).
    over
        The dimension a family is broken down by, ``None`` for a single number.
    """

    name: str
    label: str
    unit: str
    digits: int
    direction: Direction
    level: Level
    scale: float = 1.0
    over: Dimension | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        """The range the outcome's values can take: shares and indices in [0, 1], every other unit >= 0."""
        return (0.0, 1.0) if self.unit in ("share", "index") else (0.0, math.inf)

    def display_label(self) -> str:
        """The label with its unit as people read it (``%`` for a scaled share)."""
        return f"{self.label} (%)" if self.unit == "share" and self.scale == 100.0 else self.label


def _o(
    name: str,
    label: str,
    unit: str,
    digits: int,
    direction: Direction,
    level: Level = "firm",
    scale: float = 1.0,
    over: Dimension | None = None,
) -> Outcome:
    return Outcome(name, label, unit, digits, direction, level, scale, over)


_HIGHER: Direction = "higher"
_LOWER: Direction = "lower"
_NEITHER: Direction = "neither"
_PAIR: Level = "firm×technology"

#: The catalogue, in groups: the members of a group broken down by a dimension are reported
#: value by value (``a.micro, b.micro, a.small, ...``), as ``RunResult.outcomes`` reports them.
GROUPS: tuple[tuple[Outcome, ...], ...] = (
    (
        _o("adopters", "Adoptions (firm × technology)", "adoptions", 1, _HIGHER, _PAIR),
        _o("new_adopters", "New adoptions (firm × technology)", "adoptions", 1, _HIGHER, _PAIR),
        _o("firms_adopting", "Adopting firms (at least one technology)", "firms", 1, _HIGHER),
        _o("new_firms_adopting", "New adopting firms", "firms", 1, _HIGHER),
        _o(
            "adoption_share_mean", "Adoption share, mean over technologies", "share", 1, _HIGHER, _PAIR, 100.0
        ),
        _o("laggard_share", "Laggard share, no technology", "share", 1, _LOWER, "firm", 100.0),
        _o("maturity_mean", "Digital maturity, mean technologies per firm", "index", 2, _HIGHER),
        _o("maturity_gini", "Digital maturity, Gini over firms", "index", 3, _NEITHER),
        _o(
            "adopter_months",
            "Adopter-months (new adoptions × months held)",
            "adoption-months",
            0,
            _HIGHER,
            _PAIR,
        ),
        _o("adopter_months_discounted", "Adopter-months, discounted", "adoption-months", 0, _HIGHER, _PAIR),
        _o("firm_adopter_months", "Firm adopter-months", "firm-months", 0, _HIGHER),
    ),
    (_o("adopter_months", "Adopter-months, {} firms", "adoption-months", 0, _HIGHER, _PAIR, over="size"),),
    (
        _o("months_to_target_share", "Months to the target adoption share", "months", 1, _LOWER, _PAIR),
        _o(
            "months_to_target_firm_share", "Months to the target share of adopting firms", "months", 1, _LOWER
        ),
    ),
    (
        _o(
            "months_to_target_share",
            "Months to the target adoption share, {} firms",
            "months",
            1,
            _LOWER,
            _PAIR,
            over="size",
        ),
        _o(
            "months_to_target_firm_share",
            "Months to the target firm share, {} firms",
            "months",
            1,
            _LOWER,
            over="size",
        ),
    ),
    (
        _o("programme_spend_eur", "Programme spend (EUR)", "EUR", 0, _NEITHER),
        _o("public_spend_eur", "Realised public spend (EUR)", "EUR", 0, _NEITHER),
        _o("budget_eur", "Budget (EUR)", "EUR", 0, _NEITHER),
        _o("unspent_budget_eur", "Unspent budget (EUR)", "EUR", 0, _NEITHER),
        _o("private_spend_eur", "Private co-funding (EUR)", "EUR", 0, _NEITHER),
        _o("post_programme_spend_eur", "Spend after the programme (EUR)", "EUR", 0, _NEITHER),
        _o("core_services_spend_eur", "RTI core services spend (EUR)", "EUR", 0, _NEITHER),
    ),
    (
        _o("adoption_share", "Adoption share: {}", "share", 1, _HIGHER, "firm", 100.0, "technology"),
        _o("months_to_half", "Months to half adoption: {}", "months", 1, _LOWER, "firm", over="technology"),
    ),
    (
        _o(
            "engaged_share",
            "Share of {} firms engaged by the RTI",
            "share",
            1,
            _HIGHER,
            "firm",
            100.0,
            "size",
        ),
        _o("size_adoption_share", "Adoption share of {} firms", "share", 1, _HIGHER, _PAIR, 100.0, "size"),
        _o("new_adopters", "New adoptions by {} firms", "adoptions", 1, _HIGHER, _PAIR, over="size"),
        _o("new_firms_adopting", "New adopting {} firms", "firms", 1, _HIGHER, over="size"),
    ),
    (
        _o(
            "sme_adoption_channel_share",
            "SME adoptions via {}",
            "share",
            1,
            _NEITHER,
            _PAIR,
            100.0,
            "channel",
        ),
    ),
    (_o("knowledge_source_share", "New knowledge from {}", "share", 1, _NEITHER, _PAIR, 100.0, "source"),),
    (
        _o(
            "adoption_source_share",
            "New adoptions with knowledge from {}",
            "share",
            1,
            _NEITHER,
            _PAIR,
            100.0,
            "source",
        ),
    ),
    (
        _o(
            "sme_two_step_share",
            "SME adoptions via a lead firm's RTI knowledge",
            "share",
            1,
            _NEITHER,
            _PAIR,
            100.0,
        ),
    ),
)


def _values(dimension: Dimension, technologies: Sequence[str]) -> tuple[str, ...]:
    return {
        "size": SIZE_CLASSES,
        "technology": tuple(technologies),
        "channel": CHANNEL_SHARES,
        "source": KNOWLEDGE_SOURCES,
    }[dimension]


def _expanded(technologies: Sequence[str]) -> Iterator[tuple[str, Outcome, str | None]]:
    for group in GROUPS:
        dimension = group[0].over
        if dimension is None:
            for outcome in group:
                yield outcome.name, outcome, None
            continue
        for value in _values(dimension, technologies):
            for outcome in group:
                yield f"{outcome.name}.{value}", outcome, value


def outcome_names(technologies: Sequence[str]) -> tuple[str, ...]:
    """Every outcome a run of a scenario with these technologies reports, in its order."""
    return tuple(name for name, _, _ in _expanded(technologies))


def outcome(name: str) -> Outcome:
    """The catalogue entry of outcome ``name`` (a family member gives its family's entry).

    Raises :class:`KeyError` for a name the catalogue does not hold.
    """
    base, _, value = name.partition(".")
    for group in GROUPS:
        for entry in group:
            if entry.name == base and (entry.over is None) == (value == ""):
                return entry
    raise KeyError(name)


def bounds(name: str) -> tuple[float, float]:
    """The range of outcome ``name``'s values; ``(-inf, inf)`` for a name the catalogue does not hold."""
    try:
        return outcome(name).bounds
    except KeyError:
        return (-math.inf, math.inf)


def difference_bounds(name: str) -> tuple[float, float]:
    """The range of a difference between two values of outcome ``name`` (a share's: [-1, 1])."""
    low, high = bounds(name)
    return (low - high, high - low)


def label(name: str, technology_labels: Mapping[str, str] | None = None) -> str:
    """How tables and axes name outcome ``name`` (``%`` added to scaled shares)."""
    entry = outcome(name)
    value = name.partition(".")[2]
    if entry.over is None:
        return entry.display_label()
    shown = (technology_labels or {}).get(value, value.replace("_", " "))
    return entry.display_label().replace("{}", shown)


__all__ = ["CHANNEL_SHARES", "GROUPS", "Outcome", "label", "outcome", "outcome_names"]
