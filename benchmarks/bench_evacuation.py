"""Benchmark: evacuate the whole bundled Jinan walk network in time.

Every resident is assigned by the exact allocation (2,500 m), then loaded with a Rayleigh
departure curve (mean 15 min) onto the walk network with default street widths; arrival curves
at 1-minute resolution until clearance. Target: < 60 s on 2 cores and < 4 GB.

Then, when the eclipse-sumo wheel is installed, the same routes and departures on a 40 x 40
grid (1,600 nodes, 4,800 pedestrians) in SUMO's striping pedestrian model and in jnrisk, timed
in the same run: the 95 % clearance of both and the time ratio.

    PYTHONPATH=src python benchmarks/bench_evacuation.py
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.evacuation helpers


def main() -> None:
    from jnrisk.allocation import allocate_shelters
    from jnrisk.datasets import jinan
    from jnrisk.evacuation import DepartureCurve, evacuate, street_capacities
    from jnrisk.network import network_from_roads

    c0 = time.process_time()
    t0 = time.perf_counter()
    city = jinan(2024)
    net = network_from_roads(city.roads, "walk")
    t_net = time.perf_counter()
    c_net = time.process_time()
    alloc = allocate_shelters(city.population, city.shelters, net, max_walk_m=2500.0)
    t_alloc = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cap = street_capacities(net, city.roads)
        t_cap = time.perf_counter()
        c_cap = time.process_time()
        res = evacuate(alloc, net, cap, population=city.population,
                       departure=DepartureCurve.rayleigh(900.0), output_interval_s=60.0)
    t_evac = time.perf_counter()
    c_evac = time.process_time()
    s = res.summary()
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"network build      {t_net - t0:7.2f} s  ({net.n_nodes:,} nodes, {net.n_arcs:,} arcs)")
    print(f"exact allocation   {t_alloc - t_net:7.2f} s  ({alloc.summary()['served_persons']:,} "
          f"served of {alloc.total_persons:,})")
    print(f"street capacities  {t_cap - t_alloc:7.2f} s  "
          f"({cap.n_default_arcs:,} default-width arcs)")
    print(f"loading            {t_evac - t_cap:7.2f} s  (dt {res.dt_s:.2f} s, "
          f"{res.info['steps']:,} steps, {len(alloc.flows):,} groups, "
          f"{res.info['packets']:,} packets)")
    print(f"total              {t_evac - t0:7.2f} s   peak RSS {rss_gb:.2f} GB; CPU time: "
          f"network {c_net - c0:.1f} s, loading {c_evac - c_cap:.1f} s (wall/CPU under load "
          f"shows the contention)")
    print(f"clearance 95 % {s['clearance_95_s'] / 60:.1f} min, 100 % "
          f"{s['clearance_100_s'] / 60:.1f} min, status {s['status']}, "
          f"{s['n_arcs_congested']:,} congested arcs, max queue {s['max_queue_persons']:,.0f}")


def sumo_comparison(side: int = 40, n_groups: int = 24, per_group: int = 200) -> None:
    from tests.evacuation.sumo_reference import (
        grid_roads,
        pedestrian_walks,
        run_sumo,
        sumo_home,
    )

    from jnrisk.evacuation import DepartureCurve, StreetCapacity, load_groups, shortest_routes
    from jnrisk.evacuation.capacity import weidmann_max_flow
    from jnrisk.network import RoadNetwork

    if sumo_home() is None:
        print("SUMO: eclipse-sumo not installed (pip install eclipse-sumo); skipped")
        return
    spacing, width = 100.0, 3.0
    u, v, x, y = grid_roads(side, spacing)
    tails, heads = np.concatenate([u, v]), np.concatenate([v, u])
    order = np.argsort(tails, kind="stable")
    road = np.concatenate([np.arange(u.size), np.arange(u.size)])[order]
    indptr = np.zeros(side * side + 1, np.int64)
    np.cumsum(np.bincount(tails, minlength=side * side), out=indptr[1:])
    net = RoadNetwork.from_csr(indptr, heads[order], np.full(tails.size, spacing))
    q, _ = weidmann_max_flow()
    cap = StreetCapacity.from_arrays(net, width * q, storage_persons=spacing * width * 5.4)
    rng = np.random.default_rng(11)
    origin = rng.choice(side * side, n_groups, replace=False)
    corners = np.array([0, side - 1, side * (side - 1), side * side - 1])
    cx, cy = x[corners], y[corners]
    target = corners[np.argmin(np.hypot(x[origin, None] - cx, y[origin, None] - cy), axis=1)]
    persons = np.full(n_groups, float(per_group))
    dep = DepartureCurve.from_table([0.0, 600.0], [1.0])
    t0 = time.perf_counter()
    res = load_groups(net, cap, origin, target, persons, departure=dep, dt_s=5.0,
                      output_interval_s=5.0)
    t_ours = time.perf_counter() - t0
    ptr, arcs, _ = shortest_routes(net, origin, target)
    walks, depart = pedestrian_walks(ptr, arcs, road, per_group, 600.0)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        arrival = run_sumo(Path(tmp) / "sumo", u, v, x, y, width, walks, depart)
    t_sumo = time.perf_counter() - t0
    done = np.isfinite(arrival)
    s95 = float(np.quantile(arrival[done], 0.95)) if done.all() else float("nan")
    print(f"SUMO grid {side}x{side} ({side * side:,} nodes), {n_groups * per_group:,} pedestrians:"
          f" jnrisk {t_ours:.2f} s, SUMO {t_sumo:.2f} s (ratio {t_sumo / t_ours:.0f}x); 95 % "
          f"clearance jnrisk {res.clearance_95_s:.0f} s, SUMO {s95:.0f} s "
          f"({100 * (res.clearance_95_s / s95 - 1):+.0f} %), SUMO arrived {done.mean():.0%}")


if __name__ == "__main__":
    main()
    sumo_comparison()
