"""The mutable state of one run, and the only functions that move firms up the stage ladder.

Stages per firm and technology: 0 unaware, 1 aware, 2 knowledgeable, 3 adopted.
Stages never go back. Every change of stage goes through :func:`make_aware`,
:func:`make_knowledgeable` or :func:`adopt`, which keep the running tallies the
observers read (so a step never recounts the whole firms x technologies array).

Pairs are addressed by their flat index ``firm * K + technology``; the
``*_flat`` attributes are one-dimensional views of the firms x technologies
arrays for that purpose. Stage counts and the pairs made knowledgeable by channel
are tallied as pairs move (in the compiled kernels of :mod:`districtlab.model.kernels`);
the adoption tallies that only the observers and the next step read are brought
up to date by the adoption decision's kernel call, or, for the adoptions made through
:func:`adopt` (month 0, immediate adoption), at the end of the step
(:func:`take_new_adoptions`, ``schedule.push_adoptions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from districtlab.config import ROLES, SIZE_CLASSES
from districtlab.model.clocks import PendingPairs, TransitionClocks
from districtlab.model.kernels import (
    adopt_and_learn,
    any_stage_at_least,
    append_to_book,
    gain_capacity,
    gain_capacity_once,
    raise_stage,
    raise_to_knowledgeable,
    set_gate_rows,
)
from districtlab.model.population import Firms
from districtlab.model.targeting import engagement
from districtlab.model.technologies import TechnologyArrays, absorptive_gate

UNAWARE, AWARE, KNOWLEDGEABLE, ADOPTED = 0, 1, 2, 3
_N_STAGES = 4

#: Channels through which a firm came to adopt a technology (ODD.md §II.x and §III.iv, Channels).
CHANNELS: tuple[str, ...] = (
    "initial",  # had adopted at month 0
    "background",  # vendors and technology suppliers
    "diagnostic",
    "demonstrator",
    "project",
    "imitation",
    "supply_chain",
    "legitimacy",
    "grant",
    "lead_firm",  # supply-chain transfer from a lead-firm buyer whose own knowledge did not come from the RTI
    "two_step",  # supply-chain transfer from a lead firm whose knowledge came from the RTI (two-step flow)
    "living_lab",  # a partner-hosted showcase (co-creation or a visit to a partner firm)
    "application",  # writing a grant proposal (with vendor or consultant help)
)
CHANNEL = {name: code for code, name in enumerate(CHANNELS)}
#: Channels in which the RTI dealt with the firm directly (grants are paid by the programme, not the RTI).
RTI_CHANNELS: tuple[str, ...] = ("diagnostic", "demonstrator", "project", "living_lab")
#: Where a firm's knowledge of a technology came from (issue 9): knowledge channel -> source.
#: "initial" (known at month 0) and the adoption-only channels (legitimacy, grant) have no source.
KNOWLEDGE_SOURCES: tuple[str, ...] = ("vendor", "rti", "lead_firm", "supplier_buyer", "peer")
SOURCE_OF_CHANNEL: dict[str, str] = {
    "background": "vendor",
    "application": "vendor",
    "diagnostic": "rti",
    "demonstrator": "rti",
    "project": "rti",
    "living_lab": "rti",
    "imitation": "peer",
    "supply_chain": "supplier_buyer",
    "lead_firm": "lead_firm",
    "two_step": "lead_firm",
}


#: Per channel code: is it one in which the RTI itself passed the knowledge on? (read by the kernels)
RTI_CHANNEL_FLAGS = np.zeros(len(CHANNELS), dtype=bool)
RTI_CHANNEL_FLAGS[[CHANNEL[name] for name in RTI_CHANNELS]] = True
#: One channel for every pair of a call, as the one-entry array the kernels take (by channel code).
ONE_CHANNEL = tuple(np.array([code], dtype=np.int8) for code in range(len(CHANNELS)))


@dataclass
class GrantBook:
    """Grants awarded and not yet paid or lapsed; money is committed from the account at award."""

    pair: NDArray[np.int64]  # flat index firm * K + technology
    slot: NDArray[np.int64]  # programme slot that awarded it
    amount: NDArray[np.float64]
    expiry_month: NDArray[np.float64]

    @classmethod
    def empty(cls) -> GrantBook:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))

    @classmethod
    def _in_order(
        cls,
        pair: NDArray[np.int64],
        slot: NDArray[np.int64],
        amount: NDArray[np.float64],
        expiry_month: NDArray[np.float64],
    ) -> GrantBook:
        """A book of entries in order of expiry (the front of a book kept in order): its earliest
        expiry is its first entry's, read without the scan that the constructor makes."""
        book = cls.__new__(cls)
        book.pair, book.slot, book.amount, book.expiry_month = pair, slot, amount, expiry_month
        book.earliest_expiry = float(expiry_month[0]) if expiry_month.size else np.inf
        book.in_expiry_order = True
        book.unsettled = False
        return book

    def __post_init__(self) -> None:
        # no entry expires before this month (kept as entries come and go, to skip the scan)
        self.earliest_expiry = float(self.expiry_month.min()) if self.expiry_month.size else np.inf
        # entries in order of expiry (as when each batch added expires no earlier than the last)
        self.in_expiry_order = self.expiry_month.size <= 1
        # entries were added since the book was last settled (adoption.pay_grants): one may be of a
        # pair that has adopted already. Otherwise only a pair that adopts while in the book (with
        # its rate > 0, which the adoption decision counts) can be due to be settled.
        self.unsettled = self.pair.size > 0

    def add(
        self, pair: NDArray[np.int64], slot: int, amount: NDArray[np.float64], expiry_month: float
    ) -> None:
        if pair.size:
            self.unsettled = True
            self.in_expiry_order = self.in_expiry_order and (
                self.expiry_month.size == 0 or expiry_month >= self.expiry_month[-1]
            )
            self.earliest_expiry = min(self.earliest_expiry, float(expiry_month))
        self.pair, self.slot, self.amount, self.expiry_month = append_to_book(
            self.pair, self.slot, self.amount, self.expiry_month, pair, slot, amount, expiry_month
        )

    def take(self, keep: NDArray[np.bool_]) -> GrantBook:
        """Remove the grants not kept and return them."""
        if np.count_nonzero(keep) == keep.size:  # the common case: nothing ends (saves eight gathers)
            return _NOTHING_TAKEN
        taken = GrantBook(self.pair[~keep], self.slot[~keep], self.amount[~keep], self.expiry_month[~keep])
        self.pair, self.slot = self.pair[keep], self.slot[keep]
        self.amount, self.expiry_month = self.amount[keep], self.expiry_month[keep]
        self._after_take()
        return taken

    def take_expired(self, month: float) -> GrantBook:
        """Remove the entries whose expiry month is not after ``month`` and return them.

        ``take(expiry_month > month)``, without the scan when no entry can have expired.
        """
        if not self.earliest_expiry <= month:
            return _NOTHING_TAKEN
        if not self.in_expiry_order:
            return self.take(self.expiry_month > month)
        # in order of expiry, those that expire are the first ones: slices instead of gathers
        end = int(np.searchsorted(self.expiry_month, month, side="right"))
        taken = GrantBook._in_order(
            self.pair[:end], self.slot[:end], self.amount[:end], self.expiry_month[:end]
        )
        self.pair, self.slot = self.pair[end:], self.slot[end:]
        self.amount, self.expiry_month = self.amount[end:], self.expiry_month[end:]
        self._after_take()
        return taken

    def _after_take(self) -> None:
        """Entries were removed (in order): the earliest expiry again; an empty book is in order."""
        if self.expiry_month.size == 0:
            self.earliest_expiry, self.in_expiry_order = np.inf, True
        elif self.in_expiry_order:
            self.earliest_expiry = float(self.expiry_month[0])
        else:
            self.earliest_expiry = float(self.expiry_month.min())

    def keep_first(self, n_kept: int) -> None:
        """Keep the first ``n_kept`` entries (a kernel moved the entries kept to the front, in order)."""
        if n_kept == self.pair.size:
            return
        self.pair, self.slot = self.pair[:n_kept], self.slot[:n_kept]
        self.amount, self.expiry_month = self.amount[:n_kept], self.expiry_month[:n_kept]
        self._after_take()

    def take_reached(self, stage: NDArray[np.int8], level: int) -> GrantBook:
        """Remove the entries whose pair has reached stage ``level`` and return them.

        ``take(stage[pair] < level)``, with one compiled pass instead of the gathers when none has.
        """
        if not any_stage_at_least(self.pair, level, stage):
            return _NOTHING_TAKEN
        return self.take(stage[self.pair] < level)


