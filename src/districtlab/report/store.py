"""A minimal experiment directory, so that ``districtlab report`` has something to read.

This is the policy lab's own stand-in for the experiments package's results
store (``districtlab.experiments.store``), written in the same layout so that
one reader can serve both::

    experiment.json            format, package version, seed, replications, common random
                               numbers, and every design's scenario as TOML text
    runs/part-000001.parquet   one row per run: scenario_index, scenario, replication,
                               spawn_key, then every outcome
    series/part-000001.parquet per-step series, tidy: scenario_index, replication,
                               series, step, value

Files are written to temporary names and renamed into place.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from districtlab.errors import InputError, from_validation_error
from districtlab.experiments import ExperimentResult
from districtlab.io.toml import dump_scenario, parse_scenario, write_text_atomically
from districtlab.report.analysis import ExperimentData

FORMAT = "districtlab-experiment"
FORMAT_VERSION = 1
METADATA = "experiment.json"
SERIES_NAMES = ("adoption_share_mean", "laggard_share")


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(temporary, index=False)
    os.replace(temporary, path)


def write_experiment(result: ExperimentResult, directory: str | Path) -> Path:
    """Write ``result`` as an experiment directory (refusing a directory that holds anything)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise InputError("is not empty; choose a new directory for the experiment", path=directory)
    from districtlab import __version__

    outcomes = result.outcomes()
    outcomes.insert(
        0, "scenario_index", outcomes["scenario"].map({name: i for i, name in enumerate(result.names)})
    )
    _write_parquet(outcomes, directory / "runs" / "part-000001.parquet")
    rows = []
    for name in SERIES_NAMES:
        values = result.series(name)  # designs x replications x steps
        index = np.indices(values.shape).reshape(3, -1)
        rows.append(
            pd.DataFrame(
                {
                    "scenario_index": index[0],
                    "replication": index[1],
                    "series": name,
                    "step": index[2],
                    "value": values.reshape(-1),
                }
            )
        )
    _write_parquet(pd.concat(rows, ignore_index=True), directory / "series" / "part-000001.parquet")
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "districtlab_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "entropy": str(result.entropy),
        "replications": result.replications,
        "common_random_numbers": result.common_random_numbers,
        "scenarios": [
            {"name": name, "toml": dump_scenario(scenario)}
            for name, scenario in zip(result.names, result.scenarios, strict=True)
        ],
    }
    write_text_atomically(directory / METADATA, json.dumps(metadata, indent=2) + "\n")
    return directory


def read_experiment(directory: str | Path) -> tuple[ExperimentData, dict[str, Any]]:
    """Read an experiment directory; :class:`InputError` in one line if it is not one or is broken."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(
            "no such directory" if not directory.exists() else "is a file, not an experiment directory",
            path=directory,
        )
    path = directory / METADATA
    if not path.is_file():
        raise InputError(f"not an experiment directory (no {METADATA})", path=directory)
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
        if metadata.get("format") != FORMAT:
            raise InputError(f"not a {FORMAT} directory", path=path)
        names = tuple(item["name"] for item in metadata["scenarios"])
        scenarios = tuple(
            parse_scenario(item["toml"], source=f"{path} ({item['name']})") for item in metadata["scenarios"]
        )
        entropy, replications = int(metadata["entropy"]), int(metadata["replications"])
        crn = bool(metadata["common_random_numbers"])
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"corrupted: {error}".splitlines()[0], path=path) from None
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, InputError):
            raise
        raise InputError(f"corrupted: missing or wrong entry {error}", path=path) from None
    except ValidationError as error:
        raise from_validation_error(error, path) from None
    runs_files = sorted((directory / "runs").glob("part-*.parquet"))
    series_files = sorted((directory / "series").glob("part-*.parquet"))
    if not runs_files or not series_files:
        raise InputError(
            "holds no finished runs (runs/part-*.parquet and series/part-*.parquet)", path=directory
        )
    try:
        outcomes = pd.concat([pd.read_parquet(file) for file in runs_files], ignore_index=True)
        tidy = pd.concat([pd.read_parquet(file) for file in series_files], ignore_index=True)
    except Exception as error:  # pyarrow raises several types for a damaged file
        raise InputError(
            f"a results file is corrupted: {str(error).splitlines()[0]}", path=directory
        ) from None
    missing = {"scenario", "replication", "new_adopters"} - set(outcomes.columns)
    if missing:
        raise InputError(f"the runs lack the columns {sorted(missing)}", path=directory)
    counts = outcomes.groupby("scenario").size()
    if set(counts.index) != set(names) or (counts != replications).any():
        raise InputError(
            f"the runs do not match experiment.json ({len(names)} designs x {replications} replications)",
            path=directory,
        )
    series = {}
    for name in SERIES_NAMES:
        rows = tidy[tidy["series"] == name].sort_values(["scenario_index", "replication", "step"])
        steps = int(rows["step"].max()) + 1 if len(rows) else 0
        if len(rows) != len(names) * replications * steps or steps == 0:
            raise InputError(f"series {name!r} is incomplete", path=directory)
        series[name] = rows["value"].to_numpy(dtype=float).reshape(len(names), replications, steps)
    data = ExperimentData(
        names=names,
        scenarios=scenarios,
        outcomes=outcomes,
        series=series,
        entropy=entropy,
        replications=replications,
        common_random_numbers=crn,
    )
    return data, metadata
