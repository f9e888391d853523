"""Browsing a project: the codebook tree with its use, and filtered quotations."""

from __future__ import annotations

import pytest

from districtlab.errors import InputError
from districtlab.evidence.browse import code_tree, group_values, quotations

from ._builders import interview_project


def test_code_tree_lists_parents_before_children_with_counts_below() -> None:
    tree = code_tree(interview_project()).set_index("name")
    assert tree.index.tolist() == ["Instruments", "Events", "Cost", "Supplier transceivers"]
    assert tree.loc["Events", "depth"] == 1
    assert tree.loc["Instruments", "codings"] == 0
    assert tree.loc["Instruments", "codings_below"] == tree.loc["Events", "codings"] == 2
    assert tree.loc["Cost", "codings"] == 4
    assert tree.loc["Cost", "sources"] == 2


def test_quotations_filter_by_code_subtree_and_district() -> None:
    project = interview_project()
    every = quotations(project)
    assert len(every) == 8
    events = quotations(project, codes=["Instruments"])
    assert set(events["code"]) == {"Instruments / Events"}
    toy = quotations(project, filters={"district": ["Toy Valley"]})
    assert set(toy["district"]) == {"Toy Valley"}
    assert set(toy["source"]) == {"I01 toy maker"}
    assert "At the AIJU event on robots." in set(toy["quotation"])
    assert group_values(project, "district") == ["Toy Valley", "Vinalopó"]
    assert len(quotations(project, coders=["Ben"])) == 4
    with pytest.raises(InputError, match="unknown code"):
        quotations(project, codes=["Nope"])
