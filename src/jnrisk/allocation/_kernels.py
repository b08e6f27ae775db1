"""numba kernels for the capacity-limited shelter assignment (a transportation problem).

Pure functions on int64 arrays; they import only numpy and numba, never raise on user data and
never write into their input arrays. The public wrappers live in :mod:`jnrisk.allocation.solve`.

Problem (all integers, costs already scaled by the wrapper)::

    min  sum_k cost[k] * flow[k] + M * sum_i unserved[i]
    s.t. sum_{k in arcs(i)} flow[k] + unserved[i] = supply[i]      (dual v_i, free)
         sum_{k: shelter[k] = j} flow[k] <= capacity[j]            (dual -w_j, w_j >= 0)

Algorithm: successive shortest augmenting paths with node potentials (primal-dual), written for
"many sources, few sinks". Invariants kept after every step:

* every residual arc has reduced cost >= 0, where the reduced cost of the forward arc i->j is
  ``cost - v_i + w_j``, of the backward arc j->i (flow > 0) ``v_i - cost - w_j`` and of the arc
  to the "unserved" sink ``M - v_i``;
* arcs that carry flow are tight (reduced cost 0), blocks with unserved persons have v_i = M;
* a shelter with spare capacity has price w_j = 0 (prices only rise on full shelters).

A block with remaining supply runs Dijkstra on reduced costs that stops at the first shelter with
room (or at the unserved sink), augments, and raises the potentials of the settled nodes only.
At the end the complementary-slackness conditions hold, which proves optimality; the shelter
prices are then replaced by the *smallest* optimal prices (the saving of one extra place), found by
one more Dijkstra from the super sink over the final residual graph.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: "Infinite" distance; the wrapper keeps every cost and the penalty below 2**58.
INF = np.int64(4611686018427387904)  # 2**62

STATUS_OK = 0
STATUS_BROKEN_INVARIANT = 1
STATUS_MESSAGES = {
    STATUS_OK: "ok",
    STATUS_BROKEN_INVARIANT: "internal error: a reduced cost became negative (please report)",
}


@njit(cache=True, nogil=True)
def _push(hk, hn, size, key, node):
    i = size
    hk[i] = key
    hn[i] = node
    while i > 0:
        p = (i - 1) >> 1
        if hk[p] <= key:
            break
        hk[i] = hk[p]
        hn[i] = hn[p]
        i = p
    hk[i] = key
    hn[i] = node
    return size + 1


@njit(cache=True, nogil=True)
def _pop(hk, hn, size):
    """Remove the root; return (key, node, new_size)."""
    key = hk[0]
    node = hn[0]
    size -= 1
    if size > 0:
        lk = hk[size]
        ln = hn[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and hk[c + 1] < hk[c]:
                c += 1
            if hk[c] >= lk:
                break
            hk[i] = hk[c]
            hn[i] = hn[c]
            i = c
        hk[i] = lk
        hn[i] = ln
    return key, node, size


@njit(cache=True, nogil=True)
def _link(k, j, head, nxt, prv):
    h = head[j]
    nxt[k] = h
    prv[k] = -1
    if h >= 0:
        prv[h] = k
    head[j] = k


@njit(cache=True, nogil=True)
def _unlink(k, j, head, nxt, prv):
    p = prv[k]
    n = nxt[k]
    if p >= 0:
        nxt[p] = n
    else:
        head[j] = n
    if n >= 0:
        prv[n] = p
    nxt[k] = -1
    prv[k] = -1


@njit(cache=True, nogil=True)
def _greedy_tight(
    supply_rem, spare, indptr, shelter, cost, v, w, flow, unserved, big_m, head, nxt, prv
):
    """Put remaining supply on tight arcs (reduced cost 0) into shelters with room."""
    n_blocks = supply_rem.shape[0]
    for i in range(n_blocks):
        r = supply_rem[i]
        if r == 0:
            continue
        vi = v[i]
        for k in range(indptr[i], indptr[i + 1]):
            j = shelter[k]
            if spare[j] > 0 and cost[k] + w[j] == vi:
                a = r if r < spare[j] else spare[j]
                if flow[k] == 0:
                    _link(k, j, head, nxt, prv)
                flow[k] += a
                spare[j] -= a
                r -= a
                if r == 0:
                    break
        if r > 0 and vi == big_m:
            unserved[i] += r
            r = 0
        supply_rem[i] = r


@njit(cache=True, nogil=True)
def solve_transport_kernel(supply, capacity, indptr, shelter, cost, big_m, price0):
    """Exact integer transportation problem; see the module docstring.

    Returns ``(flow[E], unserved[P], price[S], status, n_dijkstra)``; ``price`` is the smallest
    optimal dual of each capacity constraint (scaled integer units).
    """
    n_blocks = supply.shape[0]
    n_shel = capacity.shape[0]
    n_arcs = shelter.shape[0]

    src = np.empty(n_arcs, np.int64)
    for i in range(n_blocks):
        for k in range(indptr[i], indptr[i + 1]):
            src[k] = i

    w = np.empty(n_shel, np.int64)
    for j in range(n_shel):
        w[j] = price0[j] if price0[j] > 0 else 0
    v = np.empty(n_blocks, np.int64)
    for i in range(n_blocks):
        m = big_m
        for k in range(indptr[i], indptr[i + 1]):
            c = cost[k] + w[shelter[k]]
            if c < m:
                m = c
        v[i] = m

    rem = supply.copy()
    spare = capacity.copy()
    flow = np.zeros(n_arcs, np.int64)
    unserved = np.zeros(n_blocks, np.int64)
    head = np.full(n_shel, -1, np.int64)
    nxt = np.full(n_arcs, -1, np.int64)
    prv = np.full(n_arcs, -1, np.int64)

    _greedy_tight(rem, spare, indptr, shelter, cost, v, w, flow, unserved, big_m, head, nxt, prv)

    # ---- warm-start repair: a shelter with a positive price must be full -------------------
    any_price = False
    for j in range(n_shel):
        if w[j] > 0:
            any_price = True
            break
    if any_price:
        # arcs by shelter (CSR), to find the blocks that can reach a shelter
        cnt = np.zeros(n_shel + 1, np.int64)
        for k in range(n_arcs):
            cnt[shelter[k] + 1] += 1
        for j in range(n_shel):
            cnt[j + 1] += cnt[j]
        fill = cnt[:-1].copy()
        by_shel = np.empty(n_arcs, np.int64)
        for k in range(n_arcs):
            j = shelter[k]
            by_shel[fill[j]] = k
            fill[j] += 1
        queue = np.empty(n_shel, np.int64)
        inq = np.zeros(n_shel, np.bool_)
        qh = 0
        qt = 0
        for j in range(n_shel):
            if w[j] > 0 and spare[j] > 0:
                queue[qt] = j
                qt += 1
                inq[j] = True
        while qh < qt:
            j = queue[qh]
            qh += 1
            w[j] = 0
            for t in range(cnt[j], cnt[j + 1]):
                i = src[by_shel[t]]
                m = big_m
                for k in range(indptr[i], indptr[i + 1]):
                    c = cost[k] + w[shelter[k]]
                    if c < m:
                        m = c
                if m >= v[i]:
                    continue
                v[i] = m
                if unserved[i] > 0:
                    rem[i] += unserved[i]
                    unserved[i] = 0
                for k in range(indptr[i], indptr[i + 1]):
                    f = flow[k]
                    if f == 0:
                        continue
                    j2 = shelter[k]
                    if cost[k] + w[j2] == m:
                        continue
                    flow[k] = 0
                    _unlink(k, j2, head, nxt, prv)
                    spare[j2] += f
                    rem[i] += f
                    if w[j2] > 0 and not inq[j2]:
                        inq[j2] = True
                        queue[qt] = j2
                        qt += 1
        _greedy_tight(
            rem, spare, indptr, shelter, cost, v, w, flow, unserved, big_m, head, nxt, prv
        )

    # ---- successive shortest paths ----------------------------------------------------------
    n_nodes = n_blocks + n_shel
    dist = np.full(n_nodes, INF, np.int64)
    done = np.zeros(n_nodes, np.bool_)
    pred = np.full(n_nodes, -1, np.int64)
    touched = np.empty(n_nodes, np.int64)
    settled = np.empty(n_nodes, np.int64)
    heap_cap = 2 * n_arcs + n_nodes + 2
    hk = np.empty(heap_cap, np.int64)
    hn = np.empty(heap_cap, np.int64)
    n_dijkstra = 0
    status = STATUS_OK

    for s in range(n_blocks):
        while rem[s] > 0:
            n_dijkstra += 1
            n_touched = 0
            n_settled = 0
            hsize = 0
            dist[s] = 0
            touched[n_touched] = s
            n_touched += 1
            hsize = _push(hk, hn, hsize, np.int64(0), s)
            best_u = INF
            best_u_block = -1
            target = -1
            d_star = INF
            while hsize > 0:
                key, node, hsize = _pop(hk, hn, hsize)
                if key >= best_u:
                    break
                if done[node] or key != dist[node]:
                    continue
                done[node] = True
                settled[n_settled] = node
                n_settled += 1
                if node < n_blocks:
                    b = node
                    cu = key + big_m - v[b]
                    if cu < best_u:
                        best_u = cu
                        best_u_block = b
                    base = key - v[b]
                    for k in range(indptr[b], indptr[b + 1]):
                        j = shelter[k]
                        nd = base + cost[k] + w[j]
                        jn = n_blocks + j
                        if nd < dist[jn]:
                            if dist[jn] == INF:
                                touched[n_touched] = jn
                                n_touched += 1
                            dist[jn] = nd
                            pred[jn] = k
                            hsize = _push(hk, hn, hsize, nd, jn)
                else:
                    j = node - n_blocks
                    if spare[j] > 0:
                        target = j
                        d_star = key
                        break
                    k = head[j]
                    base = key - w[j]
                    while k >= 0:
                        b = src[k]
                        if not done[b]:
                            nd = base + v[b] - cost[k]
                            if nd < dist[b]:
                                if dist[b] == INF:
                                    touched[n_touched] = b
                                    n_touched += 1
                                dist[b] = nd
                                pred[b] = k
                                hsize = _push(hk, hn, hsize, nd, b)
                        k = nxt[k]
            if target < 0:
                d_star = best_u

            # potentials of settled nodes closer than the target
            for t in range(n_settled):
                node = settled[t]
                dd = dist[node]
                if dd < d_star:
                    if node < n_blocks:
                        v[node] += d_star - dd
                    else:
                        w[node - n_blocks] += d_star - dd

            # bottleneck along the path
            delta = rem[s]
            if target >= 0:
                if spare[target] < delta:
                    delta = spare[target]
                k = pred[n_blocks + target]
                b = src[k]
            else:
                b = best_u_block
            while b != s:
                k2 = pred[b]
                if flow[k2] < delta:
                    delta = flow[k2]
                k = pred[n_blocks + shelter[k2]]
                b = src[k]
            # apply
            if target >= 0:
                spare[target] -= delta
                k = pred[n_blocks + target]
                if flow[k] == 0:
                    _link(k, shelter[k], head, nxt, prv)
                flow[k] += delta
                b = src[k]
            else:
                unserved[best_u_block] += delta
                b = best_u_block
            while b != s:
                k2 = pred[b]
                flow[k2] -= delta
                if flow[k2] == 0:
                    _unlink(k2, shelter[k2], head, nxt, prv)
                k = pred[n_blocks + shelter[k2]]
                if flow[k] == 0:
                    _link(k, shelter[k], head, nxt, prv)
                flow[k] += delta
                b = src[k]
            rem[s] -= delta

            for t in range(n_touched):
                node = touched[t]
                dist[node] = INF
                done[node] = False
                pred[node] = -1

    price = smallest_prices(
        n_blocks, indptr, shelter, cost, src, flow, unserved, v, w, big_m, head, nxt
    )
    for j in range(n_shel):
        if price[j] < 0:
            status = STATUS_BROKEN_INVARIANT
    return flow, unserved, price, status, n_dijkstra


@njit(cache=True, nogil=True)
def smallest_prices(n_blocks, indptr, shelter, cost, src, flow, unserved, v, w, big_m, head, nxt):
    """Smallest optimal shelter prices: ``max(0, -dist(t -> j))`` in the optimal residual graph.

    ``dist`` is the true (not reduced) shortest distance from the super sink t, whose residual
    arcs go to every used shelter (cost 0) and to the unserved sink (cost 0). With potentials
    (v, w) all reduced costs are >= 0, so one Dijkstra suffices; reduced distance D_j gives
    ``dist = D_j - w_j``.
    """
    n_shel = w.shape[0]
    n_nodes = n_blocks + n_shel
    wmax = np.int64(0)
    for j in range(n_shel):
        if w[j] > wmax:
            wmax = w[j]
    price = np.zeros(n_shel, np.int64)
    if wmax == 0:
        return price
    dist = np.full(n_nodes, INF, np.int64)
    done = np.zeros(n_nodes, np.bool_)
    n_arcs = shelter.shape[0]
    hk = np.empty(2 * n_arcs + n_nodes + 2, np.int64)
    hn = np.empty(2 * n_arcs + n_nodes + 2, np.int64)
    hsize = 0
    for j in range(n_shel):
        if head[j] >= 0:  # shelter with flow: arc t->j, reduced cost w_j - 0
            dist[n_blocks + j] = w[j]
            hsize = _push(hk, hn, hsize, w[j], n_blocks + j)
    for i in range(n_blocks):
        if unserved[i] > 0:  # t -> U (reduced 0) -> i (reduced v_i - M)
            d = v[i] - big_m
            if d < 0:
                d = 0  # cannot happen when the invariants hold
            if d < dist[i]:
                dist[i] = d
                hsize = _push(hk, hn, hsize, d, i)
    while hsize > 0:
        key, node, hsize = _pop(hk, hn, hsize)
        if key >= wmax:
            break
        if done[node] or key != dist[node]:
            continue
        done[node] = True
        if node < n_blocks:
            b = node
            base = key - v[b]
            for k in range(indptr[b], indptr[b + 1]):
                jn = n_blocks + shelter[k]
                nd = base + cost[k] + w[shelter[k]]
                if nd < dist[jn]:
                    dist[jn] = nd
                    hsize = _push(hk, hn, hsize, nd, jn)
        else:
            j = node - n_blocks
            k = head[j]
            base = key - w[j]
            while k >= 0:
                b = src[k]
                nd = base + v[b] - cost[k]
                if nd < dist[b]:
                    dist[b] = nd
                    hsize = _push(hk, hn, hsize, nd, b)
                k = nxt[k]
    for j in range(n_shel):
        d = dist[n_blocks + j]
        if d < w[j]:
            price[j] = w[j] - d
    return price


@njit(cache=True, nogil=True)
def greedy_nearest_kernel(supply, capacity, indptr, shelter, cost, order):
    """Baseline: blocks in ``order`` fill their nearest shelters with room (arcs pre-sorted by
    cost within each block); whatever does not fit is unserved."""
    n_blocks = supply.shape[0]
    flow = np.zeros(shelter.shape[0], np.int64)
    unserved = np.zeros(n_blocks, np.int64)
    spare = capacity.copy()
    for t in range(order.shape[0]):
        i = order[t]
        r = supply[i]
        for k in range(indptr[i], indptr[i + 1]):
            if r == 0:
                break
            j = shelter[k]
            if spare[j] > 0:
                a = r if r < spare[j] else spare[j]
                flow[k] = a
                spare[j] -= a
                r -= a
        unserved[i] = r
    return flow, unserved
