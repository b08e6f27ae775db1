"""Benchmark: bounded multi-source distances (jnrisk.network) vs scipy.sparse.csgraph.dijkstra.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_network.py [--nodes 200000] [--cutoff 2500] [--repeat 3]
    .venv/bin/python benchmarks/bench_network.py --cases grid --cutoff 1000,2500,5000  # sweep

Cases: the bundled Jinan walk network with its 630 shelters (``jnrisk.datasets.jinan(2024)``;
skipped when the bundled data is missing) and the seeded 200k-node grid city
(benchmarks/_citygen.py, 630 shelters). Inputs are built outside the timers; the numba
first-call time (compile, or cache load when ``cache=True`` worked) is reported separately;
scipy is called the fast way (16 sources per call with ``limit=``) in the same process. Prints
times and ratios; checks both give the same reached set and distances. The bundled case also
times ``RoadNetwork.od_costs`` (50k blocks -> 630 shelters, snap legs included) against the same
matrix assembled by hand from ``distances`` and checks they are equal.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
REPO = HERE.parent

SCIPY_BATCH = 16


def best_of(fn, repeat):
    """Best wall time of ``repeat`` runs, the CPU time (all threads) of that run, the result.

    CPU time is printed too because the machine is shared: wall times inflate with the load
    of other processes, CPU time much less so (ratios on CPU time are the steadier ones).
    """
    best = (np.inf, np.inf)
    out = None
    for _ in range(repeat):
        c = time.process_time()
        t = time.perf_counter()
        out = fn()
        wall = time.perf_counter() - t
        cpu = time.process_time() - c
        if wall < best[0]:
            best = (wall, cpu)
    return best[0], best[1], out


def scipy_bounded(graph, sources, cutoff):
    """scipy the fast way: 16 sources per call, each dense block turned sparse with numpy."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import dijkstra

    rows, cols, vals = [], [], []
    for i in range(0, len(sources), SCIPY_BATCH):
        d = dijkstra(graph, directed=True, indices=sources[i:i + SCIPY_BATCH], limit=cutoff)
        r, c = np.nonzero(np.isfinite(d))
        rows.append(r + i)
        cols.append(c)
        vals.append(d[r, c])
    n = graph.shape[0]
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(sources), n),
    )


def scipy_nearest(graph, sources, cutoff):
    """scipy's multi-source dijkstra(min_only=True): the competitor of nearest_source."""
    from scipy.sparse.csgraph import dijkstra

    return dijkstra(graph, directed=True, indices=sources, limit=cutoff, min_only=True,
                    return_predecessors=True)


def scipy_dense_only(graph, sources, cutoff):
    """scipy's core cost alone (dense rows, no conversion), for a fair lower bound."""
    from scipy.sparse.csgraph import dijkstra

    reached = 0
    for i in range(0, len(sources), SCIPY_BATCH):
        d = dijkstra(graph, directed=True, indices=sources[i:i + SCIPY_BATCH], limit=cutoff)
        reached += int(np.isfinite(d).sum())
    return reached


def first_call_time():
    """Time the first kernel calls in this process (compile, or load from numba's cache)."""
    from jnrisk.network import RoadNetwork, _kernels

    tiny = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [1.0, 1.0])
    t = time.perf_counter()
    tiny.distances([0], 5.0, n_threads=1)
    tiny.nearest_source([0], 5.0)
    dt = time.perf_counter() - t
    hits = sum(sum(k.stats.cache_hits.values()) for k in (
        _kernels.bounded_rows, _kernels.nearest_source_labels))
    misses = sum(sum(k.stats.cache_misses.values()) for k in (
        _kernels.bounded_rows, _kernels.nearest_source_labels))
    return dt, hits, misses


