"""Compiled kernels (numba) that fuse the model's per-step bookkeeping into few calls.

Why: at district size (a few hundred to a few thousand firms) a step costs a
nearly fixed number of Python and numpy calls on small arrays, not work per
firm (benchmarks/RESULTS.md §4). Each kernel here replaces a chain of a dozen
or so numpy calls (gathers, masks, ``np.add.at``, ``np.bincount``,
concatenations) by one compiled loop over the same pairs, in the same order,
with the same floating-point operations in the same grouping, so the results
are bit-identical to the numpy code they replace (checked by the regression
trajectories and ``tests/perf``).

What stays in numpy, on purpose:

* transcendental functions (``tanh``, ``log1p``, ``expm1``, ``power``): numpy's
  SIMD versions and the C library's, which numba calls, differ in the last bit
  for some inputs, so the rules that use them (the absorptive gate, the
  adoption hazard's logistic, subsidies, buyer requirements) keep their numpy
  form and hand their results to the kernels;
* random draws: every draw still comes from the run's named
  ``numpy.random.Generator`` streams (:mod:`districtlab._rng`), with the same
  sizes and in the same order as before. A kernel may draw itself from a
  :class:`RandomStream` (a handle on one of those generators): numba's
  ``Generator`` methods use numpy's algorithms on the same bit generator and
  state, so a draw inside a kernel is the draw numpy would have made, and the
  generator's state moves on exactly as it would have (tested in
  ``tests/perf/test_kernels.py``).

Each kernel is a plain Python function when ``NUMBA_DISABLE_JIT=1``: it then
runs as written (slowly) and gives the same results, which is how the loops can
be read and stepped through as the rule they implement. Compiled code is
cached on disk (``cache=True``: next to this file, or in the user's cache
directory when the package is installed read-only), so worker processes and
later runs load it instead of compiling it again; where nothing can be written
the kernels are compiled in memory in each process (see :func:`njit`).

All kernels live in this one module on purpose: numba invalidates a cached
function when the file that defines it changes, not when a kernel it calls
(and compiles into itself) changes in another file. With one file, any edit
recompiles every kernel, so a stale cache can never mix old and new rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref
from numpy.typing import NDArray

_Function = TypeVar("_Function", bound=Callable[..., Any])


def njit(*, cache: bool = True, **options: Any) -> Callable[[_Function], _Function]:
    """``numba.njit``, caching compiled code on disk where a cache location can be written.

    numba looks for a writable ``__pycache__`` next to this file, then the
    user's cache directory (or ``NUMBA_CACHE_DIR``). When none is writable (a
    read-only install without a writable home) it refuses to cache: the kernel
    is then compiled in memory, once per process, and gives the same results.
    """

    def decorate(function: _Function) -> _Function:
        try:
            return numba.njit(cache=cache, **options)(function)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return numba.njit(**options)(function)

    return decorate


# -- random streams in kernels ------------------------------------------------------------------
#
# Passing a numpy Generator to a kernel costs about 6 us per call (numba unboxes its bit generator
# through ctypes each time); a RandomStream is unboxed once, when it is made for a run, and then
# crosses into kernels like any other argument (about 0.4 us more than an integer). It is a numba structref, not a
# jitclass, because numba can cache kernels that take a structref but recompiles, in every process,
# those that take a jitclass.

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    class RandomStream:
        """A run's random stream as kernels take it; ``rng`` is the numpy Generator itself."""

        def __init__(self, rng: np.random.Generator) -> None:
            self.rng = rng

    def random_stream(rng: np.random.Generator) -> RandomStream:
        """A :class:`RandomStream` drawing from ``rng`` (its draws move ``rng`` on)."""
        return RandomStream(rng)

    _RANDOM_STREAM: Any = None  # the numba type of a field that holds a stream (none without numba)

else:

    @structref.register
    class _RandomStreamType(types.StructRef):
        def preprocess_fields(self, fields: Any) -> tuple[tuple[str, Any], ...]:
            return tuple((name, types.unliteral(field_type)) for name, field_type in fields)

    class RandomStream(structref.StructRefProxy):  # type: ignore[no-redef]
        """A run's random stream as kernels take it: a handle on one numpy Generator, shared with it."""

    structref.define_boxing(_RandomStreamType, RandomStream)
    _RANDOM_STREAM = _RandomStreamType([("rng", numba.typeof(np.random.default_rng(0)))])

    @njit(cache=True)
    def random_stream(rng: np.random.Generator) -> RandomStream:
        """A :class:`RandomStream` drawing from ``rng`` (its draws move ``rng`` on)."""
        stream: RandomStream = structref.new(_RANDOM_STREAM)  # type: ignore[call-arg]
        stream.rng = rng
        return stream


#: Stage codes (as in :mod:`districtlab.model.state`; repeated here so that this module imports nothing).
_KNOWLEDGEABLE, _ADOPTED = 2, 3


# -- pending pairs (clocks.PendingPairs.take) ---------------------------------------------------


