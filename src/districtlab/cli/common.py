"""What every command shares: one-line errors with exit status 2, output checks, and the console.

A new command should:

- wrap its body in ``with user_errors(source):`` and raise
  :class:`~districtlab.errors.InputError` for anything the user can fix (or call
  :func:`fail`): the user sees one line on stderr and exit status 2;
- call :func:`check_output_folder` (or :func:`check_output_file`) on every path it
  will write, *before* any simulation starts, and offer ``--force`` to replace a
  non-empty folder (``--resume`` where an experiment can be continued);
- start local worker processes with :func:`districtlab.workers.worker_pool`.

The experiment commands (``sweep``, ``compare``, ``sensitivity``) also share their
base scenario (:func:`base_scenario`), their root seed and resume policy
(:func:`root_seed`) and their run into an experiment directory (:func:`run_experiment`).
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
import typer.core
from pydantic import ValidationError
from rich.console import Console
from typer._click.exceptions import UsageError  # Typer 0.29 vendors click: its errors, not click's

from districtlab.errors import InputError, from_validation_error
from districtlab.memory import district_bytes, require_memory
from districtlab.presets import load_scenario
from districtlab.workers import WORKER_DIED, executor_for

if TYPE_CHECKING:
    import numpy as np

    from districtlab.config import Scenario
    from districtlab.experiments import Design, ExperimentResult

console = Console(highlight=False)
if not console.is_terminal:  # logs and pipes: do not squeeze tables into 80 columns
    console = Console(highlight=False, width=140)
error_console = Console(stderr=True, highlight=False, soft_wrap=True)

#: Exit status for bad input (as argparse and click use for usage errors).
EXIT_BAD_INPUT = 2

#: A folder whose disk has less free space than this is refused before any work (bytes).
MIN_FREE_BYTES = 32 * 2**20

#: What an OS error number means for the user, in a few words.
_OS_PROBLEMS = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOENT: "no such file or folder",
    errno.ENAMETOOLONG: "name too long",
    errno.EEXIST: "already exists",
}


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit with status 2."""
    error_console.print(f"error: {' '.join(message.split())}", markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def os_error_message(error: OSError) -> str:
    """An OS error as one line that names the user's path (never a temporary file next to it)."""
    problem = _OS_PROBLEMS.get(error.errno or -1) or (error.strerror or str(error)).splitlines()[0]
    name = error.filename
    if isinstance(name, str | bytes | os.PathLike):
        name = os.fsdecode(name)
        shown = Path(name)
        if shown.name.startswith(".") and ".tmp" in shown.name:  # our atomic writers' temporaries
            return f"{shown.parent}: cannot write into this folder ({problem})"
        return f"{name}: {problem}"
    return problem


@contextmanager
def user_errors(source: str | None = None) -> Iterator[None]:
    """Turn errors a user can fix into one line and exit status 2, never a traceback."""
    try:
        yield
    except InputError as error:
        fail(str(error))
    except ValidationError as error:
        fail(str(from_validation_error(error, source)))
    except BrokenProcessPool:
        fail(WORKER_DIED)
    except MemoryError:
        fail(
            "out of memory: use fewer firms, fewer design points or fewer --workers "
            "(see the size guard in the README)"
        )
    except OSError as error:  # a full disk, a read-only folder, a path under a file...
        fail(os_error_message(error))
    except KeyboardInterrupt:
        error_console.print("interrupted", markup=False)
        sys.exit(130)


def _existing_ancestor(path: Path) -> Path:
    for candidate in [path, *path.parents]:
        if candidate.exists():
            return candidate
    return Path.cwd()


def _check_writable(folder: Path, target: Path, option: str) -> None:
    """``folder`` (``target`` itself or its folder) can be created and written; refuse in one line naming ``target``."""
    existing = _existing_ancestor(folder)
    if not existing.is_dir():
        raise InputError(f"{option}: {existing} is a file, so nothing can be written under it", path=target)
    if not os.access(existing, os.W_OK | os.X_OK):
        problem = "read-only file system" if _read_only_file_system(existing) else "permission denied"
        raise InputError(f"{option}: cannot write into {existing} ({problem})", path=target)
    free = shutil.disk_usage(existing).free
    if free < MIN_FREE_BYTES:
        raise InputError(
            f"{option}: the disk is full or nearly ({free / 2**20:.1f} MiB free; at least "
            f"{MIN_FREE_BYTES // 2**20} MiB needed)",
            path=target,
        )


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # pragma: no cover - not POSIX
        return False


def check_output_folder(
    out: Path, *, force: bool = False, resume: bool | None = None, option: str = "--out"
) -> None:
    """Refuse, in one line and before any work, an output folder the command could not or should not write.

    Refused: a path that is a file or lies under a file, a folder that cannot
    be written (permissions, read-only file system), a disk with less than
    :data:`MIN_FREE_BYTES` free, and a non-empty folder unless ``force`` is
    given. Commands that continue experiments pass ``resume`` (True or False):
    their experiment store decides what a non-empty folder may hold (only this
    experiment, continued with ``--resume``).
    """
    if out.exists() and not out.is_dir():
        raise InputError(f"{option}: exists and is a file, not a folder", path=out)
    _check_writable(out, out, option)
    if resume is None and not force and out.is_dir() and any(out.iterdir()):
        raise InputError(
            f"{option}: the folder is not empty; choose another {option}, or pass --force to write over what it holds",
            path=out,
        )


def check_output_file(path: Path, *, force: bool = False, option: str = "FILE") -> None:
    """Refuse, in one line, a file path that cannot be written, or an existing file unless ``force``."""
    if path.is_dir():
        raise InputError(f"{option}: is a folder; give a file name", path=path)
    _check_writable(path.parent, path, option)
    if path.exists() and not force:
        raise InputError(
            f"{option}: the file exists; choose another name, or pass --force to replace it", path=path
        )


class OneLineUsageError(UsageError):
    """A usage error shown as one line (click shows three: usage, a hint, the error)."""

    def show(self, file: Any = None) -> None:
        command = self.ctx.command_path if self.ctx is not None else "districtlab"
        print(f"error: {self.format_message()} (see '{command} --help')", file=file or sys.stderr)


def _one_line(error: UsageError) -> OneLineUsageError:
    if isinstance(error, OneLineUsageError):
        return error
    return OneLineUsageError(" ".join(error.format_message().split()), error.ctx)


class OneLineErrorsGroup(typer.core.TyperGroup):
    """The top-level command group: every usage error, of any sub-command, in one line with exit status 2."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except UsageError as error:
            raise _one_line(error) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            raise _one_line(error) from None


# -- what the experiment commands (sweep, compare, sensitivity) share ----------------------


def base_scenario(
    source: str, programme: str | None, months: float | None, firms: int | None, workers: int = 1
) -> Scenario:
    """The scenario an experiment command starts from: ``source`` with its options, if ``workers`` fit in memory."""
    scenario = _scenario(source, programme, months, firms)
    require_memory(
        district_bytes(scenario) * workers,
        f"{workers} worker{'s' if workers > 1 else ''} each simulating {scenario.n_firms:,} firms",
    )
    return scenario


def _scenario(source: str, programme: str | None, months: float | None, firms: int | None) -> Scenario:
    scenario = load_scenario(source)
    if programme is not None:
        scenario = with_programme(scenario, programme, source)
    try:
        if months is not None:
            scenario = scenario.with_months(months)
        if firms is not None:
            scenario = scenario.with_firms(firms)
    except InputError:
        raise
    except ValueError as error:
        raise InputError(str(error).splitlines()[0], path=source) from None
    return scenario


def with_programme(scenario: Scenario, programme: str, source: str) -> Scenario:
    """``scenario`` running ``programme``; an unknown programme is an :class:`InputError` naming ``source``."""
    try:
        return scenario.with_programme(programme)
    except ValueError as error:
        raise InputError(str(error).splitlines()[0], path=source) from None


def root_seed(out: Path, seed: int | None, resume: bool) -> np.random.SeedSequence:
    """The root seed: --seed, the stored one when resuming without --seed, or fresh entropy.

    Refuses an existing experiment without --resume before anything runs.
    """
    import numpy as np

    from districtlab.experiments.store import is_experiment, stored_seed

    check_output_folder(out, resume=resume)  # the store decides what a non-empty --out may hold
    if is_experiment(out):
        if not resume:
            raise InputError(
                "already holds an experiment: pass --resume to continue it, or choose another --out", path=out
            )
        if seed is None:
            return stored_seed(out)
    return np.random.SeedSequence(seed)


def run_experiment(
    design: Design,
    *,
    replications: int,
    root: np.random.SeedSequence,
    out: Path,
    workers: int,
    scheduler: str | None,
    batch_size: int | None,
    description: str,
) -> ExperimentResult:
    """Run ``design`` into the experiment directory ``out`` with a progress bar, and say where it went."""
    from districtlab.cli.progress import runs_progress  # the progress bars print through this module
    from districtlab.experiments import run_scenarios
    from districtlab.experiments.store import is_experiment

    if is_experiment(out):
        console.print(f"resuming the experiment in {out}")
    with executor_for(workers, scheduler) as executor, runs_progress(description) as update:
        result = run_scenarios(
            design,
            replications=replications,
            rng=root,
            executor=executor,
            store=out,
            batch_size=batch_size,
            progress=update,
        )
    console.print(
        f"seed {result.entropy} ({len(result.names)} scenarios x {replications} replications = "
        f"{len(result.names) * replications} runs in {out})"
    )
    return result


__all__ = [
    "EXIT_BAD_INPUT",
    "MIN_FREE_BYTES",
    "OneLineErrorsGroup",
    "base_scenario",
    "check_output_file",
    "check_output_folder",
    "console",
    "error_console",
    "fail",
    "os_error_message",
    "root_seed",
    "run_experiment",
    "user_errors",
    "with_programme",
]
