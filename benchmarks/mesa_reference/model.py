"""districtlab's rules as a Mesa 3.3 model: one agent object per firm, one for the RTI.

Written the way Mesa users write models: firms are :class:`mesa.Agent`
subclasses holding their own state in Python lists, the model steps them with
``AgentSet.do`` / ``shuffle_do``, each firm reads its neighbours from a
dict-of-lists network, per-agent draws use ``model.random``, and a
:class:`mesa.DataCollector` records the district every month.

Rules in (those of a scenario whose programme is "none", the counterfactual):
firms, the network and month-0 adoption and awareness as districtlab draws
them; background awareness; the RTI's core services (funding, staff capacity,
events, diagnostics, collaborative projects and their completion, training,
targeting tiers and outreach order); vendor learning, imitation and the
two-step flow (gated by the receiving firm's absorptive capacity); buyers'
requirements; legitimacy weighted by visibility (size and network centrality,
the association adding weight to its members' adoptions only); the adoption
decision with benefit, cost, risk, the project's share of the cost while it
lasts and the absorptive-capacity gate; rejection and postponement; learning by
adopting; staff days priced; the channel of each adoption (issue 9 rules).
Rules out: the regional programmes' own instruments (demonstrator
visits, grants, co-design), which a "none" scenario never uses;
:class:`DistrictModel` refuses scenarios that would need them.

Each hazard h is applied as a Bernoulli draw 1 - exp(-h dt) per step, read at the
same point of the step as districtlab reads it (exposure, supply pressure and
legitimacy at the start of the step; stages moving in the order of
``districtlab.model.schedule``). districtlab draws the same law with fixed
Exp(1) thresholds per pair (next-reaction method), so the two agree in
distribution, not draw by draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import mesa
import numpy as np

from districtlab.config import SIZE_CLASSES, Scenario
from districtlab.model.networks import build_networks
from districtlab.model.population import draw_firms

UNAWARE, AWARE, KNOWLEDGEABLE, ADOPTED = 0, 1, 2, 3
CHANNELS = (
    "initial",
    "background",
    "diagnostic",
    "demonstrator",
    "project",
    "imitation",
    "supply_chain",
    "legitimacy",
    "grant",
)
CHANNEL = {name: code for code, name in enumerate(CHANNELS)}
WORKING_DAYS_PER_MONTH = 220.0 / 12.0
INSTRUMENTS = ("events", "diagnostics", "demonstrator", "projects", "training", "grants")


def logistic(x: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * x))


@dataclass(frozen=True)
class Technology:
    name: str
    cost_fixed: float
    cost_per_employee: float
    complexity: float
    relevance: float
    benefit_share: float
    risk: float
    awareness_hazard: float
    learning_hazard: float
    imitation_strength: float


class Firm(mesa.Agent):
    """A firm: its traits, its stage in every technology, and its ties."""

    def __init__(self, model: DistrictModel, index: int, traits: dict) -> None:
        super().__init__(model)
        self.index = index
        self.size_class: int = traits["size_class"]
        self.role: int = traits["role"]
        self.employees: float = traits["employees"]
        self.rti_member: bool = traits["rti_member"]
        self.visibility: float = traits["visibility"]  # weight of its adoptions in legitimacy
        self.rti_affinity: float = traits["rti_affinity"]
        self.legitimacy_threshold: float = traits["legitimacy_threshold"]
        self.absorptive_capacity: float = traits["absorptive_capacity"]
        k = len(model.technologies)
        self.stage = [UNAWARE] * k
        self.knowledge_channel = [-1] * k
        self.adopted: set[int] = set()
        self.engaged = False
        self.gate = [0.0] * k
        self.refresh_gate()
        self.log_benefit_cost = [self._log_benefit_cost(t) for t in model.technologies]
        # filled in by the model once every firm exists
        self.neighbours: list[tuple[Firm, float]] = []  # (firm, exposure weight w_ij)
        self.buyers: list[Firm] = []  # firms that buy from this one
        self.weight_sum = 0.0
        self.exposure = [0.0] * k  # E_ik at the start of the step
        self.pressure = [0] * k  # P_ik at the start of the step
        self.postponed_until = [0.0] * k  # a firm that said no reconsiders from this month
        self.support: dict[int, tuple[float, float]] = {}  # tech -> (project cost share, until month)

    # -- helpers ---------------------------------------------------------------------

    def _log_benefit_cost(self, technology: Technology) -> float:
        behaviour = self.model.behaviour
        benefit = (
            technology.relevance
            * technology.benefit_share
            * self.model.value_added_per_employee
            * behaviour.appraisal_years
            * self.employees
        )
        cost = max(technology.cost_fixed + technology.cost_per_employee * self.employees, 1.0)
        return (math.log(benefit) if benefit > 0 else -math.inf) - math.log(cost)

    def refresh_gate(self) -> None:
        scale = self.model.behaviour.gate_scale
        self.gate = [
            logistic((self.absorptive_capacity - t.complexity) / scale) for t in self.model.technologies
        ]

    def learn(self, gain: float) -> None:
        """a <- a + gain (1 - a)."""
        self.absorptive_capacity = 1.0 - (1.0 - self.absorptive_capacity) * (1.0 - gain)
        self.refresh_gate()

    def engagement(self, light_touch: bool) -> float:
        engaged = self.rti_affinity * self.absorptive_capacity
        return math.sqrt(engaged) if light_touch else engaged

    def raise_stage(self, tech: int, level: int, channel: int | None = None) -> bool:
        if self.stage[tech] >= level:
            return False
        self.stage[tech] = level
        if channel is not None and level == KNOWLEDGEABLE:
            self.knowledge_channel[tech] = channel
        return True

    def adopt(self, tech: int, channel: int) -> None:
        if self.stage[tech] == ADOPTED:
            return
        if self.stage[tech] < KNOWLEDGEABLE:
            self.knowledge_channel[tech] = channel
        self.stage[tech] = ADOPTED
        self.adopted.add(tech)
        self.model.record_adoption(self, tech, channel)

    def utility(self, tech: int) -> tuple[float, float]:
        """(log B - log C - risk + buyers' requirement + project support, legitimacy bonus)."""
        model = self.model
        behaviour = model.behaviour
        risk = model.technologies[tech].risk * (1.0 - behaviour.exposure_risk_reduction * self.exposure[tech])
        base = self.log_benefit_cost[tech] - risk
        if model.mechanisms.buyer_requirements and self.pressure[tech]:
            share = behaviour.buyer_requirement_share
            base += behaviour.buyer_requirement_bonus * (1.0 - (1.0 - share) ** self.pressure[tech])
        support = self.support.get(tech)
        if support is not None and model.month < support[1]:
            base += -math.log1p(-support[0])
        legitimate = model.mechanisms.legitimacy and self.legitimacy_threshold <= model.legitimacy[tech]
        return base, behaviour.legitimacy_bonus if legitimate else 0.0

    # -- the sub-steps, in the order of districtlab.model.schedule -----------------------

    def observe(self) -> None:
        """Exposure to adopting neighbours and pressure from adopting buyers, at the start of the step."""
        k = len(self.exposure)
        numerator = [0.0] * k
        for neighbour, weight in self.neighbours:
            for tech in neighbour.adopted:
                numerator[tech] += weight
        self.exposure = [x / self.weight_sum for x in numerator] if self.weight_sum > 0 else numerator
        pressure = [0] * k
        for buyer in self.buyers:
            for tech in buyer.adopted:
                pressure[tech] += 1
        self.pressure = pressure

    def become_aware(self) -> None:
        """Background awareness from vendors and media."""
        for tech, probability in enumerate(self.model.awareness_probability):
            if self.stage[tech] == UNAWARE and self.random.random() < probability:
                self.stage[tech] = AWARE

    def learn_from_others(self) -> None:
        """Vendor learning, imitation of adopters and the two-step flow."""
        model = self.model
        dt = model.dt
        supply_hazard = model.behaviour.supply_chain_hazard
        for tech, technology in enumerate(model.technologies):
            stage = self.stage[tech]
            if stage >= KNOWLEDGEABLE:
                continue
            gate = self.gate[tech]
            learning = technology.learning_hazard * gate if stage == AWARE else 0.0
            imitation = technology.imitation_strength * self.exposure[tech] * gate
            supply = supply_hazard * self.pressure[tech] * gate
            total = learning + imitation + supply
            if total > 0.0 and self.random.random() < 1.0 - math.exp(-total * dt):
                draw = self.random.random() * total
                channel = (
                    "background"
                    if draw < learning
                    else "imitation"
                    if draw < learning + imitation
                    else "supply_chain"
                )
                self.stage[tech] = KNOWLEDGEABLE
                self.knowledge_channel[tech] = CHANNEL[channel]

    def decide(self) -> None:
        """Knowledgeable technologies are adopted with the adoption hazard; learning by adopting follows."""
        model = self.model
        behaviour = model.behaviour
        adopted_now = []
        for tech in range(len(self.stage)):
            if self.stage[tech] != KNOWLEDGEABLE or model.month < self.postponed_until[tech]:
                continue
            base, bonus = self.utility(tech)
            gated = behaviour.adoption_hazard * self.gate[tech]
            hazard = gated * logistic(behaviour.utility_slope * (base + bonus))
            if self.random.random() < 1.0 - math.exp(-hazard * model.dt):
                if self.random.random() < behaviour.rejection_probability:
                    self.postponed_until[tech] = model.month + model.dt + behaviour.postponement_months
                    continue
                without_bonus = gated * logistic(behaviour.utility_slope * base)
                legitimacy = self.random.random() * hazard >= without_bonus
                adopted_now.append(
                    (tech, CHANNEL["legitimacy"] if legitimacy else self.knowledge_channel[tech])
                )
        for tech, channel in adopted_now:
            self.adopt(tech, channel)
        if adopted_now and behaviour.adoption_learning > 0.0:
            for _ in adopted_now:
                self.absorptive_capacity = 1.0 - (1.0 - self.absorptive_capacity) * (
                    1.0 - behaviour.adoption_learning
                )
            self.refresh_gate()


class Outreach:
    """How one instrument works through the firms of its targeting tiers (as districtlab's Outreach)."""

    def __init__(self, tiers: Sequence[list[Firm]], model: DistrictModel) -> None:
        self.tiers = tiers
        self.model = model
        self.orders: list[list[Firm] | None] = [None] * len(tiers)
        self.cursors = [0] * len(tiers)

    def select(self, n_needed: int, light_touch: bool, eligible=None) -> list[Firm]:  # type: ignore[no-untyped-def]
        """Approach firms in a random order per tier, wrapping around, until n_needed have taken up the offer."""
        chosen: list[Firm] = []
        for index, tier in enumerate(self.tiers):
            if len(chosen) >= n_needed or not tier:
                break
            if self.orders[index] is None:
                order = list(tier)
                self.model.random.shuffle(order)
                self.orders[index] = order
            order = self.orders[index]
            for _ in range(len(order)):
                firm = order[self.cursors[index]]
                self.cursors[index] = (self.cursors[index] + 1) % len(order)
                if self.model.random.random() < firm.engagement(light_touch) and (
                    eligible is None or eligible(firm)
                ):
                    chosen.append(firm)
                    if len(chosen) >= n_needed:
                        break
        return chosen


class RTI(mesa.Agent):
    """The research and technology institute delivering its core services."""

    def __init__(self, model: DistrictModel, scenario: Scenario) -> None:
        super().__init__(model)
        rti = scenario.rti
        programme = rti.core_services
        assert programme.allocation is not None
        assert programme.design is not None
        allocation = dict(zip(INSTRUMENTS, programme.allocation.as_tuple(), strict=True))
        if allocation["demonstrator"] > 0.0 or allocation["grants"] > 0.0 or programme.codesign is not None:
            raise NotImplementedError(
                "the Mesa reference covers core services without demonstrator, grants or co-design"
            )
        self.design = programme.design
        self.enabled = rti.enabled and programme.is_active()
        self.staff_days_per_month = rti.staff_fte * rti.transfer_staff_share * WORKING_DAYS_PER_MONTH
        self.competence = [rti.competence_for(t.name) for t in model.technologies]
        self.competence_gain = rti.competence_gain
        self.start, self.end = (
            float(programme.start_month),
            float(programme.start_month + programme.duration_months),
        )
        self.monthly_inflow = {
            name: programme.budget_eur_per_year / 12.0 * share for name, share in allocation.items()
        }
        self.accounts = dict.fromkeys(INSTRUMENTS, 0.0)
        relevance = [t.relevance for t in model.technologies]
        total = sum(relevance)
        priorities = [r / total for r in relevance] if total > 0 else [1.0 / len(relevance)] * len(relevance)
        ranked = sorted(range(len(priorities)), key=lambda tech: -priorities[tech])  # stable: ties by index
        self.focus = [t for t in ranked[: programme.focus_technologies] if priorities[t] > 0.0]
        self.focus_weights = [priorities[t] for t in self.focus]
        firms = model.firm_list
        members = [firm for firm in firms if firm.rti_member]
        others = [firm for firm in firms if not firm.rti_member]
        tiers = {
            "open_call": [firms],
            "smes_first": [[f for f in firms if f.size_class <= 1], [f for f in firms if f.size_class > 1]],
            "leading_firms_first": [[f for f in firms if f.role == 0], [f for f in firms if f.role != 0]],
            "rti_network": [members, others],
        }[programme.targeting]
        tiers = [tier for tier in tiers if tier]
        self.outreach = {
            name: Outreach(tiers, model) for name in ("events", "diagnostics", "projects", "training")
        }
        self.projects: list[tuple[float, Firm, int]] = []  # (end month, firm, technology)

    def affordable(self, instrument: str, unit_cost: float, staff_days: float) -> int:
        return int(self.accounts[instrument] // (unit_cost + staff_days * self.design.staff_day_cost_eur))

    def within_capacity(self, wanted: int, staff_days_per_unit: float) -> int:
        if staff_days_per_unit <= 0.0:
            return wanted
        return max(0, min(wanted, int(self.staff_days_left // staff_days_per_unit)))

    def charge(self, instrument: str, amount: float, staff_days: float) -> None:
        self.accounts[instrument] -= amount + staff_days * self.design.staff_day_cost_eur
        self.staff_days_left -= staff_days

    def topics(self, n: int) -> list[int]:
        return self.model.random.choices(self.focus, weights=self.focus_weights, k=n)

    def step(self) -> None:
        """Fund the month, complete due projects, deliver events, diagnostics, projects and training."""
        model = self.model
        month = model.month
        if not self.start <= month < self.end:
            return
        for name, inflow in self.monthly_inflow.items():
            self.accounts[name] += inflow * model.dt
        self.complete_projects()
        if not self.enabled:
            return
        self.staff_days_left = self.staff_days_per_month * model.dt
        self.deliver_events()
        self.deliver_diagnostics()
        self.deliver_projects()
        self.deliver_training()

    def deliver_events(self) -> None:
        design = self.design
        n_events = self.within_capacity(
            self.affordable("events", design.event_cost_eur, design.staff_days_per_event),
            design.staff_days_per_event,
        )
        if n_events == 0:
            return
        per_event = max(1, round(design.event_attendees * self.model.event_reach_multiplier))
        attendees = self.outreach["events"].select(n_events * per_event, light_touch=True)
        topics = self.topics(n_events)
        for position, firm in enumerate(attendees):
            firm.raise_stage(topics[position // per_event], AWARE)
            firm.engaged = True
        self.charge("events", n_events * design.event_cost_eur, n_events * design.staff_days_per_event)

    def deliver_diagnostics(self) -> None:
        design = self.design
        n = self.within_capacity(
            self.affordable("diagnostics", design.diagnostic_cost_eur, design.staff_days_per_diagnostic),
            design.staff_days_per_diagnostic,
        )
        if n == 0:
            return
        firms = self.outreach["diagnostics"].select(
            n, light_touch=False, eligible=lambda f: min(f.stage) < KNOWLEDGEABLE
        )
        relevance = [t.relevance for t in self.model.technologies]
        for firm in firms:
            fit = [
                -1.0 if firm.stage[t] >= KNOWLEDGEABLE else relevance[t] * firm.gate[t]
                for t in range(len(relevance))
            ]
            best = sorted(range(len(fit)), key=lambda t: -fit[t])[: design.diagnostic_depth]
            for tech in best:
                if fit[tech] < 0.0:
                    continue
                if self.model.random.random() < self.competence[tech] * firm.gate[tech]:
                    firm.raise_stage(tech, KNOWLEDGEABLE, CHANNEL["diagnostic"])
                else:
                    firm.raise_stage(tech, AWARE)
            firm.engaged = True
        self.charge(
            "diagnostics",
            len(firms) * design.diagnostic_cost_eur,
            len(firms) * design.staff_days_per_diagnostic,
        )

    def deliver_projects(self) -> None:
        design = self.design
        wanted = self.affordable(
            "projects",
            design.project_size * design.project_seat_cost_eur,
            design.project_size * design.staff_days_per_project_seat,
        )
        n_projects = self.within_capacity(wanted, design.project_size * design.staff_days_per_project_seat)
        if n_projects == 0:
            return
        for tech in self.topics(n_projects):
            members = self.outreach["projects"].select(
                design.project_size, light_touch=False, eligible=lambda f, tech=tech: f.stage[tech] < ADOPTED
            )
            for firm in members:
                firm.raise_stage(tech, KNOWLEDGEABLE, CHANNEL["project"])
                firm.engaged = True
                self.projects.append((self.model.month + design.project_months, firm, tech))
                until = self.model.month + design.project_months + design.project_support_months
                share, old_until = firm.support.get(tech, (0.0, 0.0))
                firm.support[tech] = (max(share, design.project_cost_share), max(until, old_until))
            self.charge(
                "projects",
                len(members) * design.project_seat_cost_eur,
                len(members) * design.staff_days_per_project_seat,
            )

    def complete_projects(self) -> None:
        """Participants learn and the RTI learns; adoption is left to the participants' decision."""
        month = self.model.month
        due = [project for project in self.projects if project[0] <= month]
        if not due:
            return
        self.projects = [project for project in self.projects if project[0] > month]
        for _, firm, _ in due:
            firm.learn(self.design.training_gain)
        for _, tech in {(end, tech) for end, _, tech in due}:
            self.competence[tech] = 1.0 - (1.0 - self.competence[tech]) * (1.0 - self.competence_gain)

    def deliver_training(self) -> None:
        design = self.design
        n = self.within_capacity(
            self.affordable("training", design.training_seat_cost_eur, design.staff_days_per_training_seat),
            design.staff_days_per_training_seat,
        )
        if n == 0:
            return
        trainees = self.outreach["training"].select(n, light_touch=False)
        for firm in trainees:
            firm.learn(design.training_gain)
            firm.engaged = True
        self.charge(
            "training",
            len(trainees) * design.training_seat_cost_eur,
            len(trainees) * design.staff_days_per_training_seat,
        )


class DistrictModel(mesa.Model):
    """A district under the counterfactual (no regional programme), the RTI's core services running."""

    def __init__(self, scenario: Scenario, *, seed: int | None = None) -> None:
        super().__init__(rng=seed)
        if scenario.programme.is_active():
            raise NotImplementedError("the Mesa reference covers the counterfactual (programme 'none') only")
        self.behaviour = scenario.behaviour
        self.mechanisms = scenario.mechanisms
        if self.behaviour.immediate_adoption:
            raise NotImplementedError("the Mesa reference covers the full adoption decision only")
        self.dt = scenario.dt
        self.n_steps = scenario.n_steps
        self.month = 0.0
        self.technologies = [
            Technology(
                t.name,
                t.cost_fixed_eur,
                t.cost_per_employee_eur,
                t.complexity,
                t.relevance,
                t.benefit_share,
                t.risk,
                t.awareness_hazard,
                t.learning_hazard,
                t.imitation_strength,
            )
            for t in scenario.technologies
        ]
        self.awareness_probability = [
            1.0 - math.exp(-t.awareness_hazard * self.dt) for t in self.technologies
        ]
        self.value_added_per_employee = scenario.population.value_added_per_employee_eur
        self.event_reach_multiplier = (
            scenario.association.event_reach_multiplier if scenario.association.enabled else 1.0
        )

        # The same firms and ties as districtlab draws them (its population and network laws).
        drawn = draw_firms(scenario.population, self.rng)
        networks = build_networks(drawn, scenario.networks, self.rng)
        visibility, self.visibility_total = _visibility(drawn, networks, scenario)
        self.firm_list: list[Firm] = []
        for i in range(drawn.n):
            traits = {
                "size_class": int(drawn.size_class[i]),
                "role": int(drawn.role[i]),
                "employees": float(drawn.employees[i]),
                "rti_member": bool(drawn.rti_member[i]),
                "visibility": visibility[i],
                "rti_affinity": float(drawn.rti_affinity[i]),
                "legitimacy_threshold": float(drawn.legitimacy_threshold[i]),
                "absorptive_capacity": float(drawn.initial_absorptive_capacity[i]),
            }
            self.firm_list.append(Firm(self, i, traits))
        self._wire(networks)
        self.visible_adopters = [0.0] * len(self.technologies)
        self.adoptions_by_channel = [[0] * len(self.technologies) for _ in CHANNELS]
        self.legitimacy = [0.0] * len(self.technologies)
        self._initial_conditions(scenario)
        self.rti = RTI(self, scenario)
        self.firms = self.agents_by_type[Firm]
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "adopted": adopted_by_technology_and_size,
                "knowledgeable": lambda m: stage_count(m, KNOWLEDGEABLE),
                "aware": lambda m: stage_count(m, AWARE),
                "absorptive_capacity": mean_capacity_by_size,
            }
        )
        self.datacollector.collect(self)

    def _wire(self, networks) -> None:  # type: ignore[no-untyped-def]
        """Dict-of-lists ties from the sparse matrices."""
        firms = self.firm_list
        if networks.weights is None:  # complete graph: everyone is everyone's neighbour with weight 1
            for firm in firms:
                firm.neighbours = [(other, 1.0) for other in firms if other is not firm]
                firm.weight_sum = float(len(firms) - 1)
        else:
            weights = networks.weights
            for i, firm in enumerate(firms):
                start, end = weights.indptr[i], weights.indptr[i + 1]
                firm.neighbours = [
                    (firms[j], float(w))
                    for j, w in zip(weights.indices[start:end], weights.data[start:end], strict=True)
                ]
                firm.weight_sum = sum(w for _, w in firm.neighbours)
        supply = networks.supply.tocsr()
        for buyer in range(len(firms)):
            for seller in supply.indices[supply.indptr[buyer] : supply.indptr[buyer + 1]]:
                firms[seller].buyers.append(firms[buyer])

    def _initial_conditions(self, scenario: Scenario) -> None:
        """Month-0 adopters by technology and size class, then month-0 awareness (as districtlab)."""
        shares = [t.initial_adoption.as_tuple() for t in scenario.technologies]
        for firm in self.firm_list:
            for tech in range(len(self.technologies)):
                if self.random.random() < shares[tech][firm.size_class]:
                    firm.adopt(tech, CHANNEL["initial"])
        for firm in self.firm_list:
            for tech, technology in enumerate(scenario.technologies):
                if self.random.random() < technology.initial_awareness:
                    firm.raise_stage(tech, AWARE)

    def record_adoption(self, firm: Firm, tech: int, channel: int) -> None:
        self.adoptions_by_channel[channel][tech] += 1
        self.visible_adopters[tech] += firm.visibility

    def step(self) -> None:
        """One month, in districtlab's order (districtlab.model.schedule)."""
        total = self.visibility_total
        self.legitimacy = [min(a / total, 1.0) if total > 0 else 0.0 for a in self.visible_adopters]
        self.firms.do("observe")
        self.firms.do("become_aware")
        self.rti.step()
        self.firms.shuffle_do("learn_from_others")
        self.firms.shuffle_do("decide")
        self.month += self.dt
        self.datacollector.collect(self)


def _visibility(drawn, networks, scenario: Scenario) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
    """Per firm: (employees / mean)^e (1 + w degree / mean degree), times 1 + boost for association members."""
    behaviour = scenario.behaviour
    n = drawn.n
    mean_employees = sum(float(e) for e in drawn.employees) / n
    if networks.weights is not None and networks.weights.nnz:
        degree = [float(networks.weights.indptr[i + 1] - networks.weights.indptr[i]) for i in range(n)]
        mean_degree = max(sum(degree) / n, 1e-12)
        centrality = [1.0 + behaviour.visibility_centrality_weight * d / mean_degree for d in degree]
    else:
        centrality = [1.0 + behaviour.visibility_centrality_weight] * n
    weight = [
        (float(drawn.employees[i]) / mean_employees) ** behaviour.visibility_size_elasticity * centrality[i]
        for i in range(n)
    ]
    total = sum(weight)
    association = scenario.association
    if association.enabled and scenario.mechanisms.association_visibility:
        weight = [
            w * (1.0 + association.visibility_boost * bool(drawn.association_member[i]))
            for i, w in enumerate(weight)
        ]
    return weight, total


def adopted_by_technology_and_size(model: DistrictModel) -> list[list[int]]:
    counts = [[0] * len(SIZE_CLASSES) for _ in model.technologies]
    for firm in model.firm_list:
        for tech in firm.adopted:
            counts[tech][firm.size_class] += 1
    return counts


def stage_count(model: DistrictModel, level: int) -> list[int]:
    """Pairs at stage >= level, per technology."""
    counts = [0] * len(model.technologies)
    for firm in model.firm_list:
        for tech, stage in enumerate(firm.stage):
            if stage >= level:
                counts[tech] += 1
    return counts


def mean_capacity_by_size(model: DistrictModel) -> list[float]:
    totals, counts = [0.0] * len(SIZE_CLASSES), [0] * len(SIZE_CLASSES)
    for firm in model.firm_list:
        totals[firm.size_class] += firm.absorptive_capacity
        counts[firm.size_class] += 1
    return [t / c if c else math.nan for t, c in zip(totals, counts, strict=True)]


@dataclass(frozen=True)
class ReferenceRun:
    """What one run of the Mesa reference recorded."""

    adopted: np.ndarray  # steps+1 x technologies x size classes
    firms_per_size: np.ndarray  # size classes


def run_reference(scenario: Scenario, *, seed: int) -> ReferenceRun:
    """Build the Mesa model for ``scenario`` and run it to the horizon."""
    model = DistrictModel(scenario, seed=seed)
    for _ in range(model.n_steps):
        model.step()
    adopted = np.array(model.datacollector.model_vars["adopted"], dtype=np.int64)
    firms_per_size = np.bincount([firm.size_class for firm in model.firm_list], minlength=len(SIZE_CLASSES))
    return ReferenceRun(adopted=adopted, firms_per_size=firms_per_size)
