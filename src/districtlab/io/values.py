"""Plain Python values from numpy ones, for files (JSON, TOML) and configuration that take only Python types."""

from __future__ import annotations

from typing import Any

import numpy as np


def python_value(value: Any) -> Any:
    """``value`` as a Python scalar if it is a numpy scalar, else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


__all__ = ["python_value"]
