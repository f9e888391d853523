"""Run designs on a page with a progress bar and a Stop button; keep only finished comparisons.

Streamlit re-runs the page when any widget is touched while a script runs, and
stops the running script at its next call to Streamlit: the Stop button uses
exactly that. Each finished run is already in the per-run cache
(:func:`districtlab.dashboard.cache.run_cache`); a comparison enters the
session only once every run of it has finished, so nothing half-done is shown as
a result, and running it again after a stop re-uses the runs already made.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from districtlab.config import Scenario
from districtlab.dashboard import cache, state
from districtlab.dashboard.runs import run_designs
from districtlab.experiments import Design, ExperimentResult
from districtlab.i18n.translate import gettext_for


def finished_or_run(
    designs: Design | Mapping[str, Scenario],
    *,
    replications: int,
    seed: int,
    button: str,
    key: str,
    export: bool = True,
) -> ExperimentResult | None:
    """The finished comparison of ``designs``, or a Run button that makes it with progress and Stop.

    Returns ``None`` while there is nothing to show (not run yet, or stopped).
    ``export`` makes the comparison the one the Export page offers.
    """
    _ = gettext_for(state.language())
    design = Design.of(designs)
    request = state.request_key(dict(zip(design.names, design, strict=True)), replications, seed)
    result = state.comparison(request)
    if result is not None:
        return result
    stopped = st.session_state.get(state.RUNNING)
    if stopped is not None and stopped["key"] == request:
        st.warning(
            _(
                "Stopped after {done} of {total} runs. Finished runs are kept: running again starts where it stopped."
            ).format(done=stopped["done"], total=stopped["total"])
        )
    if not st.button(button, type="primary", key=key):
        return None
    st.session_state[state.RUNNING] = {"key": request, "done": 0, "total": len(design) * replications}
    st.button(
        _("Stop"), key=f"{key}/stop", help=_("Stops after the run in progress; finished runs are kept.")
    )
    bar = st.progress(0.0, text=_("Starting"))

    def show(done: int, total: int, label: str) -> None:
        st.session_state[state.RUNNING] = {"key": request, "done": done, "total": total}
        bar.progress(
            done / total, text=_("Run {done} of {total}: {run}").format(done=done, total=total, run=label)
        )

    result = run_designs(
        designs, replications=replications, seed=seed, cache=cache.run_cache(), progress=show
    )
    st.session_state[state.RUNNING] = None
    state.remember_comparison(request, result, last=export)
    st.rerun()  # draw the result without the Run and Stop buttons
    return result  # not reached: st.rerun() ends this run
