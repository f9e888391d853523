"""The results store: an experiment directory that never loses a run, queried as tables with DuckDB.

Layout of an experiment directory::

    experiment.json          what the experiment is: format, package version, seeds,
                             replications, base scenario (TOML), design points, run list
    runs/part-000001.parquet one row per run: scenario, replication, spawn key, outcomes
    series/part-000001.parquet
                             per-step series of the same runs, tidy:
                             scenario_index, replication, series, step, value

A directory becomes an experiment when ``experiment.json`` is renamed into
place, and that is done last, after ``runs/`` and ``series/`` exist; resuming
also recreates either folder if it is missing (a directory written by an older
version, or emptied by hand), so no kill leaves a layout that cannot resume.

Runs are appended in parts as batches finish. Each file is written to a
temporary name and renamed into place, so a part is either whole or absent;
the series part is renamed first and the runs part last, so a runs part is
the record that its runs are complete. A process killed at any moment
(``kill -9``) therefore leaves complete parts, temporary files and at most one
series part without its runs part; resuming removes the last two, skips the
runs the parts hold and runs the rest. A part whose runs are already held by
an earlier part is ignored, so no run is ever counted twice. Every part kept,
runs and series alike, is read and checked to hold the same runs before
anything is added; a corrupt one is reported in one line with the way to
recover (remove the pair of parts and resume: their runs are run again).

Nothing in a directory is changed before it has been recognised as this very
experiment: a directory with other files, another format version, another
package version or another experiment's metadata is refused with one line.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from districtlab._rng import SeedRecord
from districtlab.errors import InputError
from districtlab.experiments.designs import Design
from districtlab.experiments.plan import ExperimentPlan
from districtlab.experiments.summary import ADOPTION_SHARE, RunSummary
from districtlab.i18n.translate import N_
from districtlab.io.files import write_atomically
from districtlab.io.toml import dump_scenario, parse_scenario
from districtlab.io.values import python_value

if TYPE_CHECKING:
    import duckdb

try:  # advisory locks keep two processes from writing one experiment (POSIX only)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

FORMAT = "districtlab-experiment"
FORMAT_VERSION = 1
METADATA = "experiment.json"
RUNS = "runs"
SERIES = "series"
LOCK = ".lock"
#: Columns that identify a run in the runs table (and their types); every other column is an outcome.
ID_COLUMNS = ("scenario_index", "scenario", "replication", "spawn_key")
_ID_TYPES = ("int32", "str", "int32", "str")
#: Columns of the tidy series table, and their types.
SERIES_COLUMNS = ("scenario_index", "replication", "series", "step", "value")
_SERIES_TYPES = ("int32", "int32", "str", "int32", "float64")
_PART = re.compile(r"^part-(\d{6,})\.parquet$")
_TEMPORARY = re.compile(r"^\.part-\d{6,}\.parquet\.\d+\.tmp$")
_METADATA_TEMPORARY = re.compile(r"^\.experiment\.json\..*\.tmp$")


def _version() -> str:
    from districtlab._version import __version__

    return __version__


# -- tables of a batch ---------------------------------------------------------------------


def empty_runs_frame() -> pd.DataFrame:
    """The runs table of an experiment with no run yet."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(ID_COLUMNS, _ID_TYPES, strict=True)})


