"""Synthetic road network.

Street lattices in built-up areas, a rural lattice elsewhere, motorways with interchanges, and
the Yellow River crossed only at named bridges.
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


def make_roads(frame: Frame, terrain: Terrain, rng: np.random.Generator):  # noqa: PLR0915  numbered steps share one builder and one RNG stream; their order fixes the bundled city
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


#: Every point layer lies within this distance [m] of a node of the walk network's largest
#: component (villages and facilities get an access road otherwise).
ACCESS_MAX_M = 300.0
#: Node spacing [m] along access roads, so points along them snap near.
ACCESS_STEP_M = 200.0
#: Safety margin [m] under ACCESS_MAX_M for the EPSG:4326 round trip of the exchange files.
_ACCESS_MARGIN_M = 1.0


def _walk_main_component(n: int, edges: pd.DataFrame) -> np.ndarray:
    """Mask of the nodes in the largest component of the pedestrian (walk) graph."""
    ped = edges["pedestrian"].to_numpy(bool)
    u = edges["u"].to_numpy()[ped]
    v = edges["v"].to_numpy()[ped]
    g = coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    used = np.zeros(n, bool)
    used[u] = True
    used[v] = True
    counts = np.bincount(lab[used], minlength=int(lab.max()) + 1)
    return used & (lab == np.argmax(counts))


def _densify(path: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the vertices after the first of a polyline (m, 2), densified to ACCESS_STEP_M.

    Extra points make consecutive vertices <= ACCESS_STEP_M apart (the access road's new nodes).
    """
    xs, ys = [], []
    for (ax, ay), (bx, by) in zip(path[:-1], path[1:], strict=True):
        m = max(int(np.ceil(np.hypot(bx - ax, by - ay) / ACCESS_STEP_M)), 1)
        t = np.arange(1, m + 1) / m
        xs.append(ax + t * (bx - ax))
        ys.append(ay + t * (by - ay))
    return np.concatenate(xs), np.concatenate(ys)


def _land_route(qx, qy, qs, tx, ty, tid, frame: Frame, *, cell_m: float = 50.0):
    """Find the shortest 8-neighbour grid path on dry land from (qx, qy) to the nearest target.

    Dry land is inside the city, on the point's river side and farther than RIVER_HALF_WIDTH_M
    from the river line. Returns (node id, new node x, new node y), or None when no target
    node is reachable.
    """
    from scipy.sparse.csgraph import dijkstra

    for radius in (4_000.0, 8_000.0, 16_000.0):
        near = np.hypot(tx - qx, ty - qy) < radius - cell_m
        if not near.any():
            continue
        nc = int(2 * radius // cell_m) + 1
        x0, y0 = qx - radius, qy - radius
        gx, gy = np.meshgrid(x0 + cell_m * np.arange(nc), y0 + cell_m * np.arange(nc))
        ok = (shapely.contains_xy(frame.city, gx, gy)
              & (river_side(frame, gx.ravel(), gy.ravel()).reshape(gx.shape) == qs)
              & (shapely.distance(shapely.points(gx, gy), frame.river) > RIVER_HALF_WIDTH_M))
        r0 = c0 = int(round(radius / cell_m))
        ok[r0, c0] = True
        tr = np.rint((ty[near] - y0) / cell_m).astype(np.int64)
        tc = np.rint((tx[near] - x0) / cell_m).astype(np.int64)
        ok[tr, tc] = True
        idx = np.full(ok.shape, -1, np.int64)
        idx[ok] = np.arange(int(ok.sum()))
        us, vs, ws = [], [], []
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            a = idx[max(0, -dr):nc - max(0, dr), max(0, -dc):nc - max(0, dc)]
            b = idx[max(0, dr):nc - max(0, -dr) or None, max(0, dc):nc - max(0, -dc) or None]
            both = (a >= 0) & (b >= 0)
            us.append(a[both])
            vs.append(b[both])
            ws.append(np.full(int(both.sum()), cell_m * np.hypot(dr, dc)))
        u, v, w = np.concatenate(us), np.concatenate(vs), np.concatenate(ws)
        n = int(ok.sum())
        g = coo_matrix((np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))),
                       shape=(n, n)).tocsr()
        dist, pred = dijkstra(g, indices=int(idx[r0, c0]), return_predecessors=True)
        tcell = idx[tr, tc]
        best = np.flatnonzero(np.isfinite(dist[tcell]))
        if not len(best):
            continue
        k = best[np.argmin(dist[tcell[best]])]
        rows, cols = np.divmod(np.flatnonzero(ok.ravel()), nc)
        cells = [int(tcell[k])]
        while cells[-1] != idx[r0, c0]:
            cells.append(int(pred[cells[-1]]))
        path = np.column_stack([x0 + cell_m * cols[cells], y0 + cell_m * rows[cells]])
        path[0] = (tx[near][k], ty[near][k])
        path[-1] = (qx, qy)
        line = shapely.LineString(path)
        simple = shapely.simplify(line, cell_m)
        if (shapely.covered_by(simple, frame.city) and not shapely.intersects(simple, frame.river)
                and len(shapely.get_coordinates(simple)) >= 2):
            path = shapely.get_coordinates(simple)
        return (int(tid[near][k]), *_densify(path))
    return None


