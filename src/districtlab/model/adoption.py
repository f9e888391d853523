"""The adoption decision of knowledgeable firms (MODEL.md §3.5), with grants and legitimacy.

For a knowledgeable firm i and technology k the monthly adoption hazard is

    h * u(a_i, c_k) * logistic(beta * (log B_ik - log C_ik - log(1 - subsidy) - risk_ik + bonus_ik))

with B_ik = v_dk * benefit_share_k * value added per employee * employees_i *
appraisal years and C_ik = fixed_k + per_employee_k * employees_i. Benefit and
cost enter as logarithms, so beta is dimensionless and the size gradient comes
from the fixed part of the cost alone. risk_ik falls with demonstrations seen
and with exposure to adopters; bonus_ik = lambda when L_k >= theta_i (legitimacy).

A pair adopts when its integrated hazard passes its Exp(1) threshold
(:mod:`districtlab.model.clocks`), the same in law as drawing 1 - exp(-h dt) each
month; the fixed thresholds keep common random numbers across programmes.

Grants are awarded each month by programmes that fund them, to knowledgeable
pairs in the programme's focus; the money is committed at award, paid on
adoption, and returned to the programme if the grant lapses unused.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.arrays import unique_counts, unique_sorted
from districtlab.model.context import RunData, Step, Streams
from districtlab.model.networks import Exposure
from districtlab.model.pairs import Pairs
from districtlab.model.programmes import SPEND, UNIT, ProgrammeRun
from districtlab.model.state import ADOPTED, CHANNEL, KNOWLEDGEABLE, DistrictState, adopt
from districtlab.model.technologies import TechnologyArrays

_GRANT = np.int8(CHANNEL["grant"])
_LEGITIMACY = np.int8(CHANNEL["legitimacy"])


def log_benefit_over_cost(
    employees: NDArray[np.float64],
    technologies: TechnologyArrays,
    value_added_per_employee: float,
    appraisal_years: float,
) -> NDArray[np.float64]:
    """log B_ik - log C_ik for every firm and technology (fixed for a run), firms x technologies."""
    benefit = (technologies.relevance * technologies.benefit_share)[None, :] * (
        value_added_per_employee * appraisal_years * employees
    )[:, None]
    cost = technologies.cost_fixed[None, :] + technologies.cost_per_employee[None, :] * employees[:, None]
    with np.errstate(divide="ignore"):
        return np.log(benefit) - np.log(np.maximum(cost, 1.0))  # even a free technology costs some effort


def utility_terms(
    data: RunData, state: DistrictState, step: Step, exposure: Exposure, pairs: Pairs
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(log B - log C - risk, legitimacy bonus) per pair."""
    technologies, behaviour = data.technologies, data.behaviour
    risk = (
        technologies.risk[pairs.tech]
        * (1.0 - behaviour.demonstration_risk_reduction * state.seen_demonstration_flat[pairs.flat])
        * (1.0 - behaviour.exposure_risk_reduction * exposure.exposure(pairs.flat, pairs.firm, pairs.tech))
    )
    base = data.log_benefit_cost[pairs.flat] - risk
    legitimate = data.firms.legitimacy_threshold[pairs.firm] <= step.legitimacy[pairs.tech]
    bonus = np.where(legitimate, behaviour.legitimacy_bonus, 0.0)
    return base, bonus


def adoption_hazard(
    data: RunData, gate: NDArray[np.float64], utility: NDArray[np.float64]
) -> NDArray[np.float64]:
    """h u(a, c) logistic(beta utility)."""
    return _gated_hazard(data, gate) * _one_plus_tanh(data, utility)


def _gated_hazard(data: RunData, gate: NDArray[np.float64]) -> NDArray[np.float64]:
    # h * gate * 0.5, grouped as in h * gate * 0.5 * (1 + tanh(.)) so that the product is the same to the bit
    return data.behaviour.adoption_hazard * gate * 0.5


