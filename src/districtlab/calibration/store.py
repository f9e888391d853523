"""A calibration directory: what was fitted, the pyabc database and the posterior.

``DIR/calibration.json``
    districts, target set name, settings (seed, particles, populations, replications),
    calendar, prior names, populations (epsilon, evaluations, acceptance), versions.
``DIR/scenarios/<district>.toml``
    the scenarios that were calibrated (so the directory is self-contained);
``DIR/targets.csv``
    the targets (shares), in the target-file format;
``DIR/abc.db``
    pyabc's history: every population (kept for inspection and ``--resume``);
``DIR/posterior.parquet``
    the last population: prior-scale values and weights.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from districtlab.calibration.abc import DATABASE, PopulationRecord, Problem, Settings
from districtlab.calibration.posterior import Posterior
from districtlab.calibration.priors import priors_for
from districtlab.calibration.simulator import Calendar
from districtlab.calibration.targets import Targets, parse_targets
from districtlab.errors import InputError
from districtlab.io.files import write_atomically
from districtlab.io.toml import dump_scenario, load_scenario_file

MANIFEST = "calibration.json"
POSTERIOR = "posterior.parquet"


def targets_csv(targets: Targets) -> str:
    frame = targets.frame.copy()
    frame["unit"] = "share"
    buffer = io.StringIO()
    frame[
        ["technology", "indicator", "year", "size_class", "value", "unit", "se", "weight", "source"]
    ].to_csv(buffer, index=False, float_format="%.10g")
    return buffer.getvalue()


def manifest(problem: Problem, settings: Settings) -> dict[str, Any]:
    from districtlab import __version__

    return {
        "districtlab": __version__,
        "districts": list(problem.districts),
        "targets": problem.targets.name,
        "priors": [p.name for p in problem.priors],
        "seed": settings.seed,
        "particles": settings.particles,
        "populations": settings.populations,
        "replications": settings.replications,
        "min_acceptance_rate": settings.min_acceptance_rate,
        "calendar": {
            "start_year": problem.calendar.start_year,
            "preset_start_year": problem.calendar.preset_start_year,
        },
    }


def check_directory(directory: Path, *, resume: bool, force: bool = False) -> None:
    """Refuse an output directory a calibration must not write into (InputError, one line).

    A directory holding a calibration is continued only with ``resume``; ``resume`` needs a
    calibration directory (or an empty or new one); any other non-empty directory, such as
    a folder of the user's own results, is refused unless ``force``.
    """
    if directory.exists() and not directory.is_dir():
        raise InputError("--out: exists and is a file, not a folder", path=directory)
    holds = (directory / MANIFEST).exists() or (directory / DATABASE).exists()
    if holds and not resume:
        raise InputError("already holds a calibration: use --resume, or another --out", path=directory)
    empty = not directory.exists() or not any(directory.iterdir())
    if resume and not holds and not empty:
        raise InputError(
            f"--resume: is not a calibration directory (no {MANIFEST}); choose the calibration's --out",
            path=directory,
        )
    if not resume and not empty and not force:
        raise InputError(
            "--out: the folder is not empty and is not a calibration; choose another --out, "
            "or pass --force to write the calibration among its files",
            path=directory,
        )


def start(
    directory: Path, problem: Problem, settings: Settings, *, resume: bool, force: bool = False
) -> Path:
    """Prepare ``directory`` for a run (or check that a resumed run matches it); return the database path."""
    check_directory(directory, resume=resume, force=force)
    record = manifest(problem, settings)
    path = directory / MANIFEST
    if resume and path.exists():
        stored = json.loads(path.read_text("utf-8"))
        for key in ("districts", "priors", "seed", "particles", "replications", "calendar"):
            if stored.get(key) != record[key]:
                raise InputError(
                    f"--resume with another {key} ({record[key]!r}) than the stored run ({stored.get(key)!r})",
                    path=path,
                )
        write_atomically(path, json.dumps({**stored, "populations": settings.populations}, indent=2))
        return directory / DATABASE
    if path.exists() or (directory / DATABASE).exists():
        raise InputError("already holds a calibration: use --resume, or another --out", path=directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "scenarios").mkdir(exist_ok=True)
    for name, scenario in problem.districts.items():
        write_atomically(directory / "scenarios" / f"{name}.toml", dump_scenario(scenario))
    write_atomically(directory / "targets.csv", targets_csv(problem.targets))
    write_atomically(path, json.dumps(record, indent=2))
    return directory / DATABASE


def finish(directory: Path, posterior: Posterior) -> None:
    """Write the posterior and the populations' record."""
    frame = posterior.parameters.copy()
    frame["weight"] = posterior.weights
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_atomically(directory / POSTERIOR, buffer.getvalue())
    path = directory / MANIFEST
    stored = json.loads(path.read_text("utf-8"))
    stored["population_records"] = [
        {
            "population": r.population,
            "epsilon": r.epsilon,
            "evaluations": r.evaluations,
            "particles": r.particles,
            "acceptance_rate": r.acceptance_rate,
        }
        for r in posterior.populations
    ]
    write_atomically(path, json.dumps(stored, indent=2))


def load_posterior(directory: str | Path) -> Posterior:
    """Read a finished calibration directory (raises InputError naming what is missing or broken)."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError("is not a calibration directory", path=root)
    for required in (MANIFEST, POSTERIOR, "targets.csv"):
        if not (root / required).is_file():
            raise InputError(f"has no {required}: not a finished calibration (run or --resume it)", path=root)
    try:
        stored = json.loads((root / MANIFEST).read_text("utf-8"))
        districts = {
            name: load_scenario_file(root / "scenarios" / f"{name}.toml") for name in stored["districts"]
        }
        calendar = Calendar(**stored["calendar"])
        settings = Settings(
            particles=int(stored["particles"]),
            populations=int(stored["populations"]),
            replications=int(stored["replications"]),
            seed=int(stored["seed"]),
            calendar=calendar,
        )
        records = tuple(
            PopulationRecord(
                int(r["population"]), float(r["epsilon"]), int(r["evaluations"]), int(r["particles"])
            )
            for r in stored.get("population_records", [])
        )
        frame = pd.read_parquet(root / POSTERIOR)
    except (KeyError, TypeError, ValueError, json.JSONDecodeError, OSError) as error:
        raise InputError(f"broken calibration directory ({error})", path=root) from None
    targets = parse_targets(
        (root / "targets.csv").read_text("utf-8"), name=str(stored.get("targets", "targets"))
    )
    priors = tuple(p for p in priors_for(tuple(districts)) if p.name in stored["priors"])
    missing = [p.name for p in priors if p.name not in frame.columns]
    if missing or "weight" not in frame.columns:
        raise InputError(f"posterior.parquet lacks {', '.join(missing) or 'weight'}", path=root)
    problem = Problem(districts, targets, priors, calendar, settings.replications)
    weights = frame.pop("weight").to_numpy(dtype=float)
    if not np.all(np.isfinite(weights)) or weights.sum() <= 0:
        raise InputError("posterior.parquet has invalid weights", path=root)
    return Posterior(problem, frame, weights, records, settings, str(root))


__all__ = ["MANIFEST", "POSTERIOR", "finish", "load_posterior", "start"]
