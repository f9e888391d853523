"""The falsification suite: tests that give the place-based thesis a fair chance to fail.

:func:`audit` takes a district scenario whose programmes table holds a
``place-based`` and a ``generic`` design and returns six tables, each with
paired 95 % confidence intervals and a summary in words:

(a) ``factorial``: the place-based design split into its four defining factors
    (instrument mix, targeting, technology priorities, co-design), each switched
    between its place-based and its generic setting: 2^4 cells, and the main
    effect of each factor;
(b) ``transplant``: each district's place-based design run on each district's
    structure (with the host's budget and calendar), and the *tailoring premium*:
    the native design minus the best foreign design;
(c) ``equal_spend``: place-based against generic at their documented budgets and
    at equal realised public spend (:func:`~districtlab.experiments.spend.match_spend`);
(d) ``knowledge_generic``: a generic programme (open call, generic priorities, no
    co-design) that buys the same knowledge instruments as the place-based one
    (events, diagnostics, training, projects) instead of grants;
(e) ``knockouts``: the place-based effect with each mechanism switched off, ranked
    by how much of the effect goes with it;
(f) ``horizons``: the designs' effects at months 36, 60 and 120.

The headline outcome is *additional adopting firms* (firms with at least one
technology, over no programme), next to additional firm × technology adoptions.
Every run goes through :func:`~districtlab.experiments.run_scenarios` with one root
seed, so replication r of every design in every table shares its seed (common
random numbers, the seed rule of :mod:`districtlab.experiments.plan`): any two
rows of any table built on the same district structure are paired.

This module is pure computation: scenarios in, tables out. Files, screens and
HTML are the command line's and the report's.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from districtlab._rng import RNGLike, as_seed_sequence
from districtlab.config import INSTRUMENTS, NO_PROGRAMME, Programme, Scenario
from districtlab.errors import InputError
from districtlab.experiments.compare import fieller_ratio, mean_interval
from districtlab.experiments.runner import ExperimentResult, Progress, run_scenarios
from districtlab.experiments.spend import (
    PUBLIC_SPEND,
    SAME_SPEND_TOLERANCE,
    SpendMatch,
    match_spend,
    spend_clause,
    spend_gap,
)
from districtlab.i18n.labels import LABELS
from districtlab.i18n.numbers import format_amount, format_percent, format_signed
from districtlab.i18n.translate import N_, gettext_for

CONFIDENCE = 0.95
PLACE_BASED = "place-based"
GENERIC = "generic"
#: Firms with at least one technology adopted (the headline outcome, as a difference over no programme).
ADOPTING_FIRMS = "firms_adopting"
#: Firm × technology adoptions during the run.
ADOPTIONS = "new_adopters"
#: The factors that define a place-based design, in the order of the factorial table.
FACTORS = ("instrument_mix", "targeting", "priorities", "codesign")
FACTOR_LABELS = {
    "instrument_mix": N_("instrument mix"),
    "targeting": N_("targeting"),
    "priorities": N_("technology priorities"),
    "codesign": N_("co-design"),
}
#: The instruments a knowledge-based generic programme buys instead of grants.
KNOWLEDGE_INSTRUMENTS = ("events", "diagnostics", "projects", "training")
#: Horizons of the horizon sweep (months).
HORIZONS = (36.0, 60.0, 120.0)
#: The six tables, in report order.
TABLES = ("factorial", "transplant", "equal_spend", "knowledge_generic", "knockouts", "horizons")


# -- plain language ---------------------------------------------------------------------------


def detectable(low: float, high: float) -> bool:
    """Whether an interval excludes zero (and is an interval at all)."""
    return math.isfinite(low) and math.isfinite(high) and (low > 0.0 or high < 0.0)


def describe(
    estimate: float, low: float, high: float, unit: str = "firms", digits: int = 1, *, language: str = "en"
) -> str:
    """An effect in words: the estimate with its interval, or "no detectable effect" when it spans zero.

    ``unit`` is written as given (pass it translated); ``language`` translates the rest and writes the numbers.

    Examples
    --------
    >>> describe(12.04, 5.0, 19.1)
    '+12.0 firms (95% CI +5.0 to +19.1)'
    >>> describe(1.2, -3.0, 5.4)
    'no detectable effect (+1.2 firms, 95% CI -3.0 to +5.4)'
    >>> describe(1.2, -3.0, 5.4, "empresas", language="es")
    'sin efecto detectable (+1,2 empresas, IC 95 % de -3,0 a +5,4)'
    """
    _ = gettext_for(language)
    shown = format_signed(estimate, language, decimals=digits)
    if not (math.isfinite(low) and math.isfinite(high)):
        return _("{estimate} {unit} (no interval)").format(estimate=shown, unit=unit)
    interval = _("95% CI {low} to {high}").format(
        low=format_signed(low, language, decimals=digits), high=format_signed(high, language, decimals=digits)
    )
    if detectable(low, high):
        return f"{shown} {unit} ({interval})"
    return _("no detectable effect ({estimate} {unit}, {interval})").format(
        estimate=shown, unit=unit, interval=interval
    )


# -- findings in words, written in the reader's language ---------------------------------------
#
# The tables' findings are built while the audit runs but read later, in the language of the report or
# the command line. They are therefore kept as English message ids (marked with N_ for extraction)
# with named placeholders and the numbers themselves; :meth:`Phrase.render` translates the template
# and writes the numbers (effects through :func:`describe`, percentages and factors through
# :mod:`districtlab.i18n.numbers`) only when a language is chosen.


@dataclass(frozen=True)
class Term:
    """A word or name from the catalogues (an English message id), translated when read."""

    msgid: str


@dataclass(frozen=True)
class Effect:
    """Additional adopting firms with their interval, written by :func:`describe`."""

    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class Percent:
    """A share (0–1) written as a percentage."""

    share: float
    decimals: int = 0


@dataclass(frozen=True)
class Number:
    """A plain number (a budget factor, a month) written with the language's decimal mark."""

    value: float
    decimals: int = -1


@dataclass(frozen=True)
class Spend:
    """The realised public spend behind a place-based–generic comparison (:func:`spend_clause`)."""

    place_based: float
    generic: float


@dataclass(frozen=True)
class Listing:
    """Parts joined by a separator ("; " between findings, ", " between names)."""

    items: tuple[Part, ...]
    separator: str = "; "


@dataclass(frozen=True)
class Phrase:
    """A translatable template (an English message id with named placeholders) and its values."""

    template: str
    values: Mapping[str, Part] = field(default_factory=dict)

    def render(self, language: str = "en") -> str:
        """The phrase in ``language``: template translated, values written for that language."""
        _ = gettext_for(language)
        return _(self.template).format(
            **{name: _render(value, language) for name, value in self.values.items()}
        )


Part = str | Term | Effect | Percent | Number | Spend | Listing | Phrase


def _render(part: Part, language: str) -> str:
    _ = gettext_for(language)
    if isinstance(part, str):  # a name the user or a preset gave (a district, a design, a cell): as it is
        return part
    if isinstance(part, Term):
        return _(part.msgid)
    if isinstance(part, Effect):
        return describe(part.estimate, part.low, part.high, _("firms"), language=language)
    if isinstance(part, Percent):
        return format_percent(part.share, language, decimals=part.decimals)
    if isinstance(part, Number):
        return format_amount(part.value, language, decimals=part.decimals)
    if isinstance(part, Spend):
        return spend_clause(_(PLACE_BASED), part.place_based, _(GENERIC), part.generic, language=language)
    if isinstance(part, Listing):
        return part.separator.join(_render(item, language) for item in part.items)
    return part.render(language)


