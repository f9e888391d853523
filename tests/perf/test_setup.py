"""A run's set-up, built without scipy's sparse arithmetic and without pandas, equals the original.

The drawn networks are built directly as CSR arrays by compiled kernels
(:mod:`districtlab.model.kernels`, "networks"), the awareness schedule and the
legitimacy order use a fast sort that falls back to the stable one on ties, and
an experiment summarises a run without a DataFrame, the firms' layout (roles, sizes,
bands, Beta parameters) is worked out once per population, and a run's outcomes are
tallied for all technologies, size classes and channels at once. Each must give exactly
what the scipy / numpy / pandas code it replaced gives; that code is kept here
as the reference.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from districtlab.config import ROLES, SIZE_CLASS_EMPLOYEES, SIZE_CLASSES
from districtlab.config.base import BUYER_ROLES, SELLER_ROLES
from districtlab.experiments.summary import summarise
from districtlab.model.arrays import stable_argsort
from districtlab.model.cache import IdentityCache
from districtlab.model.kernels import (
    awareness_due,
    awareness_schedule,
    csr_pattern,
    month0_pairs,
    pairs_drawn_below,
)
from districtlab.model.networks import Exposure, FirmNetworks, _exposure_rows, _Rows, build_networks
from districtlab.model.population import MOST_FIRMS_CACHED, Firms, _layout, draw_firms
from districtlab.model.simulate import _technology_arrays, run_model
from districtlab.model.state import CHANNELS, RTI_CHANNELS
from districtlab.model.targeting import Tiers
from districtlab.presets import load_scenario
from districtlab.results import maturity_gini
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


# -- outcomes: the straightforward code that RunResult.outcomes tallies faster ---------------


def _reference_speed(result, final):  # type: ignore[no-untyped-def]
    o = result.observations
    reporting = result.scenario.reporting
    dt = o.dt
    adopters = o.adopted.sum(axis=(2, 3))[: final + 1].sum(axis=1).astype(np.float64)
    firms = o.firms_adopting[: final + 1].astype(np.float64)
    months = result.months[: final + 1]
    discount = (1.0 + reporting.discount_rate_per_year) ** (-months / 12.0)
    extra = adopters - adopters[0]
    extra_firms = firms.sum(axis=1) - firms[0].sum()
    by_size = o.adopted[: final + 1].sum(axis=(1, 3)).astype(np.float64)
    out = {
        "adopter_months": float(extra[1:].sum() * dt),
        "adopter_months_discounted": float((extra * discount)[1:].sum() * dt),
        "firm_adopter_months": float(extra_firms[1:].sum() * dt),
    }
    for size_index, size in enumerate(SIZE_CLASSES):
        series = by_size[:, size_index] - by_size[0, size_index]
        out[f"adopter_months.{size}"] = float(series[1:].sum() * dt)
    target = reporting.target_adoption_share
    n, k = result.n_firms, len(o.technology_names)
    for name, share in (
        ("months_to_target_share", adopters / (n * k)),
        ("months_to_target_firm_share", firms.sum(axis=1) / n),
    ):
        reached = np.flatnonzero(share >= target)
        out[name] = float(months[reached[0]]) if reached.size else float("nan")
    firms_per_size = o.firms_by_group.sum(axis=1)
    for size_index, size in enumerate(SIZE_CLASSES):
        in_class = firms_per_size[size_index]
        for name, share in (
            ("months_to_target_share", by_size[:, size_index] / max(in_class * k, 1)),
            ("months_to_target_firm_share", firms[:, size_index] / max(in_class, 1)),
        ):
            reached = np.flatnonzero(share >= target) if in_class else np.zeros(0, dtype=np.int64)
            out[f"{name}.{size}"] = float(months[reached[0]]) if reached.size else float("nan")
    return out


def _reference_outcomes(result, horizon_months):  # type: ignore[no-untyped-def]
    o = result.observations
    final = result.horizon_row(horizon_months)
    n = result.n_firms
    by_technology = o.adopted.sum(axis=(2, 3))
    adopted_final, adopted_initial = by_technology[final], by_technology[0]
    out = {
        "adopters": float(adopted_final.sum()),
        "new_adopters": float(adopted_final.sum() - adopted_initial.sum()),
        "firms_adopting": float(n - o.maturity_histogram[final, 0]),
        "new_firms_adopting": float(o.firms_adopting[final].sum() - o.firms_adopting[0].sum()),
        "adoption_share_mean": float(adopted_final.mean() / n),
        "laggard_share": float(result.laggard_share()[final]),
        "maturity_mean": float(result.maturity_mean()[final]),
        "maturity_gini": float(maturity_gini(o.maturity_histogram[final : final + 1])[0]),
    }
    out.update(_reference_speed(result, final))
    out.update(result._money(final))
    shares = by_technology[: final + 1] / n
    for index, name in enumerate(o.technology_names):
        out[f"adoption_share.{name}"] = float(adopted_final[index] / n)
        reached = np.flatnonzero(shares[:, index] >= 0.5)
        out[f"months_to_half.{name}"] = float(result.months[reached[0]]) if reached.size else float("nan")
    adopted_by_size = o.adopted[final].sum(axis=2)
    initial_by_size = o.adopted[0].sum(axis=2)
    for size_index, size in enumerate(SIZE_CLASSES):
        firms = o.firms_by_group[size_index].sum()
        out[f"engaged_share.{size}"] = float(o.engaged[final, size_index] / firms) if firms else float("nan")
        out[f"size_adoption_share.{size}"] = (
            float(adopted_by_size[:, size_index].mean() / firms) if firms else float("nan")
        )
        out[f"new_adopters.{size}"] = float(
            adopted_by_size[:, size_index].sum() - initial_by_size[:, size_index].sum()
        )
        out[f"new_firms_adopting.{size}"] = float(
            o.firms_adopting[final, size_index] - o.firms_adopting[0, size_index]
        )
    new_by_channel = o.adoptions_by_channel[final] - o.adoptions_by_channel[0]
    sme = [SIZE_CLASSES.index(s) for s in ("micro", "small")]
    sme_total = new_by_channel[:, :, sme].sum()
    for channel_index, channel in enumerate(CHANNELS):
        if channel == "initial":
            continue
        count = new_by_channel[channel_index, :, sme].sum()
        out[f"sme_adoption_channel_share.{channel}"] = float(count / sme_total) if sme_total else float("nan")
    rti = [CHANNELS.index(c) for c in RTI_CHANNELS]
    out["sme_adoption_channel_share.rti_direct"] = (
        float(new_by_channel[rti][:, :, sme].sum() / sme_total) if sme_total else float("nan")
    )
    out.update(result._provenance(final))
    return out


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("programme", ["none", "generic", "place-based"])
def test_outcomes_equal_the_straightforward_tallies_bit_for_bit(preset: str, programme: str) -> None:
    for scenario in (
        load_scenario(preset).with_programme(programme).with_months(36),
        load_scenario(preset).with_programme(programme).with_firms(30).with_months(24),  # empty size classes
    ):
        result = simulate(scenario, rng=11)
        for horizon in (None, 0.4, 12.0, 1000.0):
            actual, expected = result.outcomes(horizon), _reference_outcomes(result, horizon)
            assert list(actual) == list(expected)
            for name, value in expected.items():
                assert type(actual[name]) is float
                assert np.float64(actual[name]).tobytes() == np.float64(value).tobytes(), name


# -- firms: what the population fixes is worked out once per population --------------------


def _reference_firms(population, rng):  # type: ignore[no-untyped-def]
    segments = [segment for segment in population.segments if segment.count > 0]
    counts = np.array([segment.count for segment in segments], dtype=np.int64)
    size_class = np.repeat(
        np.array([SIZE_CLASSES.index(s.size_class) for s in segments], dtype=np.int8), counts
    )
    role = np.repeat(np.array([ROLES.index(s.role) for s in segments], dtype=np.int8), counts)
    n = int(role.size)
    low = np.array([SIZE_CLASS_EMPLOYEES[name][0] for name in SIZE_CLASSES], dtype=np.float64)
    high = np.array([SIZE_CLASS_EMPLOYEES[name][1] for name in SIZE_CLASSES], dtype=np.float64)
    high[-1] = population.max_employees
    log_low, log_high = np.log(low[size_class]), np.log(high[size_class] + 1.0)
    employees = np.floor(np.exp(rng.uniform(log_low, log_high, size=n)))
    employees = np.clip(employees, low[size_class], high[size_class])
    rti_member = rng.random(n) < np.repeat(np.array([s.rti_member_share for s in segments]), counts)
    association_member = rng.random(n) < np.repeat(
        np.array([s.association_member_share for s in segments]), counts
    )

    def trait(distribution):  # type: ignore[no-untyped-def]
        mean = np.asarray(distribution.mean.as_tuple(), dtype=np.float64)[size_class]
        kappa = distribution.concentration
        interior = (mean > 0.0) & (mean < 1.0)
        drawn = mean.copy()
        drawn[interior] = rng.beta(mean[interior] * kappa, (1.0 - mean[interior]) * kappa)
        return drawn

    return Firms(
        size_class=size_class,
        role=role,
        employees=employees,
        rti_member=rti_member,
        association_member=association_member,
        rti_affinity=trait(population.rti_affinity),
        legitimacy_threshold=trait(population.legitimacy_threshold),
        initial_absorptive_capacity=trait(population.absorptive_capacity),
    )


@pytest.mark.parametrize("preset", PRESETS)
def test_drawn_firms_equal_the_straightforward_draw_and_runs_share_nothing(preset: str) -> None:
    population = load_scenario(preset).population
    for seed in (1, 2, 3):
        actual = draw_firms(population, np.random.default_rng(seed))
        expected = _reference_firms(population, np.random.default_rng(seed))
        for name in expected.__dataclass_fields__:
            left, right = getattr(actual, name), getattr(expected, name)
            assert left.dtype == right.dtype, name
            assert left.tobytes() == right.tobytes(), name
        for name in actual.__dataclass_fields__:  # a run that writes into its firms ...
            getattr(actual, name)[:] = 0
    again = draw_firms(population, np.random.default_rng(3))  # ... changes nothing for the next run
    assert again.role.tobytes() == expected.role.tobytes()
    assert again.size_class.tobytes() == expected.size_class.tobytes()
    assert again.rti_affinity.tobytes() == expected.rti_affinity.tobytes()


def test_identity_cache_builds_once_per_object_and_never_confuses_equal_objects() -> None:
    built: list[object] = []

    def build(item: object) -> int:
        built.append(item)
        return len(built)

    cache = IdentityCache(build, most=2)
    first, equal_but_other = [1, 2], [1, 2]
    assert cache(first) == cache(first) == 1
    assert cache(equal_but_other) == 2  # equal is not the same object
    assert cache(first) == 1
    cache([3])  # a third entry: the cache starts again
    assert cache(first) == 4
    assert built == [first, equal_but_other, [3], first]


def _observation_bytes(observations) -> list[bytes]:  # type: ignore[no-untyped-def]
    return [
        np.ascontiguousarray(value).tobytes()
        for value in vars(observations).values()
        if isinstance(value, np.ndarray)
    ]


def test_runs_with_a_cold_or_warm_set_up_cache_are_identical() -> None:
    base = load_scenario("castellon-ceramics").with_months(24)
    other = load_scenario("toy-valley").with_programme("generic").with_months(24)
    seed = np.random.SeedSequence(20261130, spawn_key=(4,))
    _layout.clear()
    _technology_arrays.clear()
    cold = run_model(base, seed)
    run_model(other, np.random.SeedSequence(3))  # another scenario in between
    warm = run_model(base, seed)
    assert _observation_bytes(cold) == _observation_bytes(warm)
    copy = _technology_arrays(base.technologies).copy()
    copy.complexity[:] = 99.0  # what a run gets is its own
    assert not np.any(_technology_arrays(base.technologies).complexity == 99.0)


@pytest.mark.parametrize("seed", range(4))
def test_month_zero_kernels_pick_the_pairs_numpy_picks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = 300, 5
    draws = rng.random(n * k)
    share = rng.random((k, 4)) * 0.3
    share[0] = 0.0  # never
    share[1, 2] = 1.0  # always
    size_class = rng.integers(0, 4, size=n).astype(np.int8)
    expected = np.flatnonzero((draws.reshape(n, k) < share[:, size_class].T).reshape(-1))
    np.testing.assert_array_equal(pairs_drawn_below(draws, share, size_class, k), expected, strict=True)
    awareness = rng.random(k)
    expected = np.flatnonzero((draws.reshape(n, k) < awareness[None, :]).reshape(-1))
    no_groups = np.zeros(0, dtype=np.int8)
    np.testing.assert_array_equal(
        pairs_drawn_below(draws, awareness[:, None], no_groups, k), expected, strict=True
    )

    # the awareness schedule: exponential(1) * 1 / hazard for unaware pairs, before the horizon
    hazard = np.array([0.0, 0.01, 0.05, 0.2, 1e-9])
    with np.errstate(divide="ignore"):
        scale = np.where(hazard > 0.0, 1.0 / hazard, np.inf)
    stage = rng.integers(0, 4, size=(n, k)).astype(np.int8) * (rng.random((n, k)) < 0.3)
    exponential = rng.exponential(1.0, size=(n, k))
    exponential[0, 0] = 0.0  # 0 x inf: NaN, never due
    with np.errstate(invalid="ignore"):
        times = exponential * scale[None, :]
    times[stage > 0] = np.inf
    flat = np.flatnonzero(times.reshape(-1) < 120.0)
    with np.errstate(invalid="ignore"):  # 0 x inf, when the kernels run as Python
        pairs, due = awareness_due(exponential.reshape(-1), scale, stage.reshape(-1), 120.0, k)
    np.testing.assert_array_equal(pairs, flat, strict=True)
    assert due.tobytes() == times.reshape(-1)[flat].tobytes()


def test_a_large_district_keeps_no_layout_after_its_run() -> None:
    scenario = load_scenario("toy-valley").with_firms(MOST_FIRMS_CACHED + 10)
    _layout.clear()
    firms = draw_firms(scenario.population, np.random.default_rng(1))
    assert firms.n == MOST_FIRMS_CACHED + 10
    assert not _layout._entries  # nothing held for a district this large
    draw_firms(load_scenario("toy-valley").population, np.random.default_rng(1))
    assert len(_layout._entries) == 1


@pytest.mark.parametrize("seed", range(4))
def test_month0_pairs_are_the_two_draws_below_their_shares(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k, channel = 300, 5, 3
    size_class = rng.integers(0, 4, size=n).astype(np.int8)
    adoption_share, awareness_share = rng.random((k, 4)) * 0.3, rng.random(k)
    draws = rng.random(2 * n * k)
    firm, technology, channels, aware = month0_pairs(
        draws, adoption_share, size_class, awareness_share, k, channel
    )
    adopters = np.flatnonzero(draws[: n * k] < adoption_share[:, size_class].T.reshape(-1))
    np.testing.assert_array_equal(firm, adopters // k, strict=True)
    np.testing.assert_array_equal(technology, adopters % k, strict=True)
    np.testing.assert_array_equal(channels, np.full(adopters.size, channel, dtype=np.int8), strict=True)
    expected_aware = np.flatnonzero(draws[n * k :] < np.tile(awareness_share, n))
    np.testing.assert_array_equal(aware, expected_aware, strict=True)


@pytest.mark.parametrize("seed", range(6))
def test_awareness_schedule_is_the_stable_sort_of_the_due_times(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k, horizon = 400, 6, 120.0
    hazards = (
        rng.random(k) * 0.02,
        np.array([0.0, 0.01, 50.0, 0.003, 0.0, 1.0]),  # no hazard, and one that crowds a bucket
        np.full(k, 1e-9),  # almost nothing before the horizon
    )
    for hazard in hazards:
        for draws in (rng.exponential(1.0, size=n * k), np.repeat(rng.exponential(1.0, size=n), k)):
            stage = (rng.random(n * k) < 0.2).astype(np.int8)
            with np.errstate(divide="ignore"):
                scale = np.where(hazard > 0.0, 1.0 / hazard, np.inf)
            flat, due = awareness_due(draws, scale, stage, horizon, k)
            order = np.argsort(due, kind="stable")
            pairs, times = awareness_schedule(draws, hazard, stage, horizon, k)
            np.testing.assert_array_equal(pairs, flat[order], strict=True)
            assert times.tobytes() == due[order].tobytes()


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_csr_pattern_is_scipys_pattern(symmetric: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 50
    rows = np.concatenate((rng.integers(0, n, size=300), np.full(200, 7)))  # row 7: long, with repeats
    columns = np.concatenate((rng.integers(0, n, size=300), rng.integers(0, n, size=200)))
    source, target = (
        (np.concatenate((rows, columns)), np.concatenate((columns, rows))) if symmetric else (rows, columns)
    )
    expected = sp.coo_array((np.ones(source.size), (source, target)), shape=(n, n)).tocsr()
    expected.sum_duplicates()
    indptr, indices = csr_pattern(n, rows, columns, symmetric)
    np.testing.assert_array_equal(indptr, expected.indptr, strict=False)
    np.testing.assert_array_equal(indices, expected.indices, strict=False)


@pytest.mark.parametrize("preset", PRESETS)
def test_targeting_tiers_worked_out_when_first_used_equal_the_eager_ones(preset: str) -> None:
    firms = draw_firms(load_scenario(preset).population, np.random.default_rng(4))
    everyone = np.arange(firms.n, dtype=np.int64)
    masks = {  # the tiers as Tiers.of worked out every rule's at once
        "open_call": np.ones(firms.n, dtype=bool),
        "smes_first": np.isin(firms.size_class, [SIZE_CLASSES.index("micro"), SIZE_CLASSES.index("small")]),
        "leading_firms_first": firms.role == ROLES.index("lead"),
        "rti_network": firms.rti_member.copy(),
    }
    tiers = Tiers.of(firms)
    for rule, mask in reversed(masks.items()):  # in another order than the eager code
        expected = tuple(tier for tier in (everyone[mask], everyone[~mask]) if tier.size)
        assert len(tiers.by_rule[rule]) == len(expected)
        for actual, wanted in zip(tiers.by_rule[rule], expected, strict=True):
            np.testing.assert_array_equal(actual, wanted, strict=True)
        np.testing.assert_array_equal(tiers.first_tier[rule], mask, strict=True)
        np.testing.assert_array_equal(tiers.rank(rule, everyone), (~mask).astype(np.int64), strict=True)
    with pytest.raises(KeyError):
        tiers.by_rule["no_such_rule"]
