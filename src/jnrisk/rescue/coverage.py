"""Response-time service areas of rescue stations, teams and fire-rescue forces.

One multi-source Dijkstra (``RoadNetwork.nearest_source`` on ``time_s``) labels every road node
with the facility that reaches it first and that time; population blocks and sub-district
centres take the time of their snapped node. Times run from the facility to the place (the
response direction) along one-way streets.

Response time = turnout + drive time x congestion factor
(docs/references.md#rescue-response-time): the turnout (dispatch order to wheels rolling,
default 60 s) is added to every drive time, so the 5-minute band of a fire station leaves
about 4 minutes of driving. The fire-station standard and the joint rescue stations have
separate targets (:data:`RESPONSE_TARGETS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError, DataError
from jnrisk._validate import describe_rows, non_negative_values, require_columns, unique_values
from jnrisk.rescue._common import (
    check_network,
    check_points,
    check_thresholds,
    congestion_factor,
    snap,
)
from jnrisk.units import DEFAULT_TURNOUT_S, MAX_TURNOUT_S

__all__ = [
    "DEFAULT_THRESHOLDS_S",
    "DEFAULT_TURNOUT_S",
    "MAX_TURNOUT_S",
    "RESPONSE_TARGETS",
    "ResponseTarget",
    "check_turnout",
    "StationCoverage",
    "coverage_report",
    "drive_time_coverage",
    "service_area_polygons",
    "town_centres",
    "towns_not_reached",
]

#: Default response-time thresholds [s]: 5, 10, 15 and 30 min (5 min is the fire-station
#: standard, 10/15 min sensitivity; docs/references.md#fire-station-5min). They include turnout.
DEFAULT_THRESHOLDS_S = (300.0, 600.0, 900.0, 1800.0)


@dataclass(frozen=True)
class ResponseTarget:
    """A response-time target: ``response_s`` from the dispatch order, ``turnout_s`` included.

    Examples
    --------
    >>> t = RESPONSE_TARGETS["fire_station"]
    >>> t.response_s - t.turnout_s  # seconds left for driving
    240.0
    """

    name: str
    response_s: float
    turnout_s: float
    source: str


#: Targets kept apart: the fire-station standard (建标152-2017 《城市消防站建设标准》: reach the
#: edge of the station's district within 5 min of the dispatch order, turnout included) and the
#: joint rescue stations (应急联防救援站), which no national standard times; the 15 min there
#: is an assumed planning value (docs/references.md#joint-rescue-station-target).
RESPONSE_TARGETS = MappingProxyType(
    {
        "fire_station": ResponseTarget(
            "fire_station", 300.0, DEFAULT_TURNOUT_S,
            "建标152-2017 城市消防站建设标准, 5 min from the dispatch order "
            "(docs/references.md#fire-station-5min)",
        ),
        "joint_rescue_station": ResponseTarget(
            "joint_rescue_station", 900.0, DEFAULT_TURNOUT_S,
            "assumed planning target for Jinan's joint rescue stations "
            "(docs/references.md#joint-rescue-station-target)",
        ),
    }
)


def check_turnout(turnout_s: Any) -> float:
    """Turnout [s]: a finite number in [0, :data:`MAX_TURNOUT_S`], else :class:`ConfigError`.

    Examples
    --------
    >>> check_turnout(60)
    60.0
    """
    try:
        t = float(turnout_s)
    except (TypeError, ValueError):
        t = float("nan")
    if not (np.isfinite(t) and 0.0 <= t <= MAX_TURNOUT_S):
        raise ConfigError(
            f"turnout_s={turnout_s!r}; it is the time from the dispatch order to departure "
            f"and must be a number of seconds in [0, {MAX_TURNOUT_S:g}] (default "
            f"{DEFAULT_TURNOUT_S:g})."
        )
    return t


def _minutes_label(t_s: float) -> str:
    m = t_s / 60.0
    return f"{m:g}min"


@dataclass(frozen=True, eq=False)
class StationCoverage:
    """Drive-time coverage of a set of facilities (see :func:`drive_time_coverage`).

    Attributes
    ----------
    thresholds_s : tuple of float
        The thresholds [s], increasing.
    congestion_factor : float
        Multiplier applied to free-flow times.
    turnout_s : float
        Turnout added to every drive time [s].
    summary : pandas.DataFrame
        One row per threshold: ``threshold_s``, ``threshold_min``, ``persons_reached``,
        ``persons_reached_pct``, ``towns_centre_reached``, ``towns_centre_reached_pct``,
        ``towns_all_persons_reached``.
    towns : geopandas.GeoDataFrame
        Copy of the sub-districts (input index) with ``persons``, ``centre_time_s`` (``inf``
        when not reached within the largest threshold), ``centre_snap_m``,
        ``nearest_facility`` (facility index label, ``None`` when unreached),
        ``centre_node``, ``facilities_inside`` (number of facilities whose ``town_col`` is
        this town, when the facilities have that column), and per threshold ``centre_reached_<m>min`` and
        ``persons_reached_pct_<m>min``.
    facilities : geopandas.GeoDataFrame
        Copy of the facilities with ``node``, ``snap_distance_m``, ``on_network`` and
        ``persons_first`` (residents this facility reaches first within the largest
        threshold).
    block_time_s : numpy.ndarray
        Response time [s] (turnout + drive) to each population block (``inf`` if not reached
        / off network).
    node_time_s : numpy.ndarray
        Response time [s] to each network node from its nearest facility (``inf`` if none).
    node_facility : numpy.ndarray
        Row position (``iloc``) in ``facilities`` of the facility reaching each node first,
        ``-1`` if none within the largest threshold.
    node_x, node_y : numpy.ndarray
        Node coordinates [m] (for :meth:`polygons`).
    crs : pyproj.CRS
        The network's CRS.
    max_snap_m : float
        Snap distance beyond which a point counts as off the network.
    town_col : str
        The sub-district id column.
    closed_edges, net
        The closures and network used (kept to explain failures in :meth:`not_reached`).
    """

    thresholds_s: tuple[float, ...]
    congestion_factor: float
    summary: pd.DataFrame
    towns: Any
    facilities: Any
    block_time_s: np.ndarray
    node_time_s: np.ndarray
    node_facility: np.ndarray
    node_x: np.ndarray
    node_y: np.ndarray
    crs: Any
    max_snap_m: float
    town_col: str = "town_id"
    closed_edges: Any = field(default=None, repr=False)
    net: Any = field(default=None, repr=False)
    turnout_s: float = 0.0

    def polygons(self, *, cell_m: float = 250.0, by_facility: bool = False):
        """Service-area polygons for maps (see :func:`service_area_polygons`)."""
        return service_area_polygons(
            self.node_x,
            self.node_y,
            self.node_time_s,
            self.thresholds_s,
            crs=self.crs,
            cell_m=cell_m,
            node_facility=self.node_facility if by_facility else None,
        )

    def not_reached(self, threshold_s: float = 900.0) -> pd.DataFrame:
        """Sub-districts whose centre is not reached within ``threshold_s``, with reasons."""
        return towns_not_reached(self, threshold_s)


def town_centres(towns: Any, *, town_col: str = "town_id"):
    """One representative point (always inside the polygon) per sub-district.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> towns = gpd.GeoDataFrame({"town_id": [1]}, geometry=[box(0, 0, 10, 10)],
    ...                          crs="EPSG:4548")
    >>> town_centres(towns).geometry.iloc[0].wkt
    'POINT (5 5)'
    """
    import geopandas as gpd

    if not isinstance(towns, gpd.GeoDataFrame):
        from jnrisk._errors import SchemaError

        raise SchemaError(
            f"towns must be a geopandas.GeoDataFrame of polygons, got {type(towns).__name__}."
        )
    require_columns(towns, [town_col], name="towns")
    geoms = towns.geometry
    missing = (geoms.isna() | geoms.is_empty).to_numpy()
    if missing.any():
        raise DataError(
            f"towns: missing or empty geometry at {describe_rows(towns.index[missing])}; "
            f"drop those rows."
        )
    return gpd.GeoDataFrame(
        {town_col: towns[town_col].to_numpy()},
        geometry=geoms.representative_point().to_numpy(),
        index=towns.index,
        crs=towns.crs,
    )


def drive_time_coverage(  # noqa: PLR0913  keyword-only routing options and column names
    net: Any,
    facilities: Any,
    population: Any,
    towns: Any,
    *,
    thresholds_s: Any = DEFAULT_THRESHOLDS_S,
    congestion: float | str = 1.0,
    turnout_s: float = DEFAULT_TURNOUT_S,
    closed_edges: Any = None,
    max_snap_m: float = 1000.0,
    persons_col: str = "persons",
    town_col: str = "town_id",
) -> StationCoverage:
    """Share of residents and of sub-districts reached within each response-time threshold.

    Response time = ``turnout_s`` + drive time x congestion factor.

    Parameters
    ----------
    net : RoadNetwork
        Drive network (``time_s`` per arc, node coordinates, metric CRS).
    facilities : geopandas.GeoDataFrame
        Points of stations, teams or fire-rescue forces (any columns). Facilities farther than
        ``max_snap_m`` from the network are kept in the output (``on_network`` False) but do
        not serve anyone.
    population : geopandas.GeoDataFrame
        Population blocks (Points) with ``persons_col`` (>= 0) and ``town_col``.
    towns : geopandas.GeoDataFrame
        Sub-district polygons with a unique ``town_col``. A town is "reached" within T when
        its centre (:func:`town_centres`) is.
    thresholds_s : sequence of float
        Strictly increasing response times [s] (turnout included); default 5, 10, 15, 30 min.
    congestion : float or str
        Travel-time multiplier (>= 1) or a period of
        :data:`jnrisk.rescue.CONGESTION_FACTOR_BY_PERIOD` (assumed factors,
        docs/references.md#congestion-by-period).
    turnout_s : float
        Time from the dispatch order to departure [s], added to every drive time (default 60;
        pass 0 for pure drive-time bands).
    closed_edges : bool mask or int positions, optional
        Closed road rows (e.g. flooded roads), as in ``RoadNetwork.distances``.
    max_snap_m : float
        Points farther than this [m] from any road node count as not reached.
    persons_col, town_col : str
        Column names.

    Returns
    -------
    StationCoverage

    Notes
    -----
    The time of a block or centre is the time of its nearest road node (the access leg from
    the node to the point is not added). A single multi-source Dijkstra bounded by the largest
    threshold is run, so cost does not grow with the number of facilities.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [600.0, 600.0], time_s=[200.0, 200.0],
    ...                            x=[0.0, 600.0, 1200.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    >>> st = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> pop = gpd.GeoDataFrame({"persons": [10, 30], "town_id": [1, 2]},
    ...                        geometry=[Point(600, 0), Point(1200, 0)], crs="EPSG:4548")
    >>> towns = gpd.GeoDataFrame({"town_id": [1, 2]},
    ...     geometry=[box(300, -300, 900, 300), box(900, -300, 1500, 300)], crs="EPSG:4548")
    >>> res = drive_time_coverage(net, st, pop, towns, thresholds_s=[300, 600], turnout_s=0)
    >>> res.summary[["threshold_s", "persons_reached", "towns_centre_reached"]].values.tolist()
    [[300.0, 10.0, 1.0], [600.0, 40.0, 2.0]]
    >>> # with 60 s of turnout the 200 s drive still fits in 300 s, the 400 s one not in 300 s
    >>> res = drive_time_coverage(net, st, pop, towns, thresholds_s=[300, 600])
    >>> res.block_time_s.tolist()
    [260.0, 460.0]
    """
    check_network(net)
    thresholds = check_thresholds(thresholds_s)
    factor = congestion_factor(congestion)
    turnout = check_turnout(turnout_s)
    check_points(facilities, name="facilities")
    check_points(population, name="population")
    if len(facilities) == 0:
        raise DataError("facilities is empty; give at least one station/team point.")
    require_columns(population, [persons_col, town_col], name="population")
    persons = non_negative_values(population, persons_col, name="population")
    centres = town_centres(towns, town_col=town_col)
    unique_values(towns, town_col, name="towns")

    f_node, f_snap, f_on = snap(net, facilities, name="facilities", max_snap_m=max_snap_m)
    if not f_on.any():
        raise DataError(
            f"facilities: none of the {len(facilities):,} points lies within "
            f"max_snap_m={max_snap_m:g} m of the road network (nearest "
            f"{f_snap.min():,.0f} m); check their CRS and location or raise max_snap_m."
        )
    usable = np.flatnonzero(f_on)
    t_max = float(thresholds[-1])
    label, dist = net.nearest_source(
        f_node[usable], max(t_max - turnout, 0.0) / factor, weight="time_s",
        closed_edges=closed_edges,
    )
    node_fac = np.where(label >= 0, usable[np.maximum(label, 0)], -1).astype(np.int64)
    node_time = np.where(label >= 0, turnout + dist * factor, np.inf)
    # compare in free-flow drive units (no rounding at the boundary); a threshold shorter than
    # the turnout reaches nobody
    raw_lim = np.where(thresholds >= turnout, (thresholds - turnout) / factor, -1.0)

    b_node, _, b_on = snap(net, population, name="population", max_snap_m=max_snap_m)
    b_raw = np.where(b_on, dist[b_node] if b_node.size else np.zeros(0), np.inf)
    b_time = turnout + b_raw * factor
    b_fac = np.where(b_on & np.isfinite(b_raw), node_fac[b_node] if b_node.size else 0, -1)

    c_node, c_snap, c_on = snap(net, centres, name="towns", max_snap_m=max_snap_m)
    c_raw = np.where(c_on, dist[c_node], np.inf)
    c_fac = np.where(c_on & np.isfinite(c_raw), node_fac[c_node], -1)

    town_ids = towns[town_col].to_numpy()
    b_town = population[town_col].to_numpy()
    town_pos = pd.Index(town_ids).get_indexer(b_town)
    unknown = town_pos < 0
    if unknown.any():
        raise DataError(
            f"population: column {town_col!r} holds values not in towns[{town_col!r}] at "
            f"{describe_rows(population.index[unknown])} (e.g. {b_town[unknown][0]!r}); "
            f"fix the ids or pass the matching towns."
        )
    n_t = len(towns)
    town_persons = np.bincount(town_pos, weights=persons, minlength=n_t)

    out_towns = towns.copy()
    out_towns["persons"] = town_persons
    out_towns["centre_time_s"] = turnout + c_raw * factor
    out_towns["centre_snap_m"] = c_snap
    out_towns["centre_node"] = c_node
    fac_labels = np.asarray(facilities.index, dtype=object)
    out_towns["nearest_facility"] = [fac_labels[k] if k >= 0 else None for k in c_fac]
    if town_col in facilities.columns:
        counts = facilities[town_col].value_counts()
        out_towns["facilities_inside"] = (
            pd.Series(town_ids).map(counts).fillna(0).astype(np.int64).to_numpy()
        )
    rows = []
    total = float(persons.sum())
    for t, lim in zip(thresholds, raw_lim, strict=True):
        lab = _minutes_label(t)
        b_in = b_raw <= lim
        c_in = c_raw <= lim
        reached_t = np.bincount(town_pos[b_in], weights=persons[b_in], minlength=n_t)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct_t = np.where(town_persons > 0, 100.0 * reached_t / town_persons, np.nan)
        out_towns[f"centre_reached_{lab}"] = c_in
        out_towns[f"persons_reached_pct_{lab}"] = pct_t
        p_reached = float(persons[b_in].sum())
        rows.append(
            {
                "threshold_s": float(t),
                "threshold_min": float(t) / 60.0,
                "persons_reached": p_reached,
                "persons_reached_pct": 100.0 * p_reached / total if total > 0 else np.nan,
                "towns_centre_reached": float(c_in.sum()),
                "towns_centre_reached_pct": 100.0 * c_in.sum() / max(n_t, 1),
                "towns_all_persons_reached": float(
                    ((reached_t >= town_persons) & (town_persons > 0)).sum()
                ),
            }
        )
    summary = pd.DataFrame(rows)

    out_fac = facilities.copy()
    out_fac["node"] = f_node
    out_fac["snap_distance_m"] = f_snap
    out_fac["on_network"] = f_on
    first = b_fac >= 0
    out_fac["persons_first"] = np.bincount(
        b_fac[first], weights=persons[first], minlength=len(facilities)
    )
    return StationCoverage(
        thresholds_s=tuple(float(t) for t in thresholds),
        congestion_factor=factor,
        summary=summary,
        towns=out_towns,
        facilities=out_fac,
        block_time_s=b_time,
        node_time_s=node_time,
        node_facility=node_fac,
        node_x=np.asarray(net.x),
        node_y=np.asarray(net.y),
        crs=net.crs,
        max_snap_m=float(max_snap_m),
        town_col=town_col,
        closed_edges=closed_edges,
        net=net,
        turnout_s=turnout,
    )


def _own_facility_time(result: StationCoverage, town_pos: np.ndarray) -> np.ndarray:
    """Response time [s] from the fastest facility located in each given town to its centre."""
    from jnrisk.rescue._common import time_matrix

    out = np.full(town_pos.size, np.inf)
    fac, t = result.facilities, result.towns
    if result.net is None or result.town_col not in fac.columns or town_pos.size == 0:
        return out
    f_town = fac[result.town_col].to_numpy()
    ids = t[result.town_col].to_numpy()[town_pos]
    f_sel = np.flatnonzero(np.isin(f_town, ids) & fac["on_network"].to_numpy())
    if f_sel.size == 0:
        return out
    ptr, col, tt = time_matrix(
        result.net, fac["node"].to_numpy()[f_sel], t["centre_node"].to_numpy()[town_pos],
        cutoff_s=max(max(result.thresholds_s) - result.turnout_s, 0.0),
        factor=result.congestion_factor, closed_edges=result.closed_edges,
    )
    row = np.repeat(np.arange(f_sel.size), np.diff(ptr))
    own = f_town[f_sel][row] == ids[col]
    np.minimum.at(out, col[own], tt[own] + result.turnout_s)
    return out


def towns_not_reached(result: StationCoverage, threshold_s: float = 900.0) -> pd.DataFrame:
    """Sub-districts whose centre is not reached within ``threshold_s``, with the reason.

    Reasons, checked in order: the centre is off the road network (snapped farther than
    ``max_snap_m``); no facility reaches it within the largest computed threshold (no road
    link, closed roads, or simply too far); the nearest facility needs more than
    ``threshold_s`` (its time and id given, plus whether the town has a facility of its own).

    Returns
    -------
    pandas.DataFrame
        On the towns' index: ``centre_time_min``, ``nearest_facility``, ``facilities_inside``
        (when known) and ``reason``. Empty when every centre is reached.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [600.0, 600.0], time_s=[200.0, 200.0],
    ...                            x=[0.0, 600.0, 1200.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    >>> st = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> pop = gpd.GeoDataFrame({"persons": [10, 30], "town_id": [1, 2]},
    ...                        geometry=[Point(600, 0), Point(1200, 0)], crs="EPSG:4548")
    >>> towns = gpd.GeoDataFrame({"town_id": [1, 2]},
    ...     geometry=[box(300, -300, 900, 300), box(900, -300, 1500, 300)], crs="EPSG:4548")
    >>> res = drive_time_coverage(net, st, pop, towns, thresholds_s=[300, 600])
    >>> towns_not_reached(res, threshold_s=300)["reason"].tolist()
    ['nearest facility (0) needs 7.7 min > 5 min (centre snapped 0 m to the road)']
    """
    thr = float(threshold_s)
    if thr > max(result.thresholds_s) * (1 + 1e-12):
        from jnrisk._errors import ConfigError

        raise ConfigError(
            f"threshold_s={thr:g} is larger than the largest threshold computed "
            f"({max(result.thresholds_s):g} s); re-run drive_time_coverage with it included."
        )
    t = result.towns
    time_s = t["centre_time_s"].to_numpy()
    bad = ~(time_s <= thr * (1 + 1e-12))
    inside = t["facilities_inside"].to_numpy() if "facilities_inside" in t.columns else None
    reasons = []
    bad_pos = np.flatnonzero(bad)
    own_time = dict(zip(bad_pos.tolist(), _own_facility_time(result, bad_pos), strict=True))
    for pos in bad_pos:
        snap_m = float(t["centre_snap_m"].iloc[pos])
        own = ""
        if inside is not None and inside[pos] == 0:
            own = "; the sub-district has no facility of its own"
        if snap_m > result.max_snap_m:
            reasons.append(
                f"centre is {snap_m:,.0f} m from the nearest road node (> max_snap_m "
                f"{result.max_snap_m:g} m): off the road network{own}"
            )
        elif not np.isfinite(time_s[pos]):
            reasons.append(
                f"no facility reaches the centre within {max(result.thresholds_s) / 60:g} min "
                f"(no road link from any facility, closed roads, or too far){own}"
            )
        else:
            if own == "" and inside is not None:
                ot = float(own_time[int(pos)])
                own = (
                    f"; its own facility needs {ot / 60:.1f} min" if np.isfinite(ot)
                    else f"; its own facility cannot reach it within "
                    f"{max(result.thresholds_s) / 60:g} min"
                )
            reasons.append(
                f"nearest facility ({t['nearest_facility'].iloc[pos]}) needs "
                f"{time_s[pos] / 60:.1f} min > {thr / 60:g} min{own} (centre snapped "
                f"{snap_m:,.0f} m to the road)"
            )
    out = pd.DataFrame(
        {
            "centre_time_min": time_s[bad] / 60.0,
            "nearest_facility": t["nearest_facility"].to_numpy()[bad],
        },
        index=t.index[bad],
    )
    for col in ("town_id", "name", "district"):
        if col in t.columns:
            out.insert(0, col, t[col].to_numpy()[bad])
    if inside is not None:
        out["facilities_inside"] = inside[bad]
    out["reason"] = pd.Series(reasons, index=out.index, dtype="str")
    return out


def service_area_polygons(
    node_x: Any,
    node_y: Any,
    node_time_s: Any,
    thresholds_s: Any,
    *,
    crs: Any = None,
    cell_m: float = 250.0,
    node_facility: Any = None,
):
    """Service-area polygons: the union of grid cells holding a node reached within T.

    Method: the plane is cut into ``cell_m`` x ``cell_m`` squares; a square belongs to the
    service area of threshold T when at least one road node inside it is reached within T;
    the squares are merged (``shapely.coverage_union_all``). This is robust (no hull spanning
    unreached valleys, unlike a convex hull) and fast; its edge is accurate to about one
    ``cell_m``. Areas are nested: the polygon of T contains that of every smaller threshold.

    Parameters
    ----------
    node_x, node_y : arrays of float
        Node coordinates [m].
    node_time_s : array of float
        Drive time [s] to each node (``inf`` if unreached).
    thresholds_s : sequence of float
        Increasing thresholds [s].
    crs : optional
        CRS of the output.
    cell_m : float
        Cell size [m] (> 0).
    node_facility : array of int, optional
        When given, one polygon per (threshold, facility) for the nodes each facility reaches
        first (a column ``facility`` holds the facility's row position).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``threshold_s``, ``threshold_min``, (``facility``), ``area_m2``, geometry;
        largest threshold first (draw order for maps).

    Examples
    --------
    >>> gdf = service_area_polygons([0.0, 300.0, 900.0], [0.0, 0.0, 0.0], [0.0, 200.0, 700.0],
    ...                             [300.0, 900.0], cell_m=100.0, crs="EPSG:4548")
    >>> gdf[["threshold_s", "area_m2"]].values.tolist()
    [[900.0, 30000.0], [300.0, 20000.0]]
    """
    import geopandas as gpd
    import shapely

    from jnrisk._errors import ConfigError

    thresholds = check_thresholds(thresholds_s)
    if not (np.isfinite(cell_m) and cell_m > 0):
        raise ConfigError(f"cell_m={cell_m!r}; it must be a cell size in metres > 0.")
    x = np.asarray(node_x, dtype=np.float64)
    y = np.asarray(node_y, dtype=np.float64)
    tt = np.asarray(node_time_s, dtype=np.float64)
    fac = None if node_facility is None else np.asarray(node_facility, dtype=np.int64)
    ix = np.floor(x / cell_m).astype(np.int64)
    iy = np.floor(y / cell_m).astype(np.int64)
    records = []
    for t in thresholds[::-1]:
        sel = tt <= t
        keys = [ix[sel], iy[sel]] if fac is None else [fac[sel], ix[sel], iy[sel]]
        if sel.any():
            uniq = np.unique(np.column_stack(keys), axis=0)
        else:
            uniq = np.zeros((0, len(keys)), dtype=np.int64)
        groups = [(None, uniq)] if fac is None else [
            (f, uniq[uniq[:, 0] == f, 1:]) for f in np.unique(uniq[:, 0])
        ]
        for f, cells in groups:
            if cells.shape[0] == 0:
                geom = shapely.Polygon()
            else:
                boxes = shapely.box(
                    cells[:, 0] * cell_m,
                    cells[:, 1] * cell_m,
                    (cells[:, 0] + 1) * cell_m,
                    (cells[:, 1] + 1) * cell_m,
                )
                geom = shapely.coverage_union_all(boxes)
            rec = {"threshold_s": float(t), "threshold_min": float(t) / 60.0}
            if fac is not None:
                rec["facility"] = int(f)
            rec["area_m2"] = float(shapely.area(geom))
            rec["geometry"] = geom
            records.append(rec)
    cols = ["threshold_s", "threshold_min"] + (["facility"] if fac is not None else [])
    cols += ["area_m2", "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(records, columns=cols), geometry="geometry", crs=crs)


def coverage_report(
    result: StationCoverage,
    *,
    threshold_s: float = RESPONSE_TARGETS["joint_rescue_station"].response_s,
) -> dict[str, Any]:
    """Plain-dict rescue-coverage section for reports (``jnrisk run``); no drawing or printing.

    Returns
    -------
    dict
        ``thresholds_min``, ``persons_reached_pct`` and ``towns_centre_reached`` per threshold,
        ``n_towns``, ``check_threshold_min`` (default: the joint rescue stations' target,
        15 min), ``all_towns_reached``, ``towns_not_reached`` (list of ``{"town",
        "centre_time_min", "reason"}``), ``turnout_s`` and ``congestion_factor`` of the run, and
        ``response_targets`` (:data:`RESPONSE_TARGETS`: the fire-station 5 min and the joint
        rescue stations' target, kept apart, with their sources).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 1], [1], [600.0], time_s=[200.0],
    ...                            x=[0.0, 600.0], y=[0.0, 0.0], crs="EPSG:4548")
    >>> st = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> pop = gpd.GeoDataFrame({"persons": [10], "town_id": [1]}, geometry=[Point(600, 0)],
    ...                        crs="EPSG:4548")
    >>> towns = gpd.GeoDataFrame({"town_id": [1]}, geometry=[box(300, -300, 900, 300)],
    ...                          crs="EPSG:4548")
    >>> rep = coverage_report(drive_time_coverage(net, st, pop, towns, thresholds_s=[300]),
    ...                       threshold_s=300)
    >>> rep["all_towns_reached"], rep["persons_reached_pct"], rep["turnout_s"]
    (True, [100.0], 60.0)
    >>> rep["response_targets"]["fire_station"]["response_min"]
    5.0
    """
    bad = towns_not_reached(result, threshold_s)
    s = result.summary
    label = result.town_col if result.town_col in bad.columns else None
    return {
        "thresholds_min": [float(t) / 60.0 for t in result.thresholds_s],
        "persons_reached_pct": [float(v) for v in s["persons_reached_pct"]],
        "towns_centre_reached": [int(v) for v in s["towns_centre_reached"]],
        "n_towns": int(len(result.towns)),
        "check_threshold_min": float(threshold_s) / 60.0,
        "turnout_s": float(result.turnout_s),
        "congestion_factor": float(result.congestion_factor),
        "response_targets": {
            k: {"response_min": t.response_s / 60.0, "turnout_s": t.turnout_s, "source": t.source}
            for k, t in RESPONSE_TARGETS.items()
        },
        "all_towns_reached": bool(len(bad) == 0),
        "towns_not_reached": [
            {
                "town": (bad[label].iloc[k] if label else bad.index[k]),
                "centre_time_min": float(bad["centre_time_min"].iloc[k]),
                "reason": str(bad["reason"].iloc[k]),
            }
            for k in range(len(bad))
        ],
    }
