"""Writing files so that a failure never leaves a partial or corrupted one behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from districtlab.errors import InputError


def atomic_write(path: str | Path, write: Callable[[str], object]) -> Path:
    """Call ``write(temporary_path)``, then move the temporary file onto ``path``.

    The temporary file sits in the target folder (so the move is atomic), keeps
    the target's suffix (writers such as pandas choose a format from it) and is
    removed if ``write`` fails: the target is either untouched or complete.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError("the folder to write into does not exist", path=path.parent)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.stem}.tmp-", suffix=path.suffix, dir=path.parent)
    os.close(descriptor)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
