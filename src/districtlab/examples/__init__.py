"""The sample study that ships with districtlab: SYNTHETIC and illustrative, for trying things out.

A REFI-QDA project of 24 invented interviews across the three districts, coded
with the study codebook by two synthetic coders, and a knowledge-network survey
(actors and ties) per district; see ``data/README.txt`` and
:mod:`districtlab.examples.generate`, which makes them from one seed. None of it
is real data.

>>> from districtlab import examples
>>> "interviews.qdpx" in examples.names()
True
"""

from __future__ import annotations

import shutil
from pathlib import Path

from districtlab.errors import InputError

#: The folder holding the sample files inside the installed package.
DATA = Path(__file__).parent / "data"

#: What each sample file is, for ``districtlab examples``.
DESCRIPTIONS = {
    "README.txt": "what the samples are (synthetic), and how they are made",
    "interviews.qdpx": "REFI-QDA project: 24 synthetic interviews, 3 districts, 2 coders (one on a third)",
    "actors.csv": "knowledge-network survey, all districts: actors (id, type, district, size_class, ...)",
    "ties.csv": "knowledge-network survey, all districts: who asks whom for advice (nominations)",
    "castellon-actors.csv": "survey actors, Castellón ceramics",
    "castellon-ties.csv": "survey ties, Castellón ceramics",
    "vinalopo-actors.csv": "survey actors, Vinalopó footwear",
    "vinalopo-ties.csv": "survey ties, Vinalopó footwear",
    "toy-valley-actors.csv": "survey actors, Toy Valley",
    "toy-valley-ties.csv": "survey ties, Toy Valley",
}


def names() -> list[str]:
    """The sample files, in a fixed order."""
    return [name for name in DESCRIPTIONS if (DATA / name).is_file()]


def path(name: str) -> Path:
    """The installed path of one sample file.

    Raises
    ------
    InputError
        For a name that is not a sample file.
    """
    if name not in DESCRIPTIONS or not (DATA / name).is_file():
        raise InputError(f"no sample file {name!r}; the samples are {', '.join(names())}")
    return DATA / name


def copy_to(folder: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Copy every sample file into ``folder`` (created if needed).

    Raises
    ------
    InputError
        If ``folder`` is a file, or holds a file of the same name and ``overwrite`` is False.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("the destination is a file, not a folder", path=folder)
    clashes = [name for name in names() if (folder / name).exists()]
    if clashes and not overwrite:
        raise InputError(
            f"would overwrite {', '.join(clashes[:3])}{' ...' if len(clashes) > 3 else ''}; "
            "choose an empty folder or pass --force",
            path=folder,
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create the folder ({error.strerror})", path=folder) from None
    return [Path(shutil.copyfile(DATA / name, folder / name)) for name in names()]
