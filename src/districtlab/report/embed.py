"""Turning figures into bytes, files and data URIs."""

from __future__ import annotations

import base64
import io
from functools import partial
from pathlib import Path

from matplotlib.figure import Figure

from districtlab.io.files import atomic_write


def figure_png(figure: Figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def save_figure(
    figure: Figure, path: Path, *, formats: tuple[str, ...] = ("png",), dpi: int = 150
) -> list[Path]:
    """Save a figure under ``path`` (its suffix is replaced) in each format; returns the files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for extension in formats:
        target = path.with_suffix("." + extension)
        atomic_write(target, partial(figure.savefig, dpi=dpi))  # whole or absent, never half a figure
        written.append(target)
    return written
