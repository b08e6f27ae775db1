"""numba kernels for DEM hydrology: Priority-Flood, D8, accumulation, fill-and-spill.

Pure functions on NumPy arrays. Nothing here raises on user data: kernels return a status code
(see ``STATUS_MESSAGES``) that the wrapper in :mod:`jnrisk.flood.ponding` turns into an error.
Kernels never write into the caller's arrays. Cells are addressed by flat row-major index.

D8 codes follow ESRI / pysheds: E=1, SE=2, S=4, SW=8, W=16, NW=32, N=64, NE=128; 0 means the
cell drains off the grid (an outlet) and 255 marks nodata.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from jnrisk._heap_kernels import heap_grow, heap_pop, heap_push

STATUS_OK = 0
STATUS_ENCLOSED = 1
STATUS_CYCLE = 2
STATUS_BAD_CODE = 3
STATUS_ITERATIONS = 4

STATUS_MESSAGES = {
    STATUS_ENCLOSED: "cells are enclosed by nodata with nodata treated as walls (no outlet)",
    STATUS_CYCLE: "the flow directions contain a cycle",
    STATUS_BAD_CODE: "the flow directions hold codes other than 0, 1, 2, 4, ..., 128, 255",
    STATUS_ITERATIONS: "fill-and-spill routing did not converge (internal error)",
}

DIR_NODATA = 255
# neighbour order: E, SE, S, SW, W, NW, N, NE
DR = np.array([0, 1, 1, 1, 0, -1, -1, -1], dtype=np.int64)
DC = np.array([1, 1, 0, -1, -1, -1, 0, 1], dtype=np.int64)
CODES = np.array([1, 2, 4, 8, 16, 32, 64, 128], dtype=np.int64)
DIST = np.array(
    [1.0, math.sqrt(2.0), 1.0, math.sqrt(2.0), 1.0, math.sqrt(2.0), 1.0, math.sqrt(2.0)]
)


@njit(cache=True, nogil=True)
def _valid(v, nodata, has_nodata):
    if v != v:  # NaN
        return False
    return not (has_nodata and v == nodata)


@njit(cache=True, nogil=True)
def valid_mask(z, nodata, has_nodata):
    """Boolean mask of data cells."""
    ny, nx = z.shape
    out = np.empty((ny, nx), dtype=np.bool_)
    for r in range(ny):
        for c in range(nx):
            out[r, c] = _valid(z[r, c], nodata, has_nodata)
    return out


@njit(cache=True, nogil=True)
def count_valid(z, nodata, has_nodata):
    """Count the data cells and the +/-inf data cells, without temporaries."""
    ny, nx = z.shape
    n_valid = 0
    n_inf = 0
    for r in range(ny):
        for c in range(nx):
            v = z[r, c]
            if _valid(v, nodata, has_nodata):
                n_valid += 1
                if np.isinf(v):
                    n_inf += 1
    return n_valid, n_inf


@njit(cache=True, nogil=True)
def _is_seed(z, r, c, nodata, has_nodata, wall):
    """Tell whether a data cell is on the grid border or (nodata as outlet) next to nodata."""
    ny, nx = z.shape
    if r == 0 or c == 0 or r == ny - 1 or c == nx - 1:
        return True
    if wall:
        return False
    for k in range(8):  # noqa: SIM110  (no generators in numba)
        if not _valid(z[r + DR[k], c + DC[k]], nodata, has_nodata):
            return True
    return False


@njit(cache=True, nogil=True)
def _grow_ring(buf, head, count):
    n = buf.shape[0]
    out = np.empty(2 * n, dtype=np.int64)
    for i in range(count):
        out[i] = buf[(head + i) % n]
    return out


@njit(cache=True, nogil=True)
def priority_flood(z, nodata, has_nodata, wall, epsilon, want_dir):
    """Priority-Flood depression filling (Barnes, Lehman & Mulla 2014).

    Pure fill (``epsilon == 0``) uses the +FIFO variant (plain queue for cells raised to the
    spill level); ``epsilon > 0`` raises each depression/flat cell to ``parent + epsilon`` so
    every cell has a strictly lower neighbour. With ``want_dir`` the direction from each cell
    to the cell that flooded it is recorded (used to route flats).

    Returns ``(filled, parent_dir, n_enclosed, status)``; ``filled`` has z's dtype; nodata
    cells keep their input value; ``parent_dir`` is ``(1, 1)`` when not wanted.
    """
    ny, nx = z.shape
    filled = z.copy()
    closed = np.zeros((ny, nx), dtype=np.uint8)
    pdir = np.zeros((ny, nx) if want_dir else (1, 1), dtype=np.uint8)
    cap = max(1024, 2 * (ny + nx) + 8)
    keys = np.empty(cap, dtype=np.float64)
    vals = np.empty(cap, dtype=np.int64)
    hsize = 0
    ring = np.empty(1024, dtype=np.int64)
    rhead = 0
    rcount = 0
    # seeds
    for r in range(ny):
        for c in range(nx):
            if not _valid(z[r, c], nodata, has_nodata):
                closed[r, c] = 1
                if want_dir:
                    pdir[r, c] = DIR_NODATA
            elif _is_seed(z, r, c, nodata, has_nodata, wall):
                closed[r, c] = 1
                if hsize == keys.shape[0]:
                    keys, vals = heap_grow(keys, vals)
                hsize = heap_push(keys, vals, hsize, np.float64(z[r, c]), r * nx + c)
    use_fifo = epsilon == 0.0
    while hsize > 0 or rcount > 0:
        if rcount > 0:
            i = ring[rhead]
            rhead = (rhead + 1) % ring.shape[0]
            rcount -= 1
        else:
            i = vals[0]
            hsize = heap_pop(keys, vals, hsize)
        r = i // nx
        c = i - r * nx
        zc = np.float64(filled[r, c])
        for k in range(8):
            rr = r + DR[k]
            cc = c + DC[k]
            if rr < 0 or rr >= ny or cc < 0 or cc >= nx:
                continue
            if closed[rr, cc]:
                continue
            closed[rr, cc] = 1
            if want_dir:
                pdir[rr, cc] = CODES[(k + 4) % 8]
            zn = np.float64(filled[rr, cc])
            j = rr * nx + cc
            if use_fifo:
                if zn <= zc:
                    filled[rr, cc] = zc
                    if rcount == ring.shape[0]:
                        ring = _grow_ring(ring, rhead, rcount)
                        rhead = 0
                    ring[(rhead + rcount) % ring.shape[0]] = j
                    rcount += 1
                else:
                    if hsize == keys.shape[0]:
                        keys, vals = heap_grow(keys, vals)
                    hsize = heap_push(keys, vals, hsize, zn, j)
            else:
                if zn <= zc:
                    zn = zc + epsilon
                    filled[rr, cc] = zn
                if hsize == keys.shape[0]:
                    keys, vals = heap_grow(keys, vals)
                hsize = heap_push(keys, vals, hsize, np.float64(filled[rr, cc]), j)
    n_enclosed = 0
    for r in range(ny):
        for c in range(nx):
            if closed[r, c] == 0:
                n_enclosed += 1
    status = STATUS_ENCLOSED if n_enclosed > 0 else STATUS_OK
    return filled, pdir, n_enclosed, status


@njit(cache=True, nogil=True)
def d8_from_filled(filled, pdir, nodata, has_nodata, cellsize):
    """D8 steepest descent on a filled DEM; cells with no lower neighbour follow the flood.

    Cells with a strictly lower data neighbour point to the steepest one (drop / distance,
    first in E, SE, S, ... order on ties). Flat cells point to the cell that flooded them
    (towards the spill point), seeds with no lower neighbour get 0 (drain off the grid).
    """
    ny, nx = filled.shape
    out = np.empty((ny, nx), dtype=np.uint8)
    for r in range(ny):
        for c in range(nx):
            v = filled[r, c]
            if not _valid(v, nodata, has_nodata):
                out[r, c] = DIR_NODATA
                continue
            best = 0.0
            code = 0
            for k in range(8):
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= ny or cc < 0 or cc >= nx:
                    continue
                w = filled[rr, cc]
                if not _valid(w, nodata, has_nodata):
                    continue
                s = (np.float64(v) - np.float64(w)) / (DIST[k] * cellsize)
                if s > best:
                    best = s
                    code = CODES[k]
            if code == 0:
                code = pdir[r, c]
            out[r, c] = code
    return out


@njit(cache=True, nogil=True)
def _code_to_k(code):
    for k in range(8):
        if CODES[k] == code:
            return k
    return -1


@njit(cache=True, nogil=True)
def downstream_index(fdir):
    """Flat index each cell drains to; -1 = off the grid / into nodata / outlet; -2 = nodata.

    Returns ``(down, status)``.
    """
    ny, nx = fdir.shape
    down = np.empty(ny * nx, dtype=np.int64)
    status = STATUS_OK
    for r in range(ny):
        for c in range(nx):
            i = r * nx + c
            code = fdir[r, c]
            if code == DIR_NODATA:
                down[i] = -2
                continue
            if code == 0:
                down[i] = -1
                continue
            k = _code_to_k(code)
            if k < 0:
                down[i] = -1
                status = STATUS_BAD_CODE
                continue
            rr = r + DR[k]
            cc = c + DC[k]
            if rr < 0 or rr >= ny or cc < 0 or cc >= nx or fdir[rr, cc] == DIR_NODATA:
                down[i] = -1
            else:
                down[i] = rr * nx + cc
    return down, status


@njit(cache=True, nogil=True)
def accumulate(down, weights):
    """Sum of ``weights`` over each cell and every cell upstream of it (Kahn's order).

    ``down`` from :func:`downstream_index`; nodata cells (-2) get NaN.
    Returns ``(acc, status)``; status is STATUS_CYCLE when some cells were never released.
    """
    n = down.shape[0]
    indeg = np.zeros(n, dtype=np.int32)
    for i in range(n):
        d = down[i]
        if d >= 0:
            indeg[d] += 1
    acc = np.empty(n, dtype=np.float64)
    queue = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    for i in range(n):
        if down[i] == -2:
            acc[i] = np.nan
            continue
        acc[i] = weights[i]
        if indeg[i] == 0:
            queue[tail] = i
            tail += 1
    n_data = 0
    for i in range(n):
        if down[i] != -2:
            n_data += 1
    while head < tail:
        i = queue[head]
        head += 1
        d = down[i]
        if d >= 0:
            acc[d] += acc[i]
            indeg[d] -= 1
            if indeg[d] == 0:
                queue[tail] = d
                tail += 1
    status = STATUS_OK if tail == n_data else STATUS_CYCLE
    return acc, status


@njit(cache=True, nogil=True)
def upstream_mask(down, outlet):
    """Cells whose flow path passes through ``outlet`` (the catchment, outlet included)."""
    n = down.shape[0]
    # reverse adjacency in CSR form
    count = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        d = down[i]
        if d >= 0:
            count[d + 1] += 1
    for i in range(n):
        count[i + 1] += count[i]
    fill = count[:-1].copy()
    ups = np.empty(count[n], dtype=np.int64)
    for i in range(n):
        d = down[i]
        if d >= 0:
            ups[fill[d]] = i
            fill[d] += 1
    mask = np.zeros(n, dtype=np.bool_)
    stack = np.empty(n, dtype=np.int64)
    top = 0
    stack[0] = outlet
    top = 1
    mask[outlet] = True
    while top > 0:
        top -= 1
        i = stack[top]
        for p in range(count[i], count[i + 1]):
            u = ups[p]
            if not mask[u]:
                mask[u] = True
                stack[top] = u
                top += 1
    return mask


# --- fill-and-spill on the depression hierarchy ------------------------------------------------


@njit(cache=True, nogil=True)
def _find(uf, a):
    while uf[a] != a:
        uf[a] = uf[uf[a]]
        a = uf[a]
    return a


@njit(cache=True, nogil=True)
def _relative_heights(z, nodata, has_nodata, wall):
    """Heights above the lowest data cell (float64, NaN on nodata), data and seed masks.

    Working relative to the minimum keeps the saddle and level sums small, so the volume
    arithmetic loses less precision. Returns ``(zz, valid, seed, zmin)``.
    """
    ny, nx = z.shape
    n = ny * nx
    zmin = np.inf
    for r in range(ny):
        for c in range(nx):
            v = z[r, c]
            if _valid(v, nodata, has_nodata) and v < zmin:
                zmin = np.float64(v)
    zz = np.empty(n, dtype=np.float64)
    valid = np.zeros(n, dtype=np.bool_)
    seed = np.zeros(n, dtype=np.bool_)
    for r in range(ny):
        for c in range(nx):
            i = r * nx + c
            if _valid(z[r, c], nodata, has_nodata):
                valid[i] = True
                zz[i] = np.float64(z[r, c]) - zmin
                seed[i] = _is_seed(z, r, c, nodata, has_nodata, wall)
            else:
                zz[i] = np.nan
    return zz, valid, seed, zmin


@njit(cache=True, nogil=True)
def _steepest_descent(zz, valid, ny, nx):
    """Phase 1a: D8 steepest descent on the raw DEM; -1 where no neighbour is lower."""
    n = ny * nx
    down = np.full(n, -1, dtype=np.int64)
    for r in range(ny):
        for c in range(nx):
            i = r * nx + c
            if not valid[i]:
                continue
            best = 0.0
            for k in range(8):
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= ny or cc < 0 or cc >= nx:
                    continue
                j = rr * nx + cc
                if not valid[j]:
                    continue
                s = (zz[i] - zz[j]) / DIST[k]
                if s > best:
                    best = s
                    down[i] = j
    return down


@njit(cache=True, nogil=True)
def _label_basins(down, valid, seed, ny, nx):
    """Phase 1b: label each cell with the pit it drains to (0 = the ocean: a seed outlet).

    Returns ``(label, n_leaves)``; pits are numbered 1..n_leaves in flat-index order.
    """
    n = ny * nx
    label = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    n_leaves = 0
    for i in range(n):
        if valid[i] and down[i] == -1:
            if seed[i]:
                label[i] = 0
            else:
                n_leaves += 1
                label[i] = n_leaves
            queue[tail] = i
            tail += 1
    while head < tail:
        i = queue[head]
        head += 1
        r = i // nx
        c = i - r * nx
        for k in range(8):
            rr = r + DR[k]
            cc = c + DC[k]
            if rr < 0 or rr >= ny or cc < 0 or cc >= nx:
                continue
            j = rr * nx + cc
            if valid[j] and down[j] == i:
                label[j] = label[i]
                queue[tail] = j
                tail += 1
    return label, n_leaves


@njit(cache=True, nogil=True)
def _saddle_edges(zz, valid, seed, label, ny, nx):
    """Phase 2a: edges between cells of different basins, sorted by saddle height.

    Seeds in a pit's basin get a virtual edge to the ocean (``eb = -1``). Equal saddles are
    taken ocean first, then by the steepest drop across. Returns ``(ea, eb, es, order)``:
    higher cell, lower cell, saddle height, processing order.
    """
    n_edges = 0
    for r in range(ny):
        for c in range(nx):
            i = r * nx + c
            if not valid[i]:
                continue
            if seed[i] and label[i] != 0:
                n_edges += 1
            for k in range(4):  # E, SE, S, SW: each pair once
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= ny or cc < 0 or cc >= nx:
                    continue
                j = rr * nx + cc
                if valid[j] and label[j] != label[i]:
                    n_edges += 1
    ea = np.empty(n_edges, dtype=np.int64)
    eb = np.empty(n_edges, dtype=np.int64)
    es = np.empty(n_edges, dtype=np.float64)
    et = np.empty(n_edges, dtype=np.float64)
    e = 0
    for r in range(ny):
        for c in range(nx):
            i = r * nx + c
            if not valid[i]:
                continue
            if seed[i] and label[i] != 0:
                ea[e] = i
                eb[e] = -1
                es[e] = zz[i]
                et[e] = -np.inf
                e += 1
            for k in range(4):
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= ny or cc < 0 or cc >= nx:
                    continue
                j = rr * nx + cc
                if valid[j] and label[j] != label[i]:
                    if zz[i] >= zz[j]:
                        ea[e] = i
                        eb[e] = j
                    else:
                        ea[e] = j
                        eb[e] = i
                    es[e] = max(zz[i], zz[j])
                    et[e] = -abs(zz[i] - zz[j]) / DIST[k]
                    e += 1
    pre = np.argsort(et, kind="mergesort")
    order = pre[np.argsort(es[pre], kind="mergesort")]
    return ea, eb, es, order


@njit(cache=True, nogil=True)
def _merge_hierarchy(ea, eb, es, order, label, n_leaves):
    """Phase 2b: Kruskal-style merge of basins at their saddles (union-find).

    Two depressions meeting at a saddle become children of a new meta-depression. A
    depression meeting the ocean (everything that already drains off the grid) gets parent
    -1 and overflows into the leaf across that saddle (0: straight off the grid).
    Returns ``(parent, child1, child2, sibling, entry, spill, n_nodes)``; ``parent`` is -2
    for a node that never spills.
    """
    max_nodes = 2 * n_leaves + 1
    parent = np.full(max_nodes, -2, dtype=np.int64)
    child1 = np.full(max_nodes, -1, dtype=np.int64)
    child2 = np.full(max_nodes, -1, dtype=np.int64)
    sibling = np.full(max_nodes, -1, dtype=np.int64)
    entry = np.full(max_nodes, -1, dtype=np.int64)
    spill = np.full(max_nodes, np.inf)
    uf = np.arange(n_leaves + 1, dtype=np.int64)
    top = np.arange(n_leaves + 1, dtype=np.int64)
    n_nodes = n_leaves + 1
    for q in range(order.shape[0]):
        t = order[q]
        a = ea[t]
        b = eb[t]
        s = es[t]
        la = label[a]
        lb = 0 if b < 0 else label[b]
        ra = _find(uf, la)
        rb = _find(uf, lb)
        if ra == rb:
            continue
        if ra == 0 or rb == 0:  # the ocean (label 0) always stays its own root
            # the overflow goes to the leaf across the saddle (label 0: off the grid); that
            # leaf's own chain ends at the border, where it overflows in turn
            other = rb if ra == 0 else ra
            x = top[other]
            spill[x] = s
            parent[x] = -1
            entry[x] = la if ra == 0 else lb
            uf[other] = 0
            continue
        x1 = top[ra]
        x2 = top[rb]
        p = n_nodes
        n_nodes += 1
        child1[p] = x1
        child2[p] = x2
        parent[x1] = p
        parent[x2] = p
        sibling[x1] = x2
        sibling[x2] = x1
        spill[x1] = s
        spill[x2] = s
        entry[x1] = lb  # x1's overflow lands in the leaf across the saddle
        entry[x2] = la
        uf[rb] = ra
        top[ra] = p
    return parent, child1, child2, sibling, entry, spill, n_nodes


@njit(cache=True, nogil=True)
def _pit_cells_by_height(zz, valid, label):
    """Flat indices of the cells draining to a pit (not the ocean), lowest first."""
    n = zz.shape[0]
    cells = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        if valid[i] and label[i] > 0:
            cells[m] = i
            m += 1
    cells = cells[:m]
    cz = np.empty(m, dtype=np.float64)
    for q in range(m):
        cz[q] = zz[cells[q]]
    return cells[np.argsort(cz, kind="mergesort")]


@njit(cache=True, nogil=True)
def _capacities(zz, label, sorted_cells, parent, child1, child2, spill, n_leaves, n_nodes):
    """Phase 3: own storage of each node below its spill level [depth x cells].

    ``cap(N)`` is the sum over the cells of N's region below ``spill(N)`` of ``spill - z``;
    a meta-depression's own part is its capacity minus its two children's.
    """
    cnt = np.zeros(n_nodes, dtype=np.float64)
    sumz = np.zeros(n_nodes, dtype=np.float64)
    ptr = np.arange(n_leaves + 1, dtype=np.int64)
    for q in range(sorted_cells.shape[0]):
        i = sorted_cells[q]
        leaf = label[i]
        x = ptr[leaf]
        while x >= 0 and spill[x] < zz[i]:
            x = parent[x]
        if x >= 0:
            ptr[leaf] = x
            cnt[x] += 1.0
            sumz[x] += zz[i]
        else:  # above every spill level of its chain: never flooded
            ptr[leaf] = x
    for x in range(1, n_nodes):  # children have smaller ids than parents
        p = parent[x]
        if p >= 0:
            cnt[p] += cnt[x]
            sumz[p] += sumz[x]
    capacity = np.empty(n_nodes, dtype=np.float64)
    cap_local = np.empty(n_nodes, dtype=np.float64)
    for x in range(n_nodes):
        if spill[x] == np.inf:
            capacity[x] = np.inf
        else:
            capacity[x] = max(spill[x] * cnt[x] - sumz[x], 0.0)
    for x in range(n_nodes):
        if child1[x] >= 0:
            if capacity[x] == np.inf:
                cap_local[x] = np.inf
            else:
                cap_local[x] = max(capacity[x] - capacity[child1[x]] - capacity[child2[x]], 0.0)
        else:
            cap_local[x] = capacity[x]
    return cap_local


@njit(cache=True, nogil=True)
def _route_water(water, valid, label, cap_local, parent, sibling, entry, n_leaves, n_nodes):
    """Fill the depression hierarchy: water into each leaf, overflow across saddles.

    A full node overflows to the leaf across its saddle, or, when its sibling is full too,
    rises in the parent (Fill-Spill-Merge idea).

    Returns ``(stored, full, outflow, status)``.
    """
    n = water.shape[0]
    leaf_water = np.zeros(n_leaves + 1, dtype=np.float64)
    outflow = 0.0
    for i in range(n):
        if valid[i]:
            w = water[i]
            if w == w and w > 0.0:
                if label[i] == 0:
                    outflow += w
                else:
                    leaf_water[label[i]] += w
    stored = np.zeros(n_nodes, dtype=np.float64)
    full = np.zeros(n_nodes, dtype=np.bool_)
    status = STATUS_OK
    budget = 64 * (n_nodes + 16) * (n_nodes + 16)
    steps = 0
    for leaf in range(1, n_leaves + 1):
        v = leaf_water[leaf]
        x = leaf
        while v > 0.0:
            steps += 1
            if steps > budget:
                status = STATUS_ITERATIONS
                break
            room = cap_local[x] - stored[x]
            if full[x]:
                room = 0.0
            if v <= room:
                stored[x] += v
                v = 0.0
                break
            stored[x] = cap_local[x]
            full[x] = True
            v -= room
            if parent[x] == -1:
                if entry[x] <= 0:
                    outflow += v
                    v = 0.0
                    break
                x = entry[x]
                continue
            # into the sibling's leaf across the saddle, or up into the merged lake
            x = parent[x] if full[sibling[x]] else entry[x]
        if status != STATUS_OK:
            break
    return stored, full, outflow, status


@njit(cache=True, nogil=True)
def _lake_depths(zz, valid, label, sorted_cells, stored, full, parent, sibling, n_leaves,
                 n_nodes, ny, nx):
    """Phase 5: the top lake of each leaf, its level from the stored volume, depth per cell.

    Returns ``(depth, total)``: depth (ny, nx), 0 dry / NaN nodata; water held per node.
    """
    total = stored.copy()
    for x in range(1, n_nodes):
        p = parent[x]
        if p >= 0:
            total[p] += total[x]
    top_of = np.empty(n_leaves + 1, dtype=np.int64)
    top_of[0] = -1
    for leaf in range(1, n_leaves + 1):
        x = leaf
        while full[x] and parent[x] >= 0 and full[sibling[x]]:
            x = parent[x]
        top_of[leaf] = x
    k_cnt = np.zeros(n_nodes, dtype=np.float64)
    k_sum = np.zeros(n_nodes, dtype=np.float64)
    done = np.zeros(n_nodes, dtype=np.bool_)
    level = np.full(n_nodes, -np.inf)
    for q in range(sorted_cells.shape[0]):
        i = sorted_cells[q]
        t = top_of[label[i]]
        if done[t] or total[t] <= 0.0:
            continue
        if k_cnt[t] * zz[i] - k_sum[t] >= total[t]:
            level[t] = (total[t] + k_sum[t]) / k_cnt[t]
            done[t] = True
        else:
            k_cnt[t] += 1.0
            k_sum[t] += zz[i]
    for t in range(n_nodes):
        if not done[t] and total[t] > 0.0 and k_cnt[t] > 0.0:
            level[t] = (total[t] + k_sum[t]) / k_cnt[t]
    depth = np.empty((ny, nx), dtype=np.float64)
    for r in range(ny):
        for c in range(nx):
            i = r * nx + c
            if not valid[i]:
                depth[r, c] = np.nan
            elif label[i] == 0:
                depth[r, c] = 0.0
            else:
                d = level[top_of[label[i]]] - zz[i]
                depth[r, c] = d if d > 0.0 else 0.0
    return depth, total


@njit(cache=True, nogil=True)
def fill_spill(z, nodata, has_nodata, wall, water):
    """Route each cell's water to its pit and fill-and-spill through the depression hierarchy.

    Water is in depth units; returns the ponded depth per cell and the outflow off the grid.

    1. :func:`_steepest_descent` + :func:`_label_basins`: each cell drains to a pit (a leaf
       depression) or to an outlet cell (border / next to nodata as outlet) = the "ocean".
    2. :func:`_saddle_edges` + :func:`_merge_hierarchy`: the depression hierarchy.
    3. :func:`_capacities`: storage of each node below its spill level.
    4. :func:`_route_water`: fill-and-spill of the water through the hierarchy.
    5. :func:`_lake_depths`: lake levels from the stored volumes, depth per cell.

    ``water`` is a flat float64 array (volume per cell divided by the cell area; NaN/nodata
    ignored). Returns ``(depth, outflow, stored, n_leaves, parent, spill, node_volume,
    status)``: ``depth`` is float64 (ny, nx), 0 on dry and NaN on nodata cells; volumes are
    in depth x cell units; per node: parent (-1 ocean, -2 none), spill height, water stored.
    """
    ny, nx = z.shape
    zz, valid, seed, zmin = _relative_heights(z, nodata, has_nodata, wall)
    down = _steepest_descent(zz, valid, ny, nx)
    label, n_leaves = _label_basins(down, valid, seed, ny, nx)
    ea, eb, es, order = _saddle_edges(zz, valid, seed, label, ny, nx)
    parent, child1, child2, sibling, entry, spill, n_nodes = _merge_hierarchy(
        ea, eb, es, order, label, n_leaves
    )
    sorted_cells = _pit_cells_by_height(zz, valid, label)
    cap_local = _capacities(zz, label, sorted_cells, parent, child1, child2, spill, n_leaves,
                            n_nodes)
    stored, full, outflow, status = _route_water(
        water, valid, label, cap_local, parent, sibling, entry, n_leaves, n_nodes
    )
    depth, total = _lake_depths(zz, valid, label, sorted_cells, stored, full, parent, sibling,
                                n_leaves, n_nodes, ny, nx)
    stored_total = 0.0
    for x in range(n_nodes):
        stored_total += stored[x]
    spill_out = spill[:n_nodes].copy()
    for x in range(n_nodes):
        if spill_out[x] != np.inf:
            spill_out[x] += zmin
    return (
        depth,
        outflow,
        stored_total,
        n_leaves,
        parent[:n_nodes].copy(),
        spill_out,
        total,
        status,
    )
