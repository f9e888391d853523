"""Parameters addressed by dotted path into a scenario, checked against the bounds their types declare.

A path names a value of a :class:`~districtlab.config.Scenario` the way its TOML
file nests it:

* ``programme.budget_eur_per_year``, ``rti.staff_fte``, ``behaviour.utility_slope``;
* ``programmes.generic.budget_eur_per_year``: an entry of a named table;
* ``technologies.2.imitation_strength`` or ``technologies.robotics.imitation_strength``:
  an item of an array, by position or by its ``name``;
* ``rti.competence.robotics``: a value of a mapping;
* ``technologies.*.imitation_strength``: ``*`` stands for every item, so one value
  sets the imitation strength of all technologies.

A *parameter key* is a path, or a path prefixed with ``scale:``, which multiplies
the values it names instead of setting them: ``scale:technologies.*.imitation_strength``
at 1.2 raises every technology's imitation strength by 20 % and keeps their
differences. Scaled integers are rounded to the nearest integer.

Bounds come from the configuration types (``Field(ge=, gt=, le=, lt=)``); rules
that involve several fields (instrument shares summing to one, co-design shorter
than the programme) are checked by validating the scenario. Every error is an
:class:`~districtlab.errors.InputError` that names the parameter.
"""

from __future__ import annotations

import copy
import difflib
import math
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from districtlab.config import Scenario
from districtlab.config.reflect import constraints
from districtlab.errors import InputError

#: Prefix of a parameter key that multiplies the values its path names.
SCALE_PREFIX = "scale:"
#: Path segment that stands for every item of an array or table.
WILDCARD = "*"

Kind = Literal["float", "int", "bool", "str", "choice"]
Step = str | int


@dataclass(frozen=True)
class Bounds:
    """What a configuration type allows for one value: its kind, its interval or its choices."""

    kind: Kind
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    choices: tuple[Any, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.kind in ("float", "int")

    def contains(self, value: float) -> bool:
        """Whether a number lies within the bounds (for numeric kinds)."""
        if not math.isfinite(value):
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        return not (
            self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive))
        )

    def describe(self) -> str:
        """The bounds as a reader writes them, for example ``>= 0, <= 1e+10``."""
        if self.kind == "choice":
            return "one of " + ", ".join(map(str, self.choices))
        if self.kind in ("bool", "str"):
            return f"a {self.kind}"
        parts = []
        if self.low is not None:
            parts.append(f"{'>=' if self.low_inclusive else '>'} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'<=' if self.high_inclusive else '<'} {self.high:g}")
        return ", ".join(parts) if parts else f"any {self.kind}"


@dataclass(frozen=True)
class SamplingRange:
    """An interval to sample a parameter key in, checked against its type: whole numbers or not."""

    low: float
    high: float
    kind: Literal["float", "int"]


@dataclass(frozen=True)
class Location:
    """One value of a scenario: where it sits in the scenario's data and what its type allows."""

    steps: tuple[Step, ...]
    bounds: Bounds

    @property
    def path(self) -> str:
        return ".".join(map(str, self.steps))


# -- reading the configuration types -----------------------------------------------------


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (types.UnionType, typing.Union):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _leaf_bounds(annotation: Any, field: FieldInfo | None) -> Bounds:
    annotation = _unwrap_optional(annotation)
    if typing.get_origin(annotation) is Literal:
        return Bounds(kind="choice", choices=typing.get_args(annotation))
    if annotation is bool:
        return Bounds(kind="bool")
    if annotation is str:
        return Bounds(kind="str")
    kind: Kind = "int" if annotation is int else "float"
    found = constraints(field)
    low, low_inclusive = found.low if found.low is not None else (None, True)
    high, high_inclusive = found.high if found.high is not None else (None, True)
    return Bounds(kind=kind, low=low, high=high, low_inclusive=low_inclusive, high_inclusive=high_inclusive)


