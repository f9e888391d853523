"""Cross-case analysis: case-ordered meta-matrices and code co-occurrence.

A meta-matrix (Miles and Huberman 1994) sets cases, or groups of them such as
districts, against codes, with a count, a presence mark or short excerpts in
each cell. Co-occurrence counts how often two codes are applied to overlapping
passages of the same source, with ATLAS.ti's c-coefficient
``n12 / (n1 + n2 - n12)`` and, because that coefficient is distorted when code
frequencies differ widely, the two conditional shares ``n12 / n1`` and
``n12 / n2``.

Both work on distinct codings: when several coders apply the same code to the
same passage it is counted once (restrict to some coders with ``coders=``).
Results are tidy DataFrames; :func:`meta_matrix_wide` and
:func:`cooccurrence_wide` give the wide displays that
:func:`~districtlab.evidence.tables.write_table` shows in XLSX and HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from districtlab.errors import InputError
from districtlab.evidence.project import QdaProject

CELL_KINDS = ("count", "presence", "excerpts")
COOCCURRENCE_SCOPES = ("overlap", "source")

#: Row label for sources that belong to no case or have no value of a variable.
UNASSIGNED = "(unassigned)"


def c_coefficient(n1: np.ndarray | float, n2: np.ndarray | float, n12: np.ndarray | float) -> np.ndarray:
    """ATLAS.ti's c-coefficient ``n12 / (n1 + n2 - n12)``; NaN where neither code occurs.

    >>> round(float(c_coefficient(100, 10, 5)), 3)
    0.048
    """
    n1, n2, n12 = (np.asarray(x, dtype=float) for x in (n1, n2, n12))
    union = n1 + n2 - n12
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, n12 / np.where(union > 0, union, 1.0), np.nan)


def source_groups(project: QdaProject, by: str) -> pd.DataFrame:
    """Which group each source belongs to: ``source_guid, group``.

    Parameters
    ----------
    by : str
        ``"source"`` (each source its own group), ``"case"`` (the cases a source
        belongs to) or the name of a variable. A variable's value is taken from
        the source itself if it has one, otherwise from its case(s); a source
        in several cases with different values appears in each group.
        Sources with no group get :data:`UNASSIGNED`.

    Raises
    ------
    InputError
        If ``by`` is neither ``source``, ``case`` nor a variable of the project.
    """
    sources = project.sources[["guid", "name"]].rename(columns={"guid": "source_guid"})
    if by == "source":
        groups = sources.rename(columns={"name": "group"})
    elif by == "case":
        cases = project.cases[["guid", "name"]].rename(columns={"guid": "case_guid", "name": "group"})
        groups = project.case_sources.merge(cases, on="case_guid")[["source_guid", "group"]]
    else:
        groups = _variable_groups(project, by)
    groups = sources[["source_guid"]].merge(groups, on="source_guid", how="left")
    groups["group"] = groups["group"].fillna(UNASSIGNED).astype("string")
    return groups.drop_duplicates().reset_index(drop=True)


def _variable_groups(project: QdaProject, name: str) -> pd.DataFrame:
    variables = project.variables
    matching = variables[variables["name"] == name]
    if matching.empty:
        matching = variables[variables["name"].str.casefold() == name.casefold()]
    if matching.empty:
        known = ", ".join(sorted(set(variables["name"].dropna()))) or "none"
        raise InputError(
            f"group by {name!r}: not 'case', 'source' or a variable of the project (variables: {known})"
        )
    values = project.variable_values[project.variable_values["variable_guid"].isin(matching["guid"])]
    values = values[values["value"].notna()]
    direct = values[values["owner_kind"] == "source"].rename(columns={"owner_guid": "source_guid"})
    through_case = project.case_sources.merge(
        values[values["owner_kind"] == "case"].rename(columns={"owner_guid": "case_guid"}),
        on="case_guid",
    )
    through_case = through_case[~through_case["source_guid"].isin(direct["source_guid"])]
    both = pd.concat([direct[["source_guid", "value"]], through_case[["source_guid", "value"]]])
    return both.rename(columns={"value": "group"})


def _distinct_codings(project: QdaProject, coders: Sequence[str] | None) -> pd.DataFrame:
    """Coded segments, one per (passage, code): coders who agree count once."""
    coded = project.coded_segments()
    if coders is not None:
        unknown = sorted(set(coders) - set(coded["coder"].dropna()))
        if unknown:
            raise InputError(f"unknown coder(s): {', '.join(unknown)}")
        coded = coded[coded["coder"].isin(coders)]
    # A passage is its span when offsets are known, else its selection (Taguette).
    span = coded["source_guid"] + ":" + coded["start"].astype("string") + ":" + coded["end"].astype("string")
    coded = coded.assign(passage=span.fillna(coded["selection_guid"]))
    return coded.drop_duplicates(["passage", "code_guid"]).reset_index(drop=True)


def _code_order(project: QdaProject, used: pd.Series, codes: Sequence[str] | None) -> pd.DataFrame:
    """Codes to show, in codebook order: the codable ones and any that are used."""
    table = project.codes[["guid", "path", "name", "is_codable"]]
    if codes is not None:
        wanted = set(codes)
        chosen = table[table["path"].isin(wanted) | table["name"].isin(wanted)]
        missing = wanted - set(chosen["path"]) - set(chosen["name"])
        if missing:
            raise InputError(f"unknown code(s): {', '.join(sorted(missing))}")
        return chosen.reset_index(drop=True)
    return table[table["is_codable"] | table["guid"].isin(used)].reset_index(drop=True)


def meta_matrix(
    project: QdaProject,
    *,
    by: str = "case",
    cell: str = "count",
    max_excerpts: int = 3,
    excerpt_chars: int = 200,
    order_by: str | None = None,
    codes: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A case-ordered meta-matrix as a tidy table: one row per group and code.

    Parameters
    ----------
    project : QdaProject
    by : str
        Rows: ``"case"``, ``"source"`` or a variable name such as ``"district"``
        (see :func:`source_groups`).
    cell : {"count", "presence", "excerpts"}
        ``count``: number of distinct coded passages; ``presence``: whether the
        code occurs at all; ``excerpts``: up to ``max_excerpts`` passages, each
        cut to ``excerpt_chars`` characters and prefixed with its source's name.
    order_by : str, optional
        A variable by whose value (numeric when every value is a number) the
        rows are ordered, e.g. an adoption level; otherwise rows are in name order.
    codes : sequence of str, optional
        Code names or paths to show; by default every codable or used code.
    coders : sequence of str, optional
        Count only these coders' codings.

    Returns
    -------
    DataFrame
        Columns ``<by>``, ``code`` (the code's path) and ``<cell>``, rows in
        group order then codebook order, every group x code combination present.
    """
    if cell not in CELL_KINDS:
        raise InputError(f"cell must be one of {', '.join(CELL_KINDS)}, not {cell!r}")
    codings = _distinct_codings(project, coders)
    groups = source_groups(project, by)
    code_table = _code_order(project, codings["code_guid"], codes)
    located = codings.merge(groups, on="source_guid")
    located = located[located["code_guid"].isin(code_table["guid"])]

    group_order = _group_order(project, groups, order_by)
    index = pd.MultiIndex.from_product([group_order, code_table["guid"]], names=["group", "code_guid"])
    grouped = located.groupby(["group", "code_guid"], sort=False)
    if cell == "excerpts":
        values = grouped.apply(
            lambda rows: _excerpts(rows, max_excerpts, excerpt_chars), include_groups=False
        ).reindex(index, fill_value="")
        values = values.astype("string")
    else:
        counts = grouped.size().reindex(index, fill_value=0).astype("int64")
        values = counts > 0 if cell == "presence" else counts
    paths = dict(zip(code_table["guid"], code_table["path"], strict=True))
    result = values.rename(cell).reset_index()
    result["code"] = result["code_guid"].map(paths).astype("string")
    result = result.rename(columns={"group": by})[[by, "code", cell]]
    return result.reset_index(drop=True)


