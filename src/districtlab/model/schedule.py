"""One step of the model, in the order of ODD.md §3 (process overview and scheduling).

1. background awareness (MODEL.md §3.2);
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

from districtlab.model.adoption import decide_adoption
from districtlab.model.context import RunData, Step, Streams
from districtlab.model.instruments import deliver_programmes
from districtlab.model.networks import Exposure
from districtlab.model.observers import PROGRAMME_SLOTS
from districtlab.model.programmes import SPEND_LINES, UNIT_LINES, ProgrammeRun
from districtlab.model.state import DistrictState, pop_new_adoptions
from districtlab.model.transfer import AwarenessSchedule, background_awareness, transfer_knowledge


def start_step(data: RunData, state: DistrictState, exposure: Exposure, index: int) -> Step:
    """Snapshot what the sub-steps read at the start of step ``index``."""
    legitimacy = state.visible_adopters / data.n_visible if data.n_visible else np.zeros(data.technologies.k)
    return Step(
        index=index,
        month=index * data.dt,
        legitimacy=legitimacy,
        exposure=exposure.imitation(),
        staff_days_left=data.staff_days_per_month * data.dt if data.rti_enabled else 0.0,
        spend=np.zeros((len(PROGRAMME_SLOTS), len(SPEND_LINES))),
        units=np.zeros((len(PROGRAMME_SLOTS), len(UNIT_LINES))),
        newly_engaged=[],
    )


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
    deliver_programmes(data, state, current, streams, programmes)
    transfer_knowledge(data, state, current, streams, exposure)
    decide_adoption(data, state, current, streams, programmes)
    exposure.add_adoptions(*pop_new_adoptions(state))
    return current
