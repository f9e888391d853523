"""Background awareness and inter-firm transfer of knowledge (MODEL.md §3.2 and §3.4).

Hazards from independent sources combine as rates. For a pair (i, k) that is
not yet knowledgeable, the hazard of becoming knowledgeable this step is

    learning_k u_ik [aware]  +  q_k E_ik u_ik  +  h_sc P_ik

(vendor learning, imitation of adopters, and the two-step flow: P_ik counts i's
buyers that have adopted k). E and P are read at the start of the step. A pair
moves when its cumulative hazard passes an Exp(1) threshold drawn once per run:
the same law as a Bernoulli draw of 1 - exp(-H dt) each step, at no random-number
cost per step. The channel is then drawn in proportion to the three terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.model.context import RunData, Step, Streams
from districtlab.model.networks import Exposure
from districtlab.model.state import AWARE, CHANNEL, KNOWLEDGEABLE, UNAWARE, DistrictState, make_aware, make_knowledgeable

_CHANNEL_OF_TERM = np.array([CHANNEL["background"], CHANNEL["imitation"], CHANNEL["supply_chain"]], dtype=np.int8)


@dataclass
class AwarenessSchedule:
    """Background awareness times, drawn once per run and served in time order.

    With a constant hazard p_k the waiting time to awareness is Exp(p_k); drawing
    it once is the same in law as a Bernoulli draw each step.
    """

    flat_pairs: NDArray[np.int64]  # pair indices (firm * K + technology) sorted by time
    times: NDArray[np.float64]
    cursor: int = 0

    @classmethod
    def draw(cls, state: DistrictState, hazard: NDArray[np.float64], horizon: float, rng: np.random.Generator) -> AwarenessSchedule:
        n, k = state.stage.shape
        with np.errstate(divide="ignore"):
            scale = np.where(hazard > 0.0, 1.0 / hazard, np.inf)
        times = rng.exponential(1.0, size=(n, k)) * scale[None, :]
        times[state.stage > UNAWARE] = np.inf
        flat = np.flatnonzero(times.reshape(-1) < horizon)
        order = np.argsort(times.reshape(-1)[flat], kind="stable")
        return cls(flat_pairs=flat[order], times=times.reshape(-1)[flat][order])

    def due(self, until: float) -> NDArray[np.int64]:
        end = int(np.searchsorted(self.times, until, side="left"))
        pairs = self.flat_pairs[self.cursor : end]
        self.cursor = end
        return pairs


def background_awareness(data: RunData, state: DistrictState, step: Step, schedule: AwarenessSchedule) -> None:
    pairs = schedule.due(step.month + data.dt)
    if pairs.size:
        firm, tech = np.divmod(pairs, data.technologies.k)
        make_aware(state, firm, tech)


def transfer_knowledge(data: RunData, state: DistrictState, step: Step, streams: Streams, exposure: Exposure) -> None:
    """Vendor learning, imitation and two-step flow move pairs to knowledgeable."""
    technologies, behaviour = data.technologies, data.behaviour
    open_pairs = state.stage < KNOWLEDGEABLE
    learning = technologies.learning_hazard[None, :] * (state.stage == AWARE)
    imitation = technologies.imitation_strength[None, :] * step.exposure
    hazard = (learning + imitation) * state.gate
    if behaviour.supply_chain_hazard > 0.0:
        hazard += behaviour.supply_chain_hazard * exposure.pressure
    hazard *= open_pairs
    state.knowledge_clock += hazard * data.dt
    moving = np.flatnonzero((state.knowledge_clock >= state.knowledge_threshold).reshape(-1) & open_pairs.reshape(-1))
    if moving.size == 0:
        return
    firm, tech = np.divmod(moving, technologies.k)
    terms = np.stack(
        [
            learning[firm, tech] * state.gate[firm, tech],
            imitation[firm if imitation.shape[0] > 1 else 0, tech] * state.gate[firm, tech],
            behaviour.supply_chain_hazard * exposure.pressure[firm, tech],
        ]
    )
    cumulative = np.cumsum(terms, axis=0)
    draw = streams.attribution.random(firm.size) * cumulative[-1]
    term = np.minimum((draw[None, :] >= cumulative).sum(axis=0), 2)
    make_knowledgeable(state, firm, tech, _CHANNEL_OF_TERM[term])
