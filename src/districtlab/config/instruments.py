"""The instrument catalogue: what a programme can buy, described once.

Each :class:`Instrument` names its share field in :class:`~districtlab.config.programme.InstrumentShares`
(``name``), how people read it (``label``), what it does to a firm (``effect``), the adoption
channel its adoptions are credited to (``channel``, ``None`` when it only prepares firms), the
:class:`~districtlab.config.programme.InstrumentDesign` fields that price one unit (``cost_fields``:
money, then RTI staff days) and the model function that delivers it (``delivery``, in
``districtlab.model``: a stage of ``kernels.deliver_month``, or the adoption decision). A test checks the catalogue against the configuration types and the model's
delivery order, so that a new instrument is one descriptor here, its share and design fields, and
its delivery kernel.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Instrument:
    """One instrument a programme can buy."""

    name: str
    label: str
    effect: str
    channel: str | None
    cost_fields: tuple[str, ...]
    delivery: str


#: The instruments, in the order the model delivers them within a month.
INSTRUMENT_CATALOGUE: tuple[Instrument, ...] = (
    Instrument(
        "events",
        "awareness events",
        "attendees become aware of the event's technology",
        None,
        ("event_cost_eur", "staff_days_per_event"),
        "districtlab.model.kernels.instruments.hold_events",
    ),
    Instrument(
        "diagnostics",
        "firm diagnostics",
        "the RTI reviews a firm's fit with several technologies; a good fit makes it knowledgeable",
        "diagnostic",
        ("diagnostic_cost_eur", "staff_days_per_diagnostic"),
        "districtlab.model.kernels.instruments.diagnose",
    ),
    Instrument(
        "demonstrator",
        "demonstrators",
        "a showcase that visiting firms learn from (at the RTI, or a living lab at partner firms)",
        "demonstrator",
        ("demonstrator_cost_eur", "demonstrator_running_cost_eur_per_month", "staff_days_per_visit"),
        "districtlab.model.kernels.delivery.build_demonstrators",
    ),
    Instrument(
        "projects",
        "collaborative projects",
        "firms and the RTI implement a technology together; partners share the cost while it runs",
        "project",
        ("project_seat_cost_eur", "staff_days_per_project_seat"),
        "districtlab.model.kernels.instruments.run_projects",
    ),
    Instrument(
        "training",
        "training",
        "trainees' absorptive capacity rises",
        None,
        ("training_seat_cost_eur", "staff_days_per_training_seat"),
        "districtlab.model.kernels.instruments.enrol_trainees",
    ),
    Instrument(
        "grants",
        "adoption grants",
        "firms that apply get part of an adoption's cost paid",
        "grant",
        ("grant_rate", "grant_application_cost_eur"),
        "districtlab.model.adoption",
    ),
)

#: Instrument name -> descriptor.
INSTRUMENT_BY_NAME = {instrument.name: instrument for instrument in INSTRUMENT_CATALOGUE}
#: Instrument name -> how people read it.
INSTRUMENT_LABELS = {instrument.name: instrument.label for instrument in INSTRUMENT_CATALOGUE}

__all__ = ["INSTRUMENT_BY_NAME", "INSTRUMENT_CATALOGUE", "INSTRUMENT_LABELS", "Instrument"]
