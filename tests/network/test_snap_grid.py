"""The bucket-grid nearest node (all snapping) against scipy's KD-tree."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from jnrisk.network import _snap_kernels
from jnrisk.network.snap import nearest_nodes

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
    node, dist, open_ = _snap_kernels.nearest_node_grid(x, y, qx, qy)
    d, i = cKDTree(np.column_stack([x, y])).query(np.column_stack([qx, qy]), k=1)
    done = ~open_
    # bit-identical distances, same nodes wherever the grid answers itself
    np.testing.assert_array_equal(dist[done], d[done])
    np.testing.assert_array_equal(node[done], i[done])
    # an exact tie is always left to the tree
    d2 = (qx[:, None] - x[None, :]) ** 2 + (qy[:, None] - y[None, :]) ** 2
    ties = (d2 == d2.min(axis=1, keepdims=True)).sum(axis=1) > 1
    assert not (ties & done).any()


@pytest.mark.parametrize("kind", LAYOUTS)
@pytest.mark.parametrize("n", [1, 40, 700])
def test_nearest_nodes_equals_kdtree_everywhere(rng, kind, n):
    """Open points go to the tree, so the whole answer is the tree's, ties included."""
    x, y, qx, qy = layout(rng, kind, n, 300)
    xy = np.column_stack([qx, qy])
    node, dist = nearest_nodes(x, y, xy)
    d, i = cKDTree(np.column_stack([x, y])).query(xy, k=1)
    assert node.dtype == np.int64 and dist.dtype == np.float64
    np.testing.assert_array_equal(node, i)
    np.testing.assert_array_equal(dist, d)
