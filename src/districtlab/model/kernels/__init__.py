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

The kernels are grouped by the model's sub-steps, one module each (clocks, the knowledge transfer,
the adoption decision, the instruments' delivery, networks, month 0, observation...); each
module's docstring says what it fuses and for whom. Every public name is re-exported here, so
``from districtlab.model.kernels import X`` reaches any kernel. numba invalidates a cached
function when the file that defines it changes, not when a kernel it calls (and compiles into
itself) changes in another file; every kernel's cache is therefore stamped with all the
package's files (:mod:`districtlab.model.kernels._jit`): any edit recompiles every kernel, so a
stale cache can never mix old and new rules.
"""

from __future__ import annotations

from districtlab.model.kernels._jit import njit
from districtlab.model.kernels.accounts import (
    append_to_book,
    available_in_accounts,
    flow_into_accounts,
    pay_from_accounts,
    pay_reached_grants,
    settle_paid_grants,
    settle_reached_support,
)
from districtlab.model.kernels.adoption import (
    AdoptionArrays,
    adopt_and_learn,
    adoption_arguments,
    adoption_arrays,
    adoption_channels,
    adoption_utility,
    any_stage_at_least,
    decide_and_adopt_with,
    decide_due_adoptions,
    due_adoption_arguments,
    due_adoption_arguments_with,
    legitimacy_reached,
    legitimacy_shares,
    refresh_marked_clocks_and_utility,
    refresh_marked_clocks_and_utility_with,
    set_adoption_clock_rates,
)
from districtlab.model.kernels.clocks import (
    distinct_marked,
    due_pairs,
    queue_postponed,
    set_clock_rates,
    stop_clocks,
    take_ended_postponements,
)
from districtlab.model.kernels.delivery import (
    BUILD,
    C_DEMONSTRATOR,
    C_DIAGNOSTIC,
    C_PROJECT,
    DIAGNOSTICS,
    DONE,
    EVENTS,
    GATE_ROWS,
    IDLE,
    N_PRICES,
    N_SETTINGS,
    P_CAPACITY_FACTOR,
    P_COMMITMENT_GAIN,
    P_DEMONSTRATOR_COST,
    P_DIAGNOSTIC_COST,
    P_DIAGNOSTIC_DAYS,
    P_DT,
    P_EVENT_COST,
    P_EVENT_DAYS,
    P_GATE_SCALE,
    P_ROUTING_THRESHOLD,
    P_RUNNING_COST,
    P_SEAT_COST,
    P_SEAT_DAYS,
    P_TIE_GAIN,
    P_TRAINING_COST,
    P_TRAINING_DAYS,
    P_VISIT_DAYS,
    P_VISITORS,
    PROJECTS,
    RUNNING,
    S_ATTENDEES,
    S_CLOSE_AFTER,
    S_COMMITMENT,
    S_DEPTH,
    S_LIVING_LAB,
    S_OUTREACH,
    S_PROJECT_SIZE,
    S_ROUTING,
    TRAINING,
    UNIT_DAYS,
    build_demonstrators,
    deliver_month,
    run_demonstrators_month,
    units_affordable,
)
from districtlab.model.kernels.delivery_arrays import (
    DeliveryArrays,
    delivery_arrays,
)
from districtlab.model.kernels.instruments import (
    any_stage_below,
    attend_events,
    charge_units,
    commit_participants,
    diagnose,
    diagnostic_choices,
    engage,
    enrol_trainees,
    hold_events,
    knowledge_trial,
    knowledge_trial_and_engage,
    raise_affinity,
    run_projects,
    seat_projects,
    set_books,
    set_first_visitors,
    take_due_projects,
    take_due_seats,
    take_routed_firms,
    union_sorted,
    visit_demonstrators,
)
from districtlab.model.kernels.networks import (
    csr_pattern,
    csr_transpose_pattern,
    drawn_networks,
    peer_pattern,
    peer_stubs,
    supply_entries,
)
from districtlab.model.kernels.observation import (
    RowArrays,
    record_flows,
    record_levels,
    record_row,
    record_row_at,
    row_arrays,
)
from districtlab.model.kernels.setup import (
    awareness_due,
    awareness_schedule,
    become_aware_until,
    month0_pairs,
    pairs_drawn_below,
)
from districtlab.model.kernels.stages import (
    distinct_with_counts,
    gain_capacity,
    gain_capacity_once,
    raise_stage,
    raise_to_adopted,
    raise_to_knowledgeable,
    set_gate_rows,
)
from districtlab.model.kernels.streams import (
    RandomStream,
    random_stream,
)
from districtlab.model.kernels.tallies import (
    TallyArrays,
    spread_adoptions,
    spread_new_adoptions,
    tally_adoptions,
    tally_and_spread_adoptions,
    tally_and_spread_adoptions_with,
    tally_arrays,
)
from districtlab.model.kernels.targeting import (
    outreach_batch,
    outreach_select,
    permuted,
)
from districtlab.model.kernels.transfer import (
    HazardArrays,
    hazard_arrays,
    knowledge_channels,
    knowledge_terms,
    refresh_and_transfer_knowledge,
    refresh_knowledge_clocks,
    refresh_marked_knowledge_clocks,
    transfer_due_knowledge,
    transfer_knowledge_with,
)

__all__ = [
    "BUILD",
    "C_DEMONSTRATOR",
    "C_DIAGNOSTIC",
    "C_PROJECT",
    "DIAGNOSTICS",
    "DONE",
    "EVENTS",
    "GATE_ROWS",
    "IDLE",
    "N_PRICES",
    "N_SETTINGS",
    "PROJECTS",
    "P_CAPACITY_FACTOR",
    "P_COMMITMENT_GAIN",
    "P_DEMONSTRATOR_COST",
    "P_DIAGNOSTIC_COST",
    "P_DIAGNOSTIC_DAYS",
    "P_DT",
    "P_EVENT_COST",
    "P_EVENT_DAYS",
    "P_GATE_SCALE",
    "P_ROUTING_THRESHOLD",
    "P_RUNNING_COST",
    "P_SEAT_COST",
    "P_SEAT_DAYS",
    "P_TIE_GAIN",
    "P_TRAINING_COST",
    "P_TRAINING_DAYS",
    "P_VISITORS",
    "P_VISIT_DAYS",
    "RUNNING",
    "S_ATTENDEES",
    "S_CLOSE_AFTER",
    "S_COMMITMENT",
    "S_DEPTH",
    "S_LIVING_LAB",
    "S_OUTREACH",
    "S_PROJECT_SIZE",
    "S_ROUTING",
    "TRAINING",
    "UNIT_DAYS",
    "AdoptionArrays",
    "DeliveryArrays",
    "HazardArrays",
    "RandomStream",
    "RowArrays",
    "TallyArrays",
    "adopt_and_learn",
    "adoption_arguments",
    "adoption_arrays",
    "adoption_channels",
    "adoption_utility",
    "any_stage_at_least",
    "any_stage_below",
    "append_to_book",
    "attend_events",
    "available_in_accounts",
    "awareness_due",
    "awareness_schedule",
    "become_aware_until",
    "build_demonstrators",
    "charge_units",
    "commit_participants",
    "csr_pattern",
    "csr_transpose_pattern",
    "decide_and_adopt_with",
    "decide_due_adoptions",
    "deliver_month",
    "delivery_arrays",
    "diagnose",
    "diagnostic_choices",
    "distinct_marked",
    "distinct_with_counts",
    "drawn_networks",
    "due_adoption_arguments",
    "due_adoption_arguments_with",
    "due_pairs",
    "engage",
    "enrol_trainees",
    "flow_into_accounts",
    "gain_capacity",
    "gain_capacity_once",
    "hazard_arrays",
    "hold_events",
    "knowledge_channels",
    "knowledge_terms",
    "knowledge_trial",
    "knowledge_trial_and_engage",
    "legitimacy_reached",
    "legitimacy_shares",
    "month0_pairs",
    "njit",
    "outreach_batch",
    "outreach_select",
    "pairs_drawn_below",
    "pay_from_accounts",
    "pay_reached_grants",
    "peer_pattern",
    "peer_stubs",
    "permuted",
    "queue_postponed",
    "raise_affinity",
    "raise_stage",
    "raise_to_adopted",
    "raise_to_knowledgeable",
    "random_stream",
    "record_flows",
    "record_levels",
    "record_row",
    "record_row_at",
    "refresh_and_transfer_knowledge",
    "refresh_knowledge_clocks",
    "refresh_marked_clocks_and_utility",
    "refresh_marked_clocks_and_utility_with",
    "refresh_marked_knowledge_clocks",
    "row_arrays",
    "run_demonstrators_month",
    "run_projects",
    "seat_projects",
    "set_adoption_clock_rates",
    "set_books",
    "set_clock_rates",
    "set_first_visitors",
    "set_gate_rows",
    "settle_paid_grants",
    "settle_reached_support",
    "spread_adoptions",
    "spread_new_adoptions",
    "stop_clocks",
    "supply_entries",
    "take_due_projects",
    "take_due_seats",
    "take_ended_postponements",
    "take_routed_firms",
    "tally_adoptions",
    "tally_and_spread_adoptions",
    "tally_and_spread_adoptions_with",
    "tally_arrays",
    "transfer_due_knowledge",
    "transfer_knowledge_with",
    "union_sorted",
    "units_affordable",
    "visit_demonstrators",
]
