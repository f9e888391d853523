"""The model's submodels for reports: a short ODD summary that a test keeps in step with ODD.md."""

from __future__ import annotations

from districtlab.i18n.translate import N_, gettext_for
from districtlab.report.jinja import environment

#: (submodel, module) as in ODD.md, section III.iv.
SUBMODELS: tuple[tuple[str, str], ...] = (
    (N_("Population"), "districtlab.model.population"),
    (N_("Networks and exposure"), "districtlab.model.networks"),
    (N_("Technology gate"), "districtlab.model.technologies"),
    (N_("State and stage ladder"), "districtlab.model.state"),
    (N_("Transition clocks"), "districtlab.model.clocks"),
    (N_("Background awareness"), "districtlab.model.transfer"),
    (N_("Inter-firm transfer"), "districtlab.model.transfer"),
    (N_("Programme budgets"), "districtlab.model.programmes"),
    (N_("Targeting"), "districtlab.model.targeting"),
    (N_("RTI instruments"), "districtlab.model.instruments"),
    (N_("Place-based mechanisms"), "districtlab.model.mechanisms"),
    (N_("Adoption decision"), "districtlab.model.adoption"),
    (N_("Schedule"), "districtlab.model.schedule"),
    (N_("Observation"), "districtlab.model.observers"),
    (N_("Run"), "districtlab.model.simulate"),
)


def odd_summary_html(language: str = "en") -> str:
    """The ODD summary section of a report, in ``language`` (autoescaped; insert it as Markup)."""
    _ = gettext_for(language)
    submodels = [(_(name), module) for name, module in SUBMODELS]
    return environment(language).get_template("odd_summary.html.j2").render(submodels=submodels)
