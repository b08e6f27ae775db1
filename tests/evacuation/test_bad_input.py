"""Bad input is refused before any work, naming the arc, group or parameter and the fix."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from jnrisk._errors import ConfigError, DataError, JnriskWarning
from jnrisk.evacuation import (
    DepartureCurve,
    StreetCapacity,
    load_groups,
    street_capacities,
)
from jnrisk.network import network_from_roads

from .conftest import chain


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_zero_or_negative_capacity_names_the_arc(bad):
    net = chain([100.0, 100.0, 100.0])
    with pytest.raises(DataError, match=r"capacity_pps .*arc row \[1\]"):
        StreetCapacity.from_arrays(net, [1.0, bad, 1.0])


def test_zero_storage_names_the_arc():
    net = chain([100.0, 100.0])
    with pytest.raises(DataError, match=r"storage_persons .*arc row \[0\]"):
        StreetCapacity.from_arrays(net, 1.0, storage_persons=[0.0, 5.0])


def test_zero_width_in_the_roads_names_the_road():
    roads = gpd.GeoDataFrame(
        {"u": [1, 2], "v": [2, 3], "walk_width_m": [3.0, 0.0]},
        geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (200, 0)])],
        crs="EPSG:4548", index=[10, 11])
    net = network_from_roads(roads)
    with pytest.raises(DataError, match=r"'walk_width_m'.*row \[11\]"):
        street_capacities(net, roads)


@pytest.mark.parametrize("shares", [[0.5, 0.4], [0.7, 0.7]])
def test_departure_table_must_sum_to_one(shares):
    with pytest.raises(ConfigError, match="sum to"):
        DepartureCurve.from_table([0, 60, 120], shares)


def test_departure_curve_must_reach_one():
    with pytest.raises(ConfigError, match="not 1"):
        DepartureCurve(np.array([0.0, 60.0]), np.array([0.0, 0.8]))


def test_time_step_too_coarse_for_the_shortest_arc_names_it():
    net = chain([134.0, 13.4, 134.0])  # arc 1 takes 10 s
    cap = StreetCapacity.from_arrays(net, 1.0)
    with pytest.raises(ConfigError, match=r"dt_s=30 s .*arc 1 .*10 s.*dt_s <= 10"):
        load_groups(net, cap, [0], [3], [10.0], dt_s=30.0)
    # the default step is chosen short enough
    assert load_groups(net, cap, [0], [3], [10.0]).dt_s == pytest.approx(10.0)


def test_unreachable_shelter_is_reported_as_stranded_not_dropped():
    net = chain([134.0, 134.0])
    cap = StreetCapacity.from_arrays(net, 1.0, closed=[False, True])
    with pytest.warns(JnriskWarning, match="cannot reach"):
        res = load_groups(net, cap, [0, 0], [2, 1], [30.0, 20.0], dt_s=5.0)
    assert res.stranded_persons == 30.0
    assert res.stranded["persons"].tolist() == [30.0]
    assert res.total_persons == 50.0 and res.routed_persons == 20.0
    assert res.summary()["stranded_persons"] == 30.0


def test_roads_without_width_use_defaults_and_say_so():
    roads = gpd.GeoDataFrame(
        {"u": [1, 2], "v": [2, 3], "road_class": ["primary", "footway"]},
        geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (200, 0)])],
        crs="EPSG:4548")
    net = network_from_roads(roads)
    with pytest.warns(JnriskWarning, match=r"4 of 4 arcs .*road-class default"):
        cap = street_capacities(net, roads)
    assert cap.n_default_arcs == 4
    assert cap.default_classes == {"footway": 2, "primary": 2}
    # a measured width on one road: only the other one's arcs are defaults
    roads["walk_width_m"] = [np.nan, 2.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert street_capacities(net, roads).n_default_arcs == 2


def test_capacity_of_another_network_is_refused():
    net = chain([100.0, 100.0])
    other = chain([100.0])
    with pytest.raises(DataError, match="StreetCapacity of this network"):
        load_groups(net, StreetCapacity.from_arrays(other, 1.0), [0], [2], [1.0])


def test_negative_persons_names_the_group():
    net = chain([100.0])
    with pytest.raises(DataError, match=r"persons .*group row \[1\]"):
        load_groups(net, StreetCapacity.from_arrays(net, 1.0), [0, 0], [1, 1], [1.0, -2.0])


def test_roads_must_be_the_table_the_network_came_from():
    from jnrisk._errors import SchemaError

    roads = gpd.GeoDataFrame({"u": [1], "v": [2]}, geometry=[LineString([(0, 0), (100, 0)])],
                             crs="EPSG:4548")
    net = network_from_roads(roads)
    with pytest.raises(SchemaError, match="roads must be"):
        street_capacities(net, None)
    two = pd.concat([roads, roads.assign(u=2, v=3)], ignore_index=True)
    with pytest.raises(DataError, match="not built from these roads"):
        street_capacities(net, two)


def test_raw_network_needs_capacities_from_arrays():
    with pytest.raises(ConfigError, match="StreetCapacity.from_arrays"):
        street_capacities(chain([10.0]), None)
