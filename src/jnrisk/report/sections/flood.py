"""Urban waterlogging under the design storm: hot spots, roads to close, effect on evacuation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jnrisk.flood import HOTSPOT_DEPTH_M
from jnrisk.flood import PEDESTRIAN_CLOSURE_DEPTH_M as PED
from jnrisk.flood import VEHICLE_CLOSURE_DEPTH_M as VEH
from jnrisk.report.keys import TOWN_KEYS, town_keys
from jnrisk.report.model import (
    Figure,
    Finding,
    Layer,
    MapLayer,
    Metric,
    ReportSection,
    Table,
    unit_from_name,
)
from jnrisk.report.plotting import add_inset, draw, figure_png, label, legend, new_map

KEY = "flood"
TITLE = "Urban waterlogging"
TITLE_ZH = "城市内涝：设计暴雨"

#: Half width of the hot-spot inset [m].
INSET_HALF_M = 3_000.0



def _roads_to_close(closed: Any, top_n: int) -> pd.DataFrame:
    c = closed.copy()
    c["length_km"] = c.geometry.length / 1000.0
    name = c["name"].astype(str).str.strip()
    c["road 道路"] = np.where(name != "", name, "(unnamed " + c["road_class"].astype(str) + ")")
    g = c.groupby(["road 道路", "road_class"]).agg(
        segments=("edge_id", "size"),
        vehicles=("closed_vehicles", "sum"),
        pedestrians=("closed_pedestrians", "sum"),
        length=("length_km", "sum"),
        first_edge_id=("edge_id", "min"),
    ).reset_index()
    g = g[~g["road 道路"].str.startswith("(unnamed")].sort_values("length", ascending=False)
    return pd.DataFrame({
        "road 道路": g["road 道路"],
        "road class": g["road_class"],
        "first edge_id": g["first_edge_id"].astype("int64"),
        "segments closed to vehicles": g["vehicles"].astype("int64"),
        "segments closed to pedestrians": g["pedestrians"].astype("int64"),
        "flooded length (km)": g["length"],
    }).head(top_n).reset_index(drop=True)


def _hotspot_table(ctx: Any, hs: Any, top_n: int) -> tuple[pd.DataFrame, Any]:
    import geopandas as gpd

    # the residents affected first; the flood model's own rank breaks ties
    by = [c for c in ("persons", "rank") if c in hs.columns]
    top = hs.sort_values(by, ascending=[c != "persons" for c in by]).head(top_n)
    pts = gpd.GeoDataFrame(top[["hotspot_id"]], geometry=top.geometry.representative_point(),
                           crs=hs.crs)
    joined = gpd.sjoin(pts, ctx.city.towns[["town_id", "geometry"]], how="left",
                       predicate="within")
    joined = joined[~joined.index.duplicated()]
    keys = town_keys(ctx.city.towns)
    town = joined["town_id"].reindex(top.index)
    out = keys.reindex(town.to_numpy()).reset_index(drop=True)
    out["town_id"] = town.fillna(-1).astype("int64").to_numpy()
    out.insert(0, "hotspot_id", top["hotspot_id"].astype("int64").to_numpy())
    cols = {"rank": ("rank", "int64"), "max_depth_m": ("max depth (m)", float),
            "area_m2": ("area (m²)", "int64"), "persons": ("residents (persons)", "int64"),
            "road_length_m": ("road length (m)", "int64"), "n_roads": ("road segments", "int64")}
    for src, (dst, dtype) in cols.items():
        if src in top.columns:
            v = top[src].to_numpy()
            out[dst] = np.round(v).astype(dtype) if dtype == "int64" else v.astype(float)
    return out, top


def build(ctx: Any) -> ReportSection:
    """Build the waterlogging section."""
    import inspect

    from jnrisk.flood import monitoring_sites
    from jnrisk.scenarios import FloodParams
    from jnrisk.scenarios.hazards import run_flood

    reach_m = inspect.signature(monitoring_sites).parameters["radius_m"].default

    city, p = ctx.city, ctx.params
    ctx.allocation  # noqa: B018  the runner warm-starts from the intact-network optimum
    hazard = FloodParams(return_period_yr=p.flood_return_period_yr,
                         duration_min=p.flood_duration_min)
    res = run_flood(ctx.scenario("storm", "flood", hazard), ctx.scenario_city)
    m = res.metrics
    depth = res.rasters["depth_m"]
    hs = res.layers["hotspots"]
    closed = res.layers["closed_roads"]
    sites = res.layers.get("monitoring_sites")
    roads = _roads_to_close(closed, ctx.params.top_n)
    hot, top = _hotspot_table(ctx, hs, ctx.params.top_n)
    title_storm = (f"{p.flood_return_period_yr:g}-year, {p.flood_duration_min / 60:g}-hour "
                   "design storm")

    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, ax = new_map(city, basemap=ctx.params.basemap, title=label(
        f"{p.flood_return_period_yr:g} 年一遇暴雨积水深度", f"Ponded depth, {title_storm}"),
        figsize=(9, 9))
    shown = depth.where(depth > HOTSPOT_DEPTH_M)
    img = dict(cmap="Blues", vmin=0, vmax=1.5, add_colorbar=False, add_labels=False)
    art = shown.plot.imshow(ax=ax, zorder=2, **img)
    ax.set_aspect("equal")
    ax.set_title(label(f"{p.flood_return_period_yr:g} 年一遇暴雨积水深度",
                       f"Ponded depth, {title_storm}"), fontsize=11)
    fig.colorbar(art, ax=ax, orientation="horizontal", shrink=0.4, pad=0.01, aspect=30,
                 label=label("积水深度 (m)", "ponded depth (m)"))
    handles = [Patch(facecolor="#6baed6", label=label(f"积水 > {HOTSPOT_DEPTH_M} m",
                                                       f"depth > {HOTSPOT_DEPTH_M} m"))]
    draw(ax, sites, color="gold", marker="*", markersize=70, edgecolor="black", zorder=10)
    if sites is not None and len(sites):
        handles.append(Line2D([], [], marker="*", ls="", color="gold", markeredgecolor="black",
                              markersize=11, label=label(f"监测点 ({len(sites)})",
                                                         f"monitoring site ({len(sites)})")))
    handles.append(Line2D([], [], color="#d62728",
                          label=label(f"封闭道路（车辆，> {VEH:g} m）",
                                      f"road closed to vehicles (> {VEH:g} m)")))
    if len(top):
        c = top.geometry.iloc[0].centroid
        ext = (c.x - INSET_HALF_M, c.y - INSET_HALF_M, c.x + INSET_HALF_M, c.y + INSET_HALF_M)
        sub = add_inset(fig, ax, city, ext, bounds=(1.03, 0.18, 0.62, 0.62), title=label(
            f"积水点 {int(top['hotspot_id'].iloc[0])}（受影响居民最多）",
            f"hot spot {int(top['hotspot_id'].iloc[0])}, most residents"))
        shown.sel(x=slice(ext[0], ext[2]), y=slice(ext[3], ext[1])).plot.imshow(
            ax=sub, zorder=2, **img)
        near = closed.cx[ext[0]:ext[2], ext[1]:ext[3]]
        draw(sub, near[near["closed_vehicles"].astype(bool)], color="#d62728", linewidth=1.2,
             zorder=4)
        if sites is not None:
            draw(sub, sites.cx[ext[0]:ext[2], ext[1]:ext[3]], color="gold", marker="*",
                 markersize=120, edgecolor="black", zorder=10)
        sub.set_xlim(ext[0], ext[2])
        sub.set_ylim(ext[1], ext[3])
        sub.set_aspect("equal")
        legend(sub, handles[1:], loc="lower left")
    legend(ax, handles[:1], loc="upper left")
    png = figure_png(fig)

    before, after = m["unserved_persons_before"], m["unserved_persons_after"]
    change = after - before
    n_sites = len(sites) if sites is not None else 0
    walk_change = m["mean_walk_m_after"] - m["mean_walk_m_before"]
    paragraphs = [
        f"Design storm: Chicago hyetograph from the storm-intensity formula, which is a "
        f"placeholder for Jinan and not verified (pass the official formula). Total rain "
        f"{m['storm_total_mm']:.1f} mm; SCS-CN runoff by land cover, less what the sewers "
        "carry at their design return period "
        f"({m.get('sewer_drained_m3', 0.0) / 1e6:,.1f} million m³ drained); static "
        "fill-and-spill on the 90 m DEM after filling pits deeper than the plausibility limit "
        f"that hold no mapped underpass or depression ({m.get('dem_pits_filled', 0):,} pits, "
        "SYNTHETIC DEM). Sewers never surcharge in this model and water from upstream is not "
        "offered to the sewers, so depths lean high.",
        str(m.get("hotspot_ranking", "")) + (
            f" Check against the mapped waterlogging sites: "
            f"{m['top10_hotspots_near_mapped_site']} of the 10 top hot spots lie within reach "
            f"of one, and {m['mapped_sites_near_hotspot']} of the {m.get('mapped_sites', '')} mapped "
            "sites have a hot spot "
            "nearby (the sites' positions are SYNTHETIC, so this checks consistency, not "
            "skill)." if "top10_hotspots_near_mapped_site" in m else ""),
        f"Runoff {m['runoff_m3'] / 1e6:,.1f} million m³: {m['ponded_m3'] / 1e6:,.1f} million m³ "
        f"ponds in depressions, {m['outflow_m3'] / 1e6:,.1f} million m³ leaves the city. "
        f"{m['hotspots']:,} hot spots (deeper than {HOTSPOT_DEPTH_M} m and touching a road; "
        f"{m['hotspot_persons']:,} residents in them). Closed: {m['roads_closed_vehicles']:,} "
        f"road segments to vehicles (> {VEH:g} m), {m['roads_closed_pedestrians']:,} to "
        f"pedestrians (> {PED:g} m).",
        f"Walking evacuation with the pedestrian closures: residents without a shelter place "
        f"{'rise' if change > 0 else 'fall' if change < 0 else 'stay'} from {before:,} to "
        f"{after:,} ({change:+,}); the mean walk gets {'longer' if walk_change > 0 else 'shorter'}"
        f" by {abs(walk_change):,.0f} m ({m['mean_walk_m_before']:,.0f} m to "
        f"{m['mean_walk_m_after']:,.0f} m).",
        f"{n_sites} monitoring sites chosen greedily cover "
        f"{m['monitoring_persons_covered_pct']:.1f} % of the exposed residents within {reach_m:,.0f} m, "
        f"against {m['uniform_persons_covered_pct']:.1f} % for the same number spread "
        "uniformly.",
    ]
    findings = [Finding(
        "Roads to close 封闭道路",
        f"In the {title_storm}, {m['roads_closed_vehicles']:,} road segments flood deeper than "
        f"{VEH:g} m. Longest flooded named roads: " + "; ".join(
            f"{r['road 道路']} ({r['flooded length (km)']:.1f} km)"
            for _, r in roads.head(5).iterrows()) + ".",
        f"Close them to vehicles on a storm warning and watch the {n_sites} monitoring sites; "
        f"{change:,} more residents then have no shelter place within the walk.", rank=30)]
    if len(hot):
        r0 = hot.iloc[0]
        findings.append(Finding(
            "Waterlogging hot spot 积水点",
            f"The hot spot with the most residents is {r0['hotspot_id']} in {r0[TOWN_KEYS[0]]} {r0[TOWN_KEYS[1]]}"
            + (f": {r0['max depth (m)']:.2f} m deep" if "max depth (m)" in hot else "")
            + (f", {r0['residents (persons)']:,} residents" if "residents (persons)" in hot
               else "") + ".",
            "Inspect its drainage before the flood season; see the inset map.", rank=32))
    closed_veh = closed[closed["closed_vehicles"].astype(bool)]
    return ReportSection(
        key=KEY, title=f"{TITLE}: {title_storm}", title_zh=TITLE_ZH,
        paragraphs=paragraphs,
        tables=[
            Table(f"Flooded named roads to close (top {p.top_n} by length)", roads,
                  key=("road 道路", "road class", "first edge_id"), ids=("first edge_id",)),
            Table(f"Hot spots with the most residents (top {p.top_n})", hot,
                  key=("hotspot_id", *TOWN_KEYS), ids=("hotspot_id", "town_id")),
        ],
        figures=[Figure("flood.png", "Ponded depth, with a zoom on the hot spot with the most "
                        "residents: roads closed to vehicles (red), monitoring sites (stars)",
                        png)],
        layers=[
            Layer("flood_hotspots", hs, "Waterlogging hot spots of the design storm (ranked)",
                  "#3182bd"),
            Layer("flood_closed_roads", closed, f"Road segments closed to vehicles (> {VEH:g} m) "
                  f"or pedestrians (> {PED:g} m)", "#d62728"),
            *([Layer("flood_monitoring_sites", sites, "Monitoring sites chosen greedily",
                     "#ffd700")] if sites is not None else []),
        ],
        metrics=[Metric(f"flood_{k}", v, unit_from_name(k)) for k, v in m.items()
                 if isinstance(v, int | float) and not isinstance(v, bool)],
        findings=findings,
        map_layers=[
            MapLayer("Flood: roads closed to vehicles 内涝封路",
                     closed_veh[["edge_id", "name", "road_class", "geometry"]], "#d62728",
                     popup=("edge_id", "name", "road_class"), visible=False),
            MapLayer("Flood hot spots 积水点", hs[[c for c in ("hotspot_id", "rank",
                     "max_depth_m", "persons", "geometry") if c in hs.columns]], "#3182bd",
                     popup=tuple(c for c in ("hotspot_id", "rank", "max_depth_m", "persons")
                                 if c in hs.columns), visible=False),
        ],
    )