@dataclass(frozen=True)
class Findings:
    """What a table (or the whole audit) finds: sentences, rendered in the reader's language."""

    sentences: tuple[Phrase, ...]

    def render(self, language: str = "en") -> str:
        """The sentences in ``language``, one after the other."""
        return " ".join(sentence.render(language) for sentence in self.sentences)


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditTable:
    """One table of the audit: its rows, what it tests, and what it finds in words."""

    key: str
    title: str
    question: str
    frame: pd.DataFrame = field(repr=False)
    findings: Findings

    @property
    def summary(self) -> str:
        """What the table finds, in English (:meth:`summary_in` for another language)."""
        return self.findings.render()

    def summary_in(self, language: str) -> str:
        """What the table finds, in ``language``."""
        return self.findings.render(language)


@dataclass(frozen=True)
class AuditResult:
    """The six tables of a falsification audit of one district, and how they were seeded.

    Attributes
    ----------
    scenario, district
        The audited scenario's name and district.
    replications
        Paired replications per design.
    entropy, spawn_key
        The root seed: replication r of every design ran with
        ``SeedSequence(entropy, spawn_key=(*spawn_key, r))``.
    tables
        The tables keyed ``factorial``, ``transplant``, ``equal_spend``,
        ``knowledge_generic``, ``knockouts``, ``horizons`` (see :data:`TABLES`).
    findings
        Which components carry the effect, in words, written from the numbers
        (:attr:`summary` in English, :meth:`summary_in` in another language).
    runs
        Simulation runs made.
    """

    scenario: str
    district: str
    replications: int
    entropy: int
    spawn_key: tuple[int, ...]
    tables: Mapping[str, AuditTable] = field(repr=False)
    findings: Findings
    runs: int

    @property
    def summary(self) -> str:
        """Which components carry the effect, in English."""
        return self.findings.render()

    def summary_in(self, language: str) -> str:
        """Which components carry the effect, in ``language``."""
        return self.findings.render(language)

    def table(self, key: str) -> pd.DataFrame:
        """One table's rows (a copy)."""
        if key not in self.tables:
            raise KeyError(f"unknown audit table {key!r}; known: {', '.join(self.tables)}")
        return self.tables[key].frame.copy()

    @property
    def factorial(self) -> pd.DataFrame:
        return self.table("factorial")

    @property
    def transplant(self) -> pd.DataFrame:
        return self.table("transplant")

    @property
    def equal_spend(self) -> pd.DataFrame:
        return self.table("equal_spend")

    @property
    def knowledge_generic(self) -> pd.DataFrame:
        return self.table("knowledge_generic")

    @property
    def knockouts(self) -> pd.DataFrame:
        return self.table("knockouts")

    @property
    def horizons(self) -> pd.DataFrame:
        return self.table("horizons")

    def to_frame(self) -> pd.DataFrame:
        """Every table's rows in one frame, with a ``table`` column naming the table."""
        frames = [table.frame.assign(table=key) for key, table in self.tables.items()]
        combined = pd.concat(frames, ignore_index=True, sort=False)
        return combined[["table", *[c for c in combined.columns if c != "table"]]]


# -- measuring --------------------------------------------------------------------------------


def _values(result: ExperimentResult, name: str, outcome: str) -> NDArray[np.float64]:
    """One outcome of one design, in replication order."""
    outcomes = result._outcomes  # the cached table itself: outcomes() copies it on every call
    rows = outcomes[outcomes["scenario"] == name].sort_values("replication")
    return rows[outcome].to_numpy(dtype=np.float64)


def _interval(values: NDArray[np.float64], confidence: float) -> tuple[float, float, float]:
    mean, _, low, high = mean_interval(values, confidence)
    return mean, low, high


def _columns(prefix: str, values: NDArray[np.float64], confidence: float) -> dict[str, float]:
    mean, low, high = _interval(values, confidence)
    return {prefix: mean, f"{prefix}_ci_low": low, f"{prefix}_ci_high": high}


def _budget(result: ExperimentResult, name: str, scenario: Scenario) -> float:
    """The programme's budget within the horizon (the ``budget_eur`` outcome where runs report it)."""
    if "budget_eur" in result._outcomes.columns:
        return float(_values(result, name, "budget_eur").mean())
    return scenario.programme.total_budget_eur if scenario.programme.is_active() else 0.0


@dataclass(frozen=True)
class _Effects:
    """Per-replication effects of one design over a baseline (paired, same seeds)."""

    firms: NDArray[np.float64]
    adoptions: NDArray[np.float64]
    spend: NDArray[np.float64]
    budget: float

    @classmethod
    def of(cls, result: ExperimentResult, name: str, baseline: str, scenario: Scenario) -> _Effects:
        return cls(
            firms=_values(result, name, ADOPTING_FIRMS) - _values(result, baseline, ADOPTING_FIRMS),
            adoptions=_values(result, name, ADOPTIONS) - _values(result, baseline, ADOPTIONS),
            spend=_values(result, name, PUBLIC_SPEND) - _values(result, baseline, PUBLIC_SPEND),
            budget=_budget(result, name, scenario),
        )

    def __sub__(self, other: _Effects) -> _Effects:
        return _Effects(
            self.firms - other.firms,
            self.adoptions - other.adoptions,
            self.spend - other.spend,
            self.budget - other.budget,
        )

    def row(self, confidence: float, *, costs: bool = True) -> dict[str, float]:
        """Additional firms and adoptions with intervals; budget, realised spend, unspent, cost per firm."""
        row = _columns("additional_firms", self.firms, confidence)
        row |= _columns("additional_adoptions", self.adoptions, confidence)
        if not costs:
            return row
        spend = float(self.spend.mean())
        row |= {
            "budget_eur": self.budget,
            "public_spend_eur": spend,
            "unspent_budget_eur": self.budget - spend,
        }
        # A cost only where the effect is detectable (Fieller's interval is otherwise unbounded).
        cost = low = high = math.nan
        if detectable(row["additional_firms_ci_low"], row["additional_firms_ci_high"]):
            cost, low, high = fieller_ratio(self.spend, self.firms, confidence)
            if not (math.isfinite(low) and math.isfinite(high)) or cost <= 0:
                cost = low = high = math.nan
        row |= {
            "eur_per_additional_firm": cost,
            "eur_per_additional_firm_ci_low": low,
            "eur_per_additional_firm_ci_high": high,
        }
        return row

    def words(self, confidence: float) -> Effect:
        """Additional adopting firms with their interval, to be written in the reader's language."""
        return Effect(*_interval(self.firms, confidence))


class _Runner:
    """Runs designs through :func:`run_scenarios` with one root seed, counting runs for progress."""

    def __init__(
        self,
        replications: int,
        seed: np.random.SeedSequence,
        executor: Executor | None,
        progress: Progress | None,
        planned: int,
    ) -> None:
        self.replications = replications
        self.seed = seed
        self.executor = executor
        self.progress = progress
        self.total = planned
        self.done = 0

    def grow(self, runs: int) -> None:
        """Make sure the total covers ``runs`` more runs."""
        self.total = max(self.total, self.done + runs)

    def unplanned(self, scenarios: Mapping[str, Scenario]) -> ExperimentResult:
        """Run designs the plan could not count in advance (the equal-spend iterations)."""
        self.total += len(scenarios) * self.replications
        return self(scenarios)

    def report(self, done: int, _total: int) -> None:
        if self.progress is not None:
            self.progress(min(self.done + done, self.total), self.total)

    def __call__(self, scenarios: Mapping[str, Scenario]) -> ExperimentResult:
        self.grow(len(scenarios) * self.replications)
        result = run_scenarios(
            dict(scenarios),
            replications=self.replications,
            rng=self.seed,
            executor=self.executor,
            progress=self.report,
        )
        self.done += len(scenarios) * self.replications
        self.report(0, self.total)
        return result


