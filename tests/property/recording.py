"""Record every adoption the model makes with the stages the pairs had when they adopted.

Adoptions go through ``state.adopt`` (month 0, immediate adoption) or through the adoption
decision's kernel (``kernels.decide_and_adopt_with``, which adopts the pairs it decides): both
are recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from districtlab.model import adoption, simulate, state
from districtlab.model.state import CHANNEL, KNOWLEDGEABLE

#: Modules that call ``adopt`` (imported by name, so each needs patching).
CALLERS = (adoption, simulate)


@contextmanager
def recording_adoptions() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []
    original = state.adopt

    def recording_adopt(district_state, firms, visible, firm, tech, channel, *args, **kwargs):  # type: ignore[no-untyped-def]
        below = district_state.stage[firm, tech] < KNOWLEDGEABLE
        calls.append(
            {
                "below_knowledgeable": bool(below.any()),
                "initial": bool(np.all(channel[below] == CHANNEL["initial"])),
            }
        )
        return original(district_state, firms, visible, firm, tech, channel, *args, **kwargs)

    decide_and_adopt, handle = adoption.decide_and_adopt_with, adoption.adoption_handle
    deciding: list[Any] = []  # the state whose decision is under way (the handle is fetched first)

    def recording_handle(data, district_state, *args):  # type: ignore[no-untyped-def]
        deciding[:] = [district_state]
        return handle(data, district_state, *args)

    def recording_decide_and_adopt(*args, **kwargs):  # type: ignore[no-untyped-def]
        stage = deciding[0].stage_flat.copy()  # the stages before the call
        result = decide_and_adopt(*args, **kwargs)
        adopted = result[0][: result[1]]  # the pairs marked start with the pairs adopted
        below = stage[adopted] < KNOWLEDGEABLE  # a decision is never "initial"
        calls.append({"below_knowledgeable": bool(below.any()), "initial": not below.any()})
        return result

    saved = [module.adopt for module in CALLERS]
    for module in CALLERS:
        module.adopt = recording_adopt  # type: ignore[attr-defined]
    adoption.decide_and_adopt_with = recording_decide_and_adopt  # type: ignore[assignment]
    adoption.adoption_handle = recording_handle  # type: ignore[assignment]
    try:
        yield calls
    finally:
        for module, value in zip(CALLERS, saved, strict=True):
            module.adopt = value  # type: ignore[attr-defined]
        adoption.decide_and_adopt_with = decide_and_adopt  # type: ignore[assignment]
        adoption.adoption_handle = handle  # type: ignore[assignment]
