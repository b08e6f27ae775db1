"""Fire weather: the Canadian FWI system, overwintering DC and five danger levels on xarray.

Parameters and citations: docs/references.md#fwi-van-wagner-1987 (FWI system, Van Wagner & Pickett 1985;
Van Wagner 1987; Lawson & Armitage 2008) and 3.3 (Chinese five-level ratings, LY/T 1172-95).
The kernels (:mod:`jnrisk.fire._fwi_kernels`) run one cell along ``time``; the functions here
validate, convert units and wrap them with ``xr.apply_ufunc(..., dask="parallelized")``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from jnrisk._errors import ConfigError, DataError, DataFileError, SchemaError
from jnrisk._memory import ensure_fits
from jnrisk._validate import Problems, numeric_array, real_number, whole_number

__all__ = [
    "FWI_LEVEL_THRESHOLDS",
    "LYT1172_LEVEL_THRESHOLDS",
    "DANGER_LEVEL_NAMES",
    "fwi",
    "overwintering_dc",
    "danger_level",
    "lyt1172_score",
    "beaufort_force",
    "load_station_weather",
    "weather_path",
]

#: FWI -> five levels: level ``k + 1`` when FWI > ``thresholds[k]``. [M] Canadian-style
#: classes (low < 5, moderate 5-10, high 10-20, very high 20-30, extreme > 30); not a Chinese
#: standard: calibrate against local fire records before official use.
FWI_LEVEL_THRESHOLDS: tuple[float, float, float, float] = (5.0, 10.0, 20.0, 30.0)
#: LY/T 1172-95 score -> level: <=25 -> 1; 26-50 -> 2; 51-72 -> 3; 73-90 -> 4; >=91 -> 5
#: (docs/references.md#lyt1172-fire-danger).
LYT1172_LEVEL_THRESHOLDS: tuple[float, float, float, float] = (25.0, 50.0, 72.0, 90.0)
#: Level meanings and warning colours (QX/T 77-2007, GB/T 31164-2014; docs/references.md#fire-danger-levels).
DANGER_LEVEL_NAMES: dict[int, tuple[str, str]] = {
    1: ("low", "green"),
    2: ("fairly low", "blue"),
    3: ("fairly high", "yellow"),
    4: ("high", "orange"),
    5: ("extreme", "red"),
}

#: LY/T 1172 score tables as reproduced by 吕巍伟 et al. 2020 (doi 10.12677/wjf.2020.93016;
#: docs/references.md#lyt1172-fire-danger). Daily maximum temperature: upper bin edges (degC) and scores.
LYT_TMAX_EDGES_C = (5.0, 10.0, 15.0, 20.0, 25.0)
LYT_TMAX_SCORES = (0, 4, 8, 12, 16, 20)
#: Minimum (14:00) RH: lower bin edges (%) from dry to wet and scores.
LYT_RH_EDGES_PCT = (25.0, 35.0, 45.0, 55.0, 65.0)
LYT_RH_SCORES = (20, 16, 12, 8, 4, 0)
#: Consecutive dry days 0..10+: 5 points per day, capped at 50.
LYT_DRY_DAY_POINTS = 5
LYT_DRY_DAY_CAP = 50
#: Wind force (Beaufort) <=1 .. >=8 -> 5 .. 40.
LYT_WIND_SCORES = (5, 5, 10, 15, 20, 25, 30, 35, 40)
#: A day with at most this much rain counts as dry (docs/references.md#lyt1172-fire-danger: 0.1 mm counts as dry).
LYT_DRY_DAY_MAX_MM = 0.1
#: Upper limits of Beaufort forces 0..11 in km/h (WMO, m/s limits 0.3, 1.6, 3.4, 5.5, 8.0,
#: 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7 times 3.6) [M].
BEAUFORT_UPPER_KMH = tuple(
    round(v * 3.6, 2) for v in (0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7)
)

#: Accepted ranges of the daily FWI inputs (values outside are data errors).
FWI_INPUT_RANGES = MappingProxyType({
    "temp_c": (-60.0, 60.0),
    "rh_pct": (0.0, 100.0),
    "wind_kmh": (0.0, 400.0),
    "rain_mm": (0.0, 2000.0),
})
#: Latitudes [degrees north] covered by the standard day-length tables of the DMC and DC.
FWI_LATITUDE_RANGE_DEG = (30.0, 90.0)

_MISSING_MODES = ("propagate", "restart", "raise")
_OUTPUTS = ("ffmc", "dmc", "dc", "isi", "bui", "fwi", "dsr")
_LONG_NAMES = {
    "ffmc": "Fine Fuel Moisture Code",
    "dmc": "Duff Moisture Code",
    "dc": "Drought Code",
    "isi": "Initial Spread Index",
    "bui": "Buildup Index",
    "fwi": "Fire Weather Index",
    "dsr": "Daily Severity Rating",
}


# --------------------------------------------------------------------------- validation
def _check_series(
    arrays: Mapping[str, Any], *, ranges: Mapping[str, tuple[float, float]]
) -> list[xr.DataArray]:
    """Check every input is a DataArray with one daily, gap-free ``time`` coordinate."""
    problems = Problems("fire weather")
    out: list[xr.DataArray] = []
    for name, arr in arrays.items():
        if not isinstance(arr, xr.DataArray):
            raise SchemaError(
                f"fire weather: {name} must be an xarray.DataArray with a 'time' dimension, got "
                f"{type(arr).__name__}. Wrap it: xr.DataArray(values, dims='time', "
                f"coords={{'time': pd.date_range('2024-03-01', periods=n)}})."
            )
        if "time" not in arr.dims or "time" not in arr.coords:
            raise SchemaError(
                f"fire weather: {name} has dims {arr.dims} and coords {list(arr.coords)}; it "
                f"needs a 'time' dimension with a datetime coordinate (day length follows the "
                f"month). Rename with arr.rename({{'day': 'time'}}) or assign_coords(time=...)."
            )
        if not np.issubdtype(arr["time"].dtype, np.datetime64):
            raise SchemaError(
                f"fire weather: {name}['time'] has dtype {arr['time'].dtype}, expected "
                f"datetime64. Convert with arr.assign_coords(time=pd.to_datetime(arr.time))."
            )
        if arr.dtype.kind not in "iuf":
            raise SchemaError(
                f"fire weather: {name} has dtype {arr.dtype}, expected numbers; convert it "
                f"with {name}.astype(float) (missing values as NaN)."
            )
        out.append(arr)
    _check_same_places(dict(zip(arrays, out, strict=True)))
    time = out[0]["time"].to_index()
    for name, arr in zip(list(arrays)[1:], out[1:], strict=True):
        if not arr["time"].to_index().equals(time):
            raise DataError(
                f"fire weather: {name} has a different time axis ({arr.sizes['time']} days from "
                f"{arr.time.values[0]!s:.10}) than {next(iter(arrays))} ({len(time)} days from "
                f"{time[0]:%Y-%m-%d}); select the same days in every input (xr.align(..., "
                f"join='inner'))."
            )
    if len(time) == 0:
        raise DataError("fire weather: the time axis is empty; pass at least one day.")
    if len(time) > 1:
        steps = np.diff(time.values).astype("timedelta64[s]").astype(np.int64)
        bad = np.flatnonzero(steps != 86_400)
        if bad.size:
            first = bad[0]
            gaps = ", ".join(f"{time[i]:%Y-%m-%d} -> {time[i + 1]:%Y-%m-%d}" for i in bad[:5])
            more = f" (and {bad.size - 5} more)" if bad.size > 5 else ""
            problems.add(
                f"the time axis must be daily without gaps or repeats, found {bad.size} "
                f"irregular step(s): {gaps}{more} (first step {steps[first] / 86400:g} days). "
                f"Reindex to every day (arr.resample(time='1D').asfreq()) so missing days are "
                f"NaN, and choose missing='propagate'|'restart'."
            )
    for name, arr in zip(arrays, out, strict=True):
        lo, hi = ranges[name]
        bad = (arr < lo) | (arr > hi)
        other = [d for d in arr.dims if d != "time"]
        bad_days = np.asarray(bad.any(other) if other else bad)
        n_bad = int(np.asarray(bad.sum()))
        if n_bad:
            first_time = arr["time"].values[int(np.argmax(bad_days))]
            vmin = float(np.asarray(arr.min()))
            vmax = float(np.asarray(arr.max()))
            problems.add(
                f"{name} must lie in [{lo:g}, {hi:g}] but {n_bad:,} value(s) do not "
                f"(min {vmin:g}, max {vmax:g}; first on {str(first_time)[:10]}). Check the units "
                f"(wind in km/h, RH in %, 24-h rain in mm) and mark missing values as NaN."
            )
    problems.raise_if_any(DataError)
    return out


def _check_same_places(arrays: Mapping[str, xr.DataArray]) -> None:
    """Check that the inputs describe the same stations or cells.

    Every shared non-time dimension must have the same labels in the same order (otherwise
    values of different stations would mix).
    """
    first: dict[str, tuple[str, Any]] = {}
    for name, arr in arrays.items():
        for dim in arr.dims:
            if dim == "time":
                continue
            labels = arr[dim].to_index() if dim in arr.coords else pd.RangeIndex(arr.sizes[dim])
            if dim not in first:
                first[dim] = (name, labels)
                continue
            ref_name, ref = first[dim]
            if not labels.equals(ref):
                only = [v for v in labels if v not in set(ref)][:3]
                detail = (
                    f"labels {only} are not in {ref_name}" if only
                    else "the same labels come in another order" if len(labels) == len(ref)
                    else f"{len(labels)} vs {len(ref)} entries"
                )
                raise DataError(
                    f"fire weather: {name} and {ref_name} differ along {dim!r} ({detail}); "
                    f"every input must describe the same {dim}s in the same order: align "
                    f"them with xr.align({ref_name}, {name}, join='inner') or "
                    f"{name}.sel({dim}={ref_name}.{dim})."
                )


def _check_missing(arrays: Mapping[str, xr.DataArray], missing: str) -> None:
    if missing not in _MISSING_MODES:
        raise ConfigError(
            f"fwi: missing={missing!r} is not allowed; use one of {list(_MISSING_MODES)}."
        )
    if missing != "raise":
        return
    problems = Problems("fire weather")
    for name, arr in arrays.items():
        nan = arr.isnull()
        n = int(nan.sum())
        if n:
            days = nan.any([d for d in arr.dims if d != "time"]) if arr.ndim > 1 else nan
            first = pd.Timestamp(arr["time"].values[int(np.argmax(np.asarray(days)))])
            problems.add(
                f"{name} has {n:,} missing (NaN) value(s), first on {first:%Y-%m-%d}; fill "
                f"them, or pass missing='propagate' (NaN from that day on) or 'restart'."
            )
    problems.raise_if_any(DataError)


def _check_latitude(lat: Any, inputs: Mapping[str, xr.DataArray]) -> None:
    if isinstance(lat, xr.DataArray):
        if "time" in lat.dims:
            raise ConfigError("fwi: lat must not vary along 'time'; pass one latitude per place.")
        _check_same_places({**inputs, "lat": lat})
        values = lat.values
    else:
        values = lat
    try:
        values = np.asarray(values)
        if values.dtype.kind not in "iuf":
            raise TypeError
        values = values.astype(np.float64)
    except (TypeError, ValueError):
        raise ConfigError(
            f"fwi: lat must be degrees north (a number or a DataArray of numbers), got "
            f"{type(lat).__name__} {lat!r}."
        ) from None
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise DataError(f"fwi: lat must be finite degrees north, got {values!r}.")
    lo, hi = FWI_LATITUDE_RANGE_DEG
    if np.any(values < lo) or np.any(values > hi):
        raise ConfigError(
            f"fwi: lat must be between {lo:g} and {hi:g} degrees north (the standard day-length "
            f"tables, docs/references.md#fwi-van-wagner-1987; Jinan is 36.7 N), got min {values.min():g}, max "
            f"{values.max():g}. Other latitude bands are not implemented."
        )


# --------------------------------------------------------------------------- FWI
def fwi(  # noqa: PLR0913  four weather series plus keyword-only start codes
    temp_c: xr.DataArray,
    rh_pct: xr.DataArray,
    wind_kmh: xr.DataArray,
    rain_mm: xr.DataArray,
    *,
    lat: float | xr.DataArray,
    ffmc0: float = 85.0,
    dmc0: float = 6.0,
    dc0: float = 15.0,
    missing: Literal["propagate", "restart", "raise"] = "propagate",
) -> xr.Dataset:
    """Compute the Canadian Fire Weather Index system along ``time``.

    Daily noon (LST) weather in, the seven FWI-system components out, for every station or grid
    cell (all dimensions other than ``time`` are broadcast). Equations: Van Wagner & Pickett
    (1985), pinned to the variant of the official cffdrs package (FFMC constant 147.2772; cffdrs
    DMC rain phase; Van Wagner's temperature floors -1.1 degC for the DMC and -2.8 degC for the
    DC), see docs/references.md#fwi-van-wagner-1987. Chinese practice observes at 14:00 BJT (LY/T 1172):
    pass noon values if you have them; 14:00 inputs bias FFMC/ISI upward.

    Parameters
    ----------
    temp_c, rh_pct, wind_kmh, rain_mm
        Air temperature (degC), relative humidity (%, 0-100), 10-m wind speed (km/h, >= 0) and
        24-hour rain (mm, >= 0). DataArrays sharing one daily ``time`` coordinate (datetime64,
        no gaps: reindex missing days to NaN). NumPy or Dask backed; Dask chunks along
        ``time`` are merged into one, and the range checks read a Dask input once before the
        (lazy) result is built.
    lat
        Latitude (degrees north, 30-90); the standard day-length tables of that band are used
        (Le for the DMC, Lf for the DC, by calendar month).
    ffmc0, dmc0, dc0
        Start-up codes for the day before the first day (standard 85, 6, 15). For a spring
        start after a dry winter, use :func:`overwintering_dc` for ``dc0``.
    missing
        What a missing (NaN) day does. ``"propagate"`` (default, as the FWI system's day-to-day
        chain does): that day and every later day are NaN for all seven outputs, since each
        code needs yesterday's. ``"restart"``: that day is NaN and the next valid day starts
        again from ``ffmc0, dmc0, dc0``. ``"raise"``: a :class:`~jnrisk.DataError` naming the
        variable and the first missing day.

    Returns
    -------
    xarray.Dataset
        Variables ``ffmc, dmc, dc, isi, bui, fwi, dsr`` (dimensionless), the dims and coords of
        the broadcast inputs, ``time`` last.

    Raises
    ------
    SchemaError
        An input is not a DataArray or has no datetime ``time`` coordinate.
    DataError
        Time axes differ or have gaps; RH outside [0, 100], negative wind or rain, temperature
        outside [-60, 60] degC; NaN with ``missing="raise"``.
    ConfigError
        Unknown ``missing`` or latitude outside 30-90 N.

    Examples
    --------
    >>> import pandas as pd, xarray as xr
    >>> day = pd.date_range("1985-04-13", periods=1)
    >>> da = lambda v: xr.DataArray([v], dims="time", coords={"time": day})
    >>> out = fwi(da(17.0), da(42.0), da(25.0), da(0.0), lat=40.0)
    >>> [round(float(out[k][0]), 1) for k in ("ffmc", "dmc", "dc", "isi", "bui", "fwi")]
    [87.6, 8.5, 19.0, 10.8, 8.5, 10.0]
    """
    from jnrisk.fire import _fwi_kernels as kern

    arrays = {"temp_c": temp_c, "rh_pct": rh_pct, "wind_kmh": wind_kmh, "rain_mm": rain_mm}
    checked = _check_series(arrays, ranges=FWI_INPUT_RANGES)
    _check_missing(dict(zip(arrays, checked, strict=True)), missing)
    _check_latitude(lat, dict(zip(arrays, checked, strict=True)))
    start_up = "(standard start-up: ffmc0=85, dmc0=6, dc0=15)"
    ffmc0 = real_number("fwi: ffmc0", ffmc0, ge=0.0, le=101.0, fix=start_up)
    dmc0 = real_number("fwi: dmc0", dmc0, ge=0.0, fix=start_up)
    dc0 = real_number("fwi: dc0", dc0, ge=0.0, fix=start_up)
    if all(a.chunks is None for a in checked):
        sizes: dict[Any, int] = {}
        for a in checked:
            sizes.update(a.sizes)
        n = int(np.prod(list(sizes.values()), dtype=np.float64))
        # 4 float64 inputs and 7 outputs, plus the broadcast copies apply_ufunc makes
        ensure_fits(
            n * 8.0 * 15,
            what=f"the FWI stack ({n:,} place-days x 7 outputs)",
            fix="run fewer places or days at a time, or pass Dask-backed inputs "
            "(temp_c.chunk({'station': 100}))",
        )

    inputs = [a.astype(np.float64) for a in checked]
    if any(a.chunks is not None for a in inputs):
        inputs = [a.chunk({"time": -1}) if a.chunks is not None else a for a in inputs]
    month = xr.DataArray(
        inputs[0]["time"].dt.month.values.astype(np.int64),
        dims="time",
        coords={"time": inputs[0]["time"]},
    )
    mode = kern.MISSING_RESTART if missing == "restart" else kern.MISSING_PROPAGATE
    results = xr.apply_ufunc(
        kern.fwi_gufunc,
        *inputs,
        month,
        float(ffmc0),
        float(dmc0),
        float(dc0),
        np.int64(mode),
        input_core_dims=[["time"]] * 5 + [[]] * 4,
        output_core_dims=[["time"]] * 7,
        dask="parallelized",
        output_dtypes=[np.float64] * 7,
        keep_attrs=False,
    )
    ds = xr.Dataset({name: res for name, res in zip(_OUTPUTS, results, strict=True)})
    for name in _OUTPUTS:
        ds[name].attrs.update(units="1", long_name=_LONG_NAMES[name])
    ds.attrs.update(
        title="Canadian Fire Weather Index system (Van Wagner & Pickett 1985, cffdrs variant)",
        ffmc0=float(ffmc0),
        dmc0=float(dmc0),
        dc0=float(dc0),
        missing=missing,
    )
    return ds


def overwintering_dc(
    dc_fall: Any,
    winter_rain_mm: Any,
    *,
    carry_over: float = 0.75,
    wetting_efficiency: float = 0.75,
    min_dc: float = 15.0,
) -> Any:
    """Spring start-up Drought Code after a winter (Lawson & Armitage 2008).

    ``Qf = 800 exp(-DCf / 400)``; ``Qs = a Qf + b 3.94 rw``; ``DCs = max(400 ln(800 / Qs),
    min_dc)`` (docs/references.md#fwi-overwintering-dc). Works on floats, NumPy arrays and DataArrays.

    Parameters
    ----------
    dc_fall
        Drought Code on the last day of the previous fire season.
    winter_rain_mm
        Precipitation (rain + snow water) between the two seasons, mm (>= 0).
    carry_over
        Fraction ``a`` of autumn moisture carried over (1.0, 0.75 or 0.5 in the source).
    wetting_efficiency
        Fraction ``b`` of winter precipitation that recharges the soil (0-1).
    min_dc
        Floor of the spring DC (15 = the standard start-up value).

    Returns
    -------
    float, numpy.ndarray or xarray.DataArray
        Spring start-up DC, same kind as the inputs.

    Examples
    --------
    >>> round(overwintering_dc(300.0, 110.0), 4)
    109.4657
    >>> overwintering_dc(1.0, 550.0, min_dc=10.0)
    10.0
    """
    carry_over = real_number("overwintering_dc: carry_over", carry_over, ge=0.0, le=1.0)
    wetting_efficiency = real_number("overwintering_dc: wetting_efficiency",
                                     wetting_efficiency, ge=0.0, le=1.0)  # fmt: skip
    min_dc = real_number("overwintering_dc: min_dc", min_dc, ge=0.0)
    rain = numeric_array("overwintering_dc: winter_rain_mm", winter_rain_mm, unit="mm")
    dc = numeric_array("overwintering_dc: dc_fall", dc_fall)
    if isinstance(dc_fall, xr.DataArray) and isinstance(winter_rain_mm, xr.DataArray):
        _check_same_places({"dc_fall": dc_fall, "winter_rain_mm": winter_rain_mm})
    if np.any(rain < 0):
        raise DataError(
            f"overwintering_dc: winter_rain_mm must be >= 0, got min {np.nanmin(rain):g} mm."
        )
    if np.any(dc < 0):
        raise DataError(f"overwintering_dc: dc_fall must be >= 0, got min {np.nanmin(dc):g}.")
    qf = 800.0 * np.exp(-dc_fall / 400.0)
    qs = carry_over * qf + wetting_efficiency * 3.94 * winter_rain_mm
    out = np.maximum(400.0 * np.log(800.0 / qs), min_dc)
    if isinstance(out, np.ndarray) and out.ndim == 0:
        return float(out)
    if isinstance(out, np.floating):
        return float(out)
    return out


# --------------------------------------------------------------------------- danger levels
def danger_level(
    index: xr.DataArray,
    *,
    thresholds: Sequence[float] = FWI_LEVEL_THRESHOLDS,
    name: str = "danger_level",
) -> xr.DataArray:
    """Map a danger index (FWI, or an LY/T 1172 score) to the five Chinese danger levels.

    Level ``k + 1`` when the index is above ``thresholds[k]`` (so 1 = low/green ... 5 =
    extreme/red, :data:`DANGER_LEVEL_NAMES`). Missing index values give level 0.

    Parameters
    ----------
    index
        Daily FWI (default thresholds :data:`FWI_LEVEL_THRESHOLDS`, [M]) or LY/T 1172 score
        (use ``thresholds=LYT1172_LEVEL_THRESHOLDS``).
    thresholds
        Four increasing upper bounds of levels 1-4.
    name
        Name of the returned DataArray.

    Returns
    -------
    xarray.DataArray
        int8 levels 0-5 (0 = no data), same dims and coords as ``index``; CF ``flag_values``
        and ``flag_meanings`` in attrs.

    Examples
    --------
    >>> import xarray as xr
    >>> danger_level(xr.DataArray([0.0, 7.0, 15.0, 25.0, 45.0, float("nan")])).values.tolist()
    [1, 2, 3, 4, 5, 0]
    """
    try:
        th = np.asarray(thresholds, dtype=np.float64)
    except (TypeError, ValueError):
        th = np.array([np.nan])
    if th.shape != (4,) or not np.all(np.isfinite(th)) or np.any(np.diff(th) <= 0):
        raise ConfigError(
            f"danger_level: thresholds must be 4 finite increasing numbers (upper bounds of "
            f"levels 1-4), got {list(thresholds)}; e.g. {list(FWI_LEVEL_THRESHOLDS)}."
        )
    if not isinstance(index, xr.DataArray):
        index = xr.DataArray(numeric_array("danger_level: index", index))
    elif index.dtype.kind not in "iuf":
        raise SchemaError(
            f"danger_level: index has dtype {index.dtype}, expected numbers (FWI or score)."
        )

    def _levels(values: np.ndarray) -> np.ndarray:
        lev = (np.searchsorted(th, values, side="left") + 1).astype(np.int8)
        return np.where(np.isnan(values), np.int8(0), lev).astype(np.int8)

    out = xr.apply_ufunc(
        _levels, index.astype(np.float64), dask="parallelized", output_dtypes=[np.int8]
    )
    out.name = name
    out.attrs = {
        "long_name": "fire danger level (1 low .. 5 extreme; 0 no data)",
        "units": "1",
        "flag_values": [0, 1, 2, 3, 4, 5],
        "flag_meanings": "no_data low fairly_low fairly_high high extreme",
        "thresholds": list(map(float, th)),
    }
    return out


def beaufort_force(wind_kmh: Any) -> Any:
    """Beaufort force (0-12) of a wind speed in km/h (WMO limits, :data:`BEAUFORT_UPPER_KMH`).

    Examples
    --------
    >>> import numpy as np
    >>> beaufort_force(np.array([0.5, 10.0, 30.0, 130.0])).tolist()
    [0, 2, 5, 12]
    """
    edges = np.asarray(BEAUFORT_UPPER_KMH)
    values = numeric_array("beaufort_force: wind_kmh", wind_kmh, unit="km/h")
    if np.any(values < 0):
        raise DataError(
            f"beaufort_force: wind_kmh must be >= 0 km/h, got min {np.nanmin(values):g}; "
            f"a direction is not a speed."
        )
    if isinstance(wind_kmh, xr.DataArray):
        return xr.apply_ufunc(
            lambda v: np.searchsorted(edges, v, side="left").astype(np.int8),
            wind_kmh,
            dask="parallelized",
            output_dtypes=[np.int8],
        )
    return np.searchsorted(edges, values, side="left")


def lyt1172_score(
    tmax_c: xr.DataArray,
    rh_min_pct: xr.DataArray,
    wind_kmh: xr.DataArray,
    rain_mm: xr.DataArray,
    *,
    dry_days0: int = 0,
    dry_day_max_mm: float = LYT_DRY_DAY_MAX_MM,
    season_correction: Mapping[int, float] | None = None,
) -> xr.DataArray:
    """LY/T 1172-95-style daily fire-danger score (the scale Chinese forestry staff use).

    Adds the score of the daily maximum temperature, of the minimum (14:00) RH, of the number of
    consecutive dry days (0 on a rain day) and of the wind force, then subtracts an optional
    monthly phenology correction. Tables: ``LYT_*`` constants (docs/references.md#lyt1172-fire-danger, from 吕巍伟 et
    al. 2020). Same-day rain amounts are not scored (versions of the standard differ); a rain
    day scores 0 dry days. Map to levels with ``danger_level(score,
    thresholds=LYT1172_LEVEL_THRESHOLDS)``.

    Parameters
    ----------
    tmax_c, rh_min_pct, wind_kmh, rain_mm
        Daily maximum temperature (degC), minimum RH (%), maximum (or 14:00) wind (km/h) and
        24-h rain (mm): DataArrays with one daily ``time`` coordinate.
    dry_days0
        Consecutive dry days before the first day (unknown history: 0).
    dry_day_max_mm
        A day with at most this rain counts as dry.
    season_correction
        Points subtracted by calendar month, e.g. ``{7: 10, 8: 10}`` for green summer fuels.

    Returns
    -------
    xarray.DataArray
        Score (float, NaN where an input is missing).

    Examples
    --------
    >>> import pandas as pd, xarray as xr
    >>> t = pd.date_range("2024-04-01", periods=3)
    >>> da = lambda v: xr.DataArray(v, dims="time", coords={"time": t})
    >>> lyt1172_score(da([22.0, 24.0, 8.0]), da([30.0, 20.0, 70.0]),
    ...               da([15.0, 30.0, 5.0]), da([0.0, 0.0, 6.0])).values.tolist()
    [52.0, 71.0, 9.0]
    """
    from jnrisk.fire import _fwi_kernels as kern

    arrays = {"tmax_c": tmax_c, "rh_min_pct": rh_min_pct, "wind_kmh": wind_kmh, "rain_mm": rain_mm}
    ranges = {
        "tmax_c": (-60.0, 60.0),
        "rh_min_pct": (0.0, 100.0),
        "wind_kmh": (0.0, 400.0),
        "rain_mm": (0.0, 2000.0),
    }
    t, h, w, r = (a.astype(np.float64) for a in _check_series(arrays, ranges=ranges))
    dry_days0 = whole_number("lyt1172_score: dry_days0", dry_days0, ge=0, le=100_000,
                             unit="days")  # fmt: skip
    dry_day_max_mm = real_number("lyt1172_score: dry_day_max_mm", dry_day_max_mm, ge=0.0,
                                 le=100.0, unit="mm")  # fmt: skip
    if season_correction is not None and not isinstance(season_correction, Mapping):
        raise ConfigError(
            f"lyt1172_score: season_correction must be a dict month -> points, e.g. "
            f"{{7: 10, 8: 10}}, got {season_correction!r}."
        )
    if r.chunks is not None:
        r = r.chunk({"time": -1})

    def _table(values: np.ndarray, edges: Sequence[float], scores: Sequence[int], right: bool):
        idx = np.searchsorted(np.asarray(edges), values, side="left" if right else "right")
        out = np.asarray(scores, dtype=np.float64)[idx]
        return np.where(np.isnan(values), np.nan, out)

    s_t = xr.apply_ufunc(
        _table, t, kwargs={"edges": LYT_TMAX_EDGES_C, "scores": LYT_TMAX_SCORES, "right": True},
        dask="parallelized", output_dtypes=[np.float64],
    )  # fmt: skip
    s_h = xr.apply_ufunc(
        _table, h, kwargs={"edges": LYT_RH_EDGES_PCT, "scores": LYT_RH_SCORES, "right": False},
        dask="parallelized", output_dtypes=[np.float64],
    )  # fmt: skip
    force = np.asarray(LYT_WIND_SCORES, dtype=np.float64)
    s_w = xr.apply_ufunc(
        lambda v: np.where(
            np.isnan(v), np.nan, force[np.minimum(np.searchsorted(np.asarray(
                BEAUFORT_UPPER_KMH), v, side="left"), len(force) - 1)]
        ),
        w, dask="parallelized", output_dtypes=[np.float64],
    )  # fmt: skip
    dry = xr.apply_ufunc(
        kern.dry_days_gufunc, r, float(dry_day_max_mm), np.int64(dry_days0),
        input_core_dims=[["time"], [], []], output_core_dims=[["time"]],
        dask="parallelized", output_dtypes=[np.float64],
    )  # fmt: skip
    s_d = np.minimum(dry * LYT_DRY_DAY_POINTS, LYT_DRY_DAY_CAP)
    score = s_t + s_h + s_w + s_d
    if season_correction:
        bad = [m for m in season_correction
               if isinstance(m, bool) or not isinstance(m, (int, np.integer))
               or m not in range(1, 13)]  # fmt: skip
        if bad:
            raise ConfigError(f"lyt1172_score: season_correction months {bad} are not 1..12.")
        corr = np.zeros(13)
        for m, v in season_correction.items():
            corr[m] = real_number(f"lyt1172_score: season_correction[{m}]", v, ge=-100.0,
                                  le=100.0, unit="points")  # fmt: skip
        months = t["time"].dt.month.values
        score = score - xr.DataArray(corr[months], dims="time", coords={"time": t["time"]})
    score = score.transpose(*t.dims)
    score.name = "lyt1172_score"
    score.attrs = {"long_name": "LY/T 1172-95-style fire-danger score", "units": "1"}
    return score


# --------------------------------------------------------------------------- bundled weather
WEATHER_FILE = "jinan_station_weather.nc"
_WEATHER_VARS = ("temp_c", "tmax_c", "rh_pct", "rh_min_pct", "wind_kmh", "rain_mm")


def weather_path() -> Path:
    """Folder of the bundled synthetic station weather.

    ``$JNRISK_WEATHER_DIR`` if set, else the wheel's ``jnrisk/data/weather``, else the source
    tree's ``data/weather``.

    Examples
    --------
    >>> weather_path().name
    'weather'
    """
    env = os.environ.get("JNRISK_WEATHER_DIR")
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "data" / "weather", here.parents[3] / "data" / "weather"):
        if (candidate / WEATHER_FILE).is_file():
            return candidate
    return here.parents[3] / "data" / "weather"


def load_station_weather(
    path: str | os.PathLike[str] | None = None,
    *,
    stations: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> xr.Dataset:
    """Load the synthetic daily fire weather of Jinan's stations (2015-2024, seeded).

    Synthetic, **not observations**: a plausible climate with a dry windy spring and a wet
    summer, made by ``scripts/generate_weather.py`` (see ``data/weather/README.md``). Jinan's
    fire season starts on 1 November (``attrs["fire_season_start"]``).

    Parameters
    ----------
    path
        NetCDF file; default ``weather_path() / "jinan_station_weather.nc"``.
    stations
        Station names to keep (e.g. ``["Jinan", "Laiwu"]``); default all seven.
    start, end
        Inclusive date bounds (``"2024-03-01"``).

    Returns
    -------
    xarray.Dataset
        Dims ``station, time``; variables ``temp_c, tmax_c, rh_pct, rh_min_pct, wind_kmh,
        rain_mm`` (float64); coords ``lon, lat, elevation_m, name_zh``. Feed
        ``temp_c, rh_pct, wind_kmh, rain_mm`` to :func:`fwi` and ``tmax_c, rh_min_pct,
        wind_kmh, rain_mm`` to :func:`lyt1172_score`.

    Examples
    --------
    >>> ds = load_station_weather(stations=["Jinan"], start="2024-03-01", end="2024-03-31")
    >>> dict(ds.sizes)
    {'station': 1, 'time': 31}
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise ConfigError(f"load_station_weather: path must be a file path, got {path!r}.")
    if stations is not None and (isinstance(stations, str) or not isinstance(stations, Sequence)):
        raise ConfigError(
            f"load_station_weather: stations must be a list of names, got {stations!r} "
            f"(write stations=[{stations!r}])."
        )
    bounds = {}
    for key, value in (("start", start), ("end", end)):
        if value is None:
            continue
        try:
            bounds[key] = pd.Timestamp(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"load_station_weather: {key}={value!r} is not a date; write 'YYYY-MM-DD'."
            ) from None
        if pd.isna(bounds[key]):
            raise ConfigError(f"load_station_weather: {key} must be a date, got {value!r}.")
    if len(bounds) == 2 and bounds["start"] > bounds["end"]:
        raise ConfigError(
            f"load_station_weather: start={start!r} is after end={end!r}; swap them."
        )
    file = Path(path) if path is not None else weather_path() / WEATHER_FILE
    if not file.is_file():
        raise DataFileError(
            f"station weather file {file} does not exist; regenerate it with "
            f"`python scripts/generate_weather.py` or set JNRISK_WEATHER_DIR to its folder."
        )
    try:
        with xr.open_dataset(file) as raw:
            ds = raw.load()
    except (OSError, ValueError) as exc:
        raise DataFileError(
            f"station weather file {file} cannot be read ({exc}); regenerate it with "
            f"`python scripts/generate_weather.py`."
        ) from exc
    missing_vars = [v for v in _WEATHER_VARS if v not in ds.data_vars]
    if missing_vars or "station" not in ds.dims or "time" not in ds.dims:
        raise DataFileError(
            f"station weather file {file} lacks variables {missing_vars} or the station/time "
            f"dims (has {list(ds.data_vars)}, dims {dict(ds.sizes)}); regenerate it."
        )
    if stations is not None:
        unknown = [s for s in stations if s not in ds["station"].values]
        if unknown:
            raise ConfigError(
                f"load_station_weather: unknown station(s) {unknown}; available: "
                f"{ds['station'].values.tolist()}."
            )
        ds = ds.sel(station=list(stations))
    ds = ds.sel(time=slice(bounds.get("start"), bounds.get("end")))
    for v in _WEATHER_VARS:
        ds[v] = ds[v].astype(np.float64)
    return ds
