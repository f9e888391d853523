"""Calibration targets: observed adoption figures the model is fitted to.

A target file is a CSV (UTF-8; lines starting with ``#`` are comments) with the columns

========== ========================================================================
technology a technology of the model (``robotics``, ``cloud_erp``, ...) or ``rti`` for
           a fact about who the RTI reaches
indicator  the source's name for the figure (``eurostat_e_rbt``); several indicators
           may target one technology (each is its own series)
year       the calendar year the figure describes (survey in the first quarter)
size_class ``micro`` (0-9 employees), ``small`` (10-49), ``medium`` (50-249),
           ``large`` (250+) or ``all``
value      the figure, in ``unit``
unit       ``percent`` or ``share`` (0-1)
se         optional standard error, in ``unit`` (empty: the fit uses its proxy
           discrepancy alone)
weight     optional weight of the figure in the distance (default 1; 0 keeps it for
           checks only)
source     where the figure comes from (required, non-empty)
========== ========================================================================

For ``technology = rti`` the only indicator understood is the share of ``size_class``
firms among the firms that have dealt with the RTI (``rti_collaborators_<size>_share``).

The shipped set ``spain-2014-2020`` (``data/spain-2014-2020.csv``) maps Eurostat's
"enterprises using robots" (E_RBT) and INE's 2018 industry robots to ``robotics``,
3D printing (E_P3D) to ``additive`` and "cloud computing services bought" (E_CC) to
``cloud_erp``. They are national figures, so they are *proxy* targets for a district:
the fit adds a discrepancy term (see :mod:`districtlab.calibration.priors`).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from districtlab.config import SIZE_CLASSES
from districtlab.errors import InputError

COLUMNS = ("technology", "indicator", "year", "size_class", "value", "unit", "se", "weight", "source")
REQUIRED = ("technology", "indicator", "year", "size_class", "value", "unit", "source")
UNITS = {"percent": 0.01, "share": 1.0}
RTI = "rti"
ALL_SIZES = "all"
#: Targets shipped with districtlab, by name.
SHIPPED = {"spain-2014-2020": "spain-2014-2020.csv"}
#: Largest target file read (bytes): a target set is a few hundred rows.
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Targets:
    """A validated set of targets: one row per figure, values as shares (0-1).

    ``frame`` columns: technology, indicator, year, size_class, value (share), se
    (share, NaN when not given), weight, source.
    """

    name: str
    frame: pd.DataFrame

    @property
    def technologies(self) -> tuple[str, ...]:
        """The model technologies the targets name (``rti`` excluded)."""
        return tuple(sorted(set(self.frame.technology) - {RTI}))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({int(y) for y in self.frame.year}))

    @property
    def first_year(self) -> int:
        return min(self.years)

    @property
    def last_year(self) -> int:
        return max(self.years)

    def without(self, technology: str) -> Targets:
        """The targets with one technology's series left out (for cross-validation)."""
        kept = self.frame[self.frame.technology != technology].reset_index(drop=True)
        return Targets(name=f"{self.name} without {technology}", frame=kept)

    def only(self, technology: str) -> Targets:
        kept = self.frame[self.frame.technology == technology].reset_index(drop=True)
        return Targets(name=f"{self.name}: {technology}", frame=kept)

    def with_values(self, values: pd.Series) -> Targets:
        """The same figures with other values (shares), e.g. simulated from known parameters."""
        frame = self.frame.copy()
        frame["value"] = values.to_numpy(dtype=float)
        return Targets(name=f"{self.name} (replaced values)", frame=frame)


def _number(text: str, row: int, column: str, source: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"row {row}: {column} {text!r} is not a number", path=source) from None
    if not math.isfinite(value):
        raise InputError(f"row {row}: {column} must be finite, got {text!r}", path=source)
    return value


