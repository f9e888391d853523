"""District: who is in it, how they are tied, and what its RTI can do."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from districtlab.config import SIZE_CLASSES
from districtlab.dashboard import cache, state
from districtlab.evidence import ROLES, brokerage_roles
from districtlab.geography import adoption_by_place, places_for
from districtlab.i18n.labels import description_of, design_label, label, technology_label
from districtlab.i18n.numbers import format_amount
from districtlab.i18n.translate import gettext_for
from districtlab.viz.district import district_structure, rti_competence
from districtlab.viz.interactive import Words, adoption_map, adoption_network

language = state.language()
_ = gettext_for(language)

scenario = state.current_scenario()
st.title(scenario.district)
if scenario.description:
    st.caption(description_of(scenario.name, scenario.description, language))

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
    delta=_("of all firms: {share}%").format(share=round(100 * members / scenario.n_firms)),
    delta_color="off",
)

st.header(_("Firms by role and size"))
counts = (
    pd.Series(scenario.segment_counts())
    .unstack(fill_value=0)
    .reindex(columns=list(SIZE_CLASSES), fill_value=0)
)
counts.index = [label(str(role), language) for role in counts.index]
counts.index.name = _("role")
counts.columns = [label(size, language) for size in counts.columns]
left, right = st.columns([3, 2])
left.pyplot(
    district_structure(
        counts,
        title=_("{n} firms").format(n=format_amount(scenario.n_firms, language)),
        xlabel=_("Firms (count)"),
        legend_title=_("size class"),
        number=lambda value: format_amount(value, language),
    )
)
right.dataframe(counts.assign(**{_("total"): counts.sum(axis=1)}), width="stretch")

st.header(_("Knowledge network"))
SEPARATORS = ".," if language == "en" else ",."  # plotly's decimal and thousands marks
# One run of a design of this district, recorded firm by firm: the picture at month m shows exactly
# the firms that had adopted by then (adoption is never undone in the model).
designs = state.documented_designs(scenario)
left, middle, right = st.columns(3)
design_name = left.selectbox(
    _("Programme in the pictures"),
    list(designs),
    index=list(designs).index(scenario.programme.name) if scenario.programme.name in designs else 0,
    format_func=lambda name: design_label(name, language),
    key="district_design",
)
technology_names = [technology.name for technology in scenario.technologies]
technology_labels = {
    technology.name: technology_label(technology, language) for technology in scenario.technologies
}
ANY = ""
technology = middle.selectbox(
    _("Adoption of"),
    [ANY, *technology_names],
    format_func=lambda name: _("any technology (number adopted)") if name == ANY else technology_labels[name],
    key="district_technology",
)
sample_size = right.slider(
    _("Firms in the picture"), min_value=30, max_value=300, value=120, step=10, key="network_firms"
)
design = designs[design_name]
run = cache.district_run(design.model_dump_json(), state.seed())
assert run.firms is not None  # district_run records firms
graph = cache.network_sample_of(design.model_dump_json(), state.seed(), sample_size)
in_district = pd.Series(scenario.segment_counts()).groupby(level=0).sum()
in_picture = pd.Series([data["role"] for _, data in graph.nodes(data=True) if "row" in data]).value_counts()
role_words = {
    role: _("{label} ({n} of {total})").format(
        label=label(role, language),
        n=format_amount(int(in_picture.get(role, 0)), language),
        total=format_amount(int(in_district.get(role, 0)), language),
    )
    for role in in_district.index
}
role_words["rti"] = scenario.rti.name
role_words["association"] = scenario.association.name
tie_words = {"supply": _("supply ties"), "peer": _("peer ties"), "membership": _("membership ties")}
chosen = run.firms.step if technology == ANY else run.firms.step[:, technology_names.index(technology)]
n_technologies = len(technology_names)


def firm_hover(node: str) -> str:
    data = graph.nodes[node]
    return f"{label(data['role'], language)} · {label(data['size_class'], language)}"


network = adoption_network(
    graph,
    chosen,
    run.months,
    n_technologies=n_technologies,
    words=Words(
        title=_("{district}: {n} of {total} firms, {design}, seed {seed}").format(
            district=scenario.district,
            n=format_amount(sample_size, language),
            total=format_amount(graph.graph["firms_total"], language),
            design=design_label(design_name, language),
            seed=state.seed(),
        ),
        month=_("Month"),
        play=_("Play"),
        pause=_("Pause"),
        colour=_("technologies adopted") if technology == ANY else _("adopted (1) or not (0)"),
        roles=role_words,
        ties=tie_words,
        separators=SEPARATORS,
    ),
    seed=state.seed(),
    hover=firm_hover,
)
st.plotly_chart(network, key="network_adoption", config={"displaylogo": False})
kinds = pd.Series([kind for _, _, kind in graph.edges(data="kind")]).value_counts()
st.caption(
    _(
        "The leading firms and the firms around them, coloured by adoption in one run ({design}, seed {seed}); "
        "move the month slider or press Play. The legend counts each kind of firm in the picture and in the "
        "district, as in the table above. Ties in this picture: {ties}. Knowledge flows from buyers to suppliers, "
        "both ways between peers, and from the RTI and the association to their members."
    ).format(
        design=design_label(design_name, language),
        seed=state.seed(),
        ties=", ".join(
            f"{format_amount(int(n), language)} {tie_words.get(str(k), str(k))}" for k, n in kinds.items()
        ),
    )
)

with st.expander(_("Who brokers knowledge in this picture (Gould–Fernandez roles by kind of actor)")):
    roles = brokerage_roles(graph, "role").groupby("group")[[*ROLES, "total"]].sum()
    roles.index = [
        role_words.get(str(kind), str(kind))
        if str(kind) in ("rti", "association")
        else label(str(kind), language)
        for kind in roles.index
    ]
    roles.columns = [
        label(str(column), language) if column != "total" else _("total") for column in roles.columns
    ]
    st.dataframe(roles.astype(int), width="stretch")
    st.caption(
        _(
            "Counts of brokered pairs a → broker → b with no direct tie a → b, by the kinds of actor of a, the broker "
            "and b (on this sample of the simulated network)."
        )
    )

st.header(_("Where the firms are"))
places = places_for(scenario.name)
if places is None:
    st.info(
        _(
            "No municipalities are recorded for this district. A places file (places/{name}.toml beside the "
            "preset) would give each municipality's coordinates and firm weight."
        ).format(name=scenario.name)
    )
else:
    by_place = adoption_by_place(run, places, technology=None if technology == ANY else technology)
    adopting_words = (
        _("adopting at least one technology") if technology == ANY else technology_labels[technology]
    )

    def place_hover(row: pd.Series) -> str:
        return _("{place}: {firms} firms, {adopting} adopting ({share}%)").format(
            place=row["municipality"],
            firms=format_amount(int(row["firms"]), language),
            adopting=format_amount(int(row["adopting"]), language),
            share=format_amount(100.0 * float(row["share"]), language, decimals=1),
        )

    st.plotly_chart(
        adoption_map(
            by_place,
            words=Words(
                title=_("{district}: firms by municipality, share {what}").format(
                    district=scenario.district, what=adopting_words
                ),
                month=_("Month"),
                play=_("Play"),
                pause=_("Pause"),
                colour=_("share adopting (%)"),
                longitude=_("longitude (°)"),
                latitude=_("latitude (°)"),
                note=_("Schematic: approximate positions of each municipality's capital, no map."),
                separators=SEPARATORS,
            ),
            rti_municipality=places.rti_municipality,
            rti_name=scenario.rti.name if scenario.rti.enabled else "",
            hover=place_hover,
            number=lambda value: format_amount(value, language),
        ),
        key="district_map",
        config={"displaylogo": False},
    )
    final = by_place[by_place["step"] == by_place["step"].max()]
    table = pd.DataFrame(
        {
            _("municipality"): final["municipality"].to_numpy(),
            _("firms"): final["firms"].to_numpy(),
            _("adopting firms"): final["adopting"].to_numpy(),
            _("share adopting (%)"): (100.0 * final["share"]).round(1).to_numpy(),
        }
    )
    st.dataframe(table, width="stretch", hide_index=True)
    st.caption(
        _(
            "Disc area grows with the number of firms, colour with the share adopting (month on the slider; the "
            "table shows the last month). The model has no geography: each firm of this run is placed in a "
            "municipality at random, in proportion to the municipalities' firm weights, so the map shows how "
            "adoption in the run spreads over the places, not a modelled local effect."
        )
    )
    with st.expander(_("Sources of the map")):
        st.markdown(
            _("**Coordinates:** {source}").format(source=places.coordinates_source)
            + "\n\n"
            + _("**Firm weights:** {source}").format(source=places.weights_source)
        )

st.header(_("{rti}: competence by technology").format(rti=rti.name))
labels = {technology.name: technology_label(technology, language) for technology in scenario.technologies}
competence = pd.Series({labels[name]: value for name, value in rti.competence.items()}, name=_("competence"))
left, right = st.columns([3, 2])
left.pyplot(
    rti_competence(
        competence,
        title=_("{rti}: competence at the start").format(rti=rti.name),
        xlabel=_("competence (0 = none, 1 = full)"),
    )
)
right.dataframe(competence.to_frame(), width="stretch")
