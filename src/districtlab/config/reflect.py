"""One reader of the configuration types' field constraints.

Parameter paths (:mod:`districtlab.experiments.parameters`), the ODD parameter table
(:mod:`districtlab.config.describe`), the lab's widgets and the screening all ask this module what a
field accepts, instead of each walking pydantic's metadata its own way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

#: The numeric constraints pydantic records, with whether each is a lower bound and inclusive.
_NUMERIC = (("ge", True, True), ("gt", True, False), ("le", False, True), ("lt", False, False))


@dataclass(frozen=True)
class Constraints:
    """What a field accepts: its numeric bounds (in declaration order), minimum length and description.

    ``bounds`` holds ``(kind, value)`` pairs with ``kind`` one of ``"ge"``, ``"gt"``, ``"le"``,
    ``"lt"`` and the value as declared (an ``int`` stays an ``int``).
    """

    bounds: tuple[tuple[str, Any], ...] = ()
    min_length: int | None = None
    description: str = ""

    @property
    def low(self) -> tuple[float, bool] | None:
        """The lower bound and whether it is inclusive (the last one declared), or ``None``."""
        found = [(float(v), k == "ge") for k, v in self.bounds if k in ("ge", "gt")]
        return found[-1] if found else None

    @property
    def high(self) -> tuple[float, bool] | None:
        """The upper bound and whether it is inclusive (the last one declared), or ``None``."""
        found = [(float(v), k == "le") for k, v in self.bounds if k in ("le", "lt")]
        return found[-1] if found else None

    def closed_interval(self, step: float) -> tuple[float, float]:
        """Bounds as a closed interval: a strict bound moves one ``step`` inside; a missing one is infinite."""
        low, high = -math.inf, math.inf
        for kind, value in self.bounds:
            if kind == "ge":
                low = max(low, float(value))
            elif kind == "gt":
                low = max(low, float(value) + step)
            elif kind == "le":
                high = min(high, float(value))
            else:
                high = min(high, round(float(value) - step, 12))
        return low, high


def constraints(field: FieldInfo | None) -> Constraints:
    """The constraints of a pydantic field (none for ``None``)."""
    if field is None:
        return Constraints()
    bounds: list[tuple[str, Any]] = []
    min_length = None
    for item in field.metadata:
        if isinstance(item, annotated_types.BaseMetadata):
            for kind, _, _ in _NUMERIC:
                value = getattr(item, kind, None)
                if value is not None:
                    bounds.append((kind, value))
        if getattr(item, "min_length", None):
            min_length = int(item.min_length)
    return Constraints(tuple(bounds), min_length, field.description or "")


def field_constraints(model: type[BaseModel], name: str) -> Constraints:
    """The constraints of ``model.name``; :class:`KeyError` for a field the model lacks."""
    return constraints(model.model_fields[name])


__all__ = ["Constraints", "constraints", "field_constraints"]
