"""Slow, plainly correct versions used as test oracles for jnrisk.scenarios.

``reference_assign`` recomputes the synthetic kind's walking distances with a heap-based
Dijkstra on Python dicts (no scipy) and the nearest-pair-first greedy with Python lists.
"""

from __future__ import annotations

import heapq
import math


def dijkstra_dict(adj: dict[int, list[tuple[int, float]]], source: int, limit: float) -> dict:
    """Shortest distances from ``source``; nodes farther than ``limit`` are left out."""
    dist = {source: 0.0}
    heap = [(0.0, source)]
    done = set()
    while heap:
        d, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        for nxt, w in adj.get(node, []):
            nd = d + w
            if nd <= limit and nd < dist.get(nxt, math.inf):
                dist[nxt] = nd
                heapq.heappush(heap, (nd, nxt))
    return dist


def reference_assign(inst: dict, max_walk_m: float) -> list[tuple[int, int, int, float]]:
    """Return ``[(block, shelter, persons, walk_m), ...]`` in assignment order."""
    adj: dict[int, list[tuple[int, float]]] = {}
    for a, b, w in zip(inst["u"].tolist(), inst["v"].tolist(), inst["length_m"].tolist(),
                       strict=True):
        adj.setdefault(a, []).append((b, w))
        adj.setdefault(b, []).append((a, w))
    pairs = []
    for s, snode in enumerate(inst["shelter_node"].tolist()):
        dist = dijkstra_dict(adj, snode, max_walk_m)
        for b, bnode in enumerate(inst["block_node"].tolist()):
            if bnode in dist:
                pairs.append((dist[bnode], b, s))
    pairs.sort()
    left_d = inst["persons"].tolist()
    left_c = inst["capacity"].tolist()
    out = []
    for d, b, s in pairs:
        x = min(left_d[b], left_c[s])
        if x > 0:
            left_d[b] -= x
            left_c[s] -= x
            out.append((b, s, x, d))
    return out
