"""What every command shares: one-line errors with exit status 2, output checks, and the console.

A new command should:

- wrap its body in ``with user_errors(source):`` and raise
  :class:`~districtlab.errors.InputError` for anything the user can fix (or call
  :func:`fail`): the user sees one line on stderr and exit status 2;
- call :func:`check_output_folder` (or :func:`check_output_file`) on every path it
  will write, *before* any simulation starts, and offer ``--force`` to replace a
  non-empty folder (``--resume`` where an experiment can be continued);
- start local worker processes with :func:`districtlab.workers.worker_pool`;
- write what the user reads through :func:`_` (``_("wrote {files}").format(...)``):
  the messages are translated into the language chosen with ``--lang`` or
  ``$DISTRICTLAB_LANG`` (English by default; ``make catalogues`` extracts them).
  Column names of CSV and Parquet files stay machine names in every language.

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
from districtlab.i18n import DEFAULT_LANGUAGE, LANGUAGE_ENV, LANGUAGES, checked_language
from districtlab.i18n.numbers import format_amount
from districtlab.i18n.translate import N_, gettext_for
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
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EDQUOT: N_("disk quota exceeded"),
    errno.EROFS: N_("read-only file system"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.ENOTDIR: N_("a part of this path is a file, not a folder"),
    errno.EISDIR: N_("is a folder, not a file"),
    errno.ENOENT: N_("no such file or folder"),
    errno.ENAMETOOLONG: N_("name too long"),
    errno.EEXIST: N_("already exists"),
}

# -- the language of the messages ------------------------------------------------------------

_chosen: list[str] = []  # the language of this invocation, once --lang or $DISTRICTLAB_LANG is read


def chosen_language() -> str:
    """The language of the command line's messages: ``--lang``, else ``$DISTRICTLAB_LANG``, else English."""
    if _chosen:
        return _chosen[-1]
    from_environment = os.environ.get(LANGUAGE_ENV, "").strip().lower()
    return from_environment if from_environment in LANGUAGES else DEFAULT_LANGUAGE


def use_language(language: str | None) -> None:
    """Speak ``language`` from now on (``None``: back to ``$DISTRICTLAB_LANG`` or English)."""
    _chosen.clear()
    if language is not None:
        _chosen.append(checked_language(language))


def _(message: str) -> str:
    """``message`` in the chosen language (the English message id is the key of the catalogues)."""
    return gettext_for(chosen_language())(message)


def language_option(value: str | None) -> str:
    """Read ``--lang`` (or ``$DISTRICTLAB_LANG``, which Typer passes as its value); refuse others in one line."""
    if value is None or not value.strip():
        use_language(None)
        return chosen_language()
    try:
        use_language(value.strip().lower())
    except ValueError:
        use_language(None)
        source = "--lang" if os.environ.get(LANGUAGE_ENV) != value else f"${LANGUAGE_ENV}"
        fail(
            _("{option} {value}: choose one of {choices}").format(
                option=source, value=repr(value), choices=", ".join(LANGUAGES)
            )
        )
    return chosen_language()


