"""District: who is in it, how they are tied, and what its RTI can do."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from districtlab.config import SIZE_CLASSES
from districtlab.dashboard import cache, state
from districtlab.evidence import ROLES, brokerage_roles
from districtlab.i18n.labels import label
from districtlab.i18n.numbers import format_amount
from districtlab.i18n.translate import gettext_for
from districtlab.viz.district import ACTOR_LABELS, district_structure, network_picture, rti_competence

language = state.language()
_ = gettext_for(language)

scenario = state.current_scenario()
st.title(scenario.district)
if scenario.description:
    st.caption(scenario.description)

rti = scenario.rti
staff_days = rti.staff_fte * rti.transfer_staff_share * 220.0 / 12.0
members = sum(segment.count * segment.rti_member_share for segment in scenario.population.segments)
columns = st.columns(4)
columns[0].metric(_("Firms"), format_amount(scenario.n_firms, language))
columns[1].metric(
    _("{rti} staff").format(rti=rti.name),
    _("{fte} FTE").format(fte=format_amount(rti.staff_fte, language)) if rti.enabled else _("no RTI"),
)
columns[2].metric(
    _("Staff-days for transfer a month"),
    format_amount(staff_days, language),
    help=_("staff × transfer share × 220/12 working days"),
)
# Short values: a metric cuts what does not fit its column ("172 firms (7…"); the share goes below.
columns[3].metric(
    _("{rti} member firms").format(rti=rti.name),
    format_amount(members, language),
    delta=_("share of the firms: {share}%").format(share=round(100 * members / scenario.n_firms)),
    delta_color="off",
)

st.header(_("Firms by role and size"))
counts = (
    pd.Series(scenario.segment_counts())
    .unstack(fill_value=0)
    .reindex(columns=list(SIZE_CLASSES), fill_value=0)
)
counts.index.name = _("role")
counts.columns = [label(size, language) for size in counts.columns]
left, right = st.columns([3, 2])
left.pyplot(
    district_structure(counts, title=_("{n} firms").format(n=format_amount(scenario.n_firms, language)))
)
right.dataframe(counts.assign(**{_("total"): counts.sum(axis=1)}), width="stretch")

st.header(_("Knowledge network"))
sample_size = st.slider(
    _("Firms in the picture"), min_value=30, max_value=300, value=120, step=10, key="network_firms"
)
graph = cache.network_sample_of(scenario.model_dump_json(), state.seed(), sample_size)
st.pyplot(
    network_picture(
        graph,
        title=_("{district}: {n} of {total} firms, seed {seed}").format(
            district=scenario.district,
            n=sample_size,
            total=format_amount(graph.graph["firms_total"], language),
            seed=state.seed(),
        ),
        seed=state.seed(),
    )
)
kinds = pd.Series([kind for _, _, kind in graph.edges(data="kind")]).value_counts()
st.caption(
    _(
        "The leading firms and the firms around them (ties in this picture: {ties}). Knowledge flows from buyers "
        "to suppliers, both ways between peers, and from the RTI and the association to their members."
    ).format(ties=", ".join(f"{n} {label(str(k), language)}" for k, n in kinds.items()))
)

with st.expander(_("Who brokers knowledge in this picture (Gould–Fernandez roles by actor type)")):
    roles = brokerage_roles(graph, "type").groupby("group")[[*ROLES, "total"]].sum()
    roles.index = [ACTOR_LABELS.get(str(kind), str(kind)) for kind in roles.index]
    st.dataframe(roles.astype(int), width="stretch")
    st.caption(
        _(
            "Counts of brokered pairs a → broker → b with no direct tie a → b, by the actor types of a, the broker "
            "and b (on this sample of the simulated network)."
        )
    )

st.header(_("{rti}: competence by technology").format(rti=rti.name))
labels = {technology.name: technology.label for technology in scenario.technologies}
competence = pd.Series({labels[name]: value for name, value in rti.competence.items()}, name=_("competence"))
left, right = st.columns([3, 2])
left.pyplot(rti_competence(competence, title=_("{rti}: competence at the start").format(rti=rti.name)))
right.dataframe(competence.to_frame(), width="stretch")
