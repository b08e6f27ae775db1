"""Snap points (shelters, population blocks, incidents) to the nearest network node."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, CRSError, DataError, JnriskWarning, SchemaError
from jnrisk._validate import describe_rows, same_crs
from jnrisk.network._snapresult import SnapResult

__all__ = ["SnapResult", "snap_points"]

_ON_FAR = ("warn", "raise", "ignore")


def snap_points(
    net: Any,
    points: Any,
    *,
    max_snap_m: float = 500.0,
    on_far: str = "warn",
) -> SnapResult:
    """Snap each point to its nearest network node (straight-line metres).

    Parameters
    ----------
    net : RoadNetwork
        A network with node coordinates and a metric CRS.
    points : geopandas.GeoDataFrame
        Point geometries in the network's CRS. Not modified.
    max_snap_m : float
        Points farther than this [m] from every node are flagged ``too_far`` (their nearest
        node is still returned).
    on_far : {"warn", "raise", "ignore"}
        What to do about flagged points: a :class:`JnriskWarning` naming them, a
        :class:`DataError`, or nothing.

    Returns
    -------
    SnapResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2], [1, 0], [100.0, 100.0],
    ...                            x=[0.0, 100.0], y=[0.0, 0.0], crs="EPSG:4548")
    >>> pts = gpd.GeoDataFrame(geometry=[Point(90, 5)], crs="EPSG:4548")
    >>> snap = snap_points(net, pts)
    >>> int(snap.node[0]), round(float(snap.snap_distance_m[0]), 2)
    (1, 11.18)
    """
    import geopandas as gpd
    import shapely

    from jnrisk._validate import real_number
    from jnrisk.network.graph import require_network

    require_network(net, name="net")
    if on_far not in _ON_FAR:
        raise ConfigError(f"on_far={on_far!r} is not allowed; use one of {list(_ON_FAR)}.")
    real_number("max_snap_m", max_snap_m, ge=0.0, unit="m", allow_inf=True)
    if not isinstance(points, gpd.GeoDataFrame | gpd.GeoSeries):
        raise SchemaError(
            f"points must be a geopandas.GeoDataFrame of Points, got {type(points).__name__}."
        )
    if getattr(net, "x", None) is None or net.crs is None:
        raise CRSError(
            "the network has no node coordinates or no CRS (built with RoadNetwork.from_csr "
            "without x/y/crs); rebuild it with x=, y= and crs= to snap points."
        )
    same_crs(points=points, network=net)
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    missing = (geoms.isna() | geoms.is_empty).to_numpy()
    if not missing.any():
        from jnrisk._validate import finite_coordinates

        finite_coordinates(gpd.GeoDataFrame(geometry=geoms), name="points")
    if missing.any():
        raise DataError(
            f"points: missing or empty geometry at {describe_rows(points.index[missing])}; "
            f"drop those rows."
        )
    gtype = geoms.geom_type.to_numpy()
    wrong = gtype != "Point"
    if wrong.any():
        raise SchemaError(
            f"points: expected Point geometries but found {sorted(set(gtype[wrong]))} at "
            f"{describe_rows(points.index[wrong])}; use points.representative_point() for "
            f"polygons."
        )
    if net.n_nodes == 0:
        raise DataError("the network has no nodes to snap to.")
    xy = shapely.get_coordinates(geoms.to_numpy())
    if xy.shape[0] == 0:
        empty = np.zeros(0)
        return SnapResult(empty.astype(np.int64), empty, empty.astype(bool), points.index)
    node, dist = nearest_nodes(net.x, net.y, xy)
    too_far = dist > max_snap_m
    if too_far.any() and on_far != "ignore":
        msg = (
            f"points: {int(too_far.sum()):,} of {len(dist):,} points lie more than "
            f"{max_snap_m:g} m from the network (up to {dist[too_far].max():,.0f} m) at "
            f"{describe_rows(points.index[too_far])}; they are outside the network's extent "
            f"or on a missing road. Check their CRS/location, extend the roads, or raise "
            f"max_snap_m."
        )
        if on_far == "raise":
            raise DataError(msg)
        warnings.warn(msg, JnriskWarning, stacklevel=2)
    return SnapResult(node=node, snap_distance_m=dist, too_far=too_far, index=points.index)


def nearest_nodes(node_x: Any, node_y: Any, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest node and straight-line distance [m] of each point; no validation.

    The same answer as ``scipy.spatial.cKDTree(nodes).query(xy, k=1)`` (distances computed
    the same way, bit for bit), found on a bucket grid; the points the grid leaves open
    (an exact tie, whose winner depends on the tree's layout, or nothing within reach of
    the grid search, or a non-finite coordinate) are asked of a KD-tree.

    Parameters
    ----------
    node_x, node_y : float arrays
        Node coordinates [m] (at least one node).
    xy : float64 array (m, 2)
        Point coordinates [m] in the same CRS.

    Returns
    -------
    node : int64[m]
    dist : float64[m]

    Examples
    --------
    >>> node, dist = nearest_nodes([0.0, 100.0], [0.0, 0.0], np.array([[90.0, 5.0]]))
    >>> int(node[0]), round(float(dist[0]), 2)
    (1, 11.18)
    """
    from jnrisk.network import _snap_kernels

    nx = np.ascontiguousarray(node_x, dtype=np.float64)
    ny = np.ascontiguousarray(node_y, dtype=np.float64)
    qx = np.ascontiguousarray(xy[:, 0], dtype=np.float64)
    qy = np.ascontiguousarray(xy[:, 1], dtype=np.float64)
    node, dist, open_ = _snap_kernels.nearest_node_grid(nx, ny, qx, qy)
    open_ |= ~(np.isfinite(qx) & np.isfinite(qy))
    if open_.any():
        from scipy.spatial import cKDTree

        d, i = cKDTree(np.column_stack([nx, ny])).query(xy[open_], k=1)
        node[open_] = i
        dist[open_] = d
    return node.astype(np.int64, copy=False), dist.astype(np.float64, copy=False)