def run_case(name, net, sources, cutoff, repeat):
    import numba

    graph = net.to_scipy()
    print(f"\n== {name}: {net.n_nodes:,} nodes, {net.n_arcs:,} arcs, "
          f"{len(sources)} sources, cutoff {cutoff:,.0f} m")
    t_ours, c_ours, D = best_of(lambda: net.distances(sources, cutoff), repeat)
    t_ours1, c_ours1, _ = best_of(lambda: net.distances(sources, cutoff, n_threads=1), repeat)
    t_near, c_near, _ = best_of(lambda: net.nearest_source(sources, cutoff), repeat)
    t_sp, c_sp, ref = best_of(lambda: scipy_bounded(graph, sources, cutoff), repeat)
    t_sp_core, c_sp_core, reached = best_of(
        lambda: scipy_dense_only(graph, sources, cutoff), repeat)
    t_sp_near, c_sp_near, (near_d, _, _) = best_of(
        lambda: scipy_nearest(graph, sources, cutoff), repeat)
    # same reached set (explicit zeros included) and the same distances
    assert reached == D.nnz == ref.nnz, (reached, D.nnz, ref.nnz)
    diff = abs(D - ref)
    assert diff.nnz == 0 or diff.max() <= 1e-9, diff.max()
    _, our_near_d = net.nearest_source(sources, cutoff)
    np.testing.assert_allclose(our_near_d, near_d, atol=1e-9)
    print(f"reached pairs: {D.nnz:,} ({D.nnz / len(sources):,.0f} nodes per source)")
    nt = numba.get_num_threads()
    print(f"{'':44s}{'wall ms':>10s}{'cpu ms':>10s}")
    for label, wall, cpu in (
        (f"jnrisk distances ({nt} threads)", t_ours, c_ours),
        ("jnrisk distances (1 thread)", t_ours1, c_ours1),
        (f"scipy dijkstra(limit=) x{SCIPY_BATCH}/call -> sparse", t_sp, c_sp),
        (f"scipy dijkstra(limit=) x{SCIPY_BATCH}/call dense only", t_sp_core, c_sp_core),
        ("jnrisk nearest_source", t_near, c_near),
        ("scipy dijkstra(min_only=True)", t_sp_near, c_sp_near),
    ):
        print(f"{label:44s}{wall * 1e3:10.1f}{cpu * 1e3:10.1f}")
    print(f"thread use: {c_ours / t_ours:.2f} cores busy during the threaded run")
    print(f"RATIO wall, scipy (same sparse output) / jnrisk: {t_sp / t_ours:5.1f}x threaded, "
          f"{t_sp / t_ours1:5.1f}x 1 thread;  scipy dense only / jnrisk: "
          f"{t_sp_core / t_ours:5.1f}x, {t_sp_core / t_ours1:5.1f}x")
    print(f"RATIO cpu,  scipy (same sparse output) / jnrisk 1 thread: {c_sp / c_ours1:5.1f}x; "
          f"scipy dense only / jnrisk 1 thread: {c_sp_core / c_ours1:5.1f}x")
    print(f"nearest_source vs scipy min_only: {t_sp_near / t_near:.1f}x wall, "
          f"{c_sp_near / c_near:.1f}x cpu")
    return {"name": f"{name} {cutoff:,.0f} m", "ratio": t_sp / t_ours, "ratio_core": t_sp_core / t_ours,
            "ours_s": t_ours, "scipy_s": t_sp, "scipy_core_s": t_sp_core,
            "cpu_ratio_1t": c_sp / c_ours1}


def grid_case(n_nodes, n_shelters, cutoffs, repeat):
    import warnings

    from _citygen import make_grid_city
    from jnrisk.network import network_from_roads, snap_points

    t = time.perf_counter()
    roads, _, shelters = make_grid_city(n_nodes=n_nodes, n_blocks=10, n_shelters=n_shelters)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the grid has a few small components (reported below)
        net = network_from_roads(roads, "walk")
    t_build = time.perf_counter() - t
    summ = net.summary()
    print(f"\ngrid city: generated in {t_gen:.2f} s, walk network built in {t_build:.2f} s; "
          f"{summ['n_components']} components, largest {summ['largest_component_pct']:.2f} %")
    sources = snap_points(net, shelters, on_far="ignore").node
    return [run_case("grid city (walk)", net, sources, c, repeat) for c in cutoffs]


