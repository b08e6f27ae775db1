"""Real frame (boundaries, census) and the synthetic geography drawn on it.

Everything is computed in the analysis CRS (EPSG:4548, metres). The named places below are
approximate real locations (lon/lat, WGS84) used only to shape the synthetic city; the river line,
built-up areas and railway are generalised sketches, not surveyed lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

ANALYSIS_CRS = "EPSG:4548"
EXCHANGE_CRS = "EPSG:4326"

_TO_M = Transformer.from_crs(EXCHANGE_CRS, ANALYSIS_CRS, always_xy=True)
_TO_DEG = Transformer.from_crs(ANALYSIS_CRS, EXCHANGE_CRS, always_xy=True)

#: Yellow River centre line (generalised sketch, lon/lat), south-west to north-east.
YELLOW_RIVER_LONLAT = [
    (115.95, 36.10), (116.15, 36.20), (116.30, 36.27), (116.45, 36.36), (116.58, 36.46), (116.70, 36.56),
    (116.80, 36.63), (116.90, 36.70), (116.98, 36.735), (117.06, 36.765), (117.15, 36.82),
    (117.25, 36.89), (117.35, 36.95), (117.45, 37.01), (117.55, 37.06), (117.70, 37.14),
    (117.85, 37.22), (118.10, 37.36),
]
#: Half-width of the river channel used to cut roads and paint water [m].
RIVER_HALF_WIDTH_M = 350.0

#: Core built-up ellipse (centre lon/lat, semi-axes m, rotation deg): the central city.
CORE_ELLIPSE = ((117.05, 36.665), 21_000.0, 6_500.0, 8.0)
#: Satellite built-up areas (name_en, lon, lat, radius m).
TOWN_CENTRES = [
    ("Changqing", 116.75, 36.56, 3_800.0),
    ("Changqing-UniversityTown", 116.83, 36.545, 2_600.0),
    ("Zhangqiu", 117.53, 36.715, 4_800.0),
    ("Jiyang", 117.18, 36.975, 3_600.0),
    ("Laiwu", 117.67, 36.21, 5_200.0),
    ("Gangcheng", 117.81, 36.06, 3_200.0),
    ("Pingyin", 116.45, 36.29, 2_800.0),
    ("Shanghe", 117.16, 37.31, 3_000.0),
    ("Licheng-Tangye", 117.22, 36.74, 2_800.0),
]
#: Rail line through the core (sketch of the Jiaoji railway, lon/lat): the underpasses on it
#: are the classic waterlogging low points.
RAILWAY_LONLAT = [(116.86, 36.66), (116.95, 36.672), (117.00, 36.676), (117.05, 36.680),
                  (117.10, 36.682), (117.18, 36.690), (117.26, 36.700)]

#: Share of each district's 2020 census population living in the built-up area (calibration
#: choice so that the built-up total is ~6.5 million, see data/README.md).
BUILT_UP_SHARE = {
    "Lixia": 0.98, "Shizhong": 0.93, "Huaiyin": 0.97, "Tianqiao": 0.90, "Licheng": 0.76,
    "Changqing": 0.50, "Zhangqiu": 0.50, "Jiyang": 0.45, "Laiwu": 0.55, "Gangcheng": 0.60,
    "Pingyin": 0.40, "Shanghe": 0.40,
}
#: Number of sub-districts/towns per district (sums to 161; roughly the real counts).
TOWNS_PER_DISTRICT = {
    "Lixia": 14, "Shizhong": 17, "Huaiyin": 16, "Tianqiao": 15, "Licheng": 21, "Changqing": 10,
    "Zhangqiu": 18, "Jiyang": 10, "Laiwu": 15, "Gangcheng": 5, "Pingyin": 8, "Shanghe": 12,
}
CORE_DISTRICTS = ("Lixia", "Shizhong", "Huaiyin", "Tianqiao", "Licheng")
#: Hilly southern districts (forest units, villages, fire assets go here).
SOUTHERN_DISTRICTS = ("Licheng", "Shizhong", "Zhangqiu", "Laiwu", "Gangcheng", "Changqing",
                      "Pingyin", "Lixia")


def to_m(lon, lat):
    """Project lon/lat arrays (degrees) to EPSG:4548 metres."""
    x, y = _TO_M.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


@dataclass(frozen=True)
class Frame:
    """The real frame in metres plus the sketched geography."""

    city: shapely.Geometry
    districts: gpd.GeoDataFrame  # adcode, name, name_en, pop2020, geometry (EPSG:4548)
    river: shapely.LineString
    river_area: shapely.Geometry
    builtup: gpd.GeoDataFrame  # name_en, district_en (for core parts), geometry
    builtup_union: shapely.Geometry
    railway: shapely.LineString


def load_frame(real_dir: Path) -> Frame:
    """Read the real boundary and census files and build the sketched geography."""
    districts = gpd.read_file(real_dir / "jinan_districts.geojson").to_crs(ANALYSIS_CRS)
    census = pd.read_csv(real_dir / "jinan_district_population_census.csv", dtype={"adcode": str})
    pop = dict(zip(census["adcode"], census["pop_census_2020"], strict=True))
    districts = districts[["adcode", "name", "name_en", "geometry"]].copy()
    districts["adcode"] = districts["adcode"].astype(str)
    districts["pop2020"] = districts["adcode"].map(pop).astype("int64")
    districts = districts.sort_values("adcode").reset_index(drop=True)
    city_gdf = gpd.read_file(real_dir / "jinan_city.geojson").to_crs(ANALYSIS_CRS)
    city = shapely.union_all(city_gdf.geometry.values)
    shapely.prepare(city)

    rx, ry = to_m(*zip(*YELLOW_RIVER_LONLAT, strict=True))
    river = shapely.LineString(np.column_stack([rx, ry]))
    river_area = shapely.intersection(river.buffer(RIVER_HALF_WIDTH_M), city)

    (clon, clat), ax, ay, rot = CORE_ELLIPSE
    cx, cy = to_m(clon, clat)
    t = np.linspace(0, 2 * np.pi, 181)[:-1]
    ex, ey = ax * np.cos(t), ay * np.sin(t)
    r = np.deg2rad(rot)
    ellipse = shapely.Polygon(np.column_stack([
        float(cx) + ex * np.cos(r) - ey * np.sin(r), float(cy) + ex * np.sin(r) + ey * np.cos(r)]))
    south = _south_of_river(river, city)
    core = shapely.intersection(ellipse, south).buffer(0)
    core = shapely.difference(core, river.buffer(RIVER_HALF_WIDTH_M + 150.0))
    names = ["core"]
    geoms = [core]
    for name, lon, lat, rad in TOWN_CENTRES:
        x, y = to_m(lon, lat)
        g = shapely.Point(float(x), float(y)).buffer(rad, quad_segs=16)
        g = shapely.difference(shapely.intersection(g, city),
                               river.buffer(RIVER_HALF_WIDTH_M + 150.0))
        names.append(name)
        geoms.append(g)
    builtup = gpd.GeoDataFrame({"name_en": names}, geometry=geoms, crs=ANALYSIS_CRS)
    builtup_union = shapely.union_all(geoms)
    shapely.prepare(builtup_union)
    wx, wy = to_m(*zip(*RAILWAY_LONLAT, strict=True))
    railway = shapely.LineString(np.column_stack([wx, wy]))
    for g in districts.geometry.values:
        shapely.prepare(g)
    return Frame(city, districts, river, river_area, builtup, builtup_union, railway)


def _south_of_river(river: shapely.LineString, city: shapely.Geometry) -> shapely.Geometry:
    """Return the half-plane south-east of the river line as a polygon covering the city."""
    xmin, ymin, xmax, ymax = city.bounds
    coords = np.asarray(river.coords)
    pad = 200_000.0
    ring = np.vstack([
        [[coords[0, 0] - pad, coords[0, 1] - pad * 0.5]],
        coords,
        [[coords[-1, 0] + pad, coords[-1, 1] + pad * 0.5]],
        [[xmax + pad, ymin - pad]],
        [[xmin - pad, ymin - pad]],
    ])
    return shapely.Polygon(ring).buffer(0)


def river_side(frame: Frame, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """+1 north-west of the river, -1 south-east of it (vectorised, via the river y at x)."""
    coords = np.asarray(frame.river.coords)
    ry = np.interp(x, coords[:, 0], coords[:, 1])
    return np.where(y > ry, 1, -1).astype(np.int8)


def district_index(frame: Frame, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row index into ``frame.districts`` for each point, -1 when outside every district."""
    out = np.full(len(x), -1, dtype=np.int64)
    for i, g in enumerate(frame.districts.geometry.values):
        todo = out < 0
        if not todo.any():
            break
        inside = shapely.contains_xy(g, x[todo], y[todo])
        idx = np.flatnonzero(todo)[inside]
        out[idx] = i
    return out
