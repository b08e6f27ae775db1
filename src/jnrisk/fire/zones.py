"""Key fire-prevention zones: risk ranking of forest units and "one mountain, one plan" pages.

A forest unit (one mountain or forest block, docs/references.md#forest-unit-ranking) is ranked from its fuel load, slope,
danger level, the people its fire could reach within a horizon (minimum-travel-time spread from
an ignition inside it under a design weather day, :func:`jnrisk.fire.arrival_time`) and the
access time of the nearest fire-fighting force. The weights are planning choices, not a
standard: they are arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from jnrisk._errors import ConfigError, DataError, ResourceError
from jnrisk._validate import (
    check_aligned,
    finite_coordinates,
    non_negative_values,
    real_number,
    require_columns,
    same_crs,
    unique_index,
    unique_values,
    valid_geometry,
    whole_number,
)
from jnrisk.fire.spread import (
    DEFAULT_FUEL_MAP,
    DESIGN_MOISTURE,
    FUEL_MODELS,
    FuelMoisture,
    _dem_values,
    _gradient,
    arrival_time,
    spread_rates,
)

__all__ = ["DEFAULT_RANK_WEIGHTS", "UnitRanking", "rank_units", "write_unit_plans"]

#: Weights of the normalised components of the risk score [design, adjustable].
DEFAULT_RANK_WEIGHTS: dict[str, float] = {
    "fuel": 0.2,
    "slope": 0.15,
    "danger": 0.15,
    "spread": 0.3,
    "access": 0.2,
}
#: Road travel to a forest unit: straight distance x detour factor at this speed [M].
ACCESS_SPEED_KMH = 30.0
ACCESS_DETOUR = 1.4

_LB_FT2_TO_KG_M2 = 0.45359237 / 0.3048**2


@dataclass(frozen=True)
class UnitRanking:
    """Result of :func:`rank_units`.

    ``table`` is a copy of the units (index kept) with the component columns, ``risk_score``
    (0-1) and ``risk_rank`` (1 = highest risk), sorted by rank. ``villages`` lists, for each
    unit id, the village rows reached within the horizon with their arrival time.
    """

    table: Any
    villages: Any
    horizon_min: float
    weights: dict[str, float]

    def to_geodataframe(self) -> Any:
        """Return a copy of the ranked units table (a GeoDataFrame)."""
        return self.table.copy()


def _road_access(network: Any, fire_forces: Any, units: Any, access_speed_kmh: float):
    """Per unit: (minutes from the fastest force by road + straight leg, force position)."""
    import geopandas as gpd

    from jnrisk.network import snap_points

    if network.time_s is None:
        raise ConfigError("rank_units: network has no time_s; build it with mode='drive'.")
    forces = snap_points(network, fire_forces, max_snap_m=5_000.0, on_far="ignore")
    pts = gpd.GeoDataFrame(geometry=units.geometry.representative_point(), crs=units.crs)
    unit_snap = snap_points(network, pts, max_snap_m=50_000.0, on_far="ignore")
    nearest, t_s = network.nearest_source(forces.node, weight="time_s")
    leg_min = (forces.snap_distance_m[np.maximum(nearest[unit_snap.node], 0)]
               + unit_snap.snap_distance_m) / (access_speed_kmh / 0.06)
    minutes = t_s[unit_snap.node] / 60.0 + leg_min
    minutes = np.where(nearest[unit_snap.node] >= 0, minutes, np.inf)
    return minutes, nearest[unit_snap.node]


def _check_rank_layers(units, villages, fire_forces, unit_id_col: str, persons_col: str) -> None:
    """Check the three layers of :func:`rank_units` (type, index, coordinates, columns, shapes)."""
    for name, gdf in (("units", units), ("villages", villages), ("fire_forces", fire_forces)):
        if not hasattr(gdf, "geometry"):
            raise ConfigError(
                f"rank_units: {name} must be a GeoDataFrame, got {type(gdf).__name__}."
            )
        unique_index(gdf, name=name)
        finite_coordinates(gdf, name=name)
    require_columns(units, [unit_id_col], name="units")
    unique_values(units, unit_id_col, name="units")
    non_negative_values(villages, persons_col, name="villages")
    valid_geometry(units, name="units", geom_types=["Polygon", "MultiPolygon"])
    valid_geometry(villages, name="villages", geom_types=["Point"])
    valid_geometry(fire_forces, name="fire_forces", geom_types=["Point"])


def _rank_weights(weights: Any) -> dict[str, float]:
    """Check the ranking weights and return all of them, summing to 1 (missing ones are 0)."""
    if not isinstance(weights, Mapping):
        raise ConfigError(
            f"rank_units: weights must be a dict, e.g. {DEFAULT_RANK_WEIGHTS}, got {weights!r}."
        )
    unknown = sorted(set(weights) - set(DEFAULT_RANK_WEIGHTS), key=str)
    if unknown:
        raise ConfigError(
            f"rank_units: unknown weight(s) {unknown}; allowed {sorted(DEFAULT_RANK_WEIGHTS)}."
        )
    weights = {k: real_number(f"rank_units: weights[{k!r}]", v, ge=0.0)
               for k, v in weights.items()}  # fmt: skip
    total = sum(weights.values())
    if total <= 0:
        raise ConfigError(f"rank_units: weights must have a positive sum, got {weights}.")
    return {k: float(weights.get(k, 0.0)) / total for k in DEFAULT_RANK_WEIGHTS}


def _fuel_load_kg_m2(fuel: np.ndarray) -> np.ndarray:
    """Return the total fuel load [kg/m²] of each cell's fuel model (0 where unburnable)."""
    load = np.zeros(fuel.shape)
    for code in np.unique(fuel[fuel > 0]).tolist():
        fm = FUEL_MODELS[code]
        load[fuel == code] = (fm.w_1h + fm.w_10h + fm.w_100h + fm.w_herb + fm.w_woody) * (
            _LB_FT2_TO_KG_M2
        )
    return load


