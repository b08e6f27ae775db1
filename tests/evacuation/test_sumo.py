"""The loading model against SUMO's microscopic pedestrians (skipped without eclipse-sumo).

Same grid, same routes, same departures. The link-queue model lets a street pass 1.22 persons
per metre per second (Weidmann's peak) and people walk at exactly 1.34 m/s; SUMO's striping
model draws speeds around that, walks people in 0.64 m stripes and slows them at junctions, so
it is expected to be somewhat slower when streets jam. Stated agreement: 95 % clearance within
15 % (seen: 887 s against SUMO's 921 s here; 972 s against 1,142 s with 4,800 people leaving
within 2 minutes, where SUMO's stripes pass fewer people per metre than Weidmann's peak).
"""

from __future__ import annotations

import numpy as np
import pytest

from jnrisk.evacuation import DepartureCurve, StreetCapacity, load_groups, shortest_routes
from jnrisk.evacuation.capacity import weidmann_max_flow

from .conftest import from_arcs
from .sumo_reference import grid_roads, pedestrian_walks, run_sumo, sumo_home

pytestmark = pytest.mark.skipif(sumo_home() is None, reason="eclipse-sumo not installed")

#: Stated agreement of the 95 % clearance times (relative to SUMO).
TOLERANCE = 0.15


def _walk_network(u, v, x, y):
    tails = np.concatenate([u, v])
    heads = np.concatenate([v, u])
    length = np.hypot(x[tails] - x[heads], y[tails] - y[heads])
    order = np.argsort(tails, kind="stable")
    road = np.concatenate([np.arange(u.size), np.arange(u.size)])[order]
    net = from_arcs(x.size, tails[order], heads[order], length[order])
    return net, road


def test_clearance_agrees_with_sumo(tmp_path):
    side, spacing, width = 8, 100.0, 3.0
    u, v, x, y = grid_roads(side, spacing)
    net, road = _walk_network(u, v, x, y)
    q, _ = weidmann_max_flow()
    cap = StreetCapacity.from_arrays(net, width * q, storage_persons=100.0 * width * 5.4)
    rng = np.random.default_rng(7)
    n_groups, per_group = 12, 300
    origin = rng.choice(np.arange(side, side * side - side), n_groups, replace=False)
    target = np.where(origin % side < side // 2, 0, side * side - 1)
    persons = np.full(n_groups, float(per_group))
    dep = DepartureCurve.from_table([0.0, 300.0], [1.0])  # evenly over 5 minutes
    res = load_groups(net, cap, origin, target, persons, departure=dep, dt_s=5.0,
                      output_interval_s=5.0)
    ptr, arcs, _ = shortest_routes(net, origin, target)
    walks, depart = pedestrian_walks(ptr, arcs, road, per_group, 300.0)
    arrival = run_sumo(tmp_path / "sumo", u, v, x, y, width, walks, depart)
    assert np.isfinite(arrival).all(), "SUMO left pedestrians on the way"
    sumo_95 = float(np.quantile(arrival, 0.95))
    ours_95 = res.clearance_95_s
    print(f"95 % clearance: jnrisk {ours_95:.0f} s, SUMO {sumo_95:.0f} s")
    assert abs(ours_95 - sumo_95) <= TOLERANCE * sumo_95
