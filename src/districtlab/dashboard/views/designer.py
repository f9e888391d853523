"""Programme designer: budget, instrument mix, technology priorities, targeting and co-design."""

from __future__ import annotations

import typing

import streamlit as st

from districtlab.config import INSTRUMENTS, CoDesign, InstrumentShares, Programme
from districtlab.config.programme import TargetingRule
from districtlab.dashboard import cache, state
from districtlab.dashboard.design import (
    INSTRUMENT_LABELS,
    DesignEdits,
    apply_design,
    budget_plan,
    edits_of,
    prioritised,
)
from districtlab.dashboard.runs import run_designs
from districtlab.dashboard.widgets import field_bounds, int_slider, number_field, share_slider
from districtlab.errors import InputError
from districtlab.experiments.analysis import (
    ExperimentData,
    cost_table,
    difference_table,
    format_cost,
    format_interval,
)

UPLOAD = "scenario_upload"
PREVIEW_REPLICATIONS = 5


def _on_upload() -> None:
    """Read an uploaded scenario before the page runs, so that the sidebar can switch to it."""
    uploaded = st.session_state.get(UPLOAD)
    if uploaded is None:
        return
    try:
        scenario = cache.uploaded_scenario(uploaded.getvalue(), uploaded.name)
    except InputError as error:
        st.session_state[state.UPLOAD_ERROR] = str(error)
        return
    st.session_state[state.UPLOAD_ERROR] = None
    st.session_state[state.UPLOADED] = scenario
    st.session_state[state.DISTRICT] = state.uploaded_label(scenario)


st.title("Programme designer")
st.file_uploader(
    "Start from a scenario file (TOML, e.g. from `districtlab presets --export` or the Export page)",
    type=["toml"],
    key=UPLOAD,
    on_change=_on_upload,
)
if st.session_state.get(state.UPLOAD_ERROR):
    st.error(f"That file was not loaded: {st.session_state[state.UPLOAD_ERROR]}")

scenario = state.current_scenario()
starting_points = {
    name: design for name, design in state.documented_designs(scenario).items() if name != state.BASELINE
}
if not starting_points:
    st.error(f"{scenario.name} documents no programme to start from; upload a scenario that does.")
    st.stop()
start = st.selectbox(
    "Start from",
    list(starting_points),
    key="design_start",
    help="The district's documented programmes (place-based: co-designed with the RTI and local firms; generic: the regional call).",
)
base: Programme = starting_points[start].programme
initial = edits_of(base)
prefix = f"{scenario.name}/{start}/"  # widgets start again from the documented values when the starting point changes
months = int(scenario.months)

st.subheader(f"{scenario.district}: {base.name}")
money, targets, codesign = st.columns(3)
with money:
    budget = number_field(
        "Budget (EUR a year)",
        Programme,
        "budget_eur_per_year",
        initial.budget_eur_per_year,
        key=prefix + "budget",
        step=50_000.0,
        format="%.0f",
    )
    start_month = number_field(
        "Start (month)",
        Programme,
        "start_month",
        initial.start_month,
        key=prefix + "start",
        integer=True,
        high=months - 1,
    )
    duration = number_field(
        "Duration (months, co-design included)",
        Programme,
        "duration_months",
        initial.duration_months,
        key=prefix + "duration",
        integer=True,
        high=months,
    )
with targets:
    rules = list(typing.get_args(TargetingRule))
    targeting = st.selectbox(
        "Targeting",
        rules,
        index=rules.index(initial.targeting),
        format_func=lambda rule: rule.replace("_", " "),
        key=prefix + "targeting",
        help=Programme.model_fields["targeting"].description,
    )
    labels = {technology.name: technology.label for technology in scenario.technologies}
    documented_priorities = prioritised(base)
    chosen = st.multiselect(
        "Technology priorities",
        list(labels),
        default=list(documented_priorities),
        format_func=labels.__getitem__,
        key=prefix + "priorities",
        help="Leave empty to let the co-design set the priorities from the district's needs.",
    )
    focus = int_slider(
        "Technologies the instruments address",
        Programme,
        "focus_technologies",
        initial.focus_technologies,
        key=prefix + "focus",
        high=len(labels),
    )