def _reached_villages(reached_rows: list[dict], villages: Any, unit_id_col: str) -> Any:
    """Return the villages reached per unit, with arrival time, as a GeoDataFrame."""
    import geopandas as gpd

    reached = pd.DataFrame(reached_rows, columns=[unit_id_col, "village_index", "arrival_min"])
    if not len(reached):
        return gpd.GeoDataFrame(reached, geometry=[], crs=villages.crs)
    vv = villages.loc[reached["village_index"]].reset_index(drop=True)
    return gpd.GeoDataFrame(pd.concat([reached.reset_index(drop=True),
                                       vv.drop(columns=[c for c in vv.columns
                                                        if c == unit_id_col])], axis=1),
                            geometry="geometry", crs=villages.crs)  # fmt: skip


def _risk_score(comp: pd.DataFrame, w: Mapping[str, float]) -> pd.Series:
    """Return the weighted risk score (0-1) of each unit from its component columns."""

    def norm(s: pd.Series) -> pd.Series:
        m = float(s.max())
        return s / m if m > 0 else s * 0.0

    return (
        w["fuel"] * norm(comp["fuel_load_kg_m2"])
        + w["slope"] * norm(comp["mean_slope_pct"])
        + w["danger"] * comp["danger_level"] / 5.0
        + w["spread"] * norm(np.log1p(comp["persons_reached"]))
        + w["access"] * norm(comp["access_time_min"])
    )


