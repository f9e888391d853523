"""Compare a district's programmes (none, generic, place-based) under common random numbers.

This is the question districtlab exists to answer: in each district, what does a
programme add over no programme, and how do the place-based and the generic
designs differ? The headline is additional adopting firms (firms with at least
one technology), next to additional firm × technology adoptions; every number
comes with its confidence interval, and the money behind it is stated: budget,
realised public spend and unspent budget (equal budgets need not mean equal
spend; :mod:`districtlab.experiments.spend`).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import pandas as pd

from districtlab._rng import RNGLike, as_seed_sequence
from districtlab.config import SIZE_CLASSES, Scenario
from districtlab.experiments.compare import (
    DEFAULT_OUTCOMES,
    cost_per_additional,
    mean_interval,
    paired_differences,
)
from districtlab.experiments.runner import ExperimentResult, Progress, run_scenarios

PROGRAMMES = ("none", "generic", "place-based")
BASELINE = "none"
#: Outcomes reported as additionality over no programme: those every comparison reports.
ADDITIONALITY_OUTCOMES = DEFAULT_OUTCOMES


@dataclass(frozen=True)
class DistrictComparison:
    """The programmes of one district, run side by side."""

    district: str
    preset: str
    experiment: ExperimentResult

    def additionality(self, confidence: float = 0.95) -> pd.DataFrame:
        table = paired_differences(
            self.experiment, baseline=BASELINE, outcomes=ADDITIONALITY_OUTCOMES, confidence=confidence
        )
        return table.assign(district=self.district)

    def cost_per_additional_adopter(
        self, confidence: float = 0.95, effect: str = "new_adopters"
    ) -> pd.DataFrame:
        """EUR of realised public spend per additional unit of ``effect`` (Fieller intervals)."""
        table = cost_per_additional(self.experiment, baseline=BASELINE, effect=effect, confidence=confidence)
        return table.assign(district=self.district)

    def budgets(self) -> pd.Series:
        """Each programme's budget over the horizon (EUR), by programme name."""
        outcomes = self.experiment.outcomes()
        if "budget_eur" in outcomes.columns:
            return outcomes.groupby("scenario", sort=False)["budget_eur"].mean()
        return pd.Series(
            {
                name: scenario.programme.total_budget_eur if scenario.programme.is_active() else 0.0
                for name, scenario in zip(self.experiment.names, self.experiment.scenarios, strict=True)
            }
        )

    def place_based_vs_generic(self, confidence: float = 0.95) -> pd.DataFrame:
        """Place-based minus generic, paired (their realised spends may differ: see :meth:`budgets`)."""
        table = paired_differences(
            self.experiment, baseline="generic", outcomes=ADDITIONALITY_OUTCOMES, confidence=confidence
        )
        table = table[table["scenario"] == "place-based"]
        return table.assign(district=self.district)

    def sme_channel_shares(self) -> pd.DataFrame:
        """Mean share of SME adoptions by channel, one row per programme."""
        outcomes = self.experiment.outcomes()
        columns = [
            c
            for c in outcomes.columns
            if c.startswith("sme_adoption_channel_share.") and not c.endswith("rti_direct")
        ]
        shares = outcomes.groupby("scenario", sort=False)[columns].mean()
        shares.columns = [c.split(".", 1)[1] for c in columns]
        return shares.reindex(list(self.experiment.names))

    def adoption_by_size(self) -> pd.DataFrame:
        """Mean adoption share (over technologies) at the horizon by size class, one column per programme."""
        outcomes = self.experiment.outcomes()
        columns = [f"size_adoption_share.{size}" for size in SIZE_CLASSES]
        table = outcomes.groupby("scenario", sort=False)[columns].mean().T
        table.index = pd.Index(SIZE_CLASSES, name="size_class")
        return table[list(self.experiment.names)]


def district_scenarios(scenario: Scenario) -> dict[str, Scenario]:
    return {name: scenario.with_programme(name) for name in PROGRAMMES}


def compare_programmes(
    scenarios: Sequence[tuple[str, Scenario]],
    *,
    replications: int,
    rng: RNGLike = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[DistrictComparison]:
    """Run none, generic and place-based in each district, ``replications`` times each.

    Districts get independent seed streams (spawned from the root); within a
    district the three programmes share common random numbers.
    """
    root = as_seed_sequence(rng)
    children = root.spawn(len(scenarios))
    total = len(scenarios) * len(PROGRAMMES) * replications
    done_before = 0
    comparisons = []
    for (preset, scenario), child in zip(scenarios, children, strict=True):

        def report(done: int, _total: int, offset: int = done_before) -> None:
            if progress is not None:
                progress(offset + done, total)

        experiment = run_scenarios(
            district_scenarios(scenario),
            replications=replications,
            rng=child,
            executor=executor,
            progress=report,
        )
        comparisons.append(
            DistrictComparison(district=scenario.district, preset=preset, experiment=experiment)
        )
        done_before += len(PROGRAMMES) * replications
    return comparisons


__all__ = [
    "BASELINE",
    "PROGRAMMES",
    "DistrictComparison",
    "compare_programmes",
    "district_scenarios",
    "mean_interval",
]
