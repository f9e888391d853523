"""The shipped study codebook: YAML is the source, the .qdc agrees with it and reads back."""

from __future__ import annotations

import pandas.testing as pdt
import pytest
import yaml

from districtlab.errors import InputError
from districtlab.evidence import (
    codebook_frame,
    read_codebook,
    read_qda,
    study_codebook,
    study_codebook_file,
)
from districtlab.evidence.refi import codebook_xml

REQUIRED = {
    "Place-based policy": {
        "Bottom-up",
        "Decentralised",
        "Open",
        "Consultative",
        "Local actor coordination",
        "Co-design",
    },
    "Collective action": {"Collective actors", "Communities of practice", "Cross-fertilisation"},
    "RTI instruments": {
        "Events",
        "Diagnostics",
        "Demonstrators",
        "Collaborative projects",
        "Training",
        "Grants",
    },
    "Transfer mechanisms": {
        "Legitimacy and isomorphism",
        "Two-step flow through leading firms",
        "Living lab",
        "Supplier transceivers",
    },
    "Barriers": {"Reluctance", "Absorptive capacity", "Cost"},
}


def yaml_codes():
    path = study_codebook_file("yaml")
    return codebook_frame(yaml.safe_load(path.read_text(encoding="utf-8")), source=str(path))


def test_shipped_qdc_is_generated_from_the_yaml() -> None:
    shipped = study_codebook_file("qdc").read_bytes()
    assert codebook_xml(yaml_codes()) == shipped, "regenerate with: python -m districtlab.evidence.codebook"


def test_qdc_reads_back_with_our_reader_as_the_yaml_says() -> None:
    pdt.assert_frame_equal(read_codebook(study_codebook_file("qdc")), yaml_codes())
    pdt.assert_frame_equal(study_codebook(), yaml_codes())
    assert len(read_qda(study_codebook_file("qdc")).codes) == len(yaml_codes())


def test_codebook_covers_the_study_concepts() -> None:
    codes = study_codebook()
    for category, children in REQUIRED.items():
        parent = codes.loc[codes["name"] == category].iloc[0]
        assert not parent["is_codable"]
        assert set(codes.loc[codes["parent_guid"] == parent["guid"], "name"]) == children
    technologies = codes.loc[
        codes["parent_guid"] == codes.loc[codes["name"] == "Technologies", "guid"].iloc[0]
    ]
    assert len(technologies) == 8
    assert codes["description"].notna().all()
    assert codes["guid"].is_unique


def test_guids_are_stable_and_follow_the_path() -> None:
    codes = study_codebook().set_index("path")
    # Pinned: changing this GUID would break links to coded projects that use the codebook.
    assert codes.loc["RTI instruments / Diagnostics", "guid"] == str(
        __import__("districtlab.evidence.project", fromlist=["stable_guid"]).stable_guid(
            "codebook", "RTI instruments", "Diagnostics"
        )
    )
    renamed = codebook_frame({"codes": [{"name": "RTI instruments", "codes": [{"name": "Diagnosis"}]}]})
    assert renamed["guid"].iloc[1] != codes.loc["RTI instruments / Diagnostics", "guid"]
    pinned = codebook_frame({"codes": [{"name": "X", "guid": "01234567-89ab-4def-8123-456789abcdef"}]})
    assert pinned["guid"].iloc[0] == "01234567-89ab-4def-8123-456789abcdef"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"codes": [{"description": "no name"}]}, "every code needs a non-empty 'name'"),
        ({"codes": [{"name": "A"}, {"name": "A"}]}, "two sibling codes have this name"),
        ({"codes": [{"name": "A", "colour": "#FFFFFF"}]}, "unknown key"),
        ({"codes": [{"name": "A", "color": "red"}]}, "is not #RRGGBB"),
        ({"codes": [{"name": "A", "codable": "yes"}]}, "'codable' must be true or false"),
        ({"name": "no codes"}, "needs a 'codes' list"),
    ],
)
def test_bad_codebook_specs_are_one_line_errors(spec, message: str) -> None:
    with pytest.raises(InputError, match=message):
        codebook_frame(spec, source="codebook.yaml")
