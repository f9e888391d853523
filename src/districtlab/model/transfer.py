"""Background awareness and inter-firm transfer of knowledge (MODEL.md §3.2 and §3.4).

Hazards from independent sources combine as rates. For a pair (i, k) that is
not yet knowledgeable, the hazard of becoming knowledgeable this step is

    learning_k u_ik [aware]  +  q_k E_ik u_ik  +  h_sc P_ik

(vendor learning, imitation of adopters, and the two-step flow: P_ik counts i's
buyers that have adopted k). E and P are read as they were at the start of the
step. A pair moves when its integrated hazard passes an Exp(1) threshold drawn
once per run (:mod:`districtlab.model.clocks`): the same law as a Bernoulli draw
of 1 - exp(-H dt) each step. The channel is then drawn in proportion to the three
terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.model.context import RunData, Step, Streams
from districtlab.model.networks import Exposure
from districtlab.model.state import (
    AWARE,
    CHANNEL,
    KNOWLEDGEABLE,
    UNAWARE,
    DistrictState,
    make_aware,
    make_knowledgeable,
)

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


def knowledge_hazards(
    data: RunData, state: DistrictState, exposure: Exposure, firm: NDArray[np.int64], tech: NDArray[np.int64]
) -> NDArray[np.float64]:
    """The three hazard terms (vendor learning, imitation, two-step flow), 3 x pairs; 0 once knowledgeable."""
    technologies, behaviour = data.technologies, data.behaviour
    stage = state.stage[firm, tech]
    gate = state.gate[firm, tech]
    terms = np.empty((3, firm.size))
    terms[0] = technologies.learning_hazard[tech] * (stage == AWARE) * gate
    terms[1] = technologies.imitation_strength[tech] * exposure.exposure(firm, tech) * gate
    terms[2] = behaviour.supply_chain_hazard * exposure.pressure(firm, tech)
    terms *= stage < KNOWLEDGEABLE
    return terms


def set_knowledge_rates(
    data: RunData, state: DistrictState, exposure: Exposure, pair: NDArray[np.int64], now: float
) -> None:
    """Bring the knowledge clocks of these (not yet knowledgeable) pairs up to date."""
    firm, tech = np.divmod(pair, data.technologies.k)
    state.knowledge_clock.set_rates(pair, knowledge_hazards(data, state, exposure, firm, tech).sum(axis=0), now)


def transfer_knowledge(data: RunData, state: DistrictState, step: Step, streams: Streams, exposure: Exposure) -> None:
    """Pairs whose knowledge clock runs out this step become knowledgeable, by the channel drawn."""
    clock = state.knowledge_clock
    moving = clock.due_before(step.month + data.dt)
    if moving.size == 0:
        return
    firm, tech = np.divmod(moving, data.technologies.k)
    cumulative = np.cumsum(knowledge_hazards(data, state, exposure, firm, tech), axis=0)
    draw = streams.attribution.random(moving.size) * cumulative[-1]
    term = np.minimum((draw[None, :] >= cumulative).sum(axis=0), 2)
    make_knowledgeable(state, firm, tech, _CHANNEL_OF_TERM[term])
    clock.stop(moving, step.month)
