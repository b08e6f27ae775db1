"""Small networks with known answers."""

from __future__ import annotations

import numpy as np

from jnrisk.network import RoadNetwork


def chain(lengths_m, *, both_ways: bool = False) -> RoadNetwork:
    """Nodes 0..n in a line; arc i runs i -> i+1 (and back when ``both_ways``)."""
    n = len(lengths_m) + 1
    tails, heads, w = [], [], []
    for i, length in enumerate(lengths_m):
        tails.append(i)
        heads.append(i + 1)
        w.append(length)
        if both_ways:
            tails.append(i + 1)
            heads.append(i)
            w.append(length)
    return from_arcs(n, tails, heads, w)


def from_arcs(n_nodes, tails, heads, weights) -> RoadNetwork:
    """A RoadNetwork whose arc positions follow the order of ``tails`` (stable sort by tail)."""
    tails = np.asarray(tails, np.int64)
    order = np.argsort(tails, kind="stable")
    assert (order == np.arange(order.size)).all(), "give arcs sorted by tail"
    indptr = np.zeros(n_nodes + 1, np.int64)
    np.cumsum(np.bincount(tails, minlength=n_nodes), out=indptr[1:])
    return RoadNetwork.from_csr(indptr, np.asarray(heads, np.int64), np.asarray(weights, float))
