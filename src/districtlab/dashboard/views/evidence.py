"""Evidence: a coded project as a meta-matrix, a codebook tree, quotations, co-occurrence and reliability.

Layout only: every table comes from :mod:`districtlab.evidence`.
"""

from __future__ import annotations

import html

import streamlit as st

from districtlab import examples
from districtlab.dashboard import cache, state
from districtlab.errors import InputError
from districtlab.evidence import (
    cooccurrence,
    cooccurrence_wide,
    meta_matrix,
    meta_matrix_wide,
    reliability_by_code,
)
from districtlab.evidence.browse import code_tree, group_values, quotations
from districtlab.evidence.load import SUPPORTED_FORMATS
from districtlab.i18n.numbers import format_amount
from districtlab.i18n.translate import N_, gettext_for

SAMPLE = "interviews.qdpx"
#: What a project holds (the keys of QdaProject.counts), as the page names them.
COUNT_LABELS = {
    "users": N_("users"),
    "codes": N_("codes"),
    "sources": N_("sources"),
    "text sources": N_("text sources"),
    "sources with missing text": N_("sources with missing text"),
    "coded segments": N_("coded segments"),
    "coders": N_("coders"),
    "cases": N_("cases"),
    "variables": N_("variables"),
}
#: The page's choices (values the evidence functions take), as the page names them.
CHOICES = {
    "case": N_("case"),
    "source": N_("source"),
    "count": N_("count"),
    "presence": N_("presence"),
    "paragraph": N_("paragraph"),
    "overlap": N_("overlap"),
}

language = state.language()
_ = gettext_for(language)


def _choice(value: str) -> str:
    return _(CHOICES[value]) if value in CHOICES else value.replace("_", " ")


st.title(_("Evidence from the interviews"))
st.markdown(
    _(
        "Upload a coded project to set the cases (or districts, or any case variable) against the codes: "
        "what the interviews say, next to what the model does."
    )
)
uploaded = st.file_uploader(
    _("Coded project"),
    type=["qdpx", "zip", "qde", "qdc", "csv", "xlsx"],
    key="qda_upload",
    help=SUPPORTED_FORMATS,
)
use_sample = st.checkbox(
    _("Open the sample study instead (SYNTHETIC, illustrative: 24 invented interviews, not real data)"),
    key="qda_sample",
    disabled=uploaded is not None,
)
if uploaded is not None:
    data, filename = uploaded.getvalue(), uploaded.name
elif use_sample:
    data, filename = examples.path(SAMPLE).read_bytes(), SAMPLE
else:
    st.info(
        _("Accepted: {formats}. Or tick the box to open the synthetic sample study.").format(
            formats=SUPPORTED_FORMATS
        )
    )
    st.stop()

try:
    project, warnings = cache.qda_project(data, filename)
except InputError as error:
    st.error(_("That file could not be read: {error}").format(error=error))
    st.stop()
for warning in warnings:
    st.warning(warning)
if filename == SAMPLE and uploaded is None:
    st.caption(_("Sample study: synthetic and illustrative. No passage is a real quote."))

counts = project.counts()
columns = st.columns(min(len(counts), 5))
for column, (what, count) in zip(columns, list(counts.items())[:5], strict=False):
    column.metric(_(COUNT_LABELS[what]) if what in COUNT_LABELS else what, format_amount(count, language))

variables = sorted(set(project.variables["name"].dropna())) if not project.variables.empty else []
matrix_tab, tree_tab, quotes_tab, cooccurrence_tab, reliability_tab = st.tabs(
    [_("Meta-matrix"), _("Codebook"), _("Quotations"), _("Co-occurrence"), _("Reliability")]
)

with matrix_tab:
    by = st.selectbox(
        _("Rows"),
        ["case", "source", *variables],
        format_func=_choice,
        key="qda_by",
        help=_("Cases, sources, or a case variable such as district."),
    )
    cell = st.radio(_("Cells"), ["count", "presence"], format_func=_choice, horizontal=True, key="qda_cell")
    try:
        tidy = meta_matrix(project, by=by, cell=cell)
    except InputError as error:
        st.error(str(error))
        tidy = None
    if tidy is not None and tidy.empty:
        st.info(_("This project has no coded passages to put in a matrix."))
    elif tidy is not None:
        st.subheader(
            _("Meta-matrix: {cell} of codings by {by} × code").format(cell=_choice(cell), by=_choice(by))
        )
        st.dataframe(meta_matrix_wide(tidy), width="stretch")

with tree_tab:
    tree = code_tree(project)
    if tree.empty:
        st.info(_("This project has no codebook."))
    else:
        lines = []
        for row in tree.itertuples(index=False):
            indent = "    " * int(row.depth)
            name = html.escape(str(row.name))  # code names come from an untrusted file
            used = _("{codings} coding(s) in {sources} source(s)").format(
                codings=format_amount(int(row.codings_below), language),
                sources=format_amount(int(row.sources), language),
            )
            label = f"**{name}**" if not row.is_codable else name
            lines.append(f"{indent}- {label} · {used}")
        st.markdown("\n".join(lines))
        st.caption(_("Bold: grouping codes (not codable). Counts include the codes below."))

with quotes_tab:
    code_choices = tree["path"].tolist() if not tree.empty else []
    chosen_codes = st.multiselect(
        _("Codes (a code includes those below it)"), code_choices, key="qda_quote_codes"
    )
    filters = {}
    shown_variables = [name for name in ("district", "actor_type") if name in variables]
    filter_columns = st.columns(max(len(shown_variables), 1))
    for column, variable in zip(filter_columns, shown_variables, strict=False):
        filters[variable] = column.multiselect(
            _choice(variable).capitalize(),
            group_values(project, variable),
            key=f"qda_quote_{variable}",
        )
    table = quotations(project, codes=chosen_codes, filters=filters, variables=shown_variables)
    st.caption(_("{n} coded passage(s)").format(n=format_amount(len(table), language)))
    st.dataframe(table, width="stretch", hide_index=True)

with cooccurrence_tab:
    scope = st.radio(
        _("Co-occurrence within"),
        ["overlap", "source"],
        format_func=_choice,
        horizontal=True,
        key="qda_scope",
        help=_("overlap: the same or overlapping passages; source: the same interview."),
    )
    pairs = cooccurrence(project, scope=scope)
    pairs = pairs[pairs["n_ab"] > 0]
    if pairs.empty:
        st.info(_("No two codes occur together."))
    else:
        st.caption(_("c = n12 / (n1 + n2 − n12): 0 when two codes never meet, 1 when they always do."))
        st.dataframe(
            pairs.sort_values(["c_coefficient", "n_ab"], ascending=False), width="stretch", hide_index=True
        )
        st.dataframe(cooccurrence_wide(pairs, "c_coefficient"), width="stretch")

with reliability_tab:
    coders = project.segments["coder"].dropna().unique()
    if len(coders) < 2:
        st.info(_("Reliability needs two or more coders; this project has codings by one."))
    else:
        unit = st.radio(
            _("Units"), ["paragraph", "source"], format_func=_choice, horizontal=True, key="qda_unit"
        )
        try:
            reliability = reliability_by_code(project, units=unit)
        except InputError as error:
            st.error(str(error))
        else:
            st.caption(
                _(
                    "Krippendorff's alpha, Cohen's and Fleiss' kappa per code, on the units coded by two or "
                    "more coders; the last row pools every code. Blank: undefined (e.g. a code nobody applied)."
                )
            )
            st.dataframe(reliability, width="stretch", hide_index=True)