@njit(cache=True)
def distinct_marked(marked: NDArray[np.int64], flags: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Each pair in ``marked`` once, in the order of their first occurrence (``PendingPairs.take``).

    A flag per pair (``flags``, one byte per pair: a tenth of the cache lines
    that a stamp per pair took) is raised at a pair's first occurrence and
    lowered again at the end, so ``flags`` is left all False. The order of the
    pairs carries no meaning to the callers: refreshing a clock does not depend
    on the others.
    """
    distinct = np.empty(marked.size, dtype=np.int64)
    n_distinct = 0
    for pair in marked:
        if not flags[pair]:
            flags[pair] = True
            distinct[n_distinct] = pair
            n_distinct += 1
    for index in range(n_distinct):
        flags[distinct[index]] = False
    return distinct[:n_distinct]


# -- transition clocks (clocks.TransitionClocks) ------------------------------------------------


@njit(cache=True)
def set_clock_rates(
    pairs: NDArray[np.int64],
    rates: NDArray[np.float64],
    now: float,
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    n_technologies: int,
) -> None:
    """From ``now`` on, ``pairs`` run at ``rates`` (``TransitionClocks.set_rates``).

    remaining <- remaining - old rate (now - since); due = now + remaining / rate
    (infinite for a stopped clock); the firm's lower bound on its due times is
    lowered to the new due time. A pair listed twice with the same rate ends as
    if listed once (the second pass charges nothing: since = now).
    """
    for index in range(pairs.size):
        pair = pairs[index]
        left = remaining[pair] - rate[pair] * (now - since[pair])
        remaining[pair] = left
        since[pair] = now
        new_rate = rates[index]
        rate[pair] = new_rate
        when = left / new_rate + now if new_rate > 0.0 else np.inf
        due[pair] = when
        firm = pair // n_technologies
        if when < earliest[firm]:
            earliest[firm] = when


@njit(cache=True)
def due_pairs(
    time: float, due: NDArray[np.float64], earliest: NDArray[np.float64], n_technologies: int
) -> NDArray[np.int64]:
    """Pairs due before ``time``, in increasing order (``TransitionClocks.due_before``).

    Only the rows of firms whose lower bound is below ``time`` are read; their
    bound is made exact (the minimum of their row) on the way. Three passes:
    the firms whose bound is below ``time`` are listed (without a branch per
    firm), their rows are read one after the other (counting the pairs due and
    keeping the firms that have some), and the pairs due are listed from those
    rows. Sizing the result from the count, rather than growing a buffer, keeps
    array variables from being reassigned in the loop, which costs numba a
    reference count update per due time read.
    """
    firms = np.empty(earliest.size, dtype=np.int64)
    n_below = 0
    for firm in range(earliest.size):
        firms[n_below] = firm
        n_below += earliest[firm] < time
    n_with_due = 0
    n_due = 0
    for index in range(n_below):
        firm = firms[index]
        start = firm * n_technologies
        lowest = due[start]
        n_due_in_row = 0
        for pair in range(start, start + n_technologies):
            when = due[pair]
            if when < lowest:
                lowest = when
            if when < time:
                n_due_in_row += 1
        earliest[firm] = lowest
        if n_due_in_row:
            firms[n_with_due] = firm  # n_with_due <= index: an entry already read
            n_with_due += 1
            n_due += n_due_in_row
    found = np.empty(n_due, dtype=np.int64)
    n_due = 0
    for index in range(n_with_due):
        start = firms[index] * n_technologies
        for pair in range(start, start + n_technologies):
            if due[pair] < time:
                found[n_due] = pair
                n_due += 1
    return found


# -- knowledge hazards (transfer.refresh_knowledge_rates, schedule.refresh_hazards) --------------


@njit(cache=True)
def _exposure(
    pair: int,
    firm: int,
    tech: int,
    complete: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
) -> float:
    """E_ik = sum_j w_ij [j adopted k] / sum_j w_ij, or A_k / (n - 1) on the complete graph."""
    if complete:
        return adopters[tech] / complete_divisor
    return numerator[pair] * inverse_weight[firm]


@njit(cache=True)
def knowledge_terms(
    pairs: NDArray[np.int64],
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The three knowledge hazard terms of ``pairs`` (see :mod:`districtlab.model.transfer`).

    learning_k [aware] u_ik,  q_k E_ik u_ik  and  h_sc P_ik u_ik, where on the
    complete graph (``numerator`` empty) E_ik = A_k / (n - 1) and otherwise
    E_ik = numerator_ik / sum_j w_ij. A term whose mechanism is off is 0.
    """
    learning = np.empty(pairs.size)
    imitation = np.zeros(pairs.size)
    supply = np.zeros(pairs.size)
    complete = numerator.size == 0
    for index in range(pairs.size):
        pair = pairs[index]
        firm = pair // n_technologies
        tech = pair - firm * n_technologies
        u = gate[pair]
        aware = 1.0 if stage[pair] == 1 else 0.0
        learning[index] = learning_hazard[tech] * aware * u
        if peer_imitation:
            exposure = _exposure(
                pair, firm, tech, complete, numerator, inverse_weight, adopters, complete_divisor
            )
            imitation[index] = imitation_strength[tech] * exposure * u
        if supply_chain_transfer:
            supply[index] = supply_chain_hazard * pressure[pair] * u
    return learning, imitation, supply


@njit(cache=True)
def refresh_knowledge_clocks(
    pairs: NDArray[np.int64],
    now: float,
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Refresh the knowledge clocks of the pairs below knowledgeable; return the knowledgeable ones.

    Fuses ``schedule.refresh_hazards``' split by stage, ``knowledge_terms`` and
    ``set_clock_rates`` in one pass over the pairs, without the arrays of the
    terms: each rate is (learning + imitation) + supply, summed in that order as
    the numpy code did (a term whose mechanism is off is 0.0), and the clock is
    set as :func:`set_clock_rates` sets it. Adopted pairs are left alone.
    """
    knowing = np.empty(pairs.size, dtype=np.int64)
    n_knowing = 0
    complete = numerator.size == 0
    for pair in pairs:
        level = stage[pair]
        if level >= _KNOWLEDGEABLE:
            if level == _KNOWLEDGEABLE:
                knowing[n_knowing] = pair
                n_knowing += 1
            continue
        firm = pair // n_technologies
        tech = pair - firm * n_technologies
        u = gate[pair]
        aware = 1.0 if level == 1 else 0.0
        learning = learning_hazard[tech] * aware * u
        imitation = 0.0
        if peer_imitation:
            exposure = _exposure(
                pair, firm, tech, complete, numerator, inverse_weight, adopters, complete_divisor
            )
            imitation = imitation_strength[tech] * exposure * u
        supply = 0.0
        if supply_chain_transfer:
            supply = supply_chain_hazard * pressure[pair] * u
        new_rate = learning + imitation + supply
        left = remaining[pair] - rate[pair] * (now - since[pair])
        remaining[pair] = left
        since[pair] = now
        rate[pair] = new_rate
        when = left / new_rate + now if new_rate > 0.0 else np.inf
        due[pair] = when
        if when < earliest[firm]:
            earliest[firm] = when
    return knowing[:n_knowing]


@njit(cache=True)
def refresh_marked_knowledge_clocks(
    marked: NDArray[np.int64],
    flags: NDArray[np.bool_],
    now: float,
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
) -> NDArray[np.int64]:
    """The pairs marked since the last refresh, each once; their knowledge clocks refreshed; the knowledgeable ones.

    Fuses :func:`distinct_marked` (``PendingPairs.take``) and
    :func:`refresh_knowledge_clocks` (``schedule.refresh_hazards`` before
    knowledge transfer): one call instead of two, the same pairs in the same order.
    """
    return refresh_knowledge_clocks(
        distinct_marked(marked, flags),
        now,
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        remaining,
        rate,
        since,
        due,
        earliest,
    )


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


# -- the stage ladder (state.make_aware, make_knowledgeable, adopt) ------------------------------


@njit(cache=True)
def raise_stage(
    pairs: NDArray[np.int64],
    level: int,
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    n_technologies: int,
) -> NDArray[np.int64]:
    """Raise distinct pairs below ``level`` to it; return those that moved, in the order given.

    ``stage_counts`` (4 x technologies, flat) moves each pair from its old stage
    to the new one at once, so the counts are always current.
    """
    moved = np.empty(pairs.size, dtype=np.int64)
    n_moved = 0
    for pair in pairs:
        old = stage[pair]
        if old < level:
            stage[pair] = level
            tech = pair - pair // n_technologies * n_technologies
            stage_counts[level * n_technologies + tech] += 1
            stage_counts[old * n_technologies + tech] -= 1
            moved[n_moved] = pair
            n_moved += 1
    return moved[:n_moved]


@njit(cache=True)
def raise_to_knowledgeable(
    pairs: NDArray[np.int64],
    channels: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
    n_technologies: int,
) -> NDArray[np.int64]:
    """Raise distinct pairs below knowledgeable to it, by ``channels``; return those that moved.

    ``channels`` has one entry per pair, or a single entry for all of them. Each
    pair that moves records its channel, and the tally of pairs made
    knowledgeable by channel x size class (flat) counts it.
    """
    moved = np.empty(pairs.size, dtype=np.int64)
    n_moved = 0
    shared = channels.size == 1
    for index in range(pairs.size):
        pair = pairs[index]
        old = stage[pair]
        if old < _KNOWLEDGEABLE:
            channel = channels[0] if shared else channels[index]
            stage[pair] = _KNOWLEDGEABLE
            firm = pair // n_technologies
            tech = pair - firm * n_technologies
            stage_counts[_KNOWLEDGEABLE * n_technologies + tech] += 1
            stage_counts[old * n_technologies + tech] -= 1
            knowledge_channel[pair] = channel
            knowledge_by_channel[np.int64(channel) * n_sizes + size_class[firm]] += 1
            moved[n_moved] = pair
            n_moved += 1
    return moved[:n_moved]


@njit(cache=True)
def raise_to_adopted(
    pairs: NDArray[np.int64],
    channels: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    n_technologies: int,
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int8]]:
    """Adopt distinct pairs not yet adopted: (which were new, the new pairs, their channels).

    A pair adopted before it was knowledgeable (an initial adopter) records the
    adoption channel as its knowledge channel.
    """
    new = np.empty(pairs.size, dtype=np.bool_)
    adopted = np.empty(pairs.size, dtype=np.int64)
    adopted_channel = np.empty(pairs.size, dtype=np.int8)
    n_new = 0
    for index in range(pairs.size):
        pair = pairs[index]
        old = stage[pair]
        new[index] = old < _ADOPTED
        if old < _ADOPTED:
            if old < _KNOWLEDGEABLE:
                knowledge_channel[pair] = channels[index]
            stage[pair] = _ADOPTED
            tech = pair - pair // n_technologies * n_technologies
            stage_counts[_ADOPTED * n_technologies + tech] += 1
            stage_counts[old * n_technologies + tech] -= 1
            adopted[n_new] = pair
            adopted_channel[n_new] = channels[index]
            n_new += 1
    return new, adopted[:n_new], adopted_channel[:n_new]


# -- knowledge transfer: which channel moved a pair (transfer.transfer_knowledge) ----------------


@njit(cache=True)
def knowledge_channels(
    moving: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    learning: NDArray[np.float64],
    imitation: NDArray[np.float64],
    supply: NDArray[np.float64],
    n_technologies: int,
    stage: NDArray[np.int8],
    knowledge_channel: NDArray[np.int8],
    is_lead: NDArray[np.bool_],
    is_rti_channel: NDArray[np.bool_],
    buyers_indptr: NDArray[np.int64],
    buyers: NDArray[np.int64],
    pressure: NDArray[np.float64],
    channel_of_term: NDArray[np.int8],
    two_step_channel: int,
    lead_firm_channel: int,
) -> NDArray[np.int8]:
    """The channel that made each moving pair knowledgeable (see :mod:`districtlab.model.transfer`).

    A pair already knowledgeable counts every term as 0. The draw u (learning +
    imitation + supply) picks the first term whose running sum exceeds it. A
    supply-chain transfer is then credited to a lead-firm buyer whose knowledge
    came from the RTI (two-step flow), to another lead-firm buyer, or to another
    buyer, in proportion to the seller's adopting buyers of each kind.
    """
    channel = np.empty(moving.size, dtype=np.int8)
    for index in range(moving.size):
        pair = moving[index]
        still_open = 1.0 if stage[pair] < _KNOWLEDGEABLE else 0.0
        first = learning[index] * still_open
        with_imitation = first + imitation[index] * still_open
        total = with_imitation + supply[index] * still_open
        draw = uniforms[index] * total
        term = (1 if draw >= first else 0) + (1 if draw >= with_imitation else 0)
        channel[index] = channel_of_term[term]
        if term != 2:
            continue
        seller = pair // n_technologies
        tech = pair - seller * n_technologies
        lead = 0
        two_step = 0
        for entry in range(buyers_indptr[seller], buyers_indptr[seller + 1]):
            buyer = buyers[entry]
            buyer_pair = buyer * n_technologies + tech
            if stage[buyer_pair] == _ADOPTED and is_lead[buyer]:
                lead += 1
                source = knowledge_channel[buyer_pair]
                if source >= 0 and is_rti_channel[source]:
                    two_step += 1
        supply_term = total - with_imitation
        if supply_term < 1e-300:  # as np.maximum(supply_term, 1e-300), NaN included
            supply_term = 1e-300
        position = (draw - with_imitation) / supply_term * pressure[pair]
        if position < two_step:
            channel[index] = two_step_channel
        elif position < lead:
            channel[index] = lead_firm_channel
    return channel


# -- absorptive capacity (state.raise_absorptive_capacity) --------------------------------------


@njit(cache=True)
def distinct_with_counts(values: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """The distinct values in increasing order, how often each occurs, and the largest count.

    As ``np.unique(values, return_counts=True)``, with the largest count as well.
    """
    ordered = np.sort(values)
    distinct = np.empty(ordered.size, dtype=np.int64)
    counts = np.zeros(ordered.size, dtype=np.int64)
    n_distinct = 0
    largest = 0
    for index in range(ordered.size):
        if index == 0 or ordered[index] != ordered[index - 1]:
            distinct[n_distinct] = ordered[index]
            n_distinct += 1
        counts[n_distinct - 1] += 1
        if counts[n_distinct - 1] > largest:
            largest = counts[n_distinct - 1]
    return distinct[:n_distinct], counts[:n_distinct], largest


@njit(cache=True)
def gain_capacity(
    firms: NDArray[np.int64],
    factors: NDArray[np.float64],
    capacity: NDArray[np.float64],
    affinity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
    complexity: NDArray[np.float64],
    scale: float,
) -> NDArray[np.float64]:
    """a <- 1 - (1 - a) factor for distinct firms; refresh r a and sqrt(r a); return the gate's argument.

    ``factors`` is one per firm, or one for all. Returns 0.5 (a - c_k) / s for
    each firm (rows) and technology: the caller takes its tanh in numpy (see the
    module docstring) and hands it to :func:`set_gate_rows`.
    """
    shared = factors.size == 1
    half_z = np.empty((firms.size, complexity.size))
    for index in range(firms.size):
        firm = firms[index]
        factor = factors[0] if shared else factors[index]
        raised = 1.0 - (1.0 - capacity[firm]) * factor
        capacity[firm] = raised
        engaged = affinity[firm] * raised
        engagement[firm] = engaged
        light_engagement[firm] = np.sqrt(engaged)
        for tech in range(complexity.size):
            half_z[index, tech] = 0.5 * ((raised - complexity[tech]) / scale)
    return half_z


@njit(cache=True)
def gain_capacity_once(
    firms: NDArray[np.int64],
    factor: float,
    capacity: NDArray[np.float64],
    affinity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
    complexity: NDArray[np.float64],
    scale: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], int, NDArray[np.float64]]:
    """:func:`distinct_with_counts` then, if no firm occurs twice, :func:`gain_capacity` with one factor.

    Returns (distinct firms, their counts, the largest count, the gate's argument).
    When a firm occurs more than once nothing is changed and the argument is
    empty: the caller raises x ** count in numpy (see the module docstring) and
    calls :func:`gain_capacity` itself.
    """
    distinct, counts, largest = distinct_with_counts(firms)
    if largest > 1:
        return distinct, counts, largest, np.empty((0, complexity.size))
    factors = np.full(1, factor)
    half_z = gain_capacity(
        distinct, factors, capacity, affinity, engagement, light_engagement, complexity, scale
    )
    return distinct, counts, largest, half_z


@njit(cache=True)
def set_gate_rows(
    firms: NDArray[np.int64], tanh_half_z: NDArray[np.float64], gate: NDArray[np.float64]
) -> NDArray[np.int64]:
    """u(a, c) = 0.5 (1 + tanh(0.5 (a - c) / s)) into the firms' rows of the gate (flat); return their pairs."""
    k = tanh_half_z.shape[1]
    pairs = np.empty(firms.size * k, dtype=np.int64)
    for index in range(firms.size):
        for tech in range(k):
            pair = firms[index] * k + tech
            gate[pair] = 0.5 * (1.0 + tanh_half_z[index, tech])
            pairs[index * k + tech] = pair
    return pairs


# -- adoption utility and rates (adoption.utility_arguments, schedule.refresh_hazards, decide) ---


@njit(cache=True)
def adoption_utility(
    pairs: NDArray[np.int64],
    n_technologies: int,
    log_benefit_cost: NDArray[np.float64],
    risk: NDArray[np.float64],
    demonstration_risk_reduction: float,
    seen_demonstration: NDArray[np.bool_],
    exposure_risk_reduction: float,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    requirement: NDArray[np.float64],
    legitimacy_threshold: NDArray[np.float64],
    legitimacy_bonus: float,
    legitimacy: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(log B - log C - risk + requirement, legitimacy bonus) per pair (see :mod:`districtlab.model.adoption`).

    risk_ik = risk_k (1 - d [seen a demonstration]) (1 - e E_ik). ``requirement``
    is the buyers' requirement term by number of adopting buyers P (computed in
    numpy, since it takes ``expm1``; empty when the mechanism is off): a pair with
    P > 0 adds ``requirement[P]``. The bonus is ``legitimacy_bonus`` where the
    firm's threshold is at most L_k (``legitimacy`` empty: the mechanism is off).
    """
    base = np.empty(pairs.size)
    bonus = np.zeros(pairs.size)
    complete = numerator.size == 0
    for index in range(pairs.size):
        pair = pairs[index]
        firm = pair // n_technologies
        tech = pair - firm * n_technologies
        seen = 1.0 if seen_demonstration[pair] else 0.0
        exposure = _exposure(
            pair, firm, tech, complete, numerator, inverse_weight, adopters, complete_divisor
        )
        pair_risk = (
            risk[tech]
            * (1.0 - demonstration_risk_reduction * seen)
            * (1.0 - exposure_risk_reduction * exposure)
        )
        utility = log_benefit_cost[pair] - pair_risk
        if requirement.size and pressure[pair] != 0.0:
            utility += requirement[np.int64(pressure[pair])]
        base[index] = utility
        if legitimacy.size and legitimacy_threshold[firm] <= legitimacy[tech]:
            bonus[index] = legitimacy_bonus
    return base, bonus


@njit(cache=True)
def refresh_marked_clocks_and_utility(
    marked: NDArray[np.int64],
    flags: NDArray[np.bool_],
    now: float,
    half_slope: float,
    legitimacy: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    mark_legitimacy: bool,
    legitimacy_applied: NDArray[np.float64],
    firms_by_threshold: NDArray[np.int64],
    sorted_thresholds: NDArray[np.float64],
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    log_benefit_cost: NDArray[np.float64],
    risk: NDArray[np.float64],
    demonstration_risk_reduction: float,
    seen_demonstration: NDArray[np.bool_],
    exposure_risk_reduction: float,
    requirement: NDArray[np.float64],
    legitimacy_threshold: NDArray[np.float64],
    legitimacy_bonus: float,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """(knowledgeable pairs, 0.5 beta x of their utility x with the legitimacy bonus and subsidies) after refreshing the marked pairs' knowledge clocks.

    Fuses :func:`distinct_marked`, :func:`refresh_knowledge_clocks` and
    :func:`adoption_utility` (``schedule.refresh_hazards`` before the adoption
    decision, up to numpy's ``tanh``): one call instead of three, the same pairs
    in the same order and the same operations. The utility is base + bonus, then
    + the grant's subsidy term, then + the project support's (``grant_term`` and
    ``support_term`` per pair, from numpy's ``log1p``; each empty when none is
    held, when nothing is added), then times ``half_slope`` = 0.5 beta (as
    numpy's ``0.5 * beta * utility`` did): the argument of the tanh that
    ``adoption.adoption_hazard_tanh`` takes in numpy.

    With ``mark_legitimacy``, the knowledgeable pairs whose firm's threshold
    L_k has just reached (:func:`legitimacy_reached`, ``adoption.prepare_adoption``)
    are marked first, after the pairs already marked.
    """
    if mark_legitimacy:
        reached = legitimacy_reached(
            legitimacy, legitimacy_applied, firms_by_threshold, sorted_thresholds, stage
        )
        if reached.size:
            marked = np.concatenate((marked, reached))
    knowing = refresh_marked_knowledge_clocks(
        marked,
        flags,
        now,
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        remaining,
        rate,
        since,
        due,
        earliest,
    )
    utility, bonus = adoption_utility(
        knowing,
        n_technologies,
        log_benefit_cost,
        risk,
        demonstration_risk_reduction,
        seen_demonstration,
        exposure_risk_reduction,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        requirement,
        legitimacy_threshold,
        legitimacy_bonus,
        legitimacy,
    )
    for index in range(knowing.size):
        pair = knowing[index]
        with_bonus = utility[index] + bonus[index]
        if grant_term.size:
            with_bonus = with_bonus + grant_term[pair]
        if support_term.size:
            with_bonus = with_bonus + support_term[pair]
        utility[index] = half_slope * with_bonus
    return knowing, utility


@njit(cache=True)
def due_adoption_arguments(
    time: float,
    legitimacy: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    half_slope: float,
    refreshed: NDArray[np.int64],
    refreshed_tanh: NDArray[np.float64],
    now: float,
    postponed_until: NDArray[np.float64],
    gate: NDArray[np.float64],
    adoption_hazard: float,
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    n_technologies: int,
    log_benefit_cost: NDArray[np.float64],
    risk: NDArray[np.float64],
    demonstration_risk_reduction: float,
    seen_demonstration: NDArray[np.bool_],
    exposure_risk_reduction: float,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    requirement: NDArray[np.float64],
    legitimacy_threshold: NDArray[np.float64],
    legitimacy_bonus: float,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """(pairs whose adoption clock runs out before ``time``, the tanh arguments of their attribution).

    First the adoption clocks of the pairs ``refreshed`` before the decision
    run from ``now`` at the rates their ``refreshed_tanh`` give
    (:func:`set_adoption_clock_rates`, ``schedule.refresh_hazards``); then
    :func:`due_pairs` (``TransitionClocks.due_before`` on the adoption clock),
    :func:`adoption_utility` and :func:`adoption_arguments` at the start of the
    adoption decision: one call instead of four, the same pairs in the same
    order. ``grant_term`` and ``support_term`` are the subsidy terms per pair
    (from numpy's ``log1p``), each empty when none is held.
    """
    set_adoption_clock_rates(
        refreshed,
        gate,
        refreshed_tanh,
        adoption_hazard,
        postponed_until,
        now,
        remaining,
        rate,
        since,
        due,
        earliest,
        n_technologies,
    )
    pairs = due_pairs(time, due, earliest, n_technologies)
    base, bonus = adoption_utility(
        pairs,
        n_technologies,
        log_benefit_cost,
        risk,
        demonstration_risk_reduction,
        seen_demonstration,
        exposure_risk_reduction,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        requirement,
        legitimacy_threshold,
        legitimacy_bonus,
        legitimacy,
    )
    grants = grant_term[pairs] if grant_term.size else np.empty(0)
    supports = support_term[pairs] if support_term.size else np.empty(0)
    return pairs, adoption_arguments(base, bonus, grants, supports, half_slope)


@njit(cache=True)
def set_adoption_clock_rates(
    pairs: NDArray[np.int64],
    gate: NDArray[np.float64],
    tanh_half_beta_u: NDArray[np.float64],
    adoption_hazard: float,
    postponed_until: NDArray[np.float64],
    now: float,
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    n_technologies: int,
) -> None:
    """Adoption clocks run at h u(a, c) 0.5 (1 + tanh(.)) from ``now``; 0 while postponed.

    ``postponed_until`` is empty when no decision has been postponed in the run.
    """
    rates = np.empty(pairs.size)
    for index in range(pairs.size):
        pair = pairs[index]
        hazard = adoption_hazard * gate[pair] * 0.5 * (1.0 + tanh_half_beta_u[index])
        if postponed_until.size and postponed_until[pair] > now:
            hazard = 0.0  # still postponed: the clock waits
        rates[index] = hazard
    set_clock_rates(pairs, rates, now, remaining, rate, since, due, earliest, n_technologies)


@njit(cache=True)
def adoption_arguments(
    base: NDArray[np.float64],
    bonus: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    half_slope: float,
) -> NDArray[np.float64]:
    """0.5 beta x for the three utilities x of the attribution (3 x pairs), for numpy's tanh.

    Rows: the utility with the legitimacy bonus (no subsidy), with the bonus and
    the subsidies the pairs hold (``grant_term`` and ``support_term``,
    -log(1 - rate) from numpy, or empty: none held), and the base alone.
    Adding a subsidy of -0.0 leaves a utility unchanged, so a pair without a
    grant gets the same number in the first two rows.
    """
    arguments = np.empty((3, base.size))
    for index in range(base.size):
        with_bonus = base[index] + bonus[index]
        with_grants = with_bonus
        if grant_term.size:
            with_grants = with_grants + grant_term[index]
        if support_term.size:
            with_grants = with_grants + support_term[index]
        arguments[0, index] = half_slope * with_bonus
        arguments[1, index] = half_slope * with_grants
        arguments[2, index] = half_slope * base[index]
    return arguments


@njit(cache=True)
def adoption_channels(
    pairs: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    tanh_arguments: NDArray[np.float64],
    gate: NDArray[np.float64],
    adoption_hazard: float,
    knowledge_channel: NDArray[np.int8],
    grant_rate: NDArray[np.float64],
    grants_held: bool,
    legitimacy_channel: int,
    grant_channel: int,
) -> NDArray[np.int8]:
    """The channel each adoption is credited to (incremental attribution, :mod:`districtlab.model.adoption`).

    With h u 0.5 (1 + tanh(.)) of the rows of :func:`adoption_arguments`: the
    draw u h falls below the hazard without the legitimacy bonus and the
    grant: the knowledge channel; between that and the hazard without the
    grant: legitimacy; above it: the grant, if the pair holds one (project
    support keeps the knowledge channel).
    """
    channel = np.empty(pairs.size, dtype=np.int8)
    for index in range(pairs.size):
        pair = pairs[index]
        gated = adoption_hazard * gate[pair] * 0.5
        without_grant = gated * (1.0 + tanh_arguments[0, index])
        hazard = gated * (1.0 + tanh_arguments[1, index])
        without_either = gated * (1.0 + tanh_arguments[2, index])
        draw = uniforms[index] * hazard
        channel[index] = knowledge_channel[pair]
        if draw >= without_either and draw < without_grant:
            channel[index] = legitimacy_channel
        if grants_held and draw >= without_grant and grant_rate[pair] > 0.0:
            channel[index] = grant_channel
    return channel


# -- fused sub-steps of the schedule (schedule.step, around the programmes' delivery) ------------
#
# Each kernel here runs one or more whole sub-steps of ``schedule.step`` in one call, drawing its
# random numbers itself from a RandomStream (the same draws, in the same order, from the same
# stream, as the numpy code it replaces). They stop where a rule needs numpy's tanh or log1p.


@njit(cache=True)
def append_to_book(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    expiry_months: NDArray[np.float64],
    new_pairs: NDArray[np.int64],
    slot: int,
    new_amounts: NDArray[np.float64],
    expiry_month: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """A book's four columns with ``new_pairs`` appended (``state.GrantBook.add``): one slot and expiry for all.

    As four ``np.concatenate`` (two of them with ``np.full``), in one call.
    """
    old, size = pairs.size, pairs.size + new_pairs.size
    pair = np.empty(size, dtype=np.int64)
    slot_column = np.empty(size, dtype=np.int64)
    amount = np.empty(size)
    expiry = np.empty(size)
    pair[:old] = pairs
    slot_column[:old] = slots
    amount[:old] = amounts
    expiry[:old] = expiry_months
    pair[old:] = new_pairs
    slot_column[old:] = slot
    amount[old:] = new_amounts
    expiry[old:] = expiry_month
    return pair, slot_column, amount, expiry


@njit(cache=True)
def settle_paid_grants(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    adoption_cost: NDArray[np.float64],
    grant_rate: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_rate: NDArray[np.float64],
    spend: NDArray[np.float64],
    units: NDArray[np.float64],
    private: NDArray[np.float64],
    grants_line: int,
    units_line: int,
) -> None:
    """Grants paid on adoption (``adoption.pay_grants``): the programme's spend, units and the firms' own share.

    own = C (1 - grant rate) (1 - support rate) per grant (``support_rate``
    empty: no project support in the run), read before the grant rates (and
    their subsidy terms) are set to 0. The grants' amounts, their number and
    the own shares are summed per programme slot in order from 0.0 and then
    added to the step's ``spend[:, grants_line]``, ``units[:, units_line]`` and
    ``private`` (as ``+= np.bincount(...)`` did).
    """
    n_slots = private.size
    own = np.empty(pairs.size)
    for index in range(pairs.size):
        pair = pairs[index]
        own[index] = adoption_cost[pair] * (1.0 - grant_rate[pair])
        if support_rate.size:
            own[index] = own[index] * (1.0 - support_rate[pair])
    for pair in pairs:
        grant_rate[pair] = 0.0
        grant_term[pair] = 0.0  # -log1p(-0.0)
    paid = np.zeros(n_slots)
    count = np.zeros(n_slots, dtype=np.int64)
    own_by_slot = np.zeros(n_slots)
    for index in range(pairs.size):
        slot = slots[index]
        paid[slot] += amounts[index]
        count[slot] += 1
        own_by_slot[slot] += own[index]
    for slot in range(n_slots):
        spend[slot, grants_line] += paid[slot]
        units[slot, units_line] += count[slot]
        private[slot] += own_by_slot[slot]


@njit(cache=True)
def _split_reached(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    expiry: NDArray[np.float64],
    stage: NDArray[np.int8],
    level: int,
) -> tuple[int, NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Entries of a book (``state.GrantBook``) whose pair has reached ``level``, taken out in order.

    The entries kept are moved to the front of the book's arrays, in order (the
    caller shortens them to the number kept); the entries taken are returned
    as (number kept, their pairs, slots, amounts), in the book's order: what
    ``GrantBook.take_reached`` gives, without gathers.
    """
    n_taken = 0
    for pair in pairs:
        if stage[pair] >= level:
            n_taken += 1
    taken_pairs = np.empty(n_taken, dtype=np.int64)
    taken_slots = np.empty(n_taken, dtype=np.int64)
    taken_amounts = np.empty(n_taken)
    if n_taken == 0:
        return pairs.size, taken_pairs, taken_slots, taken_amounts
    n_kept = 0
    n_taken = 0
    for index in range(pairs.size):
        pair = pairs[index]
        if stage[pair] >= level:
            taken_pairs[n_taken] = pair
            taken_slots[n_taken] = slots[index]
            taken_amounts[n_taken] = amounts[index]
            n_taken += 1
        else:
            pairs[n_kept] = pair
            slots[n_kept] = slots[index]
            amounts[n_kept] = amounts[index]
            expiry[n_kept] = expiry[index]
            n_kept += 1
    return n_kept, taken_pairs, taken_slots, taken_amounts


@njit(cache=True)
def pay_reached_grants(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    expiry: NDArray[np.float64],
    stage: NDArray[np.int8],
    level: int,
    adoption_cost: NDArray[np.float64],
    grant_rate: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_rate: NDArray[np.float64],
    spend: NDArray[np.float64],
    units: NDArray[np.float64],
    private: NDArray[np.float64],
    grants_line: int,
    units_line: int,
) -> int:
    """The grants whose pair has adopted, taken from the book (:func:`_split_reached`) and paid
    (:func:`settle_paid_grants`) in one call (``adoption.pay_grants``); returns the number kept."""
    n_kept, taken_pairs, taken_slots, taken_amounts = _split_reached(
        pairs, slots, amounts, expiry, stage, level
    )
    if taken_pairs.size:
        settle_paid_grants(
            taken_pairs,
            taken_slots,
            taken_amounts,
            adoption_cost,
            grant_rate,
            grant_term,
            support_rate,
            spend,
            units,
            private,
            grants_line,
            units_line,
        )
    return n_kept


@njit(cache=True)
def settle_reached_support(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    expiry: NDArray[np.float64],
    stage: NDArray[np.int8],
    level: int,
    adoption_cost: NDArray[np.float64],
    support_rate: NDArray[np.float64],
    support_term: NDArray[np.float64],
    private: NDArray[np.float64],
) -> int:
    """Project support of pairs that have adopted, taken from the book and settled (``adoption.pay_grants``).

    A pair counts once (its first entry), in increasing order of pair (as
    ``np.unique(..., return_index=True)``): the firm's own share C (1 - support
    rate) is summed per slot in that order from 0.0 and added to ``private``
    (as ``+= np.bincount(...)``), then the pair's support rate and its subsidy
    term are set to 0 (-log1p(-0.0) = 0.0). Returns the number of entries kept.
    """
    n_kept, taken_pairs, taken_slots, _ = _split_reached(pairs, slots, amounts, expiry, stage, level)
    if taken_pairs.size == 0:
        return n_kept
    order = np.argsort(taken_pairs, kind="mergesort")  # stable: the first entry of a pair comes first
    own_by_slot = np.zeros(private.size)
    distinct = np.empty(order.size, dtype=np.int64)
    n_distinct = 0
    for position in range(order.size):
        index = order[position]
        pair = taken_pairs[index]
        if n_distinct and distinct[n_distinct - 1] == pair:
            continue
        distinct[n_distinct] = pair
        n_distinct += 1
        own_by_slot[taken_slots[index]] += adoption_cost[pair] * (1.0 - support_rate[pair])
    for slot in range(private.size):
        private[slot] += own_by_slot[slot]
    for position in range(n_distinct):
        support_rate[distinct[position]] = 0.0
        support_term[distinct[position]] = 0.0  # -log1p(-0.0)
    return n_kept


@njit(cache=True)
def any_stage_at_least(pairs: NDArray[np.int64], level: int, stage: NDArray[np.int8]) -> bool:
    """Has any of ``pairs`` reached ``level``? (``GrantBook.take_reached``, before it gathers anything)."""
    for pair in pairs:  # noqa: SIM110 (a loop numba compiles; any() of a generator it does not)
        if stage[pair] >= level:
            return True
    return False


@njit(cache=True)
def legitimacy_shares(
    weighted_adopters: NDArray[np.float64], total: float, legitimacy: NDArray[np.float64]
) -> None:
    """L_k = min(1, weighted adopters of k / total visibility) into ``legitimacy``; 0 when ``total`` is not positive.

    As ``np.minimum(weighted_adopters / total, 1.0)``, NaN included (``schedule.legitimacy_exposure``).
    Written into an array the caller keeps (a step reuses its own), rather than returned.
    """
    if total <= 0.0:
        legitimacy[:] = 0.0
        return
    for tech in range(weighted_adopters.size):
        share = weighted_adopters[tech] / total
        legitimacy[tech] = 1.0 if share > 1.0 else share


@njit(cache=True)
def become_aware_until(
    until: float,
    times: NDArray[np.float64],
    flat_pairs: NDArray[np.int64],
    cursor: int,
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    n_technologies: int,
) -> tuple[NDArray[np.int64], int]:
    """Background awareness (``transfer.background_awareness``): (the pairs that moved, the new cursor).

    The pairs of the schedule from ``cursor`` whose time is before ``until``
    (``times`` sorted, as ``np.searchsorted(..., side="left")``) are raised to
    aware (:func:`raise_stage`).
    """
    end = np.searchsorted(times, until, side="left")
    moved = raise_stage(flat_pairs[cursor:end], 1, stage, stage_counts, n_technologies)
    return moved, int(end)


@njit(cache=True)
def refresh_and_transfer_knowledge(
    marked: NDArray[np.int64],
    flags: NDArray[np.bool_],
    now: float,
    until: float,
    attribution: RandomStream,
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    knowledge_channel: NDArray[np.int8],
    is_lead: NDArray[np.bool_],
    is_rti_channel: NDArray[np.bool_],
    buyers_indptr: NDArray[np.int64],
    buyers: NDArray[np.int64],
    channel_of_term: NDArray[np.int8],
    two_step_channel: int,
    lead_firm_channel: int,
    stage_counts: NDArray[np.int64],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Knowledge transfer (``transfer.transfer_knowledge``): (the knowledgeable pairs marked, the pairs that moved).

    First the knowledge clocks of the pairs marked since the last refresh
    (``marked``, duplicates included; may be empty) are brought up to date from
    ``now`` (:func:`refresh_marked_knowledge_clocks`); then the pairs whose clock
    runs out before ``until`` draw one uniform each from ``attribution`` (none
    when no pair is due) and move by the channel drawn (:func:`transfer_due_knowledge`).
    """
    knowing = refresh_marked_knowledge_clocks(
        marked,
        flags,
        now,
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        remaining,
        rate,
        since,
        due,
        earliest,
    )
    moving = due_pairs(until, due, earliest, n_technologies)
    if moving.size == 0:
        return knowing, moving
    moved = transfer_due_knowledge(
        moving,
        attribution.rng.random(moving.size),
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        knowledge_channel,
        is_lead,
        is_rti_channel,
        buyers_indptr,
        buyers,
        channel_of_term,
        two_step_channel,
        lead_firm_channel,
        stage_counts,
        knowledge_by_channel,
        size_class,
        n_sizes,
        rate,
        due,
    )
    return knowing, moved


@njit(cache=True)
def queue_postponed(
    pair: int,
    until: float,
    queue_pairs: NDArray[np.int64],
    queue_until: NDArray[np.float64],
    queue_ends: NDArray[np.int64],
) -> None:
    """A postponed pair joins the back of the postponement queue, to reconsider from ``until``.

    The queue is a ring over ``queue_pairs`` and ``queue_until`` (one entry per
    pair: a pair is queued at most once at a time, since its clock waits while
    it is postponed), ``queue_ends`` = (position of the front, number queued).
    Pairs join in the order they are postponed, and ``until`` never decreases
    (it is a fixed time after the step), so the front is always the first to end.
    """
    back = (queue_ends[0] + queue_ends[1]) % queue_pairs.size
    queue_pairs[back] = pair
    queue_until[back] = until
    queue_ends[1] += 1


@njit(cache=True)
def take_ended_postponements(
    now: float,
    queue_pairs: NDArray[np.int64],
    queue_until: NDArray[np.float64],
    queue_ends: NDArray[np.int64],
) -> NDArray[np.int64]:
    """The pairs at the front of the postponement queue whose postponement ends by ``now``, taken off it, in order.

    Those queued until no later than ``now`` (the entries the postponements'
    book, kept in order of expiry, gave as expired at ``now``); they reconsider:
    their adoption clocks are refreshed.
    """
    front, n_queued = queue_ends[0], queue_ends[1]
    n_ended = 0
    while n_ended < n_queued and queue_until[(front + n_ended) % queue_pairs.size] <= now:
        n_ended += 1
    ended = np.empty(n_ended, dtype=np.int64)
    for index in range(n_ended):
        ended[index] = queue_pairs[(front + index) % queue_pairs.size]
    if n_ended:
        queue_ends[0] = (front + n_ended) % queue_pairs.size
        queue_ends[1] = n_queued - n_ended
    return ended


@njit(cache=True)
def decide_due_adoptions(
    pairs: NDArray[np.int64],
    tanh_arguments: NDArray[np.float64],
    attribution: RandomStream,
    decisions: RandomStream,
    grants_held: bool,
    now: float,
    until: float,
    postponed_until: NDArray[np.float64],
    queue_pairs: NDArray[np.int64],
    queue_until: NDArray[np.float64],
    queue_ends: NDArray[np.int64],
    gate: NDArray[np.float64],
    adoption_hazard: float,
    knowledge_channel: NDArray[np.int8],
    grant_rate: NDArray[np.float64],
    legitimacy_channel: int,
    grant_channel: int,
    rejection_probability: float,
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    n_technologies: int,
) -> tuple[NDArray[np.int64], NDArray[np.int8], int]:
    """The adoption decision of the pairs due (``adoption.decide_adoption``): (pairs adopting, their channels, number postponed).

    Each pair draws one uniform from ``attribution`` for its channel
    (:func:`adoption_channels`, with the tanh of :func:`adoption_arguments`
    from numpy); then, when ``rejection_probability`` > 0, one uniform each
    from ``decisions``: the pairs drawing below it say no for now. Their
    clock restarts with a fresh Exp(1) threshold from ``decisions`` (in their
    order) at ``now`` and waits until ``until`` (``TransitionClocks.restart``).
    The others are returned with their channels (for :func:`adopt_and_learn`);
    their adoption clocks are stopped. The pairs postponed join, in order, the
    back of the postponement queue (:func:`queue_postponed`), and their number
    is returned.
    """
    channel = adoption_channels(
        pairs,
        attribution.rng.random(pairs.size),
        tanh_arguments,
        gate,
        adoption_hazard,
        knowledge_channel,
        grant_rate,
        grants_held,
        legitimacy_channel,
        grant_channel,
    )
    says_no = np.zeros(pairs.size, dtype=np.bool_)
    n_no = 0
    if rejection_probability > 0.0:
        uniforms = decisions.rng.random(pairs.size)
        for index in range(pairs.size):
            if uniforms[index] < rejection_probability:
                says_no[index] = True
                n_no += 1
    n_adopting = pairs.size - n_no
    adopting = np.empty(n_adopting, dtype=np.int64)
    adopting_channel = np.empty(n_adopting, dtype=np.int8)
    first_postponed = queue_ends[0] + queue_ends[1]  # where the first pair postponed goes
    n_no = 0
    n_adopting = 0
    for index in range(pairs.size):
        pair = pairs[index]
        if says_no[index]:
            queue_postponed(pair, until, queue_pairs, queue_until, queue_ends)
            n_no += 1
        else:
            adopting[n_adopting] = pair
            adopting_channel[n_adopting] = channel[index]
            n_adopting += 1
            rate[pair] = 0.0  # the clock stops (TransitionClocks.stop)
            due[pair] = np.inf
    if n_no:
        thresholds = decisions.rng.standard_exponential(n_no)
        for index in range(n_no):
            pair = queue_pairs[(first_postponed + index) % queue_pairs.size]
            postponed_until[pair] = until
            remaining[pair] = thresholds[index]
            since[pair] = now
            rate[pair] = 0.0
            due[pair] = np.inf
    return adopting, adopting_channel, n_no


@njit(cache=True)
def adopt_and_learn(
    pairs: NDArray[np.int64],
    channels: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    n_technologies: int,
    learning: bool,
    factor: float,
    capacity: NDArray[np.float64],
    affinity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
    complexity: NDArray[np.float64],
    scale: float,
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int8],
    NDArray[np.int64],
    NDArray[np.int64],
    int,
    NDArray[np.float64],
]:
    """Adoption (``state.adopt_pairs``): :func:`raise_to_adopted`, then, when ``learning``, :func:`gain_capacity_once`.

    Returns (the new pairs, their channels, then what :func:`gain_capacity_once`
    returns for the firms of the new pairs: distinct firms, their counts, the
    largest count, the gate's argument). Without learning, or without a new
    pair, the last four are empty (largest count 0). Which of ``pairs`` were
    new is not returned (no caller reads it; each array returned costs a box).
    """
    _, adopted, adopted_channel = raise_to_adopted(
        pairs, channels, stage, stage_counts, knowledge_channel, n_technologies
    )
    if not learning or adopted.size == 0:
        none = np.empty(0, dtype=np.int64)
        return adopted, adopted_channel, none, none, 0, np.empty((0, complexity.size))
    firms = np.empty(adopted.size, dtype=np.int64)
    for index in range(adopted.size):
        firms[index] = adopted[index] // n_technologies
    distinct, counts, largest, half_z = gain_capacity_once(
        firms, factor, capacity, affinity, engagement, light_engagement, complexity, scale
    )
    return adopted, adopted_channel, distinct, counts, largest, half_z


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


# -- month 0 (simulate._initial_conditions, transfer.AwarenessSchedule.draw) -------------------


@njit(cache=True)
def pairs_drawn_below(
    draws: NDArray[np.float64],
    limit: NDArray[np.float64],
    group: NDArray[np.int8],
    n_technologies: int,
) -> NDArray[np.int64]:
    """Pairs (flat, in order) whose draw is below their limit: ``limit[k, group[i]]`` for pair (i, k).

    ``np.flatnonzero(draws < limit[:, group].T)`` for draws of shape firms x technologies,
    flattened; with ``group`` empty, every firm reads column 0 (``limit[k, 0]``).
    """
    found = np.empty(draws.size, dtype=np.int64)
    n_found = 0
    pair = 0
    for firm in range(draws.size // n_technologies):  # nested loops: no division per pair
        column = group[firm] if group.size else 0
        for tech in range(n_technologies):
            if draws[pair] < limit[tech, column]:
                found[n_found] = pair
                n_found += 1
            pair += 1
    return found[:n_found].copy()


@njit(cache=True)
def month0_pairs(
    draws: NDArray[np.float64],
    adoption_share: NDArray[np.float64],
    size_class: NDArray[np.int8],
    awareness_share: NDArray[np.float64],
    n_technologies: int,
    channel: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int8], NDArray[np.int64]]:
    """Month 0's adopters and aware pairs from the two firms x technologies draws, in one call.

    ``draws`` holds the adoption draws then the awareness draws (one ``rng.random``
    of twice the pairs: the same numbers as two draws of the pairs, one after the
    other). Pair (i, k) adopts when its first draw is below ``adoption_share[k,
    size_class[i]]`` and becomes aware when its second is below ``awareness_share[k]``
    (:func:`pairs_drawn_below` for each). Returns the adopters as (firm, technology,
    ``channel`` for each) and the aware pairs (flat), each in pair order.
    """
    half = draws.size // 2
    adopters = pairs_drawn_below(draws[:half], adoption_share, size_class, n_technologies)
    firm = adopters // n_technologies
    technology = adopters - firm * n_technologies
    channels = np.full(adopters.size, channel, dtype=np.int8)
    aware = pairs_drawn_below(
        draws[half:], awareness_share.reshape(awareness_share.size, 1), size_class[:0], n_technologies
    )
    return firm, technology, channels, aware


@njit(cache=True)
def awareness_due(
    draws: NDArray[np.float64],
    scale: NDArray[np.float64],
    stage: NDArray[np.int8],
    horizon: float,
    n_technologies: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Unaware pairs (stage 0) whose awareness time ``draw * scale_k`` falls before ``horizon``:
    (pairs, times), in pair order.

    Every pair is written at the next free place and kept by advancing past it
    (no branch per pair: about half the pairs are kept, in no pattern a branch
    predictor could follow); the two results are views of the first places.
    """
    pairs = np.empty(draws.size, dtype=np.int64)
    times = np.empty(draws.size)
    n_due = 0
    pair = 0
    for _ in range(draws.size // n_technologies):
        for tech in range(n_technologies):
            time = draws[pair] * scale[tech]
            pairs[n_due] = pair
            times[n_due] = time
            n_due += (stage[pair] == 0) & (time < horizon)
            pair += 1
    return pairs[:n_due], times[:n_due]


@njit(cache=True)
def awareness_schedule(
    draws: NDArray[np.float64],
    hazard: NDArray[np.float64],
    stage: NDArray[np.int8],
    horizon: float,
    n_technologies: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The background awareness schedule (transfer.AwarenessSchedule.draw): unaware pairs whose
    awareness time ``draw / hazard_k`` (``draw * (1 / hazard_k)``; never with a hazard of 0) falls
    before ``horizon``, as (pairs, times) in time order, equal times in pair order.

    Fuses the scale, :func:`awareness_due` and the stable sort by time that followed it
    (``np.argsort(times, kind="stable")`` and two gathers), sorting by buckets: the
    times are spread over as many buckets of equal width in [0, horizon) as there are
    times (a bucket is a monotone function of the time, so buckets in order hold the
    times in order), in pair order within a bucket; an insertion sort that moves a
    time only past greater ones then orders each bucket, equal times staying in pair
    order. With a bucket of more than 32 times (hazards that crowd the times near 0)
    numba's merge sort (stable) sorts them all instead. Either way the order is the
    one stable sort of the times, so it is numpy's.
    """
    scale = np.empty(hazard.size)
    for tech in range(hazard.size):
        scale[tech] = 1.0 / hazard[tech] if hazard[tech] > 0.0 else np.inf
    pairs, times = awareness_due(draws, scale, stage, horizon, n_technologies)
    count = times.size
    if count == 0:
        return pairs.copy(), times.copy()
    per_time = count / horizon  # buckets per unit of time (0 <= time < horizon)
    bucket = np.empty(count, dtype=np.int64)
    start = np.zeros(count + 1, dtype=np.int64)
    for index in range(count):
        chosen = int(times[index] * per_time)
        if chosen > count - 1:  # a time just below the horizon may round up to it
            chosen = count - 1
        bucket[index] = chosen
        start[chosen + 1] += 1
    most = 0
    for index in range(count):
        most = max(most, start[index + 1])
        start[index + 1] += start[index]
    if most > 32:
        order = np.argsort(times, kind="mergesort")
        return pairs[order], times[order]
    sorted_pairs = np.empty(count, dtype=np.int64)
    sorted_times = np.empty(count)
    for index in range(count):  # in pair order: each bucket keeps its pairs in pair order
        place = start[bucket[index]]
        start[bucket[index]] += 1
        sorted_pairs[place] = pairs[index]
        sorted_times[place] = times[index]
    for index in range(1, count):  # a time moves back at most within its bucket
        time = sorted_times[index]
        if sorted_times[index - 1] > time:
            pair = sorted_pairs[index]
            place = index
            while place > 0 and sorted_times[place - 1] > time:
                sorted_pairs[place] = sorted_pairs[place - 1]
                sorted_times[place] = sorted_times[place - 1]
                place -= 1
            sorted_pairs[place] = pair
            sorted_times[place] = time
    return sorted_pairs, sorted_times


# -- instruments (knowledge trials, events' attendance, diagnostics' choices, eligibility filters) -


@njit(cache=True)
def knowledge_trial(
    pairs: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    success: NDArray[np.float64],
    channel: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
    n_technologies: int,
) -> NDArray[np.int64]:
    """Distinct pairs become knowledgeable by ``channel`` where u < success, the others at least aware.

    Returns the pairs that moved: those made knowledgeable first, then those made aware.
    """
    hit = uniforms < success
    learned = raise_to_knowledgeable(
        pairs[hit],
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
    )
    aware = raise_stage(pairs[~hit], 1, stage, stage_counts, n_technologies)
    moved = np.empty(learned.size + aware.size, dtype=np.int64)
    moved[: learned.size] = learned
    moved[learned.size :] = aware
    return moved


@njit(cache=True)
def attend_events(
    attendees: NDArray[np.int64],
    topics: NDArray[np.int64],
    attendees_per_event: int,
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    n_technologies: int,
    engaged: NDArray[np.bool_],
    size_class: NDArray[np.int8],
    engaged_by_size: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Event attendees become aware of their event's technology and count as engaged; return the pairs that moved.

    Fuses the events' pairing of attendees with topics
    (``np.repeat(topics, attendees_per_event)[:n] + attendees * K``),
    :func:`raise_stage` to aware (``state.make_aware``) and :func:`engage`
    (``context.mark_engaged``): attendee i went to event i // attendees_per_event.
    """
    pairs = np.empty(attendees.size, dtype=np.int64)
    for index in range(attendees.size):
        pairs[index] = attendees[index] * n_technologies + topics[index // attendees_per_event]
    moved = raise_stage(pairs, 1, stage, stage_counts, n_technologies)
    engage(attendees, engaged, size_class, engaged_by_size)
    return moved


@njit(cache=True)
def knowledge_trial_and_engage(
    pairs: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    success: NDArray[np.float64],
    channel: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
    n_technologies: int,
    firms: NDArray[np.int64],
    engaged: NDArray[np.bool_],
    engaged_by_size: NDArray[np.int64],
) -> NDArray[np.int64]:
    """:func:`knowledge_trial` of ``pairs``, then :func:`engage` of ``firms``: one call instead of two.

    What an instrument does last for the firms it dealt with (a diagnostic, a
    demonstrator visit: :func:`diagnose`, :func:`visit_demonstrators`).
    The two touch different arrays; they run in that order all the same.
    """
    moved = knowledge_trial(
        pairs,
        uniforms,
        success,
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
    )
    engage(firms, engaged, size_class, engaged_by_size)
    return moved


@njit(cache=True)
def diagnostic_choices(
    firms: NDArray[np.int64],
    depth: int,
    relevance: NDArray[np.float64],
    gate: NDArray[np.float64],
    stage: NDArray[np.int8],
    competence: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The pairs a diagnostic covers and the chance that each is learned.

    For each firm, the ``depth`` technologies that fit it best (relevance_k
    u_ik, highest first, the lower index first among equals, as a stable sort),
    leaving out those it already knows; the chance is competence_k u_ik.
    """
    k = relevance.size
    pairs = np.empty(firms.size * depth, dtype=np.int64)
    success = np.empty(firms.size * depth)
    fit = np.empty(k)
    taken = np.zeros(k, dtype=np.bool_)
    n_pairs = 0
    for firm in firms:
        for tech in range(k):
            pair = firm * k + tech
            fit[tech] = -1.0 if stage[pair] >= _KNOWLEDGEABLE else relevance[tech] * gate[pair]
            taken[tech] = False
        for _ in range(depth):
            best = -1
            for tech in range(k):
                if not taken[tech] and (best < 0 or fit[tech] > fit[best]):
                    best = tech
            taken[best] = True
            if fit[best] >= 0.0:
                pair = firm * k + best
                pairs[n_pairs] = pair
                success[n_pairs] = competence[best] * gate[pair]
                n_pairs += 1
    return pairs[:n_pairs], success[:n_pairs]


@njit(cache=True)
def any_stage_below(
    candidates: NDArray[np.int64],
    technologies: NDArray[np.int64],
    level: int,
    stage: NDArray[np.int8],
    n_technologies: int,
) -> NDArray[np.bool_]:
    """For each candidate firm: is it below ``level`` in at least one of ``technologies``?"""
    below = np.zeros(candidates.size, dtype=np.bool_)
    for index in range(candidates.size):
        start = candidates[index] * n_technologies
        for tech in technologies:
            if stage[start + tech] < level:
                below[index] = True
                break
    return below


# -- targeting (targeting.Outreach) ---------------------------------------------------------------


@njit(cache=True)
def outreach_batch(
    order: NDArray[np.int64],
    cursor: int,
    size: int,
    uniforms: NDArray[np.float64],
    acceptance: NDArray[np.float64],
    missing: int,
    filtered: bool,
    technologies: NDArray[np.int64],
    level: int,
    stage: NDArray[np.int8],
    n_technologies: int,
) -> tuple[NDArray[np.int64], int]:
    """One batch of an outreach: (firms taken, in the order approached; firms approached).

    The ``size`` firms of the tier's order from ``cursor`` on (wrapping around)
    are approached; firm j takes up the offer when u_j < its acceptance and,
    when ``filtered``, it is below ``level`` in one of ``technologies``. The
    batch stops just after the ``missing``-th firm taken, so that the next batch
    starts with the next firm.
    """
    taken = np.empty(min(size, missing), dtype=np.int64)
    n_taken = 0
    used = size
    for position in range(size):
        firm = order[(cursor + position) % order.size]
        if not uniforms[position] < acceptance[firm]:
            continue
        if filtered:
            eligible = False
            start = firm * n_technologies
            for tech in technologies:
                if stage[start + tech] < level:
                    eligible = True
                    break
            if not eligible:
                continue
        taken[n_taken] = firm
        n_taken += 1
        if n_taken == missing:
            used = position + 1
            break
    return taken[:n_taken], used


if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    def permuted(stream: RandomStream | DeliveryArrays, values: NDArray[np.int64]) -> NDArray[np.int64]:
        """``stream.rng.permutation(values)`` for a 1-D array."""
        return stream.rng.permutation(values)

else:
    from numba.np.random.random_methods import random_interval

    @njit(cache=True)
    def permuted(stream: RandomStream | DeliveryArrays, values: NDArray[np.int64]) -> NDArray[np.int64]:
        """``stream.rng.permutation(values)`` for a 1-D array: the same draws and the same order.

        numpy's (and numba's) Fisher-Yates shuffle: from the last position down,
        swap with a position drawn by ``random_interval``. numba's own version
        copies through n-dimensional views at each swap (about 37 ns a firm,
        against about 10 ns for numpy); this loop swaps two integers.
        """
        order = values.copy()
        bit_generator = stream.rng.bit_generator
        for position in range(order.size - 1, 0, -1):
            other = np.intp(random_interval(bit_generator, position))
            if other != position:
                order[position], order[other] = order[other], order[position]
        return order


@njit(cache=True)
def outreach_select(
    stream: RandomStream | DeliveryArrays,
    n_needed: int,
    acceptance: NDArray[np.float64],
    tiers: NDArray[np.int64],
    bounds: NDArray[np.int64],
    orders: NDArray[np.int64],
    ordered: NDArray[np.bool_],
    cursors: NDArray[np.int64],
    filtered: bool,
    technologies: NDArray[np.int64],
    level: int,
    stage: NDArray[np.int8],
    n_technologies: int,
) -> NDArray[np.int64]:
    """Up to ``n_needed`` firms that take up the offer, in the order approached (a ``targeting.Outreach``).

    Tier t is ``tiers[bounds[t]:bounds[t + 1]]``; it is put in a random order
    (``orders``, the same slice) the first time it is reached, and approached
    from its cursor on in batches of 4 missing + 8 firms, doubling, each batch
    drawing its uniforms at once (:func:`outreach_batch`): the draws of the
    Python loop this replaces, in the same sizes and order.
    """
    chosen = np.empty(max(n_needed, 0), dtype=np.int64)
    n_chosen = 0
    missing = n_needed
    for index in range(bounds.size - 1):
        start, end = bounds[index], bounds[index + 1]
        tier_size = end - start
        if not ordered[index]:
            orders[start:end] = permuted(stream, tiers[start:end])
            ordered[index] = True
        order = orders[start:end]
        approached = 0
        batch = 4 * missing + 8
        while missing > 0 and approached < tier_size:
            size = min(batch, tier_size - approached)
            hits, used = outreach_batch(
                order,
                cursors[index],
                size,
                stream.rng.random(size),
                acceptance,
                missing,
                filtered,
                technologies,
                level,
                stage,
                n_technologies,
            )
            chosen[n_chosen : n_chosen + hits.size] = hits
            n_chosen += hits.size
            missing -= hits.size
            approached += used
            cursors[index] = (cursors[index] + used) % tier_size
            batch *= 2
        if missing <= 0:
            break
    return chosen[:n_chosen]


# -- what the instruments' kernels read: a programme's stream, outreach and the district's arrays
#
# A kernel's arguments cost about 0.1 us each to pass, and a structref about 0.45 us; the
# instruments' kernels draw from the programme's stream, move its outreach on and read some
# twenty arrays of the district's state and data. A DeliveryArrays handle (a structref, as
# RandomStream) holds them all and is passed as one argument. It holds the Generator and the
# arrays themselves, not copies: the state changes the arrays in place (none is ever replaced
# during a run), the kernels change them, and draws made through the handle move the
# programme's Generator on. An instrument's kernel takes the row of its outreach
# (``targeting.Outreach``: one row per instrument) as ``outreach``.

#: (field, numba type) of a DeliveryArrays handle: the programme's Generator, flat firms x
#: technologies arrays, per-firm arrays, the tallies (flat), the run's constants and the
#: programme's outreach (its tiers, and per instrument the tiers' orders, whether each is
#: ordered yet, and their cursors).
_DELIVERY_FIELDS: tuple[tuple[str, Any], ...] = (
    ("rng", numba.typeof(np.random.default_rng(0))),
    ("stage", types.Array(types.int8, 1, "C")),
    ("stage_counts", types.Array(types.int64, 1, "C")),
    ("knowledge_channel", types.Array(types.int8, 1, "C")),
    ("knowledge_by_channel", types.Array(types.int64, 1, "C")),
    ("seen_demonstration", types.Array(types.boolean, 1, "C")),
    ("gate", types.Array(types.float64, 1, "C")),
    ("size_class", types.Array(types.int8, 1, "C")),
    ("engaged", types.Array(types.boolean, 1, "C")),
    ("engaged_by_size", types.Array(types.int64, 1, "C")),
    ("absorptive_capacity", types.Array(types.float64, 1, "C")),
    ("rti_affinity", types.Array(types.float64, 1, "C")),
    ("engagement", types.Array(types.float64, 1, "C")),
    ("light_engagement", types.Array(types.float64, 1, "C")),
    ("relevance", types.Array(types.float64, 1, "C")),
    ("all_technologies", types.Array(types.int64, 1, "C")),
    ("indptr", types.Array(types.int64, 1, "C")),
    ("indices", types.Array(types.int64, 1, "C")),
    ("n_sizes", types.int64),
    ("n_technologies", types.int64),
    ("tiers", types.Array(types.int64, 1, "C")),
    ("bounds", types.Array(types.int64, 1, "C")),
    ("orders", types.Array(types.int64, 2, "C")),
    ("ordered", types.Array(types.boolean, 2, "C")),
    ("cursors", types.Array(types.int64, 2, "C")),
    # the programme's books (``instruments._books``) and the RTI's running costs after it
    (
        "books",
        types.Tuple(
            (
                types.Array(types.float64, 1, "C"),
                types.Array(types.float64, 1, "C"),
                types.Array(types.float64, 2, "C"),
                types.Array(types.float64, 2, "C"),
                types.Array(types.float64, 1, "C"),
                types.int64,
                types.float64,
                types.float64,
            )
        ),
    ),
    ("post_programme", types.Array(types.float64, 1, "C")),
    # its fixed plan (see deliver_month): book lines per stage, prices and settings, channels
    ("lines", types.Array(types.int64, 2, "C")),
    ("prices", types.Array(types.float64, 1, "C")),
    ("settings", types.Array(types.int64, 1, "C")),
    ("channels", types.Array(types.int8, 2, "C")),
    ("complexity", types.Array(types.float64, 1, "C")),
    # its run state, changed by the kernels: the routing queues, the demonstrators built (in
    # order) and whether they are open, a living lab's visitors first, the last trainees (whose
    # gate rows wait for numpy's tanh) and the last projects formed (for their cost support)
    ("routed_training", types.Array(types.int64, 1, "C")),
    ("routed_projects", types.Array(types.int64, 1, "C")),
    ("shown", types.Array(types.int64, 1, "C")),
    ("demonstrators_open", types.boolean),
    ("peers", types.Array(types.int64, 1, "C")),
    ("trainees", types.Array(types.int64, 1, "C")),
    ("half_z", types.Array(types.float64, 2, "C")),
    ("trainee_rows", types.Array(types.int64, 1, "C")),
    ("project_pairs", types.Array(types.int64, 1, "C")),
    ("project_learned", types.Array(types.int64, 1, "C")),
    ("project_formed", types.Array(types.int64, 2, "C")),
    # the project seats running: each seat's end month, firm and technology, in the order formed
    ("seat_end", types.Array(types.float64, 1, "C")),
    ("seat_firm", types.Array(types.int64, 1, "C")),
    ("seat_tech", types.Array(types.int64, 1, "C")),
)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    class DeliveryArrays:
        """A programme's stream and the district's arrays as the instruments' kernels take them (``_DELIVERY_FIELDS``)."""

        rng: np.random.Generator
        stage: NDArray[np.int8]
        stage_counts: NDArray[np.int64]
        knowledge_channel: NDArray[np.int8]
        knowledge_by_channel: NDArray[np.int64]
        seen_demonstration: NDArray[np.bool_]
        gate: NDArray[np.float64]
        size_class: NDArray[np.int8]
        engaged: NDArray[np.bool_]
        engaged_by_size: NDArray[np.int64]
        absorptive_capacity: NDArray[np.float64]
        rti_affinity: NDArray[np.float64]
        engagement: NDArray[np.float64]
        light_engagement: NDArray[np.float64]
        relevance: NDArray[np.float64]
        all_technologies: NDArray[np.int64]
        indptr: NDArray[np.int64]
        indices: NDArray[np.int64]
        n_sizes: int
        n_technologies: int
        tiers: NDArray[np.int64]
        bounds: NDArray[np.int64]
        orders: NDArray[np.int64]
        ordered: NDArray[np.bool_]
        cursors: NDArray[np.int64]
        books: tuple[Any, ...]
        post_programme: NDArray[np.float64]
        lines: NDArray[np.int64]
        prices: NDArray[np.float64]
        settings: NDArray[np.int64]
        channels: NDArray[np.int8]
        complexity: NDArray[np.float64]
        routed_training: NDArray[np.int64]
        routed_projects: NDArray[np.int64]
        shown: NDArray[np.int64]
        demonstrators_open: bool
        peers: NDArray[np.int64]
        trainees: NDArray[np.int64]
        half_z: NDArray[np.float64]
        trainee_rows: NDArray[np.int64]
        project_pairs: NDArray[np.int64]
        project_learned: NDArray[np.int64]
        project_formed: NDArray[np.int64]
        seat_end: NDArray[np.float64]
        seat_firm: NDArray[np.int64]
        seat_tech: NDArray[np.int64]

        def __init__(self, *values: Any) -> None:
            for (name, _), value in zip(_DELIVERY_FIELDS, values, strict=True):
                setattr(self, name, value)

    def delivery_arrays(*values: Any) -> DeliveryArrays:
        """A :class:`DeliveryArrays` handle on the Generator and arrays given, in the order of ``_DELIVERY_FIELDS``."""
        return DeliveryArrays(*values)

else:

    @structref.register
    class _DeliveryArraysType(types.StructRef):
        def preprocess_fields(self, fields: Any) -> tuple[tuple[str, Any], ...]:
            return tuple((name, types.unliteral(field_type)) for name, field_type in fields)

    class DeliveryArrays(structref.StructRefProxy):  # type: ignore[no-redef]
        """A programme's stream and the district's arrays as the instruments' kernels take them: one argument."""

    structref.define_boxing(_DeliveryArraysType, DeliveryArrays)
    _DELIVERY_ARRAYS = _DeliveryArraysType(list(_DELIVERY_FIELDS))

    @njit(cache=True)
    def delivery_arrays(  # type: ignore[misc]
        rng: np.random.Generator,
        stage: NDArray[np.int8],
        stage_counts: NDArray[np.int64],
        knowledge_channel: NDArray[np.int8],
        knowledge_by_channel: NDArray[np.int64],
        seen_demonstration: NDArray[np.bool_],
        gate: NDArray[np.float64],
        size_class: NDArray[np.int8],
        engaged: NDArray[np.bool_],
        engaged_by_size: NDArray[np.int64],
        absorptive_capacity: NDArray[np.float64],
        rti_affinity: NDArray[np.float64],
        engagement: NDArray[np.float64],
        light_engagement: NDArray[np.float64],
        relevance: NDArray[np.float64],
        all_technologies: NDArray[np.int64],
        indptr: NDArray[np.int64],
        indices: NDArray[np.int64],
        n_sizes: int,
        n_technologies: int,
        tiers: NDArray[np.int64],
        bounds: NDArray[np.int64],
        orders: NDArray[np.int64],
        ordered: NDArray[np.bool_],
        cursors: NDArray[np.int64],
        books: tuple[Any, ...],
        post_programme: NDArray[np.float64],
        lines: NDArray[np.int64],
        prices: NDArray[np.float64],
        settings: NDArray[np.int64],
        channels: NDArray[np.int8],
        complexity: NDArray[np.float64],
        routed_training: NDArray[np.int64],
        routed_projects: NDArray[np.int64],
        shown: NDArray[np.int64],
        demonstrators_open: bool,
        peers: NDArray[np.int64],
        trainees: NDArray[np.int64],
        half_z: NDArray[np.float64],
        trainee_rows: NDArray[np.int64],
        project_pairs: NDArray[np.int64],
        project_learned: NDArray[np.int64],
        project_formed: NDArray[np.int64],
        seat_end: NDArray[np.float64],
        seat_firm: NDArray[np.int64],
        seat_tech: NDArray[np.int64],
    ) -> DeliveryArrays:
        """A :class:`DeliveryArrays` handle on the Generator and the arrays given (not copied)."""
        delivery: DeliveryArrays = structref.new(_DELIVERY_ARRAYS)  # type: ignore[call-arg]
        delivery.rng = rng
        delivery.stage = stage
        delivery.stage_counts = stage_counts
        delivery.knowledge_channel = knowledge_channel
        delivery.knowledge_by_channel = knowledge_by_channel
        delivery.seen_demonstration = seen_demonstration
        delivery.gate = gate
        delivery.size_class = size_class
        delivery.engaged = engaged
        delivery.engaged_by_size = engaged_by_size
        delivery.absorptive_capacity = absorptive_capacity
        delivery.rti_affinity = rti_affinity
        delivery.engagement = engagement
        delivery.light_engagement = light_engagement
        delivery.relevance = relevance
        delivery.all_technologies = all_technologies
        delivery.indptr = indptr
        delivery.indices = indices
        delivery.n_sizes = n_sizes
        delivery.n_technologies = n_technologies
        delivery.tiers = tiers
        delivery.bounds = bounds
        delivery.orders = orders
        delivery.ordered = ordered
        delivery.cursors = cursors
        delivery.books = books
        delivery.post_programme = post_programme
        delivery.lines = lines
        delivery.prices = prices
        delivery.settings = settings
        delivery.channels = channels
        delivery.complexity = complexity
        delivery.routed_training = routed_training
        delivery.routed_projects = routed_projects
        delivery.shown = shown
        delivery.demonstrators_open = demonstrators_open
        delivery.peers = peers
        delivery.trainees = trainees
        delivery.half_z = half_z
        delivery.trainee_rows = trainee_rows
        delivery.project_pairs = project_pairs
        delivery.project_learned = project_learned
        delivery.project_formed = project_formed
        delivery.seat_end = seat_end
        delivery.seat_firm = seat_firm
        delivery.seat_tech = seat_tech
        return delivery


# -- instrument deliveries (the stages of deliver_month, below): one kernel per instrument
#
# Each kernel below is one instrument's month, once :func:`deliver_month` has found that its
# account and the RTI's staff time can buy some units (:func:`units_affordable`): choosing the firms
# (:func:`outreach_select`), what the instrument draws, its effect on the firms and the charge
# to the programme's books. What needs a transcendental function (the gate's tanh after
# training) is left to numpy. Draws come from the programme's stream in the sizes and order of
# the numpy code they replace. Each returns the pairs to mark as changed, in the order the numpy
# code marked them.
#
# ``books`` is (accounts, spent since the last review, this step's spend (programmes x spend
# lines), units (programmes x unit lines) and private spending (programmes), the programme's
# slot, the price of a staff day, the firms' co-funding share): see ``instruments._books``.
# ``lines`` is (the instrument's account, its spend line, its unit lines...).


@njit(cache=True)
def charge_units(
    books: tuple[Any, ...], account: int, spend_line: int, amount: float, staff_days: float, cofunded: bool
) -> None:
    """Charge units bought: their cost plus the staff days at their price; record the firms' co-funding.

    The caller takes the staff days from what is left this month.
    """
    accounts, spent_since_review, spend, _, private, slot, staff_day_cost, cofunding_share = books
    total = amount + staff_days * staff_day_cost
    accounts[account] -= total
    spent_since_review[account] += total
    spend[slot, spend_line] += total
    if cofunded and cofunding_share > 0.0:
        private[slot] += total * cofunding_share / (1.0 - cofunding_share)


@njit(cache=True)
def hold_events(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    staff_days_left: float,
    n_events: int,
    event_cost: float,
    staff_days_per_event: float,
    attendees_per_event: int,
    focus: NDArray[np.int64],
    focus_cdf: NDArray[np.float64],
    outreach: int,
) -> tuple[float, NDArray[np.int64]]:
    """Events (the first stage of :func:`deliver_month`): (staff days left, pairs that moved).

    ``lines``: account, spend line, units of events, units of attendances. The
    attendees are chosen (:func:`outreach_select`), then each event's topic is
    drawn by priority over the focus (inverse-CDF sampling on the cumulative
    weights ``focus_cdf``: what ``rng.choice(focus, n, p=weights)`` does with the
    same draws), then :func:`attend_events`.
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    acceptance = delivery.light_engagement
    stage = delivery.stage
    stage_counts = delivery.stage_counts
    n_technologies = delivery.n_technologies
    engaged = delivery.engaged
    size_class = delivery.size_class
    engaged_by_size = delivery.engaged_by_size
    attendees = outreach_select(
        delivery,
        n_events * attendees_per_event,
        acceptance,
        tiers,
        bounds,
        orders,
        ordered,
        cursors,
        False,
        np.zeros(0, dtype=np.int64),
        0,
        np.zeros(0, dtype=np.int8),
        0,
    )
    topics = focus[np.searchsorted(focus_cdf, delivery.rng.random(n_events), side="right")]
    moved = attend_events(
        attendees,
        topics,
        attendees_per_event,
        stage,
        stage_counts,
        n_technologies,
        engaged,
        size_class,
        engaged_by_size,
    )
    staff_days = n_events * staff_days_per_event
    charge_units(books, lines[0], lines[1], n_events * event_cost, staff_days, False)
    units, slot = books[3], books[5]
    units[slot, lines[2]] += n_events
    units[slot, lines[3]] += attendees.size
    return staff_days_left - staff_days, moved


@njit(cache=True)
def diagnose(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    staff_days_left: float,
    n: int,
    diagnostic_cost: float,
    staff_days_per_diagnostic: float,
    outreach: int,
    depth: int,
    competence: NDArray[np.float64],
    routing: bool,
    routing_threshold: float,
    focus: NDArray[np.int64],
    routed_training: NDArray[np.int64],
    routed_projects: NDArray[np.int64],
    channel: NDArray[np.int8],
) -> tuple[float, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Diagnostics (a stage of :func:`deliver_month`): (staff days left, pairs that moved, routing queues).

    ``lines``: account, spend line, units of diagnostics, units of firms routed.
    Firms with something left to learn are chosen (:func:`outreach_select`),
    then :func:`diagnostic_choices` and :func:`knowledge_trial_and_engage`; with
    ``routing`` on, each diagnosed firm joins the training queue when its best
    fit u_ik over the focus is below the threshold, else the projects queue
    (diagnostic routing, :mod:`districtlab.model.mechanisms`).
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    acceptance = delivery.engagement
    all_technologies = delivery.all_technologies
    relevance = delivery.relevance
    gate = delivery.gate
    stage = delivery.stage
    stage_counts = delivery.stage_counts
    knowledge_channel = delivery.knowledge_channel
    knowledge_by_channel = delivery.knowledge_by_channel
    size_class = delivery.size_class
    n_sizes = delivery.n_sizes
    n_technologies = delivery.n_technologies
    engaged = delivery.engaged
    engaged_by_size = delivery.engaged_by_size
    firms = outreach_select(
        delivery,
        n,
        acceptance,
        tiers,
        bounds,
        orders,
        ordered,
        cursors,
        True,
        all_technologies,
        _KNOWLEDGEABLE,
        stage,
        n_technologies,
    )
    if firms.size == 0:
        return staff_days_left, firms, routed_training, routed_projects
    pairs, success = diagnostic_choices(firms, depth, relevance, gate, stage, competence)
    moved = knowledge_trial_and_engage(
        pairs,
        delivery.rng.random(pairs.size),
        success,
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
        firms,
        engaged,
        engaged_by_size,
    )
    staff_days = firms.size * staff_days_per_diagnostic
    charge_units(books, lines[0], lines[1], firms.size * diagnostic_cost, staff_days, True)
    units, slot = books[3], books[5]
    units[slot, lines[2]] += firms.size
    if routing:
        low = np.empty(firms.size, dtype=np.bool_)
        for index in range(firms.size):
            start = firms[index] * n_technologies
            fit = gate[start + focus[0]]
            for tech in focus[1:]:
                fit = max(fit, gate[start + tech])
            low[index] = fit < routing_threshold
        routed_training = np.concatenate((routed_training, firms[low]))
        routed_projects = np.concatenate((routed_projects, firms[~low]))
        units[slot, lines[3]] += firms.size
    return staff_days_left - staff_days, moved, routed_training, routed_projects


@njit(cache=True)
def take_routed_firms(
    queue: NDArray[np.int64], n: int, eligible: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Up to ``n`` eligible firms from the front of a routing queue: (taken, rest of the queue)."""
    if queue.size == 0 or n <= 0:
        return queue[:0], queue
    taken = np.empty(min(n, queue.size), dtype=np.int64)
    rest = np.empty(queue.size, dtype=np.int64)
    n_taken = 0
    n_rest = 0
    for index in range(queue.size):
        if eligible[index] and n_taken < n:
            taken[n_taken] = queue[index]
            n_taken += 1
        else:
            rest[n_rest] = queue[index]
            n_rest += 1
    return taken[:n_taken], rest[:n_rest]


@njit(cache=True)
def enrol_trainees(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    staff_days_left: float,
    n: int,
    seat_cost: float,
    staff_days_per_seat: float,
    routed: NDArray[np.int64],
    outreach: int,
    capacity_factor: float,
    complexity: NDArray[np.float64],
    gate_scale: float,
) -> tuple[float, NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Training seats (a stage of :func:`deliver_month`): (staff days left, trainees, rest of the routing queue, gate argument).

    ``lines``: account, spend line, units of seats. Firms routed to training
    come first, each taking its seat with its light acceptance; the seats left
    are offered by the outreach; the trainees are the distinct firms of both in
    increasing order. They are marked engaged and charged, and their absorptive
    capacity is raised once, a <- 1 - (1 - a) ``capacity_factor``
    (:func:`gain_capacity`, as ``state.raise_absorptive_capacity`` does for
    distinct firms); the gate's argument 0.5 (a - c_k) / s of their rows is
    returned for the caller to take its tanh in numpy and hand it to
    :func:`set_gate_rows`.
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    light_acceptance = delivery.light_engagement
    acceptance = delivery.engagement
    engaged = delivery.engaged
    size_class = delivery.size_class
    engaged_by_size = delivery.engaged_by_size
    eligible = np.zeros(0, dtype=np.bool_)
    if routed.size:
        eligible = np.empty(routed.size, dtype=np.bool_)
        uniforms = delivery.rng.random(routed.size)
        for index in range(routed.size):
            eligible[index] = uniforms[index] < light_acceptance[routed[index]]
    trainees, rest = take_routed_firms(routed, n, eligible)
    if trainees.size < n:
        more = outreach_select(
            delivery,
            n - trainees.size,
            acceptance,
            tiers,
            bounds,
            orders,
            ordered,
            cursors,
            False,
            np.zeros(0, dtype=np.int64),
            0,
            np.zeros(0, dtype=np.int8),
            0,
        )
        trainees = union_sorted(trainees, more)
    if trainees.size == 0:
        return staff_days_left, trainees, rest, np.empty((0, complexity.size))
    engage(trainees, engaged, size_class, engaged_by_size)
    staff_days = trainees.size * staff_days_per_seat
    charge_units(books, lines[0], lines[1], trainees.size * seat_cost, staff_days, True)
    books[3][books[5], lines[2]] += trainees.size
    half_z = gain_capacity(
        trainees,
        np.full(1, capacity_factor),
        delivery.absorptive_capacity,
        delivery.rti_affinity,
        acceptance,
        light_acceptance,
        complexity,
        gate_scale,
    )
    return staff_days_left - staff_days, trainees, rest, half_z


@njit(cache=True)
def raise_affinity(
    firms: NDArray[np.int64],
    gain: float,
    affinity: NDArray[np.float64],
    capacity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
) -> None:
    """r <- 1 - (1 - r)(1 - gain) for distinct firms; refresh r a and sqrt(r a) (``mechanisms._raise_affinity``)."""
    if firms.size == 0 or gain <= 0.0:
        return
    for firm in firms:
        raised = 1.0 - (1.0 - affinity[firm]) * (1.0 - gain)
        affinity[firm] = raised
        engaged = raised * capacity[firm]
        engagement[firm] = engaged
        light_engagement[firm] = np.sqrt(engaged)


@njit(cache=True)
def commit_participants(
    firms: NDArray[np.int64],
    gain: float,
    tie_gain: float,
    indptr: NDArray[Any],
    indices: NDArray[Any],
    affinity: NDArray[np.float64],
    capacity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
) -> None:
    """Participation builds commitment (``mechanisms.commit``): the participants' partners gain ``tie_gain``, then they ``gain``.

    Partners are the distinct neighbours of the distinct participants in the
    CSR network (``indptr``, ``indices``).
    """
    if firms.size == 0:
        return
    distinct = union_sorted(firms, firms[:0])
    n_partners = 0
    for firm in distinct:
        n_partners += indptr[firm + 1] - indptr[firm]
    partners = np.empty(n_partners, dtype=np.int64)
    n_partners = 0
    for firm in distinct:
        for entry in range(indptr[firm], indptr[firm + 1]):
            partners[n_partners] = indices[entry]
            n_partners += 1
    partners = union_sorted(partners, partners[:0])
    raise_affinity(partners, tie_gain, affinity, capacity, engagement, light_engagement)
    raise_affinity(distinct, gain, affinity, capacity, engagement, light_engagement)


@njit(cache=True)
def run_projects(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    staff_days_left: float,
    n_projects: int,
    project_size: int,
    seat_cost: float,
    staff_days_per_seat: float,
    focus: NDArray[np.int64],
    focus_cdf: NDArray[np.float64],
    routed: NDArray[np.int64],
    outreach: int,
    commitment: bool,
    commitment_gain: float,
    tie_gain: float,
    channel: NDArray[np.int8],
) -> tuple[float, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Collaborative projects (a stage of :func:`deliver_month`).

    Returns (staff days left, rest of the routing queue, the members' pairs
    (firm * K + technology) of the projects formed one after the other, the
    pairs each made knowledgeable one after the other, and ``formed``: for
    project p, ``[formed[0, p], formed[0, p + 1])`` are its members' pairs and
    ``[formed[1, p], formed[1, p + 1])`` the pairs it made knowledgeable).
    ``lines``: account, spend line, units of seats.

    The ``n_projects`` projects are each given a topic drawn by priority over
    the focus; for each in turn, firms routed to projects that have not adopted
    the topic join first (each with its light acceptance), then the outreach
    fills the seats left among firms that have not adopted it; the members
    become knowledgeable by the project channel, are marked engaged, with
    ``commitment`` on gain affinity (:func:`commit_participants`), and their
    seats are charged. The project's cost support is left to the caller (it is
    recorded in Python, between the projects' marks).
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    indptr = delivery.indptr
    indices = delivery.indices
    affinity = delivery.rti_affinity
    capacity = delivery.absorptive_capacity
    engagement = delivery.engagement
    light_engagement = delivery.light_engagement
    stage = delivery.stage
    stage_counts = delivery.stage_counts
    knowledge_channel = delivery.knowledge_channel
    knowledge_by_channel = delivery.knowledge_by_channel
    size_class = delivery.size_class
    n_sizes = delivery.n_sizes
    n_technologies = delivery.n_technologies
    engaged = delivery.engaged
    engaged_by_size = delivery.engaged_by_size
    topics = focus[np.searchsorted(focus_cdf, delivery.rng.random(n_projects), side="right")]
    member_pairs = np.empty(n_projects * project_size, dtype=np.int64)
    learned = np.empty(n_projects * project_size, dtype=np.int64)
    formed = np.zeros((2, n_projects + 1), dtype=np.int64)
    n_formed = 0
    for tech in topics:
        eligible = np.zeros(0, dtype=np.bool_)
        if routed.size:
            eligible = np.empty(routed.size, dtype=np.bool_)
            uniforms = delivery.rng.random(routed.size)
            for index in range(routed.size):
                firm = routed[index]
                eligible[index] = (stage[firm * n_technologies + tech] < _ADOPTED) & (
                    uniforms[index] < light_engagement[firm]
                )
        members, routed = take_routed_firms(routed, project_size, eligible)
        if members.size < project_size:
            more = outreach_select(
                delivery,
                project_size - members.size,
                engagement,
                tiers,
                bounds,
                orders,
                ordered,
                cursors,
                True,
                np.full(1, tech, dtype=np.int64),
                _ADOPTED,
                stage,
                n_technologies,
            )
            members = union_sorted(members, more)
        if members.size == 0:
            continue
        pairs = members * n_technologies + tech
        moved = raise_to_knowledgeable(
            pairs,
            channel,
            stage,
            stage_counts,
            knowledge_channel,
            knowledge_by_channel,
            size_class,
            n_sizes,
            n_technologies,
        )
        engage(members, engaged, size_class, engaged_by_size)
        if commitment:
            commit_participants(
                members,
                commitment_gain,
                tie_gain,
                indptr,
                indices,
                affinity,
                capacity,
                engagement,
                light_engagement,
            )
        start, learned_start = formed[0, n_formed], formed[1, n_formed]
        member_pairs[start : start + pairs.size] = pairs
        learned[learned_start : learned_start + moved.size] = moved
        n_formed += 1
        formed[0, n_formed] = start + pairs.size
        formed[1, n_formed] = learned_start + moved.size
        staff_days = members.size * staff_days_per_seat
        charge_units(books, lines[0], lines[1], members.size * seat_cost, staff_days, True)
        books[3][books[5], lines[2]] += members.size
        staff_days_left -= staff_days
    return (
        staff_days_left,
        routed,
        member_pairs[: formed[0, n_formed]].copy(),
        learned[: formed[1, n_formed]].copy(),
        formed[:, : n_formed + 1].copy(),
    )


@njit(cache=True)
def visit_demonstrators(
    delivery: DeliveryArrays,
    n: int,
    shown: NDArray[np.int64],
    peers: NDArray[np.int64],
    outreach: int,
    channel: NDArray[np.int8],
) -> tuple[int, NDArray[np.int64]]:
    """Up to ``n`` demonstrator visits (:func:`run_demonstrators_month`): (visitors, pairs to mark changed).

    Only firms that have not adopted every technology ``shown`` visit. A living
    lab's ``peers`` (empty otherwise) come first: in a random order, each visits
    with its acceptance; the visits left are offered by the outreach (the
    visitors are then the distinct firms of both in increasing order). Each
    visitor sees one technology shown, drawn uniformly, and has the knowledge
    trial with success u(a, c). The pairs returned are the pairs visited, then
    those that moved, as they were marked one call after the other.
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    acceptance = delivery.light_engagement
    seen_demonstration = delivery.seen_demonstration
    gate = delivery.gate
    stage = delivery.stage
    stage_counts = delivery.stage_counts
    knowledge_channel = delivery.knowledge_channel
    knowledge_by_channel = delivery.knowledge_by_channel
    size_class = delivery.size_class
    n_sizes = delivery.n_sizes
    n_technologies = delivery.n_technologies
    engaged = delivery.engaged
    engaged_by_size = delivery.engaged_by_size
    visitors = np.zeros(0, dtype=np.int64)
    if peers.size:
        peers = peers[any_stage_below(peers, shown, _ADOPTED, stage, n_technologies)]
        if peers.size:
            peers = permuted(delivery, peers)
            uniforms = delivery.rng.random(peers.size)
            keep = np.empty(peers.size, dtype=np.bool_)
            for index in range(peers.size):
                keep[index] = uniforms[index] < acceptance[peers[index]]
            visitors = peers[keep][:n]
    if visitors.size < n:
        more = outreach_select(
            delivery,
            n - visitors.size,
            acceptance,
            tiers,
            bounds,
            orders,
            ordered,
            cursors,
            True,
            shown,
            _ADOPTED,
            stage,
            n_technologies,
        )
        visitors = union_sorted(visitors, more) if visitors.size else more
    if visitors.size == 0:
        return 0, np.zeros(0, dtype=np.int64)
    seen = shown[delivery.rng.integers(0, shown.size, size=visitors.size)]
    pairs = visitors * n_technologies + seen
    success = np.empty(pairs.size)
    for index in range(pairs.size):
        seen_demonstration[pairs[index]] = True
        success[index] = gate[pairs[index]]
    moved = knowledge_trial_and_engage(
        pairs,
        delivery.rng.random(pairs.size),
        success,
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
        visitors,
        engaged,
        engaged_by_size,
    )
    marked = np.empty(pairs.size + moved.size, dtype=np.int64)
    marked[: pairs.size] = pairs
    marked[pairs.size :] = moved
    return visitors.size, marked


# -- paying from a programme's accounts (programmes.ProgrammeRun.pay_from_all, total_available) --
#
# As the numpy code they replace: Python's min and max (the first of equals), numpy's maximum
# (the first argument unless it is smaller), and a sum in order from the first account (numpy's
# add.reduce adds fewer than 8 numbers in order; there are 6 accounts, which a test checks).


@njit(cache=True)
def _positive_parts(accounts: NDArray[np.float64]) -> NDArray[np.float64]:
    """``np.maximum(accounts, 0.0)``."""
    positive = np.empty(accounts.size)
    for index in range(accounts.size):
        value = accounts[index]
        positive[index] = value if (value >= 0.0 or np.isnan(value)) else 0.0
    return positive


@njit(cache=True)
def _sum_in_order(values: NDArray[np.float64]) -> float:
    total = -0.0
    for value in values:
        total += value
    return total


@njit(cache=True)
def available_in_accounts(accounts: NDArray[np.float64]) -> float:
    """What the accounts hold, their negative balances counted as 0."""
    return _sum_in_order(_positive_parts(accounts))


@njit(cache=True)
def pay_from_accounts(accounts: NDArray[np.float64], first: int, amount: float) -> float:
    """Pay ``amount`` from account ``first``, then from the others in proportion to their balances; return what was paid."""
    balance = accounts[first]
    if balance < 0.0:
        balance = 0.0
    paid = balance if balance < amount else amount
    accounts[first] -= paid
    rest = amount - paid
    if rest > 0.0:
        others = _positive_parts(accounts)
        others[first] = 0.0
        available = _sum_in_order(others)
        if available > 0.0:
            taken = available if available < rest else rest
            share = taken / available
            for index in range(accounts.size):
                accounts[index] -= others[index] * share
            paid += taken
    return paid


@njit(cache=True)
def run_demonstrators_month(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    post_programme: NDArray[np.float64],
    delivering: bool,
    staff_days_left: float,
    dt: float,
    running_cost_per_month: float,
    visitors_per_month: float,
    staff_days_per_visit: float,
    shown: NDArray[np.int64],
    peers: NDArray[np.int64],
    outreach: int,
    channel: NDArray[np.int8],
) -> tuple[bool, float, NDArray[np.int64]]:
    """A month of open demonstrators (the last stage of :func:`deliver_month`): (still open, staff days left, pairs to mark changed).

    ``lines``: the demonstrator account, the running spend line, units of
    demonstrator-months open, units of visits. While ``delivering`` the
    programme pays the running cost (:func:`pay_from_accounts`; the
    demonstrators close if it cannot), otherwise the RTI pays it outside the
    budget (``post_programme``). The number of visits is the expected number
    rounded down or up at random, within what the accounts hold (while
    delivering) and the staff days left; the visits are
    :func:`visit_demonstrators`, their staff time priced and paid as the running cost.
    """
    accounts, spend, units, slot, staff_day_cost = books[0], books[2], books[3], books[5], books[6]
    no_pairs = np.zeros(0, dtype=np.int64)
    running = running_cost_per_month * shown.size * dt
    if delivering:
        paid = pay_from_accounts(accounts, lines[0], running)
        spend[slot, lines[1]] += paid
        if paid < running - 1e-9:
            return False, staff_days_left, no_pairs  # the programme can no longer run them
    else:
        post_programme[slot] += running
    units[slot, lines[2]] += shown.size * dt
    expected = visitors_per_month * shown.size * dt
    wanted = int(expected) + int(delivery.rng.random() < expected - int(expected))
    visit_cost = staff_days_per_visit * staff_day_cost
    if delivering and visit_cost > 0.0:
        wanted = min(wanted, int(available_in_accounts(accounts) // visit_cost))
    n = wanted
    if staff_days_per_visit > 0.0:
        n = max(0, min(wanted, int(staff_days_left // staff_days_per_visit)))
    if n == 0:
        return True, staff_days_left, no_pairs
    visitors, marked = visit_demonstrators(delivery, n, shown, peers, outreach, channel)
    if visitors == 0:
        return True, staff_days_left, no_pairs
    cost = visitors * visit_cost
    if delivering:
        spend[slot, lines[1]] += pay_from_accounts(accounts, lines[0], cost)
    else:
        post_programme[slot] += cost
    units[slot, lines[3]] += visitors
    return True, staff_days_left - visitors * staff_days_per_visit, marked


# -- a programme's month of delivery (instruments.deliver_programmes): one call ----------------
#
# The instruments' kernels above, in the order the RTI buys them (events, diagnostics,
# demonstrators built, projects, training), then the open demonstrators' month, run by one
# kernel call per programme and month instead of a Python function and a kernel call per
# instrument. The programme's plan and its run state are in its DeliveryArrays handle:
#
# * ``lines``: per stage, the book lines its kernel takes (account, spend line, unit lines);
#   the demonstrators' running month is row ``RUNNING``;
# * ``prices``: per buying stage, the price of a unit (its cost plus its staff days priced) and
#   its staff days (``UNIT_DAYS`` + stage), then the design's figures at the ``P_*`` positions;
# * ``settings``: integers and switches at the ``S_*`` positions, and each stage's outreach row
#   (``S_OUTREACH`` + stage; the running month's is that of the demonstrator);
# * ``channels``: the one-entry channel arrays of diagnostics, projects and the demonstrators.
#
# The kernel returns to Python where a rule needs it, and Python calls it again from where it
# stopped: after a living lab is built (its partners' co-creation), after projects formed
# (their cost support, between their marks) and after training (the gate's tanh in numpy).

#: Stages of a programme's month, in order; a stage is also the row of its book lines.
EVENTS, DIAGNOSTICS, BUILD, PROJECTS, TRAINING, RUNNING = 0, 1, 2, 3, 4, 5
#: What deliver_month returns after the month: demonstrators are open (they may run next month), or
#: not; or the month is over but for the trainees' gate rows (no demonstrator runs after training).
DONE, IDLE, GATE_ROWS = 6, 7, 8
#: Positions in ``prices``: a unit's staff days per buying stage, then the design's figures.
UNIT_DAYS = 5
(
    P_EVENT_COST,
    P_DIAGNOSTIC_COST,
    P_DEMONSTRATOR_COST,
    P_SEAT_COST,
    P_SEAT_DAYS,
    P_TRAINING_COST,
    P_TRAINING_DAYS,
    P_EVENT_DAYS,
    P_DIAGNOSTIC_DAYS,
    P_ROUTING_THRESHOLD,
    P_COMMITMENT_GAIN,
    P_TIE_GAIN,
    P_CAPACITY_FACTOR,
    P_GATE_SCALE,
    P_DT,
    P_RUNNING_COST,
    P_VISITORS,
    P_VISIT_DAYS,
) = range(10, 28)
N_PRICES = 28
#: Positions in ``settings``; each stage's outreach row is at ``S_OUTREACH`` + stage.
S_ATTENDEES, S_DEPTH, S_ROUTING, S_PROJECT_SIZE, S_COMMITMENT, S_LIVING_LAB, S_CLOSE_AFTER = range(7)
S_OUTREACH = 7
N_SETTINGS = S_OUTREACH + RUNNING + 1
#: Rows of ``channels``.
C_DIAGNOSTIC, C_PROJECT, C_DEMONSTRATOR = 0, 1, 2


@njit(cache=True)
def units_affordable(
    accounts: NDArray[np.float64], account: int, price: float, staff_days: float, staff_days_left: float
) -> int:
    """Units the account can pay for (their staff days priced), within the staff days left.

    None when the account is below one unit's price or the staff days left are
    below one unit's; an instrument that takes no staff time is limited by its
    account alone (``int(balance // price)``, as the Python rule it replaces).
    """
    balance = accounts[account]
    if balance < price or (staff_days > 0.0 and staff_days_left < staff_days):
        return 0
    wanted = int(balance // price)
    if staff_days <= 0.0:
        return wanted
    return max(0, min(wanted, int(staff_days_left // staff_days)))


@njit(cache=True)
def _append_marks(
    marks: NDArray[np.int64], n_marks: int, pairs: NDArray[np.int64]
) -> tuple[NDArray[np.int64], int]:
    """``pairs`` after the first ``n_marks`` of ``marks`` (grown when full)."""
    if n_marks + pairs.size > marks.size:
        grown = np.empty(max(2 * marks.size, n_marks + pairs.size), dtype=np.int64)
        grown[:n_marks] = marks[:n_marks]
        marks = grown
    marks[n_marks : n_marks + pairs.size] = pairs
    return marks, n_marks + pairs.size


@njit(cache=True)
def build_demonstrators(delivery: DeliveryArrays, focus: NDArray[np.int64]) -> int:
    """Build a demonstrator for each top priority technology the demonstrator account can pay for.

    Technologies are taken in focus order; one already shown is passed over, and
    building stops at the first the account cannot pay for. Each is charged
    (no staff time) and counted. Returns the technology of a living lab just
    built (its partners co-create it, in Python, before building goes on), else -1.
    """
    books = delivery.books
    accounts, units, slot = books[0], books[3], books[5]
    lines = delivery.lines[BUILD]
    cost = delivery.prices[P_DEMONSTRATOR_COST]
    for tech in focus:
        shown = delivery.shown
        built = False
        for other in shown:
            if other == tech:
                built = True
                break
        if built:
            continue
        if accounts[lines[0]] < cost:
            break
        grown = np.empty(shown.size + 1, dtype=np.int64)
        grown[: shown.size] = shown
        grown[shown.size] = tech
        delivery.shown = grown
        charge_units(books, lines[0], lines[1], cost, 0.0, False)
        units[slot, lines[2]] += 1
        if delivery.settings[S_LIVING_LAB]:
            return tech
    return -1


@njit(cache=True)
def deliver_month(
    delivery: DeliveryArrays,
    start: int,
    staff_days_left: float,
    delivering: bool,
    focus: NDArray[np.int64],
    focus_cdf: NDArray[np.float64],
    competence: NDArray[np.float64],
    gate_values: NDArray[np.float64],
) -> tuple[int, float, NDArray[np.int64], int]:
    """A programme's month from stage ``start`` on: (where to go on, staff days left, pairs to mark changed, a count).

    Fuses ``instruments.deliver_programmes``' purchases and the demonstrators'
    month: each buying stage buys the units its account and the staff days left
    allow (:func:`units_affordable`) with its kernel (:func:`hold_events`,
    :func:`diagnose`, :func:`build_demonstrators`, :func:`run_projects`,
    :func:`enrol_trainees`), then :func:`run_demonstrators_month` runs the open
    demonstrators (``start`` is ``RUNNING`` when the programme is not
    delivering). The pairs to mark changed are those of the stages run, in order.

    It returns to the caller to go on from the stage returned: ``BUILD`` after a
    living lab is built (the count is its technology: its partners co-create it),
    ``TRAINING`` after projects formed (``project_pairs``, ``project_learned``,
    ``project_formed`` hold them: see :func:`run_projects`), ``RUNNING`` after
    training (the count is the number of ``trainees`` who took seats; the first
    rows of ``half_z`` are the gate argument of their rows, and the call that
    goes on takes their tanh as ``gate_values``, sets their gate rows and marks
    them first); ``GATE_ROWS`` instead when no demonstrator runs after training:
    the first rows of ``trainee_rows`` are the trainees, whose gate rows the
    caller sets itself (:func:`set_gate_rows`), the month over (``IDLE``).
    Only the pairs to mark come back as an array: each array a
    kernel returns costs about 0.6 us to hand to Python. ``DONE`` or ``IDLE`` ends the month:
    whether the demonstrators are open.
    """
    books = delivery.books
    accounts = books[0]
    lines, prices, settings, channels = delivery.lines, delivery.prices, delivery.settings, delivery.channels
    marks = np.empty(0 if start == RUNNING else 64, dtype=np.int64)
    n_marks = 0
    stage = start
    if stage == EVENTS:
        n = units_affordable(accounts, lines[EVENTS, 0], prices[EVENTS], prices[UNIT_DAYS], staff_days_left)
        if n > 0:
            staff_days_left, moved = hold_events(
                delivery,
                books,
                lines[EVENTS],
                staff_days_left,
                n,
                prices[P_EVENT_COST],
                prices[P_EVENT_DAYS],
                settings[S_ATTENDEES],
                focus,
                focus_cdf,
                settings[S_OUTREACH + EVENTS],
            )
            marks, n_marks = _append_marks(marks, n_marks, moved)
        stage = DIAGNOSTICS
    if stage == DIAGNOSTICS:
        n = units_affordable(
            accounts,
            lines[DIAGNOSTICS, 0],
            prices[DIAGNOSTICS],
            prices[UNIT_DAYS + DIAGNOSTICS],
            staff_days_left,
        )
        if n > 0:
            staff_days_left, moved, delivery.routed_training, delivery.routed_projects = diagnose(
                delivery,
                books,
                lines[DIAGNOSTICS],
                staff_days_left,
                n,
                prices[P_DIAGNOSTIC_COST],
                prices[P_DIAGNOSTIC_DAYS],
                settings[S_OUTREACH + DIAGNOSTICS],
                settings[S_DEPTH],
                competence,
                settings[S_ROUTING] != 0,
                prices[P_ROUTING_THRESHOLD],
                focus,
                delivery.routed_training,
                delivery.routed_projects,
                channels[C_DIAGNOSTIC],
            )
            marks, n_marks = _append_marks(marks, n_marks, moved)
        stage = BUILD
    if stage == BUILD:
        living_lab = build_demonstrators(delivery, focus)
        if living_lab >= 0:
            return BUILD, staff_days_left, marks[:n_marks].copy(), living_lab
        stage = PROJECTS
    if stage == PROJECTS:
        stage = TRAINING
        size = settings[S_PROJECT_SIZE]
        n = units_affordable(
            accounts, lines[PROJECTS, 0], prices[PROJECTS], prices[UNIT_DAYS + PROJECTS], staff_days_left
        )
        if n > 0:
            (
                staff_days_left,
                delivery.routed_projects,
                delivery.project_pairs,
                delivery.project_learned,
                delivery.project_formed,
            ) = run_projects(
                delivery,
                books,
                lines[PROJECTS],
                staff_days_left,
                n,
                size,
                prices[P_SEAT_COST],
                prices[P_SEAT_DAYS],
                focus,
                focus_cdf,
                delivery.routed_projects,
                settings[S_OUTREACH + PROJECTS],
                settings[S_COMMITMENT] != 0,
                prices[P_COMMITMENT_GAIN],
                prices[P_TIE_GAIN],
                channels[C_PROJECT],
            )
            if delivery.project_pairs.size:
                return TRAINING, staff_days_left, marks[:n_marks].copy(), -1
    if stage == TRAINING:
        n = units_affordable(
            accounts, lines[TRAINING, 0], prices[TRAINING], prices[UNIT_DAYS + TRAINING], staff_days_left
        )
        if n > 0:
            staff_days_left, trainees, delivery.routed_training, half_z = enrol_trainees(
                delivery,
                books,
                lines[TRAINING],
                staff_days_left,
                n,
                prices[P_TRAINING_COST],
                prices[P_TRAINING_DAYS],
                delivery.routed_training,
                settings[S_OUTREACH + TRAINING],
                prices[P_CAPACITY_FACTOR],
                delivery.complexity,
                prices[P_GATE_SCALE],
            )
            if trainees.size:
                delivery.half_z[: trainees.size] = half_z
                if delivery.shown.size == 0 or not delivery.demonstrators_open:
                    delivery.trainee_rows[: trainees.size] = trainees
                    return GATE_ROWS, staff_days_left, marks[:n_marks].copy(), trainees.size
                delivery.trainees = trainees
                return RUNNING, staff_days_left, marks[:n_marks].copy(), trainees.size
        stage = RUNNING
    if gate_values.shape[0]:  # the last trainees' gate rows, from numpy's tanh
        marks, n_marks = _append_marks(
            marks, n_marks, set_gate_rows(delivery.trainees, gate_values, delivery.gate)
        )
    shown = delivery.shown
    if shown.size == 0 or not delivery.demonstrators_open:
        return IDLE, staff_days_left, marks[:n_marks].copy(), -1
    if not delivering and settings[S_CLOSE_AFTER]:
        delivery.demonstrators_open = False
        return IDLE, staff_days_left, marks[:n_marks].copy(), -1
    delivery.demonstrators_open, staff_days_left, moved = run_demonstrators_month(
        delivery,
        books,
        lines[RUNNING],
        delivery.post_programme,
        delivering,
        staff_days_left,
        prices[P_DT],
        prices[P_RUNNING_COST],
        prices[P_VISITORS],
        prices[P_VISIT_DAYS],
        shown,
        delivery.peers,
        settings[S_OUTREACH + RUNNING],
        channels[C_DEMONSTRATOR],
    )
    marks, n_marks = _append_marks(marks, n_marks, moved)
    return (
        DONE if delivery.demonstrators_open else IDLE,
        staff_days_left,
        marks[:n_marks].copy(),
        -1,
    )


@njit(cache=True)
def seat_projects(
    delivery: DeliveryArrays, end_month: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The projects the last :func:`deliver_month` call formed: (members' pairs, pairs learned, ``formed``).

    Their seats join the running ones, each until ``end_month``: the lists grow as
    ``np.concatenate`` would, firm = pair // K and technology = pair - firm K.
    """
    pairs, k = delivery.project_pairs, delivery.n_technologies
    kept = delivery.seat_end.size
    seat_end = np.empty(kept + pairs.size)
    seat_firm = np.empty(kept + pairs.size, dtype=np.int64)
    seat_tech = np.empty(kept + pairs.size, dtype=np.int64)
    seat_end[:kept] = delivery.seat_end
    seat_firm[:kept] = delivery.seat_firm
    seat_tech[:kept] = delivery.seat_tech
    for index in range(pairs.size):
        firm = pairs[index] // k
        seat_end[kept + index] = end_month
        seat_firm[kept + index] = firm
        seat_tech[kept + index] = pairs[index] - firm * k
    delivery.seat_end, delivery.seat_firm, delivery.seat_tech = seat_end, seat_firm, seat_tech
    return pairs, delivery.project_learned, delivery.project_formed


@njit(cache=True)
def take_due_seats(
    delivery: DeliveryArrays, month: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], float]:
    """:func:`take_due_projects` of the programme's running seats: (firms due, projects completed per technology, the earliest end month left)."""
    firms, completed, delivery.seat_end, delivery.seat_firm, delivery.seat_tech, first_end = (
        take_due_projects(
            month, delivery.seat_end, delivery.seat_firm, delivery.seat_tech, delivery.n_technologies
        )
    )
    return firms, completed, first_end


@njit(cache=True)
def set_books(delivery: DeliveryArrays, books: tuple[Any, ...], post_programme: NDArray[np.float64]) -> None:
    """The programme's books and the RTI's running costs after it (the step's records: a run reuses them)."""
    delivery.books = books
    delivery.post_programme = post_programme


@njit(cache=True)
def set_first_visitors(delivery: DeliveryArrays, peers: NDArray[np.int64]) -> None:
    """A living lab's visitors first: its partners' peers and trading partners."""
    delivery.peers = peers


# -- projects that end (instruments.complete_projects) ------------------------------------------


@njit(cache=True)
def take_due_projects(
    month: float,
    project_end: NDArray[np.float64],
    project_firm: NDArray[np.int64],
    project_tech: NDArray[np.int64],
    n_technologies: int,
) -> tuple[
    NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], float
]:
    """The project seats due by ``month`` taken from the lists of running seats.

    Returns (firms of the seats due, in list order; projects completed per
    technology, a project being one distinct (end month, technology); the end
    months, firms and technologies of the seats still running; the earliest
    end month still running, infinite if none).
    """
    n_due = 0
    for end in project_end:
        if end <= month:
            n_due += 1
    firms = np.empty(n_due, dtype=np.int64)
    completed = np.zeros(n_technologies, dtype=np.int64)
    kept = project_end.size - n_due
    end_kept = np.empty(kept)
    firm_kept = np.empty(kept, dtype=np.int64)
    tech_kept = np.empty(kept, dtype=np.int64)
    n_due = 0
    kept = 0
    first_end = np.inf
    for index in range(project_end.size):
        end, tech = project_end[index], project_tech[index]
        if end <= month:
            firms[n_due] = project_firm[index]
            n_due += 1
            counted = False  # a seat of a project already counted?
            for earlier in range(index):
                if project_end[earlier] == end and project_tech[earlier] == tech:
                    counted = True
                    break
            if not counted:
                completed[tech] += 1
        else:
            end_kept[kept], firm_kept[kept], tech_kept[kept] = end, project_firm[index], tech
            kept += 1
            if end < first_end:
                first_end = end
    return firms, completed, end_kept, firm_kept, tech_kept, first_end


# -- legitimacy (schedule.refresh_hazards, on behalf of adoption.prepare_adoption) ----------------


@njit(cache=True)
def legitimacy_reached(
    legitimacy: NDArray[np.float64],
    applied: NDArray[np.float64],
    order: NDArray[np.int64],
    sorted_thresholds: NDArray[np.float64],
    stage: NDArray[np.int8],
) -> NDArray[np.int64]:
    """Knowledgeable pairs whose firm's threshold L_k has just reached: in (applied_k, L_k].

    For every technology whose L_k rose, the firms with thresholds in that
    interval (``order`` sorts firms by threshold) in threshold order; ``applied``
    is raised to L_k.
    """
    k = legitimacy.size
    n_found = 0
    found = np.empty(16, dtype=np.int64)
    for tech in range(k):
        if not legitimacy[tech] > applied[tech]:
            continue
        low = np.searchsorted(sorted_thresholds, applied[tech], side="right")
        high = np.searchsorted(sorted_thresholds, legitimacy[tech], side="right")
        for position in range(low, high):
            pair = order[position] * k + tech
            if stage[pair] != _KNOWLEDGEABLE:
                continue
            if n_found == found.size:
                grown = np.empty(2 * found.size, dtype=np.int64)
                grown[:n_found] = found
                found = grown
            found[n_found] = pair
            n_found += 1
        applied[tech] = legitimacy[tech]
    return found[:n_found].copy()


# -- small helpers of the instruments ------------------------------------------------------------


@njit(cache=True)
def engage(
    firms: NDArray[np.int64],
    engaged: NDArray[np.bool_],
    size_class: NDArray[np.int8],
    engaged_by_size: NDArray[np.int64],
) -> None:
    """Firms dealt with the RTI: those not engaged before count once in ``engaged_by_size``.

    Whether a firm is new is read for all of them before any is marked (as a
    numpy gather then scatter would), so a firm listed twice counts twice.
    """
    new = np.empty(firms.size, dtype=np.bool_)
    for index in range(firms.size):
        new[index] = not engaged[firms[index]]
    for index in range(firms.size):
        if new[index]:
            firm = firms[index]
            engaged[firm] = True
            engaged_by_size[size_class[firm]] += 1


@njit(cache=True)
def union_sorted(first: NDArray[np.int64], second: NDArray[np.int64]) -> NDArray[np.int64]:
    """The distinct values of both arrays in increasing order (``np.unique(np.concatenate(...))``)."""
    ordered = np.sort(np.concatenate((first, second)))
    distinct = np.empty(ordered.size, dtype=np.int64)
    n_distinct = 0
    for index in range(ordered.size):
        if index == 0 or ordered[index] != ordered[index - 1]:
            distinct[n_distinct] = ordered[index]
            n_distinct += 1
    return distinct[:n_distinct]


@njit(cache=True)
def stop_clocks(pairs: NDArray[np.int64], rate: NDArray[np.float64], due: NDArray[np.float64]) -> None:
    """Pairs that have moved on: their clock no longer runs (``TransitionClocks.stop``)."""
    for pair in pairs:
        rate[pair] = 0.0
        due[pair] = np.inf


# -- programme accounts (programmes.ProgrammeRun.fund) -------------------------------------------


@njit(cache=True)
def flow_into_accounts(
    accounts: NDArray[np.float64],
    inflow_since_review: NDArray[np.float64],
    shares: NDArray[np.float64],
    inflow: float,
) -> None:
    """This step's inflow enters each account by its share, and the inflow since the last review.

    Fuses ``accounts += shares * inflow`` and ``inflow_since_review += shares * inflow``
    (two numpy products, two additions and two temporaries on six entries): the same
    product, added to each.
    """
    for index in range(shares.size):
        amount = shares[index] * inflow
        accounts[index] += amount
        inflow_since_review[index] += amount


# -- fused sub-steps -----------------------------------------------------------------------------


@njit(cache=True)
def transfer_due_knowledge(
    moving: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    knowledge_channel: NDArray[np.int8],
    is_lead: NDArray[np.bool_],
    is_rti_channel: NDArray[np.bool_],
    buyers_indptr: NDArray[np.int64],
    buyers: NDArray[np.int64],
    channel_of_term: NDArray[np.int8],
    two_step_channel: int,
    lead_firm_channel: int,
    stage_counts: NDArray[np.int64],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
    rate: NDArray[np.float64],
    due: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Pairs whose knowledge clock ran out become knowledgeable by the channel drawn; return those that moved.

    :func:`knowledge_terms`, then :func:`knowledge_channels`, then
    :func:`raise_to_knowledgeable`, then the clocks stop (``transfer.transfer_knowledge``), in one call.
    """
    learning, imitation, supply = knowledge_terms(
        moving,
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
    )
    channel = knowledge_channels(
        moving,
        uniforms,
        learning,
        imitation,
        supply,
        n_technologies,
        stage,
        knowledge_channel,
        is_lead,
        is_rti_channel,
        buyers_indptr,
        buyers,
        pressure,
        channel_of_term,
        two_step_channel,
        lead_firm_channel,
    )
    moved = raise_to_knowledgeable(
        moving,
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
    )
    stop_clocks(moving, rate, due)
    return moved


# -- the hazards' arrays (transfer.transfer_knowledge, schedule.refresh_hazards) -----------------
#
# The knowledge transfer and the refresh before the adoption decision are called every step with
# some forty arguments that do not change during a run: arrays of the state and data changed in
# place (none is replaced during a run) and the run's constants. A HazardArrays handle (a
# structref, as DeliveryArrays) holds them, built once per run (``transfer.hazard_arrays``), and
# crosses as one argument (about 0.45 us instead of about 0.05 us per argument). The kernels that
# take it pass its fields on to the kernels above, unchanged.

#: (field, numba type) of a HazardArrays handle: what :func:`refresh_and_transfer_knowledge` takes after
#: the stream, then what :func:`refresh_marked_clocks_and_utility` takes after the knowledge clocks, then
#: the scratch flags of :func:`distinct_marked`, then the postponement queue (:func:`queue_postponed`),
#: then the stream that attributes the knowledge transfers' channels (a RandomStream held in the
#: handle: a structref argument costs about 0.7 us to pass, a field of one nothing), then the buffers
#: the refresh before the adoption decision writes its pairs and their tanh arguments to (one entry
#: per pair: an array returned costs about 0.55 us to box, an array passed back in more), then what
#: that refresh takes that is fixed for the run: 0.5 beta, the step's L_k (the run's one array, empty
#: when the mechanism is off), whether legitimacy marks pairs, L_k applied, the firms by threshold.
_HAZARD_FIELDS: tuple[tuple[str, Any], ...] = (
    ("n_technologies", types.int64),
    ("stage", types.Array(types.int8, 1, "C")),
    ("gate", types.Array(types.float64, 1, "C")),
    ("learning_hazard", types.Array(types.float64, 1, "C")),
    ("imitation_strength", types.Array(types.float64, 1, "C")),
    ("supply_chain_hazard", types.float64),
    ("peer_imitation", types.boolean),
    ("supply_chain_transfer", types.boolean),
    ("numerator", types.Array(types.float64, 1, "C")),
    ("inverse_weight", types.Array(types.float64, 1, "C")),
    ("adopters", types.Array(types.float64, 1, "C")),
    ("complete_divisor", types.float64),
    ("pressure", types.Array(types.float64, 1, "C")),
    ("remaining", types.Array(types.float64, 1, "A")),
    ("rate", types.Array(types.float64, 1, "A")),
    ("since", types.Array(types.float64, 1, "A")),
    ("due", types.Array(types.float64, 1, "A")),
    ("earliest", types.Array(types.float64, 1, "C")),
    ("knowledge_channel", types.Array(types.int8, 1, "C")),
    ("is_lead", types.Array(types.boolean, 1, "C")),
    ("is_rti_channel", types.Array(types.boolean, 1, "C")),
    ("buyers_indptr", types.Array(types.int64, 1, "C")),
    ("buyers", types.Array(types.int64, 1, "C")),
    ("channel_of_term", types.Array(types.int8, 1, "C")),
    ("two_step_channel", types.int64),
    ("lead_firm_channel", types.int64),
    ("stage_counts", types.Array(types.int64, 1, "C")),
    ("knowledge_by_channel", types.Array(types.int64, 1, "C")),
    ("size_class", types.Array(types.int8, 1, "C")),
    ("n_sizes", types.int64),
    ("log_benefit_cost", types.Array(types.float64, 1, "C")),
    ("risk", types.Array(types.float64, 1, "C")),
    ("demonstration_risk_reduction", types.float64),
    ("seen_demonstration", types.Array(types.boolean, 1, "C")),
    ("exposure_risk_reduction", types.float64),
    ("requirement", types.Array(types.float64, 1, "C")),
    ("legitimacy_threshold", types.Array(types.float64, 1, "C")),
    ("legitimacy_bonus", types.float64),
    ("flags", types.Array(types.boolean, 1, "C")),
    ("queue_pairs", types.Array(types.int64, 1, "C")),
    ("queue_until", types.Array(types.float64, 1, "C")),
    ("queue_ends", types.Array(types.int64, 1, "C")),
    ("attribution", _RANDOM_STREAM),
    ("refreshed_pairs", types.Array(types.int64, 1, "C")),
    ("refreshed_tanh", types.Array(types.float64, 1, "C")),
    ("half_slope", types.float64),
    ("legitimacy", types.Array(types.float64, 1, "C")),
    ("mark_legitimacy", types.boolean),
    ("legitimacy_applied", types.Array(types.float64, 1, "C")),
    ("firms_by_threshold", types.Array(types.int64, 1, "C")),
    ("sorted_thresholds", types.Array(types.float64, 1, "C")),
)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    class HazardArrays:
        """The arrays and constants of a run that the hazards' kernels take (``_HAZARD_FIELDS``)."""

        n_technologies: int
        stage: NDArray[np.int8]
        gate: NDArray[np.float64]
        learning_hazard: NDArray[np.float64]
        imitation_strength: NDArray[np.float64]
        supply_chain_hazard: float
        peer_imitation: bool
        supply_chain_transfer: bool
        numerator: NDArray[np.float64]
        inverse_weight: NDArray[np.float64]
        adopters: NDArray[np.float64]
        complete_divisor: float
        pressure: NDArray[np.float64]
        remaining: NDArray[np.float64]
        rate: NDArray[np.float64]
        since: NDArray[np.float64]
        due: NDArray[np.float64]
        earliest: NDArray[np.float64]
        knowledge_channel: NDArray[np.int8]
        is_lead: NDArray[np.bool_]
        is_rti_channel: NDArray[np.bool_]
        buyers_indptr: NDArray[np.int64]
        buyers: NDArray[np.int64]
        channel_of_term: NDArray[np.int8]
        two_step_channel: int
        lead_firm_channel: int
        stage_counts: NDArray[np.int64]
        knowledge_by_channel: NDArray[np.int64]
        size_class: NDArray[np.int8]
        n_sizes: int
        log_benefit_cost: NDArray[np.float64]
        risk: NDArray[np.float64]
        demonstration_risk_reduction: float
        seen_demonstration: NDArray[np.bool_]
        exposure_risk_reduction: float
        requirement: NDArray[np.float64]
        legitimacy_threshold: NDArray[np.float64]
        legitimacy_bonus: float
        flags: NDArray[np.bool_]
        queue_pairs: NDArray[np.int64]
        queue_until: NDArray[np.float64]
        queue_ends: NDArray[np.int64]
        attribution: RandomStream
        refreshed_pairs: NDArray[np.int64]
        refreshed_tanh: NDArray[np.float64]
        half_slope: float
        legitimacy: NDArray[np.float64]
        mark_legitimacy: bool
        legitimacy_applied: NDArray[np.float64]
        firms_by_threshold: NDArray[np.int64]
        sorted_thresholds: NDArray[np.float64]

        def __init__(self, *values: Any) -> None:
            for (name, _), value in zip(_HAZARD_FIELDS, values, strict=True):
                setattr(self, name, value)

    def hazard_arrays(*values: Any) -> HazardArrays:
        """A :class:`HazardArrays` handle on the values given, in the order of ``_HAZARD_FIELDS``."""
        return HazardArrays(*values)

else:

    @structref.register
    class _HazardArraysType(types.StructRef):
        def preprocess_fields(self, fields: Any) -> tuple[tuple[str, Any], ...]:
            return tuple((name, types.unliteral(field_type)) for name, field_type in fields)

    class HazardArrays(structref.StructRefProxy):  # type: ignore[no-redef]
        """The arrays and constants of a run that the hazards' kernels take: one argument."""

    structref.define_boxing(_HazardArraysType, HazardArrays)
    _HAZARD_ARRAYS = _HazardArraysType(list(_HAZARD_FIELDS))

    @njit(cache=True)
    def hazard_arrays(  # type: ignore[misc]
        n_technologies: int,
        stage: NDArray[np.int8],
        gate: NDArray[np.float64],
        learning_hazard: NDArray[np.float64],
        imitation_strength: NDArray[np.float64],
        supply_chain_hazard: float,
        peer_imitation: bool,
        supply_chain_transfer: bool,
        numerator: NDArray[np.float64],
        inverse_weight: NDArray[np.float64],
        adopters: NDArray[np.float64],
        complete_divisor: float,
        pressure: NDArray[np.float64],
        remaining: NDArray[np.float64],
        rate: NDArray[np.float64],
        since: NDArray[np.float64],
        due: NDArray[np.float64],
        earliest: NDArray[np.float64],
        knowledge_channel: NDArray[np.int8],
        is_lead: NDArray[np.bool_],
        is_rti_channel: NDArray[np.bool_],
        buyers_indptr: NDArray[np.int64],
        buyers: NDArray[np.int64],
        channel_of_term: NDArray[np.int8],
        two_step_channel: int,
        lead_firm_channel: int,
        stage_counts: NDArray[np.int64],
        knowledge_by_channel: NDArray[np.int64],
        size_class: NDArray[np.int8],
        n_sizes: int,
        log_benefit_cost: NDArray[np.float64],
        risk: NDArray[np.float64],
        demonstration_risk_reduction: float,
        seen_demonstration: NDArray[np.bool_],
        exposure_risk_reduction: float,
        requirement: NDArray[np.float64],
        legitimacy_threshold: NDArray[np.float64],
        legitimacy_bonus: float,
        flags: NDArray[np.bool_],
        queue_pairs: NDArray[np.int64],
        queue_until: NDArray[np.float64],
        queue_ends: NDArray[np.int64],
        attribution: RandomStream,
        refreshed_pairs: NDArray[np.int64],
        refreshed_tanh: NDArray[np.float64],
        half_slope: float,
        legitimacy: NDArray[np.float64],
        mark_legitimacy: bool,
        legitimacy_applied: NDArray[np.float64],
        firms_by_threshold: NDArray[np.int64],
        sorted_thresholds: NDArray[np.float64],
    ) -> HazardArrays:
        """A :class:`HazardArrays` handle on the arrays given (not copied)."""
        hazard: HazardArrays = structref.new(_HAZARD_ARRAYS)  # type: ignore[call-arg]
        hazard.n_technologies = n_technologies
        hazard.stage = stage
        hazard.gate = gate
        hazard.learning_hazard = learning_hazard
        hazard.imitation_strength = imitation_strength
        hazard.supply_chain_hazard = supply_chain_hazard
        hazard.peer_imitation = peer_imitation
        hazard.supply_chain_transfer = supply_chain_transfer
        hazard.numerator = numerator
        hazard.inverse_weight = inverse_weight
        hazard.adopters = adopters
        hazard.complete_divisor = complete_divisor
        hazard.pressure = pressure
        hazard.remaining = remaining
        hazard.rate = rate
        hazard.since = since
        hazard.due = due
        hazard.earliest = earliest
        hazard.knowledge_channel = knowledge_channel
        hazard.is_lead = is_lead
        hazard.is_rti_channel = is_rti_channel
        hazard.buyers_indptr = buyers_indptr
        hazard.buyers = buyers
        hazard.channel_of_term = channel_of_term
        hazard.two_step_channel = two_step_channel
        hazard.lead_firm_channel = lead_firm_channel
        hazard.stage_counts = stage_counts
        hazard.knowledge_by_channel = knowledge_by_channel
        hazard.size_class = size_class
        hazard.n_sizes = n_sizes
        hazard.log_benefit_cost = log_benefit_cost
        hazard.risk = risk
        hazard.demonstration_risk_reduction = demonstration_risk_reduction
        hazard.seen_demonstration = seen_demonstration
        hazard.exposure_risk_reduction = exposure_risk_reduction
        hazard.requirement = requirement
        hazard.legitimacy_threshold = legitimacy_threshold
        hazard.legitimacy_bonus = legitimacy_bonus
        hazard.flags = flags
        hazard.queue_pairs = queue_pairs
        hazard.queue_until = queue_until
        hazard.queue_ends = queue_ends
        hazard.attribution = attribution
        hazard.refreshed_pairs = refreshed_pairs
        hazard.refreshed_tanh = refreshed_tanh
        hazard.half_slope = half_slope
        hazard.legitimacy = legitimacy
        hazard.mark_legitimacy = mark_legitimacy
        hazard.legitimacy_applied = legitimacy_applied
        hazard.firms_by_threshold = firms_by_threshold
        hazard.sorted_thresholds = sorted_thresholds
        return hazard


@njit(cache=True)
def transfer_knowledge_with(
    marked: NDArray[np.int64],
    now: float,
    until: float,
    mark_knowing: bool,
    hazard: HazardArrays,
) -> NDArray[np.int64]:
    """:func:`refresh_and_transfer_knowledge` with its run's arrays from ``hazard``: the pairs to mark as changed.

    Those are the knowledgeable pairs marked (when ``mark_knowing``), then the
    pairs that moved: the two arrays the caller marked one after the other, as one
    (one array to return and one mark instead of two).
    """
    knowing, moved = refresh_and_transfer_knowledge(
        marked,
        hazard.flags,
        now,
        until,
        hazard.attribution,
        hazard.n_technologies,
        hazard.stage,
        hazard.gate,
        hazard.learning_hazard,
        hazard.imitation_strength,
        hazard.supply_chain_hazard,
        hazard.peer_imitation,
        hazard.supply_chain_transfer,
        hazard.numerator,
        hazard.inverse_weight,
        hazard.adopters,
        hazard.complete_divisor,
        hazard.pressure,
        hazard.remaining,
        hazard.rate,
        hazard.since,
        hazard.due,
        hazard.earliest,
        hazard.knowledge_channel,
        hazard.is_lead,
        hazard.is_rti_channel,
        hazard.buyers_indptr,
        hazard.buyers,
        hazard.channel_of_term,
        hazard.two_step_channel,
        hazard.lead_firm_channel,
        hazard.stage_counts,
        hazard.knowledge_by_channel,
        hazard.size_class,
        hazard.n_sizes,
    )
    if not mark_knowing or knowing.size == 0:
        return moved
    if moved.size == 0:
        return knowing
    return np.concatenate((knowing, moved))


@njit(cache=True)
def refresh_marked_clocks_and_utility_with(
    marked: NDArray[np.int64],
    now: float,
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    hazard: HazardArrays,
) -> int:
    """:func:`refresh_marked_clocks_and_utility` with its run's arrays from ``hazard``: the number of pairs refreshed.

    The pairs whose postponement ends by ``now`` (:func:`take_ended_postponements`)
    are marked too, after ``marked``: they reconsider from the start of the step.
    The knowledgeable pairs refreshed and their tanh arguments are written to the
    front of ``hazard.refreshed_pairs`` and ``hazard.refreshed_tanh``, where numpy
    takes the tanh in place and :func:`due_adoption_arguments_with` reads them.
    """
    ended = take_ended_postponements(now, hazard.queue_pairs, hazard.queue_until, hazard.queue_ends)
    if ended.size:
        marked = np.concatenate((marked, ended))
    knowing, arguments = refresh_marked_clocks_and_utility(
        marked,
        hazard.flags,
        now,
        hazard.half_slope,
        hazard.legitimacy,
        grant_term,
        support_term,
        hazard.mark_legitimacy,
        hazard.legitimacy_applied,
        hazard.firms_by_threshold,
        hazard.sorted_thresholds,
        hazard.n_technologies,
        hazard.stage,
        hazard.gate,
        hazard.learning_hazard,
        hazard.imitation_strength,
        hazard.supply_chain_hazard,
        hazard.peer_imitation,
        hazard.supply_chain_transfer,
        hazard.numerator,
        hazard.inverse_weight,
        hazard.adopters,
        hazard.complete_divisor,
        hazard.pressure,
        hazard.remaining,
        hazard.rate,
        hazard.since,
        hazard.due,
        hazard.earliest,
        hazard.log_benefit_cost,
        hazard.risk,
        hazard.demonstration_risk_reduction,
        hazard.seen_demonstration,
        hazard.exposure_risk_reduction,
        hazard.requirement,
        hazard.legitimacy_threshold,
        hazard.legitimacy_bonus,
    )
    n_refreshed = knowing.size
    hazard.refreshed_pairs[:n_refreshed] = knowing
    hazard.refreshed_tanh[:n_refreshed] = arguments
    return n_refreshed


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

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    class TallyArrays:
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

        def __init__(self, *values: Any) -> None:
            for (name, _), value in zip(_TALLY_FIELDS, values, strict=True):
                setattr(self, name, value)

    def tally_arrays(*values: Any) -> TallyArrays:
        """A :class:`TallyArrays` handle on the values given, in the order of ``_TALLY_FIELDS``."""
        return TallyArrays(*values)

    _TALLY_ARRAYS: Any = (
        None  # the numba type of a field that holds a TallyArrays handle (none without numba)
    )

else:

    @structref.register
    class _TallyArraysType(types.StructRef):
        def preprocess_fields(self, fields: Any) -> tuple[tuple[str, Any], ...]:
            return tuple((name, types.unliteral(field_type)) for name, field_type in fields)

    class TallyArrays(structref.StructRefProxy):  # type: ignore[no-redef]
        """The tallies' and the exposure's arrays that :func:`tally_and_spread_adoptions` takes: one argument."""

    structref.define_boxing(_TallyArraysType, TallyArrays)
    _TALLY_ARRAYS = _TallyArraysType(list(_TALLY_FIELDS))

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


# -- the adoption decision's arrays (adoption.decide_adoption) ------------------------------------
#
# As HazardArrays, for the two kernel calls of the adoption decision: the adoption clock's arrays,
# the utility's arrays and the run's constants, in one AdoptionArrays handle built once per run
# (``adoption.adoption_handle``).

#: (field, numba type) of an AdoptionArrays handle: what :func:`due_adoption_arguments` takes after
#: the postponements, then what :func:`decide_due_adoptions` takes besides, then what
#: :func:`adopt_and_learn` takes besides (the stage ladder and the capacity gained by adopting), then
#: the postponements: the month until which each pair waits (empty when no decision can be
#: postponed) and the postponement queue (:func:`queue_postponed`), then the streams that attribute
#: the adoptions' channels and draw the rejections, and the :class:`TallyArrays` handle the
#: adoptions are passed to (held in the handle: a structref argument costs about 0.7 us to pass),
#: then the project support's rate per pair, then the buffers the pairs and tanh arguments pass
#: through from the refresh to the decision (an array returned costs about 0.55 us to box): those
#: of :class:`HazardArrays`, then the pairs due and their three rows of tanh arguments, then the
#: firms that gained capacity by adopting, how many adoptions each made, and their gate's argument,
#: then 0.5 beta and the step's L_k (the run's one array, empty when the mechanism is off).
_ADOPTION_FIELDS: tuple[tuple[str, Any], ...] = (
    ("gate", types.Array(types.float64, 1, "C")),
    ("adoption_hazard", types.float64),
    ("remaining", types.Array(types.float64, 1, "A")),
    ("rate", types.Array(types.float64, 1, "A")),
    ("since", types.Array(types.float64, 1, "A")),
    ("due", types.Array(types.float64, 1, "A")),
    ("earliest", types.Array(types.float64, 1, "C")),
    ("n_technologies", types.int64),
    ("log_benefit_cost", types.Array(types.float64, 1, "C")),
    ("risk", types.Array(types.float64, 1, "C")),
    ("demonstration_risk_reduction", types.float64),
    ("seen_demonstration", types.Array(types.boolean, 1, "C")),
    ("exposure_risk_reduction", types.float64),
    ("numerator", types.Array(types.float64, 1, "C")),
    ("inverse_weight", types.Array(types.float64, 1, "C")),
    ("adopters", types.Array(types.float64, 1, "C")),
    ("complete_divisor", types.float64),
    ("pressure", types.Array(types.float64, 1, "C")),
    ("requirement", types.Array(types.float64, 1, "C")),
    ("legitimacy_threshold", types.Array(types.float64, 1, "C")),
    ("legitimacy_bonus", types.float64),
    ("knowledge_channel", types.Array(types.int8, 1, "C")),
    ("grant_rate", types.Array(types.float64, 1, "C")),
    ("legitimacy_channel", types.int64),
    ("grant_channel", types.int64),
    ("rejection_probability", types.float64),
    ("stage", types.Array(types.int8, 1, "C")),
    ("stage_counts", types.Array(types.int64, 1, "C")),
    ("learning", types.boolean),
    ("factor", types.float64),
    ("capacity", types.Array(types.float64, 1, "C")),
    ("affinity", types.Array(types.float64, 1, "C")),
    ("engagement", types.Array(types.float64, 1, "C")),
    ("light_engagement", types.Array(types.float64, 1, "C")),
    ("complexity", types.Array(types.float64, 1, "C")),
    ("gate_scale", types.float64),
    ("postponed_until", types.Array(types.float64, 1, "C")),
    ("queue_pairs", types.Array(types.int64, 1, "C")),
    ("queue_until", types.Array(types.float64, 1, "C")),
    ("queue_ends", types.Array(types.int64, 1, "C")),
    ("attribution", _RANDOM_STREAM),
    ("decisions", _RANDOM_STREAM),
    ("tally", _TALLY_ARRAYS),
    ("support_rate", types.Array(types.float64, 1, "C")),
    ("refreshed_pairs", types.Array(types.int64, 1, "C")),
    ("refreshed_tanh", types.Array(types.float64, 1, "C")),
    ("due_pairs", types.Array(types.int64, 1, "C")),
    ("due_arguments", types.Array(types.float64, 1, "C")),
    ("gate_firms", types.Array(types.int64, 1, "C")),
    ("gate_counts", types.Array(types.int64, 1, "C")),
    ("gate_half_z", types.Array(types.float64, 1, "C")),
    ("half_slope", types.float64),
    ("legitimacy", types.Array(types.float64, 1, "C")),
)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    class AdoptionArrays:
        """The arrays and constants of a run that the adoption decision's kernels take (``_ADOPTION_FIELDS``)."""

        gate: NDArray[np.float64]
        adoption_hazard: float
        remaining: NDArray[np.float64]
        rate: NDArray[np.float64]
        since: NDArray[np.float64]
        due: NDArray[np.float64]
        earliest: NDArray[np.float64]
        n_technologies: int
        log_benefit_cost: NDArray[np.float64]
        risk: NDArray[np.float64]
        demonstration_risk_reduction: float
        seen_demonstration: NDArray[np.bool_]
        exposure_risk_reduction: float
        numerator: NDArray[np.float64]
        inverse_weight: NDArray[np.float64]
        adopters: NDArray[np.float64]
        complete_divisor: float
        pressure: NDArray[np.float64]
        requirement: NDArray[np.float64]
        legitimacy_threshold: NDArray[np.float64]
        legitimacy_bonus: float
        knowledge_channel: NDArray[np.int8]
        grant_rate: NDArray[np.float64]
        legitimacy_channel: int
        grant_channel: int
        rejection_probability: float
        stage: NDArray[np.int8]
        stage_counts: NDArray[np.int64]
        learning: bool
        factor: float
        capacity: NDArray[np.float64]
        affinity: NDArray[np.float64]
        engagement: NDArray[np.float64]
        light_engagement: NDArray[np.float64]
        complexity: NDArray[np.float64]
        gate_scale: float
        postponed_until: NDArray[np.float64]
        queue_pairs: NDArray[np.int64]
        queue_until: NDArray[np.float64]
        queue_ends: NDArray[np.int64]
        attribution: RandomStream
        decisions: RandomStream
        tally: TallyArrays
        support_rate: NDArray[np.float64]
        refreshed_pairs: NDArray[np.int64]
        refreshed_tanh: NDArray[np.float64]
        due_pairs: NDArray[np.int64]
        due_arguments: NDArray[np.float64]
        gate_firms: NDArray[np.int64]
        gate_counts: NDArray[np.int64]
        gate_half_z: NDArray[np.float64]
        half_slope: float
        legitimacy: NDArray[np.float64]

        def __init__(self, *values: Any) -> None:
            for (name, _), value in zip(_ADOPTION_FIELDS, values, strict=True):
                setattr(self, name, value)

    def adoption_arrays(*values: Any) -> AdoptionArrays:
        """An :class:`AdoptionArrays` handle on the values given, in the order of ``_ADOPTION_FIELDS``."""
        return AdoptionArrays(*values)

else:

    @structref.register
    class _AdoptionArraysType(types.StructRef):
        def preprocess_fields(self, fields: Any) -> tuple[tuple[str, Any], ...]:
            return tuple((name, types.unliteral(field_type)) for name, field_type in fields)

    class AdoptionArrays(structref.StructRefProxy):  # type: ignore[no-redef]
        """The arrays and constants of a run that the adoption decision's kernels take: one argument."""

    structref.define_boxing(_AdoptionArraysType, AdoptionArrays)
    _ADOPTION_ARRAYS = _AdoptionArraysType(list(_ADOPTION_FIELDS))

    @njit(cache=True)
    def adoption_arrays(  # type: ignore[misc]
        gate: NDArray[np.float64],
        adoption_hazard: float,
        remaining: NDArray[np.float64],
        rate: NDArray[np.float64],
        since: NDArray[np.float64],
        due: NDArray[np.float64],
        earliest: NDArray[np.float64],
        n_technologies: int,
        log_benefit_cost: NDArray[np.float64],
        risk: NDArray[np.float64],
        demonstration_risk_reduction: float,
        seen_demonstration: NDArray[np.bool_],
        exposure_risk_reduction: float,
        numerator: NDArray[np.float64],
        inverse_weight: NDArray[np.float64],
        adopters: NDArray[np.float64],
        complete_divisor: float,
        pressure: NDArray[np.float64],
        requirement: NDArray[np.float64],
        legitimacy_threshold: NDArray[np.float64],
        legitimacy_bonus: float,
        knowledge_channel: NDArray[np.int8],
        grant_rate: NDArray[np.float64],
        legitimacy_channel: int,
        grant_channel: int,
        rejection_probability: float,
        stage: NDArray[np.int8],
        stage_counts: NDArray[np.int64],
        learning: bool,
        factor: float,
        capacity: NDArray[np.float64],
        affinity: NDArray[np.float64],
        engagement: NDArray[np.float64],
        light_engagement: NDArray[np.float64],
        complexity: NDArray[np.float64],
        gate_scale: float,
        postponed_until: NDArray[np.float64],
        queue_pairs: NDArray[np.int64],
        queue_until: NDArray[np.float64],
        queue_ends: NDArray[np.int64],
        attribution: RandomStream,
        decisions: RandomStream,
        tally: TallyArrays,
        support_rate: NDArray[np.float64],
        refreshed_pairs: NDArray[np.int64],
        refreshed_tanh: NDArray[np.float64],
        due_pairs: NDArray[np.int64],
        due_arguments: NDArray[np.float64],
        gate_firms: NDArray[np.int64],
        gate_counts: NDArray[np.int64],
        gate_half_z: NDArray[np.float64],
        half_slope: float,
        legitimacy: NDArray[np.float64],
    ) -> AdoptionArrays:
        """An :class:`AdoptionArrays` handle on the arrays given (not copied)."""
        adoption: AdoptionArrays = structref.new(_ADOPTION_ARRAYS)  # type: ignore[call-arg]
        adoption.gate = gate
        adoption.adoption_hazard = adoption_hazard
        adoption.remaining = remaining
        adoption.rate = rate
        adoption.since = since
        adoption.due = due
        adoption.earliest = earliest
        adoption.n_technologies = n_technologies
        adoption.log_benefit_cost = log_benefit_cost
        adoption.risk = risk
        adoption.demonstration_risk_reduction = demonstration_risk_reduction
        adoption.seen_demonstration = seen_demonstration
        adoption.exposure_risk_reduction = exposure_risk_reduction
        adoption.numerator = numerator
        adoption.inverse_weight = inverse_weight
        adoption.adopters = adopters
        adoption.complete_divisor = complete_divisor
        adoption.pressure = pressure
        adoption.requirement = requirement
        adoption.legitimacy_threshold = legitimacy_threshold
        adoption.legitimacy_bonus = legitimacy_bonus
        adoption.knowledge_channel = knowledge_channel
        adoption.grant_rate = grant_rate
        adoption.legitimacy_channel = legitimacy_channel
        adoption.grant_channel = grant_channel
        adoption.rejection_probability = rejection_probability
        adoption.stage = stage
        adoption.stage_counts = stage_counts
        adoption.learning = learning
        adoption.factor = factor
        adoption.capacity = capacity
        adoption.affinity = affinity
        adoption.engagement = engagement
        adoption.light_engagement = light_engagement
        adoption.complexity = complexity
        adoption.gate_scale = gate_scale
        adoption.postponed_until = postponed_until
        adoption.queue_pairs = queue_pairs
        adoption.queue_until = queue_until
        adoption.queue_ends = queue_ends
        adoption.attribution = attribution
        adoption.decisions = decisions
        adoption.tally = tally
        adoption.support_rate = support_rate
        adoption.refreshed_pairs = refreshed_pairs
        adoption.refreshed_tanh = refreshed_tanh
        adoption.due_pairs = due_pairs
        adoption.due_arguments = due_arguments
        adoption.gate_firms = gate_firms
        adoption.gate_counts = gate_counts
        adoption.gate_half_z = gate_half_z
        adoption.half_slope = half_slope
        adoption.legitimacy = legitimacy
        return adoption


@njit(cache=True)
def due_adoption_arguments_with(
    time: float,
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    n_refreshed: int,
    now: float,
    adoption: AdoptionArrays,
) -> int:
    """:func:`due_adoption_arguments` with its run's arrays from ``adoption``: the number of pairs due.

    The pairs refreshed and the tanh of their arguments are read from the front of
    ``adoption.refreshed_pairs`` and ``adoption.refreshed_tanh``
    (:func:`refresh_marked_clocks_and_utility_with`). The pairs due are written to the
    front of ``adoption.due_pairs``, and their tanh arguments (3 x pairs due, by rows)
    to the front of ``adoption.due_arguments``, where numpy takes the tanh in place and
    :func:`decide_and_adopt_with` reads them.
    """
    pairs, arguments = due_adoption_arguments(
        time,
        adoption.legitimacy,
        grant_term,
        support_term,
        adoption.half_slope,
        adoption.refreshed_pairs[:n_refreshed],
        adoption.refreshed_tanh[:n_refreshed],
        now,
        adoption.postponed_until,
        adoption.gate,
        adoption.adoption_hazard,
        adoption.remaining,
        adoption.rate,
        adoption.since,
        adoption.due,
        adoption.earliest,
        adoption.n_technologies,
        adoption.log_benefit_cost,
        adoption.risk,
        adoption.demonstration_risk_reduction,
        adoption.seen_demonstration,
        adoption.exposure_risk_reduction,
        adoption.numerator,
        adoption.inverse_weight,
        adoption.adopters,
        adoption.complete_divisor,
        adoption.pressure,
        adoption.requirement,
        adoption.legitimacy_threshold,
        adoption.legitimacy_bonus,
    )
    n_due = pairs.size
    adoption.due_pairs[:n_due] = pairs
    for row in range(3):
        adoption.due_arguments[row * n_due : (row + 1) * n_due] = arguments[row]
    return n_due


@njit(cache=True)
def decide_and_adopt_with(
    n_due: int,
    grants_held: bool,
    now: float,
    until: float,
    adoption: AdoptionArrays,
) -> tuple[NDArray[np.int64], int, int, int, int]:
    """The adoption decision and the adoptions it makes, in one call: :func:`decide_due_adoptions`, :func:`adopt_and_learn`, then :func:`tally_and_spread_adoptions`.

    The ``n_due`` pairs due and the tanh of their arguments are read from the front
    of ``adoption.due_pairs`` and ``adoption.due_arguments`` (:func:`due_adoption_arguments_with`).

    Fuses what were three kernel calls with ``state.adopt`` in between and
    ``schedule.push_adoptions`` after (nothing there is numpy's: the pairs
    decided go straight to the stage ladder, the capacity gained, the adoption
    tallies and the exposure's first set of rows), so the pairs adopting, their
    firms, technologies and channels do not cross into Python and back; the pairs
    postponed join the postponement queue. The tallies and the exposure read
    nothing that the gate's refresh or the payment of grants after this call
    change, so they can be brought up to date here rather than at the end of the
    step. Returns (the pairs to mark as changed: the new pairs, then those whose
    exposure or pressure moved; the number of new pairs; the number of firms
    that gained capacity; the largest number of adoptions by one firm; the number
    of new pairs that hold a grant or project support: without any, no grant is
    to be paid for this step's adoptions). What :func:`adopt_and_learn` gives for
    the firms (the distinct firms, their counts, and the gate's argument when no
    firm adopted twice, by rows) is written to the front of ``adoption.gate_firms``,
    ``adoption.gate_counts`` and ``adoption.gate_half_z``, for numpy's tanh.
    """
    adopting, channel, _ = decide_due_adoptions(
        adoption.due_pairs[:n_due],
        adoption.due_arguments[: 3 * n_due].reshape((3, n_due)),
        adoption.attribution,
        adoption.decisions,
        grants_held,
        now,
        until,
        adoption.postponed_until,
        adoption.queue_pairs,
        adoption.queue_until,
        adoption.queue_ends,
        adoption.gate,
        adoption.adoption_hazard,
        adoption.knowledge_channel,
        adoption.grant_rate,
        adoption.legitimacy_channel,
        adoption.grant_channel,
        adoption.rejection_probability,
        adoption.remaining,
        adoption.rate,
        adoption.since,
        adoption.due,
        adoption.n_technologies,
    )
    adopted, adopted_channel, firms, counts, largest, half_z = adopt_and_learn(
        adopting,
        channel,
        adoption.stage,
        adoption.stage_counts,
        adoption.knowledge_channel,
        adoption.n_technologies,
        adoption.learning,
        adoption.factor,
        adoption.capacity,
        adoption.affinity,
        adoption.engagement,
        adoption.light_engagement,
        adoption.complexity,
        adoption.gate_scale,
    )
    if adopted.size == 0:
        return adopted, 0, 0, 0, 0
    n_firms = firms.size
    adoption.gate_firms[:n_firms] = firms
    adoption.gate_counts[:n_firms] = counts
    if largest == 1:
        adoption.gate_half_z[: half_z.size] = half_z.reshape(half_z.size)
    n_subsidised = 0
    for pair in adopted:
        if adoption.grant_rate[pair] > 0.0 or adoption.support_rate[pair] > 0.0:
            n_subsidised += 1
    marks, touched = tally_and_spread_adoptions_with(adopted, adopted_channel, adoption.tally)
    marked = np.concatenate((adopted, marks, touched))
    return marked, adopted.size, n_firms, largest, n_subsidised


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

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    class RowArrays:
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

        def __init__(self, *values: Any) -> None:
            for (name, _), value in zip(_ROW_FIELDS, values, strict=True):
                setattr(self, name, value)

    def row_arrays(*values: Any) -> RowArrays:
        """A :class:`RowArrays` handle on the arrays given, in the order of ``_ROW_FIELDS``."""
        return RowArrays(*values)

else:

    @structref.register
    class _RowArraysType(types.StructRef):
        def preprocess_fields(self, fields: Any) -> tuple[tuple[str, Any], ...]:
            return tuple((name, types.unliteral(field_type)) for name, field_type in fields)

    class RowArrays(structref.StructRefProxy):  # type: ignore[no-redef]
        """The observations' arrays and the state's tallies that :func:`record_row` takes: one argument."""

    structref.define_boxing(_RowArraysType, RowArrays)
    _ROW_ARRAYS = _RowArraysType(list(_ROW_FIELDS))

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
