"""Station siting: the fewest new stations so that demand is reached within T (set covering).

Location-set covering (LSCP, Toregas 1971; docs/references.md#lscp-mclp) with existing stations fixed open,
or, for a coverage share below 100 %, LSCP with a weighted-coverage constraint. Solved exactly
with ``scipy.optimize.milp`` (HiGHS branch and bound); the solver's status, gap and dual bound
are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError, DataError, SolverError
from jnrisk._validate import non_negative_values
from jnrisk.rescue._common import (
    check_network,
    check_points,
    check_time,
    congestion_factor,
    snap,
    time_matrix,
)

__all__ = ["SitingResult", "site_stations"]


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Result of :func:`site_stations`.

    Attributes
    ----------
    chosen : geopandas.GeoDataFrame
        The candidate rows to open (index kept), with ``demand_covered`` (demand points each
        one reaches within ``max_time_s``).
    n_new : int
        Number of new stations.
    demand : geopandas.GeoDataFrame
        Copy of the demand points with ``covered_by_existing``, ``covered_by_new`` and
        ``coverable`` (some candidate or existing station reaches it), ``best_time_s``.
    covered_pct : float
        Share of demand (weighted) reached within ``max_time_s`` after opening ``chosen``.
    uncoverable : pandas.Index
        Demand points no existing station nor candidate reaches (left out of a 100 % target).
    status : str
        ``"optimal"``, ``"time_limit"`` (feasible, maybe not optimal) or ``"nothing_to_do"``.
    optimal : bool
        True when HiGHS proved optimality (gap 0).
    mip_gap : float
        Relative gap reported by HiGHS (0 when optimal).
    dual_bound : float
        Lower bound on the number of new stations.
    solver_message : str
        The raw message of ``scipy.optimize.milp``.
    """

    chosen: Any
    n_new: int
    demand: Any
    covered_pct: float
    uncoverable: pd.Index
    status: str
    optimal: bool
    mip_gap: float
    dual_bound: float
    solver_message: str