_NOTHING_TAKEN = GrantBook.empty()  # what take returns when every grant is kept (read, never changed)


@dataclass
class DistrictState:
    """Dynamic state of firms, technologies and the RTI, plus running tallies."""

    stage: NDArray[np.int8]  # firms x technologies
    knowledge_channel: NDArray[np.int8]  # channel that made the pair knowledgeable
    seen_demonstration: NDArray[np.bool_]
    knowledge_clock: TransitionClocks  # towards knowledgeable
    adoption_clock: TransitionClocks  # knowledgeable towards adopted
    changed: PendingPairs  # pairs whose hazard inputs changed
    absorptive_capacity: NDArray[np.float64]
    rti_affinity: NDArray[np.float64]  # static, kept here to refresh the engagement probabilities
    engagement: NDArray[np.float64]  # r_i a_i, refreshed when a_i changes (targeting.engagement)
    light_engagement: NDArray[np.float64]  # sqrt(r_i a_i), likewise
    gate: NDArray[np.float64]  # u(a_i, c_k), refreshed when a_i changes
    rti_competence: NDArray[np.float64]
    engaged: NDArray[np.bool_]  # has dealt with the RTI at least once
    n_adopted: NDArray[np.int16]  # technologies adopted, per firm
    # running tallies
    maturity_histogram: NDArray[np.int64]  # technologies + 1: firms by number of technologies adopted
    stage_counts: NDArray[np.int64]  # 4 x technologies: pairs at each stage (see at_least)
    adopted_by_group: NDArray[np.int64]  # technologies x size classes x roles
    adoptions_by_channel: NDArray[np.int64]  # channels x technologies x size classes
    visible_adopters: NDArray[
        np.float64
    ]  # technologies: visibility-weighted adoptions (legitimacy numerator)
    grant_rate: NDArray[np.float64]  # firms x technologies: subsidy rate of a grant held, else 0
    legitimacy_applied: NDArray[np.float64]  # L_k already reflected in the adoption clocks
    grants: GrantBook = field(default_factory=lambda: GrantBook.empty())
    # project support: the project's share of the adoption cost, while it lasts (amount unused)
    support_rate: NDArray[np.float64] | None = None  # firms x technologies, allocated on first use
    support: GrantBook = field(default_factory=lambda: GrantBook.empty())
    # per pair: the subsidy terms -log(1 - rate) of the grant and of the project support held
    # (adoption.subsidy_term_tables), allocated with the first grant and the first project support
    grant_term_flat: NDArray[np.float64] | None = None
    support_term_flat: NDArray[np.float64] | None = None
    # rejection and postponement: month until which a pair's adoption clock is paused (flat pairs),
    # allocated with the adoption decision's arrays when decisions can be postponed, with the queue
    # of the pairs postponed (adoption.postponement_arrays)
    postponed_until: NDArray[np.float64] | None = None
    firms_adopting_by_size: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    adoptions_by_knowledge: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    knowledge_by_channel: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    # adoptions not yet passed to the exposure and the adoption tallies: (pairs, channels)
    new_adoptions: list[tuple[NDArray[np.int64], NDArray[np.int8]]] = field(default_factory=list)
    size_class: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))  # per firm
    engaged_by_size: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))  # firms engaged

    def __post_init__(self) -> None:
        self.n_technologies = int(self.stage.shape[1])
        self.stage_flat = self.stage.reshape(-1)
        self.knowledge_channel_flat = self.knowledge_channel.reshape(-1)
        self.seen_demonstration_flat = self.seen_demonstration.reshape(-1)
        self.gate_flat = self.gate.reshape(-1)
        self.grant_rate_flat = self.grant_rate.reshape(-1)
        self.stage_counts_flat = self.stage_counts.reshape(-1)
        n_sizes, n_channels = len(SIZE_CLASSES), len(CHANNELS)
        if self.firms_adopting_by_size.size == 0:
            self.firms_adopting_by_size = np.zeros(n_sizes, dtype=np.int64)
            self.engaged_by_size = np.zeros(n_sizes, dtype=np.int64)
            self.adoptions_by_knowledge = np.zeros((n_channels, n_sizes), dtype=np.int64)
            self.knowledge_by_channel = np.zeros((n_channels, n_sizes), dtype=np.int64)
        self._scratch = np.zeros(
            self.stage_flat.size, dtype=bool
        )  # reused by pairs_at: no per-step allocation
        # the argument tuples of the compiled kernels that hold only arrays updated in place and
        # constants of the run, built on first use (e.g. adoption.utility_arguments)
        self.kernel_arguments: dict[str, tuple[Any, ...]] = {}

    def pairs_at(self, level: int) -> NDArray[np.int64]:
        """Pairs (flat indices) at exactly this stage, in increasing order: a scan of every pair."""
        np.equal(self.stage_flat, level, out=self._scratch)
        return self._scratch.nonzero()[0]

    def mark_changed(self, pairs: NDArray[np.int64]) -> None:
        """The hazards of these pairs (flat indices) may have changed; they are recomputed before use."""
        self.changed.add(pairs)

    def mark_firms_changed(self, firm: NDArray[np.int64]) -> None:
        self.changed.add_firms(firm)

    def at_least(self) -> NDArray[np.int64]:
        """4 x technologies: pairs at stage >= level."""
        return np.cumsum(self.stage_counts[::-1], axis=0)[::-1]


