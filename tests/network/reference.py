"""Slow, plainly correct references for the network kernels (stumpy's naive.py pattern)."""

from __future__ import annotations

import heapq

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra


def naive_dijkstra(indptr, indices, weight, source, cutoff=np.inf, closed=None):
    """Textbook heapq Dijkstra; returns {node: dist} for dist <= cutoff."""
    dist = {int(source): 0.0}
    done = set()
    heap = [(0.0, int(source))]
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        for a in range(indptr[u], indptr[u + 1]):
            if closed is not None and closed[a]:
                continue
            v = int(indices[a])
            nd = d + float(weight[a])
            if nd <= cutoff and nd < dist.get(v, np.inf):
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    return {k: v for k, v in dist.items() if k in done}


def scipy_graph(indptr, indices, weight, n, closed=None):
    """CSR matrix for csgraph with parallel arcs reduced to their minimum, closed arcs dropped."""
    tail = np.repeat(np.arange(n), np.diff(indptr))
    keep = np.ones(len(indices), bool) if closed is None else ~np.asarray(closed)
    t, h, w = tail[keep], np.asarray(indices)[keep], np.asarray(weight)[keep]
    order = np.lexsort((w, h, t))
    t, h, w = t[order], h[order], w[order]
    first = np.ones(t.size, bool)
    first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    g = sp.csr_matrix((w[first], (t[first], h[first])), shape=(n, n))
    # csr_matrix((data, (i, j))) drops nothing, but keep explicit zeros as zero-weight edges
    return g


def scipy_distances(indptr, indices, weight, n, sources, cutoff=np.inf, closed=None):
    """Dense (len(sources), n) distances from scipy; inf where farther than cutoff."""
    g = scipy_graph(indptr, indices, weight, n, closed)
    if len(sources) == 0:
        return np.zeros((0, n))
    return dijkstra(g, directed=True, indices=np.asarray(sources), limit=cutoff)
