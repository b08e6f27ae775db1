"""Choosing a projected CRS that fits the data: the local UTM zone, and area-of-use checks.

Distances and areas need metres. A transverse Mercator zone (UTM, 6 degrees wide) keeps the
scale error below 0.1 % inside its zone, so a city analysed in the UTM zone of its own
centroid gets straight-line distances within 0.1 % of geodesic ones
(docs/references.md#utm-scale-error). Jinan keeps its national 3-degree Gauss-Kruger zone
(``jnrisk.ANALYSIS_CRS``, EPSG:4548), which is tighter.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from jnrisk._errors import CRSError, JnriskWarning

__all__ = [
    "local_utm_crs",
    "lonlat_bounds",
    "project_to_local",
    "suggest_crs",
    "warn_outside_area_of_use",
]

_WGS84 = "EPSG:4326"
#: Data may reach this far [degrees] past a CRS's area of use before a warning: a city that
#: straddles a UTM zone border by a few kilometres keeps a scale error below 0.15 %
#: (docs/references.md#area-of-use-tolerance).
AREA_OF_USE_TOLERANCE_DEG = 0.5


def _as_crs(crs: Any) -> Any:
    from pyproj import CRS

    return CRS.from_user_input(crs)


def lonlat_bounds(data: Any, crs: Any = None) -> tuple[float, float, float, float] | None:
    """Return ``(west, south, east, north)`` in degrees of geometries, a network or bounds.

    The input is a GeoDataFrame/GeoSeries, a network or a bounds tuple.

    A bounds tuple is read in ``crs`` (lon/lat when ``crs`` is None). Objects are read in
    their own ``.crs``; without one, coordinates that fit within +-180/+-90 are taken as
    lon/lat. Returns None when the location cannot be told (no CRS, metric-looking values,
    no finite coordinates).

    Examples
    --------
    >>> lonlat_bounds((24.8, 60.1, 25.0, 60.3))
    (24.8, 60.1, 25.0, 60.3)
    """
    if isinstance(data, tuple | list | np.ndarray) and np.asarray(data).shape == (4,):
        bounds = tuple(float(v) for v in data)
        src = crs
    elif hasattr(data, "total_bounds"):
        b = np.asarray(data.total_bounds, dtype=np.float64)
        bounds = tuple(float(v) for v in b)
        src = getattr(data, "crs", None) if crs is None else crs
    elif hasattr(data, "x") and hasattr(data, "y") and getattr(data, "x", None) is not None:
        x = np.asarray(data.x, dtype=np.float64)
        y = np.asarray(data.y, dtype=np.float64)
        ok = np.isfinite(x) & np.isfinite(y)
        if not ok.any():
            return None
        bounds = (float(x[ok].min()), float(y[ok].min()), float(x[ok].max()), float(y[ok].max()))
        src = getattr(data, "crs", None) if crs is None else crs
    else:
        return None
    if not np.isfinite(bounds).all():
        return None
    w, s, e, n = bounds
    if src is None:
        if -180 <= w <= e <= 180 and -90 <= s <= n <= 90:
            return bounds
        return None
    src = _as_crs(src)
    if src.is_geographic:
        ok = -180 <= w <= e <= 180 and -90 <= s <= n <= 90
        return bounds if ok else None
    from pyproj import Transformer

    tr = Transformer.from_crs(src, _WGS84, always_xy=True)
    out = tr.transform_bounds(w, s, e, n)
    return out if np.isfinite(out).all() else None


def local_utm_crs(geometries_or_bounds: Any, crs: Any = None) -> Any:
    """Return the UTM zone (WGS 84, north or south) of the data's centroid as a ``pyproj.CRS``.

    Parameters
    ----------
    geometries_or_bounds : GeoDataFrame, GeoSeries, RoadNetwork or (west, south, east, north)
        The data (in their own CRS) or their bounds (lon/lat unless ``crs`` is given).
    crs : optional
        CRS of a bounds tuple.

    Returns
    -------
    pyproj.CRS
        E.g. EPSG:32635 (UTM 35N) for Helsinki, EPSG:32650 (UTM 50N) for Jinan.

    Examples
    --------
    >>> local_utm_crs((24.8, 60.1, 25.0, 60.3)).to_string()
    'EPSG:32635'
    >>> local_utm_crs((-58.6, -34.7, -58.3, -34.5)).to_string()  # Buenos Aires
    'EPSG:32721'
    """
    from pyproj import CRS
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    bounds = lonlat_bounds(geometries_or_bounds, crs)
    if bounds is None:
        raise CRSError(
            "cannot tell where the data lie (no CRS, no finite coordinates, or values that "
            "are not longitude/latitude); set their CRS first, e.g. gdf.set_crs('EPSG:4326')."
        )
    w, s, e, n = bounds
    lon, lat = (w + e) / 2.0, (s + n) / 2.0
    infos = query_utm_crs_info(
        datum_name="WGS 84",
        area_of_interest=AreaOfInterest(lon, lat, lon, lat),
    )
    if not infos:  # pragma: no cover - every point on Earth has a UTM zone (poles aside)
        raise CRSError(f"no UTM zone covers lon {lon:.3f}, lat {lat:.3f}; pick a CRS yourself.")
    # a point on a zone border matches two zones: take the one whose centre is nearest
    best = min(infos, key=lambda i: abs((i.area_of_use.west + i.area_of_use.east) / 2 - lon))
    return CRS.from_authority(best.auth_name, best.code)


def suggest_crs(data: Any) -> str | None:
    """Return a projected CRS that fits ``data``, as ``"EPSG:nnnn"`` for error messages (or None).

    ``jnrisk.ANALYSIS_CRS`` (EPSG:4548) when the data lie inside its area of use (Jinan and
    its neighbours), else the local UTM zone of the data's centroid.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> suggest_crs(gpd.GeoDataFrame(geometry=[Point(24.94, 60.17)], crs="EPSG:4326"))
    'EPSG:32635'
    >>> suggest_crs(gpd.GeoDataFrame(geometry=[Point(117.0, 36.65)], crs="EPSG:4326"))
    'EPSG:4548'
    """
    from jnrisk.units import ANALYSIS_CRS

    try:
        bounds = lonlat_bounds(data)
        if bounds is None:
            return None
        if _outside(bounds, _as_crs(ANALYSIS_CRS)) == 0.0:
            return ANALYSIS_CRS
        return local_utm_crs(bounds).to_string()
    except Exception:  # odd data must not hide the error being reported
        return None


def _outside(bounds: tuple[float, float, float, float], crs: Any) -> float:
    """How far [degrees] the lon/lat ``bounds`` reach beyond ``crs``'s area of use."""
    area = crs.area_of_use
    if area is None:
        return 0.0
    w, s, e, n = bounds
    return max(0.0, area.west - w, e - area.east, area.south - s, n - area.north)


