"""Where a district's firms are: municipalities with approximate coordinates, for a schematic map.

The model has no geography. A district may ship a places file
(``presets/places/<preset>.toml``, or ``places/<preset>.toml`` in a
``DISTRICTLAB_PRESETS`` folder) listing its municipalities with the
coordinates of their municipal capitals and a firm weight, each with its
source. :func:`assign_municipalities` puts every firm of a run in one
municipality, in proportion to those weights; :func:`adoption_by_place`
counts firms and adopters per municipality month by month. Nothing here
changes a run: the assignment uses the run's own ``places`` stream, which the
model never draws from.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from districtlab._rng import SeedRecord, run_streams
from districtlab.errors import InputError, from_validation_error
from districtlab.presets import _user_folders
from districtlab.results import RunResult

#: Folder of places files, in the package's presets and in a user preset folder.
PLACES_FOLDER = "places"


class Municipality(BaseModel):
    """One municipality: its name, the coordinates of its capital (WGS84 degrees) and its firm weight."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=120)]
    latitude: Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
    longitude: Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
    firm_weight: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]


class DistrictPlaces(BaseModel):
    """A district's municipalities, with the sources of their coordinates and firm weights."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    district: Annotated[str, Field(min_length=1)]
    coordinates_source: Annotated[str, Field(min_length=1)]
    weights_source: Annotated[str, Field(min_length=1)]
    rti_municipality: str | None = None
    municipalities: Annotated[tuple[Municipality, ...], Field(min_length=1, max_length=500)]

    def names(self) -> list[str]:
        return [place.name for place in self.municipalities]

    def weights(self) -> NDArray[np.float64]:
        return np.array([place.firm_weight for place in self.municipalities], dtype=np.float64)


def parse_places(text: str, *, source: str | Path) -> DistrictPlaces:
    """Read a places file's TOML ``text``; :class:`~districtlab.errors.InputError` if it is bad."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"not valid TOML ({error})", path=source) from None
    if isinstance(data.get("municipalities"), list):
        data["municipalities"] = tuple(data["municipalities"])
    try:
        places = DistrictPlaces.model_validate(data)
    except ValidationError as error:
        raise from_validation_error(error, source) from None
    names = places.names()
    if len(set(names)) != len(names):
        raise InputError("a municipality is listed twice", path=source, field="municipalities")
    if places.rti_municipality is not None and places.rti_municipality not in names:
        raise InputError(
            f"rti_municipality {places.rti_municipality!r} is not one of the municipalities",
            path=source,
            field="rti_municipality",
        )
    return places


def places_for(preset: str) -> DistrictPlaces | None:
    """The places of the preset named ``preset`` (a user folder's file first), or ``None`` if it has none."""
    filename = f"{preset}.toml"
    for folder in _user_folders():
        path = folder / PLACES_FOLDER / filename
        if path.is_file():
            return parse_places(path.read_text(encoding="utf-8"), source=path)
    shipped = resources.files("districtlab.presets").joinpath(PLACES_FOLDER, filename)
    if shipped.is_file():
        return parse_places(shipped.read_text(encoding="utf-8"), source=f"presets/places/{filename}")
    return None


def proportional_counts(total: int, weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainders, ties to the first).

    >>> proportional_counts(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    quotas = total * weights / weights.sum()
    counts = np.floor(quotas).astype(np.int64)
    remainder = quotas - counts
    order = np.argsort(-remainder, kind="stable")
    counts[order[: total - int(counts.sum())]] += 1
    return counts


def assign_municipalities(places: DistrictPlaces, n_firms: int, seed: SeedRecord) -> NDArray[np.intp]:
    """The municipality (index into ``places.municipalities``) of each firm of the run with ``seed``.

    Each municipality gets a number of firms proportional to its weight
    (:func:`proportional_counts`), and the firms are dealt to them in a random
    order drawn from the run's ``places`` stream: which firm is where does not
    depend on its size or role (ASSUMPTION: no source ties firm size to a
    municipality within a district). The same seed gives the same assignment.
    """
    counts = proportional_counts(n_firms, places.weights())
    generator = run_streams(seed.to_seed_sequence())["places"]
    municipality = np.repeat(np.arange(len(counts), dtype=np.intp), counts)
    return municipality[generator.permutation(n_firms)]


def adoption_by_place(
    result: RunResult, places: DistrictPlaces, *, technology: str | None = None
) -> pd.DataFrame:
    """Firms and adopting firms per municipality at every step of ``result``.

    ``result`` must have been run with ``record_firms=True``. With
    ``technology=None`` a firm counts as adopting once it has adopted at least
    one technology; otherwise once it has adopted ``technology``.

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``month``, ``municipality``, ``latitude``,
        ``longitude``, ``firms``, ``adopting`` and ``share`` (adopting / firms,
        0 to 1), one row per (step, municipality).
    """
    if result.firms is None:
        raise ValueError("the run has no firm-level record: simulate it with record_firms=True")
    where = assign_municipalities(places, result.n_firms, result.seed)
    steps = result.firms.step
    if technology is not None:
        column = result.firms.technology_names.index(technology)
        first = steps[:, column].astype(np.int64)
    else:
        # the first step at which the firm had any technology: the smallest non-negative step
        first = np.where(steps >= 0, steps, np.iinfo(np.int16).max).min(axis=1).astype(np.int64)
        first[first == np.iinfo(np.int16).max] = -1
    n_places = len(places.municipalities)
    firms = np.bincount(where, minlength=n_places)
    n_steps = result.observations.n_steps
    # adopting[t, p]: firms of place p that had adopted by the end of step t
    newly = np.zeros((n_steps + 1, n_places), dtype=np.int64)
    adopters = first >= 0
    np.add.at(newly, (first[adopters], where[adopters]), 1)
    adopting = np.cumsum(newly, axis=0)
    step_index = np.repeat(np.arange(n_steps + 1), n_places)
    frame = pd.DataFrame(
        {
            "step": step_index,
            "month": step_index * result.observations.dt,
            "municipality": np.tile(np.array(places.names(), dtype=object), n_steps + 1),
            "latitude": np.tile([p.latitude for p in places.municipalities], n_steps + 1),
            "longitude": np.tile([p.longitude for p in places.municipalities], n_steps + 1),
            "firms": np.tile(firms, n_steps + 1),
            "adopting": adopting.reshape(-1),
        }
    )
    frame["share"] = frame["adopting"] / frame["firms"].where(frame["firms"] > 0)
    return frame


__all__ = [
    "DistrictPlaces",
    "Municipality",
    "adoption_by_place",
    "assign_municipalities",
    "parse_places",
    "places_for",
    "proportional_counts",
]
