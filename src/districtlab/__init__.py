"""districtlab: Industry 4.0 diffusion through industrial districts and their RTIs.

The public API: load a scenario, simulate it, and read tidy results; run
experiments and compare programmes.

>>> import districtlab
>>> districtlab.list_presets()
('castellon-ceramics', 'toy-valley', 'vinalopo-footwear')
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from districtlab._version import __version__
from districtlab.config import Scenario
from districtlab.presets import list_presets, load_scenario
from districtlab.results import RunResult
from districtlab.simulation import bass_scenario, simulate

if TYPE_CHECKING:  # the names of _LAZY, for type checkers and editors
    from districtlab.calibration import Posterior as Posterior
    from districtlab.calibration import calibrate as calibrate
    from districtlab.experiments import ExperimentResult as ExperimentResult
    from districtlab.experiments import run_scenarios as run_scenarios
    from districtlab.experiments.audit import audit as audit
    from districtlab.experiments.compare import compare as compare
    from districtlab.networks import network_of as network_of


#: Public names imported on first use (PEP 562): the experiments stack loads scipy.stats,
#: DuckDB and SALib, and networkx comes with network_of; a single run needs none of them.
_LAZY = {
    "Posterior": "districtlab.calibration",
    "calibrate": "districtlab.calibration",
    "ExperimentResult": "districtlab.experiments",
    "audit": "districtlab.experiments.audit",
    "compare": "districtlab.experiments",
    "run_scenarios": "districtlab.experiments",
    "network_of": "districtlab.networks",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'districtlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "ExperimentResult",
    "Posterior",
    "RunResult",
    "Scenario",
    "__version__",
    "audit",
    "bass_scenario",
    "calibrate",
    "compare",
    "list_presets",
    "load_scenario",
    "network_of",
    "run_scenarios",
    "simulate",
]
