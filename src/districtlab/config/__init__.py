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
    TARGETING_RULES,
    CoDesign,
    InstrumentDesign,
    InstrumentShares,
    Programme,
    no_programme,
)
from districtlab.config.scenario import NO_PROGRAMME, Scenario
from districtlab.config.technology import Technology

__all__ = [
    "INSTRUMENTS",
    "NO_PROGRAMME",
    "ROLES",
    "RTI",
    "SIZE_CLASSES",
    "SIZE_CLASS_EMPLOYEES",
    "TARGETING_RULES",
    "Association",
    "Behaviour",
    "CoDesign",
    "ConfigModel",
    "FirmSegment",
    "InstrumentDesign",
    "InstrumentShares",
    "Networks",
    "ObservedFirm",
    "ObservedNetwork",
    "ObservedTie",
    "Population",
    "Programme",
    "Scenario",
    "SizeClassCounts",
    "SizeClassShares",
    "SizeClassValues",
    "Technology",
    "TraitDistribution",
    "no_programme",
]
