"""Compare: every chosen design side by side over paired replications, ranked, with 95% intervals,
money, and the channels through which firms adopted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from districtlab.dashboard import state
from districtlab.dashboard.progress import finished_or_run
from districtlab.experiments.analysis import (
    KEY_OUTCOMES,
    ExperimentData,
    difference_table,
    format_interval,
    readable_summary,
    size_table,
)
from districtlab.experiments.verdict import ADOPTION_SOURCES, rank_designs
from districtlab.i18n.labels import design_label, label
from districtlab.i18n.numbers import format_amount
from districtlab.i18n.translate import gettext_for
from districtlab.viz import adoption_bands, size_class_adoption

language = state.language()
_ = gettext_for(language)
scenario = state.current_scenario()
available = state.designs(scenario)
options = [name for name in available if name != state.BASELINE]


def _amount(value: float, digits: int = 0) -> str:
    return "–" if not np.isfinite(value) else format_amount(value, language, decimals=digits)


def _interval(mean: float, low: float, high: float, digits: int = 1) -> str:
    return f"{_amount(mean, digits)} [{_amount(low, digits)}, {_amount(high, digits)}]"


st.title(_("Compare designs: {district}").format(district=scenario.district))
designs_key = f"compare_designs/{scenario.name}"
# Streamlit forgets a widget's value when another page is shown: the choices are kept under
# state.kept(...) (also what a saved session keeps) and given back to a widget only when Streamlit
# has forgotten it. Writing them back on every run would make each run push its value to the
# browser, overwriting a value the person set while that run was drawing (and, with the stale
# value also returned by the widget, a comparison would run with a number the slider no longer showed).
# Until a person changes the designs, every design is chosen, also one added or restored since.
if (
    state.kept(designs_key) not in st.session_state
    or designs_key not in st.session_state
    or any(name not in options for name in st.session_state[designs_key])
):
    st.session_state[designs_key] = [
        name for name in st.session_state.get(state.kept(designs_key), options) if name in options
    ]
if "compare_replications" not in st.session_state:
    st.session_state["compare_replications"] = st.session_state.get(state.kept("compare_replications"), 20)
chosen_names = st.multiselect(
    _("Designs"),
    options,
    format_func=lambda name: design_label(name, language),
    key=designs_key,
    on_change=state.keep,
    args=(designs_key,),
    help=_(
        "Each is run with the same firms and networks in every replication (common random numbers); "
        "'{baseline}' is always run as the counterfactual."
    ).format(baseline=design_label(state.BASELINE, language)),
)
replications = st.slider(
    _("Replications"),
    min_value=2,
    max_value=100,
    step=1,
    key="compare_replications",
    on_change=state.keep,
    args=("compare_replications",),
    help=_("More replications give narrower intervals; 20 is a fair start, 50 or more for a paper."),
)
if len(chosen_names) < 2:
    st.info(_("Choose at least two designs to compare."))
    st.stop()

chosen = {name: available[name] for name in [*chosen_names, state.BASELINE]}
result = finished_or_run(
    chosen, replications=replications, seed=state.seed(), button=_("Run comparison"), key="run_comparison"
)
if result is None:
    st.stop()

data = ExperimentData.of(result)
# From here on the designs are shown under their names in the workshop's language ("sin programa").
shown = {name: design_label(name, language) for name in data.names}
if len(set(shown.values())) != len(shown):  # a workshop design named like a translated one: keep names
    shown = {name: name for name in data.names}
data = data.renamed(shown)
chosen_names = [shown[name] for name in chosen_names]
baseline = shown[state.BASELINE]
verdict = rank_designs(data.runs, chosen_names, baseline=baseline, gettext=_, language=language)

st.subheader(_("Verdict over every design"))
st.info("\n\n".join(verdict.sentences))
ranking = pd.DataFrame(
    {
        _("Rank"): verdict.ranking["rank"],
        _("Design"): verdict.ranking["scenario"],
        _("Additional adopting firms [95% CI]"): [
            _interval(row.gain, row.gain_low, row.gain_high) for row in verdict.ranking.itertuples()
        ],
        _("Budget (EUR)"): [_amount(value) for value in verdict.ranking["budget_eur"]],
        _("Realised spend (EUR)"): [_amount(value) for value in verdict.ranking["spend_eur"]],
        _("Unspent budget (EUR)"): [_amount(value) for value in verdict.ranking["unspent_eur"]],
        _("EUR per additional adopting firm [95% CI]"): [
            _interval(row.eur_per_firm, row.eur_low, row.eur_high, 0)
            if np.isfinite(row.eur_per_firm)
            else _("no detectable effect")
            for row in verdict.ranking.itertuples()
        ],
    }
)
st.table(ranking.set_index(_("Rank")))
with st.expander(_("Every pair of designs (first minus second, paired 95% CI)")):
    st.table(
        {
            _("First"): list(verdict.pairs["first"]),
            _("Second"): list(verdict.pairs["second"]),
            _("Difference [95% CI]"): [
                _interval(row.difference, row.ci_low, row.ci_high) for row in verdict.pairs.itertuples()
            ],
            _("Told apart"): [_("yes") if apart else _("no") for apart in verdict.pairs["apart"]],
        }
    )
st.caption(
    _(
        "Paired differences over {baseline}; cost intervals are Fieller intervals of a ratio of means, "
        "shown only where the gain's interval lies above zero. Budget: what the design may spend by the horizon; "
        "realised spend: what firms' take-up made it spend."
    ).format(baseline=baseline)
)

st.subheader(_("Why: where adopting firms got their knowledge"))
channels = verdict.channels[list(ADOPTION_SOURCES)] * 100
channels.columns = [label(source, language) for source in ADOPTION_SOURCES]
channels[_("Total")] = channels.sum(axis=1)
channels[label("sme_two_step_share", language)] = verdict.channels["sme_two_step_share"] * 100
channels.index.name = _("Design")
st.dataframe(channels.style.format("{:.1f}%", na_rep="–"), width="stretch")
st.caption(
    _(
        "Share of the adoptions made during the run, by where the firm's knowledge of the technology came from "
        "(mean over replications, percent; vendors include trade fairs and the press). The two-step share is the "
        "share of SME adoptions whose knowledge came from a lead firm that had it from the RTI."
    )
)

st.subheader(
    _("Outcomes at month {month}: mean [95% CI] over {n} replications").format(
        month=f"{scenario.months:g}", n=replications
    )
)
st.table(readable_summary(data, language=language).set_index(_("Design")))  # intervals never cut off

curves = {name: data.series["adoption_share_mean"][index] * 100 for index, name in enumerate(data.names)}
left, right = st.columns(2)
with left:
    st.pyplot(
        adoption_bands(
            curves,
            data.months,
            title=_("Adoption over time"),
            ylabel=_("Adoption share, mean over technologies (%)"),
            bounds=(0.0, 100.0),
        )
    )
with right:
    by_size = size_table(data)
    st.pyplot(
        size_class_adoption(
            by_size, title=_("Adoption by size class at the horizon"), ylabel=_("Adoption share (0–1)")
        )
    )

st.subheader(_("Against {baseline}: additionality (paired, 95% CI)").format(baseline=baseline))
differences = difference_table(data, baseline=baseline, outcomes=("new_adopters", "laggard_share"))
rows = []
for name in chosen_names:
    mine = differences[differences["scenario"] == name].set_index("outcome")
    adopters, laggards = mine.loc["new_adopters"], mine.loc["laggard_share"]
    rows.append(
        {
            _("Design"): name,
            _("Additional adoptions (firm × technology)"): format_interval(
                adopters["difference"], adopters["ci_low"], adopters["ci_high"], language=state.language()
            ),
            _("Laggard share change (percentage points)"): format_interval(
                laggards["difference"],
                laggards["ci_low"],
                laggards["ci_high"],
                scale=100,
                digits=2,
                language=state.language(),
            ),
        }
    )
st.table(rows)

with st.expander(_("Data behind the figures")):
    final = {name: float(np.mean(curve[:, -1])) for name, curve in curves.items()}
    st.dataframe(
        {_("Design"): list(final), _("Adoption share at the horizon (%)"): list(final.values())},
        width="stretch",
    )
    st.dataframe(by_size, width="stretch")
    st.caption(
        _(
            "Seed {seed}; replication r of every design used SeedSequence({seed}, spawn_key=(r,)). Outcomes: {outcomes}."
        ).format(seed=result.entropy, outcomes=", ".join(KEY_OUTCOMES))
    )
