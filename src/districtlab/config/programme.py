"""Regional programmes: budget, instrument mix, priorities, targeting and co-design."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from districtlab.config.base import ConfigModel, SizeClassShares
from districtlab.config.instruments import INSTRUMENT_CATALOGUE

#: Instruments a programme can buy, in the order they are delivered within a month (from the catalogue).
INSTRUMENTS: tuple[str, ...] = tuple(instrument.name for instrument in INSTRUMENT_CATALOGUE)
#: How firms are chosen for an instrument.
TARGETING_RULES: tuple[str, ...] = ("open_call", "smes_first", "leading_firms_first", "rti_network")

#: The place-based mechanisms a programme can switch on (fields of :class:`ProgrammeMechanisms`).
PROGRAMME_MECHANISMS: tuple[str, ...] = (
    "codesign_information",
    "participation_commitment",
    "diagnostic_routing",
    "adaptive_reallocation",
)

ProgrammeKind = Literal["none", "generic", "place-based", "core"]
DemonstratorSite = Literal["rti", "partner_firms"]
AfterProgramme = Literal["rti_pays", "close"]
GrantApplicationStep = Literal["proposal", "diagnostic"]
TargetingRule = Literal["open_call", "smes_first", "leading_firms_first", "rti_network"]


class InstrumentShares(ConfigModel):
    """Share of the delivery budget that goes to each instrument; the shares sum to 1."""

    events: float = Field(ge=0.0, le=1.0)
    diagnostics: float = Field(ge=0.0, le=1.0)
    demonstrator: float = Field(ge=0.0, le=1.0)
    projects: float = Field(ge=0.0, le=1.0)
    training: float = Field(ge=0.0, le=1.0)
    grants: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _sum_to_one(self) -> InstrumentShares:
        total = sum(self.as_tuple())
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise ValueError(f"instrument shares must sum to 1, they sum to {total:g}")
        return self

    def as_tuple(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in INSTRUMENTS)


class InstrumentDesign(ConfigModel):
    """Unit costs and sizes of the instruments, and the RTI staff time each unit takes."""

    event_cost_eur: float = Field(gt=0.0, description="cost of one awareness event")
    event_attendees: int = Field(ge=1, le=100_000, description="firms reached by one event")
    diagnostic_cost_eur: float = Field(gt=0.0, description="cost of one firm diagnostic")
    diagnostic_depth: int = Field(ge=1, le=20, description="technologies a diagnostic covers")
    demonstrator_cost_eur: float = Field(gt=0.0, description="cost of building one demonstrator")
    demonstrator_visitors_per_month: int = Field(
        ge=0, le=10_000, description="firms a demonstrator receives a month, for as long as the RTI runs it"
    )
    project_seat_cost_eur: float = Field(
        gt=0.0, description="public cost per firm in a collaborative project"
    )
    project_size: int = Field(ge=1, le=100, description="g: firms per collaborative project")
    project_months: int = Field(ge=1, le=120, description="L: duration of a collaborative project")
    project_cost_share: float = Field(
        ge=0.0, le=1.0, description="share of the adoption cost the project covers for participants"
    )
    training_seat_cost_eur: float = Field(gt=0.0, description="cost per trainee firm")
    training_gain: float = Field(ge=0.0, le=1.0, description="tau: a <- a + tau (1 - a)")
    grant_rate: float = Field(ge=0.0, lt=1.0, description="subsidy as a share of the adoption cost")
    grant_validity_months: int = Field(
        ge=1, le=60, description="months a firm has to adopt once awarded a grant; then it lapses"
    )
    staff_days_per_event: float = Field(ge=0.0)
    staff_days_per_diagnostic: float = Field(ge=0.0)
    staff_days_per_visit: float = Field(ge=0.0)
    staff_days_per_project_seat: float = Field(ge=0.0)
    staff_days_per_training_seat: float = Field(ge=0.0)
    # -- costing (issue 9, item 2) --
    staff_day_cost_eur: float = Field(
        default=0.0,
        ge=0.0,
        le=10_000.0,
        description="price of an RTI staff day, charged to the instrument on top of its unit cost",
    )
    demonstrator_running_cost_eur_per_month: float = Field(
        default=0.0, ge=0.0, le=1e7, description="running cost of an open demonstrator, every month"
    )
    demonstrator_after_programme: AfterProgramme = Field(
        default="rti_pays",
        description="after the programme: the RTI pays the running cost (outside the budget) or it closes",
    )
    demonstrator_site: DemonstratorSite = Field(
        default="rti",
        description="rti: visited at the RTI; partner_firms: a living lab hosted with partner firms",
    )
    living_lab_partners: int = Field(
        default=4, ge=1, le=1000, description="firms that host a partner-site demonstrator (living lab)"
    )
    firm_cofunding_share: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="share of a diagnostic, training or project seat that the firm pays (private spend)",
    )
    project_support_months: int = Field(
        default=12,
        ge=1,
        le=60,
        description="months after a project during which its cost share lowers the participant's cost",
    )
    # -- the grant application path (issue 9, item 1) --
    grant_application: GrantApplicationStep = Field(
        default="proposal",
        description="proposal: the firm writes one (vendor help); diagnostic: the RTI assesses it first",
    )
    grant_application_rate: SizeClassShares = Field(
        default=SizeClassShares(micro=0.01, small=0.02, medium=0.04, large=0.05),
        description="per month, chance that an aware firm applies (times its absorptive capacity)",
    )
    grant_application_cost_eur: float = Field(
        default=0.0, ge=0.0, le=1e6, description="public cost of assessing one application"
    )


class CoDesign(ConfigModel):
    """The co-design phase of a place-based programme (ODD.md §III.iv, Place-based mechanisms).

    Priorities come out as normalise(relevance + noise), the noise's standard
    deviation shrinking linearly with participation breadth.
    """

    months: int = Field(ge=0, le=60, description="months of co-design before delivery starts")
    budget_share: float = Field(ge=0.0, lt=1.0, description="share of the budget the co-design consumes")
    participation_breadth: float = Field(ge=0.0, le=1.0, description="share of local actors taking part")
    noise_sd: float = Field(ge=0.0, le=5.0, description="sd of priority noise with no participation")
    participant_firms: int = Field(
        default=30, ge=0, le=100_000, description="firms at the co-design tables (most engaged first)"
    )


class ProgrammeMechanisms(ConfigModel):
    """Switches of the place-based mechanisms (issue 9, item 4). All off: a generic programme.

    Each is sourced in ODD.md; code never reads the programme's ``kind`` to change an effect.
    """

    codesign_information: bool = Field(
        default=False, description="co-design learns priorities and instrument mix from participants' needs"
    )
    participation_commitment: bool = Field(
        default=False, description="participants and their partners gain RTI affinity (trust)"
    )
    diagnostic_routing: bool = Field(
        default=False, description="diagnostics route firms to the instrument that fits their capacity"
    )
    adaptive_reallocation: bool = Field(
        default=False, description="monitoring moves idle money to instruments that are taken up"
    )

    def switched_on(self) -> tuple[str, ...]:
        return tuple(name for name in PROGRAMME_MECHANISMS if getattr(self, name))


class MechanismSettings(ConfigModel):
    """Parameters of the place-based mechanisms (used only when switched on)."""

    commitment_affinity_gain: float = Field(
        default=0.2, ge=0.0, le=1.0, description="participant: r <- r + gain (1 - r)"
    )
    commitment_tie_share: float = Field(
        default=0.5, ge=0.0, le=1.0, description="share of that gain passed to a participant's partners"
    )
    codesign_mix_weight: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="weight of the learned instrument mix against the planned one",
    )
    routing_gate_threshold: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="fit u(a, c) below which a diagnosed firm is routed to training",
    )
    review_every_months: int = Field(default=6, ge=1, le=120, description="months between monitoring reviews")
    reallocation_share: float = Field(
        default=0.5, ge=0.0, le=1.0, description="share of idle money moved at a review"
    )


class Programme(ConfigModel):
    """A programme that funds RTI instruments for a district's firms.

    ``priorities`` maps technology names to weights; a place-based programme with
    ``codesign`` and no priorities derives them from the district's relevance.
    """

    name: str = Field(min_length=1, description="name shown in tables")
    kind: ProgrammeKind = Field(description="none, generic, place-based, or core (RTI services)")
    budget_eur_per_year: float = Field(ge=0.0, le=1e10, description="yearly budget (EUR)")
    start_month: int = Field(ge=0, le=1200, description="month the programme starts")
    duration_months: int = Field(ge=0, le=1200, description="months it runs, co-design included")
    allocation: InstrumentShares | None = Field(default=None, description="budget shares by instrument")
    design: InstrumentDesign | None = Field(default=None, description="unit costs and sizes")
    priorities: dict[str, float] | None = Field(default=None, description="weight per technology")
    focus_technologies: int = Field(
        default=1, ge=1, le=64, description="instruments address the top-n priorities"
    )
    targeting: TargetingRule = Field(default="open_call", description="whom the instruments reach first")
    codesign: CoDesign | None = Field(default=None, description="co-design phase (place-based)")
    extension_months: int = Field(
        default=0,
        ge=0,
        le=120,
        description="months calls stay open after the end, spending what is left (no new budget)",
    )
    mechanisms: ProgrammeMechanisms = Field(
        default_factory=ProgrammeMechanisms, description="place-based mechanisms switched on"
    )
    mechanism_settings: MechanismSettings = Field(
        default_factory=MechanismSettings, description="parameters of the place-based mechanisms"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        if self.kind != "none" and (self.allocation is None or self.design is None):
            raise ValueError(f"a {self.kind} programme needs an allocation and a design section")
        if self.priorities is not None:
            for name, weight in self.priorities.items():
                if not (weight >= 0.0 and math.isfinite(weight)):
                    raise ValueError(f"priority of {name!r} must be a finite number >= 0, got {weight}")
            if sum(self.priorities.values()) <= 0.0:
                raise ValueError("priorities must not all be zero")
        if self.kind == "place-based" and self.codesign is None and self.priorities is None:
            raise ValueError("a place-based programme needs a codesign section or explicit priorities")
        if self.kind == "generic" and self.codesign is not None:
            raise ValueError("a generic programme has no co-design phase")
        if self.kind == "generic" and self.priorities is None:
            raise ValueError("a generic programme needs priorities (the regional average relevance)")
        if self.codesign is not None and self.codesign.months > self.duration_months:
            raise ValueError(
                f"codesign.months ({self.codesign.months}) exceeds duration_months ({self.duration_months})"
            )
        return self

    @property
    def total_budget_eur(self) -> float:
        return self.budget_eur_per_year * self.duration_months / 12.0

    def is_active(self) -> bool:
        return self.kind != "none" and self.budget_eur_per_year > 0.0 and self.duration_months > 0


def no_programme() -> Programme:
    """The counterfactual: no regional programme (the RTI's core services still run)."""
    return Programme(name="none", kind="none", budget_eur_per_year=0.0, start_month=0, duration_months=0)