def rank_units(  # noqa: PLR0913  keyword-only weather, weighting and column options
    units: Any,
    landcover: xr.DataArray,
    dem: xr.DataArray,
    *,
    villages: Any,
    fire_forces: Any,
    danger_level: int | Mapping[Any, int] = 4,
    wind_kmh: float = 20.0,
    wind_from_deg: float = 315.0,
    moisture: FuelMoisture = DESIGN_MOISTURE,
    fuel_map: Mapping[int, int | None] = DEFAULT_FUEL_MAP,
    horizon_min: float = 120.0,
    weights: Mapping[str, float] = DEFAULT_RANK_WEIGHTS,
    unit_id_col: str = "unit_id",
    persons_col: str = "persons",
    access_speed_kmh: float = ACCESS_SPEED_KMH,
    access_detour: float = ACCESS_DETOUR,
    network: Any = None,
) -> UnitRanking:
    """Rank forest units by fire risk.

    Components (each scaled to 0-1 by its maximum over the units): mean fuel load (kg/m², from
    the fuel model of each cell), mean slope (%), danger level (1-5), persons in villages the
    fire reaches within ``horizon_min`` from an ignition at the unit's burnable cell nearest to
    its representative point (design day: ``wind_kmh`` from ``wind_from_deg``, ``moisture``),
    and access time of the nearest fire force: with ``network`` (a drive
    :class:`jnrisk.network.RoadNetwork` with ``time_s``), the drive time from the fastest force
    to the road node nearest the unit's representative point plus the straight leg from that
    node at ``access_speed_kmh``; without it, straight distance x ``access_detour`` at
    ``access_speed_kmh`` (an approximation of road travel [M]).

    A village counts as reached when the fire arrives, within ``horizon_min``, at its cell or
    one of the 8 cells around it: villages are built-up (non-burnable) islands, so the fire
    reaches their edge, not their centre cell.

    Parameters
    ----------
    units
        Forest units (Polygons) with ``unit_id_col``; same metric CRS as the rasters.
    landcover, dem
        Land-cover codes and elevation (m) on one grid (metric CRS).
    villages
        Village Points with ``persons_col``.
    fire_forces
        Fire-fighting force Points.
    danger_level
        Design danger level (1-5), one for all units or a mapping unit id -> level.
    wind_kmh, wind_from_deg, moisture, fuel_map
        Design weather and fuels, as in :func:`jnrisk.fire.spread_rates`.
    horizon_min
        Spread horizon (min), default 2 hours.
    weights
        Component weights (keys ``fuel, slope, danger, spread, access``); normalised to sum 1.
    network
        Optional drive network for road access times (same CRS); ``None`` = straight line.

    Returns
    -------
    UnitRanking

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import Point, box
    >>> lc = xr.DataArray(np.full((41, 41), 5), dims=("y", "x"),
    ...                   coords={"y": np.arange(40, -1, -1) * 30.0, "x": np.arange(41) * 30.0}
    ...                   ).rio.write_crs("EPSG:4548")
    >>> units = gpd.GeoDataFrame({"unit_id": [1, 2]}, crs="EPSG:4548",
    ...                          geometry=[box(0, 0, 600, 1200), box(600, 0, 1200, 1200)])
    >>> villages = gpd.GeoDataFrame({"persons": [200]}, geometry=[Point(1100, 600)], crs="EPSG:4548")
    >>> forces = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> rk = rank_units(units, lc, lc.copy(data=np.zeros((41, 41))), villages=villages,
    ...                 fire_forces=forces, wind_kmh=20.0, wind_from_deg=270.0)
    >>> rk.table[["unit_id", "risk_rank"]].values.tolist()  # unit 2: farther from the force
    [[2, 1], [1, 2]]
    """
    import rasterio.features
    from scipy.ndimage import minimum_filter

    _check_rank_layers(units, villages, fire_forces, unit_id_col, persons_col)
    grid = check_aligned("landcover", landcover, "dem", dem)
    same_crs(landcover=landcover, units=units, villages=villages, fire_forces=fire_forces)
    horizon_min = real_number("rank_units: horizon_min", horizon_min, gt=0.0, le=10_080.0,
                              unit="min")  # fmt: skip
    access_speed_kmh = real_number("rank_units: access_speed_kmh", access_speed_kmh, gt=0.0,
                                   le=300.0, unit="km/h")  # fmt: skip
    access_detour = real_number("rank_units: access_detour", access_detour, ge=1.0, le=10.0)
    if not isinstance(danger_level, Mapping):
        danger_level = whole_number("rank_units: danger_level", danger_level, ge=1, le=5)
    w = _rank_weights(weights)
    if len(fire_forces) == 0:
        raise DataError("rank_units: fire_forces is empty; access time needs at least one force.")

    rates = spread_rates(landcover, dem, wind_kmh=wind_kmh, wind_from_deg=wind_from_deg,
                         moisture=moisture, fuel_map=fuel_map)  # fmt: skip
    fuel = rates["fuel_model"].values
    load = _fuel_load_kg_m2(fuel)
    transform, dx, dy = grid.transform, grid.dx, grid.dy
    gx, gy = _gradient(_dem_values(dem), dx, dy)
    slope_pct = 100.0 * np.hypot(gx, gy)
    ids = units[unit_id_col].tolist()
    shapes = [(geom, i + 1) for i, geom in enumerate(units.geometry)]
    label = rasterio.features.rasterize(shapes, out_shape=fuel.shape, transform=transform,
                                        fill=0, dtype="int32")  # fmt: skip
    xs = landcover[landcover.dims[1]].values
    ys = landcover[landcover.dims[0]].values
    v_col = np.clip(np.floor((villages.geometry.x.to_numpy() - xs[0]) / dx + 0.5), 0,
                    len(xs) - 1).astype(int)  # fmt: skip
    v_row = np.clip(np.floor((villages.geometry.y.to_numpy() - ys[0]) / dy + 0.5), 0,
                    len(ys) - 1).astype(int)  # fmt: skip
    persons = villages[persons_col].to_numpy(dtype=np.float64)
    fx = fire_forces.geometry.x.to_numpy()
    fy = fire_forces.geometry.y.to_numpy()
    road_access = None
    if network is not None:
        road_access = _road_access(network, fire_forces, units, access_speed_kmh)

    rows = []
    reached_rows = []
    for k, (idx, unit) in enumerate(units.iterrows()):
        mask = label == k + 1
        n_cells = int(mask.sum())
        uid = ids[k]
        level = danger_level.get(uid, 3) if isinstance(danger_level, Mapping) else danger_level
        level = whole_number(f"rank_units: danger_level of unit {uid!r}", level, ge=1, le=5)
        rec: dict[str, Any] = {"_index": idx, "cells": n_cells, "danger_level": level}
        burn = mask & (fuel > 0)
        rec["burnable_pct"] = 100.0 * burn.sum() / n_cells if n_cells else 0.0
        rec["fuel_load_kg_m2"] = float(load[mask].mean()) if n_cells else 0.0
        rec["mean_slope_pct"] = float(slope_pct[mask].mean()) if n_cells else 0.0
        p = unit.geometry.representative_point()
        d_force = np.hypot(fx - p.x, fy - p.y)
        j = int(np.argmin(d_force))
        rec["nearest_force"] = fire_forces.index[j]
        rec["force_distance_m"] = float(d_force[j])
        rec["access_time_min"] = float(d_force[j]) * access_detour / (access_speed_kmh / 0.06)
        if road_access is not None and np.isfinite(road_access[0][k]):
            rec["nearest_force"] = fire_forces.index[int(road_access[1][k])]
            rec["access_time_min"] = float(road_access[0][k])
        rec["persons_reached"] = 0.0
        rec["villages_reached"] = 0
        rec["ignition_x"] = rec["ignition_y"] = np.nan
        if burn.any():
            br, bc = np.nonzero(burn)
            pick = int(np.argmin((xs[bc] - p.x) ** 2 + (ys[br] - p.y) ** 2))
            ix, iy = float(xs[bc[pick]]), float(ys[br[pick]])
            rec["ignition_x"], rec["ignition_y"] = ix, iy
            arr = arrival_time(landcover, [(ix, iy)], rates=rates, max_time_min=horizon_min)
            a = arr.values
            edge = minimum_filter(np.where(np.isfinite(a), a, np.inf), size=3, mode="nearest")
            t_v = edge[v_row, v_col]
            hit = np.isfinite(t_v) & (t_v <= horizon_min)
            rec["persons_reached"] = float(persons[hit].sum())
            rec["villages_reached"] = int(hit.sum())
            for vi in np.flatnonzero(hit):
                reached_rows.append({unit_id_col: uid, "village_index": villages.index[vi],
                                     "arrival_min": float(t_v[vi])})  # fmt: skip
        rows.append(rec)
    comp = pd.DataFrame(rows).set_index("_index")
    comp.index.name = units.index.name
    score = _risk_score(comp, w)
    table = units.copy()
    for col in comp.columns:
        table[col] = comp[col].to_numpy()
    table["risk_score"] = score.to_numpy()
    table["risk_rank"] = table["risk_score"].rank(ascending=False, method="first").astype(int)
    table = table.sort_values("risk_rank")
    reached = _reached_villages(reached_rows, villages, unit_id_col)
    return UnitRanking(table=table, villages=reached, horizon_min=float(horizon_min), weights=w)


