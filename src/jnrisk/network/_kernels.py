"""numba kernels of the road-network engine: bounded Dijkstra on CSR arrays.

Pure functions on NumPy arrays (no pandas, no Python objects), iterative, compiled lazily with
``cache=True`` (a second process loads the machine code from ``__pycache__`` instead of
recompiling) and ``nogil=True`` (the wrapper runs several source chunks on threads at once).
Kernels never write into their input arrays and never raise on user data; they return a status
code (see :data:`STATUS_MESSAGES`).

The priority queue is a binary heap with lazy deletion (no decrease-key): a node may be pushed
several times, stale entries are skipped when popped.
"""

from __future__ import annotations

import numpy as np
from numba import njit

STATUS_OK = 0
STATUS_BAD_SOURCE = 1

#: Messages for the status codes returned by the kernels.
STATUS_MESSAGES = {
    STATUS_OK: "ok",
    STATUS_BAD_SOURCE: "a source node index is outside 0..n_nodes-1",
}


@njit(cache=True, nogil=True)
def _heap_push(hkey, hnode, size, key, node):
    """Push (key, node) onto the heap of ``size`` items; return the (possibly grown) arrays."""
    if size == hkey.size:
        new_key = np.empty(2 * hkey.size, dtype=np.float64)
        new_node = np.empty(2 * hkey.size, dtype=np.int64)
        new_key[:size] = hkey[:size]
        new_node[:size] = hnode[:size]
        hkey, hnode = new_key, new_node
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if hkey[parent] <= key:
            break
        hkey[i] = hkey[parent]
        hnode[i] = hnode[parent]
        i = parent
    hkey[i] = key
    hnode[i] = node
    return hkey, hnode


