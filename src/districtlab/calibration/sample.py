"""A posterior sample in one small CSV: what ``make demo`` ships instead of running a calibration.

A calibration directory holds a pyabc database and weighted particles (about 1 MB per
district, minutes to make). :func:`sample_csv` resamples ``n`` draws by weight and writes
them, on the natural scale, under a header of ``# key: value`` lines that say where they
come from (the command, the calibration's seed and settings, the sample's seed, the date).
:func:`load_sample` turns such a file back into an equally weighted :class:`Posterior` of
one district (its preset, the shipped targets and the calibration's calendar), so
everything a :class:`Posterior` does (scenarios, policy, Sobol' indices) works on it.

The package ships one sample per district in ``calibration/data/posterior/``, written by::

    districtlab calibration-sample CAL_DIR --draws 60 --seed 2026 --out FILE

from the calibrations listed in each file's header (``CHANGELOG.md`` and ``README.md`` say
which). A sample is only as good as the calibration behind it: the header carries that
calibration's particles, populations and effective sample size.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from districtlab._rng import RNGLike
from districtlab.calibration.abc import Settings
from districtlab.calibration.posterior import Posterior
from districtlab.calibration.simulator import Calendar
from districtlab.config import Scenario
from districtlab.errors import InputError

#: Largest sample file read (a shipped one is a few kB).
MAX_BYTES = 2_000_000
#: Header keys a sample must carry.
REQUIRED = (
    "district",
    "targets",
    "calibration_seed",
    "particles",
    "populations",
    "replications",
    "start_year",
    "preset_start_year",
)


def scenario_digest(scenario: Scenario) -> str:
    """A short digest of a scenario's values: tells whether a preset changed since a calibration."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sample_csv(
    posterior: Posterior,
    draws: int,
    rng: RNGLike | np.random.Generator,
    *,
    district: str | None = None,
    command: str = "",
    seed: int | None = None,
    created: str | None = None,
) -> str:
    """``draws`` posterior draws of one district (natural scale), with a provenance header."""
    name = district or posterior.districts[0]
    if name not in posterior.problem.districts:
        raise ValueError(f"unknown district {name!r} (calibrated: {', '.join(posterior.districts)})")
    if draws < 2:
        raise ValueError(f"a posterior sample needs at least 2 draws, got {draws}")
    shared = [p.name for p in posterior.problem.priors if p.level == "shared"]
    own = [p.name for p in posterior.problem.priors if p.name.startswith(f"{name}.")]
    frame = posterior.sample(draws, rng)[shared + own]
    settings = posterior.settings
    header = {
        "districtlab_posterior_sample": "1",
        "district": name,
        "targets": posterior.problem.targets.name,
        "calibration": posterior.directory or "",
        "calibration_districts": ",".join(posterior.districts),
        "calibration_seed": settings.seed,
        "particles": settings.particles,
        "populations": settings.populations,
        "replications": settings.replications,
        "effective_sample_size": f"{posterior.effective_sample_size:.1f}",
        "scenario_sha256": scenario_digest(posterior.problem.districts[name]),
        "start_year": posterior.problem.calendar.start_year,
        "preset_start_year": posterior.problem.calendar.preset_start_year,
        "sample_seed": "" if seed is None else seed,
        "draws": draws,
        "command": command,
        "created": created or datetime.now(UTC).isoformat(timespec="seconds"),
    }
    lines = [f"# {key}: {str(value).replace(chr(10), ' ')}" for key, value in header.items()]
    body = frame.to_csv(index_label="draw", float_format="%.8g")
    return "\n".join(lines) + "\n" + body


def read_header(text: str) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a sample."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition(":")
        if sep:
            header[key.strip()] = value.strip()
    return header


def _number(header: Mapping[str, str], key: str, source: str) -> int:
    try:
        return int(header[key])
    except (KeyError, ValueError):
        raise InputError(
            f"posterior sample {source}: header line '# {key}:' missing or not an integer"
        ) from None


