"""What an experiment keeps of each run: scalar outcomes and per-step series.

A run's full :class:`~districtlab.results.RunResult` can be large; experiments keep
this compact summary, which is what workers send back and what the store writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.outcomes import outcome_names as catalogue_names
from districtlab.results import RunResult

#: Per-step series kept for every run (for curves with confidence bands), besides
#: ``adoption_share.<technology>`` for each technology.
SERIES = ("adoption_share_mean", "adopter_share", "laggard_share")
#: Prefix of the per-technology adoption share series.
ADOPTION_SHARE = "adoption_share."


@dataclass(frozen=True)
class RunSummary:
    """Outcomes and series of one run, with the spawn key of the seed that produced it."""

    scenario: int
    replication: int
    spawn_key: tuple[int, ...]
    outcomes: dict[str, float]
    series: dict[str, NDArray[np.float64]]  # name -> one value per step (step 0 is the initial state)
    technologies: tuple[str, ...]

    @property
    def adoption_share(self) -> NDArray[np.float64]:
        """steps x technologies."""
        return np.column_stack([self.series[ADOPTION_SHARE + name] for name in self.technologies])


def summarise(result: RunResult, scenario: int, replication: int) -> RunSummary:
    # the values of result.adoption_share() without building a DataFrame for every run; in the
    # column-major layout pandas gives them, so that the mean over technologies adds in the same order
    values = np.asfortranarray(result.adoption_share_values())
    laggards = result.laggard_share()
    series = {
        "adoption_share_mean": values.mean(axis=1),
        "adopter_share": 1.0 - laggards,
        "laggard_share": laggards,
    }
    technologies = tuple(str(name) for name in result.observations.technology_names)
    for index, name in enumerate(technologies):
        series[ADOPTION_SHARE + name] = np.ascontiguousarray(values[:, index])
    return RunSummary(
        scenario=scenario,
        replication=replication,
        spawn_key=result.seed.spawn_key,
        outcomes=result.outcomes(),
        series=series,
        technologies=technologies,
    )


def outcome_names(scenario: Scenario) -> tuple[str, ...]:
    """The scalar outcomes every run of ``scenario`` reports (from the outcome catalogue)."""
    return catalogue_names(scenario.technology_names)


def series_names(scenario: Scenario) -> tuple[str, ...]:
    """The per-step series an experiment keeps for each run of ``scenario``."""
    return (*SERIES, *(ADOPTION_SHARE + name for name in scenario.technology_names))


def check_outcomes(scenario: Scenario, outcomes: Sequence[str] = (), series: Sequence[str] = ()) -> None:
    """Raise :class:`InputError` for an outcome or series that runs of ``scenario`` do not report."""
    for wanted, known, kind in (
        (outcomes, outcome_names(scenario) if outcomes else (), "outcome"),
        (series, series_names(scenario), "series"),
    ):
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise InputError(f"unknown {kind} {unknown[0]!r}; known: {', '.join(known)}")
