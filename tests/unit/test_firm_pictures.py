"""Firm-level adoption records, municipalities and the animated pictures built on them."""

from __future__ import annotations

import re

import numpy as np
import pytest

import districtlab
from districtlab.config import ROLES, SIZE_CLASSES
from districtlab.errors import InputError
from districtlab.geography import (
    adoption_by_place,
    assign_municipalities,
    parse_places,
    places_for,
    proportional_counts,
)
from districtlab.networks import network_sample
from districtlab.presets import STUDY_ORDER, load_preset

SEED = 7


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_preset("toy-valley").model_copy(update={"months": 36.0})


@pytest.fixture(scope="module")
def run(scenario):  # type: ignore[no-untyped-def]
    return districtlab.simulate(scenario, rng=SEED, record_firms=True)


def test_recording_firms_leaves_the_run_unchanged(scenario, run) -> None:  # type: ignore[no-untyped-def]
    plain = districtlab.simulate(scenario, rng=SEED)
    assert plain.firms is None
    for name in ("adopted", "spend", "maturity_histogram", "adoptions_by_channel", "firms_adopting"):
        np.testing.assert_array_equal(getattr(plain.observations, name), getattr(run.observations, name))


def test_firm_records_reproduce_the_recorded_counts_at_every_month(scenario, run) -> None:  # type: ignore[no-untyped-def]
    """The picture at month m is exact: per technology, role and size class, at every step."""
    firms = run.firms
    assert firms is not None
    graph = districtlab.network_of(scenario, rng=SEED)
    role = np.empty(run.n_firms, dtype=np.intp)
    size = np.empty(run.n_firms, dtype=np.intp)
    for _, data in graph.nodes(data=True):
        if "row" in data:
            role[data["row"]] = ROLES.index(data["role"])
            size[data["row"]] = SIZE_CLASSES.index(data["size_class"])
    for step in range(run.observations.n_steps + 1):
        adopted = firms.adopted_at(step)
        by_group = np.zeros_like(run.observations.adopted[step])
        for technology in range(adopted.shape[1]):
            np.add.at(by_group[technology], (size[adopted[:, technology]], role[adopted[:, technology]]), 1)
        np.testing.assert_array_equal(by_group, run.observations.adopted[step])
        assert (firms.technologies_adopted(step) > 0).sum() == run.observations.firms_adopting[step].sum()
    table = firms.to_frame()
    assert len(table) == int((firms.step >= 0).sum())
    assert set(table["technology"]) <= set(run.observations.technology_names)


def test_proportional_counts_add_up_and_follow_the_weights() -> None:
    counts = proportional_counts(401, np.array([1463.0, 2688.0]))
    assert counts.sum() == 401
    assert counts.tolist() == [141, 260]
    assert proportional_counts(0, np.array([1.0, 2.0])).tolist() == [0, 0]


@pytest.mark.parametrize("preset", STUDY_ORDER)
def test_every_shipped_district_has_sourced_places(preset: str) -> None:
    places = places_for(preset)
    assert places is not None
    assert places.district == preset
    assert "approximate" in places.coordinates_source
    assert places.weights_source
    for municipality in places.municipalities:  # the Valencian Community, roughly
        assert 37.8 < municipality.latitude < 40.8
        assert -1.6 < municipality.longitude < 0.7
    assert places.rti_municipality in places.names()
    assert places_for("no-such-district") is None


def test_firms_are_assigned_in_proportion_and_by_seed(run) -> None:  # type: ignore[no-untyped-def]
    places = places_for("toy-valley")
    assert places is not None
    where = assign_municipalities(places, run.n_firms, run.seed)
    np.testing.assert_array_equal(where, assign_municipalities(places, run.n_firms, run.seed))
    counts = np.bincount(where, minlength=len(places.municipalities))
    np.testing.assert_array_equal(counts, proportional_counts(run.n_firms, places.weights()))
    other = districtlab.simulate(run.scenario, rng=SEED + 1).seed
    assert not np.array_equal(where, assign_municipalities(places, run.n_firms, other))


