"""A programme design as a workshop edits it: pure functions from edits to a validated scenario.

Nothing here imports Streamlit. The Designer page collects a :class:`DesignEdits`
from its widgets, and :func:`apply_design` turns it into a scenario the model
accepts, or an :class:`~districtlab.errors.InputError` whose one line the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from pydantic import ValidationError

from districtlab.config import INSTRUMENTS, Programme, Scenario
from districtlab.config.instruments import INSTRUMENT_LABELS
from districtlab.errors import InputError, from_validation_error
from districtlab.i18n.translate import N_


@dataclass(frozen=True)
class DesignEdits:
    """What a workshop can change in a programme (everything else is kept from the starting design)."""

    budget_eur_per_year: float
    start_month: int
    duration_months: int
    allocation_percent: Mapping[str, float]  # instrument -> percent of the delivery budget
    priorities: tuple[str, ...] | None  # chosen technologies; None keeps the starting design's priorities
    focus_technologies: int
    targeting: str
    codesign: bool
    codesign_months: int
    codesign_budget_share: float
    participation_breadth: float


def edits_of(programme: Programme) -> DesignEdits:
    """The edits that reproduce ``programme`` (the widgets' starting values)."""
    allocation = programme.allocation
    codesign = programme.codesign
    return DesignEdits(
        budget_eur_per_year=programme.budget_eur_per_year,
        start_month=programme.start_month,
        duration_months=programme.duration_months,
        allocation_percent={
            name: 100.0 * (getattr(allocation, name) if allocation is not None else 0.0)
            for name in INSTRUMENTS
        },
        priorities=None,
        focus_technologies=programme.focus_technologies,
        targeting=programme.targeting,
        codesign=codesign is not None,
        codesign_months=codesign.months if codesign is not None else 6,
        codesign_budget_share=codesign.budget_share if codesign is not None else 0.05,
        participation_breadth=codesign.participation_breadth if codesign is not None else 0.5,
    )


def prioritised(programme: Programme) -> tuple[str, ...]:
    """Technologies with a positive priority in ``programme`` (none when the co-design sets them)."""
    if programme.priorities is None:
        return ()
    return tuple(name for name, weight in programme.priorities.items() if weight > 0)


def apply_design(scenario: Scenario, base: Programme, edits: DesignEdits, *, name: str) -> Scenario:
    """``scenario`` running ``base`` changed by ``edits``, validated.

    Chosen priorities get equal weight and the others none. Switching the
    co-design on makes the programme place-based (a generic programme has no
    co-design); switching it off keeps the starting design's kind.

    Raises
    ------
    InputError
        With the first problem the configuration finds, in one line (for
        example instrument shares that do not add up to 100%).
    """
    total = sum(edits.allocation_percent.values())
    if abs(total - 100.0) > 1e-6:
        raise InputError(
            f"instrument shares must add up to 100%, they add up to {total:g}%", field="allocation"
        )
    programme = base.model_dump()
    codesign = None
    if edits.codesign:
        codesign = (base.codesign.model_dump() if base.codesign is not None else {}) | {
            "months": edits.codesign_months,
            "budget_share": edits.codesign_budget_share,
            "participation_breadth": edits.participation_breadth,
            "noise_sd": base.codesign.noise_sd if base.codesign is not None else 0.3,
        }
    priorities = programme["priorities"]
    if edits.priorities is not None:
        chosen = set(edits.priorities)
        priorities = {name: float(name in chosen) for name in scenario.technology_names} if chosen else None
    programme.update(
        name=name,
        kind="place-based" if edits.codesign else base.kind,
        budget_eur_per_year=edits.budget_eur_per_year,
        start_month=edits.start_month,
        duration_months=edits.duration_months,
        allocation={key: edits.allocation_percent[key] / 100.0 for key in INSTRUMENTS},
        priorities=priorities,
        focus_technologies=edits.focus_technologies,
        targeting=edits.targeting,
        codesign=codesign,
    )
    try:
        return scenario.replace(programme=programme)
    except ValidationError as error:
        raise from_validation_error(error) from None


def budget_plan(programme: Programme) -> pd.DataFrame:
    """Where a programme's money goes over its whole duration (EUR): co-design, then each instrument."""
    total = programme.total_budget_eur
    codesign = total * programme.codesign.budget_share if programme.codesign is not None else 0.0
    delivery = total - codesign
    rows = [{"line": N_("co-design"), "eur": codesign}] if programme.codesign is not None else []
    if programme.allocation is not None:
        rows += [
            {"line": INSTRUMENT_LABELS[name], "eur": delivery * getattr(programme.allocation, name)}
            for name in INSTRUMENTS
        ]
    rows.append({"line": N_("total"), "eur": total})
    return pd.DataFrame(rows)
