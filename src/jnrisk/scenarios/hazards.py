"""Runners of the hazard scenario kinds on a city: ``quake``, ``flood``, ``fire``, ``rescue``.

The same runner serves notebooks (``jnrisk.scenarios.run(scenario, city)``), the CLI and the
batch engine. ``city`` may be a :class:`~jnrisk.scenarios.city.CityContext` (city + walk and
drive networks), a :class:`jnrisk.datasets.JinanCity` (its networks are built once and cached
for the process), or ``None`` (the bundled Jinan city, loaded once per process — what Dask
workers use); see :mod:`jnrisk.scenarios.city`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError
from jnrisk.scenarios.city import CityContext, city_context, load_jinan_context
from jnrisk.scenarios.config import FireParams, FloodParams, QuakeParams, RescueParams
from jnrisk.scenarios.registry import ScenarioResult, did_you_mean

__all__ = [
    "CityContext",
    "city_context",
    "closed_edge_positions",
    "load_jinan_context",
    "run_fire",
    "run_flood",
    "run_quake",
    "run_rescue",
]


def closed_edge_positions(roads: Any, network_changes: Any) -> np.ndarray:
    """Road row positions closed by a scenario (``closed_edges`` ids + ``closed_bridges`` names).

    ``closed_edges`` are values of the roads' ``edge_id`` column; ``closed_bridges`` are names of
    roads flagged ``bridge`` (e.g. ``"济南黄河大桥"``). Unknown ids or names raise
    :class:`ConfigError` listing what exists.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from jnrisk.scenarios import NetworkChanges
    >>> roads = gpd.GeoDataFrame({"edge_id": [10, 11, 12], "bridge": [False, True, False],
    ...                           "name": ["a", "济南黄河大桥", "b"]},
    ...                          geometry=[LineString([(0, 0), (1, 0)])] * 3, crs="EPSG:4548")
    >>> changes = NetworkChanges(closed_edges=[12], closed_bridges=["济南黄河大桥"])
    >>> closed_edge_positions(roads, changes).tolist()
    [1, 2]
    """
    pos: list[np.ndarray] = []
    if network_changes.closed_edges:
        ids = roads["edge_id"].to_numpy()
        want = np.asarray(network_changes.closed_edges, dtype=np.int64)
        hit = np.isin(ids, want)
        missing = sorted(set(want.tolist()) - set(ids[hit].tolist()))
        if missing:
            raise ConfigError(
                f"network.closed_edges: edge_id {missing[:5]} not in the roads (edge_id runs "
                f"{int(ids.min())}..{int(ids.max())})."
            )
        pos.append(np.flatnonzero(hit))
    if network_changes.closed_bridges:
        bridges = roads.loc[roads["bridge"].astype(bool), "name"].astype(str)
        names = sorted(set(bridges))
        for name in network_changes.closed_bridges:
            if name not in names:
                raise ConfigError(
                    f"network.closed_bridges: no bridge named {name!r}"
                    f"{did_you_mean(name, names)}; bridges: {names}."
                )
        rows = bridges.index[bridges.isin(network_changes.closed_bridges)]
        pos.append(roads.index.get_indexer(rows))
    if not pos:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(pos)).astype(np.int64)


def _point(lon: float, lat: float, crs: Any) -> tuple[float, float]:
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = tr.transform(lon, lat)
    return float(x), float(y)


def _shelters(city: Any, year: int) -> Any:
    sh = city.shelters
    return sh[sh["built_year"] <= year] if "built_year" in sh.columns else sh


def run_quake(scenario: Any, city: Any = None) -> ScenarioResult:
    """Earthquake: intensity, displaced persons and their exact allocation to usable shelters.

    Examples
    --------
    >>> from jnrisk.scenarios import Scenario
    >>> s = Scenario.from_dict({"name": "m6", "kind": "quake", "hazard": {
    ...     "epicentre_lon": 117.02, "epicentre_lat": 36.55, "magnitude": 6.0}})
    >>> run_quake(s).metrics["displaced_persons"]  # doctest: +SKIP
    """
    from jnrisk import quake
    from jnrisk.shelters import scenario_shelter_demand, shelter_capacity

    ctx = city_context(city)
    p: QuakeParams = scenario.hazard
    x, y = _point(p.epicentre_lon, p.epicentre_lat, ctx.city.population.crs)
    qs = quake.QuakeScenario(x, y, magnitude=p.magnitude,
                             fault_azimuth_deg=p.azimuth_deg, name=scenario.name)
    standard = (float(scenario.allocation.m2_per_person) if p.shelter_standard == "allocation"
                else p.shelter_standard)
    shelters = shelter_capacity(_shelters(ctx.city, scenario.inventory_year), standard=standard)
    blocks = quake.displaced_persons(ctx.city.population, qs)
    spread = blocks.attrs["displaced_persons_range"]
    usable = quake.shelter_usability(shelters, qs)
    if closed_edge_positions(ctx.city.roads, scenario.network).size:
        raise ConfigError(
            f"scenario {scenario.name!r}: road closures are not supported by kind 'quake' yet "
            f"(the shelter-demand walk uses the intact network); remove [network]."
        )
    demand = scenario_shelter_demand(blocks, usable, ctx.walk,
                                     max_walk_m=scenario.allocation.max_walk_m)
    tot = demand.by_district.select_dtypes("number").sum()
    b = demand.blocks
    metrics = {
        "max_intensity": float(b["intensity"].max()),
        "displaced_persons": int(tot.get("demand_persons", 0)),
        "displaced_persons_low": int(round(spread["low"])),
        "displaced_persons_high": int(round(spread["high"])),
        "served_persons": int(tot.get("served_persons", 0)),
        "unserved_persons": int(tot.get("unserved_persons", 0)),
        "unreachable_persons": int(tot.get("unreachable_persons", 0)),
        "unusable_shelters": int((~usable["usable"]).sum()),
        "usable_capacity_persons": int(usable.loc[usable["usable"], "capacity_persons"].sum()),
        "overflowing_shelters": int(demand.shelters["overflow"].sum()),
        "walk_person_m": float(demand.travel_person_m),
    }
    keep = [c for c in b.columns if not c.startswith("nearest_")]
    return ScenarioResult(
        metrics=metrics,
        tables={"by_district": demand.by_district},
        layers={"blocks": b.loc[b["demand_persons"] > 0, keep],
                "shelters": demand.shelters},
    )


#: Key villages this close to the final fire perimeter [m] are reported as reached (they sit on
#: non-burnable built-up cells, so "reached" means close enough to evacuate).
FIRE_VILLAGE_BUFFER_M = 500.0


def run_fire(scenario: Any, city: Any = None) -> ScenarioResult:
    """Forest fire: the day's FFMC sets fine-fuel moisture; spread from the ignition.

    Examples
    --------
    >>> from jnrisk.scenarios import Scenario
    >>> s = Scenario.from_dict({"name": "south hills", "kind": "fire", "hazard": {
    ...     "ignition_lon": 117.05, "ignition_lat": 36.55, "temperature_c": 18,
    ...     "relative_humidity_pct": 22, "wind_speed_kmh": 30, "wind_from_deg": 315}})
    >>> run_fire(s).metrics["burned_area_m2"]  # doctest: +SKIP
    """
    import xarray as xr

    from jnrisk.fire import FuelMoisture, arrival_time, fwi, moisture_from_ffmc, perimeters

    ctx = city_context(city)
    p: FireParams = scenario.hazard
    x, y = _point(p.ignition_lon, p.ignition_lat, ctx.city.landcover.rio.crs)
    day = pd.DatetimeIndex(["2024-04-15"])  # a spring day: month sets day length only
    one = {k: xr.DataArray([v], dims="time", coords={"time": day})
           for k, v in dict(t=p.temperature_c, rh=p.relative_humidity_pct,
                            w=p.wind_speed_kmh, r=p.rain_24h_mm).items()}
    idx = fwi(one["t"], one["rh"], one["w"], one["r"], lat=p.ignition_lat)
    ffmc = float(idx["ffmc"].values[-1])
    moisture = FuelMoisture(dead_1h_pct=max(moisture_from_ffmc(ffmc), 2.0))
    half = max(5_000.0, p.wind_speed_kmh / 3.6 * p.duration_min * 60.0 * 0.6 + 5_000.0)
    half = min(half, 40_000.0)
    win = dict(x=slice(x - half, x + half), y=slice(y + half, y - half))
    lc, dem = ctx.city.landcover.sel(**win), ctx.city.dem.sel(**win)
    arrival = arrival_time(lc, np.array([[x, y]]), dem=dem, wind_kmh=p.wind_speed_kmh,
                           wind_from_deg=p.wind_from_deg, moisture=moisture,
                           max_time_min=p.duration_min)
    times = [t for t in (60.0, 120.0, 240.0, p.duration_min) if t <= p.duration_min]
    per = perimeters(arrival, sorted(set(times)))
    final = per.loc[per["time_min"] == p.duration_min].geometry.union_all()
    vil = ctx.city.villages
    reached = (vil[vil.within(final.buffer(FIRE_VILLAGE_BUFFER_M))] if not final.is_empty
               else vil.iloc[0:0])
    metrics = {
        "ffmc": ffmc,
        "isi": float(idx["isi"].values[-1]),
        "fine_fuel_moisture_pct": moisture.dead_1h_pct,
        "burned_area_m2": float(per.loc[per["time_min"] == p.duration_min, "area_m2"].sum()),
        "villages_reached": len(reached),
        "village_persons_reached": int(reached["persons"].sum()) if len(reached) else 0,
    }
    return ScenarioResult(metrics=metrics, layers={"perimeters": per, "villages": reached},
                          rasters={"arrival_min": arrival})


def run_rescue(scenario: Any, city: Any = None) -> ScenarioResult:
    """Rescue dispatch: the fastest teams to one incident, with scenario road closures.

    Examples
    --------
    >>> from jnrisk.scenarios import Scenario
    >>> s = Scenario.from_dict({"name": "collapse", "kind": "rescue",
    ...                         "hazard": {"incident_lon": 117.0, "incident_lat": 36.67}})
    >>> run_rescue(s).metrics["first_eta_s"]  # doctest: +SKIP
    """
    import geopandas as gpd
    from shapely.geometry import Point

    from jnrisk.rescue import CONGESTION_FACTOR_BY_PERIOD, fastest_teams

    ctx = city_context(city)
    p: RescueParams = scenario.hazard
    crs = ctx.city.teams.crs
    incident = gpd.GeoDataFrame(geometry=[Point(*_point(p.incident_lon, p.incident_lat, crs))],
                                crs=crs)
    closed = closed_edge_positions(ctx.city.roads, scenario.network)
    teams = fastest_teams(ctx.drive, incident, ctx.city.teams, k=p.teams_required,
                          closed_edges=closed if closed.size else None,
                          congestion=p.period, turnout_s=p.turnout_s)
    eta = teams["eta_s"].to_numpy(dtype=float) if len(teams) else np.array([np.inf])
    metrics = {
        "teams_found": len(teams),
        "first_eta_s": float(eta.min()),
        "last_eta_s": float(eta.max()),
        "members": int(teams["members"].sum()) if len(teams) else 0,
        "within_target": bool(len(teams) >= p.teams_required and eta.max() <= p.max_response_s),
        "turnout_s": float(p.turnout_s),
        "congestion_factor": float(CONGESTION_FACTOR_BY_PERIOD[p.period]),
    }
    return ScenarioResult(metrics=metrics, tables={"teams": pd.DataFrame(teams.drop(
        columns="geometry", errors="ignore"))})


def _base_allocation(ctx: CityContext, shelters: Any, max_walk_m: float) -> Any:
    """Allocate everyone on the intact network, cached per context (flood re-runs warm-start)."""
    from jnrisk.allocation import allocate_shelters

    key = ("allocation", tuple(shelters.index), float(max_walk_m))
    with ctx._lock:
        hit = ctx.cache.get(key)
    if hit is None:
        hit = allocate_shelters(ctx.city.population, shelters, ctx.walk, max_walk_m=max_walk_m)
        with ctx._lock:
            ctx.cache[key] = hit
    return hit


def run_flood(scenario: Any, city: Any = None) -> ScenarioResult:
    """Urban waterlogging under a design storm and its effect on walking evacuation.

    Chicago hyetograph from the storm formula (the Jinan placeholder, NOT verified: see
    ``jnrisk.flood.JINAN_PLACEHOLDER_UNVERIFIED``) -> SCS-CN runoff per cell and step, less
    what the storm sewers carry (design return period per district) -> DEM conditioned so
    that unmapped pits deeper than the plausibility limit are not lakes -> fill-and-spill
    ponding -> hot spots touching roads, ranked by exposure (residents, roads by class,
    shelters and rescue stations within reach, depth as one factor) and checked against the
    mapped waterlogging sites -> roads closed to pedestrians (> 0.5 m) and vehicles (> 0.3 m)
    -> the shelter allocation re-solved with the pedestrian closures (warm start from the
    intact-network optimum) -> 34 monitoring sites.

    Examples
    --------
    >>> from jnrisk.scenarios import Scenario
    >>> s = Scenario.from_dict({"name": "storm", "kind": "flood",
    ...                         "hazard": {"return_period_yr": 50, "duration_min": 120}})
    >>> run_flood(s).metrics["ponded_m3"]  # doctest: +SKIP
    """
    from jnrisk.allocation import allocate_shelters
    from jnrisk.flood import (
        JINAN_PLACEHOLDER_UNVERIFIED,
        chicago_hyetograph,
        condition_dem,
        drainage_capacity,
        excess_runoff,
        implausible_depths,
        jinan_pipe_return_periods,
        monitoring_sites,
        ponding_depth,
        road_closures,
        site_agreement,
        waterlogging_hotspots,
    )

    ctx = city_context(city)
    p: FloodParams = scenario.hazard
    c = ctx.city
    formula = JINAN_PLACEHOLDER_UNVERIFIED
    storm = chicago_hyetograph(formula, p.return_period_yr, p.duration_min,
                               peak_ratio=p.peak_ratio)
    periods = jinan_pipe_return_periods(p.pipe_return_period_central_yr,
                                        p.pipe_return_period_other_yr)
    sewer = drainage_capacity(c.landcover, formula, return_period_yr=periods,
                              districts=c.districts, district_col="name_en",
                              design_duration_min=p.pipe_design_duration_min)
    runoff = excess_runoff(storm, c.landcover, sewer.fillna(0.0))
    dem = condition_dem(c.dem, mapped=c.depressions, max_depth_m=p.plausible_depth_m)
    pond = ponding_depth(dem.dem, runoff.fillna(0.0))
    depth = pond.depth_m
    artefact = implausible_depths(depth, mapped=dem.mapped_depressions,
                                  limit_m=p.plausible_depth_m)
    shelters = _shelters(c, scenario.inventory_year)
    hs = waterlogging_hotspots(depth, c.roads, c.population, mapped=dem.mapped_depressions,
                               facilities={"shelters": shelters, "stations": c.stations},
                               plausible_depth_m=p.plausible_depth_m)
    sites = site_agreement(hs, c.depressions, top_n=10, radius_m=500.0)
    ped = road_closures(depth, c.roads, mode="pedestrians").to_numpy()
    veh = road_closures(depth, c.roads, mode="vehicles").to_numpy()
    extra = closed_edge_positions(c.roads, scenario.network)
    closed = ped.copy()
    closed[extra] = True

    walk_m = scenario.allocation.max_walk_m
    base = _base_allocation(ctx, shelters, walk_m)
    after = allocate_shelters(c.population, shelters, ctx.walk, max_walk_m=walk_m,
                              closed_edges=np.flatnonzero(closed), warm_start=base)
    sb, sa = base.summary(), after.summary()
    plan = monitoring_sites(hs, k=34) if len(hs.points) else None
    top = hs.polygons.iloc[0] if len(hs.polygons) else None
    cell_m2 = abs(float(np.prod(c.dem.rio.resolution())))
    metrics = {
        "storm_total_mm": float(storm.total_mm),
        "sewer_drained_m3": float(runoff.attrs["drained_mm_mean"] / 1000.0 * cell_m2
                                  * int(np.isfinite(runoff.values).sum())),
        "runoff_m3": float(pond.runoff_m3),
        "ponded_m3": float(pond.ponded_m3),
        "outflow_m3": float(pond.outflow_m3),
        "dem_pits_filled": int(dem.depressions["artefact"].sum()),
        "dem_pit_volume_filled_m3": dem.removed_volume_m3,
        "dem_artefact_cells": int(artefact.values.sum()),
        "max_depth_m": float(np.nanmax(depth.values)),
        "hotspots": len(hs.polygons),
        "hotspot_persons": int(hs.polygons["persons"].sum()) if len(hs.polygons) else 0,
        "top_hotspot_score": float(top["exposure_score"]) if top is not None else 0.0,
        "top_hotspot_max_depth_m": float(top["max_depth_m"]) if top is not None else 0.0,
        "top_hotspot_persons": int(top["persons"]) if top is not None else 0,
        "top10_hotspots_near_mapped_site": sites.top_near_site,
        "mapped_sites": sites.sites,
        "mapped_sites_near_hotspot": sites.sites_near_hotspot,
        "hotspot_ranking": hs.ranking,
        "roads_closed_vehicles": int(veh.sum()),
        "roads_closed_pedestrians": int(ped.sum()),
        "unserved_persons_before": int(sb["unserved_persons"]),
        "unserved_persons_after": int(sa["unserved_persons"]),
        "mean_walk_m_before": float(sb.get("mean_walk_m", np.nan)),
        "mean_walk_m_after": float(sa.get("mean_walk_m", np.nan)),
        "monitoring_persons_covered_pct": (
            100.0 * plan.covered_persons / plan.total_persons
            if plan is not None and plan.total_persons else 0.0),
        "uniform_persons_covered_pct": (
            100.0 * plan.uniform_persons / plan.total_persons
            if plan is not None and plan.total_persons else 0.0),
    }
    roads = c.roads
    layers = {
        "hotspots": hs.polygons,
        "hotspot_points": hs.points,
        "closed_roads": roads.loc[veh | ped, ["edge_id", "name", "road_class", "geometry"]].assign(
            closed_vehicles=veh[veh | ped], closed_pedestrians=ped[veh | ped]),
    }
    if plan is not None:
        layers["monitoring_sites"] = plan.sites
    hy = pd.DataFrame({"minute": np.arange(storm.rain_mm.size) * storm.dt_min,
                       "rain_mm": np.asarray(storm.rain_mm)})
    return ScenarioResult(metrics=metrics, tables={"hyetograph": hy},
                          layers=layers, rasters={"depth_m": depth})
