"""Benchmark: warm re-solves of the shelter allocation after a change, against a cold solve.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_allocation_warm.py [--repeat 3] [--city jinan|grid]

City: the bundled Jinan 2024 walk network with its 50k blocks and 630 shelters (capacity =
floor(area / 2 m²)), or the seeded 200k-node grid city of ``_citygen`` (``--city grid``).
Changes, each against the intact base problem (seeded):

* ``roads 1 %``: 1 % of the road rows closed at random;
* ``bridge``: the bridge road row whose closure displaces most people (bundled ``bridge``
  column; the grid city has none, so one random road);
* ``capacity -10 %``: every shelter of one district (the largest) loses 10 % of its places;
* ``persons +20 %``: every block of that district gets 20 % more persons.

Timed, alternating, best of ``--repeat``: cold = ``allocate_shelters`` on the changed inputs
(GeoDataFrames -> result, what a script without state does); warm = ``AllocationSolver.solve``
(state kept from the base solve); also ``allocate_shelters(..., warm_start=base)`` (no kept
distances). Every warm objective must equal the cold one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def load(city: str):
    from jnrisk.network import network_from_roads

    if city == "jinan":
        from jnrisk.datasets import jinan

        c = jinan(2024)
        roads, blocks, shelters = c.roads, c.population, c.shelters
        shelters = shelters.assign(
            capacity_persons=np.floor(shelters["effective_area_m2"] / 2.0).astype(np.int64)
        )
        district = "district"
    else:
        from _citygen import make_grid_city

        roads, blocks, shelters = make_grid_city(200_000, 50_000, 630, seed=0)
        # districts: a 3 x 3 split of the extent
        for g in (blocks, shelters):
            x, y = g.geometry.x.to_numpy(), g.geometry.y.to_numpy()
            ix = np.minimum((3 * (x - x.min()) / (np.ptp(x) + 1)).astype(int), 2)
            iy = np.minimum((3 * (y - y.min()) / (np.ptp(y) + 1)).astype(int), 2)
            g["district"] = ix * 3 + iy
        district = "district"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = network_from_roads(roads, "walk")
    return roads, net, blocks, shelters, district


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--city", default="jinan", choices=["jinan", "grid"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-walk", type=float, default=2500.0)
    args = ap.parse_args()

    from jnrisk.allocation import AllocationSolver, allocate_shelters

    roads, net, blocks, shelters, dcol = load(args.city)
    rng = np.random.default_rng(0)
    kw = dict(max_walk_m=args.max_walk, max_snap_m=2000.0)
    print(f"load average {os.getloadavg()}; {args.city}: {len(blocks):,} blocks, "
          f"{len(shelters)} shelters, {net.n_nodes:,} nodes")
    allocate_shelters(blocks.iloc[:300], shelters.iloc[:40], net, max_walk_m=1000.0,
                      max_snap_m=2000.0)  # JIT from cache

    t = time.perf_counter()
    solver = AllocationSolver(blocks, shelters, net, **kw)
    base = solver.solve()
    print(f"solver build + first (cold) solve {time.perf_counter() - t:.2f} s")

    big = blocks[dcol].value_counts().index[0]
    persons0 = blocks["persons"].to_numpy().astype(np.int64)
    cap0 = shelters["capacity_persons"].to_numpy().astype(np.int64)
    in_d_b = (blocks[dcol] == big).to_numpy()
    in_d_s = (shelters[dcol] == big).to_numpy() if dcol in shelters else np.zeros(len(cap0), bool)
    closed_1pct = rng.choice(len(roads), len(roads) // 100, replace=False)
    if "bridge" in roads and roads["bridge"].any():
        bridges = np.flatnonzero(roads["bridge"].to_numpy())
        served = [solver.solve(closed_edges=[b]).summary()["served_persons"] for b in bridges]
        bridge = [int(bridges[int(np.argmin(served))])]
    else:
        bridge = [int(rng.integers(len(roads)))]
    cap_d = cap0.copy()
    cap_d[in_d_s] = np.floor(cap_d[in_d_s] * 0.9).astype(np.int64)
    pers_d = persons0.copy()
    pers_d[in_d_b] = np.round(pers_d[in_d_b] * 1.2).astype(np.int64)

    changes = {
        "roads 1 %": (dict(closed_edges=closed_1pct), blocks, shelters, closed_1pct),
        "bridge": (dict(closed_edges=bridge), blocks, shelters, bridge),
        f"capacity -10 % ({big})": (
            dict(capacity=cap_d), blocks, shelters.assign(capacity_persons=cap_d), None
        ),
        f"persons +20 % ({big})": (
            dict(persons=pers_d), blocks.assign(persons=pers_d), shelters, None
        ),
    }
    print(f"{'change':28} {'cold s':>8} {'solver s':>9} {'ratio':>7} {'warm_start= s':>14} "
          f"{'ratio':>6} same")
    for name, (change, b2, s2, closed) in changes.items():
        tc = tw = ta = np.inf
        for _ in range(args.repeat):
            solver.solve()  # back to the base optimum, as after a base run
            t = time.perf_counter()
            warm = solver.solve(**change)
            tw = min(tw, time.perf_counter() - t)
            t = time.perf_counter()
            cold = allocate_shelters(b2, s2, net, closed_edges=closed, **kw)
            tc = min(tc, time.perf_counter() - t)
            t = time.perf_counter()
            alt = allocate_shelters(b2, s2, net, closed_edges=closed, warm_start=base, **kw)
            ta = min(ta, time.perf_counter() - t)
        same = (warm.solution.objective == cold.solution.objective
                and alt.solution.objective == cold.solution.objective)
        print(f"{name:28} {tc:8.3f} {tw:9.3f} {tc / tw:6.1f}x {ta:14.3f} {tc / ta:5.1f}x {same}")
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
