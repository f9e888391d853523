"""The one place that turns user seeds into numpy random generators.

Every public entry point takes a keyword-only ``rng`` that may be ``None``, an
``int``, a :class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`
(SPEC 7). Inside a run, independent streams are spawned from one
``SeedSequence`` so that each mechanism draws from its own stream: that is what
makes common random numbers work across programmes (a programme that buys more
events does not shift the draws that set firms' thresholds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RNGLike = int | np.random.SeedSequence | np.random.Generator | None

#: Names of the independent streams a single run uses, in spawn order. Appending
#: a name keeps existing streams (and so regression trajectories) unchanged.
RUN_STREAMS = (
    "population",
    "network",
    "thresholds",
    "awareness",
    "programme",
    "attribution",
    "core_services",
    "decisions",
    "places",  # districtlab.geography: which municipality each firm is in (not used by the model)
)


def as_seed_sequence(rng: RNGLike) -> np.random.SeedSequence:
    """Return a SeedSequence for ``rng``.

    A Generator is turned into a SeedSequence by drawing entropy from it, so the
    caller's generator advances, as with any other use of it.
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        high, low = (int(x) for x in rng.integers(0, 2**64, size=2, dtype=np.uint64))
        return np.random.SeedSequence((high << 64) | low)
    if rng is None or isinstance(rng, int | np.integer):
        if rng is not None and int(rng) < 0:
            raise ValueError(f"a seed must be a non-negative integer, got {rng}")
        return np.random.SeedSequence(None if rng is None else int(rng))
    raise TypeError(f"rng must be None, an int, a SeedSequence or a Generator, not {type(rng).__name__}")


@dataclass(frozen=True)
class SeedRecord:
    """What is needed to reproduce a run: the root entropy and the spawn key."""

    entropy: int
    spawn_key: tuple[int, ...]

    @classmethod
    def of(cls, seed_sequence: np.random.SeedSequence) -> SeedRecord:
        entropy = seed_sequence.entropy
        if not isinstance(entropy, int):
            raise ValueError("districtlab records seeds whose entropy is a single integer")
        return cls(entropy=entropy, spawn_key=tuple(int(k) for k in seed_sequence.spawn_key))

    def to_seed_sequence(self) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)


def run_streams(seed_sequence: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """Spawn the named generators of one run from its SeedSequence.

    ``SeedSequence.spawn`` mutates the parent's child counter, so children are
    derived from a copy: the same SeedSequence always yields the same streams.
    """
    parent = np.random.SeedSequence(seed_sequence.entropy, spawn_key=seed_sequence.spawn_key)
    children = parent.spawn(len(RUN_STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(RUN_STREAMS, children, strict=True)}
