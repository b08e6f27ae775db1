"""Population blocks (exact 2020 census totals per district) and sub-district/town polygons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from rasterio import features
from scipy.spatial import cKDTree

from jnrisk._synth.geography import BUILT_UP_SHARE, TOWNS_PER_DISTRICT, Frame
from jnrisk._synth.terrain import CELL_M, Terrain

N_BLOCKS = 50_000
PERSONS_PER_VILLAGE_BLOCKS = 4


def split_exact(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers >= 0 proportional to ``weights`` that sum exactly to ``total`` (largest remainder)."""
    w = np.asarray(weights, float)
    share = w / w.sum() * total
    base = np.floor(share).astype(np.int64)
    rest = int(total - base.sum())
    if rest:
        order = np.argsort(-(share - base), kind="stable")
        base[order[:rest]] += 1
    return base


def district_raster(frame: Frame, terrain: Terrain) -> np.ndarray:
    shapes = [(g, i + 1) for i, g in enumerate(frame.districts.geometry.values)]
    r = features.rasterize(shapes, out_shape=terrain.dem.shape, transform=terrain.transform,
                           fill=0, dtype="int16")
    return r.astype(np.int64) - 1


def sample_cells(rng, mask: np.ndarray, weights: np.ndarray | None, n: int, terrain: Terrain,
                 geom=None, jitter_m: float = CELL_M * 0.45):
    """``n`` random points in cells where ``mask`` (weighted), exactly inside ``geom`` if given."""
    rows, cols = np.nonzero(mask)
    if len(rows) == 0:
        raise RuntimeError("no cells to sample from")
    p = None
    if weights is not None:
        w = weights[rows, cols].astype(float)
        p = w / w.sum()
    out_x, out_y = [], []
    need = n
    while need > 0:
        k = rng.choice(len(rows), size=int(need * 1.3) + 8, p=p)
        x = terrain.transform.c + (cols[k] + 0.5) * CELL_M + rng.uniform(-jitter_m, jitter_m, len(k))
        y = terrain.transform.f - (rows[k] + 0.5) * CELL_M + rng.uniform(-jitter_m, jitter_m, len(k))
        if geom is not None:
            ok = shapely.contains_xy(geom, x, y)
            x, y = x[ok], y[ok]
        out_x.append(x[:need])
        out_y.append(y[:need])
        need -= len(x[:need])
    return np.concatenate(out_x), np.concatenate(out_y)