def _model_class(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap_optional(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _item_annotation(annotation: Any) -> Any:
    """The annotation of the items of ``tuple[X, ...]`` or the values of ``dict[str, X]``."""
    annotation = _unwrap_optional(annotation)
    args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
    return args[-1] if args else Any


def _container(annotation: Any) -> type | None:
    origin = typing.get_origin(_unwrap_optional(annotation))
    return origin if origin in (tuple, list, dict) else None


# -- walking a scenario's data ---------------------------------------------------------------


def _walk(
    data: Any, annotation: Any, field: FieldInfo | None, segments: list[str], done: tuple[Step, ...], key: str
) -> Iterator[Location]:
    """Yield the locations that ``segments`` name below ``data`` (typed by ``annotation``)."""
    if not segments:
        if isinstance(data, dict | list):
            raise InputError("names a section, not a value", field=key)
        yield Location(done, _leaf_bounds(annotation, field))
        return
    segment, rest = segments[0], segments[1:]
    here = ".".join(map(str, done)) or "the scenario"
    model = _model_class(annotation)
    if data is None:
        raise InputError(f"{here} is not set in this scenario, so it has no {segment!r}", field=key)
    if model is not None:
        if segment not in model.model_fields:
            raise _unknown(key, done, segment, list(model.model_fields), rest)
        inner = model.model_fields[segment]
        yield from _walk(data[segment], inner.annotation, inner, rest, (*done, segment), key)
        return
    container = _container(annotation)
    item = _item_annotation(annotation)
    if container is dict and isinstance(data, dict):
        names = list(data) if segment == WILDCARD else [segment]
        for name in names:
            if name not in data:
                raise _unknown(
                    key,
                    done,
                    name,
                    list(data),
                    rest,
                    f"{here} has entries: {', '.join(map(str, data)) or 'none'}",
                )
            yield from _walk(data[name], item, None, rest, (*done, name), key)
        return
    if container in (tuple, list) and isinstance(data, list):
        for index in _indices(data, segment, done, key, rest):
            yield from _walk(data[index], item, None, rest, (*done, index), key)
        return
    raise _unknown(key, done, segment, [], rest, f"{here} is a value, it has no {segment!r}")


def _indices(items: list[Any], segment: str, done: tuple[Step, ...], key: str, rest: list[str]) -> list[int]:
    here = ".".join(map(str, done))
    if segment == WILDCARD:
        return list(range(len(items)))
    if segment.isdigit():
        index = int(segment)
        if index >= len(items):
            raise InputError(f"{here} has {len(items)} items, so there is no item {index}", field=key)
        return [index]
    named = [i for i, item in enumerate(items) if isinstance(item, dict) and item.get("name") == segment]
    if not named:
        known = [str(item["name"]) for item in items if isinstance(item, dict) and "name" in item]
        hint = f" (its names: {', '.join(known)})" if known else " (address its items by position: 0, 1, ...)"
        raise _unknown(key, done, segment, known, rest, f"{here} has no item named {segment!r}{hint}")
    return named


def _unknown(
    key: str,
    done: tuple[Step, ...],
    segment: str,
    candidates: list[str],
    rest: list[str],
    detail: str | None = None,
) -> InputError:
    """An unknown-parameter error for ``key``, suggesting the closest paths.

    Suggestions come first from the names available where the path went wrong
    (``programme.budget_eur`` -> ``programme.budget_eur_per_year``), then from
    every path the configuration types define.
    """
    prefix = ".".join(map(str, done))
    near = difflib.get_close_matches(segment, [str(c) for c in candidates], n=3, cutoff=0.6)
    matches = [".".join(filter(None, [prefix, name, *rest])) for name in near]
    if not matches:
        matches = difflib.get_close_matches(split_key(key)[0], _known_paths(), n=3, cutoff=0.6)
    message = "unknown parameter" + (f" ({detail})" if detail else "")
    if matches:
        message += "; did you mean " + ", ".join(matches) + "?"
    return InputError(message, field=key)


def _paths_of(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _model_class(field.annotation)
        container = _container(field.annotation)
        item_model = _model_class(_item_annotation(field.annotation)) if container else None
        if nested is not None:
            yield from _paths_of(nested, f"{path}.")
        elif item_model is not None:
            yield from _paths_of(item_model, f"{path}.{WILDCARD}.")
        elif container is dict:
            yield f"{path}.{WILDCARD}"
        else:
            yield path


_KNOWN: list[str] = []


def _known_paths() -> list[str]:
    """Every path the configuration types define (arrays and tables written with ``*``)."""
    if not _KNOWN:
        _KNOWN.extend(_paths_of(Scenario, ""))
    return _KNOWN


# -- public functions ----------------------------------------------------------------------


def split_key(key: str) -> tuple[str, bool]:
    """``(path, scaled)`` of a parameter key."""
    if key.startswith(SCALE_PREFIX):
        return key[len(SCALE_PREFIX) :], True
    return key, False


def known_paths() -> tuple[str, ...]:
    """The paths every scenario has, with ``*`` for the items of arrays and tables."""
    return tuple(_known_paths())


def locate(data: Mapping[str, Any], key: str) -> list[Location]:
    """The values a parameter key names in a scenario's data (``Scenario.model_dump(mode="json")``)."""
    path, _ = split_key(key)
    segments = path.split(".")
    if not path or any(not segment for segment in segments):
        raise InputError("empty parameter path or an empty segment in it", field=key)
    return list(_walk(data, Scenario, None, segments, (), key))


def parameter_bounds(scenario: Scenario, key: str) -> Bounds:
    """The bounds the configuration types set on the values ``key`` names.

    A ``scale:`` key is a positive factor: its own bounds are ``> 0``; the
    scaled values are checked by :func:`check_range`.
    """
    locations = locate(scenario.model_dump(mode="json"), key)
    if split_key(key)[1]:
        if not all(location.bounds.numeric for location in locations):
            raise InputError("only numbers can be scaled", field=key)
        return Bounds(kind="float", low=0.0, low_inclusive=False)
    return locations[0].bounds


def parameter_values(scenario: Scenario, key: str) -> list[Any]:
    """The values ``key`` names in ``scenario`` (one per location a wildcard matches), as stored."""
    data = scenario.model_dump(mode="json")
    return [_get(data, location.steps) for location in locate(data, key)]


def check_range(scenario: Scenario, key: str, low: float, high: float) -> SamplingRange:
    """Check that sampling ``key`` in [low, high] stays within what its type allows.

    The range is of integers when every value ``key`` names is an integer (and it does not scale them).
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError(f"the range [{low:g}, {high:g}] must be finite", field=key)
    if not low < high:
        raise InputError(f"the range needs low < high, got [{low:g}, {high:g}]", field=key)
    data = scenario.model_dump(mode="json")
    scaled = split_key(key)[1]
    locations = locate(data, key)
    for location in locations:
        bounds = location.bounds
        if not bounds.numeric:
            raise InputError(
                f"takes {bounds.describe()}, not numbers in a range: list its values instead", field=key
            )
        if scaled:
            base = float(_get(data, location.steps))
            ends = (base * low, base * high)
            if low <= 0:
                raise InputError(f"a scale factor must be > 0, got {low:g}", field=key)
        else:
            ends = (low, high)
        outside = [end for end in ends if not bounds.contains(end)]
        if outside:
            what = f"scaled to {outside[0]:g} at {location.path}" if scaled else f"{outside[0]:g}"
            raise InputError(f"{what} is outside what its type allows ({bounds.describe()})", field=key)
    integers = {location.bounds.kind for location in locations} == {"int"} and not scaled
    return SamplingRange(low=low, high=high, kind="int" if integers else "float")


def check_value(scenario: Scenario, key: str, value: Any) -> None:
    """Check one value of ``key`` against its type, for levels of a factorial design."""
    data = scenario.model_dump(mode="json")
    _, scaled = split_key(key)
    for location in locate(data, key):
        _check_leaf(location, _scaled(data, location, value) if scaled else value, key)


def _check_leaf(location: Location, value: Any, key: str) -> None:
    bounds = location.bounds
    if bounds.kind == "choice":
        if value not in bounds.choices:
            raise InputError(f"{value!r} is not {bounds.describe()}", field=key)
    elif bounds.kind == "bool":
        if not isinstance(value, bool):
            raise InputError(f"{value!r} is not true or false", field=key)
    elif bounds.kind == "str":
        if not isinstance(value, str):
            raise InputError(f"{value!r} is not a string", field=key)
    else:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"{value!r} is not a number", field=key)
        if not bounds.contains(float(value)):
            raise InputError(f"{value:g} is outside what its type allows ({bounds.describe()})", field=key)
        if bounds.kind == "int" and float(value) != int(value):
            raise InputError(f"{value:g} is not a whole number", field=key)


def _get(data: Any, steps: tuple[Step, ...]) -> Any:
    for step in steps:
        data = data[step]
    return data


def _set(data: Any, steps: tuple[Step, ...], value: Any) -> None:
    _get(data, steps[:-1])[steps[-1]] = value


def _scaled(data: Any, location: Location, factor: Any) -> Any:
    if isinstance(factor, bool) or not isinstance(factor, int | float):
        raise InputError(f"a scale factor must be a number, got {factor!r}", field=location.path)
    value = _get(data, location.steps) * factor
    return round(value) if location.bounds.kind == "int" else float(value)


def _plain(value: Any) -> Any:
    """Python scalars for numpy ones (design tables hold numpy values)."""
    return value.item() if hasattr(value, "item") and not isinstance(value, dict | list) else value


def apply_changes(data: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a scenario's data with ``changes`` (parameter key -> value) applied, in order.

    Values may be sections (dicts, lists), which replace what the path names:
    that is how :func:`scenario_changes` records differences of structure.
    """
    data = copy.deepcopy(data)
    for key, raw in changes.items():
        value = _plain(raw)
        scaled = split_key(key)[1]
        path = split_key(key)[0]
        if not scaled and (value is None or isinstance(value, dict | list)):
            steps = _steps_for_section(data, path, key)
            _set(data, steps, copy.deepcopy(value))
            continue
        for location in locate(data, key):
            new = _scaled(data, location, value) if scaled else value
            _check_leaf(location, new, key)
            _set(data, location.steps, int(new) if location.bounds.kind == "int" else new)
    return data


def _steps_for_section(data: dict[str, Any], path: str, key: str) -> tuple[Step, ...]:
    """Steps to a section (a dict or list) named by a concrete path of indices and keys."""
    steps: list[Step] = []
    here: Any = data
    for segment in path.split("."):
        if isinstance(here, list) and segment.isdigit() and int(segment) < len(here):
            steps.append(int(segment))
        elif isinstance(here, dict) and segment in here:
            steps.append(segment)
        else:
            raise InputError("unknown section", field=key)
        here = here[steps[-1]]
    return tuple(steps)


def scenario_with(base: Scenario, changes: Mapping[str, Any], *, label: str | None = None) -> Scenario:
    """``base`` with ``changes`` (parameter key -> value) applied and the result validated.

    Raises :class:`InputError` naming the parameter, the values set and ``label``
    (e.g. the design point) when a value is outside its bounds or the scenario
    does not validate.
    """
    if not changes:
        return base
    values = ", ".join(f"{key}={_plain(v)!r}" for key, v in changes.items() if not isinstance(v, dict | list))
    context = " ".join(filter(None, [label, f"with {values}" if values else ""]))
    suffix = f" ({context})" if context else ""
    try:
        return Scenario.model_validate(apply_changes(base.model_dump(mode="json"), changes))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"].removeprefix("Value error, ")
        raise InputError(message + suffix, field=field) from None
    except InputError as error:
        raise InputError(error.problem + suffix, field=error.field) from None


def scenario_changes(base: Scenario, other: Scenario) -> dict[str, Any]:
    """The smallest set of path -> value changes that turns ``base`` into ``other``.

    Values are JSON-like (numbers, strings, dicts, lists); a section whose
    structure differs (an optional section set or cleared, a table with other
    entries) is recorded whole. ``scenario_with(base, changes) == other``.
    """
    changes: dict[str, Any] = {}
    _differences(base.model_dump(mode="json"), other.model_dump(mode="json"), (), changes)
    return changes


def _differences(old: Any, new: Any, steps: tuple[Step, ...], changes: dict[str, Any]) -> None:
    if old == new and type(old) is type(new):
        return
    same_dict = isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys()
    if (
        same_dict
        and steps
        and all("." not in str(k) and str(k) != WILDCARD and not str(k).isdigit() for k in new)
    ):
        for k in new:
            _differences(old[k], new[k], (*steps, k), changes)
    elif same_dict and not steps:
        for k in new:
            _differences(old[k], new[k], (k,), changes)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _differences(a, b, (*steps, index), changes)
    else:
        changes[".".join(map(str, steps))] = copy.deepcopy(new)


__all__ = [
    "SCALE_PREFIX",
    "WILDCARD",
    "Bounds",
    "Location",
    "SamplingRange",
    "apply_changes",
    "check_range",
    "check_value",
    "known_paths",
    "locate",
    "parameter_bounds",
    "parameter_values",
    "scenario_changes",
    "scenario_with",
    "split_key",
]
