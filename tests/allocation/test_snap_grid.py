"""The bucket-grid nearest node (allocation's snapping) against scipy's KD-tree."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree

from jnrisk.allocation import _kernels
from jnrisk.allocation.allocate import _snap_both, _snap_points_both

LAYOUTS = ["uniform", "integer_grid", "line", "one_spot", "cluster_and_outlier", "projected"]


def layout(rng, kind, n, m):
    if kind == "uniform":
        x, y = rng.uniform(0, 1000, n), rng.uniform(0, 1000, n)
    elif kind == "integer_grid":  # many exact ties
        x, y = rng.integers(0, 10, n) * 100.0, rng.integers(0, 10, n) * 100.0
    elif kind == "line":
        x, y = rng.uniform(0, 1000, n), np.full(n, 5.0)
    elif kind == "one_spot":  # every node at the same place
        x, y = np.full(n, 3.0), np.full(n, 4.0)
    elif kind == "cluster_and_outlier":
        x = np.append(rng.normal(0, 10, n - 1), 1e5)
        y = np.append(rng.normal(0, 10, n - 1), -1e5)
    else:  # EPSG:4548-like magnitudes, a thin strip
        x, y = 5e5 + rng.uniform(0, 3e4, n), 4e6 + rng.uniform(0, 100, n)
    if kind == "integer_grid":
        qx, qy = rng.integers(-2, 12, m) * 50.0, rng.integers(-2, 12, m) * 50.0
    else:
        qx = rng.uniform(x.min() - 500, x.max() + 500, m)
        qy = rng.uniform(y.min() - 500, y.max() + 500, m)
        qx[0] = x.max() + 1e6  # far outside: left to the KD-tree
    return x, y, qx, qy


@pytest.mark.parametrize("kind", LAYOUTS)
@pytest.mark.parametrize("n", [1, 2, 40, 700])
def test_grid_matches_kdtree(rng, kind, n):
    x, y, qx, qy = layout(rng, kind, n, 300)
    node, dist, open_ = _kernels.nearest_node_grid(x, y, qx, qy)
    d, i = cKDTree(np.column_stack([x, y])).query(np.column_stack([qx, qy]), k=1)
    done = ~open_
    # bit-identical distances, same nodes wherever the grid answers itself
    np.testing.assert_array_equal(dist[done], d[done])
    np.testing.assert_array_equal(node[done], i[done])
    # an exact tie is always left to the tree
    d2 = (qx[:, None] - x[None, :]) ** 2 + (qy[:, None] - y[None, :]) ** 2
    ties = (d2 == d2.min(axis=1, keepdims=True)).sum(axis=1) > 1
    assert not (ties & done).any()


def test_snap_both_matches_snap_points(rng):
    crs = "EPSG:4548"
    from jnrisk.network import RoadNetwork

    x, y = rng.integers(0, 20, 300) * 50.0, rng.integers(0, 20, 300) * 50.0  # ties
    net = RoadNetwork.from_csr(np.zeros(301, np.int64), [], [], x=x, y=y, crs=crs)
    pop = gpd.GeoDataFrame(
        geometry=shapely.points(rng.integers(0, 40, 500) * 25.0, rng.uniform(0, 1000, 500)),
        crs=crs,
    )
    shel = gpd.GeoDataFrame(geometry=shapely.points(rng.uniform(0, 1000, (20, 2))), crs=crs)
    got = _snap_both(net, pop, shel, 5000.0)
    node, dist = _snap_points_both(net, pop, shel, 5000.0)
    np.testing.assert_array_equal(np.concatenate([got[0][0], got[1][0]]), node)
    np.testing.assert_array_equal(np.concatenate([got[0][1], got[1][1]]), dist)
