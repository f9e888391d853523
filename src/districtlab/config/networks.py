"""The district's inter-firm networks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from districtlab.config.base import ConfigModel, Role, SizeClass, SizeClassCounts


class ObservedFirm(ConfigModel):
    """A firm of an observed knowledge network (for example from a survey of who asks whom for advice)."""

    id: str = Field(min_length=1, description="the actor's identifier in the source file")
    role: Role = Field(description="role in the division of labour")
    size_class: SizeClass = Field(description="size class by employees")
    employees: float | None = Field(default=None, ge=1.0, description="employees, when known")
    rti_member: bool = Field(default=False, description="tied to the RTI in the observed network")
    association_member: bool = Field(
        default=False, description="tied to the association in the observed network"
    )


class ObservedTie(ConfigModel):
    """A tie between two observed firms (indices into ``ObservedNetwork.firms``)."""

    source: int = Field(
        ge=0, description="index of the firm knowledge flows from (the buyer of a supply tie)"
    )
    target: int = Field(ge=0, description="index of the firm knowledge flows to (the seller of a supply tie)")
    weight: float = Field(default=1.0, gt=0.0, description="tie strength")
    kind: Literal["supply", "peer"] = Field(
        description="supply: buyer to seller (two-step flow); peer: both ways"
    )


class ObservedNetwork(ConfigModel):
    """Firms and ties taken from observed data instead of being drawn (ODD III.iii)."""

    source: str = Field(description="where the network came from (file, survey)")
    firms: tuple[ObservedFirm, ...] = Field(min_length=2, description="the observed firms, in model order")
    ties: tuple[ObservedTie, ...] = Field(description="ties between observed firms")

    @model_validator(mode="after")
    def _ties_point_at_firms(self) -> ObservedNetwork:
        n = len(self.firms)
        for index, tie in enumerate(self.ties):
            if tie.source >= n or tie.target >= n:
                raise ValueError(
                    f"tie {index} names firm {max(tie.source, tie.target)}, but there are {n} firms"
                )
            if tie.source == tie.target:
                raise ValueError(f"tie {index} ties firm {tie.source} to itself")
        ids = [firm.id for firm in self.firms]
        if len(set(ids)) != n:
            raise ValueError("observed firm ids must be unique")
        return self

    def segment_counts(self) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for firm in self.firms:
            key = (firm.role, firm.size_class)
            counts[key] = counts.get(key, 0) + 1
        return counts


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
    observed: ObservedNetwork | None = Field(
        default=None, description="firms and ties from observed data; replaces the drawn networks"
    )
