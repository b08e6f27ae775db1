"""Build a :class:`~jnrisk.network.RoadNetwork` from a GeoDataFrame of road lines.

:func:`network_from_roads` runs named steps: check the table and options, choose the rows of
the travel mode, give each row a speed, find the end points (rejecting non-finite vertices
and degrees labelled as metres), identify the nodes, turn rows into arcs (one per direction,
the shortest of parallel roads), and check connectivity.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataError, JnriskWarning, SchemaError
from jnrisk._validate import (
    Problems,
    describe_rows,
    metric_crs,
    non_negative_values,
    real_number,
    unique_index,
)
from jnrisk.network._checks import check_not_degrees, check_option, readonly
from jnrisk.network._csr import csr_from_arcs
from jnrisk.network.graph import MODES, RoadNetwork
from jnrisk.units import KMH_TO_M_S, WALK_SPEED_M_S

__all__ = [
    "network_from_roads",
    "DEFAULT_SPEED_KMH",
    "DRIVE_EXCLUDED_CLASSES",
    "WALK_EXCLUDED_CLASSES",
]

_ON_PROBLEM = ("warn", "raise", "ignore")

#: Default free-flow speed [km/h] by ``road_class`` (OSM highway values), used when a road has
#: no ``speed_kmh``. [M] typical Chinese urban design speeds (CJJ 37-2012, from memory: check
#: before relying on them); override with ``network_from_roads(..., speed_kmh_by_class=...)``.
DEFAULT_SPEED_KMH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 80.0,
        "motorway_link": 50.0,
        "trunk": 60.0,
        "trunk_link": 40.0,
        "primary": 50.0,
        "primary_link": 40.0,
        "secondary": 40.0,
        "secondary_link": 30.0,
        "tertiary": 30.0,
        "tertiary_link": 25.0,
        "unclassified": 30.0,
        "residential": 30.0,
        "living_street": 10.0,
        "service": 20.0,
        "track": 15.0,
    }
)
#: Speed [km/h] for a ``road_class`` missing from the table.
FALLBACK_SPEED_KMH = 30.0
#: Tolerance [m] between a line end and its u/v node's coordinates before warning.
_ENDPOINT_MISMATCH_M = 1.0
#: Road classes never used by drive mode.
DRIVE_EXCLUDED_CLASSES = frozenset(
    {"footway", "path", "pedestrian", "steps", "cycleway", "bridleway", "corridor", "elevator"}
)
#: Road classes treated as closed to pedestrians when ``roads`` has no ``pedestrian`` column.
WALK_EXCLUDED_CLASSES = frozenset({"motorway", "motorway_link"})


@dataclass(frozen=True)
class _Arcs:
    """Directed arcs in CSR order, and how many parallel ones were dropped."""

    indptr: np.ndarray
    head: np.ndarray
    weight_m: np.ndarray
    time_s: np.ndarray
    edge: np.ndarray
    n_parallel: int


def _bool_column(roads: Any, column: str, default: bool, *, name: str) -> np.ndarray:
    if column not in roads.columns:
        return np.full(len(roads), default, dtype=np.bool_)
    col = roads[column]
    if col.dtype == np.bool_:
        return col.to_numpy(dtype=np.bool_)
    vals = col.to_numpy(dtype=object)
    out = np.full(len(roads), default, dtype=np.bool_)
    bad = []
    import pandas as pd

    for i, v in enumerate(vals):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            continue
        if isinstance(v, bool | np.bool_) or (
            isinstance(v, int | float | np.integer | np.floating) and v in (0, 1)
        ):
            out[i] = bool(v)
        else:
            bad.append(i)
    if bad:
        raise SchemaError(
            f"{name}: column {column!r} must be boolean (True/False, missing = {default}); "
            f"found {vals[bad[0]]!r} at {describe_rows(roads.index[bad])}. Convert it, e.g. "
            f"roads[{column!r}] = roads[{column!r}].map({{'yes': True, 'no': False}})."
        )
    return out


def _endpoints(geoms: Any, has_ids: bool, index: Any, *, name: str):
    """First and last coordinate of every (Multi)LineString."""
    import shapely

    arr = np.asarray(geoms)
    type_id = shapely.get_type_id(arr)
    line = type_id == 1
    multi = type_id == 5
    start = np.empty((arr.size, 2))
    end = np.empty((arr.size, 2))
    if line.any():
        start[line] = shapely.get_coordinates(shapely.get_point(arr[line], 0))
        end[line] = shapely.get_coordinates(shapely.get_point(arr[line], -1))
    if multi.any():
        merged = shapely.line_merge(arr[multi])
        still = shapely.get_type_id(merged) != 1
        if still.any() and not has_ids:
            rows = index[np.flatnonzero(multi)[still]]
            raise SchemaError(
                f"{name}: MultiLineString geometries that are not one continuous line at "
                f"{describe_rows(rows)}, and there are no 'u'/'v' node-id columns to tell "
                f"their end nodes. Split them with roads.explode(index_parts=False) or add "
                f"'u'/'v' columns."
            )
        first = shapely.get_geometry(merged, 0)
        last = shapely.get_geometry(merged, -1)
        first = np.where(still, first, merged)
        last = np.where(still, last, merged)
        start[multi] = shapely.get_coordinates(shapely.get_point(first, 0))
        end[multi] = shapely.get_coordinates(shapely.get_point(last, -1))
    return start, end


def _cluster_nodes(start: np.ndarray, end: np.ndarray, tol_m: float):
    """Node identity from endpoint coordinates: endpoints within ``tol_m`` are one node."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    pts = np.concatenate([start, end])
    if tol_m > 0:
        pairs = cKDTree(pts).query_pairs(tol_m, output_type="ndarray")
    else:
        pairs = np.zeros((0, 2), dtype=np.int64)
    # exact duplicates first (cheap and also covers tol_m == 0)
    _, first_of, inverse = np.unique(pts, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    m = pts.shape[0]
    rows = np.concatenate([np.arange(m), pairs[:, 0]])
    cols = np.concatenate([first_of[inverse], pairs[:, 1]])
    g = sp.csr_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(m, m))
    _, labels = connected_components(g, directed=False)
    half = start.shape[0]
    return labels[:half].astype(np.int64), labels[half:].astype(np.int64)




