"""The parameter grammar of experiments, and the choice of design it leads to.

``PATH=V1,V2,...``, ``PATH=LOW:HIGH:LEVELS`` (factorial levels) and ``PATH=LOW:HIGH`` (a range for
Latin hypercube or Sobol' designs), as ``districtlab sweep --param`` and ``sensitivity --param``
take them, and :func:`sweep_design`, which builds the design a sweep asks for. Usable from a
notebook or the lab as well as the command line; every problem is one :class:`InputError` line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.memory import design_bytes, require_memory

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from districtlab.experiments.designs import Design


def level_value(text: str) -> Any:
    """A level as typed: an integer, a number, true/false, or text."""
    text = text.strip()
    for convert in (int, float):
        try:
            value = convert(text)
        except ValueError:
            continue
        if not math.isfinite(value):
            raise InputError(f"--param level {text!r} is not a finite number")
        return value
    return {"true": True, "false": False}.get(text.lower(), text)


def split_params(texts: Sequence[str]) -> list[tuple[str, str]]:
    """(path, spec) of every --param, refusing a path given twice (the last would silently win)."""
    pairs = [split_param(text) for text in texts]
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise InputError(f"--param {key} is given twice; give each parameter once")
        seen.add(key)
    return pairs


def split_param(text: str) -> tuple[str, str]:
    key, equals, spec = text.partition("=")
    if not equals or not key.strip() or not spec.strip():
        raise InputError(f"--param {text!r}: write PATH=LOW:HIGH, PATH=LOW:HIGH:LEVELS or PATH=V1,V2,...")
    return key.strip(), spec.strip()


def parse_range(key: str, spec: str) -> tuple[float, float]:
    parts = spec.split(":")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"expected LOW:HIGH (two numbers), got {spec!r}", field=key) from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError(f"LOW and HIGH must be finite numbers, got {spec!r}", field=key)
    return low, high


def parse_levels(key: str, spec: str) -> list[Any]:
    import numpy as np

    parts = spec.split(":")
    if len(parts) == 3:
        try:
            low, high, count = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise InputError(f"expected LOW:HIGH:LEVELS, got {spec!r}", field=key) from None
        if count < 2:
            raise InputError(f"LOW:HIGH:LEVELS needs at least 2 levels, got {count}", field=key)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise InputError(f"LOW and HIGH must be finite numbers, got {spec!r}", field=key)
        require_memory(design_bytes(count), f"--param {key} with {count:,} levels")
        values = np.linspace(low, high, count)
        return [
            int(v) if float(v).is_integer() and all(float(x).is_integer() for x in parts[:2]) else float(v)
            for v in values
        ]
    if len(parts) == 2:
        raise InputError(
            f"a range {spec!r} needs --design lhs or sobol; a factorial design takes LOW:HIGH:LEVELS or V1,V2,...",
            field=key,
        )
    return [level_value(v) for v in spec.split(",")]


def read_design_table(path: Path) -> pd.DataFrame:
    from districtlab.io.tables import read_table_file

    return read_table_file(path, what="design table")


def target_half_widths(texts: Sequence[str], outcomes: Sequence[str]) -> float | dict[str, float] | None:
    """--target-half-width as one positive number, or OUTCOME=X for outcomes that are reported."""
    if not texts:
        return None
    plain = [t for t in texts if "=" not in t]
    if plain and len(texts) > 1:
        raise InputError("give --target-half-width once as a number, or as OUTCOME=X for each outcome")
    try:
        if plain:
            targets: dict[str, float] = {"": float(plain[0])}
        else:
            targets = {}
            for key, text in (t.split("=", 1) for t in texts):
                if key.strip() in targets:
                    raise InputError(f"--target-half-width {key.strip()} is given twice")
                targets[key.strip()] = float(text)
    except ValueError:
        raise InputError(
            f"--target-half-width takes X or OUTCOME=X with X a number, got {', '.join(texts)}"
        ) from None
    for key, value in targets.items():
        if not (math.isfinite(value) and value > 0):
            raise InputError(
                f"--target-half-width {key + '=' if key else ''}{value:g}: must be a positive number"
            )
        if key and key not in outcomes:
            raise InputError(
                f"--target-half-width {key}: not a reported outcome (outcomes: {', '.join(outcomes)})"
            )
    return targets[""] if plain else targets


def sweep_design(
    base: Scenario,
    params: Sequence[str],
    method: str,
    samples: int,
    table: Path | None,
    root: np.random.SeedSequence,
    replications: int,
) -> Design:
    from districtlab.experiments.designs import (
        design_from_table,
        full_factorial,
        latin_hypercube,
        sobol_design,
    )

    if method not in ("factorial", "lhs", "sobol", "table"):
        raise InputError(f"unknown design {method!r}: factorial, lhs, sobol or table")
    if method == "table":
        if table is None:
            raise InputError("--design table needs --table FILE")
        if params:
            raise InputError("--design table takes its parameters from --table, not --param")
        return design_from_table(base, read_design_table(table))
    if table is not None:
        raise InputError("--table needs --design table")
    if not params:
        raise InputError("a sweep needs at least one --param")
    pairs = split_params(params)
    if method == "factorial":
        levels = {key: parse_levels(key, spec) for key, spec in pairs}
        points = math.prod(len(values) for values in levels.values())
        require_memory(design_bytes(points, replications), f"a factorial design of {points:,} points")
        return full_factorial(base, levels)
    ranges = {key: parse_range(key, spec) for key, spec in pairs}
    if method in ("lhs", "sobol"):
        require_memory(design_bytes(samples, replications), f"a design of {samples:,} samples")
    if method == "lhs":
        return latin_hypercube(base, ranges, samples, rng=root)
    if method == "sobol":
        return sobol_design(base, ranges, samples, rng=root)
    raise InputError(f"unknown design {method!r}: factorial, lhs, sobol or table")


__all__ = [
    "level_value",
    "parse_levels",
    "parse_range",
    "read_design_table",
    "split_param",
    "split_params",
    "sweep_design",
    "target_half_widths",
]
