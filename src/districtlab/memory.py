"""Size guards: estimate the memory a district or a design needs, and refuse in one line what cannot fit.

Without them, a 30-million-firm scenario or a ``--param x=0:1:1000000000``
design passes validation and dies minutes later with ``MemoryError``. The
estimates are upper-bound-ish figures measured with :mod:`tracemalloc`
(``python benchmarks/...`` is not needed: the measurement is described on each
constant) and compared with the memory the machine has available now.

Override: set ``DISTRICTLAB_MEMORY_LIMIT`` to a size (``64G``, ``512M``,
``2000000000``) to compare against that instead of the available memory, or to
``off`` to skip the guard.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from districtlab.errors import InputError
from districtlab.i18n.translate import N_

if TYPE_CHECKING:
    from districtlab.config import Scenario

#: Environment variable that overrides the available memory (a size, or "off").
MEMORY_LIMIT_VARIABLE = "DISTRICTLAB_MEMORY_LIMIT"

#: Bytes per firm besides its technologies. Peak traced memory of one run (tracemalloc) was
#: 1,750-2,230 bytes per firm at 8 technologies (toy-valley and castellon-ceramics presets,
#: 5,000-80,000 firms, 12 months); 600 + 250 x 8 = 2,600 leaves a margin.
BYTES_PER_FIRM = 600
#: Bytes per firm and technology (states, clocks, thresholds, tallies).
BYTES_PER_FIRM_TECHNOLOGY = 250
#: Bytes per network tie (sparse matrices in both directions, and the arrays they are built from).
BYTES_PER_TIE = 48
#: Bytes per step and technology of a finished run kept in memory (``districtlab run`` keeps every
#: replication's trajectory): 555-595 measured (tracemalloc, 20 runs of 200 firms, 24 and 120 months).
BYTES_PER_RESULT_STEP_TECHNOLOGY = 700
#: Bytes per design point (its changes, its row of the design table, its share of experiment.json):
#: 3,000-5,300 measured for factorial designs of 1,000-4,000 points with 10 replications.
BYTES_PER_DESIGN_POINT = 6_000
#: Bytes per run of an experiment plan (run list, spawn keys, its entry in experiment.json).
BYTES_PER_PLANNED_RUN = 300


def parse_size(text: str) -> int:
    """Bytes of a size such as ``"64G"``, ``"512M"``, ``"1.5GiB"`` or ``"2000000"``."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", text, flags=re.IGNORECASE)
    if match is None:
        raise InputError(f"{MEMORY_LIMIT_VARIABLE}={text!r}: write a size such as 64G or 512M, or off")
    scale = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[match.group(2).lower()]
    return int(float(match.group(1)) * scale)


def available_memory() -> int | None:
    """Bytes this process may still allocate: ``DISTRICTLAB_MEMORY_LIMIT``, else what the OS reports available.

    None when the guard is off or the figure cannot be read.
    """
    override = os.environ.get(MEMORY_LIMIT_VARIABLE, "").strip()
    if override.lower() in ("off", "none", "0"):
        return None
    if override:
        return parse_size(override)
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return None


def district_bytes(scenario: Scenario) -> int:
    """Estimated peak memory of one run of ``scenario``: its firms, technologies and network ties."""
    firms = scenario.n_firms
    technologies = len(scenario.technologies)
    networks = scenario.networks
    ties_per_firm = max(networks.suppliers_per_buyer.as_tuple()) + (
        networks.peer_degree if networks.peer_kind == "random" else 0.0
    )
    return int(
        firms * (BYTES_PER_FIRM + BYTES_PER_FIRM_TECHNOLOGY * technologies)
        + firms * ties_per_firm * BYTES_PER_TIE
    )


def results_bytes(scenario: Scenario, replications: int) -> int:
    """Estimated memory of ``replications`` finished runs of ``scenario`` held at once (their trajectories)."""
    return int(
        replications * scenario.n_steps * len(scenario.technologies) * BYTES_PER_RESULT_STEP_TECHNOLOGY
    )


def design_bytes(points: float, replications: int = 1) -> int:
    """Estimated memory of an experiment plan of ``points`` design points with ``replications`` each."""
    return int(points * BYTES_PER_DESIGN_POINT + points * replications * BYTES_PER_PLANNED_RUN)


def format_bytes(size: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size / 1e3:,.0f} kB"


def require_memory(needed: float, what: str) -> None:
    """Raise :class:`InputError` (one line, with the estimate) when ``needed`` bytes exceed the memory available."""
    available = available_memory()
    if available is not None and needed > available:
        raise InputError(
            N_(
                "{what} needs about {needed} of memory and {available} is available; make it smaller, or set "
                "{variable}=off to try anyway"
            ),
            values={
                "what": what,
                "needed": format_bytes(needed),
                "available": format_bytes(available),
                "variable": MEMORY_LIMIT_VARIABLE,
            },
        )


__all__ = [
    "MEMORY_LIMIT_VARIABLE",
    "available_memory",
    "design_bytes",
    "district_bytes",
    "format_bytes",
    "parse_size",
    "require_memory",
    "results_bytes",
]