# -- designs ----------------------------------------------------------------------------------


def documented_designs(scenario: Scenario) -> tuple[Programme, Programme]:
    """The scenario's documented place-based and generic programmes (or a one-line error)."""
    missing = [name for name in (PLACE_BASED, GENERIC) if name not in scenario.programmes]
    if missing:
        raise InputError(
            f"an audit needs the scenario's programmes table to hold {PLACE_BASED!r} and {GENERIC!r}; "
            f"{scenario.name!r} lacks {', '.join(map(repr, missing))}"
        )
    return scenario.programmes[PLACE_BASED], scenario.programmes[GENERIC]


def with_programme(scenario: Scenario, programme: Programme) -> Scenario:
    """``scenario`` running ``programme`` (validated)."""
    return scenario.replace(programme=programme.model_dump())


def _relevance(scenario: Scenario) -> dict[str, float]:
    return {technology.name: technology.relevance for technology in scenario.technologies}


def factorial_programme(
    scenario: Scenario, place: Programme, generic: Programme, settings: Mapping[str, bool]
) -> Programme:
    """The design whose factors take their place-based setting where ``settings`` is true.

    * instrument mix: the allocation and the instruments' unit design;
    * targeting: the rule that chooses the firms;
    * priorities: the technology priorities and how many technologies the instruments address;
    * co-design: the co-design phase (its months, budget share and participation) and the
      place-based mechanisms the programme switches on (``programme.mechanisms``).

    Budget and calendar are the place-based programme's in every cell. With every
    factor place-based the cell *is* the documented place-based programme. A cell
    with place-based priorities but no co-design has no phase to derive them from:
    it takes the district's relevance, which the co-design estimates with noise
    (ASSUMPTION, see ODD.md "Falsification suite").
    """
    if all(settings[name] for name in FACTORS):
        return place
    mix = place if settings["instrument_mix"] else generic
    priorities_from = place if settings["priorities"] else generic
    codesign = place.codesign if settings["codesign"] else None
    priorities = priorities_from.priorities
    if priorities is None and codesign is None:
        priorities = _relevance(scenario)
    data: dict[str, Any] = {
        "name": "factorial: "
        + ", ".join(
            f"{FACTOR_LABELS[name]} {'place-based' if settings[name] else 'generic'}" for name in FACTORS
        ),
        "kind": PLACE_BASED if codesign is not None else GENERIC,
        "budget_eur_per_year": place.budget_eur_per_year,
        "start_month": place.start_month,
        "duration_months": place.duration_months,
        "allocation": None if mix.allocation is None else mix.allocation.model_dump(),
        "design": None if mix.design is None else mix.design.model_dump(),
        "priorities": priorities,
        "focus_technologies": priorities_from.focus_technologies,
        "targeting": (place if settings["targeting"] else generic).targeting,
        "codesign": None if codesign is None else codesign.model_dump(),
    }
    # The place-based mechanisms (information from co-design, commitment, routing, reallocation)
    # are the programme's governance: they come and go with the co-design factor.
    governance = place if settings["codesign"] else generic
    for name in ("mechanisms", "mechanism_settings"):
        if name in Programme.model_fields:
            data[name] = getattr(governance, name).model_dump()
    return Programme.model_validate(_carry_other_fields(mix, data))


def _carry_other_fields(mix: Programme, data: dict[str, Any]) -> dict[str, Any]:
    """Fields of Programme this module does not know (added later) follow the instrument mix's design."""
    dumped = mix.model_dump()
    for name in Programme.model_fields:
        if name not in data:
            data[name] = dumped[name]
    return data


def factorial_cells() -> list[dict[str, bool]]:
    """The 2^4 settings, the all-place-based cell first and the all-generic cell last."""
    return [
        dict(zip(FACTORS, values, strict=True))
        for values in itertools.product((True, False), repeat=len(FACTORS))
    ]


def cell_name(settings: Mapping[str, bool]) -> str:
    return "".join("P" if settings[name] else "G" for name in FACTORS)


def transplanted(design: Programme, host: Programme) -> Programme:
    """``design`` with the host's budget and calendar (what is transplanted is the design, not the money)."""
    data = design.model_dump() | {
        "budget_eur_per_year": host.budget_eur_per_year,
        "start_month": host.start_month,
        "duration_months": host.duration_months,
    }
    try:
        return Programme.model_validate(data)
    except ValueError as error:
        raise InputError(f"cannot transplant {design.name!r}: {str(error).splitlines()[0]}") from None


def knowledge_generic(place: Programme, generic: Programme) -> Programme:
    """A generic programme (open call, generic priorities, no co-design) buying knowledge instruments.

    The budget that the generic programme gives to grants and events goes to the
    instruments that transfer knowledge (events, diagnostics, projects, training)
    in the proportions the place-based programme gives them, with the place-based
    programme's unit design. If the place-based programme buys none of them,
    the four share the budget equally.
    """
    assert place.allocation is not None
    shares = {name: getattr(place.allocation, name) for name in KNOWLEDGE_INSTRUMENTS}
    total = sum(shares.values())
    if total <= 0.0:
        shares = dict.fromkeys(KNOWLEDGE_INSTRUMENTS, 1.0)
        total = float(len(KNOWLEDGE_INSTRUMENTS))
    allocation = {name: shares.get(name, 0.0) / total for name in INSTRUMENTS}
    allocation["training"] = 1.0 - sum(v for k, v in allocation.items() if k != "training")
    data = generic.model_dump() | {
        "name": "generic programme of knowledge instruments",
        "allocation": allocation,
        "design": None if place.design is None else place.design.model_dump(),
    }
    return Programme.model_validate(data)


@dataclass(frozen=True)
class Knockout:
    """A mechanism switched off: in the district (both worlds) or in the programme only."""

    name: str
    label: str
    scope: str  # "district": applied with and without the programme; "programme": to the design only
    apply: Callable[[Scenario], Scenario]
    #: How the findings name it in the reader's language (default: the label, from the catalogue if it is there).
    phrase: Part | None = None

    @property
    def words(self) -> Part:
        """The mechanism's name as the findings write it."""
        if self.phrase is not None:
            return self.phrase
        return Term(self.label) if self.label in MECHANISM_LABELS else self.label


#: The mechanisms' labels (the config fields' descriptions and the knock-outs' own), marked for translation;
#: a test checks that every switch's description is here.
MECHANISM_LABELS = frozenset(
    {
        N_("firms learn from adopters they are tied to"),
        N_("visible adoption legitimises (isomorphism)"),
        N_("the association makes members' adoptions more visible"),
        N_("buyers that adopted pass knowledge to their suppliers (two-step flow)"),
        N_("buyers can require a technology of suppliers"),
        N_("a partner-hosted demonstrator works as a living lab, not an RTI showroom"),
        N_("co-design learns priorities and instrument mix from participants' needs"),
        N_("participants and their partners gain RTI affinity (trust)"),
        N_("diagnostics route firms to the instrument that fits their capacity"),
        N_("monitoring moves idle money to instruments that are taken up"),
        N_("the business association"),
        N_("the risk a demonstration removes"),
        N_("supply-chain transfer (two-step flow)"),
        N_("imitation of adopting neighbours"),
        N_("the legitimacy bonus"),
    }
)


def _changed(path: Sequence[str], value: Any) -> Callable[[Scenario], Scenario]:
    def apply(scenario: Scenario) -> Scenario:
        data = scenario.model_dump()
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return Scenario.model_validate(data)

    return apply


def _no_imitation(scenario: Scenario) -> Scenario:
    data = scenario.model_dump()
    for technology in data["technologies"]:
        technology["imitation_strength"] = 0.0
    return Scenario.model_validate(data)


