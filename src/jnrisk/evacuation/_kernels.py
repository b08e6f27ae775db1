"""numba kernels of the evacuation model: routes to shelters and the dynamic network loading.

Pure functions on arrays; :mod:`jnrisk.evacuation.loading` validates the inputs and wraps
the results.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from jnrisk._heap_kernels import heap_grow, heap_pop, heap_push

STATUS_OK = 0
STATUS_HORIZON = 1  # people still on the way when max_steps ran out
STATUS_GRIDLOCK = 2  # nobody moved for longer than the longest free-flow time

_EPS = 1e-9


@njit(cache=True, nogil=True)
def routes_to_targets(indptr, indices, w, closed, rev_indptr, rev_arc, tgt_node, tgt_ptr,
                      grp_sorted, grp_origin):
    """Shortest routes (arc lists) from each group's origin to its target node.

    One backward Dijkstra per target over the reversed arcs (``rev_arc[rev_indptr[v]:...]`` are
    the arcs entering ``v``), stopped once every origin of that target is settled. Groups
    ``grp_sorted[tgt_ptr[k]:tgt_ptr[k+1]]`` go to ``tgt_node[k]``.

    Returns ``route_ptr`` (groups + 1), ``route_arcs``, ``route_m`` (length per group, inf when
    the target is unreachable).
    """
    n = indptr.shape[0] - 1
    n_groups = grp_origin.shape[0]
    tail_of = np.empty(indices.shape[0], np.int64)
    for u in range(n):
        for a in range(indptr[u], indptr[u + 1]):
            tail_of[a] = u
    dist = np.full(n, np.inf)
    nxt = np.full(n, -1, np.int64)
    done = np.zeros(n, np.bool_)
    want = np.zeros(n, np.int64)
    touched = np.empty(n, np.int64)
    keys = np.empty(1024, np.float64)
    vals = np.empty(1024, np.int64)
    route_len = np.zeros(n_groups, np.int64)
    route_m = np.full(n_groups, np.inf)
    cap = 1024
    arcs = np.empty(cap, np.int64)
    grp_start = np.zeros(n_groups, np.int64)
    used = 0
    has_closed = closed.shape[0] > 0
    for k in range(tgt_node.shape[0]):
        t = tgt_node[k]
        remaining = 0
        for i in range(tgt_ptr[k], tgt_ptr[k + 1]):
            o = grp_origin[grp_sorted[i]]
            if want[o] == 0:
                remaining += 1
            want[o] += 1
        n_t = 0
        dist[t] = 0.0
        touched[n_t] = t
        n_t += 1
        size = heap_push(keys, vals, 0, 0.0, t)
        while size > 0 and remaining > 0:
            d = keys[0]
            v = vals[0]
            size = heap_pop(keys, vals, size)
            if done[v] or d > dist[v]:
                continue
            done[v] = True
            if want[v] > 0:
                remaining -= 1
            for r in range(rev_indptr[v], rev_indptr[v + 1]):
                a = rev_arc[r]
                if has_closed and closed[a]:
                    continue
                u = tail_of[a]
                nd = d + w[a]
                if nd < dist[u]:
                    if dist[u] == np.inf:
                        touched[n_t] = u
                        n_t += 1
                    dist[u] = nd
                    nxt[u] = a
                    if size >= keys.shape[0]:
                        keys, vals = heap_grow(keys, vals)
                    size = heap_push(keys, vals, size, nd, u)
        for i in range(tgt_ptr[k], tgt_ptr[k + 1]):
            g = grp_sorted[i]
            o = grp_origin[g]
            want[o] = 0
            grp_start[g] = used
            if not done[o]:
                continue
            route_m[g] = dist[o]
            v = o
            while v != t:
                a = nxt[v]
                if used >= cap:
                    cap *= 2
                    new = np.empty(cap, np.int64)
                    new[:used] = arcs[:used]
                    arcs = new
                arcs[used] = a
                used += 1
                route_len[g] += 1
                v = indices[a]
        for i in range(n_t):
            v = touched[i]
            dist[v] = np.inf
            nxt[v] = -1
            done[v] = False
    # groups were filled target by target: gather them into group order
    route_ptr = np.zeros(n_groups + 1, np.int64)
    for g in range(n_groups):
        route_ptr[g + 1] = route_ptr[g] + route_len[g]
    out = np.empty(route_ptr[n_groups], np.int64)
    for g in range(n_groups):
        out[route_ptr[g]:route_ptr[g + 1]] = arcs[grp_start[g]:grp_start[g] + route_len[g]]
    return route_ptr, out, route_m


@njit(cache=True, nogil=True)
def _grow_pool(p_group, p_hop, p_count, p_ready, p_next):
    n = p_group.shape[0]
    m = 2 * n
    g2 = np.empty(m, np.int64)
    h2 = np.empty(m, np.int64)
    c2 = np.empty(m, np.float64)
    r2 = np.empty(m, np.float64)
    x2 = np.empty(m, np.int64)
    g2[:n] = p_group
    h2[:n] = p_hop
    c2[:n] = p_count
    r2[:n] = p_ready
    x2[:n] = p_next
    return g2, h2, c2, r2, x2


@njit(cache=True, nogil=True)
def _enter(b, g, h, mv, ready, t, head, tail, tail_step, rptr, occ, transit, in_active, active,
           n_active, p_group, p_hop, p_count, p_ready, p_next, n_used, free_head):
    """Append persons of one group to an arc's queue.

    Append ``mv`` persons of group ``g`` (route hop ``h``) to arc ``b``'s queue, merged into
    its tail packet when that one came from the same group in the same step.
    """
    q = tail[b]
    if q != -1 and tail_step[b] == t and p_group[q] == g and p_hop[q] == h:
        p_count[q] += mv
    else:
        if free_head != -1:
            q = free_head
            free_head = p_next[q]
        else:
            if n_used >= p_group.shape[0]:
                p_group, p_hop, p_count, p_ready, p_next = _grow_pool(
                    p_group, p_hop, p_count, p_ready, p_next)
            q = n_used
            n_used += 1
        p_group[q] = g
        p_hop[q] = h
        p_count[q] = mv
        p_ready[q] = ready
        p_next[q] = -1
        if tail[b] == -1:
            head[b] = q
        else:
            p_next[tail[b]] = q
        tail[b] = q
        tail_step[b] = t
        if rptr[b] == -1:
            rptr[b] = q
        if not in_active[b]:
            in_active[b] = True
            active[n_active] = b
            n_active += 1
    occ[b] += mv
    transit[b] += mv
    return n_active, n_used, free_head, p_group, p_hop, p_count, p_ready, p_next


@njit(cache=True, nogil=True)
def load_network(cap_pps, storage, free_s, route_ptr, route_arcs, persons, off_steps,
                 curve_of, curve_ptr, curve_shares, zone1, n_zone1, zone2, n_zone2,
                 dt, out_dt, max_steps, pool_size):
    """Dynamic network loading: a link-queue model with spill-back (fluid packets).

    Each group (people of one block going to one shelter) is released onto its route by its
    departure curve (``curve_shares[curve_ptr[c]:curve_ptr[c+1]]`` per step, starting
    ``off_steps`` late). People cross an arc in its free-flow time and then queue at its end;
    in each step an arc lets out at most ``cap_pps * dt`` and takes in at most
    ``min(cap_pps * dt, storage - occupancy)``. When the arcs and origins feeding an arc ask
    for more than it takes, each gets the same share (a proportional merge); what is refused
    waits (spill-back). Packets keep their exact exit times, so free-flow travel is exact.

    Returns arrivals per output bin (city, zone1, zone2), per-arc peak outflow [p/s], peak
    queue [persons], congested steps, throughput [persons], per-group arrived persons and
    last arrival time [s], steps run, status, and persons lost to rounding.
    """
    n_arcs = cap_pps.shape[0]
    n_groups = persons.shape[0]
    n_bins = int(max_steps * dt / out_dt) + 2
    arr_city = np.zeros(n_bins)
    arr_z1 = np.zeros((n_zone1, n_bins))
    arr_z2 = np.zeros((n_zone2, n_bins))
    peak_out = np.zeros(n_arcs)
    peak_q = np.zeros(n_arcs)
    cong = np.zeros(n_arcs, np.int64)
    bind = np.zeros(n_arcs, np.int64)  # steps the arc's capacity or room was the limit
    bind_last = np.full(n_arcs, -1, np.int64)
    through = np.zeros(n_arcs)
    g_arrived = np.zeros(n_groups)
    g_last = np.full(n_groups, np.nan)
    # packets
    p_group = np.empty(pool_size, np.int64)
    p_hop = np.empty(pool_size, np.int64)
    p_count = np.empty(pool_size, np.float64)
    p_ready = np.empty(pool_size, np.float64)
    p_next = np.empty(pool_size, np.int64)
    n_used = 0
    free_head = -1
    # arcs
    head = np.full(n_arcs, -1, np.int64)
    tail = np.full(n_arcs, -1, np.int64)
    rptr = np.full(n_arcs, -1, np.int64)
    tail_step = np.full(n_arcs, -1, np.int64)
    occ = np.zeros(n_arcs)
    transit = np.zeros(n_arcs)
    demand = np.zeros(n_arcs)
    rho = np.ones(n_arcs)
    allow = np.zeros(n_arcs)
    loc = np.empty(n_arcs, np.int64)
    touched = np.empty(n_arcs, np.int64)
    active = np.empty(n_arcs, np.int64)
    in_active = np.zeros(n_arcs, np.bool_)
    n_active = 0
    orig = np.zeros(n_groups)
    last_release = 0
    for g in range(n_groups):
        c = curve_of[g]
        end = off_steps[g] + (curve_ptr[c + 1] - curve_ptr[c])
        if end > last_release:
            last_release = end
    max_ft_steps = 0
    for a in range(n_arcs):
        s = int(free_s[a] / dt) + 1
        if s > max_ft_steps:
            max_ft_steps = s
    last_move = 0
    lost = 0.0
    status = STATUS_OK
    t = 0
    while True:
        time0 = t * dt
        time1 = time0 + dt
        moved = False
        # releases (people whose origin is their shelter node arrive at once)
        waiting = 0
        for g in range(n_groups):
            k = t - off_steps[g]
            c = curve_of[g]
            if 0 <= k < curve_ptr[c + 1] - curve_ptr[c]:
                amt = persons[g] * curve_shares[curve_ptr[c] + k]
                if route_ptr[g + 1] == route_ptr[g]:
                    if amt > 0:
                        b = min(int(time0 / out_dt), n_bins - 1)
                        arr_city[b] += amt
                        arr_z1[zone1[g], b] += amt
                        arr_z2[zone2[g], b] += amt
                        g_arrived[g] += amt
                        g_last[g] = time0
                        moved = True
                else:
                    orig[g] += amt
            if orig[g] > 0:
                waiting += 1
        # packets becoming ready this step leave the free-flow part of their arc
        for i in range(n_active):
            a = active[i]
            p = rptr[a]
            while p != -1 and p_ready[p] < time1:
                transit[a] -= p_count[p]
                p = p_next[p]
            rptr[a] = p
        # pass 1: what every arc and origin wants to send where
        n_touched = 0
        for i in range(n_active):
            a = active[i]
            budget = cap_pps[a] * dt
            p = head[a]
            while p != -1 and budget > _EPS and p_ready[p] < time1:
                amt = min(p_count[p], budget)
                budget -= amt
                g = p_group[p]
                h = p_hop[p] + 1
                if route_ptr[g] + h < route_ptr[g + 1]:
                    b = route_arcs[route_ptr[g] + h]
                    if demand[b] == 0.0:
                        touched[n_touched] = b
                        n_touched += 1
                    demand[b] += amt
                p = p_next[p]
        if waiting > 0:
            for g in range(n_groups):
                if orig[g] > 0:
                    b = route_arcs[route_ptr[g]]
                    if demand[b] == 0.0:
                        touched[n_touched] = b
                        n_touched += 1
                    demand[b] += orig[g]
        for i in range(n_touched):
            b = touched[i]
            room = min(cap_pps[b] * dt, storage[b] - occ[b])
            if room < 0.0:
                room = 0.0
            if demand[b] <= room:
                rho[b] = 1.0
            else:
                rho[b] = room / demand[b]
                if bind_last[b] != t:
                    bind_last[b] = t
                    bind[b] += 1
        # pass 2: move (arcs appended now hold only packets not ready this step). Each arc
        # sends its share rho[b] of what it asked for towards b, first come first served, so
        # at most one packet per direction is split.
        n_act0 = n_active
        for i in range(n_act0):
            a = active[i]
            budget = cap_pps[a] * dt
            n_loc = 0
            p = head[a]
            while p != -1 and budget > _EPS and p_ready[p] < time1:
                g = p_group[p]
                # ready neighbours of one group and hop wait together: one packet (the
                # amounts per direction, hence pass 1's demands, do not change)
                q = p_next[p]
                while q != -1 and p_ready[q] < time1 and p_group[q] == g and \
                        p_hop[q] == p_hop[p]:
                    p_count[p] += p_count[q]
                    p_next[p] = p_next[q]
                    if tail[a] == q:
                        tail[a] = p
                        tail_step[a] = -1
                    p_next[q] = free_head
                    free_head = q
                    q = p_next[p]
                amt = min(p_count[p], budget)
                budget -= amt
                h = p_hop[p] + 1
                if route_ptr[g] + h < route_ptr[g + 1]:
                    b = route_arcs[route_ptr[g] + h]
                    if allow[b] == 0.0:
                        loc[n_loc] = b
                        n_loc += 1
                    allow[b] += amt
                p = p_next[p]
            for j in range(n_loc):
                allow[loc[j]] *= rho[loc[j]]
            budget = cap_pps[a] * dt
            prev = -1
            p = head[a]
            out_a = 0.0
            clk = time0  # the arc discharges at cap_pps
            while p != -1 and budget > _EPS and p_ready[p] < time1:
                amt = min(p_count[p], budget)
                budget -= amt
                g = p_group[p]
                h = p_hop[p] + 1
                # the packet's front leaves first; its last member amt / cap later
                exit_t = max(clk, p_ready[p])
                clk = exit_t + amt / cap_pps[a]
                if route_ptr[g] + h >= route_ptr[g + 1]:
                    mv = amt
                    exit_t = clk
                    b = min(int(exit_t / out_dt), n_bins - 1)
                    arr_city[b] += mv
                    arr_z1[zone1[g], b] += mv
                    arr_z2[zone2[g], b] += mv
                    g_arrived[g] += mv
                    g_last[g] = exit_t
                else:
                    b = route_arcs[route_ptr[g] + h]
                    mv = min(amt, allow[b])
                    allow[b] -= mv
                    if mv > 0.0:
                        (n_active, n_used, free_head, p_group, p_hop, p_count, p_ready,
                         p_next) = _enter(b, g, h, mv, exit_t + free_s[b], t, head, tail, tail_step,
                                          rptr, occ, transit, in_active, active, n_active,
                                          p_group, p_hop, p_count, p_ready, p_next, n_used,
                                          free_head)
                if mv > 0.0:
                    moved = True
                p_count[p] -= mv
                occ[a] -= mv
                out_a += mv
                nxt = p_next[p]
                if p_count[p] <= _EPS:
                    lost += p_count[p]
                    occ[a] -= p_count[p]
                    if prev == -1:
                        head[a] = nxt
                    else:
                        p_next[prev] = nxt
                    if tail[a] == p:
                        tail[a] = prev
                        tail_step[a] = -1
                    p_next[p] = free_head
                    free_head = p
                else:
                    prev = p
                p = nxt
            for j in range(n_loc):
                allow[loc[j]] = 0.0
            if budget <= _EPS and p != -1 and p_ready[p] < time1 and bind_last[a] != t:
                bind_last[a] = t
                bind[a] += 1
            through[a] += out_a
            if out_a / dt > peak_out[a]:
                peak_out[a] = out_a / dt
        if waiting > 0:
            for g in range(n_groups):
                if orig[g] > 0:
                    b = route_arcs[route_ptr[g]]
                    mv = orig[g] * rho[b]
                    if mv <= 0.0:
                        continue
                    moved = True
                    orig[g] -= mv
                    if orig[g] <= _EPS:
                        mv += orig[g]
                        orig[g] = 0.0
                    (n_active, n_used, free_head, p_group, p_hop, p_count, p_ready,
                     p_next) = _enter(b, g, 0, mv, time0 + free_s[b], t, head, tail, tail_step,
                                      rptr, occ, transit, in_active, active, n_active,
                                      p_group, p_hop, p_count, p_ready, p_next, n_used,
                                      free_head)
        for i in range(n_touched):
            b = touched[i]
            demand[b] = 0.0
            rho[b] = 1.0
        # queues, and drop emptied arcs from the active list
        k = 0
        for i in range(n_active):
            a = active[i]
            qa = occ[a] - transit[a]
            if qa > peak_q[a]:
                peak_q[a] = qa
            if qa >= 1.0:
                cong[a] += 1
            if head[a] != -1:
                active[k] = a
                k += 1
            else:
                in_active[a] = False
                lost += occ[a]
                occ[a] = 0.0
                transit[a] = 0.0
                rptr[a] = -1
        n_active = k
        if moved:
            last_move = t
        t += 1
        pending = False
        for g in range(n_groups):
            if orig[g] > 0:
                pending = True
                break
        if t >= last_release and n_active == 0 and not pending:
            break
        if t >= max_steps:
            status = STATUS_HORIZON
            break
        if t > last_release and t - last_move > max_ft_steps + 2:
            status = STATUS_GRIDLOCK
            break
    return (arr_city, arr_z1, arr_z2, peak_out, peak_q, cong, bind, through, g_arrived, g_last,
            t, status, lost, n_used)
