"""District networks as sparse matrices, and the exposure they carry (ODD.md §I.ii and §II.vi).

Two matrices are built once per run:

* ``supply`` (buyer -> seller, CSR): who buys from whom; carries the two-step flow;
* ``weights`` (symmetric, CSR): supply ties in both directions plus peer ties, the
  w_ij of the exposure E_ik = sum_j w_ij [s_jk = 3] / sum_j w_ij.

Exposure is kept up to date incrementally: each new adoption (j, k) adds column j
of the weights to the numerator of technology k. A step therefore costs
O(new adoptions x degree), not O(ties x technologies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from districtlab.config import ROLES, SIZE_CLASSES, Networks, ObservedNetwork
from districtlab.config.base import BUYER_ROLES, SELLER_ROLES
from districtlab.model.clocks import PendingPairs
from districtlab.model.kernels import (
    TallyArrays,
    csr_pattern,
    csr_transpose_pattern,
    drawn_networks,
    peer_stubs,
    spread_adoptions,
    spread_new_adoptions,
    supply_entries,
    tally_and_spread_adoptions_with,
    tally_arrays,
)
from districtlab.model.population import Firms


@dataclass(frozen=True)
class FirmNetworks:
    """The sparse networks of one district."""

    supply: sp.csr_array  # supply[b, s] = 1 when buyer b buys from seller s
    weights: sp.csr_array | None  # symmetric exposure weights; None for the complete graph
    complete: bool
    supply_strength: sp.csr_array | None = None  # tie strengths of the supply ties (observed networks)
    peer: sp.csr_array | None = None  # symmetric peer tie strengths
    # Worked out with a drawn network's matrices (None: Exposure works them out from the matrices):
    # each seller's buyers (the supply matrix transposed: CSR indptr and int64 indices) ...
    buyers: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None
    # ... and which entries of the weights are supply ties, with how many supply ties have no weight.
    supply_in_weights: tuple[NDArray[np.bool_], int] | None = None

    @property
    def n_supply_ties(self) -> int:
        return int(self.supply.nnz)

    def peer_graph_size(self) -> int:
        return 0 if self.weights is None else int(self.weights.nnz)


#: Per role code: does a firm of this role buy (sell) in the supply chain?
_IS_BUYER = np.isin(np.arange(len(ROLES)), [ROLES.index(r) for r in BUYER_ROLES])
_IS_SELLER = np.isin(np.arange(len(ROLES)), [ROLES.index(r) for r in SELLER_ROLES])


def _pattern(n: int, source: NDArray[np.int64], target: NDArray[np.int64]) -> sp.csr_array:
    """The n x n matrix with 1 at each (source, target), a pair given twice counted once (built directly)."""
    indptr, indices = csr_pattern(n, source, target, False)
    return sp.csr_array((np.ones(indices.size), indices, indptr), shape=(n, n))


def _supply_draws(
    firms: Firms, config: Networks, rng: np.random.Generator
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """(buyer, seller) of each drawn supply tie, a pair drawn twice being one tie; None when no firm buys or none sells."""
    buyers = np.flatnonzero(_IS_BUYER[firms.role])
    sellers = np.flatnonzero(_IS_SELLER[firms.role])
    if buyers.size == 0 or sellers.size == 0:
        return None
    mean_degree = np.asarray(config.suppliers_per_buyer.as_tuple())[firms.size_class[buyers]]
    degree = np.minimum(rng.poisson(mean_degree), sellers.size)
    source = np.repeat(buyers, degree)
    return source, sellers[rng.integers(0, sellers.size, size=source.size)]


def _supply_ties(firms: Firms, config: Networks, rng: np.random.Generator) -> sp.csr_array:
    drawn = _supply_draws(firms, config, rng)
    if drawn is None:
        return sp.csr_array((firms.n, firms.n), dtype=np.float64)
    return _pattern(firms.n, *drawn)


#: What :func:`~districtlab.model.kernels.drawn_networks` takes for the peer stubs of a district without any.
_NO_STUBS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
_NO_BLOCKS: tuple[NDArray[np.int64], ...] = (
    np.zeros(0, dtype=np.int64),
    np.zeros(0, dtype=np.int64),
    np.zeros(0, dtype=np.int64),
)
_NO_TIES = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def _peer_draws(
    firms: Firms, config: Networks, rng: np.random.Generator
) -> tuple[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]], tuple[NDArray[np.int64], ...]]:
    """Random peer ties within role x size blocks, some to the neighbouring size class: the draws.

    Each firm opens Poisson(degree / 2) ties (symmetrising doubles them); a tie goes
    to a firm drawn uniformly from the firm's own block (role x size class) or, with
    probability ``cross_size_peer_share``, from the block of the size class above or
    below (at random, when that class exists); a firm's tie to itself is dropped.
    Returns ((source firm, target block, uniform) per stub, (block sizes, block
    starts, firms in block order)): :func:`~districtlab.model.kernels.peer_pattern`
    turns them into ties. The loop over stubs is compiled
    (:func:`~districtlab.model.kernels.peer_stubs`); the draws are made here.
    """
    stubs = rng.poisson(config.peer_degree / 2.0, size=firms.n)
    cross = rng.random(int(stubs.sum())) < config.cross_size_peer_share
    signs = rng.choice(np.array([-1, 1]), size=int(np.count_nonzero(cross)))
    source, target_block, block_size, block_start, order = peer_stubs(
        firms.role, firms.size_class, len(SIZE_CLASSES), len(ROLES) * len(SIZE_CLASSES), stubs, cross, signs
    )
    return (source, target_block, rng.random(source.size)), (block_size, block_start, order)


def _csr(
    indptr: NDArray[np.int64], indices: NDArray[np.int64], data: NDArray[np.float64], n: int
) -> sp.csr_array:
    """The n x n CSR matrix on arrays built with sorted, distinct columns in each row (scipy need not check them)."""
    matrix = sp.csr_array((data, indices, indptr), shape=(n, n))
    matrix.has_sorted_indices = True
    return matrix


def _observed_ties(observed: ObservedNetwork, n: int) -> tuple[sp.csr_array, sp.csr_array, sp.csr_array]:
    """(supply ties, their weights, symmetric peer weights) from an observed network."""

    def matrix(kind: str, weighted: bool) -> sp.csr_array:
        ties = [tie for tie in observed.ties if tie.kind == kind]
        source = np.array([tie.source for tie in ties], dtype=np.int64)
        target = np.array([tie.target for tie in ties], dtype=np.int64)
        data = np.array([tie.weight if weighted else 1.0 for tie in ties])
        built = sp.coo_array((data, (source, target)), shape=(n, n)).tocsr()
        if not weighted:
            built.data[:] = 1.0  # a tie listed twice is one tie for the two-step flow
        return built

    peer = matrix("peer", weighted=True)
    return matrix("supply", weighted=False), matrix("supply", weighted=True), (peer + peer.T).tocsr()


def build_networks(firms: Firms, config: Networks, rng: np.random.Generator) -> FirmNetworks:
    """Build the supply and exposure networks of the district (drawn, or observed when given)."""
    n = firms.n
    if config.observed is not None:
        supply, supply_strength, peer = _observed_ties(config.observed, n)
    elif config.peer_kind == "complete":
        return FirmNetworks(supply=_supply_ties(firms, config, rng), weights=None, complete=True)
    else:
        # every draw first (supply, then peers), then every matrix in one kernel call
        drawn = _supply_draws(firms, config, rng)
        has_peers = config.peer_kind == "random" and config.peer_degree > 0.0
        stubs, blocks = _peer_draws(firms, config, rng) if has_peers else (_NO_STUBS, _NO_BLOCKS)
        buyer, seller = _NO_TIES if drawn is None else drawn
        (
            supply_indptr,
            supply_indices,
            buyers_indptr,
            buyers,
            peer_indptr,
            peer_indices,
            indptr,
            indices,
            data,
            sells,
            missing,
        ) = drawn_networks(
            n,
            buyer,
            seller,
            stubs[0],
            stubs[1],
            stubs[2],
            blocks[0],
            blocks[1],
            blocks[2],
            float(config.supply_weight),
            float(config.peer_weight),
        )
        if drawn is None:
            supply = sp.csr_array((n, n), dtype=np.float64)
        else:  # a repeated draw of the same pair is one tie
            supply = _csr(supply_indptr, supply_indices, np.ones(supply_indices.size), n)
        if has_peers:
            peer = _csr(peer_indptr, peer_indices, np.ones(peer_indices.size), n)
        else:
            peer = sp.csr_array((n, n), dtype=np.float64)
        return FirmNetworks(
            supply=supply,
            weights=_csr(indptr, indices, data, n),
            complete=False,
            supply_strength=supply,
            peer=peer,
            buyers=(buyers_indptr, buyers),
            supply_in_weights=(sells, int(missing)),
        )
    weights = (
        config.supply_weight * (supply_strength + supply_strength.T) + config.peer_weight * peer
    ).tocsr()
    weights.eliminate_zeros()
    weights.sort_indices()
    return FirmNetworks(
        supply=supply, weights=weights, complete=False, supply_strength=supply_strength, peer=peer
    )


def _row_sums(matrix: sp.csr_array) -> NDArray[np.float64]:
    """``matrix.sum(axis=1)`` as scipy computes it (one ``np.add.reduceat`` over the non-empty rows)."""
    indptr = matrix.indptr
    lengths = np.diff(indptr)
    if lengths.size and lengths.min() > 0:  # every row has entries (the usual case): no gather, no scatter
        return np.add.reduceat(matrix.data, indptr[:-1])
    sums = np.zeros(matrix.shape[0])
    non_empty = np.flatnonzero(lengths)
    sums[non_empty] = np.add.reduceat(matrix.data, indptr[non_empty])
    return sums


_NO_WEIGHTS = np.zeros(0)
_NO_FLAGS = np.zeros(0, dtype=bool)


@dataclass(frozen=True)
class _Rows:
    """A CSR matrix's rows ready for gathering: int64 column indices, and what each entry carries.

    ``weight`` is the exposure weight of the entry (None: the rows carry no
    exposure); ``sells`` says which entries (b, s) are supply ties, where s
    feels b's adoptions as supply-chain pressure: all of them (True), none
    (False), or those flagged.
    """

    indptr: NDArray[np.int64]
    columns: NDArray[np.int64]
    weight: NDArray[np.float64] | None
    sells: NDArray[np.bool_] | bool

    @classmethod
    def of(cls, matrix: sp.csr_array, *, weight: bool, sells: NDArray[np.bool_] | bool) -> _Rows:
        return cls(  # the matrix's own arrays when already int64 (nothing writes to them)
            indptr=matrix.indptr.astype(np.int64, copy=False),
            columns=matrix.indices.astype(np.int64, copy=False),
            weight=matrix.data if weight else None,
            sells=sells,
        )

    def gather(self, rows: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Positions of the entries of the given rows, and the position in ``rows`` of the row each came from."""
        starts = self.indptr[rows]
        lengths = self.indptr[rows + 1] - starts
        owner = np.repeat(np.arange(rows.size), lengths)
        # position of entry e of row r = start_r + (e - first entry of r in the output)
        shift = starts - (np.cumsum(lengths) - lengths)
        return np.arange(owner.size) + shift[owner], owner


