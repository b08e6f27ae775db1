"""Shared helpers of :mod:`jnrisk.rescue`: option checks, snapping, drive-time matrices.

Direction convention used everywhere in ``jnrisk.rescue``: a drive time is measured **from the
rescue resource to the place in need** (station -> sub-district centre, team -> incident,
warehouse -> displaced block), along one-way streets. When there are fewer places than
resources, the times are computed with Dijkstra from the places on the *reversed* network
(every arc turned around), which gives exactly the same numbers.
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
    "reverse_network",
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
    """A time in seconds: finite (or inf when allowed) and > 0."""
    v = float(value)
    if np.isnan(v) or v <= 0 or (np.isinf(v) and not allow_inf):
        extra = " or np.inf" if allow_inf else ""
        raise ConfigError(f"{name}={value!r}; it must be a number of seconds > 0{extra}.")
    return v


def check_network(net: Any) -> None:
    """The network must be routable by drive time and carry node coordinates with a CRS."""
    from jnrisk.network import RoadNetwork

    if not isinstance(net, RoadNetwork):
        raise SchemaError(
            f"net must be a jnrisk.network.RoadNetwork, got {type(net).__name__}; build it "
            f"with jnrisk.network.network_from_roads(roads, 'drive')."
        )
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
    """A GeoDataFrame of non-empty Points."""
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


def reverse_network(net: Any):
    """The network with every arc reversed (and the arc permutation used).

    Returns
    -------
    (RoadNetwork, numpy.ndarray)
        The reversed network (built with ``RoadNetwork.from_csr``, so its closures index its
        arcs) and ``perm`` such that reversed arc ``k`` is original arc ``perm[k]``.

    Examples
    --------
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 1], [1], [10.0], time_s=[1.0])
    >>> rev, perm = reverse_network(net)
    >>> rev.indptr.tolist(), rev.indices.tolist(), perm.tolist()
    ([0, 0, 1], [0], [0])
    """
    from jnrisk.network import RoadNetwork

    n = net.n_nodes
    tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(net.indptr))
    head = np.asarray(net.indices, dtype=np.int64)
    perm = np.argsort(head, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(head, minlength=n), out=indptr[1:])
    rev = RoadNetwork.from_csr(
        indptr,
        tail[perm],
        np.asarray(net.weight_m)[perm],
        time_s=None if net.time_s is None else np.asarray(net.time_s)[perm],
        x=net.x,
        y=net.y,
        crs=net.crs,
    )
    return rev, perm


def arc_closed_mask(net: Any, closed_edges: Any) -> np.ndarray:
    """Per-arc closure flags (length ``n_arcs``) from road rows (mask or positions)."""
    closed = net._arc_closed(closed_edges)  # validated by the network itself
    if closed.size == 0:
        return np.zeros(net.n_arcs, dtype=np.bool_)
    return np.asarray(closed, dtype=np.bool_)


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

    Runs Dijkstra from the smaller side (from ``to`` nodes on the reversed network when they
    are fewer). Times are free-flow times x ``factor``.

    Returns
    -------
    (indptr, col, time_s)
        CSR by ``from`` position: ``col`` are positions in ``to_nodes``, pairs beyond the
        cutoff (or unreachable) are absent. Columns sorted within each row.
    """
    from_nodes = np.asarray(from_nodes, dtype=np.int64)
    to_nodes = np.asarray(to_nodes, dtype=np.int64)
    n_from, n_to = from_nodes.size, to_nodes.size
    if n_from == 0 or n_to == 0:
        return np.zeros(n_from + 1, np.int64), np.zeros(0, np.int64), np.zeros(0)
    raw_cut = cutoff_s / factor
    u_from, inv_from = np.unique(from_nodes, return_inverse=True)
    u_to, inv_to = np.unique(to_nodes, return_inverse=True)
    if u_from.size <= u_to.size:
        d = net.distances(u_from, raw_cut, weight="time_s", closed_edges=closed_edges).tocoo()
        src_u, node, val = d.row, d.col, d.data  # src_u indexes u_from, node is a network node
        tgt_pos = np.searchsorted(u_to, node)
        tgt_pos = np.minimum(tgt_pos, u_to.size - 1)
        hit = u_to[tgt_pos] == node
        a_u, b_u, v = src_u[hit], tgt_pos[hit], val[hit]
    else:
        rev, perm = reverse_network(net)
        closed = arc_closed_mask(net, closed_edges)[perm]
        d = rev.distances(u_to, raw_cut, weight="time_s", closed_edges=closed).tocoo()
        tgt_u, node, val = d.row, d.col, d.data
        src_pos = np.searchsorted(u_from, node)
        src_pos = np.minimum(src_pos, u_from.size - 1)
        hit = u_from[src_pos] == node
        a_u, b_u, v = src_pos[hit], tgt_u[hit], val[hit]
    # expand unique nodes back to every from/to position (duplicates share a node)
    from_of_u = _groups(inv_from, u_from.size)
    to_of_u = _groups(inv_to, u_to.size)
    rows, cols, vals = _expand(a_u, b_u, v, from_of_u, to_of_u)
    order = np.lexsort((cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order] * factor
    indptr = np.zeros(n_from + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_from), out=indptr[1:])
    return indptr, cols.astype(np.int64), vals.astype(np.float64)


def _groups(inv: np.ndarray, n_unique: int):
    """(ptr, members): positions sharing unique value ``k`` are ``members[ptr[k]:ptr[k+1]]``."""
    order = np.argsort(inv, kind="stable")
    ptr = np.zeros(n_unique + 1, dtype=np.int64)
    np.cumsum(np.bincount(inv, minlength=n_unique), out=ptr[1:])
    return ptr, order


def _expand(a_u, b_u, v, from_groups, to_groups):
    fptr, fmem = from_groups
    tptr, tmem = to_groups
    na = fptr[a_u + 1] - fptr[a_u]
    nb = tptr[b_u + 1] - tptr[b_u]
    if (na == 1).all() and (nb == 1).all():
        return fmem[fptr[a_u]], tmem[tptr[b_u]], v
    k = na * nb
    idx = np.repeat(np.arange(a_u.size), k)
    within = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
    p = within // nb[idx]
    q = within % nb[idx]
    return fmem[fptr[a_u][idx] + p], tmem[tptr[b_u][idx] + q], v[idx]


def check_options(value: Any, allowed: tuple[str, ...], *, name: str) -> str:
    """Unknown string option -> ConfigError listing the allowed ones."""
    if value not in allowed:
        raise ConfigError(f"{name}={value!r} is not allowed; use one of {list(allowed)}.")
    return value
