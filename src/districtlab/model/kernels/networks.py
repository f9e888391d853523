"""Networks, built once per run (``networks.build_networks``, ``networks.Exposure``).

Builds the drawn networks' CSR arrays directly instead of through a dozen scipy.sparse
conversions (the same sorted, distinct int64 indices and the same values); for
:mod:`districtlab.model.networks`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels._jit import njit

# -- networks, built once per run (networks.build_networks, networks.Exposure) -----------------
#
# scipy.sparse builds the drawn networks in a dozen conversions and additions (COO to CSR,
# transposes, sums, sorts), each costing tens of microseconds of checks at district size:
# about half of a run's set-up. These kernels build the same CSR arrays directly: sorted,
# distinct column indices in int64 (what scipy gives for int64 input), and the same values.


@njit(cache=True)
def csr_pattern(
    n: int, rows: NDArray[np.int64], columns: NDArray[np.int64], symmetric: bool
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(indptr, indices) of the n x n 0/1 matrix with an entry at each (rows[e], columns[e])
    and, ``symmetric``, at each (columns[e], rows[e]) too.

    Entries given twice are one entry; each row's columns are sorted (as
    ``coo_array((ones, (rows, columns))).tocsr()`` with its data set to 1). Two
    counting sorts, by column and then (stably) by row, leave every row sorted
    without comparing entries. ``indices`` may be a view of a longer array.
    """
    by_column = np.zeros(n + 1, dtype=np.int64)
    by_row = np.zeros(n + 1, dtype=np.int64)
    for entry in range(rows.size):
        by_column[columns[entry] + 1] += 1
        by_row[rows[entry] + 1] += 1
        if symmetric:
            by_column[rows[entry] + 1] += 1
            by_row[columns[entry] + 1] += 1
    for index in range(n):
        by_column[index + 1] += by_column[index]
        by_row[index + 1] += by_row[index]
    fill = by_column[:-1].copy()
    rows_by_column = np.empty(by_column[n], dtype=np.int64)
    for entry in range(rows.size):
        row, column = rows[entry], columns[entry]
        rows_by_column[fill[column]] = row
        fill[column] += 1
        if symmetric:
            rows_by_column[fill[row]] = column
            fill[row] += 1
    fill = by_row[:-1].copy()
    sorted_columns = np.empty(by_row[n], dtype=np.int64)
    for column in range(n):
        for position in range(by_column[column], by_column[column + 1]):
            row = rows_by_column[position]
            sorted_columns[fill[row]] = column
            fill[row] += 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    written = 0
    for row in range(n):  # written <= position: the repeats are dropped in place
        first, end = by_row[row], by_row[row + 1]
        for position in range(first, end):
            if position == first or sorted_columns[position] != sorted_columns[position - 1]:
                sorted_columns[written] = sorted_columns[position]
                written += 1
        indptr[row + 1] = written
    return indptr, sorted_columns[:written]