def empty_series_frame() -> pd.DataFrame:
    """The series table of an experiment with no run yet."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(SERIES_COLUMNS, _SERIES_TYPES, strict=True)})


def runs_table(summaries: Sequence[RunSummary], names: Sequence[str]) -> pa.Table:
    """One row per run: identifiers, then every outcome (float64)."""
    outcome_names = list(dict.fromkeys(name for run in summaries for name in run.outcomes))
    columns: dict[str, pa.Array] = {
        "scenario_index": pa.array([run.scenario for run in summaries], pa.int32()),
        "scenario": pa.array([names[run.scenario] for run in summaries], pa.string()),
        "replication": pa.array([run.replication for run in summaries], pa.int32()),
        "spawn_key": pa.array(["/".join(map(str, run.spawn_key)) for run in summaries], pa.string()),
    }
    for name in outcome_names:
        columns[name] = pa.array([run.outcomes.get(name, np.nan) for run in summaries], pa.float64())
    return pa.table(columns)


def series_table(summaries: Sequence[RunSummary]) -> pa.Table:
    """Tidy per-step series: one row per run, series and step."""
    scenario, replication, series, step, value = [], [], [], [], []
    for run in summaries:
        for name, values in run.series.items():
            n = len(values)
            scenario.append(np.full(n, run.scenario, np.int32))
            replication.append(np.full(n, run.replication, np.int32))
            series.extend([name] * n)
            step.append(np.arange(n, dtype=np.int32))
            value.append(np.asarray(values, dtype=np.float64))
    return pa.table(
        {
            "scenario_index": pa.array(np.concatenate(scenario)),
            "replication": pa.array(np.concatenate(replication)),
            "series": pa.array(series, pa.string()).dictionary_encode(),
            "step": pa.array(np.concatenate(step)),
            "value": pa.array(np.concatenate(value)),
        }
    )


def _write_parquet_atomically(table: pa.Table, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            pq.write_table(table, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# -- metadata ------------------------------------------------------------------------------


def plan_metadata(plan: ExperimentPlan) -> dict[str, Any]:
    """The contents of ``experiment.json`` for a plan."""
    design = plan.design
    table = design.table
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "districtlab_version": _version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "fingerprint": plan.fingerprint(),
        "seed": {
            "entropy": str(plan.entropy),
            "spawn_key": list(plan.spawn_key),
            "common_random_numbers": plan.common_random_numbers,
            "rule": "run (s, r) uses SeedSequence(entropy, spawn_key=(*spawn_key, r)) with common random "
            "numbers, (*spawn_key, s, r) without",
        },
        "replications": plan.replications,
        "total_runs": plan.total,
        "design": {
            "method": design.method,
            "sampler_seed": None
            if design.seed is None
            else {"entropy": str(design.seed.entropy), "spawn_key": list(design.seed.spawn_key)},
            "sampler": design.sampler,
            "parameters": None if table is None else [str(c) for c in table.columns],
            "rows": None
            if table is None
            else [[python_value(v) for v in row] for row in table.itertuples(index=False)],
        },
        "base_scenario": dump_scenario(design.base),
        "scenarios": [{"name": n, "changes": p} for n, p in zip(design.names, design.points, strict=True)],
        "run_list": [[run.scenario, run.replication, list(run.spawn_key)] for run in plan.runs()],
    }


def plan_from_metadata(metadata: dict[str, Any], source: str) -> ExperimentPlan:
    """Rebuild the plan recorded in ``experiment.json``; errors name the file."""
    try:
        seed = metadata["seed"]
        design_info = metadata["design"]
        base = parse_scenario(metadata["base_scenario"], source=f"{source} (base_scenario)")
        scenarios = metadata["scenarios"]
        names = [entry["name"] for entry in scenarios]
        points = [entry["changes"] for entry in scenarios]
        table = None
        if design_info.get("parameters") is not None:
            table = pd.DataFrame(design_info["rows"], columns=design_info["parameters"])
        sampler = design_info.get("sampler_seed")
        design = Design(
            base,
            points,
            names=names,
            method=design_info["method"],
            table=table,
            seed=None
            if sampler is None
            else SeedRecord(int(sampler["entropy"]), tuple(sampler["spawn_key"])),
            sampler=design_info.get("sampler"),
        )
        entropy, spawn_key = int(seed["entropy"]), tuple(int(k) for k in seed["spawn_key"])
        if entropy < 0 or any(k < 0 for k in spawn_key):
            raise InputError(
                f"its stored seed (entropy {entropy}, spawn key {list(spawn_key)}) is negative: "
                "seeds are non-negative integers, so this file was edited or damaged",
                path=source,
            )
        replications = int(metadata["replications"])
        if replications < 1:
            raise InputError(f"its stored replications ({replications}) must be at least 1", path=source)
        return ExperimentPlan(
            design=design,
            replications=replications,
            entropy=entropy,
            spawn_key=spawn_key,
            common_random_numbers=bool(seed["common_random_numbers"]),
        )
    except InputError as error:
        if error.path == source:
            raise
        raise InputError(
            f"experiment metadata does not describe a valid experiment: {error}", path=source
        ) from None
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"experiment metadata is incomplete or malformed ({error!r})", path=source) from None


def read_metadata(directory: Path) -> dict[str, Any]:
    """The metadata of an experiment directory, checked to be districtlab's, in this format."""
    path = directory / METADATA
    if not directory.is_dir():
        raise InputError(N_("no such experiment directory"), path=directory)
    if not path.is_file():
        raise InputError(
            N_("not a districtlab experiment (no {file})"), path=directory, values={"file": METADATA}
        )
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"corrupted experiment metadata ({error})", path=path) from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise InputError(N_("not a districtlab experiment (unknown format)"), path=path)
    if metadata.get("format_version") != FORMAT_VERSION:
        raise InputError(
            f"experiment format version {metadata.get('format_version')!r}; this districtlab reads version {FORMAT_VERSION}",
            path=path,
        )
    return metadata