def hoisted_language(args: list[str]) -> list[str]:
    """``args`` with every ``--lang X`` (or ``--lang=X``) moved to the front, where the main command reads it:
    ``districtlab run PRESET --lang es`` means the same as ``districtlab --lang es run PRESET``."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            rest += args[index:]
            break
        if token == "--lang" and index + 1 < len(args):
            front += args[index : index + 2]
            index += 2
            continue
        if token.startswith("--lang="):
            front.append(token)
        else:
            rest.append(token)
        index += 1
    return front + rest


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit with status 2."""
    error_console.print(_("error: {message}").format(message=" ".join(message.split())), markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def os_error_message(error: OSError) -> str:
    """An OS error as one line that names the user's path (never a temporary file next to it)."""
    known = _OS_PROBLEMS.get(error.errno or -1)
    problem = _(known) if known else (error.strerror or str(error)).splitlines()[0]
    name = error.filename
    if isinstance(name, str | bytes | os.PathLike):
        name = os.fsdecode(name)
        shown = Path(name)
        if shown.name.startswith(".") and ".tmp" in shown.name:  # our atomic writers' temporaries
            return _("{folder}: cannot write into this folder ({problem})").format(
                folder=shown.parent, problem=problem
            )
        return f"{name}: {problem}"
    return problem


def translated(error: InputError) -> str:
    """The error's line in the chosen language, where the catalogues hold its message (library messages
    marked with ``N_()``); as it was raised otherwise."""
    problem = _(error.template)
    if problem is error.template or problem == error.template:  # not in the catalogue (or English)
        return str(error)
    try:
        return error.shown(problem.format(**error.values) if error.values else problem)
    except (KeyError, IndexError, ValueError):  # a translation that does not fit its values
        return str(error)


@contextmanager
def user_errors(source: str | None = None) -> Iterator[None]:
    """Turn errors a user can fix into one line and exit status 2, never a traceback."""
    try:
        yield
    except InputError as error:
        fail(translated(error))
    except ValidationError as error:
        fail(translated(from_validation_error(error, source)))
    except BrokenProcessPool:
        fail(WORKER_DIED)
    except MemoryError:
        fail(
            _(
                "out of memory: use fewer firms, fewer design points or fewer --workers "
                "(see the size guard in the README)"
            )
        )
    except OSError as error:  # a full disk, a read-only folder, a path under a file...
        fail(os_error_message(error))
    except KeyboardInterrupt:
        error_console.print(_("interrupted"), markup=False)
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
        raise InputError(
            _("{option}: {path} is a file, so nothing can be written under it").format(
                option=option, path=existing
            ),
            path=target,
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        problem = _("read-only file system") if _read_only_file_system(existing) else _("permission denied")
        raise InputError(
            _("{option}: cannot write into {path} ({problem})").format(
                option=option, path=existing, problem=problem
            ),
            path=target,
        )
    free = shutil.disk_usage(existing).free
    if free < MIN_FREE_BYTES:
        raise InputError(
            _("{option}: the disk is full or nearly ({free} MiB free; at least {needed} MiB needed)").format(
                option=option,
                free=format_amount(free / 2**20, chosen_language(), decimals=1),
                needed=MIN_FREE_BYTES // 2**20,
            ),
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
        raise InputError(_("{option}: exists and is a file, not a folder").format(option=option), path=out)
    _check_writable(out, out, option)
    if resume is None and not force and out.is_dir() and any(out.iterdir()):
        raise InputError(
            _(
                "{option}: the folder is not empty; choose another {option}, or pass --force to write over "
                "what it holds"
            ).format(option=option),
            path=out,
        )


def check_output_file(path: Path, *, force: bool = False, option: str = "FILE") -> None:
    """Refuse, in one line, a file path that cannot be written, or an existing file unless ``force``."""
    if path.is_dir():
        raise InputError(_("{option}: is a folder; give a file name").format(option=option), path=path)
    _check_writable(path.parent, path, option)
    if path.exists() and not force:
        raise InputError(
            _("{option}: the file exists; choose another name, or pass --force to replace it").format(
                option=option
            ),
            path=path,
        )


class OneLineUsageError(UsageError):
    """A usage error shown as one line (click shows three: usage, a hint, the error)."""

    def show(self, file: Any = None) -> None:
        command = self.ctx.command_path if self.ctx is not None else "districtlab"
        message = _("{message} (see '{command} --help')").format(
            message=self.format_message(), command=command
        )
        print(_("error: {message}").format(message=message), file=file or sys.stderr)


def _one_line(error: UsageError) -> OneLineUsageError:
    if isinstance(error, OneLineUsageError):
        return error
    return OneLineUsageError(" ".join(error.format_message().split()), error.ctx)


class OneLineErrorsGroup(typer.core.TyperGroup):
    """The top-level command group: every usage error, of any sub-command, in one line with exit status 2;
    ``--lang`` read wherever it is given, and forgotten when the command ends."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from districtlab.cli.help import language_of, translate_help

        given = kwargs.get("args", args[0] if args else None)
        words = [str(word) for word in (sys.argv[1:] if given is None else given)]
        # --help is answered while the line is parsed, before --lang's callback runs: the help texts are
        # translated here, from the line as given, in the language --lang or $DISTRICTLAB_LANG names.
        translate_help(self, gettext_for(language_of(words, os.environ.get(LANGUAGE_ENV))))
        try:
            return super().main(*args, **kwargs)
        finally:
            use_language(None)  # a test runner or a notebook that invokes again starts afresh

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoisted_language(args))

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
        _("{workers} worker(s) each simulating {firms} firms").format(
            workers=workers, firms=format_amount(scenario.n_firms, chosen_language())
        ),
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
                _("already holds an experiment: pass --resume to continue it, or choose another --out"),
                path=out,
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
        console.print(_("resuming the experiment in {folder}").format(folder=out))
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
        _(
            "seed {seed} ({scenarios} scenarios x {replications} replications = {runs} runs in {folder})"
        ).format(
            seed=result.entropy,
            scenarios=len(result.names),
            replications=replications,
            runs=len(result.names) * replications,
            folder=out,
        )
    )
    return result


__all__ = [
    "EXIT_BAD_INPUT",
    "MIN_FREE_BYTES",
    "OneLineErrorsGroup",
    "_",
    "base_scenario",
    "check_output_file",
    "check_output_folder",
    "chosen_language",
    "console",
    "error_console",
    "fail",
    "hoisted_language",
    "language_option",
    "os_error_message",
    "root_seed",
    "run_experiment",
    "translated",
    "use_language",
    "user_errors",
    "with_programme",
]
