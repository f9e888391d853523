"""What an experiment keeps of each run: scalar outcomes and a few per-step series.

A run's full :class:`~districtlab.results.RunResult` can be large; experiments keep
this compact summary, which is what workers send back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.results import RunResult

#: Per-step series kept for every run (for curves with confidence bands).
SERIES = ("adoption_share_mean", "adopter_share", "laggard_share")


@dataclass(frozen=True)
class RunSummary:
    """Outcomes and series of one run, with the spawn key of the seed that produced it."""

    scenario: int
    replication: int
    spawn_key: tuple[int, ...]
    outcomes: dict[str, float]
    series: dict[str, NDArray[np.float64]]
    adoption_share: NDArray[np.float64]  # steps x technologies


def summarise(result: RunResult, scenario: int, replication: int) -> RunSummary:
    shares = result.adoption_share().to_numpy()
    laggards = result.laggard_share()
    return RunSummary(
        scenario=scenario,
        replication=replication,
        spawn_key=result.seed.spawn_key,
        outcomes=result.outcomes(),
        series={
            "adoption_share_mean": shares.mean(axis=1),
            "adopter_share": 1.0 - laggards,
            "laggard_share": laggards,
        },
        adoption_share=shares,
    )
