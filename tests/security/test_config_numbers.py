"""Every float field of a scenario refuses inf and NaN; scenario files refuse numbers of the wrong type."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from districtlab.config import Scenario
from districtlab.config.base import strict_type_problem
from districtlab.presets import list_presets, load_preset


def float_leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from float_leaves(value, (*path, key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from float_leaves(value, (*path, index))
    elif isinstance(data, float):
        yield path


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: replaced(data[head], rest, value)}
    items = list(data)
    items[head] = replaced(items[head], rest, value)
    return items


@pytest.mark.parametrize("preset", list_presets())
@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_no_float_field_of_a_preset_accepts_a_non_finite_number(preset: str, value: float) -> None:
    data = load_preset(preset).model_dump()
    paths = list(float_leaves(data))
    assert len(paths) > 100  # every float of the scenario, programmes and institutions included
    accepted = []
    for path in paths:
        try:
            Scenario.model_validate(replaced(data, path, value))
        except ValidationError:
            continue
        accepted.append(".".join(map(str, path)))
    assert accepted == []


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("months",), True, "expected a number, got True"),
        (("months",), "120", "expected a number, got '120'"),
        (("networks", "peer_degree"), False, "expected a number"),
        (("technologies", 0, "cost_fixed_eur"), "1000", "expected a number"),
        (("networks", "suppliers_per_buyer", "micro"), True, "expected a number"),
    ],
)
def test_strict_types_find_coercions_lax_validation_would_make(
    path: tuple[Any, ...], value: Any, problem: str
) -> None:
    data = replaced(load_preset("toy-valley").model_dump(mode="json"), path, value)
    found = strict_type_problem(Scenario, data)
    assert found is not None
    assert found[0] == ".".join(map(str, path))
    assert found[1].startswith(problem)


def test_a_valid_preset_has_no_strict_type_problem() -> None:
    for preset in list_presets():
        assert strict_type_problem(Scenario, load_preset(preset).model_dump(mode="json")) is None
