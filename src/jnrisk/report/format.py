"""Cell formatting for report tables: integers without decimals, ids without separators."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["format_cell", "table_rows"]


def format_cell(value: Any, column: str = "", *, is_id: bool = False) -> str:
    """One table cell as text.

    Examples
    --------
    >>> format_cell(1234567), format_cell(370112020, is_id=True), format_cell(98.345)
    ('1,234,567', '370112020', '98.3')
    >>> format_cell(2143.6), format_cell(0.4567), format_cell(float("nan"))
    ('2,144', '0.46', '–')
    >>> format_cell(117.0612, "lon (°E)")
    '117.0612'
    """
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value)) if is_id else f"{int(value):,}"
    if isinstance(value, numbers.Real):
        v = float(value)
        if is_id and v.is_integer():
            return str(int(v))
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        if "°" in column:
            return f"{v:.4f}"
        a = abs(v)
        if a >= 1000:
            return f"{v:,.0f}"
        if a >= 100:
            return f"{v:.0f}"
        if a >= 1 or a == 0:
            return f"{v:.1f}"
        return f"{v:.2f}"
    return str(value)


def table_rows(frame: pd.DataFrame, ids: tuple[str, ...] = ()) -> list[list[str]]:
    """All rows of ``frame`` as formatted text (geometry columns left out)."""
    cols = [c for c in frame.columns if c != "geometry"]
    out = []
    for row in frame[cols].itertuples(index=False, name=None):
        out.append([format_cell(v, str(c), is_id=c in ids) for c, v in zip(cols, row, strict=True)])
    return out
