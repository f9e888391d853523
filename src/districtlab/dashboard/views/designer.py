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
from districtlab.dashboard.widgets import field_bounds, int_slider, share_slider, typed_number_field
from districtlab.errors import InputError
from districtlab.experiments.analysis import (
    ExperimentData,
    cost_table,
    difference_table,
    format_cost,
    format_interval,
)
from districtlab.i18n.labels import design_label, label, technology_label
from districtlab.i18n.numbers import format_amount
from districtlab.i18n.translate import gettext_for

UPLOAD = "scenario_upload"
PREVIEW_REPLICATIONS = 5
language = state.language()
_ = gettext_for(language)


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


st.title(_("Programme designer"))
st.file_uploader(
    _("Start from a scenario file (TOML, e.g. from `districtlab presets --export` or the Export page)"),
    type=["toml"],
    key=UPLOAD,
    on_change=_on_upload,
)
if st.session_state.get(state.UPLOAD_ERROR):
    st.error(_("That file was not loaded: {reason}").format(reason=st.session_state[state.UPLOAD_ERROR]))

scenario = state.current_scenario()
starting_points = {
    name: design for name, design in state.documented_designs(scenario).items() if name != state.BASELINE
}
if not starting_points:
    st.error(
        _("{scenario} documents no programme to start from; upload a scenario that does.").format(
            scenario=scenario.name
        )
    )
    st.stop()
start = st.selectbox(
    _("Start from"),
    list(starting_points),
    format_func=lambda name: design_label(name, language),
    key="design_start",
    help=_(
        "The district's documented programmes (place-based: co-designed with the RTI and local firms; "
        "generic: the regional call)."
    ),
)
base: Programme = starting_points[start].programme
initial = edits_of(base)
prefix = f"{scenario.name}/{start}/"  # widgets start again from the documented values when the starting point changes
months = int(scenario.months)

st.subheader(f"{scenario.district}: {base.name}")
money, targets, codesign = st.columns(3)
with money:
    budget = typed_number_field(
        _("Budget (EUR a year)"),
        Programme,
        "budget_eur_per_year",
        initial.budget_eur_per_year,
        key=prefix + "budget",
        language=language,
        kind="money",
        unit="eur_per_year",
    )
    start_month = typed_number_field(
        _("Start (month)"),
        Programme,
        "start_month",
        initial.start_month,
        key=prefix + "start",
        language=language,
        kind="count",
        high=months - 1,
    )
    duration = typed_number_field(
        _("Duration (months, co-design included)"),
        Programme,
        "duration_months",
        initial.duration_months,
        key=prefix + "duration",
        language=language,
        kind="count",
        unit="months",
        high=months,
    )
with targets:
    rules = list(typing.get_args(TargetingRule))
    targeting = st.selectbox(
        _("Targeting"),
        rules,
        index=rules.index(initial.targeting),
        format_func=lambda rule: label(rule, language),
        key=prefix + "targeting",
        help=_(Programme.model_fields["targeting"].description or ""),
    )
    labels = {technology.name: technology_label(technology, language) for technology in scenario.technologies}
    documented_priorities = prioritised(base)
    chosen = st.multiselect(
        _("Technology priorities"),
        list(labels),
        default=list(documented_priorities),
        format_func=labels.__getitem__,
        key=prefix + "priorities",
        help=_("Leave empty to let the co-design set the priorities from the district's needs."),
    )
    focus = int_slider(
        _("Technologies the instruments address"),
        Programme,
        "focus_technologies",
        initial.focus_technologies,
        key=prefix + "focus",
        high=len(labels),
    )
with codesign:
    with_codesign = st.toggle(
        _("Co-design phase"),
        value=initial.codesign,
        key=prefix + "codesign",
        help=_(
            "Policymakers, the RTI and local firms set the priorities together (makes the programme place-based)."
        ),
    )
    codesign_months = (
        int_slider(
            _("Co-design months"), CoDesign, "months", initial.codesign_months, key=prefix + "codesign_months"
        )
        if with_codesign
        else initial.codesign_months
    )
    breadth = (
        share_slider(
            _("Participation breadth (share of local actors)"),
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
            _("Share of the budget for co-design"),
            CoDesign,
            "budget_share",
            initial.codesign_budget_share,
            key=prefix + "codesign_share",
            step=0.01,
        )
        if with_codesign
        else initial.codesign_budget_share
    )