def make_blocks(frame: Frame, terrain: Terrain, dist_r: np.ndarray, rng) -> pd.DataFrame:
    d = frame.districts
    total = int(d["pop2020"].sum())
    n_blocks = split_exact(N_BLOCKS, d["pop2020"].to_numpy())
    lc = terrain.landcover
    # density weight for built-up cells: higher towards the city centre (first built-up area)
    core = frame.builtup.geometry.values[0]
    cx, cy = core.centroid.x, core.centroid.y
    nrow, ncol = lc.shape
    xs = terrain.transform.c + (np.arange(ncol) + 0.5) * CELL_M
    ys = terrain.transform.f - (np.arange(nrow) + 0.5) * CELL_M
    r_km = np.hypot(xs[None, :] - cx, ys[:, None] - cy) / 1000.0
    dens_bu = (1.0 + 2.5 * np.exp(-r_km / 6.0)).astype(np.float32)
    rural_w = np.select([lc == 3, lc == 5, lc == 2], [1.0, 0.35, 0.12], 0.0).astype(np.float32)
    rural_w *= (1.0 - 0.7 * terrain.hilliness)
    frames = []
    for i, row in d.iterrows():
        pop = int(row["pop2020"])
        share = BUILT_UP_SHARE[row["name_en"]]
        bu_persons = int(round(pop * share))
        nb = int(n_blocks[i])
        nbu = int(round(nb * share))
        geom = row.geometry
        in_d = dist_r == i
        bx, by = sample_cells(rng, in_d & (lc == 1), dens_bu, nbu, terrain, geom)
        # rural: villages of a few blocks each
        nr = nb - nbu
        nv = max(nr // PERSONS_PER_VILLAGE_BLOCKS, 1)
        vx, vy = sample_cells(rng, in_d & (rural_w > 0), rural_w, nv, terrain, geom)
        which = rng.integers(0, nv, size=nr)
        rx = vx[which] + rng.normal(0, 120.0, nr)
        ry = vy[which] + rng.normal(0, 120.0, nr)
        # keep villagers out of the river and reservoirs, and inside their district
        bad = ~shapely.contains_xy(geom, rx, ry) | (terrain.sample(rx, ry, "landcover") == 4)
        rx[bad], ry[bad] = vx[which][bad], vy[which][bad]
        w_bu = rng.lognormal(0.0, 0.45, nbu)
        w_r = rng.lognormal(0.0, 0.6, nr)
        frames.append(pd.DataFrame({
            "x": np.concatenate([bx, rx]),
            "y": np.concatenate([by, ry]),
            "persons": np.concatenate([split_exact(bu_persons, w_bu),
                                       split_exact(pop - bu_persons, w_r)]),
            "district": row["name"],
            "district_en": row["name_en"],
            "adcode": row["adcode"],
            "built_up": np.concatenate([np.ones(nbu, bool), np.zeros(nr, bool)]),
            "village": np.concatenate([np.full(nbu, -1), which]),
        }))
    blocks = pd.concat(frames, ignore_index=True)
    assert int(blocks["persons"].sum()) == total
    blocks.insert(0, "block_id", np.arange(len(blocks), dtype=np.int64))
    return blocks


def make_towns(frame: Frame, blocks: pd.DataFrame, rng):
    """Build town polygons and the town_id of every block.

    Towns are Voronoi cells of population-weighted seeds, clipped per district; a block's town
    is the nearest seed in its district (the Voronoi cell it falls in).
    """
    d = frame.districts
    towns = []
    town_of_block = np.zeros(len(blocks), np.int64)
    for _, row in d.iterrows():
        k = TOWNS_PER_DISTRICT[row["name_en"]]
        sel = np.flatnonzero(blocks["adcode"].to_numpy() == row["adcode"])
        px = blocks["x"].to_numpy()[sel]
        py = blocks["y"].to_numpy()[sel]
        w = blocks["persons"].to_numpy()[sel].astype(float) ** 0.7
        order = rng.choice(len(sel), size=len(sel), replace=False, p=w / w.sum())
        dmin = 0.45 * np.sqrt(row.geometry.area / k)
        seeds: list[int] = []
        while len(seeds) < k:
            for j in order:
                if len(seeds) >= k:
                    break
                if all(np.hypot(px[j] - px[s], py[j] - py[s]) >= dmin for s in seeds):
                    seeds.append(j)
            dmin *= 0.8
        seeds_xy = np.column_stack([px[seeds], py[seeds]])
        # order seeds north->south, west->east for stable numbering
        o = np.lexsort((seeds_xy[:, 0], -seeds_xy[:, 1]))
        seeds_xy = seeds_xy[o]
        vor = shapely.voronoi_polygons(shapely.multipoints(seeds_xy),
                                       extend_to=row.geometry.envelope.buffer(10_000))
        cells = np.asarray(shapely.get_parts(vor))
        # match cells to seeds
        tree_idx = np.array([np.flatnonzero(shapely.contains_xy(c, seeds_xy[:, 0], seeds_xy[:, 1]))[0]
                             for c in cells])
        polys = [None] * k
        for c, s in zip(cells, tree_idx, strict=True):
            polys[s] = shapely.intersection(c, row.geometry)
        ids = np.int64(int(row["adcode"]) * 1000) + np.arange(1, k + 1)
        for j in range(k):
            towns.append({"town_id": ids[j], "name": f"{row['name']}第{j + 1:02d}街镇",
                          "name_en": f"{row['name_en']} town {j + 1:02d}",
                          "district": row["name"], "district_en": row["name_en"],
                          "adcode": row["adcode"], "geometry": polys[j],
                          "seed_x": seeds_xy[j, 0], "seed_y": seeds_xy[j, 1]})
        _, nn = cKDTree(seeds_xy).query(np.column_stack([px, py]), k=1)
        town_of_block[sel] = ids[nn]
    return pd.DataFrame(towns), town_of_block
