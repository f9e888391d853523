"""The district's firms: how many of each role and size, and how their traits are drawn."""

from __future__ import annotations

from pydantic import Field, field_validator

from districtlab.config.base import ConfigModel, Role, SizeClass, SizeClassShares


class FirmSegment(ConfigModel):
    """A block of firms that share a role and a size class."""

    role: Role = Field(description="role in the division of labour")
    size_class: SizeClass = Field(description="size class by employees")
    count: int = Field(ge=0, le=10_000_000, description="number of firms")
    rti_member_share: float = Field(ge=0.0, le=1.0, description="share that are members of the RTI")
    association_member_share: float = Field(
        ge=0.0, le=1.0, description="share that are members of the industry association"
    )


class TraitDistribution(ConfigModel):
    """A trait in [0, 1] drawn per firm from a Beta distribution with a mean per size class.

    ``concentration`` is alpha + beta of the Beta distribution: large values give
    little spread around the mean. A mean of exactly 0 or 1 gives that constant.
    """

    mean: SizeClassShares = Field(description="mean per size class")
    concentration: float = Field(gt=0.0, le=1e6, description="alpha + beta of the Beta distribution")


class Population(ConfigModel):
    """Firm population of one district."""

    segments: tuple[FirmSegment, ...] = Field(min_length=1, description="firms by role and size class")
    max_employees: int = Field(ge=250, le=100_000, description="upper bound for large firms")
    value_added_per_employee_eur: float = Field(gt=0.0, description="yearly value added per employee")
    absorptive_capacity: TraitDistribution = Field(description="a_i (Cohen & Levinthal)")
    rti_affinity: TraitDistribution = Field(description="r_i: willingness to engage with the RTI")
    legitimacy_threshold: TraitDistribution = Field(
        description="theta_i: visible adoption share that legitimises"
    )

    @field_validator("segments")
    @classmethod
    def _unique_segments(cls, segments: tuple[FirmSegment, ...]) -> tuple[FirmSegment, ...]:
        seen: set[tuple[str, str]] = set()
        for segment in segments:
            key = (segment.role, segment.size_class)
            if key in seen:
                raise ValueError(f"segment {key[0]}/{key[1]} is listed twice")
            seen.add(key)
        if sum(segment.count for segment in segments) < 2:
            raise ValueError("a district needs at least 2 firms")
        return segments

    @property
    def n_firms(self) -> int:
        return sum(segment.count for segment in self.segments)
