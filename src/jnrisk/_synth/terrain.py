"""Synthetic 90 m DEM and land-cover grid in EPSG:4548, shaped to Jinan's relief.

South: the Taishan northern foothills (peaks scaled to 1,100 m); north: the Yellow River plain
(~20-25 m); Laiwu sits in a basin; small depressions along the railway in the core are the
waterlogging low points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from affine import Affine
from rasterio import features
from scipy import ndimage

from jnrisk._synth.geography import Frame, to_m

CELL_M = 90.0
NODATA_DEM = -9999.0
NODATA_LC = 0
#: Land-cover codes (also documented in data/README.md).
LANDCOVER_CODES = {1: "built_up", 2: "forest", 3: "farmland", 4: "water", 5: "bare_grass"}
PEAK_M = 1100.0

#: Mountain front (lon/lat): plain to the north, hills to the south.
MOUNTAIN_FRONT_LONLAT = [(116.10, 36.42), (116.45, 36.50), (116.70, 36.575), (116.90, 36.615),
                         (117.00, 36.628), (117.15, 36.640), (117.35, 36.655), (117.55, 36.640),
                         (117.75, 36.600), (118.00, 36.55)]
LAIWU_BASIN = (117.62, 36.22, 14_000.0)
DAMING_LAKE = (117.022, 36.675, 450.0)
#: Reservoirs in the southern hills (lon, lat, radius m): sketches of Wohushan, Jinxiuchuan,
#: Queshan, Xueye, etc.
RESERVOIRS = [(117.02, 36.46, 900.0), (117.18, 36.50, 700.0), (116.93, 36.50, 500.0),
              (117.62, 36.43, 1100.0), (117.40, 36.52, 500.0), (116.70, 36.40, 500.0),
              (117.88, 36.18, 600.0)]


@dataclass(frozen=True)
class Terrain:
    dem: np.ndarray  # float32, NODATA_DEM outside the city
    landcover: np.ndarray  # uint8, 0 outside the city
    transform: Affine
    inside: np.ndarray  # bool mask of city cells
    hilliness: np.ndarray  # float32 0..1
    depressions: np.ndarray  # (n, 4): x, y, depth_m, sigma_m

    def sample(self, x: np.ndarray, y: np.ndarray, which: str = "dem") -> np.ndarray:
        """Nearest-cell values at points (x, y in EPSG:4548)."""
        arr = getattr(self, which)
        col = np.clip(((x - self.transform.c) / CELL_M).astype(np.int64), 0, arr.shape[1] - 1)
        row = np.clip(((self.transform.f - y) / CELL_M).astype(np.int64), 0, arr.shape[0] - 1)
        return arr[row, col]


def _noise(rng: np.random.Generator, shape: tuple[int, int], scale_cells: float) -> np.ndarray:
    """Smooth noise with unit std and a feature size of about ``scale_cells`` cells."""
    cshape = (int(np.ceil(shape[0] / scale_cells)) + 3, int(np.ceil(shape[1] / scale_cells)) + 3)
    coarse = rng.standard_normal(cshape)
    zoomed = ndimage.zoom(coarse, (scale_cells, scale_cells), order=3, mode="nearest", grid_mode=False)
    out = zoomed[: shape[0], : shape[1]].astype(np.float32)
    return (out - out.mean()) / (out.std() + 1e-9)


def grid_for(frame: Frame) -> tuple[Affine, tuple[int, int]]:
    xmin, ymin, xmax, ymax = frame.city.bounds
    x0 = np.floor(xmin / CELL_M) * CELL_M - 2 * CELL_M
    y1 = np.ceil(ymax / CELL_M) * CELL_M + 2 * CELL_M
    ncol = int(np.ceil((xmax - x0) / CELL_M)) + 2
    nrow = int(np.ceil((y1 - ymin) / CELL_M)) + 2
    return Affine(CELL_M, 0.0, x0, 0.0, -CELL_M, y1), (nrow, ncol)


def make_terrain(frame: Frame, rng: np.random.Generator) -> Terrain:
    transform, shape = grid_for(frame)
    nrow, ncol = shape
    xs = transform.c + (np.arange(ncol) + 0.5) * CELL_M
    ys = transform.f - (np.arange(nrow) + 0.5) * CELL_M
    X, Y = np.meshgrid(xs.astype(np.float64), ys.astype(np.float64))

    inside = features.rasterize([(frame.city, 1)], out_shape=shape, transform=transform,
                                fill=0, dtype="uint8").astype(bool)

    # distance south of the mountain front -> hilliness 0..1
    fx, fy = to_m(*zip(*MOUNTAIN_FRONT_LONLAT, strict=True))
    front_y = np.interp(xs, fx, fy)[None, :]
    south_m = front_y - Y
    n_big = _noise(rng, shape, 120.0)
    n_mid = _noise(rng, shape, 40.0)
    n_small = _noise(rng, shape, 12.0)
    n_fine = _noise(rng, shape, 4.0)
    wobble = 3_000.0 * n_big
    t = np.clip((south_m + wobble) / 14_000.0, 0.0, 1.0)
    hill = (t * t * (3 - 2 * t)).astype(np.float32)
    bx, by = to_m(LAIWU_BASIN[0], LAIWU_BASIN[1])
    d2 = (X - float(bx)) ** 2 + (Y - float(by)) ** 2
    hill *= (1.0 - 0.75 * np.exp(-d2 / (2 * LAIWU_BASIN[2] ** 2))).astype(np.float32)
    # relief grows further south (Taishan foothills at the southern border)
    deep = np.clip((south_m - 5_000.0) / 35_000.0, 0.0, 1.0).astype(np.float32)

    ridged = 1.0 - np.abs(np.tanh(0.8 * n_mid))  # sharp ridges, broad valleys
    relief = (0.35 + 0.65 * deep) * (0.55 * ridged + 0.25 * (n_small * 0.5 + 0.5)
                                     + 0.10 * (n_big * 0.5 + 0.5)) + 0.03 * n_fine
    relief = np.clip(relief, 0.0, None) * hill

    # plain: ~25 m at the river, rising gently to the south, falling slowly to the north-east
    rcoords = np.asarray(frame.river.coords)
    river_y = np.interp(xs, rcoords[:, 0], rcoords[:, 1])[None, :]
    dy = Y - river_y
    plain = np.where(dy < 0, 25.0 + 0.0007 * (-dy), 25.0 - 0.00012 * dy)
    plain = plain - 0.00002 * (X - X.mean()) + 1.5 * n_small
    plain = plain.astype(np.float32)

    scale = (PEAK_M - 60.0) / max(float(relief[inside].max()), 1e-6)
    dem = (plain + scale * relief).astype(np.float32)

    # urban depressions: railway underpasses and low points in the core
    wline = frame.railway
    k = 28
    pos = np.sort(rng.uniform(0.03, 0.97, size=k)) * wline.length
    pts = shapely.line_interpolate_point(wline, pos)
    px, py = shapely.get_x(pts), shapely.get_y(pts)
    extra = 14
    core = frame.builtup.geometry.values[0]
    cx0, cy0, cx1, cy1 = core.bounds
    ex = rng.uniform(cx0, cx1, size=extra * 4)
    ey = rng.uniform(cy0, cy1, size=extra * 4)
    keep = shapely.contains_xy(core, ex, ey)
    ex, ey = ex[keep][:extra], ey[keep][:extra]
    dx = np.concatenate([px, ex])
    dyy = np.concatenate([py, ey])
    depth = rng.uniform(2.0, 4.5, size=len(dx))
    sigma = rng.uniform(120.0, 260.0, size=len(dx))
    for x0, y0, d, s in zip(dx, dyy, depth, sigma, strict=True):
        c = int((x0 - transform.c) / CELL_M)
        r = int((transform.f - y0) / CELL_M)
        r0, r1 = max(r - 8, 0), min(r + 9, nrow)
        c0, c1 = max(c - 8, 0), min(c + 9, ncol)
        g2 = (X[r0:r1, c0:c1] - x0) ** 2 + (Y[r0:r1, c0:c1] - y0) ** 2
        dem[r0:r1, c0:c1] -= (d * np.exp(-g2 / (2 * s * s))).astype(np.float32)
    depressions = np.column_stack([dx, dyy, depth, sigma])

    dem = np.round(dem, 1).astype(np.float32)

    # land cover
    lc = np.full(shape, 3, dtype=np.uint8)
    slope_proxy = hill * (0.5 + 0.5 * ridged)
    forest = (hill > 0.35) & ((n_small + 0.8 * n_mid) > -0.4 + 0.6 * (1 - slope_proxy))
    bare = (hill > 0.25) & ~forest
    bare |= dem > 850.0
    lc[forest] = 2
    lc[bare & ~forest] = 5
    lc[(dem > 950.0)] = 5
    built = features.rasterize([(g, 1) for g in frame.builtup.geometry.values if not g.is_empty],
                               out_shape=shape, transform=transform, fill=0, dtype="uint8")
    lc[built.astype(bool)] = 1
    water_geoms = [frame.river_area]
    for lon, lat, rad in (DAMING_LAKE, *RESERVOIRS):
        x, y = to_m(lon, lat)
        water_geoms.append(shapely.Point(float(x), float(y)).buffer(rad))
    water = features.rasterize([(g, 1) for g in water_geoms], out_shape=shape,
                               transform=transform, fill=0, dtype="uint8").astype(bool)
    lc[water] = 4
    # reservoirs sit in valleys: flatten the DEM on them to their local minimum
    lab, nlab = ndimage.label(water & (hill > 0.1))
    if nlab:
        mins = ndimage.minimum(dem, lab, index=np.arange(1, nlab + 1))
        flat = np.concatenate([[0.0], mins]).astype(np.float32)
        dem = np.where(lab > 0, flat[lab], dem).astype(np.float32)

    dem[~inside] = NODATA_DEM
    lc[~inside] = NODATA_LC
    return Terrain(dem, lc, transform, inside, hill, depressions)
