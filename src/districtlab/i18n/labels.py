"""One label catalogue: plain words for the raw names of outcomes, sources and actors, in each language.

Keyed by the name the model and the outcome tables use; the English label is
the gettext message id, translated by :func:`label`. Tables, axes and legends
in the lab and reports read their labels here, so that a name is written the
same way everywhere and never shown raw.
"""

from __future__ import annotations

from districtlab.i18n.translate import N_, gettext_for

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


def label(name: str, language: str = "en") -> str:
    """The plain label of ``name`` in ``language``; an unknown name is returned with its underscores as spaces."""
    english = LABELS.get(name)
    if english is None:
        return name.replace("_", " ")
    return gettext_for(language)(english)
