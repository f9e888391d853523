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
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


class TransitionClocks:
    """One clock per pair (flat index firm * K + technology)."""

    def __init__(self, thresholds: NDArray[np.float64]) -> None:
        size = thresholds.size
        self.remaining = thresholds.reshape(-1).astype(np.float64)
        self.rate = np.zeros(size)
        self.since = np.zeros(size)
        self.due = np.full(size, np.inf)

    def set_rates(self, pairs: NDArray[np.int64], rates: NDArray[np.float64], now: float) -> None:
        """From time ``now`` on, the given pairs run at ``rates``.

        A pair may be listed more than once with the same rate: fancy indexing
        reads every copy before writing, so the copies all write the same values.
        """
        if pairs.size == 0:
            return
        remaining = self.remaining[pairs] - self.rate[pairs] * (now - self.since[pairs])
        self.remaining[pairs] = remaining
        self.since[pairs] = now
        self.rate[pairs] = rates
        running = rates > 0.0
        due = np.full(pairs.size, np.inf)
        np.divide(remaining, rates, out=due, where=running)
        due[running] += now
        self.due[pairs] = due

    def due_before(self, time: float) -> NDArray[np.int64]:
        """Pairs whose integrated hazard passes the threshold before ``time``."""
        return np.flatnonzero(self.due < time)

    def stop(self, pairs: NDArray[np.int64], now: float) -> None:
        """Pairs that have moved on: their clock no longer runs."""
        self.set_rates(pairs, np.zeros(pairs.size), now)


class PendingPairs:
    """Pairs whose hazard inputs changed since the clocks were last brought up to date."""

    def __init__(self) -> None:
        self._batches: list[NDArray[np.int64]] = []

    def add(self, pairs: NDArray[np.int64]) -> None:
        if pairs.size:
            self._batches.append(pairs)

    def take(self) -> NDArray[np.int64]:
        """The pairs marked since the last call, possibly repeated; the queue is emptied."""
        if not self._batches:
            return np.zeros(0, dtype=np.int64)
        pairs = np.concatenate(self._batches) if len(self._batches) > 1 else self._batches[0]
        self._batches.clear()
        return pairs
