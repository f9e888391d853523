"""Inter-coder reliability: Krippendorff's alpha, Cohen's and Fleiss' kappa, per code and pooled.

Krippendorff's alpha is implemented here from Krippendorff (2011), "Computing
Krippendorff's Alpha-Reliability" (https://repository.upenn.edu/asc_papers/43):
``alpha = 1 - D_o / D_e`` from the coincidence matrix of pairable values, for
nominal, ordinal, interval and ratio data, with missing values (NaN) simply not
pairable. (The ``krippendorff`` package is GPL and serves only as a test
cross-check.) Cohen's and Fleiss' kappa come from ``statsmodels``.

For coded interviews, reliability needs fixed units: :func:`unit_presence`
divides the sources into paragraphs (non-blank lines), whole sources or units
the user gives, and records for every coder, unit and code whether the coder
applied the code there (1), did not (0), or did not code that source at all
(missing). :func:`reliability_by_code` reports alpha and kappa per code and
pooled over codes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from districtlab.errors import InputError
from districtlab.evidence.project import QdaProject

LEVELS = ("nominal", "ordinal", "interval", "ratio")
UNIT_KINDS = ("paragraph", "source")
KAPPA_WEIGHTS = (None, "linear", "quadratic")

#: Label of the row that pools all codes in :func:`reliability_by_code`.
POOLED = "(pooled)"

_PARAGRAPH = re.compile(r"[^\r\n]*\S[^\r\n]*")


def _ratings(data: Any, *, numeric: bool) -> np.ndarray:
    """Coders x units as floats with NaN for missing; non-numeric labels become category numbers."""
    try:
        values = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        if numeric:
            raise InputError("non-numeric ratings need level='nominal'") from None
        raw = np.asarray(data, dtype=object)
        codes, _ = pd.factorize(pd.Series(raw.ravel()).replace("", None), sort=True)
        values = np.where(codes < 0, np.nan, codes).astype(float).reshape(raw.shape)
    if values.ndim != 2:
        raise InputError(f"ratings must be a coders x units table, got {values.ndim} dimension(s)")
    return values


def _distances(domain: np.ndarray, totals: np.ndarray, level: str) -> np.ndarray:
    """Squared distances delta^2 between every pair of values of ``domain``."""
    if level == "nominal":
        return 1.0 - np.eye(domain.size)
    if level == "interval":
        return (domain[:, None] - domain[None, :]) ** 2
    if level == "ratio":
        total = domain[:, None] + domain[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(
                total != 0,
                (domain[:, None] - domain[None, :]) / np.where(total != 0, total, 1),
                0.0,
            )
        return ratio**2
    # Ordinal: (sum of n_g for g from c to k) - (n_c + n_k) / 2, squared.
    cumulative = np.cumsum(totals)
    low = np.minimum.outer(np.arange(domain.size), np.arange(domain.size))
    high = np.maximum.outer(np.arange(domain.size), np.arange(domain.size))
    between = cumulative[high] - cumulative[low] + totals[low]
    return (between - (totals[:, None] + totals[None, :]) / 2) ** 2


def krippendorff_alpha(data: Any, *, level: str = "nominal") -> float:
    """Krippendorff's alpha for a coders x units table with NaN for missing values.

    Parameters
    ----------
    data : array_like, shape (coders, units)
        Values given by each coder to each unit; NaN (or None) where a coder
        gave none. Non-numeric labels are allowed at the nominal level.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement, which sets the distance between values.

    Returns
    -------
    float
        Alpha; NaN when the pairable values show no variation (D_e = 0).

    Raises
    ------
    InputError
        For an unknown level, or when no unit has values from two coders.

    Examples
    --------
    Krippendorff (2011), two coders, nominal data:

    >>> first = [1, 1, 2, 2, 4, 3, 3, 3, 5, 4, 4, 1]
    >>> second = [2, 1, 2, 2, 2, 3, 3, 3, 5, 4, 4, 4]
    >>> round(krippendorff_alpha([first, second], level="nominal"), 3)
    0.692
    """
    if level not in LEVELS:
        raise InputError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    values = _ratings(data, numeric=level != "nominal")
    present = ~np.isnan(values)
    pairable_units = present.sum(axis=0) >= 2
    if not pairable_units.any():
        raise InputError("no unit has values from two or more coders, so agreement cannot be measured")
    values, present = values[:, pairable_units], present[:, pairable_units]
    domain, index = np.unique(values[present], return_inverse=True)
    # counts[u, c]: how many coders gave value c to unit u.
    counts = np.zeros((values.shape[1], domain.size))
    np.add.at(counts, (np.nonzero(present)[1], index), 1.0)
    weighted = counts / (counts.sum(axis=1, keepdims=True) - 1.0)
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    totals = coincidences.sum(axis=0)
    delta = _distances(domain, totals, level)
    observed = float((coincidences * delta).sum())
    expected = float((np.outer(totals, totals) * delta).sum()) / (totals.sum() - 1.0)
    return float("nan") if expected == 0 else float(1.0 - observed / expected)


def _complete_units(data: Any) -> np.ndarray:
    values = _ratings(data, numeric=False)
    return values[:, ~np.isnan(values).any(axis=0)]


#: How weighted kappa places the categories: by their numeric value, or by their rank.
WEIGHT_SCALES = ("value", "rank")


def cohen_kappa(data: Any, *, weights: str | None = None, weight_scale: str = "value") -> float:
    """Cohen's kappa for two coders (a 2 x units table; units with a missing value are dropped).

    Parameters
    ----------
    weights : {None, "linear", "quadratic"}
        Unweighted kappa, or weighted by the linear or squared distance between
        categories.
    weight_scale : {"value", "rank"}
        Where the categories sit for that distance. ``"value"`` (the default):
        at their numeric values, so that ratings 1, 2, 4 are 1 and 2 apart.
        ``"rank"``: at their ranks among the categories that occur in the data
        (1, 2, 4 become 0, 1, 2), which is what R's ``irr::kappa2`` does with
        ``weight = "equal"`` (= linear) and ``"squared"`` (= quadratic). Both
        are defensible; they differ when a category in between is never used,
        so choose ``"rank"`` to reproduce results from R. Ignored when
        ``weights`` is None.

    Returns
    -------
    float
        Kappa from :func:`statsmodels.stats.inter_rater.cohens_kappa`; NaN when
        only one category is used (chance agreement is then 1).
    """
    if weights not in KAPPA_WEIGHTS:
        raise InputError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    if weight_scale not in WEIGHT_SCALES:
        raise InputError(f"weight_scale must be 'value' or 'rank', not {weight_scale!r}")
    values = _complete_units(data)
    if values.shape[0] != 2:
        raise InputError(f"Cohen's kappa compares two coders, got {values.shape[0]}")
    domain, index = np.unique(values, return_inverse=True)
    if domain.size < 2:
        return float("nan")
    index = index.reshape(values.shape)
    table = np.zeros((domain.size, domain.size))
    np.add.at(table, (index[0], index[1]), 1.0)
    from statsmodels.stats import inter_rater  # imported on use: statsmodels takes half a second

    if weights is None:
        return float(inter_rater.cohens_kappa(table, return_results=False))
    positions = domain if weight_scale == "value" else np.arange(domain.size, dtype=float)
    return float(inter_rater.cohens_kappa(table, weights=positions, wt=weights, return_results=False))


def fleiss_kappa(data: Any) -> float:
    """Fleiss' kappa for a coders x units table (units with a missing value are dropped).

    Returns
    -------
    float
        Kappa from :func:`statsmodels.stats.inter_rater.fleiss_kappa`; NaN when
        only one category is used.
    """
    values = _complete_units(data)
    if values.shape[0] < 2 or values.shape[1] == 0:
        raise InputError("Fleiss' kappa needs two or more coders and a unit rated by all of them")
    if np.unique(values).size < 2:
        return float("nan")
    from statsmodels.stats import inter_rater

    table, _ = inter_rater.aggregate_raters(values.T.astype(np.int64))
    return float(inter_rater.fleiss_kappa(table, method="fleiss"))


def project_units(project: QdaProject, units: str | pd.DataFrame = "paragraph") -> pd.DataFrame:
    """The fixed units of a project: ``source_guid, start, end`` (half-open, code points).

    Parameters
    ----------
    units : {"paragraph", "source"} or DataFrame
        ``paragraph``: every non-blank line of every text source; ``source``:
        every source as one unit; or a table with ``start``, ``end`` and either
        ``source_guid`` or ``source`` (the source's name).
    """
    if isinstance(units, pd.DataFrame):
        return _given_units(project, units)
    if units == "source":
        lengths = [len(project.texts.get(guid, "")) for guid in project.sources["guid"]]
        return pd.DataFrame(
            {"source_guid": project.sources["guid"].astype(str), "start": 0, "end": lengths}
        ).astype({"start": "int64", "end": "int64"})
    if units != "paragraph":
        raise InputError(f"units must be one of {', '.join(UNIT_KINDS)} or a table, not {units!r}")
    rows = [
        (guid, match.start(), match.end())
        for guid in project.sources["guid"]
        for match in _PARAGRAPH.finditer(project.texts.get(guid, ""))
    ]
    if not rows:
        raise InputError("the project has no source text to divide into paragraphs; use units='source'")
    return pd.DataFrame(rows, columns=["source_guid", "start", "end"]).astype(
        {"start": "int64", "end": "int64"}
    )


def _given_units(project: QdaProject, units: pd.DataFrame) -> pd.DataFrame:
    table = units.copy()
    if "source_guid" not in table.columns:
        if "source" not in table.columns:
            raise InputError("a unit table needs a 'source_guid' or 'source' column", field="units")
        by_name = dict(zip(project.sources["name"], project.sources["guid"], strict=False))
        unknown = sorted(set(table["source"]) - set(by_name))
        if unknown:
            raise InputError(f"unknown source(s) {', '.join(map(str, unknown[:5]))}", field="units")
        table["source_guid"] = table["source"].map(by_name)
    missing = {"start", "end"} - set(table.columns)
    if missing:
        raise InputError(f"a unit table needs column(s) {', '.join(sorted(missing))}", field="units")
    for column in ("start", "end"):
        numbers = pd.to_numeric(table[column], errors="coerce")
        whole = numbers.notna() & np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers >= 0)
        if not whole.all():
            bad = table[column][~whole].iloc[0]
            raise InputError(f"{column} {bad!r} is not a whole number of characters from 0", field="units")
        table[column] = numbers.astype("int64")
    table = table[["source_guid", "start", "end"]].astype({"source_guid": str})
    if (table["end"] <= table["start"]).any():
        raise InputError("every unit needs end > start", field="units")
    return table.reset_index(drop=True)


def unit_presence(
    project: QdaProject,
    *,
    units: str | pd.DataFrame = "paragraph",
    coders: Sequence[str] | None = None,
) -> tuple[np.ndarray, pd.DataFrame, list[str], list[str]]:
    """Whether each coder applied each code to each unit.

    A coder who coded nothing on a source is missing (NaN) for its units; a
    coder who coded the source but not this code there gives 0. A coding
    covers a unit when their half-open intervals overlap; with whole-source
    units, any coding on the source covers it.

    Returns
    -------
    presence : ndarray, shape (coders, units, codes)
        1.0, 0.0 or NaN.
    units : DataFrame
        ``source_guid, start, end`` of every unit, in the order of axis 1.
    coders : list of str
        Coder names, in the order of axis 0.
    codes : list of str
        Code GUIDs, in the order of axis 2 (codebook order).

    Raises
    ------
    InputError
        With fewer than two coders, or codings whose offsets are unknown
        (e.g. Taguette exports) for units other than whole sources.
    """
    coded = project.coded_segments()
    chosen = list(dict.fromkeys(coded["coder"].dropna())) if coders is None else list(coders)
    unknown = sorted(set(chosen) - set(coded["coder"].dropna()))
    if unknown:
        raise InputError(f"unknown coder(s): {', '.join(unknown)}")
    if len(chosen) < 2:
        raise InputError(f"reliability needs codings by two or more coders; found {len(chosen)}")
    coded = coded[coded["coder"].isin(chosen)]
    whole_sources = isinstance(units, str) and units == "source"
    if not whole_sources and (coded["start"].isna() | coded["end"].isna()).any():
        raise InputError("some codings have no offsets (e.g. a Taguette export); use units='source'")
    unit_table = project_units(project, units)
    code_guids = [guid for guid in project.codes["guid"] if guid in set(coded["code_guid"])]
    code_index = {guid: k for k, guid in enumerate(code_guids)}
    presence = np.full((len(chosen), len(unit_table), len(code_guids)), np.nan)
    unit_rows = unit_table.groupby("source_guid").indices
    for coder_position, coder in enumerate(chosen):
        mine = coded[coded["coder"] == coder]
        for source_guid, segments in mine.groupby("source_guid"):
            rows = unit_rows.get(str(source_guid))
            if rows is None:
                continue
            presence[coder_position, rows, :] = 0.0
            codes = segments["code_guid"].map(code_index).to_numpy()
            if whole_sources:
                presence[coder_position, rows[:, None], np.unique(codes)[None, :]] = 1.0
                continue
            unit_start = unit_table["start"].to_numpy()[rows]
            unit_end = unit_table["end"].to_numpy()[rows]
            start = segments["start"].to_numpy(dtype=np.int64)
            end = segments["end"].to_numpy(dtype=np.int64)
            covers = (start[None, :] < unit_end[:, None]) & (unit_start[:, None] < end[None, :])
            unit_hit, segment_hit = np.nonzero(covers)
            presence[coder_position, rows[unit_hit], codes[segment_hit]] = 1.0
    return presence, unit_table, chosen, code_guids


def reliability_by_code(
    project: QdaProject,
    *,
    units: str | pd.DataFrame = "paragraph",
    level: str = "nominal",
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Inter-coder reliability of every code, and pooled over codes, on fixed units.

    Each code is a presence variable (applied or not to a unit). Pooling stacks
    the presence variables of all codes into one coders x (units x codes) table.

    Returns
    -------
    DataFrame
        One row per code used by the chosen coders, then a :data:`POOLED` row:
        ``code, units, coders, prevalence, agreement, alpha, cohen_kappa,
        fleiss_kappa``. ``units`` counts units coded by two or more coders;
        ``prevalence`` is the share of their ratings that mark the code present;
        ``agreement`` the share of those units on which all their coders agree;
        ``cohen_kappa`` is given for exactly two coders, ``fleiss_kappa`` over
        units rated by every coder. NaN marks a coefficient that is undefined,
        e.g. alpha for a code nobody applied.
    """
    presence, _, coders_used, code_guids = unit_presence(project, units=units, coders=coders)
    paths = dict(zip(project.codes["guid"], project.codes["path"], strict=True))
    rows = [_reliability_row(paths[guid], presence[:, :, k], level) for k, guid in enumerate(code_guids)]
    pooled = presence.reshape(len(coders_used), -1)
    rows.append(_reliability_row(POOLED, pooled, level))
    return pd.DataFrame(rows).astype({"code": "string"})


def _reliability_row(code: str, ratings: np.ndarray, level: str) -> dict[str, Any]:
    rated = ~np.isnan(ratings)
    pairable = rated.sum(axis=0) >= 2
    values = ratings[:, pairable]
    complete = rated.all(axis=0).any()
    agree = [np.unique(column[~np.isnan(column)]).size == 1 for column in values.T]
    return {
        "code": code,
        "units": int(pairable.sum()),
        "coders": ratings.shape[0],
        "prevalence": float(np.nanmean(values)) if pairable.any() else np.nan,
        "agreement": float(np.mean(agree)) if agree else np.nan,
        "alpha": krippendorff_alpha(ratings, level=level) if pairable.any() else np.nan,
        "cohen_kappa": cohen_kappa(ratings) if ratings.shape[0] == 2 and complete else np.nan,
        "fleiss_kappa": fleiss_kappa(ratings) if complete else np.nan,
    }
