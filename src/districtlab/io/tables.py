"""Reading a user's table (CSV or Parquet) with one-line errors: empty, ragged, binary or unreadable files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from districtlab.errors import InputError
from districtlab.i18n.translate import N_

if TYPE_CHECKING:
    import pandas as pd


def read_table_file(path: str | Path, *, what: str = "table") -> pd.DataFrame:
    """A CSV (UTF-8) or Parquet file as a DataFrame with at least one column and one row.

    Every way the file can be wrong (missing, a folder, empty, binary, rows
    with more fields than the header, a broken Parquet file) is an
    :class:`InputError` naming the file and, for CSV, the line.
    """
    import pandas as pd
    import pyarrow as pa

    path = Path(path)
    if not path.exists():
        raise InputError(N_("no such file"), path=path)
    if path.is_dir():
        raise InputError(f"is a folder, not a {what} file", path=path)
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, encoding="utf-8", encoding_errors="strict")
    except pd.errors.EmptyDataError:
        raise InputError(f"the {what} file is empty", path=path) from None
    except pd.errors.ParserError as error:
        raise InputError(
            f"not a well-formed CSV {what}: {str(error).strip().splitlines()[-1]}", path=path
        ) from None
    except UnicodeDecodeError:
        raise InputError(f"not a UTF-8 CSV {what} (a binary file?)", path=path) from None
    except (ValueError, OSError, pa.ArrowException) as error:
        raise InputError(f"not a readable {what} ({str(error).strip().splitlines()[0]})", path=path) from None
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise InputError(f"the {what} has no rows", path=path)
    if any(str(column).startswith("Unnamed: ") for column in frame.columns):
        raise InputError(f"the {what} has a column without a name (a ragged or binary file?)", path=path)
    return frame


__all__ = ["read_table_file"]