st.markdown(_("**Instrument mix** (percent of the delivery budget; the shares must add up to 100%)"))
allocation = {}
for column, instrument in zip(st.columns(len(INSTRUMENTS)), INSTRUMENTS, strict=True):
    share = field_bounds(InstrumentShares, instrument, step=0.01)  # shares in [0, 1], shown in percent
    with column:
        allocation[instrument] = float(
            st.slider(
                _(INSTRUMENT_LABELS[instrument]),
                round(100 * share.low),
                round(100 * share.high),
                round(initial.allocation_percent[instrument]),
                step=1,
                key=prefix + instrument,
                help=_("percent of the delivery budget spent on {instrument}").format(
                    instrument=_(INSTRUMENT_LABELS[instrument])
                ),
            )
        )
st.caption(_("Total: {percent}%").format(percent=f"{sum(allocation.values()):g}"))
if budget is None or start_month is None or duration is None:
    st.error(
        _("Correct the budget and period above: the design uses the values once they are read without doubt.")
    )
    st.stop()

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
    st.error(_("This design cannot run: {reason}").format(reason=error))
    st.stop()

plan = budget_plan(design.programme)
total = float(plan.loc[plan["line"] == "total", "eur"].iloc[0])
columns = st.columns(3)
columns[0].metric(
    _("Total budget"), f"EUR {format_amount(total, language)}", help=_("budget a year × duration / 12")
)
columns[1].metric(
    _("Delivery budget"),
    f"EUR {format_amount(total * (1 - (design.programme.codesign.budget_share if design.programme.codesign else 0)), language)}",
)
columns[2].metric(
    _("Programme period"),
    _("months {start}–{end} of {months}").format(
        start=design.programme.start_month,
        end=design.programme.start_month + design.programme.duration_months,
        months=months,
    ),
)
with st.expander(_("Where the money goes (EUR over the whole programme)")):
    shown_plan = plan.assign(line=[_(line) for line in plan["line"]]).set_index("line")
    shown_plan.index.name = _("Budget line")
    shown_plan.columns = [_("EUR")]
    st.dataframe(shown_plan.style.format(lambda value: format_amount(value, language)), width="stretch")

st.subheader(_("Quick preview against no programme"))
preview = st.toggle(
    _("Run a preview ({n} paired replications)").format(n=PREVIEW_REPLICATIONS),
    value=True,
    key="design_preview",
)
if preview:
    bar = st.progress(0.0, text=_("Preview"))

    def show(done: int, total: int, label: str) -> None:
        bar.progress(done / total, text=_("Preview: {run}").format(run=label))

    result = run_designs(
        {"this design": design, state.BASELINE: state.documented_designs(scenario)[state.BASELINE]},
        replications=PREVIEW_REPLICATIONS,
        seed=state.seed(),
        cache=cache.run_cache(),
        progress=show,
    )
    bar.empty()
    data = ExperimentData.of(result)
    gain = difference_table(data, baseline=state.BASELINE, outcomes=("new_adopters",)).iloc[0]
    cost = cost_table(data, baseline=state.BASELINE).iloc[0]
    spend = data.values("this design", "programme_spend_eur").mean()
    columns = st.columns(3)
    columns[0].metric(
        _("Additional adoptions [95% CI]"),
        format_interval(gain["difference"], gain["ci_low"], gain["ci_high"], language=language),
    )
    columns[1].metric(_("Programme spend (EUR)"), format_amount(spend, language))
    columns[2].metric(
        _("EUR per additional adoption [95% CI]"),
        format_cost(cost["eur_per_additional_adopter"], cost["ci_low"], cost["ci_high"], language=language),
    )
    st.caption(
        _("A preview with {n} replications: wide intervals. Use the Compare page for the answer.").format(
            n=PREVIEW_REPLICATIONS
        )
    )

st.subheader(_("Add this design to the comparison"))
name = st.text_input(_("Name"), value=_("workshop design"), key="design_name")
if st.button(_("Add to the comparison"), key="add_design"):
    if not name.strip() or name.strip() == state.BASELINE:
        st.error(_("Choose a name other than '{baseline}'.").format(baseline=state.BASELINE))
    else:
        state.add_design(
            scenario,
            name.strip(),
            design.replace(programme={**design.programme.model_dump(), "name": name.strip()}),
        )
        st.success(_("'{name}' is on the Compare page.").format(name=name.strip()))

with st.expander(_("Design library of this workshop")):
    try:
        saved = [row for row in state.session_store().library() if row[0] == scenario.district]
    except InputError as error:
        st.error(str(error))
        saved = []
    if saved:
        st.dataframe(
            {_("Design"): [row[1] for row in saved], _("Saved (UTC)"): [row[2] for row in saved]},
            width="stretch",
            hide_index=True,
        )
    else:
        st.caption(
            _("No design of this district saved yet: 'Save session' in the sidebar keeps the designs added.")
        )
