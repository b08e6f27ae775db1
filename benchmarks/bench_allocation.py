"""Benchmark: exact shelter allocation (jnrisk.allocation) vs scipy Dijkstra + OR-Tools.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_allocation.py            # grid 200k + bundled Jinan
    .venv/bin/python benchmarks/bench_allocation.py --large    # + 1M nodes / 250k / 2,000
    .venv/bin/python benchmarks/bench_allocation.py --compile  # + cold numba compile time

What is timed (inputs built outside the timers, JIT warmed first, best of ``--repeat``):

* end to end = snapping + walking distances + building the arcs + the exact allocation.
  jnrisk: ``allocate_shelters(blocks, shelters, net, max_walk_m=2500)``. Competitor: the same
  ``snap_points``, ``scipy.sparse.csgraph.dijkstra`` on ``net.to_scipy()`` (built outside the
  timer) called with 16 shelter nodes at a time and ``limit=max_walk``, numpy arc building,
  then OR-Tools ``SimpleMinCostFlow`` (graph build + solve) on costs in integer centimetres.
* assignment phase alone: both solvers on *the same* integer-centimetre arcs
  (``solve_transport`` vs OR-Tools build + solve); their objectives must be equal.
* greedy baseline (``greedy_transport``) on the same arcs: how much the optimum gains.

Wall (perf_counter) and CPU (process_time) are both printed: on a shared machine the CPU
ratio is the more stable one.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MAX_WALK_M = 2500.0
#: The bundled Jinan blocks include a few up to ~1.4 km from any walkable road.
MAX_SNAP_M = 2000.0
CM = 100.0  # OR-Tools needs integer costs: centimetres


def timed(fn, *args, repeat=1, **kwargs):
    """Best (wall, cpu) over ``repeat`` runs and the last result."""
    best_w = best_c = float("inf")
    out = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn(*args, **kwargs)
        best_w = min(best_w, time.perf_counter() - w0)
        best_c = min(best_c, time.process_time() - c0)
    return best_w, best_c, out


# ----------------------------------------------------------------------------- competitor
def scipy_arcs(net, blocks, shelters, max_walk_m, a_scipy):
    """Same model as jnrisk: walk = snap + network distance + snap, pairs <= max_walk_m."""
    from scipy.sparse.csgraph import dijkstra

    from jnrisk.network import snap_points

    sb = snap_points(net, blocks, max_snap_m=MAX_SNAP_M, on_far="raise")
    ss = snap_points(net, shelters, max_snap_m=MAX_SNAP_M, on_far="raise")
    unodes, inv = np.unique(ss.node, return_inverse=True)
    cutoff = max_walk_m - ss.snap_distance_m.min() - sb.snap_distance_m.min()
    rows_b, rows_s, rows_w = [], [], []
    for c in range(0, unodes.size, 16):
        d = dijkstra(a_scipy, directed=True, indices=unodes[c : c + 16], limit=cutoff)
        d = d[:, sb.node]  # (16, P)
        for r in range(d.shape[0]):
            u = c + r
            hit = np.flatnonzero(np.isfinite(d[r]))
            for s in np.flatnonzero(inv == u):
                walk = sb.snap_distance_m[hit] + d[r, hit] + ss.snap_distance_m[s]
                ok = walk <= max_walk_m
                rows_b.append(hit[ok])
                rows_s.append(np.full(ok.sum(), s))
                rows_w.append(walk[ok])
    b = np.concatenate(rows_b)
    s = np.concatenate(rows_s)
    w = np.concatenate(rows_w)
    order = np.lexsort((s, b))
    b, s, w = b[order], s[order], w[order]
    indptr = np.zeros(len(blocks) + 1, np.int64)
    np.cumsum(np.bincount(b, minlength=len(blocks)), out=indptr[1:])
    return indptr, s.astype(np.int64), w


def ortools_solve(supply, capacity, indptr, shelter, cost, unserved_cost):
    """OR-Tools SimpleMinCostFlow on blocks -> shelters (+ an 'unserved' node) -> sink."""
    from ortools.graph.python import min_cost_flow

    n_b, n_s = len(supply), len(capacity)
    total = int(supply.sum())
    u_node, sink = n_b + n_s, n_b + n_s + 1
    src = np.repeat(np.arange(n_b), np.diff(indptr))
    tails = np.concatenate([src, np.arange(n_b), n_b + np.arange(n_s), [u_node]])
    heads = np.concatenate([n_b + shelter, np.full(n_b, u_node), np.full(n_s, sink), [sink]])
    caps = np.concatenate([supply[src], supply, capacity, [total]])
    costs = np.concatenate([cost, np.full(n_b, int(unserved_cost)), np.zeros(n_s, np.int64), [0]])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    supplies = np.zeros(sink + 1, np.int64)
    supplies[:n_b] = supply
    supplies[sink] = -total
    smcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools status {status}")
    return smcf.optimal_cost()


def competitor_end_to_end(net, blocks, shelters, capacity, a_scipy):
    indptr, shel, walk = scipy_arcs(net, blocks, shelters, MAX_WALK_M, a_scipy)
    cost = np.rint(walk * CM).astype(np.int64)
    supply = blocks["persons"].to_numpy().astype(np.int64)
    k = min(int((supply > 0).sum()), int((capacity > 0).sum()))
    m = k * int(cost.max()) + 1
    return ortools_solve(supply, capacity, indptr, shel, cost, m) / CM, (indptr, shel, walk)


# ----------------------------------------------------------------------------- cases
def grid_case(n_nodes, n_blocks, n_shelters, seed=0):
    from _citygen import make_grid_city
    from jnrisk.network import network_from_roads

    roads, blocks, shelters = make_grid_city(
        n_nodes=n_nodes, n_blocks=n_blocks, n_shelters=n_shelters, seed=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = network_from_roads(roads, "walk")
    return (
        f"grid city {n_nodes:,} nodes / {n_blocks:,} blocks / {n_shelters} shelters",
        net,
        (blocks),
        shelters,
    )


def jinan_case():
    try:
        from jnrisk.datasets import jinan

        city = jinan(2024)
    except Exception as exc:  # bundled data missing
        print(f"bundled Jinan: skipped ({exc})")
        return None
    from jnrisk.network import network_from_roads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = network_from_roads(city.roads, "walk")
    shelters = city.shelters
    if "capacity_persons" not in shelters:
        shelters = shelters.assign(
            capacity_persons=np.floor(shelters["effective_area_m2"] / 2.0).astype(np.int64)
        )
    return "bundled Jinan 2024 (walk)", net, city.population, shelters


def run_case(name, net, blocks, shelters, repeat):
    from jnrisk.allocation import allocate_shelters, greedy_transport, solve_transport

    capacity = shelters["capacity_persons"].to_numpy().astype(np.int64)
    supply = blocks["persons"].to_numpy().astype(np.int64)
    print(
        f"\n== {name}: {net.n_nodes:,} nodes, {len(blocks):,} blocks "
        f"({supply.sum():,} persons), {len(shelters)} shelters "
        f"({capacity.sum():,} places), max walk {MAX_WALK_M:,.0f} m"
    )
    a_scipy = net.to_scipy()

    # warm-up (JIT from cache) on the real inputs
    allocate_shelters(
        blocks.iloc[:200], shelters, net, max_walk_m=MAX_WALK_M, max_snap_m=MAX_SNAP_M
    )

    jw, jc, res = timed(
        allocate_shelters,
        blocks,
        shelters,
        net,
        max_walk_m=MAX_WALK_M,
        max_snap_m=MAX_SNAP_M,
        repeat=repeat,
    )
    ow, oc, (or_obj, arcs) = timed(
        competitor_end_to_end, net, blocks, shelters, capacity, a_scipy, repeat=repeat
    )
    s = res.summary()
    print(
        f"arcs: jnrisk {res.arc_shelter.size:,}, scipy {arcs[1].size:,}; "
        f"searches {res.solution.n_searches:,}"
    )
    print(
        f"end to end   jnrisk {jw:7.2f} s wall {jc:7.2f} s cpu | scipy+OR-Tools "
        f"{ow:7.2f} s wall {oc:7.2f} s cpu | ratio {ow / jw:5.2f}x wall {oc / jc:5.2f}x cpu"
    )
    rel = abs(res.solution.objective - or_obj) / max(abs(or_obj), 1.0)
    print(
        f"  objective jnrisk (float m) {res.solution.objective:,.2f} vs OR-Tools (cm) "
        f"{or_obj:,.2f}: rel. diff {rel:.1e} (cm rounding)"
    )

    # assignment phase alone on identical integer arcs
    indptr, shel, walk = arcs
    cost = np.rint(walk * CM).astype(np.int64)
    k = min(int((supply > 0).sum()), int((capacity > 0).sum()))
    m = k * int(cost.max()) + 1
    sw, sc, sol = timed(
        solve_transport, supply, capacity, indptr, shel, cost, unserved_cost=m, repeat=repeat
    )
    tw, tc, or_cost = timed(ortools_solve, supply, capacity, indptr, shel, cost, m, repeat=repeat)
    same = int(sol.objective) == int(or_cost)
    print(
        f"assignment   jnrisk {sw:7.2f} s wall {sc:7.2f} s cpu | OR-Tools        "
        f"{tw:7.2f} s wall {tc:7.2f} s cpu | ratio {tw / sw:5.2f}x wall {tc / sc:5.2f}x cpu"
        f" | same objective: {same} ({int(sol.objective):,})"
    )
    gw, gc, g = timed(greedy_transport, supply, capacity, indptr, shel, cost, unserved_cost=m)
    g_served, e_served = int(g.flow.sum()), int(sol.flow.sum())
    print(
        f"greedy       {gw:7.2f} s wall | served {g_served:,} vs exact {e_served:,} "
        f"(+{e_served - g_served:,}); mean walk of served greedy "
        f"{g.travel / CM / max(g_served, 1):,.0f} m vs exact "
        f"{sol.travel / CM / max(e_served, 1):,.0f} m"
    )
    print(
        f"summary: served {s['served_pct']:.1f} %, walk mean {s['mean_walk_m']:,.0f} m, "
        f"median {s['median_walk_m']:,.0f}, p95 {s['p95_walk_m']:,.0f}, max "
        f"{s['max_walk_m']:,.0f}; full shelters {s['n_full_shelters']}, short "
        f"{s['n_shelters_short']}"
    )
    return {"name": name, "e2e": (jw, jc, ow, oc), "assign": (sw, sc, tw, tc, same)}


# ----------------------------------------------------------------------------- large
def large_child(n_nodes, n_blocks, n_shelters, seed):
    """Runs in a subprocess: 1M-node CSR grid, allocate_shelters, peak RSS."""
    import resource

    import geopandas as gpd
    import psutil
    import shapely

    from _citygen import ANALYSIS_CRS, grid_city_csr
    from jnrisk.allocation import allocate_shelters
    from jnrisk.network import RoadNetwork

    indptr, indices, w, x, y = grid_city_csr(n_nodes, seed=seed)
    net = RoadNetwork.from_csr(indptr, indices, w, x=x, y=y, crs=ANALYSIS_CRS)
    # both arcs of every segment: a walk network, as network_from_roads(..., "walk") marks it
    # (a "csr" network is walked on a reversed copy rebuilt per call)
    net = dataclasses.replace(net, mode="walk")
    del indptr, indices, w
    rng = np.random.default_rng(seed + 1)
    x0, x1, y0, y1 = x.min(), x.max(), y.min(), y.max()
    blocks = gpd.GeoDataFrame(
        {
            "persons": np.maximum(1, np.round(rng.lognormal(np.log(150.0), 0.75, n_blocks))).astype(
                np.int64
            )
        },
        geometry=shapely.points(rng.uniform(x0, x1, n_blocks), rng.uniform(y0, y1, n_blocks)),
        crs=ANALYSIS_CRS,
    )
    at = rng.choice(x.size, n_shelters, replace=False)
    area = rng.lognormal(np.log(15_000.0), 0.8, n_shelters)
    shelters = gpd.GeoDataFrame(
        {"capacity_persons": np.floor(area / 2.0).astype(np.int64)},
        geometry=shapely.points(
            x[at] + rng.uniform(-30, 30, n_shelters), y[at] + rng.uniform(-30, 30, n_shelters)
        ),
        crs=ANALYSIS_CRS,
    )
    # warm the JIT (cache) on a tiny slice
    allocate_shelters(blocks.iloc[:50], shelters.iloc[:20], net, max_walk_m=MAX_WALK_M)
    rss_before = psutil.Process().memory_info().rss
    w0, c0 = time.perf_counter(), time.process_time()
    res = allocate_shelters(blocks, shelters, net, max_walk_m=MAX_WALK_M)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s = res.summary()
    print(
        f"LARGE {net.n_nodes} {n_blocks} {n_shelters} wall={wall:.2f} cpu={cpu:.2f} "
        f"rss_before_mb={rss_before / 2**20:.0f} peak_rss_mb={peak_kb / 1024:.0f} "
        f"arcs={res.arc_shelter.size} searches={res.solution.n_searches} "
        f"served_pct={s['served_pct']:.1f}"
    )


def compile_child():
    """Runs in a subprocess with an empty NUMBA_CACHE_DIR: cold compile of the kernels."""
    from jnrisk.allocation import greedy_transport, solve_transport

    t = time.perf_counter()
    solve_transport([3, 3], [4], [0, 1, 2], [0, 0], [100, 300])
    t1 = time.perf_counter() - t
    t = time.perf_counter()
    greedy_transport([3, 3], [4], [0, 1, 2], [0, 0], [100, 300])
    t2 = time.perf_counter() - t
    t = time.perf_counter()
    solve_transport([3, 3], [4], [0, 1, 2], [0, 0], [100.5, 300.25])
    t3 = time.perf_counter() - t
    print(f"COMPILE solve={t1:.2f} greedy={t2:.2f} second_call={t3:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--blocks", type=int, default=50_000)
    ap.add_argument("--shelters", type=int, default=630)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--large", action="store_true", help="also 1M nodes / 250k / 2,000")
    ap.add_argument("--compile", action="store_true", help="also measure a cold compile")
    ap.add_argument("--no-jinan", action="store_true")
    ap.add_argument("--child-large", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--child-compile", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_large:
        large_child(args.nodes, args.blocks, args.shelters, 0)
        return
    if args.child_compile:
        compile_child()
        return

    import numba

    print(
        f"python {sys.version.split()[0]}, numba {numba.__version__}, "
        f"threads {numba.get_num_threads()}, load average {os.getloadavg()}"
    )
    if args.compile:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, NUMBA_CACHE_DIR=tmp)
            out = subprocess.run(
                [sys.executable, __file__, "--child-compile"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            print("cold numba compile (empty cache):", out.stdout.strip())
    results = []
    name, net, blocks, shelters = grid_case(args.nodes, args.blocks, args.shelters)
    results.append(run_case(name, net, blocks, shelters, args.repeat))
    if not args.no_jinan:
        case = jinan_case()
        if case is not None:
            results.append(run_case(*case, args.repeat))
    if args.large:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child-large",
                "--nodes",
                "1000000",
                "--blocks",
                "250000",
                "--shelters",
                "2000",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        print("\n== large:", out.stdout.strip().splitlines()[-1])
    print("\nratios (competitor time / jnrisk time):")
    for r in results:
        jw, jc, ow, oc = r["e2e"]
        sw, sc, tw, tc, same = r["assign"]
        print(
            f"  {r['name']}: end to end {ow / jw:.2f}x wall / {oc / jc:.2f}x cpu "
            f"(target >= 5x); assignment {tw / sw:.2f}x wall / {tc / sc:.2f}x cpu "
            f"(target >= 2x), same objective {same}"
        )


if __name__ == "__main__":
    main()