def add_access_roads(nodes: pd.DataFrame, edges: pd.DataFrame, px: np.ndarray, py: np.ndarray,
                     frame: Frame, terrain: Terrain) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give every point (px, py in EPSG:4548) an access road to the walk network.

    Points farther than ``ACCESS_MAX_M`` from every node of the walk network's largest
    component get a straight two-way road (``track`` in steep hills, else ``unclassified``,
    pedestrian) from the nearest such node on the same river side (not crossing the river,
    staying inside the city) to the point, with a node every <= ``ACCESS_STEP_M``. Points are
    served farthest first and each new road counts for the next ones, so a village of several
    blocks gets one road. Deterministic (no random draws); new nodes and edges are appended
    after the existing ids, which stay unchanged.
    """
    X = nodes["x"].to_numpy(float)
    Y = nodes["y"].to_numpy(float)
    main = np.flatnonzero(_walk_main_component(len(X), edges))
    tree = cKDTree(np.column_stack([X[main], Y[main]]))
    side_main = river_side(frame, X[main], Y[main])
    px = np.asarray(px, float)
    py = np.asarray(py, float)
    limit = ACCESS_MAX_M - _ACCESS_MARGIN_M
    d0, _ = tree.query(np.column_stack([px, py]), k=1)
    far = np.flatnonzero(d0 > limit)
    # unique far locations (several layers can share a point, e.g. villages and their blocks)
    fxy = np.unique(np.column_stack([px[far], py[far]]), axis=0) if len(far) else np.empty((0, 2))
    fside = river_side(frame, fxy[:, 0], fxy[:, 1]) if len(fxy) else np.empty(0)
    shapely.prepare(frame.city)
    river = frame.river

    new_x: list[float] = []
    new_y: list[float] = []
    new_side: list[float] = []
    new_u: list[int] = []
    new_v: list[int] = []
    n0 = len(X)

    def dist_new(qx, qy):
        if not new_x:
            return np.full(np.shape(qx), np.inf), np.full(np.shape(qx), -1)
        nx_, ny_ = np.asarray(new_x), np.asarray(new_y)
        d = np.hypot(np.subtract.outer(qx, nx_), np.subtract.outer(qy, ny_))
        return d.min(axis=1), d.argmin(axis=1)

    while len(fxy):
        dm, _ = tree.query(fxy, k=1)
        dn, _ = dist_new(fxy[:, 0], fxy[:, 1])
        d = np.minimum(dm, dn)
        pending = d > limit
        if not pending.any():
            break
        i = int(np.flatnonzero(pending)[np.argmax(d[pending])])
        qx, qy, qs = fxy[i, 0], fxy[i, 1], fside[i]
        # candidate targets: nearest existing main-component nodes and new access nodes
        k = min(64, len(main))
        dd, jj = tree.query([qx, qy], k=k)
        cand = [(float(a), int(main[b]), float(X[main[b]]), float(Y[main[b]]), side_main[b])
                for a, b in zip(np.atleast_1d(dd), np.atleast_1d(jj), strict=True)]
        for j, (ax, ay, s_) in enumerate(zip(new_x, new_y, new_side, strict=True)):
            cand.append((float(np.hypot(ax - qx, ay - qy)), n0 + j, ax, ay, s_))
        cand.sort(key=lambda c: (c[0], c[1]))
        target = None
        for _dist, node, tx, ty, ts in cand:
            if ts != qs:
                continue
            seg = shapely.LineString([(tx, ty), (qx, qy)])
            if shapely.intersects(seg, river) or not shapely.covered_by(seg, frame.city):
                continue
            target = (node, *_densify(np.array([[tx, ty], [qx, qy]])))
            break
        if target is None:  # no straight road (a pocket behind the river): route on dry land
            tx_ = np.concatenate([X[main], new_x])
            ty_ = np.concatenate([Y[main], new_y])
            tid = np.concatenate([main, n0 + np.arange(len(new_x))])
            tside = np.concatenate([side_main, np.asarray(new_side, np.int8)])
            same = tside == qs
            target = _land_route(qx, qy, qs, tx_[same], ty_[same], tid[same], frame)
        if target is None:
            raise RuntimeError(f"no access road possible for the point at ({qx:.0f}, {qy:.0f})")
        prev, ix, iy = target
        for a, b in zip(ix, iy, strict=True):
            new_x.append(float(a))
            new_y.append(float(b))
            new_side.append(qs)
            cur = n0 + len(new_x) - 1
            new_u.append(prev)
            new_v.append(cur)
            prev = cur

    if not new_u:
        return nodes, edges
    NX = np.concatenate([X, new_x])
    NY = np.concatenate([Y, new_y])
    u = np.asarray(new_u, np.int64)
    v = np.asarray(new_v, np.int64)
    steep = terrain.sample(0.5 * (NX[u] + NX[v]), 0.5 * (NY[u] + NY[v]), "hilliness") > 0.55
    cls = np.where(steep, "track", "unclassified").astype(object)
    add = pd.DataFrame({
        "edge_id": np.arange(len(edges), len(edges) + len(u), dtype=np.int64),
        "u": u, "v": v, "road_class": cls, "name": "", "oneway": False, "bridge": False,
        "via_x": np.nan, "via_y": np.nan,
        "speed_kmh": pd.Series(cls).map(SPEED_KMH).to_numpy(np.float64),
        "lanes": pd.Series(cls).map(LANES).to_numpy(np.int64),
        "pedestrian": True,
    })
    edges = pd.concat([edges, add[edges.columns]], ignore_index=True)
    nodes = pd.DataFrame({"node_id": np.arange(len(NX), dtype=np.int64), "x": NX, "y": NY})
    return nodes, edges