def _spread_arguments(
    rows: _Rows,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_], int]:
    """(indptr, columns, weight, sells, sells mode) of a set of rows, as :func:`~districtlab.model.kernels.spread_adoptions` takes them."""
    return (
        rows.indptr,
        rows.columns,
        _NO_WEIGHTS if rows.weight is None else rows.weight,
        rows.sells if isinstance(rows.sells, np.ndarray) else _NO_FLAGS,
        2 if isinstance(rows.sells, np.ndarray) else int(rows.sells),
    )


def _exposure_rows(networks: FirmNetworks) -> tuple[_Rows, ...]:
    """The rows that new adoptions are pushed along, fused into one matrix where possible.

    With positive supply weights every supply tie is also an exposure tie, so
    one gather over the exposure weights serves both exposure and supply
    pressure, with a flag marking the supply entries.
    """
    supply = networks.supply
    if networks.weights is None:
        return (_Rows.of(supply, weight=False, sells=True),)
    weights = networks.weights
    if supply.nnz and networks.supply_in_weights is not None:  # worked out with the matrices
        sells, missing = networks.supply_in_weights
        if missing:
            return (_Rows.of(weights, weight=True, sells=False), _Rows.of(supply, weight=False, sells=True))
        return (_Rows.of(weights, weight=True, sells=sells),)
    if supply.nnz and weights.has_sorted_indices and supply.has_sorted_indices:
        # the same as the union below, in one merge of the sorted rows (no sparse arithmetic)
        sells, missing = supply_entries(
            weights.indptr.astype(np.int64, copy=False),
            weights.indices.astype(np.int64, copy=False),
            supply.indptr.astype(np.int64, copy=False),
            supply.indices.astype(np.int64, copy=False),
        )
        if missing:  # some supply ties carry no exposure weight
            return (_Rows.of(weights, weight=True, sells=False), _Rows.of(supply, weight=False, sells=True))
        return (_Rows.of(weights, weight=True, sells=sells),)
    if supply.nnz:
        pattern = weights.copy()
        pattern.data[:] = 1.0
        supply_pattern = supply.copy()
        supply_pattern.data[:] = 2.0
        union = (pattern + supply_pattern).tocsr()
        union.sort_indices()
        if union.nnz != weights.nnz:  # some supply ties carry no exposure weight
            return (_Rows.of(weights, weight=True, sells=False), _Rows.of(supply, weight=False, sells=True))
        return (_Rows.of(weights, weight=True, sells=union.data >= 2.0),)
    return (_Rows.of(weights, weight=True, sells=False),)


