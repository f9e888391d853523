"""Adoption tallies and exposure (``schedule.push_adoptions``, ``networks.Exposure.add_adoptions``).

Fuses counting a step's adoptions by group and channel with spreading them to the adopters'
ties' exposure, taking the arrays from a :class:`TallyArrays` handle; for the adoption kernels
and :mod:`districtlab.model.networks`.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref
from numpy.typing import NDArray

from districtlab.model.kernels._handles import Handle, register_handle
from districtlab.model.kernels._jit import njit

# -- adoptions: tallies and exposure (schedule.push_adoptions, networks.Exposure.add_adoptions) --


@njit(cache=True)
def tally_adoptions(
    pairs: NDArray[np.int64],
    channels: NDArray[np.int64],
    n_technologies: int,
    size_class: NDArray[np.int8],
    role: NDArray[np.int8],
    visible: NDArray[np.float64],
    knowledge_channel: NDArray[np.int8],
    n_sizes: int,
    n_roles: int,
    adopted_by_group: NDArray[np.int64],
    adoptions_by_channel: NDArray[np.int64],
    visible_adopters: NDArray[np.float64],
    adoptions_by_knowledge: NDArray[np.int64],
    n_adopted: NDArray[np.int16],
    firms_adopting_by_size: NDArray[np.int64],
    maturity_histogram: NDArray[np.int64],
) -> None:
    """Add a step's adoptions (new, distinct pairs) to the running tallies (flat views).

    Adoptions by technology x size x role and by channel x technology x size;
    the visibility-weighted adopters of each technology (summed per technology
    first, then added, as ``np.bincount`` with weights did); adoptions by the
    channel that gave the knowledge; technologies per firm, firms with at least
    one technology by size, and the maturity histogram.
    """
    weighted = np.zeros(n_technologies)
    for index in range(pairs.size):
        pair = pairs[index]
        firm = pair // n_technologies
        tech = pair - firm * n_technologies
        size = np.int64(size_class[firm])
        adopted_by_group[(tech * n_sizes + size) * n_roles + role[firm]] += 1
        adoptions_by_channel[(channels[index] * n_technologies + tech) * n_sizes + size] += 1
        weighted[tech] += visible[firm]
        knowledge = np.int64(knowledge_channel[pair])
        if knowledge >= 0:
            adoptions_by_knowledge[knowledge * n_sizes + size] += 1
        before = np.int64(n_adopted[firm])
        if before == 0:
            firms_adopting_by_size[size] += 1
        maturity_histogram[before] -= 1
        maturity_histogram[before + 1] += 1
        n_adopted[firm] = before + 1
    for tech in range(n_technologies):
        visible_adopters[tech] += weighted[tech]


@njit(cache=True)
def spread_adoptions(
    pairs: NDArray[np.int64],
    n_technologies: int,
    indptr: NDArray[np.int64],
    columns: NDArray[np.int64],
    weight: NDArray[np.float64],
    sells: NDArray[np.bool_],
    sells_mode: int,
    numerator: NDArray[np.float64],
    pressure: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Push adoptions along one set of CSR rows; return the (neighbour, technology) pairs touched.

    For adoption (j, k) and every entry (j, i) of row j, in order: the exposure
    numerator of (i, k) gains w_ji (when ``weight`` is not empty), and the
    supply pressure of (i, k) gains 1 when the entry is a supply tie
    (``sells_mode`` 1: every entry; 2: entries flagged in ``sells``; 0: none).
    The order of the additions is that of ``np.add.at`` over the gathered entries.
    """
    n_touched = 0
    for pair in pairs:
        firm = pair // n_technologies
        n_touched += indptr[firm + 1] - indptr[firm]
    touched = np.empty(n_touched, dtype=np.int64)
    position = 0
    for pair in pairs:
        firm = pair // n_technologies
        tech = pair - firm * n_technologies
        for entry in range(indptr[firm], indptr[firm + 1]):
            touched[position] = columns[entry] * n_technologies + tech
            position += 1
    if weight.size:
        position = 0
        for pair in pairs:
            firm = pair // n_technologies
            for entry in range(indptr[firm], indptr[firm + 1]):
                numerator[touched[position]] += weight[entry]
                position += 1
    if sells_mode != 0:
        position = 0
        for pair in pairs:
            firm = pair // n_technologies
            for entry in range(indptr[firm], indptr[firm + 1]):
                if sells_mode == 1 or sells[entry]:
                    pressure[touched[position]] += 1.0
                position += 1
    return touched


