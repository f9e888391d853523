"""The calibrated parameters, their priors and the reasons for them.

Every prior is uniform on the scale given (``log10`` for rates and factors that can
plausibly be off by a decade, ``linear`` otherwise). Parameters are either *shared*
(behaviour: how firms learn and decide, the same in every district, so that the
districts differ by structure, not by retuning) or *district* (structure: one copy per
district, named ``<district>.<parameter>``). :func:`prior_table` renders this list for
ODD.md; a test checks that ODD.md holds the current table.

How a parameter changes a scenario is :func:`scenario_changes`: a plain mapping of
parameter paths (:mod:`districtlab.experiments.parameters`) to values, so the
calibration survives changes in the model's mechanisms as long as those paths exist.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from districtlab.config import SIZE_CLASSES, Scenario

Scale = Literal["linear", "log10"]
Level = Literal["shared", "district"]


@dataclass(frozen=True)
class Prior:
    """A uniform prior on ``scale`` between ``low`` and ``high``."""

    name: str
    low: float
    high: float
    scale: Scale
    level: Level
    meaning: str
    reason: str

    def natural(self, value: float) -> float:
        """The parameter's value on its natural scale (``10**value`` for log10 priors)."""
        return float(10.0**value) if self.scale == "log10" else float(value)

    def describe_range(self) -> str:
        if self.scale == "log10":
            return f"log10 U({self.low:g}, {self.high:g}) = [{10**self.low:.3g}, {10**self.high:.3g}]"
        return f"U({self.low:g}, {self.high:g})"


#: Technologies with targets in the shipped set, whose 2012 adoption the fit estimates.
INITIAL_TECHNOLOGIES = ("robotics", "additive", "cloud_erp")

_SHARED: tuple[Prior, ...] = (
    Prior(
        "learning_scale",
        -1.0,
        1.0,
        "log10",
        "shared",
        "factor on every technology's learning hazard (Bass p: vendors and media)",
        "No published Bass p for B2B process technologies; the presets borrow consumer durables "
        "(p ≈ 0.03/yr, Sultan et al. 1990) and farm capital goods are lower (0.007/yr). A decade "
        "either way covers both.",
    ),
    Prior(
        "imitation_scale",
        -1.0,
        1.0,
        "log10",
        "shared",
        "factor on every technology's imitation strength (Bass q: adopting neighbours)",
        "Consumer durables q ≈ 0.38/yr, tractors 0.12/yr; Battisti & Stoneman find weak epidemic "
        "effects for CNC, Leroux et al. strong leader influence for ERP: a decade either way.",
    ),
    Prior(
        "utility_slope",
        0.5,
        4.0,
        "linear",
        "shared",
        "behaviour.utility_slope: how sharply adoption follows benefit over cost",
        "ASSUMPTION: a logistic slope on log benefit/cost from near-indifferent (0.5) to near-threshold (4).",
    ),
    Prior(
        "adoption_hazard",
        -2.0,
        -0.5,
        "log10",
        "shared",
        "behaviour.adoption_hazard: monthly rate of implementing once convinced",
        "ASSUMPTION: implementation takes from about 3 months (0.3/month) to 8 years (0.01/month).",
    ),
)
_INITIAL: tuple[Prior, ...] = tuple(
    prior
    for technology in INITIAL_TECHNOLOGIES
    for prior in (
        Prior(
            f"initial_small.{technology}",
            -3.0,
            math.log10(0.4),
            "log10",
            "shared",
            f"{technology}: share of small firms (10-49) that had adopted in January 2012",
            "Unknown before the first survey year; from 0.1% to 40% (above every small-firm figure in "
            "the targets, so the prior does not presume growth). Fitted, never copied from a target year.",
        ),
        Prior(
            f"initial_gradient.{technology}",
            0.0,
            math.log10(4.0),
            "log10",
            "shared",
            f"{technology}: ratio of adoption between neighbouring size classes in January 2012",
            "From no size gradient (1) to a steep one (4 per size class, 64 from micro to large); the "
            "2014-2020 gradients then have to emerge from the dynamics.",
        ),
    )
)
_DISTRICT: tuple[Prior, ...] = (
    Prior(
        "absorptive_scale",
        math.log10(0.6),
        math.log10(1.5),
        "log10",
        "district",
        "factor on the district's mean absorptive capacity by size class (capped at 0.95)",
        "The presets' capacities are ASSUMPTIONS without data; ±50% is the range in which the size "
        "ordering the presets document stays plausible.",
    ),
    Prior(
        "rti_affinity_scale",
        math.log10(0.5),
        math.log10(1.5),
        "log10",
        "district",
        "factor on the district's mean RTI affinity by size class (capped at 0.95)",
        "ASSUMPTION in the presets; identified by who the RTIs reach (IVIE: 5.1% of collaborators are "
        "large firms).",
    ),
)