def _group_order(project: QdaProject, groups: pd.DataFrame, order_by: str | None) -> list[str]:
    names = sorted(set(groups["group"]) - {UNASSIGNED})
    if order_by is not None:
        ranking = source_groups(project, order_by).merge(groups, on="source_guid", suffixes=("_key", ""))
        ranking = ranking[ranking["group_key"] != UNASSIGNED]
        keys = ranking.groupby("group")["group_key"].first()
        numeric = pd.to_numeric(keys, errors="coerce")
        key_of = numeric if numeric.notna().all() else keys
        names = sorted(names, key=lambda name: (key_of.get(name) is None, key_of.get(name, ""), name))
    return names + ([UNASSIGNED] if UNASSIGNED in set(groups["group"]) else [])


def _excerpts(rows: pd.DataFrame, limit: int, width: int) -> str:
    shown = []
    for row in rows.head(limit).itertuples(index=False):
        text = " ".join(str(row.text).split()) if not pd.isna(row.text) else "(text missing)"
        if len(text) > width:
            text = text[: width - 1].rstrip() + "…"
        shown.append(f"[{row.source_name}] {text}")
    if len(rows) > limit:
        shown.append(f"(+{len(rows) - limit} more)")
    return "\n".join(shown)


def meta_matrix_wide(matrix: pd.DataFrame) -> pd.DataFrame:
    """The display of a :func:`meta_matrix`: groups as rows, codes as columns, in order."""
    by, code, cell = matrix.columns
    wide = matrix.pivot(index=by, columns=code, values=cell)
    return wide.loc[list(dict.fromkeys(matrix[by])), list(dict.fromkeys(matrix[code]))]


