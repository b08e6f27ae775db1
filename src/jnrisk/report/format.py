"""Cell formatting for report tables: integers without decimals, ids without separators."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["format_cell", "pretty_header", "table_rows"]

_SUFFIXES = (("_pct", "%"), ("_m2", "m²"), ("_persons", "persons"), ("_m", "m"), ("_s", "s"),
             ("_min", "min"), ("_km", "km"), ("_mm", "mm"))


def _float_format(column: str, scale: float) -> str:
    """Decimals for a float column: by its unit, else by its largest absolute value."""
    if "°" in column:
        return "{:.4f}"
    if "(%)" in column or column.endswith("%"):
        return "{:.1f}"
    if scale >= 100:
        return "{:,.0f}"
    if scale >= 10:
        return "{:.1f}"
    return "{:.2f}"


def format_cell(value: Any, column: str = "", *, is_id: bool = False,
                scale: float | None = None) -> str:
    """One table cell as text; ``scale`` is the column's largest absolute value (floats).

    Examples
    --------
    >>> format_cell(1234567), format_cell(370112020, is_id=True), format_cell(98.345, "x (%)")
    ('1,234,567', '370112020', '98.3')
    >>> format_cell(2143.6), format_cell(0.4567), format_cell(float("nan"))
    ('2,144', '0.46', '–')
    >>> format_cell(1.5, "depth (m)", scale=3.2), format_cell(117.0612, "lon (°E)")
    ('1.50', '117.0612')
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
        return _float_format(column, abs(v) if scale is None else scale).format(v)
    return str(value)


def pretty_header(name: str) -> str:
    """Turn a column name into a header for people: ``"covered_pct"`` -> ``"covered (%)"``.

    Examples
    --------
    >>> pretty_header("radius_m"), pretty_header("covered_persons"), pretty_header("class")
    ('radius (m)', 'covered (persons)', 'class')
    """
    for suffix, unit in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{name[: -len(suffix)].replace('_', ' ')} ({unit})"
    return name.replace("_", " ")


def table_rows(frame: pd.DataFrame, ids: tuple[str, ...] = ()) -> list[list[str]]:
    """All rows of ``frame`` as formatted text (geometry columns left out).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"adcode": [370102], "persons": [123456.0], "served (%)": [98.345]})
    >>> table_rows(t, ids=("adcode",))
    [['370102', '123,456', '98.3']]
    """
    cols = [c for c in frame.columns if c != "geometry"]
    scale = {}
    for c in cols:
        if pd.api.types.is_float_dtype(frame[c]):
            v = np.abs(frame[c].to_numpy(dtype=float))
            v = v[np.isfinite(v)]
            scale[c] = float(v.max()) if v.size else 0.0
    out = []
    for row in frame[cols].itertuples(index=False, name=None):
        out.append([format_cell(v, str(c), is_id=c in ids, scale=scale.get(c))
                    for c, v in zip(cols, row, strict=True)])
    return out
