"""Programmes at run time: resolved priorities, budget flows and instrument accounts (ODD.md §III.iv, Instruments and Place-based mechanisms).

A programme's budget flows in month by month while it runs. A place-based
programme first spends ``codesign.months`` and ``codesign.budget_share`` of its
budget on co-design; delivery then starts with the rest. Each instrument has an
account: the month's inflow is split by the allocation, units are bought while
the account covers their cost, and what is not spent carries over. The
demonstrator is capital: its whole allocation is released when delivery starts,
so that it can be built at once. Spending can therefore never exceed the budget
that has flowed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from districtlab.config import (
    INSTRUMENTS,
    InstrumentDesign,
    MechanismSettings,
    Programme,
    ProgrammeMechanisms,
)
from districtlab.model.kernels import (
    DeliveryArrays,
    available_in_accounts,
    flow_into_accounts,
    pay_from_accounts,
)
from districtlab.model.targeting import Outreach
from districtlab.model.technologies import TechnologyArrays

#: Programme slots in the recorded arrays: the RTI's core services, then the scenario's programme.
PROGRAMME_SLOTS: tuple[str, ...] = ("rti_core_services", "programme")
#: Spending lines recorded per programme: the instruments (the demonstrator line is its build),
#: co-design, the demonstrators' monthly running cost (visits' staff time included) while the
#: programme pays it, and the assessment of grant applications.
SPEND_LINES: tuple[str, ...] = (*INSTRUMENTS, "codesign", "demonstrator_running", "grant_applications")
#: Units recorded per programme.
UNIT_LINES: tuple[str, ...] = (
    "events",
    "event_attendances",
    "diagnostics",
    "demonstrators_built",
    "demonstrator_visits",
    "project_seats",
    "training_seats",
    "grants",
    "grant_applications",
    "demonstrator_months_open",
    "codesign_participants",
    "routed_firms",
    "reallocated_eur",
)
INSTRUMENT = {name: index for index, name in enumerate(INSTRUMENTS)}
SPEND = {name: index for index, name in enumerate(SPEND_LINES)}
UNIT = {name: index for index, name in enumerate(UNIT_LINES)}


def staff_cost(design: InstrumentDesign, staff_days: float) -> float:
    """Euros of RTI staff time (issue 9: staff time is priced)."""
    return staff_days * design.staff_day_cost_eur


def resolve_priorities(
    programme: Programme, technologies: TechnologyArrays, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Technology priorities pi of a programme, normalised to sum to 1.

    * explicit priorities are taken as given (technologies not named get 0);
    * a programme with a co-design phase and no explicit priorities starts from
      normalise(max(v + eps, 0)), eps ~ N(0, noise_sd): what a programme knows
      without learning from the district; with ``codesign_information`` on, they
      are replaced at the end of co-design by what the participants need
      (:func:`districtlab.model.mechanisms.learn_from_codesign`);
    * otherwise (the RTI's core services) the district's relevance itself.
    """
    relevance = technologies.relevance
    if programme.priorities is not None:
        weights = np.array([programme.priorities.get(name, 0.0) for name in technologies.names])
    elif programme.codesign is not None:
        noise_sd = programme.codesign.noise_sd
        weights = np.maximum(relevance + rng.normal(0.0, noise_sd, size=relevance.size), 0.0)
        if weights.sum() <= 0.0:  # all pushed below zero: fall back to relevance
            weights = relevance.copy()
    else:
        weights = relevance.copy()
    if weights.sum() <= 0.0:
        weights = np.ones_like(weights)
    return weights / weights.sum()


