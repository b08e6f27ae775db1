"""Origin-destination costs on a road network.

Bounded searches from the smaller side, the snap legs added at both ends, one sparse origin x
destination matrix.

This is the one place where "cost from snapped points to snapped points within a cutoff" is
computed (shelter allocation, walking coverage, rescue drive times).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataError
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
    from jnrisk.network._snapresult import SnapResult

    if isinstance(ends, SnapResult):
        node = net._sources(ends.node, name=name)
        leg = np.asarray(ends.snap_distance_m, dtype=np.float64)
    else:
        node = net._sources(ends, name=name)
        leg = None
    if leg is not None and not (np.isfinite(leg).all() and (leg >= 0).all()):
        bad = np.flatnonzero(~(np.isfinite(leg) & (leg >= 0)))
        raise DataError(f"{name}: snap distances are NaN or negative at {describe_rows(bad)}.")
    return node, leg


def _fan_out(cols_u: np.ndarray, groups: tuple[np.ndarray, np.ndarray]):
    """Entries on unique destination ``cols_u[i]`` -> one entry per destination position.

    ``groups = (ptr, members)``: the positions on unique node ``k`` are
    ``members[ptr[k]:ptr[k+1]]`` (:func:`csr_from_arcs` of the inverse index). Returns the
    positions, the entry each came from (None when every node has one position) and the
    running count of output entries (to move a CSR ``indptr`` along).
    """
    ptr, members = groups
    count = ptr[cols_u + 1] - ptr[cols_u]
    if (count == 1).all():
        return members[ptr[cols_u]], None, None
    src = np.repeat(np.arange(cols_u.size), count)
    within = np.arange(src.size) - np.repeat(np.cumsum(count) - count, count)
    running = np.concatenate([[0], np.cumsum(count)])
    return members[ptr[cols_u][src] + within], src, running


def _unique_node_costs(net, u_o, inv_o, u_d, o_node, direction, search):
    """Return origins (all positions) x unique destination nodes as a CSR matrix.

    One bounded search per distinct node of the searched side; scipy's row/column selection
    (which keeps explicit zeros) picks the wanted entries. ``search(graph, sources)`` runs
    the bounded searches (cutoff, weight and closures fixed by the caller).
    """
    if direction == "from_origins":
        return search(net, u_o)[:, u_d][inv_o]
    g = net if net.is_symmetric else net.reversed()
    return search(g, u_d).T.tocsr()[o_node]


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
    net._weights(weight)  # unknown weight, or time_s on a network without times
    limit = net._cutoff(cutoff, name="cutoff")
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
    def search(graph: Any, sources: np.ndarray) -> Any:
        return graph.distances(sources, net_limit, weight=weight, closed_edges=closed_edges)

    m = _unique_node_costs(net, u_o, inv_o.ravel(), u_d, o_node, direction, search)
    indptr = m.indptr.astype(np.int64)
    cols, src, running = _fan_out(m.indices.astype(np.int64), csr_from_arcs(inv_d.ravel(), u_d.size))
    cost = m.data if src is None else m.data[src]
    if running is not None:
        indptr = running[indptr]
    if o_leg is not None or d_leg is not None:
        if o_leg is not None:
            cost = o_leg[np.repeat(np.arange(n_o), np.diff(indptr))] + cost
        if d_leg is not None:
            cost = cost + d_leg[cols]
        keep = cost <= limit
        indptr = np.concatenate([[0], np.cumsum(keep)])[indptr]
        cols, cost = cols[keep], cost[keep]
    out = sp.csr_matrix((cost, cols, indptr), shape=(n_o, n_d))
    out.sort_indices()  # columns by destination position (explicit zeros stay)
    return out
