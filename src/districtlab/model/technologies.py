"""Technology parameters as arrays, and the absorptive-capacity gate u(a, c)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.config import Technology


@dataclass(frozen=True)
class TechnologyArrays:
    """One entry per technology (struct of arrays)."""

    names: tuple[str, ...]
    cost_fixed: NDArray[np.float64]
    cost_per_employee: NDArray[np.float64]
    complexity: NDArray[np.float64]
    relevance: NDArray[np.float64]
    benefit_share: NDArray[np.float64]
    risk: NDArray[np.float64]
    awareness_hazard: NDArray[np.float64]
    learning_hazard: NDArray[np.float64]
    imitation_strength: NDArray[np.float64]
    initial_awareness: NDArray[np.float64]
    initial_adoption: NDArray[np.float64]  # technologies x size classes

    @property
    def k(self) -> int:
        return len(self.names)

    def copy(self) -> TechnologyArrays:
        """The same arrays, copied (a run may be handed them to keep)."""
        return TechnologyArrays(self.names, *(getattr(self, name).copy() for name in _ARRAY_FIELDS))

    @classmethod
    def from_config(cls, technologies: tuple[Technology, ...]) -> TechnologyArrays:
        def column(field: str) -> NDArray[np.float64]:
            return np.array([getattr(t, field) for t in technologies], dtype=np.float64)

        return cls(
            names=tuple(t.name for t in technologies),
            cost_fixed=column("cost_fixed_eur"),
            cost_per_employee=column("cost_per_employee_eur"),
            complexity=column("complexity"),
            relevance=column("relevance"),
            benefit_share=column("benefit_share"),
            risk=column("risk"),
            awareness_hazard=column("awareness_hazard"),
            learning_hazard=column("learning_hazard"),
            imitation_strength=column("imitation_strength"),
            initial_awareness=column("initial_awareness"),
            initial_adoption=np.array(
                [t.initial_adoption.as_tuple() for t in technologies], dtype=np.float64
            ),
        )


_ARRAY_FIELDS = tuple(name for name in TechnologyArrays.__dataclass_fields__ if name != "names")


def absorptive_gate(
    absorptive_capacity: NDArray[np.float64], complexity: NDArray[np.float64], scale: float
) -> NDArray[np.float64]:
    """u(a, c) = logistic((a - c) / s): can a firm with capacity a take in a technology of complexity c?

    Broadcasts firms (as a column) against technologies (as a row).
    """
    z = (absorptive_capacity[:, None] - complexity[None, :]) / scale
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic, without overflow for large |z|
