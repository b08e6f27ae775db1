"""Fire spread: Rothermel (1972) surface rate of spread and minimum-travel-time arrival.

Rothermel's model (docs/references.md#rothermel-1972; Rothermel 1972 with Albini 1976's revisions, as in BehavePlus
and pyretechnics) gives the head-fire rate of spread of a fuel model under a moisture scenario,
midflame wind and slope. On a raster, wind and slope are combined as vectors per cell, the fire
shape is an ellipse (length-to-breadth ratio from the effective wind speed), and the arrival time
of the fire is the minimum travel time from the ignitions (Dijkstra on an 8- or 16-neighbour
stencil, :mod:`jnrisk.fire._spread_kernels`).

Internally the equations run in the US units in which the fuel models are published (ft, lb,
Btu, min) and everything public is metric (m, m/min, kW/m, km/h).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import xarray as xr

from jnrisk._errors import ConfigError, DataError
from jnrisk._memory import ensure_fits
from jnrisk._validate import (
    Grid,
    check_aligned,
    check_raster,
    finite_coordinates,
    numeric_array,
    real_number,
    unique_index,
)

__all__ = [
    "FuelModel",
    "FuelMoisture",
    "FUEL_MODELS",
    "DEFAULT_FUEL_MAP",
    "DESIGN_MOISTURE",
    "RothermelResult",
    "rothermel_ros",
    "moisture_from_ffmc",
    "length_to_breadth",
    "spread_rates",
    "arrival_time",
    "perimeters",
]

# unit conversions (exact definitions)
_FT_M = 0.3048
_LB_FT2_TO_KG_M2 = 0.45359237 / _FT_M**2
_KMH_TO_FT_MIN = 1000.0 / 60.0 / _FT_M
_FT_MIN_TO_MPH = 60.0 / 5280.0
_BTU_FT2_MIN_TO_KW_M2 = 1055.05585 / _FT_M**2 / 60.0 / 1000.0
_BTU_FT_S_TO_KW_M = 1055.05585 / _FT_M / 1000.0


@dataclass(frozen=True)
class FuelModel:
    """A static surface fuel model (published US units).

    Loads ``w_*`` in lb/ft², surface-area-to-volume ratios ``sav_*`` in 1/ft, bed depth in ft,
    dead-fuel moisture of extinction in %, heat content in Btu/lb. Particle density 32 lb/ft³,
    total mineral content 5.55 %, effective mineral content 1 % (Anderson 1982).
    """

    code: int
    name: str
    w_1h: float
    w_10h: float
    w_100h: float
    w_herb: float
    w_woody: float
    sav_1h: float
    sav_herb: float
    sav_woody: float
    depth_ft: float
    mx_dead_pct: float
    heat_btu_lb: float = 8000.0
    sav_10h: float = 109.0
    sav_100h: float = 30.0


#: A subset of Anderson's 13 fuel models (Anderson 1982, GTR INT-122; values as tabulated in
#: pyretechnics ``fuel_models.py`` and BehavePlus). Loads converted from t/ac to lb/ft².
FUEL_MODELS: dict[int, FuelModel] = {
    1: FuelModel(1, "short grass", 0.0340, 0, 0, 0, 0, 3500, 0, 0, 1.0, 12),
    2: FuelModel(2, "timber (grass and understory)", 0.0920, 0.0460, 0.0230, 0.0230, 0,
                 3000, 1500, 0, 1.0, 15),
    3: FuelModel(3, "tall grass", 0.1380, 0, 0, 0, 0, 1500, 0, 0, 2.5, 25),
    8: FuelModel(8, "closed timber litter", 0.0690, 0.0460, 0.1150, 0, 0, 2000, 0, 0, 0.2, 30),
    9: FuelModel(9, "hardwood litter", 0.1340, 0.0190, 0.0070, 0, 0, 2500, 0, 0, 0.2, 25),
    10: FuelModel(10, "timber (litter and understory)", 0.1380, 0.0920, 0.2300, 0, 0.0920,
                  2000, 0, 1500, 1.0, 25),
}  # fmt: skip

#: Land-cover code -> fuel model (``None`` = non-burnable). Bundled land cover: 1 built-up,
#: 2 forest, 3 farmland, 4 water, 5 bare/grass. [design] Jinan's southern mountains are mostly
#: planted arborvitae/pine with grass understory (FM2); farmland stubble and grass as FM1.
DEFAULT_FUEL_MAP: dict[int, int | None] = {1: None, 2: 2, 3: 1, 4: None, 5: 1}


@dataclass(frozen=True)
class FuelMoisture:
    """Fuel moisture scenario, % of dry weight.

    Defaults (``DESIGN_MOISTURE``): a dry spring design day, 1-h 6 %, 10-h 7 %, 100-h 8 %,
    live herbaceous 60 %, live woody 90 % [M] (BehavePlus-style "very low dead, cured herb"
    scenario; adjust to local fuel sampling).
    """

    dead_1h_pct: float = 6.0
    dead_10h_pct: float = 7.0
    dead_100h_pct: float = 8.0
    live_herb_pct: float = 60.0
    live_woody_pct: float = 90.0

    def __post_init__(self) -> None:
        for name in ("dead_1h_pct", "dead_10h_pct", "dead_100h_pct", "live_herb_pct",
                     "live_woody_pct"):  # fmt: skip
            v = real_number(f"FuelMoisture.{name}", getattr(self, name), gt=0.0, le=400.0,
                            unit="% of dry weight")  # fmt: skip
            object.__setattr__(self, name, v)


DESIGN_MOISTURE = FuelMoisture()


def moisture_from_ffmc(ffmc: float) -> float:
    """Fine-fuel moisture (%) implied by an FFMC: ``147.2772 (101 - F) / (59.5 + F)``.

    A convenient link from a danger-rated day to ``FuelMoisture.dead_1h_pct`` (the FFMC scale
    is for pine litter; treat it as an approximation for other fine fuels).

    Examples
    --------
    >>> round(moisture_from_ffmc(92.0), 2)
    8.75
    """
    ffmc = real_number("moisture_from_ffmc: ffmc", ffmc, ge=0.0, le=101.0)
    return 250.0 * 59.5 / 101.0 * (101.0 - ffmc) / (59.5 + ffmc)


@dataclass(frozen=True)
class _FuelConstants:
    """Per fuel model and moisture: everything that does not depend on wind or slope."""

    ros0_ft_min: float
    reaction_btu_ft2_min: float
    beta_ratio: float
    beta: float
    c: float
    b: float
    e: float
    sigma: float


def _fuel_constants(fm: FuelModel, moist: FuelMoisture) -> _FuelConstants:
    rho_p, s_t, s_e = 32.0, 0.0555, 0.01
    dead = [(fm.w_1h, fm.sav_1h, moist.dead_1h_pct), (fm.w_10h, fm.sav_10h, moist.dead_10h_pct),
            (fm.w_100h, fm.sav_100h, moist.dead_100h_pct)]  # fmt: skip
    live = [(fm.w_herb, fm.sav_herb, moist.live_herb_pct),
            (fm.w_woody, fm.sav_woody, moist.live_woody_pct)]  # fmt: skip
    dead = [(w, s, m / 100.0) for w, s, m in dead if w > 0]
    live = [(w, s, m / 100.0) for w, s, m in live if w > 0]
    cats = [c for c in (dead, live) if c]
    a_ij = [[s * w / rho_p for w, s, _ in cat] for cat in cats]
    a_i = [sum(a) for a in a_ij]
    a_t = sum(a_i)
    f_ij = [[a / ai for a in aij] for aij, ai in zip(a_ij, a_i, strict=True)]
    f_i = [ai / a_t for ai in a_i]
    sig_i = [sum(f * s for f, (_, s, _) in zip(fs, cat, strict=True)) for fs, cat in
             zip(f_ij, cats, strict=True)]  # fmt: skip
    sigma = sum(f * s for f, s in zip(f_i, sig_i, strict=True))
    w_total = sum(w for cat in cats for w, _, _ in cat)
    rho_b = w_total / fm.depth_ft
    beta = rho_b / rho_p
    beta_op = 3.348 * sigma**-0.8189
    ratio = beta / beta_op
    gmax = sigma**1.5 / (495.0 + 0.0594 * sigma**1.5)
    a_exp = 133.0 * sigma**-0.7913
    gamma = gmax * ratio**a_exp * math.exp(a_exp * (1.0 - ratio))
    # moisture of extinction: dead from the model, live from Albini (1976)
    mx = [fm.mx_dead_pct / 100.0]
    if live:
        fine_dead = sum(w * math.exp(-138.0 / s) for w, s, _ in dead)
        fine_live = sum(w * math.exp(-500.0 / s) for w, s, _ in live)
        m_fine_dead = sum(w * math.exp(-138.0 / s) * m for w, s, m in dead) / fine_dead
        mx_live = 2.9 * (fine_dead / fine_live) * (1.0 - m_fine_dead / mx[0]) - 0.226
        mx.append(max(mx_live, mx[0]))
    eta_s = 0.174 * s_e**-0.19
    reaction = 0.0
    for k, cat in enumerate(cats):
        m_i = sum(f * m for f, (_, _, m) in zip(f_ij[k], cat, strict=True))
        # net load weighted by f_ij (equal to Albini's size-class weights g_ij here: every
        # particle of these models is alone in its size class)
        wn_i = sum(f * w * (1.0 - s_t) for f, (w, _, _) in zip(f_ij[k], cat, strict=True))
        r_m = min(m_i / mx[k], 1.0)
        eta_m = 1.0 - 2.59 * r_m + 5.11 * r_m**2 - 3.52 * r_m**3
        reaction += wn_i * fm.heat_btu_lb * eta_m * eta_s
    reaction *= gamma
    xi = math.exp((0.792 + 0.681 * sigma**0.5) * (beta + 0.1)) / (192.0 + 0.2595 * sigma)
    sink = 0.0
    for k, cat in enumerate(cats):
        sink += f_i[k] * sum(
            f * math.exp(-138.0 / s) * (250.0 + 1116.0 * m)
            for f, (_, s, m) in zip(f_ij[k], cat, strict=True)
        )
    sink *= rho_b
    ros0 = reaction * xi / sink if sink > 0 else 0.0
    return _FuelConstants(
        ros0_ft_min=ros0,
        reaction_btu_ft2_min=reaction,
        beta_ratio=ratio,
        beta=beta,
        c=7.47 * math.exp(-0.133 * sigma**0.55),
        b=0.02526 * sigma**0.54,
        e=0.715 * math.exp(-3.59e-4 * sigma),
        sigma=sigma,
    )


_SHAPES = ("rothermel1991", "behave")


def length_to_breadth(effective_wind_kmh: Any, *, shape: str = "rothermel1991") -> Any:
    """Length-to-breadth ratio of the fire ellipse from the effective midflame wind (km/h).

    ``"rothermel1991"``: ``1 + 0.25 U`` (U in mph, Rothermel 1991); ``"behave"``: Anderson
    (1983) as in BehavePlus, ``min(0.936 e^(0.1147 U) + 0.461 e^(-0.0692 U) - 0.397, 8)``.

    Examples
    --------
    >>> round(float(length_to_breadth(16.09344)), 3)
    3.5
    """
    if not isinstance(shape, str) or shape not in _SHAPES:
        raise ConfigError(f"length_to_breadth: shape={shape!r}; use one of {list(_SHAPES)}.")
    u_mph = numeric_array("length_to_breadth: effective_wind_kmh", effective_wind_kmh,
                           unit="km/h") / 1.609344  # fmt: skip
    if shape == "rothermel1991":
        return 1.0 + 0.25 * u_mph
    return np.minimum(0.936 * np.exp(0.1147 * u_mph) + 0.461 * np.exp(-0.0692 * u_mph) - 0.397,
                      8.0)  # fmt: skip


@dataclass(frozen=True)
class RothermelResult:
    """Head-fire behaviour of one fuel model (metric)."""

    fuel_model: int
    ros_m_min: float
    ros0_m_min: float
    reaction_intensity_kw_m2: float
    byram_intensity_kw_m: float
    flame_length_m: float
    effective_wind_kmh: float
    phi_wind: float
    phi_slope: float
    wind_limited: bool
    extras: dict[str, float] = field(default_factory=dict, compare=False)


def _fuel(code: int) -> FuelModel:
    if isinstance(code, FuelModel):
        return code
    if isinstance(code, bool) or not isinstance(code, (int, np.integer)) or code not in FUEL_MODELS:
        raise ConfigError(
            f"unknown fuel model {code!r}; available: {sorted(FUEL_MODELS)} "
            f"(Anderson 13 subset), or pass a FuelModel."
        )
    return FUEL_MODELS[code]


def _phi_wind(fc: _FuelConstants, wind_ft_min: Any) -> Any:
    return fc.c * np.asarray(wind_ft_min, dtype=np.float64) ** fc.b * fc.beta_ratio ** (-fc.e)


def _effective_wind_ft_min(fc: _FuelConstants, phi_e: Any) -> Any:
    phi_e = np.asarray(phi_e, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = (phi_e * fc.beta_ratio**fc.e / fc.c) ** (1.0 / fc.b)
    return np.where(phi_e > 0, u, 0.0)


def rothermel_ros(
    fuel_model: int | FuelModel,
    moisture: FuelMoisture = DESIGN_MOISTURE,
    *,
    wind_midflame_kmh: float = 0.0,
    slope_pct: float = 0.0,
    wind_limit: bool = True,
) -> RothermelResult:
    """Rothermel (1972) head-fire rate of spread with wind blowing upslope.

    Equations of docs/references.md#rothermel-1972 (Rothermel 1972, Albini 1976 revisions; live moisture of
    extinction from Albini 1976). Wind and slope act in the same direction here; on a raster
    :func:`spread_rates` combines them as vectors.

    Parameters
    ----------
    fuel_model
        Anderson fuel model number in :data:`FUEL_MODELS` (1, 2, 3, 8, 9, 10) or a FuelModel.
    moisture
        Fuel moisture scenario (%).
    wind_midflame_kmh
        Midflame wind speed (km/h, >= 0); 10-m wind times a wind adjustment factor.
    slope_pct
        Slope (%, rise / run x 100, >= 0).
    wind_limit
        Cap the effective wind at ``0.9 I_R`` (ft/min; Rothermel 1972's wind limit).

    Returns
    -------
    RothermelResult
        ``ros_m_min`` (head), ``ros0_m_min`` (no wind, no slope), reaction intensity (kW/m²),
        Byram fireline intensity (kW/m), flame length (m, Byram 1959), effective wind (km/h).

    Examples
    --------
    >>> r = rothermel_ros(1, FuelMoisture(dead_1h_pct=6.0), wind_midflame_kmh=8.0)
    >>> round(r.ros0_m_min, 3), round(r.ros_m_min, 1)
    (1.404, 31.1)
    """
    fm = _fuel(fuel_model)
    wind_midflame_kmh = real_number("rothermel_ros: wind_midflame_kmh", wind_midflame_kmh,
                                    ge=0.0, le=400.0, unit="km/h")  # fmt: skip
    slope_pct = real_number("rothermel_ros: slope_pct", slope_pct, ge=0.0, le=1000.0, unit="%")
    _check_moisture(moisture)
    fc = _fuel_constants(fm, moisture)
    u = wind_midflame_kmh * _KMH_TO_FT_MIN
    phi_w = float(_phi_wind(fc, u)) if u > 0 else 0.0
    phi_s = 5.275 * fc.beta**-0.3 * (slope_pct / 100.0) ** 2
    phi_e = phi_w + phi_s
    u_eff = float(_effective_wind_ft_min(fc, phi_e))
    limited = False
    if wind_limit and u_eff > 0.9 * fc.reaction_btu_ft2_min:
        u_eff = 0.9 * fc.reaction_btu_ft2_min
        phi_e = float(_phi_wind(fc, u_eff))
        limited = True
    ros = fc.ros0_ft_min * (1.0 + phi_e)
    t_r = 384.0 / fc.sigma
    i_b = fc.reaction_btu_ft2_min * ros * t_r / 60.0
    flame = 0.45 * i_b**0.46 if i_b > 0 else 0.0
    return RothermelResult(
        fuel_model=fm.code,
        ros_m_min=ros * _FT_M,
        ros0_m_min=fc.ros0_ft_min * _FT_M,
        reaction_intensity_kw_m2=fc.reaction_btu_ft2_min * _BTU_FT2_MIN_TO_KW_M2,
        byram_intensity_kw_m=i_b * _BTU_FT_S_TO_KW_M,
        flame_length_m=flame * _FT_M,
        effective_wind_kmh=u_eff / _KMH_TO_FT_MIN,
        phi_wind=phi_w,
        phi_slope=phi_s,
        wind_limited=limited,
        extras={"beta": fc.beta, "beta_ratio": fc.beta_ratio, "sigma_1_ft": fc.sigma},
    )


# --------------------------------------------------------------------------- raster
def _check_moisture(moisture: Any) -> None:
    if not isinstance(moisture, FuelMoisture):
        raise ConfigError(
            f"moisture must be a FuelMoisture, got {type(moisture).__name__} {moisture!r}; "
            f"e.g. FuelMoisture(dead_1h_pct=6.0) or DESIGN_MOISTURE."
        )


def _check_fuel_map(fuel_map: Any) -> None:
    if not isinstance(fuel_map, Mapping):
        raise ConfigError(
            f"fuel_map must be a dict land-cover code -> fuel model (or None), got "
            f"{type(fuel_map).__name__}; e.g. {DEFAULT_FUEL_MAP}."
        )


#: float64 grids alive at once in spread_rates and arrival_time (rates, vectors, masks, heap).
_GRIDS_PER_CELL = 16


def _guard_grid(grid: Grid, what: str) -> None:
    ensure_fits(
        grid.nbytes(8.0 * _GRIDS_PER_CELL),
        what=f"{what} on {grid.ny:,} x {grid.nx:,} cells",
        fix="clip the rasters to the area of interest or coarsen them (rio.reproject with a "
        "larger resolution)",
    )


def _fuel_grid(landcover: xr.DataArray, fuel_map: Mapping[int, int | None]) -> np.ndarray:
    """Fuel model number per cell (0 = non-burnable); unknown codes raise."""
    for fmodel in fuel_map.values():
        if fmodel is not None and fmodel != 0:
            _fuel(fmodel)
    lc = landcover.values
    nodata = landcover.rio.nodata if hasattr(landcover, "rio") else None
    valid = np.isfinite(lc) if np.issubdtype(lc.dtype, np.floating) else np.ones(lc.shape, bool)
    if nodata is not None and np.isfinite(nodata):
        valid &= lc != nodata
    codes, counts = np.unique(lc[valid], return_counts=True)
    unknown = [(c, n) for c, n in zip(codes.tolist(), counts.tolist(), strict=True)
               if int(c) not in fuel_map]  # fmt: skip
    if unknown:
        shown = ", ".join(f"{int(c)} ({n:,} cells)" for c, n in unknown[:8])
        raise DataError(
            f"landcover has code(s) not in fuel_map: {shown}; the map covers "
            f"{sorted(fuel_map)}. Pass fuel_map={{code: fuel_model or None, ...}} including "
            f"them (None = non-burnable)."
        )
    fuel = np.zeros(lc.shape, dtype=np.int64)
    for code, fmodel in fuel_map.items():
        if fmodel:
            fuel[valid & (lc == code)] = int(fmodel)
    return fuel


def spread_rates(  # noqa: PLR0913  keyword-only weather, fuel and grid options
    landcover: xr.DataArray,
    dem: xr.DataArray | None = None,
    *,
    wind_kmh: float = 0.0,
    wind_from_deg: float = 0.0,
    moisture: FuelMoisture = DESIGN_MOISTURE,
    fuel_map: Mapping[int, int | None] = DEFAULT_FUEL_MAP,
    wind_adjustment: float = 0.4,
    shape: Literal["rothermel1991", "behave"] = "rothermel1991",
    firebreaks: xr.DataArray | None = None,
) -> xr.Dataset:
    """Per-cell head-fire rate of spread, its direction and the ellipse shape.

    Wind (``phi_W`` towards where the wind blows) and slope (``phi_S`` upslope) are added as
    vectors per cell (Rothermel 1972 / BehavePlus); ``R = R0 (1 + |phi_W + phi_S|)`` with the
    effective wind capped at ``0.9 I_R``; the length-to-breadth ratio follows from the effective
    wind (:func:`length_to_breadth`).

    Parameters
    ----------
    landcover
        Land-cover codes on a regular grid in a metric CRS (dims ``(y, x)``).
    dem
        Elevation (m) on the same grid; ``None`` = flat. Nodata (``rio.nodata`` or NaN) is
        allowed only on non-burnable cells; slopes next to it are taken as flat.
    wind_kmh
        10-m wind speed (km/h, uniform).
    wind_from_deg
        Direction the wind blows *from*, degrees clockwise from grid north (0 = north wind,
        the fire runs south).
    moisture
        Fuel moisture scenario.
    fuel_map
        Land-cover code -> Anderson fuel model (``None`` = non-burnable).
    wind_adjustment
        10-m wind to midflame wind factor [M] (0.4 for partly sheltered fuels; 0.1-0.5).
    shape
        Length-to-breadth formula: ``"rothermel1991"`` or ``"behave"``.
    firebreaks
        Optional boolean grid: True cells are non-burnable (roads, cut lines).

    Returns
    -------
    xarray.Dataset
        ``ros_m_min`` (0 on non-burnable cells), ``direction_deg`` (of maximum spread, clockwise
        from north), ``lw_ratio``, ``eccentricity``, ``fuel_model`` (0 non-burnable), with the
        coords and CRS of ``landcover``.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> lc = xr.DataArray(np.full((41, 41), 5), dims=("y", "x"),
    ...                   coords={"y": np.arange(40, -1, -1) * 30.0, "x": np.arange(41) * 30.0}
    ...                   ).rio.write_crs("EPSG:4548")
    >>> r = spread_rates(lc, wind_kmh=20.0, wind_from_deg=270.0)  # a west wind
    >>> int(r.fuel_model[0, 0]), round(float(r.ros_m_min[0, 0]), 1), round(float(r.direction_deg[0, 0]))
    (1, 31.1, 90)
    """
    grid = check_raster("landcover", landcover)
    dx, dy = grid.dx, grid.dy
    if not isinstance(shape, str) or shape not in _SHAPES:
        raise ConfigError(f"spread_rates: shape={shape!r}; use one of {list(_SHAPES)}.")
    wind_kmh = real_number("spread_rates: wind_kmh", wind_kmh, ge=0.0, le=400.0, unit="km/h")
    wind_from_deg = real_number("spread_rates: wind_from_deg", wind_from_deg, unit="degrees")
    wind_adjustment = real_number("spread_rates: wind_adjustment", wind_adjustment, gt=0.0,
                                  le=1.0)  # fmt: skip
    _check_moisture(moisture)
    _check_fuel_map(fuel_map)
    if dem is not None:
        check_aligned("landcover", landcover, "dem", dem)
    if firebreaks is not None:
        check_aligned("landcover", landcover, "firebreaks", firebreaks, metric=False)
    _guard_grid(grid, "spread_rates' working grids")
    fuel = _fuel_grid(landcover, fuel_map)
    if firebreaks is not None:
        fuel = np.where(np.asarray(firebreaks, dtype=bool), 0, fuel)
    if dem is not None:
        z = _dem_values(dem)
        no_z = ~np.isfinite(z) & (fuel > 0)
        if no_z.any():
            raise DataError(
                f"dem has nodata/NaN at {int(no_z.sum()):,} burnable cells; fill the DEM there "
                f"or mark those cells as nodata in landcover."
            )
        gx, gy = _gradient(z, dx, dy)
    else:
        gx = gy = np.zeros(fuel.shape)
    tan2 = gx * gx + gy * gy
    slope_norm = np.sqrt(tan2)
    with np.errstate(invalid="ignore", divide="ignore"):
        sx = np.where(slope_norm > 0, gx / slope_norm, 0.0)
        sy = np.where(slope_norm > 0, gy / slope_norm, 0.0)
    to = math.radians(wind_from_deg + 180.0)
    wx, wy = math.sin(to), math.cos(to)  # unit vector the wind blows towards (x east, y north)
    u_ft_min = wind_kmh * wind_adjustment * _KMH_TO_FT_MIN

    ros = np.zeros(fuel.shape)
    vx_all = np.zeros(fuel.shape)
    vy_all = np.zeros(fuel.shape)
    u_eff_all = np.zeros(fuel.shape)
    for code in np.unique(fuel[fuel > 0]).tolist():
        fc = _fuel_constants(FUEL_MODELS[code], moisture)
        mask = fuel == code
        phi_w = float(_phi_wind(fc, u_ft_min)) if u_ft_min > 0 else 0.0
        phi_s = 5.275 * fc.beta**-0.3 * tan2[mask]
        vx = phi_w * wx + phi_s * sx[mask]
        vy = phi_w * wy + phi_s * sy[mask]
        phi_e = np.hypot(vx, vy)
        u_eff = _effective_wind_ft_min(fc, phi_e)
        cap = 0.9 * fc.reaction_btu_ft2_min
        over = u_eff > cap
        if over.any():
            phi_cap = float(_phi_wind(fc, cap))
            scale = np.where(over, phi_cap / np.where(phi_e > 0, phi_e, 1.0), 1.0)
            vx, vy, phi_e = vx * scale, vy * scale, np.where(over, phi_cap, phi_e)
            u_eff = np.where(over, cap, u_eff)
        ros[mask] = fc.ros0_ft_min * (1.0 + phi_e) * _FT_M
        vx_all[mask] = vx
        vy_all[mask] = vy
        u_eff_all[mask] = u_eff / _KMH_TO_FT_MIN
    lw = np.where(fuel > 0, length_to_breadth(u_eff_all, shape=shape), 1.0)
    ecc = np.sqrt(np.maximum(lw * lw - 1.0, 0.0)) / lw
    direction = np.degrees(np.arctan2(vx_all, vy_all)) % 360.0

    def wrap(values: np.ndarray, units: str, long_name: str) -> xr.DataArray:
        return xr.DataArray(values, dims=landcover.dims, coords=landcover.coords,
                            attrs={"units": units, "long_name": long_name})  # fmt: skip

    ds = xr.Dataset(
        {
            "ros_m_min": wrap(ros, "m/min", "head-fire rate of spread"),
            "direction_deg": wrap(direction, "degree", "direction of maximum spread (from N)"),
            "lw_ratio": wrap(lw, "1", "fire ellipse length-to-breadth ratio"),
            "eccentricity": wrap(ecc, "1", "fire ellipse eccentricity"),
            "fuel_model": wrap(fuel, "1", "Anderson fuel model (0 non-burnable)"),
        }
    )
    if landcover.rio.crs is not None:
        ds = ds.rio.write_crs(landcover.rio.crs)
    ds.attrs.update(wind_kmh=wind_kmh, wind_from_deg=wind_from_deg, shape=shape,
                    wind_adjustment=wind_adjustment)  # fmt: skip
    return ds


def _dem_values(dem: xr.DataArray) -> np.ndarray:
    """Elevation as float64 with the raster's nodata value turned into NaN."""
    z = np.asarray(dem.values, dtype=np.float64).copy()
    nodata = dem.rio.nodata if hasattr(dem, "rio") else None
    if nodata is not None and np.isfinite(nodata):
        z[z == nodata] = np.nan
    return z


def _gradient(z: np.ndarray, dx: float, dy: float) -> tuple[np.ndarray, np.ndarray]:
    """dz/dX, dz/dY in map coordinates; 0 where a neighbour is nodata (treated as flat)."""
    gy, gx = np.gradient(z)
    gx = np.nan_to_num(gx / dx, nan=0.0)
    gy = np.nan_to_num(gy / dy, nan=0.0)
    return gx, gy


def _ignition_cells(
    ignitions: Any, landcover: xr.DataArray, dx: float, dy: float, ydim: str, xdim: str
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(row, col) of each ignition and labels for messages."""
    if hasattr(ignitions, "geometry"):
        from jnrisk._validate import same_crs, valid_geometry

        unique_index(ignitions, name="ignitions")
        finite_coordinates(ignitions, name="ignitions")
        valid_geometry(ignitions, name="ignitions", geom_types=["Point"])
        same_crs(landcover=landcover, ignitions=ignitions)
        xs = ignitions.geometry.x.to_numpy()
        ys = ignitions.geometry.y.to_numpy()
        labels = [str(i) for i in ignitions.index]
    else:
        pts = numeric_array("ignitions", ignitions, unit="map x, y (m)")
        if pts.size == 0:
            raise DataError("ignitions is empty; pass at least one point.")
        if pts.ndim > 2 or pts.shape[-1] != 2:
            raise ConfigError(
                f"ignitions must be a GeoDataFrame of points or an (n, 2) array of map x, y "
                f"(m), got shape {pts.shape}."
            )
        pts = pts.reshape(-1, 2)
        bad = np.flatnonzero(~np.isfinite(pts).all(axis=1))
        if bad.size:
            raise DataError(
                f"ignitions: non-finite (NaN or infinite) x, y at rows {bad[:5].tolist()}; "
                f"drop or fix them."
            )
        xs, ys = pts[:, 0], pts[:, 1]
        labels = [str(i) for i in range(len(pts))]
    if len(xs) == 0:
        raise DataError("ignitions is empty; pass at least one point.")
    x0 = float(landcover[xdim].values[0])
    y0 = float(landcover[ydim].values[0])
    cols = np.floor((xs - x0) / dx + 0.5).astype(np.int64)
    rows = np.floor((ys - y0) / dy + 0.5).astype(np.int64)
    return rows, cols, labels


def arrival_time(  # noqa: PLR0913  keyword-only weather, fuel and grid options
    landcover: xr.DataArray,
    ignitions: Any,
    *,
    dem: xr.DataArray | None = None,
    wind_kmh: float = 0.0,
    wind_from_deg: float = 0.0,
    moisture: FuelMoisture = DESIGN_MOISTURE,
    fuel_map: Mapping[int, int | None] = DEFAULT_FUEL_MAP,
    wind_adjustment: float = 0.4,
    shape: Literal["rothermel1991", "behave"] = "rothermel1991",
    firebreaks: xr.DataArray | None = None,
    neighbours: Literal[8, 16] = 16,
    max_time_min: float | None = None,
    ignition_time_min: Sequence[float] | None = None,
    rates: xr.Dataset | None = None,
) -> xr.DataArray:
    """Fire arrival time (minutes) from one or more ignitions: minimum travel time on the grid.

    Spread rates from :func:`spread_rates` (or ``rates=`` computed before), then Dijkstra over
    an 8- or 16-neighbour stencil with the elliptical rate ``R(phi)`` of each cell (Finney 2002
    minimum travel time; docs/references.md#huygens-spread). Non-burnable cells (water, built-up, firebreaks) are
    never entered; corner cutting through them is blocked.

    Parameters
    ----------
    landcover
        Land-cover codes (metric CRS, regular grid).
    ignitions
        GeoDataFrame of points in the landcover CRS, or an (n, 2) array of map x, y (m).
    dem, wind_kmh, wind_from_deg, moisture, fuel_map, wind_adjustment, shape, firebreaks
        As in :func:`spread_rates`.
    neighbours
        8 or 16 (16 is closer to the true ellipse; error of a few % vs ~8 % with 8).
    max_time_min
        Stop when the front passes this time; later cells are NaN.
    ignition_time_min
        Start time of each ignition (min), default all 0.
    rates
        Precomputed :func:`spread_rates` output (the wind/fuel arguments are then ignored).

    Returns
    -------
    xarray.DataArray
        ``arrival_min`` (float64, NaN = not burned / not reached), coords and CRS of
        ``landcover``.

    Raises
    ------
    DataError
        An ignition is outside the grid or on a non-burnable cell; unknown land-cover codes.
    ConfigError
        ``neighbours`` not 8 or 16; unknown ``shape`` or fuel model.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> lc = xr.DataArray(np.full((41, 41), 5), dims=("y", "x"),
    ...                   coords={"y": np.arange(40, -1, -1) * 30.0, "x": np.arange(41) * 30.0}
    ...                   ).rio.write_crs("EPSG:4548")
    >>> t = arrival_time(lc, [(600.0, 600.0)], wind_kmh=0.0)
    >>> float(t.sel(x=600.0, y=600.0)), bool(t.notnull().all())
    (0.0, True)
    """
    if isinstance(neighbours, bool) or neighbours not in (8, 16):
        raise ConfigError(f"arrival_time: neighbours={neighbours!r}; use 8 or 16.")
    grid = check_raster("landcover", landcover)
    dx, dy, ydim, xdim = grid.dx, grid.dy, grid.ydim, grid.xdim
    limit = (
        np.inf
        if max_time_min is None
        else real_number("arrival_time: max_time_min", max_time_min, ge=0.0, unit="min")
    )
    if rates is not None:
        if not isinstance(rates, xr.Dataset) or not {"ros_m_min", "direction_deg",
                                                     "eccentricity"} <= set(rates.data_vars):
            raise ConfigError(
                "arrival_time: rates must be the Dataset spread_rates() returns (ros_m_min, "
                "direction_deg, eccentricity); pass rates=spread_rates(landcover, ...)."
            )
        check_aligned("landcover", landcover, "rates", rates["ros_m_min"], metric=False)
    _guard_grid(grid, "arrival_time's working grids")
    if rates is None:
        rates = spread_rates(landcover, dem, wind_kmh=wind_kmh, wind_from_deg=wind_from_deg,
                             moisture=moisture, fuel_map=fuel_map,
                             wind_adjustment=wind_adjustment, shape=shape,
                             firebreaks=firebreaks)  # fmt: skip
    rows, cols, labels = _ignition_cells(ignitions, landcover, dx, dy, ydim, xdim)
    ny, nx = landcover.shape
    outside = (rows < 0) | (rows >= ny) | (cols < 0) | (cols >= nx)
    if outside.any():
        bad = [labels[i] for i in np.flatnonzero(outside)]
        x = landcover[xdim].values
        y = landcover[ydim].values
        raise DataError(
            f"ignitions {bad[:5]} lie outside the grid (x {x.min():.0f}..{x.max():.0f}, "
            f"y {y.min():.0f}..{y.max():.0f} m in the landcover CRS); check their CRS or clip "
            f"them to the area."
        )
    ros = np.ascontiguousarray(rates["ros_m_min"].values, dtype=np.float64)
    not_burn = ros[rows, cols] <= 0
    if not_burn.any():
        idx = np.flatnonzero(not_burn)
        codes = landcover.values[rows[idx], cols[idx]].tolist()
        raise DataError(
            f"ignitions {[labels[i] for i in idx[:5]]} fall on non-burnable cells (land-cover "
            f"codes {codes[:5]}: built-up, water or firebreak); move them onto fuel, e.g. to "
            f"the nearest forest or grass cell."
        )
    if ignition_time_min is None:
        t0 = np.zeros(len(rows))
    else:
        t0 = numeric_array("arrival_time: ignition_time_min", ignition_time_min, unit="min")
        if t0.shape != rows.shape or not np.all(np.isfinite(t0)) or np.any(t0 < 0):
            raise DataError(
                f"ignition_time_min must hold {len(rows)} finite times >= 0 min, got {t0!r}."
            )
    from jnrisk.fire import _spread_kernels as kern

    theta = np.radians(90.0 - rates["direction_deg"].values)  # math angle in map x/y
    arrival, status, which = kern.mtt_arrival(
        ros,
        np.ascontiguousarray(np.cos(theta)),
        np.ascontiguousarray(np.sin(theta)),
        np.ascontiguousarray(rates["eccentricity"].values, dtype=np.float64),
        dx, dy, rows, cols, t0, int(neighbours), limit,
    )  # fmt: skip
    if status != kern.STATUS_OK:
        from jnrisk._errors import SolverError

        raise SolverError(f"arrival_time: spread kernel status {status} at ignition {which}.")
    arrival[~np.isfinite(arrival)] = np.nan
    out = xr.DataArray(arrival, dims=landcover.dims, coords=landcover.coords, name="arrival_min",
                       attrs={"units": "min", "long_name": "fire arrival time",
                              "neighbours": int(neighbours)})  # fmt: skip
    if landcover.rio.crs is not None:
        out = out.rio.write_crs(landcover.rio.crs)
    return out


def perimeters(arrival: xr.DataArray, times_min: Sequence[float]) -> Any:
    """Fire perimeters at chosen times as polygons (``rasterio.features.shapes``).

    Parameters
    ----------
    arrival
        :func:`arrival_time` output (min, NaN = not reached), with a CRS.
    times_min
        Times (min) at which to draw the burned area ``arrival <= t``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per time: ``time_min``, ``area_m2``, ``cells``, MultiPolygon geometry in the
        arrival CRS (cell edges; holes where unburned islands remain).

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> lc = xr.DataArray(np.full((41, 41), 5), dims=("y", "x"),
    ...                   coords={"y": np.arange(40, -1, -1) * 30.0, "x": np.arange(41) * 30.0}
    ...                   ).rio.write_crs("EPSG:4548")
    >>> p = perimeters(arrival_time(lc, [(600.0, 600.0)]), [10.0, 20.0])
    >>> p["time_min"].tolist(), bool(p["area_m2"].is_monotonic_increasing)
    ([10.0, 20.0], True)
    """
    import geopandas as gpd
    import rasterio.features
    from shapely.geometry import MultiPolygon, shape

    grid = check_raster("arrival", arrival)
    transform = grid.transform
    values = numeric_array("arrival", arrival, unit="min")
    if isinstance(times_min, (str, bytes)) or not isinstance(times_min, Sequence | np.ndarray):
        raise ConfigError(f"perimeters: times_min must be a list of minutes, got {times_min!r}.")
    times = [real_number(f"perimeters: times_min[{i}]", t, ge=0.0, unit="min")
             for i, t in enumerate(times_min)]  # fmt: skip
    rows = []
    for t in times:
        mask = np.isfinite(values) & (values <= t)
        polys = [
            shape(geom)
            for geom, val in rasterio.features.shapes(
                mask.astype(np.uint8), mask=mask, transform=transform
            )  # fmt: skip
            if val == 1
        ]
        geom = MultiPolygon(polys) if polys else MultiPolygon()
        rows.append({"time_min": float(t), "area_m2": float(geom.area),
                     "cells": int(mask.sum()), "geometry": geom})  # fmt: skip
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=arrival.rio.crs)
