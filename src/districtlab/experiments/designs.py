"""Designs: the scenarios of an experiment, as a base scenario and what each design point changes.

A :class:`Design` is what :func:`~districtlab.experiments.run_scenarios` runs. It
is built from explicit scenarios (a programme comparison) or from a table of
parameter values over dotted paths (:mod:`districtlab.experiments.parameters`):

* :func:`full_factorial`: every combination of the levels given for each parameter;
* :func:`latin_hypercube` and :func:`sobol_design`: ``n`` points in the box of
  sampling ranges, from :mod:`scipy.stats.qmc` seeded through ``rng``;
* :func:`design_from_table`: a table the user made, one row per point.

Every point is validated when the design is made, so a bad value is reported
before anything runs. Scenarios are rebuilt from the base and the point's
values on demand: a design of ten thousand points holds a table, not ten
thousand scenarios.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import qmc

from districtlab._rng import RNGLike, SeedRecord, as_seed_sequence
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.parameters import (
    SamplingRange,
    check_range,
    check_value,
    scenario_changes,
    scenario_with,
)
from districtlab.io.values import python_value

#: How a design was made (recorded with the results).
METHODS = ("scenarios", "factorial", "latin-hypercube", "sobol", "table", "morris", "saltelli")


class Design(Sequence[Scenario]):
    """The scenarios of an experiment: a base scenario and, per design point, the values that differ.

    Parameters
    ----------
    base
        The scenario every point starts from.
    points
        One mapping per design point from parameter key to value (see
        :mod:`~districtlab.experiments.parameters`); ``{}`` is the base itself.
    names
        One name per point (default ``point-0000``, ``point-0001``, ...).
    method
        How the design was made, one of :data:`METHODS`.
    table
        The design table (one row per point, one column per parameter key) when
        the points are rows of a table; ``None`` for explicit scenarios.
    seed
        The seed the sampler used, when the design was sampled.
    sampler
        How the sampler was called (ranges and options), when that is needed
        to analyse the results (Morris levels, for example); JSON-ready.
    """

    def __init__(
        self,
        base: Scenario,
        points: Sequence[Mapping[str, Any]],
        *,
        names: Sequence[str] | None = None,
        method: str = "table",
        table: pd.DataFrame | None = None,
        seed: SeedRecord | None = None,
        sampler: Mapping[str, Any] | None = None,
        _scenarios: Sequence[Scenario] | None = None,
    ) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown design method {method!r}; known: {', '.join(METHODS)}")
        if not points:
            raise InputError("the design has no point")
        self.base = base
        self.points: tuple[dict[str, Any], ...] = tuple(
            {k: python_value(v) for k, v in point.items()} for point in points
        )
        self.names: tuple[str, ...] = tuple(names) if names is not None else _point_names(len(self.points))
        if len(self.names) != len(self.points):
            raise ValueError(f"{len(self.names)} names for {len(self.points)} design points")
        if len(set(self.names)) != len(self.names):
            raise InputError("design point names must be unique")
        self.method = method
        self.table = table
        self.seed = seed
        self.sampler = dict(sampler) if sampler is not None else None
        self._scenarios = tuple(_scenarios) if _scenarios is not None else None
        if self._scenarios is None:
            for index in range(len(self.points)):
                self.scenario(index)  # validate every point now, not halfway through a run

    @classmethod
    def of(cls, scenarios: Design | Sequence[Scenario] | Mapping[str, Scenario]) -> Design:
        """A design from explicit scenarios (a sequence, or a mapping from names), or the design itself.

        Unnamed scenarios are called ``"<scenario name>/<programme name>"``
        (with their position in front when two would share a name).
        """
        if isinstance(scenarios, Design):
            return scenarios
        if isinstance(scenarios, Mapping):
            names, chosen = [str(name) for name in scenarios], list(scenarios.values())
        else:
            chosen = list(scenarios)
            names = [f"{s.name}/{s.programme.name}" for s in chosen]
            if len(set(names)) != len(names):
                names = [f"{i}:{name}" for i, name in enumerate(names)]
        if not chosen:
            raise InputError("no scenario to run")
        base = chosen[0]
        points = [{} if scenario is base else scenario_changes(base, scenario) for scenario in chosen]
        return cls(base, points, names=names, method="scenarios", _scenarios=chosen)

    # -- the Sequence protocol: design points as scenarios ----------------------------------

    def __len__(self) -> int:
        return len(self.points)

    @overload
    def __getitem__(self, index: int) -> Scenario: ...
    @overload
    def __getitem__(self, index: slice) -> list[Scenario]: ...
    def __getitem__(self, index: int | slice) -> Scenario | list[Scenario]:
        if isinstance(index, slice):
            return [self.scenario(i) for i in range(len(self))[index]]
        return self.scenario(range(len(self))[index])

    def __iter__(self) -> Iterator[Scenario]:
        return (self.scenario(i) for i in range(len(self)))

    def __repr__(self) -> str:
        return f"Design(method={self.method!r}, points={len(self)}, base={self.base.name!r})"

    def scenario(self, index: int) -> Scenario:
        """The scenario of design point ``index`` (validated)."""
        if self._scenarios is not None:
            return self._scenarios[index]
        return scenario_with(self.base, self.points[index], label=self.names[index])

    def to_frame(self) -> pd.DataFrame:
        """The design table with the point names in a ``scenario`` column (one row per point)."""
        table = self.table if self.table is not None else pd.DataFrame(index=range(len(self)))
        return pd.concat([pd.DataFrame({"scenario": list(self.names)}), table.reset_index(drop=True)], axis=1)


def _point_names(n: int) -> tuple[str, ...]:
    width = max(4, len(str(n - 1)))
    return tuple(f"point-{i:0{width}d}" for i in range(n))


def _from_table(
    base: Scenario,
    table: pd.DataFrame,
    method: str,
    seed: SeedRecord | None = None,
    sampler: Mapping[str, Any] | None = None,
) -> Design:
    table = table.reset_index(drop=True)
    points = [
        {key: python_value(value) for key, value in row.items()} for row in table.to_dict(orient="records")
    ]
    return Design(base, points, method=method, table=table, seed=seed, sampler=sampler)


# -- constructors --------------------------------------------------------------------------


def full_factorial(base: Scenario, levels: Mapping[str, Sequence[Any]]) -> Design:
    """Every combination of the levels of each parameter (the first parameter varies slowest).

    Examples
    --------
    >>> from districtlab.presets import load_scenario
    >>> base = load_scenario("toy-valley")
    >>> design = full_factorial(base, {"programme.budget_eur_per_year": [2e5, 4e5], "programme.targeting": ["open_call", "smes_first"]})
    >>> len(design)
    4
    """
    if not levels:
        raise InputError("a factorial design needs at least one parameter")
    for key, values in levels.items():
        if len(values) == 0:
            raise InputError("no level given", field=key)
        if len(set(map(repr, values))) != len(values):
            raise InputError("a level is listed twice", field=key)
        for value in values:
            check_value(base, key, python_value(value))
    rows = list(itertools.product(*levels.values()))
    table = pd.DataFrame(rows, columns=list(levels))
    return _from_table(base, table, "factorial")


def design_from_table(base: Scenario, table: pd.DataFrame) -> Design:
    """A design whose points are the rows of ``table`` (columns are parameter keys)."""
    if table.empty or table.shape[1] == 0:
        raise InputError("the design table has no rows or no columns")
    for key in table.columns:
        if not isinstance(key, str):
            raise InputError(f"column {key!r} is not a parameter path")
        if table[key].isna().any():
            row = int(np.flatnonzero(table[key].isna().to_numpy())[0])
            raise InputError(f"row {row} has no value", field=key)
        for value in table[key].drop_duplicates():
            check_value(base, key, python_value(value))
    return _from_table(base, table, "table")


def _ranges(base: Scenario, ranges: Mapping[str, tuple[float, float]]) -> dict[str, SamplingRange]:
    if not ranges:
        raise InputError("a sampled design needs at least one parameter range")
    return {key: check_range(base, key, float(low), float(high)) for key, (low, high) in ranges.items()}


def values_from_unit(unit: NDArray[np.float64], bounds: Sequence[SamplingRange]) -> pd.DataFrame:
    """Map points of the unit cube to parameter values (one column per parameter).

    Integers are spread evenly over low..high: ``floor(low + u (high - low + 1))``.
    """
    columns: dict[int, NDArray[np.float64] | NDArray[np.int64]] = {}
    for column, spec in enumerate(bounds):
        u = unit[:, column]
        if spec.kind == "int":
            columns[column] = np.minimum(
                np.floor(spec.low + u * (spec.high - spec.low + 1)), spec.high
            ).astype(np.int64)
        else:
            columns[column] = spec.low + u * (spec.high - spec.low)
    return pd.DataFrame(columns)


def _generator(rng: RNGLike) -> tuple[np.random.Generator, SeedRecord]:
    seed = as_seed_sequence(rng)
    return np.random.default_rng(seed), SeedRecord.of(seed)


def latin_hypercube(
    base: Scenario, ranges: Mapping[str, tuple[float, float]], n: int, *, rng: RNGLike = None
) -> Design:
    """``n`` points of a Latin hypercube over the box of sampling ranges.

    Parameters
    ----------
    base
        The scenario the points change.
    ranges
        Parameter key -> (low, high); checked against what the types allow.
    n
        Number of design points.
    rng
        Seed of the sampler (recorded as ``design.seed``).
    """
    if n < 1:
        raise InputError(f"a Latin hypercube needs at least 1 point, got {n}")
    specs = _ranges(base, ranges)
    generator, seed = _generator(rng)
    unit = qmc.LatinHypercube(d=len(specs), rng=generator).random(n)
    table = values_from_unit(unit, list(specs.values()))
    table.columns = list(specs)
    return _from_table(base, table, "latin-hypercube", seed)


def sobol_design(
    base: Scenario, ranges: Mapping[str, tuple[float, float]], n: int, *, rng: RNGLike = None
) -> Design:
    """``n`` points of a scrambled Sobol' sequence over the box of sampling ranges; ``n`` a power of two."""
    if n < 1 or n & (n - 1):
        raise InputError(
            f"a Sobol' design needs a power of two points (e.g. {2 ** max(0, round(math.log2(max(n, 1))))}), got {n}"
        )
    specs = _ranges(base, ranges)
    generator, seed = _generator(rng)
    unit = qmc.Sobol(d=len(specs), scramble=True, rng=generator).random_base2(int(math.log2(n)))
    table = values_from_unit(unit, list(specs.values()))
    table.columns = list(specs)
    return _from_table(base, table, "sobol", seed)


__all__ = [
    "METHODS",
    "Design",
    "design_from_table",
    "full_factorial",
    "latin_hypercube",
    "sobol_design",
    "values_from_unit",
]