def _without_instrument(instrument: str) -> Callable[[Scenario], Scenario]:
    def apply(scenario: Scenario) -> Scenario:
        programme = scenario.programme
        assert programme.allocation is not None
        shares = dict(zip(INSTRUMENTS, programme.allocation.as_tuple(), strict=True))
        rest = 1.0 - shares[instrument]
        allocation = {name: 0.0 if name == instrument else share / rest for name, share in shares.items()}
        last = max((name for name in INSTRUMENTS if name != instrument), key=lambda n: allocation[n])
        allocation[last] = 1.0 - sum(v for k, v in allocation.items() if k != last)
        return with_programme(
            scenario, Programme.model_validate(programme.model_dump() | {"allocation": allocation})
        )

    return apply


def _programme_switch(name: str) -> Callable[[Scenario], Scenario]:
    def apply(scenario: Scenario) -> Scenario:
        programme = scenario.programme.model_dump()
        programme["mechanisms"][name] = False
        return scenario.replace(programme=programme)

    return apply


def mechanism_switches(scenario: Scenario) -> list[Knockout]:
    """Every mechanism the scenario can switch off, as knock-outs.

    * the district mechanisms that are on (``mechanisms.<name>``, for every name in
      :data:`~districtlab.config.DISTRICT_MECHANISMS`), switched off with and without the programme;
    * the place-based mechanisms the place-based programme switches on
      (``programme.mechanisms.<name>``, :data:`~districtlab.config.PROGRAMME_MECHANISMS`);
    * two district features that are parameters rather than switches: the whole business
      association (``association.enabled``) and the risk a demonstration removes
      (``behaviour.demonstration_risk_reduction``);
    * each instrument of the place-based programme (its budget share spread over the others).
    """
    import districtlab.config as config

    knockouts: list[Knockout] = []
    district = getattr(scenario, "mechanisms", None)
    for name in getattr(config, "DISTRICT_MECHANISMS", ()):
        if district is not None and getattr(district, name):
            label = type(district).model_fields[name].description or name.replace("_", " ")
            knockouts.append(Knockout(name, label, "district", _changed(("mechanisms", name), False)))
    knockouts.append(
        Knockout(
            "association", "the business association", "district", _changed(("association", "enabled"), False)
        )
    )
    knockouts.append(
        Knockout(
            "demonstration_risk_reduction",
            "the risk a demonstration removes",
            "district",
            _changed(("behaviour", "demonstration_risk_reduction"), 0.0),
        )
    )
    if not hasattr(config, "DISTRICT_MECHANISMS"):  # a model without switches: their parameters
        knockouts += [
            Knockout(
                "supply_chain_transfer",
                "supply-chain transfer (two-step flow)",
                "district",
                _changed(("behaviour", "supply_chain_hazard"), 0.0),
            ),
            Knockout("peer_imitation", "imitation of adopting neighbours", "district", _no_imitation),
            Knockout(
                "legitimacy",
                "the legitimacy bonus",
                "district",
                _changed(("behaviour", "legitimacy_bonus"), 0.0),
            ),
        ]
    place = scenario.programmes.get(PLACE_BASED)
    switches = getattr(place, "mechanisms", None)
    for name in getattr(config, "PROGRAMME_MECHANISMS", ()):
        if switches is not None and getattr(switches, name):
            label = type(switches).model_fields[name].description or name.replace("_", " ")
            knockouts.append(Knockout(name, label, "programme", _programme_switch(name)))
    if place is not None and place.allocation is not None:
        for instrument, share in zip(INSTRUMENTS, place.allocation.as_tuple(), strict=True):
            if 0.0 < share < 1.0:
                knockouts.append(
                    Knockout(
                        f"instrument_{instrument}",
                        f"the programme's {instrument} (share {share:.0%} spread over the others)",
                        "programme",
                        _without_instrument(instrument),
                        Phrase(
                            N_("the programme's {instrument} (share {share} spread over the others)"),
                            {"instrument": Term(LABELS[instrument]), "share": Percent(share)},
                        ),
                    )
                )
    return knockouts


# -- the six tables ---------------------------------------------------------------------------


def _factorial(scenario: Scenario, run: _Runner, confidence: float) -> tuple[AuditTable, ExperimentResult]:
    place, generic = documented_designs(scenario)
    cells = factorial_cells()
    scenarios = {NO_PROGRAMME: scenario.with_programme(NO_PROGRAMME)}
    for settings in cells:
        scenarios[cell_name(settings)] = with_programme(
            scenario, factorial_programme(scenario, place, generic, settings)
        )
    result = run(scenarios)
    effects = {
        cell_name(s): _Effects.of(result, cell_name(s), NO_PROGRAMME, scenarios[cell_name(s)]) for s in cells
    }
    rows = []
    for settings in cells:
        name = cell_name(settings)
        rows.append(
            {"row": "cell", "cell": name}
            | {f: (PLACE_BASED if settings[f] else GENERIC) for f in FACTORS}
            | effects[name].row(confidence)
        )
    main: dict[str, tuple[float, float, float]] = {}
    for factor in FACTORS:
        on = np.mean([effects[cell_name(s)].firms for s in cells if s[factor]], axis=0)
        off = np.mean([effects[cell_name(s)].firms for s in cells if not s[factor]], axis=0)
        on_adoptions = np.mean([effects[cell_name(s)].adoptions for s in cells if s[factor]], axis=0)
        off_adoptions = np.mean([effects[cell_name(s)].adoptions for s in cells if not s[factor]], axis=0)
        row = _columns("additional_firms", on - off, confidence)
        row |= _columns("additional_adoptions", on_adoptions - off_adoptions, confidence)
        main[factor] = (
            row["additional_firms"],
            row["additional_firms_ci_low"],
            row["additional_firms_ci_high"],
        )
        rows.append({"row": "main effect", "cell": f"main effect of {FACTOR_LABELS[factor]}"} | row)
    frame = pd.DataFrame(rows)
    all_place, all_generic = cell_name(cells[0]), cell_name(cells[-1])
    best = frame[frame["row"] == "cell"].sort_values("additional_firms", ascending=False).iloc[0]
    best_minus_documented = effects[str(best["cell"])] - effects[all_place]
    parts = [
        Phrase(
            N_(
                "The documented place-based design (cell {place_cell}) adds {place_effect} over no programme; "
                "with every factor generic (cell {generic_cell}) the programme adds {generic_effect}."
            ),
            {
                "place_cell": all_place,
                "place_effect": effects[all_place].words(confidence),
                "generic_cell": all_generic,
                "generic_effect": effects[all_generic].words(confidence),
            },
        )
    ]
    carriers = tuple(Term(FACTOR_LABELS[f]) for f in FACTORS if detectable(main[f][1], main[f][2]))
    factor_effects = Listing(
        tuple(
            Phrase(N_("{factor} {effect}"), {"factor": Term(FACTOR_LABELS[f]), "effect": Effect(*main[f])})
            for f in FACTORS
        )
    )
    parts.append(
        Phrase(
            N_(
                "Switching one factor from its generic to its place-based setting, averaged over the other "
                "three (main effects, additional adopting firms): {effects}."
            ),
            {"effects": factor_effects},
        )
    )
    parts.append(
        Phrase(
            N_("Factors whose main effect is detectable: {factors}."), {"factors": Listing(carriers, ", ")}
        )
        if carriers
        else Phrase(N_("No factor has a detectable main effect."))
    )
    if best["cell"] != all_place:
        parts.append(
            Phrase(
                N_(
                    "The cell with the largest mean is {cell} ({effect}); its difference from the documented "
                    "design is {difference}."
                ),
                {
                    "cell": str(best["cell"]),
                    "effect": effects[str(best["cell"])].words(confidence),
                    "difference": best_minus_documented.words(confidence),
                },
            )
        )
    table = AuditTable(
        "factorial",
        N_("(a) Factorial split of the place-based design"),
        N_(
            "Which of the four factors that define a place-based design (instrument mix, targeting, technology "
            "priorities, co-design) carries its effect? Cells are named by the factors' settings in that order "
            "(P place-based, G generic); effects are over no programme."
        ),
        frame,
        Findings(tuple(parts)),
    )
    return table, result


