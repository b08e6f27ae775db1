"""Everyone walks to a shelter: the exact allocation section.

Where places are missing and what closes the gap (capacity needed, the full shelters to enlarge
first, the best new sites).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jnrisk.report.keys import SHELTER_KEYS, TOWN_KEYS, shelter_keys, town_keys
from jnrisk.report.model import Figure, Finding, Layer, MapLayer, Metric, ReportSection, Table
from jnrisk.report.plotting import choropleth, figure_png, label, legend, new_map

KEY = "allocation"
TITLE = "Shelter places: who is left without one, and what closes the gap"
TITLE_ZH = "避难场所分配：缺口与对策"

#: New sites proposed per sub-district (maximal covering over the unserved blocks).
SITES_PER_TOWN = 3
#: Sub-districts that get proposed sites.
SITED_TOWNS = 3
#: Candidate blocks per sub-district (the blocks with the most unserved residents).
MAX_CANDIDATES = 300


def unserved_in_reach(exact: Any) -> np.ndarray:
    """Per shelter: unserved residents of blocks that have this shelter within the walk limit.

    An unserved block is counted at every shelter it could reach, so the numbers overlap; each
    says how many people one more place at that shelter could serve (up to that many places).
    """
    indptr = np.asarray(exact.arc_indptr)
    blk = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    unserved = np.asarray(exact.solution.unserved, dtype=np.float64)
    n = len(exact.shelters)
    return np.bincount(np.asarray(exact.arc_shelter), weights=unserved[blk],
                       minlength=n).astype(np.int64)


def _by_town(ctx: Any, exact: Any) -> pd.DataFrame:
    city, p = ctx.city, ctx.params
    residents = city.population.groupby("town_id")["persons"].sum()
    un = exact.unserved.groupby("town_id")["unserved_persons"].sum()
    t = town_keys(city.towns)
    t["residents (persons)"] = residents.reindex(t.index).fillna(0).astype("int64")
    t["without a place (persons)"] = un.reindex(t.index).fillna(0).astype("int64")
    t["without a place (%)"] = 100.0 * t["without a place (persons)"] / t[
        "residents (persons)"].replace(0, np.nan)
    t["shelter area needed (m²)"] = (t["without a place (persons)"] * p.m2_per_person).astype(
        "int64")
    return t.sort_values("without a place (persons)", ascending=False).reset_index(drop=True)


def _sites(ctx: Any, exact: Any, towns: pd.DataFrame) -> pd.DataFrame:
    """Best new sites (maximal covering) among the unserved blocks of the worst sub-districts."""
    from jnrisk.shelters.coverage import walking_costs
    from jnrisk.shelters.site_new import maximal_covering_sites

    p = ctx.params
    un = exact.unserved
    rows = []
    for _, town in towns.head(SITED_TOWNS).iterrows():
        if town["without a place (persons)"] <= 0:
            continue
        blocks = un[un["town_id"] == town["town_id"]]
        blocks = blocks.nlargest(MAX_CANDIDATES, "unserved_persons")
        costs = walking_costs(ctx.walk, blocks, blocks, cutoff_m=p.max_walk_m, on_far="ignore")
        chosen, _ = maximal_covering_sites(blocks, blocks, costs, k=SITES_PER_TOWN,
                                           radius_m=p.max_walk_m, persons_col="unserved_persons")
        reach = costs.assign(w=blocks.loc[costs["origin"], "unserved_persons"].to_numpy())
        reach = reach.groupby("dest")["w"].sum()
        for label_, site in chosen[chosen["selected"]].iterrows():
            lon, lat = ctx.to_lonlat(site.geometry.x, site.geometry.y)
            rows.append({
                **{k: town[k] for k in TOWN_KEYS},
                "site at block_id": int(site["block_id"]),
                "lon (°E)": round(lon, 4),
                "lat (°N)": round(lat, 4),
                "without a place within the walk (persons)": int(reach.get(label_, 0)),
                "geometry": site.geometry,
            })
    cols = [*TOWN_KEYS, "site at block_id", "lon (°E)", "lat (°N)",
            "without a place within the walk (persons)", "geometry"]
    return pd.DataFrame(rows, columns=cols)


def build(ctx: Any) -> ReportSection:
    """Build the shelter allocation section."""
    import geopandas as gpd

    from jnrisk.allocation import greedy_nearest

    city, p = ctx.city, ctx.params
    exact = ctx.allocation
    greedy = greedy_nearest(city.population, ctx.shelters, ctx.walk, max_walk_m=p.max_walk_m)
    se, sg = exact.summary(), greedy.summary()

    measures = [("placed (persons)", "served_persons", int),
                ("without a place (persons)", "unserved_persons", int),
                ("placed (%)", "served_pct", float),
                ("mean walk (m)", "mean_walk_m", float),
                ("median walk (m)", "median_walk_m", float),
                ("95th percentile walk (m)", "p95_walk_m", float),
                ("full shelters", "n_full_shelters", int)]
    compare = pd.DataFrame({
        "measure": [m for m, _, _ in measures],
        "exact optimum": pd.Series([cast(se[k]) for _, k, cast in measures], dtype=object),
        "greedy nearest-with-room": pd.Series([cast(sg[k]) for _, k, cast in measures],
                                              dtype=object),
    })

    towns = _by_town(ctx, exact)
    sh = exact.shelters.copy()
    sh["unserved_in_reach_persons"] = unserved_in_reach(exact)
    full = sh[sh["full"] & (sh["unserved_in_reach_persons"] > 0)]
    expand = full.nlargest(p.top_n, "unserved_in_reach_persons")
    expand_t = shelter_keys(expand).assign(**{
        "capacity (persons)": expand["capacity_persons"].astype("int64"),
        "without a place within the walk (persons)":
            expand["unserved_in_reach_persons"].astype("int64"),
        "area to add to place them (m²)":
            (expand["unserved_in_reach_persons"] * p.m2_per_person).astype("int64"),
    })
    sites = _sites(ctx, exact, towns)

    # map: residents without a place, by sub-district
    areas = city.towns[["town_id", "geometry"]].merge(
        towns[["town_id", "without a place (persons)"]], on="town_id")
    fig, ax = new_map(city, basemap=ctx.params.basemap, title=label(
        f"步行 {p.max_walk_m:,.0f} m 内无避难位置的居民（按街镇）",
        f"Residents without a shelter place within a {p.max_walk_m:,.0f} m walk"))
    handles = choropleth(ax, areas, "without a place (persons)", cmap="Reds",
                         zero_label=label("全部安置", "everyone placed"))
    from matplotlib.lines import Line2D

    full_all = sh[sh["full"]]
    full_all.plot(ax=ax, markersize=5, color="black", marker="s", zorder=6)
    handles.append(Line2D([], [], marker="s", ls="", color="black", markersize=4,
                          label=label(f"满员避难场所 ({len(full_all)})",
                                      f"full shelter ({len(full_all)})")))
    if len(sites):
        gpd.GeoSeries(sites["geometry"], crs=city.population.crs).plot(
            ax=ax, marker="*", color="#1f77b4", markersize=90, zorder=8)
        handles.append(Line2D([], [], marker="*", ls="", color="#1f77b4", markersize=10,
                              label=label("建议新址", "proposed new site")))
    legend(ax, handles, label("无位置居民（人）", "without a place (persons)"))
    png = figure_png(fig)

    worst = towns[towns["without a place (persons)"] > 0].head(SITED_TOWNS)
    gain = se["mean_walk_m"] - sg["mean_walk_m"]
    direction = "longer" if gain > 0 else "shorter"
    paragraphs = [
        f"Exact allocation of all {se['total_persons']:,} residents to the shelters' places "
        f"(capacity = effective area / {p.m2_per_person:g} m² per person) within a "
        f"{p.max_walk_m:,.0f} m walk on the road network: {se['served_persons']:,} placed, "
        f"{se['unserved_persons']:,} ({100 - se['served_pct']:.1f} %) without a place within "
        f"reach.",
        f"The greedy 'nearest shelter with room' rule places {sg['served_persons']:,}; the exact "
        f"optimum places {se['served_persons'] - sg['served_persons']:,} more people. Its mean "
        f"walk is {abs(gain):,.0f} m {direction} ({se['mean_walk_m']:,.0f} m against "
        f"{sg['mean_walk_m']:,.0f} m), because it also places people the greedy rule leaves "
        f"out.",
        "Which full shelter to enlarge first: for every full shelter, the residents without a "
        "place who live within the walk of it. Each extra place there serves one of them. "
        "A block without a place can be within reach of several shelters, so the numbers "
        "overlap.",
    ]
    findings = []
    if len(worst):
        names = "; ".join(f"{r[TOWN_KEYS[0]]} {r[TOWN_KEYS[1]]} ({r['without a place (persons)']:,})"
                          for _, r in worst.iterrows())
        need = int(worst["shelter area needed (m²)"].sum())
        site_txt = ""
        if len(sites):
            reach = "without a place within the walk (persons)"
            top = sites.sort_values(reach, ascending=False).groupby("town_id", sort=False).head(1)
            site_txt = " Best new site in each: " + "; ".join(
                f"near block {r['site at block_id']} in {r[TOWN_KEYS[1]]} "
                f"({r['lon (°E)']:.4f} °E, {r['lat (°N)']:.4f} °N, "
                f"{r['without a place within the walk (persons)']:,} without a place within reach)"
                for _, r in top.iterrows()) + "."
        findings.append(Finding(
            "Shelter places 避难位置",
            f"{se['unserved_persons']:,} residents have no shelter place within a "
            f"{p.max_walk_m:,.0f} m walk. Most are in {names}.",
            f"Add about {need:,} m² of effective shelter area in these {len(worst)} "
            f"sub-districts.{site_txt}", rank=10))
    if len(expand):
        top = expand.head(3)
        findings.append(Finding(
            "Shelters to enlarge 扩容",
            "Full shelters with the most residents without a place within reach: " + "; ".join(
                f"{r['name']} (id {r['shelter_id']}, {r['district_en']}, "
                f"{r['unserved_in_reach_persons']:,})" for _, r in top.iterrows()) + ".",
            "Enlarge these first (more open space next to them): every "
            f"{p.m2_per_person:g} m² added places one more person there.", rank=20))

    sid = ctx.shelters["shelter_id"].to_numpy()
    bid = city.population["block_id"].to_numpy()
    flows = exact.flows
    flows_out = gpd.GeoDataFrame({
        "block_id": bid[city.population.index.get_indexer(flows["block"])],
        "shelter_id": sid[ctx.shelters.index.get_indexer(flows["shelter"])],
        "persons": flows["persons"].astype("int64"),
        "walk_m": flows["walk_m"].astype(float),
    }, geometry=flows.geometry, crs=flows.crs)
    shelters_out = sh.drop(columns=["shelter_price"], errors="ignore")
    areas_out = gpd.GeoDataFrame(
        city.towns[["town_id", "name", "name_en", "district", "district_en", "geometry"]]
        .merge(towns[["town_id", "residents (persons)", "without a place (persons)"]], on="town_id")
        .rename(columns={"residents (persons)": "residents_persons",
                         "without a place (persons)": "unserved_persons"}),
        geometry="geometry", crs=city.towns.crs)
    table_sites = sites.drop(columns="geometry")
    return ReportSection(
        key=KEY, title=TITLE, title_zh=TITLE_ZH, paragraphs=paragraphs,
        tables=[
            Table("Exact optimum against the greedy rule", compare, key=("measure",)),
            Table(f"Sub-districts with the most residents without a place (top {p.top_n})",
                  towns.head(p.top_n), key=TOWN_KEYS, ids=("town_id",)),
            Table("Full shelters to enlarge first", expand_t,
                  key=SHELTER_KEYS, ids=("shelter_id",)),
            Table("Best new sites (maximal covering of the residents without a place)",
                  table_sites, key=(*TOWN_KEYS, "site at block_id"),
                  ids=("town_id", "site at block_id"),
                  note="Candidate sites are the locations of the blocks without a place; a "
                       "site stands for open space near that block."),
        ],
        figures=[Figure("allocation.png", "Residents without a shelter place, by sub-district; "
                        "full shelters and proposed sites", png)],
        layers=[
            Layer("allocation_flows", flows_out, "Residents assigned block -> shelter (exact "
                  "optimum; straight lines, the walk follows the roads)", "#7f7f7f"),
            Layer("allocation_shelters", shelters_out, "Shelters: capacity, assigned persons and "
                  "residents without a place within reach", "#2ca02c"),
            Layer("allocation_unserved_by_subdistrict", areas_out, "Residents without a shelter "
                  "place within the walk, by sub-district", "#d62728"),
        ],
        metrics=[
            *[Metric(f"exact_{k}", se[k], u) for k, u in (
                ("served_persons", "persons"), ("unserved_persons", "persons"),
                ("served_pct", "%"), ("mean_walk_m", "m"), ("p95_walk_m", "m"),
                ("n_full_shelters", "count"))],
            *[Metric(f"greedy_{k}", sg[k], u) for k, u in (
                ("served_persons", "persons"), ("unserved_persons", "persons"),
                ("mean_walk_m", "m"))],
        ],
        findings=findings,
        map_layers=[
            MapLayer("Without a shelter place 无位置居民", areas_out[
                ["name", "name_en", "unserved_persons", "residents_persons", "geometry"]],
                "#d62728", popup=("name", "name_en", "unserved_persons", "residents_persons"),
                shade="unserved_persons"),
            MapLayer("Shelters 避难场所", shelters_out[
                ["shelter_id", "name", "class", "capacity_persons", "assigned_persons",
                 "unserved_in_reach_persons", "geometry"]], "#2ca02c",
                popup=("shelter_id", "name", "class", "capacity_persons", "assigned_persons",
                       "unserved_in_reach_persons")),
        ],
    )