def site_stations(
    net: Any,
    demand: Any,
    candidates: Any,
    existing: Any = None,
    *,
    max_time_s: float = 900.0,
    min_covered_pct: float = 100.0,
    weight_col: str | None = None,
    congestion: float | str = 1.0,
    closed_edges: Any = None,
    max_snap_m: float = 1000.0,
    time_limit_s: float = 60.0,
) -> SitingResult:
    """The fewest new stations (from ``candidates``) so that demand is reached within T.

    Parameters
    ----------
    net : RoadNetwork
        Drive network with ``time_s``.
    demand : geopandas.GeoDataFrame
        Demand points, e.g. :func:`jnrisk.rescue.town_centres` of the 161 sub-districts or
        population blocks. Points off the network (> ``max_snap_m``) cannot be covered.
    candidates : geopandas.GeoDataFrame
        Candidate sites (Points). Candidates off the network are never chosen.
    existing : geopandas.GeoDataFrame, optional
        Stations already open (their coverage is free).
    max_time_s : float
        Drive time [s] from a station to a demand point that counts as covered.
    min_covered_pct : float
        100: every coverable demand point must be covered (points nobody can reach are
        reported in ``uncoverable``, not an error). Below 100: at least this share of the
        total demand weight (all points) must be covered; a share above what all candidates
        together reach raises DataError with the maximum.
    weight_col : str, optional
        Demand weight column (e.g. ``"persons"``) for ``min_covered_pct``; default 1 per point.
    congestion, closed_edges
        As in :func:`jnrisk.rescue.drive_time_coverage`.
    time_limit_s : float
        HiGHS time limit [s]. When it is hit, the best solution found is returned with
        ``optimal=False`` and its gap.

    Returns
    -------
    SitingResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> xs = [0.0, 1000.0, 2000.0, 3000.0]
    >>> net = RoadNetwork.from_csr([0, 1, 3, 5, 6], [1, 0, 2, 1, 3, 2], [1000.0] * 6,
    ...     time_s=[100.0] * 6, x=xs, y=[0.0] * 4, crs="EPSG:4548")
    >>> pts = gpd.GeoDataFrame(geometry=[Point(x, 0) for x in xs], crs="EPSG:4548")
    >>> res = site_stations(net, pts, pts, max_time_s=100.0)
    >>> res.n_new, res.optimal, res.covered_pct
    (2, True, 100.0)
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    check_network(net)
    max_t = check_time(max_time_s, name="max_time_s")
    t_lim = check_time(time_limit_s, name="time_limit_s")
    factor = congestion_factor(congestion)
    pct = float(min_covered_pct)
    if not (0.0 < pct <= 100.0):
        raise ConfigError(f"min_covered_pct={min_covered_pct!r}; it must be in (0, 100].")
    check_points(demand, name="demand")
    check_points(candidates, name="candidates")
    if existing is not None:
        check_points(existing, name="existing")
    if len(demand) == 0:
        raise DataError("demand is empty; give the points that must be covered.")
    w = (
        np.ones(len(demand))
        if weight_col is None
        else non_negative_values(demand, weight_col, name="demand")
    )
    d_node, _, d_on = snap(net, demand, name="demand", max_snap_m=max_snap_m)
    c_node, _, c_on = snap(net, candidates, name="candidates", max_snap_m=max_snap_m)
    n_d, n_c = len(demand), len(candidates)

    d_use = np.flatnonzero(d_on)
    best = np.full(n_d, np.inf)
    covered_old = np.zeros(n_d, dtype=bool)
    if existing is not None and len(existing):
        e_node, _, e_on = snap(net, existing, name="existing", max_snap_m=max_snap_m)
        ptr, col, t = time_matrix(
            net, e_node[e_on], d_node[d_use], cutoff_s=max_t, factor=factor,
            closed_edges=closed_edges,
        )
        covered_old[d_use[col]] = True
        np.minimum.at(best, d_use[col], t)
    c_use = np.flatnonzero(c_on)
    ptr, col, t = time_matrix(
        net, c_node[c_use], d_node[d_use], cutoff_s=max_t, factor=factor,
        closed_edges=closed_edges,
    )
    arc_c = c_use[np.repeat(np.arange(c_use.size), np.diff(ptr))]
    arc_d = d_use[col]
    np.minimum.at(best, arc_d, t)
    by_new = np.zeros(n_d, dtype=bool)
    by_new[arc_d] = True
    coverable = covered_old | by_new
    need = coverable & ~covered_old  # demand that a new station must cover
    total_w = float(w.sum())

    # keep only arcs into demand not already covered, relabel demand rows
    keep = need[arc_d]
    arc_c, arc_d = arc_c[keep], arc_d[keep]
    rows_d = np.flatnonzero(need)
    row_of = np.full(n_d, -1, dtype=np.int64)
    row_of[rows_d] = np.arange(rows_d.size)
    m = rows_d.size

    if pct >= 100.0:
        if m == 0:
            chosen = np.zeros(0, dtype=np.int64)
            status, message, gap, bound, optimal = "nothing_to_do", "", 0.0, 0.0, True
        else:
            a = csr_matrix((np.ones(arc_c.size), (row_of[arc_d], arc_c)), shape=(m, n_c))
            a.sum_duplicates()
            a.data[:] = 1.0
            res = milp(
                c=np.ones(n_c),
                constraints=[LinearConstraint(a, lb=np.ones(m), ub=np.inf)],
                integrality=np.ones(n_c),
                bounds=Bounds(np.zeros(n_c), _upper(c_on)),
                options={"time_limit": t_lim, "mip_rel_gap": 0.0},
            )
            chosen, status, message, gap, bound, optimal = _read(res, n_c)
    else:
        target = pct / 100.0 * total_w
        have = float(w[covered_old].sum())
        reachable = float(w[coverable].sum())
        if reachable + 1e-9 * max(total_w, 1.0) < target:
            raise DataError(
                f"min_covered_pct={pct:g} % cannot be reached: existing stations and all "
                f"{int(c_on.sum()):,} usable candidates together cover "
                f"{100.0 * reachable / total_w:.2f} % of the demand weight within "
                f"{max_t / 60:g} min; lower the target, add candidates or raise max_time_s."
            )
        if have >= target or m == 0:
            chosen = np.zeros(0, dtype=np.int64)
            status, message, gap, bound, optimal = "nothing_to_do", "", 0.0, 0.0, True
        else:
            # variables: y (n_c) then z (m): z_i <= sum_j a_ij y_j; sum w_i z_i >= target - have
            a = csr_matrix((np.ones(arc_c.size), (row_of[arc_d], arc_c)), shape=(m, n_c))
            a.sum_duplicates()
            a.data[:] = 1.0
            from scipy.sparse import eye, hstack

            link = hstack([-a, eye(m)]).tocsr()
            share = np.concatenate([np.zeros(n_c), w[rows_d]])[None, :]
            res = milp(
                c=np.concatenate([np.ones(n_c), np.zeros(m)]),
                constraints=[
                    LinearConstraint(link, lb=-np.inf, ub=np.zeros(m)),
                    LinearConstraint(share, lb=target - have, ub=np.inf),
                ],
                integrality=np.ones(n_c + m),
                bounds=Bounds(np.zeros(n_c + m), np.concatenate([_upper(c_on), np.ones(m)])),
                options={"time_limit": t_lim, "mip_rel_gap": 0.0},
            )
            chosen, status, message, gap, bound, optimal = _read(res, n_c)

    pick = np.zeros(n_c, dtype=bool)
    pick[chosen] = True
    covered_new = np.zeros(n_d, dtype=bool)
    hit = pick[arc_c]
    covered_new[arc_d[hit]] = True
    out_d = demand.copy()
    out_d["covered_by_existing"] = covered_old
    out_d["covered_by_new"] = covered_new & ~covered_old
    out_d["coverable"] = coverable
    out_d["best_time_s"] = best
    covered = covered_old | covered_new
    out_c = candidates.iloc[chosen].copy()
    out_c["demand_covered"] = np.bincount(arc_c[hit], minlength=n_c)[chosen]
    return SitingResult(
        chosen=out_c,
        n_new=int(chosen.size),
        demand=out_d,
        covered_pct=100.0 * float(w[covered].sum()) / total_w if total_w > 0 else 100.0,
        uncoverable=demand.index[~coverable],
        status=status,
        optimal=optimal,
        mip_gap=gap,
        dual_bound=bound,
        solver_message=message,
    )


def _upper(on_network: np.ndarray) -> np.ndarray:
    return np.where(on_network, 1.0, 0.0)


def _read(res: Any, n_c: int):
    """Turn a scipy milp result into (chosen, status, message, gap, bound, optimal)."""
    if res.x is None:
        raise SolverError(
            f"station siting: HiGHS found no solution (status {res.status}: {res.message}); "
            f"raise time_limit_s or check the inputs."
        )
    chosen = np.flatnonzero(np.round(res.x[:n_c]) > 0.5).astype(np.int64)
    gap = float(getattr(res, "mip_gap", np.nan) or 0.0)
    bound = float(getattr(res, "mip_dual_bound", np.nan))
    if res.status == 0:
        return chosen, "optimal", str(res.message), gap, bound, True
    if res.status == 1:
        return chosen, "time_limit", str(res.message), gap, bound, False
    raise SolverError(  # pragma: no cover - the covering model is feasible by construction
        f"station siting: HiGHS status {res.status}: {res.message}."
    )
