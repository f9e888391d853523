"""The files of `districtlab run`: tidy Parquet tables, the adoption figure, metadata (a renderer: it draws)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from districtlab.i18n.labels import technology_label
from districtlab.i18n.translate import gettext_for
from districtlab.io.files import atomic_write, write_atomically
from districtlab.results import RunResult
from districtlab.viz import adoption_bands


def run_frames(results: Sequence[RunResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tidy results of every replication, one row of outcomes per replication)."""
    frames = [result.to_frame().assign(replication=index) for index, result in enumerate(results)]
    tidy = pd.concat(frames, ignore_index=True)
    tidy["replication"] = tidy["replication"].astype("int32")
    outcomes = pd.DataFrame(
        [
            {
                "replication": index,
                "seed_entropy": str(r.seed.entropy),
                "spawn_key": "/".join(map(str, r.seed.spawn_key)),
                **r.outcomes(),
            }
            for index, r in enumerate(results)
        ]
    )
    return tidy, outcomes


def write_run_outputs(
    results: Sequence[RunResult], out: Path, metadata: Mapping[str, Any], *, language: str = "en"
) -> list[Path]:
    """Write results.parquet, outcomes.parquet, adoption.png and metadata.json into ``out``.

    The figure's axes are in ``language``; the tables keep their machine column names.
    """
    _ = gettext_for(language)
    out.mkdir(parents=True, exist_ok=True)
    tidy, outcomes = run_frames(results)
    written = []
    for name, frame in (("results.parquet", tidy), ("outcomes.parquet", outcomes)):
        written.append(atomic_write(out / name, partial(frame.to_parquet, index=False)))
    first = results[0]
    shares = np.array([r.adoption_share().to_numpy() for r in results])  # replications x steps x technologies
    curves = {
        technology_label(t, language): shares[:, :, i] for i, t in enumerate(first.scenario.technologies)
    }
    figure = adoption_bands(
        curves,
        first.months,
        title=f"{first.scenario.district}: {first.scenario.programme.name}",
        ylabel=_("Share of firms that have adopted"),
        xlabel=_("Month"),
        legend_title=_("mean, 95% CI (n={n})").format(n=len(results)),
        bounds=(0.0, 1.0),
    )
    figure.set_size_inches(9, 5.5)
    path = out / "adoption.png"
    atomic_write(path, partial(figure.savefig, dpi=150))  # a full disk leaves no half-written PNG
    written.append(path)
    path = out / "metadata.json"
    write_atomically(path, json.dumps(dict(metadata), indent=2, default=str) + "\n")
    written.append(path)
    return written