def best_foreign(effects: Mapping[str, _Effects], native: str) -> str:
    """The foreign design with the largest mean effect on additional adopting firms."""
    foreign = [name for name in effects if name != native]
    return max(foreign, key=lambda name: float(effects[name].firms.mean()))


def tailoring_premium(
    firms: Mapping[str, NDArray[np.float64]], native: str, confidence: float = CONFIDENCE
) -> tuple[str, float, float, float]:
    """The native design's effect minus the best foreign design's, paired by replication.

    ``firms`` maps each design to its per-replication effect (additional adopting
    firms over no programme in the host). Returns the best foreign design (by mean)
    and the premium's mean and interval.

    Examples
    --------
    >>> import numpy as np
    >>> best, premium, low, high = tailoring_premium(
    ...     {"own": np.array([5.0, 7.0, 9.0]), "a": np.array([1.0, 1.0, 1.0]), "b": np.array([2.0, 3.0, 7.0])},
    ...     "own",
    ... )
    >>> best, premium, round(low, 3), round(high, 3)
    ('b', 3.0, 0.516, 5.484)
    """
    if native not in firms or len(firms) < 2:
        raise ValueError("a tailoring premium needs the native design and at least one foreign design")
    zeros = np.zeros_like(firms[native])
    effects = {name: _Effects(values, zeros, zeros, 0.0) for name, values in firms.items()}
    best = best_foreign(effects, native)
    mean, low, high = _interval(firms[native] - firms[best], confidence)
    return best, mean, low, high


def _transplant(
    scenario: Scenario, structures: Mapping[str, Scenario], run: _Runner, confidence: float
) -> AuditTable:
    designs = {name: documented_designs(host)[0] for name, host in structures.items()}
    rows: list[dict[str, Any]] = []
    premiums: dict[str, Phrase] = {}
    for host_name, host in structures.items():
        host_place = designs[host_name]
        scenarios = {NO_PROGRAMME: host.with_programme(NO_PROGRAMME)}
        for design_name, design in designs.items():
            scenarios[design_name] = with_programme(host, transplanted(design, host_place))
        result = run(scenarios)
        effects = {d: _Effects.of(result, d, NO_PROGRAMME, scenarios[d]) for d in designs}
        rows.extend(
            {"host": host_name, "design": design_name, "native": design_name == host_name}
            | effects[design_name].row(confidence)
            for design_name in designs
        )
        if len(designs) < 2:
            continue
        best = best_foreign(effects, host_name)
        premium = effects[host_name] - effects[best]
        rows.append(
            {"host": host_name, "design": f"tailoring premium (native minus {best})", "native": pd.NA}
            | premium.row(confidence, costs=False)
        )
        premiums[host_name] = Phrase(
            N_("{district}: native design minus best foreign design ({best}) {effect}"),
            {"district": host.district, "best": best, "effect": premium.words(confidence)},
        )
    frame = pd.DataFrame(rows)
    own = scenario.name if scenario.name in premiums else next(iter(premiums), None)
    parts = []
    if own is not None:
        parts.append(
            Phrase(N_("Tailoring premium in the audited district, {premium}."), {"premium": premiums[own]})
        )
        others = tuple(text for name, text in premiums.items() if name != own)
        if others:
            parts.append(Phrase(N_("Elsewhere: {premiums}."), {"premiums": Listing(others)}))
    else:
        parts.append(
            Phrase(N_("With a single district structure there is no foreign design to compare with."))
        )
    parts.append(
        Phrase(
            N_(
                "The best foreign design is chosen by its mean, so the premium's interval is, if anything, "
                "tilted against the native design."
            )
        )
    )
    return AuditTable(
        "transplant",
        N_("(b) Transplant matrix and tailoring premium"),
        N_(
            "Does a design tailored to its district do better there than the designs tailored to other districts? "
            "Each district's place-based design runs on each district's structure with the host's budget and "
            "calendar (a co-design phase, if any, runs in the host); effects are over no programme in the host."
        ),
        frame,
        Findings(tuple(parts)),
    )


def _equal_spend(scenario: Scenario, run: _Runner, confidence: float) -> tuple[AuditTable, SpendMatch]:
    place = scenario.with_programme(PLACE_BASED)
    generic = scenario.with_programme(GENERIC)
    calls = 0

    def runner(scenarios: dict[str, Scenario]) -> ExperimentResult:
        nonlocal calls
        calls += 1  # the first measurement is planned; the budgets tried after it are not
        return run(scenarios) if calls == 1 else run.unplanned(scenarios)

    match = match_spend(
        place,
        generic,
        replications=run.replications,
        rng=run.seed,
        executor=run.executor,
        runner=runner,
    )
    scenarios = {
        NO_PROGRAMME: scenario.with_programme(NO_PROGRAMME),
        "place-based (documented budget)": place,
        "generic (documented budget)": generic,
    }
    matched_names = []
    if match.scaled == "first":
        scenarios["place-based (equal spend)"] = match.matched_first
        matched_names = ["place-based (equal spend)", "generic (documented budget)"]
    elif match.scaled == "second":
        scenarios["generic (equal spend)"] = match.matched_second
        matched_names = ["place-based (documented budget)", "generic (equal spend)"]
    else:
        matched_names = ["place-based (documented budget)", "generic (documented budget)"]
    reopened = _reopened(scenarios, match)
    if reopened is not None:
        scenarios[reopened[0]] = reopened[1]
    result = run(scenarios)
    effects = {
        name: _Effects.of(result, name, NO_PROGRAMME, s)
        for name, s in scenarios.items()
        if name != NO_PROGRAMME
    }
    rows = [
        {"row": name, "budget_factor": _factor(name, match)} | e.row(confidence)
        for name, e in effects.items()
    ]
    documented = effects["place-based (documented budget)"] - effects["generic (documented budget)"]
    at_equal = effects[matched_names[0]] - effects[matched_names[1]]
    spend = {name: float(e.spend.mean()) for name, e in effects.items()}
    rows.append(
        {"row": "place-based minus generic, documented budgets", "budget_factor": pd.NA}
        | documented.row(confidence, costs=False)
        | {
            "spend_gap": spend_gap(
                spend["place-based (documented budget)"], spend["generic (documented budget)"]
            )
        }
    )
    rows.append(
        {"row": "place-based minus generic, equal spend", "budget_factor": pd.NA}
        | at_equal.row(confidence, costs=False)
        | {"spend_gap": spend_gap(spend[matched_names[0]], spend[matched_names[1]])}
    )
    reopened_words: Phrase | None = None
    if reopened is not None:
        name = reopened[0]
        pair = (
            ["place-based (documented budget)", name]
            if name.startswith(GENERIC)
            else [name, "generic (documented budget)"]
        )
        contrast = effects[pair[0]] - effects[pair[1]]
        rows.append(
            {"row": "place-based minus generic, calls re-opened", "budget_factor": pd.NA}
            | contrast.row(confidence, costs=False)
            | {"spend_gap": spend_gap(spend[pair[0]], spend[pair[1]])}
        )
        months = reopened[1].programme.extension_months
        reopened_words = Phrase(
            N_(
                "Keeping the place-based programme's calls open {months} more months with no new money "
                "instead gives {spend}; there, place-based minus generic: {difference}."
            )
            if name.startswith(PLACE_BASED)
            else N_(
                "Keeping the generic programme's calls open {months} more months with no new money "
                "instead gives {spend}; there, place-based minus generic: {difference}."
            ),
            {
                "months": Number(months),
                "spend": Spend(spend[pair[0]], spend[pair[1]]),
                "difference": contrast.words(confidence),
            },
        )
    frame = pd.DataFrame(rows)
    parts = [
        Phrase(
            N_("At their documented budgets ({spend}), place-based minus generic: {difference}."),
            {
                "spend": Spend(
                    spend["place-based (documented budget)"], spend["generic (documented budget)"]
                ),
                "difference": documented.words(confidence),
            },
        )
    ]
    if match.scaled == "none":
        parts.append(Phrase(N_("Their realised spends already match, so no budget was rescaled.")))
    else:
        parts.append(
            Phrase(
                N_(
                    "Scaling the place-based budget by {factor} gives {spend}; there, place-based minus generic: {difference}."
                )
                if match.scaled == "first"
                else N_(
                    "Scaling the generic budget by {factor} gives {spend}; there, place-based minus generic: {difference}."
                ),
                {
                    "factor": Number(match.factor, 2),
                    "spend": Spend(spend[matched_names[0]], spend[matched_names[1]]),
                    "difference": at_equal.words(confidence),
                },
            )
        )
        if not match.matched:
            parts.append(
                Phrase(
                    N_(
                        "The spends could not be brought within {tolerance} of each other, so this is not an "
                        "equal-spend comparison."
                    ),
                    {"tolerance": Percent(SAME_SPEND_TOLERANCE)},
                )
            )
    if reopened_words is not None:
        parts.append(reopened_words)
    table = AuditTable(
        "equal_spend",
        N_("(c) Equal-spend comparison"),
        N_(
            "Is the difference between the designs a difference in what they do, or in how much public money "
            "they manage to spend? Budgets are scaled until realised public spend matches (within 5%); "
            "as a second option the design that spends less keeps its budget but its calls stay open until the "
            "horizon (re-opened calls, no new money)."
        ),
        frame,
        Findings(tuple(parts)),
    )
    return table, match


