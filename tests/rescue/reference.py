"""Slow, plainly correct references for jnrisk.rescue (scipy Dijkstra, brute force, HiGHS LP).

Nothing here uses jnrisk's kernels: drive times come from ``scipy.sparse.csgraph.dijkstra`` on
a matrix built from the factory's own arc list, set covering is solved by enumeration, and the
transport problems by ``scipy.optimize.linprog`` (HiGHS) with an explicit unserved variable.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import dijkstra

ORIGIN_X_M = 500_000.0
ORIGIN_Y_M = 4_050_000.0
CRS = "EPSG:4548"


@dataclass
class GridNet:
    """A random directed grid: arcs ``tail -> head`` with ``time_s``; node coordinates."""

    tail: np.ndarray
    head: np.ndarray
    time_s: np.ndarray
    length_m: np.ndarray
    x: np.ndarray
    y: np.ndarray

    @property
    def n_nodes(self) -> int:
        return int(self.x.size)

    def csr_arrays(self):
        order = np.lexsort((self.head, self.tail))
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.tail, minlength=self.n_nodes), out=indptr[1:])
        return indptr, self.head[order], self.length_m[order], self.time_s[order], order

    def network(self):
        from jnrisk.network import RoadNetwork

        indptr, head, length, time_s, _ = self.csr_arrays()
        return RoadNetwork.from_csr(
            indptr, head, length, time_s=time_s, x=self.x, y=self.y, crs=CRS
        )

    def closed_arcs_mask(self, closed_original: np.ndarray) -> np.ndarray:
        """Arc mask in the network's (CSR) arc order from a mask in factory order."""
        *_, order = self.csr_arrays()
        return np.asarray(closed_original, dtype=bool)[order]

    def times(self, closed_original: np.ndarray | None = None) -> np.ndarray:
        """All-pairs drive times [s] (n x n, inf where unreachable)."""
        keep = np.ones(self.tail.size, bool) if closed_original is None else ~closed_original
        n = self.n_nodes
        # tiny epsilon keeps zero-time arcs as edges in csgraph (none are zero here anyway)
        m = sp.csr_matrix((self.time_s[keep], (self.tail[keep], self.head[keep])), shape=(n, n))
        return dijkstra(m, directed=True)


def make_grid_net(side: int, seed: int, *, p_oneway: float = 0.2, p_gap: float = 0.1) -> GridNet:
    rng = np.random.default_rng(seed)
    ii, jj = np.divmod(np.arange(side * side), side)
    x = ORIGIN_X_M + jj * 500.0 + rng.uniform(-50, 50, side * side)
    y = ORIGIN_Y_M + ii * 500.0 + rng.uniform(-50, 50, side * side)
    node = np.arange(side * side).reshape(side, side)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    r = rng.random(u.size)
    both = r >= p_oneway + p_gap
    fwd = (r >= p_gap) & ~both & (rng.random(u.size) < 0.5)
    bwd = (r >= p_gap) & ~both & ~fwd
    tail = np.concatenate([u[both], v[both], u[fwd], v[bwd]])
    head = np.concatenate([v[both], u[both], v[fwd], u[bwd]])
    length = np.hypot(x[tail] - x[head], y[tail] - y[head]) * rng.uniform(1.0, 1.2, tail.size)
    speed_m_s = rng.choice([30.0, 40.0, 60.0], tail.size) / 3.6
    return GridNet(
        tail=tail.astype(np.int64),
        head=head.astype(np.int64),
        time_s=length / speed_m_s,
        length_m=length,
        x=x,
        y=y,
    )


def points_at(net: GridNet, nodes, **columns):
    """A GeoDataFrame of points exactly on the given nodes (plus columns)."""
    import geopandas as gpd
    from shapely.geometry import Point

    nodes = np.asarray(nodes, dtype=np.int64)
    return gpd.GeoDataFrame(
        dict(columns), geometry=[Point(net.x[k], net.y[k]) for k in nodes], crs=CRS
    )


def brute_force_cover(cover: np.ndarray, need: np.ndarray) -> int:
    """Smallest number of columns of ``cover`` (demand x candidate bool) covering ``need``."""
    n_c = cover.shape[1]
    rows = np.flatnonzero(need)
    if rows.size == 0:
        return 0
    for k in range(1, n_c + 1):
        for combo in itertools.combinations(range(n_c), k):
            if cover[np.ix_(rows, list(combo))].any(axis=1).all():
                return k
    return -1


def brute_force_partial_cover(
    cover: np.ndarray, w: np.ndarray, target: float, old: np.ndarray
) -> int:
    """Smallest number of candidates covering weight >= target (``old``: already covered)."""
    n_c = cover.shape[1]
    cover = cover | old[:, None]
    if w[old].sum() >= target - 1e-9:
        return 0
    for k in range(1, n_c + 1):
        for combo in itertools.combinations(range(n_c), k):
            if w[cover[:, list(combo)].any(axis=1)].sum() >= target - 1e-9:
                return k
    return -1


def lp_transport(supply, capacity, cost: np.ndarray) -> tuple[float, float]:
    """Max-flow-then-min-cost transport by HiGHS LP on a dense cost matrix (inf = no arc).

    Returns (max flow, min total cost at that flow). Solved in two stages: first maximise the
    flow, then minimise cost with the flow fixed (no penalty constant involved).
    """
    supply = np.asarray(supply, float)
    capacity = np.asarray(capacity, float)
    ii, jj = np.nonzero(np.isfinite(cost))
    n_s, n_c, e = supply.size, capacity.size, ii.size
    if e == 0:
        return 0.0, 0.0
    a_s = sp.csr_matrix((np.ones(e), (ii, np.arange(e))), shape=(n_s, e))
    a_c = sp.csr_matrix((np.ones(e), (jj, np.arange(e))), shape=(n_c, e))
    a_ub = sp.vstack([a_s, a_c])
    b_ub = np.concatenate([supply, capacity])
    r1 = linprog(-np.ones(e), A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    flow = -r1.fun
    r2 = linprog(
        cost[ii, jj], A_ub=a_ub, b_ub=b_ub, A_eq=np.ones((1, e)), b_eq=[flow],
        bounds=(0, None), method="highs",
    )
    return float(flow), float(r2.fun)
