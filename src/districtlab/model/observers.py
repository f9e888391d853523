"""What a run records at every step (ODD.md §II.x), into arrays allocated once.

Row 0 is the state at month 0; row t + 1 the state at the end of step t. Flows
(spending, units delivered) are per step; everything else is a level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.config import ROLES, SIZE_CLASSES
from districtlab.model.context import RunData, Step
from districtlab.model.kernels import RowArrays, record_row_at, row_arrays
from districtlab.model.programmes import PROGRAMME_SLOTS, SPEND_LINES, UNIT_LINES
from districtlab.model.state import CHANNELS, DistrictState


@dataclass(frozen=True)
class Observations:
    """Everything recorded in one run, as plain arrays (see the module docstring for rows)."""

    technology_names: tuple[str, ...]
    programme_names: tuple[str, ...]  # per slot; "" where the slot is empty
    dt: float
    firms_by_group: NDArray[np.int64]  # size classes x roles
    priorities: NDArray[np.float64]  # slots x technologies (0 where a slot is empty)
    adopted: NDArray[np.int64]  # steps+1 x technologies x size classes x roles
    at_least: NDArray[np.int64]  # steps+1 x 4 x technologies: pairs at stage >= level
    maturity_histogram: NDArray[np.int64]  # steps+1 x (technologies + 1)
    adoptions_by_channel: NDArray[np.int64]  # steps+1 x channels x technologies x size classes
    engaged: NDArray[np.int64]  # steps+1 x size classes: firms that have dealt with the RTI
    rti_competence: NDArray[np.float64]  # steps+1 x technologies
    absorptive_capacity: NDArray[np.float64]  # steps+1 x size classes, mean
    legitimacy: NDArray[np.float64]  # steps+1 x technologies, L_k used during the step
    released: NDArray[np.float64]  # steps+1 x slots: budget made available, per step
    spend: NDArray[np.float64]  # steps+1 x slots x spend lines, per step
    units: NDArray[np.float64]  # steps+1 x slots x unit lines, per step
    firms_adopting: NDArray[np.int64]  # steps+1 x size classes: firms with at least one technology
    adoptions_by_knowledge: NDArray[np.int64]  # steps+1 x channels x size classes: by knowledge channel
    knowledge_by_channel: NDArray[np.int64]  # steps+1 x channels x size classes: pairs made knowledgeable
    private_spend: NDArray[np.float64]  # steps+1 x slots: firms' own spending, per step
    post_programme_spend: NDArray[np.float64]  # steps+1 x slots: RTI running costs after the programme

    @property
    def n_steps(self) -> int:
        return int(self.adopted.shape[0] - 1)

    @property
    def n_firms(self) -> int:
        return int(self.firms_by_group.sum())


class Recorder:
    """Fills an :class:`Observations` row by row."""

    def __init__(
        self, data: RunData, n_steps: int, programme_names: tuple[str, ...], priorities: NDArray[np.float64]
    ) -> None:
        k, s, r = data.technologies.k, len(SIZE_CLASSES), len(ROLES)
        rows = n_steps + 1
        self._data = data
        firms = data.firms
        self._firms_per_size = np.bincount(firms.size_class, minlength=s).astype(np.float64)
        group = np.bincount(firms.size_class.astype(np.int64) * r + firms.role, minlength=s * r)
        group = group.astype(np.int64, copy=False).reshape(s, r)  # firms per size class x role
        self.observations = Observations(
            technology_names=data.technologies.names,
            programme_names=programme_names,
            dt=data.dt,
            firms_by_group=group,
            priorities=priorities,
            adopted=np.zeros((rows, k, s, r), dtype=np.int64),
            at_least=np.zeros((rows, 4, k), dtype=np.int64),
            maturity_histogram=np.zeros((rows, k + 1), dtype=np.int64),
            adoptions_by_channel=np.zeros((rows, len(CHANNELS), k, s), dtype=np.int64),
            engaged=np.zeros((rows, s), dtype=np.int64),
            rti_competence=np.zeros((rows, k)),
            absorptive_capacity=np.zeros((rows, s)),
            legitimacy=np.zeros((rows, k)),
            released=np.zeros((rows, len(PROGRAMME_SLOTS))),
            spend=np.zeros((rows, len(PROGRAMME_SLOTS), len(SPEND_LINES))),
            units=np.zeros((rows, len(PROGRAMME_SLOTS), len(UNIT_LINES))),
            firms_adopting=np.zeros((rows, s), dtype=np.int64),
            adoptions_by_knowledge=np.zeros((rows, len(CHANNELS), s), dtype=np.int64),
            knowledge_by_channel=np.zeros((rows, len(CHANNELS), s), dtype=np.int64),
            private_spend=np.zeros((rows, len(PROGRAMME_SLOTS))),
            post_programme_spend=np.zeros((rows, len(PROGRAMME_SLOTS))),
        )
        o = self.observations
        self._row_state: DistrictState | None = None  # what the handle of record_row_at was built on
        self._row_step: Step | None = None
        self._row_handle: RowArrays | None = None
        # steps+1 x flat views of the many-dimensional tallies, for the compiled recorder
        self._flat_rows = {
            name: getattr(o, name).reshape(rows, -1)
            for name in (
                "adopted",
                "at_least",
                "adoptions_by_channel",
                "adoptions_by_knowledge",
                "knowledge_by_channel",
                "spend",
                "units",
            )
        }

    def record(self, row: int, state: DistrictState, step: Step | None) -> None:
        """Row ``row``: the levels of ``state`` and, after a step, the step's flows (one kernel call)."""
        handle = self._row_handle
        if (
            handle is None
            or state is not self._row_state
            or (step is not None and step is not self._row_step)
        ):
            handle = self._row_handle = self._row_arrays(state, self._data.step if step is None else step)
        record_row_at(row, state.rti_competence, step is not None, handle)

    def _row_arrays(self, state: DistrictState, step: Step) -> RowArrays:
        """What :func:`~districtlab.model.kernels.record_row_at` takes after the RTI's competence, as one handle.

        Every entry is an array of the observations, of ``state`` or of ``step`` updated
        in place (a run keeps one :class:`~districtlab.model.context.Step`), so the handle
        is built once per run.
        """
        o, rows = self.observations, self._flat_rows
        self._row_state, self._row_step = state, step
        return row_arrays(
            rows["adopted"],
            state.adopted_by_group.reshape(-1),
            rows["at_least"],
            state.stage_counts_flat,
            o.maturity_histogram,
            state.maturity_histogram,
            rows["adoptions_by_channel"],
            state.adoptions_by_channel.reshape(-1),
            o.firms_adopting,
            state.firms_adopting_by_size,
            rows["adoptions_by_knowledge"],
            state.adoptions_by_knowledge.reshape(-1),
            rows["knowledge_by_channel"],
            state.knowledge_by_channel.reshape(-1),
            o.rti_competence,
            o.absorptive_capacity,
            state.absorptive_capacity,
            self._data.firms.size_class,
            self._firms_per_size,
            o.engaged,
            state.engaged_by_size,
            o.legitimacy,
            o.released,
            rows["spend"],
            rows["units"],
            o.private_spend,
            o.post_programme_spend,
            step.legitimacy,
            step.released,
            step.spend.reshape(-1),
            step.units.reshape(-1),
            step.private,
            step.post_programme,
        )
