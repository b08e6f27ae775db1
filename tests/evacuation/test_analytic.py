"""The loading model against closed-form answers: corridor, bottleneck merge, decoupled parts."""

from __future__ import annotations

import numpy as np
import pytest

from jnrisk.evacuation import DepartureCurve, StreetCapacity, load_groups

from .conftest import chain, from_arcs


@pytest.mark.parametrize(
    ("lengths", "cap_pps", "persons", "dt"),
    [
        ([134.0], 1.0, 60.0, 1.0),
        ([134.0, 67.0, 201.0], 2.5, 500.0, 5.0),
        ([100.0, 100.0], 0.7, 33.0, 3.0),  # free-flow times not multiples of the step
    ],
)
def test_corridor_clearance_is_free_flow_time_plus_n_over_capacity(lengths, cap_pps, persons, dt):
    net = chain(lengths)
    cap = StreetCapacity.from_arrays(net, cap_pps)
    res = load_groups(net, cap, [0], [len(lengths)], [persons], dt_s=dt)
    expected = sum(lengths) / 1.34 + persons / cap_pps
    assert res.status == "cleared"
    assert res.clearance_100_s == pytest.approx(expected, abs=dt)
    # the front arrives after the free-flow time, then the arrivals come at capacity
    assert res.arrived_share[-1] == pytest.approx(1.0)
    assert res.routed_persons == persons


def test_corridor_with_a_narrow_middle_is_limited_by_the_narrowest_arc():
    net = chain([134.0, 134.0, 134.0])
    cap = StreetCapacity.from_arrays(net, [3.0, 1.0, 3.0], storage_persons=1e9)
    res = load_groups(net, cap, [0], [3], [300.0], dt_s=2.0)
    assert res.clearance_100_s == pytest.approx(300.0 + 300.0 / 1.0, abs=2.0)
    q = res.arcs.set_index("arc")["peak_queue_persons"]
    # the queue stands in front of the narrow arc, on the arc feeding it
    assert q[0] > 100 and q[2] < 1.0


def test_merge_of_two_corridors_follows_the_bottleneck_law():
    # 0 -> 2 and 1 -> 2 (134 m, 2 p/s each) merge into 2 -> 3 (268 m, 1.5 p/s)
    net = from_arcs(4, [0, 1, 2], [2, 2, 3], [134.0, 134.0, 268.0])
    cap = StreetCapacity.from_arrays(net, [2.0, 2.0, 1.5])
    res = load_groups(net, cap, [0, 1], [3, 3], [200.0, 100.0], dt_s=1.0)
    # both streams reach the merge after 100 s; the merge arc then passes 1.5 p/s without a
    # break: T = 100 s + 300 persons / 1.5 p/s + 200 s
    assert res.clearance_100_s == pytest.approx(100.0 + 300.0 / 1.5 + 200.0, abs=1.0)
    # a proportional merge: the two upstream queues empty at about the same time
    last = res.group_last_arrival_s
    assert abs(last[0] - last[1]) < 0.5 * 300.0 / 1.5


def test_merge_without_overload_has_no_queue():
    net = from_arcs(4, [0, 1, 2], [2, 2, 3], [134.0, 134.0, 268.0])
    cap = StreetCapacity.from_arrays(net, [1.0, 1.0, 5.0])
    res = load_groups(net, cap, [0, 1], [3, 3], [100.0, 100.0], dt_s=1.0)
    assert res.clearance_100_s == pytest.approx(300.0 + 100.0, abs=1.0)
    assert res.arcs.set_index("arc").loc[2, "peak_queue_persons"] < 1.0


