"""DEM hydrology on ``xarray.DataArray``: depression filling, D8, accumulation, ponding.

Every function takes a DEM [m] as a 2-D ``DataArray`` with a rioxarray CRS (projected, in
metres) and square cells, and returns DataArrays with the same coords, CRS and transform.
Nodata (``dem.rio.nodata`` or NaN) is an **outlet** by default: water reaching a cell next to a
hole leaves the grid there, as at the grid border. Pass ``nodata="wall"`` to make holes
impassable instead.

References: Priority-Flood, Barnes, Lehman & Mulla (2014), doi 10.1016/j.cageo.2013.04.024;
D8, O'Callaghan & Mark (1984); depression hierarchy and Fill-Spill-Merge, Barnes, Callaghan &
Wickert (2020, 2021), doi 10.5194/esurf-9-105-2021 (docs/references.md#priority-flood).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError, SchemaError
from jnrisk.flood import _kernels
from jnrisk.flood._raster import check_aligned, check_min_shape

__all__ = [
    "fill_depressions",
    "flow_direction",
    "flow_accumulation",
    "accumulation_from_direction",
    "catchment",
    "ponding_depth",
    "PondingResult",
    "D8_CODES",
]

#: D8 codes (ESRI / pysheds dirmap order N, NE, E, SE, S, SW, W, NW); 0 = drains off the grid.
D8_CODES = {"N": 64, "NE": 128, "E": 1, "SE": 2, "S": 4, "SW": 8, "W": 16, "NW": 32}
_NODATA_MODES = ("outlet", "wall")


@dataclass(frozen=True)
class _Dem:
    values: np.ndarray
    nodata: float
    has_nodata: bool
    cellsize_m: float


def _check_nodata_mode(nodata: str) -> bool:
    if nodata not in _NODATA_MODES:
        raise ConfigError(f"nodata must be one of {list(_NODATA_MODES)}, got {nodata!r}.")
    return nodata == "wall"


def _read_dem(dem: xr.DataArray, *, name: str = "dem", float64: bool = False) -> _Dem:
    if not isinstance(dem, xr.DataArray):
        raise SchemaError(
            f"{name} must be an xarray.DataArray with a CRS (e.g. rioxarray.open_rasterio("
            f"path).squeeze('band', drop=True)), got {type(dem).__name__}."
        )
    if dem.ndim != 2:
        raise SchemaError(
            f"{name} must be 2-D (y, x), got dims {dem.dims}; drop a band dimension with "
            f"{name}.squeeze('band', drop=True)."
        )
    check_min_shape(dem, name)
    _validate.metric_crs(dem, name=name)
    xres, yres = dem.rio.resolution()
    if not math.isclose(abs(xres), abs(yres), rel_tol=1e-6):
        raise DataError(
            f"{name} has non-square cells ({abs(xres):g} m x {abs(yres):g} m); D8 needs square "
            f"cells. Resample: {name}.rio.reproject({name}.rio.crs, "
            f"resolution={min(abs(xres), abs(yres)):g})."
        )
    values = np.asarray(dem.values)
    if values.dtype == np.float32 and not float64:
        pass
    elif values.dtype != np.float64:
        values = values.astype(np.float64)
    values = np.ascontiguousarray(values)
    nd = dem.rio.nodata
    has_nodata = nd is not None and not (isinstance(nd, float) and math.isnan(nd))
    nodata = float(nd) if has_nodata else 0.0
    if values.dtype == np.float32 and has_nodata and np.float32(nodata) != nodata:
        values = values.astype(np.float64)
    n_valid, n_inf = _kernels.count_valid(values, values.dtype.type(nodata), has_nodata)
    if n_valid == 0:
        raise DataError(f"{name}: every cell is nodata ({values.size:,} cells).")
    if n_inf:
        raise DataError(
            f"{name}: {n_inf:,} cells are +/-inf; set them to nodata "
            f"({name}.where(np.isfinite({name})))."
        )
    return _Dem(values, nodata, has_nodata, float(abs(xres)))


def _wrap(dem: xr.DataArray, data: np.ndarray, *, name: str, units: str, nodata) -> xr.DataArray:
    out = xr.DataArray(data, coords=dem.coords, dims=dem.dims, name=name)
    out.attrs = {k: v for k, v in dem.attrs.items() if k not in ("_FillValue", "units")}
    out.attrs["units"] = units
    # inplace on our own new object: rioxarray's copies are deep (one DEM-sized copy each)
    if dem.rio.crs is not None:
        out.rio.write_crs(dem.rio.crs, inplace=True)
    out.rio.write_transform(dem.rio.transform(), inplace=True)
    out.rio.write_nodata(nodata, encoded=False, inplace=True)
    return out


def _raise_status(status: int, what: str, n: int = 0) -> None:
    if status == _kernels.STATUS_ENCLOSED:
        raise DataError(
            f"{what}: {n:,} data cells are enclosed by nodata and nodata='wall', so they have "
            f"no outlet. Use nodata='outlet' or fill the holes (dem.rio.interpolate_na())."
        )
    if status != _kernels.STATUS_OK:
        raise DataError(f"{what}: {_kernels.STATUS_MESSAGES.get(status, status)}.")


def fill_depressions(
    dem: xr.DataArray,
    *,
    epsilon_m: float = 0.0,
    nodata: Literal["outlet", "wall"] = "outlet",
    name: str = "filled_dem",
) -> xr.DataArray:
    """Fill every depression to its spill level with Priority-Flood (+FIFO).

    Parameters
    ----------
    dem
        Elevation [m]; projected metric CRS, square cells; nodata from ``dem.rio.nodata``/NaN.
    epsilon_m
        0 (default) gives a pure fill with flat lakes. A value > 0 raises every filled or flat
        cell ``epsilon_m`` above the cell it drains to, so all cells drain (work in float64).
    nodata
        ``"outlet"`` (default): nodata cells are sinks, like the border; ``"wall"``: they are
        impassable (cells enclosed by nodata then raise :class:`DataError`).
    name
        Name of the output.

    Returns
    -------
    xarray.DataArray
        Filled elevation [m], same dtype (float32 stays float32 for a pure fill), coords,
        CRS, transform and nodata.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> z = np.array([[5, 5, 5, 5], [5, 1, 2, 5], [5, 5, 3, 5], [5, 5, 5, 5.0]])
    >>> dem = xr.DataArray(z, dims=("y", "x"), coords={"y": [35.0, 25, 15, 5],
    ...     "x": [5.0, 15, 25, 35]}).rio.write_crs("EPSG:4548")
    >>> fill_depressions(dem).values[1:3, 1:3].tolist()
    [[5.0, 5.0], [5.0, 5.0]]
    """
    wall = _check_nodata_mode(nodata)
    from jnrisk._validate import real_number

    eps = real_number("epsilon_m", epsilon_m, ge=0.0, unit="m")
    d = _read_dem(dem, float64=eps > 0)
    z = d.values
    filled, _, n_enc, status = _kernels.priority_flood(
        z, z.dtype.type(d.nodata), d.has_nodata, wall, eps, False
    )
    _raise_status(status, "fill_depressions", n_enc)
    return _wrap(dem, filled, name=name, units="m", nodata=dem.rio.nodata)


def _d8(d: _Dem, wall: bool) -> np.ndarray:
    z = d.values
    filled, pdir, n_enc, status = _kernels.priority_flood(
        z, z.dtype.type(d.nodata), d.has_nodata, wall, 0.0, True
    )
    _raise_status(status, "flow_direction", n_enc)
    return _kernels.d8_from_filled(filled, pdir, z.dtype.type(d.nodata), d.has_nodata, d.cellsize_m)


def flow_direction(
    dem: xr.DataArray,
    *,
    nodata: Literal["outlet", "wall"] = "outlet",
    name: str = "flow_direction",
) -> xr.DataArray:
    """D8 flow directions on the depression-filled DEM, flats resolved.

    Each cell points to its steepest strictly lower neighbour on the filled DEM (drop divided
    by 1 or sqrt(2) cell sizes). Cells on filled lakes and natural flats have none; they point
    to the neighbour that Priority-Flood reached them from, i.e. along a shortest path to the
    lake's spill point. Every data cell therefore drains to the border or to nodata (outlet).

    Returns
    -------
    xarray.DataArray
        uint8 codes :data:`D8_CODES` (E=1, SE=2, S=4, SW=8, W=16, NW=32, N=64, NE=128),
        0 = drains off the grid, nodata 255.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> z = np.array([[3, 3, 3], [3, 2, 3], [3, 1, 3.0]])
    >>> dem = xr.DataArray(z, dims=("y", "x"), coords={"y": [25.0, 15, 5],
    ...     "x": [5.0, 15, 25]}).rio.write_crs("EPSG:4548")
    >>> int(flow_direction(dem).values[1, 1])  # south, to the outlet at the border
    4
    """
    wall = _check_nodata_mode(nodata)
    d = _read_dem(dem)
    fdir = _d8(d, wall)
    out = _wrap(dem, fdir, name=name, units="1", nodata=_kernels.DIR_NODATA)
    out.attrs["long_name"] = "D8 flow direction (ESRI codes, 0 = outlet)"
    return out


def _accumulate(fdir: np.ndarray, weights: np.ndarray) -> np.ndarray:
    down, status = _kernels.downstream_index(fdir)
    _raise_status(status, "flow accumulation")
    acc, status = _kernels.accumulate(down, weights)
    _raise_status(status, "flow accumulation")
    return acc.reshape(fdir.shape)


def _weights_array(weights, shape, valid, name, grid=None, grid_name="dem") -> np.ndarray:
    if weights is None:
        return np.ones(int(np.prod(shape)), dtype=np.float64)
    if grid is not None and isinstance(weights, xr.DataArray):
        check_aligned(grid, weights, grid_name, name)
    w = np.asarray(weights.values if isinstance(weights, xr.DataArray) else weights, float)
    if w.shape != shape:
        raise DataError(f"{name} has shape {w.shape} but the grid is {shape}; align them.")
    bad = valid & ~np.isfinite(w)
    if bad.any():
        raise DataError(
            f"{name} is NaN on {int(bad.sum()):,} data cells of the DEM; fill them "
            f"({name}.fillna(0)) or mask the DEM there."
        )
    return np.where(valid, w, 0.0).ravel()


def flow_accumulation(
    dem: xr.DataArray,
    *,
    weights: xr.DataArray | None = None,
    nodata: Literal["outlet", "wall"] = "outlet",
    name: str = "flow_accumulation",
) -> xr.DataArray:
    """Count the cells (or sum ``weights``) draining through each cell, itself included.

    Directions from :func:`flow_direction` (filled DEM, flats resolved).

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> z = np.array([[3, 3, 3], [3, 2, 3], [3, 1, 3.0]])
    >>> dem = xr.DataArray(z, dims=("y", "x"), coords={"y": [25.0, 15, 5],
    ...     "x": [5.0, 15, 25]}).rio.write_crs("EPSG:4548")
    >>> float(flow_accumulation(dem).max())  # all 9 cells leave through the bottom middle
    9.0
    """
    wall = _check_nodata_mode(nodata)
    d = _read_dem(dem)
    fdir = _d8(d, wall)
    w = _weights_array(weights, fdir.shape, fdir != _kernels.DIR_NODATA, "weights", dem)
    acc = _accumulate(fdir, w)
    out = _wrap(dem, acc, name=name, units="1" if weights is None else "", nodata=np.nan)
    out.attrs["long_name"] = "D8 flow accumulation (cell itself included)"
    return out


def _read_fdir(fdir: xr.DataArray) -> np.ndarray:
    values = np.asarray(fdir.values)
    nd = fdir.rio.nodata
    arr = np.where(np.isnan(values), 255, values) if values.dtype.kind == "f" else values
    if nd is not None and not (isinstance(nd, float) and math.isnan(nd)):
        arr = np.where(values == nd, 255, arr)
    ok = np.isin(arr, [0, 1, 2, 4, 8, 16, 32, 64, 128, 255])
    if not ok.all():
        raise DataError(
            f"flow directions hold codes other than ESRI D8 (0, 1, 2, ..., 128; nodata 255): "
            f"{np.unique(arr[~ok])[:10].tolist()}. Convert other dirmaps first."
        )
    return np.ascontiguousarray(arr, dtype=np.uint8)


def accumulation_from_direction(
    fdir: xr.DataArray, *, weights: xr.DataArray | None = None, name: str = "flow_accumulation"
) -> xr.DataArray:
    """Flow accumulation from a D8 grid (ESRI codes; a direction off the grid is an outlet).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> fdir = xr.DataArray(np.array([[1, 1, 0]], dtype=np.uint8), dims=("y", "x"))
    >>> accumulation_from_direction(fdir).values.tolist()
    [[1.0, 2.0, 3.0]]
    """
    arr = _read_fdir(fdir)
    w = _weights_array(weights, arr.shape, arr != 255, "weights", fdir, "fdir")
    acc = _accumulate(arr, w)
    out = xr.DataArray(acc, coords=fdir.coords, dims=fdir.dims, name=name, attrs={"units": "1"})
    return out


def catchment(fdir: xr.DataArray, *, row: int, col: int, name: str = "catchment") -> xr.DataArray:
    """Boolean mask of the cells draining through cell (``row``, ``col``), itself included.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> fdir = xr.DataArray(np.array([[1, 4], [0, 16]], dtype=np.uint8), dims=("y", "x"))
    >>> catchment(fdir, row=1, col=0).values.tolist()
    [[True, True], [True, True]]
    """
    arr = _read_fdir(fdir)
    ny, nx = arr.shape
    if not (0 <= row < ny and 0 <= col < nx):
        raise ConfigError(f"(row, col) = ({row}, {col}) is outside the {ny} x {nx} grid.")
    down, status = _kernels.downstream_index(arr)
    _raise_status(status, "catchment")
    mask = _kernels.upstream_mask(down, row * nx + col).reshape(arr.shape)
    return xr.DataArray(mask, coords=fdir.coords, dims=fdir.dims, name=name)


@dataclass(frozen=True)
class PondingResult:
    """Outcome of :func:`ponding_depth`.

    Attributes
    ----------
    depth_m
        Ponded water depth per cell [m] (0 dry, NaN nodata).
    runoff_m3, ponded_m3, outflow_m3
        Runoff put on the grid, water left in depressions, water that left the grid [m³];
        ``runoff_m3 == ponded_m3 + outflow_m3`` to rounding.
    depressions
        One row per node of the depression hierarchy: ``parent`` (-1: spills towards the
        grid edge, either directly or through depressions that already do; -2: never spills), ``spill_m`` (spill elevation), ``water_m3`` (water held in it and
        its children), ``leaf`` (True for a single pit).
    """

    depth_m: xr.DataArray
    runoff_m3: float
    ponded_m3: float
    outflow_m3: float
    depressions: pd.DataFrame

    @property
    def balance_error_m3(self) -> float:
        """``runoff - ponded - outflow`` [m³] (rounding only)."""
        return self.runoff_m3 - self.ponded_m3 - self.outflow_m3


def ponding_depth(
    dem: xr.DataArray,
    runoff_mm: float | xr.DataArray,
    *,
    nodata: Literal["outlet", "wall"] = "outlet",
    name: str = "depth_m",
) -> PondingResult:
    """Fill-and-spill: route each cell's runoff into depressions and return ponded depth.

    Runoff follows D8 steepest descent on the raw DEM into its pit. A depression fills to
    its spill (saddle) level; the excess spills into the depression on the other side of the
    saddle, or off the grid (border, or nodata with ``nodata="outlet"``). Depressions that both
    fill merge and rise together (the depression hierarchy; Barnes et al. 2021). Static: no
    infiltration or drainage during routing, so put losses into ``runoff_mm``: SCS-CN
    (:func:`jnrisk.flood.runoff_depth`) or the runoff the sewers leave
    (:func:`jnrisk.flood.excess_runoff`). Condition the DEM first
    (:func:`jnrisk.flood.condition_dem`) so that DEM pits do not store water like lakes.

    Parameters
    ----------
    dem
        Elevation [m], projected metric CRS, square cells.
    runoff_mm
        Runoff depth [mm]: one value for every cell or a grid aligned with ``dem`` (e.g.
        :func:`jnrisk.flood.runoff_depth`), >= 0, no NaN on data cells.
    nodata
        ``"outlet"`` (default) or ``"wall"``, as in :func:`fill_depressions`.
    name
        Name of the depth output.

    Returns
    -------
    PondingResult

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> z = np.array([[5, 5, 5, 5], [5, 1, 2, 5], [5, 5, 3, 5], [5, 5, 5, 5.0]])
    >>> dem = xr.DataArray(z, dims=("y", "x"), coords={"y": [35.0, 25, 15, 5],
    ...     "x": [5.0, 15, 25, 35]}).rio.write_crs("EPSG:4548")
    >>> res = ponding_depth(dem, 100.0)  # 16 cells x 100 m2 x 0.1 m = 160 m3
    >>> round(res.ponded_m3, 6), round(res.outflow_m3, 6)  # one border cell drains out
    (150.0, 10.0)
    >>> res.depth_m.values[1:3, 1:3].round(3).tolist()  # level 2.25 m over cells at 1 and 2 m
    [[1.25, 0.25], [0.0, 0.0]]
    """
    wall = _check_nodata_mode(nodata)
    d = _read_dem(dem)
    valid = _kernels.valid_mask(d.values, d.values.dtype.type(d.nodata), d.has_nodata)
    if isinstance(runoff_mm, xr.DataArray):
        check_aligned(dem, runoff_mm, "dem", "runoff_mm")
        q = np.asarray(runoff_mm.values, dtype=np.float64)
    elif isinstance(runoff_mm, numbers.Real) and not isinstance(runoff_mm, bool):
        q = np.full(dem.shape, float(runoff_mm))
    else:
        raise SchemaError(
            f"runoff_mm must be one depth in mm or an xarray.DataArray on dem's grid, got "
            f"{type(runoff_mm).__name__}; wrap an array with dem.copy(data=values)."
        )
    bad_nan = valid & ~np.isfinite(q)
    if bad_nan.any():
        raise DataError(
            f"runoff_mm is NaN/inf on {int(bad_nan.sum()):,} data cells of the DEM (e.g. land "
            f"cover nodata); fill them (runoff_mm.fillna(0)) or mask the DEM there."
        )
    neg = valid & (q < 0)
    if neg.any():
        raise DataError(
            f"runoff_mm is negative on {int(neg.sum()):,} cells (minimum {q[neg].min():g} mm); "
            f"runoff must be >= 0 mm."
        )
    water = np.where(valid, q / 1000.0, 0.0).ravel()
    depth, outflow, stored, n_leaves, parent, spill, node_water, status = _kernels.fill_spill(
        d.values, d.values.dtype.type(d.nodata), d.has_nodata, wall, water
    )
    _raise_status(status, "ponding_depth")
    area = d.cellsize_m**2
    depressions = pd.DataFrame(
        {
            "parent": parent[1:],
            "spill_m": spill[1:],
            "water_m3": node_water[1:] * area,
            "leaf": np.arange(1, parent.size) <= n_leaves,
        },
        index=pd.RangeIndex(1, parent.size, name="depression"),
    )
    out = _wrap(dem, depth, name=name, units="m", nodata=np.nan)
    out.attrs["long_name"] = "ponded water depth (fill-and-spill)"
    return PondingResult(
        depth_m=out,
        runoff_m3=float(water.sum() * area),
        ponded_m3=float(np.nansum(depth) * area),
        outflow_m3=float(outflow * area),
        depressions=depressions,
    )
