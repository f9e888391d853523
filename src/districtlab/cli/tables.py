"""The one table printer and writer of the command line: rich tables on screen, CSV and Parquet on disk.

On screen, headings are plain words in the chosen language (the label catalogue,
:mod:`districtlab.i18n.labels`) and numbers are written its way; on disk, the
CSV and Parquet files keep the machine column names and raw numbers.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from districtlab.cli.common import _, chosen_language, console
from districtlab.i18n.labels import LABELS, label
from districtlab.i18n.numbers import format_amount, interval_separator
from districtlab.i18n.translate import N_
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
    """A number for a screen table, in the chosen language: grouped above 1,000, three significant
    digits below 10."""
    import pandas as pd

    language = chosen_language()
    if pd.isna(value):
        return _("n/a")
    magnitude = abs(value)
    if magnitude >= 1000:
        return format_amount(value, language)
    if magnitude >= 10:
        return format_amount(value, language, decimals=1)
    if magnitude == 0:
        return "0"
    return format_amount(float(f"{value:.3g}"), language, decimals=-1)


#: Machine columns of the experiment tables, as a screen table heads them.
COLUMNS = {"scenario": N_("Scenario"), "replication": N_("Replication")}


def heading(name: str) -> str:
    """How a screen table names a column or row: plain words in the chosen language where the label or
    outcome catalogue knows ``name``, else the name as it is (a parameter path, a design name)."""
    return shown(name)[0]


def shown(name: str, *, change: bool = False) -> tuple[str, float]:
    """(heading, scale) of outcome ``name`` on screen: a share the catalogue shows as % is multiplied by
    100, and a ``change`` of it is headed in percentage points."""
    from districtlab.outcomes import label as outcome_label
    from districtlab.outcomes import outcome

    language = chosen_language()
    try:
        entry = outcome(name)
    except KeyError:
        entry = None
    if name in COLUMNS:
        return _(COLUMNS[name]), 1.0
    if name in LABELS:
        text = label(name, language)
    elif entry is not None:
        text = _(outcome_label(name))
    else:
        return name, 1.0
    scale = entry.scale if entry is not None else 1.0
    if change and scale == 100.0 and text.endswith(" (%)"):
        text = _("{label}: change (percentage points)").format(label=text.removesuffix(" (%)"))
    return text, scale


def print_frame(frame: pd.DataFrame, title: str, limit: int = 25) -> None:
    import pandas as pd

    table = Table(title=title)
    frame = frame.copy()
    for column in frame.columns:
        text, scale = shown(str(column))
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        if numeric and scale != 1.0:
            frame[column] = frame[column] * scale  # a share shown as %, as its heading says
        table.add_column(
            text,
            justify="right" if numeric else "left",
            overflow="fold",  # numbers are folded onto a second line, never cut off
        )
    for row in frame.head(limit).itertuples(index=False):
        table.add_row(*(number(v) if isinstance(v, float) else str(v) for v in row))
    console.print(table)
    if len(frame) > limit:
        console.print(_("... {n} more rows in the CSV").format(n=len(frame) - limit))


def interval(mean: float, low: float, high: float) -> str:
    import pandas as pd

    if pd.isna(low):
        return number(mean)
    return f"{number(mean)} [{number(low)}{interval_separator(chosen_language())}{number(high)}]"


__all__ = ["heading", "interval", "number", "print_frame", "shown", "write_figure", "write_table"]
