"""The exact reference: the quickest clearance any routing could reach, on small networks.

A time-expanded network (one copy of every node per time step, arcs that take
``floor(free_time / dt)`` steps and pass at most ``capacity * dt`` people per step, waiting
allowed at nodes) turns the evacuation into a linear program: the most people that can reach
the shelters by step ``T``. The smallest ``T`` that brings everyone in is the quickest
transshipment time (docs/references.md#quickest-transshipment); it is found by bisection with
HiGHS (``scipy.optimize.linprog(method="highs")``).

It relaxes the dynamic model (people may take any route to any shelter with room for them, no
spill-back), so ``clearance_s`` is a lower bound of :func:`~jnrisk.evacuation.load_groups` with
the same step, capacities, departures and groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, ResourceError, SolverError
from jnrisk.evacuation.capacity import StreetCapacity
from jnrisk.evacuation.departure import DepartureCurve

__all__ = ["ClearanceBound", "quickest_clearance"]

#: Largest time-expanded LP (variables) built; the exact model is for small networks.
MAX_LP_VARIABLES = 2_000_000


@dataclass(frozen=True)
class ClearanceBound:
    """Quickest clearance of a time-expanded network.

    Attributes
    ----------
    clearance_steps : int
        Smallest number of steps ``T`` with everyone in a shelter by the end of step ``T``.
    clearance_s : float
        ``clearance_steps * dt_s``: a lower bound of the dynamic model's 100 % clearance.
    dt_s : float
    n_lp_solved : int
        LPs solved during the bisection.
    """

    clearance_steps: int
    clearance_s: float
    dt_s: float
    n_lp_solved: int


def _releases(persons, origin, n_nodes, departure, curve_of, offset_s, dt):
    curves = [DepartureCurve.instant()] if departure is None else (
        [departure] if isinstance(departure, DepartureCurve) else list(departure))
    n = persons.size
    cof = np.zeros(n, np.int64) if curve_of is None else np.asarray(curve_of, np.int64)
    off = np.zeros(n) if offset_s is None else np.broadcast_to(
        np.asarray(offset_s, np.float64), (n,))
    off_steps = np.floor(off / dt + 1e-9).astype(np.int64)
    shares = [c.step_shares(dt) for c in curves]
    last = int(max(off_steps[g] + shares[cof[g]].size for g in range(n))) if n else 1
    rel = np.zeros((n_nodes, last + 1))
    for g in range(n):
        s = shares[cof[g]]
        rel[origin[g], off_steps[g]:off_steps[g] + s.size] += persons[g] * s
    return rel


def _max_arrivals(T, tail, head, k, cap_step, rel, sink_nodes, sink_cap):
    """Most persons in shelters by the end of step ``T`` (HiGHS LP)."""
    import scipy.sparse as sp
    from scipy.optimize import linprog

    n_nodes = rel.shape[0]
    n_t = T + 1
    # variable blocks: x[a, t] (t = 0..T-k_a), h[v, t] (t = 0..T), y[s, t] (t = 0..T)
    xs = [np.arange(0, T - k[a] + 1) for a in range(tail.size)]
    nx = int(sum(x.size for x in xs))
    nh = n_nodes * n_t
    ny = sink_nodes.size * n_t
    nvar = nx + nh + ny
    if nvar > MAX_LP_VARIABLES:
        raise ResourceError(
            f"the time-expanded network needs {nvar:,} variables ({tail.size} arcs x {n_t} "
            f"steps), above {MAX_LP_VARIABLES:,}; the exact bound is for small networks "
            f"(use a coarser dt_s or a smaller network)."
        )
    row = lambda v, t: v * n_t + t  # noqa: E731 - balance row of node v at step t
    rows, cols, vals = [], [], []
    col = 0
    for a in range(tail.size):
        t = xs[a]
        c = col + np.arange(t.size)
        rows += [row(tail[a], t), row(head[a], t + k[a])]
        cols += [c, c]
        vals += [np.full(t.size, -1.0), np.full(t.size, 1.0)]
        col += t.size
    v_idx = np.repeat(np.arange(n_nodes), n_t)
    t_idx = np.tile(np.arange(n_t), n_nodes)
    hc = nx + np.arange(nh)
    rows.append(row(v_idx, t_idx))
    cols.append(hc)
    vals.append(np.full(nh, -1.0))
    keep = t_idx < T
    rows.append(row(v_idx[keep], t_idx[keep] + 1))
    cols.append(hc[keep])
    vals.append(np.full(int(keep.sum()), 1.0))
    s_idx = np.repeat(np.arange(sink_nodes.size), n_t)
    ts = np.tile(np.arange(n_t), sink_nodes.size)
    yc = nx + nh + np.arange(ny)
    rows.append(row(sink_nodes[s_idx], ts))
    cols.append(yc)
    vals.append(np.full(ny, -1.0))
    a_eq = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_nodes * n_t, nvar),
    )
    b = np.zeros((n_nodes, n_t))
    m = min(rel.shape[1], n_t)
    b[:, :m] = rel[:, :m]
    if rel.shape[1] > n_t:  # releases after T cannot arrive by T
        b[:, T] += rel[:, n_t:].sum(axis=1)
    b_eq = -b.ravel()
    ub = np.full(nvar, np.inf)
    ub[:nx] = np.concatenate([np.full(xs[a].size, cap_step[a]) for a in range(tail.size)]) \
        if nx else np.zeros(0)
    a_ub = sp.csr_matrix((np.ones(ny), (s_idx, yc)), shape=(sink_nodes.size, nvar))
    cost = np.zeros(nvar)
    cost[nx + nh:] = -1.0
    res = linprog(cost, A_ub=a_ub, b_ub=sink_cap, A_eq=a_eq, b_eq=b_eq,
                  bounds=np.stack([np.zeros(nvar), ub], axis=1), method="highs")
    if res.status != 0:
        raise SolverError(f"time-expanded LP failed at T={T}: {res.message}")
    return -float(res.fun)


def quickest_clearance(  # noqa: PLR0913  keyword-only horizon and solver options
    network: Any,
    capacity: StreetCapacity,
    origin_node: Any,
    target_node: Any,
    persons: Any,
    *,
    dt_s: float,
    departure: DepartureCurve | list[DepartureCurve] | None = None,
    curve_of: Any = None,
    offset_s: Any = None,
    max_steps: int = 100_000,
) -> ClearanceBound:
    """Quickest clearance time of a time-expanded network (exact LP, small networks).

    Groups and departures are those of :func:`~jnrisk.evacuation.load_groups`. People may go
    to any shelter node of ``target_node``, each taking at most as many persons as the groups
    assigned to it; no spill-back. The answer is a lower bound of the dynamic model run with
    the same ``dt_s``.

    Examples
    --------
    Two routes from node 0 to the shelter at node 3: a fast one passing 2 persons per step
    (2 steps long) and a slow one passing 3 per step (6 steps long). 60 persons need 16 steps:
    by step T the fast route brings 2 (T - 1), the slow one 3 (T - 5).

    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 2, 3, 4, 4], [1, 2, 3, 3], [1.0, 3.0, 1.0, 3.0])
    >>> cap = StreetCapacity.from_arrays(net, [2.0, 3.0, 2.0, 3.0], free_speed_m_s=1.0)
    >>> quickest_clearance(net, cap, [0], [3], [60.0], dt_s=1.0).clearance_steps
    16
    """
    if not (isinstance(dt_s, int | float) and math.isfinite(dt_s) and dt_s > 0):
        raise ConfigError(f"dt_s={dt_s!r}; give the loading step in seconds > 0.")
    dt = float(dt_s)
    o = np.asarray(origin_node, np.int64).ravel()
    tg = np.asarray(target_node, np.int64).ravel()
    p = np.asarray(persons, np.float64).ravel()
    capacity.validate()
    open_ = np.flatnonzero(~capacity.closed)
    tail_all = np.repeat(np.arange(network.n_nodes), np.diff(network.indptr))
    tail = tail_all[open_].astype(np.int64)
    head = np.asarray(network.indices, np.int64)[open_]
    k = np.floor(capacity.free_time_s[open_] / dt + 1e-9).astype(np.int64)
    cap_step = capacity.capacity_pps[open_] * dt
    rel = _releases(p, o, network.n_nodes, departure, curve_of, offset_s, dt)
    sink_nodes, inv = np.unique(tg, return_inverse=True)
    sink_cap = np.bincount(inv, weights=p, minlength=sink_nodes.size) + 1e-9
    total = float(p.sum())
    if total <= 0:
        return ClearanceBound(0, 0.0, dt, 0)
    tol = 1e-6 * max(total, 1.0)
    n_lp = 0
    lo = int(np.flatnonzero(rel.sum(axis=0) > 0)[-1])  # cannot finish before the last release
    hi = max(lo, 1)
    while True:
        n_lp += 1
        if _max_arrivals(hi, tail, head, k, cap_step, rel, sink_nodes, sink_cap) >= total - tol:
            break
        lo = hi + 1
        hi *= 2
        if hi > max_steps:
            raise SolverError(
                f"the time-expanded network does not clear within {max_steps:,} steps; some "
                f"persons cannot reach a shelter (check closures) or raise max_steps."
            )
    while lo < hi:
        mid = (lo + hi) // 2
        n_lp += 1
        if _max_arrivals(mid, tail, head, k, cap_step, rel, sink_nodes, sink_cap) >= total - tol:
            hi = mid
        else:
            lo = mid + 1
    return ClearanceBound(int(hi), hi * dt, dt, n_lp)
