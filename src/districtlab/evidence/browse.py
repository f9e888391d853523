"""Browsing a coded project: the codebook as a tree with its use, and quotations with their context.

Pure functions over a :class:`~districtlab.evidence.project.QdaProject`, for
the lab's Evidence page and for notebooks: they compute tables, the caller
decides how to show them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from districtlab.errors import InputError
from districtlab.evidence.crosscase import source_groups
from districtlab.evidence.project import PATH_SEPARATOR, QdaProject


def code_tree(project: QdaProject) -> pd.DataFrame:
    """The codebook in tree order with how much each code is used.

    Returns
    -------
    DataFrame
        One row per code, parents before their children in codebook order:
        ``guid, name, path, depth`` (0 for top-level codes), ``is_codable``,
        ``codings`` (codings of this code), ``codings_below`` (of this code and
        every code under it), ``sources`` (sources with a coding of this code
        or one below it), ``description``.
    """
    codes = project.codes
    coded = project.segments[project.segments["code_guid"].notna()]
    children: dict[object, list[str]] = {}
    for guid, parent in zip(codes["guid"], codes["parent_guid"], strict=True):
        children.setdefault(None if pd.isna(parent) else parent, []).append(guid)
    own = coded.groupby("code_guid").size().to_dict()
    sources_of = coded.groupby("code_guid")["source_guid"].agg(set).to_dict()
    records = {row["guid"]: row for row in codes.to_dict("records")}
    rows: list[dict[str, Any] | None] = []

    def visit(guid: str, depth: int) -> tuple[int, set[str]]:
        position = len(rows)
        rows.append(None)
        total, sources = own.get(guid, 0), set(sources_of.get(guid, set()))
        for child in children.get(guid, []):
            child_total, child_sources = visit(child, depth + 1)
            total += child_total
            sources |= child_sources
        record = records[guid]
        rows[position] = {
            "guid": guid,
            "name": record["name"],
            "path": record["path"],
            "depth": depth,
            "is_codable": bool(record["is_codable"]),
            "codings": int(own.get(guid, 0)),
            "codings_below": int(total),
            "sources": len(sources),
            "description": record["description"],
        }
        return total, sources

    for root in children.get(None, []):
        visit(root, 0)
    return pd.DataFrame(
        rows,
        columns=[
            "guid",
            "name",
            "path",
            "depth",
            "is_codable",
            "codings",
            "codings_below",
            "sources",
            "description",
        ],
    )


def group_values(project: QdaProject, variable: str) -> list[str]:
    """The values a case or source variable takes, sorted (for filter choices)."""
    return sorted(set(source_groups(project, variable)["group"].dropna().astype(str)))


def quotations(
    project: QdaProject,
    *,
    codes: Sequence[str] | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    variables: Sequence[str] = (),
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Coded passages with their code, source, coder and chosen variables, filtered.

    Parameters
    ----------
    codes : sequence of str, optional
        Code paths (as in :attr:`QdaProject.codes`); a passage coded with one of
        them or with a code below one of them is kept.
    filters : mapping of str to sequence of str, optional
        Variable name -> accepted values (e.g. ``{"district": ["Toy Valley"]}``),
        read from the source or its case as :func:`~districtlab.evidence.crosscase.source_groups` does.
    variables : sequence of str
        Variables to show as columns (those in ``filters`` are always shown).
    coders : sequence of str, optional
        Only these coders' codings.

    Returns
    -------
    DataFrame
        ``code, source, coder, start, end, quotation`` and one column per
        variable, ordered by source and position.

    Raises
    ------
    InputError
        For an unknown code path or variable.
    """
    filters = dict(filters or {})
    coded = project.coded_segments()
    if coders is not None:
        coded = coded[coded["coder"].isin(list(coders))]
    if codes:
        known = set(project.codes["path"])
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise InputError(f"unknown code {unknown[0]!r}")
        keep = coded["code_path"].map(
            lambda path: any(path == code or str(path).startswith(code + PATH_SEPARATOR) for code in codes)
        )
        coded = coded[keep.astype(bool)]
    table = pd.DataFrame(
        {
            "code": coded["code_path"],
            "source": coded["source_name"],
            "source_guid": coded["source_guid"],
            "coder": coded["coder"],
            "start": coded["start"],
            "end": coded["end"],
            "quotation": coded["text"],
        }
    )
    for variable in dict.fromkeys([*filters, *variables]):
        groups = source_groups(project, variable)
        # A source in several groups (cases with different values) lists them together.
        joined = groups.groupby("source_guid")["group"].agg(lambda values: ", ".join(sorted(set(values))))
        table[variable] = table["source_guid"].map(joined).astype("string")
        accepted = filters.get(variable)
        if accepted:
            wanted = set(accepted)
            members = groups[groups["group"].isin(wanted)]["source_guid"]
            table = table[table["source_guid"].isin(set(members))]
    return (
        table.drop(columns="source_guid")
        .sort_values(["source", "start", "code"], kind="stable")
        .reset_index(drop=True)
    )
