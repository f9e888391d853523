"""EMA Workbench adapter: a districtlab scenario as an EMA model (optional extra ``ema``).

:func:`as_ema_model` exposes a scenario to the EMA Workbench 2.5 (the last line
that runs on Python 3.11): dotted parameter paths become its uncertainties
(what nobody controls: imitation, risk aversion...) and levers (what the
regional government sets: budget, targeting...), districtlab's scalar outcomes
its outcomes. EMA's sampling, evaluators and scenario discovery (PRIM, CART)
then work on it as on any EMA model::

    from ema_workbench import perform_experiments
    from ema_workbench.analysis import prim

    model = as_ema_model(scenario, uncertainties={"scale:technologies.*.imitation_strength": (0.5, 1.5)},
                         levers={"programme.budget_eur_per_year": (1e5, 1e6)}, outcomes=["laggard_share"], rng=1)
    experiments, outcomes = perform_experiments(model, scenarios=sample_scenarios(model, 100, rng=2), policies=4)
    box = prim.Prim(experiments[model_parameter_names(model)], outcomes["laggard_share"] > 0.6, threshold=0.8).find_box()

EMA requires names that are Python identifiers: ``programme.budget_eur_per_year``
is called ``programme__budget_eur_per_year`` there (:func:`ema_name`), and
``model.function.paths`` maps the names back.

Seeds: the model records one root seed, and every call runs through
:func:`~districtlab.experiments.run_scenarios` under its seed rule
(:mod:`districtlab.experiments.plan`): replication r of *every* experiment
uses ``SeedSequence(entropy, spawn_key=(*spawn_key, r))``, common random numbers,
so differences between experiments come from the parameters. With
``replications > 1`` the model is a ``ReplicatorModel`` and each outcome is the
mean over replications. EMA's own samplers draw from numpy's global random
state; :func:`sample_scenarios` and :func:`sample_policies` draw seeded Latin
hypercube points instead.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
from scipy.stats import qmc

from districtlab._rng import RNGLike, as_seed_sequence
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.parameters import check_range, check_value, scenario_with
from districtlab.experiments.runner import run_scenarios
from districtlab.experiments.summary import check_outcomes
from districtlab.io.values import python_value

DEFAULT_OUTCOMES = ("new_adopters", "laggard_share", "adoption_share_mean", "programme_spend_eur")
ParameterSpec = tuple[float, float] | Sequence[Any]


def import_ema_workbench() -> ModuleType:
    """Import ``ema_workbench``, silencing its import-time warning about the optional ipyparallel evaluator."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
            import ema_workbench
    except ImportError:
        raise InputError(
            "the EMA Workbench is not installed: pip install 'districtlab[ema]' (ema-workbench 2.5.x)"
        ) from None
    return ema_workbench


def ema_name(key: str) -> str:
    """The identifier EMA knows a parameter key or an outcome by.

    Examples
    --------
    >>> ema_name("programme.budget_eur_per_year")
    'programme__budget_eur_per_year'
    >>> ema_name("scale:technologies.*.imitation_strength")
    'scale_technologies__all__imitation_strength'
    >>> ema_name("programmes.place-based.budget_eur_per_year")
    'programmes__place_based__budget_eur_per_year'
    """
    name = key.replace("scale:", "scale_").replace(".*.", ".all.").replace("*", "all").replace(".", "__")
    name = re.sub(r"\W", "_", name)
    return f"p_{name}" if name[:1].isdigit() else name


@dataclass(frozen=True)
class EmaFunction:
    """What EMA calls: parameter values by EMA name in, outcomes by EMA name out (picklable).

    Attributes
    ----------
    base
        The scenario the parameters change.
    paths
        EMA name -> districtlab parameter key.
    outcomes
        EMA name -> districtlab outcome.
    entropy, spawn_key
        The root seed; replication r runs with ``SeedSequence(entropy, spawn_key=(*spawn_key, r))``.
    """

    base: Scenario
    paths: dict[str, str]
    outcomes: dict[str, str]
    entropy: int
    spawn_key: tuple[int, ...]

    def __call__(self, replication: int = 0, **values: Any) -> dict[str, float]:
        unknown = set(values) - self.paths.keys()
        if unknown:
            raise TypeError(f"unexpected parameters {sorted(unknown)}")
        changes = {self.paths[name]: python_value(value) for name, value in values.items()}
        scenario = scenario_with(self.base, changes, label="EMA experiment")
        replication = int(replication)
        result = run_scenarios(
            [scenario],
            replications=replication + 1,
            rng=np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key),
            only_replications=(replication,),
        )
        (run,) = result.runs
        return {name: run.outcomes[outcome] for name, outcome in self.outcomes.items()}


def _parameter(ema: ModuleType, scenario: Scenario, key: str, spec: ParameterSpec) -> Any:
    name = ema_name(key)
    if (
        isinstance(spec, tuple)
        and len(spec) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in spec)
    ):
        bounds = check_range(scenario, key, float(spec[0]), float(spec[1]))
        if bounds.kind == "int":
            return ema.IntegerParameter(name, int(spec[0]), int(spec[1]))
        return ema.RealParameter(name, float(spec[0]), float(spec[1]))
    values = list(spec)
    if not values:
        raise InputError("no value to choose from", field=key)
    for value in values:
        check_value(scenario, key, python_value(value))
    return ema.CategoricalParameter(name, values)


