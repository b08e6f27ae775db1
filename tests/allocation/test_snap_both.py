"""Allocation snaps both layers in one call: the same nodes as scipy's KD-tree."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from scipy.spatial import cKDTree

from jnrisk.allocation.allocate import _snap_both
from jnrisk.network import RoadNetwork


def test_snap_both_matches_kdtree(rng):
    crs = "EPSG:4548"
    x, y = rng.integers(0, 20, 300) * 50.0, rng.integers(0, 20, 300) * 50.0  # ties
    net = RoadNetwork.from_csr(np.zeros(301, np.int64), [], [], x=x, y=y, crs=crs)
    pop = gpd.GeoDataFrame(
        geometry=shapely.points(rng.integers(0, 40, 500) * 25.0, rng.uniform(0, 1000, 500)),
        crs=crs,
    )
    shel = gpd.GeoDataFrame(geometry=shapely.points(rng.uniform(0, 1000, (20, 2))), crs=crs)
    got = _snap_both(net, pop, shel, 5000.0)
    xy = np.concatenate([shapely.get_coordinates(pop.geometry), shapely.get_coordinates(shel.geometry)])
    dist, node = cKDTree(np.column_stack([x, y])).query(xy, k=1)
    np.testing.assert_array_equal(np.concatenate([got[0][0], got[1][0]]), node)
    np.testing.assert_array_equal(np.concatenate([got[0][1], got[1][1]]), dist)
