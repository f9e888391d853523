"""One-at-a-time elasticities around a design: which parameters move an outcome most.

A parameter p is set to p(1 - delta) and p(1 + delta), everything else kept,
and the design is run at both points and at p with common random numbers. The
elasticity of outcome Y in replication r is

    (Y_r(p(1 + delta)) - Y_r(p(1 - delta))) / (2 delta mean_r Y_r(p)),

the percent change in Y for a one-percent change in p, read locally; its 95%
interval is the t interval over replications. It is a local screening, not a
global sensitivity analysis: it says nothing about interactions, and a
parameter's elasticity can change sign far from the design.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import ValidationError

from districtlab.config import Scenario
from districtlab.experiments import ExperimentResult
from districtlab.experiments.compare import mean_interval

CENTRE = "design"


@dataclass(frozen=True)
class Parameter:
    """A numeric field of the scenario, by its dotted path."""

    path: str
    label: str

    def value(self, scenario: Scenario) -> Any:
        node: Any = scenario
        for part in self.path.split("."):
            node = getattr(node, part)
        return node

    def set(self, scenario: Scenario, value: float) -> Scenario:
        """A validated copy of ``scenario`` with this parameter at ``value`` (integers are rounded)."""
        document = scenario.model_dump()
        node = document
        *parents, leaf = self.path.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = (
            round(value) if isinstance(node[leaf], int) and not isinstance(node[leaf], bool) else value
        )
        return Scenario.model_validate(document)


#: Parameters a workshop can act on (the programme, the RTI) and two it cannot (the networks).
PARAMETERS = (
    Parameter("programme.budget_eur_per_year", "programme budget (EUR/year)"),
    Parameter("programme.duration_months", "programme duration (months)"),
    Parameter("programme.codesign.participation_breadth", "co-design participation breadth"),
    Parameter("rti.staff_fte", "RTI staff (FTE)"),
    Parameter("rti.transfer_staff_share", "RTI staff share for transfer"),
    Parameter("networks.supply_weight", "weight of supply ties"),
    Parameter("networks.peer_weight", "weight of peer ties"),
    Parameter("behaviour.legitimacy_bonus", "legitimacy bonus"),
)


def point_name(parameter: Parameter, sign: int) -> str:
    return f"{parameter.path} {'+' if sign > 0 else '-'}"


def oat_designs(
    scenario: Scenario, parameters: tuple[Parameter, ...], delta: float
) -> tuple[dict[str, Scenario], list[str]]:
    """The centre and the low and high point of every parameter that can move there.

    Returns the designs and, for the parameters left out (absent from this
    scenario, zero, or not valid at a point), why.
    """
    designs = {CENTRE: scenario}
    skipped = []
    for parameter in parameters:
        try:
            value = parameter.value(scenario)
        except AttributeError:
            skipped.append(f"{parameter.label}: not in this design")
            continue
        if value is None or not value:
            skipped.append(f"{parameter.label}: zero or absent in this design")
            continue
        try:
            points = {
                point_name(parameter, sign): parameter.set(scenario, value * (1 + sign * delta))
                for sign in (-1, 1)
            }
        except ValidationError as error:
            skipped.append(f"{parameter.label}: {error.errors()[0]['msg']} at ±{delta:.0%}")
            continue
        designs.update(points)
    return designs, skipped


def elasticities(
    result: ExperimentResult, parameters: tuple[Parameter, ...], delta: float, outcome: str
) -> pd.DataFrame:
    """Elasticity of ``outcome`` to each parameter run in ``result``, with its 95% interval, largest first."""
    table = result.outcomes().pivot(index="replication", columns="scenario", values=outcome)
    centre = float(table[CENTRE].mean())
    rows = []
    for parameter in parameters:
        low, high = point_name(parameter, -1), point_name(parameter, 1)
        if low not in table or centre == 0:
            continue
        per_run = (table[high] - table[low]) / (2 * delta * centre)
        mean, _, ci_low, ci_high = mean_interval(per_run.to_numpy(dtype=float), 0.95)
        rows.append(
            {
                "parameter": parameter.label,
                "path": parameter.path,
                "elasticity": mean,
                "ci_low": ci_low,
                "ci_high": ci_high,
            }
        )
    frame = pd.DataFrame(rows, columns=["parameter", "path", "elasticity", "ci_low", "ci_high"])
    return frame.reindex(frame["elasticity"].abs().sort_values(ascending=False).index).reset_index(drop=True)
