"""Dispatch of rescue teams: the k fastest teams to one incident, and many incidents at once.

Times run from each team to the incident along one-way streets (computed by Dijkstra from the
incidents on the reversed network, since incidents are usually fewer than teams). Closed roads
(``closed_edges``, e.g. the flooded roads of a scenario) are never used, so closures can only
lengthen an ETA.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError, DataError, SchemaError, SolverError
from jnrisk._validate import Problems, describe_rows, non_negative_values, require_columns
from jnrisk.rescue._common import (
    SPECIALTIES,
    check_network,
    check_points,
    check_time,
    congestion_factor,
    snap,
    time_matrix,
)
from jnrisk.rescue.coverage import DEFAULT_TURNOUT_S, check_turnout

__all__ = ["DispatchResult", "check_teams", "dispatch_teams", "fastest_teams"]


def check_teams(
    teams: Any, *, members_col: str = "members", specialty_col: str = "specialty"
) -> tuple[np.ndarray, np.ndarray]:
    """Validate a teams layer; return (members int64, specialty object array).

    Every team needs a whole number of members > 0 and a specialty from
    :data:`jnrisk.rescue.SPECIALTIES`; all problems are reported at once.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> teams = gpd.GeoDataFrame({"members": [12, 0], "specialty": ["collapse", "diving"]},
    ...                          geometry=[Point(0, 0)] * 2, crs="EPSG:4548")
    >>> check_teams(teams)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    jnrisk._errors.DataError: teams: 2 problems: ...
    """
    check_points(teams, name="teams")
    require_columns(teams, [members_col, specialty_col], name="teams")
    problems = Problems("teams")
    members_f = teams[members_col].to_numpy(dtype=np.float64, na_value=np.nan)
    no_members = ~(members_f > 0)
    if no_members.any():
        problems.add(
            f"column {members_col!r} is 0, negative or missing at "
            f"{describe_rows(teams.index[no_members])} (e.g. {members_f[no_members][0]:g}); "
            f"every team needs members > 0: fix the roster or drop those teams."
        )
    frac = np.isfinite(members_f) & (members_f != np.round(members_f))
    if frac.any():
        problems.add(
            f"column {members_col!r} must hold whole persons; fractional at "
            f"{describe_rows(teams.index[frac])}."
        )
    spec = teams[specialty_col].astype(object).to_numpy()
    unknown = ~np.isin(spec, np.asarray(SPECIALTIES, dtype=object))
    if unknown.any():
        found = sorted({str(s) for s in spec[unknown]})
        problems.add(
            f"column {specialty_col!r} has unknown specialties {found[:5]} at "
            f"{describe_rows(teams.index[unknown])}; allowed: {list(SPECIALTIES)}."
        )
    problems.raise_if_any(DataError)
    return np.round(members_f).astype(np.int64), spec


def _check_specialties(specialties: Any) -> tuple[str, ...] | None:
    if specialties is None:
        return None
    if isinstance(specialties, str):
        specialties = (specialties,)
    specialties = tuple(specialties)
    bad = [s for s in specialties if s not in SPECIALTIES]
    if bad:
        raise ConfigError(f"specialties {bad} are unknown; use some of {list(SPECIALTIES)}.")
    return specialties


def _incident_points(incident: Any, *, crs: Any):
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    if isinstance(incident, BaseGeometry):
        return gpd.GeoDataFrame(geometry=[incident], crs=crs)
    if isinstance(incident, gpd.GeoSeries):
        return gpd.GeoDataFrame(geometry=incident)
    if isinstance(incident, gpd.GeoDataFrame):
        return incident
    raise SchemaError(
        f"incident must be a shapely Point (in the network's CRS) or a one-row GeoDataFrame, "
        f"got {type(incident).__name__}."
    )


def _snap_incidents(net: Any, incidents: Any, *, max_snap_m: float) -> np.ndarray:
    node, snap_m, on = snap(net, incidents, name="incidents", max_snap_m=max_snap_m)
    if (~on).any():
        raise DataError(
            f"incidents: {int((~on).sum()):,} of {len(incidents):,} incidents lie more than "
            f"max_snap_m={max_snap_m:g} m from the road network (up to "
            f"{snap_m[~on].max():,.0f} m) at {describe_rows(incidents.index[~on])}; they are "
            f"outside the network: check their CRS/location or raise max_snap_m."
        )
    return node


def fastest_teams(  # noqa: PLR0913  keyword-only routing options and column names
    net: Any,
    incident: Any,
    teams: Any,
    *,
    k: int = 5,
    specialties: Any = None,
    closed_edges: Any = None,
    congestion: float | str = 1.0,
    turnout_s: float = DEFAULT_TURNOUT_S,
    max_eta_s: float = np.inf,
    max_snap_m: float = 500.0,
    members_col: str = "members",
    specialty_col: str = "specialty",
):
    """Find the ``k`` teams that reach one incident first, with ETA, members and specialty.

    Parameters
    ----------
    net : RoadNetwork
        Drive network with ``time_s``.
    incident : shapely Point or one-row GeoDataFrame
        The incident location (network CRS).
    teams : geopandas.GeoDataFrame
        Team points with ``members_col`` (> 0) and ``specialty_col`` (one of
        :data:`jnrisk.rescue.SPECIALTIES`). Teams off the network (> ``max_snap_m``) are
        never chosen.
    k : int
        Number of teams (fewer when fewer reach the incident within ``max_eta_s``).
    specialties : str or sequence of str, optional
        Keep only these specialties (e.g. ``("water_rescue", "general")``).
    closed_edges : bool mask or int positions, optional
        Closed road rows.
    congestion : float or str
        Travel-time multiplier or period (see :func:`jnrisk.rescue.congestion_factor`).
    turnout_s : float
        Time from the dispatch order to departure [s], added to every drive time
        (default 60 s, docs/references.md#rescue-turnout).
    max_eta_s : float
        Ignore teams slower than this [s] (turnout included).
    max_snap_m : float
        The incident must lie within this distance [m] of a road node (else DataError).

    Returns
    -------
    geopandas.GeoDataFrame
        Rows copied from ``teams`` (index kept) sorted by ETA (ties: row order), with
        ``rank`` (1 = fastest), ``eta_s`` and ``eta_min`` (turnout + drive).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [2, 2], [900.0, 300.0], time_s=[90.0, 30.0],
    ...                            x=[0.0, 500.0, 800.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    >>> teams = gpd.GeoDataFrame({"members": [20, 8], "specialty": ["general", "collapse"]},
    ...                          geometry=[Point(0, 0), Point(500, 0)], crs="EPSG:4548")
    >>> best = fastest_teams(net, Point(800, 0), teams, k=2)
    >>> best["rank"].tolist(), best["eta_s"].tolist(), best["members"].tolist()
    ([1, 2], [90.0, 150.0], [8, 20])
    """
    check_network(net)
    if not (isinstance(k, int | np.integer) and k >= 1):
        raise ConfigError(f"k={k!r}; it must be an integer >= 1.")
    max_eta = check_time(max_eta_s, name="max_eta_s", allow_inf=True)
    factor = congestion_factor(congestion)
    turnout = check_turnout(turnout_s)
    wanted = _check_specialties(specialties)
    members, spec = check_teams(teams, members_col=members_col, specialty_col=specialty_col)
    inc = _incident_points(incident, crs=net.crs)
    check_points(inc, name="incidents")
    if len(inc) != 1:
        raise DataError(
            f"incident has {len(inc)} rows; fastest_teams takes one incident "
            f"(use dispatch_teams for several)."
        )
    inc_node = _snap_incidents(net, inc, max_snap_m=max_snap_m)
    t_node, _, t_on = snap(net, teams, name="teams", max_snap_m=max_snap_m)
    keep = t_on.copy()
    if wanted is not None:
        keep &= np.isin(spec, np.asarray(wanted, dtype=object))
    cand = np.flatnonzero(keep)
    eta = np.full(cand.size, np.inf)
    if max_eta >= turnout:
        indptr, col, val = time_matrix(
            net, t_node[cand], inc_node, cutoff_s=max_eta - turnout, factor=factor,
            closed_edges=closed_edges,
        )
        rows = np.repeat(np.arange(cand.size), np.diff(indptr))
        eta[rows] = turnout + val
    ok = np.isfinite(eta)
    order = np.lexsort((cand[ok], eta[ok]))[:k]
    pos = cand[ok][order]
    out = teams.iloc[pos].copy()
    out.insert(0, "rank", np.arange(1, pos.size + 1))
    out["eta_s"] = eta[ok][order]
    out["eta_min"] = out["eta_s"] / 60.0
    return out


@dataclass(frozen=True, eq=False)
class DispatchResult:
    """Optimal assignment of team members to simultaneous incidents.

    Attributes
    ----------
    assignments : pandas.DataFrame
        One row per (team, incident) pair with members sent: ``team`` and ``incident``
        (index labels), ``team_pos``/``incident_pos`` (row positions), ``members_sent``,
        ``eta_s``.
    incidents : geopandas.GeoDataFrame
        Copy of the incidents with ``rescuers_assigned``, ``rescuers_unmet``,
        ``first_eta_s`` and ``last_eta_s`` (NaN when nobody comes).
    teams : geopandas.GeoDataFrame
        Copy of the teams with ``members_sent`` and ``members_idle``.
    total_eta_person_s : float
        Sum over rescuers sent of their ETA [person-s] (the minimised travel).
    rescuers_required, rescuers_assigned, rescuers_unmet : int
        Totals.
    status : str
        ``"optimal"`` (exact solver).
    """

    assignments: pd.DataFrame
    incidents: Any
    teams: Any
    total_eta_person_s: float
    rescuers_required: int
    rescuers_assigned: int
    rescuers_unmet: int
    status: str


def dispatch_teams(  # noqa: PLR0913  keyword-only routing options and column names
    net: Any,
    incidents: Any,
    teams: Any,
    *,
    required_col: str = "rescuers_required",
    incident_specialty_col: str | None = None,
    also_accept: Any = ("general",),
    max_eta_s: float = 3600.0,
    closed_edges: Any = None,
    congestion: float | str = 1.0,
    turnout_s: float = DEFAULT_TURNOUT_S,
    max_snap_m: float = 500.0,
    members_col: str = "members",
    specialty_col: str = "specialty",
) -> DispatchResult:
    """Assign team members to many incidents, minimising total ETA (exact).

    First as many required rescuers as possible are filled (within ``max_eta_s``), then the
    total ETA summed over rescuers is minimised: a transportation problem solved exactly by
    :func:`jnrisk.allocation.solve_transport` with teams as the sources (supply = members,
    arcs = the incidents each team reaches within ``max_eta_s``) and incidents as the
    capacitated side (capacity = rescuers required). Members of one team may be split across
    incidents. Required rescuers that cannot be filled are reported as unmet, never as an
    error.

    Parameters
    ----------
    net : RoadNetwork
        Drive network with ``time_s``.
    incidents : geopandas.GeoDataFrame
        Incident points with ``required_col`` (whole persons >= 0) and optionally
        ``incident_specialty_col`` (then only teams of that specialty, or of one in
        ``also_accept``, may go there).
    teams : geopandas.GeoDataFrame
        Team points with ``members_col`` (> 0) and ``specialty_col``.
    required_col : str
        Rescuers each incident needs [persons].
    incident_specialty_col : str, optional
        Column of ``incidents`` naming the specialty needed.
    also_accept : sequence of str
        Specialties accepted at every incident in addition to its own (default general teams).
    max_eta_s : float
        Teams farther than this [s] from an incident are not sent there.
    closed_edges, congestion, turnout_s, max_snap_m, members_col, specialty_col
        As in :func:`fastest_teams` (ETAs include the turnout). Incidents off the network raise DataError; teams off
        the network stay idle.

    Returns
    -------
    DispatchResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 3], [1, 0, 1], [500.0, 500.0, 500.0],
    ...     time_s=[60.0, 60.0, 60.0], x=[0.0, 500.0, 1000.0], y=[0.0, 0.0, 0.0],
    ...     crs="EPSG:4548")
    >>> teams = gpd.GeoDataFrame({"members": [10, 10], "specialty": ["general"] * 2},
    ...                          geometry=[Point(0, 0), Point(1000, 0)], crs="EPSG:4548")
    >>> inc = gpd.GeoDataFrame({"rescuers_required": [15, 4]},
    ...                        geometry=[Point(500, 0), Point(0, 0)], crs="EPSG:4548")
    >>> res = dispatch_teams(net, inc, teams, turnout_s=0)
    >>> res.incidents["rescuers_assigned"].tolist(), res.rescuers_unmet, res.total_eta_person_s
    ([15, 4], 0, 900.0)
    """
    from jnrisk.allocation import solve_transport

    check_network(net)
    max_eta = check_time(max_eta_s, name="max_eta_s", allow_inf=True)
    factor = congestion_factor(congestion)
    turnout = check_turnout(turnout_s)
    accept = _check_specialties(also_accept) or ()
    members, spec = check_teams(teams, members_col=members_col, specialty_col=specialty_col)
    check_points(incidents, name="incidents")
    required = non_negative_values(incidents, required_col, name="incidents", integer=True)
    inc_spec = None
    if incident_specialty_col is not None:
        require_columns(incidents, [incident_specialty_col], name="incidents")
        inc_spec = incidents[incident_specialty_col].astype(object).to_numpy()
        unknown = ~np.isin(inc_spec, np.asarray(SPECIALTIES, dtype=object))
        if unknown.any():
            raise DataError(
                f"incidents: column {incident_specialty_col!r} has unknown specialties "
                f"{sorted({str(s) for s in inc_spec[unknown]})[:5]} at "
                f"{describe_rows(incidents.index[unknown])}; allowed: {list(SPECIALTIES)}."
            )
    inc_node = _snap_incidents(net, incidents, max_snap_m=max_snap_m)
    t_node, _, t_on = snap(net, teams, name="teams", max_snap_m=max_snap_m)
    n_t, n_i = len(teams), len(incidents)
    usable = np.flatnonzero(t_on)
    indptr_u, col, eta = time_matrix(
        net, t_node[usable], inc_node, cutoff_s=max(max_eta - turnout, 0.0), factor=factor,
        closed_edges=closed_edges,
    )
    eta = eta + turnout
    if max_eta < turnout:  # nobody can leave in time
        indptr_u = np.zeros(usable.size + 1, np.int64)
        col, eta = col[:0], eta[:0]
    team_of_arc = usable[np.repeat(np.arange(usable.size), np.diff(indptr_u))]
    if inc_spec is not None:
        ok = (spec[team_of_arc] == inc_spec[col]) | np.isin(
            spec[team_of_arc], np.asarray(accept, dtype=object)
        )
        team_of_arc, col, eta = team_of_arc[ok], col[ok], eta[ok]
    # arcs by team (CSR over all teams, idle teams have none); team_of_arc is non-decreasing
    indptr = np.zeros(n_t + 1, dtype=np.int64)
    np.cumsum(np.bincount(team_of_arc, minlength=n_t), out=indptr[1:])
    supply = np.where(t_on, members, 0).astype(np.int64)
    sol = solve_transport(supply, required, indptr, col, eta)
    if sol.status != "optimal":  # pragma: no cover - solve_transport raises instead
        raise SolverError(f"dispatch: the transport solver returned status {sol.status!r}.")
    flow = sol.flow
    used = flow > 0
    assign = pd.DataFrame(
        {
            "team": np.asarray(teams.index, dtype=object)[team_of_arc[used]],
            "incident": np.asarray(incidents.index, dtype=object)[col[used]],
            "team_pos": team_of_arc[used],
            "incident_pos": col[used],
            "members_sent": flow[used],
            "eta_s": eta[used],
        }
    ).sort_values(["incident_pos", "eta_s", "team_pos"], kind="stable", ignore_index=True)
    got = np.bincount(col, weights=flow, minlength=n_i).astype(np.int64)
    first = np.full(n_i, np.nan)
    last = np.full(n_i, np.nan)
    if used.any():
        s = pd.Series(eta[used]).groupby(col[used])
        first[s.min().index.to_numpy()] = s.min().to_numpy()
        last[s.max().index.to_numpy()] = s.max().to_numpy()
    out_inc = incidents.copy()
    out_inc["rescuers_assigned"] = got
    out_inc["rescuers_unmet"] = required - got
    out_inc["first_eta_s"] = first
    out_inc["last_eta_s"] = last
    sent = np.bincount(team_of_arc, weights=flow, minlength=n_t).astype(np.int64)
    out_teams = teams.copy()
    out_teams["members_sent"] = sent
    out_teams["members_idle"] = members - sent
    return DispatchResult(
        assignments=assign,
        incidents=out_inc,
        teams=out_teams,
        total_eta_person_s=float(sol.travel),
        rescuers_required=int(required.sum()),
        rescuers_assigned=int(got.sum()),
        rescuers_unmet=int((required - got).sum()),
        status=sol.status,
    )
