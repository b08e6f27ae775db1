"""Benchmark family: exact shelter allocation across capacity, shelters, radius and network shape.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_allocation_family.py            # design (~40 members)
    .venv/bin/python benchmarks/bench_allocation_family.py --quick    # 4 members, development
    .venv/bin/python benchmarks/bench_allocation_family.py --full     # full cross product (216)
    .venv/bin/python benchmarks/bench_allocation_family.py --memory   # 6,300 shelters, 10 km

Axes (seeded, ``--seed``): total capacity / total persons 0.3, 0.6, 0.9, 1.1, 1.5, 3.0;
shelters 100, 435, 630, 2,000; walking radius 1.5, 2.5, 5 km; network shape ``grid``
(``_citygen.grid_city_csr``, 200k nodes), ``jinan`` (the bundled walk network with its 50k
population blocks) and ``river`` (``_citygen.river_city_csr``: perturbed grid cut by three
rivers with a bridge every ~2 km). Grid and river cities get 50,000 blocks drawn like
``make_grid_city``. Shelters sit at random nodes; their capacities are lognormal and scaled
so that their total is the member's ratio times the population.

The default design covers every level of every axis: the centre member (1.1, 435, 2.5 km) of
each shape, each level of one axis with the others at the centre, and the hardest corners
(tight capacity 0.3 / 0.6 with 2,000 shelters and a 5 km radius).

For each member, in one process, alternating (best of ``--repeat``):

* assignment: ``solve_transport`` vs OR-Tools ``SimpleMinCostFlow`` (graph build + solve) on
  *identical* integer-centimetre arcs; their optimal objectives must be equal;
* end to end (``--no-e2e`` skips it): ``allocate_shelters`` on the GeoDataFrames vs snapping +
  ``scipy.sparse.csgraph.dijkstra`` (16 sources a call) + arcs + OR-Tools, as in
  ``bench_allocation.py``.

The script prints one row per member, the worst and median ratios, the CPU model and the load.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_allocation import CM, ortools_solve, scipy_arcs  # noqa: E402

CAP_RATIOS = (0.3, 0.6, 0.9, 1.1, 1.5, 3.0)
SHELTERS = (100, 435, 630, 2000)
RADII_M = (1500.0, 2500.0, 5000.0)
SHAPES = ("grid", "jinan", "river")
CENTRE = (1.1, 435, 2500.0)
CORNERS = ((0.3, 2000, 5000.0), (0.6, 2000, 5000.0), (0.3, 2000, 2500.0))


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown CPU"
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return f"{fields.get('Model name', '?').strip()}, {fields.get('CPU(s)', '?').strip()} CPUs"


def design(full: bool, quick: bool, shapes) -> list[tuple]:
    """Members as (shape, capacity ratio, shelters, radius_m)."""
    if full:
        return list(itertools.product(shapes, CAP_RATIOS, SHELTERS, RADII_M))
    if quick:
        return [
            (shapes[0], 0.3, 435, 2500.0),
            (shapes[0], 1.1, 435, 2500.0),
            (shapes[-1], 0.6, 2000, 2500.0),
            (shapes[-1], 3.0, 100, 1500.0),
        ]
    out = []
    for shape in shapes:
        c0, s0, r0 = CENTRE
        members = [(c0, s0, r0)]
        members += [(c, s0, r0) for c in CAP_RATIOS if c != c0]
        members += [(c0, s, r0) for s in SHELTERS if s != s0]
        members += [(c0, s0, r) for r in RADII_M if r != r0]
        members += list(CORNERS)
        out += [(shape, *m) for m in dict.fromkeys(members)]
    return out


# ----------------------------------------------------------------------------- cities
def _network(shape: str, n_nodes: int, seed: int):
    """(RoadNetwork, blocks GeoDataFrame) of one shape, cached per process."""
    import geopandas as gpd
    import shapely

    from _citygen import ANALYSIS_CRS, grid_city_csr, river_city_csr
    from jnrisk.network import RoadNetwork, network_from_roads

    if shape == "jinan":
        from jnrisk.datasets import jinan

        city = jinan(2024)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = network_from_roads(city.roads, "walk")
        blocks = city.population[["persons", "geometry"]].reset_index(drop=True)
        return net, blocks
    make = grid_city_csr if shape == "grid" else river_city_csr
    indptr, indices, w, x, y = make(n_nodes, seed=seed)
    net = RoadNetwork.from_csr(indptr, indices, w, x=x, y=y, crs=ANALYSIS_CRS)
    # the CSR holds both arcs of every segment: a walk network, as network_from_roads(...,
    # "walk") would mark it (a "csr" network is walked on its reversed copy, rebuilt per call)
    net = dataclasses.replace(net, mode="walk")
    rng = np.random.default_rng(seed + 1)
    n_blocks = 50_000
    persons = np.maximum(1, np.round(rng.lognormal(np.log(150.0), 0.75, n_blocks)))
    blocks = gpd.GeoDataFrame(
        {"persons": persons.astype(np.int64)},
        geometry=shapely.points(
            rng.uniform(x.min(), x.max(), n_blocks), rng.uniform(y.min(), y.max(), n_blocks)
        ),
        crs=ANALYSIS_CRS,
    )
    return net, blocks


def make_shelters(net, blocks, n_shelters: int, cap_ratio: float, seed: int):
    """``n_shelters`` Points near random nodes of the network's largest component, with
    lognormal capacities scaled to ``cap_ratio`` x the population."""
    import geopandas as gpd
    import scipy.sparse.csgraph as cg
    import shapely

    rng = np.random.default_rng(seed * 7_368_787 + n_shelters)
    _, label = cg.connected_components(net.to_scipy(), directed=False)
    main = np.flatnonzero(label == np.bincount(label).argmax())
    at = rng.choice(main, size=n_shelters, replace=False)
    x, y = np.asarray(net.x)[at], np.asarray(net.y)[at]
    area = rng.lognormal(np.log(15_000.0), 0.8, n_shelters)
    total = cap_ratio * float(blocks["persons"].sum())
    cap = np.floor(area / area.sum() * total).astype(np.int64)
    return gpd.GeoDataFrame(
        {"capacity_persons": cap},
        geometry=shapely.points(x + rng.uniform(-30, 30, x.size), y + rng.uniform(-30, 30, y.size)),
        crs=blocks.crs,
    )


# ----------------------------------------------------------------------------- one member
def competitor_e2e(net, blocks, shelters, capacity, a_scipy, radius_m):
    indptr, shel, walk = scipy_arcs(net, blocks, shelters, radius_m, a_scipy)
    cost = np.rint(walk * CM).astype(np.int64)
    supply = blocks["persons"].to_numpy().astype(np.int64)
    k = min(int((supply > 0).sum()), int((capacity > 0).sum()))
    m = k * int(cost.max()) + 1
    return ortools_solve(supply, capacity, indptr, shel, cost, m) / CM, (indptr, shel, walk)


def alternate(fa, fb, repeat):
    """Run ``fa`` and ``fb`` alternately ``repeat`` times; best wall of each and last results."""
    ta = tb = float("inf")
    ra = rb = None
    for _ in range(repeat):
        t = time.perf_counter()
        ra = fa()
        ta = min(ta, time.perf_counter() - t)
        t = time.perf_counter()
        rb = fb()
        tb = min(tb, time.perf_counter() - t)
    return ta, tb, ra, rb


def run_member(net, blocks, a_scipy, member, seed, repeat, e2e):
    from jnrisk.allocation import allocate_shelters, solve_transport

    shape, ratio, n_shel, radius = member
    shelters = make_shelters(net, blocks, n_shel, ratio, seed)
    capacity = shelters["capacity_persons"].to_numpy()
    supply = blocks["persons"].to_numpy().astype(np.int64)
    row = {"shape": shape, "ratio": ratio, "shelters": n_shel, "radius_m": radius}
    if e2e:
        je, oe, res, (or_obj, arcs) = alternate(
            lambda: allocate_shelters(
                blocks, shelters, net, max_walk_m=radius, max_snap_m=2000.0
            ),
            lambda: competitor_e2e(net, blocks, shelters, capacity, a_scipy, radius),
            repeat,
        )
        rel = abs(res.solution.objective - or_obj) / max(abs(or_obj), 1.0)
        row.update(e2e_j=je, e2e_o=oe, e2e_rel=rel)
    else:
        arcs = scipy_arcs(net, blocks, shelters, radius, a_scipy)
    indptr, shel, walk = arcs
    cost = np.rint(walk * CM).astype(np.int64)
    k = min(int((supply > 0).sum()), int((capacity > 0).sum()))
    m = k * int(cost.max()) + 1
    ja, oa, sol, or_cost = alternate(
        lambda: solve_transport(supply, capacity, indptr, shel, cost, unserved_cost=m),
        lambda: ortools_solve(supply, capacity, indptr, shel, cost, m),
        repeat,
    )
    row.update(
        arcs=int(shel.size),
        searches=sol.n_searches,
        served_pct=100.0 * sol.served / max(int(supply.sum()), 1),
        as_j=ja,
        as_o=oa,
        same=int(sol.objective) == int(or_cost),
    )
    return row


def fmt_row(r) -> str:
    e2e = (
        f"{r['e2e_j']:6.2f} {r['e2e_o']:6.2f} {r['e2e_o'] / r['e2e_j']:5.2f}x"
        if "e2e_j" in r
        else f"{'-':>6} {'-':>6} {'-':>6}"
    )
    return (
        f"{r['shape']:6} {r['ratio']:4.1f} {r['shelters']:5d} {r['radius_m'] / 1000:4.1f} "
        f"{r['arcs']:9,d} {r['served_pct']:6.1f} {r['searches']:8,d} | "
        f"{r['as_j']:6.3f} {r['as_o']:6.3f} {r['as_o'] / r['as_j']:6.2f}x "
        f"{'yes' if r['same'] else 'NO':>4} | {e2e}"
    )


HEADER = (
    f"{'shape':6} {'cap':>4} {'shel':>5} {'km':>4} {'arcs':>9} {'srv%':>6} {'searches':>8} | "
    f"{'asg j':>6} {'OR':>6} {'ratio':>7} {'same':>4} | {'e2e j':>6} {'sp+OR':>6} {'ratio':>6}"
)


def summarise(rows) -> None:
    for key, name in (("as", "assignment"), ("e2e", "end to end")):
        got = [r for r in rows if f"{key}_j" in r]
        if not got:
            continue
        ratios = np.array([r[f"{key}_o"] / r[f"{key}_j"] for r in got])
        worst = got[int(ratios.argmin())]
        print(
            f"{name}: worst {ratios.min():.2f}x ({worst['shape']}, cap {worst['ratio']}, "
            f"{worst['shelters']} shelters, {worst['radius_m'] / 1000:g} km), median "
            f"{np.median(ratios):.2f}x, best {ratios.max():.2f}x over {len(got)} members"
        )
    bad = [r for r in rows if not r["same"]]
    print(f"objective check: {len(rows) - len(bad)} of {len(rows)} members same optimum")


# ----------------------------------------------------------------------------- memory cases
def memory_child(case: str) -> None:
    """Subprocess: bundled city with 6,300 shelters (2.5 km) or 630 shelters at 10 km."""
    from jnrisk.allocation import allocate_shelters

    net, blocks = _network("jinan", 0, 0)
    n_shel, radius = (6300, 2500.0) if case == "shelters" else (630, 10_000.0)
    shelters = make_shelters(net, blocks, n_shel, 1.1, 0)
    allocate_shelters(blocks.iloc[:100], shelters.iloc[:50], net, max_walk_m=1000.0)
    t = time.perf_counter()
    res = allocate_shelters(blocks, shelters, net, max_walk_m=radius, max_snap_m=2000.0)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"MEMORY {case}: {n_shel} shelters, {radius / 1000:g} km, {res.arc_shelter.size:,} arcs, "
        f"{wall:.2f} s, peak RSS {peak:,.0f} MB, served {res.summary()['served_pct']:.1f} %"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="4 members, for development")
    ap.add_argument("--full", action="store_true", help="full cross product (216 members)")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-e2e", action="store_true", help="assignment phase only")
    ap.add_argument("--memory", action="store_true", help="6,300 shelters and 10 km cases")
    ap.add_argument("--child-memory", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_memory:
        memory_child(args.child_memory)
        return
    import numba

    print(
        f"CPU {cpu_model()}; numba {numba.__version__}; load average "
        f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    if args.memory:
        for case in ("shelters", "radius"):
            out = subprocess.run(
                [sys.executable, __file__, "--child-memory", case], capture_output=True, text=True
            )
            print(out.stdout.strip() or f"MEMORY {case}: failed\n{out.stderr[-2000:]}")
        return
    shapes = tuple(s for s in args.shapes.split(",") if s)
    members = design(args.full, args.quick, shapes)
    print(f"{len(members)} members; times in s (best of {args.repeat}, alternating)")
    print(HEADER)
    rows = []
    for shape in dict.fromkeys(m[0] for m in members):
        net, blocks = _network(shape, args.nodes, args.seed)
        a_scipy = net.to_scipy()
        from jnrisk.allocation import allocate_shelters

        # JIT (from numba's cache) and first-call costs outside the timers
        warm = make_shelters(net, blocks, 50, 1.0, args.seed)
        allocate_shelters(blocks.iloc[:500], warm, net, max_walk_m=1000.0, max_snap_m=2000.0)
        for member in (m for m in members if m[0] == shape):
            row = run_member(net, blocks, a_scipy, member, args.seed, args.repeat, not args.no_e2e)
            print(fmt_row(row), flush=True)
            rows.append(row)
    summarise(rows)
    print(f"load average at the end {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
