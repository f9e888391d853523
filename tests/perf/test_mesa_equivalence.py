"""districtlab and its Mesa reference give statistically indistinguishable outcomes (issue 6).

The speed comparison in ``benchmarks/run.py`` is fair only if the Mesa model
(``benchmarks/mesa_reference``) implements the same rules. On the Castellón
ceramics district at its real size (232 firms), 60 months, no regional programme
(the RTI's core services running), 40 replications of each model are compared
cell by cell: the adoption share of each technology in each size class at the
horizon, Welch t-tests, Holm correction at a family-wise alpha of 1%. A second
test shows that the same criterion does tell apart a Mesa model whose adoption
hazard is 1.5 times districtlab's, so agreement is not for want of power.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("mesa", minversion="3.3")

from benchmarks.mesa_reference.equivalence import compare, districtlab_shares, mesa_shares

from districtlab.config import Scenario
from districtlab.presets import load_scenario

REPLICATIONS = 40
ALPHA = 0.01


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("castellon-ceramics").with_months(60.0).with_programme("none")


@pytest.fixture(scope="module")
def districtlab_sample(scenario: Scenario) -> np.ndarray:
    return districtlab_shares(scenario, range(REPLICATIONS))


@pytest.mark.slow
def test_mesa_reference_matches_districtlab(scenario: Scenario, districtlab_sample: np.ndarray) -> None:
    reference = mesa_shares(scenario, range(10_000, 10_000 + REPLICATIONS))
    comparison = compare(districtlab_sample, reference, alpha=ALPHA)
    assert comparison.equivalent, comparison.describe(scenario.technology_names)
    # and the diffusion is not trivially equal: most cells vary across replications
    assert np.isfinite(comparison.p_values).sum() >= 24


@pytest.mark.slow
def test_the_criterion_detects_a_different_adoption_hazard(
    scenario: Scenario, districtlab_sample: np.ndarray
) -> None:
    faster = scenario.replace(
        behaviour=scenario.behaviour.model_dump()
        | {"adoption_hazard": 1.5 * scenario.behaviour.adoption_hazard}
    )
    reference = mesa_shares(faster, range(20_000, 20_000 + REPLICATIONS))
    comparison = compare(districtlab_sample, reference, alpha=ALPHA)
    assert not comparison.equivalent, comparison.describe(scenario.technology_names)
