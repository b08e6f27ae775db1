"""Storm-sewer drainage: the runoff the pipe network carries away, and the excess that ponds.

A storm sewer designed for return period ``P_d`` carries the rational-method peak flow
(docs/references.md#gb50014-rational-method)::

    Q = psi * q(P_d, t_d) * F        q = 167 i,  i = A1 (1 + C lg P_d) / (t_d + b)^n

so per unit of drained area its capacity, as a runoff rate, is ``psi * i(P_d, t_d)`` [mm/min]
with ``t_d`` the design duration (inlet time + pipe travel time). During a storm each cell
loses at most that rate to the sewer in every time step; SCS-CN runoff above it ponds
(:func:`excess_runoff`). Only land served by sewers (built-up by default) drains.

Defaults are **assumed** values (docs/references.md#gb50014-pipe-return-period,
docs/references.md#pipe-design-duration, docs/references.md#design-runoff-coefficient): the
design return period is 3 years in the central districts and 2 years elsewhere, the design
duration 20 min and the design runoff coefficient 0.65. The storm formula is the unverified
Jinan placeholder (docs/references.md#jinan-storm-formula) unless you pass the official one.
How the capacity meets the runoff: docs/references.md#sewer-excess-runoff.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError
from jnrisk.flood._raster import check_aligned, check_min_shape
from jnrisk.flood.runoff import curve_number, scs_runoff_mm
from jnrisk.flood.storm import Hyetograph, StormFormula, StormFormulaTable

__all__ = [
    "PIPE_RETURN_PERIOD_YR",
    "JINAN_PIPE_RETURN_PERIODS_YR",
    "JINAN_CENTRAL_DISTRICTS",
    "jinan_pipe_return_periods",
    "PIPE_DESIGN_DURATION_MIN",
    "DESIGN_RUNOFF_COEFFICIENT",
    "drainage_capacity",
    "excess_runoff",
]

#: Default design return period of storm sewers [years] where no district value is given
#: (GB 50014-2021, ordinary non-central areas of large cities: 2-3 a; assumed).
PIPE_RETURN_PERIOD_YR = 2.0
#: Jinan's central districts (``name_en`` of the bundled districts); the rest are outer
#: districts and counties.
JINAN_CENTRAL_DISTRICTS = ("Lixia", "Shizhong", "Huaiyin", "Tianqiao", "Licheng")
_JINAN_OUTER_DISTRICTS = ("Changqing", "Zhangqiu", "Jiyang", "Laiwu", "Gangcheng", "Pingyin",
                          "Shanghe")


def jinan_pipe_return_periods(central_yr: float = 3.0, other_yr: float = 2.0) -> dict[str, float]:
    """Design return period of the sewers per Jinan district [years].

    Defaults: 3 a in the central districts (lower end of GB 50014-2021's 3-5 a for central
    areas of very large cities) and 2 a elsewhere (lower end of 2-3 a); assumed
    (docs/references.md#gb50014-pipe-return-period).

    Examples
    --------
    >>> jinan_pipe_return_periods()["Lixia"], jinan_pipe_return_periods(5, 3)["Shanghe"]
    (3.0, 3.0)
    """
    return {**{d: float(central_yr) for d in JINAN_CENTRAL_DISTRICTS},
            **{d: float(other_yr) for d in _JINAN_OUTER_DISTRICTS}}


#: Default design return period per district [years] (:func:`jinan_pipe_return_periods`).
JINAN_PIPE_RETURN_PERIODS_YR: Mapping[str, float] = jinan_pipe_return_periods()
#: Design duration of the pipe network [min]: 10 min inlet time + 10 min pipe travel (assumed).
PIPE_DESIGN_DURATION_MIN = 20.0
#: Composite runoff coefficient the sewers were sized with (dense built-up: 0.60-0.70; assumed).
DESIGN_RUNOFF_COEFFICIENT = 0.65


def _positive(value, name: str, *, upper: float = math.inf) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {value!r}.") from None
    if not (math.isfinite(v) and 0 < v <= upper):
        raise ConfigError(f"{name} must be in (0, {upper:g}], got {value!r}.")
    return v


def _period_grid(
    landcover: xr.DataArray,
    return_period_yr: float | Mapping[str, float],
    districts: gpd.GeoDataFrame | None,
    district_col: str,
) -> np.ndarray:
    """Design return period per cell [years]; NaN where no district covers the cell."""
    if not isinstance(return_period_yr, Mapping):
        p = _positive(return_period_yr, "return_period_yr", upper=1000.0)
        if p < 1.0:
            raise ConfigError(f"return_period_yr must be >= 1 year, got {return_period_yr!r}.")
        return np.full(landcover.shape, p)
    if districts is None:
        raise ConfigError(
            "return_period_yr is a mapping district -> years, so districts is needed: pass the "
            "district polygons (e.g. city.districts) and district_col naming them."
        )
    _validate.require_columns(districts, [district_col], name="districts")
    _validate.same_crs(landcover=landcover, districts=districts)
    names = districts[district_col].astype(str).tolist()
    missing = sorted(set(names) - {str(k) for k in return_period_yr})
    if missing:
        raise ConfigError(
            f"return_period_yr has no value for districts {missing}; add them, e.g. "
            f"{{{missing[0]!r}: {PIPE_RETURN_PERIOD_YR:g}}}."
        )
    periods = {str(k): _positive(v, f"return_period_yr[{k!r}]", upper=1000.0)
               for k, v in return_period_yr.items()}
    bad = {k: v for k, v in periods.items() if v < 1.0}
    if bad:
        raise ConfigError(f"return_period_yr values must be >= 1 year, got {bad}.")
    from rasterio import features

    shapes = [(g, i + 1) for i, g in enumerate(districts.geometry) if g is not None]
    idx = features.rasterize(shapes, out_shape=landcover.shape,
                             transform=landcover.rio.transform(), fill=0, dtype="int32")
    lut = np.concatenate([[np.nan], [periods[n] for n in names]])
    return lut[idx]


def drainage_capacity(
    landcover: xr.DataArray,
    formula: StormFormula | StormFormulaTable,
    *,
    return_period_yr: float | Mapping[str, float] = PIPE_RETURN_PERIOD_YR,
    districts: gpd.GeoDataFrame | None = None,
    district_col: str = "name_en",
    design_duration_min: float = PIPE_DESIGN_DURATION_MIN,
    runoff_coefficient: float = DESIGN_RUNOFF_COEFFICIENT,
    drained_codes: Iterable[int] = (1,),
) -> xr.DataArray:
    """Sewer capacity per cell as a runoff rate [mm/h]: ``psi * i(P_d, t_d)`` on served land.

    Parameters
    ----------
    landcover
        Land-cover codes; cells whose code is in ``drained_codes`` have sewers.
    formula
        Storm-intensity formula the sewers were designed with.
    return_period_yr
        Design return period of the sewers [years]: one value, or a mapping
        ``district -> years`` (e.g. :data:`JINAN_PIPE_RETURN_PERIODS_YR`) with ``districts``.
    districts, district_col
        District polygons (same CRS as ``landcover``) and the column holding their names.
    design_duration_min
        Design duration ``t_d`` of the network [min] (inlet + pipe travel time).
    runoff_coefficient
        Composite runoff coefficient ``psi`` the sewers were sized with, in (0, 1].
    drained_codes
        Land-cover codes served by sewers (default: built-up = 1).

    Returns
    -------
    xarray.DataArray
        ``drainage_mm_h`` (float64; 0 on land without sewers, NaN on nodata), same grid.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> from jnrisk.flood import StormFormula
    >>> f = StormFormula(a1_mm_min=10.0, c=0.8, b_min=10.0, n=0.7)
    >>> lc = xr.DataArray(np.array([[1, 3], [1, 1]]), dims=("y", "x"), coords={
    ...     "y": [15.0, 5.0], "x": [5.0, 15.0]}).rio.write_crs("EPSG:4548")
    >>> cap = drainage_capacity(lc, f, return_period_yr=3, design_duration_min=20,
    ...                         runoff_coefficient=0.65)
    >>> round(float(cap[0, 0]), 2), float(cap[0, 1])  # 0.65 * 60 * i(3 a, 20 min); farmland 0
    (49.83, 0.0)
    """
    check_min_shape(landcover, "landcover")
    t_d = _positive(design_duration_min, "design_duration_min", upper=1440.0)
    psi = _positive(runoff_coefficient, "runoff_coefficient", upper=1.0)
    codes = np.asarray(list(drained_codes), dtype=np.int64)
    periods = _period_grid(landcover, return_period_yr, districts, district_col)
    values = np.asarray(landcover.values)
    valid = np.isfinite(values) if values.dtype.kind == "f" else np.ones(values.shape, bool)
    nd = landcover.rio.nodata
    if nd is not None and not (isinstance(nd, float) and math.isnan(nd)):
        valid &= values != nd
    served = valid & np.isin(np.where(valid, values, -1), codes)
    rate = np.zeros(landcover.shape)
    for p in np.unique(periods[served & np.isfinite(periods)]):
        rate[served & (periods == p)] = psi * formula.intensity_mm_h(t_d, p)
    rate[~valid] = np.nan
    out = xr.DataArray(rate, coords=landcover.coords, dims=landcover.dims, name="drainage_mm_h")
    out.attrs = {"units": "mm/h", "long_name": "storm-sewer capacity as a runoff rate",
                 "design_duration_min": t_d, "runoff_coefficient": psi}
    if landcover.rio.crs is not None:
        out = out.rio.write_crs(landcover.rio.crs)
    return out.rio.write_nodata(np.nan, encoded=False)


def excess_runoff(
    storm: Hyetograph,
    landcover: xr.DataArray,
    drainage_mm_h: xr.DataArray | float = 0.0,
    soil_group: xr.DataArray | int | str = "C",
    *,
    cn_table=None,
    ia_ratio: float = 0.2,
) -> xr.DataArray:
    """Runoff that the sewers cannot take [mm]: step by step, SCS-CN runoff above capacity.

    The SCS-CN runoff of the cumulative rain is differenced into one runoff depth per storm
    step; in each step the sewer removes up to ``drainage_mm_h * dt / 60`` and the rest ponds.
    With ``drainage_mm_h = 0`` this is the event SCS-CN runoff (:func:`runoff_depth`).

    Parameters
    ----------
    storm
        The storm (e.g. :func:`chicago_hyetograph`).
    landcover, soil_group, cn_table, ia_ratio
        As in :func:`jnrisk.flood.runoff_depth`.
    drainage_mm_h
        Sewer capacity [mm/h]: a grid aligned with ``landcover``
        (:func:`drainage_capacity`) or one value for every cell.

    Returns
    -------
    xarray.DataArray
        ``runoff_mm`` left on the surface (NaN on nodata), same grid as ``landcover``;
        ``attrs["drained_mm_mean"]`` is the mean depth the sewers took over data cells.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from jnrisk.flood import hyetograph_from_table
    >>> lc = xr.DataArray(np.array([[4, 4], [4, 4]]), dims=("y", "x"))
    >>> storm = hyetograph_from_table([10.0, 40.0, 10.0], dt_min=60)
    >>> float(excess_runoff(storm, lc, 20.0)[0, 0])  # water (CN 100): 0 + 20 + 0 mm left
    20.0
    """
    check_min_shape(landcover, "landcover")
    cn = curve_number(landcover, soil_group, cn_table=cn_table).values
    if isinstance(drainage_mm_h, xr.DataArray):
        check_aligned(landcover, drainage_mm_h, "landcover", "drainage_mm_h")
        cap = np.asarray(drainage_mm_h.values, dtype=np.float64)
    else:
        cap = np.full(cn.shape, _nonneg(drainage_mm_h))
    valid = np.isfinite(cn)
    bad = valid & ~(np.isfinite(cap) & (cap >= 0))
    if bad.any():
        raise DataError(
            f"drainage_mm_h must be finite and >= 0 mm/h on data cells; {int(bad.sum()):,} "
            f"cells are not. Fill them with 0 (drainage_mm_h.fillna(0))."
        )
    cn_v, cap_v = cn[valid], cap[valid] * (storm.dt_min / 60.0)
    left = np.zeros(cn_v.shape)
    drained = np.zeros(cn_v.shape)
    before = np.zeros(cn_v.shape)
    rain = 0.0
    for step_mm in np.asarray(storm.rain_mm, dtype=np.float64):
        rain += float(step_mm)
        now = scs_runoff_mm(rain, cn_v, ia_ratio=ia_ratio)
        dq = now - before
        before = now
        taken = np.minimum(dq, cap_v)
        drained += taken
        left += dq - taken
    out = np.full(cn.shape, np.nan)
    out[valid] = left
    da = xr.DataArray(out, coords=landcover.coords, dims=landcover.dims, name="runoff_mm")
    da.attrs = {"units": "mm", "long_name": "surface runoff above sewer capacity",
                "drained_mm_mean": float(drained.mean()) if drained.size else 0.0}
    if landcover.rio.crs is not None:
        da = da.rio.write_crs(landcover.rio.crs)
    return da


def _nonneg(value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"drainage_mm_h must be a number or a grid, got {value!r}.") from None
    if not (math.isfinite(v) and v >= 0):
        raise ConfigError(f"drainage_mm_h must be a finite rate >= 0 mm/h, got {value!r}.")
    return v
