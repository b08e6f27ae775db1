"""Shared input checks used by every public function.

Each check names what it looked at (``name`` is how the caller would recognise the object, e.g.
``"population"`` or a file path), lists offending rows (a few, then a count) and says how to fix
the problem. Validators never modify their input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import CRSError, DataError, SchemaError

__all__ = [
    "Problems",
    "describe_rows",
    "require_columns",
    "metric_crs",
    "same_crs",
    "non_negative_values",
    "valid_geometry",
    "unique_values",
]

_MAX_ROWS_SHOWN = 5


def describe_rows(labels: Iterable[Any], *, limit: int = _MAX_ROWS_SHOWN) -> str:
    """Return ``"rows [3, 17, 42] (and 12 more)"`` for a list of row labels."""
    labels = list(labels)
    shown = ", ".join(repr(x) if isinstance(x, str) else str(x) for x in labels[:limit])
    more = f" (and {len(labels) - limit:,} more)" if len(labels) > limit else ""
    word = "row" if len(labels) == 1 else "rows"
    return f"{word} [{shown}]{more}"


class Problems:
    """Collect every problem found in an input, then raise once (the OSMnx pattern).

    Examples
    --------
    >>> p = Problems("population")
    >>> p.add("column 'persons' is missing")
    >>> p.raise_if_any(SchemaError)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    jnrisk._errors.SchemaError: population: column 'persons' is missing
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def raise_if_any(self, error: type[Exception] = DataError) -> None:
        if not self.messages:
            return
        if len(self.messages) == 1:
            raise error(f"{self.name}: {self.messages[0]}")
        body = "\n".join(f"  - {m}" for m in self.messages)
        raise error(f"{self.name}: {len(self.messages)} problems:\n{body}")