with codesign:
    with_codesign = st.toggle(
        "Co-design phase",
        value=initial.codesign,
        key=prefix + "codesign",
        help="Policymakers, the RTI and local firms set the priorities together (makes the programme place-based).",
    )
    codesign_months = (
        int_slider(
            "Co-design months", CoDesign, "months", initial.codesign_months, key=prefix + "codesign_months"
        )
        if with_codesign
        else initial.codesign_months
    )
    breadth = (
        share_slider(
            "Participation breadth (share of local actors)",
            CoDesign,
            "participation_breadth",
            initial.participation_breadth,
            key=prefix + "breadth",
        )
        if with_codesign
        else initial.participation_breadth
    )
    codesign_share = (
        share_slider(
            "Share of the budget for co-design",
            CoDesign,
            "budget_share",
            initial.codesign_budget_share,
            key=prefix + "codesign_share",
            step=0.01,
        )
        if with_codesign
        else initial.codesign_budget_share
    )

st.markdown("**Instrument mix** (percent of the delivery budget; the shares must add up to 100%)")
allocation = {}
for column, instrument in zip(st.columns(len(INSTRUMENTS)), INSTRUMENTS, strict=True):
    share = field_bounds(InstrumentShares, instrument, step=0.01)  # shares in [0, 1], shown in percent
    with column:
        allocation[instrument] = float(
            st.slider(
                INSTRUMENT_LABELS[instrument],
                round(100 * share.low),
                round(100 * share.high),
                round(initial.allocation_percent[instrument]),
                step=1,
                key=prefix + instrument,
                help=f"percent of the delivery budget spent on {INSTRUMENT_LABELS[instrument]}",
            )
        )
st.caption(f"Total: {sum(allocation.values()):g}%")

edits = DesignEdits(
    budget_eur_per_year=float(budget),
    start_month=int(start_month),
    duration_months=int(duration),
    allocation_percent=allocation,
    priorities=None if set(chosen) == set(documented_priorities) else tuple(chosen),
    focus_technologies=int(focus),
    targeting=targeting,
    codesign=with_codesign,
    codesign_months=int(codesign_months),
    codesign_budget_share=float(codesign_share),
    participation_breadth=float(breadth),
)
try:
    design = apply_design(scenario, base, edits, name=f"{base.name} (workshop)")
except InputError as error:
    st.error(f"This design cannot run: {error}")
    st.stop()

plan = budget_plan(design.programme)
total = float(plan.loc[plan["line"] == "total", "eur"].iloc[0])
columns = st.columns(3)
columns[0].metric("Total budget", f"EUR {total:,.0f}", help="budget a year × duration / 12")
columns[1].metric(
    "Delivery budget",
    f"EUR {total * (1 - (design.programme.codesign.budget_share if design.programme.codesign else 0)):,.0f}",
)
columns[2].metric(
    "Programme period",
    f"months {design.programme.start_month}–{design.programme.start_month + design.programme.duration_months} of {months}",
)
with st.expander("Where the money goes (EUR over the whole programme)"):
    st.dataframe(plan.set_index("line").style.format("{:,.0f}"), width="stretch")

st.subheader("Quick preview against no programme")
preview = st.toggle(
    f"Run a preview ({PREVIEW_REPLICATIONS} paired replications)", value=True, key="design_preview"
)
if preview:
    bar = st.progress(0.0, text="Preview")

    def show(done: int, total: int, label: str) -> None:
        bar.progress(done / total, text=f"Preview: {label}")

    result = run_designs(
        {"this design": design, state.BASELINE: state.documented_designs(scenario)[state.BASELINE]},
        replications=PREVIEW_REPLICATIONS,
        seed=state.seed(),
        run_one=cache.replication,
        progress=show,
    )
    bar.empty()
    data = ExperimentData.of(result)
    gain = difference_table(data, baseline=state.BASELINE, outcomes=("new_adopters",)).iloc[0]
    cost = cost_table(data, baseline=state.BASELINE).iloc[0]
    spend = data.values("this design", "programme_spend_eur").mean()
    columns = st.columns(3)
    columns[0].metric(
        "Additional adopters [95% CI]", format_interval(gain["difference"], gain["ci_low"], gain["ci_high"])
    )
    columns[1].metric("Programme spend (EUR)", f"{spend:,.0f}")
    columns[2].metric(
        "EUR per additional adopter [95% CI]",
        format_cost(cost["eur_per_additional_adopter"], cost["ci_low"], cost["ci_high"]),
    )
    st.caption(
        f"A preview with {PREVIEW_REPLICATIONS} replications: wide intervals. Use the Compare page for the answer."
    )

st.subheader("Add this design to the comparison")
name = st.text_input("Name", value="workshop design", key="design_name")
if st.button("Add to the comparison", key="add_design"):
    if not name.strip() or name.strip() == state.BASELINE:
        st.error(f"Choose a name other than '{state.BASELINE}'.")
    else:
        state.add_design(
            scenario,
            name.strip(),
            design.replace(programme={**design.programme.model_dump(), "name": name.strip()}),
        )
        st.success(f"'{name.strip()}' is on the Compare page.")
