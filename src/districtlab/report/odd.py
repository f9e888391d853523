"""The model's submodels for reports: a short ODD summary that a test keeps in step with ODD.md."""

from __future__ import annotations

#: (submodel, module) as in ODD.md, section III.iv.
SUBMODELS: tuple[tuple[str, str], ...] = (
    ("Population", "districtlab.model.population"),
    ("Networks and exposure", "districtlab.model.networks"),
    ("Technology gate", "districtlab.model.technologies"),
    ("State and stage ladder", "districtlab.model.state"),
    ("Transition clocks", "districtlab.model.clocks"),
    ("Background awareness", "districtlab.model.transfer"),
    ("Inter-firm transfer", "districtlab.model.transfer"),
    ("Programme budgets", "districtlab.model.programmes"),
    ("Targeting", "districtlab.model.targeting"),
    ("RTI instruments", "districtlab.model.instruments"),
    ("Place-based mechanisms", "districtlab.model.mechanisms"),
    ("Adoption decision", "districtlab.model.adoption"),
    ("Schedule", "districtlab.model.schedule"),
    ("Observation", "districtlab.model.observers"),
    ("Run", "districtlab.model.simulate"),
)
