"""Record every call to the model's ``adopt`` with the stages the pairs had when they adopted."""

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

    saved = [module.adopt for module in CALLERS]
    for module in CALLERS:
        module.adopt = recording_adopt  # type: ignore[attr-defined]
    try:
        yield calls
    finally:
        for module, value in zip(CALLERS, saved, strict=True):
            module.adopt = value  # type: ignore[attr-defined]
