"""Synthetic facilities: shelters, rescue, fire forces, candidate sites and forest-fire layers.

Shelters, rescue stations/teams, fire forces, candidate sites, warehouses and the forest-fire
layers (forest units, key villages, water points, lookouts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from rasterio import features
from scipy import ndimage
from scipy.spatial import cKDTree

from jnrisk._synth.geography import SOUTHERN_DISTRICTS, Frame, to_m
from jnrisk._synth.people import sample_cells, split_exact
from jnrisk._synth.terrain import CELL_M, Terrain

N_SHELTERS = 630
N_SHELTERS_2023 = 435
AREA_2023_M2 = 13_000_000.0
AREA_2024_M2 = 21_100_000.0
#: (class, count in the 2023 cohort, count in the 2024 additions, min/max effective area m²)
SHELTER_CLASSES = {
    "central": (4, 2, 500_000.0, 900_000.0),
    "fixed": (180, 80, 10_000.0, 450_000.0),
    "emergency": (251, 113, 1_000.0, 9_900.0),
}
#: Two real, named shelters (approximate locations) with their published areas.
NAMED_SHELTERS = [("泉城广场", 117.0228, 36.6610, 80_000.0, 2008),
                  ("泉城公园", 117.0062, 36.6392, 160_000.0, 2008)]
N_STATIONS = 173
N_TEAMS = 470
TEAM_MEMBERS = 18_000
N_FIRE = 82
N_CANDIDATES = 1_000
N_FOREST_UNITS = 40
N_KEY_VILLAGES = 300
SPECIALTIES = ("water_rescue", "mountain_forest", "collapse", "hazardous_chemicals", "general")


def _spread(rng, x, y, n, dmin, weights=None):
    """Greedy pick of ``n`` indices separated by >= dmin (relaxing dmin if needed)."""
    p = None if weights is None else weights / weights.sum()
    order = rng.choice(len(x), size=len(x), replace=False, p=p)
    chosen: list[int] = []
    pts = np.column_stack([x, y])
    while len(chosen) < n:
        tree_pts = np.empty((0, 2))
        for j in order:
            if len(chosen) >= n:
                break
            if j in chosen:
                continue
            if len(tree_pts) and np.min(np.hypot(*(tree_pts - pts[j]).T)) < dmin:
                continue
            chosen.append(int(j))
            tree_pts = pts[chosen]
        dmin *= 0.7
    return np.asarray(chosen, np.int64)


def _shelter_areas(rng, cohort: int, target: float, fixed_override: tuple[float, ...] = ()):
    """Return the classes and effective areas [m²] of one cohort.

    The first fixed sites take the areas in ``fixed_override`` and the other fixed sites are
    scaled so the cohort sums to ``target``.
    """
    classes, areas = [], []
    for cls, (n23, n24, lo, hi) in SHELTER_CLASSES.items():
        n = n23 if cohort == 2023 else n24
        fixed = cls == "fixed"
        a = rng.lognormal(np.log(40_000.0), 0.7, n) if fixed else rng.uniform(lo, hi, n)
        classes += [cls] * n
        areas.append(np.clip(a, lo, hi))
    areas = np.concatenate(areas)
    classes = np.asarray(classes, dtype=object)
    fixed_idx = np.flatnonzero(classes == "fixed")
    areas[fixed_idx[: len(fixed_override)]] = fixed_override
    free = np.zeros(len(areas), bool)
    free[fixed_idx[len(fixed_override):]] = True
    lo, hi = SHELTER_CLASSES["fixed"][2:]
    for _ in range(50):  # scale the free fixed sites so the cohort hits its published total
        f = (target - areas[~free].sum()) / areas[free].sum()
        areas[free] = np.clip(areas[free] * f, lo, hi)
    return classes, np.round(areas), fixed_idx[: len(fixed_override)]


def make_shelters(frame: Frame, terrain: Terrain, dist_r, blocks, town_of_xy, rng):
    d = frame.districts
    lc = terrain.landcover
    named = tuple(s[3] for s in NAMED_SHELTERS)
    c23, a23, fixed_idx = _shelter_areas(rng, 2023, AREA_2023_M2, named)
    c24, a24, _ = _shelter_areas(rng, 2024, AREA_2024_M2 - AREA_2023_M2)
    years23 = np.sort(rng.integers(2008, 2024, size=N_SHELTERS_2023))
    classes = np.concatenate([c23, c24])
    areas = np.concatenate([a23, a24])
    years = np.concatenate([years23, np.full(len(c24), 2024)])
    nx, ny = to_m([s[1] for s in NAMED_SHELTERS], [s[2] for s in NAMED_SHELTERS])
    for k, j in enumerate(fixed_idx):
        years[j] = NAMED_SHELTERS[k][4]
    # per-district counts proportional to built-up population
    bu = blocks[blocks["built_up"]].groupby("adcode")["persons"].sum()
    counts = split_exact(N_SHELTERS, d["adcode"].map(bu).fillna(0).to_numpy())
    district_of = np.repeat(np.arange(len(d)), counts)
    rng.shuffle(district_of)
    x = np.empty(N_SHELTERS)
    y = np.empty(N_SHELTERS)
    for i in range(len(d)):
        sel = np.flatnonzero(district_of == i)
        if len(sel) == 0:
            continue
        cx, cy = sample_cells(rng, (dist_r == i) & (lc == 1), None, len(sel) * 6, terrain,
                              d.geometry.values[i])
        pick = _spread(rng, cx, cy, len(sel), 500.0)
        x[sel], y[sel] = cx[pick], cy[pick]
    # named shelters: put them at their real places, in Lixia / Shizhong
    for k, j in enumerate(fixed_idx):
        x[j], y[j] = float(nx[k]), float(ny[k])
    didx = np.asarray([_district_of_point(frame, a, b) for a, b in zip(x, y, strict=True)])
    names = np.array([f"避难场所{i + 1:03d}" for i in range(N_SHELTERS)], dtype=object)
    for k, j in enumerate(fixed_idx):
        names[j] = NAMED_SHELTERS[k][0]
    return pd.DataFrame({
        "shelter_id": np.arange(N_SHELTERS, dtype=np.int64),
        "name": names,
        "class": classes.astype(str),
        "effective_area_m2": areas.astype(np.float64),
        "built_year": years.astype(np.int64),
        "district": d["name"].to_numpy()[didx],
        "district_en": d["name_en"].to_numpy()[didx],
        "town_id": town_of_xy(x, y),
        "x": x, "y": y,
    })


def _district_of_point(frame, x, y):
    for i, g in enumerate(frame.districts.geometry.values):
        if shapely.contains_xy(g, x, y):
            return i
    raise RuntimeError("point outside every district")


def make_stations(towns: pd.DataFrame, blocks: pd.DataFrame, rng):
    """One station per town at its most populous block, plus extras in the largest towns."""
    b = blocks.sort_values(["town_id", "persons"], ascending=[True, False])
    first = b.groupby("town_id").head(2)
    top1 = first.groupby("town_id").head(1).set_index("town_id")
    top2 = first.groupby("town_id").tail(1).set_index("town_id")
    pop = blocks.groupby("town_id")["persons"].sum().sort_values(ascending=False)
    extra = pop.index[: N_STATIONS - len(towns)]
    rows = []
    tw = towns.set_index("town_id")
    for tid in tw.index:
        r = top1.loc[tid]
        rows.append((tid, r["x"], r["y"]))
    for tid in extra:
        r = top2.loc[tid]
        rows.append((tid, r["x"] + 30.0, r["y"] + 30.0))
    st = pd.DataFrame(rows, columns=["town_id", "x", "y"])
    st.insert(0, "station_id", np.arange(len(st), dtype=np.int64))
    st["name"] = [f"{tw.loc[t, 'name']}应急联防救援站{'二' if i >= len(towns) else ''}"
                  for i, t in enumerate(st["town_id"])]
    st["district"] = tw.loc[st["town_id"], "district"].to_numpy()
    st["district_en"] = tw.loc[st["town_id"], "district_en"].to_numpy()
    return st


def make_teams(frame: Frame, stations: pd.DataFrame, rng):
    d = frame.districts
    counts = split_exact(N_TEAMS, d["pop2020"].to_numpy() ** 0.8)
    rows = []
    for i, r in d.iterrows():
        p = np.array([0.15, 0.10, 0.20, 0.10, 0.45])
        if r["name_en"] in SOUTHERN_DISTRICTS:
            p = p + np.array([0.0, 0.20, 0.0, 0.0, 0.0])
        if r["name_en"] in ("Tianqiao", "Huaiyin", "Jiyang", "Changqing", "Pingyin", "Zhangqiu"):
            p = p + np.array([0.12, 0.0, 0.0, 0.0, 0.0])
        p = p / p.sum()
        spec = rng.choice(len(SPECIALTIES), size=counts[i], p=p)
        sts = stations[stations["district_en"] == r["name_en"]]
        at = rng.integers(0, len(sts), size=counts[i])
        for s, a in zip(spec, at, strict=True):
            st = sts.iloc[a]
            rows.append((SPECIALTIES[s], r["name"], r["name_en"], int(st["station_id"]),
                         st["x"] + rng.uniform(-60, 60), st["y"] + rng.uniform(-60, 60)))
    t = pd.DataFrame(rows, columns=["specialty", "district", "district_en", "station_id", "x", "y"])
    t.insert(0, "team_id", np.arange(len(t), dtype=np.int64))
    t["members"] = split_exact(TEAM_MEMBERS, rng.lognormal(0.0, 0.5, len(t)))
    t["members"] = np.maximum(t["members"], 5)
    zh = {"water_rescue": "水域救援队", "mountain_forest": "山地森林救援队", "collapse": "建筑坍塌救援队",
          "hazardous_chemicals": "危化品救援队", "general": "综合救援队"}
    t["name"] = [f"{dd}{zh[s]}{i + 1:03d}" for i, (dd, s) in
                 enumerate(zip(t["district"], t["specialty"], strict=True))]
    return t


def make_fire_forces(frame, terrain, dist_r, rng, town_of_xy):
    d = frame.districts
    counts = split_exact(N_FIRE, d["pop2020"].to_numpy() ** 0.7)
    lc = terrain.landcover
    rows = []
    for i, r in d.iterrows():
        n = int(counts[i])
        has_forest = bool(((dist_r == i) & (lc == 2)).sum() > 100)
        n_forest = 1 if r["name_en"] in SOUTHERN_DISTRICTS and n > 2 and has_forest else 0
        x, y = sample_cells(rng, (dist_r == i) & (lc == 1), None, (n - n_forest) * 5, terrain,
                            r.geometry)
        pick = _spread(rng, x, y, n - n_forest, 2_500.0)
        kinds = ["urban"] * len(pick)
        xs, ys = list(x[pick]), list(y[pick])
        if n_forest:
            fx, fy = sample_cells(rng, (dist_r == i) & (lc == 2), None, 1, terrain, r.geometry)
            xs.append(fx[0])
            ys.append(fy[0])
            kinds.append("forest")
        for k, (a, b) in enumerate(zip(xs, ys, strict=True)):
            rows.append((r["name"], r["name_en"], kinds[k], a, b))
    f = pd.DataFrame(rows, columns=["district", "district_en", "kind", "x", "y"])
    f.insert(0, "force_id", np.arange(len(f), dtype=np.int64))
    f["name"] = [f"{dd}消防救援站{i + 1:02d}" if k == "urban" else f"{dd}森林消防中队"
                 for i, (dd, k) in enumerate(zip(f["district"], f["kind"], strict=True))]
    f["members"] = rng.integers(25, 61, len(f)).astype(np.int64)
    f["vehicles"] = rng.integers(4, 13, len(f)).astype(np.int64)
    f["town_id"] = town_of_xy(f["x"].to_numpy(), f["y"].to_numpy())
    return f


def make_candidates(frame, terrain, dist_r, blocks, rng, town_of_xy):
    d = frame.districts
    lc = terrain.landcover
    bu = blocks[blocks["built_up"]].groupby("adcode")["persons"].sum()
    counts = split_exact(N_CANDIDATES, d["adcode"].map(bu).fillna(0).to_numpy())
    xs, ys, dd = [], [], []
    for i in range(len(d)):
        if counts[i] == 0:
            continue
        x, y = sample_cells(rng, (dist_r == i) & (lc == 1), None, int(counts[i]), terrain,
                            d.geometry.values[i])
        xs.append(x)
        ys.append(y)
        dd += [i] * len(x)
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    dd = np.asarray(dd)
    kinds = np.asarray(["park", "square", "school_ground"], dtype=object)[
        rng.choice(3, size=len(x), p=[0.35, 0.25, 0.40])]
    area = np.where(kinds == "park", rng.lognormal(np.log(30_000), 0.7, len(x)),
                    np.where(kinds == "square", rng.lognormal(np.log(8_000), 0.6, len(x)),
                             rng.lognormal(np.log(9_000), 0.4, len(x))))
    area = np.round(np.clip(area, 2_000.0, 250_000.0))
    return pd.DataFrame({
        "candidate_id": np.arange(len(x), dtype=np.int64),
        "name": [f"备选场地{i + 1:04d}" for i in range(len(x))],
        "kind": kinds.astype(str),
        "effective_area_m2": area,
        "district": d["name"].to_numpy()[dd],
        "district_en": d["name_en"].to_numpy()[dd],
        "town_id": town_of_xy(x, y),
        "x": x, "y": y,
    })


def make_warehouses(frame, terrain, dist_r, rng):
    d = frame.districts
    lc = terrain.landcover
    rows = []
    core = frame.builtup.geometry.values[0]
    p = core.centroid
    rows.append(("济南市级应急物资储备库", "city", "历城区", "Licheng", p.x + 6_000.0, p.y + 1_500.0,
                 50_000))
    for i, r in d.iterrows():
        x, y = sample_cells(rng, (dist_r == i) & (lc == 1), None, 1, terrain, r.geometry)
        rows.append((f"{r['name']}应急物资储备库", "district", r["name"], r["name_en"], x[0], y[0],
                     int(rng.integers(5_000, 7_001))))
    w = pd.DataFrame(rows, columns=["name", "level", "district", "district_en", "x", "y",
                                    "capacity_persons"])
    w.insert(0, "warehouse_id", np.arange(len(w), dtype=np.int64))
    w["capacity_persons"] = w["capacity_persons"].astype(np.int64)
    w["stock_person_days"] = (w["capacity_persons"] * 7).astype(np.int64)
    return w


def make_forest(frame: Frame, terrain: Terrain, dist_r, blocks, rng):
    """Build forest units, their fuel summaries, key villages, water points and lookouts.

    Forest units are Voronoi cells of forest seeds, clipped to district and a 5 km disc; fuel
    summaries come from land cover.
    """
    d = frame.districts
    lc = terrain.landcover
    south_idx = [i for i, n in enumerate(d["name_en"]) if n in SOUTHERN_DISTRICTS]
    fmask = np.isin(dist_r, south_idx) & (lc == 2)
    rows_, cols_ = np.nonzero(fmask)
    fx = terrain.transform.c + (cols_ + 0.5) * CELL_M
    fy = terrain.transform.f - (rows_ + 0.5) * CELL_M
    sub = rng.choice(len(fx), size=min(len(fx), 20_000), replace=False)
    pick = sub[_spread(rng, fx[sub], fy[sub], N_FOREST_UNITS, 7_000.0)]
    sx, sy = fx[pick], fy[pick]
    o = np.lexsort((sx, -sy))
    sx, sy = sx[o], sy[o]
    sd = dist_r[rows_[pick][o], cols_[pick][o]]
    vor = np.asarray(shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(np.column_stack([sx, sy])),
        extend_to=frame.city.envelope.buffer(20_000))))
    owner = np.array([np.flatnonzero(shapely.contains_xy(c, sx, sy))[0] for c in vor])
    polys = [None] * len(sx)
    for c, k in zip(vor, owner, strict=True):
        disc = shapely.Point(sx[k], sy[k]).buffer(5_000.0, quad_segs=12)
        polys[k] = shapely.intersection(shapely.intersection(c, disc), d.geometry.values[sd[k]])
    lab = features.rasterize([(g, k + 1) for k, g in enumerate(polys)], out_shape=lc.shape,
                             transform=terrain.transform, fill=0, dtype="int32")
    idx = np.arange(1, len(polys) + 1)
    ncell = ndimage.sum(np.ones_like(lab), lab, idx)
    forest_pct = 100.0 * ndimage.sum(lc == 2, lab, idx) / ncell
    grass_pct = 100.0 * ndimage.sum(lc == 5, lab, idx) / ncell
    elev_mean = ndimage.mean(terrain.dem, lab, idx)
    elev_max = ndimage.maximum(terrain.dem, lab, idx)
    top = ndimage.maximum_position(terrain.dem, lab, idx)
    fuel = np.where(forest_pct >= grass_pct, "forest", "grass")
    score = forest_pct / 100.0 + 0.5 * grass_pct / 100.0 + np.clip(elev_mean / 800.0, 0, 1)
    risk = np.clip(1 + np.floor(score / score.max() * 4.999), 1, 5).astype(np.int64)
    names = [f"{d['name'].iloc[sd[k]]}{k + 1:02d}号林区" for k in range(len(polys))]
    units = pd.DataFrame({
        "unit_id": np.arange(len(polys), dtype=np.int64), "name": names,
        "district": d["name"].to_numpy()[sd], "district_en": d["name_en"].to_numpy()[sd],
        "forest_farm": [f"林场{(k % 12) + 1:02d}" for k in range(len(polys))],
        "fuel_type": fuel.astype(str), "forest_pct": np.round(forest_pct, 2),
        "grass_pct": np.round(grass_pct, 2), "mean_elevation_m": np.round(elev_mean, 1),
        "max_elevation_m": np.round(elev_max.astype(float), 1), "risk_level": risk,
        "area_m2": shapely.area(np.asarray(polys, dtype=object)).round(0),
        "geometry": polys,
    })
    # key villages: rural blocks inside or within 1 km of a unit
    rural = blocks[~blocks["built_up"]]
    near = shapely.union_all([shapely.buffer(g, 1_000.0) for g in polys])
    shapely.prepare(near)
    inside = shapely.contains_xy(near, rural["x"].to_numpy(), rural["y"].to_numpy())
    cand = rural[inside]
    sel = np.sort(rng.choice(len(cand), size=min(N_KEY_VILLAGES, len(cand)), replace=False))
    v = cand.iloc[sel]
    utree = cKDTree(np.column_stack([sx, sy]))
    _, nu = utree.query(np.column_stack([v["x"], v["y"]]), k=1)
    villages = pd.DataFrame({
        "village_id": np.arange(len(v), dtype=np.int64),
        "name": [f"重点村{i + 1:03d}" for i in range(len(v))],
        "persons": v["persons"].to_numpy(np.int64),
        "block_id": v["block_id"].to_numpy(np.int64),
        "unit_id": nu.astype(np.int64),
        "district": v["district"].to_numpy(), "district_en": v["district_en"].to_numpy(),
        "x": v["x"].to_numpy(), "y": v["y"].to_numpy(),
    })
    # water points: 3-8 per unit inside the unit
    wrows = []
    for k, g in enumerate(polys):
        n = int(rng.integers(3, 9))
        x0, y0, x1, y1 = g.bounds
        px = rng.uniform(x0, x1, n * 20)
        py = rng.uniform(y0, y1, n * 20)
        ok = shapely.contains_xy(g, px, py)
        px, py = px[ok][:n], py[ok][:n]
        for a, b in zip(px, py, strict=True):
            kind = "reservoir" if rng.random() < 0.4 else "bladder"
            vol = float(rng.integers(50, 201)) if kind == "reservoir" else float(rng.integers(5, 21))
            wrows.append((k, kind, vol, a, b))
    water = pd.DataFrame(wrows, columns=["unit_id", "kind", "volume_m3", "x", "y"])
    water.insert(0, "water_point_id", np.arange(len(water), dtype=np.int64))
    # lookout towers at the highest cell of each unit
    tr, tc = np.array(top).T
    lookouts = pd.DataFrame({
        "lookout_id": np.arange(len(polys), dtype=np.int64),
        "name": [f"瞭望塔{k + 1:02d}" for k in range(len(polys))],
        "unit_id": np.arange(len(polys), dtype=np.int64),
        "elevation_m": elev_max.astype(np.float64).round(1),
        "x": terrain.transform.c + (tc + 0.5) * CELL_M,
        "y": terrain.transform.f - (tr + 0.5) * CELL_M,
    })
    return units, villages, water, lookouts
