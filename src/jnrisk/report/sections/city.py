"""The city: districts, residents, shelters and rescue forces."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jnrisk.report.keys import DISTRICT_KEYS, district_keys
from jnrisk.report.model import Figure, Layer, Metric, ReportSection, Table
from jnrisk.report.plotting import figure_png, label, legend, new_map

KEY = "city"
TITLE = "The city"
TITLE_ZH = "城市概况"

SHELTER_COLOURS = {"emergency": "#2ca02c", "fixed": "#ff7f0e", "central": "#d62728"}
SHELTER_CLASS_ZH = {"emergency": "紧急避难场所", "fixed": "固定避难场所", "central": "中心避难场所"}


def _district_table(city: Any) -> pd.DataFrame:
    pop, shel = city.population, city.shelters
    parts = [
        pop.groupby("district")["persons"].sum().rename("residents (persons)"),
        pop[pop["built_up"]].groupby("district")["persons"].sum()
        .rename("built-up residents (persons)"),
        pop.groupby("district").size().rename("population blocks"),
        city.towns.groupby("district").size().rename("sub-districts"),
        shel.groupby("district").size().rename("shelters"),
        shel.groupby("district")["effective_area_m2"].sum().rename("shelter area (m²)"),
        city.stations.groupby("district").size().rename("rescue stations"),
        city.teams.groupby("district")["members"].sum().rename("rescue team members"),
    ]
    t = district_keys(city.districts).join(parts).fillna(0)
    for col in t.columns[len(DISTRICT_KEYS):]:
        t[col] = t[col].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        t["shelter area per built-up resident (m²)"] = (
            t["shelter area (m²)"] / t["built-up residents (persons)"].replace(0, np.nan))
    return t.reset_index(drop=True)


def build(ctx: Any) -> ReportSection:
    """Build the city overview section."""
    city = ctx.city
    shel = ctx.shelters
    table = _district_table(city)
    n_res = int(table["residents (persons)"].sum())
    n_built = int(table["built-up residents (persons)"].sum())
    area = float(shel["effective_area_m2"].sum())
    m2 = area / max(n_built, 1)

    fig, ax = new_map(city, basemap=ctx.params.basemap, title=label("济南市：避难场所与救援站", "Jinan: shelters and rescue stations"))
    roads = city.roads
    major = roads[roads["road_class"].isin(["motorway", "trunk", "primary"])]
    major.plot(ax=ax, color="0.55", linewidth=0.4, zorder=2)
    handles = []
    from matplotlib.lines import Line2D

    for cls, colour in SHELTER_COLOURS.items():
        g = shel[shel["class"] == cls]
        if len(g):
            g.plot(ax=ax, markersize=7, color=colour, zorder=6)
            handles.append(Line2D([], [], marker="o", ls="", color=colour,
                                  label=f"{label(SHELTER_CLASS_ZH[cls], cls)} ({len(g)})"))
    city.stations.plot(ax=ax, markersize=9, marker="^", color="#6a3d9a", zorder=7)
    handles += [
        Line2D([], [], marker="^", ls="", color="#6a3d9a",
               label=f"{label('救援站', 'rescue station')} ({len(city.stations)})"),
        Line2D([], [], color="0.55", label=label("主干道路", "major roads")),
    ]
    legend(ax, handles, loc="lower left")
    png = figure_png(fig)

    return ReportSection(
        key=KEY, title=TITLE, title_zh=TITLE_ZH,
        paragraphs=[
            f"{len(city.districts)} districts, {len(city.towns)} sub-districts, {n_res:,} "
            f"residents (2020 census) in {len(city.population):,} population blocks; "
            f"{len(shel):,} shelters ({ctx.params.year} inventory) with {area / 1e6:.1f} million "
            f"m² of effective area; {len(city.stations):,} rescue stations, "
            f"{len(city.teams):,} rescue teams, {len(city.fire_forces):,} fire-rescue forces.",
            f"Effective shelter area per built-up resident: {m2:.2f} m² (all shelters' effective "
            f"area over the {n_built:,} residents of built-up blocks); the Jinan standard is "
            f"{ctx.params.m2_per_person:g} m² per person.",
        ],
        tables=[Table("Districts 区县", table, key=DISTRICT_KEYS, ids=("adcode",))],
        figures=[Figure("overview.png", "Shelters by class and rescue stations", png)],
        layers=[
            Layer("districts", city.districts, "District boundaries with census population",
                  "#555555"),
            Layer("shelters", shel, f"Shelters of the {ctx.params.year} inventory "
                  "(effective area in m²)", "#2ca02c"),
            Layer("rescue_stations", city.stations, "Joint-defence rescue stations", "#6a3d9a"),
        ],
        metrics=[
            Metric("residents", n_res, "persons"),
            Metric("population_blocks", len(city.population), "count"),
            Metric("shelters", len(shel), "count"),
            Metric("shelter_area", area, "m2"),
            Metric("shelter_area_per_built_up_resident", m2, "m2/person"),
            Metric("rescue_stations", len(city.stations), "count"),
        ],
    )