def parse_targets(text: str, *, name: str, technologies: tuple[str, ...] | None = None) -> Targets:
    """Validate the CSV text of a target file (pure: no file access).

    Parameters
    ----------
    text
        The file's content.
    name
        The name shown in messages and reports (the file name or shipped name).
    technologies
        When given, the technologies a scenario knows; any other (except ``rti``) is an error.

    Raises
    ------
    InputError
        One line naming the row and column that is wrong.
    """
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError("no rows (a target file needs a header and at least one figure)", path=name)
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    header = tuple(reader.fieldnames or ())
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}", path=name)
    unknown = [column for column in header if column not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}", path=name)
    records = []
    seen: set[tuple[str, str, int, str]] = set()
    for row_number, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise InputError(f"row {row_number}: wrong number of fields", path=name)
        technology = row["technology"].strip()
        size_class = row["size_class"].strip()
        unit = row["unit"].strip()
        indicator = row["indicator"].strip()
        if not technology or not indicator:
            raise InputError(f"row {row_number}: technology and indicator must not be empty", path=name)
        if technologies is not None and technology != RTI and technology not in technologies:
            raise InputError(
                f"row {row_number}: unknown technology {technology!r} (known: {', '.join(technologies)}, rti)",
                path=name,
            )
        if size_class not in (*SIZE_CLASSES, ALL_SIZES):
            raise InputError(
                f"row {row_number}: size_class {size_class!r} is not one of {', '.join((*SIZE_CLASSES, ALL_SIZES))}",
                path=name,
            )
        if technology == RTI and (
            size_class == ALL_SIZES or indicator != f"rti_collaborators_{size_class}_share"
        ):
            raise InputError(
                f"row {row_number}: an rti target must be rti_collaborators_<size>_share for a size class",
                path=name,
            )
        if unit not in UNITS:
            raise InputError(f"row {row_number}: unit {unit!r} is not one of {', '.join(UNITS)}", path=name)
        year = _number(row["year"], row_number, "year", name)
        if year != int(year) or not 1990 <= year <= 2100:
            raise InputError(
                f"row {row_number}: year {row['year']!r} is not a year between 1990 and 2100", path=name
            )
        scale = UNITS[unit]
        value = _number(row["value"], row_number, "value", name) * scale
        if not 0.0 <= value <= 1.0:
            raise InputError(
                f"row {row_number}: value {row['value']} {unit} is not a share between 0 and 1", path=name
            )
        se_text = (row.get("se") or "").strip()
        se = _number(se_text, row_number, "se", name) * scale if se_text else math.nan
        if se_text and se <= 0:
            raise InputError(f"row {row_number}: se must be > 0", path=name)
        weight_text = (row.get("weight") or "").strip()
        weight = _number(weight_text, row_number, "weight", name) if weight_text else 1.0
        if weight < 0:
            raise InputError(f"row {row_number}: weight must be >= 0", path=name)
        source = row["source"].strip()
        if not source:
            raise InputError(f"row {row_number}: every figure needs its source", path=name)
        key = (technology, indicator, int(year), size_class)
        if key in seen:
            raise InputError(f"row {row_number}: a second figure for {'/'.join(map(str, key))}", path=name)
        seen.add(key)
        records.append((technology, indicator, int(year), size_class, value, se, weight, source))
    if not records:
        raise InputError("no rows (a target file needs at least one figure)", path=name)
    frame = pd.DataFrame.from_records(
        records, columns=["technology", "indicator", "year", "size_class", "value", "se", "weight", "source"]
    )
    if float(frame.weight.sum()) <= 0:
        raise InputError("every weight is 0: nothing to fit", path=name)
    return Targets(name=name, frame=frame)


def load_targets(name_or_path: str | Path, *, technologies: tuple[str, ...] | None = None) -> Targets:
    """A shipped target set by name (``spain-2014-2020``) or a target CSV file.

    Raises :class:`InputError` (one line) for an unknown name, a missing, oversized or
    malformed file.
    """
    text_name = str(name_or_path)
    if text_name in SHIPPED:
        text = (
            resources.files("districtlab.calibration")
            .joinpath("data")
            .joinpath(SHIPPED[text_name])
            .read_text("utf-8")
        )
        return parse_targets(text, name=text_name, technologies=technologies)
    path = Path(name_or_path)
    if not path.exists():
        raise InputError(f"no such target file (shipped sets: {', '.join(SHIPPED)})", path=path)
    if not path.is_file():
        raise InputError("is not a file", path=path)
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"larger than {MAX_BYTES // 1_000_000} MB: not a target file", path=path)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", path=path) from None
    return parse_targets(text, name=str(path), technologies=technologies)


__all__ = ["COLUMNS", "SHIPPED", "Targets", "load_targets", "parse_targets"]