def _reopened(scenarios: Mapping[str, Scenario], match: SpendMatch) -> tuple[str, Scenario] | None:
    """The design that spends less at its documented budget, with its calls open until the horizon.

    ``None`` when the model has no re-opened calls (``programme.extension_months``), when the
    spends already match, or when the programme ends at the horizon.
    """
    if "extension_months" not in Programme.model_fields or match.scaled == "none":
        return None
    documented = match.iterations.iloc[:2].set_index("design")["public_spend_eur"]
    lower = "place-based" if documented["first"] < documented["second"] else "generic"
    scenario = scenarios[f"{lower} (documented budget)"]
    programme = scenario.programme
    months = min(120, int(scenario.months - (programme.start_month + programme.duration_months)))
    if months <= 0:
        return None
    extended = programme.model_dump() | {"extension_months": months}
    return f"{lower} (calls re-opened)", scenario.replace(programme=extended)


def _factor(name: str, match: SpendMatch) -> float:
    return match.factor if name.endswith("(equal spend)") else 1.0


def _knowledge_generic(scenario: Scenario, run: _Runner, confidence: float) -> AuditTable:
    place, generic = documented_designs(scenario)
    scenarios = {
        NO_PROGRAMME: scenario.with_programme(NO_PROGRAMME),
        "generic (grants)": scenario.with_programme(GENERIC),
        "generic (knowledge instruments)": with_programme(scenario, knowledge_generic(place, generic)),
        PLACE_BASED: scenario.with_programme(PLACE_BASED),
    }
    result = run(scenarios)
    effects = {
        name: _Effects.of(result, name, NO_PROGRAMME, s)
        for name, s in scenarios.items()
        if name != NO_PROGRAMME
    }
    rows = [{"row": name} | e.row(confidence) for name, e in effects.items()]
    versus_grants = effects["generic (knowledge instruments)"] - effects["generic (grants)"]
    versus_place = effects[PLACE_BASED] - effects["generic (knowledge instruments)"]
    rows.append(
        {"row": "knowledge-instrument generic minus grant generic"}
        | versus_grants.row(confidence, costs=False)
    )
    rows.append(
        {"row": "place-based minus knowledge-instrument generic"} | versus_place.row(confidence, costs=False)
    )
    spend = {name: float(e.spend.mean()) for name, e in effects.items()}
    summary = Findings(
        (
            Phrase(
                N_(
                    "A generic programme that buys events, diagnostics, projects and training instead of grants "
                    "adds {knowledge} over no programme, against {grants} for the grant-based generic programme "
                    "(difference {difference})."
                ),
                {
                    "knowledge": effects["generic (knowledge instruments)"].words(confidence),
                    "grants": effects["generic (grants)"].words(confidence),
                    "difference": versus_grants.words(confidence),
                },
            ),
            Phrase(
                N_(
                    "Place-based minus this knowledge-instrument generic programme: {difference}, with {spend}."
                ),
                {
                    "difference": versus_place.words(confidence),
                    "spend": Spend(spend[PLACE_BASED], spend["generic (knowledge instruments)"]),
                },
            ),
        )
    )
    return AuditTable(
        "knowledge_generic",
        N_("(d) A generic programme of knowledge instruments"),
        N_(
            "Is the place-based advantage (if any) only that it buys knowledge instruments while the generic "
            "programme buys grants? This generic programme keeps the open call, the generic priorities and no "
            "co-design, but buys the place-based programme's knowledge instruments."
        ),
        pd.DataFrame(rows),
        summary,
    )