def stored_seed(directory: str | Path) -> np.random.SeedSequence:
    """The root seed of the experiment stored in ``directory`` (checked as the store checks it).

    Resuming without a seed continues with this one; :func:`run_scenarios` and the CLI both read it here.
    """
    directory = Path(directory)
    stored = plan_from_metadata(read_metadata(directory), str(directory / METADATA))
    return np.random.SeedSequence(stored.entropy, spawn_key=stored.spawn_key)


def is_experiment(directory: str | Path) -> bool:
    """Whether ``directory`` holds an experiment's metadata (valid or not)."""
    return (Path(directory) / METADATA).exists()


# -- the store -----------------------------------------------------------------------------


class RunStore(Protocol):
    """Where an experiment's runs go and are read from: in memory, or an experiment directory.

    :func:`~districtlab.experiments.run_scenarios` appends to it and skips what it has completed;
    :class:`~districtlab.experiments.ExperimentResult` reads only through it.
    """

    plan: ExperimentPlan

    def completed(self) -> set[tuple[int, int]]: ...
    def append(self, summaries: Sequence[RunSummary]) -> object: ...
    def runs(self) -> tuple[RunSummary, ...]: ...
    def outcomes(self) -> pd.DataFrame: ...
    def series(self, names: Sequence[str] | None = None) -> pd.DataFrame: ...
    def series_values(self, name: str) -> NDArray[np.float64]: ...
    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> pd.DataFrame: ...


