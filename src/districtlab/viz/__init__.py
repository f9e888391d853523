"""Pure figure builders: data in, matplotlib figure out. Nothing here reads or writes files."""

from districtlab.viz.figures import (
    PALETTE,
    additionality_bars,
    adoption_bands,
    channel_shares,
    mean_band,
    size_class_adoption,
    sweep_effects,
)
from districtlab.viz.sensitivity import indices_over_steps, morris_scatter, sensitivity_panels, sobol_bars

__all__ = [
    "PALETTE",
    "additionality_bars",
    "adoption_bands",
    "channel_shares",
    "indices_over_steps",
    "mean_band",
    "morris_scatter",
    "sensitivity_panels",
    "size_class_adoption",
    "sobol_bars",
    "sweep_effects",
]
