"""Rescue stations: drive-time coverage and the sub-districts they reach too slowly."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jnrisk.report.keys import TOWN_KEYS, town_keys
from jnrisk.report.model import Figure, Finding, Layer, MapLayer, Metric, ReportSection, Table
from jnrisk.report.plotting import figure_png, label, legend, new_map

KEY = "rescue"
TITLE = "Rescue stations: drive-time coverage"
TITLE_ZH = "救援站驾车时间覆盖"

BANDS_S = (300.0, 600.0, 900.0)
BAND_COLOURS = {300.0: "#d7301f", 600.0: "#fc8d59", 900.0: "#fdd49e"}


def build(ctx: Any) -> ReportSection:
    """Build the rescue coverage section."""
    from jnrisk.rescue import drive_time_coverage, service_area_polygons

    city, p = ctx.city, ctx.params
    thresholds = sorted({*BANDS_S, float(p.rescue_threshold_s)})
    cov = drive_time_coverage(ctx.drive, city.stations, city.population, city.towns,
                              thresholds_s=thresholds)
    bad = cov.not_reached(p.rescue_threshold_s)
    net = ctx.drive
    polys = service_area_polygons(net.x, net.y, cov.node_time_s, list(BANDS_S), crs=net.crs,
                                  cell_m=1000.0)
    thr_min = p.rescue_threshold_s / 60.0

    tk = town_keys(city.towns)
    town_ids = city.towns["town_id"].reindex(bad.index).to_numpy() if len(bad) else []
    slow = tk.reindex(town_ids).reset_index(drop=True)
    slow["town_id"] = np.asarray(town_ids, dtype="int64")
    if len(bad):
        t = bad["centre_time_min"].to_numpy(dtype=float)
        slow["drive time to the centre (min)"] = np.where(np.isfinite(t), t, np.nan)
        slow["reason"] = bad["reason"].astype(str).to_numpy()

    summary = cov.summary.copy()
    reach = pd.DataFrame({
        "drive time 驾车时间": [f"≤ {v:g} min" for v in summary["threshold_min"]],
        "residents reached (persons)": summary["persons_reached"].round().astype("int64"),
        "residents reached (%)": summary["persons_reached_pct"].astype(float),
        "sub-district centres reached": summary["towns_centre_reached"].astype("int64"),
    })

    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, ax = new_map(city, basemap=ctx.params.basemap, title=label(f"{len(city.stations)} 个救援站的驾车时间",
                                        f"Drive time from the {len(city.stations)} rescue stations"))
    handles = []
    for t in sorted(BAND_COLOURS, reverse=True):  # largest first, so smaller bands stay on top
        polys[polys["threshold_s"] == t].plot(ax=ax, color=BAND_COLOURS[t], alpha=0.85,
                                              linewidth=0, zorder=1)
    for t in sorted(BAND_COLOURS):
        handles.append(Patch(facecolor=BAND_COLOURS[t], label=label(
            f"{t / 60:g} 分钟内", f"within {t / 60:g} min")))
    city.stations.plot(ax=ax, markersize=6, marker="^", color="#6a3d9a", zorder=6)
    handles.append(Line2D([], [], marker="^", ls="", color="#6a3d9a",
                          label=label("救援站", "rescue station")))
    if len(bad):
        slow_geo = city.towns.loc[bad.index]
        slow_geo.boundary.plot(ax=ax, color="black", linewidth=1.6, zorder=7)
        for _, r in slow_geo.iterrows():
            pt = r.geometry.representative_point()
            ax.annotate(label(r["name"], r["name_en"]), (pt.x, pt.y), fontsize=7, zorder=16,
                        xytext=(6, 6), textcoords="offset points",
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.8})
        handles.append(Patch(facecolor="none", edgecolor="black", linewidth=1.6, label=label(
            f"{thr_min:g} 分钟内未到达的街镇", f"sub-district not reached in {thr_min:g} min")))
    legend(ax, handles, loc="upper left")
    png = figure_png(fig)

    n_towns = len(city.towns)
    pct = float(summary.loc[np.isclose(summary["threshold_s"], p.rescue_threshold_s),
                            "persons_reached_pct"].iloc[0])
    if len(slow):
        finding = Finding(
            "Rescue response time 救援时效",
            f"{len(slow)} of {n_towns} sub-district centres are not reached within "
            f"{thr_min:g} min: " + "; ".join(
                f"{r[TOWN_KEYS[0]]} {r[TOWN_KEYS[1]]} ("
                + (f"{r['drive time to the centre (min)']:.1f} min"
                   if np.isfinite(r["drive time to the centre (min)"])
                   else f"more than {thr_min:g} min")
                + ")" for _, r in slow.iterrows()) + ".",
            "Station a rescue team in each of these sub-districts, or pre-position one on the "
            "road towards it; the table in the rescue section gives the reason for each.",
            rank=12)
    else:
        finding = Finding("Rescue response time 救援时效",
                          f"All {n_towns} sub-district centres are reached within {thr_min:g} min.",
                          "Keep the station network; check again with closed roads.", rank=70)
    towns_out = cov.towns.drop(columns=[c for c in cov.towns.columns
                                        if cov.towns[c].dtype == object
                                        and c not in ("name", "name_en", "district",
                                                      "district_en", "adcode")])
    return ReportSection(
        key=KEY, title=TITLE, title_zh=TITLE_ZH,
        paragraphs=[
            f"Drive times on the directed road network (one-way streets, speed by road class, "
            f"free flow) from the {len(city.stations)} joint-defence rescue stations. "
            f"{pct:.1f} % of residents are within {thr_min:g} min.",
            (f"All {n_towns} sub-district centres are reached within {thr_min:g} min."
             if not len(slow) else
             f"{len(slow)} of the {n_towns} sub-district centres are not reached within "
             f"{thr_min:g} min; they are listed below with the reason."),
        ],
        tables=[
            Table("Reach by drive time", reach, key=("drive time 驾车时间",)),
            Table(f"Sub-districts not reached within {thr_min:g} min", slow, key=TOWN_KEYS,
                  ids=("town_id",)),
        ],
        figures=[Figure("rescue.png", "Drive-time bands from the rescue stations; sub-districts "
                        "reached too slowly outlined", png)],
        layers=[
            Layer("rescue_drive_time_bands", polys, "Areas within 5, 10 and 15 min drive of a "
                  "rescue station", "#fc8d59"),
            Layer("rescue_subdistricts", towns_out, "Sub-districts: drive time from the nearest "
                  "station to the centre", "#6a3d9a"),
        ],
        metrics=[Metric("persons_reached_within_threshold_pct", pct, "%"),
                 Metric("subdistricts_not_reached", len(slow), "count"),
                 Metric("rescue_threshold_s", p.rescue_threshold_s, "s")],
        findings=[finding],
        map_layers=[
            MapLayer("Rescue drive-time bands 驾车时间圈",
                     polys.assign(minutes=polys["threshold_s"] / 60.0)[["minutes", "geometry"]],
                     "#fc8d59", popup=("minutes",), visible=False),
            MapLayer("Rescue stations 救援站",
                     city.stations[["station_id", "name", "geometry"]], "#6a3d9a",
                     popup=("station_id", "name"), visible=False),
        ],
    )