def warn_outside_area_of_use(data: Any, crs: Any, *, name: str) -> None:
    """Warn (:class:`~jnrisk.JnriskWarning`) when ``data`` lie outside ``crs``'s area of use.

    Projected coordinates outside a CRS's area of use are distorted (a Helsinki extract in
    Jinan's EPSG:4548 has 15 % longer straight lines). ``data`` are read in their own CRS.

    Examples
    --------
    >>> import warnings, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> helsinki = gpd.GeoDataFrame(geometry=[Point(24.94, 60.17)], crs="EPSG:4326")
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_outside_area_of_use(helsinki, "EPSG:4548", name="roads")
    >>> "EPSG:32635" in str(w[0].message)
    True
    """
    try:
        bounds = lonlat_bounds(data)
    except Exception:
        return
    if bounds is None:
        return
    crs_obj = _as_crs(crs)
    far = _outside(bounds, crs_obj)
    if far > AREA_OF_USE_TOLERANCE_DEG:
        area = crs_obj.area_of_use
        warnings.warn(
            f"{name}: the data reach {far:.2f} degrees outside the area of use of "
            f"{crs_obj.to_string()} (lon {area.west:g}..{area.east:g}, "
            f"lat {area.south:g}..{area.north:g}), so distances and areas are distorted. "
            f"Use a CRS that fits the data, e.g. {suggest_crs(bounds)} "
            f"(gdf.to_crs('{suggest_crs(bounds)}')).",
            JnriskWarning,
            stacklevel=3,
        )


def project_to_local(gdf: Any, crs: Any = None, *, name: str) -> Any:
    """Project a GeoDataFrame to ``crs``, or (``crs=None``) to a projected CRS that fits it.

    Without ``crs``: ``jnrisk.ANALYSIS_CRS`` (EPSG:4548) for data inside its area of use
    (Jinan and the rest of its 3-degree zone), else the UTM zone of the data's centroid
    (:func:`suggest_crs`). A given ``crs`` that does not cover the data draws a
    :class:`~jnrisk.JnriskWarning`. ``"utm"`` asks for the local UTM zone.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> helsinki = gpd.GeoDataFrame(geometry=[Point(24.94, 60.17)], crs="EPSG:4326")
    >>> project_to_local(helsinki, name="roads").crs.to_string()
    'EPSG:32635'
    """
    if gdf.crs is None:
        raise CRSError(
            f"{name} has no CRS, so its location is unknown; set it first, e.g. "
            f"{name}.set_crs('EPSG:4326') for longitude/latitude."
        )
    if crs is None:
        target = suggest_crs(gdf)
        if target is None:
            raise CRSError(
                f"{name}: cannot tell where the data lie (no finite coordinates); pass a "
                f"projected CRS explicitly."
            )
    elif isinstance(crs, str) and crs.lower() == "utm":
        target = local_utm_crs(gdf)
    else:
        target = _as_crs(crs)
        if not target.is_projected:
            raise CRSError(
                f"{name}: {target.to_string()} is not a projected CRS; distances need metres. "
                f"Use {suggest_crs(gdf) or 'a projected CRS'} (or leave the CRS unset to pick "
                f"one that fits the data)."
            )
        warn_outside_area_of_use(gdf, target, name=name)
    return gdf.to_crs(target)
