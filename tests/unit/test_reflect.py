"""One reader of field constraints: bounds as declared, strict bounds, and closed intervals."""

from __future__ import annotations

import math

from districtlab.config import CoDesign
from districtlab.config.programme import InstrumentDesign
from districtlab.config.reflect import field_constraints


def test_bounds_keep_their_kind_and_declared_value() -> None:
    found = field_constraints(InstrumentDesign, "event_attendees")
    assert found.bounds == (("ge", 1), ("le", 100_000))
    assert found.low == (1.0, True)
    assert found.high == (100_000.0, True)
    assert found.description == "firms reached by one event"


def test_a_strict_bound_moves_one_step_inside_the_closed_interval() -> None:
    found = field_constraints(InstrumentDesign, "event_cost_eur")
    assert found.low == (0.0, False)
    assert found.high is None
    assert found.closed_interval(step=1.0) == (1.0, math.inf)
    assert field_constraints(CoDesign, "budget_share").closed_interval(step=0.01) == (0.0, 0.99)
