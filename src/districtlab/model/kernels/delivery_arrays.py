"""What the instruments' kernels read: the :class:`DeliveryArrays` handle.

One argument holding a programme's stream, its outreach and the district's arrays (not copies);
built once per programme and run by :mod:`districtlab.model.instruments`.
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


class DeliveryArrays(Handle):
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


_DeliveryArraysType, _DELIVERY_ARRAYS = register_handle(DeliveryArrays, _DELIVERY_FIELDS)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    def delivery_arrays(*values: Any) -> DeliveryArrays:
        """A :class:`DeliveryArrays` handle on the Generator and arrays given, in the order of ``_DELIVERY_FIELDS``."""
        return DeliveryArrays(*values)

else:
    # Written out, not generated from the fields: numba caches only a function defined in a source
    # file (see :mod:`districtlab.model.kernels._handles`).
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
