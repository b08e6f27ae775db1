"""snap_points: nearest node, distances, far points, CRS checks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from scipy.spatial.distance import cdist
from shapely.geometry import Point, Polygon

from jnrisk import ConfigError, CRSError, DataError, JnriskWarning, SchemaError
from jnrisk.network import RoadNetwork, snap_points

CRS = "EPSG:4548"


@pytest.fixture
def grid_net(rng):
    x, y = np.meshgrid(np.arange(10) * 100.0 + 500_000, np.arange(10) * 100.0 + 4_050_000)
    n = 100
    return RoadNetwork.from_csr(np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0),
                                x=x.ravel(), y=y.ravel(), crs=CRS)


def test_snap_matches_brute_force(grid_net, rng):
    xy = rng.uniform([500_000, 4_050_000], [500_900, 4_050_900], (50, 2))
    pts = gpd.GeoDataFrame({"a": np.arange(50)}, geometry=[Point(p) for p in xy], crs=CRS,
                           index=np.arange(50) * 10)
    snap = snap_points(grid_net, pts)
    d = cdist(xy, np.column_stack([grid_net.x, grid_net.y]))
    np.testing.assert_allclose(snap.snap_distance_m, d.min(axis=1))
    np.testing.assert_allclose(d[np.arange(50), snap.node], d.min(axis=1))
    assert not snap.too_far.any()
    frame = snap.to_frame()
    assert frame.index.equals(pts.index) and list(frame.columns) == [
        "node", "snap_distance_m", "too_far"]


def test_far_points_flagged_warned_or_raised(grid_net):
    pts = gpd.GeoDataFrame(geometry=[Point(500_050, 4_050_040), Point(520_000, 4_050_000)],
                           crs=CRS, index=["near", "far"])
    with pytest.warns(JnriskWarning, match=r"1 of 2 points.*\['far'\]"):
        snap = snap_points(grid_net, pts, max_snap_m=500.0)
    assert snap.too_far.tolist() == [False, True] and snap.node[1] >= 0
    with pytest.raises(DataError, match="outside the network's extent"):
        snap_points(grid_net, pts, on_far="raise")
    quiet = snap_points(grid_net, pts, on_far="ignore")
    assert quiet.too_far.tolist() == [False, True]
    with pytest.raises(ConfigError, match="on_far"):
        snap_points(grid_net, pts, on_far="drop")


def test_snap_bad_input(grid_net):
    pts = gpd.GeoDataFrame(geometry=[Point(500_000, 4_050_000)], crs=CRS)
    with pytest.raises(CRSError, match="geographic"):
        snap_points(grid_net, pts.to_crs("EPSG:4326"))
    with pytest.raises(CRSError, match="EPSG:32650"):
        snap_points(grid_net, pts.to_crs("EPSG:32650"))
    poly = gpd.GeoDataFrame(geometry=[Polygon([(0, 0), (1, 0), (0, 1)])], crs=CRS)
    with pytest.raises(SchemaError, match="representative_point"):
        snap_points(grid_net, poly)
    bare = RoadNetwork.from_csr([0, 0], [], [])
    with pytest.raises(CRSError, match="no node coordinates"):
        snap_points(bare, pts)
    empty = snap_points(grid_net, pts.iloc[:0])
    assert empty.node.size == 0
