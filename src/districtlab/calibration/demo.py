"""The policy result under the shipped posterior samples, small enough for ``make demo``.

The demo cannot run a calibration (minutes per district), so it reads the posterior sample
each district ships (:mod:`districtlab.calibration.sample`) and runs the three paired
comparisons of :mod:`districtlab.calibration.policy` for the first :data:`DEMO_DRAWS` draws
with :data:`DEMO_REPLICATIONS` replications each. So few draws give a very rough
P(place-based beats generic), and its interval says so; beside it the demo shows the
reference figures of a larger run on the same calibrations (``reference-policy.csv``,
``reference-sobol.csv`` and, for the robot plateau the model cannot produce,
``reference-plateau.csv`` in the same folder, with the command, seed and date in their header).

Pure computation: the terminal and HTML renderings are :mod:`districtlab.cli.posterior_policy`
and :mod:`districtlab.report.posterior_policy`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from districtlab._rng import RNGLike
from districtlab.calibration.policy import PolicyUnderPosterior, policy_under_posterior
from districtlab.calibration.sample import (
    fixed_draws,
    read_header,
    scenario_digest,
    shipped_posterior,
    shipped_samples,
)

#: Posterior draws per district the demo runs (the first rows of each shipped sample).
DEMO_DRAWS = 3
#: Paired replications per draw in the demo.
DEMO_REPLICATIONS = 3


@dataclass(frozen=True)
class ReferenceTable:
    """A table shipped with the package, with the ``# key: value`` header that says how it was made."""

    frame: pd.DataFrame
    header: dict[str, str]


@dataclass(frozen=True)
class DemoPolicy:
    """The demo's small run under the posterior, the samples' provenance and the reference run."""

    result: PolicyUnderPosterior | None
    samples: dict[str, dict[str, str]]  # district -> sample header
    missing: tuple[str, ...]  # districts shown in the demo without a shipped sample
    reference: ReferenceTable | None = None
    sobol: ReferenceTable | None = None
    plateau: ReferenceTable | None = None
    draws: int = DEMO_DRAWS
    changed: tuple[str, ...] = ()  # districts whose preset changed since their calibration

    def summary(self) -> pd.DataFrame:
        return self.result.summary() if self.result is not None else pd.DataFrame()


def reference_table(name: str) -> ReferenceTable | None:
    """A shipped reference table (``reference-policy`` or ``reference-sobol``), or None."""
    entry = resources.files("districtlab.calibration") / "data" / "posterior" / f"{name}.csv"
    if not entry.is_file():
        return None
    text = entry.read_text("utf-8")
    return ReferenceTable(pd.read_csv(io.StringIO(text), comment="#"), read_header(text))


def demo_policy(
    districts: Sequence[str],
    *,
    draws: int = DEMO_DRAWS,
    replications: int = DEMO_REPLICATIONS,
    rng: RNGLike = 0,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoPolicy:
    """All three comparisons for each district with a shipped sample (others are listed as missing)."""
    texts = shipped_samples()
    available = [d for d in districts if d in texts]
    results: list[PolicyUnderPosterior] = []
    changed: list[str] = []
    total, done = draws * len(available), 0
    for district in available:
        posterior = shipped_posterior(district)
        assert posterior is not None  # listed in texts
        recorded = read_header(texts[district]).get("scenario_sha256")
        if recorded and recorded != scenario_digest(posterior.problem.districts[district]):
            changed.append(district)

        def step(finished: int, _total: int, offset: int = done) -> None:
            if progress is not None:
                progress(offset + finished, total)

        results.append(
            policy_under_posterior(
                posterior,
                replications=replications,
                parameter_draws=fixed_draws(posterior, draws),
                rng=rng,
                executor=executor,
                progress=step,
            )
        )
        done += draws
    result = None
    if results:
        result = PolicyUnderPosterior(
            pd.concat([r.draws for r in results], ignore_index=True), results[0].outcome, replications
        )
    return DemoPolicy(
        result,
        {d: read_header(texts[d]) for d in available},
        tuple(d for d in districts if d not in texts),
        reference_table("reference-policy"),
        reference_table("reference-sobol"),
        reference_table("reference-plateau"),
        draws,
        tuple(changed),
    )


__all__ = [
    "DEMO_DRAWS",
    "DEMO_REPLICATIONS",
    "DemoPolicy",
    "ReferenceTable",
    "demo_policy",
    "reference_table",
]
