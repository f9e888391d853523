"""A scenario: one district, its institutions, one active programme, and the horizon."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from districtlab.config.base import SIZE_CLASSES, ConfigModel
from districtlab.config.behaviour import Behaviour
from districtlab.config.institutions import RTI, Association
from districtlab.config.networks import Networks
from districtlab.config.population import FirmSegment, Population
from districtlab.config.programme import Programme, no_programme
from districtlab.config.technology import Technology

#: District mechanisms that can be switched off (fields of :class:`DistrictMechanisms`).
DISTRICT_MECHANISMS: tuple[str, ...] = (
    "peer_imitation",
    "legitimacy",
    "association_visibility",
    "supply_chain_transfer",
    "buyer_requirements",
    "living_lab",
)


class DistrictMechanisms(ConfigModel):
    """Switches of the district mechanisms (issue 9, item 5). All on by default; for knock-outs."""

    peer_imitation: bool = Field(default=True, description="firms learn from adopters they are tied to")
    legitimacy: bool = Field(default=True, description="visible adoption legitimises (isomorphism)")
    association_visibility: bool = Field(
        default=True, description="the association makes members' adoptions more visible"
    )
    supply_chain_transfer: bool = Field(
        default=True, description="buyers that adopted pass knowledge to their suppliers (two-step flow)"
    )
    buyer_requirements: bool = Field(default=True, description="buyers can require a technology of suppliers")
    living_lab: bool = Field(
        default=True, description="a partner-hosted demonstrator works as a living lab, not an RTI showroom"
    )

    def switched_off(self) -> tuple[str, ...]:
        return tuple(name for name in DISTRICT_MECHANISMS if not getattr(self, name))


class Reporting(ConfigModel):
    """How outcomes are read from a run (issue 9, item 7)."""

    horizon_months: float | None = Field(
        default=None, gt=0.0, le=1200.0, description="month outcomes are read at (None: the run's end)"
    )
    discount_rate_per_year: float = Field(
        default=0.0, ge=0.0, le=1.0, description="discount rate of adopter-months"
    )
    target_adoption_share: float = Field(
        default=0.25, gt=0.0, le=1.0, description="share for the months-to-target outcomes"
    )


#: Names a user may pass to choose a programme; "none" is always available.
NO_PROGRAMME = "none"


class Scenario(ConfigModel):
    """Everything one simulation run needs apart from its seed.

    ``programme`` is the active programme. ``programmes`` is the library of
    alternatives documented for the district (for example ``generic`` and
    ``place-based``); in a TOML file ``programme`` may name one of them.
    """

    name: str = Field(min_length=1, description="identifier of the scenario (a preset name)")
    district: str = Field(min_length=1, description="district shown in tables and figures")
    description: str = Field(default="", description="one line on what the scenario is for")
    months: float = Field(gt=0.0, le=1200.0, description="simulated horizon in months")
    dt: float = Field(default=1.0, gt=0.0, le=12.0, description="months per step")
    technologies: tuple[Technology, ...] = Field(
        min_length=1, max_length=64, description="technology families"
    )
    population: Population
    networks: Networks
    behaviour: Behaviour
    rti: RTI
    association: Association
    programme: Programme
    programmes: dict[str, Programme] = Field(
        default_factory=dict, description="documented alternatives, e.g. generic and place-based"
    )
    mechanisms: DistrictMechanisms = Field(
        default_factory=DistrictMechanisms, description="district mechanisms switched on"
    )
    reporting: Reporting = Field(default_factory=Reporting, description="how outcomes are read")

    @model_validator(mode="before")
    @classmethod
    def _resolve_programme_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("programme"), str):
            name = data["programme"]
            library = data.get("programmes") or {}
            if name == NO_PROGRAMME:
                data = {**data, "programme": no_programme()}
            elif name in library:
                data = {**data, "programme": library[name]}
            else:
                known = ", ".join(sorted([*library, NO_PROGRAMME]))
                raise ValueError(f"programme {name!r} is not in the programmes table (known: {known})")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        names = [technology.name for technology in self.technologies]
        if len(set(names)) != len(names):
            raise ValueError("technology names must be unique")
        known = set(names)
        missing = known - set(self.rti.competence)
        unknown = set(self.rti.competence) - known
        if missing or unknown:
            raise ValueError(
                "rti.competence must list exactly the technologies"
                + (f"; missing {sorted(missing)}" if missing else "")
                + (f"; unknown {sorted(unknown)}" if unknown else "")
            )
        for name, value in self.rti.competence.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"rti.competence.{name} must be in [0, 1], got {value}")
        for label, programme in [
            ("programme", self.programme),
            ("rti.core_services", self.rti.core_services),
            *((f"programmes.{key}", value) for key, value in self.programmes.items()),
        ]:
            if programme.priorities is not None:
                strangers = set(programme.priorities) - known
                if strangers:
                    raise ValueError(f"{label}.priorities names unknown technologies {sorted(strangers)}")
        observed = self.networks.observed
        if observed is not None:
            drawn = {key: count for key, count in self.segment_counts().items() if count}
            if drawn != observed.segment_counts():
                raise ValueError(
                    "population.segments must count the observed firms by role and size class "
                    "(use districtlab.evidence.scenario_with_observed_network)"
                )
        if NO_PROGRAMME in self.programmes:
            raise ValueError(f"'{NO_PROGRAMME}' is reserved for the no-programme counterfactual")
        if self.n_steps < 1:
            raise ValueError(f"months / dt gives no step (months={self.months}, dt={self.dt})")
        return self

    # -- derived quantities ---------------------------------------------------------------

    @property
    def n_steps(self) -> int:
        return round(self.months / self.dt)

    @property
    def n_firms(self) -> int:
        return self.population.n_firms

    @property
    def technology_names(self) -> tuple[str, ...]:
        return tuple(technology.name for technology in self.technologies)

    # -- validated variants -----------------------------------------------------------------

    def replace(self, **changes: Any) -> Scenario:
        """Return a validated copy with top-level fields replaced."""
        return type(self).model_validate({**self.model_dump(), **changes})

    def with_programme(self, name: str) -> Scenario:
        """Return a copy whose active programme is ``name`` ("none" or a key of ``programmes``)."""
        if name == NO_PROGRAMME:
            return self.replace(programme=no_programme().model_dump())
        if name not in self.programmes:
            known = ", ".join(sorted([*self.programmes, NO_PROGRAMME]))
            raise ValueError(f"unknown programme {name!r} (known: {known})")
        return self.replace(programme=self.programmes[name].model_dump())

    def with_months(self, months: float) -> Scenario:
        return self.replace(months=months)

    def with_firms(self, n_firms: int) -> Scenario:
        """Rescale the population to ``n_firms`` keeping its role x size distribution.

        Counts are apportioned by the largest-remainder method. Network degrees and
        trait distributions are per-firm parameters, so they are kept as they are.
        """
        if n_firms < 2:
            raise ValueError(f"--firms must be at least 2, got {n_firms}")
        if self.networks.observed is not None:
            raise ValueError("an observed network cannot be rescaled: its firms are the observed ones")
        segments = self.population.segments
        total = sum(segment.count for segment in segments)
        quotas = [segment.count * n_firms / total for segment in segments]
        counts = [int(quota) for quota in quotas]
        order = sorted(range(len(segments)), key=lambda i: (counts[i] - quotas[i], i))
        for i in order[: n_firms - sum(counts)]:
            counts[i] += 1
        rescaled = [
            segment.model_dump() | {"count": count} for segment, count in zip(segments, counts, strict=True)
        ]
        population = self.population.model_dump() | {"segments": rescaled}
        return self.replace(population=population)

    def segment_counts(self) -> dict[tuple[str, str], int]:
        return {(s.role, s.size_class): s.count for s in self.population.segments}


def size_class_index(size_class: str) -> int:
    return SIZE_CLASSES.index(size_class)


__all__ = [
    "DISTRICT_MECHANISMS",
    "NO_PROGRAMME",
    "DistrictMechanisms",
    "FirmSegment",
    "Reporting",
    "Scenario",
    "size_class_index",
]
