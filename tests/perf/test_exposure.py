"""The incremental exposure and supply pressure equal a dense recomputation, on every network layout.

Exposure pushes each new adoption along the adopter's rows (:mod:`districtlab.model.networks`);
with positive supply weights the supply and exposure rows are fused into one gather. Both layouts,
and the complete graph, must give E = W A / W 1 and P = S^T A, and mark every pair whose E or P moved.
"""

from __future__ import annotations

import numpy as np
import pytest

from districtlab.model.clocks import PendingPairs
from districtlab.model.networks import Exposure, build_networks
from districtlab.model.population import draw_firms
from districtlab.presets import load_scenario


def _networks(supply_weight: float, peer_kind: str, seed: int):  # type: ignore[no-untyped-def]
    scenario = load_scenario("vinalopo-footwear").with_firms(300)
    networks_config = scenario.networks.model_copy(
        update={"supply_weight": supply_weight, "peer_kind": peer_kind}
    )
    rng = np.random.default_rng(seed)
    firms = draw_firms(scenario.population, rng)
    return firms.n, build_networks(firms, networks_config, rng)


@pytest.mark.parametrize(
    ("supply_weight", "peer_kind"), [(1.0, "random"), (0.0, "random"), (0.7, "complete")]
)
@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_exposure_matches_dense_recomputation(
    supply_weight: float, peer_kind: str, seed: int
) -> None:
    n, networks = _networks(supply_weight, peer_kind, seed)
    k = 3
    exposure = Exposure(networks, n, k)
    rng = np.random.default_rng(seed + 100)
    adopted = np.zeros((n, k))
    supply = networks.supply.toarray()
    assert supply.sum() > 0
    for _ in range(4):  # several batches of new adoptions, each pair at most once
        new = np.flatnonzero((adopted.reshape(-1) == 0) & (rng.random(n * k) < 0.05))
        firm, tech = new // k, new % k
        pending = PendingPairs(n, k)
        before_e = exposure.exposure(np.arange(n * k), np.repeat(np.arange(n), k), np.tile(np.arange(k), n))
        before_p = exposure.pressure(np.arange(n * k))
        exposure.add_adoptions(firm, tech, pending)
        adopted[firm, tech] = 1.0
        everyone = np.arange(n * k)
        actual_e = exposure.exposure(everyone, everyone // k, everyone % k)
        actual_p = exposure.pressure(everyone)
        if networks.complete:
            expected_e = np.broadcast_to(adopted.sum(axis=0) / (n - 1), (n, k)).reshape(-1)
        else:
            weights = networks.weights.toarray()
            with np.errstate(invalid="ignore", divide="ignore"):
                expected_e = np.nan_to_num((weights @ adopted) / weights.sum(axis=1, keepdims=True)).reshape(
                    -1
                )
        expected_p = (supply.T @ adopted).reshape(-1)
        np.testing.assert_allclose(actual_e, expected_e, rtol=1e-12, atol=0)
        np.testing.assert_array_equal(actual_p, expected_p)
        moved = np.flatnonzero((actual_e != before_e) | (actual_p != before_p))
        marked = pending.take()
        assert np.isin(moved, marked).all(), "a pair whose exposure or pressure moved was not marked"
