"""One step of the model, in the order of ODD.md §3 (process overview and scheduling).

1. background awareness (ODD.md §I.iii, step 1);
2. programme funding, project completion and delivery of RTI instruments (§3.1, §3.3);
3. inter-firm transfer: vendor learning, imitation, two-step flow (§3.4);
4. adoption decisions with grants and legitimacy (§3.5), learning by adopting (§3.6);
5. exposure to adopters is brought up to date for the next step; observation (§3.7).

Exposure E, supply pressure P and legitimacy L are read as they were at the
start of the step in every sub-step. Stages move within the step in the order
above: a firm made aware by an event can learn from vendors in the same step,
and a firm that becomes knowledgeable can adopt in the same step.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.adoption import (
    adoption_hazard_tanh,
    decide_adoption,
    decision_buffers,
    prepare_adoption,
    subsidy_term_tables,
)
from districtlab.model.context import RunData, Step, Streams
from districtlab.model.instruments import deliver_programmes
from districtlab.model.kernels import legitimacy_shares, refresh_marked_clocks_and_utility_with
from districtlab.model.networks import Exposure
from districtlab.model.programmes import ProgrammeRun
from districtlab.model.state import DistrictState, adoption_tally_arguments, take_new_adoptions
from districtlab.model.transfer import (
    AwarenessSchedule,
    background_awareness,
    hazard_handle,
    refresh_knowledge_rates,
    transfer_knowledge,
)


def start_step(data: RunData, state: DistrictState, exposure: Exposure, index: int) -> Step:
    """Snapshot what the sub-steps read at the start of step ``index``.

    The run's one :class:`~districtlab.model.context.Step` (``data.step``) is
    reused: its records of the step's flows are zeroed (the recorder copied the
    last step's), its time and snapshot set anew. No array is allocated.
    """
    current = data.step
    current.index = index
    current.month = index * data.dt
    # L_k as legitimacy_exposure gives it, the kernel called directly (the run's own float64 arrays)
    legitimacy_shares(state.visible_adopters, data.visibility_total, current.legitimacy)
    current.staff_days_left = data.staff_days_per_month * data.dt if data.rti_enabled else 0.0
    current.records.fill(0.0)
    return current


def legitimacy_exposure(
    weighted_adopters: NDArray[np.float64], total: float, out: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    """L_k = min(1, visibility-weighted adopters of k / total visibility); 0 with no visible firm (one kernel call).

    Written into ``out`` when given (a step's own array), else into a new array.
    """
    weighted = np.asarray(weighted_adopters, dtype=np.float64)
    legitimacy = np.empty(weighted.size) if out is None else out
    legitimacy_shares(weighted, total, legitimacy)
    return legitimacy


def step(
    data: RunData,
    state: DistrictState,
    exposure: Exposure,
    awareness: AwarenessSchedule,
    programmes: list[ProgrammeRun | None],
    streams: Streams,
    index: int,
) -> Step:
    current = start_step(data, state, exposure, index)
    background_awareness(data, state, current, awareness)
    deliver_programmes(data, state, current, streams, programmes, exposure)
    transfer_knowledge(data, state, current, streams, exposure)
    prepare_adoption(data, state, current, streams, programmes)
    n_refreshed = refresh_hazards(data, state, current, streams, exposure)
    decide_adoption(data, state, current, streams, programmes, exposure, n_refreshed)
    push_adoptions(data, state, exposure)
    return current


def push_adoptions(data: RunData, state: DistrictState, exposure: Exposure) -> None:
    """Pass the adoptions queued by ``state.adopt`` to the tallies and to the exposure (for the next step), in one kernel call.

    Those are the adoptions of month 0 and of immediate adoption; the adoption
    decision passes its own on in its kernel call (``adoption.decide_adoption``).
    """
    new = take_new_adoptions(state)
    if new is None:
        return
    pairs, channels = new
    exposure.add_adoption_pairs(
        pairs, state.changed, channels, adoption_tally_arguments(state, data.firms, data.visible)
    )


_NO_PAIRS = np.zeros(0, dtype=np.int64)


def refresh_hazards(
    data: RunData, state: DistrictState, step: Step, streams: Streams, exposure: Exposure
) -> int:
    """Recompute the hazard of every pair whose inputs changed, before the adoption decision.

    Rates are set from the start of the step: a change made by an earlier
    sub-step counts for the whole of this step. Adopted pairs' clocks were
    stopped when they moved, so they need nothing. The knowledge clocks of the
    pairs marked were brought up to date before knowledge transfer
    (:func:`~districtlab.model.transfer.transfer_knowledge`); the pairs marked
    since, and the knowledgeable ones marked then, are refreshed now, with
    everything the grants and legitimacy changed in between (the pairs whose
    firm now sees a technology as legitimate are marked here, in the same
    kernel call; see :func:`~districtlab.model.adoption.prepare_adoption`).

    Returns the number of knowledgeable pairs refreshed, left with their
    :func:`~districtlab.model.adoption.adoption_hazard_tanh` at the front of the
    :func:`~districtlab.model.adoption.decision_buffers`: the adoption decision
    sets their adoption clocks from the start of the step, in its first kernel
    call, before it looks for the pairs due.
    """
    marked = state.changed.take_marked()
    if data.behaviour.immediate_adoption:
        if marked is not None:
            refresh_knowledge_rates(data, state, exposure, marked, step.month)
        return 0
    # one kernel call: the pairs whose firm now sees a technology as legitimate marked too
    # (adoption.prepare_adoption), the marked pairs made distinct, their knowledge clocks, the
    # utility with subsidies times 0.5 beta (the tanh's argument); L_k, 0.5 beta and the
    # legitimacy thresholds are in the run's handle (the step's L_k is the run's one array)
    n_refreshed = refresh_marked_clocks_and_utility_with(
        _NO_PAIRS if marked is None else marked,
        step.month,
        *subsidy_term_tables(state),
        hazard_handle(data, state, exposure, streams),
    )
    if n_refreshed:
        adoption_hazard_tanh(decision_buffers(state)[1][:n_refreshed])
    return n_refreshed