def load_sample(path: str | Path, *, source: str | None = None, text: str | None = None) -> Posterior:
    """An equally weighted one-district :class:`Posterior` from a sample CSV (or one line and InputError).

    The sample must name a preset and a shipped target set (a calibration of scenario files or
    of one's own targets is shared as its calibration directory instead).
    """
    from districtlab.calibration.api import problem_for

    label = source or str(path)
    if text is None:
        file = Path(path)
        try:
            if file.stat().st_size > MAX_BYTES:
                raise InputError(f"posterior sample {label} is larger than {MAX_BYTES:,} bytes")
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read posterior sample {label} ({error})") from None
    header = read_header(text)
    missing = [key for key in REQUIRED if key not in header]
    if missing:
        raise InputError(f"posterior sample {label}: header lacks {', '.join(missing)}")
    try:
        frame = pd.read_csv(io.StringIO(text), comment="#", index_col="draw")
    except (ValueError, pd.errors.ParserError) as error:
        raise InputError(
            f"posterior sample {label}: not a CSV table ({str(error).splitlines()[0]})"
        ) from None
    calendar = Calendar(_number(header, "start_year", label), _number(header, "preset_start_year", label))
    settings = Settings(
        particles=_number(header, "particles", label),
        populations=_number(header, "populations", label),
        replications=_number(header, "replications", label),
        seed=_number(header, "calibration_seed", label),
        calendar=calendar,
    )
    # A sample names a preset and a shipped target set, never a file: reading one would let a
    # shared sample open any path on the reader's machine.
    from districtlab.calibration.targets import SHIPPED
    from districtlab.presets import list_presets

    if header["district"] not in list_presets():
        raise InputError(f"posterior sample {label}: district {header['district']!r} is not a preset")
    if header["targets"] not in SHIPPED:
        raise InputError(
            f"posterior sample {label}: targets {header['targets']!r} is not a shipped target set "
            f"({', '.join(SHIPPED)})"
        )
    try:
        problem = problem_for(
            [header["district"]], header["targets"], replications=settings.replications, calendar=calendar
        )
    except (InputError, ValueError, KeyError) as error:
        raise InputError(f"posterior sample {label}: {error}") from None
    wanted = [p.name for p in problem.priors if p.name in frame.columns]
    lacking = [p.name for p in problem.priors if p.level == "shared" and p.name not in frame.columns]
    if lacking or len(frame) < 2:
        raise InputError(
            f"posterior sample {label}: "
            + (f"lacks parameters {', '.join(lacking)}" if lacking else "needs at least 2 draws")
        )
    priors = tuple(p for p in problem.priors if p.name in wanted)
    values = frame[wanted].apply(pd.to_numeric, errors="coerce")
    prior_scale = {}
    for prior in priors:
        column = values[prior.name].to_numpy(dtype=float)
        if prior.scale == "log10":
            with np.errstate(divide="ignore", invalid="ignore"):
                column = np.log10(column)
        width = prior.high - prior.low
        outside = (
            ~np.isfinite(column) | (column < prior.low - 1e-6 * width) | (column > prior.high + 1e-6 * width)
        )
        if outside.any():
            raise InputError(
                f"posterior sample {label}: {prior.name} has values that are not numbers inside its prior "
                f"{prior.describe_range()}"
            )
        prior_scale[prior.name] = column
    problem = type(problem)(problem.districts, problem.targets, priors, calendar, settings.replications)
    return Posterior(
        problem,
        pd.DataFrame(prior_scale),
        np.ones(len(frame)),
        (),
        settings,
        str(path),
    )


def shipped_samples() -> dict[str, str]:
    """District name to the text of the posterior sample shipped with the package."""
    folder = resources.files("districtlab.calibration") / "data" / "posterior"
    if not folder.is_dir():
        return {}
    return {
        entry.name.removesuffix(".csv"): entry.read_text("utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".csv")
    }


def shipped_posterior(district: str) -> Posterior | None:
    """The shipped posterior sample of ``district`` (None when none is shipped)."""
    text = shipped_samples().get(district)
    if text is None:
        return None
    return load_sample(f"districtlab/calibration/data/posterior/{district}.csv", text=text)


def fixed_draws(posterior: Posterior, n: int) -> pd.DataFrame:
    """The first ``n`` draws of an equally weighted sample, in file order (no resampling)."""
    natural = posterior.natural()
    return natural.iloc[: min(n, len(natural))].reset_index(drop=True)


__all__ = [
    "fixed_draws",
    "load_sample",
    "read_header",
    "sample_csv",
    "scenario_digest",
    "shipped_posterior",
    "shipped_samples",
]
