"""Shared input checks used by every public function.

Each check names what it looked at (``name`` is how the caller would recognise the object, e.g.
``"population"`` or a file path), lists offending rows (a few, then a count) and says how to fix
the problem. Validators never modify their input.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError, CRSError, DataError, SchemaError

__all__ = [
    "INT64_MAX",
    "Grid",
    "Problems",
    "check_aligned",
    "check_raster",
    "describe_rows",
    "finite_coordinates",
    "metric_crs",
    "non_negative_values",
    "numeric_array",
    "real_number",
    "require_columns",
    "same_crs",
    "unique_index",
    "unique_values",
    "valid_geometry",
    "whole_number",
]

_MAX_ROWS_SHOWN = 5
#: Largest value an int64 array can hold; counts above it would wrap to negative numbers.
INT64_MAX = int(np.iinfo(np.int64).max)


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


def _range_text(ge: float | None, gt: float | None, le: float | None, lt: float | None) -> str:
    parts = [f"{op} {v:g}" for op, v in ((">=", ge), (">", gt), ("<=", le), ("<", lt))
             if v is not None]  # fmt: skip
    return " and ".join(parts)


def _scalar_or_none(value: Any) -> Any:
    """Unwrap 0-d NumPy arrays and DataArrays to their scalar; leave anything else as is."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    data = getattr(value, "data", None)
    if isinstance(data, np.ndarray) and data.ndim == 0 and hasattr(value, "dims"):
        return data.item()
    return value


