"""District: who is in it, how they are tied, and what its RTI can do."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from districtlab.config import SIZE_CLASSES
from districtlab.dashboard import cache, state
from districtlab.evidence import ROLES, brokerage_roles
from districtlab.viz.district import ACTOR_LABELS, district_structure, network_picture, rti_competence

scenario = state.current_scenario()
st.title(scenario.district)
if scenario.description:
    st.caption(scenario.description)

rti = scenario.rti
staff_days = rti.staff_fte * rti.transfer_staff_share * 220.0 / 12.0
members = sum(segment.count * segment.rti_member_share for segment in scenario.population.segments)
columns = st.columns(4)
columns[0].metric("Firms", f"{scenario.n_firms:,}")
columns[1].metric(f"{rti.name} staff", f"{rti.staff_fte:,.0f} FTE" if rti.enabled else "no RTI")
columns[2].metric(
    "Staff-days for transfer",
    f"{staff_days:,.0f} a month",
    help="staff × transfer share × 220/12 working days",
)
columns[3].metric(f"{rti.name} members", f"{members:,.0f} firms ({members / scenario.n_firms:.0%})")

st.header("Firms by role and size")
counts = (
    pd.Series(scenario.segment_counts())
    .unstack(fill_value=0)
    .reindex(columns=list(SIZE_CLASSES), fill_value=0)
)
counts.index.name = "role"
left, right = st.columns([3, 2])
left.pyplot(district_structure(counts, title=f"{scenario.n_firms:,} firms"))
right.dataframe(counts.assign(total=counts.sum(axis=1)), width="stretch")

st.header("Knowledge network")
sample_size = st.slider(
    "Firms in the picture", min_value=30, max_value=300, value=120, step=10, key="network_firms"
)
graph = cache.network_sample_of(scenario.model_dump_json(), state.seed(), sample_size)
st.pyplot(
    network_picture(
        graph,
        title=f"{scenario.district}: {sample_size} of {graph.graph['firms_total']:,} firms, seed {state.seed()}",
        seed=state.seed(),
    )
)
kinds = pd.Series([kind for _, _, kind in graph.edges(data="kind")]).value_counts()
st.caption(
    f"The leading firms and the firms around them (ties in this picture: {', '.join(f'{n} {k}' for k, n in kinds.items())}). "
    "Knowledge flows from buyers to suppliers, both ways between peers, and from the RTI and the association to their members."
)

with st.expander("Who brokers knowledge in this picture (Gould–Fernandez roles by actor type)"):
    roles = brokerage_roles(graph, "type").groupby("group")[[*ROLES, "total"]].sum()
    roles.index = [ACTOR_LABELS.get(str(kind), str(kind)) for kind in roles.index]
    st.dataframe(roles.astype(int), width="stretch")
    st.caption(
        "Counts of brokered pairs a → broker → b with no direct tie a → b, by the actor types of a, the broker and b "
        "(districtlab.evidence.brokerage_roles on this sample of the simulated network)."
    )

st.header(f"{rti.name}: competence by technology")
labels = {technology.name: technology.label for technology in scenario.technologies}
competence = pd.Series({labels[name]: value for name, value in rti.competence.items()}, name="competence")
left, right = st.columns([3, 2])
left.pyplot(rti_competence(competence, title=f"{rti.name}'s competence at the start"))
right.dataframe(competence.to_frame(), width="stretch")