@dataclass
class ProgrammeRun:
    """A programme during one run: its fixed plan and its mutable accounts."""

    name: str  # the programme's kind is deliberately not kept: no effect may depend on it (issue 9)
    design: InstrumentDesign
    targeting: str
    priorities: NDArray[np.float64]
    focus: NDArray[np.int64]  # technologies the instruments address, best first
    focus_weights: NDArray[np.float64]  # priorities renormalised over the focus
    in_focus: NDArray[np.bool_]  # per technology: is it in the focus?
    focus_cdf: NDArray[np.float64]  # cumulative focus weights, for drawing topics
    allocation: NDArray[np.float64]
    start_month: float
    delivery_start_month: float
    end_month: float  # the budget flows in until then
    delivery_end_month: float  # calls stay open until then (extension_months after the end)
    delivery_budget: float
    codesign_budget: float
    accounts: NDArray[np.float64] = field(default_factory=lambda: np.zeros(len(INSTRUMENTS)))
    inflow_so_far: float = 0.0
    capital_released: bool = False
    outreach: Outreach | None = None  # each instrument's order of approach, made on first delivery
    codesign_spent: float = 0.0
    # the earliest end month of its project seats running (they are in its delivery handle), so
    # that a month with no project due costs one comparison (none at all: inf)
    first_project_end: float = np.inf
    _in_focus_pairs: NDArray[np.bool_] | None = field(default=None, repr=False)
    mechanisms: ProgrammeMechanisms = field(default_factory=ProgrammeMechanisms)
    settings: MechanismSettings = field(default_factory=MechanismSettings)
    explicit_priorities: bool = False
    codesign_participants: int = 0
    participation_breadth: float = 0.0
    noise_sd: float = 0.0
    codesign_done: bool = False
    # has open demonstrators that may run next month (the delivery kernel's word: it holds them)
    demonstrators_running: bool = False
    living_lab_partners: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # the partners' peers and trading partners: the visitors a living lab reaches first, found once
    living_lab_peers: NDArray[np.int64] | None = field(default=None, repr=False)
    inflow_since_review: NDArray[np.float64] = field(default_factory=lambda: np.zeros(len(INSTRUMENTS)))
    spent_since_review: NDArray[np.float64] = field(default_factory=lambda: np.zeros(len(INSTRUMENTS)))
    next_review_month: float = np.inf
    n_focus: int = 1
    # its stream, the district's arrays, its books, plan and the run state the instruments' kernels
    # change (routing queues, demonstrators), as they take them (instruments._delivery)
    delivery: DeliveryArrays | None = field(default=None, repr=False)
    # the books it holds: its accounts and the step's records (instruments._books)
    books: tuple[Any, ...] = field(default=(None, None, None), repr=False)
    # the gate values of no trainee, as kernels.deliver_month takes them, and the buffer (firms x
    # technologies) it writes the trainees' gate argument into (made with the handle)
    no_gate_values: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    half_z: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    # and the buffer it writes the trainees into when the caller sets their gate rows
    trainee_rows: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)

    @classmethod
    def plan(
        cls, programme: Programme, technologies: TechnologyArrays, rng: np.random.Generator
    ) -> ProgrammeRun | None:
        """Resolve a programme for a run; None when it delivers nothing."""
        if not programme.is_active():
            return None
        assert programme.allocation is not None
        assert programme.design is not None
        priorities = resolve_priorities(programme, technologies, rng)
        n_focus = min(programme.focus_technologies, technologies.k)
        focus = np.argsort(-priorities, kind="stable")[:n_focus]
        focus = focus[priorities[focus] > 0.0]
        focus_weights = priorities[focus] / priorities[focus].sum()
        in_focus = np.zeros(technologies.k, dtype=bool)
        in_focus[focus] = True
        focus_cdf = focus_weights.cumsum()
        focus_cdf /= focus_cdf[-1]
        codesign_months = programme.codesign.months if programme.codesign else 0
        codesign_share = programme.codesign.budget_share if programme.codesign else 0.0
        total = programme.total_budget_eur
        mechanisms = programme.mechanisms
        codesign = programme.codesign
        return cls(
            n_focus=n_focus,
            mechanisms=mechanisms,
            settings=programme.mechanism_settings,
            explicit_priorities=programme.priorities is not None,
            codesign_participants=codesign.participant_firms if codesign is not None else 0,
            participation_breadth=codesign.participation_breadth if codesign is not None else 0.0,
            noise_sd=codesign.noise_sd if codesign is not None else 0.0,
            codesign_done=codesign is None,
            next_review_month=float(
                programme.start_month + codesign_months + programme.mechanism_settings.review_every_months
            )
            if mechanisms.adaptive_reallocation
            else np.inf,
            name=programme.name,
            design=programme.design,
            targeting=programme.targeting,
            priorities=priorities,
            focus=focus.astype(np.int64),
            focus_weights=focus_weights,
            in_focus=in_focus,
            focus_cdf=focus_cdf,
            allocation=np.asarray(programme.allocation.as_tuple(), dtype=np.float64),
            start_month=float(programme.start_month),
            delivery_start_month=float(programme.start_month + codesign_months),
            end_month=float(programme.start_month + programme.duration_months),
            delivery_end_month=float(
                programme.start_month + programme.duration_months + programme.extension_months
            ),
            delivery_budget=total * (1.0 - codesign_share),
            codesign_budget=total * codesign_share,
        )

    def delivering(self, month: float) -> bool:
        return self.delivery_start_month <= month < self.delivery_end_month

    def fund(self, month: float, dt: float) -> tuple[float, float]:
        """Let this step's budget flow in; return (budget released, spent on co-design) in this step."""
        if not self.start_month <= month < self.end_month:
            return 0.0, 0.0
        if month < self.delivery_start_month:
            months = self.delivery_start_month - self.start_month
            spend = min(self.codesign_budget * dt / months, self.codesign_budget - self.codesign_spent)
            self.codesign_spent += spend
            return spend, spend
        capital = INSTRUMENT["demonstrator"]
        released = 0.0
        if not self.capital_released:
            released = self.allocation[capital] * self.delivery_budget
            self.accounts[capital] += released
            self.capital_released = True
        flowing_sum, flowing_share = self._flowing
        flowing_budget = self.delivery_budget * flowing_sum
        months = self.end_month - self.delivery_start_month
        inflow = min(flowing_budget * dt / months, flowing_budget - self.inflow_so_far)
        self.inflow_so_far += inflow
        if flowing_budget > 0.0:
            flow_into_accounts(self.accounts, self.inflow_since_review, flowing_share, inflow)
        return released + inflow, 0.0

    def set_priorities(self, priorities: NDArray[np.float64], n_focus: int) -> None:
        """Replace the priorities (co-design information) and the focus that follows from them."""
        self.priorities = priorities
        focus = np.argsort(-priorities, kind="stable")[:n_focus]
        focus = focus[priorities[focus] > 0.0]
        self.focus = focus.astype(np.int64)
        self.focus_weights = priorities[focus] / priorities[focus].sum()
        self.in_focus = np.zeros(priorities.size, dtype=bool)
        self.in_focus[focus] = True
        cdf = self.focus_weights.cumsum()
        self.focus_cdf = cdf / cdf[-1]
        self._in_focus_pairs = None

    def set_allocation(self, allocation: NDArray[np.float64]) -> None:
        """Replace the flowing instrument mix (co-design information); the capital already released stays."""
        self.allocation = allocation
        self.__dict__.pop("_flowing", None)

    @cached_property
    def _flowing(self) -> tuple[float, NDArray[np.float64]]:
        """The allocation that flows in month by month (all but the demonstrator's capital): its sum and shares."""
        flowing = self.allocation.copy()
        flowing[INSTRUMENT["demonstrator"]] = 0.0
        total = flowing.sum()
        with np.errstate(
            invalid="ignore", divide="ignore"
        ):  # an all-capital allocation never uses the shares
            return float(total), flowing / total

    def spend(self, instrument: str, amount: float) -> None:
        self.accounts[INSTRUMENT[instrument]] -= amount
        self.spent_since_review[INSTRUMENT[instrument]] += amount

    def pay_from_all(self, amount: float, first: str) -> float:
        """Pay ``amount`` from the ``first`` account, then from the others in proportion; return what was paid."""
        return pay_from_accounts(self.accounts, INSTRUMENT[first], amount)

    def total_available(self) -> float:
        """What the accounts hold (negative balances count as 0)."""
        return available_in_accounts(self.accounts)

    def account(self, instrument: str) -> float:
        return float(self.accounts[INSTRUMENT[instrument]])

    def in_focus_pairs(self, n_firms: int) -> NDArray[np.bool_]:
        """Per pair (flat firm * K + technology): is the technology in the focus? Built once per run."""
        if self._in_focus_pairs is None or self._in_focus_pairs.size != n_firms * self.in_focus.size:
            self._in_focus_pairs = np.tile(self.in_focus, n_firms)
        return self._in_focus_pairs