def require_columns(df: pd.DataFrame, columns: Sequence[str], *, name: str) -> None:
    """Raise :class:`SchemaError` naming every column of ``columns`` missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        have = ", ".join(map(str, df.columns[:20]))
        raise SchemaError(
            f"{name}: missing column(s) {missing}; it has [{have}]. "
            f"Rename your columns or pass the column names as arguments "
            f"(e.g. persons_col='pop')."
        )


def _crs_of(obj: Any) -> Any:
    crs = getattr(obj, "crs", None)
    if crs is None and hasattr(obj, "rio"):
        crs = obj.rio.crs
    return crs


def _crs_fix(obj: Any, name: str) -> str:
    """``.to_crs('<a CRS that fits the data>')`` for messages (the local one when known)."""
    from jnrisk._crs import suggest_crs

    fit = suggest_crs(obj)
    if fit is None:
        return f"{name}.to_crs({name}.estimate_utm_crs()) (the local UTM zone)"
    return f"{name}.to_crs('{fit}') (a projected CRS that fits these data)"


def metric_crs(obj: Any, *, name: str) -> Any:
    """Check that ``obj.crs`` is set, projected and in metres; return it as a ``pyproj.CRS``.

    Error messages suggest a CRS that fits the data's location (``jnrisk._crs.suggest_crs``).
    """
    from pyproj import CRS

    crs = _crs_of(obj)
    var = name if name.isidentifier() else "gdf"
    if crs is None:
        raise CRSError(
            f"{name} has no CRS. Set it with {var}.set_crs('EPSG:4326') (or the CRS the "
            f"coordinates are really in), then project with {_crs_fix(obj, var)}."
        )
    crs = CRS.from_user_input(crs)
    if not crs.is_projected:
        raise CRSError(
            f"{name} is in a geographic CRS ({crs.to_string()}, degrees); distances and areas "
            f"need metres. Project it first: {_crs_fix(obj, var)}."
        )
    unit = crs.axis_info[0].unit_name if crs.axis_info else "unknown"
    if unit not in ("metre", "meter"):
        raise CRSError(
            f"{name} is in {crs.to_string()} whose unit is {unit!r}, not metres. "
            f"Project it with {_crs_fix(obj, var)}."
        )
    return crs


def same_crs(**objects: Any) -> Any:
    """Check that all named objects share one metric CRS; return it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> a = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> same_crs(population=a, shelters=a).to_epsg()
    4548
    """
    from pyproj import CRS

    first_name, first_crs = None, None
    for name, obj in objects.items():
        crs = metric_crs(obj, name=name)
        if first_crs is None:
            first_name, first_crs = name, crs
        elif not CRS.from_user_input(crs).equals(first_crs):
            raise CRSError(
                f"{name} is in {crs.to_string()} but {first_name} is in "
                f"{first_crs.to_string()}; bring them to one CRS with "
                f"{name}.to_crs({first_name}.crs) (GeoDataFrames and RoadNetwork both have "
                f".to_crs)."
            )
    return first_crs


def non_negative_values(
    df: pd.DataFrame,
    column: str,
    *,
    name: str,
    integer: bool = False,
    allow_nan: bool = False,
) -> np.ndarray:
    """Return ``df[column]`` as a float64 (or int64) array after checking it is finite and >= 0."""
    require_columns(df, [column], name=name)
    series = df[column]
    if not (pd.api.types.is_numeric_dtype(series) or series.empty):
        raise SchemaError(
            f"{name}: column {column!r} has dtype {series.dtype}, expected numbers. "
            f"Convert it with pd.to_numeric(df[{column!r}])."
        )
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    problems = Problems(name)
    bad_nan = ~np.isfinite(values)
    if bad_nan.any() and not allow_nan:
        problems.add(
            f"column {column!r} has NaN or infinite values at "
            f"{describe_rows(df.index[bad_nan])}; fill or drop them."
        )
    bad_neg = values < 0
    if bad_neg.any():
        problems.add(
            f"column {column!r} has negative values at {describe_rows(df.index[bad_neg])} "
            f"(e.g. {values[bad_neg][0]:g}); {column} must be >= 0."
        )
    if integer and not problems:
        frac = np.isfinite(values) & (values != np.round(values))
        if frac.any():
            problems.add(
                f"column {column!r} must hold whole numbers; fractional values at "
                f"{describe_rows(df.index[frac])}. Round them first (np.round)."
            )
    problems.raise_if_any(DataError)
    if integer:
        return values.astype(np.int64)
    return values


def valid_geometry(
    gdf: Any,
    *,
    name: str,
    geom_types: Sequence[str] | None = None,
) -> None:
    """Check geometries are present, valid and (optionally) of the allowed types."""
    problems = Problems(name)
    geoms = gdf.geometry
    missing = geoms.isna() | geoms.is_empty
    if missing.any():
        problems.add(
            f"missing or empty geometry at {describe_rows(gdf.index[missing.to_numpy()])}; "
            f"drop those rows."
        )
    present = ~missing
    if geom_types is not None and present.any():
        wrong = present & ~geoms.geom_type.isin(list(geom_types))
        if wrong.any():
            found = sorted(set(geoms[wrong].geom_type))
            problems.add(
                f"expected {'/'.join(geom_types)} geometries but found {found} at "
                f"{describe_rows(gdf.index[wrong.to_numpy()])}; for polygons use "
                f"gdf.representative_point() or gdf.centroid."
            )
    if present.any():
        invalid = present & ~geoms.is_valid
        if invalid.any():
            problems.add(
                f"invalid geometry at {describe_rows(gdf.index[invalid.to_numpy()])}; "
                f"repair with gdf.make_valid() (shapely.make_valid)."
            )
    problems.raise_if_any(DataError)


def unique_values(df: pd.DataFrame, column: str, *, name: str) -> None:
    """Raise :class:`DataError` naming duplicated values of ``df[column]``."""
    require_columns(df, [column], name=name)
    dup = df[column].duplicated(keep=False)
    if dup.any():
        values = sorted(set(df.loc[dup, column].tolist()), key=str)
        raise DataError(
            f"{name}: column {column!r} must be unique but {len(values):,} value(s) repeat "
            f"(e.g. {values[:5]}) at {describe_rows(df.index[dup.to_numpy()])}; "
            f"drop or renumber the duplicates."
        )
