"""Forest fire: the danger season at the weather stations and a design fire near a key village."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

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
from jnrisk.report.plotting import add_locator, figure_png, label, legend, new_map

KEY = "fire"
TITLE = "Forest fire: danger season and a design fire"
TITLE_ZH = "森林火险与设计火情"

SEASON = ("2023-11-01", "2024-05-31")
#: Ignition offset upwind of the village [m] (2 km along the wind direction).
UPWIND_M = 2_000.0
#: Half width of the fire map [m].
WINDOW_HALF_M = 12_000.0
#: Farthest shelter considered for evacuating reached villages [m].
EVAC_MAX_M = 15_000.0
PERIMETER_COLOURS = {240.0: "#fee391", 120.0: "#fe9929", 60.0: "#cc4c02"}


def _villages(n: int) -> str:
    return f"{n} key village" + ("" if n == 1 else "s")


def _season(ctx: Any) -> pd.DataFrame:
    from jnrisk.fire import DANGER_LEVEL_NAMES, danger_level, fwi, load_station_weather

    wx = load_station_weather(start=SEASON[0], end=SEASON[1])
    idx = fwi(wx["temp_c"], wx["rh_pct"], wx["wind_kmh"], wx["rain_mm"], lat=wx["lat"])
    level = danger_level(idx["fwi"]).to_series()
    counts = level.groupby(level="station").value_counts().unstack(fill_value=0)
    out = pd.DataFrame({"station": counts.index.astype(str)})
    if "name_zh" in wx.coords:
        zh = pd.Series(wx["name_zh"].values, index=wx["station"].values).astype(str)
        out.insert(0, "气象站", zh.reindex(counts.index).to_numpy())
    for lvl, (name, colour) in DANGER_LEVEL_NAMES.items():
        out[f"level {lvl} {name} ({colour}) (days)"] = (
            counts[lvl].astype("int64").to_numpy() if lvl in counts.columns else 0)
    return out


def _ignition(ctx: Any) -> tuple[Any, float, float]:
    """Pick the unit of highest risk and a burnable cell upwind of its largest key village.

    Most village residents breaks ties; this is the case a fire plan must cover.
    """
    from jnrisk.fire import DEFAULT_FUEL_MAP

    city, p = ctx.city, ctx.params
    units, villages = city.forest_units, city.villages
    people = villages.groupby("unit_id")["persons"].sum()
    ranked = units.assign(village_persons=units["unit_id"].map(people).fillna(0))
    unit = ranked.sort_values(["risk_level", "village_persons"], ascending=False).iloc[0]
    vil = villages[villages["unit_id"] == unit["unit_id"]]
    if len(vil):
        v = vil.loc[vil["persons"].idxmax()].geometry
        rad = np.deg2rad(p.fire_wind_from_deg)
        px, py = v.x + UPWIND_M * np.sin(rad), v.y + UPWIND_M * np.cos(rad)
    else:
        c = unit.geometry.representative_point()
        px, py = c.x, c.y
    lc = city.landcover
    xs, ys = lc["x"].to_numpy(), lc["y"].to_numpy()
    burnable = np.isin(lc.to_numpy(), [k for k, f in DEFAULT_FUEL_MAP.items() if f is not None])
    rows, cols = np.nonzero(burnable)
    k = int(np.argmin((xs[cols] - px) ** 2 + (ys[rows] - py) ** 2))
    return unit, float(xs[cols[k]]), float(ys[rows[k]])


def build(ctx: Any) -> ReportSection:
    """Build the forest fire section."""
    from jnrisk.allocation import allocate_shelters
    from jnrisk.scenarios import FireParams
    from jnrisk.scenarios.hazards import FIRE_VILLAGE_BUFFER_M, run_fire

    city, p = ctx.city, ctx.params
    season = _season(ctx)
    unit, ix, iy = _ignition(ctx)
    lon, lat = ctx.to_lonlat(ix, iy)
    hazard = FireParams(ignition_lon=lon, ignition_lat=lat, temperature_c=p.fire_temperature_c,
                        relative_humidity_pct=p.fire_relative_humidity_pct,
                        wind_speed_kmh=p.fire_wind_speed_kmh, wind_from_deg=p.fire_wind_from_deg,
                        duration_min=p.fire_duration_min)
    res = run_fire(ctx.scenario("design-fire", "fire", hazard), ctx.scenario_city)
    m = res.metrics
    per = res.layers["perimeters"]
    reached = res.layers["villages"]

    evac = None
    if len(reached):
        zone = per.geometry.union_all()
        near = ctx.shelters[ctx.shelters.distance(zone) <= EVAC_MAX_M]
        evac = allocate_shelters(reached, near, ctx.walk, max_walk_m=EVAC_MAX_M).summary()

    half = WINDOW_HALF_M
    ext = (ix - half, iy - half, ix + half, iy + half)
    fig, ax = new_map(city, basemap=ctx.params.basemap, extent=ext, title=label(
        "设计火情：1、2、4 小时火线", "Design fire: perimeters after 1, 2 and 4 h"))
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    city.forest_units.plot(ax=ax, facecolor="#e5f5e0", edgecolor="darkgreen", linewidth=0.5,
                           zorder=1)
    handles.append(Patch(facecolor="#e5f5e0", edgecolor="darkgreen",
                         label=label("林区", "forest unit")))
    for t in sorted(per["time_min"].unique(), reverse=True):
        colour = PERIMETER_COLOURS.get(float(t), "#fdae6b")
        per[per["time_min"] == t].plot(ax=ax, color=colour, linewidth=0, zorder=3)
        handles.append(Patch(facecolor=colour, label=label(f"{t / 60:g} 小时内过火",
                                                           f"burned within {t / 60:g} h")))
    city.villages.plot(ax=ax, markersize=6, color="0.3", zorder=5)
    handles.append(Line2D([], [], marker="o", ls="", color="0.3", markersize=4,
                          label=label("重点村", "key village")))
    if len(reached):
        reached.plot(ax=ax, markersize=40, color="red", marker="x", zorder=6)
        handles.append(Line2D([], [], marker="x", ls="", color="red", label=label(
            f"火线 {FIRE_VILLAGE_BUFFER_M:g} m 内的村庄",
            f"village within {FIRE_VILLAGE_BUFFER_M:g} m of the fire")))
    ax.plot([ix], [iy], marker="*", color="black", markersize=14, zorder=7)
    handles.append(Line2D([], [], marker="*", ls="", color="black", markersize=10,
                          label=label("起火点", "ignition")))
    legend(ax, handles, loc="lower left")
    add_locator(ax, city, ext)
    png = figure_png(fig)

    level_cols = [c for c in season.columns if c.startswith("level ")]
    high = [c for c in level_cols if c.startswith(("level 4", "level 5"))]
    high_days = season[high].sum(axis=1) if high else pd.Series(0, index=season.index)
    worst = season.loc[high_days.idxmax()] if len(season) else None
    area_km2 = m["burned_area_m2"] / 1e6
    persons = int(m["village_persons_reached"])
    findings = [Finding(
        "Forest fire danger 森林火险",
        (f"In the {SEASON[0][:4]}/{SEASON[1][2:4]} season, station {worst['station']} "
         f"had {int(high_days.max())} days at danger level 4 or 5. " if worst is not None else "")
        + f"A design fire in {unit['name']} ({unit['district_en']}) burns {area_km2:.1f} km² in "
          f"{p.fire_duration_min / 60:g} h and comes within {FIRE_VILLAGE_BUFFER_M:g} m of "
          f"{_villages(len(reached))} "
          f"with {persons:,} residents.",
        "On level 4-5 days: patrol this unit, ban open fire, and prepare to move the listed "
        "villages to the shelters below.", rank=45)]
    paragraphs = [
        "Fire weather: the Canadian FWI system on the synthetic station weather of the "
        f"{SEASON[0][:4]}/{SEASON[1][2:4]} fire season (from 1 November), mapped to five danger "
        "levels.",
        f"Design fire: ignition {UPWIND_M / 1000:g} km upwind of the largest key village of "
        f"forest unit {unit['name']} ({unit['district_en']}, the highest bundled risk level), a "
        f"dry day ({p.fire_temperature_c:g} °C, {p.fire_relative_humidity_pct:g} % humidity) "
        f"with a {p.fire_wind_speed_kmh:g} km/h wind from {p.fire_wind_from_deg:g}°. Rothermel "
        f"surface spread with slope, minimum travel time on the 90 m grid. After "
        f"{p.fire_duration_min / 60:g} h the fire covers {area_km2:.1f} km² and comes within "
        f"{FIRE_VILLAGE_BUFFER_M:g} m of {_villages(len(reached))} with {persons:,} residents.",
    ]
    if evac is not None:
        paragraphs.append(
            f"Evacuating them to shelters (exact allocation, up to {EVAC_MAX_M / 1000:g} km on "
            f"the road network): {evac['served_persons']:,} placed, {evac['unserved_persons']:,} "
            f"without a place, mean distance {evac['mean_walk_m']:,.0f} m.")
    vt = pd.DataFrame({
        "村 village": reached["name"].astype(str).to_numpy(),
        "district (en)": reached["district_en"].astype(str).to_numpy(),
        "village_id": reached["village_id"].astype("int64").to_numpy(),
        "residents (persons)": reached["persons"].astype("int64").to_numpy(),
    })
    return ReportSection(
        key=KEY, title=TITLE, title_zh=TITLE_ZH, paragraphs=paragraphs,
        tables=[
            Table(f"Days per danger level, {SEASON[0]} to {SEASON[1]} (synthetic weather)",
                  season, key=tuple(c for c in ("气象站", "station") if c in season)),
            Table(f"Key villages within {FIRE_VILLAGE_BUFFER_M:g} m of the fire", vt,
                  key=("村 village", "district (en)", "village_id"), ids=("village_id",)),
        ],
        figures=[Figure("fire.png", "Design-fire perimeters, forest units and key villages, "
                        "with a locator", png)],
        layers=[
            Layer("fire_perimeters", per, "Design-fire perimeters (area burned after each time)",
                  "#fe9929"),
            Layer("fire_villages_reached", reached, f"Key villages within {FIRE_VILLAGE_BUFFER_M:g} m "
                  "of the fire",
                  "#d62728"),
        ],
        metrics=[Metric(f"fire_{k}", v, "persons" if k.endswith("persons_reached") else
                        unit_from_name(k, "index" if k in ("ffmc", "isi") else "count"))
                 for k, v in m.items() if isinstance(v, int | float) and not isinstance(v, bool)],
        findings=findings,
        map_layers=[MapLayer("Fire perimeter 火线", per[["time_min", "area_m2", "geometry"]]
                             if "area_m2" in per else per[["time_min", "geometry"]],
                             "#fe9929", popup=("time_min",), visible=False)],
    )
