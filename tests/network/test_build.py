"""network_from_roads: topology, modes, weights, closures by road row, bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from jnrisk import ConfigError, CRSError, DataError, JnriskWarning, SchemaError
from jnrisk.network import DEFAULT_SPEED_KMH, network_from_roads

from .reference import scipy_distances

CRS = "EPSG:4548"
X0, Y0 = 500_000.0, 4_050_000.0


def make_roads(rows, crs=CRS):
    """rows: (u, v, [(x, y), ...] relative to (X0, Y0), extra-dict)."""
    data = []
    geoms = []
    for u, v, pts, extra in rows:
        data.append({"u": u, "v": v, **extra})
        geoms.append(LineString([(X0 + x, Y0 + y) for x, y in pts]))
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=geoms, crs=crs)


@pytest.fixture
def small_roads():
    # square 1-2-3-4 (100 m sides) plus a diagonal footway 1-3 and a one-way 2->3
    return make_roads(
        [
            (1, 2, [(0, 0), (100, 0)], {"road_class": "residential", "oneway": False}),
            (2, 3, [(100, 0), (100, 100)], {"road_class": "primary", "oneway": True}),
            (3, 4, [(100, 100), (0, 100)], {"road_class": "residential", "oneway": False}),
            (4, 1, [(0, 100), (0, 0)], {"road_class": "residential", "oneway": False}),
            (1, 3, [(0, 0), (100, 100)], {"road_class": "footway", "oneway": False}),
        ]
    )


def test_walk_and_drive_topology(small_roads):
    walk = network_from_roads(small_roads, "walk")
    drive = network_from_roads(small_roads, "drive")
    assert walk.n_nodes == 4 and walk.n_arcs == 10 and walk.n_edges == 5
    assert drive.n_arcs == 7  # footway dropped, 2->3 one way
    assert walk.node_id.tolist() == [1, 2, 3, 4]
    i3 = 2
    dw = walk.distances([i3]).toarray()[0]
    assert dw[0] == pytest.approx(np.hypot(100, 100))  # via the footway
    dd = drive.distances([i3]).toarray()[0]
    assert dd[1] == pytest.approx(300.0)  # 3 -> 2 must go round: 3-4-1-2
    assert drive.distances([1]).toarray()[0][2] == pytest.approx(100.0)
    # arc_edge points at input row positions
    assert set(walk.arc_edge.tolist()) == {0, 1, 2, 3, 4}
    assert set(drive.arc_edge.tolist()) == {0, 1, 2, 3}


def test_time_s_from_speed_and_defaults(small_roads):
    roads = small_roads.assign(speed_kmh=[36.0, np.nan, 36.0, 36.0, np.nan])
    drive = network_from_roads(roads, "drive")
    arc = np.flatnonzero(drive.arc_edge == 1)[0]  # primary, speed NaN -> class default
    assert drive.time_s[arc] == pytest.approx(100.0 / (DEFAULT_SPEED_KMH["primary"] / 3.6))
    arc0 = np.flatnonzero(drive.arc_edge == 0)[0]
    assert drive.time_s[arc0] == pytest.approx(10.0)  # 100 m at 10 m/s
    fast = network_from_roads(roads, "drive", speed_kmh_by_class={"primary": 72.0})
    assert fast.time_s[arc] == pytest.approx(5.0)
    walk = network_from_roads(roads, "walk", walk_speed_m_s=0.8)
    np.testing.assert_allclose(walk.time_s, walk.weight_m / 0.8)
    d = drive.distances([0], 15.0, weight="time_s")
    assert d.shape == (1, 4)


def test_reversed_drive_network(small_roads):
    drive = network_from_roads(small_roads, "drive")
    rev = drive.reversed()
    # to node 3 (index 2) from node 2 (index 1): 100 m on the one-way 2 -> 3
    assert rev.distances([2]).toarray()[0][1] == pytest.approx(100.0)
    assert drive.distances([2]).toarray()[0][1] == pytest.approx(300.0)
    closed = rev.distances([2], closed_edges=[1]).toarray()[0]
    assert closed[1] == pytest.approx(300.0)  # the one-way closed: round the block
    np.testing.assert_allclose(rev.time_s.sum(), drive.time_s.sum())


def test_closed_edges_by_row(small_roads):
    walk = network_from_roads(small_roads, "walk")
    before = walk.distances([0]).toarray()[0]
    closed = np.zeros(5, bool)
    closed[4] = True  # the diagonal footway
    after = walk.distances([0], closed_edges=closed).toarray()[0]
    assert before[2] == pytest.approx(np.hypot(100, 100)) and after[2] == pytest.approx(200.0)
    same = walk.distances([0], closed_edges=[4]).toarray()[0]
    np.testing.assert_array_equal(after, same)
    nearest, d = walk.nearest_source([0], closed_edges=[0, 3, 4])
    assert nearest.tolist() == [0, -1, -1, -1] and np.isinf(d[1:]).all()


def test_reversed_line_against_u_v_is_reported(small_roads):
    roads = small_roads.copy()
    roads.loc[2, "geometry"] = roads.geometry[2].reverse()
    with pytest.warns(JnriskWarning, match=r"rows \[[0-9, ]*2[0-9, ]*\].*100.0 m.*from u to v"):
        network_from_roads(roads, "walk")


def test_nullable_boolean_columns(small_roads):
    roads = small_roads.assign(oneway=pd.array([False, True, None, False, False], "boolean"))
    drive = network_from_roads(roads, "drive")
    assert drive.n_arcs == 7  # missing oneway = two-way


def test_pedestrian_false_dropped_in_walk_mode(small_roads):
    roads = small_roads.assign(pedestrian=[True, False, True, True, True])
    walk = network_from_roads(roads, "walk")
    assert 1 not in walk.arc_edge.tolist() and walk.n_arcs == 8


def test_parallel_edges_keep_shortest_and_self_loops_dropped():
    roads = make_roads(
        [
            (1, 2, [(0, 0), (50, 40), (100, 0)], {}),  # longer
            (1, 2, [(0, 0), (100, 0)], {}),  # shorter: kept
            (2, 2, [(100, 0), (120, 10), (100, 0)], {}),  # self-loop
        ]
    )
    net = network_from_roads(roads, "walk")
    assert net.n_arcs == 2 and set(net.arc_edge.tolist()) == {1}
    assert net.weight_m.tolist() == pytest.approx([100.0, 100.0])
    assert net.build_info["parallel_arcs_dropped"] == 2
    assert net.build_info["self_loops_dropped"] == 1


def test_nodes_from_coordinates_without_ids():
    rng = np.random.default_rng(3)
    # endpoints jittered by < 5 mm must merge with the default 0.01 m tolerance
    j = lambda: rng.uniform(-0.004, 0.004, 2)  # noqa: E731
    pts = [(0, 0), (100, 0), (100, 100), (0, 100)]
    geoms = [
        LineString([np.add((X0, Y0), pts[i]) + j(), np.add((X0, Y0), pts[(i + 1) % 4]) + j()])
        for i in range(4)
    ]
    roads = gpd.GeoDataFrame({"road_class": ["residential"] * 4}, geometry=geoms, crs=CRS)
    net = network_from_roads(roads, "walk")
    assert net.n_nodes == 4 and net.n_arcs == 8
    assert net.component_summary()["n_components"] == 1
    with pytest.warns(JnriskWarning, match="4 connected components"):
        tight = network_from_roads(roads, "walk", node_tolerance_m=0.0)
    assert tight.n_nodes == 8


def test_length_from_geometry_matches_scipy(rng):
    # a random planar-ish graph: distances equal scipy on the built arrays
    n = 60
    xy = rng.uniform(0, 2000, (n, 2))
    u = rng.integers(0, n, 200)
    v = rng.integers(0, n, 200)
    geoms = [LineString([(X0 + xy[a, 0], Y0 + xy[a, 1]), (X0 + xy[b, 0], Y0 + xy[b, 1])])
             for a, b in zip(u, v, strict=True)]
    roads = gpd.GeoDataFrame({"u": u, "v": v, "oneway": rng.random(200) < 0.3},
                             geometry=geoms, crs=CRS)
    for mode in ("walk", "drive"):
        net = network_from_roads(roads, mode, on_disconnected="ignore")
        sources = rng.integers(0, net.n_nodes, 5)
        D = net.distances(sources, 1500.0).toarray()
        ref = scipy_distances(net.indptr, net.indices, net.weight_m, net.n_nodes, sources, 1500.0)
        np.testing.assert_allclose(np.where(np.isfinite(ref), ref, 0), D, atol=1e-9)


def test_input_not_modified(small_roads):
    before = small_roads.copy()
    network_from_roads(small_roads, "drive")
    pd.testing.assert_frame_equal(small_roads, before)


def test_multilinestring_rows():
    geoms = [
        MultiLineString([[(X0, Y0), (X0 + 50, Y0)], [(X0 + 50, Y0), (X0 + 100, Y0)]]),
        LineString([(X0 + 100, Y0), (X0 + 100, Y0 + 30)]),
    ]
    net = network_from_roads(gpd.GeoDataFrame(geometry=geoms, crs=CRS), "walk")
    assert net.n_nodes == 3
    assert net.distances([0]).toarray()[0].max() == pytest.approx(130.0)


def test_disconnected_network_is_reported(small_roads):
    far = make_roads([(8, 9, [(5000, 0), (5100, 0)], {"road_class": "residential"})])
    roads = pd.concat([small_roads, far], ignore_index=True)
    with pytest.warns(JnriskWarning, match=r"2 connected components.*4 of 6 nodes"):
        net = network_from_roads(roads, "walk")
    assert net.summary()["n_components"] == 2
    with pytest.raises(DataError, match="2 connected components"):
        network_from_roads(roads, "walk", on_disconnected="raise")


def test_bad_geometry_and_schema(small_roads):
    poly = small_roads.copy()
    poly.loc[2, "geometry"] = Polygon([(X0, Y0), (X0 + 1, Y0), (X0, Y0 + 1)])
    with pytest.raises(SchemaError, match=r"Polygon.*row \[2\]"):
        network_from_roads(poly, "walk")
    pts = small_roads.copy()
    pts.loc[0, "geometry"] = Point(X0, Y0)
    with pytest.raises(SchemaError, match=r"\['Point'\] at row \[0\]"):
        network_from_roads(pts, "walk")
    with pytest.raises(SchemaError, match="'v'"):
        network_from_roads(small_roads.drop(columns="v"), "walk")
    with pytest.raises(SchemaError, match="GeoDataFrame"):
        network_from_roads(pd.DataFrame(small_roads.drop(columns="geometry")), "walk")
    no_geom = gpd.GeoDataFrame(small_roads.drop(columns="geometry"))
    with pytest.raises(SchemaError, match="no active geometry column"):
        network_from_roads(no_geom, "walk")
    with pytest.raises(ConfigError, match=r"\['walk', 'drive'\]"):
        network_from_roads(small_roads, "bike")
    with pytest.raises(SchemaError, match="'oneway' must be boolean"):
        network_from_roads(small_roads.assign(oneway="maybe"), "drive")


def test_bad_lengths_name_column_and_rows(small_roads):
    with pytest.raises(DataError, match=r"'length_m' has NaN.*row \[3\]"):
        network_from_roads(small_roads.assign(length_m=[1.0, 2.0, 3.0, np.nan, 5.0]), "walk")
    with pytest.raises(DataError, match=r"'length_m' has negative values at row \[1\]"):
        network_from_roads(small_roads.assign(length_m=[1.0, -2.0, 3.0, 4.0, 5.0]), "walk")
    with pytest.raises(DataError, match="'speed_kmh' is 0"):
        network_from_roads(small_roads.assign(speed_kmh=0.0), "drive")


def test_empty_and_crs_errors(small_roads):
    with pytest.raises(DataError, match="0 rows"):
        network_from_roads(small_roads.iloc[:0], "walk")
    with pytest.raises(CRSError, match="geographic"):
        network_from_roads(small_roads.to_crs("EPSG:4326"), "walk")
    with pytest.raises(CRSError, match="no CRS"):
        network_from_roads(small_roads.set_crs(None, allow_override=True), "walk")
    # lon/lat numbers labelled with a metric CRS
    degrees = gpd.GeoDataFrame(
        {"u": [1], "v": [2]},
        geometry=[LineString([(117.0, 36.6), (117.001, 36.6)])],
        crs=CRS,
    )
    with pytest.raises(CRSError, match="look like degrees"):
        network_from_roads(degrees, "walk")
    footways = small_roads.assign(road_class="footway")
    with pytest.raises(DataError, match="no usable roads for mode='drive'"):
        network_from_roads(footways, "drive")
