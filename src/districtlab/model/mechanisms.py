"""The place-based mechanisms of a programme (issue 9, item 4), each switched by configuration.

* co-design *produces information*: at the end of the co-design phase the
  programme's priorities and instrument mix are learned from the needs of the
  firms at the tables, who are the most engaged ones (so the result is biased
  towards who takes part), after Foray (2014) on entrepreneurial discovery;
* participation *builds commitment*: participants, and their partners to a
  lesser degree, gain RTI affinity (trust);
* diagnostics *route* firms to the instrument that fits their absorptive
  capacity (Howells 2006, intermediaries; Cohen & Levinthal 1990): to training
  when their best fit over the focus is below the routing threshold, else to
  projects (applied in the diagnostics' kernel, :func:`districtlab.model.kernels.diagnose`);
* monitoring allows *adaptive reallocation* of idle money during delivery.

Nothing here reads the programme's kind: a programme with every switch off is
a generic programme, whatever it is called.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.arrays import unique_sorted
from districtlab.model.context import RunData, Step
from districtlab.model.programmes import INSTRUMENT, UNIT, ProgrammeRun
from districtlab.model.state import ADOPTED, DistrictState

_KNOWLEDGE_INSTRUMENTS = ("diagnostics", "training")  # what firms of low capacity need first
_PRACTICE_INSTRUMENTS = ("projects",)  # what firms that can absorb the technology need


def codesign_participants(
    data: RunData, state: DistrictState, n: int, rng: np.random.Generator
) -> NDArray[np.int64]:
    """Firms at the co-design tables: drawn without replacement with weight r_i a_i (those who take part)."""
    weight = state.engagement.copy()
    n = min(n, int(np.count_nonzero(weight > 0.0)))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    # Efraimidis-Spirakis weighted sampling without replacement: the n largest u^(1/w)
    keys = np.full(weight.size, -np.inf)
    positive = weight > 0.0
    keys[positive] = np.log(rng.random(int(positive.sum()))) / weight[positive]
    return np.sort(np.argpartition(-keys, n - 1)[:n]).astype(np.int64)


def learn_from_codesign(
    data: RunData,
    state: DistrictState,
    step: Step,
    programme: ProgrammeRun,
    index: int,
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """End of co-design: priorities and mix from the participants' needs; returns the participants.

    A participant's need for technology k is v_k u(a_i, c_k) [not adopted]: relevant, within
    its reach, not yet done. Priorities are normalise(max(mean need + eps, 0)) with
    eps ~ N(0, noise_sd (1 - participation_breadth)); explicit priorities are kept. The mix:
    the share f of participants whose best fit on the focus is below the routing threshold
    scales diagnostics and training by 2f and projects by 2(1 - f) (their total kept); the
    result is blended with the planned mix by ``codesign_mix_weight``.
    """
    participants = codesign_participants(data, state, programme.codesign_participants, rng)
    step.units[index, UNIT["codesign_participants"]] += participants.size
    if participants.size == 0:
        return participants
    technologies = data.technologies
    need = technologies.relevance[None, :] * state.gate[participants] * (state.stage[participants] < ADOPTED)
    if not programme.explicit_priorities:
        noise_sd = programme.noise_sd * (1.0 - programme.participation_breadth)
        weights = np.maximum(need.mean(axis=0) + rng.normal(0.0, noise_sd, size=technologies.k), 0.0)
        if weights.sum() > 0.0:
            programme.set_priorities(weights / weights.sum(), programme.n_focus)
    fit = state.gate[participants][:, programme.focus].max(axis=1)
    low_share = float(np.mean(fit < programme.settings.routing_gate_threshold))
    planned = programme.allocation
    learned = planned.copy()
    knowledge = [INSTRUMENT[name] for name in _KNOWLEDGE_INSTRUMENTS]
    practice = [INSTRUMENT[name] for name in _PRACTICE_INSTRUMENTS]
    learned[knowledge] *= 2.0 * low_share
    learned[practice] *= 2.0 * (1.0 - low_share)
    moved = knowledge + practice
    before, after = planned[moved].sum(), learned[moved].sum()
    if after > 0.0:
        learned[moved] *= before / after
        weight = programme.settings.codesign_mix_weight
        programme.set_allocation((1.0 - weight) * planned + weight * learned)
    return participants


def commit(data: RunData, state: DistrictState, programme: ProgrammeRun, firm: NDArray[np.int64]) -> None:
    """Participation builds commitment: r <- r + g (1 - r), and + share g (1 - r) for their partners."""
    if not programme.mechanisms.participation_commitment or firm.size == 0:
        return
    gain = programme.settings.commitment_affinity_gain
    firm = unique_sorted(firm)
    partners = _partners(data, firm)
    _raise_affinity(state, partners, gain * programme.settings.commitment_tie_share)
    _raise_affinity(state, firm, gain)


def _partners(data: RunData, firm: NDArray[np.int64]) -> NDArray[np.int64]:
    weights = data.networks.weights if data.networks.weights is not None else data.networks.supply
    indptr, indices = weights.indptr, weights.indices
    if firm.size == 0:
        return firm
    rows = [indices[indptr[i] : indptr[i + 1]] for i in firm.tolist()]  # participants are few
    return unique_sorted(np.concatenate(rows)).astype(np.int64) if rows else firm[:0]


def _raise_affinity(state: DistrictState, firm: NDArray[np.int64], gain: float) -> None:
    if firm.size == 0 or gain <= 0.0:
        return
    affinity = 1.0 - (1.0 - state.rti_affinity[firm]) * (1.0 - gain)
    state.rti_affinity[firm] = affinity
    state.engagement[firm] = engaged = affinity * state.absorptive_capacity[firm]
    state.light_engagement[firm] = np.sqrt(engaged)


def review(programme: ProgrammeRun, step: Step, index: int) -> None:
    """Monitoring: every few months, idle money moves to the instruments that are taken up.

    An instrument is idle when it spent less than half of what flowed into it since
    the last review; ``reallocation_share`` of its balance moves to the instruments
    that spent at least what flowed in, in proportion to their spending.
    """
    if step.month < programme.next_review_month or not programme.delivering(step.month):
        return
    programme.next_review_month = step.month + programme.settings.review_every_months
    inflow, spent = programme.inflow_since_review, programme.spent_since_review
    capital = INSTRUMENT["demonstrator"]
    idle = (spent < 0.5 * inflow) & (programme.accounts > 0.0)
    busy = (spent >= inflow) & (spent > 0.0)
    idle[capital] = busy[capital] = False
    if idle.any() and busy.any():
        moved = programme.accounts * idle * programme.settings.reallocation_share
        total = float(moved.sum())
        programme.accounts -= moved
        programme.accounts += total * np.where(busy, spent, 0.0) / spent[busy].sum()
        step.units[index, UNIT["reallocated_eur"]] += total
    inflow.fill(0.0)  # in place: the instruments' kernels hold these arrays (instruments._books)
    spent.fill(0.0)