def _evacuations(ranking: UnitRanking, shelters: Any, network: Any, unit_id_col: str,
                 max_m: float) -> dict[Any, Any]:
    """Exact allocation of each unit's villages at risk to shelters (one solve per unit)."""
    from jnrisk.allocation import allocate_shelters

    out = {}
    vil = ranking.villages
    for uid, group in vil.groupby(unit_id_col):
        zone = group.geometry.union_all().buffer(max_m)
        near = shelters[shelters.intersects(zone)]
        pts = group.drop(columns=["village_index", "arrival_min"], errors="ignore")
        if "name" in pts and pts["name"].is_unique:
            pts.index = pd.Index(pts["name"], name="village")
        if len(near) == 0:
            out[uid] = int(pts["persons"].sum())  # nobody can be placed within max_m
            continue
        out[uid] = allocate_shelters(pts, near, network, max_walk_m=max_m,
                                     max_snap_m=max_m)  # fmt: skip
    return out


def _evacuation_lines(res: Any, shelters: Any, max_m: float) -> list[str]:
    head = ["", "## Evacuation of the villages at risk (exact allocation)", ""]
    if isinstance(res, int):
        return head + [f"No shelter within {max_m / 1000:.0f} km: all {res:,} persons need "
                       f"transport to a farther shelter (plan vehicles)."]
    s = res.summary()
    lines = head + [
             f"{s['served_persons']:,} of {s['total_persons']:,} persons placed in shelters "
             f"within {max_m / 1000:.0f} km on the road network; {s['unserved_persons']:,} "
             f"without a place.", ""]
    if len(res.flows):
        lines += ["| village | shelter | persons | distance (km) |", "| --- | --- | --- | --- |"]
        for _, f in res.flows.sort_values("walk_m").iterrows():
            name = shelters.loc[f["shelter"]].get("name", f["shelter"])
            lines.append(f"| {f['block']} | {name} | {int(f['persons']):,} | "
                         f"{f['walk_m'] / 1000:.1f} |")  # fmt: skip
    return lines


