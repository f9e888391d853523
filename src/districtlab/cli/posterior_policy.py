"""The demo's part on the policy result under the posterior: run it, print it, hand the HTML to the report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup
from rich.table import Table

from districtlab.cli.common import _, chosen_language, console
from districtlab.cli.progress import progress_bar


def policy_table(formatted: Any, title: str) -> Table:
    table = Table(title=title)
    for index, column in enumerate(formatted.columns):
        table.add_column(column, justify="left" if index < 2 else "right", overflow="fold")
    for row in formatted.itertuples(index=False):
        table.add_row(*map(str, row))
    return table


def demo_posterior_policy(
    districts: Sequence[str],
    *,
    seed: int,
    executor: Any,
    figures_dir: Path,
    draws: int = 3,
    replications: int = 3,
) -> Markup:
    """Run the small posterior comparison, print it with both kinds of uncertainty named, return its HTML.

    Both the terminal and the HTML speak the command line's language (``--lang``)."""
    from districtlab.calibration.demo import demo_policy
    from districtlab.calibration.policy import policy_sentences
    from districtlab.report.posterior_policy import formatted_policy, posterior_policy_section

    language = chosen_language()
    with progress_bar(_("posterior draws"), draws * len(districts)) as update:
        policy = demo_policy(
            districts, draws=draws, replications=replications, rng=seed, executor=executor, progress=update
        )
    summary = policy.summary()
    if policy.changed:
        console.print(
            _(
                "Note: the presets of {districts} changed since their calibration; their posterior samples "
                "describe the earlier presets."
            ).format(districts=", ".join(policy.changed)),
            markup=False,
        )
    if len(summary):
        console.print(
            policy_table(
                formatted_policy(summary, language),
                _(
                    "Under the calibrated posterior ({draws} draws per district): parameter uncertainty "
                    "(spread over draws) next to simulation noise (± within a draw)"
                ).format(draws=policy.draws),
            )
        )
        for sentence in policy_sentences(summary, language=language):
            console.print(f"- {sentence}", markup=False)
    if policy.reference is not None:
        console.print(
            policy_table(
                formatted_policy(policy.reference.frame, language),
                _("Reference run, not recomputed: {command}").format(
                    command=policy.reference.header.get("command", "?")
                ),
            ),
            markup=False,
        )
    return posterior_policy_section(policy, figures_dir=figures_dir, language=language)


def posterior_sections(
    districts: Sequence[str], *, seed: int, workers: int, out: Path, draws: int, replications: int
) -> list[Markup]:
    """The demo's hook: the section under the posterior (none when ``draws`` is 0), on its own worker pool."""
    from districtlab.calibration.demo import DEMO_REPLICATIONS
    from districtlab.workers import executor_for

    if not draws:
        return []
    with executor_for(workers) as executor:
        return [
            demo_posterior_policy(
                districts,
                seed=seed,
                executor=executor,
                figures_dir=out / "figures",
                draws=draws,
                replications=min(DEMO_REPLICATIONS, replications),
            )
        ]


__all__ = ["demo_posterior_policy", "policy_table", "posterior_sections"]
