"""Technologies: what a firm can adopt, what it costs, how hard it is, how it spreads."""

from __future__ import annotations

from pydantic import Field

from districtlab.config.base import ConfigModel, SizeClassShares


class Technology(ConfigModel):
    """One Industry 4.0 technology family as seen from one district.

    Hazards are per month. ``relevance`` is district-specific (ODD.md §II.ii):
    how much the technology matters to this district's production.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="identifier, snake_case")
    label: str = Field(min_length=1, description="name shown in tables and figures")
    cost_fixed_eur: float = Field(ge=0.0, description="fixed part of the adoption cost (EUR)")
    cost_per_employee_eur: float = Field(ge=0.0, description="cost per employee (EUR)")
    complexity: float = Field(ge=0.0, le=1.0, description="c_k: absorptive capacity it demands")
    relevance: float = Field(ge=0.0, le=1.0, description="v_dk: relevance to this district")
    benefit_share: float = Field(
        gt=0.0, le=1.0, description="yearly benefit as a share of value added, at relevance 1"
    )
    risk: float = Field(
        ge=0.0, le=10.0, description="perceived risk before any demonstration (utility units)"
    )
    awareness_hazard: float = Field(
        ge=0.0, le=1.0, description="unaware -> aware per month from media and vendors (p-term)"
    )
    learning_hazard: float = Field(
        ge=0.0, le=1.0, description="aware -> knowledgeable per month from vendors and tech suppliers"
    )
    imitation_strength: float = Field(
        ge=0.0, le=5.0, description="q_k: -> knowledgeable per month at full exposure to adopters"
    )
    initial_awareness: float = Field(ge=0.0, le=1.0, description="share of firms aware at month 0")
    initial_adoption: SizeClassShares = Field(description="share of firms that have adopted at month 0")
