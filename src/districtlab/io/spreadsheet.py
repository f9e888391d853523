"""Cells for spreadsheets that can never run as formulas (the OWASP CSV-injection rule).

Spreadsheet programs treat a cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return as a formula, in CSV files and ``.xlsx`` alike, so a name
taken from a user's file (``=HYPERLINK("http://…")``) would become a live link or
command when a colleague opens the table. Text cells that begin so are written
with a leading apostrophe, which spreadsheets show as text; numbers stay numbers.
See https://owasp.org/www-community/attacks/CSV_Injection. Hand-written: no
maintained library does this one rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it without evaluating it: text that could start a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and text index can be opened in a spreadsheet safely.

    Only text is changed (every column that is neither numeric nor boolean, and the labels):
    numbers keep their values, so ``-0.5`` stays a number, and missing values stay missing.
    """
    import pandas as pd

    safe = frame.copy()
    for column in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_bool_dtype(safe[column])):
            safe[column] = safe[column].map(safe_cell, na_action="ignore")
    safe.columns = safe.columns.map(safe_cell)
    if not pd.api.types.is_numeric_dtype(safe.index):
        safe.index = safe.index.map(safe_cell)
    return safe


def spreadsheet_csv(frame: pd.DataFrame) -> str:
    """CSV text of ``frame`` (no index) for opening in a spreadsheet, with :func:`spreadsheet_safe` cells."""
    return str(spreadsheet_safe(frame).to_csv(index=False))


__all__ = ["FORMULA_TRIGGERS", "safe_cell", "spreadsheet_csv", "spreadsheet_safe"]
