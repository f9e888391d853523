"""One label catalogue: plain words for the raw names of outcomes, sources and actors, in each language.

Keyed by the name the model and the outcome tables use; the English label is
the gettext message id, translated by :func:`label`. Tables, axes and legends
in the lab and reports read their labels here, so that a name is written the
same way everywhere and never shown raw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from districtlab.i18n.translate import N_, gettext_for

if TYPE_CHECKING:
    from districtlab.config import Technology

LABELS: dict[str, str] = {
    # outcomes (docs/model-contract.md)
    "firms_adopting": N_("Adopting firms (at least one technology)"),
    "new_firms_adopting": N_("Additional adopting firms"),
    "new_adopters": N_("New adoptions (firm × technology)"),
    "laggard_share": N_("Laggard share, no technology (%)"),
    "adoption_share_mean": N_("Adoption share, mean over technologies (%)"),
    "programme_spend_eur": N_("Programme spend (EUR)"),
    "public_spend_eur": N_("Public spend (EUR)"),
    "budget_eur": N_("Budget (EUR)"),
    "unspent_budget_eur": N_("Unspent budget (EUR)"),
    "private_spend_eur": N_("Private spend by firms (EUR)"),
    "sme_two_step_share": N_("SME adoptions through a lead firm that learnt from the RTI"),
    # knowledge sources (adoption_source_share.<source>, knowledge_source_share.<source>)
    "vendor": N_("Vendors, fairs and press"),
    "rti": N_("Technology centre (RTI)"),
    "lead_firm": N_("Lead firms"),
    "supplier_buyer": N_("Suppliers and buyers"),
    "peer": N_("Peer firms"),
    # instruments (config/instruments.py labels them in English; these are the same ids, translated)
    "events": N_("awareness events"),
    "diagnostics": N_("firm diagnostics"),
    "demonstrator": N_("demonstrators"),
    "projects": N_("collaborative projects"),
    "training": N_("training"),
    "grants": N_("adoption grants"),
    # targeting rules (config/programme.py TargetingRule)
    "open_call": N_("open call"),
    "smes_first": N_("SMEs first"),
    "leading_firms_first": N_("leading firms first"),
    "rti_network": N_("the RTI's network first"),
    # actors: the model's roles (config.ROLES) and the collective actors, as tables and legends name them
    "lead": N_("Leading firms"),
    "producer": N_("Producers"),
    "subcontractor": N_("Subcontractors"),
    "supplier": N_("Suppliers"),
    "tech_supplier": N_("Technology suppliers"),
    "association": N_("Business association"),
    # Gould-Fernandez brokerage roles (districtlab.evidence.ROLES)
    "coordinator": N_("coordinator"),
    "itinerant": N_("itinerant broker"),
    "gatekeeper": N_("gatekeeper"),
    "representative": N_("representative"),
    "liaison": N_("liaison"),
    # sensitivity indices (SALib's Morris method)
    "mu_star": N_("Mean absolute effect (μ*)"),
    "sigma": N_("Spread of the effect (σ)"),
    # size classes
    "micro": N_("Micro"),
    "small": N_("Small"),
    "medium": N_("Medium"),
    "large": N_("Large"),
}


#: The shipped presets' technologies, by name, with the label the presets give them (the message id).
#: A technology of another name, or one a user labelled differently, keeps its own label.
TECHNOLOGY_LABELS: dict[str, str] = {
    "iot_sensors": N_("IoT and sensors"),
    "robotics": N_("Robotics and automation"),
    "additive": N_("Additive manufacturing"),
    "big_data": N_("Big data and analytics"),
    "cloud_erp": N_("Cloud, ERP and MES integration"),
    "ai": N_("Artificial intelligence"),
    "digital_design": N_("Digital design and twins (CAD/CAM/PLM)"),
    "ecommerce": N_("E-commerce and platforms"),
}

#: The descriptions of the configuration fields whose help the lab shows (pydantic ``description``s,
#: word for word: the lab translates a field's help through this catalogue; a test keeps them equal).
FIELD_HELP: dict[tuple[str, str], str] = {
    ("Programme", "budget_eur_per_year"): N_("yearly budget (EUR)"),
    ("Programme", "start_month"): N_("month the programme starts"),
    ("Programme", "duration_months"): N_("months it runs, co-design included"),
    ("Programme", "targeting"): N_("whom the instruments reach first"),
    ("Programme", "focus_technologies"): N_("instruments address the top-n priorities"),
    ("CoDesign", "months"): N_("months of co-design before delivery starts"),
    ("CoDesign", "participation_breadth"): N_("share of local actors taking part"),
    ("CoDesign", "budget_share"): N_("share of the budget the co-design consumes"),
}


#: The designs every district documents (the dashboard's baseline and the presets' programmes), by name.
DESIGN_LABELS: dict[str, str] = {
    "no programme": N_("no programme"),
    "place-based": N_("place-based"),
    "generic": N_("generic"),
}


#: The shipped presets' descriptions, word for word (a test keeps them equal), so that the lab can show
#: them in the workshop's language; a user's preset keeps its own description.
PRESET_DESCRIPTIONS: dict[str, str] = {
    "castellon-ceramics": N_(
        "ITC-led place-based Industry 4.0 programme (pilot plant, guide, collective projects) vs a generic "
        "regional programme with an equal yearly budget."
    ),
    "vinalopo-footwear": N_(
        "INESCOP works through tractor firms (demonstrator, congress, projects) vs a generic regional programme "
        "with an equal yearly budget."
    ),
    "toy-valley": N_(
        "AIJU's co-designed living lab (Taller 4.0 demonstrator, collaborative projects) vs a generic regional "
        "programme with an equal yearly budget."
    ),
}


def description_of(name: str, description: str, language: str = "en") -> str:
    """A scenario's description in ``language`` when it is a shipped preset's own, else as written."""
    english = PRESET_DESCRIPTIONS.get(name)
    return description if english != description else gettext_for(language)(english)


def design_label(name: str, language: str = "en") -> str:
    """How the lab names design ``name``: a documented design in the workshop's language, any other as named."""
    english = DESIGN_LABELS.get(name)
    return name if english is None else gettext_for(language)(english)


def technology_label(technology: Technology, language: str = "en") -> str:
    """How the lab names ``technology``: the catalogue's translation when it is a shipped technology
    with its shipped label, else the label its scenario gives it."""
    english = TECHNOLOGY_LABELS.get(technology.name)
    if english is None or english != technology.label:
        return technology.label
    return gettext_for(language)(english)


def label(name: str, language: str = "en") -> str:
    """The plain label of ``name`` in ``language``; an unknown name is returned with its underscores as spaces."""
    english = LABELS.get(name)
    if english is None:
        return name.replace("_", " ")
    return gettext_for(language)(english)