#: Proxy discrepancy (sd on the log scale) between a national or regional figure and a
#: district's, by indicator prefix; the first matching prefix wins.
DISCREPANCY: tuple[tuple[str, float, str], ...] = (
    (
        "ine_",
        0.3,
        "INE industry (CNAE 10-39) figures: national, but of manufacturing firms like the districts'",
    ),
    ("rti_", 0.5, "regional survey of REDIT collaborators (all eleven RTIs, 2022)"),
    ("", 0.5, "Eurostat all-activities national figures: other sectors, other regions"),
)
#: Growth of the discrepancy sd per year beyond the last fitted year (predictions only).
DRIFT_PER_YEAR = 0.1
DRIFT_REASON = (
    "ASSUMPTION: a district can drift from the national figure and from the model's structure "
    "after the data end; 0.1 on the log scale per year (about ±16% a year at 90%) widens "
    "out-of-sample intervals instead of pretending the fit holds."
)


def discrepancy_sd(indicator: str) -> float:
    """The proxy discrepancy sd (log scale) for an indicator."""
    for prefix, sd, _ in DISCREPANCY:
        if indicator.startswith(prefix):
            return sd
    return DISCREPANCY[-1][1]


def priors_for(districts: tuple[str, ...], technologies: tuple[str, ...] | None = None) -> tuple[Prior, ...]:
    """The priors of a calibration of ``districts`` (shared first, then one set per district).

    ``technologies``: the targeted technologies whose 2012 adoption is fitted (default all
    of :data:`INITIAL_TECHNOLOGIES`).
    """
    wanted = INITIAL_TECHNOLOGIES if technologies is None else technologies
    initial = tuple(p for p in _INITIAL if p.name.split(".", 1)[1] in wanted)
    per_district = tuple(
        Prior(f"{district}.{p.name}", p.low, p.high, p.scale, p.level, p.meaning, p.reason)
        for district in districts
        for p in _DISTRICT
    )
    return (*_SHARED, *initial, *per_district)


def scenario_changes(scenario: Scenario, values: Mapping[str, float], district: str) -> dict[str, float]:
    """Parameter path -> value changes that set ``values`` (natural scale) in one district's scenario.

    ``values`` holds shared names and ``<district>.<name>`` names; names of other
    districts are ignored.
    """
    changes: dict[str, float] = {}
    technologies = {t.name: t for t in scenario.technologies}
    if "learning_scale" in values:
        changes["scale:technologies.*.learning_hazard"] = values["learning_scale"]
    if "imitation_scale" in values:
        changes["scale:technologies.*.imitation_strength"] = values["imitation_scale"]
    if "utility_slope" in values:
        changes["behaviour.utility_slope"] = values["utility_slope"]
    if "adoption_hazard" in values:
        changes["behaviour.adoption_hazard"] = values["adoption_hazard"]
    for technology in INITIAL_TECHNOLOGIES:
        if f"initial_small.{technology}" not in values or technology not in technologies:
            continue
        small = values[f"initial_small.{technology}"]
        gradient = values.get(f"initial_gradient.{technology}", 1.0)
        for rank, size in enumerate(SIZE_CLASSES):  # micro, small, medium, large: rank 1 is small
            changes[f"technologies.{technology}.initial_adoption.{size}"] = min(
                0.95, small * gradient ** (rank - 1)
            )
    for trait, name in (("absorptive_capacity", "absorptive_scale"), ("rti_affinity", "rti_affinity_scale")):
        factor = values.get(f"{district}.{name}")
        if factor is None:
            continue
        means = getattr(scenario.population, trait).mean
        for size in SIZE_CLASSES:
            changes[f"population.{trait}.mean.{size}"] = min(0.95, float(getattr(means, size)) * factor)
    return changes


START_MARKER = "<!-- prior-table:start (generated by python -m districtlab.calibration.priors) -->"
END_MARKER = "<!-- prior-table:end -->"


def prior_table(districts: tuple[str, ...] = ("<district>",)) -> str:
    """The priors as a Markdown table between ODD.md's markers."""
    lines = [
        START_MARKER,
        "| parameter | level | prior | meaning | reason |",
        "|---|---|---|---|---|",
    ]
    lines.extend(
        f"| `{p.name}` | {p.level} | {p.describe_range()} | {p.meaning} | {p.reason} |"
        for p in priors_for(districts)
    )
    lines.append("")
    lines.append("| proxy discrepancy (indicator prefix) | sd, log scale | what the figure is |")
    lines.append("|---|---|---|")
    for prefix, sd, what in DISCREPANCY:
        lines.append(f"| `{prefix or '(any other)'}` | {sd:g} | {what} |")
    lines.append(f"| beyond the last fitted year | +{DRIFT_PER_YEAR:g} per year | {DRIFT_REASON} |")
    lines.append(END_MARKER)
    return "\n".join(lines)


if __name__ == "__main__":
    print(prior_table())


__all__ = [
    "DISCREPANCY",
    "DRIFT_PER_YEAR",
    "INITIAL_TECHNOLOGIES",
    "Prior",
    "discrepancy_sd",
    "prior_table",
    "priors_for",
    "scenario_changes",
]
