"""The district's collective actors: its research and technology institute and its association."""

from __future__ import annotations

from pydantic import Field

from districtlab.config.base import ConfigModel
from districtlab.config.programme import Programme


class RTI(ConfigModel):
    """A research and technology institute acting as a collective actor.

    Its ``core_services`` are the transfer activities it runs for members from
    its own and its members' money, with or without a regional programme.
    """

    enabled: bool = Field(default=True, description="false: a district without its RTI")
    name: str = Field(min_length=1, description="name of the institute")
    staff_fte: float = Field(ge=0.0, le=10_000.0, description="staff, full-time equivalent")
    transfer_staff_share: float = Field(
        ge=0.0, le=1.0, description="share of staff time available for transfer services to district firms"
    )
    competence: dict[str, float] = Field(description="m_k per technology name, in [0, 1]")
    competence_gain: float = Field(ge=0.0, le=1.0, description="m <- m + gain (1 - m) per completed project")
    core_services: Programme = Field(description="the RTI's own always-on transfer services")

    def competence_for(self, technology: str) -> float:
        return self.competence[technology]


class Association(ConfigModel):
    """An industry association: convenes events and makes its members' choices visible."""

    enabled: bool = Field(default=True, description="false: no association")
    name: str = Field(min_length=1, description="name of the association")
    event_reach_multiplier: float = Field(ge=1.0, le=10.0, description="attendance multiplier of events")
    visibility_boost: float = Field(
        default=0.5,
        ge=0.0,
        le=10.0,
        description="extra weight of members' adoptions in legitimacy (numerator only, never the denominator)",
    )
