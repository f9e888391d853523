"""Experiments: replications with common random numbers, comparisons and their confidence intervals."""

from districtlab.experiments.compare import compare, cost_per_additional, fieller_ratio
from districtlab.experiments.runner import ExperimentResult, run_scenarios
from districtlab.experiments.summary import RunSummary

__all__ = ["ExperimentResult", "RunSummary", "compare", "cost_per_additional", "fieller_ratio", "run_scenarios"]