def initial_state(
    firms: Firms,
    technologies: TechnologyArrays,
    gate_scale: float,
    rti_competence: NDArray[np.float64],
    thresholds: np.random.Generator,
) -> DistrictState:
    """The state before month 0; ``thresholds`` draws each pair's two Exp(1) thresholds."""
    n, k = firms.n, technologies.k
    # the knowledge thresholds, then the adoption thresholds: one draw of both (the same numbers)
    threshold = thresholds.standard_exponential(2 * n * k)
    state = DistrictState(
        stage=np.zeros((n, k), dtype=np.int8),
        knowledge_channel=np.full((n, k), -1, dtype=np.int8),
        seen_demonstration=np.zeros((n, k), dtype=bool),
        knowledge_clock=TransitionClocks(threshold[: n * k], k),
        adoption_clock=TransitionClocks(threshold[n * k :], k),
        changed=PendingPairs(n, k),
        absorptive_capacity=firms.initial_absorptive_capacity.copy(),
        rti_affinity=firms.rti_affinity.copy(),  # participation can raise it (commitment)
        engagement=engagement(firms.initial_absorptive_capacity, firms.rti_affinity),
        light_engagement=engagement(firms.initial_absorptive_capacity, firms.rti_affinity, light_touch=True),
        gate=absorptive_gate(firms.initial_absorptive_capacity, technologies.complexity, gate_scale),
        rti_competence=np.array(rti_competence, dtype=np.float64),  # the run's own
        engaged=np.zeros(n, dtype=bool),
        n_adopted=np.zeros(n, dtype=np.int16),
        maturity_histogram=np.zeros(k + 1, dtype=np.int64),
        stage_counts=np.zeros((_N_STAGES, k), dtype=np.int64),
        adopted_by_group=np.zeros((k, len(SIZE_CLASSES), len(ROLES)), dtype=np.int64),
        adoptions_by_channel=np.zeros((len(CHANNELS), k, len(SIZE_CLASSES)), dtype=np.int64),
        visible_adopters=np.zeros(k),
        grant_rate=np.zeros((n, k)),
        legitimacy_applied=np.full(k, -1.0),
        size_class=firms.size_class,
    )
    state.stage_counts[UNAWARE] = n
    state.maturity_histogram[0] = n
    return state


