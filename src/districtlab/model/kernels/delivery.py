"""A programme's month of delivery (``instruments.deliver_programmes``): one call.

Fuses the instruments' kernels in the order the RTI buys them and the open demonstrators' month
into one kernel call per programme and month, returning to Python only where a rule needs numpy;
for :mod:`districtlab.model.instruments`. Also the positions of the plan's arrays (``P_*``,
``S_*``, ``C_*``) that Python fills.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels._jit import njit
from districtlab.model.kernels.accounts import available_in_accounts, pay_from_accounts
from districtlab.model.kernels.delivery_arrays import DeliveryArrays
from districtlab.model.kernels.instruments import (
    charge_units,
    diagnose,
    enrol_trainees,
    hold_events,
    run_projects,
    visit_demonstrators,
)
from districtlab.model.kernels.stages import set_gate_rows


@njit(cache=True)
def run_demonstrators_month(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    post_programme: NDArray[np.float64],
    delivering: bool,
    staff_days_left: float,
    dt: float,
    running_cost_per_month: float,
    visitors_per_month: float,
    staff_days_per_visit: float,
    shown: NDArray[np.int64],
    peers: NDArray[np.int64],
    outreach: int,
    channel: NDArray[np.int8],
) -> tuple[bool, float, NDArray[np.int64]]:
    """A month of open demonstrators (the last stage of :func:`deliver_month`): (still open, staff days left, pairs to mark changed).

    ``lines``: the demonstrator account, the running spend line, units of
    demonstrator-months open, units of visits. While ``delivering`` the
    programme pays the running cost (:func:`pay_from_accounts`; the
    demonstrators close if it cannot), otherwise the RTI pays it outside the
    budget (``post_programme``). The number of visits is the expected number
    rounded down or up at random, within what the accounts hold (while
    delivering) and the staff days left; the visits are
    :func:`visit_demonstrators`, their staff time priced and paid as the running cost.
    """
    accounts, spend, units, slot, staff_day_cost = books[0], books[2], books[3], books[5], books[6]
    no_pairs = np.zeros(0, dtype=np.int64)
    running = running_cost_per_month * shown.size * dt
    if delivering:
        paid = pay_from_accounts(accounts, lines[0], running)
        spend[slot, lines[1]] += paid
        if paid < running - 1e-9:
            return False, staff_days_left, no_pairs  # the programme can no longer run them
    else:
        post_programme[slot] += running
    units[slot, lines[2]] += shown.size * dt
    expected = visitors_per_month * shown.size * dt
    wanted = int(expected) + int(delivery.rng.random() < expected - int(expected))
    visit_cost = staff_days_per_visit * staff_day_cost
    if delivering and visit_cost > 0.0:
        wanted = min(wanted, int(available_in_accounts(accounts) // visit_cost))
    n = wanted
    if staff_days_per_visit > 0.0:
        n = max(0, min(wanted, int(staff_days_left // staff_days_per_visit)))
    if n == 0:
        return True, staff_days_left, no_pairs
    visitors, marked = visit_demonstrators(delivery, n, shown, peers, outreach, channel)
    if visitors == 0:
        return True, staff_days_left, no_pairs
    cost = visitors * visit_cost
    if delivering:
        spend[slot, lines[1]] += pay_from_accounts(accounts, lines[0], cost)
    else:
        post_programme[slot] += cost
    units[slot, lines[3]] += visitors
    return True, staff_days_left - visitors * staff_days_per_visit, marked


# -- a programme's month of delivery (instruments.deliver_programmes): one call ----------------
#
# The instruments' kernels above, in the order the RTI buys them (events, diagnostics,
# demonstrators built, projects, training), then the open demonstrators' month, run by one
# kernel call per programme and month instead of a Python function and a kernel call per
# instrument. The programme's plan and its run state are in its DeliveryArrays handle:
#
# * ``lines``: per stage, the book lines its kernel takes (account, spend line, unit lines);
#   the demonstrators' running month is row ``RUNNING``;
# * ``prices``: per buying stage, the price of a unit (its cost plus its staff days priced) and
#   its staff days (``UNIT_DAYS`` + stage), then the design's figures at the ``P_*`` positions;
# * ``settings``: integers and switches at the ``S_*`` positions, and each stage's outreach row
#   (``S_OUTREACH`` + stage; the running month's is that of the demonstrator);
# * ``channels``: the one-entry channel arrays of diagnostics, projects and the demonstrators.
#
# The kernel returns to Python where a rule needs it, and Python calls it again from where it
# stopped: after a living lab is built (its partners' co-creation), after projects formed
# (their cost support, between their marks) and after training (the gate's tanh in numpy).

#: Stages of a programme's month, in order; a stage is also the row of its book lines.
EVENTS, DIAGNOSTICS, BUILD, PROJECTS, TRAINING, RUNNING = 0, 1, 2, 3, 4, 5
#: What deliver_month returns after the month: demonstrators are open (they may run next month), or
#: not; or the month is over but for the trainees' gate rows (no demonstrator runs after training).
DONE, IDLE, GATE_ROWS = 6, 7, 8
#: Positions in ``prices``: a unit's staff days per buying stage, then the design's figures.
UNIT_DAYS = 5
(
    P_EVENT_COST,
    P_DIAGNOSTIC_COST,
    P_DEMONSTRATOR_COST,
    P_SEAT_COST,
    P_SEAT_DAYS,
    P_TRAINING_COST,
    P_TRAINING_DAYS,
    P_EVENT_DAYS,
    P_DIAGNOSTIC_DAYS,
    P_ROUTING_THRESHOLD,
    P_COMMITMENT_GAIN,
    P_TIE_GAIN,
    P_CAPACITY_FACTOR,
    P_GATE_SCALE,
    P_DT,
    P_RUNNING_COST,
    P_VISITORS,
    P_VISIT_DAYS,
) = range(10, 28)
N_PRICES = 28
#: Positions in ``settings``; each stage's outreach row is at ``S_OUTREACH`` + stage.
S_ATTENDEES, S_DEPTH, S_ROUTING, S_PROJECT_SIZE, S_COMMITMENT, S_LIVING_LAB, S_CLOSE_AFTER = range(7)
S_OUTREACH = 7
N_SETTINGS = S_OUTREACH + RUNNING + 1
#: Rows of ``channels``.
C_DIAGNOSTIC, C_PROJECT, C_DEMONSTRATOR = 0, 1, 2


@njit(cache=True)
def units_affordable(
    accounts: NDArray[np.float64], account: int, price: float, staff_days: float, staff_days_left: float
) -> int:
    """Units the account can pay for (their staff days priced), within the staff days left.

    None when the account is below one unit's price or the staff days left are
    below one unit's; an instrument that takes no staff time is limited by its
    account alone (``int(balance // price)``, as the Python rule it replaces).
    """
    balance = accounts[account]
    if balance < price or (staff_days > 0.0 and staff_days_left < staff_days):
        return 0
    wanted = int(balance // price)
    if staff_days <= 0.0:
        return wanted
    return max(0, min(wanted, int(staff_days_left // staff_days)))


@njit(cache=True)
def _append_marks(
    marks: NDArray[np.int64], n_marks: int, pairs: NDArray[np.int64]
) -> tuple[NDArray[np.int64], int]:
    """``pairs`` after the first ``n_marks`` of ``marks`` (grown when full)."""
    if n_marks + pairs.size > marks.size:
        grown = np.empty(max(2 * marks.size, n_marks + pairs.size), dtype=np.int64)
        grown[:n_marks] = marks[:n_marks]
        marks = grown
    marks[n_marks : n_marks + pairs.size] = pairs
    return marks, n_marks + pairs.size


@njit(cache=True)
def build_demonstrators(delivery: DeliveryArrays, focus: NDArray[np.int64]) -> int:
    """Build a demonstrator for each top priority technology the demonstrator account can pay for.

    Technologies are taken in focus order; one already shown is passed over, and
    building stops at the first the account cannot pay for. Each is charged
    (no staff time) and counted. Returns the technology of a living lab just
    built (its partners co-create it, in Python, before building goes on), else -1.
    """
    books = delivery.books
    accounts, units, slot = books[0], books[3], books[5]
    lines = delivery.lines[BUILD]
    cost = delivery.prices[P_DEMONSTRATOR_COST]
    for tech in focus:
        shown = delivery.shown
        built = False
        for other in shown:
            if other == tech:
                built = True
                break
        if built:
            continue
        if accounts[lines[0]] < cost:
            break
        grown = np.empty(shown.size + 1, dtype=np.int64)
        grown[: shown.size] = shown
        grown[shown.size] = tech
        delivery.shown = grown
        charge_units(books, lines[0], lines[1], cost, 0.0, False)
        units[slot, lines[2]] += 1
        if delivery.settings[S_LIVING_LAB]:
            return tech
    return -1


@njit(cache=True)
def deliver_month(
    delivery: DeliveryArrays,
    start: int,
    staff_days_left: float,
    delivering: bool,
    focus: NDArray[np.int64],
    focus_cdf: NDArray[np.float64],
    competence: NDArray[np.float64],
    gate_values: NDArray[np.float64],
) -> tuple[int, float, NDArray[np.int64], int]:
    """A programme's month from stage ``start`` on: (where to go on, staff days left, pairs to mark changed, a count).

    Fuses ``instruments.deliver_programmes``' purchases and the demonstrators'
    month: each buying stage buys the units its account and the staff days left
    allow (:func:`units_affordable`) with its kernel (:func:`hold_events`,
    :func:`diagnose`, :func:`build_demonstrators`, :func:`run_projects`,
    :func:`enrol_trainees`), then :func:`run_demonstrators_month` runs the open
    demonstrators (``start`` is ``RUNNING`` when the programme is not
    delivering). The pairs to mark changed are those of the stages run, in order.

    It returns to the caller to go on from the stage returned: ``BUILD`` after a
    living lab is built (the count is its technology: its partners co-create it),
    ``TRAINING`` after projects formed (``project_pairs``, ``project_learned``,
    ``project_formed`` hold them: see :func:`run_projects`), ``RUNNING`` after
    training (the count is the number of ``trainees`` who took seats; the first
    rows of ``half_z`` are the gate argument of their rows, and the call that
    goes on takes their tanh as ``gate_values``, sets their gate rows and marks
    them first); ``GATE_ROWS`` instead when no demonstrator runs after training:
    the first rows of ``trainee_rows`` are the trainees, whose gate rows the
    caller sets itself (:func:`set_gate_rows`), the month over (``IDLE``).
    Only the pairs to mark come back as an array: each array a
    kernel returns costs about 0.6 us to hand to Python. ``DONE`` or ``IDLE`` ends the month:
    whether the demonstrators are open.
    """
    books = delivery.books
    accounts = books[0]
    lines, prices, settings, channels = delivery.lines, delivery.prices, delivery.settings, delivery.channels
    marks = np.empty(0 if start == RUNNING else 64, dtype=np.int64)
    n_marks = 0
    stage = start
    if stage == EVENTS:
        n = units_affordable(accounts, lines[EVENTS, 0], prices[EVENTS], prices[UNIT_DAYS], staff_days_left)
        if n > 0:
            staff_days_left, moved = hold_events(
                delivery,
                books,
                lines[EVENTS],
                staff_days_left,
                n,
                prices[P_EVENT_COST],
                prices[P_EVENT_DAYS],
                settings[S_ATTENDEES],
                focus,
                focus_cdf,
                settings[S_OUTREACH + EVENTS],
            )
            marks, n_marks = _append_marks(marks, n_marks, moved)
        stage = DIAGNOSTICS
    if stage == DIAGNOSTICS:
        n = units_affordable(
            accounts,
            lines[DIAGNOSTICS, 0],
            prices[DIAGNOSTICS],
            prices[UNIT_DAYS + DIAGNOSTICS],
            staff_days_left,
        )
        if n > 0:
            staff_days_left, moved, delivery.routed_training, delivery.routed_projects = diagnose(
                delivery,
                books,
                lines[DIAGNOSTICS],
                staff_days_left,
                n,
                prices[P_DIAGNOSTIC_COST],
                prices[P_DIAGNOSTIC_DAYS],
                settings[S_OUTREACH + DIAGNOSTICS],
                settings[S_DEPTH],
                competence,
                settings[S_ROUTING] != 0,
                prices[P_ROUTING_THRESHOLD],
                focus,
                delivery.routed_training,
                delivery.routed_projects,
                channels[C_DIAGNOSTIC],
            )
            marks, n_marks = _append_marks(marks, n_marks, moved)
        stage = BUILD
    if stage == BUILD:
        living_lab = build_demonstrators(delivery, focus)
        if living_lab >= 0:
            return BUILD, staff_days_left, marks[:n_marks].copy(), living_lab
        stage = PROJECTS
    if stage == PROJECTS:
        stage = TRAINING
        size = settings[S_PROJECT_SIZE]
        n = units_affordable(
            accounts, lines[PROJECTS, 0], prices[PROJECTS], prices[UNIT_DAYS + PROJECTS], staff_days_left
        )
        if n > 0:
            (
                staff_days_left,
                delivery.routed_projects,
                delivery.project_pairs,
                delivery.project_learned,
                delivery.project_formed,
            ) = run_projects(
                delivery,
                books,
                lines[PROJECTS],
                staff_days_left,
                n,
                size,
                prices[P_SEAT_COST],
                prices[P_SEAT_DAYS],
                focus,
                focus_cdf,
                delivery.routed_projects,
                settings[S_OUTREACH + PROJECTS],
                settings[S_COMMITMENT] != 0,
                prices[P_COMMITMENT_GAIN],
                prices[P_TIE_GAIN],
                channels[C_PROJECT],
            )
            if delivery.project_pairs.size:
                return TRAINING, staff_days_left, marks[:n_marks].copy(), -1
    if stage == TRAINING:
        n = units_affordable(
            accounts, lines[TRAINING, 0], prices[TRAINING], prices[UNIT_DAYS + TRAINING], staff_days_left
        )
        if n > 0:
            staff_days_left, trainees, delivery.routed_training, half_z = enrol_trainees(
                delivery,
                books,
                lines[TRAINING],
                staff_days_left,
                n,
                prices[P_TRAINING_COST],
                prices[P_TRAINING_DAYS],
                delivery.routed_training,
                settings[S_OUTREACH + TRAINING],
                prices[P_CAPACITY_FACTOR],
                delivery.complexity,
                prices[P_GATE_SCALE],
            )
            if trainees.size:
                delivery.half_z[: trainees.size] = half_z
                if delivery.shown.size == 0 or not delivery.demonstrators_open:
                    delivery.trainee_rows[: trainees.size] = trainees
                    return GATE_ROWS, staff_days_left, marks[:n_marks].copy(), trainees.size
                delivery.trainees = trainees
                return RUNNING, staff_days_left, marks[:n_marks].copy(), trainees.size
        stage = RUNNING
    if gate_values.shape[0]:  # the last trainees' gate rows, from numpy's tanh
        marks, n_marks = _append_marks(
            marks, n_marks, set_gate_rows(delivery.trainees, gate_values, delivery.gate)
        )
    shown = delivery.shown
    if shown.size == 0 or not delivery.demonstrators_open:
        return IDLE, staff_days_left, marks[:n_marks].copy(), -1
    if not delivering and settings[S_CLOSE_AFTER]:
        delivery.demonstrators_open = False
        return IDLE, staff_days_left, marks[:n_marks].copy(), -1
    delivery.demonstrators_open, staff_days_left, moved = run_demonstrators_month(
        delivery,
        books,
        lines[RUNNING],
        delivery.post_programme,
        delivering,
        staff_days_left,
        prices[P_DT],
        prices[P_RUNNING_COST],
        prices[P_VISITORS],
        prices[P_VISIT_DAYS],
        shown,
        delivery.peers,
        settings[S_OUTREACH + RUNNING],
        channels[C_DEMONSTRATOR],
    )
    marks, n_marks = _append_marks(marks, n_marks, moved)
    return (
        DONE if delivery.demonstrators_open else IDLE,
        staff_days_left,
        marks[:n_marks].copy(),
        -1,
    )
