"""Where to add shelters: maximal covering and capacitated set covering (docs/references.md#lscp-mclp).

Two models over a sparse coverage matrix ``cover`` (blocks x candidates, 1 where the walking
distance is within the service radius; build it with :func:`cover_from_costs`):

* :func:`maximal_covering` (MCLP, Church & ReVelle 1974): open ``k`` candidates to maximise the
  population newly covered (blocks already covered by existing shelters get weight 0).
* :func:`capacitated_covering` (capacitated LSCP, the "CLSCP-SO" of PySAL spopt): serve every
  person that can be served (e.g. a district's shortfall after the allocation), each within the
  radius of an opened candidate with room for them, at least total new area (or fewest sites).

Each has an exact method (``scipy.optimize.milp``, i.e. HiGHS branch-and-cut) for small and
medium instances and a fast heuristic for city scale that reports a bound and the optimality
gap: greedy plus Lagrangian relaxation for the MCLP (the Lagrangian dual equals the LP bound),
greedy plus the HiGHS LP relaxation for the capacitated model. Results are frozen
:class:`SitingResult` objects.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError, SolverError

__all__ = [
    "SitingResult",
    "cover_from_costs",
    "maximal_covering",
    "capacitated_covering",
    "maximal_covering_sites",
    "capacitated_covering_sites",
]

Method = Literal["auto", "exact", "heuristic"]
_METHODS = ("auto", "exact", "heuristic")

#: ``method="auto"`` uses the exact MILP when the (aggregated) model has at most this many
#: nonzeros, else the heuristic.
AUTO_EXACT_MAX_NNZ = 200_000


@dataclass(frozen=True)
class SitingResult:
    """Result of a siting model.

    Attributes
    ----------
    selected
        Positions (0-based, int64) of the chosen candidates, sorted.
    objective
        Covered persons (MCLP, maximised) or total cost, e.g. new area m² (capacitated model,
        minimised).
    bound
        Best bound on the optimum: an upper bound for the MCLP, a lower bound for the
        capacitated model. Equal to ``objective`` (within tolerance) when proven optimal.
    gap_pct
        ``100 * |bound - objective| / max(|bound|, 1e-9)``; 0 when optimal.
    method
        ``"exact"`` or ``"heuristic"``; ``bound_method`` names how the bound was obtained.
    covered_persons, unserved_persons
        Persons covered / left unserved by the solution.
    assignment
        Capacitated model only: ``(block, candidate, persons)`` rows of the assignment.
    runtime_s
        Wall-clock time of the solve.
    """

    model: str
    selected: np.ndarray
    objective: float
    bound: float
    gap_pct: float
    method: str
    bound_method: str
    covered_persons: float
    unserved_persons: float
    runtime_s: float
    assignment: pd.DataFrame | None = field(default=None, repr=False)

    def to_geodataframe(self, candidates: Any, *, selected_col: str = "selected") -> Any:
        """A copy of ``candidates`` with a boolean ``selected_col``.

        With an assignment, also ``assigned_persons`` per candidate.
        """
        out = candidates.copy()
        flag = np.zeros(len(candidates), dtype=bool)
        flag[self.selected] = True
        out[selected_col] = flag
        if self.assignment is not None:
            per = np.bincount(
                self.assignment["candidate"].to_numpy(dtype=np.int64),
                weights=self.assignment["persons"].to_numpy(),
                minlength=len(candidates),
            )
            out["assigned_persons"] = per
        return out


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ConfigError(f"unknown method {method!r}; allowed: {list(_METHODS)}.")


def _gap(objective: float, bound: float) -> float:
    return 100.0 * abs(bound - objective) / max(abs(bound), 1e-9)


def cover_from_costs(
    costs: pd.DataFrame,
    demand_index: pd.Index,
    candidate_index: pd.Index,
    *,
    radius: float,
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
) -> sp.csr_matrix:
    """Sparse 0/1 coverage matrix (demand x candidates) from a long-format cost table.

    ``cover[i, j] = 1`` when the table has a row (i, j) with cost <= ``radius``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"origin": [0, 0, 1], "dest": ["a", "b", "b"], "cost_m": [10, 900, 5]})
    >>> cover_from_costs(c, pd.RangeIndex(2), pd.Index(["a", "b"]), radius=500).toarray()
    array([[1, 0],
           [0, 1]], dtype=int8)
    """
    cost = _validate.non_negative_values(costs, cost_col, name="costs")
    _validate.require_columns(costs, [origin_col, dest_col], name="costs")
    o = demand_index.get_indexer(costs[origin_col])
    d = candidate_index.get_indexer(costs[dest_col])
    problems = _validate.Problems("costs")
    for pos, col, what in ((o, origin_col, "demand"), (d, dest_col, "candidate")):
        if (pos < 0).any():
            vals = sorted({str(v) for v in costs[col].to_numpy()[pos < 0]})[:5]
            problems.add(
                f"column {col!r} has labels {vals} not in the {what} index at "
                f"{_validate.describe_rows(costs.index[pos < 0])}"
            )
    problems.raise_if_any(DataError)
    keep = cost <= radius
    m = sp.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (o[keep], d[keep])),
        shape=(len(demand_index), len(candidate_index)),
    )
    m.sum_duplicates()
    m.data[:] = 1
    return m


def _as_cover(cover: Any, n: int | None = None) -> sp.csr_matrix:
    m = sp.csr_matrix(cover)
    if n is not None and m.shape[0] != n:
        raise DataError(
            f"cover has {m.shape[0]} rows but there are {n} demand values; one row per block."
        )
    m = (m != 0).astype(np.int8).tocsr()
    m.eliminate_zeros()
    return m


def _aggregate_rows(weights: np.ndarray, cover: sp.csr_matrix) -> tuple[np.ndarray, sp.csr_matrix]:
    """Merge demand rows with identical coverage sets (exact for the MCLP); drop useless rows."""
    useful = (weights > 0) & (np.diff(cover.indptr) > 0)
    w = weights[useful]
    c = cover[useful]
    c.sort_indices()
    keys = [c.indices[c.indptr[r] : c.indptr[r + 1]].tobytes() for r in range(c.shape[0])]
    codes, first = pd.factorize(pd.Series(keys, dtype=object))
    agg_w = np.bincount(codes, weights=w)
    # one representative row per pattern
    rep = np.full(len(agg_w), -1, dtype=np.int64)
    rep[codes[::-1]] = np.arange(len(codes))[::-1]
    return agg_w, c[rep]


def maximal_covering(
    weights: np.ndarray,
    cover: Any,
    k: int,
    *,
    method: Method = "auto",
    time_limit_s: float | None = None,
    lagrangian_iterations: int = 300,
) -> SitingResult:
    """Choose ``k`` candidates maximising the weight (persons) covered.

    Parameters
    ----------
    weights
        Persons per demand row (>= 0). Give 0 to rows already covered by existing shelters so
        the objective is the newly covered population.
    cover
        Sparse or dense 0/1 matrix (demand x candidates); see :func:`cover_from_costs`.
    k
        Number of sites to open (``Σ y = k``, as spopt's MCLP). If fewer candidates exist, all
        are opened.
    method
        ``"exact"`` (HiGHS MILP via ``scipy.optimize.milp`` on rows aggregated by coverage
        pattern), ``"heuristic"`` (greedy, improved by Lagrangian primal solutions; the bound is
        the best Lagrangian bound, a valid upper bound no lower than the LP bound) or ``"auto"``
        (exact up to :data:`AUTO_EXACT_MAX_NNZ` nonzeros).

    Examples
    --------
    >>> import numpy as np
    >>> cover = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]])
    >>> r = maximal_covering(np.array([10.0, 5.0, 7.0, 4.0]), cover, 1)
    >>> r.selected.tolist(), r.objective
    ([0], 15.0)
    >>> maximal_covering(np.array([10.0, 5.0, 7.0, 4.0]), cover, 2).objective
    26.0
    """
    _check_method(method)
    t0 = time.perf_counter()
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or not np.isfinite(w).all() or (w < 0).any():
        raise DataError("weights must be a 1-D array of finite persons >= 0.")
    a = _as_cover(cover, len(w))
    m = a.shape[1]
    if not isinstance(k, int | np.integer) or k < 0:
        raise ConfigError(f"k must be an integer >= 0, got {k!r}.")
    k = int(min(k, m))
    agg_w, agg_c = _aggregate_rows(w, a)
    if method == "auto":
        method = "exact" if agg_c.nnz <= AUTO_EXACT_MAX_NNZ else "heuristic"
    if k == 0 or len(agg_w) == 0:
        sel = np.arange(k, dtype=np.int64)
        return _mclp_result(sel, w, a, 0.0 if len(agg_w) == 0 else None, method, t0, "trivial")
    if method == "exact":
        sel, bound = _mclp_exact(agg_w, agg_c, k, time_limit_s)
        return _mclp_result(sel, w, a, bound, "exact", t0, "milp")
    sel, bound = _mclp_heuristic(agg_w, agg_c, k, lagrangian_iterations)
    return _mclp_result(sel, w, a, bound, "heuristic", t0, "lagrangian")


def _covered_weight(sel: np.ndarray, w: np.ndarray, a: sp.csr_matrix) -> float:
    y = np.zeros(a.shape[1])
    y[sel] = 1.0
    return float(w[(a @ y) > 0].sum())


def _mclp_result(
    sel: np.ndarray,
    w: np.ndarray,
    a: sp.csr_matrix,
    bound: float | None,
    method: str,
    t0: float,
    bound_method: str,
) -> SitingResult:
    sel = np.sort(np.asarray(sel, dtype=np.int64))
    obj = _covered_weight(sel, w, a)
    b = obj if bound is None else max(float(bound), obj)
    gap = _gap(obj, b)
    if gap < 1e-7:
        gap = 0.0
    return SitingResult(
        model="mclp",
        selected=sel,
        objective=obj,
        bound=b,
        gap_pct=gap,
        method=method,
        bound_method=bound_method,
        covered_persons=obj,
        unserved_persons=float(w.sum() - obj),
        runtime_s=time.perf_counter() - t0,
    )


def _mclp_exact(
    w: np.ndarray, a: sp.csr_matrix, k: int, time_limit_s: float | None
) -> tuple[np.ndarray, float]:
    n, m = a.shape
    c = np.concatenate([np.zeros(m), -w])
    # z_i - sum_j a_ij y_j <= 0
    cov = sp.hstack([-a.astype(np.float64), sp.identity(n, format="csr")], format="csr")
    card = sp.csr_matrix(np.concatenate([np.ones(m), np.zeros(n)]))
    cons = [
        LinearConstraint(cov, -np.inf, 0.0),
        LinearConstraint(card, k, k),
    ]
    integrality = np.concatenate([np.ones(m), np.zeros(n)])
    opts: dict[str, Any] = {"mip_rel_gap": 0.0}
    if time_limit_s is not None:
        opts["time_limit"] = float(time_limit_s)
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(0, 1), options=opts)
    if res.x is None:
        raise SolverError(f"HiGHS MILP for the MCLP failed: status {res.status}, {res.message}")
    y = res.x[:m]
    sel = np.flatnonzero(y > 0.5)
    bound = -float(getattr(res, "mip_dual_bound", res.fun))
    if res.status == 0:
        bound = -float(res.fun)
    return sel, bound


def _greedy_mclp(w: np.ndarray, a_csc: sp.csc_matrix, a_csr: sp.csr_matrix, k: int) -> np.ndarray:
    u = w.copy()
    chosen: list[int] = []
    taken = np.zeros(a_csc.shape[1], dtype=bool)
    for _ in range(k):
        gains = a_csc.T @ u
        gains[taken] = -1.0
        j = int(np.argmax(gains))
        chosen.append(j)
        taken[j] = True
        rows = a_csc.indices[a_csc.indptr[j] : a_csc.indptr[j + 1]]
        u[rows] = 0.0
    return np.array(chosen, dtype=np.int64)


def _mclp_heuristic(
    w: np.ndarray, a: sp.csr_matrix, k: int, iterations: int
) -> tuple[np.ndarray, float]:
    a_csc = a.tocsc()
    af = a.astype(np.float64)
    best_sel = _greedy_mclp(w, a_csc, a, k)
    best_obj = _covered_weight(best_sel, w, a)
    # Lagrangian relaxation of z_i <= sum_j a_ij y_j with multipliers 0 <= lam_i <= w_i:
    # L(lam) = sum_i (w_i - lam_i) + (sum of the k largest s_j), s_j = sum_i a_ij lam_i.
    lam = 0.5 * w
    bound = float(w.sum())
    theta = 2.0
    stall = 0
    for _ in range(iterations):
        s = af.T @ lam
        top = np.argpartition(-s, k - 1)[:k]
        val = float((w - lam).sum() + s[top].sum())
        if val < bound - 1e-9:
            bound = val
            stall = 0
        else:
            stall += 1
            if stall >= 20:
                theta *= 0.5
                stall = 0
        # primal: the Lagrangian's sites, scored exactly
        obj = _covered_weight(top, w, a)
        if obj > best_obj:
            best_obj, best_sel = obj, top.copy()
        if bound - best_obj <= 1e-9 * max(bound, 1.0) or theta < 1e-6:
            break
        y = np.zeros(a.shape[1])
        y[top] = 1.0
        z = (w - lam > 0).astype(np.float64)
        g = z - af @ y  # subgradient direction in lam (minimising L)
        norm2 = float(g @ g)
        if norm2 == 0.0:
            break
        step = theta * (val - best_obj) / norm2
        lam = np.clip(lam + step * g, 0.0, w)
    return best_sel, bound


# --------------------------------------------------------------------------------------------
# Capacitated covering
# --------------------------------------------------------------------------------------------


def capacitated_covering(
    demand_persons: np.ndarray,
    cover: Any,
    capacity_persons: np.ndarray,
    *,
    cost: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    method: Method = "auto",
    time_limit_s: float | None = None,
) -> SitingResult:
    """Serve all servable demand within the radius at least total cost (new area or sites).

    Minimises ``Σ cost_j y_j`` subject to: every block's demand is split over opened
    candidates that cover it (``x_ij >= 0``, ``Σ_j x_ij = d_i``) and no candidate takes more
    than its capacity (``Σ_i x_ij <= cap_j y_j``). Demand no candidate can take (out of reach
    or over the total capacity in reach) is found first with an LP and reported as unserved --
    shortage is never an error.

    Parameters
    ----------
    demand_persons
        Persons to place per block (e.g. a district's unserved after the allocation).
    cover
        0/1 matrix (blocks x candidates), see :func:`cover_from_costs`.
    capacity_persons
        Capacity per candidate (e.g. ``effective_area_m2 / 2.0``).
    cost
        Cost per candidate; default 1 (fewest sites, as spopt's capacitated LSCP). Pass the
        effective area [m²] to minimise new area.
    fixed
        Boolean mask of candidates that must be open (existing shelters with spare capacity).
    method
        ``"exact"`` (HiGHS MILP), ``"heuristic"`` (greedy by cost per newly placed person,
        then a drop pass; bound = HiGHS LP relaxation) or ``"auto"``.

    Examples
    --------
    >>> import numpy as np
    >>> cover = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]])
    >>> r = capacitated_covering(np.array([100.0, 100.0, 100.0]), cover,
    ...                          np.array([150.0, 250.0, 150.0]))
    >>> r.selected.tolist(), r.objective, r.unserved_persons
    ([1, 2], 2.0, 0.0)
    """
    _check_method(method)
    t0 = time.perf_counter()
    d = np.asarray(demand_persons, dtype=np.float64)
    if d.ndim != 1 or not np.isfinite(d).all() or (d < 0).any():
        raise DataError("demand_persons must be a 1-D array of finite persons >= 0.")
    a = _as_cover(cover, len(d))
    n, m = a.shape
    cap = np.asarray(capacity_persons, dtype=np.float64)
    if cap.shape != (m,) or not np.isfinite(cap).all() or (cap < 0).any():
        raise DataError(
            f"capacity_persons must hold {m} finite values >= 0 (one per candidate column)."
        )
    c = np.ones(m) if cost is None else np.asarray(cost, dtype=np.float64)
    if c.shape != (m,) or not np.isfinite(c).all() or (c < 0).any():
        raise DataError(f"cost must hold {m} finite values >= 0 (one per candidate column).")
    fx = np.zeros(m, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    if fx.shape != (m,):
        raise DataError(f"fixed must be a boolean mask of length {m}.")
    # pairs (i, j) with a_ij = 1
    coo = a.tocoo()
    pi, pj = coo.row.astype(np.int64), coo.col.astype(np.int64)
    served_max = _max_servable(d, cap, pi, pj, n, m)
    if method == "auto":
        method = "exact" if len(pi) <= AUTO_EXACT_MAX_NNZ // 4 else "heuristic"
    if method == "exact":
        y, bound, ok = _cscp_milp(d, cap, c, fx, pi, pj, n, m, served_max, time_limit_s, False)
        sel = np.flatnonzero(y > 0.5)
        bm = "milp"
    else:
        sel = _cscp_greedy(d, cap, c, fx, pi, pj, n, m, served_max)
        _, bound, _ = _cscp_milp(d, cap, c, fx, pi, pj, n, m, served_max, time_limit_s, True)
        bm = "lp"
    flows = _assign(d, cap, pi, pj, n, m, sel)
    obj = float(c[sel].sum())
    served = float(flows.sum())
    gap = 0.0 if method == "exact" and ok else _gap(obj, bound)
    if gap < 1e-7:
        gap = 0.0
    keep = flows > 1e-9
    assignment = pd.DataFrame({"block": pi[keep], "candidate": pj[keep], "persons": flows[keep]})
    return SitingResult(
        model="capacitated_lscp",
        selected=np.sort(sel.astype(np.int64)),
        objective=obj,
        bound=min(bound, obj),
        gap_pct=gap,
        method=method,
        bound_method=bm,
        covered_persons=served,
        unserved_persons=float(max(d.sum() - served, 0.0)),
        runtime_s=time.perf_counter() - t0,
        assignment=assignment,
    )


def _flow_constraints(
    d: np.ndarray, pi: np.ndarray, pj: np.ndarray, n: int, m: int
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    npair = len(pi)
    cols = np.arange(npair)
    per_block = sp.csr_matrix((np.ones(npair), (pi, cols)), shape=(n, npair))
    per_cand = sp.csr_matrix((np.ones(npair), (pj, cols)), shape=(m, npair))
    return per_block, per_cand


def _max_servable(
    d: np.ndarray, cap: np.ndarray, pi: np.ndarray, pj: np.ndarray, n: int, m: int
) -> float:
    if len(pi) == 0:
        return 0.0
    per_block, per_cand = _flow_constraints(d, pi, pj, n, m)
    res = linprog(
        -np.ones(len(pi)),
        A_ub=sp.vstack([per_block, per_cand], format="csr"),
        b_ub=np.concatenate([d, cap]),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise SolverError(f"HiGHS LP (max servable demand) failed: {res.message}")
    return -float(res.fun)


def _cscp_milp(
    d: np.ndarray,
    cap: np.ndarray,
    c: np.ndarray,
    fx: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    n: int,
    m: int,
    served: float,
    time_limit_s: float | None,
    relax: bool,
) -> tuple[np.ndarray, float, bool]:
    """Variables [y (m), x (pairs)]; strong linking x_ij <= d_i y_j."""
    npair = len(pi)
    if npair == 0:
        return fx.astype(np.float64), float(c[fx].sum()), True
    per_block, per_cand = _flow_constraints(d, pi, pj, n, m)
    cols = np.arange(npair)
    # per block: sum_j x_ij <= d_i ; total served >= served (tolerance for LP round-off)
    blk = sp.hstack([sp.csr_matrix((n, m)), per_block], format="csr")
    tot = sp.csr_matrix(np.concatenate([np.zeros(m), np.ones(npair)]))
    # per candidate: sum_i x_ij - cap_j y_j <= 0
    capc = sp.hstack([-sp.diags(cap, format="csr"), per_cand], format="csr")
    # linking: x_ij - d_i y_j <= 0
    link = sp.hstack(
        [
            sp.csr_matrix((-d[pi], (cols, pj)), shape=(npair, m)),
            sp.identity(npair, format="csr"),
        ],
        format="csr",
    )
    tol = 1e-7 * max(served, 1.0)
    cons = [
        LinearConstraint(blk, -np.inf, d),
        LinearConstraint(tot, served - tol, np.inf),
        LinearConstraint(capc, -np.inf, 0.0),
        LinearConstraint(link, -np.inf, 0.0),
    ]
    lb = np.concatenate([fx.astype(np.float64), np.zeros(npair)])
    ub = np.concatenate([np.ones(m), np.full(npair, np.inf)])
    obj = np.concatenate([c, np.zeros(npair)])
    integrality = np.concatenate([np.ones(m), np.zeros(npair)]) if not relax else None
    opts: dict[str, Any] = {"mip_rel_gap": 0.0} if not relax else {}
    if time_limit_s is not None:
        opts["time_limit"] = float(time_limit_s)
    res = milp(obj, constraints=cons, integrality=integrality, bounds=Bounds(lb, ub), options=opts)
    if res.x is None:
        raise SolverError(
            f"HiGHS {'LP' if relax else 'MILP'} for the capacitated covering failed: "
            f"status {res.status}, {res.message}"
        )
    bound = float(res.fun)
    if not relax and res.status != 0:
        bound = float(getattr(res, "mip_dual_bound", -math.inf))
    return res.x[:m], bound, res.status == 0


def _cscp_greedy(
    d: np.ndarray,
    cap: np.ndarray,
    c: np.ndarray,
    fx: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    n: int,
    m: int,
    served_max: float,
) -> np.ndarray:
    """Open the candidate with the least cost per newly placed person until all is placed."""
    a_csc = sp.csc_matrix((np.ones(len(pi)), (pi, pj)), shape=(n, m))
    rem = d.copy()
    open_ = fx.copy()
    tol = 1e-6 * max(served_max, 1.0)

    def place(j: int) -> None:
        rows = a_csc.indices[a_csc.indptr[j] : a_csc.indptr[j + 1]]
        room = cap[j]
        # blocks with the fewest alternatives first
        order = rows[np.argsort(np.diff(a_csr.indptr)[rows], kind="stable")]
        for i in order:
            if room <= 0:
                break
            take = min(rem[i], room)
            rem[i] -= take
            room -= take

    a_csr = a_csc.tocsr()
    for j in np.flatnonzero(fx):
        place(int(j))
    placed = d.sum() - rem.sum()
    while placed < served_max - tol:
        reach = a_csc.T @ rem
        gain = np.minimum(reach, cap)
        gain[open_] = 0.0
        if gain.max() <= 0:
            break
        score = np.where(gain > 0, c / np.maximum(gain, 1e-300), np.inf)
        j = int(np.argmin(score))
        open_[j] = True
        place(j)
        placed = d.sum() - rem.sum()
    # drop pass: close the most expensive non-fixed sites whose removal keeps the placement
    sel = np.flatnonzero(open_)
    for j in sel[np.argsort(-c[sel], kind="stable")]:
        if fx[j]:
            continue
        trial = open_.copy()
        trial[j] = False
        if _max_servable_open(d, cap, pi, pj, n, m, trial) >= served_max - tol:
            open_ = trial
    return np.flatnonzero(open_)


def _max_servable_open(
    d: np.ndarray,
    cap: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    n: int,
    m: int,
    open_: np.ndarray,
) -> float:
    keep = open_[pj]
    return _max_servable(d, cap, pi[keep], pj[keep], n, m)


def _assign(
    d: np.ndarray,
    cap: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    n: int,
    m: int,
    sel: np.ndarray,
) -> np.ndarray:
    """Max-flow assignment of demand to the selected candidates (HiGHS LP); flows per pair."""
    open_ = np.zeros(m, dtype=bool)
    open_[sel] = True
    keep = open_[pj]
    flows = np.zeros(len(pi))
    if not keep.any():
        return flows
    per_block, per_cand = _flow_constraints(d, pi[keep], pj[keep], n, m)
    res = linprog(
        -np.ones(int(keep.sum())),
        A_ub=sp.vstack([per_block, per_cand], format="csr"),
        b_ub=np.concatenate([d, cap]),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise SolverError(f"HiGHS LP (assignment) failed: {res.message}")
    flows[keep] = res.x
    return flows


# --------------------------------------------------------------------------------------------
# GeoDataFrame front end
# --------------------------------------------------------------------------------------------


def maximal_covering_sites(
    blocks: Any,
    candidates: Any,
    costs: pd.DataFrame,
    *,
    k: int,
    radius_m: float,
    persons_col: str = "persons",
    covered_col: str | None = None,
    method: Method = "auto",
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
) -> tuple[Any, SitingResult]:
    """Choose ``k`` candidate sites that newly cover the most residents within ``radius_m``.

    Parameters
    ----------
    blocks, candidates
        GeoDataFrames in one metric CRS; ``blocks[persons_col]`` in persons.
    costs
        Long-format walking-distance table (``origin_col`` -> blocks.index, ``dest_col`` ->
        candidates.index, ``cost_col`` in metres), e.g. from ``RoadNetwork.distances``.
    k, radius_m
        Sites to open and service radius [m].
    covered_col
        Optional boolean column of ``blocks``: already covered by an existing shelter
        (weight 0, so the objective counts newly covered persons only).

    Returns
    -------
    (GeoDataFrame, SitingResult)
        ``candidates`` with ``selected`` and the result (objective, bound, gap).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"persons": [100, 50]}, geometry=[Point(0, 0), Point(900, 0)],
    ...                      crs="EPSG:4548")
    >>> cand = gpd.GeoDataFrame(geometry=[Point(100, 0), Point(800, 0)], crs="EPSG:4548")
    >>> c = pd.DataFrame({"origin": [0, 1], "dest": [0, 1], "cost_m": [100.0, 100.0]})
    >>> g, r = maximal_covering_sites(b, cand, c, k=1, radius_m=500.0)
    >>> g["selected"].tolist(), r.objective
    ([True, False], 100.0)
    """
    _validate.same_crs(blocks=blocks, candidates=candidates)
    w = _validate.non_negative_values(blocks, persons_col, name="blocks")
    if covered_col is not None:
        _validate.require_columns(blocks, [covered_col], name="blocks")
        w = np.where(blocks[covered_col].to_numpy(dtype=bool), 0.0, w)
    cover = cover_from_costs(
        costs,
        blocks.index,
        candidates.index,
        radius=radius_m,
        origin_col=origin_col,
        dest_col=dest_col,
        cost_col=cost_col,
    )
    res = maximal_covering(w, cover, k, method=method)
    return res.to_geodataframe(candidates), res


_OBJECTIVES = ("area", "count")


def capacitated_covering_sites(
    blocks: Any,
    candidates: Any,
    costs: pd.DataFrame,
    *,
    radius_m: float,
    demand_col: str = "unserved_persons",
    area_col: str = "effective_area_m2",
    m2_per_person: float = 2.0,
    objective: Literal["area", "count"] = "area",
    method: Method = "auto",
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
) -> tuple[Any, SitingResult]:
    """Close a shortfall: open candidates so every servable person gets a place within reach.

    Typical use: the blocks and candidates of one district, ``demand_col`` = persons without a
    place (e.g. ``unserved_persons`` after the allocation, or the 2 m² shortfall spread over
    uncovered blocks). Each candidate holds ``floor(area / m2_per_person)`` persons.
    ``objective="area"`` minimises the total new effective area [m²] (default), ``"count"`` the
    number of sites (spopt's capacitated LSCP). Persons no candidate can reach stay unserved.

    Returns
    -------
    (GeoDataFrame, SitingResult)
        ``candidates`` with ``selected``, ``assigned_persons`` and ``capacity_persons``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"unserved_persons": [3000, 1000]},
    ...                      geometry=[Point(0, 0), Point(900, 0)], crs="EPSG:4548")
    >>> cand = gpd.GeoDataFrame({"effective_area_m2": [10_000.0, 2_500.0, 6_000.0]},
    ...                         geometry=[Point(0, 50), Point(900, 50), Point(450, 0)],
    ...                         crs="EPSG:4548")
    >>> c = pd.DataFrame({"origin": [0, 0, 1, 1], "dest": [0, 2, 1, 2],
    ...                   "cost_m": [50.0, 450.0, 50.0, 450.0]})
    >>> # the middle site (3,000 places) takes block 0; block 1 needs the small site too
    >>> g, r = capacitated_covering_sites(b, cand, c, radius_m=500.0)
    >>> g["selected"].tolist(), r.objective, r.unserved_persons
    ([False, True, True], 8500.0, 0.0)
    """
    if objective not in _OBJECTIVES:
        raise ConfigError(f"unknown objective {objective!r}; allowed: {list(_OBJECTIVES)}.")
    if not (isinstance(m2_per_person, int | float) and m2_per_person > 0):
        raise ConfigError(f"m2_per_person must be > 0, got {m2_per_person!r}.")
    _validate.same_crs(blocks=blocks, candidates=candidates)
    demand = _validate.non_negative_values(blocks, demand_col, name="blocks")
    area = _validate.non_negative_values(candidates, area_col, name="candidates")
    cover = cover_from_costs(
        costs,
        blocks.index,
        candidates.index,
        radius=radius_m,
        origin_col=origin_col,
        dest_col=dest_col,
        cost_col=cost_col,
    )
    cap = np.floor(area / m2_per_person + 1e-9)
    res = capacitated_covering(
        demand,
        cover,
        cap,
        cost=area if objective == "area" else None,
        method=method,
    )
    out = res.to_geodataframe(candidates)
    out["capacity_persons"] = cap.astype(np.int64)
    return out, res
