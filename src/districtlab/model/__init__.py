"""The agent-based model: pure, numpy and scipy, with numba-compiled kernels for the per-step bookkeeping.

Firms are rows of arrays (firms x technologies for stages); networks are
scipy.sparse matrices; no interpreted Python loop runs over firms inside a step
(compiled loops over the pairs that change do, :mod:`districtlab.model.kernels`). Nothing in
this package reads files, prints or plots: :func:`run_model` takes a scenario
and a SeedSequence and returns :class:`Observations`.
"""

from districtlab.model.observers import PROGRAMME_SLOTS, Observations
from districtlab.model.programmes import SPEND_LINES, UNIT_LINES
from districtlab.model.simulate import run_model
from districtlab.model.state import CHANNELS, KNOWLEDGE_SOURCES, RTI_CHANNELS, SOURCE_OF_CHANNEL

__all__ = [
    "CHANNELS",
    "KNOWLEDGE_SOURCES",
    "PROGRAMME_SLOTS",
    "RTI_CHANNELS",
    "SOURCE_OF_CHANNEL",
    "SPEND_LINES",
    "UNIT_LINES",
    "Observations",
    "run_model",
]
