"""Street capacities against the published diagram and the lane capacity."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from jnrisk.evacuation import (
    DEFAULT_WALK_WIDTH_M,
    StreetCapacity,
    street_capacities,
    weidmann_max_flow,
    weidmann_speed,
)
from jnrisk.network import network_from_roads


def test_weidmann_diagram_matches_the_published_values():
    # free speed at zero density, stop at 5.4 p/m², peak specific flow ~1.22 p/(m s)
    assert weidmann_speed(0.0) == pytest.approx(1.34)
    assert weidmann_speed(5.4) == 0.0
    q, k = weidmann_max_flow()
    assert 1.2 <= q <= 1.3
    assert 1.5 <= k <= 2.0
    # independent check: the flow on a fine grid never exceeds the maximum
    grid = np.linspace(0.01, 5.39, 20_000)
    assert (grid * weidmann_speed(grid)).max() == pytest.approx(q, rel=1e-6)


def _roads():
    return gpd.GeoDataFrame(
        {"u": [1, 2, 3], "v": [2, 3, 4], "road_class": ["primary", "residential", "footway"],
         "lanes": [4, 2, 1], "oneway": [False, True, False],
         "walk_width_m": [10.0, np.nan, np.nan]},
        geometry=[LineString([(0, 0), (500, 0)]), LineString([(500, 0), (800, 0)]),
                  LineString([(800, 0), (900, 0)])],
        crs="EPSG:4548")


def test_walk_capacity_is_width_times_peak_flow_and_storage_is_area_times_jam_density():
    roads = _roads()
    net = network_from_roads(roads, "walk")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cap = street_capacities(net, roads)
    q, _ = weidmann_max_flow()
    row = np.asarray(net.arc_edge)
    width = np.array([10.0, DEFAULT_WALK_WIDTH_M["residential"], DEFAULT_WALK_WIDTH_M["footway"]])
    assert np.allclose(cap.capacity_pps, width[row] * q)
    assert np.allclose(cap.storage_persons, np.asarray(net.weight_m) * width[row] * 5.4)
    assert np.allclose(cap.free_time_s, np.asarray(net.weight_m) / 1.34)
    assert cap.n_default_arcs == 4  # residential and footway, both directions


def test_drive_capacity_is_lanes_each_way_times_1800_per_hour():
    roads = _roads()
    net = network_from_roads(roads, "drive")
    cap = street_capacities(net, roads, persons_per_vehicle=1.0)
    row = np.asarray(net.arc_edge)
    lanes_each_way = np.array([2.0, 2.0, np.nan])[row]  # primary 4 two-way, residential one-way
    assert np.allclose(cap.capacity_pps, lanes_each_way * 1800.0 / 3600.0)
    assert np.allclose(cap.free_time_s, net.time_s)


def test_capacity_factor_and_closures_per_road_row():
    roads = _roads()
    net = network_from_roads(roads, "walk")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = street_capacities(net, roads)
        half = street_capacities(net, roads, capacity_factor=np.array([0.5, 1.0, 1.0]),
                                 closed_edges=[2])
    row = np.asarray(net.arc_edge)
    assert np.allclose(half.capacity_pps[row == 0], 0.5 * full.capacity_pps[row == 0])
    assert half.closed[row == 2].all() and not half.closed[row != 2].any()
    assert (half.capacity_pps[row == 2] == 0).all()


def test_from_arrays_broadcasts():
    net = network_from_roads(_roads(), "walk")
    c = StreetCapacity.from_arrays(net, 2.0, 100.0)
    assert c.capacity_pps.shape == (net.n_arcs,) and (c.storage_persons == 100.0).all()
