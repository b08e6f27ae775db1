"""Station siting: the fewest new stations so that demand is reached within T (set covering).

Station front end of the covering engine :mod:`jnrisk.covering`: drive times from candidates
and existing stations to the demand points build the cover matrix; the location-set covering
(LSCP, Toregas 1971; docs/references.md#lscp-mclp) with existing coverage free, or, for a coverage share below 100 %, the
partial covering with a weighted-coverage constraint, is solved exactly by
:func:`jnrisk.covering.set_covering` (HiGHS through ``scipy.optimize.milp``). Status, gap and
bound are reported in the shared :class:`~jnrisk.covering.SitingResult`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataError
from jnrisk._validate import non_negative_values
from jnrisk.covering import SitingResult, set_covering
from jnrisk.rescue._common import (
    check_network,
    check_points,
    check_time,
    congestion_factor,
    snap,
    time_matrix,
)

__all__ = ["SitingResult", "site_stations"]


def site_stations(  # noqa: PLR0913  keyword-only routing and model options
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
    """Select the fewest new stations (from ``candidates``) so that demand is reached within T.

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
        ``chosen`` (the candidate rows to open, index kept, with ``demand_covered``: demand
        points each reaches within ``max_time_s``), ``n_new``, ``demand`` (a copy with
        ``covered_by_existing``, ``covered_by_new``, ``coverable`` and ``best_time_s``),
        ``covered_pct`` (weighted share reached after opening ``chosen``), ``uncoverable``
        (demand no station nor candidate reaches), ``status`` (``"optimal"``,
        ``"time_limit"`` or ``"nothing_to_do"``), ``optimal``, ``gap_pct`` and ``bound``
        (lower bound on the number of new stations).

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

    cover = csr_matrix((np.ones(arc_c.size), (row_of[arc_d], arc_c)), shape=(m, n_c))
    if pct >= 100.0:
        res = set_covering(cover, available=c_on, time_limit_s=t_lim)
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
        res = set_covering(cover, weights=w[rows_d], min_covered=max(target - have, 0.0),
                           available=c_on, time_limit_s=t_lim)
    chosen = res.selected
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
    out_c = candidates.copy()
    out_c["selected"] = pick
    out_c["demand_covered"] = np.bincount(arc_c[hit], minlength=n_c)
    covered_w = float(w[covered].sum())
    return dataclasses.replace(
        res,
        covered_persons=covered_w,
        unserved_persons=max(total_w - covered_w, 0.0),
        candidates=out_c,
        demand=out_d,
        uncoverable=demand.index[~coverable],
    )
