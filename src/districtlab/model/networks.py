"""District networks as sparse matrices, and the exposure they carry (MODEL.md §2, §3.4).

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

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from districtlab.config import ROLES, Networks
from districtlab.config.base import BUYER_ROLES, SELLER_ROLES
from districtlab.model.clocks import PendingPairs
from districtlab.model.population import Firms


@dataclass(frozen=True)
class FirmNetworks:
    """The sparse networks of one district."""

    supply: sp.csr_array  # supply[b, s] = 1 when buyer b buys from seller s
    weights: sp.csr_array | None  # symmetric exposure weights; None for the complete graph
    complete: bool

    @property
    def n_supply_ties(self) -> int:
        return int(self.supply.nnz)

    def peer_graph_size(self) -> int:
        return 0 if self.weights is None else int(self.weights.nnz)


def _supply_ties(firms: Firms, config: Networks, rng: np.random.Generator) -> sp.csr_array:
    n = firms.n
    buyers = np.flatnonzero(np.isin(firms.role, [ROLES.index(r) for r in BUYER_ROLES]))
    sellers = np.flatnonzero(np.isin(firms.role, [ROLES.index(r) for r in SELLER_ROLES]))
    if buyers.size == 0 or sellers.size == 0:
        return sp.csr_array((n, n), dtype=np.float64)
    mean_degree = np.asarray(config.suppliers_per_buyer.as_tuple())[firms.size_class[buyers]]
    degree = np.minimum(rng.poisson(mean_degree), sellers.size)
    source = np.repeat(buyers, degree)
    target = sellers[rng.integers(0, sellers.size, size=source.size)]
    matrix = sp.coo_array((np.ones(source.size), (source, target)), shape=(n, n)).tocsr()
    matrix.data[:] = 1.0  # a repeated draw of the same pair is one tie
    return matrix


def _peer_ties(firms: Firms, config: Networks, rng: np.random.Generator) -> sp.csr_array:
    """Random peer ties within role x size blocks, some to the neighbouring size class."""
    n = firms.n
    if config.peer_kind != "random" or config.peer_degree <= 0.0:
        return sp.csr_array((n, n), dtype=np.float64)
    n_sizes = 4
    block = firms.role.astype(np.int64) * n_sizes + firms.size_class
    order = np.argsort(block, kind="stable")
    n_blocks = len(ROLES) * n_sizes
    block_size = np.bincount(block, minlength=n_blocks)
    block_start = np.concatenate(([0], np.cumsum(block_size)[:-1]))

    # Each firm opens Poisson(degree / 2) ties; symmetrising doubles them.
    stubs = rng.poisson(config.peer_degree / 2.0, size=n)
    source = np.repeat(np.arange(n), stubs)
    source_block = block[source]
    shift = np.zeros(source.size, dtype=np.int64)
    cross = rng.random(source.size) < config.cross_size_peer_share
    shift[cross] = rng.choice(np.array([-1, 1]), size=int(cross.sum()))
    size = firms.size_class[source] + shift
    valid = (size >= 0) & (size < n_sizes)
    target_block = np.where(valid, source_block + shift, source_block)
    size_of_target_block = block_size[target_block]
    keep = size_of_target_block > 0
    source, target_block = source[keep], target_block[keep]
    offsets = np.floor(rng.random(source.size) * block_size[target_block]).astype(np.int64)
    target = order[block_start[target_block] + offsets]
    keep = source != target
    source, target = source[keep], target[keep]
    peer = sp.coo_array((np.ones(source.size), (source, target)), shape=(n, n)).tocsr()
    peer = (peer + peer.T).tocsr()
    peer.data[:] = 1.0
    return peer


def build_networks(firms: Firms, config: Networks, rng: np.random.Generator) -> FirmNetworks:
    """Build the supply and exposure networks of the district."""
    supply = _supply_ties(firms, config, rng)
    if config.peer_kind == "complete":
        return FirmNetworks(supply=supply, weights=None, complete=True)
    peer = _peer_ties(firms, config, rng)
    weights = (config.supply_weight * (supply + supply.T) + config.peer_weight * peer).tocsr()
    weights.eliminate_zeros()
    weights.sort_indices()
    return FirmNetworks(supply=supply, weights=weights, complete=False)


def _gather_rows(
    matrix: sp.csr_array, rows: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    """Column indices and values of the given rows, with the position of the row they came from."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    owner = np.repeat(np.arange(rows.size), lengths)
    # position of entry e of row r = start_r + (e - first entry of r in the output)
    shift = starts - (np.cumsum(lengths) - lengths)
    positions = np.arange(owner.size) + shift[owner]
    return matrix.indices[positions].astype(np.int64), matrix.data[positions], owner


class Exposure:
    """Exposure to adopters and supply-chain pressure, kept up to date incrementally.

    E_ik = sum_j w_ij [j adopted k] / sum_j w_ij, and P_ik = the number of i's
    buyers that have adopted k. On the complete graph every non-adopter sees
    E_ik = A_k / (n - 1) and no matrix is stored. Pairs are flat indices
    firm * K + technology, as in :mod:`districtlab.model.state`.
    """

    def __init__(self, networks: FirmNetworks, n_firms: int, n_technologies: int) -> None:
        self._networks = networks
        self._n = n_firms
        self._k = n_technologies
        self._supply_rows = networks.supply.tocsr()
        self._has_supply = self._supply_rows.nnz > 0
        self._pressure = np.zeros(n_firms * n_technologies)
        self.adopters = np.zeros(n_technologies)
        if networks.complete:
            self._numerator = None
            self._inverse_weight = np.zeros(0)
        else:
            assert networks.weights is not None
            weight_sum = np.asarray(networks.weights.sum(axis=1)).ravel()
            self._inverse_weight = np.divide(1.0, weight_sum, out=np.zeros_like(weight_sum), where=weight_sum > 0)
            self._numerator = np.zeros(n_firms * n_technologies)

    def add_adoptions(self, firm: NDArray[np.int64], technology: NDArray[np.int64], changed: PendingPairs) -> None:
        """Account for new adoptions (each pair new, at most once); mark the pairs whose E or P changed."""
        if firm.size == 0:
            return
        self.adopters += np.bincount(technology, minlength=self._k)
        if self._numerator is None:  # complete graph: every firm's exposure to these technologies moved
            changed.add_technologies(np.flatnonzero(np.bincount(technology, minlength=self._k)))
        else:
            assert self._networks.weights is not None
            neighbour, weight, owner = _gather_rows(self._networks.weights, firm)
            pair = neighbour * self._k + technology[owner]
            np.add.at(self._numerator, pair, weight)
            changed.add(pair)
        if self._has_supply:
            seller, _, owner = _gather_rows(self._supply_rows, firm)  # supply[b, s]: s feels buyer b
            pair = seller * self._k + technology[owner]
            np.add.at(self._pressure, pair, 1.0)
            changed.add(pair)

    def exposure(self, pair: NDArray[np.int64], firm: NDArray[np.int64], technology: NDArray[np.int64]) -> NDArray[np.float64]:
        """E for the given pairs (flat index, and the firm and technology it stands for)."""
        if self._numerator is None:
            return self.adopters[technology] / max(self._n - 1, 1)
        return self._numerator[pair] * self._inverse_weight[firm]

    def pressure(self, pair: NDArray[np.int64]) -> NDArray[np.float64]:
        """P for the given pairs: how many of the firm's buyers have adopted."""
        return self._pressure[pair]
