"""Bad input to the network engine and to the functions that take a network: each gives a
JnriskError that names the culprit, before any work starts."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from jnrisk import ConfigError, CRSError, DataError, SchemaError
from jnrisk.network import RoadNetwork, network_from_roads, require_network, snap_points

from .test_build import X0, Y0, make_roads

CRS = "EPSG:4548"


@pytest.fixture
def roads():
    return make_roads(
        [
            (1, 2, [(0, 0), (100, 0)], {"road_class": "residential"}),
            (2, 3, [(100, 0), (100, 50), (100, 100)], {"road_class": "primary"}),
            (3, 1, [(100, 100), (0, 0)], {"road_class": "residential"}),
        ]
    )


@pytest.fixture
def net(roads):
    return network_from_roads(roads, "walk")


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("ids", [True, False])
@pytest.mark.parametrize("where", ["end", "middle"])
def test_non_finite_vertex_names_the_row(roads, bad, ids, where):
    rows = roads if ids else roads.drop(columns=["u", "v"])
    rows = rows.copy()
    pts = [(X0 + 100, Y0), (X0 + 100, Y0 + 50), (X0 + 100, Y0 + 100)]
    k = 2 if where == "end" else 1
    pts[k] = (bad, pts[k][1])
    rows.loc[1, "geometry"] = LineString(pts)
    with pytest.raises(DataError, match=r"NaN or infinite vertex coordinates at row \[1\]"):
        network_from_roads(rows, "walk")


def test_degrees_labelled_as_metres_without_ids_is_a_crs_error():
    lines = [LineString([(117.0 + 0.001 * i, 36.6), (117.0 + 0.001 * (i + 1), 36.6)])
             for i in range(5)]
    degrees = gpd.GeoDataFrame(geometry=lines, crs=CRS)
    with pytest.raises(CRSError, match="look like degrees") as exc:
        network_from_roads(degrees, "walk")
    assert "self-loop" not in str(exc.value)
    with pytest.raises(CRSError, match="look like degrees"):
        RoadNetwork.from_csr([0, 1, 1], [1], [1.0], x=[117.0, 117.001], y=[36.6, 36.6], crs=CRS)


def _points(n=2):
    return gpd.GeoDataFrame(
        {"persons": [10] * n, "capacity_persons": [5] * n, "class": ["emergency"] * n,
         "town_id": [0] * n},
        geometry=[Point(X0 + 10 * i, Y0) for i in range(n)], crs=CRS,
    )


def _calls():
    from jnrisk.allocation import allocate_shelters
    from jnrisk.rescue import drive_time_coverage
    from jnrisk.shelters.coverage import shelter_coverage, walking_costs

    pts = _points()
    return {
        "allocate_shelters": lambda n: allocate_shelters(pts, pts, n),
        "walking_costs": lambda n: walking_costs(n, pts, pts, cutoff_m=500.0),
        "shelter_coverage": lambda n: shelter_coverage(pts, pts, n),
        "drive_time_coverage": lambda n: drive_time_coverage(n, pts, pts, pts),
        "snap_points": lambda n: snap_points(n, pts),
    }


@pytest.mark.parametrize("func", list(_calls()))
@pytest.mark.parametrize("network", [None, "roads", 3])
def test_not_a_network_is_named(func, network, roads):
    value = roads if network == "roads" else network
    with pytest.raises(ConfigError, match=r"(network|net) must be a RoadNetwork, got") as exc:
        _calls()[func](value)
    if network is None:
        assert "got None" in str(exc.value)
    if network == "roads":
        assert "GeoDataFrame" in str(exc.value) and "network_from_roads" in str(exc.value)


def test_require_network_returns_the_network(net):
    assert require_network(net) is net


@pytest.mark.parametrize("cutoff", ["far", None, True, [100.0]])
def test_non_numeric_cutoffs(net, cutoff):
    for call in (lambda: net.distances([0], cutoff), lambda: net.nearest_source([0], cutoff),
                 lambda: net.od_costs([0], [1], cutoff)):
        with pytest.raises(ConfigError, match=r"cutoff(_m)?="):
            call()


def test_walking_costs_string_cutoff(net):
    from jnrisk.shelters.coverage import walking_costs

    pts = _points()
    with pytest.raises(ConfigError, match="cutoff_m must be a number.*'far'"):
        walking_costs(net, pts, pts, cutoff_m="far")


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"walk_speed_m_s": "fast"}, "walk_speed_m_s must be a number.*'fast'"),
        ({"walk_speed_m_s": 0.0}, "walk_speed_m_s = 0.0 is out of range"),
        ({"walk_speed_m_s": np.nan}, "walk_speed_m_s must be a finite number.*nan"),
        ({"speed_kmh_by_class": {"primary": "fast"}}, r"speed_kmh_by_class\['primary'\] must be a number.*'fast'"),
        ({"speed_kmh_by_class": {"primary": -5}}, r"speed_kmh_by_class\['primary'\] = -5.* out of range"),
        ({"speed_kmh_by_class": "fast"}, "speed_kmh_by_class='fast'"),
        ({"node_tolerance_m": "1 m"}, "node_tolerance_m must be a number.*'1 m'"),
        ({"node_tolerance_m": -1.0}, "node_tolerance_m = -1.0 is out of range"),
    ],
)
def test_bad_speeds_and_tolerances(roads, kwargs, text):
    with pytest.raises(ConfigError, match=text):
        network_from_roads(roads, "drive", **kwargs)


def test_string_speed_column(roads):
    with pytest.raises(SchemaError, match="'speed_kmh' has dtype"):
        network_from_roads(roads.assign(speed_kmh="fast"), "drive")


def test_snap_bad_max_snap(net):
    with pytest.raises(ConfigError, match="max_snap_m must be a number.*'far'"):
        snap_points(net, _points(), max_snap_m="far")
