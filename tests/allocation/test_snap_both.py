"""Allocation snaps both layers in one call: the same nodes as scipy's KD-tree."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
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


@pytest.mark.parametrize("mode", ["walk", None])  # shelters' rows as they are / reversed
def test_block_on_a_shelter_node_keeps_its_zero_metre_arc(mode):
    from jnrisk.allocation.allocate import _walk_costs

    # 0 -100- 1 -100- 2 (both directions); one shelter on node 1
    net = RoadNetwork.from_csr([0, 1, 3, 4], [1, 0, 2, 1], [100.0] * 4, mode=mode)
    block_node = np.array([1, 0, 2, 1])
    block_snap = np.array([0.0, 3.0, 0.5, 7.25])
    walk = _walk_costs(net, block_node, block_snap, np.array([1]), np.array([1.5]), 150.0, None)
    assert walk.indptr.tolist() == [0, 1, 2, 3, 4] and walk.indices.tolist() == [0, 0, 0, 0]
    # snap + network + snap, exactly (no rounding detour through the sparse transpose)
    assert walk.data.tolist() == [0.0 + 0.0 + 1.5, 3.0 + 100.0 + 1.5, 0.5 + 100.0 + 1.5, 7.25 + 1.5]