def _one_plus_tanh(data: RunData, utility: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 + np.tanh(0.5 * data.behaviour.utility_slope * utility)  # 2 logistic(beta u), without overflow


def _subsidy_term(rate: NDArray[np.float64] | float) -> NDArray[np.float64]:
    return -np.log1p(-np.asarray(rate))  # log C - log C (1 - s)


def _with_grants(
    state: DistrictState, pair: NDArray[np.int64], utility: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Utility with the subsidy of the grants the pairs hold.

    Without grants outstanding every subsidy term is -log1p(-0) = -0.0, which
    leaves a sum unchanged, so the lookup is skipped.
    """
    if state.grants.pair.size == 0:
        return utility
    return utility + _subsidy_term(state.grant_rate_flat[pair])


def expire_grants(state: DistrictState, step: Step, programmes: list[ProgrammeRun | None]) -> None:
    """Grants past their validity lapse; their money goes back to a programme still delivering."""
    if state.grants.pair.size == 0:
        return
    lapsed = state.grants.take(state.grants.expiry_month > step.month)
    if lapsed.pair.size == 0:
        return
    state.grant_rate_flat[lapsed.pair] = 0.0
    state.mark_changed(lapsed.pair)
    for slot, programme in enumerate(programmes):
        mine = lapsed.slot == slot
        if programme is not None and mine.any() and programme.delivering(step.month):
            programme.spend("grants", -float(lapsed.amount[mine].sum()))


def award_grants(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programmes: list[ProgrammeRun | None],
) -> None:
    """Award this month's grants among knowledgeable pairs that hold none.

    Grants go to pairs in the programme's focus, in the order of its targeting
    tiers (random within a tier); a firm applies with probability a_i; grants are
    awarded while the grant account covers them.
    """
    k = data.technologies.k
    knowledgeable: NDArray[np.int64] | None = None
    for slot, programme in enumerate(programmes):
        if programme is None or not programme.delivering(step.month) or programme.design.grant_rate <= 0.0:
            continue
        rng = streams.programmes[slot]
        account = programme.account("grants")
        if account <= 0.0:
            continue
        if knowledgeable is None:
            knowledgeable = state.pairs_at(KNOWLEDGEABLE)
        open_ = state.grant_rate_flat[knowledgeable] == 0.0
        open_ &= programme.in_focus_pairs(data.firms.n)[knowledgeable]
        candidates = knowledgeable[open_]
        if candidates.size == 0:
            continue
        rate = programme.design.grant_rate
        cheapest = float(data.adoption_cost[candidates].min()) * rate
        affordable = int(account // cheapest)
        if affordable == 0:
            continue
        if candidates.size > 8 * affordable:  # a random subset large enough to fill the budget
            candidates = unique_sorted(candidates[rng.integers(0, candidates.size, size=8 * affordable)])
        firm = candidates // k
        tier_rank = data.tiers.rank(programme.targeting, firm)
        order = np.lexsort((rng.random(candidates.size), tier_rank))
        candidates, firm = candidates[order], firm[order]
        applies = rng.random(candidates.size) < state.absorptive_capacity[firm]
        candidates, firm = candidates[applies], firm[applies]
        amount = data.adoption_cost[candidates] * rate
        within_budget = amount.cumsum() <= account
        candidates, amount = candidates[within_budget], amount[within_budget]
        if candidates.size == 0:
            continue
        programme.spend("grants", float(amount.sum()))  # committed; recorded as spend when paid
        state.grant_rate_flat[candidates] = rate
        state.grants.add(candidates, slot, amount, step.month + programme.design.grant_validity_months)
        state.mark_changed(candidates)


def pay_grants(state: DistrictState, step: Step, n_slots: int) -> None:
    """Pay the grants of pairs that have adopted (their money was committed at award).

    Called after every adoption by a programme-relevant route (the adoption
    decision and project completion), so a grant is paid in the step its pair adopts.
    """
    if state.grants.pair.size == 0:
        return
    paid = state.grants.take(state.stage_flat[state.grants.pair] < ADOPTED)
    if paid.pair.size == 0:
        return
    state.grant_rate_flat[paid.pair] = 0.0
    step.spend[:, SPEND["grants"]] += np.bincount(paid.slot, weights=paid.amount, minlength=n_slots)
    step.units[:, UNIT["grants"]] += np.bincount(paid.slot, minlength=n_slots)


def _mark_legitimacy_changes(data: RunData, state: DistrictState, step: Step) -> None:
    """Firms whose threshold the visible adoption share has just reached get the bonus from now on.

    Only knowledgeable pairs are marked: the bonus enters the adoption hazard
    alone, and a pair that becomes knowledgeable later reads it then.
    """
    k = data.technologies.k
    order, sorted_thresholds = data.legitimacy_order
    rose = (step.legitimacy > state.legitimacy_applied).nonzero()[0]
    if rose.size == 0:
        return
    low = np.searchsorted(sorted_thresholds, state.legitimacy_applied[rose], side="right")
    high = np.searchsorted(sorted_thresholds, step.legitimacy[rose], side="right")
    # the firms whose thresholds lie in (old L_k, new L_k], for every technology k that rose, in one gather
    counts = high - low
    position = np.arange(counts.sum()) + np.repeat(low - (counts.cumsum() - counts), counts)
    pair = order[position] * k + np.repeat(rose, counts)
    state.mark_changed(pair[state.stage_flat[pair] == KNOWLEDGEABLE])
    state.legitimacy_applied = np.maximum(state.legitimacy_applied, step.legitimacy)


def prepare_adoption(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programmes: list[ProgrammeRun | None]
) -> None:
    """Before firms decide: lapse and award grants, and note who now sees the technology as legitimate."""
    if data.behaviour.immediate_adoption:
        return
    expire_grants(state, step, programmes)
    award_grants(data, state, step, streams, programmes)
    if data.behaviour.legitimacy_bonus > 0.0:
        _mark_legitimacy_changes(data, state, step)


def set_adoption_rates(
    data: RunData, state: DistrictState, step: Step, exposure: Exposure, pair: NDArray[np.int64]
) -> None:
    """Bring the adoption clocks of these knowledgeable pairs up to date."""
    if pair.size == 0:
        return
    base, bonus = utility_terms(data, state, step, exposure, Pairs.of(pair, data.technologies.k))
    utility = _with_grants(state, pair, base + bonus)
    state.adoption_clock.set_rates(pair, adoption_hazard(data, state.gate_flat[pair], utility), step.month)


def decide_adoption(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programmes: list[ProgrammeRun | None],
    exposure: Exposure,
) -> None:
    """Knowledgeable pairs whose adoption clock runs out this step adopt (MODEL.md §3.5)."""
    k = data.technologies.k
    behaviour = data.behaviour
    if behaviour.immediate_adoption:
        pair = state.pairs_at(KNOWLEDGEABLE)
        firm = pair // k
        adopt(
            state,
            data.firms,
            data.visible,
            firm,
            pair - firm * k,
            state.knowledge_channel_flat[pair],
            behaviour.adoption_learning,
            data.technologies.complexity,
            behaviour.gate_scale,
        )
        return
    clock = state.adoption_clock
    pair = clock.due_before(step.month + data.dt)
    if pair.size == 0:
        return
    pairs = Pairs.of(pair, k)
    # Credit each adoption to the knowledge channel, unless the extra hazard that the
    # legitimacy bonus, then the grant, added explains it (incremental attribution).
    base, bonus = utility_terms(data, state, step, exposure, pairs)
    gated = _gated_hazard(data, state.gate_flat[pair])
    with_bonus = base + bonus
    without_grant = gated * _one_plus_tanh(data, with_bonus)
    has_grant = state.grants.pair.size > 0
    hazard = (
        gated * _one_plus_tanh(data, _with_grants(state, pair, with_bonus)) if has_grant else without_grant
    )
    # base + 0.0 == base, so without any bonus the hazard without either is the one without grant
    without_either = gated * _one_plus_tanh(data, base) if np.count_nonzero(bonus) else without_grant
    draw = streams.attribution.random(pair.size) * hazard
    channel = state.knowledge_channel_flat[pair]
    channel[(draw >= without_either) & (draw < without_grant)] = _LEGITIMACY
    channel[draw >= without_grant] = _GRANT
    adopt(
        state,
        data.firms,
        data.visible,
        pairs.firm,
        pairs.tech,
        channel,
        behaviour.adoption_learning,
        data.technologies.complexity,
        behaviour.gate_scale,
    )
    clock.stop(pair)
    pay_grants(state, step, len(programmes))


def adopt_after_project(
    data: RunData,
    state: DistrictState,
    step: Step,
    exposure: Exposure,
    firm: NDArray[np.int64],
    tech: NDArray[np.int64],
    cost_share: float,
) -> None:
    """Project participants adopt at completion if, with the project's share of the cost, it pays."""
    k = data.technologies.k
    pair = firm * k + tech
    open_pairs = state.stage_flat[pair] < ADOPTED
    if not np.count_nonzero(open_pairs):
        return
    pairs = Pairs(pair[open_pairs], firm[open_pairs], tech[open_pairs])
    base, bonus = utility_terms(data, state, step, exposure, pairs)
    pays = base + bonus + _subsidy_term(cost_share) > 0.0
    adopting = pairs.flat[pays]
    if unique_counts(adopting)[1] is not None:
        # a firm in two projects on one technology that end together adopts it once
        _, first = np.unique(adopting, return_index=True)
        once = np.zeros(adopting.size, dtype=bool)
        once[first] = True
        pays[pays] = once
    behaviour = data.behaviour
    adopt(
        state,
        data.firms,
        data.visible,
        pairs.firm[pays],
        pairs.tech[pays],
        np.full(int(np.count_nonzero(pays)), CHANNEL["project"], dtype=np.int8),
        behaviour.adoption_learning,
        data.technologies.complexity,
        behaviour.gate_scale,
    )
    pay_grants(state, step, step.spend.shape[0])