@njit(cache=True)
def spread_new_adoptions(
    pairs: NDArray[np.int64],
    n_technologies: int,
    adopters: NDArray[np.float64],
    complete: bool,
    n_firms: int,
    indptr: NDArray[np.int64],
    columns: NDArray[np.int64],
    weight: NDArray[np.float64],
    sells: NDArray[np.bool_],
    sells_mode: int,
    numerator: NDArray[np.float64],
    pressure: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """New adoptions (distinct pairs) enter the exposure (``networks.Exposure.add_adoption_pairs``).

    The adopters of each technology A_k gain their count (added once per
    technology, as ``np.bincount`` then ``+=`` did), then the adoptions are
    pushed along one set of rows (:func:`spread_adoptions`). Returns the pairs
    whose E or P moved: on the complete graph every firm's pairs of the
    technologies adopted (firm by firm, technologies in increasing order), then
    the pairs the rows touched.
    """
    counts = np.zeros(n_technologies, dtype=np.int64)
    for pair in pairs:
        counts[pair - pair // n_technologies * n_technologies] += 1
    n_adopted_technologies = 0
    for tech in range(n_technologies):
        adopters[tech] += counts[tech]
        if counts[tech]:
            n_adopted_technologies += 1
    marks = np.empty(n_firms * n_adopted_technologies if complete else 0, dtype=np.int64)
    if complete:
        position = 0
        for firm in range(n_firms):
            for tech in range(n_technologies):
                if counts[tech]:
                    marks[position] = firm * n_technologies + tech
                    position += 1
    touched = spread_adoptions(
        pairs, n_technologies, indptr, columns, weight, sells, sells_mode, numerator, pressure
    )
    return marks, touched


@njit(cache=True)
def tally_and_spread_adoptions(
    pairs: NDArray[np.int64],
    channels: NDArray[np.int8],
    n_technologies: int,
    size_class: NDArray[np.int8],
    role: NDArray[np.int8],
    visible: NDArray[np.float64],
    knowledge_channel: NDArray[np.int8],
    n_sizes: int,
    n_roles: int,
    adopted_by_group: NDArray[np.int64],
    adoptions_by_channel: NDArray[np.int64],
    visible_adopters: NDArray[np.float64],
    adoptions_by_knowledge: NDArray[np.int64],
    n_adopted: NDArray[np.int16],
    firms_adopting_by_size: NDArray[np.int64],
    maturity_histogram: NDArray[np.int64],
    adopters: NDArray[np.float64],
    complete: bool,
    n_firms: int,
    indptr: NDArray[np.int64],
    columns: NDArray[np.int64],
    weight: NDArray[np.float64],
    sells: NDArray[np.bool_],
    sells_mode: int,
    numerator: NDArray[np.float64],
    pressure: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """A step's adoptions to the tallies (:func:`tally_adoptions`), then to the exposure (:func:`spread_new_adoptions`).

    ``schedule.push_adoptions`` in one call; returns what :func:`spread_new_adoptions` returns.
    """
    tally_adoptions(
        pairs,
        channels.astype(np.int64),
        n_technologies,
        size_class,
        role,
        visible,
        knowledge_channel,
        n_sizes,
        n_roles,
        adopted_by_group,
        adoptions_by_channel,
        visible_adopters,
        adoptions_by_knowledge,
        n_adopted,
        firms_adopting_by_size,
        maturity_histogram,
    )
    return spread_new_adoptions(
        pairs,
        n_technologies,
        adopters,
        complete,
        n_firms,
        indptr,
        columns,
        weight,
        sells,
        sells_mode,
        numerator,
        pressure,
    )


# -- the adoption tallies' and the exposure's arrays (schedule.push_adoptions) ---------------------
#
# As HazardArrays, for the call that passes a step's adoptions to the tallies and the exposure:
# the state's tallies and the exposure's first layer of ties (arrays updated in place, none
# replaced during a run), in one TallyArrays handle built once per run (``networks.Exposure``).

#: (field, numba type) of a TallyArrays handle: what :func:`tally_and_spread_adoptions` takes after
#: the pairs and their channels.
_TALLY_FIELDS: tuple[tuple[str, Any], ...] = (
    ("n_technologies", types.int64),
    ("size_class", types.Array(types.int8, 1, "C")),
    ("role", types.Array(types.int8, 1, "C")),
    ("visible", types.Array(types.float64, 1, "C")),
    ("knowledge_channel", types.Array(types.int8, 1, "C")),
    ("n_sizes", types.int64),
    ("n_roles", types.int64),
    ("adopted_by_group", types.Array(types.int64, 1, "C")),
    ("adoptions_by_channel", types.Array(types.int64, 1, "C")),
    ("visible_adopters", types.Array(types.float64, 1, "C")),
    ("adoptions_by_knowledge", types.Array(types.int64, 1, "C")),
    ("n_adopted", types.Array(types.int16, 1, "C")),
    ("firms_adopting_by_size", types.Array(types.int64, 1, "C")),
    ("maturity_histogram", types.Array(types.int64, 1, "C")),
    ("adopters", types.Array(types.float64, 1, "C")),
    ("complete", types.boolean),
    ("n_firms", types.int64),
    ("indptr", types.Array(types.int64, 1, "C")),
    ("columns", types.Array(types.int64, 1, "C")),
    ("weight", types.Array(types.float64, 1, "C")),
    ("sells", types.Array(types.boolean, 1, "C")),
    ("sells_mode", types.int64),
    ("numerator", types.Array(types.float64, 1, "C")),
    ("pressure", types.Array(types.float64, 1, "C")),
)


class TallyArrays(Handle):
    """The tallies' and the exposure's arrays that :func:`tally_and_spread_adoptions` takes (``_TALLY_FIELDS``)."""

    n_technologies: int
    size_class: NDArray[np.int8]
    role: NDArray[np.int8]
    visible: NDArray[np.float64]
    knowledge_channel: NDArray[np.int8]
    n_sizes: int
    n_roles: int
    adopted_by_group: NDArray[np.int64]
    adoptions_by_channel: NDArray[np.int64]
    visible_adopters: NDArray[np.float64]
    adoptions_by_knowledge: NDArray[np.int64]
    n_adopted: NDArray[np.int16]
    firms_adopting_by_size: NDArray[np.int64]
    maturity_histogram: NDArray[np.int64]
    adopters: NDArray[np.float64]
    complete: bool
    n_firms: int
    indptr: NDArray[np.int64]
    columns: NDArray[np.int64]
    weight: NDArray[np.float64]
    sells: NDArray[np.bool_]
    sells_mode: int
    numerator: NDArray[np.float64]
    pressure: NDArray[np.float64]


_TallyArraysType, _TALLY_ARRAYS = register_handle(TallyArrays, _TALLY_FIELDS)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    def tally_arrays(*values: Any) -> TallyArrays:
        """A :class:`TallyArrays` handle on the values given, in the order of ``_TALLY_FIELDS``."""
        return TallyArrays(*values)

else:
    # Written out, not generated from the fields: numba caches only a function defined in a source
    # file (see :mod:`districtlab.model.kernels._handles`).
    @njit(cache=True)
    def tally_arrays(  # type: ignore[misc]
        n_technologies: int,
        size_class: NDArray[np.int8],
        role: NDArray[np.int8],
        visible: NDArray[np.float64],
        knowledge_channel: NDArray[np.int8],
        n_sizes: int,
        n_roles: int,
        adopted_by_group: NDArray[np.int64],
        adoptions_by_channel: NDArray[np.int64],
        visible_adopters: NDArray[np.float64],
        adoptions_by_knowledge: NDArray[np.int64],
        n_adopted: NDArray[np.int16],
        firms_adopting_by_size: NDArray[np.int64],
        maturity_histogram: NDArray[np.int64],
        adopters: NDArray[np.float64],
        complete: bool,
        n_firms: int,
        indptr: NDArray[np.int64],
        columns: NDArray[np.int64],
        weight: NDArray[np.float64],
        sells: NDArray[np.bool_],
        sells_mode: int,
        numerator: NDArray[np.float64],
        pressure: NDArray[np.float64],
    ) -> TallyArrays:
        """A :class:`TallyArrays` handle on the arrays given (not copied)."""
        arrays: TallyArrays = structref.new(_TALLY_ARRAYS)  # type: ignore[call-arg]
        arrays.n_technologies = n_technologies
        arrays.size_class = size_class
        arrays.role = role
        arrays.visible = visible
        arrays.knowledge_channel = knowledge_channel
        arrays.n_sizes = n_sizes
        arrays.n_roles = n_roles
        arrays.adopted_by_group = adopted_by_group
        arrays.adoptions_by_channel = adoptions_by_channel
        arrays.visible_adopters = visible_adopters
        arrays.adoptions_by_knowledge = adoptions_by_knowledge
        arrays.n_adopted = n_adopted
        arrays.firms_adopting_by_size = firms_adopting_by_size
        arrays.maturity_histogram = maturity_histogram
        arrays.adopters = adopters
        arrays.complete = complete
        arrays.n_firms = n_firms
        arrays.indptr = indptr
        arrays.columns = columns
        arrays.weight = weight
        arrays.sells = sells
        arrays.sells_mode = sells_mode
        arrays.numerator = numerator
        arrays.pressure = pressure
        return arrays


@njit(cache=True)
def tally_and_spread_adoptions_with(
    pairs: NDArray[np.int64], channels: NDArray[np.int8], arrays: TallyArrays
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """:func:`tally_and_spread_adoptions` with the tallies' and the exposure's arrays from ``arrays``."""
    return tally_and_spread_adoptions(
        pairs,
        channels,
        arrays.n_technologies,
        arrays.size_class,
        arrays.role,
        arrays.visible,
        arrays.knowledge_channel,
        arrays.n_sizes,
        arrays.n_roles,
        arrays.adopted_by_group,
        arrays.adoptions_by_channel,
        arrays.visible_adopters,
        arrays.adoptions_by_knowledge,
        arrays.n_adopted,
        arrays.firms_adopting_by_size,
        arrays.maturity_histogram,
        arrays.adopters,
        arrays.complete,
        arrays.n_firms,
        arrays.indptr,
        arrays.columns,
        arrays.weight,
        arrays.sells,
        arrays.sells_mode,
        arrays.numerator,
        arrays.pressure,
    )
