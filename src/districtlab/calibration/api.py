"""``districtlab.calibrate``: fit scenarios to targets and return their :class:`Posterior`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from districtlab.calibration import store
from districtlab.calibration.abc import PopulationRecord, Problem, Settings, check_settings, run_abc
from districtlab.calibration.posterior import Posterior
from districtlab.calibration.priors import INITIAL_TECHNOLOGIES, priors_for
from districtlab.calibration.simulator import Calendar
from districtlab.calibration.targets import Targets, load_targets
from districtlab.config import Scenario
from districtlab.errors import InputError


def _scenarios(items: Sequence[str | Path | Scenario]) -> dict[str, Scenario]:
    from districtlab.presets import load_scenario

    out: dict[str, Scenario] = {}
    for item in items:
        scenario = item if isinstance(item, Scenario) else load_scenario(item)
        if scenario.name in out:
            raise InputError(f"district {scenario.name!r} given twice")
        if "." in scenario.name:
            raise InputError(f"a calibrated scenario's name may not contain '.': {scenario.name!r}")
        out[scenario.name] = scenario
    if not out:
        raise InputError("calibrate needs at least one preset or scenario file")
    return out


def problem_for(
    scenarios: Sequence[str | Path | Scenario],
    targets: str | Path | Targets,
    *,
    replications: int = 2,
    calendar: Calendar | None = None,
    initial_technologies: tuple[str, ...] | None = None,
) -> Problem:
    """What a calibration fits: scenarios (presets, files or objects), targets (name, file or object).

    ``initial_technologies``: the technologies whose 2012 adoption is fitted (default: every one
    of :data:`~districtlab.calibration.priors.INITIAL_TECHNOLOGIES` the scenarios have, targeted
    or not, so that a technology left out of the targets is still predicted from its prior).
    """
    districts = _scenarios(scenarios)
    technologies = next(iter(districts.values())).technology_names
    loaded = targets if isinstance(targets, Targets) else load_targets(targets, technologies=technologies)
    for name, scenario in districts.items():
        unknown = set(loaded.technologies) - set(scenario.technology_names)
        if unknown:
            raise InputError(f"targets name technologies {', '.join(sorted(unknown))} that {name} lacks")
    calendar = calendar or Calendar()
    if loaded.first_year <= calendar.start_year:
        raise InputError(
            f"targets start in {loaded.first_year}, not after the simulation's start {calendar.start_year}"
        )
    wanted = INITIAL_TECHNOLOGIES if initial_technologies is None else initial_technologies
    known = tuple(t for t in wanted if all(t in s.technology_names for s in districts.values()))
    return Problem(districts, loaded, priors_for(tuple(districts), known), calendar, replications)


def calibrate(
    scenarios: Sequence[str | Path | Scenario] | str | Path | Scenario,
    targets: str | Path | Targets = "spain-2014-2020",
    *,
    out: str | Path,
    particles: int = Settings.particles,
    populations: int = Settings.populations,
    replications: int = Settings.replications,
    workers: int = 1,
    seed: int = 0,
    resume: bool = False,
    force: bool = False,
    client: Any = None,
    calendar: Calendar | None = None,
    initial_technologies: tuple[str, ...] | None = None,
    on_population: Callable[[PopulationRecord], None] | None = None,
    on_evaluations: Callable[[int, int], None] | None = None,
) -> Posterior:
    """Fit scenarios to targets with ABC-SMC and return the posterior (also written to ``out``).

    Parameters
    ----------
    scenarios
        Presets, scenario files or scenarios: several districts are fitted jointly, with
        behaviour parameters shared and structural ones per district.
    targets
        A shipped target set (``spain-2014-2020``), a target CSV file or :class:`Targets`.
    out
        The calibration directory (pyabc database, posterior, scenarios, targets).
    particles, populations
        ABC-SMC population size and number of populations.
    replications
        Runs averaged per particle (simulation noise in the summary statistics).
    workers
        Local processes; ``client``: a Dask client (then ``workers`` is ignored).
    seed
        Root seed: the same seed gives the same posterior, killed and resumed or not.
    resume
        Continue the calibration stored in ``out`` from its last finished population.
    force
        Write into a non-empty ``out`` that is not a calibration (never over a calibration).
    initial_technologies
        Technologies whose 2012 adoption is fitted (see :func:`problem_for`).
    """
    store.check_directory(Path(out), resume=resume, force=force)  # before any work
    items = [scenarios] if isinstance(scenarios, str | Path | Scenario) else list(scenarios)
    settings = Settings(
        particles=particles,
        populations=populations,
        replications=replications,
        seed=seed,
        workers=workers,
        calendar=calendar or Calendar(),
    )
    try:
        check_settings(settings)
    except ValueError as error:
        raise InputError(str(error)) from None
    problem = problem_for(
        items,
        targets,
        replications=replications,
        calendar=settings.calendar,
        initial_technologies=initial_technologies,
    )
    directory = Path(out)
    database = store.start(directory, problem, settings, resume=resume, force=force)
    frame, weights, records = run_abc(
        problem,
        database,
        settings,
        resume=resume,
        client=client,
        on_population=on_population,
        on_evaluations=on_evaluations,
    )
    posterior = Posterior(problem, frame, weights, tuple(records), settings, str(directory))
    store.finish(directory, posterior)
    return posterior


__all__ = ["calibrate", "problem_for"]