def make_aware(state: DistrictState, pair: NDArray[np.int64]) -> None:
    """Raise unique pairs (flat indices) to aware."""
    if pair.size:
        state.changed.add(
            raise_stage(pair, AWARE, state.stage_flat, state.stage_counts_flat, state.n_technologies)
        )


def make_knowledgeable(
    state: DistrictState, pair: NDArray[np.int64], channel: NDArray[np.int8] | np.int8
) -> None:
    """Raise unique pairs (flat indices) to knowledgeable, recording each pair's channel.

    ``channel`` is one per pair or one for all; the pairs made knowledgeable are
    tallied by channel and size class at once (``knowledge_by_channel``).
    """
    if pair.size == 0:
        return
    channels = channel if isinstance(channel, np.ndarray) else ONE_CHANNEL[int(channel)]
    moved = raise_to_knowledgeable(
        pair,
        channels,
        state.stage_flat,
        state.stage_counts_flat,
        state.knowledge_channel_flat,
        state.knowledge_by_channel.reshape(-1),
        state.size_class,
        len(SIZE_CLASSES),
        state.n_technologies,
    )
    state.changed.add(moved)


def adopt(
    state: DistrictState,
    firms: Firms,
    visible: NDArray[np.float64],
    firm: NDArray[np.int64],
    tech: NDArray[np.int64],
    channel: NDArray[np.int8],
    adoption_learning: float,
    complexity: NDArray[np.float64],
    gate_scale: float,
    *,
    pair: NDArray[np.int64] | None = None,
) -> None:
    """Adopt unique pairs, crediting each adoption to ``channel`` (pairs adopted already are left as they are).

    Raises absorptive capacity (learning by adopting, ODD.md §II.iii) at once, and
    queues the adoptions for the exposure update and the adoption tallies at the
    end of the step (:func:`take_new_adoptions`). ``firms`` and ``visible`` are
    accepted for the callers' convenience; the tallies read them from there.
    ``pair``, when given, is ``firm * K + tech`` already computed.
    """
    if pair is None:
        pair = firm * state.n_technologies + tech
    adopt_pairs(state, pair, channel, adoption_learning, complexity, gate_scale)