@njit(cache=True, nogil=True)
def _heap_pop(hkey, hnode, size):
    """Remove the root of a heap of ``size`` > 0 items; return (key, node)."""
    top_key = hkey[0]
    top_node = hnode[0]
    size -= 1
    key = hkey[size]
    node = hnode[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and hkey[child + 1] < hkey[child]:
            child += 1
        if hkey[child] >= key:
            break
        hkey[i] = hkey[child]
        hnode[i] = hnode[child]
        i = child
    if size > 0:
        hkey[i] = key
        hnode[i] = node
    return top_key, top_node


@njit(cache=True, nogil=True)
def bounded_dijkstra_rows(indptr, indices, weight, arc_closed, sources, cutoff, sort_cols):
    """Single-source Dijkstra from each of ``sources`` keeping nodes with distance <= cutoff.

    Parameters
    ----------
    indptr, indices : int64 arrays
        CSR adjacency (arcs ``indptr[u]:indptr[u+1]`` leave node ``u``).
    weight : float64 array
        Non-negative arc weights (validated by the caller).
    arc_closed : bool array
        One flag per arc; closed arcs are skipped. Length 0 means "no closures".
    sources : int64 array
        Source node per output row (duplicates allowed).
    cutoff : float
        Keep nodes whose distance is ``<= cutoff`` (``np.inf`` for no limit).
    sort_cols : bool
        Sort each row's columns by node index (canonical CSR) instead of settling order.

    Returns
    -------
    counts : int64[len(sources)]
        Number of reached nodes per row.
    cols : int64[sum(counts)]
    vals : float64[sum(counts)]
    status : int

    Notes
    -----
    The heap is inlined (no helper calls: those cost reference counting per push/pop) and
    sized ``n_arcs + 1``, the most entries one source can push, so it never grows. ``dist``
    is allocated once per call and reset only on the nodes a source reached, so a source
    costs O(reached arcs * log), not O(n_nodes). Without ``sort_cols`` a row lists its nodes
    in settling order (non-decreasing distance).
    """
    n = indptr.size - 1
    n_src = sources.size
    use_mask = arc_closed.size > 0
    counts = np.zeros(n_src, dtype=np.int64)
    cap = max(16, 64 * n_src)
    cols = np.empty(cap, dtype=np.int64)
    vals = np.empty(cap, dtype=np.float64)
    for k in range(n_src):
        s = sources[k]
        if s < 0 or s >= n:
            return counts, cols[:0], vals[:0], STATUS_BAD_SOURCE
    dist = np.full(n, np.inf)
    hcap = indices.size + 1
    hkey = np.empty(hcap, dtype=np.float64)
    hnode = np.empty(hcap, dtype=np.int64)
    pos = 0
    for k in range(n_src):
        s = sources[k]
        row_start = pos
        dist[s] = 0.0
        hkey[0] = 0.0
        hnode[0] = s
        size = 1
        while size > 0:
            # ---- pop the root
            d = hkey[0]
            u = hnode[0]
            size -= 1
            if size > 0:
                key = hkey[size]
                node = hnode[size]
                i = 0
                while True:
                    child = 2 * i + 1
                    if child >= size:
                        break
                    if child + 1 < size and hkey[child + 1] < hkey[child]:
                        child += 1
                    if hkey[child] >= key:
                        break
                    hkey[i] = hkey[child]
                    hnode[i] = hnode[child]
                    i = child
                hkey[i] = key
                hnode[i] = node
            if d > dist[u]:  # stale entry (pushes for a node have strictly falling keys)
                continue
            # ---- settle u
            if pos == cols.size:
                new_cols = np.empty(2 * cols.size, dtype=np.int64)
                new_vals = np.empty(2 * cols.size, dtype=np.float64)
                new_cols[:pos] = cols[:pos]
                new_vals[:pos] = vals[:pos]
                cols = new_cols
                vals = new_vals
            cols[pos] = u
            vals[pos] = d
            pos += 1
            for a in range(indptr[u], indptr[u + 1]):
                if use_mask and arc_closed[a]:
                    continue
                v = indices[a]
                nd = d + weight[a]
                if nd <= cutoff and nd < dist[v]:
                    dist[v] = nd
                    # ---- push (nd, v)
                    i = size
                    while i > 0:
                        parent = (i - 1) >> 1
                        if hkey[parent] <= nd:
                            break
                        hkey[i] = hkey[parent]
                        hnode[i] = hnode[parent]
                        i = parent
                    hkey[i] = nd
                    hnode[i] = v
                    size += 1
        # every node given a distance (<= cutoff) is settled, so the row lists all nodes
        # this source touched: reset only those
        for t in range(row_start, pos):
            dist[cols[t]] = np.inf
        counts[k] = pos - row_start
        if sort_cols and pos - row_start > 1:
            order = np.argsort(cols[row_start:pos])
            c = cols[row_start:pos][order]
            w = vals[row_start:pos][order]
            cols[row_start:pos] = c
            vals[row_start:pos] = w
    return counts, cols[:pos].copy(), vals[:pos].copy(), STATUS_OK


@njit(cache=True, nogil=True)
def nearest_source_labels(indptr, indices, weight, arc_closed, sources, cutoff):
    """Multi-source Dijkstra: for every node, the nearest source and its distance.

    Ties (equal distance) go to the smallest index into ``sources``: the heap is ordered by
    (distance, source index), so the result does not depend on arc order.

    Returns
    -------
    label : int64[n]
        Index into ``sources`` of the nearest source, ``-1`` if none within ``cutoff``.
    dist : float64[n]
        Distance to it (``inf`` if none).
    status : int
    """
    n = indptr.size - 1
    use_mask = arc_closed.size > 0
    dist = np.full(n, np.inf)
    label = np.full(n, -1, dtype=np.int64)
    done = np.zeros(n, dtype=np.bool_)
    for k in range(sources.size):
        s = sources[k]
        if s < 0 or s >= n:
            return label, dist, STATUS_BAD_SOURCE
    cap = max(1024, 2 * sources.size)
    hkey = np.empty(cap, dtype=np.float64)
    hlab = np.empty(cap, dtype=np.int64)
    hnode = np.empty(cap, dtype=np.int64)
    size = 0
    for k in range(sources.size):
        s = sources[k]
        if dist[s] == 0.0 and label[s] <= k:
            continue
        dist[s] = 0.0
        label[s] = k
        hkey, hlab, hnode, size = _heap2_push(hkey, hlab, hnode, size, 0.0, k, s)
    while size > 0:
        d, lab, u, size = _heap2_pop(hkey, hlab, hnode, size)
        if done[u] or d > dist[u] or (d == dist[u] and lab != label[u]):
            continue
        done[u] = True
        for a in range(indptr[u], indptr[u + 1]):
            if use_mask and arc_closed[a]:
                continue
            v = indices[a]
            if done[v]:
                continue
            nd = d + weight[a]
            if nd <= cutoff and (nd < dist[v] or (nd == dist[v] and lab < label[v])):
                dist[v] = nd
                label[v] = lab
                hkey, hlab, hnode, size = _heap2_push(hkey, hlab, hnode, size, nd, lab, v)
    return label, dist, STATUS_OK


@njit(cache=True, nogil=True)
def _less2(k1, l1, k2, l2):
    return k1 < k2 or (k1 == k2 and l1 < l2)


@njit(cache=True, nogil=True)
def _heap2_push(hkey, hlab, hnode, size, key, lab, node):
    if size == hkey.size:
        nk = np.empty(2 * hkey.size, dtype=np.float64)
        nl = np.empty(2 * hkey.size, dtype=np.int64)
        nn = np.empty(2 * hkey.size, dtype=np.int64)
        nk[:size] = hkey[:size]
        nl[:size] = hlab[:size]
        nn[:size] = hnode[:size]
        hkey, hlab, hnode = nk, nl, nn
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if not _less2(key, lab, hkey[parent], hlab[parent]):
            break
        hkey[i] = hkey[parent]
        hlab[i] = hlab[parent]
        hnode[i] = hnode[parent]
        i = parent
    hkey[i] = key
    hlab[i] = lab
    hnode[i] = node
    return hkey, hlab, hnode, size + 1


@njit(cache=True, nogil=True)
def _heap2_pop(hkey, hlab, hnode, size):
    top_key, top_lab, top_node = hkey[0], hlab[0], hnode[0]
    size -= 1
    key, lab, node = hkey[size], hlab[size], hnode[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and _less2(hkey[child + 1], hlab[child + 1], hkey[child], hlab[child]):
            child += 1
        if not _less2(hkey[child], hlab[child], key, lab):
            break
        hkey[i] = hkey[child]
        hlab[i] = hlab[child]
        hnode[i] = hnode[child]
        i = child
    if size > 0:
        hkey[i] = key
        hlab[i] = lab
        hnode[i] = node
    return top_key, top_lab, top_node, size
