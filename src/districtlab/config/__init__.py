"""Typed, validated configuration: one description of every parameter of the model.

All types are frozen pydantic models that refuse unknown keys. They drive
validation, TOML round-trip (:mod:`districtlab.io.toml`), parameter paths for
experiments and the ODD parameter tables.
"""

from districtlab.config.base import (
    ROLES,
    SIZE_CLASS_EMPLOYEES,
    SIZE_CLASSES,
    ConfigModel,
    SizeClassCounts,
    SizeClassShares,
    SizeClassValues,
)
from districtlab.config.behaviour import Behaviour
from districtlab.config.institutions import RTI, Association
from districtlab.config.networks import Networks, ObservedFirm, ObservedNetwork, ObservedTie
from districtlab.config.population import FirmSegment, Population, TraitDistribution
from districtlab.config.programme import (
    INSTRUMENTS,
    PROGRAMME_MECHANISMS,
    TARGETING_RULES,
    CoDesign,
    InstrumentDesign,
    InstrumentShares,
    MechanismSettings,
    Programme,
    ProgrammeMechanisms,
    no_programme,
)
from districtlab.config.scenario import (
    DISTRICT_MECHANISMS,
    NO_PROGRAMME,
    DistrictMechanisms,
    Reporting,
    Scenario,
)
from districtlab.config.technology import Technology

__all__ = [
    "DISTRICT_MECHANISMS",
    "INSTRUMENTS",
    "NO_PROGRAMME",
    "PROGRAMME_MECHANISMS",
    "ROLES",
    "RTI",
    "SIZE_CLASSES",
    "SIZE_CLASS_EMPLOYEES",
    "TARGETING_RULES",
    "Association",
    "Behaviour",
    "CoDesign",
    "ConfigModel",
    "DistrictMechanisms",
    "FirmSegment",
    "InstrumentDesign",
    "InstrumentShares",
    "MechanismSettings",
    "Networks",
    "ObservedFirm",
    "ObservedNetwork",
    "ObservedTie",
    "Population",
    "Programme",
    "ProgrammeMechanisms",
    "Reporting",
    "Scenario",
    "SizeClassCounts",
    "SizeClassShares",
    "SizeClassValues",
    "Technology",
    "TraitDistribution",
    "no_programme",
]
