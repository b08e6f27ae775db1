"""Covering models on a sparse cover matrix, solved exactly with HiGHS (``scipy.optimize.milp``).

* :func:`set_covering` (LSCP, Toregas et al. 1971): the fewest (or cheapest) sites so that
  every coverable demand point is covered, or, with ``min_covered``, at least that much
  demand weight (a partial set covering).
* :func:`maximal_covering` (MCLP, Church & ReVelle 1974): open ``k`` sites to cover the most
  demand weight.
* :func:`capacitated_covering` (capacitated LSCP, spopt's "CLSCP-SO"): place every person that
  can be placed within the radius of an opened site with room for them, at least total cost.

Each takes the cover matrix of :mod:`jnrisk.covering.cover` (demand x candidates) and returns
a frozen :class:`SitingResult`. The MCLP and the capacitated model also have a fast heuristic
for city scale that reports a bound and the optimality gap: greedy plus Lagrangian relaxation
for the MCLP (the Lagrangian dual equals the LP bound), greedy plus the HiGHS LP relaxation
for the capacitated model. Shortage is never an error: what no site can take is reported as
uncovered.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from jnrisk._errors import ConfigError, DataError, SolverError
from jnrisk.covering.cover import as_cover

__all__ = [
    "AUTO_EXACT_MAX_NNZ",
    "SitingResult",
    "capacitated_covering",
    "maximal_covering",
    "set_covering",
]

Method = Literal["auto", "exact", "heuristic"]
_METHODS = ("auto", "exact", "heuristic")

#: ``method="auto"`` uses the exact MILP when the (aggregated) model has at most this many
#: nonzeros, else the heuristic.
AUTO_EXACT_MAX_NNZ = 200_000


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Result of a covering model (array level; the GeoDataFrame level fills the tables).

    Attributes
    ----------
    model
        ``"lscp"``, ``"mclp"`` or ``"capacitated_lscp"``.
    selected
        Positions (0-based, int64, sorted) of the opened candidates.
    objective
        Covered demand weight (MCLP, maximised) or total site cost (LSCP and capacitated
        model, minimised; the number of sites with unit costs).
    bound
        Best bound on the optimum: an upper bound for the MCLP, a lower bound for the others.
        Equal to ``objective`` when proven optimal.
    gap_pct
        ``100 * |bound - objective| / max(|bound|, 1e-9)``; 0 when optimal.
    method
        ``"exact"`` (HiGHS MILP) or ``"heuristic"``; ``bound_method`` names how the bound was
        obtained (``"milp"``, ``"lagrangian"``, ``"lp"`` or ``"trivial"``).
    status
        ``"optimal"`` (proven), ``"time_limit"`` (exact solve stopped with a gap),
        ``"feasible"`` (heuristic with a gap) or ``"nothing_to_do"`` (no site needed).
    covered_persons, unserved_persons
        Demand weight (persons, or points with unit weights) covered / left uncovered by the
        solution; for the capacitated model, placed / not placed.
    runtime_s
        Wall-clock time of the solve [s].
    solver_message
        HiGHS's message of the last MILP ("" when none was solved).
    assignment
        Capacitated model only: ``(block, candidate, persons)`` rows of the assignment.
    candidates, demand
        GeoDataFrame level only: copies of the candidate and demand tables with the result
        columns (``selected``; ``covered`` and model-specific columns).
    uncoverable
        GeoDataFrame level only: index labels of demand no candidate reaches.

    Examples
    --------
    >>> import numpy as np
    >>> r = set_covering(np.array([[1, 0], [1, 1], [0, 1]]))
    >>> r.selected.tolist(), r.n_new, r.optimal, r.covered_pct
    ([0, 1], 2, True, 100.0)
    """

    model: str
    selected: np.ndarray
    objective: float
    bound: float
    gap_pct: float
    method: str
    bound_method: str
    status: str
    covered_persons: float
    unserved_persons: float
    runtime_s: float
    solver_message: str = ""
    assignment: pd.DataFrame | None = field(default=None, repr=False)
    candidates: Any = field(default=None, repr=False)
    demand: Any = field(default=None, repr=False)
    uncoverable: pd.Index | None = field(default=None, repr=False)

    @property
    def optimal(self) -> bool:
        """True when the solution is proven optimal."""
        return self.status in ("optimal", "nothing_to_do")

    @property
    def n_new(self) -> int:
        """Number of opened candidates."""
        return int(self.selected.size)

    @property
    def covered_pct(self) -> float:
        """Share of the demand weight covered [%] (100 when there is no demand)."""
        total = self.covered_persons + self.unserved_persons
        return 100.0 * self.covered_persons / total if total > 0 else 100.0

    @property
    def chosen(self) -> Any:
        """GeoDataFrame level: the opened candidate rows (index kept)."""
        if self.candidates is None:
            raise ConfigError(
                "this SitingResult has no candidate table (array level); use "
                "result.to_geodataframe(candidates) or the *_sites functions."
            )
        return self.candidates[self.candidates["selected"].to_numpy(dtype=bool)]

    def to_geodataframe(self, candidates: Any, *, selected_col: str = "selected") -> Any:
        """Return a copy of ``candidates`` with a boolean ``selected_col``.

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


def _status(method: str, gap_pct: float, solver_ok: bool = True) -> str:
    if gap_pct == 0.0 and solver_ok:
        return "optimal"
    return "time_limit" if method == "exact" else "feasible"


def _weights(values: Any, n: int, name: str) -> np.ndarray:
    w = np.ones(n) if values is None else np.asarray(values, dtype=np.float64)
    if w.shape != (n,) or not np.isfinite(w).all() or (w < 0).any():
        raise DataError(f"{name} must hold {n} finite values >= 0 (one per demand row).")
    return w


def _per_candidate(values: Any, m: int, name: str, default: float, dtype: Any) -> np.ndarray:
    v = np.full(m, default, dtype=dtype) if values is None else np.asarray(values, dtype=dtype)
    if v.shape != (m,) or (dtype is np.float64 and (not np.isfinite(v).all() or (v < 0).any())):
        raise DataError(
            f"{name} must hold {m} {'finite values >= 0' if dtype is np.float64 else 'flags'} "
            f"(one per candidate column)."
        )
    return v


# --------------------------------------------------------------------------------------------
# Set covering (LSCP)
# --------------------------------------------------------------------------------------------


def set_covering(
    cover: Any,
    *,
    weights: Any = None,
    min_covered: float | None = None,
    cost: Any = None,
    available: Any = None,
    fixed: Any = None,
    time_limit_s: float | None = None,
) -> SitingResult:
    """Select the fewest (cheapest) sites that cover all coverable demand or ``min_covered``.

    Minimises ``Σ cost_j y_j`` (binary ``y``) subject to ``Σ_j a_ij y_j >= 1`` for every
    demand row that an available candidate reaches (rows nobody reaches are reported as
    uncovered, not an error). With ``min_covered``, rows get binary ``z_i <= Σ_j a_ij y_j``
    and ``Σ_i w_i z_i >= min_covered`` replaces the full cover.

    Parameters
    ----------
    cover
        0/1 matrix (demand x candidates), see :func:`jnrisk.covering.cover_from_costs`.
    weights
        Demand weight per row (persons; default 1 per row), for ``min_covered`` and the
        covered/uncovered totals.
    min_covered
        Demand weight that must be covered (partial covering); ``None`` covers every coverable
        row. More than all available candidates reach raises DataError with both numbers.
    cost
        Cost per candidate (default 1: fewest sites).
    available
        Boolean mask of candidates that may be opened (default all).
    fixed
        Boolean mask of candidates that are open anyway (their cost counts).
    time_limit_s
        HiGHS time limit [s]; when hit, the best solution is returned with
        ``status="time_limit"`` and its gap.

    Examples
    --------
    >>> import numpy as np
    >>> cover = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]])
    >>> set_covering(cover).selected.tolist()
    [0, 2]
    >>> r = set_covering(cover, weights=[10, 5, 7, 4], min_covered=15)
    >>> r.selected.tolist(), r.covered_persons
    ([0], 15.0)
    """
    t0 = time.perf_counter()
    a = as_cover(cover)
    n, m = a.shape
    w = _weights(weights, n, "weights")
    c = _per_candidate(cost, m, "cost", 1.0, np.float64)
    avail = _per_candidate(available, m, "available", True, bool)
    fx = _per_candidate(fixed, m, "fixed", False, bool)
    avail = avail | fx
    a_use = a[:, np.flatnonzero(avail)]
    coverable = np.diff(a_use.tocsr().indptr) > 0
    total = float(w.sum())
    reach = float(w[coverable].sum())
    if min_covered is not None:
        target = float(min_covered)
        if not math.isfinite(target):
            raise ConfigError(f"min_covered must be a finite demand weight, got {min_covered!r}.")
        if target > reach + 1e-9 * max(total, 1.0):
            raise DataError(
                f"min_covered={target:,.6g} cannot be reached: all {int(avail.sum()):,} "
                f"available candidates together cover {reach:,.6g} of the {total:,.6g} demand "
                f"weight; lower the target, add candidates or widen the radius."
            )
    need_rows = np.flatnonzero(coverable & (w > 0 if min_covered is not None else True))
    ub = avail.astype(np.float64)
    lb = fx.astype(np.float64)
    if min_covered is None:
        res_x, status, message, bound = _lscp_full(a[need_rows], c, lb, ub, time_limit_s)
    else:
        fixed_cover = _covered_mask(np.flatnonzero(fx), a)
        if float(w[fixed_cover].sum()) >= target - 1e-9 * max(total, 1.0):
            res_x, status, message, bound = None, "nothing_to_do", "", float(c[fx].sum())
        else:
            res_x, status, message, bound = _lscp_partial(
                a[need_rows], w[need_rows], target, c, lb, ub, time_limit_s
            )
    sel = np.flatnonzero(fx) if res_x is None else np.flatnonzero(np.round(res_x[:m]) > 0.5)
    obj = float(c[sel].sum())
    gap = 0.0 if status in ("optimal", "nothing_to_do") else _gap(obj, bound)
    covered = float(w[_covered_mask(sel, a)].sum())
    return SitingResult(
        model="lscp",
        selected=np.sort(sel.astype(np.int64)),
        objective=obj,
        bound=obj if gap == 0.0 else min(bound, obj),
        gap_pct=gap,
        method="exact",
        bound_method="milp" if res_x is not None else "trivial",
        status=status,
        covered_persons=covered,
        unserved_persons=max(total - covered, 0.0),
        runtime_s=time.perf_counter() - t0,
        solver_message=message,
    )


def _covered_mask(sel: np.ndarray, a: sp.csr_matrix) -> np.ndarray:
    y = np.zeros(a.shape[1])
    y[sel] = 1.0
    return (a @ y) > 0


def _milp_options(time_limit_s: float | None) -> dict[str, Any]:
    opts: dict[str, Any] = {"mip_rel_gap": 0.0}
    if time_limit_s is not None:
        opts["time_limit"] = float(time_limit_s)
    return opts


def _read_milp(res: Any, what: str, sense: float = 1.0) -> tuple[Any, str, str, float]:
    """(x, status, message, bound) of a scipy milp result; no solution raises SolverError."""
    if res.x is None:
        raise SolverError(
            f"HiGHS MILP for the {what} found no solution (status {res.status}: {res.message}); "
            f"raise time_limit_s or check the inputs."
        )
    if res.status == 0:
        return res.x, "optimal", str(res.message), sense * float(res.fun)
    bound = sense * float(getattr(res, "mip_dual_bound", np.nan))
    return res.x, "time_limit", str(res.message), bound


def _lscp_full(
    a: sp.csr_matrix, c: np.ndarray, lb: np.ndarray, ub: np.ndarray, time_limit_s: float | None
) -> tuple[Any, str, str, float]:
    n, m = a.shape
    if n == 0:
        return None, "nothing_to_do", "", float(c[lb > 0].sum())
    res = milp(
        c=c,
        constraints=[LinearConstraint(a.astype(np.float64), lb=np.ones(n), ub=np.inf)],
        integrality=np.ones(m),
        bounds=Bounds(lb, ub),
        options=_milp_options(time_limit_s),
    )
    return _read_milp(res, "set covering")


def _lscp_partial(
    a: sp.csr_matrix,
    w: np.ndarray,
    target: float,
    c: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    time_limit_s: float | None,
) -> tuple[Any, str, str, float]:
    # variables: y (m) then z (n): z_i <= sum_j a_ij y_j; sum w_i z_i >= target
    n, m = a.shape
    link = sp.hstack([-a.astype(np.float64), sp.identity(n, format="csr")], format="csr")
    share = sp.csr_matrix(np.concatenate([np.zeros(m), w])[None, :])
    res = milp(
        c=np.concatenate([c, np.zeros(n)]),
        constraints=[
            LinearConstraint(link, lb=-np.inf, ub=np.zeros(n)),
            LinearConstraint(share, lb=target, ub=np.inf),
        ],
        integrality=np.ones(m + n),
        bounds=Bounds(np.concatenate([lb, np.zeros(n)]), np.concatenate([ub, np.ones(n)])),
        options=_milp_options(time_limit_s),
    )
    return _read_milp(res, "partial set covering")


# --------------------------------------------------------------------------------------------
# Maximal covering (MCLP)
# --------------------------------------------------------------------------------------------


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
        Sparse or dense 0/1 matrix (demand x candidates); see
        :func:`jnrisk.covering.cover_from_costs`.
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
    a = as_cover(cover, len(w))
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
        sel, bound, message = _mclp_exact(agg_w, agg_c, k, time_limit_s)
        return _mclp_result(sel, w, a, bound, "exact", t0, "milp", message)
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
    message: str = "",
) -> SitingResult:
    sel = np.sort(np.asarray(sel, dtype=np.int64))
    obj = _covered_weight(sel, w, a)
    b = obj if bound is None else max(float(bound), obj)
    gap = _gap(obj, b)
    if gap < 1e-7:
        gap = 0.0
    status = "nothing_to_do" if bound_method == "trivial" else _status(method, gap)
    return SitingResult(
        model="mclp",
        selected=sel,
        objective=obj,
        bound=b,
        gap_pct=gap,
        method=method,
        bound_method=bound_method,
        status=status,
        covered_persons=obj,
        unserved_persons=float(w.sum() - obj),
        runtime_s=time.perf_counter() - t0,
        solver_message=message,
    )


def _mclp_exact(
    w: np.ndarray, a: sp.csr_matrix, k: int, time_limit_s: float | None
) -> tuple[np.ndarray, float, str]:
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
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(0, 1),
               options=_milp_options(time_limit_s))
    x, _, message, bound = _read_milp(res, "maximal covering", sense=-1.0)
    return np.flatnonzero(x[:m] > 0.5), bound, message


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
        0/1 matrix (blocks x candidates), see :func:`jnrisk.covering.cover_from_costs`.
    capacity_persons
        Capacity per candidate (e.g. ``effective_area_m2 / m2_per_person``).
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
    a = as_cover(cover, len(d))
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
    coo = a.tocoo()  # the pairs (i, j) with a_ij = 1
    inst = _Capacitated(d, cap, c, fx, coo.row.astype(np.int64), coo.col.astype(np.int64))
    served_max = _max_servable(inst)
    if method == "auto":
        method = "exact" if len(inst.pi) <= AUTO_EXACT_MAX_NNZ // 4 else "heuristic"
    if method == "exact":
        y, bound, ok = _cscp_milp(inst, served_max, time_limit_s, relax=False)
        sel = np.flatnonzero(y > 0.5)
        bm = "milp"
    else:
        ok = True
        sel = _cscp_greedy(inst, served_max)
        _, bound, _ = _cscp_milp(inst, served_max, time_limit_s, relax=True)
        bm = "lp"
    flows = _assign(inst, sel)
    obj = float(c[sel].sum())
    served = float(flows.sum())
    gap = 0.0 if method == "exact" and ok else _gap(obj, bound)
    if gap < 1e-7:
        gap = 0.0
    status = "nothing_to_do" if len(inst.pi) == 0 else _status(method, gap, ok)
    keep = flows > 1e-9
    assignment = pd.DataFrame(
        {"block": inst.pi[keep], "candidate": inst.pj[keep], "persons": flows[keep]}
    )
    return SitingResult(
        model="capacitated_lscp",
        selected=np.sort(sel.astype(np.int64)),
        objective=obj,
        bound=min(bound, obj),
        gap_pct=gap,
        method=method,
        bound_method=bm,
        status=status,
        covered_persons=served,
        unserved_persons=float(max(d.sum() - served, 0.0)),
        runtime_s=time.perf_counter() - t0,
        assignment=assignment,
    )


@dataclass(frozen=True)
class _Capacitated:
    """A capacitated covering instance: demand, capacity, cost, fixed sites, covered pairs."""

    d: np.ndarray
    cap: np.ndarray
    c: np.ndarray
    fx: np.ndarray
    pi: np.ndarray
    pj: np.ndarray

    @property
    def n(self) -> int:
        return len(self.d)

    @property
    def m(self) -> int:
        return len(self.cap)

    def open_only(self, open_: np.ndarray) -> _Capacitated:
        """Return the same instance with only the pairs of opened candidates."""
        keep = open_[self.pj]
        return dataclasses.replace(self, pi=self.pi[keep], pj=self.pj[keep])


def _flow_constraints(inst: _Capacitated) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    npair = len(inst.pi)
    cols = np.arange(npair)
    per_block = sp.csr_matrix((np.ones(npair), (inst.pi, cols)), shape=(inst.n, npair))
    per_cand = sp.csr_matrix((np.ones(npair), (inst.pj, cols)), shape=(inst.m, npair))
    return per_block, per_cand


def _max_flow(inst: _Capacitated, what: str) -> Any:
    """Max-flow LP of demand to candidates over the instance's pairs (HiGHS)."""
    per_block, per_cand = _flow_constraints(inst)
    res = linprog(
        -np.ones(len(inst.pi)),
        A_ub=sp.vstack([per_block, per_cand], format="csr"),
        b_ub=np.concatenate([inst.d, inst.cap]),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise SolverError(f"HiGHS LP ({what}) failed: {res.message}")
    return res


def _max_servable(inst: _Capacitated) -> float:
    if len(inst.pi) == 0:
        return 0.0
    return -float(_max_flow(inst, "max servable demand").fun)


def _cscp_milp(
    inst: _Capacitated, served: float, time_limit_s: float | None, *, relax: bool
) -> tuple[np.ndarray, float, bool]:
    """Variables [y (m), x (pairs)]; strong linking x_ij <= d_i y_j."""
    n, m, d, cap, pi, pj = inst.n, inst.m, inst.d, inst.cap, inst.pi, inst.pj
    npair = len(pi)
    if npair == 0:
        return inst.fx.astype(np.float64), float(inst.c[inst.fx].sum()), True
    per_block, per_cand = _flow_constraints(inst)
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
    lb = np.concatenate([inst.fx.astype(np.float64), np.zeros(npair)])
    ub = np.concatenate([np.ones(m), np.full(npair, np.inf)])
    obj = np.concatenate([inst.c, np.zeros(npair)])
    integrality = np.concatenate([np.ones(m), np.zeros(npair)]) if not relax else None
    opts = _milp_options(time_limit_s) if not relax else (
        {} if time_limit_s is None else {"time_limit": float(time_limit_s)})
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


def _cscp_greedy(inst: _Capacitated, served_max: float) -> np.ndarray:
    """Open the candidate with the least cost per newly placed person until all is placed."""
    d, cap, c, fx = inst.d, inst.cap, inst.c, inst.fx
    a_csc = sp.csc_matrix((np.ones(len(inst.pi)), (inst.pi, inst.pj)), shape=(inst.n, inst.m))
    a_csr = a_csc.tocsr()
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
        if _max_servable(inst.open_only(trial)) >= served_max - tol:
            open_ = trial
    return np.flatnonzero(open_)


def _assign(inst: _Capacitated, sel: np.ndarray) -> np.ndarray:
    """Max-flow assignment of demand to the selected candidates (HiGHS LP); flows per pair."""
    open_ = np.zeros(inst.m, dtype=bool)
    open_[sel] = True
    keep = open_[inst.pj]
    flows = np.zeros(len(inst.pi))
    if keep.any():
        flows[keep] = _max_flow(inst.open_only(open_), "assignment").x
    return flows
