"""Which parameters a Morris screening around a design varies: pure, so that it is tested without Streamlit.

Every parameter is varied by the same factor range around the design's own
value (``scale:`` keys of :mod:`districtlab.experiments.parameters`), so that
their Morris indices compare like with like: what moving each of them by up to
``±spread`` does to the outcome.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.parameters import SCALE_PREFIX, check_range, parameter_bounds, parameter_values
from districtlab.i18n.translate import N_

#: Parameters a workshop can act on (the programme, the RTI) and some it cannot (networks, behaviour).
PARAMETERS: Mapping[str, str] = {
    "programme.budget_eur_per_year": N_("programme budget"),
    "programme.duration_months": N_("programme duration"),
    "programme.codesign.participation_breadth": N_("co-design breadth"),
    "rti.staff_fte": N_("RTI staff"),
    "rti.transfer_staff_share": N_("RTI time for transfer"),
    "networks.supply_weight": N_("weight of supply ties"),
    "networks.peer_weight": N_("weight of peer ties"),
    "behaviour.legitimacy_bonus": N_("legitimacy bonus"),
}

#: Of those, the ones a regional programme or its RTI decides (policy levers); the others are
#: uncertainties about the district that no workshop sets.
POLICY_LEVERS: frozenset[str] = frozenset(
    {
        "programme.budget_eur_per_year",
        "programme.duration_months",
        "programme.codesign.participation_breadth",
        "rti.staff_fte",
        "rti.transfer_staff_share",
    }
)


def is_lever(key: str) -> bool:
    """Whether a screening key is a policy lever (decided by the programme or the RTI)."""
    return key.removeprefix(SCALE_PREFIX) in POLICY_LEVERS


def label(key: str) -> str:
    """The readable name of a screening key."""
    return PARAMETERS.get(key.removeprefix(SCALE_PREFIX), key)


def screening_ranges(scenario: Scenario, spread: float) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """A Morris range for every parameter the design has, and why the others are left out.

    A parameter gets the factor range ``scale:`` [1 - spread, 1 + spread]; one
    whose type would be left by that (a share of 0.9 raised by 20%) gets the
    plain range of its values that the type allows instead. Values, paths and bounds are read
    through :mod:`districtlab.experiments.parameters` (whose bounds come from
    :mod:`districtlab.config.reflect`), as every other front end reads them.
    """
    ranges: dict[str, tuple[float, float]] = {}
    left_out = []
    for path, name in PARAMETERS.items():
        try:
            check_range(scenario, SCALE_PREFIX + path, 1.0 - spread, 1.0 + spread)
            ranges[SCALE_PREFIX + path] = (1.0 - spread, 1.0 + spread)
            continue
        except InputError as error:
            problem = error.problem
        try:
            (value,) = map(float, parameter_values(scenario, path))
            bounds = parameter_bounds(scenario, path)
            low = max(value * (1.0 - spread), bounds.low if bounds.low is not None else -math.inf)
            high = min(value * (1.0 + spread), bounds.high if bounds.high is not None else math.inf)
            check_range(scenario, path, low, high)
            ranges[path] = (low, high)
        except (InputError, AttributeError, TypeError, ValueError):
            left_out.append(f"{name}: {problem}")
    return ranges, left_out
