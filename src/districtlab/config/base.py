"""Shared building blocks of the configuration: the base model and the fixed vocabularies."""

from __future__ import annotations

from typing import Literal

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
    """Base of every configuration type: immutable, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


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
