"""The parameter grammar works without the command line: levels, ranges and the design they ask for."""

from __future__ import annotations

import numpy as np
import pytest

from districtlab.errors import InputError
from districtlab.experiments.grammar import parse_levels, parse_range, split_params, sweep_design
from districtlab.presets import load_scenario


def test_levels_ranges_and_lists_read_as_typed() -> None:
    assert parse_levels("rti.staff_fte", "10:30:3") == [10, 20, 30]
    assert parse_levels("association.enabled", "true,false") == [True, False]
    assert parse_range("behaviour.adoption_hazard", "0.01:0.1") == (0.01, 0.1)
    with pytest.raises(InputError, match="given twice"):
        split_params(["a=1,2", "a=3,4"])


def test_a_factorial_sweep_design_crosses_the_levels() -> None:
    base = load_scenario("toy-valley").with_firms(40).with_months(6)
    design = sweep_design(
        base,
        ["rti.staff_fte=10,20", "behaviour.adoption_hazard=0.02,0.05"],
        "factorial",
        4,
        None,
        np.random.SeedSequence(1),
        1,
    )
    assert len(design) == 4
