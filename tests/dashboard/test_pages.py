"""Every page of the policy lab renders, and changing a control changes what it shows (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from districtlab.dashboard import APP
from districtlab.io.toml import dump_scenario, parse_scenario
from districtlab.presets import load_preset
from tests.dashboard.conftest import DISTRICT, errors, open_page

PAGES = ("district", "designer", "compare", "sensitivity", "evidence", "export")


def metric(app: AppTest, label: str) -> str:
    return next(element.value for element in app.metric if element.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(page: str) -> None:
    app = open_page(page)
    assert not app.exception
    assert not errors(app)
    assert app.title, "every page has a title"


def test_district_page_follows_the_district_and_the_picture_slider(lab: AppTest) -> None:
    assert metric(lab, "Firms") == f"{load_preset(DISTRICT).n_firms:,}"
    brokers = next(frame.value for frame in lab.dataframe if "gatekeeper" in frame.value.columns)
    assert {"AIJU", "Leading firms", "Producers", "Suppliers"} <= set(brokers.index)
    before = lab.title[0].value
    lab.sidebar.selectbox(key="district").set_value(load_preset("castellon-ceramics").district).run()
    assert metric(lab, "Firms") == f"{load_preset('castellon-ceramics').n_firms:,}"
    assert lab.title[0].value != before
    captions = [c.value for c in lab.caption]
    lab.slider(key="network_firms").set_value(40).run()
    assert not lab.exception
    assert [c.value for c in lab.caption] != captions


def test_designer_budget_changes_the_plan_and_the_preview() -> None:
    app = open_page("designer")
    key = next(w.key for w in app.text_input if w.key.endswith("/budget"))
    total = metric(app, "Total budget")
    spend = metric(app, "Programme spend (EUR)")
    app.text_input(key=key).set_value("100,000").run()
    assert not app.exception
    assert not errors(app)
    assert metric(app, "Total budget") != total
    assert metric(app, "Total budget") == f"EUR {100_000 * 36 / 12:,.0f}"
    assert metric(app, "Programme spend (EUR)") != spend


def test_a_spanish_budget_is_read_as_typed_and_read_back_in_words() -> None:
    app = AppTest.from_file(str(APP), default_timeout=240)
    app.session_state["district"] = load_preset(DISTRICT).district
    app.session_state["language"] = "es"
    app.session_state["design_preview"] = False
    app.switch_page("views/designer.py")
    app.run()
    key = next(w.key for w in app.text_input if w.key.endswith("/budget"))
    app.text_input(key=key).set_value("2.000.000").run()
    assert not app.exception
    assert not errors(app)
    assert "dos millones de euros al año" in [c.value for c in app.caption]
    assert metric(app, "Presupuesto total") == "EUR 6.000.000"  # 36 months: three years of two million


def test_an_unreadable_budget_is_refused_visibly_and_stops_the_design() -> None:
    app = open_page("designer")
    key = next(w.key for w in app.text_input if w.key.endswith("/budget"))
    app.text_input(key=key).set_value("2 millones").run()
    assert not app.exception
    assert any("is not a number" in message for message in errors(app))
    assert not [m for m in app.metric if m.label == "Total budget"]


def test_instrument_shares_that_do_not_add_up_are_refused_on_the_page() -> None:
    app = open_page("designer")
    key = next(w.key for w in app.slider if w.key.endswith("/events"))
    app.slider(key=key).set_value(app.slider(key=key).value + 10).run()
    assert not app.exception
    assert any("must add up to 100%" in message for message in errors(app))


def test_an_impossible_programme_is_refused_with_one_line() -> None:
    app = open_page("designer")
    key = next(w.key for w in app.text_input if w.key.endswith("/duration"))
    app.text_input(key=key).set_value("3").run()  # shorter than the six months of co-design
    assert not app.exception
    [message] = errors(app)
    assert "codesign.months (6) exceeds duration_months (3)" in message
    assert "\n" not in message


def test_a_broken_scenario_upload_shows_an_error_and_the_app_keeps_running() -> None:
    app = open_page("designer")
    app.file_uploader(key="scenario_upload").set_value(
        ("broken.toml", b"name = [unclosed", "application/toml")
    ).run()
    assert not app.exception
    assert any("broken.toml" in message and "malformed TOML" in message for message in errors(app))
    assert app.metric, "the designer still shows the documented programme"


def test_an_uploaded_scenario_becomes_the_district() -> None:
    app = open_page("designer")
    scenario = load_preset(DISTRICT).with_firms(150).replace(name="workshop-district")
    app.file_uploader(key="scenario_upload").set_value(
        ("mine.toml", dump_scenario(scenario).encode(), "application/toml")
    ).run()
    assert not app.exception
    assert not errors(app)
    assert app.sidebar.selectbox(key="district").value == f"{scenario.district} (uploaded: workshop-district)"
    app.switch_page("views/district.py").run()
    assert metric(app, "Firms") == "150"


def test_a_workshop_design_changes_the_comparison() -> None:
    app = open_page("designer")
    app.toggle(key="design_preview").set_value(False).run()
    key = next(w.key for w in app.text_input if w.key.endswith("/budget"))
    app.text_input(key=key).set_value("2000000").run()
    app.text_input(key="design_name").set_value("big budget").run()
    app.button(key="add_design").click().run()
    assert not app.exception
    assert app.success

    app.switch_page("views/compare.py").run()
    app.slider(key="compare_replications").set_value(3).run()
    app.button(key="run_comparison").click().run()
    assert not app.exception
    verdict = app.info[0].value
    assert "3 paired replications" in verdict
    assert "95% CI" in verdict
    ranked = app.table[0].value  # the verdict ranks every design, the workshop's own included
    assert sorted(ranked["Design"]) == ["big budget", "generic", "place-based"]
    assert list(ranked.index) == ["1", "2", "3"] or list(ranked.index) == [1, 2, 3]
    assert all(design in verdict for design in ranked["Design"])
    channels = app.dataframe[0].value
    assert channels["Total"].to_numpy() == pytest.approx([100.0, 100.0, 100.0])
    documented = app.table[3].value  # after the ranking, the table of pairs and the outcomes

    app.multiselect(key=f"compare_designs/{DISTRICT}").set_value(["place-based", "big budget"]).run()
    app.button(key="run_comparison").click().run()
    assert not app.exception
    assert list(app.table[3].value["Design"]) == ["place-based", "big budget"]
    assert app.table[3].value.iloc[1].tolist() != documented.iloc[1].tolist()


def test_moving_the_replications_slider_back_shows_the_result_again_without_running() -> None:
    app = open_page("compare")
    app.slider(key="compare_replications").set_value(2).run()
    app.button(key="run_comparison").click().run()
    assert app.info, "the verdict is shown"
    app.slider(key="compare_replications").set_value(3).run()
    assert not app.info
    assert app.button(key="run_comparison")
    app.slider(key="compare_replications").set_value(2).run()
    assert app.info, "back to a comparison already made: shown at once, no Run needed"
    assert "2 paired replications" in app.info[0].value


def test_sensitivity_ranks_parameters_and_follows_the_outcome() -> None:
    app = open_page("sensitivity")
    app.slider(key="sensitivity_trajectories").set_value(2).run()
    app.slider(key="sensitivity_replications").set_value(1).run()
    app.button(key="run_sensitivity").click().run()
    assert not app.exception
    assert not errors(app)
    levers, uncertainties = app.dataframe[0].value, app.dataframe[1].value
    effect = "Mean absolute effect (μ*)"
    assert "programme budget" in levers.index
    assert "weight of peer ties" in uncertainties.index
    assert not set(levers.index) & set(uncertainties.index)
    assert levers[effect].is_monotonic_decreasing
    app.selectbox(key="sensitivity_outcome").set_value("laggard_share").run()
    assert not app.exception
    assert not app.dataframe[0].value[effect].equals(levers[effect])


def test_export_offers_the_scenario_and_after_a_comparison_the_results() -> None:
    app = open_page("export")
    assert app.info, "no comparison yet"
    app.switch_page("views/compare.py").run()
    app.slider(key="compare_replications").set_value(2).run()
    app.button(key="run_comparison").click().run()
    app.switch_page("views/export.py").run()
    assert not app.exception
    labels = [button.label for button in app.get("download_button")]
    assert labels == [
        "Download scenario TOML",
        "Download the session file",
        "Outcomes (CSV)",
        "Outcomes, tidy (Parquet)",
        "Report (HTML, opens offline)",
        "Experiment directory (zip)",
    ]
    toml = app.code[0].value.rstrip("…\n")
    assert parse_scenario(dump_scenario(load_preset(DISTRICT).with_programme("place-based"))).name in toml


def test_the_network_legend_counts_firms_as_the_table_does() -> None:
    """Issue 12: the District page counted 14 leading firms, the network legend 25 (two definitions)."""
    import json
    import re

    app = open_page("district", district="castellon-ceramics")
    table = next(frame.value for frame in app.dataframe if "total" in frame.value.columns)
    network, _map = (json.loads(chart.proto.spec) for chart in app.get("plotly_chart"))
    legend = {
        match.group(1): (int(match.group(2)), int(match.group(3)))
        for trace in network["data"]
        if (match := re.fullmatch(r"(.+) \((\d+) of (\d+)\)", trace.get("name", "")))
    }
    assert legend["Leading firms"][1] == table.loc["Leading firms", "total"] == 14
    assert legend["Leading firms"][0] == 14  # the picture keeps every leading firm
    for role, (in_picture, in_district) in legend.items():
        assert in_district == table.loc[role, "total"]
        assert 0 <= in_picture <= in_district
    assert len(network["frames"]) == 121  # a frame a month, January 2016 to January 2026
    assert network["layout"]["sliders"][0]["currentvalue"]["prefix"] == "Month "
    places = next(frame.value for frame in app.dataframe if "municipality" in frame.value.columns)
    assert places["firms"].sum() == load_preset("castellon-ceramics").n_firms