# ---------------------------------------------------------------------- steps
def _check_roads(roads: Any, name: str) -> Any:
    """Check the table is a GeoDataFrame of (Multi)LineStrings with a metric CRS; return the CRS."""
    import geopandas as gpd

    if not isinstance(roads, gpd.GeoDataFrame):
        raise SchemaError(
            f"{name} must be a geopandas.GeoDataFrame of LineStrings, got "
            f"{type(roads).__name__}; read it with geopandas.read_file(...)."
        )
    try:
        roads.geometry  # noqa: B018 - raises when no active geometry column is set
    except AttributeError:
        raise SchemaError(
            f"{name} has no active geometry column (columns: {list(roads.columns)[:20]}); "
            f"set it with roads.set_geometry('<column>')."
        ) from None
    crs = metric_crs(roads, name=name)
    if len(roads) == 0:
        raise DataError(f"{name} has 0 rows; an empty network cannot be routed.")
    geoms = roads.geometry
    missing = (geoms.isna() | geoms.is_empty).to_numpy()
    if missing.any():
        raise DataError(
            f"{name}: missing or empty geometry at {describe_rows(roads.index[missing])}; "
            f"drop those rows (roads[~roads.geometry.is_empty])."
        )
    gtype = geoms.geom_type.to_numpy()
    wrong = ~np.isin(gtype, ["LineString", "MultiLineString"])
    if wrong.any():
        found = sorted(set(gtype[wrong]))
        raise SchemaError(
            f"{name}: expected LineString roads but found {found} at "
            f"{describe_rows(roads.index[wrong])}; drop those rows or convert polygons to "
            f"their outlines with .boundary."
        )
    return crs


def _check_finite_vertices(roads: Any, name: str) -> None:
    """Every vertex must be finite: a vertex at infinity would make a node at infinity."""
    import shapely

    xy, part = shapely.get_coordinates(roads.geometry.to_numpy(), return_index=True)
    bad = ~np.isfinite(xy).all(axis=1)
    if bad.any():
        rows = roads.index[np.unique(part[bad])]
        raise DataError(
            f"{name}: NaN or infinite vertex coordinates at {describe_rows(rows)}; fix or "
            f"drop those rows (a road cannot run to infinity)."
        )