class Exposure:
    """Exposure to adopters and supply-chain pressure, kept up to date incrementally.

    E_ik = sum_j w_ij [j adopted k] / sum_j w_ij, and P_ik = the number of i's
    buyers that have adopted k. On the complete graph every non-adopter sees
    E_ik = A_k / (n - 1) and no matrix is stored. Pairs are flat indices
    firm * K + technology, as in :mod:`districtlab.model.state`.
    """

    def __init__(self, networks: FirmNetworks, n_firms: int, n_technologies: int) -> None:
        self._n = n_firms
        self._k = n_technologies
        self._rows = _exposure_rows(networks)
        #: adoptions are pushed along more than one set of rows (see :meth:`spread_along_further_rows`)
        self.has_further_rows = len(self._rows) > 1
        self._pressure = np.zeros(n_firms * n_technologies)
        # each seller's buyers (supply transposed), to attribute a supply-chain transfer to a kind of buyer
        supply = networks.supply
        if networks.buyers is not None:  # worked out with the matrices
            self._buyers_indptr, self._buyers = networks.buyers
        elif supply.has_sorted_indices:  # the transpose, built directly (as supply.T.tocsr())
            self._buyers_indptr, self._buyers = csr_transpose_pattern(
                n_firms,
                supply.indptr.astype(np.int64, copy=False),
                supply.indices.astype(np.int64, copy=False),
            )
        else:
            buyers = supply.T.tocsr()
            self._buyers_indptr = buyers.indptr.astype(np.int64)
            self._buyers = buyers.indices.astype(np.int64)
        self.adopters = np.zeros(n_technologies)
        if networks.complete:
            self._numerator = None
            self._inverse_weight = np.zeros(0)
        else:
            assert networks.weights is not None
            weight_sum = _row_sums(networks.weights)
            self._inverse_weight = np.divide(
                1.0, weight_sum, out=np.zeros_like(weight_sum), where=weight_sum > 0
            )
            self._numerator = np.zeros(n_firms * n_technologies)
        # what spread_new_adoptions takes after the pairs and K (arrays updated in place)
        self._first_rows: tuple[Any, ...] = (
            self.adopters,
            networks.complete,
            n_firms,
            *_spread_arguments(self._rows[0]),
            self.numerator,
            self._pressure,
        )
        self._tallies: tuple[Any, ...] | None = None  # the tally arguments _tally_handle was built on
        self._tally_handle: TallyArrays | None = None

    def add_adoptions(
        self, firm: NDArray[np.int64], technology: NDArray[np.int64], changed: PendingPairs
    ) -> None:
        """Account for new adoptions (each pair new, at most once); mark the pairs whose E or P changed."""
        if firm.size == 0:
            return
        self.add_adoption_pairs(firm * self._k + technology, changed)

    def add_adoption_pairs(
        self,
        pairs: NDArray[np.int64],
        changed: PendingPairs,
        channels: NDArray[np.int8] | None = None,
        tallies: tuple[Any, ...] = (),
    ) -> None:
        """:meth:`add_adoptions` for new adoptions given by flat pair (not empty).

        ``channels`` (the channels of the pairs) with ``tallies`` (``state.adoption_tally_arguments``,
        the same tuple every step of a run) brings the adoption tallies up to date in the same
        kernel call (:func:`~districtlab.model.kernels.tally_and_spread_adoptions`, its arrays in one
        :class:`~districtlab.model.kernels.TallyArrays` handle built once per run).
        """
        if channels is not None:
            marks, touched = tally_and_spread_adoptions_with(pairs, channels, self.tally_handle(tallies))
        else:
            marks, touched = spread_new_adoptions(pairs, self._k, *self._first_rows)
        changed.add(marks)
        changed.add(touched)
        self.spread_along_further_rows(pairs, changed)

    def tally_handle(self, tallies: tuple[Any, ...]) -> TallyArrays:
        """The :class:`~districtlab.model.kernels.TallyArrays` handle on ``tallies`` and the first set of rows.

        Built once per run (``tallies`` is the same tuple every step of a run), for the
        kernels that bring the tallies and the exposure up to date in one call.
        """
        if self._tally_handle is None or self._tallies is not tallies:
            self._tallies = tallies
            self._tally_handle = tally_arrays(*tallies, *self._first_rows)
        return self._tally_handle

    def spread_along_further_rows(self, pairs: NDArray[np.int64], changed: PendingPairs) -> None:
        """New adoptions pushed along the sets of rows after the first (when the supply ties are kept apart)."""
        for rows in self._rows[1:]:
            changed.add(
                spread_adoptions(pairs, self._k, *_spread_arguments(rows), self.numerator, self._pressure)
            )

    @property
    def numerator(self) -> NDArray[np.float64]:
        """sum_j w_ij [j adopted k] per pair; empty on the complete graph (where E_ik = A_k / (n - 1))."""
        return _NO_WEIGHTS if self._numerator is None else self._numerator

    @property
    def inverse_weight(self) -> NDArray[np.float64]:
        """1 / sum_j w_ij per firm (0 for a firm without ties); empty on the complete graph."""
        return self._inverse_weight

    @property
    def complete_divisor(self) -> float:
        """n - 1 (at least 1): the denominator of E_ik on the complete graph."""
        return float(max(self._n - 1, 1))

    @property
    def buyers_of_sellers(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Each seller's buyers (the supply matrix transposed, CSR): (indptr, buyer indices)."""
        return self._buyers_indptr, self._buyers

    @property
    def pressure_flat(self) -> NDArray[np.float64]:
        """P_ik per pair: how many of the firm's buyers have adopted."""
        return self._pressure

    def exposure(
        self, pair: NDArray[np.int64], firm: NDArray[np.int64], technology: NDArray[np.int64]
    ) -> NDArray[np.float64]:
        """E for the given pairs (flat index, and the firm and technology it stands for)."""
        if self._numerator is None:
            return self.adopters[technology] / max(self._n - 1, 1)
        return self._numerator[pair] * self._inverse_weight[firm]

    def pressure(self, pair: NDArray[np.int64]) -> NDArray[np.float64]:
        """P for the given pairs: how many of the firm's buyers have adopted."""
        return self._pressure[pair]
