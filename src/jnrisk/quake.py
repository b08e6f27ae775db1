"""Earthquake scenarios: intensity field, building damage and people who need shelter.

Three steps, each a plain function on a GeoDataFrame of population blocks:

1. :func:`intensity_at_points` / :func:`scenario_intensity` -- the elliptical intensity
   attenuation relation for eastern China (汪素云 et al. 2000;
   docs/references.md#wang2000-attenuation), long axis along the fault strike, solved for
   each site by bisection on the intensity and clipped at the epicentral intensity I0.
   :func:`isoseismal_areas_km2` gives the areas inside each isoseismal (checked against eight
   CEA intensity maps, docs/references.md#quake-validation).
2. :func:`damage_state_probabilities` / :func:`block_damage` -- probabilities of the five
   Chinese damage states (基本完好 ... 毁坏) from a damage-probability matrix (DPM) per
   structure class of the intensity scale GB/T 17742-2020, mixed by the building-stock shares
   of each block's district (docs/references.md#quake-dpm-gbt17742).
3. :func:`displaced_persons` -- people whose homes are uninhabitable, from fractions per
   damage state (docs/references.md#quake-displacement), with a 10-90 % range from the
   parameter uncertainty (:class:`DisplacementRange`). Never more than the block's population.

Magnitudes and intensities are range-checked where they enter (:func:`check_magnitude`,
:func:`check_intensity`; limits :data:`MAGNITUDE_RANGE`, :data:`DEPTH_RANGE_KM`,
:data:`INTENSITY_RANGE`, which the scenario config imports). Every assumed coefficient is a
named, overridable parameter: the attenuation table (:data:`WANG_2000_EASTERN_CHINA`), the
damage-probability matrix (:data:`DEFAULT_DPM`), the building-stock shares
(:func:`building_stock_shares`, **synthetic**) and the displacement fractions
(:class:`DisplacementFractions`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError, SchemaError
from jnrisk.units import ANALYSIS_CRS

__all__ = [
    "AttenuationCoefficients",
    "WANG_2000_EASTERN_CHINA",
    "ATTENUATION_TABLES",
    "QuakeScenario",
    "epicentral_intensity",
    "axis_radius_km",
    "isoseismal_areas_km2",
    "check_magnitude",
    "check_intensity",
    "intensity_zone",
    "MAGNITUDE_RANGE",
    "DEPTH_RANGE_KM",
    "INTENSITY_RANGE",
    "DPM_SOURCE",
    "DisplacementRange",
    "DISPLACEMENT_FRACTIONS_LOW",
    "DISPLACEMENT_FRACTIONS_HIGH",
    "intensity_at_offsets",
    "intensity_at_points",
    "scenario_intensity",
    "DAMAGE_STATES",
    "VULNERABILITY_CLASSES",
    "DEFAULT_DPM",
    "damage_state_probabilities",
    "building_stock_shares",
    "BUILDING_STOCK_PROVENANCE",
    "DisplacementFractions",
    "block_damage",
    "displaced_persons",
    "SHELTER_MAX_INTENSITY",
    "shelter_usability",
    "default_scenario",
    "EMERGENCY_EVACUATION_INTENSITY",
    "emergency_evacuees",
]


# --------------------------------------------------------------------------------------------
# Attenuation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttenuationCoefficients:
    """Coefficients of an elliptical intensity attenuation relation.

    ``I_a = a_long + b_long*M - c_long*lg(R_a + r0_long_km)`` along the long axis (fault
    strike) and ``I_b = a_short + b_short*M - c_short*lg(R_b + r0_short_km)`` across it, with M
    the surface-wave magnitude Ms and R the epicentral distance in km.
    """

    name: str
    a_long: float
    b_long: float
    c_long: float
    r0_long_km: float
    a_short: float
    b_short: float
    c_short: float
    r0_short_km: float
    sigma: float
    source: str

    def __post_init__(self) -> None:
        bad = [
            f
            for f in ("c_long", "c_short", "r0_long_km", "r0_short_km")
            if not (math.isfinite(getattr(self, f)) and getattr(self, f) > 0)
        ]
        if bad:
            raise ConfigError(
                f"AttenuationCoefficients {self.name!r}: {bad} must be finite and > 0 "
                f"(got {[getattr(self, f) for f in bad]})."
            )


#: Eastern China relation of 汪素云, 俞言祥, 高阿甲, 阎秀杰 (2000), 中国分区地震动衰减关系的确定,
#: 中国地震 16(2). Coefficients: docs/references.md#wang2000-attenuation (from secondary sources, not
#: seen in the paper); they are self-consistent (I0(M6) = 7.99 on both axes, matching the
#: catalogue rule I0 = 0.24 + 1.29 M). Fitted on M5.0-7.9; M < 5 is an extrapolation.
WANG_2000_EASTERN_CHINA = AttenuationCoefficients(
    name="wang2000_east",
    a_long=5.019,
    b_long=1.446,
    c_long=4.136,
    r0_long_km=24.0,
    a_short=2.240,
    b_short=1.446,
    c_short=3.070,
    r0_short_km=9.0,
    sigma=0.5,
    source=(
        "汪素云, 俞言祥, 高阿甲, 阎秀杰 (2000) 中国分区地震动衰减关系的确定, 中国地震 16(2); "
        "eastern-China coefficients as quoted in docs/references.md#wang2000-attenuation "
        "[assumed: not verified in the paper]"
    ),
)

#: Named attenuation tables; add a Shandong-specific or the 2013 relation here (or pass an
#: :class:`AttenuationCoefficients` directly).
ATTENUATION_TABLES: Mapping[str, AttenuationCoefficients] = MappingProxyType(
    {WANG_2000_EASTERN_CHINA.name: WANG_2000_EASTERN_CHINA}
)

#: Accepted magnitude range (surface-wave magnitude Ms). The eastern-China relation is fitted on
#: Ms 5.0-7.9 (docs/references.md#wang2000-attenuation); 4.0-8.0 is accepted as a mild
#: extrapolation. Scenario configs import this so one constant decides.
MAGNITUDE_RANGE = (4.0, 8.0)
#: Accepted focal depth range [km] (docs/references.md#quake-depth-range).
DEPTH_RANGE_KM = (1.0, 70.0)
#: The same depth range in metres (what :class:`QuakeScenario` stores).
DEPTH_RANGE_M = (DEPTH_RANGE_KM[0] * 1000.0, DEPTH_RANGE_KM[1] * 1000.0)
#: The Chinese intensity scale runs from I to XII (GB/T 17742-2020); computed intensities are
#: clipped to it and intensities given as input must lie in it.
INTENSITY_RANGE = (1.0, 12.0)
#: Lowest intensity reported; sites further away get this value (intensity < I is "not felt").
MIN_INTENSITY = 1.0


def check_magnitude(magnitude: Any, *, name: str = "magnitude") -> np.ndarray:
    """Validate magnitudes: finite and within :data:`MAGNITUDE_RANGE`, else :class:`ConfigError`.

    Examples
    --------
    >>> check_magnitude(6.0).tolist()
    6.0
    >>> check_magnitude(10.0)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    jnrisk._errors.ConfigError: magnitude=10.0 is outside [4.0, 8.0] ...
    """
    if np.asarray(magnitude).dtype.kind not in "biuf":  # strings, objects, None
        raise ConfigError(
            f"{name}={magnitude!r} is not a number; give the surface-wave magnitude Ms, "
            f"e.g. {name}=6.0."
        )
    try:
        m = np.asarray(magnitude, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{name}={magnitude!r} is not a number; give the surface-wave magnitude Ms, "
            f"e.g. {name}=6.0."
        ) from None
    lo, hi = MAGNITUDE_RANGE
    bad = ~np.isfinite(m) | (m < lo) | (m > hi)
    if bad.any():
        shown = m[bad].ravel()[:3].tolist() if m.ndim else float(m)
        raise ConfigError(
            f"{name}={shown} is outside [{lo}, {hi}] (Ms) or not finite; the eastern-China "
            f"intensity relation is fitted on Ms 5.0-7.9: give a magnitude in [{lo}, {hi}]."
        )
    return m


def check_intensity(intensity: Any, *, name: str = "intensity") -> np.ndarray:
    """Validate intensities: finite and within :data:`INTENSITY_RANGE`, else :class:`DataError`.

    Examples
    --------
    >>> check_intensity([6.0, 7.5]).tolist()
    [6.0, 7.5]
    """
    i = np.atleast_1d(np.asarray(intensity, dtype=np.float64))
    lo, hi = INTENSITY_RANGE
    bad = ~np.isfinite(i) | (i < lo) | (i > hi)
    if bad.any():
        raise DataError(
            f"{name} has {int(bad.sum())} value(s) that are NaN, infinite or outside the "
            f"Chinese intensity scale [{lo:g}, {hi:g}] (e.g. {i[bad][:3].tolist()}); fill or "
            f"clip them (np.clip({name}, {lo:g}, {hi:g})) before the damage step."
        )
    return i


def _coefficients(coefficients: AttenuationCoefficients | str) -> AttenuationCoefficients:
    if isinstance(coefficients, AttenuationCoefficients):
        return coefficients
    if coefficients in ATTENUATION_TABLES:
        return ATTENUATION_TABLES[coefficients]
    raise ConfigError(
        f"unknown attenuation table {coefficients!r}; allowed: {sorted(ATTENUATION_TABLES)} "
        f"or an AttenuationCoefficients instance."
    )


@dataclass(frozen=True)
class QuakeScenario:
    """An earthquake scenario.

    Parameters
    ----------
    epicentre_x_m, epicentre_y_m
        Epicentre easting / northing in ``crs`` (metres).
    magnitude
        Surface-wave magnitude Ms, within :data:`MAGNITUDE_RANGE` (4.0-8.0).
    depth_m
        Focal depth in metres, within :data:`DEPTH_RANGE_M` (1-70 km). The 汪素云 (2000)
        relation uses epicentral distance, so depth is recorded and validated but does not
        change the intensity field.
    fault_azimuth_deg
        Strike of the causative fault, degrees clockwise from north in [0, 360). The long axis
        of the isoseismal ellipses lies along it.
    crs
        Metric CRS of the epicentre coordinates (default ``jnrisk.ANALYSIS_CRS``).
    name
        Label used in reports.

    Examples
    --------
    >>> s = QuakeScenario(500_000.0, 4_060_000.0, magnitude=6.0, depth_m=10_000.0,
    ...                   fault_azimuth_deg=45.0)
    >>> round(epicentral_intensity(s.magnitude), 2)
    7.99
    """

    epicentre_x_m: float
    epicentre_y_m: float
    magnitude: float
    depth_m: float = 10_000.0
    fault_azimuth_deg: float = 0.0
    crs: str = ANALYSIS_CRS
    name: str = "scenario"

    def __post_init__(self) -> None:
        problems = _validate.Problems(f"QuakeScenario {self.name!r}")
        for f in ("epicentre_x_m", "epicentre_y_m", "magnitude", "depth_m", "fault_azimuth_deg"):
            v = getattr(self, f)
            if not isinstance(v, int | float | np.integer | np.floating) or not math.isfinite(v):
                problems.add(f"{f} must be a finite number, got {v!r}")
        if not problems:
            lo, hi = MAGNITUDE_RANGE
            if not lo <= self.magnitude <= hi:
                problems.add(
                    f"magnitude={self.magnitude} is outside [{lo}, {hi}] (Ms); the eastern-China "
                    f"relation is fitted on M5.0-7.9"
                )
            lo, hi = DEPTH_RANGE_M
            if not lo <= self.depth_m <= hi:
                problems.add(
                    f"depth_m={self.depth_m:g} is outside [{lo:g}, {hi:g}] m; give the focal "
                    f"depth in metres (10 km = 10000.0)"
                )
            if not 0.0 <= self.fault_azimuth_deg < 360.0:
                problems.add(
                    f"fault_azimuth_deg={self.fault_azimuth_deg} must be in [0, 360) degrees "
                    f"clockwise from north; use fault_azimuth_deg % 360"
                )
        problems.raise_if_any(ConfigError)
        _validate.metric_crs(_HasCrs(self.crs), name=f"QuakeScenario {self.name!r} crs")


@dataclass(frozen=True)
class _HasCrs:
    crs: Any


def epicentral_intensity(
    magnitude: float | np.ndarray,
    *,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
) -> float | np.ndarray:
    """Epicentral intensity I0: the relation at R = 0, the smaller of the two axes.

    Examples
    --------
    >>> round(float(epicentral_intensity(6.0)), 2)  # catalogue rule 0.24 + 1.29*6 = 7.98
    7.99
    """
    c = _coefficients(coefficients)
    m = check_magnitude(magnitude)
    i_long = c.a_long + c.b_long * m - c.c_long * np.log10(c.r0_long_km)
    i_short = c.a_short + c.b_short * m - c.c_short * np.log10(c.r0_short_km)
    out = np.minimum(np.minimum(i_long, i_short), INTENSITY_RANGE[1])
    return float(out) if out.ndim == 0 else out


def axis_radius_km(
    intensity: float | np.ndarray,
    magnitude: float,
    *,
    axis: str = "long",
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
) -> float | np.ndarray:
    """Invert one axis: the distance (km) at which the relation gives ``intensity``.

    ``R = 10**((A + B*M - I) / C) - R0``, clipped at 0 (intensities above the axis's value at
    R = 0 occur nowhere).

    Examples
    --------
    >>> round(float(axis_radius_km(6.0, 6.0, axis="long")), 2)
    48.53
    """
    c = _coefficients(coefficients)
    if axis == "long":
        a, b, cc, r0 = c.a_long, c.b_long, c.c_long, c.r0_long_km
    elif axis == "short":
        a, b, cc, r0 = c.a_short, c.b_short, c.c_short, c.r0_short_km
    else:
        raise ConfigError(f"axis={axis!r}; allowed: ['long', 'short'].")
    magnitude = float(check_magnitude(magnitude))
    i = np.asarray(intensity, dtype=np.float64)
    if not np.isfinite(i).all():
        raise DataError(f"intensity={intensity!r} has NaN or infinite values; give numbers.")
    r = np.maximum(10.0 ** ((a + b * magnitude - i) / cc) - r0, 0.0)
    return float(r) if r.ndim == 0 else r


def intensity_at_offsets(
    along_km: np.ndarray,
    across_km: np.ndarray,
    magnitude: float,
    *,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
    min_intensity: float = MIN_INTENSITY,
    tol: float = 1e-9,
) -> np.ndarray:
    """Intensity at sites given by offsets along / across the fault strike (km).

    Solves ``(x/R_a(I))**2 + (y/R_b(I))**2 = 1`` for I by bisection (vectorised), where R_a and
    R_b invert each axis (:func:`axis_radius_km`). The result is clipped to
    ``[min_intensity, I0]``: I0 at the epicentre, ``min_intensity`` where the site lies outside
    the ``min_intensity`` isoseismal.

    Examples
    --------
    >>> import numpy as np
    >>> # on the long axis at R_a(6) = 48.53 km and on the short axis at R_b(6) = 30.93 km
    >>> i = intensity_at_offsets(np.array([0.0, 48.526, 0.0]), np.array([0.0, 0.0, 30.930]), 6.0)
    >>> np.round(i, 2).tolist()
    [7.99, 6.0, 6.0]
    """
    c = _coefficients(coefficients)
    magnitude = float(check_magnitude(magnitude))
    x = np.abs(np.asarray(along_km, dtype=np.float64))
    y = np.abs(np.asarray(across_km, dtype=np.float64))
    if x.shape != y.shape:
        raise DataError(f"along_km has shape {x.shape} but across_km has shape {y.shape}.")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise DataError(
            "along_km/across_km have NaN or infinite offsets; check the site coordinates."
        )
    i0 = float(epicentral_intensity(magnitude, coefficients=c))
    lo_i = min(float(min_intensity), i0)

    def g(i: np.ndarray) -> np.ndarray:
        ra = axis_radius_km(i, magnitude, axis="long", coefficients=c)
        rb = axis_radius_km(i, magnitude, axis="short", coefficients=c)
        with np.errstate(divide="ignore", invalid="ignore"):
            gx = np.where(x > 0, (x / ra) ** 2, 0.0)
            gy = np.where(y > 0, (y / rb) ** 2, 0.0)
        return gx + gy

    lo = np.full(x.shape, lo_i)
    hi = np.full(x.shape, i0)
    far = g(lo) >= 1.0  # outside the lowest isoseismal
    # g increases with I (radii shrink); find g(I) = 1 in [lo, hi].
    n_iter = int(math.ceil(math.log2(max(i0 - lo_i, 1e-12) / tol))) + 1
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        inside = g(mid) < 1.0  # site inside the mid isoseismal -> intensity >= mid
        lo = np.where(inside, mid, lo)
        hi = np.where(inside, hi, mid)
    out = 0.5 * (lo + hi)
    out = np.where(far, lo_i, out)
    out = np.where((x == 0) & (y == 0), i0, out)
    return np.clip(out, lo_i, i0)


def isoseismal_areas_km2(
    magnitude: float,
    intensities: Any = (6, 7, 8, 9, 10),
    *,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
) -> dict[int, float]:
    """Area [km²] inside each isoseismal: the ellipse ``pi * R_a(I) * R_b(I)`` for every ``I``.

    The value for ``I`` is the area of the zones of intensity ``I`` and above (the "VI and
    above" figure of a CEA intensity map for ``I = 6``); 0 when ``I`` exceeds the epicentral
    intensity.

    Examples
    --------
    >>> {k: round(v) for k, v in isoseismal_areas_km2(6.0, (6, 7, 8)).items()}
    {6: 4715, 7: 544, 8: 0}
    """
    m = float(check_magnitude(magnitude))
    out = {}
    for i in intensities:
        ra = axis_radius_km(float(i), m, axis="long", coefficients=coefficients)
        rb = axis_radius_km(float(i), m, axis="short", coefficients=coefficients)
        out[int(i)] = float(math.pi * ra * rb)
    return out


def _offsets_km(xy_m: np.ndarray, scenario: QuakeScenario) -> tuple[np.ndarray, np.ndarray]:
    dx = (xy_m[:, 0] - scenario.epicentre_x_m) / 1000.0
    dy = (xy_m[:, 1] - scenario.epicentre_y_m) / 1000.0
    az = math.radians(scenario.fault_azimuth_deg)
    along = dx * math.sin(az) + dy * math.cos(az)
    across = dx * math.cos(az) - dy * math.sin(az)
    return along, across


def intensity_at_points(
    xy_m: np.ndarray,
    scenario: QuakeScenario,
    *,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
    min_intensity: float = MIN_INTENSITY,
) -> np.ndarray:
    """Intensity at an ``(n, 2)`` array of easting/northing coordinates in the scenario CRS.

    Examples
    --------
    >>> import numpy as np
    >>> s = QuakeScenario(0.0, 0.0, magnitude=6.0, fault_azimuth_deg=90.0)
    >>> # 48.53 km east lies on the long axis (strike 90 deg) where I = 6.0
    >>> np.round(intensity_at_points(np.array([[48_526.0, 0.0]]), s), 2).tolist()
    [6.0]
    """
    xy = np.asarray(xy_m, dtype=np.float64).reshape(-1, 2)
    along, across = _offsets_km(xy, scenario)
    return intensity_at_offsets(
        along, across, scenario.magnitude, coefficients=coefficients, min_intensity=min_intensity
    )


def _points_xy(gdf: Any) -> np.ndarray:
    geoms = gdf.geometry
    if not (geoms.geom_type == "Point").all():
        geoms = geoms.representative_point()
    return np.column_stack([geoms.x.to_numpy(), geoms.y.to_numpy()])


def scenario_intensity(
    blocks: Any,
    scenario: QuakeScenario,
    *,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
    min_intensity: float = MIN_INTENSITY,
    intensity_col: str = "intensity",
) -> Any:
    """Return a copy of ``blocks`` with the scenario intensity in ``intensity_col``.

    Parameters
    ----------
    blocks
        GeoDataFrame of points or polygons (polygons use a representative point) in a metric
        CRS equal to ``scenario.crs``.
    scenario
        The :class:`QuakeScenario`.
    coefficients
        Attenuation table (name in :data:`ATTENUATION_TABLES` or an instance).
    min_intensity
        Floor of the reported intensity (default 1.0).
    intensity_col
        Name of the output column (Chinese intensity scale, GB/T 17742; no unit).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame(geometry=[Point(0, 0), Point(0, 30_000)], crs="EPSG:4548")
    >>> s = QuakeScenario(0.0, 0.0, magnitude=6.0)
    >>> scenario_intensity(b, s)["intensity"].round(2).tolist()
    [7.99, 6.53]
    """
    if not isinstance(scenario, QuakeScenario):
        raise ConfigError(
            f"scenario must be a QuakeScenario, got {type(scenario).__name__} {scenario!r}; "
            "build one with QuakeScenario(x_m, y_m, magnitude=6.0)."
        )
    _check_blocks_crs(blocks, scenario)
    _validate.valid_geometry(blocks, name="blocks")
    out = blocks.copy()
    out[intensity_col] = intensity_at_points(
        _points_xy(blocks), scenario, coefficients=coefficients, min_intensity=min_intensity
    )
    return out


def _check_blocks_crs(blocks: Any, scenario: QuakeScenario) -> None:
    _validate.same_crs(blocks=blocks, scenario=_HasCrs(scenario.crs))


# --------------------------------------------------------------------------------------------
# Damage
# --------------------------------------------------------------------------------------------

#: The five Chinese damage states (GB/T 18208 vocabulary): 基本完好, 轻微破坏, 中等破坏, 严重破坏, 毁坏.
DAMAGE_STATES: tuple[str, ...] = ("none", "slight", "moderate", "severe", "collapse")
#: Structure (vulnerability) classes, matched to the building classes of the Chinese intensity
#: scale GB/T 17742-2020: ``rc_frame`` (class D, reinforced-concrete frame), ``brick_concrete``
#: (class C, masonry with seismic design, 设防砖混), ``brick_wood`` (classes A2/B, brick-wood and
#: masonry without seismic design) and ``rural`` (class A1, earth/wood and simple rural houses).
VULNERABILITY_CLASSES: tuple[str, ...] = ("rc_frame", "brick_concrete", "brick_wood", "rural")

_DPM_INTENSITIES = (5, 6, 7, 8, 9, 10)


def _dpm(rows: dict[str, list[list[float]]]) -> pd.DataFrame:
    records = []
    for cls, table in rows.items():
        for inten, probs in zip(_DPM_INTENSITIES, table, strict=True):
            records.append((cls, inten, *(p / 100.0 for p in probs)))
    df = pd.DataFrame(records, columns=["vulnerability_class", "intensity", *DAMAGE_STATES])
    return df.set_index(["vulnerability_class", "intensity"])


#: Where :data:`DEFAULT_DPM` comes from (quoted in reports).
DPM_SOURCE = (
    "Damage-probability matrix written from the building-damage descriptions of the Chinese "
    "intensity scale GB/T 17742-2020 per building class (A1/A2-B/C/D), read with the scale's "
    "quantity words (个别 < 10 %, 少数 10-45 %, 多数 40-70 %, 大多数 60-90 %, 绝大多数 > 80 %) "
    "and checked against the CEA intensity-map descriptions of the 2023 Pingyuan, 2021 Yangbi "
    "and 2022 Xingwen earthquakes (docs/references.md#quake-dpm-gbt17742). Not a survey-fitted "
    "matrix: replace it with a regional matrix from 《中国大陆地震灾害损失评估汇编》 when one is "
    "at hand."
)

#: Damage-probability matrix P(state | intensity zone, class) in the order of
#: :data:`DAMAGE_STATES`, rows for intensity zones V-X (docs/references.md#quake-dpm-gbt17742).
#: Zone V is undamaged. Each row satisfies the GB/T 17742-2020 description of its zone, e.g.
#: zone VII, class A1 (``rural``): "少数严重破坏和/或毁坏, 多数中等和/或轻微破坏"; zone VI, class D
#: (``rc_frame``): "个别轻微破坏, 绝大多数基本完好". Between zones the rows are interpolated (see
#: :func:`damage_state_probabilities`).
DEFAULT_DPM: pd.DataFrame = _dpm(
    {
        "rc_frame": [
            [100, 0, 0, 0, 0],
            [92, 7, 1, 0, 0],
            [70, 20, 8, 2, 0],
            [45, 30, 17, 6, 2],
            [20, 30, 28, 15, 7],
            [5, 15, 30, 30, 20],
        ],
        "brick_concrete": [
            [100, 0, 0, 0, 0],
            [88, 10, 2, 0, 0],
            [60, 27, 10, 3, 0],
            [30, 33, 25, 10, 2],
            [10, 20, 32, 28, 10],
            [2, 8, 20, 40, 30],
        ],
        "brick_wood": [
            [100, 0, 0, 0, 0],
            [80, 15, 5, 0, 0],
            [45, 30, 18, 6, 1],
            [15, 30, 30, 18, 7],
            [4, 14, 30, 32, 20],
            [0, 5, 15, 35, 45],
        ],
        "rural": [
            [100, 0, 0, 0, 0],
            [70, 20, 9, 1, 0],
            [30, 30, 25, 11, 4],
            [8, 20, 32, 25, 15],
            [2, 8, 20, 35, 35],
            [0, 2, 8, 30, 60],
        ],
    }
)
DEFAULT_DPM.attrs["source"] = DPM_SOURCE


def intensity_zone(intensity: Any) -> np.ndarray:
    """Return the isoseismal zone (integer intensity) of continuous intensities: ``floor(I)``.

    The relation gives the *outer boundary* of each zone, so zone k spans [k, k + 1) on the
    continuous axis (docs/references.md#quake-zone-rows).

    Examples
    --------
    >>> intensity_zone([6.0, 6.99, 7.0]).tolist()
    [6, 6, 7]
    """
    return np.floor(check_intensity(intensity)).astype(np.int64)


def _check_dpm(dpm: pd.DataFrame) -> None:
    problems = _validate.Problems("damage-probability matrix")
    if not isinstance(dpm.index, pd.MultiIndex) or dpm.index.nlevels != 2:
        raise SchemaError(
            "damage-probability matrix: expected a (vulnerability_class, intensity) MultiIndex "
            "like jnrisk.quake.DEFAULT_DPM."
        )
    missing = [s for s in DAMAGE_STATES if s not in dpm.columns]
    if missing:
        raise SchemaError(f"damage-probability matrix: missing damage-state columns {missing}.")
    p = dpm[list(DAMAGE_STATES)].to_numpy(dtype=np.float64)
    if not np.isfinite(p).all() or (p < 0).any():
        problems.add("probabilities must be finite and >= 0")
    sums = p.sum(axis=1)
    bad = np.abs(sums - 1.0) > 1e-6
    if bad.any():
        problems.add(
            f"rows must sum to 1 but {_describe(dpm.index[bad])} sum to "
            f"{np.round(sums[bad][:3], 4).tolist()}"
        )
    problems.raise_if_any(DataError)


def _describe(labels: Any) -> str:
    return _validate.describe_rows(list(labels))


def damage_state_probabilities(
    intensity: np.ndarray | float,
    vulnerability_class: str,
    *,
    dpm: pd.DataFrame = DEFAULT_DPM,
) -> np.ndarray:
    """P(damage state | intensity) for one class; shape ``(n, 5)`` in :data:`DAMAGE_STATES` order.

    ``intensity`` is the continuous value of the attenuation relation. Each site takes the row
    of its isoseismal zone (:func:`intensity_zone`, zone k = [k, k + 1)), the way the matrix
    rows were observed: damage statistics per mapped zone. Zones below the lowest row are
    undamaged, zones above the highest take the top row. Intensities must lie in
    :data:`INTENSITY_RANGE` (DataError otherwise).

    Examples
    --------
    >>> damage_state_probabilities(7.99, "rc_frame").round(3).tolist()  # still zone VII
    [[0.7, 0.2, 0.08, 0.02, 0.0]]
    >>> damage_state_probabilities([5.9, 6.0], "brick_concrete").round(3).tolist()
    [[1.0, 0.0, 0.0, 0.0, 0.0], [0.88, 0.1, 0.02, 0.0, 0.0]]
    """
    intensity = check_intensity(intensity)
    _check_dpm(dpm)
    classes = list(dict.fromkeys(dpm.index.get_level_values(0)))
    if vulnerability_class not in classes:
        raise ConfigError(
            f"unknown vulnerability class {vulnerability_class!r}; allowed: {classes}."
        )
    table = dpm.loc[vulnerability_class].sort_index()
    levels = table.index.to_numpy(dtype=np.int64)
    probs = table[list(DAMAGE_STATES)].to_numpy(dtype=np.float64)
    # an undamaged row in front, for zones below the lowest row
    undamaged = np.zeros((1, len(DAMAGE_STATES)))
    undamaged[0, 0] = 1.0
    probs = np.vstack([undamaged, probs])
    row = np.searchsorted(levels, intensity_zone(intensity), side="right")
    return probs[row]


#: Where the building-stock shares come from (quoted in reports).
BUILDING_STOCK_PROVENANCE = (
    "SYNTHETIC building-stock shares per district (jnrisk.quake._BUILDING_STOCK): assumed values "
    "written for jnrisk, shaped by the urban/rural character of each district (central urban "
    "districts mostly RC frame and brick-concrete; outer counties more brick-wood and simple rural "
    "houses). Not from a survey or census; replace with 全国第一次自然灾害综合风险普查 house data "
    "before real use."
)

# (adcode, name_zh, name_en, rc_frame, brick_concrete, brick_wood, rural) -- SYNTHETIC, see above.
_BUILDING_STOCK = [
    (370102, "历下区", "Lixia", 0.62, 0.33, 0.04, 0.01),
    (370103, "市中区", "Shizhong", 0.55, 0.37, 0.06, 0.02),
    (370104, "槐荫区", "Huaiyin", 0.52, 0.38, 0.07, 0.03),
    (370105, "天桥区", "Tianqiao", 0.48, 0.40, 0.08, 0.04),
    (370112, "历城区", "Licheng", 0.42, 0.38, 0.12, 0.08),
    (370113, "长清区", "Changqing", 0.28, 0.40, 0.18, 0.14),
    (370114, "章丘区", "Zhangqiu", 0.27, 0.40, 0.19, 0.14),
    (370115, "济阳区", "Jiyang", 0.22, 0.38, 0.22, 0.18),
    (370116, "莱芜区", "Laiwu", 0.26, 0.40, 0.19, 0.15),
    (370117, "钢城区", "Gangcheng", 0.30, 0.42, 0.16, 0.12),
    (370124, "平阴县", "Pingyin", 0.18, 0.37, 0.25, 0.20),
    (370126, "商河县", "Shanghe", 0.15, 0.35, 0.27, 0.23),
]


def building_stock_shares() -> pd.DataFrame:
    """Synthetic building-stock shares by vulnerability class for Jinan's 12 districts.

    Indexed by district name in Chinese (``name_zh``) with ``adcode`` and ``name_en`` columns and
    one share column per :data:`VULNERABILITY_CLASSES`; each row sums to 1. **Synthetic**: see
    :data:`BUILDING_STOCK_PROVENANCE`.

    Examples
    --------
    >>> s = building_stock_shares()
    >>> len(s), float(s.loc["历下区", "rc_frame"])
    (12, 0.62)
    """
    df = pd.DataFrame(
        _BUILDING_STOCK, columns=["adcode", "name_zh", "name_en", *VULNERABILITY_CLASSES]
    ).set_index("name_zh")
    df.attrs["provenance"] = BUILDING_STOCK_PROVENANCE
    return df


def _shares_for(districts: pd.Series, shares: pd.DataFrame, classes: list[str]) -> np.ndarray:
    """Match each block's district against the index, ``name_en`` or ``adcode`` of ``shares``."""
    lookup: dict[Any, np.ndarray] = {}
    vals = shares[classes].to_numpy(dtype=np.float64)
    for k, key in enumerate(shares.index):
        lookup[key] = vals[k]
        lookup[str(key)] = vals[k]
    for col in ("name_en", "adcode"):
        if col in shares.columns:
            for k, key in enumerate(shares[col]):
                lookup.setdefault(key, vals[k])
                lookup.setdefault(str(key), vals[k])
    out = np.empty((len(districts), len(classes)))
    unknown = []
    for r, d in enumerate(districts.to_numpy()):
        v = lookup.get(d, lookup.get(str(d)))
        if v is None:
            unknown.append(r)
        else:
            out[r] = v
    if unknown:
        names = sorted({str(districts.iloc[r]) for r in unknown})[:5]
        raise DataError(
            f"blocks: district values {names} at {_describe(districts.index[unknown])} are not "
            f"in the building-stock table (it has {list(shares.index)[:12]}); pass "
            f"stock_shares= with a row for each district."
        )
    return out


@dataclass(frozen=True)
class DisplacementFractions:
    """Share of residents displaced (home uninhabitable) per damage state.

    Central defaults, **assumed** with a stated range (docs/references.md#quake-displacement):
    none 0 and slight 0 (habitable); moderate 0.05 (range 0-0.2: 中等破坏 is repairable and most
    households stay or return within days); severe 0.7 (range 0.5-1.0: 严重破坏 usually needs
    major repair or demolition); collapse 1.0. All must be in [0, 1].

    Examples
    --------
    >>> DisplacementFractions().as_array().tolist()
    [0.0, 0.0, 0.05, 0.7, 1.0]
    """

    none: float = 0.0
    slight: float = 0.0
    moderate: float = 0.05
    severe: float = 0.7
    collapse: float = 1.0
    source: str = field(default="docs/references.md#quake-displacement (assumed, central)")

    def __post_init__(self) -> None:
        bad = {
            s: getattr(self, s)
            for s in DAMAGE_STATES
            if not (
                isinstance(getattr(self, s), int | float)
                and 0.0 <= getattr(self, s) <= 1.0
            )
        }
        if bad:
            raise ConfigError(
                f"DisplacementFractions: fractions must be numbers in [0, 1]; got {bad}."
            )

    def as_array(self) -> np.ndarray:
        """Return the fractions in ``DAMAGE_STATES`` order as a float64 array."""
        return np.array([getattr(self, s) for s in DAMAGE_STATES], dtype=np.float64)


#: Low / high ends of the assumed displacement fractions (docs/references.md#quake-displacement).
DISPLACEMENT_FRACTIONS_LOW = DisplacementFractions(
    moderate=0.0, severe=0.5, source="docs/references.md#quake-displacement (assumed, low)"
)
DISPLACEMENT_FRACTIONS_HIGH = DisplacementFractions(
    moderate=0.2, severe=1.0, source="docs/references.md#quake-displacement (assumed, high)"
)


@dataclass(frozen=True)
class DisplacementRange:
    """Parameter uncertainty of the displaced count, sampled to give a 10-90 % range.

    Each of ``n_samples`` draws shifts every site's intensity by one event-level offset
    ``N(0, intensity_sigma)`` (``intensity_sigma`` = 0.5, the standard deviation of the
    attenuation relation, docs/references.md#wang2000-attenuation) and takes the moderate and
    severe displacement fractions uniformly between :data:`DISPLACEMENT_FRACTIONS_LOW` and
    :data:`DISPLACEMENT_FRACTIONS_HIGH` (docs/references.md#quake-displacement). The draws whose
    city totals sit at the ``quantiles`` give the low / high columns; ``seed`` makes it
    repeatable.

    Examples
    --------
    >>> DisplacementRange().quantiles
    (0.1, 0.9)
    """

    intensity_sigma: float = 0.5
    fractions_low: DisplacementFractions = DISPLACEMENT_FRACTIONS_LOW
    fractions_high: DisplacementFractions = DISPLACEMENT_FRACTIONS_HIGH
    n_samples: int = 200
    quantiles: tuple[float, float] = (0.1, 0.9)
    seed: int = 0

    def __post_init__(self) -> None:
        problems = _validate.Problems("DisplacementRange")
        v = self.intensity_sigma
        if not (isinstance(v, int | float) and math.isfinite(v) and 0.0 <= v <= 2.0):
            problems.add(
                f"intensity_sigma={v!r} must be a number in [0, 2] intensity units "
                f"(0.5 = the standard deviation of the relation)"
            )
        if not (isinstance(self.n_samples, int) and 10 <= self.n_samples <= 10_000):
            problems.add(f"n_samples={self.n_samples!r} must be a whole number in [10, 10000]")
        q = self.quantiles
        if not (len(q) == 2 and 0.0 <= q[0] < 0.5 < q[1] <= 1.0):
            problems.add(f"quantiles={q!r} must be (low, high) with 0 <= low < 0.5 < high <= 1")
        lo, hi = self.fractions_low.as_array(), self.fractions_high.as_array()
        if (lo > hi).any():
            problems.add("fractions_low must not exceed fractions_high in any damage state")
        problems.raise_if_any(ConfigError)


def _shifted(intensity: np.ndarray, shift: float) -> np.ndarray:
    return np.clip(intensity + shift, *INTENSITY_RANGE)


def block_damage(
    blocks: Any,
    scenario: QuakeScenario,
    *,
    district_col: str = "district",
    stock_shares: pd.DataFrame | None = None,
    dpm: pd.DataFrame = DEFAULT_DPM,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
    intensity_shift: float = 0.0,
) -> Any:
    """Intensity and damage-state probabilities per block (mixed over the district's stock).

    Returns a copy of ``blocks`` with ``intensity`` and ``p_<state>`` columns (one per
    :data:`DAMAGE_STATES`; they sum to 1 per row). ``intensity_shift`` (intensity units) is
    added to every site's intensity before the damage step (used for the low/high bounds).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"district": ["历下区"]}, geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> d = block_damage(b, QuakeScenario(0.0, 0.0, magnitude=6.0))
    >>> round(float(d[[f"p_{s}" for s in DAMAGE_STATES]].sum(axis=1).iloc[0]), 6)
    1.0
    """
    damage, out = _damage_model(
        blocks, scenario, district_col=district_col, stock_shares=stock_shares, dpm=dpm,
        coefficients=coefficients,
    )
    p = damage(float(intensity_shift))
    for k, s in enumerate(DAMAGE_STATES):
        out[f"p_{s}"] = p[:, k]
    return out


def _damage_model(
    blocks: Any,
    scenario: QuakeScenario,
    *,
    district_col: str,
    stock_shares: pd.DataFrame | None,
    dpm: pd.DataFrame,
    coefficients: AttenuationCoefficients | str,
) -> tuple[Any, Any]:
    """Validate once; return ``damage(shift) -> (n, 5) probabilities`` and the intensity copy."""
    _validate.require_columns(blocks, [district_col], name="blocks")
    shares = building_stock_shares() if stock_shares is None else stock_shares
    classes = [c for c in VULNERABILITY_CLASSES if c in shares.columns] or list(
        dict.fromkeys(dpm.index.get_level_values(0))
    )
    missing = [c for c in classes if c not in shares.columns]
    if missing:
        raise SchemaError(f"stock_shares: missing class columns {missing}.")
    out = scenario_intensity(blocks, scenario, coefficients=coefficients)
    mix = _shares_for(blocks[district_col], shares, classes)
    row_sum = mix.sum(axis=1)
    if (np.abs(row_sum - 1.0) > 1e-6).any():
        raise DataError(
            f"stock_shares: class shares must sum to 1 per district; got "
            f"{np.round(np.unique(row_sum), 4)[:5].tolist()}."
        )
    inten = out["intensity"].to_numpy()

    def damage(shift: float) -> np.ndarray:
        i = _shifted(inten, shift)
        p = np.zeros((len(out), len(DAMAGE_STATES)))
        for k, cls in enumerate(classes):
            p += mix[:, [k]] * damage_state_probabilities(i, cls, dpm=dpm)
        return p

    return damage, out


def displaced_persons(  # noqa: PLR0913  keyword-only model tables and column names
    blocks: Any,
    scenario: QuakeScenario,
    *,
    persons_col: str = "persons",
    district_col: str = "district",
    fractions: DisplacementFractions | None = None,
    uncertainty: DisplacementRange | None = None,
    stock_shares: pd.DataFrame | None = None,
    dpm: pd.DataFrame = DEFAULT_DPM,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
) -> Any:
    """Displaced persons per block for a scenario (fixed-shelter demand, days to weeks).

    ``displaced_persons = persons * sum_s P(s) * fraction(s)`` where P(s) is the block's
    damage-state mix (:func:`block_damage`). Since the probabilities sum to 1 and each fraction
    is at most 1, a block never displaces more people than live there. The range
    (``displaced_persons_low`` / ``_high``) samples the parameter uncertainty described by
    ``uncertainty`` (:class:`DisplacementRange`: intensity offset and displacement fractions)
    and keeps the draws at its 10 % and 90 % city totals.

    Returns a copy of ``blocks`` with ``intensity``, ``p_<state>`` (central parameters),
    ``displaced_persons``, ``displaced_persons_low`` and ``displaced_persons_high``; the totals
    are in ``attrs["displaced_persons_range"]`` as ``{"low", "central", "high"}``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"district": ["历下区", "历下区"], "persons": [1000, 1000]},
    ...                      geometry=[Point(0, 0), Point(0, 80_000)], crs="EPSG:4548")
    >>> d = displaced_persons(b, QuakeScenario(0.0, 0.0, magnitude=6.0))
    >>> d["displaced_persons"].round(1).tolist()  # zone VII at the epicentre, V at 80 km
    [23.5, 0.0]
    >>> r = d.attrs["displaced_persons_range"]
    >>> r["low"] < r["central"] < r["high"]
    True
    """
    _validate.unique_index(blocks, name="blocks")
    persons = _validate.non_negative_values(blocks, persons_col, name="blocks")
    central = DisplacementFractions() if fractions is None else fractions
    unc = DisplacementRange() if uncertainty is None else uncertainty
    if not isinstance(central, DisplacementFractions) or not isinstance(unc, DisplacementRange):
        raise ConfigError(
            "fractions must be a DisplacementFractions and uncertainty a DisplacementRange "
            f"(got {type(central).__name__}, {type(unc).__name__})."
        )
    damage, out = _damage_model(
        blocks, scenario, district_col=district_col, stock_shares=stock_shares, dpm=dpm,
        coefficients=coefficients,
    )
    p0 = damage(0.0)
    for k, s in enumerate(DAMAGE_STATES):
        out[f"p_{s}"] = p0[:, k]

    def per_block(p: np.ndarray, frac: np.ndarray) -> np.ndarray:
        return np.minimum(persons * np.clip(p @ frac, 0.0, 1.0), persons)

    out["displaced_persons"] = per_block(p0, central.as_array())
    rng = np.random.default_rng(unc.seed)
    shifts = rng.normal(0.0, unc.intensity_sigma, unc.n_samples)
    lo_f, hi_f = unc.fractions_low.as_array(), unc.fractions_high.as_array()
    fracs = lo_f + rng.uniform(0.0, 1.0, (unc.n_samples, lo_f.size)) * (hi_f - lo_f)
    totals = np.array(
        [per_block(damage(sh), fr).sum() for sh, fr in zip(shifts, fracs, strict=True)]
    )
    picks = {}
    for name, q in zip(("low", "high"), unc.quantiles, strict=True):
        target = np.quantile(totals, q)
        k = int(np.argmin(np.abs(totals - target)))
        out[f"displaced_persons_{name}"] = per_block(damage(shifts[k]), fracs[k])
        picks[name] = float(out[f"displaced_persons_{name}"].sum())
    out.attrs["displaced_persons_range"] = {
        "low": picks["low"],
        "central": float(out["displaced_persons"].sum()),
        "high": picks["high"],
    }
    return out


#: Highest intensity a shelter is assumed to stay usable at. GB 51143-2015 3.2.2 [V] sets the
#: seismic design level of shelters at no less than the "rare earthquake" of the local
#: fortification intensity and no less than VII; with Jinan's basic intensity VII [M] the rare
#: earthquake is about VIII, so 8.0 is the default (an assumption: override per scenario).
SHELTER_MAX_INTENSITY = 8.0


def shelter_usability(
    shelters: Any,
    scenario: QuakeScenario,
    *,
    max_intensity: float = SHELTER_MAX_INTENSITY,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
    usable_col: str = "usable",
) -> Any:
    """Intensity at each shelter and whether it stays usable (``intensity <= max_intensity``).

    Returns a copy of ``shelters`` with ``intensity`` and ``usable_col``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame(geometry=[Point(0, 0), Point(0, 20_000)], crs="EPSG:4548")
    >>> shelter_usability(s, QuakeScenario(0.0, 0.0, magnitude=6.0), max_intensity=7.5)[
    ...     "usable"].tolist()
    [False, True]
    """
    if not (isinstance(max_intensity, int | float) and math.isfinite(max_intensity)):
        raise ConfigError(f"max_intensity must be a finite number, got {max_intensity!r}.")
    lo, hi = INTENSITY_RANGE
    if not lo <= max_intensity <= hi:
        raise ConfigError(
            f"max_intensity={max_intensity:g} is outside the Chinese intensity scale "
            f"[{lo:g}, {hi:g}]; give the intensity a shelter is designed for (e.g. 8.0)."
        )
    out = scenario_intensity(shelters, scenario, coefficients=coefficients)
    out[usable_col] = out["intensity"].to_numpy() <= max_intensity
    return out


def default_scenario() -> QuakeScenario:
    """Return the illustrative M6.0 near Jinan that ``jnrisk run`` and notebook 01 use.

    Epicentre 12 km south of the Lixia district centroid (EPSG:4548: 508,164 E,
    4,046,206 N), focal depth 10 km, fault strike 60° (NE). Illustrative, not a hazard
    assessment: pick scenarios from GB 18306-2015 and the local fault inventory for real use.

    Examples
    --------
    >>> s = default_scenario()
    >>> s.magnitude, s.depth_m, s.fault_azimuth_deg
    (6.0, 10000.0, 60.0)
    """
    return QuakeScenario(
        508_164.0,
        4_046_206.0,
        magnitude=6.0,
        depth_m=10_000.0,
        fault_azimuth_deg=60.0,
        name="M6.0 12 km south of Lixia (illustrative)",
    )


#: Intensity from which residents are assumed to leave buildings for open space in the first
#: hours and days (fear of aftershocks), docs/references.md#quake-emergency-evacuees (assumed).
EMERGENCY_EVACUATION_INTENSITY = 7.0


def emergency_evacuees(
    blocks: Any,
    scenario: QuakeScenario,
    *,
    persons_col: str = "persons",
    min_intensity: float = EMERGENCY_EVACUATION_INTENSITY,
    presence_factor: float = 1.0,
    coefficients: AttenuationCoefficients | str = WANG_2000_EASTERN_CHINA,
) -> Any:
    """Emergency-stage (0-3 days) open-space demand: residents of blocks at >= ``min_intensity``.

    ``evacuees_persons = persons * presence_factor`` where ``intensity >= min_intensity``, else
    0 (docs/references.md#quake-emergency-evacuees). ``presence_factor`` in [0, 1] is the day/night share of residents
    at home that GB 50413 §8.1 asks planners to estimate [V: the clause; the value is yours].
    Check it against shelters at 0.5-1 m² per person within about 500 m.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"persons": [1000, 1000]},
    ...                      geometry=[Point(0, 0), Point(0, 60_000)], crs="EPSG:4548")
    >>> emergency_evacuees(b, QuakeScenario(0.0, 0.0, magnitude=6.0),
    ...                    presence_factor=0.8)["evacuees_persons"].tolist()
    [800.0, 0.0]
    """
    if not (isinstance(presence_factor, int | float) and 0.0 <= presence_factor <= 1.0):
        raise ConfigError(
            f"presence_factor={presence_factor!r} must be a share in [0, 1] of residents at home."
        )
    lo, hi = INTENSITY_RANGE
    if not (isinstance(min_intensity, int | float) and lo <= min_intensity <= hi):
        raise ConfigError(
            f"min_intensity={min_intensity!r} must be an intensity in [{lo:g}, {hi:g}] "
            f"(default {EMERGENCY_EVACUATION_INTENSITY:g}, zone VII)."
        )
    persons = _validate.non_negative_values(blocks, persons_col, name="blocks")
    out = scenario_intensity(blocks, scenario, coefficients=coefficients)
    hit = out["intensity"].to_numpy() >= min_intensity
    out["evacuees_persons"] = np.where(hit, persons * presence_factor, 0.0)
    return out
