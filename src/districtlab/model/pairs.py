"""(firm, technology) pairs addressed by flat index, with their firm and technology split out once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class Pairs:
    """Pairs as flat indices ``firm * K + technology``, and the two parts.

    Submodels gather per-pair values from flat views of firms x technologies
    arrays, per-firm values by ``firm`` and per-technology constants by
    ``tech``; splitting once saves repeating the division in every submodel.
    """

    flat: NDArray[np.int64]
    firm: NDArray[np.int64]
    tech: NDArray[np.int64]

    @classmethod
    def of(cls, flat: NDArray[np.int64], n_technologies: int) -> Pairs:
        # floor division by a scalar is several times faster than np.divmod or %
        firm = flat // n_technologies
        return cls(flat, firm, flat - firm * n_technologies)

    @property
    def size(self) -> int:
        return int(self.flat.size)
