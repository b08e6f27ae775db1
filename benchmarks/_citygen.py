"""Seeded synthetic grid-like city for benchmarks (shared by network, allocation, ...).

Stable entry point (other benchmarks import it; do not change the signature)::

    from _citygen import make_grid_city
    roads, blocks, shelters = make_grid_city(n_nodes=200_000, n_blocks=50_000,
                                             n_shelters=630, seed=0)

What it returns (all GeoDataFrames in ``jnrisk.units.ANALYSIS_CRS`` = EPSG:4548, metres):

``roads``
    One LineString per street segment in the jnrisk road schema, ready for
    ``jnrisk.network.network_from_roads(roads, mode="walk"|"drive")``: ``edge_id`` int64,
    ``u``/``v`` int64 node ids (0..n_nodes-1), ``length_m`` float64 (Euclidean length times a
    1.00-1.15 detour factor, so shortest paths are not all ties), ``road_class`` (every 8th
    row/column is "primary", the rest "residential", ~2 % "footway"), ``speed_kmh``,
    ``lanes``, ``oneway`` (~5 % of residential), ``pedestrian`` (False on primary roads in the
    middle 5 % of rows to mimic urban expressways), ``bridge`` (False).
    The grid is ``side x side`` with ``side = ceil(sqrt(n_nodes))`` (so the node count is
    ``side**2 >= n_nodes``), ~100 m spacing with +-15 m jitter, and ~8 % of segments removed
    at random (grid-like, not a perfect lattice; a few small components may appear).
``blocks``
    ``n_blocks`` Points (population blocks) with ``block_id`` int64 and ``persons`` int64
    (lognormal, mean ~ 200), placed uniformly over the city extent.
``shelters``
    ``n_shelters`` Points with ``shelter_id`` int64, ``effective_area_m2`` float64 and
    ``capacity_persons`` int64 (= area / 2 m² per person), placed within 30 m of random nodes.

For speed-only work, :func:`grid_city_csr` returns the same walk network directly as CSR
arrays without building shapely geometries.
"""

from __future__ import annotations

import math

import numpy as np

ANALYSIS_CRS = "EPSG:4548"
#: False easting / northing used to put the synthetic city near Jinan in EPSG:4548.
ORIGIN_X_M = 500_000.0
ORIGIN_Y_M = 4_050_000.0
SPACING_M = 100.0


def _grid(n_nodes: int, seed: int):
    rng = np.random.default_rng(seed)
    side = int(math.ceil(math.sqrt(n_nodes)))
    ii, jj = np.divmod(np.arange(side * side, dtype=np.int64), side)
    x = ORIGIN_X_M + jj * SPACING_M + rng.uniform(-15.0, 15.0, side * side)
    y = ORIGIN_Y_M + ii * SPACING_M + rng.uniform(-15.0, 15.0, side * side)
    node = ii * side + jj
    # horizontal segments (i, j) -> (i, j+1), vertical segments (i, j) -> (i+1, j)
    h = node.reshape(side, side)[:, :-1].ravel()
    v = node.reshape(side, side)[:-1, :].ravel()
    u = np.concatenate([h, v])
    w = np.concatenate([h + 1, v + side])
    keep = rng.random(u.size) >= 0.08
    u, w = u[keep], w[keep]
    detour = rng.uniform(1.0, 1.15, u.size)
    length_m = np.hypot(x[u] - x[w], y[u] - y[w]) * detour
    return rng, side, x, y, u, w, length_m


def grid_city_csr(n_nodes: int = 200_000, *, seed: int = 0):
    """Return ``(indptr, indices, weight_m, x, y)`` of the undirected walk grid (both arcs).

    Same geometry and lengths as :func:`make_grid_city` with the same ``seed`` (walk mode
    drops the non-pedestrian expressway segments there; this CSR keeps every segment).
    """
    import scipy.sparse as sp

    _, side, x, y, u, w, length_m = _grid(n_nodes, seed)
    n = side * side
    rows = np.concatenate([u, w])
    cols = np.concatenate([w, u])
    data = np.concatenate([length_m, length_m])
    m = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    m.sort_indices()
    return (
        m.indptr.astype(np.int64),
        m.indices.astype(np.int64),
        m.data.astype(np.float64),
        x,
        y,
    )


