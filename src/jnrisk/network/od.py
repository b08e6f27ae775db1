"""Origin-destination costs on a road network: bounded searches from the smaller side, the
snap legs added at both ends, one sparse origin x destination matrix.

This is the one place where "cost from snapped points to snapped points within a cutoff" is
computed (shelter allocation, walking coverage, rescue drive times).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataError, SchemaError
from jnrisk._validate import describe_rows
from jnrisk.network._checks import check_option
from jnrisk.network._csr import csr_from_arcs

__all__ = ["od_cost_matrix", "DIRECTIONS"]

#: Where the searches of :meth:`RoadNetwork.od_costs` start.
DIRECTIONS = ("auto", "from_origins", "to_destinations")
#: Relative widening of the network search radius: the search runs to
#: ``cutoff - smallest legs`` (plus this margin, so that rounding cannot drop a pair), and
#: the exact test ``leg + cost + leg <= cutoff`` decides.
_CUTOFF_MARGIN = 1e-12


def _ends(net: Any, ends: Any, *, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(node indices, snap legs [m] or None) of a SnapResult or an array of node indices."""
    from jnrisk.network.snap import SnapResult

    if isinstance(ends, SnapResult):
        node = np.asarray(ends.node)
        leg = np.asarray(ends.snap_distance_m, dtype=np.float64)
    else:
        node = np.atleast_1d(np.asarray(ends))
        leg = None
    if node.ndim != 1 or (node.size and not np.issubdtype(node.dtype, np.integer)):
        raise SchemaError(
            f"{name} has dtype {node.dtype} and shape {node.shape}; give node indices (a 1-D "
            f"int array, 0..{net.n_nodes - 1}) or the SnapResult of snap_points(net, points)."
        )
    node = node.astype(np.int64, copy=False)
    bad = np.flatnonzero((node < 0) | (node >= net.n_nodes))
    if bad.size:
        raise DataError(
            f"{name}: node indices outside 0..{net.n_nodes - 1} at {describe_rows(bad)} "
            f"(e.g. {node[bad[0]]}); these are node positions, not node_id values."
        )
    if leg is not None and not (np.isfinite(leg).all() and (leg >= 0).all()):
        bad = np.flatnonzero(~(np.isfinite(leg) & (leg >= 0)))
        raise DataError(f"{name}: snap distances are NaN or negative at {describe_rows(bad)}.")
    return node, leg


def _groups(inv: np.ndarray, n_unique: int) -> tuple[np.ndarray, np.ndarray]:
    """(ptr, members): positions sharing unique value ``k`` are ``members[ptr[k]:ptr[k+1]]``."""
    ptr, members = csr_from_arcs(inv, n_unique)
    return ptr, members


def _expand(a_u, b_u, v, a_groups, b_groups):
    """Pairs of unique nodes -> pairs of positions (every origin x destination on them)."""
    aptr, amem = a_groups
    bptr, bmem = b_groups
    na = aptr[a_u + 1] - aptr[a_u]
    nb = bptr[b_u + 1] - bptr[b_u]
    if (na == 1).all() and (nb == 1).all():
        return amem[aptr[a_u]], bmem[bptr[b_u]], v
    k = na * nb
    idx = np.repeat(np.arange(a_u.size), k)
    within = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
    p = within // nb[idx]
    q = within % nb[idx]
    return amem[aptr[a_u][idx] + p], bmem[bptr[b_u][idx] + q], v[idx]


def _search(net, from_u, to_u, cutoff, weight, closed_edges, *, reverse):
    """Network costs between two sets of distinct nodes: (from index, to index, cost)."""
    g = net.reversed() if reverse and not net.is_symmetric else net
    d = g.distances(from_u, cutoff, weight=weight, closed_edges=closed_edges)
    pos_of_node = np.full(net.n_nodes, -1, dtype=np.int64)
    pos_of_node[to_u] = np.arange(to_u.size)
    hit_to = pos_of_node[d.indices]
    hit = hit_to >= 0
    from_i = np.repeat(np.arange(from_u.size, dtype=np.int64), np.diff(d.indptr))[hit]
    return from_i, hit_to[hit], d.data[hit]


def od_cost_matrix(
    net: Any,
    origins: Any,
    destinations: Any,
    cutoff: Any,
    *,
    weight: str = "weight_m",
    closed_edges: Any = None,
    direction: str = "auto",
):
    """Sparse origin x destination costs within ``cutoff``; see :meth:`RoadNetwork.od_costs`.

    Examples
    --------
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [100.0, 50.0])
    >>> od_cost_matrix(net, [0], [2], 200.0, direction="to_destinations").toarray()
    array([[150.]])
    """
    import scipy.sparse as sp

    check_option(direction, DIRECTIONS, name="direction")
    w = net._weights(weight)  # validates weight
    del w
    limit = net._cutoff(cutoff)
    o_node, o_leg = _ends(net, origins, name="origins")
    d_node, d_leg = _ends(net, destinations, name="destinations")
    legs = [leg for leg in (o_leg, d_leg) if leg is not None and leg.size and leg.max() > 0]
    if legs and weight != "weight_m":
        raise ConfigError(
            f"od_costs: snap legs are metres but weight={weight!r}; pass node indices "
            f"(snap.node) to leave the legs out, or use weight='weight_m'."
        )
    n_o, n_d = o_node.size, d_node.size
    if n_o == 0 or n_d == 0:
        return sp.csr_matrix((n_o, n_d), dtype=np.float64)
    u_o, inv_o = np.unique(o_node, return_inverse=True)
    u_d, inv_d = np.unique(d_node, return_inverse=True)
    if direction == "auto":
        direction = "from_origins" if u_o.size <= u_d.size else "to_destinations"
    net_limit = limit
    if o_leg is not None:
        net_limit -= float(o_leg.min())
    if d_leg is not None:
        net_limit -= float(d_leg.min())
    if net_limit != limit:
        net_limit = max(net_limit * (1.0 + _CUTOFF_MARGIN), 0.0)
    if direction == "from_origins":
        a_u, b_u, v = _search(net, u_o, u_d, net_limit, weight, closed_edges, reverse=False)
    else:
        b_u, a_u, v = _search(net, u_d, u_o, net_limit, weight, closed_edges, reverse=True)
    rows, cols, cost = _expand(
        a_u, b_u, v, _groups(inv_o.ravel(), u_o.size), _groups(inv_d.ravel(), u_d.size)
    )
    if o_leg is not None or d_leg is not None:
        if o_leg is not None:
            cost = o_leg[rows] + cost
        if d_leg is not None:
            cost = cost + d_leg[cols]
        keep = cost <= limit
        rows, cols, cost = rows[keep], cols[keep], cost[keep]
    indptr, order = csr_from_arcs(rows, n_o, keys=(cols,))
    out = sp.csr_matrix((cost[order], cols[order], indptr), shape=(n_o, n_d))
    out.has_sorted_indices = True
    return out