class ExperimentStore:
    """An experiment directory: its plan, its completed runs, and SQL over them.

    Open an existing experiment with :meth:`open` (read only) and create or
    continue one with :meth:`prepare` (what :func:`~districtlab.experiments.run_scenarios`
    does when given ``store=``).

    Examples
    --------
    >>> store = ExperimentStore.open("sweep-output")  # doctest: +SKIP
    >>> store.query("SELECT scenario, avg(new_adopters) AS mean FROM runs GROUP BY scenario")  # doctest: +SKIP
    """

    def __init__(self, path: Path, plan: ExperimentPlan, lock: IO[str] | None = None) -> None:
        self.path = path
        self.plan = plan
        self._lock = lock
        self._accepted_cache: list[tuple[Path, pa.Table]] | None = None
        self._next_part = 1 + max(
            (_part_number(p) for p in self._part_files(RUNS) + self._part_files(SERIES)), default=0
        )

    # -- opening and creating --------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> ExperimentStore:
        """Open an experiment directory to read it; nothing in it is changed."""
        directory = Path(path)
        metadata = read_metadata(directory)
        plan = plan_from_metadata(metadata, str(directory / METADATA))
        store = cls(directory, plan)
        store.completed()  # reads every part's keys: a corrupted part is reported now
        return store

    @classmethod
    def prepare(cls, path: str | Path, plan: ExperimentPlan) -> ExperimentStore:
        """Create the experiment of ``plan`` in ``path``, or continue it if ``path`` already holds it.

        The directory must not exist, be empty, or hold this same experiment
        (same seed, replications and scenarios, same format and package version).
        Otherwise :class:`InputError` is raised and nothing in it is touched.
        The store holds a lock on the directory until :meth:`close`.
        """
        directory = Path(path)
        if directory.exists() and not directory.is_dir():
            raise InputError("exists and is not a directory", path=directory)
        if directory.is_dir() and not _is_empty(directory):
            metadata = read_metadata(directory)
            stored = plan_from_metadata(metadata, str(directory / METADATA))
            difference = stored.difference(plan)
            if difference is not None:
                raise InputError(f"holds a different experiment: {difference}", path=directory)
            if metadata.get("districtlab_version") != _version():
                raise InputError(
                    f"was started with districtlab {metadata.get('districtlab_version')}, this is {_version()}: "
                    "resuming would mix results of two model versions",
                    path=directory,
                )
            store = cls(directory, plan, _acquire_lock(directory))
            try:
                store.completed()  # a corrupted or foreign part is reported before anything changes
                store._clean_up()
                for sub in (RUNS, SERIES):  # a kill between the metadata and these folders left them out
                    (directory / sub).mkdir(exist_ok=True)
            except BaseException:
                store.close()
                raise
            return store
        directory.mkdir(parents=True, exist_ok=True)
        lock = _acquire_lock(directory)
        try:
            for entry in directory.iterdir():  # what a writer killed before the metadata was in place left
                if _METADATA_TEMPORARY.match(entry.name):
                    entry.unlink()
            for sub in (RUNS, SERIES):  # before the metadata, whose arrival makes the directory an experiment
                (directory / sub).mkdir(exist_ok=True)
            write_atomically(directory / METADATA, json.dumps(plan_metadata(plan), indent=1) + "\n")
        except BaseException:  # a full disk, say: release the lock before the error is reported
            lock.close()
            raise
        return cls(directory, plan, lock)

    def close(self) -> None:
        """Release the lock on the directory (a store that only reads holds none)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> ExperimentStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- parts -----------------------------------------------------------------------------

    def _part_files(self, sub: str) -> list[Path]:
        directory = self.path / sub
        if not directory.is_dir():
            return []
        return sorted((p for p in directory.iterdir() if _PART.match(p.name)), key=_part_number)

    def _accepted(self) -> list[tuple[Path, pa.Table]]:
        """Runs parts in order with their (scenario_index, replication) keys, duplicates left out.

        A store opened to read caches them: nothing adds parts while it reads.
        """
        if self._lock is None and self._accepted_cache is not None:
            return self._accepted_cache
        accepted = self._scan_parts()
        if self._lock is None:
            self._accepted_cache = accepted
        return accepted

    def _scan_parts(self) -> list[tuple[Path, pa.Table]]:
        n_scenarios, replications = len(self.plan.design), self.plan.replications
        seen: set[tuple[int, int]] = set()
        accepted = []
        for part in self._part_files(RUNS):
            keys = _read_keys(part, "results")
            pairs = set(zip(keys["scenario_index"].to_pylist(), keys["replication"].to_pylist(), strict=True))
            if any(not (0 <= s < n_scenarios and 0 <= r < replications) for s, r in pairs):
                raise InputError("holds runs that are not in this experiment", path=part)
            if pairs & seen:
                continue  # runs already held by an earlier part: never count a run twice
            series = self.path / SERIES / part.name
            if not series.is_file():
                raise InputError(
                    f"its series part {SERIES}/{part.name} is missing; {_recovery(part)}", path=part
                )
            series_keys = _read_keys(series, "series")
            series_pairs = set(
                zip(
                    series_keys["scenario_index"].to_pylist(),
                    series_keys["replication"].to_pylist(),
                    strict=True,
                )
            )
            if series_pairs != pairs:
                raise InputError(
                    f"holds the series of other runs than {RUNS}/{part.name}; {_recovery(part)}", path=series
                )
            seen |= pairs
            accepted.append((part, keys))
        return accepted

    def completed(self) -> set[tuple[int, int]]:
        """(scenario, replication) of every run the directory holds."""
        done: set[tuple[int, int]] = set()
        for _, keys in self._accepted():
            done.update(zip(keys["scenario_index"].to_pylist(), keys["replication"].to_pylist(), strict=True))
        return done

    def parts(self) -> list[Path]:
        """The runs parts that count (in the order they were written)."""
        return [part for part, _ in self._accepted()]

    def _clean_up(self) -> None:
        """Remove what an interrupted writer left: temporary files and series parts without their runs part."""
        for sub in (RUNS, SERIES):
            directory = self.path / sub
            if directory.is_dir():
                for entry in directory.iterdir():
                    if _TEMPORARY.match(entry.name):
                        entry.unlink()
        runs = {p.name for p in self._part_files(RUNS)}
        for part in self._part_files(SERIES):
            if part.name not in runs:
                part.unlink()
        self._next_part = 1 + max((_part_number(p) for p in self._part_files(RUNS)), default=0)

    def append(self, summaries: Sequence[RunSummary]) -> Path:
        """Write a batch of finished runs as one part (series first, then runs, each atomically)."""
        if self._lock is None:
            raise RuntimeError("this store was opened read-only")
        name = f"part-{self._next_part:06d}.parquet"
        self._next_part += 1
        _write_parquet_atomically(series_table(summaries), self.path / SERIES / name)
        _write_parquet_atomically(runs_table(summaries, self.plan.design.names), self.path / RUNS / name)
        return self.path / RUNS / name

    # -- reading -----------------------------------------------------------------------------

    def outcomes(self) -> pd.DataFrame:
        """One row per stored run, ordered by scenario and replication."""
        parts = self.parts()
        if not parts:
            return empty_runs_frame()
        table = pa.concat_tables([pq.read_table(part) for part in parts], promote_options="default")
        frame = table.to_pandas()
        return frame.sort_values(["scenario_index", "replication"], ignore_index=True)

    def series(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Tidy per-step series of the stored runs (all, or only ``names``)."""
        where = ""
        parameters: list[Any] = []
        if names is not None:
            where = "WHERE list_contains(?, series)"
            parameters = [list(names)]
        return self.query(
            f"SELECT scenario_index, replication, series, step, value FROM series {where} "
            "ORDER BY scenario_index, replication, series, step",
            parameters,
        )

    def series_values(self, name: str) -> NDArray[np.float64]:
        """scenarios x replications x steps array of one series (NaN where a run or a step is missing)."""
        frame = self.series([name])
        if frame.empty:
            raise KeyError(f"unknown series {name!r} (or no run stored yet)")
        steps = int(frame["step"].max()) + 1
        values = np.full((len(self.plan.design), self.plan.replications, steps), np.nan)
        values[
            frame["scenario_index"].to_numpy(), frame["replication"].to_numpy(), frame["step"].to_numpy()
        ] = frame["value"].to_numpy()
        return values

    def runs(self) -> tuple[RunSummary, ...]:
        """Every stored run's summary in (scenario, replication) order (read whole: large)."""
        outcomes = self.outcomes()
        series = self.series()
        grouped = dict(list(series.groupby(["scenario_index", "replication"], sort=False)))
        summaries = []
        for row in outcomes.to_dict(orient="records"):
            key = (int(row["scenario_index"]), int(row["replication"]))
            group = grouped[key]
            by_name = {
                name: part.sort_values("step")["value"].to_numpy()
                for name, part in group.groupby("series", sort=False)
            }
            values = {c: float(v) for c, v in row.items() if c not in ID_COLUMNS}
            technologies = tuple(n[len(ADOPTION_SHARE) :] for n in by_name if n.startswith(ADOPTION_SHARE))
            summaries.append(
                RunSummary(
                    scenario=key[0],
                    replication=key[1],
                    spawn_key=tuple(int(k) for k in str(row["spawn_key"]).split("/") if k),
                    outcomes=values,
                    series=by_name,
                    technologies=technologies,
                )
            )
        return tuple(summaries)

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection with the views ``runs``, ``series``, ``scenarios`` and ``design``."""
        import duckdb  # imported when a query is made: `import districtlab` stays light

        connection = duckdb.connect()
        try:
            parts = self.parts()
            series_parts = [str(self.path / SERIES / part.name) for part in parts]
            if parts:
                files = ", ".join(_sql_string(str(p)) for p in parts)
                connection.execute(
                    f"CREATE VIEW runs AS SELECT * FROM read_parquet([{files}], union_by_name = true)"
                )
                files = ", ".join(_sql_string(p) for p in series_parts)
                connection.execute(f"CREATE VIEW series AS SELECT * FROM read_parquet([{files}])")
            else:
                connection.execute(
                    "CREATE TABLE runs (scenario_index INTEGER, scenario VARCHAR, replication INTEGER, spawn_key VARCHAR)"
                )
                connection.execute(
                    "CREATE TABLE series (scenario_index INTEGER, replication INTEGER, series VARCHAR, step INTEGER, value DOUBLE)"
                )
            design = self.plan.design
            scenarios = pd.DataFrame(
                {"scenario_index": np.arange(len(design), dtype=np.int32), "scenario": list(design.names)}
            )
            connection.register("scenarios", scenarios)
            table = design.to_frame()
            table.insert(0, "scenario_index", np.arange(len(design), dtype=np.int32))
            connection.register("design", table)
            yield connection
        finally:
            connection.close()

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL over the views ``runs``, ``series``, ``scenarios`` and ``design``; a DataFrame back.

        Outcome columns with dots in their names are quoted: ``"adoption_share.robotics"``.
        """
        import duckdb

        with self.connect() as connection:
            try:
                return connection.execute(sql, list(parameters or [])).df()
            except duckdb.Error as error:
                raise InputError(f"query failed: {str(error).splitlines()[0]}", path=self.path) from None


