"""How firms learn from each other and decide to adopt."""

from __future__ import annotations

from pydantic import Field

from districtlab.config.base import ConfigModel


class Behaviour(ConfigModel):
    """Parameters of inter-firm transfer and of the adoption decision (ODD.md §II.ii, §II.iii and §II.vi)."""

    adoption_hazard: float = Field(
        ge=0.0, le=10.0, description="h: adoption hazard per month at utility +inf (0: nobody adopts)"
    )
    utility_slope: float = Field(gt=0.0, le=100.0, description="beta of the adoption logistic")
    gate_scale: float = Field(gt=0.0, le=1.0, description="s in u(a, c) = logistic((a - c) / s)")
    appraisal_years: float = Field(gt=0.0, le=30.0, description="years of benefit a firm weighs against cost")
    supply_chain_hazard: float = Field(
        ge=0.0, le=5.0, description="h_sc: -> knowledgeable per month per adopting buyer"
    )
    legitimacy_bonus: float = Field(ge=0.0, le=10.0, description="lambda: utility bonus once L_k >= theta_i")
    demonstration_risk_reduction: float = Field(
        ge=0.0, le=1.0, description="share of risk removed by a demonstration"
    )
    exposure_risk_reduction: float = Field(
        ge=0.0, le=1.0, description="share of risk removed at full exposure"
    )
    adoption_learning: float = Field(ge=0.0, le=1.0, description="a <- a + gain (1 - a) per adoption")
    rejection_probability: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="share of adoption decisions that end in rejection or postponement (Rogers 2003)",
    )
    postponement_months: float = Field(
        default=12.0, gt=0.0, le=120.0, description="months before a firm that said no reconsiders"
    )
    visibility_size_elasticity: float = Field(
        default=0.5, ge=0.0, le=2.0, description="visibility of a firm's adoptions grows as employees^e"
    )
    visibility_centrality_weight: float = Field(
        default=1.0, ge=0.0, le=10.0, description="visibility gained per unit of relative network degree"
    )
    buyer_requirement_share: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="chance that a buyer that has adopted a technology requires it of a supplier",
    )
    buyer_requirement_bonus: float = Field(
        default=1.0,
        ge=0.0,
        le=10.0,
        description="utility of meeting a buyer's requirement (keeping the customer)",
    )
    immediate_adoption: bool = Field(
        default=False, description="knowledgeable firms adopt at once (Bass docking), skipping the decision"
    )