def bundled_case(cutoffs, repeat):
    import warnings

    from jnrisk.network import network_from_roads, snap_points

    try:
        from jnrisk.datasets import jinan

        city = jinan(2024)
    except Exception as exc:  # bundled data missing or not generated yet
        print(f"\n== bundled Jinan walk network: skipped ({exc})")
        return []
    roads = city.roads
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = network_from_roads(roads, "walk")
    t_build = time.perf_counter() - t
    summ = net.summary()
    print(f"\nbundled roads: {len(roads):,} rows, walk network built in {t_build:.2f} s; "
          f"{summ['n_components']} components, largest {summ['largest_component_pct']:.2f} %")
    shelters = city.shelters
    if not (shelters.geom_type == "Point").all():
        shelters = shelters.set_geometry(shelters.geometry.representative_point())
    snapped = snap_points(net, shelters, on_far="ignore")
    out = [run_case("bundled Jinan (walk)", net, snapped.node, c, repeat) for c in cutoffs]
    blocks = snap_points(net, city.population, on_far="ignore")
    for c in cutoffs:
        od_case(net, blocks, snapped, c, repeat)
    return out


def od_case(net, blocks, shelters, cutoff, repeat):
    """``RoadNetwork.od_costs`` (blocks -> shelters, snap legs included) against the same
    numbers assembled by hand from ``distances`` (search from the shelters, transpose, add
    the legs)."""
    def by_hand():
        u, inv = np.unique(shelters.node, return_inverse=True)
        d = net.distances(u, cutoff).T.tocsr()[blocks.node][:, inv].tocoo()
        cost = blocks.snap_distance_m[d.row] + d.data + shelters.snap_distance_m[d.col]
        keep = cost <= cutoff
        return d.row[keep], d.col[keep], cost[keep]

    t_od, c_od, got = best_of(
        lambda: net.od_costs(blocks, shelters, cutoff, direction="to_destinations"), repeat)
    t_hand, c_hand, (r, c, v) = best_of(by_hand, repeat)
    ref = np.zeros(got.shape)
    ref[r, c] = v
    assert got.nnz == r.size and np.array_equal(got.toarray(), ref)
    print(f"\n== od_costs: {got.shape[0]:,} blocks x {got.shape[1]} shelters within "
          f"{cutoff:,.0f} m: {got.nnz:,} pairs")
    print(f"{'jnrisk od_costs':44s}{t_od * 1e3:10.1f}{c_od * 1e3:10.1f}")
    print(f"{'distances + transpose + legs, by hand':44s}{t_hand * 1e3:10.1f}{c_hand * 1e3:10.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--shelters", type=int, default=630)
    parser.add_argument("--cutoff", type=str, default="2500",
                        help="cutoff(s) in metres, comma-separated for a sweep: 1000,2500,5000")
    parser.add_argument("--cases", type=str, default="bundled,grid",
                        help="comma-separated subset of: bundled, grid")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import numba

    t_import = time.perf_counter()
    import jnrisk.network  # noqa: F401

    t_import = time.perf_counter() - t_import
    dt, hits, misses = first_call_time()
    print(f"numba {numba.__version__}, {numba.get_num_threads()} threads; import "
          f"{t_import:.2f} s; first kernel calls {dt:.2f} s "
          f"(cache hits {hits}, compiles {misses}: "
          f"{'loaded from cache' if misses == 0 else 'COMPILED in this process'})")
    cutoffs = [float(c) for c in args.cutoff.split(",")]
    cases = set(args.cases.split(","))
    results = []
    if "bundled" in cases:
        results += bundled_case(cutoffs, args.repeat)
    if "grid" in cases:
        results += grid_case(args.nodes, args.shelters, cutoffs, args.repeat)
    print("\nsummary:")
    for r in results:
        print(f"  {r['name']}: jnrisk {r['ours_s'] * 1e3:.0f} ms, scipy "
                  f"{r['scipy_s'] * 1e3:.0f} ms (dense only {r['scipy_core_s'] * 1e3:.0f} ms): "
                  f"ratio {r['ratio']:.1f}x (dense only {r['ratio_core']:.1f}x); cpu ratio on "
                  f"1 thread {r['cpu_ratio_1t']:.1f}x")


if __name__ == "__main__":
    main()
