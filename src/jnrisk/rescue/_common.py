"""Shared helpers of :mod:`jnrisk.rescue`: option checks, snapping, drive-time matrices.

Direction convention used everywhere in ``jnrisk.rescue``: a drive time is measured **from the
rescue resource to the place in need** (station -> sub-district centre, team -> incident,
warehouse -> displaced block), along one-way streets. When there are fewer places than
resources, ``RoadNetwork.od_costs`` searches from the places on the reversed network.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, CRSError, DataError, SchemaError
from jnrisk._validate import describe_rows, same_crs
from jnrisk.units import CONGESTION_FACTOR_BY_PERIOD

__all__ = [
    "CONGESTION_FACTOR_BY_PERIOD",
    "SPECIALTIES",
    "congestion_factor",
]


#: Team specialties known to the bundled data (docs/references.md#jinan-rescue-stations).
SPECIALTIES = ("water_rescue", "mountain_forest", "collapse", "hazardous_chemicals", "general")


def congestion_factor(congestion: float | str) -> float:
    """Return the travel-time multiplier for a float factor (>= 1) or a period name.

    Examples
    --------
    >>> congestion_factor("evening_peak")
    1.6
    >>> congestion_factor(1.25)
    1.25
    """
    if isinstance(congestion, str):
        if congestion not in CONGESTION_FACTOR_BY_PERIOD:
            raise ConfigError(
                f"congestion={congestion!r} is not a known period; use one of "
                f"{list(CONGESTION_FACTOR_BY_PERIOD)} or a number >= 1 (time multiplier)."
            )
        return float(CONGESTION_FACTOR_BY_PERIOD[congestion])
    try:
        f = float(congestion)
    except (TypeError, ValueError):
        raise ConfigError(
            f"congestion={congestion!r}; give a number >= 1 or one of "
            f"{list(CONGESTION_FACTOR_BY_PERIOD)}."
        ) from None
    if not (np.isfinite(f) and f >= 1.0):
        raise ConfigError(
            f"congestion={congestion!r}; it multiplies free-flow travel times and must be a "
            f"finite number >= 1 (1 = free flow, 1.6 = evening peak)."
        )
    return f


def check_thresholds(thresholds_s: Any) -> np.ndarray:
    """Drive-time thresholds [s]: a non-empty, strictly increasing list of positive numbers."""
    t = np.atleast_1d(np.asarray(thresholds_s, dtype=np.float64)).ravel()
    if t.size == 0:
        raise ConfigError("thresholds_s is empty; give e.g. (300, 600, 900, 1800) seconds.")
    if not np.isfinite(t).all() or (t <= 0).any():
        raise ConfigError(
            f"thresholds_s={t.tolist()}; every threshold must be a finite number of seconds > 0."
        )
    falling = np.flatnonzero(np.diff(t) <= 0)
    if falling.size:
        i = int(falling[0])
        raise ConfigError(
            f"thresholds_s={t.tolist()} must be strictly increasing, but threshold {i + 1} "
            f"({t[i + 1]:g} s) is not larger than threshold {i} ({t[i]:g} s); sort them and "
            f"drop duplicates (e.g. sorted(set(thresholds_s)))."
        )
    return t


def check_time(value: Any, *, name: str, allow_inf: bool = False) -> float:
    """Check a time in seconds: finite (or inf when allowed) and > 0."""
    v = float(value)
    if np.isnan(v) or v <= 0 or (np.isinf(v) and not allow_inf):
        extra = " or np.inf" if allow_inf else ""
        raise ConfigError(f"{name}={value!r}; it must be a number of seconds > 0{extra}.")
    return v


def check_network(net: Any) -> None:
    """Check the network is routable by drive time and carries node coordinates with a CRS."""
    from jnrisk.network import require_network

    require_network(net, name="net")
    if net.time_s is None:
        raise ConfigError(
            "the network has no travel times (time_s); build it with "
            "network_from_roads(roads, 'drive') or RoadNetwork.from_csr(..., time_s=...)."
        )
    if net.x is None or net.crs is None:
        raise CRSError(
            "the network has no node coordinates or no CRS, so points cannot be snapped; "
            "rebuild it with x=, y= and crs= (RoadNetwork.from_csr) or from roads."
        )
    if net.mode == "walk":
        raise ConfigError(
            "the network was built with mode='walk'; rescue drive times need "
            "network_from_roads(roads, 'drive')."
        )


def check_points(gdf: Any, *, name: str) -> None:
    """Check for a GeoDataFrame of non-empty Points."""
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise SchemaError(
            f"{name} must be a geopandas.GeoDataFrame of Points, got {type(gdf).__name__}."
        )
    if len(gdf) == 0:
        return
    geoms = gdf.geometry
    missing = (geoms.isna() | geoms.is_empty).to_numpy()
    if missing.any():
        raise DataError(
            f"{name}: missing or empty geometry at {describe_rows(gdf.index[missing])}; "
            f"drop those rows."
        )
    wrong = (geoms.geom_type != "Point").to_numpy()
    if wrong.any():
        raise SchemaError(
            f"{name}: expected Point geometries but found "
            f"{sorted(set(geoms.geom_type[wrong]))} at {describe_rows(gdf.index[wrong])}; "
            f"use {name}.representative_point() for polygons."
        )


def snap(net: Any, points: Any, *, name: str, max_snap_m: float):
    """Snap points to nodes without warning; return (node, snap_distance_m, on_network)."""
    from jnrisk.network import snap_points

    if len(points) == 0:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool)
    same_crs(**{name: points, "network": net})
    s = snap_points(net, points, max_snap_m=max_snap_m, on_far="ignore")
    return s.node, s.snap_distance_m, ~s.too_far


def time_matrix(
    net: Any,
    from_nodes: np.ndarray,
    to_nodes: np.ndarray,
    *,
    cutoff_s: float,
    factor: float = 1.0,
    closed_edges: Any = None,
):
    """Drive times [s] from each ``from`` node to each ``to`` node, within ``cutoff_s``.

    Free-flow times (``RoadNetwork.od_costs`` with ``weight="time_s"``, searched from the side
    with fewer distinct nodes) x ``factor``.

    Returns
    -------
    (indptr, col, time_s)
        CSR by ``from`` position: ``col`` are positions in ``to_nodes``, pairs beyond the
        cutoff (or unreachable) are absent. Columns sorted within each row.

    Examples
    --------
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [100.0, 50.0], time_s=[10.0, 5.0])
    >>> ptr, col, t = time_matrix(net, [0, 1], [2], cutoff_s=30.0, factor=1.5)
    >>> ptr.tolist(), col.tolist(), t.tolist()
    ([0, 1, 2], [0, 0], [22.5, 7.5])
    """
    cost = net.od_costs(
        np.asarray(from_nodes, dtype=np.int64),
        np.asarray(to_nodes, dtype=np.int64),
        cutoff_s / factor,
        weight="time_s",
        closed_edges=closed_edges,
    )
    return (
        cost.indptr.astype(np.int64),
        cost.indices.astype(np.int64),
        (cost.data * factor).astype(np.float64),
    )


def check_options(value: Any, allowed: tuple[str, ...], *, name: str) -> str:
    """Unknown string option -> ConfigError listing the allowed ones."""
    if value not in allowed:
        raise ConfigError(f"{name}={value!r} is not allowed; use one of {list(allowed)}.")
    return value
