"""Shelter capacity against the per-resident standard, and walking coverage by shelter class."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jnrisk.report.format import pretty_header
from jnrisk.report.keys import DISTRICT_KEYS, TOWN_KEYS, district_keys, town_keys
from jnrisk.report.model import (
    Figure,
    Finding,
    Layer,
    Metric,
    ReportSection,
    Table,
    unit_from_name,
)
from jnrisk.report.plotting import choropleth, figure_png, label, legend, new_map
from jnrisk.units import JINAN_SHELTER_M2_PER_PERSON_2035

KEY = "coverage"
TITLE = "Shelter capacity and walking coverage"
TITLE_ZH = "避难场所容量与步行覆盖"

_RENAME = {
    "persons": "residents (persons)",
    "persons_built_up": "built-up residents (persons)",
    "shelters": "shelters",
    "effective_area_m2": "shelter area (m²)",
    "m2_per_resident": "area per resident (m²)",
    "shortfall_m2_now": "shortfall to the current standard (m²)",
    "shortfall_m2_target": "shortfall to the 2035 target (m²)",
    "covered_pct": "within a class's walking radius (%)",
    "unserved_persons": "without a place (persons)",
}
_COUNTS = ("residents (persons)", "built-up residents (persons)", "shelters", "shelter area (m²)",
           "shortfall to the current standard (m²)", "shortfall to the 2035 target (m²)",
           "without a place (persons)")


def _tidy(t: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    t = keys.join(t.rename(columns=_RENAME), how="inner")
    for c in _COUNTS:
        if c in t.columns:
            t[c] = t[c].fillna(0).round().astype("int64")
    return t.reset_index(drop=True)


def _key_columns(df: pd.DataFrame) -> tuple[str, ...]:
    keys = tuple(c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]))
    return keys[:2] or (df.columns[0],)


def build(ctx: Any) -> ReportSection:
    """Build the shelter coverage section."""
    from jnrisk.shelters import area_table, city_m2_per_resident, shelter_capacity, shelter_coverage

    city, p = ctx.city, ctx.params
    shelters = shelter_capacity(ctx.shelters, standard=float(p.m2_per_person))
    cov = shelter_coverage(city.population, shelters, ctx.walk)
    blocks = cov.blocks.join(ctx.allocation.unserved[["unserved_persons"]]).fillna(
        {"unserved_persons": 0})
    covered = "covered_any" if "covered_any" in blocks.columns else None
    districts = _tidy(area_table(blocks, shelters, covered_col=covered,
                                 unserved_col="unserved_persons"), district_keys(city.districts))
    towns = _tidy(area_table(blocks, shelters, by="town_id", covered_col=covered,
                             unserved_col="unserved_persons"), town_keys(city.towns))
    head = city_m2_per_resident(city.population, shelters)
    summary = cov.summary.reset_index() if cov.summary.index.name else cov.summary.copy()
    summary = summary.rename(columns=pretty_header)
    for c in summary.columns:  # persons and shelters are counts
        if c.endswith("(persons)") or c == "shelters":
            summary[c] = summary[c].round().astype("int64")
    cov_col = _RENAME["covered_pct"]
    order = [c for c in (cov_col, "residents (persons)", "without a place (persons)",
                         "shelters", "area per resident (m²)") if c in towns.columns]
    worst = towns.sort_values(order[0] if cov_col in towns else "residents (persons)")
    worst = worst[[*TOWN_KEYS, *order]].head(p.top_n)
    front = [c for c in ("residents (persons)", "built-up residents (persons)", cov_col,
                         "without a place (persons)") if c in districts.columns]
    districts = districts[[*DISTRICT_KEYS, *front,
                           *[c for c in districts.columns if c not in (*DISTRICT_KEYS, *front)]]]

    fig, ax = new_map(city, basemap=ctx.params.basemap, title=label("步行可达避难场所的居民比例（按街镇）",
                                        "Residents within walking reach of a shelter, by sub-district"))
    if cov_col in towns:
        areas = city.towns[["town_id", "geometry"]].merge(towns[["town_id", cov_col]],
                                                          on="town_id")
        areas["uncovered (%)"] = 100.0 - areas[cov_col]
        legend(ax, choropleth(ax, areas, "uncovered (%)", cmap="Purples",
                              zero_label=label("全部覆盖", "all covered"), fmt="{:.0f}"),
               label("步行半径外居民 (%)", "outside every radius (%)"))
    png = figure_png(fig)

    below = districts[districts["shortfall to the current standard (m²)"] > 0]
    findings = []
    if len(below):
        findings.append(Finding(
            "Shelter area standard 人均面积",
            f"{len(below)} of {len(districts)} districts have less than {p.m2_per_person:g} m² "
            f"of shelter area per resident: " + "; ".join(
                f"{r[DISTRICT_KEYS[0]]} {r[DISTRICT_KEYS[1]]} "
                f"({r['area per resident (m²)']:.2f} m²)"
                for _, r in below.sort_values("area per resident (m²)").head(5).iterrows()) + ".",
            f"Together they need {int(below['shortfall to the current standard (m²)'].sum()):,} m² "
            "more effective shelter area to meet the current standard.", rank=40))
    m2_built = float(head.get("m2_per_resident_built_up", np.nan))
    blocks_out = blocks.drop(columns=[c for c in blocks.columns if c.startswith("nearest_")])
    return ReportSection(
        key=KEY, title=TITLE, title_zh=TITLE_ZH,
        paragraphs=[
            f"Capacity = effective area / {p.m2_per_person:g} m² per person (Jinan standard). "
            "Coverage is by network walking distance within each shelter class's service radius.",
            f"City figure: {m2_built:.2f} m² of effective shelter area per resident of built-up "
            f"blocks; the current standard is {p.m2_per_person:g} m², the 2035 target "
            f"{JINAN_SHELTER_M2_PER_PERSON_2035:g} m².",
        ],
        tables=[
            Table("Coverage by shelter class", summary, key=_key_columns(summary)),
            Table("Districts 区县", districts, key=DISTRICT_KEYS, ids=("adcode",)),
            Table(f"Least-covered sub-districts (top {p.top_n})", worst, key=TOWN_KEYS,
                  ids=("town_id",)),
        ],
        figures=[Figure("coverage.png", "Share of residents outside every shelter class's "
                        "walking radius, by sub-district", png)],
        layers=[Layer("coverage_blocks", blocks_out, "Population blocks: walking coverage by "
                      "shelter class and residents without a place", "#9467bd")],
        metrics=[Metric(k, v, "m2/person" if k.startswith("m2_") else "persons"
                        if k.startswith("persons") else unit_from_name(k))
                 for k, v in head.items() if isinstance(v, int | float)],
        findings=findings,
    )
