"""Observation (``observers.Recorder.record``).

Fuses copying a step's levels and flows into the observation arrays into one call, taking the
arrays from a :class:`RowArrays` handle; for :mod:`districtlab.model.observers`.
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

# -- observation (observers.Recorder.record) -----------------------------------------------------


@njit(cache=True)
def _copy_row(target: NDArray[np.int64], row: int, source: NDArray[np.int64]) -> None:
    for index in range(source.size):
        target[row, index] = source[index]


@njit(cache=True)
def _sum_by_class(
    values: NDArray[np.float64], classes: NDArray[np.int8], n_classes: int
) -> NDArray[np.float64]:
    """The sum of ``values`` per class, each summed in order from 0.0 (as ``np.bincount`` with weights).

    With four classes (the size classes) the running sums are kept in four
    variables rather than in an array: the same additions in the same order,
    without the wait on memory between two firms of one class (firms come
    sorted by size class), about four times faster.
    """
    total = np.zeros(n_classes)
    if n_classes == 4:
        first = second = third = fourth = 0.0
        for index in range(values.size):
            kind = classes[index]
            if kind == 0:
                first += values[index]
            elif kind == 1:
                second += values[index]
            elif kind == 2:
                third += values[index]
            else:
                fourth += values[index]
        total[0], total[1], total[2], total[3] = first, second, third, fourth
        return total
    for index in range(values.size):
        total[classes[index]] += values[index]
    return total


@njit(cache=True, error_model="numpy")
def record_levels(
    row: int,
    adopted: NDArray[np.int64],
    adopted_by_group: NDArray[np.int64],
    at_least: NDArray[np.int64],
    stage_counts: NDArray[np.int64],
    maturity: NDArray[np.int64],
    maturity_histogram: NDArray[np.int64],
    by_channel: NDArray[np.int64],
    adoptions_by_channel: NDArray[np.int64],
    firms_adopting: NDArray[np.int64],
    firms_adopting_by_size: NDArray[np.int64],
    by_knowledge: NDArray[np.int64],
    adoptions_by_knowledge: NDArray[np.int64],
    knowledge: NDArray[np.int64],
    knowledge_by_channel: NDArray[np.int64],
    competence: NDArray[np.float64],
    rti_competence: NDArray[np.float64],
    capacity_by_size: NDArray[np.float64],
    absorptive_capacity: NDArray[np.float64],
    size_class: NDArray[np.int8],
    firms_per_size: NDArray[np.float64],
) -> None:
    """Write row ``row`` of the level observations (each target is steps+1 x the flat tally).

    ``at_least`` is the stage counts summed from the top stage down (pairs at
    stage >= level); the mean absorptive capacity by size class sums the firms
    in order before dividing (as ``np.bincount`` with weights did; 0 / 0 is NaN).
    """
    _copy_row(adopted, row, adopted_by_group)
    k = stage_counts.size // 4
    for tech in range(k):
        running = 0
        for level in range(3, -1, -1):
            running += stage_counts[level * k + tech]
            at_least[row, level * k + tech] = running
    _copy_row(maturity, row, maturity_histogram)
    _copy_row(by_channel, row, adoptions_by_channel)
    _copy_row(firms_adopting, row, firms_adopting_by_size)
    _copy_row(by_knowledge, row, adoptions_by_knowledge)
    _copy_row(knowledge, row, knowledge_by_channel)
    for tech in range(rti_competence.size):
        competence[row, tech] = rti_competence[tech]
    total = _sum_by_class(absorptive_capacity, size_class, firms_per_size.size)
    for size in range(firms_per_size.size):
        capacity_by_size[row, size] = total[size] / firms_per_size[size]


@njit(cache=True)
def record_flows(
    row: int,
    legitimacy: NDArray[np.float64],
    step_legitimacy: NDArray[np.float64],
    released: NDArray[np.float64],
    step_released: NDArray[np.float64],
    spend: NDArray[np.float64],
    step_spend: NDArray[np.float64],
    units: NDArray[np.float64],
    step_units: NDArray[np.float64],
    private: NDArray[np.float64],
    step_private: NDArray[np.float64],
    post_programme: NDArray[np.float64],
    step_post_programme: NDArray[np.float64],
) -> None:
    """Write row ``row`` of what a step used and spent (each target is steps+1 x the flat per-step array)."""
    for target, source in (
        (legitimacy, step_legitimacy),
        (released, step_released),
        (spend, step_spend),
        (units, step_units),
        (private, step_private),
        (post_programme, step_post_programme),
    ):
        for index in range(source.size):
            target[row, index] = source[index]


@njit(cache=True, error_model="numpy")
def record_row(
    row: int,
    rti_competence: NDArray[np.float64],
    step_legitimacy: NDArray[np.float64],
    step_released: NDArray[np.float64],
    step_spend: NDArray[np.float64],
    step_units: NDArray[np.float64],
    step_private: NDArray[np.float64],
    step_post_programme: NDArray[np.float64],
    adopted: NDArray[np.int64],
    adopted_by_group: NDArray[np.int64],
    at_least: NDArray[np.int64],
    stage_counts: NDArray[np.int64],
    maturity: NDArray[np.int64],
    maturity_histogram: NDArray[np.int64],
    by_channel: NDArray[np.int64],
    adoptions_by_channel: NDArray[np.int64],
    firms_adopting: NDArray[np.int64],
    firms_adopting_by_size: NDArray[np.int64],
    by_knowledge: NDArray[np.int64],
    adoptions_by_knowledge: NDArray[np.int64],
    knowledge: NDArray[np.int64],
    knowledge_by_channel: NDArray[np.int64],
    competence: NDArray[np.float64],
    capacity_by_size: NDArray[np.float64],
    absorptive_capacity: NDArray[np.float64],
    size_class: NDArray[np.int8],
    firms_per_size: NDArray[np.float64],
    engaged: NDArray[np.int64],
    engaged_by_size: NDArray[np.int64],
    legitimacy: NDArray[np.float64],
    released: NDArray[np.float64],
    spend: NDArray[np.float64],
    units: NDArray[np.float64],
    private: NDArray[np.float64],
    post_programme: NDArray[np.float64],
) -> None:
    """Row ``row`` of the observations in one call (``observers.Recorder.record``).

    :func:`record_levels`, the firms engaged by size class, then, after a step,
    :func:`record_flows` (the ``step_*`` arrays; empty for month 0, when
    nothing is written for them).
    """
    record_levels(
        row,
        adopted,
        adopted_by_group,
        at_least,
        stage_counts,
        maturity,
        maturity_histogram,
        by_channel,
        adoptions_by_channel,
        firms_adopting,
        firms_adopting_by_size,
        by_knowledge,
        adoptions_by_knowledge,
        knowledge,
        knowledge_by_channel,
        competence,
        rti_competence,
        capacity_by_size,
        absorptive_capacity,
        size_class,
        firms_per_size,
    )
    _copy_row(engaged, row, engaged_by_size)
    record_flows(
        row,
        legitimacy,
        step_legitimacy,
        released,
        step_released,
        spend,
        step_spend,
        units,
        step_units,
        private,
        step_private,
        post_programme,
        step_post_programme,
    )


# -- the observations' arrays (observers.Recorder.record) -----------------------------------------
#
# As HazardArrays, for the call that records a step's row: the observations' arrays, the
# state's tallies they copy and the run's one step's flows (all updated in place, none replaced
# during a run), in one RowArrays handle built once for the state of a run (``observers.Recorder``):
# recording a row is then one call with four arguments and no Python work around it.

#: (field, numba type) of a RowArrays handle: what :func:`record_row` takes but the RTI's competence.
_ROW_FIELDS: tuple[tuple[str, Any], ...] = (
    ("adopted", types.Array(types.int64, 2, "C")),
    ("adopted_by_group", types.Array(types.int64, 1, "C")),
    ("at_least", types.Array(types.int64, 2, "C")),
    ("stage_counts", types.Array(types.int64, 1, "C")),
    ("maturity", types.Array(types.int64, 2, "C")),
    ("maturity_histogram", types.Array(types.int64, 1, "C")),
    ("by_channel", types.Array(types.int64, 2, "C")),
    ("adoptions_by_channel", types.Array(types.int64, 1, "C")),
    ("firms_adopting", types.Array(types.int64, 2, "C")),
    ("firms_adopting_by_size", types.Array(types.int64, 1, "C")),
    ("by_knowledge", types.Array(types.int64, 2, "C")),
    ("adoptions_by_knowledge", types.Array(types.int64, 1, "C")),
    ("knowledge", types.Array(types.int64, 2, "C")),
    ("knowledge_by_channel", types.Array(types.int64, 1, "C")),
    ("competence", types.Array(types.float64, 2, "C")),
    ("capacity_by_size", types.Array(types.float64, 2, "C")),
    ("absorptive_capacity", types.Array(types.float64, 1, "C")),
    ("size_class", types.Array(types.int8, 1, "C")),
    ("firms_per_size", types.Array(types.float64, 1, "C")),
    ("engaged", types.Array(types.int64, 2, "C")),
    ("engaged_by_size", types.Array(types.int64, 1, "C")),
    ("legitimacy", types.Array(types.float64, 2, "C")),
    ("released", types.Array(types.float64, 2, "C")),
    ("spend", types.Array(types.float64, 2, "C")),
    ("units", types.Array(types.float64, 2, "C")),
    ("private", types.Array(types.float64, 2, "C")),
    ("post_programme", types.Array(types.float64, 2, "C")),
    ("step_legitimacy", types.Array(types.float64, 1, "C")),
    ("step_released", types.Array(types.float64, 1, "C")),
    ("step_spend", types.Array(types.float64, 1, "C")),
    ("step_units", types.Array(types.float64, 1, "C")),
    ("step_private", types.Array(types.float64, 1, "C")),
    ("step_post_programme", types.Array(types.float64, 1, "C")),
)


class RowArrays(Handle):
    """The observations' arrays and the state's tallies that :func:`record_row` takes (``_ROW_FIELDS``)."""

    adopted: NDArray[np.int64]
    adopted_by_group: NDArray[np.int64]
    at_least: NDArray[np.int64]
    stage_counts: NDArray[np.int64]
    maturity: NDArray[np.int64]
    maturity_histogram: NDArray[np.int64]
    by_channel: NDArray[np.int64]
    adoptions_by_channel: NDArray[np.int64]
    firms_adopting: NDArray[np.int64]
    firms_adopting_by_size: NDArray[np.int64]
    by_knowledge: NDArray[np.int64]
    adoptions_by_knowledge: NDArray[np.int64]
    knowledge: NDArray[np.int64]
    knowledge_by_channel: NDArray[np.int64]
    competence: NDArray[np.float64]
    capacity_by_size: NDArray[np.float64]
    absorptive_capacity: NDArray[np.float64]
    size_class: NDArray[np.int8]
    firms_per_size: NDArray[np.float64]
    engaged: NDArray[np.int64]
    engaged_by_size: NDArray[np.int64]
    legitimacy: NDArray[np.float64]
    released: NDArray[np.float64]
    spend: NDArray[np.float64]
    units: NDArray[np.float64]
    private: NDArray[np.float64]
    post_programme: NDArray[np.float64]
    step_legitimacy: NDArray[np.float64]
    step_released: NDArray[np.float64]
    step_spend: NDArray[np.float64]
    step_units: NDArray[np.float64]
    step_private: NDArray[np.float64]
    step_post_programme: NDArray[np.float64]


_RowArraysType, _ROW_ARRAYS = register_handle(RowArrays, _ROW_FIELDS)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    def row_arrays(*values: Any) -> RowArrays:
        """A :class:`RowArrays` handle on the arrays given, in the order of ``_ROW_FIELDS``."""
        return RowArrays(*values)

else:
    # Written out, not generated from the fields: numba caches only a function defined in a source
    # file (see :mod:`districtlab.model.kernels._handles`).
    @njit(cache=True)
    def row_arrays(  # type: ignore[misc]
        adopted: NDArray[np.int64],
        adopted_by_group: NDArray[np.int64],
        at_least: NDArray[np.int64],
        stage_counts: NDArray[np.int64],
        maturity: NDArray[np.int64],
        maturity_histogram: NDArray[np.int64],
        by_channel: NDArray[np.int64],
        adoptions_by_channel: NDArray[np.int64],
        firms_adopting: NDArray[np.int64],
        firms_adopting_by_size: NDArray[np.int64],
        by_knowledge: NDArray[np.int64],
        adoptions_by_knowledge: NDArray[np.int64],
        knowledge: NDArray[np.int64],
        knowledge_by_channel: NDArray[np.int64],
        competence: NDArray[np.float64],
        capacity_by_size: NDArray[np.float64],
        absorptive_capacity: NDArray[np.float64],
        size_class: NDArray[np.int8],
        firms_per_size: NDArray[np.float64],
        engaged: NDArray[np.int64],
        engaged_by_size: NDArray[np.int64],
        legitimacy: NDArray[np.float64],
        released: NDArray[np.float64],
        spend: NDArray[np.float64],
        units: NDArray[np.float64],
        private: NDArray[np.float64],
        post_programme: NDArray[np.float64],
        step_legitimacy: NDArray[np.float64],
        step_released: NDArray[np.float64],
        step_spend: NDArray[np.float64],
        step_units: NDArray[np.float64],
        step_private: NDArray[np.float64],
        step_post_programme: NDArray[np.float64],
    ) -> RowArrays:
        """A :class:`RowArrays` handle on the arrays given (not copied)."""
        arrays: RowArrays = structref.new(_ROW_ARRAYS)  # type: ignore[call-arg]
        arrays.adopted = adopted
        arrays.adopted_by_group = adopted_by_group
        arrays.at_least = at_least
        arrays.stage_counts = stage_counts
        arrays.maturity = maturity
        arrays.maturity_histogram = maturity_histogram
        arrays.by_channel = by_channel
        arrays.adoptions_by_channel = adoptions_by_channel
        arrays.firms_adopting = firms_adopting
        arrays.firms_adopting_by_size = firms_adopting_by_size
        arrays.by_knowledge = by_knowledge
        arrays.adoptions_by_knowledge = adoptions_by_knowledge
        arrays.knowledge = knowledge
        arrays.knowledge_by_channel = knowledge_by_channel
        arrays.competence = competence
        arrays.capacity_by_size = capacity_by_size
        arrays.absorptive_capacity = absorptive_capacity
        arrays.size_class = size_class
        arrays.firms_per_size = firms_per_size
        arrays.engaged = engaged
        arrays.engaged_by_size = engaged_by_size
        arrays.legitimacy = legitimacy
        arrays.released = released
        arrays.spend = spend
        arrays.units = units
        arrays.private = private
        arrays.post_programme = post_programme
        arrays.step_legitimacy = step_legitimacy
        arrays.step_released = step_released
        arrays.step_spend = step_spend
        arrays.step_units = step_units
        arrays.step_private = step_private
        arrays.step_post_programme = step_post_programme
        return arrays


@njit(cache=True)
def record_row_at(row: int, rti_competence: NDArray[np.float64], with_flows: bool, arrays: RowArrays) -> None:
    """:func:`record_row` with every array but the RTI's competence from ``arrays``.

    The step's flows are the run's one step's arrays (``RowArrays.step_*``), written
    only ``with_flows`` (after a step; month 0 has none). The competence is passed
    on its own: the RTI's learning replaces that array rather than changing it in place.
    """
    if with_flows:
        legitimacy, released, spend = arrays.step_legitimacy, arrays.step_released, arrays.step_spend
        units, private, post_programme = arrays.step_units, arrays.step_private, arrays.step_post_programme
    else:
        legitimacy = released = spend = units = private = post_programme = arrays.step_legitimacy[:0]
    record_row(
        row,
        rti_competence,
        legitimacy,
        released,
        spend,
        units,
        private,
        post_programme,
        arrays.adopted,
        arrays.adopted_by_group,
        arrays.at_least,
        arrays.stage_counts,
        arrays.maturity,
        arrays.maturity_histogram,
        arrays.by_channel,
        arrays.adoptions_by_channel,
        arrays.firms_adopting,
        arrays.firms_adopting_by_size,
        arrays.by_knowledge,
        arrays.adoptions_by_knowledge,
        arrays.knowledge,
        arrays.knowledge_by_channel,
        arrays.competence,
        arrays.capacity_by_size,
        arrays.absorptive_capacity,
        arrays.size_class,
        arrays.firms_per_size,
        arrays.engaged,
        arrays.engaged_by_size,
        arrays.legitimacy,
        arrays.released,
        arrays.spend,
        arrays.units,
        arrays.private,
        arrays.post_programme,
    )
