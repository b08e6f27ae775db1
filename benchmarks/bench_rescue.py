"""Benchmark of jnrisk.rescue on the bundled Jinan city (issue 8).

1. Drive-time isochrones (5/10/15/30 min) from all 173 stations + 470 teams + 82 fire forces
   (725 sources): jnrisk ``RoadNetwork.distances`` (bounded, sparse) and the one-Dijkstra
   coverage of ``drive_time_coverage``, against ``scipy.sparse.csgraph.dijkstra(limit=)`` in
   chunks (dense rows) and networkx ``single_source_dijkstra_path_length(cutoff=)`` (on a
   subset of sources, extrapolated: it is too slow for all of them).
2. A 200-incident dispatch (``dispatch_teams``) against scipy Dijkstra + HiGHS LP
   (``scipy.optimize.linprog``) on the same arcs; the objectives must agree.

Inputs are built outside the timers, numba is warmed on a tiny network first (compile time
reported separately), time is wall-clock (``perf_counter``) and memory the tracemalloc peak
of the timed call. Run from the repository root:

    .venv/bin/python benchmarks/bench_rescue.py            # full
    .venv/bin/python benchmarks/bench_rescue.py --quick    # fewer sources (smoke run)
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np

THRESHOLDS_S = (300.0, 600.0, 900.0, 1800.0)


def timed(fn, *args, **kw):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    dt = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, dt, peak / 2**20


def warm_jit():
    """Compile the network and allocation kernels on a tiny input; return seconds."""
    from jnrisk.allocation import solve_transport
    from jnrisk.network import RoadNetwork

    t0 = time.perf_counter()
    net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [1.0, 1.0], time_s=[1.0, 1.0])
    net.distances([0], 10.0, weight="time_s")
    net.distances([0], 10.0, weight="time_s", closed_edges=np.array([False, True]))
    net.nearest_source([0], 10.0, weight="time_s")
    solve_transport([2, 1], [2], [0, 1, 2], [0, 0], [1.0, 2.0])
    return time.perf_counter() - t0


def iso_counts_csr(d, thresholds):
    """Nodes within each threshold, per source, from a sparse distance matrix."""
    rows = np.repeat(np.arange(d.shape[0]), np.diff(d.indptr))
    return np.stack(
        [np.bincount(rows[d.data <= t], minlength=d.shape[0]) for t in thresholds], axis=1
    )


def scipy_isochrones(mat, sources, thresholds, chunk=40):
    from scipy.sparse.csgraph import dijkstra

    out = np.zeros((sources.size, len(thresholds)), dtype=np.int64)
    for a in range(0, sources.size, chunk):
        d = dijkstra(mat, directed=True, indices=sources[a : a + chunk], limit=thresholds[-1])
        for k, t in enumerate(thresholds):
            out[a : a + chunk, k] = (d <= t).sum(axis=1)
    return out


def networkx_isochrones(g, sources, thresholds):
    import networkx as nx

    out = np.zeros((len(sources), len(thresholds)), dtype=np.int64)
    for i, s in enumerate(sources):
        lengths = nx.single_source_dijkstra_path_length(
            g, int(s), cutoff=thresholds[-1], weight="weight"
        )
        vals = np.fromiter(lengths.values(), dtype=np.float64)
        out[i] = [(vals <= t).sum() for t in thresholds]
    return out


def reference_dispatch(mat_t, inc_nodes, team_nodes, members, required, max_eta_s):
    """scipy Dijkstra from incidents on the transposed graph + two-stage HiGHS LP."""
    import scipy.sparse as sp
    from scipy.optimize import linprog
    from scipy.sparse.csgraph import dijkstra

    d = dijkstra(mat_t, directed=True, indices=inc_nodes, limit=max_eta_s)  # inc x nodes
    cost = d[:, team_nodes].T  # teams x incidents
    ii, jj = np.nonzero(np.isfinite(cost))
    e = ii.size
    a = sp.vstack(
        [
            sp.csr_matrix((np.ones(e), (ii, np.arange(e))), shape=(team_nodes.size, e)),
            sp.csr_matrix((np.ones(e), (jj, np.arange(e))), shape=(inc_nodes.size, e)),
        ]
    )
    b = np.concatenate([members, required]).astype(float)
    r1 = linprog(-np.ones(e), A_ub=a, b_ub=b, bounds=(0, None), method="highs")
    flow = round(-r1.fun)
    r2 = linprog(cost[ii, jj], A_ub=a, b_ub=b, A_eq=np.ones((1, e)), b_eq=[flow],
                 bounds=(0, None), method="highs")
    return flow, float(r2.fun)


def main() -> None:
    import geopandas as gpd
    import networkx as nx
    import pandas as pd

    from jnrisk.datasets import jinan
    from jnrisk.network import network_from_roads
    from jnrisk.rescue import dispatch_teams, drive_time_coverage

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer sources for a smoke run")
    ap.add_argument("--nx-sources", type=int, default=10, help="networkx sources (extrapolated)")
    ap.add_argument("--incidents", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    # ------------------------------------------------------------------ inputs (untimed)
    t0 = time.perf_counter()
    city = jinan()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = network_from_roads(city.roads, "drive")
    fac = pd.concat(
        [city.stations[["geometry"]], city.teams[["geometry"]], city.fire_forces[["geometry"]]],
        ignore_index=True,
    )
    fac = gpd.GeoDataFrame(fac, geometry="geometry", crs=city.stations.crs)
    from jnrisk.network import snap_points

    src = snap_points(net, fac, on_far="ignore").node
    if args.quick:
        src = src[:100]
    mat = net.to_scipy("time_s")
    print(f"inputs: {net!r}, {src.size} sources ({len(city.stations)} stations, "
          f"{len(city.teams)} teams, {len(city.fire_forces)} fire forces), "
          f"built in {time.perf_counter() - t0:.1f} s (untimed)")
    print(f"numba warm-up (compile or cache load): {warm_jit():.2f} s")

    # ------------------------------------------------------------------ 1. isochrones
    d, t_j, m_j = timed(net.distances, src, THRESHOLDS_S[-1], weight="time_s")
    c_j = iso_counts_csr(d, THRESHOLDS_S)
    print(f"\n[isochrones] jnrisk distances (sparse, bounded): {t_j:.2f} s, peak {m_j:.0f} MiB,"
          f" {d.nnz:,} stored times")
    cov, t_c, m_c = timed(drive_time_coverage, net, fac, city.population, city.towns,
                          thresholds_s=THRESHOLDS_S)
    print(f"[coverage]   jnrisk drive_time_coverage (one multi-source Dijkstra + 50k blocks + "
          f"161 towns): {t_c:.2f} s, peak {m_c:.0f} MiB")
    c_s, t_s, m_s = timed(scipy_isochrones, mat, src, THRESHOLDS_S)
    same = np.array_equal(c_s, c_j)
    print(f"[isochrones] scipy csgraph.dijkstra(limit=) in chunks of 40: {t_s:.2f} s, peak "
          f"{m_s:.0f} MiB; node counts identical: {same}; scipy/jnrisk = {t_s / t_j:.1f}x")
    g = nx.DiGraph()
    coo = mat.tocoo()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(),
                                  strict=True))
    k = min(args.nx_sources, src.size)
    c_n, t_n, _ = timed(networkx_isochrones, g, src[:k], THRESHOLDS_S)
    t_n_all = t_n / k * src.size
    print(f"[isochrones] networkx on {k} sources: {t_n:.2f} s -> {t_n_all:.0f} s for all "
          f"{src.size} (extrapolated); counts identical: {np.array_equal(c_n, c_j[:k])}; "
          f"networkx/jnrisk = {t_n_all / t_j:.0f}x")
    print(cov.summary.to_string(index=False))

    # ------------------------------------------------------------------ 2. dispatch
    rng = np.random.default_rng(args.seed)
    comp = net.components()
    main_nodes = np.flatnonzero(comp == 0)
    inc_nodes = rng.choice(main_nodes, args.incidents, replace=False)
    inc = gpd.GeoDataFrame(
        {"rescuers_required": rng.integers(10, 80, args.incidents)},
        geometry=gpd.points_from_xy(net.x[inc_nodes], net.y[inc_nodes]),
        crs=net.crs,
    )
    teams = city.teams
    max_eta = 1800.0
    # the reference LP uses pure drive times, so compare without turnout
    res, t_d, m_d = timed(dispatch_teams, net, inc, teams, max_eta_s=max_eta, turnout_s=0.0)
    team_nodes = snap_points(net, teams, on_far="ignore").node
    on = snap_points(net, teams, on_far="ignore").too_far
    members = np.where(on, 0, teams["members"].to_numpy())
    ref, t_r, m_r = timed(reference_dispatch, mat.T.tocsr(), inc_nodes, team_nodes, members,
                          inc["rescuers_required"].to_numpy(), max_eta)
    print(f"\n[dispatch] {args.incidents} incidents, {len(teams)} teams, "
          f"{int(inc['rescuers_required'].sum()):,} rescuers required")
    print(f"[dispatch] jnrisk dispatch_teams: {t_d:.2f} s, peak {m_d:.0f} MiB; assigned "
          f"{res.rescuers_assigned:,}, unmet {res.rescuers_unmet:,}, total ETA "
          f"{res.total_eta_person_s:,.1f} person-s")
    print(f"[dispatch] scipy Dijkstra + HiGHS LP: {t_r:.2f} s, peak {m_r:.0f} MiB; assigned "
          f"{ref[0]:,}, total ETA {ref[1]:,.1f} person-s; same optimum: "
          f"{ref[0] == res.rescuers_assigned and abs(ref[1] - res.total_eta_person_s) <= 1e-6 * max(ref[1], 1)}"
          f"; reference/jnrisk = {t_r / t_d:.1f}x")


if __name__ == "__main__":
    main()
