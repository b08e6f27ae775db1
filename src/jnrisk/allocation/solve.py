"""Array-level exact transportation solver and the greedy baseline (no geometry).

The network-level wrappers (:func:`jnrisk.allocation.allocate_shelters`) build the arcs and call
:func:`solve_transport`; other city systems may call it directly with their own costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from jnrisk import _memory
from jnrisk._errors import ConfigError, DataError, SchemaError, SolverError
from jnrisk._validate import describe_rows

__all__ = ["TransportSolution", "solve_transport", "greedy_transport", "default_unserved_cost"]

#: Integer resolution used for float costs: the largest arc cost is scaled to <= 2**40.
_COST_BITS = 40
#: Largest scaled penalty; keeps every distance of the kernel far below int64 overflow.
_PENALTY_BITS = 58
#: Largest count and largest total of supply or capacity (flows and sums are int64).
_COUNT_LIMIT = 2**62


@dataclass(frozen=True)
class TransportSolution:
    """Optimal (or, for the greedy baseline, heuristic) solution of a transportation problem.

    Attributes
    ----------
    flow : numpy.ndarray
        int64 per arc: persons sent along the arc (same order as the input arcs).
    unserved : numpy.ndarray
        int64 per source: persons that could not be placed.
    objective : float
        ``travel + unserved_cost * unserved.sum()`` in cost units.
    travel : float
        ``sum(cost * flow)`` in cost units (person-metres when costs are metres).
    shelter_price : numpy.ndarray
        float64 per shelter: the smallest optimal dual of the capacity constraint, i.e. how much
        the objective drops if that shelter had one more place (0 where places are spare). For the
        greedy baseline this is all NaN.
    unserved_cost : float
        Penalty per unserved person that was used (cost units).
    status : str
        ``"optimal"`` or ``"greedy"``.
    n_searches : int
        Number of shortest augmenting-path searches (diagnostic; 0 for greedy).
    """

    flow: np.ndarray
    unserved: np.ndarray
    objective: float
    travel: float
    shelter_price: np.ndarray
    unserved_cost: float
    status: str
    n_searches: int = 0

    @property
    def served(self) -> int:
        """Total persons placed in a shelter."""
        return int(self.flow.sum())


def _where(mask: np.ndarray, word: str) -> str:
    """``"arc [3, 17] (and 2 more)"`` for the positions where ``mask`` is true."""
    text = describe_rows(np.flatnonzero(mask))
    return word + text[text.index(" ") :]


def _as_count_array(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise SchemaError(f"{name} must be a 1-D array, got shape {arr.shape}.")
    if arr.size and not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise SchemaError(f"{name} must hold integers (int64), got dtype {arr.dtype}.")
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr)
        if bad.any():
            raise DataError(
                f"{name} has NaN or infinite values at {_where(bad, 'index')}; fill or drop them."
            )
        frac = arr != np.round(arr)
        if frac.any():
            raise DataError(
                f"{name} must hold whole persons; fractional values at "
                f"{_where(frac, 'index')}. Round them first (np.round)."
            )
    # beyond int64 totals: refuse before any cast (a cast would wrap to negative numbers)
    big = arr > _COUNT_LIMIT
    if big.any():
        raise DataError(
            f"{name} has values beyond what int64 totals allow (> 2**62 = {_COUNT_LIMIT:.3g}) at "
            f"{_where(big, 'index')} (e.g. {float(arr[big][0]):.4g}); check the units."
        )
    if arr.size and float(np.abs(arr.astype(np.float64)).sum()) > _COUNT_LIMIT:
        top = np.argsort(arr)[::-1][:5]
        raise DataError(
            f"{name} sums to {float(arr.astype(np.float64).sum()):.4g}, beyond what int64 "
            f"totals allow (2**62 = {_COUNT_LIMIT:.3g}); largest at index {top.tolist()}. "
            f"Check the units, or split the problem."
        )
    arr = arr.astype(np.int64)
    neg = arr < 0
    if neg.any():
        raise DataError(
            f"{name} has negative values at {_where(neg, 'index')} "
            f"(e.g. {int(arr[neg][0])}); persons must be >= 0."
        )
    return np.ascontiguousarray(arr)


def _check_arcs(n_src: int, n_shel: int, indptr: Any, shelter: Any, cost: Any):
    indptr = np.asarray(indptr)
    shelter = np.asarray(shelter)
    cost = np.asarray(cost)
    if indptr.ndim != 1 or indptr.shape[0] != n_src + 1:
        raise SchemaError(
            f"indptr must have len(supply) + 1 = {n_src + 1} entries (CSR by source), got "
            f"shape {indptr.shape}."
        )
    if shelter.ndim != 1 or cost.ndim != 1 or shelter.shape[0] != cost.shape[0]:
        raise SchemaError(
            f"shelter and cost must be 1-D arrays of the same length (one entry per arc), got "
            f"shapes {shelter.shape} and {cost.shape}."
        )
    if not np.issubdtype(indptr.dtype, np.integer) or not (
        shelter.size == 0 or np.issubdtype(shelter.dtype, np.integer)
    ):
        raise SchemaError(
            f"indptr and shelter must be integer arrays, got {indptr.dtype} and {shelter.dtype}."
        )
    indptr = indptr.astype(np.int64)
    shelter = shelter.astype(np.int64)
    if indptr[0] != 0 or indptr[-1] != shelter.shape[0] or np.any(np.diff(indptr) < 0):
        raise SchemaError(
            f"indptr must start at 0, never decrease and end at the number of arcs "
            f"({shelter.shape[0]:,}); got indptr[0]={int(indptr[0])}, "
            f"indptr[-1]={int(indptr[-1])}."
        )
    out = (shelter < 0) | (shelter >= n_shel)
    if out.any():
        raise DataError(
            f"shelter indices must be in [0, {n_shel}) (len(capacity) = {n_shel}); out of range "
            f"at {_where(out, 'arc')} (e.g. {int(shelter[out][0])})."
        )
    if cost.size and not (
        np.issubdtype(cost.dtype, np.integer) or np.issubdtype(cost.dtype, np.floating)
    ):
        raise SchemaError(f"cost must be int64 or float64, got dtype {cost.dtype}.")
    if np.issubdtype(cost.dtype, np.floating):
        bad = ~np.isfinite(cost)
        if bad.any():
            raise DataError(
                f"cost has NaN or infinite values at {_where(bad, 'arc')}; "
                f"drop those arcs (an unreachable pair is simply an absent arc)."
            )
    neg = cost < 0
    if neg.any():
        raise DataError(
            f"cost must be >= 0; negative at {_where(neg, 'arc')} (e.g. {cost[neg][0]:g})."
        )
    return np.ascontiguousarray(indptr), np.ascontiguousarray(shelter), cost


def default_unserved_cost(
    max_cost: float, n_sources_with_supply: int, n_shelters_with_capacity: int
) -> float:
    """Return the default penalty per unserved person: ``min(S+, P+) * max_cost + 1``.

    Why this is enough: serving one more person means augmenting along a path
    ``block -> shelter <- block -> shelter ... -> shelter with room`` in the residual graph.
    Its forward arcs end at distinct shelters with positive capacity and at most one per block
    on the path, so there are at most ``k = min(S+, P+)`` of them, each costing
    ``<= max_cost``; backward arcs have cost ``-d <= 0``. The path therefore costs at most
    ``k * max_cost``, and any penalty strictly larger makes every such path profitable: the
    optimum places as many persons as possible first, then minimises the travel. (The looser
    bound ``(2S + 1) * max_cost`` also works.) ``+ 1`` is in cost units, or one integer step
    of the scaled costs for float input.

    Examples
    --------
    >>> default_unserved_cost(2500.0, n_sources_with_supply=3, n_shelters_with_capacity=2)
    5001.0
    """
    k = max(1, min(int(n_sources_with_supply), int(n_shelters_with_capacity)))
    return k * float(max_cost) + 1.0


def _integer_costs(cost: np.ndarray, unserved_cost: float | None, k: int):
    """Return (scaled int64 costs, scaled penalty, scale) with scale a power of two."""
    max_c = float(cost.max()) if cost.size else 0.0
    exact_ints = (
        np.issubdtype(cost.dtype, np.integer) or bool(np.all(cost == np.round(cost)))
    ) and max_c <= 2.0**_COST_BITS
    if exact_ints:
        scale = 1.0
    else:
        scale = 2.0 ** (_COST_BITS - math.ceil(math.log2(max_c))) if max_c > 0 else 1.0
    default = unserved_cost is None
    if default:
        unserved_cost = default_unserved_cost(max_c, k, k)
    m_scaled = round(float(unserved_cost) * scale)
    while m_scaled > 2**_PENALTY_BITS:
        scale /= 2.0
        m_scaled = round(float(unserved_cost) * scale)
    if default:  # keep the rule strict after rounding
        m_scaled = max(m_scaled, k * round(max_c * scale) + 1)
    icost = (
        np.rint(cost.astype(np.float64) * scale).astype(np.int64)
        if scale != 1.0
        else cost.astype(np.int64)
    )
    return np.ascontiguousarray(icost), int(m_scaled), scale


def solve_transport(
    supply: Any,
    capacity: Any,
    indptr: Any,
    shelter: Any,
    cost: Any,
    *,
    unserved_cost: float | None = None,
    warm_start: TransportSolution | np.ndarray | None = None,
) -> TransportSolution:
    """Exactly solve the shelter transportation problem on arrays (no geometry).

    Minimise ``sum(cost * flow) + unserved_cost * sum(unserved)`` over integer flows with
    ``sum_j flow_ij + unserved_i = supply_i`` and ``sum_i flow_ij <= capacity_j``. Never
    infeasible: whatever cannot be placed is returned as unserved.

    Parameters
    ----------
    supply : array of int, shape (P,)
        Persons at each source (block), >= 0.
    capacity : array of int, shape (S,)
        Places at each shelter [persons], >= 0.
    indptr : array of int, shape (P + 1,)
        CSR pointers: source ``i`` owns arcs ``indptr[i]:indptr[i + 1]``.
    shelter : array of int, shape (E,)
        Shelter index of each arc, in ``[0, S)``. Pairs without an arc are not allowed.
    cost : array of int64 or float64, shape (E,)
        Cost per person of each arc (e.g. walking metres), finite and >= 0.
    unserved_cost : float, optional
        Penalty per unserved person (cost units). Default ``min(S+, P+) * max(cost) + 1``
        (see :func:`default_unserved_cost`; S+ / P+ count shelters / sources with positive
        capacity / supply), which guarantees that the optimum first places as many persons as
        possible and then minimises total travel. A smaller penalty lets the solver leave
        people unserved when their trip would cost more than the penalty.
    warm_start : TransportSolution or array of float, optional
        A previous solution (or its ``shelter_price``) of a similar instance with the same
        shelters. Its prices seed the dual and, when it has one flow per arc (the same arcs),
        its flows seed the primal: after a small change only the persons it displaced are
        re-routed. The result is the same optimum as a cold solve (flows may differ among
        ties).

    Returns
    -------
    TransportSolution
        Flows per arc, unserved per source, objective, travel, shelter prices, status.

    Notes
    -----
    Integer costs (or float costs holding whole numbers <= 2**40) are solved exactly. Other
    float costs are multiplied by a power of two ``scale`` so that the largest cost is
    <= 2**40 and rounded to int64; the solution is exactly optimal for the rounded costs, so its
    objective (re-computed with the original float costs) is within
    ``2 * persons * max(cost) * 2**-41`` of the true optimum, i.e. better than 1e-9 relative
    whenever the mean trip is above ~1e-3 of the longest arc. The scaled penalty is kept
    <= 2**58 (the scale is halved until it fits), which rules out int64 overflow.

    The algorithm is successive shortest augmenting paths with potentials: a greedy pass
    along tight arcs, then one early-exit Dijkstra per remaining block (see ``_kernels``).
    ``shelter_price`` is the smallest optimal dual, computed by one more Dijkstra over the
    final residual graph: it is exactly the saving of one extra place at that shelter.

    Examples
    --------
    Two blocks of 3 persons, one shelter with 4 places; block 0 is 100 m away, block 1 300 m:

    >>> import numpy as np
    >>> sol = solve_transport([3, 3], [4], [0, 1, 2], [0, 0], [100, 300])
    >>> sol.flow.tolist(), sol.unserved.tolist()
    ([3, 1], [0, 2])
    >>> sol.travel
    600.0
    >>> float(sol.shelter_price[0]) == sol.unserved_cost - 300
    True
    """
    supply = _as_count_array(supply, "supply")
    capacity = _as_count_array(capacity, "capacity")
    indptr, shelter_idx, cost_arr = _check_arcs(
        supply.shape[0], capacity.shape[0], indptr, shelter, cost
    )
    if unserved_cost is not None:
        uc = float(unserved_cost)
        if not math.isfinite(uc) or uc < 0:
            raise ConfigError(f"unserved_cost must be a finite number >= 0, got {unserved_cost!r}.")
    return _solve_checked(
        supply, capacity, indptr, shelter_idx, cost_arr, unserved_cost, warm_start
    )


def _solve_checked(
    supply, capacity, indptr, shelter_idx, cost_arr, unserved_cost, warm_start, costs=None
):
    """Solve the transportation problem on validated arrays.

    :func:`solve_transport` on validated arrays. ``costs`` may hold the integer costs of
    earlier calls on the same arcs, keyed by the penalty's ``k`` (filled on the way).
    """
    from jnrisk.allocation import _kernels

    k = max(1, min(int((supply > 0).sum()), int((capacity > 0).sum())))
    if costs is not None and k in costs:
        icost, m_scaled, scale = costs[k]
    else:
        icost, m_scaled, scale = _integer_costs(cost_arr, unserved_cost, k)
        if costs is not None:
            costs[k] = (icost, m_scaled, scale)
    flow0 = np.zeros(0, np.int64)
    if warm_start is None:
        price0 = _kernels.guess_prices(
            supply, capacity, indptr, shelter_idx, icost, np.int64(m_scaled)
        )
    else:
        prev = warm_start.shelter_price if isinstance(warm_start, TransportSolution) else warm_start
        prev = np.asarray(prev, dtype=np.float64)
        if prev.shape != capacity.shape:
            raise SchemaError(
                f"warm_start has prices for {prev.shape[0] if prev.ndim == 1 else prev.shape} "
                f"shelters but capacity has {capacity.shape[0]}; warm-start only with the same "
                f"shelters (re-index them, or solve cold)."
            )
        prev = np.where(np.isfinite(prev), prev, 0.0)
        price0 = np.clip(np.rint(prev * scale), 0, m_scaled).astype(np.int64)
        if isinstance(warm_start, TransportSolution) and warm_start.flow.shape == shelter_idx.shape:
            # any flows are a safe start: the kernel keeps only those on tight arcs with room
            flow0 = np.ascontiguousarray(warm_start.flow, dtype=np.int64)
    _memory.ensure_fits(
        _kernels.working_set_bytes(supply.shape[0], capacity.shape[0], shelter_idx.shape[0]),
        what=f"the exact assignment of {shelter_idx.shape[0]:,} block-shelter arcs",
        fix="lower max_walk_m (fewer arcs) or split the area into districts",
    )
    flow, unserved, price, status, n_dij = _kernels.solve_transport_kernel(
        supply,
        capacity,
        indptr,
        shelter_idx,
        icost,
        np.int64(m_scaled),
        price0,
        flow0,
    )
    if status != _kernels.STATUS_OK:
        raise SolverError(_kernels.STATUS_MESSAGES.get(int(status), f"status {status}"))
    return _solution(
        flow, unserved, cost_arr, m_scaled / scale, price / scale, "optimal", int(n_dij)
    )


def _solution(flow, unserved, cost_arr, unserved_cost, price, status, n_searches):
    if np.issubdtype(cost_arr.dtype, np.integer):
        c64 = cost_arr.astype(np.int64)
        if flow.size and float(flow.sum()) * float(c64.max()) >= 2.0**62:
            # an int64 dot product could wrap: sum exactly in Python integers
            on = flow > 0
            travel = float(sum(int(f) * int(c) for f, c in zip(flow[on], c64[on], strict=True)))
        else:
            travel = float(int(np.dot(flow, c64))) if flow.size else 0.0
    else:
        on = np.flatnonzero(flow)  # few arcs carry flow: a dot over those only
        travel = float(np.dot(flow[on].astype(np.float64), cost_arr[on])) if on.size else 0.0
    n_un = int(unserved.sum())
    objective = travel + float(unserved_cost) * n_un
    return TransportSolution(
        flow=flow,
        unserved=unserved,
        objective=objective,
        travel=travel,
        shelter_price=np.asarray(price, dtype=np.float64),
        unserved_cost=float(unserved_cost),
        status=status,
        n_searches=n_searches,
    )


def greedy_transport(
    supply: Any,
    capacity: Any,
    indptr: Any,
    shelter: Any,
    cost: Any,
    *,
    unserved_cost: float | None = None,
    order: Any = None,
) -> TransportSolution:
    """Greedy "nearest shelter with room" baseline on the same arrays as :func:`solve_transport`.

    Blocks are taken in ``order`` (default: by increasing distance to their nearest shelter,
    ties by index); each sends its persons to its nearest shelter with room, then the next
    nearest, and the rest is unserved. Its objective is never below the exact optimum.

    Examples
    --------
    >>> sol = greedy_transport([3, 3], [4], [0, 1, 2], [0, 0], [100, 300])
    >>> sol.flow.tolist(), sol.status
    ([3, 1], 'greedy')
    """
    from jnrisk.allocation import _kernels

    supply = _as_count_array(supply, "supply")
    capacity = _as_count_array(capacity, "capacity")
    indptr, shelter_idx, cost_arr = _check_arcs(
        supply.shape[0], capacity.shape[0], indptr, shelter, cost
    )
    n_src = supply.shape[0]
    src = np.repeat(np.arange(n_src, dtype=np.int64), np.diff(indptr))
    cf = cost_arr.astype(np.float64)
    perm = np.lexsort((cf, src))
    if order is None:
        nearest = np.full(n_src, np.inf)
        np.minimum.at(nearest, src, cf)
        order = np.lexsort((np.arange(n_src), nearest))
    order = np.ascontiguousarray(np.asarray(order, dtype=np.int64))
    if order.shape[0] != n_src or not np.array_equal(np.sort(order), np.arange(n_src)):
        raise ConfigError(f"order must be a permutation of range({n_src}).")
    f_sorted, unserved = _kernels.greedy_nearest_kernel(
        supply, capacity, indptr, np.ascontiguousarray(shelter_idx[perm]), cf[perm], order
    )
    flow = np.empty_like(f_sorted)
    flow[perm] = f_sorted
    if unserved_cost is None:
        unserved_cost = default_unserved_cost(
            cf.max() if cf.size else 0.0, int((supply > 0).sum()), int((capacity > 0).sum())
        )
    price = np.full(capacity.shape[0], np.nan)
    return _solution(flow, unserved, cost_arr, unserved_cost, price, "greedy", 0)