def test_decoupled_subnetworks_add_up():
    a = ([0, 1], [1, 2], [134.0, 134.0])
    b = ([0, 1, 1], [1, 2, 3], [67.0, 268.0, 40.0])
    net_a = from_arcs(3, *a)
    net_b = from_arcs(4, *b)
    net_ab = from_arcs(7, a[0] + [t + 3 for t in b[0]], a[1] + [h + 3 for h in b[1]],
                       a[2] + b[2])
    cap_a = [1.0, 2.0]
    cap_b = [3.0, 0.5, 1.0]
    curve = DepartureCurve.rayleigh(300.0)
    kw = dict(dt_s=2.0, departure=curve)
    ra = load_groups(net_a, StreetCapacity.from_arrays(net_a, cap_a), [0], [2], [150.0], **kw)
    rb = load_groups(net_b, StreetCapacity.from_arrays(net_b, cap_b), [0, 0], [2, 3],
                     [80.0, 40.0], **kw)
    rab = load_groups(net_ab, StreetCapacity.from_arrays(net_ab, cap_a + cap_b), [0, 3, 3],
                      [2, 5, 6], [150.0, 80.0, 40.0], **kw)
    n = max(ra.time_s.size, rb.time_s.size)

    def counts(r):
        c = r.arrived_share * r.routed_persons
        return np.concatenate([c, np.full(n - c.size, c[-1])])[:n]

    assert np.allclose(counts(rab)[:n], counts(ra) + counts(rb), atol=1e-6)
    assert rab.clearance_100_s == pytest.approx(max(ra.clearance_100_s, rb.clearance_100_s))
    assert np.allclose(rab.group_last_arrival_s,
                       np.concatenate([ra.group_last_arrival_s, rb.group_last_arrival_s]))


def test_spill_back_blocks_the_upstream_arc():
    # a short arc that holds 20 persons in front of a slow exit: its queue spills back
    net = chain([134.0, 13.4, 134.0])
    cap = StreetCapacity.from_arrays(net, [4.0, 4.0, 0.5], storage_persons=[1e9, 20.0, 1e9])
    res = load_groups(net, cap, [0], [3], [100.0], dt_s=1.0)
    q = res.arcs.set_index("arc")["peak_queue_persons"]
    assert q[1] <= 20.0 + 1e-9
    assert q[0] > 50.0  # the crowd waits upstream of the full short arc
    assert res.clearance_100_s == pytest.approx(100 + 10 + 100 + 100 / 0.5, abs=2.0)


def test_departure_curve_delays_the_arrivals_by_its_shape():
    net = chain([134.0])
    cap = StreetCapacity.from_arrays(net, 100.0)
    table = DepartureCurve.from_table([0, 600, 1200], [0.5, 0.5])
    res = load_groups(net, cap, [0], [1], [1000.0], departure=table, dt_s=10.0,
                     output_interval_s=100.0)
    # ample capacity: arrivals = departures shifted by the 100 s walk
    share_at = dict(zip(res.time_s, res.arrived_share, strict=False))
    assert share_at[700.0] == pytest.approx(0.5, abs=0.02)
    assert res.clearance_100_s == pytest.approx(1200 + 100, abs=10.0)


def test_origin_on_the_shelter_node_arrives_at_departure():
    net = chain([134.0])
    cap = StreetCapacity.from_arrays(net, 1.0)
    res = load_groups(net, cap, [1, 0], [1, 1], [10.0, 5.0], dt_s=1.0)
    assert res.group_last_arrival_s[0] == 0.0
    assert res.clearance_100_s == pytest.approx(105.0, abs=1.0)


def test_drive_network_routes_by_time_and_uses_vehicle_capacity():
    import geopandas as gpd
    from shapely.geometry import LineString

    from jnrisk.evacuation import street_capacities
    from jnrisk.network import network_from_roads

    # a short slow road and a long fast road from node 1 to node 3: cars take the fast one
    roads = gpd.GeoDataFrame(
        {"u": [1, 2, 1, 4], "v": [2, 3, 4, 3], "road_class": ["residential"] * 2 + ["primary"] * 2,
         "speed_kmh": [10.0, 10.0, 60.0, 60.0], "lanes": [2, 2, 2, 2], "oneway": [True] * 4},
        geometry=[LineString([(0, 0), (500, 0)]), LineString([(500, 0), (1000, 0)]),
                  LineString([(0, 0), (500, 600)]), LineString([(500, 600), (1000, 0)])],
        crs="EPSG:4548")
    net = network_from_roads(roads, "drive")
    cap = street_capacities(net, roads, persons_per_vehicle=1.0)
    o, t = int(np.searchsorted(net.node_id, 1)), int(np.searchsorted(net.node_id, 3))
    res = load_groups(net, cap, [o], [t], [100.0], weight="time_s", dt_s=5.0)
    fast_s = 2 * np.hypot(500, 600) / (60 / 3.6)
    # two lanes one way: 3,600 vehicles/h = 1 per second
    assert res.clearance_100_s == pytest.approx(fast_s + 100.0, abs=5.0)
