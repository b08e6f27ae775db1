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

A block with remaining supply runs Dijkstra on reduced costs that stops at the first shelter
with room (or at the unserved sink), augments, and raises the potentials of the settled nodes
only. Block potentials are implicit, so the heap holds shelters only: the hop j -> b -> j' has
the static real cost ``cost_bj' - cost_bj``, and for every shelter pair the candidate blocks are
kept sorted by it with a pointer to the first one that currently uses j ("first active").
Memory of that table: ``4 * S * (S + 1)`` bytes for the dense pair index (16 MB at S = 2,000)
plus ~24 bytes per candidate (sum over blocks of deg^2); twice that for the index arrays when
they need int64.

Before the searches: initial prices (a warm start, or a greedy guess), a pass that puts supply
on tight arcs, and a repair that zeroes the price of any shelter left with room (releasing the
flows that are no longer tight), so that any price vector gives the same exact optimum.
At the end the complementary-slackness conditions hold, which proves optimality; the shelter
prices are then replaced by the *smallest* optimal prices (the saving of one extra place), found by
one more Dijkstra from the super sink over the final residual graph.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from jnrisk._heap_kernels import heap_pop, heap_push

#: "Infinite" distance; the wrapper keeps every cost and the penalty below 2**58.
INF = np.int64(4611686018427387904)  # 2**62
#: Key of a pair without active candidate: base + NO_HOP + w > INF for every reduced base
#: >= -2**59 and w >= 0, and < 2**63, so the relaxation needs no test.
NO_HOP = np.int64(5764607523034234880)  # 2**62 + 2**60

STATUS_OK = 0
STATUS_BROKEN_INVARIANT = 1
STATUS_MESSAGES = {
    STATUS_OK: "ok",
    STATUS_BROKEN_INVARIANT: "internal error: a reduced cost became negative (please report)",
}


@njit(cache=True, nogil=True)
def _pop(hk, hn, size):
    """Remove the root; return (key, node, new_size)."""
    key = hk[0]
    node = hn[0]
    return key, node, heap_pop(hk, hn, size)


