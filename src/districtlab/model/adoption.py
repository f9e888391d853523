"""The adoption decision of knowledgeable firms (MODEL.md §3.5), with grants and legitimacy.

For a knowledgeable firm i and technology k the monthly adoption hazard is

    h * u(a_i, c_k) * logistic(beta * (log B_ik - log C_ik (1 - subsidy) - risk_ik + bonus_ik))

with B_ik = v_dk * benefit_share_k * value added per employee * employees_i *
appraisal years and C_ik = fixed_k + per_employee_k * employees_i. Benefit and
cost enter as logarithms, so beta is dimensionless and the size gradient comes
from the fixed part of the cost alone. risk_ik falls with demonstrations seen
and with exposure to adopters; bonus_ik = lambda when L_k >= theta_i (legitimacy).

A pair adopts when its cumulative hazard passes its Exp(1) threshold, which is
the same in law as drawing 1 - exp(-h dt) each month and keeps common random
numbers across programmes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.context import RunData, Step, Streams
from districtlab.model.programmes import SPEND, UNIT, ProgrammeRun
from districtlab.model.state import ADOPTED, CHANNEL, KNOWLEDGEABLE, DistrictState, adopt

_GRANT = CHANNEL["grant"]
_LEGITIMACY = CHANNEL["legitimacy"]


def adoption_cost(data: RunData, firm: NDArray[np.int64], tech: NDArray[np.int64]) -> NDArray[np.float64]:
    technologies = data.technologies
    cost = technologies.cost_fixed[tech] + technologies.cost_per_employee[tech] * data.firms.employees[firm]
    return np.maximum(cost, 1.0)  # a free technology still costs the effort of adopting it


def net_utility(
    data: RunData,
    state: DistrictState,
    step: Step,
    firm: NDArray[np.int64],
    tech: NDArray[np.int64],
    subsidy: NDArray[np.float64] | float,
    with_legitimacy: bool = True,
) -> NDArray[np.float64]:
    """log B - log C (1 - subsidy) - risk + legitimacy bonus, per pair."""
    technologies, behaviour = data.technologies, data.behaviour
    benefit = (
        technologies.relevance[tech]
        * technologies.benefit_share[tech]
        * data.value_added_per_employee
        * data.firms.employees[firm]
        * behaviour.appraisal_years
    )
    cost = adoption_cost(data, firm, tech) * np.maximum(1.0 - np.asarray(subsidy), 1e-9)
    exposure = step.exposure[firm if step.exposure.shape[0] > 1 else 0, tech]
    risk = (
        technologies.risk[tech]
        * (1.0 - behaviour.demonstration_risk_reduction * state.seen_demonstration[firm, tech])
        * (1.0 - behaviour.exposure_risk_reduction * exposure)
    )
    with np.errstate(divide="ignore"):
        utility = np.log(benefit) - np.log(cost) - risk
    if with_legitimacy and behaviour.legitimacy_bonus > 0.0:
        legitimate = data.firms.legitimacy_threshold[firm] <= step.legitimacy[tech]
        utility = utility + behaviour.legitimacy_bonus * legitimate
    return utility


def adoption_hazard(
    data: RunData, state: DistrictState, utility: NDArray[np.float64], firm: NDArray[np.int64], tech: NDArray[np.int64]
) -> NDArray[np.float64]:
    behaviour = data.behaviour
    logistic = 0.5 * (1.0 + np.tanh(0.5 * behaviour.utility_slope * utility))
    return behaviour.adoption_hazard * state.gate[firm, tech] * logistic


def _award_grants(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programmes: list[ProgrammeRun | None],
    firm: NDArray[np.int64],
    tech: NDArray[np.int64],
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Award this month's grants among knowledgeable pairs.

    Returns the subsidy rate per pair, the programme that awarded it (-1 for
    none) and the grant amount. Grants go to pairs in the programme's focus, in
    the order of its targeting tiers; a firm applies with probability a_i; grants
    are awarded while the month's grant account covers them and paid on adoption.
    """
    subsidy = np.zeros(firm.size)
    awarded_by = np.full(firm.size, -1, dtype=np.int64)
    amount = np.zeros(firm.size)
    rng = streams.programme
    for index, programme in enumerate(programmes):
        if programme is None or not programme.delivering(step.month) or programme.design.grant_rate <= 0.0:
            continue
        account = programme.account("grants")
        rate = programme.design.grant_rate
        candidates = np.flatnonzero((awarded_by < 0) & np.isin(tech, programme.focus))
        if candidates.size == 0 or account <= 0.0:
            continue
        cost = adoption_cost(data, firm[candidates], tech[candidates]) * rate
        affordable = int(account // cost.min())
        if affordable == 0:
            continue
        if candidates.size > 8 * affordable:  # look at a random subset large enough to fill the budget
            candidates = np.unique(candidates[rng.integers(0, candidates.size, size=8 * affordable)])
            cost = adoption_cost(data, firm[candidates], tech[candidates]) * rate
        tier_rank = _tier_rank(data, programme.targeting, firm[candidates])
        order = np.lexsort((rng.random(candidates.size), tier_rank))
        candidates, cost = candidates[order], cost[order]
        applies = rng.random(candidates.size) < state.absorptive_capacity[firm[candidates]]
        candidates, cost = candidates[applies], cost[applies]
        within_budget = np.cumsum(cost) <= account
        candidates, cost = candidates[within_budget], cost[within_budget]
        subsidy[candidates] = rate
        awarded_by[candidates] = index
        amount[candidates] = cost
    return subsidy, awarded_by, amount


def _tier_rank(data: RunData, rule: str, firm: NDArray[np.int64]) -> NDArray[np.int64]:
    tiers = data.tiers.by_rule[rule]
    if len(tiers) == 1:
        return np.zeros(firm.size, dtype=np.int64)
    return (~np.isin(firm, tiers[0])).astype(np.int64)


def decide_adoption(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programmes: list[ProgrammeRun | None],
) -> None:
    """Knowledgeable firms decide whether to adopt this step (MODEL.md §3.5)."""
    k = data.technologies.k
    flat = np.flatnonzero(state.stage.reshape(-1) == KNOWLEDGEABLE)
    if flat.size == 0:
        return
    firm, tech = np.divmod(flat, k)
    behaviour = data.behaviour

    if behaviour.immediate_adoption:
        adopt(
            state, data.firms, data.visible, firm, tech, state.knowledge_channel[firm, tech],
            behaviour.adoption_learning, data.technologies.complexity, behaviour.gate_scale,
        )
        return

    subsidy, awarded_by, amount = _award_grants(data, state, step, streams, programmes, firm, tech)
    utility = net_utility(data, state, step, firm, tech, subsidy)
    hazard = adoption_hazard(data, state, utility, firm, tech)
    clock = state.adoption_clock.reshape(-1)
    clock[flat] += hazard * data.dt
    adopting = clock[flat] >= state.adoption_threshold.reshape(-1)[flat]
    if not adopting.any():
        return
    firm, tech, hazard = firm[adopting], tech[adopting], hazard[adopting]
    subsidy, awarded_by, amount = subsidy[adopting], awarded_by[adopting], amount[adopting]

    # Credit each adoption to the knowledge channel, unless the extra hazard that the
    # legitimacy bonus and then the grant added explains it (incremental attribution).
    channel = state.knowledge_channel[firm, tech].copy()
    without_grant = adoption_hazard(data, state, net_utility(data, state, step, firm, tech, 0.0), firm, tech)
    without_either = adoption_hazard(
        data, state, net_utility(data, state, step, firm, tech, 0.0, with_legitimacy=False), firm, tech
    )
    draw = streams.attribution.random(firm.size) * hazard
    channel[draw >= without_grant] = _GRANT
    channel[(draw >= without_either) & (draw < without_grant)] = _LEGITIMACY
    adopt(
        state, data.firms, data.visible, firm, tech, channel,
        behaviour.adoption_learning, data.technologies.complexity, behaviour.gate_scale,
    )
    for index, programme in enumerate(programmes):
        paid = awarded_by == index
        if programme is None:
            continue
        if paid.any():
            programme.spend("grants", float(amount[paid].sum()))
            step.spend[index, SPEND["grants"]] += float(amount[paid].sum())
            step.units[index, UNIT["grants"]] += int(paid.sum())


def adopt_after_project(
    data: RunData,
    state: DistrictState,
    step: Step,
    firm: NDArray[np.int64],
    tech: NDArray[np.int64],
    cost_share: float,
) -> None:
    """Project participants adopt at completion if, with the project's share of the cost, it pays."""
    open_pairs = state.stage[firm, tech] < ADOPTED
    firm, tech = firm[open_pairs], tech[open_pairs]
    if firm.size == 0:
        return
    pays = net_utility(data, state, step, firm, tech, cost_share) > 0.0
    behaviour = data.behaviour
    adopt(
        state, data.firms, data.visible, firm[pays], tech[pays],
        np.full(int(pays.sum()), CHANNEL["project"], dtype=np.int8),
        behaviour.adoption_learning, data.technologies.complexity, behaviour.gate_scale,
    )
