"""What an experiment will run: its design, its replications and the seed of every run.

Seeds follow one rule, recorded with the results. The root is a
:class:`~numpy.random.SeedSequence` with integer ``entropy`` and a ``spawn_key``
(empty unless the root was itself spawned). With common random numbers (the
default) replication r of *every* scenario runs with
``SeedSequence(entropy, spawn_key=(*spawn_key, r))``: all scenarios then see the
same firms, networks and thresholds in replication r, and their differences are
paired. Without them, scenario s and replication r use ``(*spawn_key, s, r)``.
A run's seed depends only on (scenario, replication), never on the executor,
the number of workers or the order in which runs finish.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from districtlab._rng import RNGLike, as_seed_sequence
from districtlab.experiments.designs import Design


def run_spawn_key(
    spawn_key: Sequence[int], scenario: int, replication: int, *, common_random_numbers: bool = True
) -> tuple[int, ...]:
    """The spawn key of run (``scenario``, ``replication``) under a root with ``spawn_key``: the rule above."""
    if common_random_numbers:
        return (*spawn_key, replication)
    return (*spawn_key, scenario, replication)


def run_seed(
    entropy: int,
    replication: int,
    *,
    spawn_key: Sequence[int] = (),
    scenario: int = 0,
    common_random_numbers: bool = True,
) -> np.random.SeedSequence:
    """The seed of one run, by the one rule every front end follows (see the module docstring)."""
    key = run_spawn_key(spawn_key, scenario, replication, common_random_numbers=common_random_numbers)
    return np.random.SeedSequence(entropy, spawn_key=key)


@dataclass(frozen=True)
class RunSpec:
    """One run: which design point, which replication, and the spawn key of its seed."""

    scenario: int
    replication: int
    spawn_key: tuple[int, ...]


@dataclass(frozen=True)
class ExperimentPlan:
    """A design, how many replications of each point, and the root of the seeds."""

    design: Design
    replications: int
    entropy: int
    spawn_key: tuple[int, ...] = ()
    common_random_numbers: bool = True

    def __post_init__(self) -> None:
        if self.replications < 1:
            raise ValueError(f"replications must be at least 1, got {self.replications}")

    @classmethod
    def create(
        cls, design: Design, *, replications: int, rng: RNGLike, common_random_numbers: bool = True
    ) -> ExperimentPlan:
        """A plan whose root seed comes from ``rng`` (``None``: fresh entropy)."""
        root = as_seed_sequence(rng)
        entropy = root.entropy
        if not isinstance(entropy, int):
            raise ValueError("the root seed must have a single integer as entropy")
        return cls(
            design=design,
            replications=replications,
            entropy=entropy,
            spawn_key=tuple(int(k) for k in root.spawn_key),
            common_random_numbers=common_random_numbers,
        )

    @property
    def total(self) -> int:
        return len(self.design) * self.replications

    def run_spawn_key(self, scenario: int, replication: int) -> tuple[int, ...]:
        return run_spawn_key(
            self.spawn_key, scenario, replication, common_random_numbers=self.common_random_numbers
        )

    def seed_sequence(self, scenario: int, replication: int) -> np.random.SeedSequence:
        """The seed of one run."""
        return np.random.SeedSequence(self.entropy, spawn_key=self.run_spawn_key(scenario, replication))

    def runs(self) -> Iterator[RunSpec]:
        """Every run, scenario by scenario (the order results are reported in)."""
        for scenario in range(len(self.design)):
            for replication in range(self.replications):
                yield RunSpec(scenario, replication, self.run_spawn_key(scenario, replication))

    def identity(self) -> dict[str, Any]:
        """What makes two plans the same experiment (JSON-ready)."""
        return {
            "entropy": str(self.entropy),
            "spawn_key": list(self.spawn_key),
            "common_random_numbers": self.common_random_numbers,
            "replications": self.replications,
            "base_scenario": self.design.base.model_dump(mode="json"),
            "names": list(self.design.names),
            "points": list(self.design.points),
        }

    def fingerprint(self) -> str:
        """SHA-256 of :meth:`identity`, in canonical JSON."""
        text = json.dumps(self.identity(), sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def difference(self, other: ExperimentPlan) -> str | None:
        """The first way ``other`` differs from this plan, in words, or ``None`` if they are the same."""
        if self.fingerprint() == other.fingerprint():
            return None
        mine, theirs = self.identity(), other.identity()
        if (mine["entropy"], mine["spawn_key"]) != (theirs["entropy"], theirs["spawn_key"]):
            return f"the seed differs (stored entropy {mine['entropy']}, given {theirs['entropy']})"
        if mine["common_random_numbers"] != theirs["common_random_numbers"]:
            return "common random numbers differ"
        if mine["replications"] != theirs["replications"]:
            return f"replications differ (stored {mine['replications']}, given {theirs['replications']})"
        if len(mine["names"]) != len(theirs["names"]):
            return (
                f"the number of scenarios differs (stored {len(mine['names'])}, given {len(theirs['names'])})"
            )
        if mine["base_scenario"] != theirs["base_scenario"]:
            return "the base scenario differs"
        for index, (a, b) in enumerate(zip(mine["points"], theirs["points"], strict=True)):
            if a != b:
                return f"scenario {index} ({mine['names'][index]}) differs"
        return "the scenario names differ"


__all__ = ["ExperimentPlan", "RunSpec", "run_seed", "run_spawn_key"]
