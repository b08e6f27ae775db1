"""Synthetic road network: street lattices in built-up areas, a rural lattice elsewhere,
motorways with interchanges, and the Yellow River crossed only at named bridges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from jnrisk._synth.geography import RIVER_HALF_WIDTH_M, Frame, river_side, to_m
from jnrisk._synth.terrain import Terrain

CORE_SPACING_M = 80.0
TOWN_SPACING_M = 110.0
RURAL_SPACING_M = 340.0

SPEED_KMH = {"motorway": 100.0, "trunk": 80.0, "primary": 60.0, "secondary": 50.0,
             "tertiary": 40.0, "residential": 30.0, "unclassified": 30.0, "track": 15.0,
             "footway": 5.0}
LANES = {"motorway": 6, "trunk": 4, "primary": 4, "secondary": 2, "tertiary": 2,
         "residential": 1, "unclassified": 1, "track": 1, "footway": 1}
NO_WALK = ("motorway", "trunk")

#: Yellow River crossings (name, lon of the crossing, road_class). Placement is synthetic.
BRIDGES = [
    ("平阴黄河大桥", 116.42, "primary"),
    ("长清黄河大桥", 116.66, "primary"),
    ("齐鲁黄河大桥", 116.90, "primary"),
    ("建邦黄河大桥", 116.955, "primary"),
    ("济南黄河大桥", 117.01, "primary"),
    ("凤凰黄河大桥", 117.09, "primary"),
    ("济阳黄河大桥", 117.22, "primary"),
    ("章丘黄河大桥", 117.45, "secondary"),
]
#: Motorways (name, lon/lat vertices).
MOTORWAYS = [
    ("G2 京沪高速", [(117.16, 37.45), (117.19, 37.20), (117.17, 36.98), (117.13, 36.83),
                 (117.12, 36.74)]),
    ("G20 青银高速", [(117.12, 36.74), (117.30, 36.74), (117.50, 36.76), (117.75, 36.80),
                  (118.00, 36.82)]),
    ("G3 京台高速", [(116.98, 36.62), (116.88, 36.53), (116.75, 36.47), (116.55, 36.37),
                 (116.42, 36.28), (116.30, 36.18)]),
    ("S2 济莱高速", [(117.12, 36.62), (117.30, 36.50), (117.50, 36.36), (117.65, 36.24),
                 (117.78, 36.10), (117.82, 35.98)]),
    ("G35 济广高速", [(116.85, 36.68), (116.98, 36.62), (117.12, 36.62), (117.12, 36.74),
                  (116.95, 36.735), (116.85, 36.68)]),
]


def _lattice(geom, spacing, rng, *, jitter=0.0, exclude=None, stagger=0.0):
    """Nodes of a square lattice inside ``geom`` and the 4-neighbour edges between them.

    Returns x, y, edges (m, 2) local indices, line index of each edge, orientation
    (0 = east-west, 1 = north-south), and the lattice degree of each node.
    """
    xmin, ymin, xmax, ymax = geom.bounds
    c0, c1 = int(np.floor(xmin / spacing)), int(np.ceil(xmax / spacing))
    r0, r1 = int(np.floor(ymin / spacing)), int(np.ceil(ymax / spacing))
    cols = np.arange(c0, c1 + 1)
    rows = np.arange(r0, r1 + 1)
    C, R = np.meshgrid(cols, rows)
    x = C * spacing + stagger
    y = R * spacing + stagger
    if jitter:
        x = x + rng.uniform(-jitter, jitter, size=x.shape) * spacing
        y = y + rng.uniform(-jitter, jitter, size=y.shape) * spacing
    keep = shapely.contains_xy(geom, x, y)
    if exclude is not None:
        keep &= ~shapely.contains_xy(exclude, x, y)
    ids = np.full(x.shape, -1, dtype=np.int64)
    ids[keep] = np.arange(int(keep.sum()))
    h = (ids[:, :-1] >= 0) & (ids[:, 1:] >= 0)
    v = (ids[:-1, :] >= 0) & (ids[1:, :] >= 0)
    eh = np.column_stack([ids[:, :-1][h], ids[:, 1:][h]])
    ev = np.column_stack([ids[:-1, :][v], ids[1:, :][v]])
    line_h = R[:, :-1][h]
    line_v = C[:-1, :][v]
    edges = np.vstack([eh, ev])
    line = np.concatenate([line_h, line_v])
    orient = np.concatenate([np.zeros(len(eh), np.int8), np.ones(len(ev), np.int8)])
    deg = np.bincount(edges.ravel(), minlength=int(keep.sum()))
    # one diagonal per some cells (footways) for the caller
    d = (ids[:-1, :-1] >= 0) & (ids[1:, 1:] >= 0)
    diag = np.column_stack([ids[:-1, :-1][d], ids[1:, 1:][d]])
    return x[keep], y[keep], edges, line, orient, deg, diag


class _Builder:
    def __init__(self):
        self.x: list[np.ndarray] = []
        self.y: list[np.ndarray] = []
        self.n = 0
        self.edges: list[pd.DataFrame] = []
        self.extra_geom: dict[int, np.ndarray] = {}

    def add_nodes(self, x, y):
        start = self.n
        self.x.append(np.asarray(x, float))
        self.y.append(np.asarray(y, float))
        self.n += len(x)
        return start

    def add_edges(self, u, v, road_class, name, *, oneway=None, bridge=False, via=None):
        u = np.asarray(u, np.int64)
        df = pd.DataFrame({"u": u, "v": np.asarray(v, np.int64)})
        df["road_class"] = road_class if np.ndim(road_class) == 0 else np.asarray(road_class)
        df["name"] = name if np.ndim(name) == 0 else np.asarray(name, dtype=object)
        df["oneway"] = False if oneway is None else np.asarray(oneway, bool)
        df["bridge"] = bridge
        df["via_x"] = np.nan if via is None else via[0]
        df["via_y"] = np.nan if via is None else via[1]
        self.edges.append(df)


def _classify_grid(line, orient, every_primary, every_secondary, minor, prefix_names):
    cls = np.full(len(line), minor, dtype=object)
    sec = line % every_secondary == 0
    pri = line % every_primary == 0
    cls[sec] = "secondary"
    cls[pri] = "primary"
    names = np.full(len(line), "", dtype=object)
    if prefix_names:
        k = (line - line.min()) // every_primary + 1 if len(line) else line
        ew = pri & (orient == 0)
        ns = pri & (orient == 1)
        names[ew] = [f"经{i}路" for i in k[ew]]
        names[ns] = [f"纬{i}路" for i in k[ns]]
    return cls, names


def make_roads(frame: Frame, terrain: Terrain, rng: np.random.Generator):
    """Return (nodes DataFrame[node_id, x, y], edges DataFrame) in EPSG:4548 metres."""
    b = _Builder()
    river_cut = frame.river.buffer(RIVER_HALF_WIDTH_M + 120.0)
    shapely.prepare(river_cut)
    fine_border = []

    # 1. dense core grid
    core = frame.builtup.geometry.values[0]
    x, y, e, line, orient, deg, diag = _lattice(core, CORE_SPACING_M, rng, jitter=0.04)
    s = b.add_nodes(x, y)
    cls, names = _classify_grid(line, orient, 10, 5, "residential", True)
    oneway = (cls == "residential") & (rng.random(len(cls)) < 0.06)
    b.add_edges(e[:, 0] + s, e[:, 1] + s, cls, names, oneway=oneway)
    pick = rng.random(len(diag)) < 0.03
    b.add_edges(diag[pick, 0] + s, diag[pick, 1] + s, "footway", "")
    fine_border.append(np.flatnonzero(deg < 4) + s)

    # 2. town grids
    for geom in frame.builtup.geometry.values[1:]:
        if geom.is_empty:
            continue
        x, y, e, line, orient, deg, _ = _lattice(geom, TOWN_SPACING_M, rng, jitter=0.05,
                                                  stagger=37.0)
        if len(x) == 0:
            continue
        s = b.add_nodes(x, y)
        cls, names = _classify_grid(line, orient, 9, 3, "residential", False)
        cls[(cls == "secondary") & (line % 9 != 0)] = "tertiary"
        b.add_edges(e[:, 0] + s, e[:, 1] + s, cls, names)
        fine_border.append(np.flatnonzero(deg < 4) + s)
    n_fine = b.n

    # 3. rural lattice over the rest of the city
    excl = shapely.union(frame.builtup_union.buffer(60.0), river_cut)
    shapely.prepare(excl)
    x, y, e, line, orient, deg, _ = _lattice(frame.city, RURAL_SPACING_M, rng, jitter=0.22,
                                              exclude=excl, stagger=11.0)
    s = b.add_nodes(x, y)
    cls, names = _classify_grid(line, orient, 12, 4, "unclassified", False)
    cls[(cls == "secondary") & (line % 12 != 0)] = "tertiary"
    cls[cls == "primary"] = "secondary"
    mx = 0.5 * (x[e[:, 0]] + x[e[:, 1]])
    my = 0.5 * (y[e[:, 0]] + y[e[:, 1]])
    steep = terrain.sample(mx, my, "hilliness") > 0.55
    cls[(cls == "unclassified") & steep] = "track"
    b.add_edges(e[:, 0] + s, e[:, 1] + s, cls, names)
    rural_ids = np.arange(s, b.n)
    rx, ry = x, y

    X = np.concatenate(b.x)
    Y = np.concatenate(b.y)

    # 4. connectors from fine-grid borders to the rural lattice (same river side only)
    tree = cKDTree(np.column_stack([rx, ry]))
    border = np.concatenate(fine_border)
    dist, j = tree.query(np.column_stack([X[border], Y[border]]), k=1)
    ok = dist < 1.6 * RURAL_SPACING_M
    b.add_edges(border[ok], rural_ids[j[ok]], "tertiary", "")
    # built-up areas touching each other (core and Tangye): also link fine borders
    ftree = cKDTree(np.column_stack([X[:n_fine], Y[:n_fine]]))
    pairs = ftree.query_pairs(1.3 * TOWN_SPACING_M, output_type="ndarray")
    if len(pairs):
        bset = np.zeros(n_fine, bool)
        bset[border] = True
        pairs = pairs[bset[pairs[:, 0]] & bset[pairs[:, 1]]]
        b.add_edges(pairs[:, 0], pairs[:, 1], "tertiary", "")

    # 5. bridges over the Yellow River (the only crossings of ordinary roads)
    side = river_side(frame, X, Y)
    walk_tree = cKDTree(np.column_stack([X, Y]))
    rc = np.asarray(frame.river.coords)
    for name, lon, rcls in BRIDGES:
        px = float(to_m(lon, 36.7)[0])
        py = float(np.interp(px, rc[:, 0], rc[:, 1]))
        cand = walk_tree.query_ball_point([px, py], r=3_000.0)
        cand = np.asarray(cand, dtype=np.int64)
        if len(cand) == 0:
            continue
        d = np.hypot(X[cand] - px, Y[cand] - py)
        south = cand[side[cand] < 0]
        north = cand[side[cand] > 0]
        if len(south) == 0 or len(north) == 0:
            continue
        us = south[np.argmin(d[side[cand] < 0])]
        vn = north[np.argmin(d[side[cand] > 0])]
        b.add_edges([us], [vn], rcls, name, bridge=True, via=(px, py))

    # 6. motorways with interchanges every ~4 nodes
    for name, lonlat in MOTORWAYS:
        mx_, my_ = to_m(*zip(*lonlat, strict=True))
        lineg = shapely.LineString(np.column_stack([mx_, my_]))
        n = max(int(lineg.length // 1_500.0), 1)
        closed = bool(lineg.is_closed)
        pts = shapely.line_interpolate_point(lineg, np.linspace(0, lineg.length, n + 1))
        px, py = shapely.get_x(pts), shapely.get_y(pts)
        if closed:  # a ring: the last vertex is the first one
            px, py = np.append(px[:-1], px[0]), np.append(py[:-1], py[0])
        inside = shapely.contains_xy(frame.city, px, py) & ~shapely.contains_xy(river_cut, px, py)
        s = b.add_nodes(px[inside], py[inside])
        kept = np.flatnonzero(inside)
        ids = np.full(len(px), -1, np.int64)
        ids[inside] = np.arange(len(kept)) + s
        if closed and inside[0]:  # close the ring on the first node, not on a duplicate
            ids[-1] = ids[0]
        # consecutive kept vertices; a gap of one dropped vertex (the river) is bridged
        ok = np.diff(kept) <= 2
        u, v = ids[kept[:-1][ok]], ids[kept[1:][ok]]
        pside = river_side(frame, px[kept], py[kept])
        crosses = pside[:-1][ok] != pside[1:][ok]
        nm = np.array([f"{name} 黄河大桥" if c else name for c in crosses], dtype=object)
        b.add_edges(u[~crosses], v[~crosses], "motorway", nm[~crosses])
        if crosses.any():
            b.add_edges(u[crosses], v[crosses], "motorway", nm[crosses], bridge=True)
        inter = ids[ids >= 0][::4]
        ix = np.concatenate(b.x)[inter]
        iy = np.concatenate(b.y)[inter]
        dist, j = walk_tree.query(np.column_stack([ix, iy]), k=1)
        same = side[j] == river_side(frame, ix, iy)
        ok2 = (dist < 2_500.0) & same
        b.add_edges(inter[ok2], j[ok2], "trunk", f"{name} 连接线")

    X = np.concatenate(b.x)
    Y = np.concatenate(b.y)
    edges = pd.concat(b.edges, ignore_index=True)
    edges = edges[edges["u"] != edges["v"]].reset_index(drop=True)

    # drop any non-bridge edge crossing the river
    su, sv = river_side(frame, X[edges["u"].to_numpy()], Y[edges["u"].to_numpy()]), river_side(
        frame, X[edges["v"].to_numpy()], Y[edges["v"].to_numpy()])
    edges = edges[(su == sv) | edges["bridge"].to_numpy()].reset_index(drop=True)

    # keep the largest connected component of the full graph
    n = len(X)
    u = edges["u"].to_numpy()
    v = edges["v"].to_numpy()
    g = coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    big = np.argmax(np.bincount(lab))
    keep_node = lab == big
    new_id = np.full(n, -1, np.int64)
    new_id[keep_node] = np.arange(int(keep_node.sum()))
    edges = edges[keep_node[u]].reset_index(drop=True)
    edges["u"] = new_id[edges["u"].to_numpy()]
    edges["v"] = new_id[edges["v"].to_numpy()]
    X, Y = X[keep_node], Y[keep_node]

    cls = edges["road_class"].to_numpy()
    edges["speed_kmh"] = pd.Series(cls).map(SPEED_KMH).to_numpy(np.float64)
    edges["lanes"] = pd.Series(cls).map(LANES).to_numpy(np.int64)
    edges["pedestrian"] = ~np.isin(cls, NO_WALK)
    edges.insert(0, "edge_id", np.arange(len(edges), dtype=np.int64))
    nodes = pd.DataFrame({"node_id": np.arange(len(X), dtype=np.int64), "x": X, "y": Y})
    return nodes, edges


def edge_geometries(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """LineStrings (EPSG:4548) and their lengths [m]; bridges bend through their river point."""
    X = nodes["x"].to_numpy()
    Y = nodes["y"].to_numpy()
    u = edges["u"].to_numpy()
    v = edges["v"].to_numpy()
    via = edges["via_x"].notna().to_numpy()
    npts = np.where(via, 3, 2)
    coords = np.empty((int(npts.sum()), 2))
    start = np.concatenate([[0], np.cumsum(npts)[:-1]])
    coords[start, 0] = X[u]
    coords[start, 1] = Y[u]
    end = start + npts - 1
    coords[end, 0] = X[v]
    coords[end, 1] = Y[v]
    coords[start[via] + 1, 0] = edges["via_x"].to_numpy()[via]
    coords[start[via] + 1, 1] = edges["via_y"].to_numpy()[via]
    idx = np.repeat(np.arange(len(edges)), npts)
    geoms = shapely.linestrings(coords, indices=idx)
    return geoms, shapely.length(geoms)
