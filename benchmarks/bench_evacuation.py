"""Benchmark: evacuate the whole bundled Jinan walk network in time.

Every resident is assigned by the exact allocation (2,500 m), then loaded with a Rayleigh
departure curve (mean 15 min) onto the walk network with default street widths; arrival curves
at 1-minute resolution until clearance. Target: < 60 s on 2 cores and < 4 GB.

    PYTHONPATH=src python benchmarks/bench_evacuation.py
"""

from __future__ import annotations

import resource
import time
import warnings


def main() -> None:
    from jnrisk.allocation import allocate_shelters
    from jnrisk.datasets import jinan
    from jnrisk.evacuation import DepartureCurve, evacuate, street_capacities
    from jnrisk.network import network_from_roads

    t0 = time.perf_counter()
    city = jinan(2024)
    net = network_from_roads(city.roads, "walk")
    t_net = time.perf_counter()
    alloc = allocate_shelters(city.population, city.shelters, net, max_walk_m=2500.0)
    t_alloc = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cap = street_capacities(net, city.roads)
        t_cap = time.perf_counter()
        res = evacuate(alloc, net, cap, population=city.population,
                       departure=DepartureCurve.rayleigh(900.0), output_interval_s=60.0)
    t_evac = time.perf_counter()
    s = res.summary()
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"network build      {t_net - t0:7.2f} s  ({net.n_nodes:,} nodes, {net.n_arcs:,} arcs)")
    print(f"exact allocation   {t_alloc - t_net:7.2f} s  ({alloc.summary()['served_persons']:,} "
          f"served of {alloc.total_persons:,})")
    print(f"street capacities  {t_cap - t_alloc:7.2f} s  ({cap.n_default_arcs:,} default-width arcs)")
    print(f"loading            {t_evac - t_cap:7.2f} s  (dt {res.dt_s:.2f} s, "
          f"{res.info['steps']:,} steps, {len(alloc.flows):,} groups, "
          f"{res.info['packets']:,} packets)")
    print(f"total              {t_evac - t0:7.2f} s   peak RSS {rss_gb:.2f} GB")
    print(f"clearance 95 % {s['clearance_95_s'] / 60:.1f} min, 100 % "
          f"{s['clearance_100_s'] / 60:.1f} min, status {s['status']}, "
          f"{s['n_arcs_congested']:,} congested arcs, max queue {s['max_queue_persons']:,.0f}")


if __name__ == "__main__":
    main()
