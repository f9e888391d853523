"""The one table printer and writer of the command line: rich tables on screen, CSV and Parquet on disk."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from districtlab.cli.common import console
from districtlab.io.files import write_atomically
from districtlab.io.spreadsheet import spreadsheet_csv

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def write_table(frame: pd.DataFrame, out: Path, name: str) -> list[Path]:
    """``name.csv`` and ``name.parquet`` in ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv, parquet = out / f"{name}.csv", out / f"{name}.parquet"
    write_atomically(csv, spreadsheet_csv(frame))  # names may come from user files: no live formulas
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    write_atomically(parquet, buffer.getvalue())
    return [csv, parquet]


def write_figure(figure: Figure, path: Path) -> Path:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    write_atomically(path, buffer.getvalue())
    return path


def number(value: float) -> str:
    import pandas as pd

    if pd.isna(value):
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def print_frame(frame: pd.DataFrame, title: str, limit: int = 25) -> None:
    import pandas as pd

    table = Table(title=title)
    for column in frame.columns:
        table.add_column(
            str(column),
            justify="right" if pd.api.types.is_numeric_dtype(frame[column]) else "left",
            overflow="fold",  # numbers are folded onto a second line, never cut off
        )
    for row in frame.head(limit).itertuples(index=False):
        table.add_row(*(number(v) if isinstance(v, float) else str(v) for v in row))
    console.print(table)
    if len(frame) > limit:
        console.print(f"... {len(frame) - limit} more rows in the CSV")


def interval(mean: float, low: float, high: float) -> str:
    import pandas as pd

    return number(mean) + ("" if pd.isna(low) else f" [{number(low)}, {number(high)}]")


__all__ = ["interval", "number", "print_frame", "write_figure", "write_table"]
