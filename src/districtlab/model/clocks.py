"""Transition clocks: the vectorised next-reaction method behind every hazard in the model.

Each (firm, technology) pair has a threshold drawn once from Exp(1) and moves
when its integrated hazard passes it. Between changes of its inputs the hazard is
constant, so the time at which the pair is due follows in closed form:

    due = since + remaining / rate.

A step then costs one comparison of ``due`` with the end of the step, plus work
for the pairs whose hazard changed (their rate is recomputed and ``remaining``
is charged with the time spent at the old rate). In law this is the same as
drawing 1 - exp(-rate dt) every step, and the thresholds being fixed per pair
give common random numbers across scenarios (see Gibson & Bruck 2000,
J. Phys. Chem. A 104:1876, for the next-reaction method).

Pairs are addressed by their flat index ``firm * K + technology`` throughout:
one-dimensional gathers and scatters cost a fraction of two-index ones.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels import distinct_marked, due_pairs, set_clock_rates, stop_clocks

_EMPTY = np.zeros(0, dtype=np.int64)


class TransitionClocks:
    """One clock per pair (flat index firm * K + technology).

    A stopped clock is never started again (stages never go back), so stopping
    only sets its rate to 0 and its due time to infinity.

    Finding the pairs due in a step does not scan every pair: each firm keeps a
    lower bound on the due times of its K clocks, lowered whenever one of them
    is set and made exact whenever the firm is checked. A step scans the n
    bounds and then only the rows of the firms whose bound falls in the step.
    """

    def __init__(self, thresholds: NDArray[np.float64], n_technologies: int) -> None:
        size = thresholds.size
        self._k = n_technologies
        # One row of four numbers per pair (remaining, rate, since, due): refreshing a clock reads
        # and writes one cache line rather than four, which matters when the clocks of a few
        # hundred scattered pairs are refreshed each step. The four are strided views of it.
        fields = np.zeros((size, 4))
        self.remaining, self.rate, self.since, self.due = fields.T
        self.remaining[:] = thresholds.reshape(-1)
        self.due[:] = np.inf
        self._earliest = np.full(size // n_technologies, np.inf)  # per firm: <= min of its row of due

    def set_rates(self, pairs: NDArray[np.int64], rates: NDArray[np.float64], now: float) -> None:
        """From time ``now`` on, the given pairs run at ``rates``.

        A pair may be listed more than once with the same rate: the later copies
        charge nothing (since = now) and write the same values.
        """
        if pairs.size == 0:
            return
        set_clock_rates(
            pairs, rates, now, self.remaining, self.rate, self.since, self.due, self._earliest, self._k
        )

    def arrays(
        self,
    ) -> tuple[
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
    ]:
        """(remaining, rate, since, due, per-firm lower bound on due): the arrays the kernels update."""
        return self.remaining, self.rate, self.since, self.due, self._earliest

    def due_before(self, time: float) -> NDArray[np.int64]:
        """Pairs whose integrated hazard passes the threshold before ``time``, in increasing order."""
        return due_pairs(time, self.due, self._earliest, self._k)

    def restart(self, pairs: NDArray[np.int64], thresholds: NDArray[np.float64], now: float) -> None:
        """Give pairs a fresh threshold and a stopped clock (a decision postponed; set_rates resumes it)."""
        self.remaining[pairs] = thresholds
        self.since[pairs] = now
        self.rate[pairs] = 0.0
        self.due[pairs] = np.inf

    def stop(self, pairs: NDArray[np.int64]) -> None:
        """Pairs that have moved on: their clock no longer runs (their firms' bounds stay valid, if low)."""
        stop_clocks(pairs, self.rate, self.due)


class PendingPairs:
    """Pairs whose hazard inputs changed since the clocks were last brought up to date.

    Marking appends to a list; :meth:`take` returns each marked pair once. A pair
    is often marked many times (a firm with many neighbours that adopt), and a
    step marks a small share of all pairs, so duplicates are removed without
    sorting or scanning all pairs: a flag per pair is raised at a pair's first
    occurrence and lowered once all are read (:func:`distinct_marked`).
    The order of the pairs returned carries no meaning: refreshing a clock does
    not depend on the others.
    """

    def __init__(self, n_firms: int, n_technologies: int) -> None:
        self._k = n_technologies
        self._size = n_firms * n_technologies
        self._batches: list[NDArray[np.int64]] = []
        self._flags = np.zeros(self._size, dtype=bool)

    def add(self, pairs: NDArray[np.int64]) -> None:
        if pairs.size:
            self._batches.append(pairs)

    def add_firms(self, firms: NDArray[np.int64]) -> None:
        """Every technology of these firms."""
        if firms.size:
            self.add((firms[:, None] * self._k + np.arange(self._k)).reshape(-1))

    def add_technologies(self, technologies: NDArray[np.int64]) -> None:
        """These technologies of every firm."""
        if technologies.size:
            self.add((np.arange(0, self._size, self._k)[:, None] + technologies).reshape(-1))

    def take(self) -> NDArray[np.int64]:
        """The distinct pairs marked since the last call; the marks are cleared."""
        marked = self.take_marked()
        if marked is None:
            return _EMPTY
        return distinct_marked(marked, self.flags)

    def take_marked(self) -> NDArray[np.int64] | None:
        """The pairs marked since the last call, duplicates included (None if none); the marks are cleared.

        For kernels that remove the duplicates themselves (:func:`distinct_marked`
        with :attr:`flags`) and go on with the pairs in the same call.
        """
        if not self._batches:
            return None
        marked = np.concatenate(self._batches) if len(self._batches) > 1 else self._batches[0]
        self._batches = []
        return marked

    @property
    def flags(self) -> NDArray[np.bool_]:
        """The scratch flags (one per pair, all False between calls) that :func:`distinct_marked` takes."""
        return self._flags
