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
the static real cost ``cost_bj' - cost_bj``, and each shelter keeps a lazily rebuilt segment
of its cheapest hop (and second cheapest) per target, over the blocks that currently use it
(see ``rebuild_hops``). Memory is linear in the arcs: ~11 int64 per arc plus 56 bytes per hop
entry (at most one per target shelter and per active arc's block degree); a static table of
every candidate pair would need ``sum over blocks of degree**2`` entries.

The kernel runs in named phases, each its own function: ``initial_duals`` (prices from a warm
start or a greedy guess, block potentials), ``seed_flows`` (warm flows kept where tight, then
supply on tight arcs), ``repair_prices`` (a shelter left with room gets price 0; flows that stop
being tight are released, so any start gives the same exact optimum), ``augment_all`` (the
searches) and ``smallest_prices``. At the end the complementary-slackness conditions hold, which
proves optimality; the shelter prices are then replaced by the *smallest* optimal prices (the
saving of one extra place), found by one more Dijkstra from the super sink over the final
residual graph.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from jnrisk._heap_kernels import heap_grow, heap_pop, heap_push

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


def working_set_bytes(n_blocks: int, n_shel: int, n_arcs: int) -> int:
    """Estimate the bytes the solver kernel allocates.

    Bytes the solver kernel allocates: ~11 int64 per arc (flows, arcs by shelter and their
    positions, the hop table's first size, counters), ~8 per block and ~16 per shelter.
    """
    return 8 * (11 * n_arcs + 8 * n_blocks + 16 * (n_shel + 1)) + 4 * n_arcs


@njit(cache=True, nogil=True)
def initial_duals(indptr, shelter, cost, big_m, price0):
    """Phase 1: set the starting shelter prices and block potentials.

    Phase 1: shelter prices ``w = max(price0, 0)`` and block potentials
    ``v_b = min(M, min_j cost_bj + w_j)``.
    """
    n_blocks = indptr.shape[0] - 1
    n_shel = price0.shape[0]
    w = np.empty(n_shel, np.int64)
    for j in range(n_shel):
        w[j] = price0[j] if price0[j] > 0 else 0
    v = np.empty(n_blocks, np.int64)
    for i in range(n_blocks):
        v[i] = _block_potential(i, indptr, shelter, cost, w, big_m)
    return w, v


@njit(cache=True, nogil=True)
def _block_potential(i, indptr, shelter, cost, w, big_m):
    m = big_m
    for k in range(indptr[i], indptr[i + 1]):
        c = cost[k] + w[shelter[k]]
        if c < m:
            m = c
    return m


@njit(cache=True, nogil=True)
def seed_flows(supply, capacity, indptr, shelter, cost, v, w, flow0, big_m):
    """Phase 2: seed flows on tight arcs.

    Phase 2: a start on tight arcs. Warm flows ``flow0`` are kept where their arc is tight
    and the shelter has room; the rest of the supply then goes greedily to tight arcs.

    Returns ``(rem, spare, flow, unserved)``; every kept flow is on a tight arc, so the
    invariants of the module docstring hold except "price > 0 only on full shelters", which
    :func:`repair_prices` restores.
    """
    n_blocks = supply.shape[0]
    rem = supply.copy()
    spare = capacity.copy()
    flow = np.zeros(shelter.shape[0], np.int64)
    unserved = np.zeros(n_blocks, np.int64)
    if flow0.shape[0] == shelter.shape[0]:
        for i in range(n_blocks):
            vi = v[i]
            for k in range(indptr[i], indptr[i + 1]):
                f = flow0[k]
                j = shelter[k]
                if f <= 0 or rem[i] == 0 or spare[j] == 0 or cost[k] + w[j] != vi:
                    continue
                a = f
                if rem[i] < a:
                    a = rem[i]
                if spare[j] < a:
                    a = spare[j]
                flow[k] = a
                spare[j] -= a
                rem[i] -= a
    _greedy_tight(rem, spare, indptr, shelter, cost, v, w, flow, unserved, big_m)
    return rem, spare, flow, unserved


@njit(cache=True, nogil=True)
def repair_prices(rem, spare, flow, unserved, indptr, shelter, cost, v, w, big_m):
    """Phase 3: repair prices so that any price vector is a valid start.

    Phase 3: zero the price of every shelter left with room, releasing the flows that stop
    being tight (and the unserved persons of blocks whose potential drops below M), then
    put supply on tight arcs again. Afterwards any price vector is a valid start.
    """
    n_shel = w.shape[0]
    n_arcs = shelter.shape[0]
    any_price = False
    for j in range(n_shel):
        if w[j] > 0 and spare[j] > 0:
            any_price = True
            break
    if not any_price:
        return
    src = arc_blocks(indptr)
    cnt, by_shel = _arcs_by_shelter(shelter, n_shel)
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
            m = _block_potential(i, indptr, shelter, cost, w, big_m)
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
    if n_arcs > 0:
        _greedy_tight(rem, spare, indptr, shelter, cost, v, w, flow, unserved, big_m)


@njit(cache=True, nogil=True)
def arc_blocks(indptr):
    """Block (source) of every arc of a CSR by block."""
    n_blocks = indptr.shape[0] - 1
    src = np.empty(indptr[n_blocks], np.int64)
    for i in range(n_blocks):
        for k in range(indptr[i], indptr[i + 1]):
            src[k] = i
    return src


@njit(cache=True, nogil=True)
def _arcs_by_shelter(shelter, n_shel):
    """CSR of the arcs grouped by shelter: ``(ptr[S + 1], arcs[E])``."""
    n_arcs = shelter.shape[0]
    ptr = np.zeros(n_shel + 1, np.int64)
    for k in range(n_arcs):
        ptr[shelter[k] + 1] += 1
    for j in range(n_shel):
        ptr[j + 1] += ptr[j]
    fill = ptr[:-1].copy()
    arcs = np.empty(n_arcs, np.int64)
    for k in range(n_arcs):
        j = shelter[k]
        arcs[fill[j]] = k
        fill[j] += 1
    return ptr, arcs


# ---- the lazy hop table -------------------------------------------------------------------
# For each shelter j, its hops j -> b -> j' (b a block with flow on j, "active" at j), reduced
# to the cheapest real cost change ``cost_bj' - cost_bj`` per target j' (and ``M - cost_bj``
# to the unserved sink U = S). A shelter's segment is rebuilt only when it is read after its
# set of active blocks changed ("dirty"), from those blocks' arcs: the table holds at most
# sum over active arcs of the block's degree entries, linear in the arcs (a static table of
# every candidate pair would hold sum(degree**2)).
# pool rows: (key, to shelter, backward arc b->j, forward arc b->j' or -1 for U)


@njit(cache=True, nogil=True)
def hop_state(flow, shelter, n_shel):
    """Arcs by shelter with the active ones (flow > 0) first: ``(ptr, arcs, pos, n_act)``."""
    ptr, arcs = _arcs_by_shelter(shelter, n_shel)
    pos = np.empty(shelter.shape[0], np.int64)
    n_act = np.zeros(n_shel, np.int64)
    for t in range(arcs.shape[0]):
        pos[arcs[t]] = t
    for t in range(arcs.shape[0]):
        k = arcs[t]
        if flow[k] > 0:
            _swap_in(k, shelter[k], ptr, arcs, pos, n_act)
    return ptr, arcs, pos, n_act


@njit(cache=True, nogil=True)
def _swap_to(k, t, arcs, pos):
    """Move arc ``k`` to slot ``t`` of its shelter's list, the arc there to ``k``'s slot."""
    k2 = arcs[t]
    p = pos[k]
    arcs[t] = k
    arcs[p] = k2
    pos[k] = t
    pos[k2] = p


@njit(cache=True, nogil=True)
def _swap_in(k, j, ptr, arcs, pos, n_act):
    _swap_to(k, ptr[j] + n_act[j], arcs, pos)
    n_act[j] += 1


@njit(cache=True, nogil=True)
def _swap_out(k, j, ptr, arcs, pos, n_act):
    n_act[j] -= 1
    _swap_to(k, ptr[j] + n_act[j], arcs, pos)


@njit(cache=True, nogil=True)
def rebuild_hops(j, pool, tail, hop, indptr, shelter, cost, big_m, scr, touched):
    """Rebuild shelter j's hop segment from its active blocks.

    Rewrite shelter ``j``'s hop segment (sorted by target) from its active blocks; return
    ``(pool, tail)`` (a bigger, compacted pool when the old one is full).

    Each entry keeps the cheapest hop and the second cheapest (through another block), so
    that a block leaving j usually promotes the second instead of a rebuild. ``n_from[k]``
    counts the entries whose cheapest hop leaves through arc k. ``scr`` is scratch
    (S + 1 rows: key, from, to, key2, from2, to2; keys INF between calls). ``hop`` is the
    table's state, see :func:`augment_all`.
    """
    ptr, arcs, _, n_act, _, seg_start, seg_len, n_from, src = hop
    n_shel = seg_start.shape[0]
    for p in range(seg_start[j], seg_start[j] + seg_len[j]):
        n_from[pool[p, 2]] -= 1
    n_t = 0
    for t in range(ptr[j], ptr[j] + n_act[j]):
        kb = arcs[t]
        b = src[kb]
        cb = cost[kb]
        for k2 in range(indptr[b], indptr[b + 1] + 1):
            if k2 < indptr[b + 1]:
                j2 = shelter[k2]
                if j2 == j:
                    continue
                key = cost[k2] - cb
                kt = k2
            else:
                j2 = n_shel
                key = big_m - cb
                kt = -1
            if key < scr[j2, 0]:
                if scr[j2, 0] == INF:
                    touched[n_t] = j2
                    n_t += 1
                scr[j2, 3] = scr[j2, 0]
                scr[j2, 4] = scr[j2, 1]
                scr[j2, 5] = scr[j2, 2]
                scr[j2, 0] = key
                scr[j2, 1] = kb
                scr[j2, 2] = kt
            elif key < scr[j2, 3]:
                scr[j2, 3] = key
                scr[j2, 4] = kb
                scr[j2, 5] = kt
    if n_t > seg_len[j] and tail + n_t > pool.shape[0]:
        live = n_t
        for q in range(n_shel):
            if q != j:
                live += seg_len[q]
        new = np.empty((2 * live + 64, pool.shape[1]), np.int64)
        tail = 0
        for q in range(n_shel):
            if q != j:
                new[tail : tail + seg_len[q]] = pool[seg_start[q] : seg_start[q] + seg_len[q]]
                seg_start[q] = tail
                tail += seg_len[q]
        seg_len[j] = 0
        pool = new
    if n_t > seg_len[j]:
        seg_start[j] = tail
        tail += n_t
    touched[:n_t].sort()
    at = seg_start[j]
    for r in range(n_t):
        j2 = touched[r]
        n_from[scr[j2, 1]] += 1
        pool[at + r, 0] = scr[j2, 0]
        pool[at + r, 1] = j2
        pool[at + r, 2] = scr[j2, 1]
        pool[at + r, 3] = scr[j2, 2]
        pool[at + r, 4] = scr[j2, 3]
        pool[at + r, 5] = scr[j2, 4]
        pool[at + r, 6] = scr[j2, 5]
        scr[j2, 0] = INF
        scr[j2, 3] = INF
    seg_len[j] = n_t
    return pool, tail


@njit(cache=True, nogil=True)
def _merge_block(k, pool, seg_start, seg_len, n_from, src, indptr, shelter, cost, big_m):
    """Merge a block's hops into shelter j's clean segment.

    Fold the hops of a block that starts using shelter j (arc k) into j's clean segment;
    False when one of its targets has no entry yet (the segment must be rebuilt).
    """
    j = shelter[k]
    b = src[k]
    lo0 = seg_start[j]
    hi0 = lo0 + seg_len[j]
    n_shel = seg_start.shape[0]
    for k2 in range(indptr[b], indptr[b + 1] + 1):
        if k2 < indptr[b + 1]:
            j2 = shelter[k2]
            if j2 == j:
                continue
            key = cost[k2] - cost[k]
            kt = k2
        else:
            j2 = n_shel
            key = big_m - cost[k]
            kt = -1
        lo = lo0
        hi = hi0
        while lo < hi:
            mid = (lo + hi) >> 1
            if pool[mid, 1] < j2:
                lo = mid + 1
            else:
                hi = mid
        if lo == hi0 or pool[lo, 1] != j2:
            return False
        if key < pool[lo, 0]:
            n_from[pool[lo, 2]] -= 1
            n_from[k] += 1
            pool[lo, 4] = pool[lo, 0]
            pool[lo, 5] = pool[lo, 2]
            pool[lo, 6] = pool[lo, 3]
            pool[lo, 0] = key
            pool[lo, 2] = k
            pool[lo, 3] = kt
        elif key < pool[lo, 4] < INF:  # INF: unknown since a promotion, left unknown
            pool[lo, 4] = key
            pool[lo, 5] = k
            pool[lo, 6] = kt
    return True


@njit(cache=True, nogil=True)
def _add_flow(k, delta, flow, pool, hop, indptr, shelter, cost, big_m):
    ptr, arcs, pos, n_act, dirty, seg_start, seg_len, n_from, src = hop
    if flow[k] == 0:
        j = shelter[k]
        _swap_in(k, j, ptr, arcs, pos, n_act)
        if not dirty[j] and not _merge_block(
            k, pool, seg_start, seg_len, n_from, src, indptr, shelter, cost, big_m
        ):
            dirty[j] = True
    flow[k] += delta


@njit(cache=True, nogil=True)
def _take_flow(k, delta, flow, pool, hop, shelter):
    ptr, arcs, pos, n_act, dirty, seg_start, seg_len, n_from, _ = hop
    flow[k] -= delta
    if flow[k] == 0:
        j = shelter[k]
        _swap_out(k, j, ptr, arcs, pos, n_act)
        if n_from[k] > 0 and not dirty[j]:
            # entries whose cheapest hop left through k fall back on their second cheapest
            for p in range(seg_start[j], seg_start[j] + seg_len[j]):
                if pool[p, 2] != k:
                    continue
                k2 = pool[p, 5]
                if pool[p, 4] == INF or flow[k2] == 0:
                    dirty[j] = True
                    break
                n_from[k] -= 1
                n_from[k2] += 1
                pool[p, 0] = pool[p, 4]
                pool[p, 2] = k2
                pool[p, 3] = pool[p, 6]
                pool[p, 4] = INF
                if n_from[k] == 0:
                    break


@njit(cache=True, nogil=True)
def augment_all(rem, spare, flow, unserved, indptr, shelter, cost, v, w, big_m):
    """Phase 4: successive shortest augmenting paths on the shelter graph.

    A residual path alternates block -> shelter (forward) and shelter -> block (backward, on
    an arc with flow). Block potentials are implicit (``v_b = min(M, min_j cost_bj + w_j)``
    holds for every block with flow or unserved persons), so each search runs over shelters
    only, reading the lazy hop table. Updates ``rem, spare, flow, unserved, w`` in place and
    returns ``(status, n_searches, pool, seg_start, seg_len)``: the clean hop table, which the
    final prices read.
    """
    n_blocks = rem.shape[0]
    n_shel = w.shape[0]
    src = arc_blocks(indptr)
    ptr, arcs, pos, n_act = hop_state(flow, shelter, n_shel)
    dirty = np.ones(n_shel, np.bool_)
    seg_start = np.zeros(n_shel, np.int64)
    seg_len = np.zeros(n_shel, np.int64)
    n_from = np.zeros(shelter.shape[0], np.int32)
    # the lazy hop table's state, passed around as one tuple
    hop = (ptr, arcs, pos, n_act, dirty, seg_start, seg_len, n_from, src)
    pool = np.empty((min(shelter.shape[0], n_shel * (n_shel + 1)) + 64, 7), np.int64)
    tail = 0
    n_sn = n_shel + 1  # shelters + the unserved sink U (index n_shel, price 0)
    scr = np.zeros((n_sn, 6), np.int64)
    scr[:, 0] = INF
    scr[:, 3] = INF
    touched = np.empty(n_sn, np.int64)
    scratch = np.empty(n_sn, np.int64)
    wu = np.zeros(n_sn, np.int64)
    wu[:n_shel] = w
    dist = np.full(n_sn, INF, np.int64)
    done = np.zeros(n_sn, np.bool_)
    pred_from = np.full(n_sn, -1, np.int64)
    pred_to = np.full(n_sn, -1, np.int64)
    settled = np.empty(n_sn, np.int64)
    hk = np.empty(4 * n_sn + 64, np.int64)
    hn = np.empty(4 * n_sn + 64, np.int64)
    n_search = 0
    status = STATUS_OK
    u_node = n_shel
    # blocks grouped by their nearest shelter (consecutive searches share shelters), then by v
    near = np.zeros(n_blocks, np.int64)
    for i in range(n_blocks):
        best_c = INF
        for k in range(indptr[i], indptr[i + 1]):
            if cost[k] < best_c:
                best_c = cost[k]
                near[i] = shelter[k]
    order = np.argsort(v, kind="mergesort")
    order = order[np.argsort(near[order], kind="mergesort")]
    for oi in range(n_blocks):
        s = order[oi]
        while rem[s] > 0:
            n_search += 1
            vs = _block_potential(s, indptr, shelter, cost, wu, big_m)
            n_touched = 0
            n_settled = 0
            hsize = 0
            lo = indptr[s]
            hi = indptr[s + 1]
            if hsize + (hi - lo) + 1 >= hk.shape[0]:
                hk, hn = heap_grow(hk, hn)
            for k in range(lo, hi):
                j = shelter[k]
                nd = cost[k] - vs + wu[j]
                if nd < dist[j]:
                    if dist[j] == INF:
                        touched[n_touched] = j
                        n_touched += 1
                    dist[j] = nd
                    pred_to[j] = k
                    hsize = heap_push(hk, hn, hsize, nd, j)
            dist[u_node] = big_m - vs
            pred_to[u_node] = -1
            touched[n_touched] = u_node
            n_touched += 1
            hsize = heap_push(hk, hn, hsize, big_m - vs, u_node)
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
                if dirty[j]:
                    pool, tail = rebuild_hops(
                        j, pool, tail, hop, indptr, shelter, cost, big_m, scr, scratch
                    )
                    dirty[j] = False
                base = key - wu[j]
                a = seg_start[j]
                if hsize + seg_len[j] >= hk.shape[0]:
                    hk, hn = heap_grow(hk, hn)
                    while hsize + seg_len[j] >= hk.shape[0]:
                        hk, hn = heap_grow(hk, hn)
                for p in range(a, a + seg_len[j]):
                    j2 = pool[p, 1]
                    nd = base + pool[p, 0] + wu[j2]
                    if nd < dist[j2]:
                        if dist[j2] == INF:
                            touched[n_touched] = j2
                            n_touched += 1
                        dist[j2] = nd
                        pred_from[j2] = pool[p, 2]
                        pred_to[j2] = pool[p, 3]
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
            while pred_from[j] >= 0:
                kb = pred_from[j]
                if flow[kb] < delta:
                    delta = flow[kb]
                j = shelter[kb]
            # apply
            if target == u_node:
                kb = pred_from[u_node]
                unserved[src[kb] if kb >= 0 else s] += delta
            else:
                spare[target] -= delta
            j = target
            while pred_from[j] >= 0:
                kt = pred_to[j]
                if kt >= 0:
                    _add_flow(kt, delta, flow, pool, hop, indptr, shelter, cost, big_m)
                kb = pred_from[j]
                _take_flow(kb, delta, flow, pool, hop, shelter)
                j = shelter[kb]
            k = pred_to[j]
            if k >= 0:
                _add_flow(k, delta, flow, pool, hop, indptr, shelter, cost, big_m)
            rem[s] -= delta
            for t in range(n_touched):
                j = touched[t]
                dist[j] = INF
                done[j] = False
                pred_from[j] = -1
                pred_to[j] = -1
        if status != STATUS_OK:
            break
    for j in range(n_shel):
        w[j] = wu[j]
    # every segment clean for the final prices
    for j in range(n_shel):
        if dirty[j]:
            pool, tail = rebuild_hops(
                j, pool, tail, hop, indptr, shelter, cost, big_m, scr, scratch
            )
            dirty[j] = False
    return status, n_search, pool, seg_start, seg_len


@njit(cache=True, nogil=True)
def solve_transport_kernel(supply, capacity, indptr, shelter, cost, big_m, price0, flow0):
    """Exact integer transportation problem; see the module docstring.

    ``price0`` (int64 per shelter) and ``flow0`` (int64 per arc, or empty) are any start;
    the answer is the same optimum. Returns ``(flow[E], unserved[P], price[S], status,
    n_searches)``; ``price`` is the smallest optimal dual of each capacity constraint
    (scaled integer units).
    """
    w, v = initial_duals(indptr, shelter, cost, big_m, price0)
    rem, spare, flow, unserved = seed_flows(
        supply, capacity, indptr, shelter, cost, v, w, flow0, big_m
    )
    repair_prices(rem, spare, flow, unserved, indptr, shelter, cost, v, w, big_m)
    status, n_search, pool, seg_start, seg_len = augment_all(
        rem, spare, flow, unserved, indptr, shelter, cost, v, w, big_m
    )
    price = smallest_prices(
        indptr, shelter, cost, capacity, spare, unserved, w, big_m, pool, seg_start, seg_len
    )
    for j in range(capacity.shape[0]):
        if price[j] < 0:
            status = STATUS_BROKEN_INVARIANT
    return flow, unserved, price, status, n_search


@njit(cache=True, nogil=True)
def smallest_prices(
    indptr, shelter, cost, capacity, spare, unserved, w, big_m, pool, seg_start, seg_len
):
    """Phase 5: compute the smallest optimal shelter prices.

    Phase 5: smallest optimal shelter prices ``max(0, -dist(t -> j))`` in the optimal
    residual graph.

    ``dist`` is the true (not reduced) shortest distance from the super sink t, whose residual
    arcs go to every used shelter (cost 0) and to the unserved sink U (cost 0), and from U to
    every block with unserved persons (cost -M). With potentials (v, w) all reduced costs are
    >= 0, so one Dijkstra suffices; reduced distance D_j gives ``dist = D_j - w_j``. Blocks are
    collapsed as in the search: the hop j -> block -> j' is read from the (clean) hop table,
    and t -> U -> block -> j' is a seed. Paths that re-enter U are never shorter than starting
    at U, so hops to U are skipped.
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
            vi = _block_potential(i, indptr, shelter, cost, w, big_m)
            for k in range(indptr[i], indptr[i + 1]):
                j = shelter[k]
                nd = cost[k] + w[j] - vi
                if nd < dist[j]:
                    dist[j] = nd
    done = np.zeros(n_shel, np.bool_)
    cap = n_shel + 1
    for j in range(n_shel):
        cap += seg_len[j]
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
        a = seg_start[j]
        for p in range(a, a + seg_len[j]):
            j2 = pool[p, 1]
            if j2 == n_shel:
                continue
            nd = base + pool[p, 0] + w[j2]
            if nd < dist[j2]:
                dist[j2] = nd
                hsize = heap_push(hk, hn, hsize, nd, j2)
    for j in range(n_shel):
        if dist[j] < w[j]:
            price[j] = w[j] - dist[j]
    return price


@njit(cache=True, nogil=True)
def greedy_nearest_kernel(supply, capacity, indptr, shelter, cost, order):
    """Assign greedily: each block fills its nearest shelters with room.

    Baseline: blocks in ``order`` fill their nearest shelters with room (arcs pre-sorted by
    cost within each block); whatever does not fit is unserved.
    """
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
