"""Sections of the main-job report (``jnrisk run``), one function per topic.

Each function takes the loaded city and a shared context dict (networks and results that later
sections reuse) and returns a :class:`jnrisk.report.ReportSection`. This module is the "face" of
the layering: it may import every hazard module; nothing imports it except :mod:`jnrisk.report`.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from jnrisk.report import ReportSection

__all__ = ["SECTIONS"]


def _fig(figsize=(8, 8)):
    from jnrisk.plotting import _plt

    plt = _plt()
    return plt.subplots(figsize=figsize)


def city_overview(city: Any, ctx: dict) -> ReportSection:
    from jnrisk.plotting import base_map, figure_png

    pop, shel = city.population, city.shelters
    by = pd.DataFrame({"district": city.districts["name"].tolist()})
    by["district_en"] = city.districts["name_en"].to_numpy()
    agg = pop.groupby("district").agg(
        persons=("persons", "sum"),
        blocks=("persons", "size"),
    )
    built = pop[pop["built_up"]].groupby("district")["persons"].sum().rename("built_up_persons")
    sh = shel.groupby("district").agg(
        shelters=("shelter_id", "size"), effective_area_m2=("effective_area_m2", "sum")
    )
    towns = city.towns.groupby("district").size().rename("towns")
    stations = city.stations.groupby("district").size().rename("stations")
    teams = city.teams.groupby("district").agg(teams=("team_id", "size"), members=("members", "sum"))
    table = by.set_index("district").join([agg, built, sh, towns, stations, teams]).reset_index()
    table = table.fillna(0)
    for col in ("persons", "blocks", "built_up_persons", "shelters", "towns", "stations", "teams",
                "members"):
        table[col] = table[col].astype("int64")
    total = table.drop(columns=["district", "district_en"]).sum(numeric_only=True)
    total_row = {"district": "济南市 (total)", "district_en": "Jinan", **total.to_dict()}
    table = pd.concat([table, pd.DataFrame([total_row])], ignore_index=True)
    table["m2_per_built_up_resident"] = table["effective_area_m2"] / table[
        "built_up_persons"
    ].replace(0, np.nan)

    fig, ax = _fig()
    base_map(city, ax=ax, title="Jinan: districts, major roads, shelters, rescue stations")
    roads = city.roads
    major = roads[roads["road_class"].isin(["motorway", "trunk", "primary", "secondary"])]
    major.plot(ax=ax, color="0.6", linewidth=0.4)
    river = roads[roads["bridge"]]
    river.plot(ax=ax, color="tab:blue", linewidth=2.0)
    colors = {"emergency": "tab:green", "fixed": "tab:orange", "central": "tab:red"}
    for cls, g in shel.groupby("class"):
        g.plot(ax=ax, markersize=6, color=colors.get(cls, "k"), label=f"shelter: {cls}")
    city.stations.plot(ax=ax, markersize=5, marker="^", color="purple", label="rescue station")
    ax.legend(loc="lower left", fontsize=8)
    png = figure_png(fig)

    n_total = int(total["persons"])
    m2 = float(total["effective_area_m2"]) / max(float(total["built_up_persons"]), 1.0)
    return ReportSection(
        key="city",
        title="The city",
        paragraphs=[
            f"{len(city.districts)} districts, {len(city.towns)} sub-districts/towns, "
            f"{n_total:,} residents (2020 census) in {len(pop):,} population blocks; "
            f"{len(shel)} shelters with {float(shel['effective_area_m2'].sum()) / 1e6:.1f} "
            f"million m² of effective area; {len(city.stations)} rescue stations, "
            f"{len(city.teams)} rescue teams, {len(city.fire_forces)} fire-rescue forces.",
            f"Effective shelter area per built-up resident: {m2:.2f} m² (effective area of all "
            f"shelters divided by the residents of blocks flagged built-up; the bureau publishes "
            f"'about 2 m² per resident of the built-up area').",
        ],
        tables=[("Districts", table)],
        figures=[("overview.png", "Overview map", png)],
        layers={"districts": city.districts, "shelters": shel, "stations": city.stations},
        metrics={
            "residents": n_total,
            "blocks": len(pop),
            "shelters": len(shel),
            "shelter_area_m2": float(shel["effective_area_m2"].sum()),
            "m2_per_built_up_resident": m2,
            "load_s": ctx.get("load_s", float("nan")),
        },
    )


def road_network(city: Any, ctx: dict) -> ReportSection:
    from jnrisk.network import network_from_roads

    rows = []
    for mode in ("walk", "drive"):
        t = time.perf_counter()
        net = network_from_roads(city.roads, mode=mode)
        build_s = time.perf_counter() - t
        ctx[f"{mode}_net"] = net
        comp = net.component_summary()
        rows.append(
            {
                "mode": mode,
                "nodes": net.n_nodes,
                "arcs": net.n_arcs,
                "components": int(comp["n_components"]),
                "largest_component_share_pct": comp["largest_component_pct"],
                "build_s": build_s,
            }
        )
    table = pd.DataFrame(rows)
    walk = rows[0]
    console = [
        f"  {r['mode']} network: {r['nodes']:,} nodes, {r['arcs']:,} arcs, "
        f"{r['components']} components (largest {r['largest_component_share_pct']:.2f} %), "
        f"built in {r['build_s']:.2f} s"
        for r in rows
    ]
    return ReportSection(
        key="network",
        title="Road network",
        paragraphs=[
            f"Walk network (undirected, pedestrians only where allowed): {walk['nodes']:,} nodes. "
            "Drive network: one-way streets respected, travel time from length and speed."
        ],
        tables=[("Network size and connectivity", table)],
        metrics={
            "walk_nodes": walk["nodes"],
            "walk_components": walk["components"],
            "walk_build_s": walk["build_s"],
            "_console": console,
        },
    )


def shelter_allocation(city: Any, ctx: dict) -> ReportSection:
    from jnrisk.allocation import allocate_shelters, greedy_nearest
    from jnrisk.plotting import base_map, figure_png

    net = ctx["walk_net"]
    t = time.perf_counter()
    snap = {"max_walk_m": 2500.0}
    exact = allocate_shelters(city.population, city.shelters, net, **snap)
    exact_s = time.perf_counter() - t
    ctx["allocation"] = exact
    greedy = greedy_nearest(city.population, city.shelters, net, **snap)
    se, sg = exact.summary(), greedy.summary()
    keys = [k for k in se if isinstance(se[k], int | float) and k in sg]
    table = pd.DataFrame(
        {"measure": keys, "exact": [se[k] for k in keys], "greedy_nearest": [sg[k] for k in keys]}
    )
    sh = exact.shelters
    full = sh[sh["shelter_price"] > 0]
    unserved = exact.unserved

    fig, ax = _fig()
    base_map(city, ax=ax, title="Walking allocation (2.5 km): unserved blocks and full shelters")
    if len(unserved):
        size = 2 + 40 * unserved["unserved_persons"] / max(unserved["unserved_persons"].max(), 1)
        unserved.plot(ax=ax, markersize=size, color="tab:red", alpha=0.5, label="unserved persons")
    sh.plot(ax=ax, markersize=4, color="0.5", label="shelter with room")
    if len(full):
        full.plot(ax=ax, markersize=14, color="black", marker="s", label="full shelter (price > 0)")
    ax.legend(loc="lower left", fontsize=8)
    png = figure_png(fig)

    by_d = (
        city.population.assign(unserved_persons=0)
        .groupby("district")[["persons"]].sum()
        .join(unserved.groupby("district")["unserved_persons"].sum())
        .fillna(0)
        .reset_index()
    )
    by_d["unserved_persons"] = by_d["unserved_persons"].astype("int64")
    by_d["unserved_pct"] = 100.0 * by_d["unserved_persons"] / by_d["persons"]
    gain = 100.0 * (sg["mean_walk_m"] - se["mean_walk_m"]) / max(sg["mean_walk_m"], 1e-9) if (
        "mean_walk_m" in se and "mean_walk_m" in sg) else float("nan")
    return ReportSection(
        key="allocation",
        title="Everyone walks to a shelter: exact allocation",
        paragraphs=[
            f"Exact allocation of all {se['total_persons']:,} residents to the shelters' places "
            f"(capacity = effective area / 2 m² per person) within a 2,500 m walk on the road "
            f"network: {se['served_persons']:,} placed, {se['unserved_persons']:,} without a place "
            f"within reach (solved in {exact_s:.1f} s, distances included).",
            f"The greedy 'nearest shelter with room' baseline places "
            f"{sg['served_persons']:,}; the exact optimum places "
            f"{se['served_persons'] - sg['served_persons']:,} more people "
            f"and changes the mean walk by {gain:.1f} %.",
            "A full shelter's price is how many person-metres (unserved persons counted at the "
            "penalty) one more place there would save: where to add capacity first.",
        ],
        tables=[
            ("Exact optimum vs greedy nearest-with-room", table),
            ("Unserved by district", by_d),
            ("Shelters where one more place helps most", full.sort_values(
                "shelter_price", ascending=False).head(15)[
                ["shelter_id", "name", "district", "class", "capacity_persons",
                 "assigned_persons", "shelter_price"]]),
        ],
        figures=[("allocation.png", "Unserved blocks (red) and full shelters (black)", png)],
        layers={"flows": exact.flows, "shelters": sh, "unserved": unserved},
        metrics={
            **{f"exact_{k}": v for k, v in se.items() if isinstance(v, int | float)},
            **{f"greedy_{k}": v for k, v in sg.items() if isinstance(v, int | float)},
            "exact_solve_s": exact_s,
        },
    )


def shelter_coverage_section(city: Any, ctx: dict) -> ReportSection:
    from jnrisk.plotting import base_map, figure_png
    from jnrisk.shelters import area_table, city_m2_per_resident, shelter_capacity, shelter_coverage

    net = ctx["walk_net"]
    shelters = shelter_capacity(city.shelters)
    ctx["shelters_cap"] = shelters
    cov = shelter_coverage(city.population, shelters, net)
    blocks = cov.blocks
    alloc = ctx.get("allocation")
    if alloc is not None:
        blocks = blocks.join(alloc.unserved[["unserved_persons"]]).fillna({"unserved_persons": 0})
    unserved_col = "unserved_persons" if "unserved_persons" in blocks.columns else None
    districts = area_table(blocks, shelters, covered_col="covered_any", unserved_col=unserved_col)
    towns = area_table(blocks, shelters, by="town_id", covered_col="covered_any",
                       unserved_col=unserved_col)
    headline = city_m2_per_resident(city.population, shelters)

    fig, ax = _fig()
    base_map(city, ax=ax, title="Blocks not within walking reach of any shelter class")
    unc = blocks[~blocks["covered_any"].astype(bool)]
    unc.plot(ax=ax, markersize=1 + unc["persons"] / 400, color="tab:red", alpha=0.4,
             label="uncovered block")
    shelters.plot(ax=ax, markersize=3, color="tab:green", label="shelter")
    ax.legend(loc="lower left", fontsize=8)
    png = figure_png(fig)
    summary = cov.summary.reset_index() if cov.summary.index.name else cov.summary
    worst = towns.sort_values("covered_pct").head(15) if "covered_pct" in towns else towns.head(15)
    return ReportSection(
        key="coverage",
        title="Shelter capacity and walking coverage",
        paragraphs=[
            "Capacity = effective area / 2 m² per person (Jinan standard). Coverage is by network "
            "walking distance within each class's service radius (emergency 500 m, fixed 2.5 km, "
            "central 2.5 km unless configured).",
            f"City figure: {headline.get('m2_per_resident_built_up', float('nan')):.2f} m² of "
            "effective shelter area per resident of built-up blocks (the bureau publishes about "
            "2 m² for the 435 sites of 2023; the 2035 target is 3 m²).",
        ],
        tables=[
            ("Coverage by shelter class", summary),
            ("Districts", districts),
            ("Least-covered sub-districts", worst),
        ],
        figures=[("coverage.png", "Residents outside every shelter's service radius", png)],
        layers={"blocks": blocks.drop(columns=[c for c in blocks.columns
                                               if c.startswith("nearest_")])},
        metrics={k: v for k, v in headline.items() if isinstance(v, int | float)},
    )


def earthquake_section(city: Any, ctx: dict) -> ReportSection:
    from jnrisk import quake
    from jnrisk.plotting import base_map, figure_png
    from jnrisk.shelters import scenario_shelter_demand

    scenario = quake.default_scenario()
    shelters = ctx.get("shelters_cap")
    if shelters is None:
        from jnrisk.shelters import shelter_capacity

        shelters = shelter_capacity(city.shelters)
    blocks = quake.displaced_persons(city.population, scenario)
    usable = quake.shelter_usability(shelters, scenario)
    demand = scenario_shelter_demand(blocks, usable, ctx["walk_net"], max_walk_m=2500.0)
    ctx["quake_blocks"] = demand.blocks
    b = demand.blocks
    fig, ax = _fig()
    base_map(city, ax=ax, title=f"M{scenario.magnitude:.1f} scenario: intensity and unmet demand")
    col = "intensity" if "intensity" in b.columns else None
    if col:
        b.plot(ax=ax, column=col, markersize=2, cmap="YlOrRd", legend=True,
               legend_kwds={"label": "intensity (China scale)", "shrink": 0.6})
    un = b[b["unserved_persons"] >= 20]
    un.plot(ax=ax, markersize=un["unserved_persons"] / 10, facecolor="none",
            edgecolor="black", linewidth=0.4, alpha=0.6,
            label="blocks with >= 20 displaced persons without a place")
    ax.legend(loc="lower left", fontsize=8)
    png = figure_png(fig)
    tot = demand.by_district.select_dtypes("number").sum()
    overflow = demand.shelters[demand.shelters["overflow"]]
    return ReportSection(
        key="earthquake",
        title=f"Earthquake scenario (M{scenario.magnitude:.1f}, illustrative)",
        paragraphs=[
            f"{scenario!r}. Intensity from the eastern-China elliptical attenuation relation "
            "(汪素云 et al. 2000; coefficients to be verified), damage from an ASSUMED "
            "damage-probability matrix and SYNTHETIC building-stock shares, displaced persons "
            "from configurable fractions per damage state; displaced persons are placed in the "
            "shelters that stay usable by the exact allocation (2.5 km walk).",
            f"Displaced: {int(tot.get('demand_persons', 0)):,}; placed: "
            f"{int(tot.get('served_persons', 0)):,}; without a place: "
            f"{int(tot.get('unserved_persons', 0)):,} (of whom "
            f"{int(tot.get('unreachable_persons', 0)):,} have no usable shelter within reach). "
            f"Shelters overflowing: {len(overflow)}.",
        ],
        tables=[("Shelter demand by district", demand.by_district)],
        figures=[("earthquake.png", "Scenario intensity and displaced persons without a place",
                  png)],
        layers={"blocks": b[[c for c in b.columns if not c.startswith("nearest_")]],
                "shelters": demand.shelters},
        metrics={f"quake_{k}": float(v) for k, v in tot.items()},
    )


def rescue_section(city: Any, ctx: dict) -> ReportSection:
    from jnrisk.plotting import base_map, figure_png
    from jnrisk.rescue import coverage_report, drive_time_coverage, service_area_polygons

    net = ctx["drive_net"]
    cov = drive_time_coverage(net, city.stations, city.population, city.towns)
    rep = coverage_report(cov, threshold_s=900.0)
    polys = service_area_polygons(net.x, net.y, cov.node_time_s, [300.0, 600.0, 900.0],
                                  crs=net.crs, cell_m=1000.0)
    fig, ax = _fig()
    base_map(city, ax=ax, title="Drive time from the 173 rescue stations")
    colors = {300.0: "#d7301f", 600.0: "#f59e72", 900.0: "#fde0c5"}
    for t in sorted(colors, reverse=True):  # largest first, so smaller areas stay visible
        polys[polys["threshold_s"] == t].plot(ax=ax, color=colors[t], alpha=0.8, linewidth=0)
    city.stations.plot(ax=ax, markersize=5, marker="^", color="purple")
    bad = cov.towns[~cov.towns["centre_reached_15min"].astype(bool)] if (
        "centre_reached_15min" in cov.towns) else cov.towns.iloc[0:0]
    if len(bad):
        bad.boundary.plot(ax=ax, color="black", linewidth=1.5)
    png = figure_png(fig)
    not_reached = pd.DataFrame(rep["towns_not_reached"])
    return ReportSection(
        key="rescue",
        title="Rescue stations on one map: drive-time coverage",
        paragraphs=[
            "Drive times on the directed road network (one-way streets, speed by road class, "
            "free flow) from the 173 joint-defence rescue stations.",
            ("All 161 sub-district centres are reached within 15 min." if rep["all_towns_reached"]
             else f"The claim 'stations cover all 161 sub-districts' fails at 15 min for "
                  f"{len(not_reached)} sub-district(s), listed below with the reason."),
        ],
        tables=[("Reach by threshold", cov.summary),
                ("Sub-districts not reached within 15 min", not_reached)],
        figures=[("rescue.png", "Service areas at 5 / 10 / 15 min (dark to light)", png)],
        layers={"service_areas": polys, "towns": cov.towns},
        metrics={
            "persons_reached_15min_pct": float(
                cov.summary.loc[cov.summary["threshold_min"] == 15, "persons_reached_pct"].iloc[0]),
            "towns_not_reached_15min": len(not_reached),
        },
    )


def _burnable_ignition(city: Any, px: float, py: float) -> tuple[float, float]:
    """Centre of the burnable cell (fuel mapped from land cover) nearest to (px, py)."""
    from jnrisk.fire import DEFAULT_FUEL_MAP

    lc = city.landcover
    pt = type("P", (), {"x": px, "y": py})
    xs, ys = lc["x"].to_numpy(), lc["y"].to_numpy()
    burnable = np.isin(lc.to_numpy(), [k for k, v in DEFAULT_FUEL_MAP.items() if v is not None])
    rows, cols = np.nonzero(burnable)
    d2 = (xs[cols] - pt.x) ** 2 + (ys[rows] - pt.y) ** 2
    k = int(np.argmin(d2))
    return float(xs[cols[k]]), float(ys[rows[k]])


def fire_section(city: Any, ctx: dict) -> ReportSection:
    from jnrisk.allocation import allocate_shelters
    from jnrisk.fire import arrival_time, danger_level, fwi, load_station_weather, perimeters
    from jnrisk.plotting import base_map, figure_png

    # A season of fire weather at the stations: how many days at each danger level.
    wx = load_station_weather(start="2023-11-01", end="2024-05-31")
    idx = fwi(wx["temp_c"], wx["rh_pct"], wx["wind_kmh"], wx["rain_mm"], lat=wx["lat"])
    level = danger_level(idx["fwi"])
    counts = (
        level.to_series().groupby(level="station").value_counts().unstack(fill_value=0)
        .rename(columns=lambda k: f"level_{k}_days").reset_index()
    )

    # Design day: dry, windy spring afternoon (NW wind). Ignition 2 km upwind of the most
    # populous key village of the highest-risk forest unit: the case a plan must cover.
    units = city.forest_units
    villages = city.villages
    people = villages.groupby("unit_id")["persons"].sum()
    ranked = units.assign(village_persons=units["unit_id"].map(people).fillna(0))
    ranked = ranked.sort_values(["risk_level", "village_persons"], ascending=False)
    unit = ranked.iloc[0]
    vil = villages[villages["unit_id"] == unit["unit_id"]]
    if len(vil):
        v = vil.loc[vil["persons"].idxmax()].geometry
        px, py = v.x - 1414.0, v.y + 1414.0
    else:
        c = unit.geometry.representative_point()
        px, py = c.x, c.y
    ix, iy = _burnable_ignition(city, px, py)
    half = 15_000.0
    win = dict(x=slice(ix - half, ix + half), y=slice(iy + half, iy - half))
    lc, dem = city.landcover.sel(**win), city.dem.sel(**win)
    arrival = arrival_time(lc, np.array([[ix, iy]]), dem=dem, wind_kmh=30.0,
                           wind_from_deg=315.0, max_time_min=240.0)
    per = perimeters(arrival, [60.0, 120.0, 240.0])
    two_h = per.loc[per["time_min"] == 120.0].geometry.union_all()
    # Villages sit on non-burnable (built-up) cells, so "reached" = within 500 m of the
    # area burned after 2 h: close enough that the plan evacuates them.
    zone = two_h.buffer(500.0)
    reached = villages[villages.within(zone)] if not two_h.is_empty else villages.iloc[0:0]

    evac_rows = []
    evac = None
    if len(reached):
        # Only shelters that could be within 15 km of a village need a network search.
        near = city.shelters[city.shelters.distance(zone) <= 15_000.0]
        evac = allocate_shelters(reached, near, ctx["walk_net"], max_walk_m=15_000.0)
        evac_rows = [evac.summary()]
    fig, ax = _fig((8, 8))
    base_map(city, ax=ax, title="Design fire: perimeters at 1, 2 and 4 h (dry NW wind 30 km/h)")
    for t, color in [(240.0, "#fee391"), (120.0, "#fe9929"), (60.0, "#cc4c02")]:
        per[per["time_min"] == t].plot(ax=ax, color=color, linewidth=0)
    units.boundary.plot(ax=ax, color="darkgreen", linewidth=0.5)
    villages.plot(ax=ax, markersize=3, color="0.3")
    if len(reached):
        reached.plot(ax=ax, markersize=20, color="red", marker="x", label="village within 500 m of the 2-h area")
        ax.legend(loc="lower left", fontsize=8)
    ax.set_xlim(ix - half, ix + half)
    ax.set_ylim(iy - half, iy + half)
    png = figure_png(fig)
    persons = int(reached["persons"].sum()) if len(reached) else 0
    paras = [
        "Fire weather: the Canadian FWI system on the SYNTHETIC station weather of the "
        "2023/24 fire season (from 1 November), mapped to five danger levels "
        "(configurable thresholds).",
        f"Design fire: ignition 2 km upwind of the largest key village of forest unit "
        f"{unit['name']} ({unit['district']}, the highest bundled risk level), Rothermel "
        f"surface spread with slope and a 30 km/h NW wind, minimum-travel-time spread on the 90 m grid. After 2 h the fire covers "
        f"{float(per.loc[per['time_min'] == 120.0, 'area_m2'].sum()) / 1e6:.1f} km² and "
        f"comes within 500 m of {len(reached)} key village(s) with {persons:,} residents.",
    ]
    if evac is not None:
        s_ = evac_rows[0]
        paras.append(
            f"Evacuating them to shelters (exact allocation, up to 15 km on the road network): "
            f"{s_['served_persons']:,} placed, {s_['unserved_persons']:,} without a place, mean "
            f"distance {s_.get('mean_walk_m', float('nan')):,.0f} m."
        )
    return ReportSection(
        key="fire",
        title="Forest fire: danger season and a design fire",
        paragraphs=paras,
        tables=[("Days per danger level, 1 Nov 2023 - 31 May 2024 (synthetic weather)", counts),
                ("Villages within 500 m of the 2-hour perimeter", reached.drop(columns="geometry"))],
        figures=[("fire.png", "Design-fire perimeters, forest units and key villages", png)],
        layers={"perimeters": per, "villages_reached": reached},
        metrics={"fire_area_2h_m2": float(per.loc[per["time_min"] == 120.0, "area_m2"].sum()),
                 "fire_villages_2h": len(reached), "fire_persons_2h": persons},
    )


def flood_section(city: Any, ctx: dict) -> ReportSection:
    from jnrisk.plotting import base_map, figure_png
    from jnrisk.scenarios import FloodParams, Scenario, run
    from jnrisk.scenarios.hazards import CityContext

    scenario = Scenario(name="storm-50yr-2h", kind="flood",
                        hazard=FloodParams(return_period_yr=50, duration_min=120))
    cctx = CityContext(city, walk=ctx.get("walk_net"), drive=ctx.get("drive_net"))
    if "allocation" in ctx:  # reuse the intact-network optimum as the warm start
        key = ("allocation", tuple(city.shelters.index), 2500.0)
        cctx.cache[key] = ctx["allocation"]
    res = run(scenario, cctx)
    m = res.metrics
    depth = res.rasters["depth_m"]
    hs = res.layers["hotspots"]
    fig, axes = _fig((14, 7))
    fig.clf()
    ax1 = fig.add_subplot(1, 2, 1)
    base_map(city, ax=ax1, title="Ponded depth > 0.15 m, whole city")
    d = depth.where(depth > 0.15)
    d.plot.imshow(ax=ax1, cmap="Blues", vmin=0, vmax=1.5, add_colorbar=False)
    ax1.set_title("Ponded depth > 0.15 m, whole city")
    ax2 = fig.add_subplot(1, 2, 2)
    core = city.districts[city.districts["name"].isin(["历下区", "市中区", "槐荫区", "天桥区"])]
    xmin, ymin, xmax, ymax = core.total_bounds
    base_map(city, ax=ax2, title="Central districts: hot spots, closed roads, monitoring sites")
    d.sel(x=slice(xmin, xmax), y=slice(ymax, ymin)).plot.imshow(
        ax=ax2, cmap="Blues", vmin=0, vmax=1.5, cbar_kwargs={"label": "depth (m)", "shrink": 0.6})
    closed = res.layers["closed_roads"]
    closed[closed["closed_pedestrians"]].plot(ax=ax2, color="red", linewidth=0.8)
    if "monitoring_sites" in res.layers:
        res.layers["monitoring_sites"].plot(ax=ax2, color="black", marker="*", markersize=40)
    ax2.set_xlim(xmin, xmax)
    ax2.set_ylim(ymin, ymax)
    ax2.set_title("Central districts: depth, roads closed to pedestrians (red), monitoring (*)")
    png = figure_png(fig)
    top = hs.sort_values("rank").head(15).drop(columns="geometry")
    return ReportSection(
        key="flood",
        title="Urban waterlogging: 50-year, 2-hour design storm",
        paragraphs=[
            f"Design storm: Chicago hyetograph (peak at 0.4 of the duration) from the storm-"
            f"intensity formula — the handbook placeholder for Jinan, NOT VERIFIED (the official "
            f"formula was not found; pass your own). Total rain {m['storm_total_mm']:.1f} mm; "
            f"SCS-CN runoff by land cover; static fill-and-spill on the 90 m DEM with no sewer "
            f"drainage, so depths are an upper bound.",
            f"Runoff {m['runoff_m3'] / 1e6:,.1f} million m³: {m['ponded_m3'] / 1e6:,.1f} ponds in "
            f"depressions, {m['outflow_m3'] / 1e6:,.1f} leaves the city. {m['hotspots']:,} hot "
            f"spots (> 0.15 m and touching a road; {m['hotspot_persons']:,} residents in them). "
            f"Closed: {m['roads_closed_pedestrians']:,} road segments to pedestrians (> 0.5 m), "
            f"{m['roads_closed_vehicles']:,} to vehicles (> 0.3 m).",
            f"Walking evacuation with the pedestrian closures (exact allocation, warm-started "
            f"from the intact-network optimum): residents without a place "
            f"{m['unserved_persons_before']:,} -> {m['unserved_persons_after']:,}; mean walk "
            f"{m['mean_walk_m_before']:,.0f} m -> {m['mean_walk_m_after']:,.0f} m.",
            f"34 monitoring sites chosen greedily cover "
            f"{m['monitoring_persons_covered_pct']:.1f} % of the exposed residents within 1 km, "
            f"against {m['uniform_persons_covered_pct']:.1f} % for 34 sites spread uniformly.",
        ],
        tables=[("Worst hot spots", top)],
        figures=[("flood.png", "Ponded depth, hot spots, closed roads (red), monitoring sites",
                  png)],
        layers={k: v for k, v in res.layers.items()},
        metrics={f"flood_{k}": v for k, v in m.items()},
    )


SECTIONS: list[tuple[str, Any]] = [
    ("city overview", city_overview),
    ("road network", road_network),
    ("shelter allocation", shelter_allocation),
    ("shelter coverage", shelter_coverage_section),
    ("earthquake scenario", earthquake_section),
    ("urban waterlogging", flood_section),
    ("rescue coverage", rescue_section),
    ("forest fire", fire_section),
]
