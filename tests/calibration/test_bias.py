"""The per-indicator bias (post hoc) and the time-split check: synthetic fixtures, no simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from districtlab.calibration.bias import estimate_bias, official_samples, prior_samples
from districtlab.calibration.posterior import INTERVAL

YEARS = (2014, 2016, 2018)
HELD_OUT = 2020


def _model_shares(draws: int, rng: np.random.Generator) -> dict[int, np.ndarray]:
    """A district share rising from 20% to 40%, with parameter uncertainty (a level per draw) and noise."""
    level = np.exp(rng.normal(0.0, 0.15, draws))
    return {
        year: np.clip((0.2 + 0.05 * (year - 2014)) * level * np.exp(rng.normal(0.0, 0.05, draws)), 0.0, 1.0)
        for year in (*YEARS, HELD_OUT)
    }


def _interval(samples: np.ndarray) -> tuple[float, float]:
    tail = (1 - INTERVAL) / 2
    low, high = np.quantile(samples, [tail, 1 - tail])
    return float(low), float(high)


def _half_indicator(seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, float]:
    """An indicator at half the (mean) model share in every year, with 5% year-to-year noise."""
    rng = np.random.default_rng(seed)
    shares = _model_shares(200, rng)
    truth = {year: 0.5 * (0.2 + 0.05 * (year - 2014)) * np.exp(rng.normal(0.0, 0.05)) for year in shares}
    fitted = pd.DataFrame(
        {
            "indicator": "survey_x",
            "year": list(YEARS),
            "size_class": "large",
            "value": [truth[y] for y in YEARS],
        }
    )
    simulated = np.column_stack([shares[y] for y in YEARS])
    return fitted, simulated, shares[HELD_OUT], truth[HELD_OUT]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_figure_at_half_the_model_share_is_predicted_inside_the_interval(seed: int) -> None:
    fitted, simulated, share_2020, figure_2020 = _half_indicator(seed)
    bias = estimate_bias(fitted, simulated)["survey_x"]
    assert np.exp(bias.bias["large"].mean()) == pytest.approx(0.5, rel=0.2)
    assert bias.df == len(YEARS) - 1
    samples = official_samples(share_2020, bias, "large", HELD_OUT - max(YEARS), np.random.default_rng(seed))
    assert samples is not None
    low, high = _interval(samples)
    assert low <= figure_2020 <= high
    # centred on the figure, not on the district share it is half of
    assert abs(np.log(np.median(samples) / figure_2020)) < abs(np.log(np.median(share_2020) / figure_2020))
    # without the bias, the district share's own interval sits well above the figure
    assert np.quantile(share_2020, 0.05) > figure_2020


def test_a_far_off_figure_falls_outside_the_interval() -> None:
    fitted, simulated, share_2020, figure_2020 = _half_indicator(4)
    bias = estimate_bias(fitted, simulated)["survey_x"]
    samples = official_samples(share_2020, bias, "large", HELD_OUT - max(YEARS), np.random.default_rng(4))
    assert samples is not None
    low, high = _interval(samples)
    assert not low <= figure_2020 / 8 <= high
    assert not low <= min(1.0, figure_2020 * 8) <= high


def test_a_size_class_the_indicator_never_reported_has_no_prediction() -> None:
    fitted, simulated, share_2020, _ = _half_indicator(5)
    bias = estimate_bias(fitted, simulated)["survey_x"]
    assert bias.size_classes == ("large",)
    assert official_samples(share_2020, bias, "micro", 2, np.random.default_rng(0)) is None


def test_one_fitted_year_falls_back_on_the_prior_discrepancy_and_widens_with_drift() -> None:
    fitted, simulated, share_2020, _ = _half_indicator(6)
    one = estimate_bias(fitted.iloc[[2]], simulated[:, [2]])["survey_x"]
    assert one.df == 0
    scale, nu = one.shrunk_sd()
    assert scale == pytest.approx(0.5)
    assert nu == pytest.approx(2.0)
    near = official_samples(share_2020, one, "large", 0, np.random.default_rng(0))
    far = official_samples(share_2020, one, "large", 6, np.random.default_rng(0))
    assert near is not None
    assert far is not None
    assert np.subtract(*_interval(far)[::-1]) > np.subtract(*_interval(near)[::-1])
    prior = prior_samples(share_2020, 0.5, np.random.default_rng(0))
    assert ((prior >= 0) & (prior <= 1)).all()
