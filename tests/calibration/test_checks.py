"""Checks of the calibration itself: parameter recovery and leave-one-technology-out (slow, can fail)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import districtlab
from districtlab.calibration import calibrate, load_targets
from districtlab.calibration.checks import leave_one_technology_out, recovery, simulated_targets
from districtlab.calibration.policy import policy_under_posterior

TARGETS = Path(__file__).parent / "data" / "small-targets.csv"

#: Known parameters (natural scale) the recovery test simulates its targets from.
TRUTH = {
    "learning_scale": 1.0,
    "imitation_scale": 1.0,
    "utility_slope": 1.5,
    "adoption_hazard": 0.05,
    "initial_small.robotics": 0.04,
    "initial_gradient.robotics": 1.8,
    "initial_small.cloud_erp": 0.06,
    "initial_gradient.cloud_erp": 1.6,
    "castellon-ceramics.absorptive_scale": 1.0,
    "castellon-ceramics.rti_affinity_scale": 1.0,
}


@pytest.mark.slow
@pytest.mark.timeout(1500)  # about 3 minutes alone on two cores; far longer when the machine is shared
def test_parameter_recovery(tmp_path: Path) -> None:
    """Targets simulated from known parameters: the truth lies in the 90% posterior intervals.

    With ten parameters and 90% intervals, about one miss is expected by chance; two
    or more, or a posterior of the identified levels no narrower than the prior, fail.
    """
    scenario = districtlab.load_scenario("castellon-ceramics")
    template = load_targets(TARGETS)
    synthetic = simulated_targets(scenario, TRUTH, template, rng=5, replications=4)
    assert not np.allclose(synthetic.frame.value, template.frame.value)
    posterior = calibrate(
        scenario,
        synthetic,
        out=tmp_path / "cal",
        particles=100,
        populations=4,
        replications=1,
        seed=2,
        workers=2,
        initial_technologies=("robotics", "cloud_erp"),  # the technologies the small target set has
    )
    table = recovery(posterior, TRUTH)
    assert len(table) == len(TRUTH)  # every true parameter is a calibrated one
    missed = table[~table.covered]
    assert len(missed) <= 1, missed.to_string()
    summary = posterior.summary().set_index("parameter")
    for name in ("initial_small.cloud_erp", "initial_small.robotics"):
        prior_width = np.log10(summary.loc[name, "prior_high"] / summary.loc[name, "prior_low"])
        posterior_width = np.log10(summary.loc[name, "high"] / summary.loc[name, "low"])
        assert posterior_width < 0.8 * prior_width, f"{name} was not learned from the data"


@pytest.mark.slow
def test_leave_one_technology_out(tmp_path: Path) -> None:
    """Each technology's series predicted by a fit that never saw it: coverage of the 90% intervals."""
    targets = load_targets(TARGETS)
    validation = leave_one_technology_out(
        ["castellon-ceramics"],
        targets,
        tmp_path,
        technologies=("robotics", "cloud_erp"),
        draws=40,
        particles=40,
        populations=3,
        replications=1,
        seed=4,
        workers=2,
    )
    predictions = validation.predictions
    assert set(predictions.left_out) == {"robotics", "cloud_erp"}
    assert len(predictions) == len(targets.only("robotics").frame) + len(targets.only("cloud_erp").frame)
    assert (predictions.low <= predictions.high).all()
    # honest intervals for data the fit never saw: most left-out figures inside them
    assert validation.coverage.mean() >= 0.5, predictions.to_string()


def test_policy_under_posterior_separates_noise_from_parameters(tiny_posterior) -> None:  # type: ignore[no-untyped-def]
    result = policy_under_posterior(
        tiny_posterior, draws=2, replications=2, comparisons=("place_based_minus_generic",), rng=1
    )
    summary = result.summary()
    assert list(summary.comparison) == ["place_based_minus_generic"]
    row = summary.iloc[0]
    assert 0.0 <= row.probability_positive <= 1.0
    assert row.parameter_low <= row.mean_difference <= row.parameter_high
    assert np.isfinite(row.noise_half_width)
    again = policy_under_posterior(
        tiny_posterior, draws=2, replications=2, comparisons=("place_based_minus_generic",), rng=1
    )
    assert again.draws.equals(result.draws)
    with pytest.raises(ValueError, match="unknown comparison"):
        policy_under_posterior(tiny_posterior, draws=2, replications=2, comparisons=("magic",))