def real_number(  # noqa: PLR0913  keyword-only bounds, unit and advice
    name: str,
    value: Any,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    unit: str = "",
    fix: str = "",
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as a finite float after checking its type and range.

    Any real number is accepted (``int``, ``float``, NumPy scalars such as ``np.int64`` or
    ``np.float32``, 0-d arrays); ``bool``, strings, ``None``, NaN and infinities are refused
    with a :class:`ConfigError` that names the argument and the allowed range.

    Parameters
    ----------
    name
        The argument as the caller wrote it, e.g. ``"cutoff_m"`` or ``"fwi: ffmc0"``.
    value
        What the caller passed.
    ge, gt, le, lt
        Inclusive and exclusive bounds.
    unit
        Unit of the number, quoted in messages (``"m"``, ``"km/h"``).
    fix
        Extra advice appended to the message.
    allow_inf
        Accept ``+inf`` (e.g. "no limit"); NaN is always refused.

    Examples
    --------
    >>> import numpy as np
    >>> real_number("cutoff_m", np.int64(2500), gt=0, unit="m")
    2500.0
    >>> real_number("cutoff_m", "far", gt=0, unit="m")
    Traceback (most recent call last):
    jnrisk._errors.ConfigError: cutoff_m must be a number in m, got str 'far'; write a bare number (e.g. 2500, not '2500 m').
    """
    unit_txt = f" in {unit}" if unit else ""
    tail = f" {fix}" if fix else ""
    value = _scalar_or_none(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        hint = ""
        if isinstance(value, (str, bytes)):
            hint = "; write a bare number (e.g. 2500, not '2500 m')"
        raise ConfigError(
            f"{name} must be a number{unit_txt}, got {type(value).__name__} {value!r}{hint}.{tail}"
        )
    try:
        out = float(value)
    except (OverflowError, ValueError):
        out = math.inf
    if math.isnan(out) or (math.isinf(out) and not (allow_inf and out > 0)):
        raise ConfigError(f"{name} must be a finite number{unit_txt}, got {value!r}.{tail}")
    ok = (
        (ge is None or out >= ge)
        and (gt is None or out > gt)
        and (le is None or out <= le)
        and (lt is None or out < lt)
    )
    if not ok:
        raise ConfigError(
            f"{name} = {value!r} is out of range: it must be {_range_text(ge, gt, le, lt)}"
            f"{unit_txt}.{tail}"
        )
    return out


def numeric_array(name: str, values: Any, *, unit: str = "") -> np.ndarray:
    """Return ``values`` (list, array, Series, DataArray) as a float64 array of numbers.

    Strings, objects and booleans raise a :class:`ConfigError` naming ``name``; NaN passes
    (callers decide what a missing value means).

    Examples
    --------
    >>> numeric_array("wind_kmh", [1, 2.5]).tolist()
    [1.0, 2.5]
    >>> numeric_array("wind_kmh", ["fast"], unit="km/h")
    Traceback (most recent call last):
    jnrisk._errors.ConfigError: wind_kmh must be numbers in km/h, got list "['fast']".
    """
    try:
        arr = np.asarray(getattr(values, "data", values))
        if arr.dtype.kind not in "iuf":
            raise TypeError
        return arr.astype(np.float64)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{name} must be numbers{f' in {unit}' if unit else ''}, got "
            f"{type(values).__name__} {str(values)[:60]!r}."
        ) from None


def whole_number(
    name: str,
    value: Any,
    *,
    ge: int | None = None,
    le: int | None = None,
    unit: str = "",
    fix: str = "",
) -> int:
    """Return ``value`` as a Python int in the int64 range after checking type and bounds.

    Accepts ``int``, NumPy integers and floats holding a whole number (``3.0``); refuses
    ``bool``, strings, fractions, non-finite values and anything beyond the int64 range (it
    would wrap when cast).

    Examples
    --------
    >>> import numpy as np
    >>> whole_number("workers", np.int64(2), ge=1)
    2
    >>> whole_number("persons", 2**64)
    Traceback (most recent call last):
    jnrisk._errors.ConfigError: persons = 18446744073709551616 is beyond the int64 range (+-9.2e18); counts that large cannot be right: check the units.
    """
    tail = f" {fix}" if fix else ""
    unit_txt = f" in {unit}" if unit else ""
    value = _scalar_or_none(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        out = int(value)
    else:
        f = real_number(name, value, unit=unit, fix=fix)
        if not f.is_integer():
            raise ConfigError(f"{name} must be a whole number{unit_txt}, got {value!r}.{tail}")
        out = int(f)
    if not -INT64_MAX - 1 <= out <= INT64_MAX:
        raise ConfigError(
            f"{name} = {value!r} is beyond the int64 range (+-9.2e18); counts that large "
            f"cannot be right: check the units.{tail}"
        )
    if (ge is not None and out < ge) or (le is not None and out > le):
        raise ConfigError(
            f"{name} = {value!r} is out of range: it must be "
            f"{_range_text(ge, None, le, None)}{unit_txt}.{tail}"
        )
    return out


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
    too_big = np.isfinite(values) & (np.abs(values) >= 2.0**63)  # INT64_MAX is 2**63 as float
    if too_big.any():
        problems.add(
            f"column {column!r} has values beyond the int64 range at "
            f"{describe_rows(df.index[too_big])} (e.g. {values[too_big][0]:.3g}); such counts "
            f"cannot be right: check the units."
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


def unique_index(df: pd.DataFrame, *, name: str) -> None:
    """Raise :class:`DataError` when the index of ``df`` repeats labels.

    Results are joined back to the input by index label, which is ambiguous with repeats.

    Examples
    --------
    >>> import pandas as pd
    >>> unique_index(pd.DataFrame({"a": [1, 2]}, index=[7, 7]), name="population")
    Traceback (most recent call last):
    jnrisk._errors.DataError: population: index labels must be unique but 1 label(s) repeat (e.g. [7]) at rows [7, 7]; call population.reset_index(drop=True) or set a unique id column as the index (population.set_index('id')).
    """
    index = df.index
    if index.is_unique:
        return
    dup = index.duplicated(keep=False)
    labels = list(dict.fromkeys(index[dup].tolist()))
    raise DataError(
        f"{name}: index labels must be unique but {len(labels):,} label(s) repeat "
        f"(e.g. {labels[:5]}) at {describe_rows(index[dup])}; call "
        f"{name}.reset_index(drop=True) or set a unique id column as the index "
        f"({name}.set_index('id'))."
    )


def finite_coordinates(gdf: Any, *, name: str) -> None:
    """Raise :class:`DataError` naming the rows whose geometry has a NaN or infinite coordinate.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> g = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)]),
    ...                                LineString([(0, 0), (float("inf"), 1)])])
    >>> finite_coordinates(g, name="roads")
    Traceback (most recent call last):
    jnrisk._errors.DataError: roads: non-finite (NaN or infinite) coordinates at row [1]; fix or drop those rows (roads.drop(index=[...])).
    """
    import shapely

    geoms = np.asarray(gdf.geometry.array if hasattr(gdf, "geometry") else gdf, dtype=object)
    coords, which = shapely.get_coordinates(geoms, include_z=True, return_index=True)
    bad_coord = ~np.isfinite(coords[:, :2]).all(axis=1)
    if coords.shape[1] > 2:  # a NaN z is how shapely writes "no z"; only an infinite z is bad
        bad_coord |= np.isinf(coords[:, 2])
    bad_rows = np.zeros(len(geoms), dtype=bool)
    bad_rows[np.unique(which[bad_coord])] = True
    if bad_rows.any():
        labels = gdf.index[bad_rows] if hasattr(gdf, "index") else np.flatnonzero(bad_rows)
        raise DataError(
            f"{name}: non-finite (NaN or infinite) coordinates at {describe_rows(labels)}; "
            f"fix or drop those rows ({name}.drop(index=[...]))."
        )


@dataclass(frozen=True)
class Grid:
    """The regular grid of a raster: dims, size and cell size (m), centre of cell (0, 0).

    ``dy`` is negative for the usual north-up rasters (y decreasing down the rows).
    """

    ydim: str
    xdim: str
    ny: int
    nx: int
    dx: float
    dy: float
    x0: float
    y0: float

    @property
    def transform(self) -> Any:
        """The affine transform of the cell corners (rasterio convention)."""
        from affine import Affine

        return Affine(self.dx, 0.0, self.x0 - self.dx / 2, 0.0, self.dy, self.y0 - self.dy / 2)

    def nbytes(self, per_cell: float = 8.0) -> float:
        """Bytes of one grid of ``per_cell`` bytes per cell."""
        return float(self.ny) * float(self.nx) * per_cell


def check_raster(name: str, da: Any, *, metric: bool = True, min_cells: int = 2) -> Grid:
    """Check that ``da`` is a 2-D raster on a regular grid of at least 2 x 2 cells.

    Parameters
    ----------
    name
        The argument name used in messages (``"dem"``).
    da
        An ``xarray.DataArray`` with dims ``(y, x)`` (any names) and 1-D coordinates on both.
    metric
        Also require a projected CRS in metres (rioxarray ``da.rio.crs``).
    min_cells
        Minimum number of cells along each axis (2: slopes and cell sizes need neighbours).

    Returns
    -------
    Grid

    Raises
    ------
    SchemaError
        Not a 2-D DataArray, or coordinates missing.
    DataError
        Fewer than ``min_cells`` cells along an axis, or irregular / non-finite coordinates.
    CRSError
        ``metric=True`` and the CRS is missing or not metric.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((3, 4)), dims=("y", "x"),
    ...                   coords={"y": [20.0, 10.0, 0.0], "x": [0.0, 10.0, 20.0, 30.0]})
    >>> check_raster("dem", da, metric=False).dy
    -10.0
    >>> check_raster("dem", da[:1], metric=False)
    Traceback (most recent call last):
    jnrisk._errors.DataError: dem must be at least 2 x 2 cells, got {'y': 1, 'x': 4}; a slope or a cell size needs neighbours: pass a larger raster.
    """
    import xarray as xr

    if not isinstance(da, xr.DataArray) or da.ndim != 2:
        raise SchemaError(
            f"{name} must be a 2-D xarray.DataArray (y, x), got {type(da).__name__}"
            f"{f' with dims {da.dims}' if isinstance(da, xr.DataArray) else ''}. Read rasters "
            f"with rioxarray.open_rasterio(path).squeeze('band', drop=True)."
        )
    ydim, xdim = da.dims
    if da.sizes[ydim] < min_cells or da.sizes[xdim] < min_cells:
        raise DataError(
            f"{name} must be at least {min_cells} x {min_cells} cells, got {dict(da.sizes)}; "
            f"a slope or a cell size needs neighbours: pass a larger raster."
        )
    if xdim not in da.coords or ydim not in da.coords:
        raise SchemaError(
            f"{name} has no coordinates on {[d for d in (ydim, xdim) if d not in da.coords]}; "
            f"the cell positions are needed (rioxarray writes them; or assign_coords(x=..., y=...))."
        )
    try:
        x = np.asarray(da[xdim].values, dtype=np.float64)
        y = np.asarray(da[ydim].values, dtype=np.float64)
    except (TypeError, ValueError):
        raise SchemaError(
            f"{name}: coordinates {xdim!r}/{ydim!r} must be numbers (map x, y in m)."
        ) from None
    dx, dy = float(x[1] - x[0]), float(y[1] - y[0])
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise DataError(f"{name}: coordinates {xdim!r}/{ydim!r} hold NaN or infinite values.")
    # 1 % of a cell: float32 coordinates near 5e5 m carry centimetre rounding
    tol_x, tol_y = 1e-2 * abs(dx), 1e-2 * abs(dy)
    if (
        dx == 0
        or dy == 0
        or np.max(np.abs(np.diff(x) - dx)) > tol_x
        or np.max(np.abs(np.diff(y) - dy)) > tol_y
    ):
        raise DataError(
            f"{name} must be on a regular grid (constant x and y spacing); resample it with "
            f"{name}.rio.reproject({name}.rio.crs, resolution=...)."
        )
    if metric:
        metric_crs(da, name=name)
    return Grid(ydim, xdim, int(da.sizes[ydim]), int(da.sizes[xdim]), dx, dy,
                float(x[0]), float(y[0]))  # fmt: skip


def check_aligned(name_a: str, a: Any, name_b: str, b: Any, *, metric: bool = True) -> Grid:
    """Check that rasters ``a`` and ``b`` share one grid: shape, cell size, origin and CRS.

    Shape alone is not enough: a raster of the same shape 5 km away would pass and give
    answers for the wrong place. Positions must agree to within 1/1000 of a cell.

    Returns
    -------
    Grid
        The grid of ``a``.

    Raises
    ------
    DataError
        The grids differ (the message says by how much and how to resample).
    CRSError
        The CRSs differ.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> mk = lambda x0: xr.DataArray(np.zeros((2, 2)), dims=("y", "x"),
    ...                              coords={"y": [10.0, 0.0], "x": [x0, x0 + 10.0]})
    >>> check_aligned("dem", mk(0.0), "runoff", mk(5000.0), metric=False)
    Traceback (most recent call last):
    jnrisk._errors.DataError: runoff is not on the grid of dem: its origin is 5000 m east and 0 m north of it; resample it with runoff.rio.reproject_match(dem).
    """
    ga = check_raster(name_a, a, metric=metric)
    gb = check_raster(name_b, b, metric=metric)
    fix = f"resample it with {name_b}.rio.reproject_match({name_a})"
    if metric:
        same_crs(**{name_a: a, name_b: b})
    if (ga.ny, ga.nx) != (gb.ny, gb.nx):
        raise DataError(
            f"{name_b} has {gb.ny} x {gb.nx} cells but {name_a} has {ga.ny} x {ga.nx}; {fix}."
        )
    if abs(ga.dx - gb.dx) > 1e-3 * abs(ga.dx) or abs(ga.dy - gb.dy) > 1e-3 * abs(ga.dy):
        raise DataError(
            f"{name_b} has cells of {gb.dx:g} x {gb.dy:g} m but {name_a} of {ga.dx:g} x "
            f"{ga.dy:g} m; {fix}."
        )
    off_x, off_y = gb.x0 - ga.x0, gb.y0 - ga.y0
    if abs(off_x) > 1e-3 * abs(ga.dx) or abs(off_y) > 1e-3 * abs(ga.dy):
        raise DataError(
            f"{name_b} is not on the grid of {name_a}: its origin is {off_x:g} m east and "
            f"{off_y:g} m north of it; {fix}."
        )
    return ga
