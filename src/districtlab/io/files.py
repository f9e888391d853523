"""Writing files so that a failure never leaves a partial or corrupted one behind.

Both helpers write to a temporary file in the target's folder and move it onto
the target (an atomic rename on POSIX): readers see the old file or the new
one, never half of one, and a failed write leaves the target untouched. The
file gets the mode any new file of the process gets (``0o666`` less the umask,
so 0644 by default), not the owner-only 0600 of a temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from districtlab.errors import InputError


def new_file_mode() -> int:
    """The permission bits a newly created file gets in this process: ``0o666`` less the umask."""
    try:  # Linux: read the umask without changing it (os.umask would, for a moment, for every thread)
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: str | Path, data: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to ``path``, creating its folder if needed.

    The temporary file is named ``.<name>.<random>.tmp``; the experiment store
    recognises that pattern when it cleans up after an interrupted write.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), new_file_mode())
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def atomic_write(path: str | Path, write: Callable[[str], object]) -> Path:
    """Call ``write(temporary_path)``, then move the temporary file onto ``path``.

    For writers that want a path rather than data (pandas, openpyxl). The
    temporary file keeps the target's suffix, since such writers choose a
    format from it; the folder must exist.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError("the folder to write into does not exist", path=path.parent)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.stem}.tmp-", suffix=path.suffix, dir=path.parent)
    os.close(descriptor)
    try:
        write(temporary)
        os.chmod(temporary, new_file_mode())  # after writing: a writer may have made the file anew
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