def adopt_pairs(
    state: DistrictState,
    pair: NDArray[np.int64],
    channel: NDArray[np.int8],
    adoption_learning: float,
    complexity: NDArray[np.float64],
    gate_scale: float,
) -> None:
    """:func:`adopt` for pairs given by their flat index ``firm * K + technology``."""
    learning = adoption_learning > 0.0
    # one kernel call: the stages raised and, with learning by adopting, the capacity gained
    pair, channel, firm, occurrences, largest, half_z = adopt_and_learn(
        pair,
        channel,
        state.stage_flat,
        state.stage_counts_flat,
        state.knowledge_channel_flat,
        state.n_technologies,
        learning,
        1.0 - adoption_learning,
        state.absorptive_capacity,
        state.rti_affinity,
        state.engagement,
        state.light_engagement,
        complexity,
        gate_scale,
    )
    if pair.size == 0:
        return
    state.changed.add(pair)
    if learning:
        refresh_gate(state, firm, occurrences, largest, half_z, adoption_learning, complexity, gate_scale)
    state.new_adoptions.append((pair, channel))


def raise_absorptive_capacity(
    state: DistrictState,
    firm: NDArray[np.int64],
    gain: float,
    complexity: NDArray[np.float64],
    gate_scale: float,
) -> None:
    """a <- a + gain (1 - a) once per occurrence of a firm in ``firm``; refresh the gate rows.

    The gate u(a, c) = 0.5 (1 + tanh(0.5 (a - c) / s)) (:func:`absorptive_gate`) takes its
    tanh in numpy, between two compiled kernels (see :mod:`districtlab.model.kernels`).
    """
    firm, occurrences, largest, half_z = gain_capacity_once(
        firm,
        1.0 - gain,
        state.absorptive_capacity,
        state.rti_affinity,
        state.engagement,
        state.light_engagement,
        complexity,
        gate_scale,
    )
    refresh_gate(state, firm, occurrences, largest, half_z, gain, complexity, gate_scale)


def refresh_gate(
    state: DistrictState,
    firm: NDArray[np.int64],
    occurrences: NDArray[np.int64],
    largest: int,
    half_z: NDArray[np.float64],
    gain: float,
    complexity: NDArray[np.float64],
    gate_scale: float,
) -> None:
    """After :func:`~districtlab.model.kernels.gain_capacity_once`: the gate rows of the distinct ``firm``.

    When a firm gained more than once (``largest`` > 1) nothing was changed yet:
    the capacity gains (1 - gain) ** count, raised in numpy.
    """
    if largest > 1:
        half_z = gain_capacity(
            firm,
            np.power(1.0 - gain, occurrences, dtype=np.float64),
            state.absorptive_capacity,
            state.rti_affinity,
            state.engagement,
            state.light_engagement,
            complexity,
            gate_scale,
        )
    state.changed.add(set_gate_rows(firm, np.tanh(half_z), state.gate_flat))


def take_new_adoptions(state: DistrictState) -> tuple[NDArray[np.int64], NDArray[np.int8]] | None:
    """The adoptions queued since the last call, as (flat pairs, channels); None if there are none.

    The caller passes them on to the adoption tallies (:func:`adoption_tally_arguments`)
    and to the exposure (``schedule.push_adoptions``).
    """
    queued = state.new_adoptions
    if not queued:
        return None
    if len(queued) == 1:  # the common case: one batch, nothing to join
        pair, channel = queued[0]
    else:
        pair = np.concatenate([batch[0] for batch in queued])
        channel = np.concatenate([batch[1] for batch in queued])
    queued.clear()
    return pair, channel


def adoption_tally_arguments(
    state: DistrictState, firms: Firms, visible: NDArray[np.float64]
) -> tuple[Any, ...]:
    """What :func:`~districtlab.model.kernels.tally_adoptions` takes after the pairs and their channels.

    ``visible`` is each firm's weight in the legitimacy numerator (visibility). Every entry is
    an array updated in place or a constant of the run, so the tuple is built once per run.
    """
    cached = state.kernel_arguments.get("adoption_tallies")
    if cached is None:
        cached = state.kernel_arguments["adoption_tallies"] = (
            state.n_technologies,
            firms.size_class,
            firms.role,
            visible,
            state.knowledge_channel_flat,
            len(SIZE_CLASSES),
            len(ROLES),
            state.adopted_by_group.reshape(-1),
            state.adoptions_by_channel.reshape(-1),
            state.visible_adopters,
            state.adoptions_by_knowledge.reshape(-1),
            state.n_adopted,
            state.firms_adopting_by_size,
            state.maturity_histogram,
        )
    return cached