def cooccurrence(
    project: QdaProject,
    *,
    scope: str = "overlap",
    codes: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Code co-occurrence with the c-coefficient, as a tidy table of code pairs.

    Parameters
    ----------
    scope : {"overlap", "source"}
        ``overlap``: units are distinct coded passages; two passages co-occur
        when they are on the same source and their half-open intervals overlap
        (or they are the same selection, for exports without offsets). ``n1`` is
        the number of passages coded with the first code and ``n12`` the number
        of overlapping pairs of passages, one with each code. ``source``: units
        are sources; ``n12`` counts sources where both codes occur.
    codes, coders : sequence of str, optional
        As in :func:`meta_matrix`.

    Returns
    -------
    DataFrame
        One row per unordered pair of codes (codebook order):
        ``code_a, code_b, n_a, n_b, n_ab, c_coefficient, share_of_a, share_of_b``
        with ``share_of_a = n_ab / n_a``. Only codes that occur at least once appear.
    """
    if scope not in COOCCURRENCE_SCOPES:
        raise InputError(f"scope must be one of {', '.join(COOCCURRENCE_SCOPES)}, not {scope!r}")
    codings = _distinct_codings(project, coders)
    code_table = _code_order(project, codings["code_guid"], codes)
    code_table = code_table[code_table["guid"].isin(codings["code_guid"])].reset_index(drop=True)
    position = {guid: i for i, guid in enumerate(code_table["guid"])}
    codings = codings[codings["code_guid"].isin(position)]
    k = len(code_table)
    if scope == "source":
        presence = np.zeros((len(project.sources), k), dtype=np.int64)
        source_row = {guid: i for i, guid in enumerate(project.sources["guid"])}
        presence[codings["source_guid"].map(source_row), codings["code_guid"].map(position)] = 1
        totals, joint = presence.sum(axis=0), presence.T @ presence
    else:
        totals = np.bincount(codings["code_guid"].map(position), minlength=k)
        joint = np.zeros((k, k), dtype=np.int64)
        for _, rows in codings.groupby("source_guid", sort=False):
            _add_overlaps(rows, position, joint)
        joint = joint + joint.T
    first, second = np.triu_indices(k, 1)
    n_a, n_b, n_ab = totals[first], totals[second], joint[first, second]
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "code_a": code_table["path"].to_numpy()[first],
                "code_b": code_table["path"].to_numpy()[second],
                "n_a": n_a.astype("int64"),
                "n_b": n_b.astype("int64"),
                "n_ab": n_ab.astype("int64"),
                "c_coefficient": c_coefficient(n_a, n_b, n_ab),
                "share_of_a": np.where(n_a > 0, n_ab / np.maximum(n_a, 1), np.nan),
                "share_of_b": np.where(n_b > 0, n_ab / np.maximum(n_b, 1), np.nan),
            }
        ).astype({"code_a": "string", "code_b": "string"})


def _add_overlaps(rows: pd.DataFrame, position: dict[str, int], joint: np.ndarray) -> None:
    """Add to ``joint[a, b]`` (a < b) the overlapping pairs of passages on one source."""
    start = rows["start"].to_numpy(dtype=float, na_value=np.nan)
    end = rows["end"].to_numpy(dtype=float, na_value=np.nan)
    selection = rows["selection_guid"].to_numpy()
    code = rows["code_guid"].map(position).to_numpy()
    overlaps = (start[:, None] < end[None, :]) & (start[None, :] < end[:, None])
    overlaps |= selection[:, None] == selection[None, :]
    first, second = np.nonzero(overlaps & (code[:, None] < code[None, :]))
    np.add.at(joint, (code[first], code[second]), 1)


def cooccurrence_wide(table: pd.DataFrame, value: str = "c_coefficient") -> pd.DataFrame:
    """The symmetric code x code display of a :func:`cooccurrence` table for one ``value``."""
    if value not in ("n_ab", "c_coefficient"):
        raise InputError(f"value must be 'n_ab' or 'c_coefficient', not {value!r}")
    order = list(dict.fromkeys([*table["code_a"], *table["code_b"]]))
    mirrored = pd.concat(
        [table, table.rename(columns={"code_a": "code_b", "code_b": "code_a"})], ignore_index=True
    )
    wide = mirrored.pivot(index="code_a", columns="code_b", values=value).reindex(index=order, columns=order)
    wide.index.name, wide.columns.name = None, None
    return wide
