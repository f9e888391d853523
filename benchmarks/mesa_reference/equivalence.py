"""Do districtlab and the Mesa reference give the same outcome distribution? (issue 6, deliverable 1)

Outcome: the adoption share of each technology within each size class at the
horizon, one value per replication. Each cell is compared with Welch's t-test;
the cells are one family of hypotheses, so the Holm step-down procedure keeps
the chance of any false alarm at ``alpha``. The two models use different random
streams, so replications are independent across models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

import districtlab
from districtlab.config import SIZE_CLASSES, Scenario


def districtlab_shares(scenario: Scenario, seeds: range) -> NDArray[np.float64]:
    """Replications x technologies x size classes: adoption share at the horizon (NaN for empty classes)."""
    shares = []
    for seed in seeds:
        observations = districtlab.simulate(scenario, rng=seed).observations
        adopted = observations.adopted[-1].sum(axis=2)  # technologies x size classes
        with np.errstate(invalid="ignore", divide="ignore"):
            shares.append(adopted / observations.firms_by_group.sum(axis=1))
    return np.array(shares)


def mesa_shares(scenario: Scenario, seeds: range) -> NDArray[np.float64]:
    """As :func:`districtlab_shares`, from the Mesa reference."""
    from benchmarks.mesa_reference.model import run_reference

    shares = []
    for seed in seeds:
        run = run_reference(scenario, seed=seed)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares.append(run.adopted[-1] / run.firms_per_size)
    return np.array(shares)


@dataclass(frozen=True)
class Comparison:
    """Cell-wise Welch tests with the Holm correction."""

    p_values: NDArray[np.float64]  # technologies x size classes; NaN where a class has no firms
    rejected: NDArray[np.bool_]  # cells the Holm procedure rejects at alpha
    alpha: float

    @property
    def equivalent(self) -> bool:
        return not bool(self.rejected.any())

    def describe(self, technology_names: tuple[str, ...]) -> str:
        tested = np.isfinite(self.p_values)
        worst = np.unravel_index(np.nanargmin(self.p_values), self.p_values.shape)
        return (
            f"{int(tested.sum())} cells, {int(self.rejected.sum())} rejected by Holm at alpha={self.alpha}; smallest p = "
            f"{self.p_values[worst]:.2g} ({technology_names[worst[0]]}, {SIZE_CLASSES[worst[1]]})"
        )


def welch_p_values(first: NDArray[np.float64], second: NDArray[np.float64]) -> NDArray[np.float64]:
    """Two-sided Welch p-value per cell; 1 where both samples are constant and equal, 0 where constant and not."""
    mean_first, mean_second = first.mean(axis=0), second.mean(axis=0)
    constant = (first.std(axis=0) == 0) & (second.std(axis=0) == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_values = np.asarray(
            stats.ttest_ind(first, second, axis=0, equal_var=False).pvalue, dtype=np.float64
        )
    p_values = np.where(constant, np.where(mean_first == mean_second, 1.0, 0.0), p_values)
    p_values[~np.isfinite(mean_first) | ~np.isfinite(mean_second)] = np.nan  # empty size class
    return p_values


def holm_rejections(p_values: NDArray[np.float64], alpha: float) -> NDArray[np.bool_]:
    """Holm's step-down procedure over the finite p-values; NaN cells are never rejected."""
    flat = p_values.reshape(-1)
    tested = np.flatnonzero(np.isfinite(flat))
    order = tested[np.argsort(flat[tested], kind="stable")]
    rejected = np.zeros(flat.size, dtype=bool)
    for rank, cell in enumerate(order):
        if flat[cell] > alpha / (order.size - rank):
            break
        rejected[cell] = True
    return rejected.reshape(p_values.shape)


def compare(first: NDArray[np.float64], second: NDArray[np.float64], alpha: float = 0.01) -> Comparison:
    """Compare two samples of replications x technologies x size classes."""
    p_values = welch_p_values(first, second)
    return Comparison(p_values=p_values, rejected=holm_rejections(p_values, alpha), alpha=alpha)