def test_adoption_by_place_adds_up_to_the_district(run) -> None:  # type: ignore[no-untyped-def]
    places = places_for("toy-valley")
    assert places is not None
    table = adoption_by_place(run, places)
    totals = table.groupby("step")[["firms", "adopting"]].sum()
    assert (totals["firms"] == run.n_firms).all()
    np.testing.assert_array_equal(totals["adopting"].to_numpy(), run.observations.firms_adopting.sum(axis=1))
    assert table["share"].between(0.0, 1.0).all()
    robots = adoption_by_place(run, places, technology="robotics").groupby("step")["adopting"].sum()
    k = run.observations.technology_names.index("robotics")
    np.testing.assert_array_equal(robots.to_numpy(), run.observations.adopted[:, k].sum(axis=(1, 2)))
    with pytest.raises(ValueError, match="record_firms"):
        adoption_by_place(districtlab.simulate(run.scenario, rng=SEED), places)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("district = 'x'", "required key is missing"),
        ("district = [", "not valid TOML"),
        (
            "district='x'\ncoordinates_source='s'\nweights_source='w'\n"
            "[[municipalities]]\nname='A'\nlatitude=95.0\nlongitude=0.0\nfirm_weight=1.0",
            "latitude",
        ),
        (
            "district='x'\ncoordinates_source='s'\nweights_source='w'\nrti_municipality='B'\n"
            "[[municipalities]]\nname='A'\nlatitude=39.0\nlongitude=0.0\nfirm_weight=1.0",
            "rti_municipality",
        ),
        (
            "district='x'\ncoordinates_source='s'\nweights_source='w'\n"
            "[[municipalities]]\nname='A'\nlatitude=39.0\nlongitude=0.0\nfirm_weight=nan",
            "firm_weight",
        ),
    ],
)
def test_a_bad_places_file_is_refused_in_one_line(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as caught:
        parse_places(text, source="places.toml")
    assert "\n" not in str(caught.value)


def test_the_network_picture_has_a_frame_a_month_and_exact_colours(scenario, run) -> None:  # type: ignore[no-untyped-def]
    from districtlab.viz.interactive import Words, adoption_network

    graph = network_sample(districtlab.network_of(scenario, rng=SEED), firms=60, rng=SEED)
    k = run.observations.technology_names.index("robotics")
    figure = adoption_network(
        graph, run.firms.step[:, k], run.months, words=Words(play="Reproducir", month="Mes"), seed=SEED
    )
    assert len(figure.frames) == run.observations.n_steps + 1
    assert figure.layout.updatemenus[0].buttons[0].label.endswith("Reproducir")
    assert figure.layout.sliders[0].currentvalue.prefix == "Mes "
    assert figure.layout.sliders[0].active == len(figure.frames) - 1
    rows = {data["row"] for _, data in graph.nodes(data=True) if "row" in data}
    for frame in (figure.frames[0], figure.frames[-1]):
        step = int(frame.name)
        coloured = sum(sum(trace.marker.color) for trace in frame.data)
        assert coloured == sum(1 for row in rows if 0 <= run.firms.step[row, k] <= step)
    for index in figure.frames[-1].traces:  # hovering a firm tells its level at the month shown
        assert figure.data[index].hovertemplate.endswith(": %{marker.color}<extra></extra>")
    assert len(figure.to_json()) < 400_000, "frames carry colours only"
    opening = sum(sum(figure.data[i].marker.color) for i in figure.frames[-1].traces)
    assert opening == sum(sum(trace.marker.color) for trace in figure.frames[-1].data)


def test_the_map_has_a_frame_a_month_and_the_shares_of_the_table(run) -> None:  # type: ignore[no-untyped-def]
    from districtlab.viz.interactive import adoption_map, to_offline_html

    places = places_for("toy-valley")
    assert places is not None
    table = adoption_by_place(run, places)
    figure = adoption_map(table, rti_municipality="Ibi", rti_name="AIJU")
    assert len(figure.frames) == run.observations.n_steps + 1
    last = table[table["step"] == table["step"].max()]
    np.testing.assert_allclose(figure.frames[-1].data[0].marker.color, (100 * last["share"]).round(1))
    firms = last["firms"].tolist()
    assert list(figure.data[0].text) == [
        f"{name} ({n:,})" for name, n in zip(places.names(), firms, strict=True)
    ]
    html = to_offline_html(figure)
    assert not re.search(r"<script[^>]*\bsrc=", html), "plotly.js is embedded, not fetched"
    assert "Plotly.newPlot" in html


def test_a_user_preset_folder_can_give_a_district_its_places(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "presets"
    (folder / "places").mkdir(parents=True)
    (folder / "places" / "my-district.toml").write_text(
        "district = 'my-district'\ncoordinates_source = 'my survey; approximate'\nweights_source = 'my count'\n"
        "[[municipalities]]\nname = 'Alcoi'\nlatitude = 38.70\nlongitude = -0.47\nfirm_weight = 3.0\n"
        "[[municipalities]]\nname = 'Cocentaina'\nlatitude = 38.75\nlongitude = -0.44\nfirm_weight = 1.0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DISTRICTLAB_PRESETS", str(folder))
    places = places_for("my-district")
    assert places is not None
    assert places.names() == ["Alcoi", "Cocentaina"]
    assert proportional_counts(100, places.weights()).tolist() == [75, 25]


def test_the_network_sample_and_its_layout_do_not_depend_on_string_hashing(scenario) -> None:  # type: ignore[no-untyped-def]
    """Two processes with different hash seeds draw the same picture (same nodes, same order, same places)."""
    import os
    import subprocess
    import sys

    code = (
        "import districtlab, json\n"
        "from districtlab.networks import network_sample\n"
        "from districtlab.viz.district import spring_positions\n"
        "s = districtlab.load_scenario('toy-valley')\n"
        "g = network_sample(districtlab.network_of(s, rng=3), firms=40, rng=3)\n"
        "p = spring_positions(g, seed=3)\n"
        "print(json.dumps([[str(n), round(float(p[n][0]), 6), round(float(p[n][1]), 6)] for n in g.nodes]))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
