"""Experiments: designs, replications with common random numbers, a results store, comparisons and sensitivity.

* :func:`run_scenarios` runs a design's scenarios with replications on any
  :class:`concurrent.futures.Executor`, optionally into an experiment directory
  (:class:`ExperimentStore`) that survives being killed and resumes;
* designs over dotted parameter paths: :func:`full_factorial`,
  :func:`latin_hypercube`, :func:`sobol_design`, :func:`design_from_table`;
* :func:`compare`: means and paired differences with confidence intervals, and
  the replications needed for a target precision;
* :func:`audit`: the falsification suite of a district's place-based design
  (:mod:`districtlab.experiments.audit`); :func:`match_spend` brings two designs to
  equal realised public spend (:mod:`districtlab.experiments.spend`);
* :func:`morris` and :func:`sobol`: sensitivity indices with SALib
  (:mod:`districtlab.experiments.sensitivity`);
* :func:`~districtlab.experiments.ema.as_ema_model`: the EMA Workbench adapter
  (optional extra ``ema``).
"""

from districtlab.experiments.audit import AuditResult, AuditTable, audit
from districtlab.experiments.compare import (
    Comparison,
    compare,
    cost_per_additional,
    fieller_ratio,
    paired_differences,
    replications_needed,
    scenario_means,
)
from districtlab.experiments.designs import (
    Design,
    design_from_table,
    full_factorial,
    latin_hypercube,
    sobol_design,
)
from districtlab.experiments.parameters import check_range, known_paths, parameter_bounds, scenario_with
from districtlab.experiments.plan import ExperimentPlan, RunSpec
from districtlab.experiments.runner import ExperimentResult, RunCache, run_scenarios
from districtlab.experiments.spend import SpendMatch, match_spend, spends_match
from districtlab.experiments.store import ExperimentStore
from districtlab.experiments.summary import RunSummary

__all__ = [
    "AuditResult",
    "AuditTable",
    "Comparison",
    "Design",
    "ExperimentPlan",
    "ExperimentResult",
    "ExperimentStore",
    "RunCache",
    "RunSpec",
    "RunSummary",
    "SpendMatch",
    "audit",
    "check_range",
    "compare",
    "cost_per_additional",
    "design_from_table",
    "fieller_ratio",
    "full_factorial",
    "known_paths",
    "latin_hypercube",
    "match_spend",
    "paired_differences",
    "parameter_bounds",
    "replications_needed",
    "run_scenarios",
    "scenario_means",
    "scenario_with",
    "sobol_design",
    "spends_match",
]
