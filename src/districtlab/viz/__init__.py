"""Pure figure builders: data in, matplotlib figure out. Nothing here reads or writes files."""

from districtlab.viz.figures import (
    PALETTE,
    additionality_bars,
    adoption_bands,
    channel_shares,
    mean_band,
    size_class_adoption,
)

__all__ = [
    "PALETTE",
    "additionality_bars",
    "adoption_bands",
    "channel_shares",
    "mean_band",
    "size_class_adoption",
]