def _speed_table(speed_kmh_by_class: Mapping[str, float] | None) -> dict[str, float]:
    table = dict(DEFAULT_SPEED_KMH)
    if speed_kmh_by_class is not None:
        if not isinstance(speed_kmh_by_class, Mapping):
            raise ConfigError(
                f"speed_kmh_by_class={speed_kmh_by_class!r}; give a mapping road_class -> "
                f"km/h, e.g. {{'residential': 25.0}}."
            )
        table.update(speed_kmh_by_class)
    for cls, v in table.items():
        real_number(f"speed_kmh_by_class[{cls!r}]", v, gt=0.0, unit="km/h")
    return table


def _has_node_ids(roads: Any, name: str) -> bool:
    """Whether ``u``/``v`` node-id columns are given (both or neither, whole numbers)."""
    has_u, has_v = "u" in roads.columns, "v" in roads.columns
    if has_u != has_v:
        raise SchemaError(
            f"{name}: has column {'u' if has_u else 'v'!r} but not "
            f"{'v' if has_u else 'u'!r}; give both node-id columns or neither (then nodes "
            f"come from endpoint coordinates)."
        )
    problems = Problems(name)
    if has_u:
        for col in ("u", "v"):
            series = roads[col]
            if not np.issubdtype(series.dtype, np.integer):
                vals = series.to_numpy(dtype=np.float64, na_value=np.nan)
                bad = ~np.isfinite(vals) | (vals != np.round(vals))
                if bad.any():
                    problems.add(
                        f"column {col!r} must hold integer node ids; bad values at "
                        f"{describe_rows(roads.index[bad])}."
                    )
    problems.raise_if_any(SchemaError)
    return has_u


def _rows_for_mode(roads: Any, mode: str, road_class: np.ndarray, name: str):
    """(rows the mode may use, one-way flag per row)."""
    keep = np.ones(len(roads), dtype=np.bool_)
    if mode == "walk":
        if "pedestrian" in roads.columns:
            keep &= _bool_column(roads, "pedestrian", True, name=name)
        else:
            keep &= ~np.isin(road_class, list(WALK_EXCLUDED_CLASSES))
        return keep, np.zeros(len(roads), dtype=np.bool_)
    keep &= ~np.isin(road_class, list(DRIVE_EXCLUDED_CLASSES))
    return keep, _bool_column(roads, "oneway", False, name=name)


def _row_speeds(roads, keep, road_class, table, mode, name) -> np.ndarray:
    """Speed [km/h] per row: ``speed_kmh`` where given and > 0, else the class default."""
    class_speed = np.array([table.get(c, FALLBACK_SPEED_KMH) for c in road_class], np.float64)
    if "speed_kmh" not in roads.columns:
        return class_speed
    speed = non_negative_values(roads, "speed_kmh", name=name, allow_nan=True)
    zero = keep & (speed == 0)
    if zero.any() and mode == "drive":
        raise DataError(
            f"{name}: column 'speed_kmh' is 0 at {describe_rows(roads.index[zero])}; "
            f"travel time would be infinite. Drop or close those roads instead, or give "
            f"a speed > 0 (NaN uses the road_class default)."
        )
    return np.where(np.isnan(speed) | (speed == 0), class_speed, speed)


def _nodes(u_id, v_id, rows, start, end):
    """Compact node numbering of the used rows and each node's coordinates (first end seen).

    Returns ``node_id, a, b, node_x, node_y, xy, all_nodes`` with ``a``/``b`` the tail/head
    node of each used row.
    """
    node_id, inv = np.unique(np.concatenate([u_id[rows], v_id[rows]]), return_inverse=True)
    inv = inv.ravel()
    a = inv[: rows.size].astype(np.int64)
    b = inv[rows.size :].astype(np.int64)
    xy = np.concatenate([start[rows], end[rows]])
    all_nodes = np.concatenate([a, b])
    _, first = np.unique(all_nodes, return_index=True)  # every node 0..n-1 occurs
    return node_id, a, b, xy[first, 0], xy[first, 1], xy, all_nodes