@njit(cache=True, nogil=True)
def _greedy_tight(supply_rem, spare, indptr, shelter, cost, v, w, flow, unserved, big_m):
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
def _build_pairs(n_blocks, n_shel, indptr, shelter, cost, big_m, idx):
    """Hop candidates between shelters, grouped by (from shelter, to shelter), sorted by key.

    Candidate c says: a block b with flow on arc ``c_from[c]`` (to shelter j) could move to
    arc ``c_to[c]`` (to shelter j', or -1 for the unserved sink U = n_shel) at the real cost
    change ``c_key[c] = cost[c_to] - cost[c_from]`` (``M - cost[c_from]`` for U).
    Candidates are written straight into their (j, j') slot through a dense pair table, so
    the build is two sequential passes over the arcs plus small per-pair sorts. Index arrays
    take the dtype of ``idx`` (int32 when the caller knows they fit: half the memory).
    """
    n_sn = n_shel + 1
    n_arcs = shelter.shape[0]
    # pass 1: candidate counts per (j, j') code; then the same table holds the pair ids
    code_tab = np.zeros(n_shel * n_sn, idx.dtype)
    for b in range(n_blocks):
        for k1 in range(indptr[b], indptr[b + 1]):
            j = shelter[k1]
            code_tab[j * n_sn + n_shel] += 1
            for k2 in range(indptr[b], indptr[b + 1]):
                if shelter[k2] != j:
                    code_tab[j * n_sn + shelter[k2]] += 1
    n_pairs = 0
    for code in range(n_shel * n_sn):
        if code_tab[code] > 0:
            n_pairs += 1
    pair_to = np.empty(n_pairs, np.int64)
    pair_cend = np.empty(n_pairs, np.int64)
    pair_sptr = np.zeros(n_shel + 1, np.int64)
    fill = np.empty(n_pairs, np.int64)
    n_c = 0
    p = 0
    for code in range(n_shel * n_sn):
        if code_tab[code] > 0:  # numbered by (j, j')
            pair_to[p] = code % n_sn
            pair_sptr[code // n_sn + 1] += 1
            fill[p] = n_c
            n_c += code_tab[code]
            pair_cend[p] = n_c
            code_tab[code] = p
            p += 1
    for j in range(n_shel):
        pair_sptr[j + 1] += pair_sptr[j]
    # pass 2: write candidates into their slots
    c_from = np.empty(n_c, idx.dtype)
    c_to = np.empty(n_c, idx.dtype)
    c_key = np.empty(n_c, np.int64)
    for b in range(n_blocks):
        for k1 in range(indptr[b], indptr[b + 1]):
            j = shelter[k1]
            p = code_tab[j * n_sn + n_shel]
            t = fill[p]
            fill[p] += 1
            c_from[t] = k1
            c_to[t] = -1
            c_key[t] = big_m - cost[k1]
            for k2 in range(indptr[b], indptr[b + 1]):
                if shelter[k2] != j:
                    p = code_tab[j * n_sn + shelter[k2]]
                    t = fill[p]
                    fill[p] += 1
                    c_from[t] = k1
                    c_to[t] = k2
                    c_key[t] = cost[k2] - cost[k1]
    # sort each (small) pair run by key, through scratch buffers (no temporaries per pair)
    max_run = 0
    start = 0
    for p in range(n_pairs):
        max_run = max(max_run, pair_cend[p] - start)
        start = pair_cend[p]
    tmp_from = np.empty(max_run, idx.dtype)
    tmp_to = np.empty(max_run, idx.dtype)
    tmp_key = np.empty(max_run, np.int64)
    start = 0
    for p in range(n_pairs):
        end = pair_cend[p]
        n = end - start
        if n > 1:
            o = np.argsort(c_key[start:end])
            tmp_from[:n] = c_from[start:end]
            tmp_to[:n] = c_to[start:end]
            tmp_key[:n] = c_key[start:end]
            for r in range(n):
                c_from[start + r] = tmp_from[o[r]]
                c_to[start + r] = tmp_to[o[r]]
                c_key[start + r] = tmp_key[o[r]]
        start = end
    # candidates by their "from" arc, each with its pair (no lookup by c later)
    arc_cptr = np.zeros(n_arcs + 1, idx.dtype)
    for c in range(n_c):
        arc_cptr[c_from[c] + 1] += 1
    for k in range(n_arcs):
        arc_cptr[k + 1] += arc_cptr[k]
    afill = arc_cptr[:-1].copy()
    arc_cands = np.empty(n_c, idx.dtype)
    arc_cpair = np.empty(n_c, idx.dtype)
    start = 0
    for p in range(n_pairs):
        for c in range(start, pair_cend[p]):
            k = c_from[c]
            arc_cands[afill[k]] = c
            arc_cpair[afill[k]] = p
            afill[k] += 1
        start = pair_cend[p]
    return c_from, c_to, c_key, pair_to, pair_sptr, pair_cend, arc_cptr, arc_cands, arc_cpair


@njit(cache=True, nogil=True)
def _activate(k, arc_cptr, arc_cands, arc_cpair, c_key, pfirst, hop):
    for t in range(arc_cptr[k], arc_cptr[k + 1]):
        c = arc_cands[t]
        p = arc_cpair[t]
        if c < pfirst[p]:
            pfirst[p] = c
            hop[p, 0] = c_key[c]


@njit(cache=True, nogil=True)
def _deactivate(k, arc_cptr, arc_cands, arc_cpair, c_key, pfirst, hop, pair_cend, c_from, flow):
    for t in range(arc_cptr[k], arc_cptr[k + 1]):
        c = arc_cands[t]
        p = arc_cpair[t]
        if pfirst[p] == c:
            q = c + 1
            end = pair_cend[p]
            while q < end and flow[c_from[q]] == 0:
                q += 1
            pfirst[p] = q
            hop[p, 0] = c_key[q] if q < end else NO_HOP


def index_dtype(indptr) -> type:
    """int32 if every candidate index of ``_build_pairs`` fits (< 2**31), else int64."""
    deg = np.diff(indptr)
    n_cand = int(np.dot(deg, deg)) if deg.size else 0
    return np.int32 if max(n_cand, int(indptr[-1])) < 2**31 - 1 else np.int64


@njit(cache=True, nogil=True)
def solve_transport_kernel(supply, capacity, indptr, shelter, cost, big_m, price0, idx):
    """Exact integer transportation problem; see the module docstring.

    Returns ``(flow[E], unserved[P], price[S], status, n_dijkstra)``; ``price`` is the smallest
    optimal dual of each capacity constraint (scaled integer units). ``idx`` is an empty int32
    (or int64) array whose dtype the candidate index arrays take: int32 whenever the arcs and
    ``sum(degree**2)`` candidates stay below 2**31 (see ``index_dtype``).
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

    _greedy_tight(rem, spare, indptr, shelter, cost, v, w, flow, unserved, big_m)

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
                    spare[j2] += f
                    rem[i] += f
                    if w[j2] > 0 and not inq[j2]:
                        inq[j2] = True
                        queue[qt] = j2
                        qt += 1
        _greedy_tight(rem, spare, indptr, shelter, cost, v, w, flow, unserved, big_m)

    # ---- successive shortest paths on the shelter graph ------------------------------------
    # A residual path alternates block -> shelter (forward) and shelter -> block (backward, on
    # an arc with flow). Block potentials are implicit (v_b = min(M, min_j cost_bj + w_j) holds
    # for every block with flow or unserved persons), so the search runs over shelters only:
    # the hop j -> j' through block b costs cost_bj' - cost_bj (static), and the cheapest hop
    # among the blocks *currently* using j is kept per shelter pair in a static sorted list
    # with a "first active" pointer.
    (c_from, c_to, c_key, pair_to, pair_sptr, pair_cend, arc_cptr, arc_cands, arc_cpair) = (
        _build_pairs(n_blocks, n_shel, indptr, shelter, cost, big_m, idx)
    )
    n_pairs = pair_to.shape[0]
    pfirst = np.empty(n_pairs, np.int64)
    # (key of the first active candidate or NO_HOP, to shelter) per pair: the search reads
    # only this sequential array, not the scattered candidate table
    hop = np.empty((n_pairs, 2), np.int64)
    for p in range(n_pairs):
        hop[p, 1] = pair_to[p]
        c = pair_cend[p - 1] if p > 0 else 0
        end = pair_cend[p]
        while c < end and flow[c_from[c]] == 0:
            c += 1
        pfirst[p] = c
        hop[p, 0] = c_key[c] if c < end else NO_HOP

    n_sn = n_shel + 1  # shelters + the unserved sink U (index n_shel, price 0)
    wu = np.zeros(n_sn, np.int64)
    wu[:n_shel] = w
    dist = np.full(n_sn, INF, np.int64)
    done = np.zeros(n_sn, np.bool_)
    pred_c = np.full(n_sn, -1, np.int64)
    pred_k = np.full(n_sn, -1, np.int64)
    touched = np.empty(n_sn, np.int64)
    settled = np.empty(n_sn, np.int64)
    max_deg = 0
    for i in range(n_blocks):
        if indptr[i + 1] - indptr[i] > max_deg:
            max_deg = indptr[i + 1] - indptr[i]
    heap_cap = n_pairs + max_deg + 2
    hk = np.empty(heap_cap, np.int64)
    hn = np.empty(heap_cap, np.int64)
    n_dijkstra = 0
    status = STATUS_OK
    u_node = n_shel

    order = np.argsort(v, kind="mergesort")
    for oi in range(n_blocks):
        s = order[oi]
        while rem[s] > 0:
            n_dijkstra += 1
            vs = big_m
            for k in range(indptr[s], indptr[s + 1]):
                c = cost[k] + wu[shelter[k]]
                if c < vs:
                    vs = c
            n_touched = 0
            n_settled = 0
            hsize = 0
            for k in range(indptr[s], indptr[s + 1]):
                j = shelter[k]
                nd = cost[k] - vs + wu[j]
                if nd < dist[j]:
                    if dist[j] == INF:
                        touched[n_touched] = j
                        n_touched += 1
                    dist[j] = nd
                    pred_k[j] = k
                    hsize = heap_push(hk, hn, hsize, nd, j)
            nd = big_m - vs
            dist[u_node] = nd
            pred_k[u_node] = -1
            touched[n_touched] = u_node
            n_touched += 1
            hsize = heap_push(hk, hn, hsize, nd, u_node)
            target = -1
            d_star = INF
            while hsize > 0:
                key, j, hsize = _pop(hk, hn, hsize)
                if done[j] or key != dist[j]:
                    continue
                if j == u_node or spare[j] > 0:
                    target = j
                    d_star = key
                    break
                done[j] = True
                settled[n_settled] = j
                n_settled += 1
                base = key - wu[j]
                for p in range(pair_sptr[j], pair_sptr[j + 1]):
                    j2 = hop[p, 1]
                    nd = base + hop[p, 0] + wu[j2]  # > INF when the pair has no candidate
                    if nd < dist[j2]:
                        if dist[j2] == INF:
                            touched[n_touched] = j2
                            n_touched += 1
                        dist[j2] = nd
                        pred_c[j2] = pfirst[p]
                        hsize = heap_push(hk, hn, hsize, nd, j2)
            if target < 0:  # cannot happen: U is always reachable
                status = STATUS_BROKEN_INVARIANT
                break
            for t in range(n_settled):
                j = settled[t]
                if dist[j] < d_star:
                    wu[j] += d_star - dist[j]

            # bottleneck
            delta = rem[s]
            if target != u_node and spare[target] < delta:
                delta = spare[target]
            j = target
            while pred_c[j] >= 0:
                kb = c_from[pred_c[j]]
                if flow[kb] < delta:
                    delta = flow[kb]
                j = shelter[kb]
            # apply
            if target == u_node:
                c = pred_c[u_node]
                unserved[src[c_from[c]] if c >= 0 else s] += delta
            else:
                spare[target] -= delta
            j = target
            while pred_c[j] >= 0:
                c = pred_c[j]
                kt = c_to[c]
                if kt >= 0:
                    if flow[kt] == 0:
                        flow[kt] = delta
                        _activate(kt, arc_cptr, arc_cands, arc_cpair, c_key, pfirst, hop)
                    else:
                        flow[kt] += delta
                kb = c_from[c]
                flow[kb] -= delta
                if flow[kb] == 0:
                    _deactivate(
                        kb,
                        arc_cptr,
                        arc_cands,
                        arc_cpair,
                        c_key,
                        pfirst,
                        hop,
                        pair_cend,
                        c_from,
                        flow,
                    )
                j = shelter[kb]
            k = pred_k[j]
            if k >= 0:
                if flow[k] == 0:
                    flow[k] = delta
                    _activate(k, arc_cptr, arc_cands, arc_cpair, c_key, pfirst, hop)
                else:
                    flow[k] += delta
            rem[s] -= delta

            for t in range(n_touched):
                j = touched[t]
                dist[j] = INF
                done[j] = False
                pred_c[j] = -1
                pred_k[j] = -1
        if status != STATUS_OK:
            break

    for j in range(n_shel):
        w[j] = wu[j]
    price = _smallest_prices(
        indptr, shelter, cost, capacity, spare, unserved, w, big_m, pair_sptr, hop
    )
    for j in range(n_shel):
        if price[j] < 0:
            status = STATUS_BROKEN_INVARIANT
    return flow, unserved, price, status, n_dijkstra


@njit(cache=True, nogil=True)
def _smallest_prices(indptr, shelter, cost, capacity, spare, unserved, w, big_m, pair_sptr, hop):
    """Smallest optimal shelter prices: ``max(0, -dist(t -> j))`` in the optimal residual graph.

    ``dist`` is the true (not reduced) shortest distance from the super sink t, whose residual
    arcs go to every used shelter (cost 0) and to the unserved sink U (cost 0), and from U to
    every block with unserved persons (cost -M). With potentials (v, w) all reduced costs are
    >= 0, so one Dijkstra suffices; reduced distance D_j gives ``dist = D_j - w_j``. Blocks are
    collapsed as in the search: the hop j -> block -> j' is the pair table's first active
    candidate (``hop``), and t -> U -> block -> j' is a seed. Paths that re-enter U are never
    shorter than starting at U, so the (j, U) pairs are skipped.
    """
    n_shel = w.shape[0]
    wmax = np.int64(0)
    for j in range(n_shel):
        if w[j] > wmax:
            wmax = w[j]
    price = np.zeros(n_shel, np.int64)
    if wmax == 0:
        return price
    dist = np.full(n_shel, INF, np.int64)
    for j in range(n_shel):
        if spare[j] < capacity[j]:  # shelter with flow: arc t->j, reduced cost w_j
            dist[j] = w[j]
    for i in range(unserved.shape[0]):
        if unserved[i] > 0:  # t -> U -> i (reduced max(0, v_i - M) = 0) -> j
            vi = big_m
            for k in range(indptr[i], indptr[i + 1]):
                c = cost[k] + w[shelter[k]]
                if c < vi:
                    vi = c
            for k in range(indptr[i], indptr[i + 1]):
                j = shelter[k]
                nd = cost[k] + w[j] - vi
                if nd < dist[j]:
                    dist[j] = nd
    done = np.zeros(n_shel, np.bool_)
    cap = n_shel + hop.shape[0] + 1
    hk = np.empty(cap, np.int64)
    hn = np.empty(cap, np.int64)
    hsize = 0
    for j in range(n_shel):
        if dist[j] < INF:
            hsize = heap_push(hk, hn, hsize, dist[j], j)
    while hsize > 0:
        key, j, hsize = _pop(hk, hn, hsize)
        if key >= wmax:
            break
        if done[j] or key != dist[j]:
            continue
        done[j] = True
        base = key - w[j]
        for p in range(pair_sptr[j], pair_sptr[j + 1]):
            j2 = hop[p, 1]
            if j2 == n_shel:
                continue
            nd = base + hop[p, 0] + w[j2]  # > INF when the pair has no candidate
            if nd < dist[j2]:
                dist[j2] = nd
                hsize = heap_push(hk, hn, hsize, nd, j2)
    for j in range(n_shel):
        if dist[j] < w[j]:
            price[j] = w[j] - dist[j]
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


@njit(cache=True, nogil=True)
def guess_prices(supply, capacity, indptr, shelter, cost, big_m):
    """Cheap initial shelter prices from a greedy pass (any prices keep the solver exact).

    Blocks, nearest first, fill their nearest shelters with room. A shelter that ends full
    while some block within reach stays (partly) unserved gets ``M - d`` for the nearest such
    block (the smallest price consistent with leaving that block unserved); others get 0.
    In saturated districts this puts prices near their optimum, so the exact phase does not
    have to raise them from 0 one search at a time.
    """
    n_blocks = supply.shape[0]
    n_shel = capacity.shape[0]
    nearest = np.empty(n_blocks, np.int64)
    for i in range(n_blocks):
        m = big_m
        for k in range(indptr[i], indptr[i + 1]):
            if cost[k] < m:
                m = cost[k]
        nearest[i] = m
    order = np.argsort(nearest, kind="mergesort")
    spare = capacity.copy()
    min_unserved_d = np.full(n_shel, INF, np.int64)
    max_deg = 0
    for i in range(n_blocks):
        max_deg = max(max_deg, indptr[i + 1] - indptr[i])
    arc_order = np.empty(max_deg, np.int64)
    for t in range(n_blocks):
        i = order[t]
        r = supply[i]
        if r == 0:
            continue
        lo = indptr[i]
        hi = indptr[i + 1]
        # stable insertion sort of the block's arcs by cost (few arcs; no allocation)
        for q in range(hi - lo):
            k = lo + q
            u = q
            while u > 0 and cost[lo + arc_order[u - 1]] > cost[k]:
                arc_order[u] = arc_order[u - 1]
                u -= 1
            arc_order[u] = q
        for q in range(hi - lo):
            k = lo + arc_order[q]
            j = shelter[k]
            if spare[j] > 0:
                a = r if r < spare[j] else spare[j]
                spare[j] -= a
                r -= a
                if r == 0:
                    break
        if r > 0:
            for k in range(lo, hi):
                j = shelter[k]
                if cost[k] < min_unserved_d[j]:
                    min_unserved_d[j] = cost[k]
    price = np.zeros(n_shel, np.int64)
    for j in range(n_shel):
        if spare[j] == 0 and min_unserved_d[j] < big_m:
            price[j] = big_m - min_unserved_d[j]
    return price
