"""What every command shares: one-line errors with exit status 2, and the console."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from districtlab.errors import InputError, from_validation_error
from districtlab.workers import WORKER_DIED

console = Console(highlight=False)
if not console.is_terminal:  # logs and pipes: do not squeeze tables into 80 columns
    console = Console(highlight=False, width=140)
error_console = Console(stderr=True, highlight=False, soft_wrap=True)

#: Exit status for bad input (as argparse and click use for usage errors).
EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit with status 2."""
    error_console.print(f"error: {message}", markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def user_errors(source: str | None = None) -> Iterator[None]:
    """Turn errors a user can fix into one line and exit status 2, never a traceback."""
    try:
        yield
    except InputError as error:
        fail(str(error))
    except ValidationError as error:
        fail(str(from_validation_error(error, source)))
    except FileNotFoundError as error:
        fail(f"{error.filename}: no such file")
    except IsADirectoryError as error:
        fail(f"{error.filename}: is a directory, not a file")
    except PermissionError as error:
        fail(f"{error.filename}: permission denied")
    except BrokenProcessPool:
        fail(WORKER_DIED)
    except KeyboardInterrupt:
        error_console.print("interrupted", markup=False)
        sys.exit(130)