def write_unit_plans(  # noqa: PLR0913  keyword-only layers and column names
    ranking: UnitRanking,
    out_dir: str | Path,
    *,
    water_points: Any,
    fire_forces: Any,
    unit_id_col: str = "unit_id",
    name_col: str = "name",
    top: int | None = None,
    shelters: Any = None,
    walk_network: Any = None,
    max_evacuation_m: float = 15_000.0,
) -> list[Path]:
    """Write "one mountain, one forest, one plan" records: a GeoPackage and a Markdown page each.

    ``out_dir/fire_plans.gpkg`` gets layers ``units`` (the ranked table), ``villages_at_risk``
    (villages reached within the horizon) and ``water_points``; ``out_dir/unit_<id>.md`` is one
    readable page per unit (extent, fuel, danger, access, nearest water points, villages at
    risk). With ``shelters`` and ``walk_network``, each plan also evacuates its villages at
    risk to shelters with the exact allocation (:func:`jnrisk.allocation.allocate_shelters`,
    up to ``max_evacuation_m`` on the network; capacity from ``capacity_persons`` or
    ``effective_area_m2`` / 2 m²): a table per page and a GeoPackage layer
    ``evacuation`` (village -> shelter flows).

    Returns
    -------
    list of pathlib.Path
        The files written (GeoPackage first).

    Examples
    --------
    >>> import tempfile
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import Point, box
    >>> lc = xr.DataArray(np.full((41, 41), 5), dims=("y", "x"),
    ...                   coords={"y": np.arange(40, -1, -1) * 30.0, "x": np.arange(41) * 30.0}
    ...                   ).rio.write_crs("EPSG:4548")
    >>> units = gpd.GeoDataFrame({"unit_id": [1, 2]}, crs="EPSG:4548",
    ...                          geometry=[box(0, 0, 600, 1200), box(600, 0, 1200, 1200)])
    >>> villages = gpd.GeoDataFrame({"persons": [200]}, geometry=[Point(1100, 600)], crs="EPSG:4548")
    >>> forces = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> water = gpd.GeoDataFrame({"volume_m3": [500.0]}, geometry=[Point(300, 300)], crs="EPSG:4548")
    >>> rk = rank_units(units, lc, lc.copy(data=np.zeros((41, 41))), villages=villages,
    ...                 fire_forces=forces)
    >>> files = write_unit_plans(rk, tempfile.mkdtemp(), water_points=water, fire_forces=forces)
    >>> [f.name for f in files]
    ['fire_plans.gpkg', 'unit_2.md', 'unit_1.md']
    """
    if not isinstance(ranking, UnitRanking):
        raise ConfigError(
            f"write_unit_plans: ranking must be the UnitRanking rank_units() returns, got "
            f"{type(ranking).__name__}."
        )
    if not isinstance(out_dir, (str, Path)):
        raise ConfigError(f"write_unit_plans: out_dir must be a folder path, got {out_dir!r}.")
    if top is not None:
        top = whole_number("write_unit_plans: top", top, ge=1)
    max_evacuation_m = real_number("write_unit_plans: max_evacuation_m", max_evacuation_m,
                                   gt=0.0, le=100_000.0, unit="m")  # fmt: skip
    for name, gdf in (("water_points", water_points), ("fire_forces", fire_forces)):
        if not hasattr(gdf, "geometry"):
            raise ConfigError(
                f"write_unit_plans: {name} must be a GeoDataFrame, got {type(gdf).__name__}."
            )
        unique_index(gdf, name=name)
        finite_coordinates(gdf, name=name)
    if len(water_points) == 0:
        raise DataError("write_unit_plans: water_points is empty; each plan lists the nearest.")
    same_crs(units=ranking.table, water_points=water_points, fire_forces=fire_forces)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ResourceError(
            f"write_unit_plans: cannot create {str(out)!r} ({exc.strerror or exc}); choose "
            f"another out_dir or fix its permissions."
        ) from None
    table = ranking.table if top is None else ranking.table.head(top)
    gpkg = out / "fire_plans.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    plain = table.copy()
    plain["nearest_force"] = plain["nearest_force"].astype(str)
    plain.to_file(gpkg, layer="units", driver="GPKG")
    if len(ranking.villages):
        ranking.villages.to_file(gpkg, layer="villages_at_risk", driver="GPKG")
    water_points.to_file(gpkg, layer="water_points", driver="GPKG")
    evac = {}
    if shelters is not None and walk_network is not None and len(ranking.villages):
        evac = _evacuations(ranking, shelters, walk_network, unit_id_col, max_evacuation_m)
        flows = [r.flows.assign(**{unit_id_col: uid}) for uid, r in evac.items()
                 if not isinstance(r, int) and len(r.flows)]
        if flows:
            pd.concat(flows, ignore_index=True).to_file(gpkg, layer="evacuation", driver="GPKG")
    files = [gpkg]
    wx = water_points.geometry.x.to_numpy()
    wy = water_points.geometry.y.to_numpy()
    for _, u in table.iterrows():
        uid = u[unit_id_col]
        p = u.geometry.representative_point()
        order = np.argsort(np.hypot(wx - p.x, wy - p.y))[:3]
        force = fire_forces.loc[u["nearest_force"]]
        vil = ranking.villages[ranking.villages[unit_id_col] == uid] if len(
            ranking.villages) else ranking.villages  # fmt: skip
        name = u.get(name_col, uid)
        lines = [
            f"# Fire plan: {name} (unit {uid})",
            "",
            f"*Risk rank {int(u['risk_rank'])} of {len(ranking.table)}, score "
            f"{u['risk_score']:.2f}.* Synthetic planning data; check on the ground.",
            "",
            "| item | value |",
            "| --- | --- |",
            f"| area | {u.geometry.area / 1e6:.1f} km² |",
            f"| burnable | {u['burnable_pct']:.0f} % of cells |",
            f"| mean fuel load | {u['fuel_load_kg_m2']:.2f} kg/m² |",
            f"| mean slope | {u['mean_slope_pct']:.0f} % |",
            f"| design danger level | {int(u['danger_level'])} |",
            f"| nearest fire force | {force.get('name', u['nearest_force'])} "
            f"({u['force_distance_m'] / 1000:.1f} km, ~{u['access_time_min']:.0f} min) |",
            f"| villages within {ranking.horizon_min:.0f} min of spread | "
            f"{int(u['villages_reached'])} ({int(u['persons_reached']):,} persons) |",
            "",
            "## Nearest water points",
            "",
        ]
        for j in order:
            wp = water_points.iloc[j]
            d = math.hypot(wx[j] - p.x, wy[j] - p.y)
            lines.append(f"- {wp.get('kind', 'water')} #{water_points.index[j]}: "
                         f"{wp.get('volume_m3', float('nan')):,.0f} m³, {d / 1000:.1f} km")  # fmt: skip
        lines += ["", "## Villages the design fire reaches", ""]
        if len(vil):
            lines += ["| village | persons | fire arrival (min) |", "| --- | --- | --- |"]
            for _, v in vil.sort_values("arrival_min").iterrows():
                lines.append(f"| {v.get('name', v['village_index'])} | "
                             f"{int(v.get('persons', 0)):,} | {v['arrival_min']:.0f} |")  # fmt: skip
        else:
            lines.append(f"None within {ranking.horizon_min:.0f} min.")
        if uid in evac:
            lines += _evacuation_lines(evac[uid], shelters, max_evacuation_m)
        page = out / f"unit_{uid}.md"
        page.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(page)
    return files
