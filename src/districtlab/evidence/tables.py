"""Write result tables as CSV, Parquet, XLSX or self-contained HTML, never half-written.

Tables are tidy (one observation per row) for CSV and Parquet, the formats
other programs read; XLSX and HTML, the formats people read, show a wide
display (e.g. cases x codes) with the tidy data on a second sheet in XLSX.
Every file is written to a temporary name in the target folder and moved into
place, so that a failure leaves no partial file.

Cell text comes from untrusted projects (code names, passages), so the formats
a spreadsheet opens never carry a live formula (the OWASP "CSV injection"
rule): in ``.xlsx`` every text cell is stored as a string, never as a formula,
and in ``.csv`` a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading apostrophe, which spreadsheets show as
text. Numbers are never touched; Parquet keeps text exactly.
"""

from __future__ import annotations

import html
import warnings
from pathlib import Path

import pandas as pd

from districtlab.errors import InputError
from districtlab.io.files import atomic_write
from districtlab.io.spreadsheet import spreadsheet_safe

#: Suffixes :func:`write_table` understands.
TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx", ".html")

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #222; }
h1 { font-size: 1.3rem; font-weight: 600; }
p.note { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; vertical-align: top; white-space: pre-line; }
thead th { background: #f3f3f3; position: sticky; top: 0; }
tbody th { background: #fafafa; text-align: left; }
td { text-align: right; max-width: 28rem; }
"""


def html_document(display: pd.DataFrame, *, title: str, note: str = "") -> str:
    """A standalone HTML page showing ``display``: inline style, no scripts, no network."""
    table = display.to_html(escape=True, na_rep="", border=0)
    note_html = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n{note_html}\n{table}\n</body>\n</html>\n"
    )


def write_table(
    tidy: pd.DataFrame,
    path: str | Path,
    *,
    display: pd.DataFrame | None = None,
    title: str = "districtlab table",
    note: str = "",
) -> Path:
    """Write a result table, choosing the format from the file suffix.

    Parameters
    ----------
    tidy : DataFrame
        The table in tidy form: written as is to ``.csv`` and ``.parquet``.
    path : str or Path
        Target file; its suffix is one of :data:`TABLE_SUFFIXES`.
    display : DataFrame, optional
        A wide view for people, shown in ``.html`` and on the first ``.xlsx``
        sheet (the tidy table goes on a second sheet, "data"). Defaults to ``tidy``.
    title, note : str
        Heading and explanatory line of the HTML page.

    Raises
    ------
    InputError
        For an unsupported suffix or a folder that does not exist.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            f"unsupported table format {suffix or '(none)'!r}; use {', '.join(TABLE_SUFFIXES)}",
            path=path,
        )
    shown = tidy if display is None else display
    if suffix == ".csv":
        safe = spreadsheet_safe(tidy)
        atomic_write(path, lambda target: safe.to_csv(target, index=False, encoding="utf-8"))
    elif suffix == ".parquet":
        atomic_write(path, lambda target: tidy.to_parquet(target, index=False))
    elif suffix == ".xlsx":
        atomic_write(path, lambda target: _write_xlsx(target, tidy, shown, display is not None))
    else:
        page = html_document(shown, title=title, note=note)
        atomic_write(path, lambda target: Path(target).write_text(page, encoding="utf-8"))
    return path


def _write_xlsx(target: str, tidy: pd.DataFrame, shown: pd.DataFrame, has_display: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # openpyxl's notes on styles
        writer = pd.ExcelWriter(target, engine="openpyxl")
    with writer:
        shown.to_excel(writer, sheet_name="matrix" if has_display else "data", index=has_display)
        if has_display:
            tidy.to_excel(writer, sheet_name="data", index=False)
        # openpyxl stores any text that begins with "=" as a formula: store every such cell
        # as the plain string it is, so that a code name can never run in a spreadsheet.
        for sheet in writer.book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