@njit(cache=True)
def peer_stubs(
    role: NDArray[np.int8],
    size_class: NDArray[np.int8],
    n_sizes: int,
    n_blocks: int,
    stubs: NDArray[np.int64],
    cross: NDArray[np.bool_],
    signs: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Where each firm's peer stubs go (networks._peer_draws): (source, target block) of the stubs
    whose target block has firms, and the blocks (role x size class): their sizes, their starts and
    the firms in block order (a stable sort by block).

    Stub s of firm i (stubs in firm order) moves to the neighbouring size class
    ``signs[c]`` when ``cross[s]`` (c counts the crossing stubs so far), unless that
    class does not exist.
    """
    n = role.size
    block = np.empty(n, dtype=np.int64)
    block_size = np.zeros(n_blocks, dtype=np.int64)
    for firm in range(n):
        block[firm] = np.int64(role[firm]) * n_sizes + size_class[firm]
        block_size[block[firm]] += 1
    block_start = np.zeros(n_blocks, dtype=np.int64)
    for index in range(1, n_blocks):
        block_start[index] = block_start[index - 1] + block_size[index - 1]
    fill = block_start.copy()
    order = np.empty(n, dtype=np.int64)
    for firm in range(n):
        order[fill[block[firm]]] = firm
        fill[block[firm]] += 1
    source = np.empty(cross.size, dtype=np.int64)
    target_block = np.empty(cross.size, dtype=np.int64)
    kept = 0
    stub = 0
    crossing = 0
    for firm in range(n):
        for _ in range(stubs[firm]):
            shift = 0
            if cross[stub]:
                shift = signs[crossing]
                crossing += 1
            stub += 1
            size = np.int64(size_class[firm]) + shift
            target = block[firm] + shift if 0 <= size < n_sizes else block[firm]
            if block_size[target] > 0:
                source[kept] = firm
                target_block[kept] = target
                kept += 1
    return source[:kept].copy(), target_block[:kept].copy(), block_size, block_start, order


@njit(cache=True)
def peer_pattern(
    n: int,
    source: NDArray[np.int64],
    target_block: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    block_size: NDArray[np.int64],
    block_start: NDArray[np.int64],
    order: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The symmetric peer pattern (indptr, indices): each stub ties its firm to the firm at
    ``floor(uniform * block size)`` in its target block, a tie to itself dropped."""
    rows = np.empty(source.size, dtype=np.int64)
    columns = np.empty(source.size, dtype=np.int64)
    kept = 0
    for stub in range(source.size):
        block = target_block[stub]
        offset = np.int64(np.floor(uniforms[stub] * block_size[block]))
        target = order[block_start[block] + offset]
        if target != source[stub]:
            rows[kept] = source[stub]
            columns[kept] = target
            kept += 1
    return csr_pattern(n, rows[:kept], columns[:kept], True)  # and the other direction


@njit(cache=True)
def csr_transpose_pattern(
    n: int, indptr: NDArray[np.int64], indices: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(indptr, indices) of the transpose of an n x n CSR pattern; columns sorted in each row."""
    start = np.zeros(n + 1, dtype=np.int64)
    for entry in range(indices.size):
        start[indices[entry] + 1] += 1
    for row in range(n):
        start[row + 1] += start[row]
    fill = start[:-1].copy()
    transposed = np.empty(indices.size, dtype=np.int64)
    for row in range(n):  # rows in increasing order: each transposed row comes out sorted
        for entry in range(indptr[row], indptr[row + 1]):
            column = indices[entry]
            transposed[fill[column]] = row
            fill[column] += 1
    return start, transposed


@njit(cache=True)
def _exposure_weights(
    n: int,
    supply_indptr: NDArray[np.int64],
    supply_indices: NDArray[np.int64],
    transposed_indptr: NDArray[np.int64],
    transposed: NDArray[np.int64],
    peer_indptr: NDArray[np.int64],
    peer_indices: NDArray[np.int64],
    supply_weight: float,
    peer_weight: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_], int]:
    """CSR of w = supply_weight (S + S^T) + peer_weight P for 0/1 patterns S (supply, with its
    transpose S^T) and P (peer, symmetric), with which entries of w are supply ties (S_ij = 1)
    and how many supply ties have no entry in w (their weight came to 0).

    The values are those scipy's sparse arithmetic gives: an entry in both terms
    is ``supply_weight * s + peer_weight * 1.0`` with s = S_ij + S_ji, an entry in
    one term is that term, and entries that come to exactly 0 are not stored.
    """
    most = supply_indices.size * 2 + peer_indices.size
    indptr = np.zeros(n + 1, dtype=np.int64)
    indices = np.empty(most, dtype=np.int64)
    data = np.empty(most)
    sells = np.zeros(most, dtype=np.bool_)
    missing = 0
    written = 0
    past = n  # a column after every column
    for row in range(n):
        # merge the sorted columns of row i of S, of S^T and of P
        first, first_end = supply_indptr[row], supply_indptr[row + 1]
        second, second_end = transposed_indptr[row], transposed_indptr[row + 1]
        third, third_end = peer_indptr[row], peer_indptr[row + 1]
        while first < first_end or second < second_end or third < third_end:
            a = supply_indices[first] if first < first_end else past
            b = transposed[second] if second < second_end else past
            c = peer_indices[third] if third < third_end else past
            column = min(a, b, c)
            count = 0.0
            in_supply = a == column
            if in_supply:
                count += 1.0
                first += 1
            if b == column:
                count += 1.0
                second += 1
            in_peer = c == column
            if in_peer:
                third += 1
            if count > 0.0 and in_peer:
                value = supply_weight * count + peer_weight * 1.0
            elif count > 0.0:
                value = supply_weight * count
            else:
                value = peer_weight * 1.0
            if value != 0.0:
                indices[written] = column
                data[written] = value
                sells[written] = in_supply
                written += 1
            elif in_supply:
                missing += 1
        indptr[row + 1] = written
    return indptr, indices[:written], data[:written], sells[:written], missing  # views: no copies


@njit(cache=True)
def drawn_networks(
    n: int,
    buyer: NDArray[np.int64],
    seller: NDArray[np.int64],
    peer_source: NDArray[np.int64],
    peer_target_block: NDArray[np.int64],
    peer_uniforms: NDArray[np.float64],
    block_size: NDArray[np.int64],
    block_start: NDArray[np.int64],
    order: NDArray[np.int64],
    supply_weight: float,
    peer_weight: float,
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.bool_],
    int,
]:
    """A drawn district's networks from its drawn ties, in one call (networks.build_networks).

    Fuses what took four calls, three of them rebuilding what another had built:
    the supply pattern S from the (buyer, seller) draws (:func:`csr_pattern`), the
    symmetric peer pattern P from the peer stubs (:func:`peer_pattern`; no stubs:
    P is empty), the transpose of S (each seller's buyers, :func:`csr_transpose_pattern`)
    and the exposure weights w with which of their entries are supply ties
    (:func:`_exposure_weights`; what :func:`supply_entries` finds). Returns
    (S indptr, S indices, S^T indptr, S^T indices, P indptr, P indices,
    w indptr, w indices, w data, supply-tie flags of w's entries, supply ties without
    an entry in w); every index array is int64 with each row's columns sorted.
    """
    supply_indptr, supply_indices = csr_pattern(n, buyer, seller, False)
    if peer_source.size:
        peer_indptr, peer_indices = peer_pattern(
            n, peer_source, peer_target_block, peer_uniforms, block_size, block_start, order
        )
    else:
        peer_indptr, peer_indices = np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    buyers_indptr, buyers = csr_transpose_pattern(n, supply_indptr, supply_indices)
    indptr, indices, data, sells, missing = _exposure_weights(
        n,
        supply_indptr,
        supply_indices,
        buyers_indptr,
        buyers,
        peer_indptr,
        peer_indices,
        supply_weight,
        peer_weight,
    )
    return (
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
    )


@njit(cache=True)
def supply_entries(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int64],
    supply_indptr: NDArray[np.int64],
    supply_indices: NDArray[np.int64],
) -> tuple[NDArray[np.bool_], int]:
    """Which entries of a CSR matrix (sorted columns) are also supply ties, and how many supply ties are not entries."""
    sells = np.zeros(indices.size, dtype=np.bool_)
    missing = 0
    for row in range(indptr.size - 1):
        entry = indptr[row]
        end = indptr[row + 1]
        for tie in range(supply_indptr[row], supply_indptr[row + 1]):
            column = supply_indices[tie]
            while entry < end and indices[entry] < column:
                entry += 1
            if entry < end and indices[entry] == column:
                sells[entry] = True
            else:
                missing += 1
    return sells, missing