def _knockouts(
    scenario: Scenario, knockouts: Sequence[Knockout], run: _Runner, confidence: float
) -> AuditTable:
    place = scenario.with_programme(PLACE_BASED)
    none = scenario.with_programme(NO_PROGRAMME)
    scenarios = {NO_PROGRAMME: none, PLACE_BASED: place}
    for knockout in knockouts:
        scenarios[f"{knockout.name}/{PLACE_BASED}"] = knockout.apply(place)
        if knockout.scope == "district":
            scenarios[f"{knockout.name}/{NO_PROGRAMME}"] = knockout.apply(none)
    result = run(scenarios)
    full = _Effects.of(result, PLACE_BASED, NO_PROGRAMME, place)
    rows = []
    for knockout in knockouts:
        baseline = f"{knockout.name}/{NO_PROGRAMME}" if knockout.scope == "district" else NO_PROGRAMME
        name = f"{knockout.name}/{PLACE_BASED}"
        without = _Effects.of(result, name, baseline, scenarios[name])
        contribution = full - without
        row: dict[str, Any] = {"mechanism": knockout.name, "label": knockout.label, "scope": knockout.scope}
        effect_without = without.row(confidence, costs=False)
        row |= {
            "effect_without": effect_without["additional_firms"],
            "effect_without_ci_low": effect_without["additional_firms_ci_low"],
            "effect_without_ci_high": effect_without["additional_firms_ci_high"],
        }
        row |= contribution.row(confidence, costs=False)
        if knockout.scope == "district":
            change = _values(result, baseline, ADOPTING_FIRMS) - _values(result, NO_PROGRAMME, ADOPTING_FIRMS)
            row |= _columns("no_programme_change_firms", change, confidence)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame = frame.rename(
            columns={
                "additional_firms": "contribution_firms",
                "additional_firms_ci_low": "contribution_firms_ci_low",
                "additional_firms_ci_high": "contribution_firms_ci_high",
                "additional_adoptions": "contribution_adoptions",
                "additional_adoptions_ci_low": "contribution_adoptions_ci_low",
                "additional_adoptions_ci_high": "contribution_adoptions_ci_high",
            }
        )
        frame = frame.reindex(frame["contribution_firms"].abs().sort_values(ascending=False).index)
        frame.insert(0, "rank", range(1, len(frame) + 1))
        frame = frame.reset_index(drop=True)
    mean, low, high = _interval(full.firms, confidence)
    words = {knockout.name: knockout.words for knockout in knockouts}
    carriers = tuple(
        Phrase(
            N_("{mechanism} ({effect})"),
            {
                "mechanism": words[row.mechanism],
                "effect": Effect(
                    row.contribution_firms, row.contribution_firms_ci_low, row.contribution_firms_ci_high
                ),
            },
        )
        for row in frame.itertuples()
        if detectable(row.contribution_firms_ci_low, row.contribution_firms_ci_high)
    )
    sentences = [
        Phrase(
            N_("The place-based programme adds {effect} over no programme with every mechanism on."),
            {"effect": Effect(mean, low, high)},
        )
    ]
    if carriers:
        sentences.append(
            Phrase(
                N_(
                    "Mechanisms whose knock-out changes it detectably, largest first (the effect with the mechanism "
                    "minus the effect without it; negative: the programme does better without it): {mechanisms}."
                ),
                {"mechanisms": Listing(carriers[:5])},
            )
        )
    else:
        sentences.append(Phrase(N_("No single mechanism's knock-out changes it detectably.")))
    raised = tuple(
        words[row.mechanism]
        for row in frame.itertuples()
        if row.scope == "district"
        and detectable(row.no_programme_change_firms_ci_low, row.no_programme_change_firms_ci_high)
        and row.no_programme_change_firms > 0
    )
    if raised:
        sentences.append(
            Phrase(
                N_(
                    "Without a programme, switching off {mechanisms} raises adoption: check these mechanisms' "
                    "specification."
                ),
                {"mechanisms": Listing(raised, ", ")},
            )
        )
    summary = Findings(tuple(sentences))
    return AuditTable(
        "knockouts",
        N_("(e) Mechanism knock-outs, ranked by effect"),
        N_(
            "Which mechanisms does the place-based effect rest on? Each mechanism is switched off (district "
            "mechanisms in both the programme and the no-programme world; instruments in the programme only); "
            "a contribution is the effect with everything on minus the effect without that mechanism."
        ),
        frame,
        summary,
    )


def _read_at_end(scenario: Scenario) -> Scenario:
    """``scenario`` whose outcomes are read at the end of its run (a reporting horizon set in the
    file would otherwise read every horizon of the sweep at the same month)."""
    reporting = getattr(scenario, "reporting", None)
    if reporting is None or reporting.horizon_months is None:
        return scenario
    return scenario.replace(reporting=reporting.model_dump() | {"horizon_months": None})


def _horizons(scenario: Scenario, horizons: Sequence[float], run: _Runner, confidence: float) -> AuditTable:
    scenarios: dict[str, Scenario] = {}
    for months in horizons:
        for name in (NO_PROGRAMME, GENERIC, PLACE_BASED):
            scenarios[f"{name}@{months:g}"] = _read_at_end(scenario.with_programme(name).with_months(months))
    result = run(scenarios)
    rows = []
    parts = []
    for months in horizons:
        effects = {
            name: _Effects.of(
                result, f"{name}@{months:g}", f"{NO_PROGRAMME}@{months:g}", scenarios[f"{name}@{months:g}"]
            )
            for name in (GENERIC, PLACE_BASED)
        }
        for name, effect in effects.items():
            rows.append({"months": months, "row": name} | effect.row(confidence))
        contrast = effects[PLACE_BASED] - effects[GENERIC]
        rows.append(
            {"months": months, "row": "place-based minus generic"} | contrast.row(confidence, costs=False)
        )
        parts.append(
            Phrase(
                N_("month {month}: place-based {place_based}, generic {generic}, difference {difference}"),
                {
                    "month": Number(months),
                    "place_based": effects[PLACE_BASED].words(confidence),
                    "generic": effects[GENERIC].words(confidence),
                    "difference": contrast.words(confidence),
                },
            )
        )
    return AuditTable(
        "horizons",
        N_("(f) Horizon sweep"),
        N_(
            "Does the answer depend on when it is read? Effects over no programme at each horizon (the programmes "
            "run from their start month for their duration; spend is what was spent by the horizon)."
        ),
        pd.DataFrame(rows),
        Findings(
            (
                Phrase(
                    N_("Additional adopting firms over no programme, {horizons}."),
                    {"horizons": Listing(tuple(parts))},
                ),
            )
        ),
    )


# -- the audit --------------------------------------------------------------------------------


def default_structures(scenario: Scenario) -> dict[str, Scenario]:
    """The district structures of the transplant matrix: the three presets, the audited one as given.

    The audited scenario replaces the preset of the same name (so that a user's edited
    copy is what is audited) or joins the presets; every structure runs for the
    audited scenario's horizon.
    """
    from districtlab.presets import list_presets, load_preset

    structures = {scenario.name: scenario}
    for name in list_presets():
        if name not in structures:
            structures[name] = load_preset(name).with_months(scenario.months)
    return structures


def planned_runs(
    scenario: Scenario,
    *,
    replications: int,
    structures: Mapping[str, Scenario],
    knockouts: Sequence[Knockout],
    horizons: Sequence[float],
) -> int:
    """Runs the audit makes before the equal-spend iterations (which add a few batches)."""
    factorial = 2 ** len(FACTORS) + 1
    transplant = len(structures) * (len(structures) + 1)
    equal_spend = 2 + 5  # the first spend measurement, then the comparison (with re-opened calls)
    knowledge = 4
    knock = 2 + sum(2 if k.scope == "district" else 1 for k in knockouts)
    return replications * (factorial + transplant + equal_spend + knowledge + knock + 3 * len(horizons))


def audit(
    scenario: Scenario,
    *,
    replications: int = 10,
    rng: RNGLike = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    structures: Mapping[str, Scenario] | None = None,
    horizons: Sequence[float] = HORIZONS,
    knockouts: Sequence[Knockout] | None = None,
    confidence: float = CONFIDENCE,
) -> AuditResult:
    """Run the falsification suite on a district scenario.

    Parameters
    ----------
    scenario
        A district whose ``programmes`` table holds ``place-based`` and ``generic``.
    replications
        Paired replications per design (at least 2, for intervals).
    rng
        Root seed; its entropy is recorded. Every design of every table runs
        replication r with the same seed (common random numbers).
    executor, progress
        As for :func:`~districtlab.experiments.run_scenarios` (``progress(done, total)``;
        the total grows by a few batches while budgets are matched).
    structures
        District structures for the transplant matrix, by name (default: the three
        presets, with ``scenario`` in place of its namesake; see :func:`default_structures`).
        Each must hold a ``place-based`` programme.
    horizons
        Months of the horizon sweep.
    knockouts
        Mechanisms to knock out (default: :func:`mechanism_switches`).
    confidence
        Level of every interval.

    Returns
    -------
    AuditResult
        The six tables, their summaries and the overall summary.
    """
    if replications < 2:
        raise InputError(f"an audit needs at least 2 replications for its intervals, got {replications}")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence must be between 0 and 1, got {confidence}")
    if not horizons or any(not (0.0 < h <= 1200.0) for h in horizons):
        raise InputError(f"horizons must be months in (0, 1200], got {list(horizons)}")
    documented_designs(scenario)
    seed = as_seed_sequence(rng)
    if not isinstance(seed.entropy, int):
        raise InputError("the root seed must have a single integer as entropy")
    structures = dict(structures) if structures is not None else default_structures(scenario)
    for name, host in structures.items():
        if PLACE_BASED not in host.programmes:
            raise InputError(f"structure {name!r} has no {PLACE_BASED!r} programme to transplant")
    chosen = list(knockouts) if knockouts is not None else mechanism_switches(scenario)
    planned = planned_runs(
        scenario, replications=replications, structures=structures, knockouts=chosen, horizons=horizons
    )
    run = _Runner(replications, seed, executor, progress, planned)
    factorial, _ = _factorial(scenario, run, confidence)
    transplant = _transplant(scenario, structures, run, confidence)
    equal_spend, _ = _equal_spend(scenario, run, confidence)
    knowledge = _knowledge_generic(scenario, run, confidence)
    knocks = _knockouts(scenario, chosen, run, confidence)
    sweep = _horizons(scenario, horizons, run, confidence)
    tables = {t.key: t for t in (factorial, transplant, equal_spend, knowledge, knocks, sweep)}
    return AuditResult(
        scenario=scenario.name,
        district=scenario.district,
        replications=replications,
        entropy=int(seed.entropy),
        spawn_key=tuple(int(k) for k in seed.spawn_key),
        tables=tables,
        findings=overall_findings(scenario, tables),
        runs=run.done,
    )