def _read_keys(part: Path, kind: str) -> pa.Table:
    """The (scenario_index, replication) columns of a part, reading the whole file so corruption shows."""
    try:
        table = pq.read_table(part)
        keys = table.select(["scenario_index", "replication"])
    except (pa.ArrowException, OSError, KeyError) as error:
        raise InputError(
            f"corrupted {kind} part ({str(error).splitlines()[0]}); {_recovery(part)}", path=part
        ) from None
    return keys


def _recovery(part: Path) -> str:
    """The one-line way out of a damaged part: remove it with its twin, resume, and its runs are run again."""
    directory = part.parent.parent
    return (
        f"to recover, delete {directory / RUNS / part.name} and {directory / SERIES / part.name} "
        "and run the command again with --resume (their runs are run again)"
    )


def _is_empty(directory: Path) -> bool:
    """Empty, or holding only what a writer killed before writing the metadata leaves behind."""
    return all(
        entry.name == LOCK
        or _METADATA_TEMPORARY.match(entry.name)
        or (entry.name in (RUNS, SERIES) and entry.is_dir() and not any(entry.iterdir()))
        for entry in directory.iterdir()
    )


def _part_number(path: Path) -> int:
    match = _PART.match(path.name)
    assert match is not None
    return int(match.group(1))


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _acquire_lock(directory: Path) -> IO[str]:
    handle = open(directory / LOCK, "a", encoding="utf-8")  # noqa: SIM115 - held until close()
    if fcntl is not None:
        # A POSIX record lock belongs to this process only: worker processes forked
        # later do not inherit it, so a writer killed with kill -9 frees the
        # directory at once even while its orphaned workers finish their tasks.
        try:
            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise InputError(
                "another districtlab process is writing this experiment", path=directory
            ) from None
    return handle


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "ID_COLUMNS",
    "METADATA",
    "SERIES_COLUMNS",
    "ExperimentStore",
    "empty_runs_frame",
    "empty_series_frame",
    "is_experiment",
    "plan_metadata",
    "read_metadata",
    "runs_table",
    "series_table",
]