def as_ema_model(
    scenario: Scenario,
    *,
    uncertainties: Mapping[str, ParameterSpec] | None = None,
    levers: Mapping[str, ParameterSpec] | None = None,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    replications: int = 1,
    rng: RNGLike = None,
    name: str = "districtlab",
) -> Any:
    """An ``ema_workbench.Model`` (or ``ReplicatorModel``) that runs ``scenario``.

    Parameters
    ----------
    scenario
        The base scenario.
    uncertainties, levers
        Parameter key -> ``(low, high)`` for a real (or integer, if the field is
        an integer) parameter, or a list of values for a categorical one.
        Ranges and values are checked against the configuration types.
    outcomes
        districtlab scalar outcomes to report (``RunResult.outcomes()`` names).
    replications
        Runs per experiment; above 1, outcomes are means over the replications.
    rng
        Root seed of every run (``None``: fresh entropy, kept in ``model.function.entropy``).
    name
        The model's name (letters and digits only, as EMA requires).
    """
    ema = import_ema_workbench()
    if replications < 1:
        raise InputError(f"replications must be at least 1, got {replications}")
    if not name.isalnum():
        raise InputError(f"an EMA model name has letters and digits only, got {name!r}")
    uncertainties, levers = dict(uncertainties or {}), dict(levers or {})
    both = set(uncertainties) & set(levers)
    if both:
        raise InputError("is both an uncertainty and a lever", field=sorted(both)[0])
    keys = [*uncertainties, *levers]
    if not keys:
        raise InputError("an EMA model needs at least one uncertainty or lever")
    names = {ema_name(key): key for key in keys}
    if len(names) != len(keys):
        raise InputError("two parameter keys map to the same EMA name; rename one")
    if not outcomes:
        raise InputError("an EMA model needs at least one outcome")
    check_outcomes(scenario, outcomes)
    root = as_seed_sequence(rng)
    entropy = root.entropy
    assert isinstance(entropy, int)
    function = EmaFunction(
        base=scenario,
        paths=names,
        outcomes={ema_name(outcome): outcome for outcome in outcomes},
        entropy=entropy,
        spawn_key=tuple(int(k) for k in root.spawn_key),
    )
    if replications == 1:
        model = ema.Model(name, function=function)
    else:
        model = ema.ReplicatorModel(name, function=function)
        model.replications = [{"replication": r} for r in range(replications)]
    model.uncertainties = [_parameter(ema, scenario, key, spec) for key, spec in uncertainties.items()]
    model.levers = [_parameter(ema, scenario, key, spec) for key, spec in levers.items()]
    aggregate = np.mean if replications > 1 else None
    model.outcomes = [ema.ScalarOutcome(ema_name(outcome), function=aggregate) for outcome in outcomes]
    return model


def model_parameter_names(model: Any) -> list[str]:
    """EMA names of a model's uncertainties and levers (the columns of its experiments table)."""
    return [parameter.name for parameter in (*model.uncertainties, *model.levers)]


def _points(parameters: Sequence[Any], n: int, rng: RNGLike, cls: type, prefix: str) -> list[Any]:
    if n < 1:
        raise InputError(f"at least 1 point is needed, got {n}")
    if not parameters:
        raise InputError(f"the model has no {prefix}s to sample")
    unit = qmc.LatinHypercube(d=len(parameters), rng=np.random.default_rng(as_seed_sequence(rng))).random(n)
    points = []
    for row_index, row in enumerate(unit):
        values = {}
        for parameter, u in zip(parameters, row, strict=True):
            if hasattr(parameter, "categories"):
                categories = [category.value for category in parameter.categories]
                values[parameter.name] = categories[min(int(u * len(categories)), len(categories) - 1)]
            elif type(parameter).__name__ == "IntegerParameter":
                low, high = int(parameter.lower_bound), int(parameter.upper_bound)
                values[parameter.name] = min(low + int(u * (high - low + 1)), high)
            else:
                values[parameter.name] = float(
                    parameter.lower_bound + u * (parameter.upper_bound - parameter.lower_bound)
                )
        points.append(cls(f"{prefix}{row_index}", **values))
    return points


def sample_scenarios(model: Any, n: int, *, rng: RNGLike = None) -> list[Any]:
    """``n`` seeded Latin hypercube points over the model's uncertainties, as EMA ``Scenario`` objects."""
    return _points(model.uncertainties, n, rng, import_ema_workbench().Scenario, "scenario")


def sample_policies(model: Any, n: int, *, rng: RNGLike = None) -> list[Any]:
    """``n`` seeded Latin hypercube points over the model's levers, as EMA ``Policy`` objects."""
    return _points(model.levers, n, rng, import_ema_workbench().Policy, "policy")


__all__ = [
    "EmaFunction",
    "as_ema_model",
    "ema_name",
    "import_ema_workbench",
    "model_parameter_names",
    "sample_policies",
    "sample_scenarios",
]
