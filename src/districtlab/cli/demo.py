"""`districtlab demo`: the three districts under the three programmes, in the terminal and as HTML."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from rich.table import Table

from districtlab._version import __version__
from districtlab.cli.common import _, chosen_language, console
from districtlab.cli.posterior_policy import posterior_sections
from districtlab.cli.progress import progress_bar
from districtlab.experiments.analysis import additionality_summary, programme_verdict, readable_additionality
from districtlab.experiments.programmes import PROGRAMMES, compare_programmes
from districtlab.presets import districts, load_preset
from districtlab.report import write_demo_report
from districtlab.workers import executor_for


def additionality_table(summary: pd.DataFrame, replications: int) -> Table:
    formatted = readable_additionality(summary, language=chosen_language())
    table = Table(
        title=_(
            "Additionality over no programme (mean [95% CI], {n} paired replications); costs only where the "
            "effect is detectable"
        ).format(n=replications)
    )
    for index, column in enumerate(formatted.columns):
        # fold, never truncate: a cut-off interval bound ("1,272,724,…") misleads more than a tall row
        table.add_column(column, justify="left" if index < 2 else "right", overflow="fold")
    for row in formatted.itertuples(index=False):
        table.add_row(*map(str, row))
    return table


def run_demo(*, out: Path, replications: int, seed: int, workers: int, posterior_draws: int = 3) -> Path:
    names = districts()  # the study's three, then any user preset (DISTRICTLAB_PRESETS)
    scenarios = [(name, load_preset(name)) for name in names]
    total = len(scenarios) * len(PROGRAMMES) * replications
    with executor_for(workers) as executor, progress_bar(_("simulating"), total) as update:
        comparisons = compare_programmes(
            scenarios, replications=replications, rng=seed, executor=executor, progress=update
        )
    summary = additionality_summary(comparisons)
    contrast = pd.concat([c.place_based_vs_generic() for c in comparisons], ignore_index=True)
    console.print(additionality_table(summary, replications))
    language = chosen_language()
    console.print(programme_verdict(comparisons, language=language), markup=False)
    sections = posterior_sections(
        names, seed=seed, workers=workers, out=out, draws=posterior_draws, replications=replications
    )
    metadata = {
        "districtlab_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "root_seed": str(seed),
        "replications": str(replications),
        "district_seeds": "; ".join(
            f"{c.preset}: entropy {c.experiment.entropy}, spawn key {c.experiment.runs[0].spawn_key[:-1]}"
            for c in comparisons
        ),
        "common_random_numbers": "yes, within each district",
        "presets": ", ".join(names),
    }
    path = write_demo_report(
        comparisons, summary, contrast, out, metadata, language=language, sections=sections
    )
    console.print(_("report: {page} (opens offline)").format(page=path))
    return path
