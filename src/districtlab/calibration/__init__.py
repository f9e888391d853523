"""Calibration: fit the model to adoption data with ABC-SMC (pyabc), and predict with the posterior.

>>> from districtlab.calibration import load_targets
>>> load_targets("spain-2014-2020").technologies
('additive', 'cloud_erp', 'robotics')
"""

from districtlab.calibration.abc import Settings
from districtlab.calibration.api import calibrate, problem_for
from districtlab.calibration.posterior import Posterior
from districtlab.calibration.priors import prior_table, priors_for
from districtlab.calibration.simulator import Calendar
from districtlab.calibration.store import load_posterior
from districtlab.calibration.targets import Targets, load_targets, parse_targets

__all__ = [
    "Calendar",
    "Posterior",
    "Settings",
    "Targets",
    "calibrate",
    "load_posterior",
    "load_targets",
    "parse_targets",
    "prior_table",
    "priors_for",
    "problem_for",
]
