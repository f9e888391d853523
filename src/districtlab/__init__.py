"""districtlab: Industry 4.0 diffusion through industrial districts and their RTIs.

The public API: load a scenario, simulate it, and read tidy results.

>>> import districtlab
>>> districtlab.list_presets()
('castellon-ceramics', 'toy-valley', 'vinalopo-footwear')
"""

from importlib.metadata import PackageNotFoundError, version

from districtlab.config import Scenario
from districtlab.experiments import ExperimentResult, compare, run_scenarios
from districtlab.networks import network_of
from districtlab.presets import list_presets, load_scenario
from districtlab.results import RunResult
from districtlab.simulation import bass_scenario, simulate

try:
    __version__ = version("districtlab")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "ExperimentResult",
    "RunResult",
    "Scenario",
    "__version__",
    "bass_scenario",
    "compare",
    "list_presets",
    "load_scenario",
    "network_of",
    "run_scenarios",
    "simulate",
]