def _warn_line_ends_off_nodes(roads, rows, xy, all_nodes, node_x, node_y, tol_m, name):
    """Check that the u/v ids match the line ends (start at u, end at v).

    A reversed or misplaced line would give its node wrong coordinates (snapping) and a wrong
    length.
    """
    off = np.hypot(xy[:, 0] - node_x[all_nodes], xy[:, 1] - node_y[all_nodes])
    bad = off > max(_ENDPOINT_MISMATCH_M, tol_m)
    if bad.any():
        bad_rows = np.unique(np.concatenate([rows, rows])[bad])
        warnings.warn(
            f"{name}: at {describe_rows(roads.index[bad_rows])} the line ends are up to "
            f"{off.max():,.1f} m from the coordinates of their 'u'/'v' nodes elsewhere; "
            f"lines must run from u to v (reverse them with shapely.reverse) and share "
            f"end points at the same node id.",
            JnriskWarning,
            stacklevel=3,
        )


def _arcs(a, b, rows, len_k, time_k, two_way, n_nodes) -> _Arcs:
    """One arc per road and direction; of parallel arcs keep the shortest (then first row)."""
    tail = np.concatenate([a, b[two_way]])
    head = np.concatenate([b, a[two_way]])
    w_arc = np.concatenate([len_k, len_k[two_way]])
    t_arc = np.concatenate([time_k, time_k[two_way]])
    e_arc = np.concatenate([rows, rows[two_way]]).astype(np.int64)
    indptr, order = csr_from_arcs(tail, n_nodes, keys=(head, w_arc, e_arc), unique=1)
    return _Arcs(
        indptr=indptr,
        head=head[order],
        weight_m=w_arc[order],
        time_s=t_arc[order],
        edge=e_arc[order],
        n_parallel=int(tail.size - order.size),
    )


def _check_connected(net: RoadNetwork, on_disconnected: str, tol_m: float, name: str) -> None:
    if on_disconnected == "ignore":
        return
    comp = net.component_summary()
    if comp["n_components"] > 1:
        msg = (
            f"{name}: the {net.mode} network has {comp['n_components']:,} connected "
            f"components; the largest holds {comp['largest_component_nodes']:,} of "
            f"{net.n_nodes:,} nodes ({comp['largest_component_pct']:.1f} %), sizes "
            f"{comp['component_sizes_top5']}. Nodes in other components cannot reach it: "
            f"check for gaps (node_tolerance_m={tol_m}) or keep only the "
            f"largest component (net.components() == 0)."
        )
        if on_disconnected == "raise":
            raise DataError(msg)
        warnings.warn(msg, JnriskWarning, stacklevel=3)


