"""The district's inter-firm networks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from districtlab.config.base import ConfigModel, SizeClassCounts


class Networks(ConfigModel):
    """Supply-chain and peer ties between firms.

    Supply ties run from a buyer (lead firm or producer) to its suppliers,
    subcontractors and technology suppliers; a buyer has on average
    ``suppliers_per_buyer`` of them by its size class. Peer ties join firms of
    the same role and similar size. ``peer_kind = "complete"`` joins every pair
    of firms (the Bass docking set-up) without building the matrix.
    """

    suppliers_per_buyer: SizeClassCounts = Field(description="mean supply ties of a buyer, by its size class")
    supply_weight: float = Field(ge=0.0, le=100.0, description="weight of a supply tie in exposure")
    peer_kind: Literal["random", "complete", "none"] = Field(
        default="random", description="how peers are tied"
    )
    peer_degree: float = Field(ge=0.0, le=1000.0, description="mean peer ties per firm")
    peer_weight: float = Field(ge=0.0, le=100.0, description="weight of a peer tie in exposure")
    cross_size_peer_share: float = Field(
        ge=0.0, le=1.0, description="share of peer ties to firms of a neighbouring size class"
    )