def make_grid_city(
    n_nodes: int = 200_000,
    n_blocks: int = 50_000,
    n_shelters: int = 630,
    seed: int = 0,
):
    """Return ``(roads, blocks, shelters)`` GeoDataFrames of a seeded grid-like city.

    See the module docstring for the columns. Deterministic for a given ``seed``.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    rng, side, x, y, u, w, length_m = _grid(n_nodes, seed)
    n_edges = u.size
    coords = np.empty((n_edges, 2, 2))
    coords[:, 0, 0], coords[:, 0, 1] = x[u], y[u]
    coords[:, 1, 0], coords[:, 1, 1] = x[w], y[w]
    geoms = shapely.linestrings(coords)

    iu, ju = np.divmod(u, side)
    iw, jw = np.divmod(w, side)
    horizontal = iu == iw
    line_index = np.where(horizontal, iu, ju)
    primary = line_index % 8 == 0
    footway = ~primary & (rng.random(n_edges) < 0.02)
    road_class = np.where(primary, "primary", np.where(footway, "footway", "residential"))
    speed_kmh = np.where(primary, 50.0, np.where(footway, 5.0, 30.0))
    lanes = np.where(primary, 4, np.where(footway, 1, 2)).astype(np.int64)
    oneway = (road_class == "residential") & (rng.random(n_edges) < 0.05)
    mid = (line_index >= side * 0.475) & (line_index < side * 0.525)
    pedestrian = ~(primary & mid)
    roads = gpd.GeoDataFrame(
        {
            "edge_id": np.arange(n_edges, dtype=np.int64),
            "u": u.astype(np.int64),
            "v": w.astype(np.int64),
            "length_m": length_m,
            "road_class": road_class,
            "speed_kmh": speed_kmh,
            "lanes": lanes,
            "oneway": oneway,
            "pedestrian": pedestrian,
            "bridge": np.zeros(n_edges, dtype=bool),
        },
        geometry=geoms,
        crs=ANALYSIS_CRS,
    )

    extent = (side - 1) * SPACING_M
    bx = ORIGIN_X_M + rng.uniform(0.0, extent, n_blocks)
    by = ORIGIN_Y_M + rng.uniform(0.0, extent, n_blocks)
    persons = np.maximum(1, np.round(rng.lognormal(np.log(150.0), 0.75, n_blocks))).astype(
        np.int64
    )
    blocks = gpd.GeoDataFrame(
        pd.DataFrame({"block_id": np.arange(n_blocks, dtype=np.int64), "persons": persons}),
        geometry=shapely.points(bx, by),
        crs=ANALYSIS_CRS,
    )

    at = rng.choice(side * side, size=n_shelters, replace=False)
    sx = x[at] + rng.uniform(-30.0, 30.0, n_shelters)
    sy = y[at] + rng.uniform(-30.0, 30.0, n_shelters)
    area_m2 = np.round(rng.lognormal(np.log(15_000.0), 0.8, n_shelters), 1)
    shelters = gpd.GeoDataFrame(
        pd.DataFrame(
            {
                "shelter_id": np.arange(n_shelters, dtype=np.int64),
                "effective_area_m2": area_m2,
                "capacity_persons": np.floor(area_m2 / 2.0).astype(np.int64),
            }
        ),
        geometry=shapely.points(sx, sy),
        crs=ANALYSIS_CRS,
    )
    return roads, blocks, shelters


def river_city_csr(n_nodes: int = 200_000, *, seed: int = 0, n_rivers: int = 3,
                   bridge_every_m: float = 2_000.0):
    """Irregular walk network as CSR: ``(indptr, indices, weight_m, x, y)``.

    A perturbed grid (+-35 m jitter, 20 % of segments removed, a diagonal in 10 % of the
    cells, 1.0-1.4 detour factors) cut by ``n_rivers`` meandering rivers (sine curves, two
    running east-west and one north-south by default). Every segment that crosses a river is
    removed except bridges, about one every ``bridge_every_m`` along the river, so walks
    across a river detour to the nearest bridge. Deterministic for a given ``seed``.
    """
    import scipy.sparse as sp

    rng = np.random.default_rng(seed + 7919)
    side = int(math.ceil(math.sqrt(n_nodes)))
    ii, jj = np.divmod(np.arange(side * side, dtype=np.int64), side)
    x = ORIGIN_X_M + jj * SPACING_M + rng.uniform(-35.0, 35.0, side * side)
    y = ORIGIN_Y_M + ii * SPACING_M + rng.uniform(-35.0, 35.0, side * side)
    node = ii * side + jj
    grid = node.reshape(side, side)
    h = grid[:, :-1].ravel()
    v = grid[:-1, :].ravel()
    d = grid[:-1, :-1].ravel()
    d = d[rng.random(d.size) < 0.10]
    u = np.concatenate([h, v, d])
    w = np.concatenate([h + 1, v + side, d + side + 1])
    keep = rng.random(u.size) >= 0.20
    u, w = u[keep], w[keep]
    extent = (side - 1) * SPACING_M
    # rivers: y = a + b sin(x / L + phase) (east-west) or the same with x and y swapped
    cross = np.zeros(u.size, dtype=bool)
    bridge = np.zeros(u.size, dtype=bool)
    for r in range(n_rivers):
        along_x = r % 2 == 0
        a = extent * (r // 2 + 1) / (n_rivers // 2 + 2) if along_x else extent * 0.5
        b = extent * rng.uniform(0.03, 0.08)
        wave = extent / rng.uniform(1.0, 3.0)
        phase = rng.uniform(0, 2 * np.pi)
        p = (x - ORIGIN_X_M) if along_x else (y - ORIGIN_Y_M)
        q = (y - ORIGIN_Y_M) if along_x else (x - ORIGIN_X_M)
        side_of = q > a + b * np.sin(p / wave * 2 * np.pi + phase)
        c = side_of[u] != side_of[w]
        pos = (p[u] + p[w]) / 2.0
        slot = np.floor(pos / bridge_every_m).astype(np.int64)
        # one bridge per slot: the crossing segment nearest to a random point in the slot
        target = (slot + rng.uniform(0.3, 0.7, slot.size)) * bridge_every_m
        score = np.where(c, np.abs(pos - target), np.inf)
        best = {}
        for e in np.flatnonzero(c):
            s = int(slot[e])
            if s not in best or score[e] < score[best[s]]:
                best[s] = e
        bridge[list(best.values())] = True
        cross |= c
    keep = ~cross | bridge
    u, w = u[keep], w[keep]
    length_m = np.hypot(x[u] - x[w], y[u] - y[w]) * rng.uniform(1.0, 1.4, u.size)
    n = side * side
    m = sp.csr_matrix(
        (np.concatenate([length_m, length_m]), (np.concatenate([u, w]), np.concatenate([w, u]))),
        shape=(n, n),
    )
    m.sum_duplicates()
    m.sort_indices()
    return (
        m.indptr.astype(np.int64),
        m.indices.astype(np.int64),
        m.data.astype(np.float64),
        x,
        y,
    )
