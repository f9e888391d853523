"""Bass docking (ODD.md §I.i, pattern 1): the replication-mean curve matches the discrete Bass recursion,
and the closed form when the step is fine enough. Tolerance: 3 standard errors + 1/N at every step."""

from __future__ import annotations

import numpy as np
import pytest

import districtlab

N_FIRMS = 10_000


def bass_recursion(p: float, q: float, steps: int, dt: float) -> np.ndarray:
    share = np.zeros(steps + 1)
    for t in range(steps):
        share[t + 1] = share[t] + (1 - share[t]) * (1 - np.exp(-(p + q * share[t]) * dt))
    return share


def bass_closed_form(p: float, q: float, months: np.ndarray) -> np.ndarray:
    decay = np.exp(-(p + q) * months)
    return (1 - decay) / (1 + (q / p) * decay)


def replicate(p: float, q: float, steps: int, dt: float, replications: int, seed: int) -> np.ndarray:
    scenario = districtlab.bass_scenario(p=p, q=q, n_firms=N_FIRMS, steps=steps, dt=dt)
    children = np.random.SeedSequence(seed).spawn(replications)
    return np.array(
        [districtlab.simulate(scenario, rng=c).adoption_share()["innovation"].to_numpy() for c in children]
    )


def assert_within_tolerance(curves: np.ndarray, reference: np.ndarray) -> None:
    mean = curves.mean(axis=0)
    standard_error = curves.std(axis=0, ddof=1) / np.sqrt(curves.shape[0])
    tolerance = 3 * standard_error + 1 / N_FIRMS
    worst = int(np.argmax(np.abs(mean - reference) - tolerance))
    assert np.all(np.abs(mean - reference) <= tolerance), (
        f"step {worst}: mean {mean[worst]:.5f} vs reference {reference[worst]:.5f}, tolerance {tolerance[worst]:.5f}"
    )


# corners and interior points of p in [0.001, 0.05], q in [0.05, 0.6], plus the Sultan et al. means
CORNERS = [(0.001, 0.05), (0.001, 0.6), (0.05, 0.05), (0.05, 0.6), (0.03, 0.38)]
INTERIOR = [
    tuple(x) for x in np.round(np.random.default_rng(2026).uniform([0.001, 0.05], [0.05, 0.6], (3, 2)), 4)
]


@pytest.mark.parametrize(("p", "q"), CORNERS + INTERIOR)
def test_replication_mean_matches_discrete_bass_recursion(p: float, q: float) -> None:
    steps = 40
    curves = replicate(p, q, steps, dt=1.0, replications=30, seed=11)
    assert_within_tolerance(curves, bass_recursion(p, q, steps, 1.0))


@pytest.fixture(scope="module")
def fine_curves() -> tuple[np.ndarray, np.ndarray]:
    """Twelve months at dt (p + q) = 0.005 for p = 0.03, q = 0.38: past the peak at t* = 6.19."""
    p, q = 0.03, 0.38
    dt = 0.005 / (p + q)
    steps = int(np.ceil(12.0 / dt))
    return np.arange(steps + 1) * dt, replicate(p, q, steps, dt=dt, replications=20, seed=12)


def test_replication_mean_matches_closed_form_when_steps_are_fine(
    fine_curves: tuple[np.ndarray, np.ndarray],
) -> None:
    months, curves = fine_curves
    assert_within_tolerance(curves, bass_closed_form(0.03, 0.38, months))


def test_peak_time_and_peak_rate_are_reproduced(fine_curves: tuple[np.ndarray, np.ndarray]) -> None:
    """t* = ln(q/p)/(p+q), where F(t*) = 1/2 - p/(2q), and f* = (p+q)^2/(4q), within 2% (Bass 1969; Rand & Rust 2011)."""
    p, q = 0.03, 0.38
    months, curves = fine_curves
    mean = curves.mean(axis=0)
    peak_time = np.interp(0.5 - p / (2 * q), mean, months)  # F is increasing
    near_peak = np.abs(months - peak_time) <= 0.5
    peak_rate = np.polyfit(months[near_peak], mean[near_peak], 1)[0]
    assert peak_time == pytest.approx(np.log(q / p) / (p + q), rel=0.02)
    assert peak_rate == pytest.approx((p + q) ** 2 / (4 * q), rel=0.02)