# ---------------------------------------------------------------------- the builder
def network_from_roads(
    roads: Any,
    mode: str = "walk",
    *,
    node_tolerance_m: float = 0.01,
    speed_kmh_by_class: Mapping[str, float] | None = None,
    walk_speed_m_s: float = WALK_SPEED_M_S,
    on_disconnected: str = "warn",
) -> RoadNetwork:
    """Build a routable :class:`RoadNetwork` from a GeoDataFrame of road lines.

    Parameters
    ----------
    roads : geopandas.GeoDataFrame
        LineString (or MultiLineString) roads in a projected metric CRS. Columns used when
        present: ``u``/``v`` (int node ids; otherwise nodes are endpoints merged within
        ``node_tolerance_m``), ``length_m`` (else the geometry length), ``road_class``,
        ``speed_kmh`` (else :data:`DEFAULT_SPEED_KMH` by class), ``oneway`` (drive),
        ``pedestrian`` (walk; False rows are dropped). Not modified.
    mode : {"walk", "drive"}
        ``"walk"``: undirected, pedestrian roads only (without a ``pedestrian`` column,
        :data:`WALK_EXCLUDED_CLASSES` are dropped), ``time_s = length / walk_speed_m_s``.
        ``"drive"``: one-way streets respected, :data:`DRIVE_EXCLUDED_CLASSES` dropped,
        ``time_s = length / speed``.
    node_tolerance_m : float
        Endpoint merge distance [m] when there are no ``u``/``v`` columns.
    speed_kmh_by_class : mapping, optional
        Overrides/extends :data:`DEFAULT_SPEED_KMH`.
    walk_speed_m_s : float
        Walking speed [m/s] for the walk network's ``time_s`` (default 1.0, the ``jnrisk.units.WALK_SPEED_M_S`` default).
    on_disconnected : {"warn", "raise", "ignore"}
        What to do when the network has more than one connected component.

    Returns
    -------
    RoadNetwork
        Nodes are only those used by kept roads (``node_id`` holds their ids, sorted).
        Self-loops are dropped. Parallel roads between the same nodes are reduced to one arc
        per direction: the shortest (``length_m``; ties: the first row), whose ``time_s`` and
        ``arc_edge`` it keeps, so closing that road does not fall back on a longer parallel
        one.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> roads = gpd.GeoDataFrame(
    ...     {"u": [1, 2], "v": [2, 3], "oneway": [True, False]},
    ...     geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 50)])],
    ...     crs="EPSG:4548",
    ... )
    >>> walk = network_from_roads(roads, "walk")
    >>> walk.n_nodes, walk.n_arcs
    (3, 4)
    >>> network_from_roads(roads, "drive").n_arcs
    3
    """
    start_time = time.perf_counter()
    name = "roads"
    check_option(mode, MODES, name="mode")
    check_option(on_disconnected, _ON_PROBLEM, name="on_disconnected")
    crs = _check_roads(roads, name)
    tol_m = real_number("node_tolerance_m", node_tolerance_m, ge=0.0, unit="m")
    walk_speed = real_number("walk_speed_m_s", walk_speed_m_s, gt=0.0, unit="m/s")
    table = _speed_table(speed_kmh_by_class)
    has_ids = _has_node_ids(roads, name)
    _check_finite_vertices(roads, name)
    unique_index(roads, name=name)
    geoms = roads.geometry
    length_m = (
        non_negative_values(roads, "length_m", name=name)
        if "length_m" in roads.columns
        else geoms.length.to_numpy(dtype=np.float64)
    )
    road_class = (
        roads["road_class"].astype("string").fillna("").to_numpy(dtype=object)
        if "road_class" in roads.columns
        else np.full(len(roads), "", dtype=object)
    )
    keep, oneway = _rows_for_mode(roads, mode, road_class, name)
    speed = _row_speeds(roads, keep, road_class, table, mode, name)

    start, end = _endpoints(geoms.to_numpy(), has_ids, roads.index, name=name)
    # before node merging: degrees read as metres would merge every end into one node
    check_not_degrees(
        np.concatenate([start[:, 0], end[:, 0]]), np.concatenate([start[:, 1], end[:, 1]]),
        name=name, crs=crs,
    )
    if has_ids:
        u_id = roads["u"].to_numpy(dtype=np.int64)
        v_id = roads["v"].to_numpy(dtype=np.int64)
    else:
        u_id, v_id = _cluster_nodes(start, end, tol_m)
    self_loop = keep & (u_id == v_id)
    keep &= u_id != v_id
    rows = np.flatnonzero(keep)
    if rows.size == 0:
        raise DataError(
            f"{name}: no usable roads for mode={mode!r} out of {len(roads):,} rows "
            f"(self-loops: {int(self_loop.sum()):,}; the rest excluded by "
            f"{'pedestrian == False' if mode == 'walk' else 'road_class (footways)'}). "
            f"Check the pedestrian/road_class columns or use the other mode."
        )
    node_id, a, b, node_x, node_y, xy, all_nodes = _nodes(u_id, v_id, rows, start, end)
    if has_ids:
        _warn_line_ends_off_nodes(roads, rows, xy, all_nodes, node_x, node_y, tol_m, name)

    len_k = length_m[rows]
    time_k = len_k / walk_speed if mode == "walk" else len_k / (speed[rows] * KMH_TO_M_S)
    arcs = _arcs(a, b, rows, len_k, time_k, ~oneway[rows], node_id.size)
    net = RoadNetwork(
        indptr=readonly(arcs.indptr, np.int64),
        indices=readonly(arcs.head, np.int64),
        weight_m=readonly(arcs.weight_m, np.float64),
        time_s=readonly(arcs.time_s, np.float64),
        x=readonly(node_x, np.float64),
        y=readonly(node_y, np.float64),
        crs=crs,
        mode=mode,
        node_id=readonly(node_id, np.int64),
        arc_edge=readonly(arcs.edge, np.int64),
        n_edges=len(roads),
        source="roads",
    )
    _check_connected(net, on_disconnected, tol_m, name)
    info = {
        "input_rows": len(roads),
        "rows_used": int(rows.size),
        "rows_excluded_by_mode": int((~keep).sum() - self_loop.sum()),
        "self_loops_dropped": int(self_loop.sum()),
        "parallel_arcs_dropped": arcs.n_parallel,
        "total_road_length_m": float(len_k.sum()),
        "build_time_s": time.perf_counter() - start_time,
    }
    return dataclasses.replace(net, build_info=MappingProxyType(info))
