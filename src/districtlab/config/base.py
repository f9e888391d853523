"""Shared building blocks of the configuration: the base model and the fixed vocabularies."""

from __future__ import annotations

from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

#: Firm size classes by employees (EU recommendation 2003/361/EC headcount bands).
SIZE_CLASSES: tuple[str, ...] = ("micro", "small", "medium", "large")
#: Employee bounds of each size class, [low, high]; "large" is capped by Population.max_employees.
SIZE_CLASS_EMPLOYEES: dict[str, tuple[int, int]] = {
    "micro": (1, 9),
    "small": (10, 49),
    "medium": (50, 249),
    "large": (250, 250),
}
#: Roles a firm plays in the district's division of labour.
ROLES: tuple[str, ...] = ("lead", "producer", "supplier", "subcontractor", "tech_supplier")
#: Roles that buy from others in the supply network.
BUYER_ROLES: tuple[str, ...] = ("lead", "producer")
#: Roles that sell into the district's producers.
SELLER_ROLES: tuple[str, ...] = ("supplier", "subcontractor", "tech_supplier")

SizeClass = Literal["micro", "small", "medium", "large"]
Role = Literal["lead", "producer", "supplier", "subcontractor", "tech_supplier"]

Share = Field(ge=0.0, le=1.0)


class ConfigModel(BaseModel):
    """Base of every configuration type: immutable, strict about unknown keys, finite numbers only.

    ``allow_inf_nan=False``: ``inf`` and ``nan`` are refused in every float field
    (a bound such as ``le=1200`` does not catch NaN, and infinity would pass a
    field with only a lower bound). Scenario files are also validated with
    strict types (:func:`districtlab.io.toml.scenario_from_dict`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False)


class SizeClassValues(ConfigModel):
    """One number per firm size class."""

    micro: float
    small: float
    medium: float
    large: float

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.micro, self.small, self.medium, self.large)


class SizeClassShares(SizeClassValues):
    """One share in [0, 1] per firm size class."""

    micro: float = Field(ge=0.0, le=1.0)
    small: float = Field(ge=0.0, le=1.0)
    medium: float = Field(ge=0.0, le=1.0)
    large: float = Field(ge=0.0, le=1.0)


class SizeClassCounts(SizeClassValues):
    """One non-negative number per firm size class."""

    micro: float = Field(ge=0.0)
    small: float = Field(ge=0.0)
    medium: float = Field(ge=0.0)
    large: float = Field(ge=0.0)


# -- strict types for files -------------------------------------------------------------------


def _number_kind(annotation: Any) -> str | None:
    """``"number"``, ``"integer"`` or ``"bool"`` when a field (or container element) takes only that, else None."""
    options = list(get_args(annotation)) if get_origin(annotation) in (Union, UnionType) else [annotation]
    options = [a for a in options if a is not type(None)]
    if options and all(a in (int, float) for a in options):
        return "integer" if options == [int] else "number"
    if options == [bool]:
        return "bool"
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    for option in options:
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None


def _value_problem(annotation: Any, value: Any) -> str | None:
    kind = _number_kind(annotation)
    if kind in ("number", "integer") and (isinstance(value, bool) or not isinstance(value, int | float)):
        if value is None:
            return None
        return f"expected a {kind}, got {value!r}"
    if kind == "bool" and not isinstance(value, bool):
        return f"expected true or false, got {value!r}"
    return None


def strict_type_problem(
    model: type[BaseModel], data: Any, where: tuple[str, ...] = ()
) -> tuple[str, str] | None:
    """The first value of ``data`` (read from a file) whose type is not the one ``model`` declares.

    Pydantic's lax mode reads ``true`` as 1 and ``"120"`` as 120 in a number
    field; in a file that is a mistake to report, not to guess. Its strict mode
    cannot be used on data from TOML (it refuses a list where a tuple is
    declared), so this walk checks what lax mode would coerce: booleans and text
    in number fields, anything but a boolean in a boolean field. Returns
    (dotted field, what is wrong) or None; unknown keys are left to the model.
    """
    if not isinstance(data, dict):
        return None
    for key, value in data.items():
        field = model.model_fields.get(key) if isinstance(key, str) else None
        if field is None:
            continue
        problem = _annotation_problem(field.annotation, value, (*where, key))
        if problem is not None:
            return problem
    return None


def _annotation_problem(annotation: Any, value: Any, where: tuple[str, ...]) -> tuple[str, str] | None:
    problem = _value_problem(annotation, value)
    if problem is not None:
        return ".".join(where), problem
    nested = _model_of(annotation)
    if nested is not None and isinstance(value, dict):
        return strict_type_problem(nested, value, where)
    origin, arguments = get_origin(annotation), get_args(annotation)
    if origin in (tuple, list, set, frozenset) and arguments and isinstance(value, list):
        for index, item in enumerate(value):
            found = _annotation_problem(arguments[0], item, (*where, str(index)))
            if found is not None:
                return found
    if origin is dict and len(arguments) == 2 and isinstance(value, dict):
        for key, item in value.items():
            found = _annotation_problem(arguments[1], item, (*where, str(key)))
            if found is not None:
                return found
    return None
