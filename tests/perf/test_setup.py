"""A run's set-up, built without scipy's sparse arithmetic and without pandas, equals the original.

The drawn networks are built directly as CSR arrays by compiled kernels
(:mod:`districtlab.model.kernels`, "networks"), the awareness schedule and the
legitimacy order use a fast sort that falls back to the stable one on ties, and
an experiment summarises a run without a DataFrame. Each must give exactly
what the scipy / numpy / pandas code it replaced gives; that code is kept here
as the reference.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from districtlab.config import ROLES
from districtlab.config.base import BUYER_ROLES, SELLER_ROLES
from districtlab.experiments.summary import summarise
from districtlab.model.arrays import stable_argsort
from districtlab.model.networks import Exposure, FirmNetworks, _exposure_rows, _Rows, build_networks
from districtlab.model.population import draw_firms
from districtlab.presets import load_scenario
from districtlab.simulation import simulate

PRESETS = ("toy-valley", "castellon-ceramics", "vinalopo-footwear")


# -- the scipy construction that the kernels replace ------------------------------------------


def _reference_networks(firms, config, rng):  # type: ignore[no-untyped-def]
    n = firms.n
    buyers = np.flatnonzero(np.isin(firms.role, [ROLES.index(r) for r in BUYER_ROLES]))
    sellers = np.flatnonzero(np.isin(firms.role, [ROLES.index(r) for r in SELLER_ROLES]))
    mean_degree = np.asarray(config.suppliers_per_buyer.as_tuple())[firms.size_class[buyers]]
    degree = np.minimum(rng.poisson(mean_degree), sellers.size)
    source = np.repeat(buyers, degree)
    target = sellers[rng.integers(0, sellers.size, size=source.size)]
    supply = sp.coo_array((np.ones(source.size), (source, target)), shape=(n, n)).tocsr()
    supply.data[:] = 1.0
    if config.peer_kind == "complete":
        return FirmNetworks(supply=supply, weights=None, complete=True)
    if config.peer_kind != "random" or config.peer_degree <= 0.0:
        peer = sp.csr_array((n, n), dtype=np.float64)
    else:
        n_sizes = 4
        block = firms.role.astype(np.int64) * n_sizes + firms.size_class
        order = np.argsort(block, kind="stable")
        block_size = np.bincount(block, minlength=len(ROLES) * n_sizes)
        block_start = np.concatenate(([0], np.cumsum(block_size)[:-1]))
        stubs = rng.poisson(config.peer_degree / 2.0, size=n)
        source = np.repeat(np.arange(n), stubs)
        source_block = block[source]
        shift = np.zeros(source.size, dtype=np.int64)
        cross = rng.random(source.size) < config.cross_size_peer_share
        shift[cross] = rng.choice(np.array([-1, 1]), size=int(cross.sum()))
        size = firms.size_class[source] + shift
        valid = (size >= 0) & (size < n_sizes)
        target_block = np.where(valid, source_block + shift, source_block)
        keep = block_size[target_block] > 0
        source, target_block = source[keep], target_block[keep]
        offsets = np.floor(rng.random(source.size) * block_size[target_block]).astype(np.int64)
        target = order[block_start[target_block] + offsets]
        keep = source != target
        source, target = source[keep], target[keep]
        peer = sp.coo_array((np.ones(source.size), (source, target)), shape=(n, n)).tocsr()
        peer = (peer + peer.T).tocsr()
        peer.data[:] = 1.0
    weights = (config.supply_weight * (supply + supply.T) + config.peer_weight * peer).tocsr()
    weights.eliminate_zeros()
    weights.sort_indices()
    return FirmNetworks(supply=supply, weights=weights, complete=False, supply_strength=supply, peer=peer)


def _reference_exposure_rows(networks):  # type: ignore[no-untyped-def]
    supply = networks.supply
    if networks.weights is None:
        return (_Rows.of(supply, weight=False, sells=True),)
    weights = networks.weights
    if supply.nnz:
        pattern = weights.copy()
        pattern.data[:] = 1.0
        supply_pattern = supply.copy()
        supply_pattern.data[:] = 2.0
        union = (pattern + supply_pattern).tocsr()
        union.sort_indices()
        if union.nnz != weights.nnz:
            return (_Rows.of(weights, weight=True, sells=False), _Rows.of(supply, weight=False, sells=True))
        return (_Rows.of(weights, weight=True, sells=union.data >= 2.0),)
    return (_Rows.of(weights, weight=True, sells=False),)


def _assert_same_matrix(actual: sp.csr_array | None, expected: sp.csr_array | None) -> None:
    if expected is None:
        assert actual is None
        return
    assert actual is not None
    assert actual.shape == expected.shape
    for name in ("indptr", "indices", "data"):
        left, right = getattr(actual, name), getattr(expected, name)
        assert left.dtype == right.dtype, name
        np.testing.assert_array_equal(left, right, strict=True)
        if name == "data":  # bit for bit, not just equal values
            assert left.tobytes() == right.tobytes()


def _network_cases():  # type: ignore[no-untyped-def]
    for preset in PRESETS:
        yield preset, {}
    yield "vinalopo-footwear", {"supply_weight": 0.0}  # supply ties carry no exposure weight
    yield "vinalopo-footwear", {"peer_weight": 0.0}
    yield "vinalopo-footwear", {"supply_weight": 0.3, "peer_weight": 0.7}
    yield "castellon-ceramics", {"peer_kind": "none"}
    yield "castellon-ceramics", {"peer_kind": "complete"}


@pytest.mark.parametrize(("preset", "changes"), list(_network_cases()))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_drawn_networks_equal_the_scipy_construction(preset: str, changes: dict, seed: int) -> None:
    scenario = load_scenario(preset)
    config = scenario.networks.model_copy(update=changes)
    firms = draw_firms(scenario.population, np.random.default_rng(seed))
    actual_rng, expected_rng = np.random.default_rng(seed + 10), np.random.default_rng(seed + 10)
    actual = build_networks(firms, config, actual_rng)
    expected = _reference_networks(firms, config, expected_rng)
    assert actual_rng.random() == expected_rng.random()  # the same draws were made
    assert actual.complete == expected.complete
    for name in ("supply", "weights", "supply_strength", "peer"):
        _assert_same_matrix(getattr(actual, name), getattr(expected, name))

    n, k = firms.n, 3
    exposure = Exposure(actual, n, k)
    buyers = expected.supply.T.tocsr()
    indptr, indices = exposure.buyers_of_sellers
    np.testing.assert_array_equal(indptr, buyers.indptr.astype(np.int64), strict=True)
    np.testing.assert_array_equal(indices, buyers.indices.astype(np.int64), strict=True)
    if expected.weights is not None:
        weight_sum = np.asarray(expected.weights.sum(axis=1)).ravel()
        inverse = np.divide(1.0, weight_sum, out=np.zeros_like(weight_sum), where=weight_sum > 0)
        assert exposure.inverse_weight.tobytes() == inverse.tobytes()
    rows, reference = _exposure_rows(actual), _reference_exposure_rows(expected)
    assert len(rows) == len(reference)
    for mine, theirs in zip(rows, reference, strict=True):
        np.testing.assert_array_equal(mine.indptr, theirs.indptr, strict=True)
        np.testing.assert_array_equal(mine.columns, theirs.columns, strict=True)
        assert (mine.weight is None) == (theirs.weight is None)
        if mine.weight is not None:
            assert mine.weight.tobytes() == theirs.weight.tobytes()
        if isinstance(theirs.sells, np.ndarray):
            np.testing.assert_array_equal(mine.sells, theirs.sells, strict=True)
        else:
            assert mine.sells is theirs.sells


@pytest.mark.parametrize("seed", range(6))
def test_fast_stable_argsort_is_numpys_stable_argsort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for values in (
        rng.exponential(3.0, size=5000),  # no ties: the unstable sort's answer
        np.round(rng.random(3000), 2),  # many ties: the fallback
        np.repeat(rng.random(40), 3),
        np.array([0.5]),
        np.zeros(0),
        np.array([-0.0, 0.0, -0.0]),  # equal though their bits differ
    ):
        expected = np.argsort(values, kind="stable")
        np.testing.assert_array_equal(stable_argsort(values), expected, strict=True)


@pytest.mark.parametrize("preset", PRESETS)
def test_summary_without_pandas_equals_the_frame_path(preset: str) -> None:
    result = simulate(load_scenario(preset).with_programme("generic").with_months(24), rng=5)
    summary = summarise(result, 1, 2)
    shares = result.adoption_share()  # the DataFrame the summary used to go through
    values = shares.to_numpy()
    assert summary.technologies == tuple(str(name) for name in shares.columns)
    assert summary.series["adoption_share_mean"].tobytes() == values.mean(axis=1).tobytes()
    for index, name in enumerate(summary.technologies):
        assert summary.series[f"adoption_share.{name}"].tobytes() == values[:, index].tobytes()