#: Short names of the mechanisms for the overall summary (the knock-outs' names in words).
MECHANISM_NAMES = {
    "peer_imitation": N_("peer imitation"),
    "legitimacy": N_("legitimacy"),
    "association_visibility": N_("association visibility"),
    "supply_chain_transfer": N_("supply chain transfer"),
    "buyer_requirements": N_("buyer requirements"),
    "living_lab": N_("living lab"),
    "codesign_information": N_("codesign information"),
    "participation_commitment": N_("participation commitment"),
    "diagnostic_routing": N_("diagnostic routing"),
    "adaptive_reallocation": N_("adaptive reallocation"),
    "association": N_("association"),
    "demonstration_risk_reduction": N_("demonstration risk reduction"),
}


def _short_name(mechanism: str) -> Part:
    """'instrument_projects' -> "the programme's collaborative projects"; 'peer_imitation' -> 'peer imitation'."""
    if mechanism.startswith("instrument_"):
        instrument = mechanism.removeprefix("instrument_")
        return Phrase(
            N_("the programme's {instrument}"), {"instrument": Term(LABELS.get(instrument, instrument))}
        )
    if mechanism in MECHANISM_NAMES:
        return Term(MECHANISM_NAMES[mechanism])
    return mechanism.replace("_", " ")


def _row_words(row: pd.Series, prefix: str = "additional_firms") -> Effect:
    return Effect(float(row[prefix]), float(row[f"{prefix}_ci_low"]), float(row[f"{prefix}_ci_high"]))


def overall_findings(scenario: Scenario, tables: Mapping[str, AuditTable]) -> Findings:
    """Which components carry the effect, written from the tables' numbers.

    A component *carries* the effect when switching it to its place-based setting (a
    factor's main effect) or keeping it on (a knock-out's contribution) raises additional
    adopting firms with an interval above zero; it *works against* it when the interval
    is below zero; the rest have no detectable effect.
    """
    factorial = tables["factorial"].frame
    cells = factorial.set_index("cell")
    documented = _row_words(cells.loc["PPPP"])
    components: list[tuple[Part, float, float, float]] = []
    for factor in FACTORS:
        row = cells.loc[f"main effect of {FACTOR_LABELS[factor]}"]
        components.append(
            (
                Phrase(N_("the place-based {factor}"), {"factor": Term(FACTOR_LABELS[factor])}),
                float(row["additional_firms"]),
                float(row["additional_firms_ci_low"]),
                float(row["additional_firms_ci_high"]),
            )
        )
    knockouts = tables["knockouts"].frame
    components.extend(
        (
            _short_name(str(row.mechanism)),
            float(row.contribution_firms),
            float(row.contribution_firms_ci_low),
            float(row.contribution_firms_ci_high),
        )
        for row in knockouts.itertuples()
    )
    carry = [c for c in components if detectable(c[2], c[3]) and c[1] > 0]
    against = [c for c in components if detectable(c[2], c[3]) and c[1] < 0]
    silent = [c for c in components if not detectable(c[2], c[3])]
    carry.sort(key=lambda c: -c[1])
    against.sort(key=lambda c: c[1])

    def listing(items: list[tuple[Part, float, float, float]]) -> Listing:
        return Listing(
            tuple(
                Phrase(N_("{mechanism} ({effect})"), {"mechanism": name, "effect": Effect(mean, low, high)})
                for name, mean, low, high in items
            )
        )

    sentences = [
        Phrase(
            N_("{district}: the documented place-based programme adds {effect} over no programme."),
            {"district": scenario.district, "effect": documented},
        )
    ]
    sentences.append(
        Phrase(N_("Components that carry the effect: {components}."), {"components": listing(carry)})
        if carry
        else Phrase(N_("No component carries a detectable share of the effect."))
    )
    if against:
        sentences.append(
            Phrase(
                N_("Components the effect is larger without: {components}."), {"components": listing(against)}
            )
        )
    if silent:
        sentences.append(
            Phrase(
                N_("No detectable effect: {components}."),
                {"components": Listing(tuple(c[0] for c in silent), ", ")},
            )
        )
    transplant = tables["transplant"].frame
    premium = transplant[
        (transplant["host"] == scenario.name)
        & transplant["design"].astype(str).str.startswith("tailoring premium")
    ]
    if not premium.empty:
        row = premium.iloc[0]
        best = str(row["design"]).removeprefix("tailoring premium (native minus ").removesuffix(")")
        sentences.append(
            Phrase(
                N_("Tailoring premium (native minus {best}): {effect}."),
                {"best": best, "effect": _row_words(row)},
            )
        )
    equal = tables["equal_spend"].frame.set_index("row")
    at_equal = equal.loc["place-based minus generic, equal spend"]
    gap = float(at_equal["spend_gap"])
    sentences.append(
        Phrase(
            N_("At equal realised public spend, place-based minus generic: {effect}."),
            {"effect": _row_words(at_equal)},
        )
        if gap < SAME_SPEND_TOLERANCE
        else Phrase(
            N_("At the closest spends found ({gap} apart), place-based minus generic: {effect}."),
            {"gap": Percent(gap), "effect": _row_words(at_equal)},
        )
    )
    knowledge = tables["knowledge_generic"].frame.set_index("row")
    sentences.append(
        Phrase(
            N_("Place-based minus a generic programme of the same knowledge instruments: {effect}."),
            {"effect": _row_words(knowledge.loc["place-based minus knowledge-instrument generic"])},
        )
    )
    horizons = tables["horizons"].frame
    contrasts = horizons[horizons["row"] == "place-based minus generic"]
    sentences.append(
        Phrase(
            N_("Place-based minus generic by horizon: {horizons}."),
            {
                "horizons": Listing(
                    tuple(
                        Phrase(
                            N_("month {month} {effect}"),
                            {"month": Number(float(r["months"])), "effect": _row_words(r)},
                        )
                        for _, r in contrasts.iterrows()
                    )
                )
            },
        )
    )
    return Findings(tuple(sentences))


__all__ = [
    "ADOPTING_FIRMS",
    "ADOPTIONS",
    "FACTORS",
    "HORIZONS",
    "TABLES",
    "AuditResult",
    "AuditTable",
    "Findings",
    "Knockout",
    "Phrase",
    "audit",
    "cell_name",
    "default_structures",
    "describe",
    "detectable",
    "factorial_cells",
    "factorial_programme",
    "knowledge_generic",
    "mechanism_switches",
    "transplanted",
]
