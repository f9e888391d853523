"""Evidence into the model: instrument-mix priors and channel targets from coded interviews."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import districtlab
from districtlab.errors import InputError
from districtlab.evidence import (
    channel_targets,
    check_channel_targets,
    instrument_mix,
    with_evidence_allocation,
)
from districtlab.evidence.calibration import INSTRUMENT_CODES, MECHANISM_CHANNELS
from districtlab.evidence.project import QdaProject, build_project
from districtlab.experiments import run_scenarios

# What each district's (made-up) interviews say: code name -> passages.
CODED = {
    "Castellón": {
        "Demonstrators": 3,
        "Collaborative projects": 4,
        "Events": 2,
        "Legitimacy and isomorphism": 5,
        "Two-step flow through leading firms": 1,
    },
    "Vinalopó": {
        "Events": 3,
        "Demonstrators": 1,
        "Collaborative projects": 2,
        "Two-step flow through leading firms": 6,
        "Supplier transceivers": 2,
    },
    "Toy Valley": {
        "Demonstrators": 4,
        "Collaborative projects": 5,
        "Training": 1,
        "Living lab": 4,
        "Legitimacy and isomorphism": 1,
    },
}
PRESETS = {"Castellón": "castellon-ceramics", "Vinalopó": "vinalopo-footwear", "Toy Valley": "toy-valley"}


def coded_project() -> QdaProject:
    names = [*INSTRUMENT_CODES, *MECHANISM_CHANNELS]
    codes = [
        {"guid": f"c0000000-0000-4000-8000-{i:012d}", "name": name, "is_codable": True}
        for i, name in enumerate(names)
    ]
    guid = {code["name"]: code["guid"] for code in codes}
    sources, segments, texts, cases, case_sources, values = [], [], {}, [], [], []
    for d, (district, coded) in enumerate(CODED.items()):
        source = f"50000000-0000-4000-8000-{d:012d}"
        case = f"ca000000-0000-4000-8000-{d:012d}"
        text = "".join(f"{name} passage {k}.\n" for name, n in coded.items() for k in range(n))
        texts[source] = text
        sources.append(
            {
                "guid": source,
                "name": f"interview {district}",
                "kind": "text",
                "has_text": True,
                "text_missing": False,
            }
        )
        cases.append({"guid": case, "name": f"case {district}"})
        case_sources.append({"case_guid": case, "source_guid": source})
        values.append(
            {
                "owner_guid": case,
                "owner_kind": "case",
                "variable_guid": "da000000-0000-4000-8000-000000000001",
                "value": district,
            }
        )
        for name, n in coded.items():
            for k in range(n):
                passage = f"{name} passage {k}."
                start = text.index(passage)
                segments.append(
                    {
                        "selection_guid": f"a{d}{len(segments):07d}-0000-4000-8000-000000000000",
                        "source_guid": source,
                        "start": start,
                        "end": start + len(passage),
                        "code_guid": guid[name],
                        "coding_guid": f"b{d}{len(segments):07d}-0000-4000-8000-000000000000",
                        "coder_guid": "11111111-1111-4111-8111-111111111111",
                    }
                )
    return build_project(
        name="study",
        users=[{"guid": "11111111-1111-4111-8111-111111111111", "name": "Coder"}],
        codes=codes,
        sources=sources,
        segments=segments,
        cases=cases,
        case_sources=case_sources,
        variables=[{"guid": "da000000-0000-4000-8000-000000000001", "name": "district", "type": "Text"}],
        variable_values=values,
        texts=texts,
    )


def test_instrument_mix_is_the_dirichlet_posterior_of_coded_passages() -> None:
    mix = instrument_mix(coded_project(), by="district", prior=1.0)
    toys = mix[mix["district"] == "Toy Valley"].set_index("instrument")
    # passages 0 events, 0 diagnostics, 4 demonstrators, 5 projects, 1 training, 0 grants; +1 each; total 16
    assert toys.loc["projects", "passages"] == 5
    assert toys.loc["projects", "posterior_mean"] == pytest.approx(6 / 16)
    assert toys.loc["grants", "posterior_mean"] == pytest.approx(1 / 16)
    assert toys["posterior_mean"].sum() == pytest.approx(1.0)
    assert (toys["low"] < toys["posterior_mean"]).all()
    assert (toys["posterior_mean"] < toys["high"]).all()


def test_a_scenario_takes_its_programme_mix_from_the_interviews() -> None:
    mix = instrument_mix(coded_project())
    scenario = with_evidence_allocation(districtlab.load_scenario("toy-valley"), mix, "Toy Valley")
    allocation = scenario.programme.allocation
    assert allocation is not None
    assert allocation.projects == pytest.approx(6 / 16)
    assert "from interviews" in scenario.programme.name
    assert scenario.programmes["place-based"] == scenario.programme
    result = districtlab.simulate(scenario.with_firms(150).with_months(48), rng=3)
    assert result.outcomes()["programme_spend_eur"] > 0


def test_unknown_group_is_one_line() -> None:
    mix = instrument_mix(coded_project())
    with pytest.raises(InputError, match="no evidence for 'Atlantis'"):
        with_evidence_allocation(districtlab.load_scenario("toy-valley"), mix, "Atlantis")


def test_channel_targets_mark_each_districts_dominant_mechanism() -> None:
    targets = channel_targets(coded_project())
    dominant = targets[targets["dominant"]].set_index("district")["channel"].to_dict()
    assert dominant == {"Castellón": "legitimacy", "Vinalopó": "supply_chain", "Toy Valley": "rti_direct"}


def test_the_models_channels_reproduce_the_studys_district_patterns() -> None:
    """ODD.md §I.i's channel patterns: supply chain in footwear, legitimacy in ceramics, RTI in Toy Valley."""
    shares = {}
    for preset in PRESETS.values():
        scenario = districtlab.load_scenario(preset).with_programme("place-based")
        outcomes = run_scenarios([scenario], replications=8, rng=11).outcomes()
        columns = [c for c in outcomes.columns if c.startswith("sme_adoption_channel_share.")]
        shares[preset] = outcomes[columns].mean().rename(lambda c: c.split(".", 1)[1])
    check = check_channel_targets(channel_targets(coded_project()), pd.DataFrame(shares).T, groups=PRESETS)
    assert check["holds"].all(), check.to_string()
    assert np.isfinite(check["simulated_share"]).all()
