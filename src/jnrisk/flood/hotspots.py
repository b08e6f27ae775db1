"""Waterlogging hot spots, flooded-road closures and monitoring-site placement.

Works on a ponded-depth grid (:func:`jnrisk.flood.ponding_depth`) and the road / population
layers of :func:`jnrisk.datasets.jinan` (or any GeoDataFrames in the DEM's metric CRS).

Thresholds (keyword arguments, so they can be overridden; docs/references.md#flood-depth-thresholds, assumed: GB 50014's
ponding criterion is roughly "water on one traffic lane <= 15 cm"):

* hot spot: ponded deeper than :data:`HOTSPOT_DEPTH_M` = 0.15 m;
* road closed to vehicles above :data:`VEHICLE_CLOSURE_DEPTH_M` = 0.3 m, to pedestrians above
  :data:`PEDESTRIAN_CLOSURE_DEPTH_M` = 0.5 m.

Hot spots are ranked by exposure by default: who and what the water reaches, with depth as
one factor (docs/references.md#hotspot-exposure-score); the text of :func:`ranking_text` says
what the ranking means and travels with the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xarray as xr

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError
from jnrisk.flood._raster import check_min_shape
from jnrisk.flood.conditioning import PLAUSIBLE_PONDING_DEPTH_M, mapped_cells, mapped_water

__all__ = [
    "HOTSPOT_DEPTH_M",
    "VEHICLE_CLOSURE_DEPTH_M",
    "PEDESTRIAN_CLOSURE_DEPTH_M",
    "ROAD_CLASS_WEIGHTS",
    "EXPOSURE_WEIGHTS",
    "Hotspots",
    "ranking_text",
    "SiteAgreement",
    "site_agreement",
    "waterlogging_hotspots",
    "road_closures",
    "MonitoringPlan",
    "monitoring_sites",
]

HOTSPOT_DEPTH_M = 0.15
VEHICLE_CLOSURE_DEPTH_M = 0.3
PEDESTRIAN_CLOSURE_DEPTH_M = 0.5
#: Weight of one metre of flooded road by class (arterials carry more traffic and the
#: emergency routes; assumed, docs/references.md#hotspot-exposure-score). Other classes: 1.
ROAD_CLASS_WEIGHTS: Mapping[str, float] = {
    "motorway": 3.0, "trunk": 3.0, "primary": 2.5, "secondary": 2.0, "tertiary": 1.5,
    "residential": 1.0, "unclassified": 1.0, "track": 0.5, "footway": 0.5,
}
#: Weights of the three exposure shares in the score: residents, roads, facilities (assumed).
EXPOSURE_WEIGHTS: Mapping[str, float] = {"persons": 0.5, "roads": 0.3, "facilities": 0.2}
#: Depth at which the depth factor of the score reaches 1 [m]: above about 1 m, water is
#: dangerous to everyone on foot and floats cars (assumed).
DEPTH_SCALE_M = 1.0
#: Distance within which a facility counts as reached by a hot spot [m] (assumed).
FACILITY_REACH_M = 500.0
_RANK_BY = {
    "exposure": "exposure_score",
    "depth": "max_depth_m",
    "volume": "volume_m3",
    "persons": "persons",
    "road_length": "road_length_m",
}


def _grid_geometry(depth_m: xr.DataArray) -> tuple[np.ndarray, object, float]:
    if depth_m.ndim != 2:
        raise DataError(f"depth_m must be 2-D (y, x), got dims {depth_m.dims}.")
    check_min_shape(depth_m, "depth_m")
    _validate.metric_crs(depth_m, name="depth_m")
    values = np.asarray(depth_m.values, dtype=np.float64)
    transform = depth_m.rio.transform()
    cell = abs(transform.a)
    return values, transform, cell


def _cells_of_points(x: np.ndarray, y: np.ndarray, transform, shape) -> np.ndarray:
    """Flat cell index of each point; -1 outside the grid."""
    inv = ~transform
    col, row = inv * (x, y)
    col = np.floor(col).astype(np.int64)
    row = np.floor(row).astype(np.int64)
    inside = (row >= 0) & (row < shape[0]) & (col >= 0) & (col < shape[1])
    return np.where(inside, row * shape[1] + col, -1)


def _road_samples(roads: gpd.GeoDataFrame, transform, shape, cell: float):
    """Cut each road into pieces of at most half a cell.

    Returns (road position, flat cell of the piece's midpoint or -1 outside the grid, piece
    length [m]).
    """
    geoms = shapely.segmentize(roads.geometry.to_numpy(), cell / 2.0)
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    same = index[1:] == index[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    mid = (a + b) / 2.0
    flat = _cells_of_points(mid[:, 0], mid[:, 1], transform, shape)
    return index[:-1][same], flat, np.hypot(*(b - a).T)


def _road_max_depth(roads, values, transform, cell) -> np.ndarray:
    index, flat, _ = _road_samples(roads, transform, values.shape, cell)
    d = np.where(flat >= 0, values.ravel()[np.maximum(flat, 0)], 0.0)
    d = np.nan_to_num(d, nan=0.0)
    out = np.zeros(len(roads))
    np.maximum.at(out, index, d)
    return out


@dataclass(frozen=True)
class Hotspots:
    """Ranked waterlogging hot spots.

    Attributes
    ----------
    polygons
        One row per hot spot (rank 1 = first): ``hotspot_id``, ``rank``, ``exposure_score``,
        ``max_depth_m``, ``mean_depth_m``, ``area_m2``, ``volume_m3``, ``persons``,
        ``road_length_m``, ``road_weighted_m``, ``n_roads``, ``n_<facility>`` per facility
        layer, ``depth_factor``, ``mapped`` (holds a mapped low point) and ``dem_artefact``
        (deeper than the plausibility limit and not mapped); polygon geometry in the DEM's
        CRS. ``polygons.attrs["ranking"]`` is :attr:`ranking`.
    points
        Same rows, geometry = centre of the deepest cell.
    labels
        Hot-spot id per cell (0 = none) on the DEM grid.
    ranking
        What the order means, in words a report can print.
    """

    polygons: gpd.GeoDataFrame
    points: gpd.GeoDataFrame
    labels: xr.DataArray
    ranking: str = ""


def ranking_text(
    rank_by: str = "exposure",
    *,
    facilities: tuple[str, ...] = (),
    reach_m: float = FACILITY_REACH_M,
    depth_scale_m: float = DEPTH_SCALE_M,
    plausible_depth_m: float = PLAUSIBLE_PONDING_DEPTH_M,
) -> str:
    """Explain the hot-spot ranking in one paragraph for a report.

    Examples
    --------
    >>> ranking_text("depth")
    'Hot spots are ranked by their deepest cell (max_depth_m), deepest first.'
    """
    if rank_by != "exposure":
        col = _RANK_BY.get(rank_by, rank_by)
        what = {"depth": "their deepest cell", "volume": "the water they hold",
                "persons": "the residents in them", "road_length": "the road length in them"}
        first = "deepest" if rank_by == "depth" else "largest"
        return f"Hot spots are ranked by {what.get(rank_by, col)} ({col}), {first} first."
    w = EXPOSURE_WEIGHTS
    fac = ", ".join(facilities) if facilities else "none given"
    return (
        f"Hot spots are ranked by exposure_score (0-100, highest first): "
        f"100 x depth factor x ({w['persons']:g} x share of the residents in flooded cells "
        f"+ {w['roads']:g} x share of the flooded road length weighted by road class "
        f"+ {w['facilities']:g} x share of the facilities within {reach_m:g} m [{fac}]), "
        f"each share taken over all hot spots, so the scores add up to at most 100. The depth "
        f"factor is the deepest water / {depth_scale_m:g} m, capped at 1, and 0 for a hot spot "
        f"deeper than {plausible_depth_m:g} m outside any mapped underpass or depression "
        f"(dem_artefact: a DEM pit, not a street flood). Depth alone is in max_depth_m."
    )


def _check_hotspot_options(rank_by, facilities, **depths_m) -> dict:
    """Check the ranking options of :func:`waterlogging_hotspots`; return the facilities dict."""
    if rank_by not in _RANK_BY:
        raise ConfigError(f"rank_by must be one of {list(_RANK_BY)}, got {rank_by!r}.")
    for arg in ("threshold_m", "reach_m", "plausible_depth_m"):
        v = depths_m[arg]
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not (
                np.isfinite(v) and v >= 0.0):
            raise ConfigError(f"{arg} must be a distance/depth >= 0 m, got {v!r}.")
    depth_scale_m = depths_m["depth_scale_m"]
    if not (isinstance(depth_scale_m, (int, float, np.number)) and np.isfinite(depth_scale_m)
            and depth_scale_m > 0):
        raise ConfigError(f"depth_scale_m must be a depth > 0 m, got {depth_scale_m!r}.")
    facilities = dict(facilities or {})
    for kind, layer in facilities.items():
        if not isinstance(layer, gpd.GeoDataFrame):
            raise ConfigError(
                f"facilities[{kind!r}] must be a GeoDataFrame of points, got "
                f"{type(layer).__name__}."
            )
    return facilities


def waterlogging_hotspots(  # noqa: PLR0913  keyword-only ranking options and column names
    depth_m: xr.DataArray,
    roads: gpd.GeoDataFrame,
    population: gpd.GeoDataFrame | None = None,
    *,
    threshold_m: float = HOTSPOT_DEPTH_M,
    persons_col: str = "persons",
    rank_by: Literal["exposure", "depth", "volume", "persons", "road_length"] = "exposure",
    facilities: Mapping[str, gpd.GeoDataFrame] | None = None,
    reach_m: float = FACILITY_REACH_M,
    mapped: gpd.GeoDataFrame | xr.DataArray | None = None,
    road_class_col: str = "road_class",
    road_class_weights: Mapping[str, float] | None = None,
    depth_scale_m: float = DEPTH_SCALE_M,
    plausible_depth_m: float = PLAUSIBLE_PONDING_DEPTH_M,
) -> Hotspots:
    """Rank the connected ponded areas deeper than ``threshold_m`` that touch a road.

    The default ranking is by exposure (:func:`ranking_text` gives the formula): residents in
    the flooded cells, flooded road length weighted by class, and facilities within
    ``reach_m``, scaled by a depth factor that is 0 for implausibly deep unmapped spots.

    Parameters
    ----------
    depth_m
        Ponded depth [m] (e.g. ``ponding_depth(...).depth_m``), metric CRS.
    roads
        Road lines in the same CRS, cut into pieces of at most half a cell; a piece belongs to
        the cell holding its midpoint (road length per hot spot = length of its pieces).
    population
        Optional points with ``persons_col``; persons in hot-spot cells are counted.
    threshold_m
        Depth above which a cell is waterlogged [m] (default 0.15 m).
    rank_by
        ``"exposure"`` (default), ``"depth"`` (max depth), ``"volume"``, ``"persons"`` or
        ``"road_length"``; ties are broken by the others in that order.
    facilities
        ``{kind: points}`` (e.g. ``{"shelters": ..., "stations": ..., "schools": ...}``) in
        the same CRS; a facility counts for the nearest hot spot within ``reach_m`` [m].
    mapped
        Mapped underpasses / depressions (points or a boolean grid): hot spots holding one
        are exempt from the plausibility limit.
    road_class_col, road_class_weights
        Column of ``roads`` with the class, and weight per class
        (default :data:`ROAD_CLASS_WEIGHTS`; missing column or class: weight 1).
    depth_scale_m
        Depth at which the depth factor reaches 1 [m].
    plausible_depth_m
        Deepest believable water outside a mapped low point [m]
        (:data:`jnrisk.flood.PLAUSIBLE_PONDING_DEPTH_M`).

    Returns
    -------
    Hotspots

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray, geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> d = np.zeros((4, 4)); d[1:3, 1:3] = 0.4
    >>> depth = xr.DataArray(d, dims=("y", "x"), coords={"y": [35.0, 25, 15, 5],
    ...     "x": [5.0, 15, 25, 35]}).rio.write_crs("EPSG:4548")
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 20), (40, 20)])], crs="EPSG:4548")
    >>> hs = waterlogging_hotspots(depth, roads)
    >>> hs.polygons[["max_depth_m", "area_m2", "volume_m3", "road_length_m"]].round(2).values.tolist()
    [[0.4, 400.0, 160.0, 20.0]]
    >>> float(hs.polygons["exposure_score"].iloc[0])  # 100 x 0.4 x 0.3 x all of the road
    12.0
    """
    from rasterio import features
    from scipy import ndimage

    facilities = _check_hotspot_options(
        rank_by, facilities, threshold_m=threshold_m, reach_m=reach_m,
        plausible_depth_m=plausible_depth_m, depth_scale_m=depth_scale_m,
    )  # fmt: skip
    values, transform, cell = _grid_geometry(depth_m)
    _validate.same_crs(depth_m=depth_m, roads=roads)
    _validate.valid_geometry(roads, name="roads", geom_types=["LineString", "MultiLineString"])
    wet = np.nan_to_num(values, nan=0.0) > threshold_m
    labels, n = ndimage.label(wet, structure=np.ones((3, 3), dtype=bool))
    flat_labels = labels.ravel()
    flat_depth = np.nan_to_num(values, nan=0.0).ravel()
    area = cell * cell
    idx = np.arange(1, n + 1)
    max_depth = ndimage.maximum(flat_depth.reshape(values.shape), labels, idx) if n else []
    sum_depth = ndimage.sum(flat_depth.reshape(values.shape), labels, idx) if n else []
    count = np.bincount(flat_labels, minlength=n + 1)[1:]
    deepest = ndimage.maximum_position(flat_depth.reshape(values.shape), labels, idx) if n else []
    # roads
    r_index, r_flat, r_len = _road_samples(roads, transform, values.shape, cell)
    r_label = np.where(r_flat >= 0, flat_labels[np.maximum(r_flat, 0)], 0)
    road_len = np.bincount(r_label, weights=r_len, minlength=n + 1)[1:]
    pairs = np.unique(np.stack([r_label, r_index]), axis=1)
    pairs = pairs[:, pairs[0] > 0]
    n_roads = np.bincount(pairs[0], minlength=n + 1)[1:]
    weights = dict(ROAD_CLASS_WEIGHTS if road_class_weights is None else road_class_weights)
    if road_class_col in roads.columns:
        cls = roads[road_class_col].astype(str).to_numpy()
        w_road = np.array([float(weights.get(c, 1.0)) for c in cls])
    else:
        w_road = np.ones(len(roads))
    road_w = np.bincount(r_label, weights=r_len * w_road[r_index], minlength=n + 1)[1:]
    # facilities: each counts for the nearest hot-spot cell within reach
    fac_counts: dict[str, np.ndarray] = {}
    if facilities:
        near_label = _nearest_label(labels, cell, reach_m)
        for kind, layer in facilities.items():
            _validate.same_crs(depth_m=depth_m, **{f"facilities[{kind!r}]": layer})
            _validate.valid_geometry(layer, name=f"facilities[{kind!r}]", geom_types=["Point"])
            f_flat = _cells_of_points(layer.geometry.x.to_numpy(), layer.geometry.y.to_numpy(),
                                      transform, values.shape)
            f_label = np.where(f_flat >= 0, near_label.ravel()[np.maximum(f_flat, 0)], 0)
            fac_counts[kind] = np.bincount(f_label, minlength=n + 1)[1:]
    # mapped low points exempt a hot spot from the plausibility limit
    # (the whole ponded area around a hot spot counts: a threshold can split one lake)
    is_mapped = np.zeros(n + 1, dtype=bool)
    if mapped is not None:
        exempt = mapped_water(flat_depth.reshape(values.shape), mapped_cells(depth_m, mapped))
        is_mapped[np.unique(labels[exempt])] = True
    is_mapped = is_mapped[1:]
    # population
    persons = np.zeros(n)
    if population is not None:
        _validate.same_crs(depth_m=depth_m, population=population)
        w = _validate.non_negative_values(population, persons_col, name="population")
        pts = population.geometry
        p_flat = _cells_of_points(pts.x.to_numpy(), pts.y.to_numpy(), transform, values.shape)
        p_label = np.where(p_flat >= 0, flat_labels[np.maximum(p_flat, 0)], 0)
        persons = np.bincount(p_label, weights=w, minlength=n + 1)[1:]
    table = pd.DataFrame(
        {
            "hotspot_id": idx,
            "max_depth_m": np.asarray(max_depth, dtype=float),
            "mean_depth_m": np.asarray(sum_depth, dtype=float) / np.maximum(count, 1),
            "area_m2": count * area,
            "volume_m3": np.asarray(sum_depth, dtype=float) * area,
            "persons": persons,
            "road_length_m": road_len,
            "road_weighted_m": road_w,
            "n_roads": n_roads,
            **{f"n_{k}": v for k, v in fac_counts.items()},
            "mapped": is_mapped,
        }
    )
    keep = table["n_roads"].to_numpy() > 0
    table = table[keep].copy()
    artefact = (table["max_depth_m"].to_numpy() > plausible_depth_m) & ~table["mapped"].to_numpy()
    table["dem_artefact"] = artefact
    table["depth_factor"] = np.where(
        artefact, 0.0, np.minimum(table["max_depth_m"].to_numpy() / depth_scale_m, 1.0))
    fac_total = sum((table[f"n_{k}"].to_numpy(dtype=float) for k in fac_counts),
                    np.zeros(len(table)))
    table.insert(1, "exposure_score", 100.0 * table["depth_factor"].to_numpy() * (
        EXPOSURE_WEIGHTS["persons"] * _share(table["persons"].to_numpy(dtype=float))
        + EXPOSURE_WEIGHTS["roads"] * _share(table["road_weighted_m"].to_numpy(dtype=float))
        + EXPOSURE_WEIGHTS["facilities"] * _share(fac_total)))
    order_cols = [_RANK_BY[rank_by]] + [c for k, c in _RANK_BY.items() if k != rank_by]
    table = table.sort_values(order_cols, ascending=False, kind="mergesort")
    table.insert(1, "rank", np.arange(1, len(table) + 1))
    # polygons of the kept labels
    kept = table["hotspot_id"].to_numpy()
    keep_mask = np.isin(labels, kept)
    geoms: dict[int, list] = {}
    if kept.size:
        for geom, value in features.shapes(
            labels.astype(np.int32), mask=keep_mask, transform=transform, connectivity=8
        ):
            geoms.setdefault(int(value), []).append(shapely.geometry.shape(geom))
    polys = [shapely.union_all(geoms[i]) if i in geoms else None for i in kept]
    crs = roads.crs
    polygons = gpd.GeoDataFrame(table.reset_index(drop=True), geometry=polys, crs=crs)
    rows = np.array([deepest[i - 1][0] for i in kept], dtype=float)
    cols = np.array([deepest[i - 1][1] for i in kept], dtype=float)
    px, py = transform * (cols + 0.5, rows + 0.5)
    points = gpd.GeoDataFrame(
        table.reset_index(drop=True), geometry=gpd.points_from_xy(px, py), crs=crs
    )
    lab = depth_m.copy(data=np.where(keep_mask, labels, 0).astype(np.int32))
    lab.name = "hotspot_id"
    lab.attrs = {"units": "1"}
    text = ranking_text(rank_by, facilities=tuple(fac_counts), reach_m=reach_m,
                        depth_scale_m=depth_scale_m, plausible_depth_m=plausible_depth_m)
    polygons.attrs["ranking"] = text
    points.attrs["ranking"] = text
    return Hotspots(polygons=polygons, points=points, labels=lab, ranking=text)


@dataclass(frozen=True)
class SiteAgreement:
    """How ranked hot spots sit against known waterlogging sites.

    Attributes
    ----------
    top_n, radius_m
        The number of top-ranked hot spots checked and the distance that counts as "near" [m].
    top_near_site
        Of the ``top_n`` first hot spots, how many lie within ``radius_m`` of a site.
    sites, sites_near_hotspot, sites_near_top
        Number of sites; how many have any hot spot / a top-``top_n`` hot spot within reach.
    """

    top_n: int
    radius_m: float
    top_near_site: int
    sites: int
    sites_near_hotspot: int
    sites_near_top: int


def site_agreement(
    hotspots: Hotspots, sites: gpd.GeoDataFrame, *, top_n: int = 10, radius_m: float = 500.0
) -> SiteAgreement:
    """Count top-ranked hot spots near known waterlogging sites, and sites near hot spots.

    Distances are from the site point to the hot-spot polygon (0 inside it). With the bundled
    ``depressions`` layer this is a consistency check, not a validation: its names come from
    the real waterlogging lists, its positions are synthetic
    (docs/references.md#mapped-waterlogging-sites).

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray, geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> d = np.zeros((4, 4)); d[1:3, 1:3] = 0.4
    >>> depth = xr.DataArray(d, dims=("y", "x"), coords={"y": [35.0, 25, 15, 5],
    ...     "x": [5.0, 15, 25, 35]}).rio.write_crs("EPSG:4548")
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 20), (40, 20)])], crs="EPSG:4548")
    >>> sites = gpd.GeoDataFrame(geometry=gpd.points_from_xy([20.0, 500.0], [20.0, 500.0]),
    ...                          crs="EPSG:4548")
    >>> a = site_agreement(waterlogging_hotspots(depth, roads), sites, top_n=1, radius_m=50)
    >>> a.top_near_site, a.sites, a.sites_near_hotspot
    (1, 2, 1)
    """
    if isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or top_n < 1:
        raise ConfigError(f"top_n must be a whole number >= 1, got {top_n!r}.")
    if not (np.isfinite(radius_m) and radius_m >= 0):
        raise ConfigError(f"radius_m must be a distance >= 0 m, got {radius_m!r}.")
    polys = hotspots.polygons
    _validate.same_crs(hotspots=polys, sites=sites)
    _validate.valid_geometry(sites, name="sites", geom_types=["Point"])
    ranked = polys.sort_values("rank")
    geoms = ranked.geometry.to_numpy()
    pts = sites.geometry.to_numpy()
    near = np.zeros((len(geoms), len(pts)), dtype=bool)
    if len(geoms) and len(pts):
        tree = shapely.STRtree(geoms)
        pi, gi = tree.query(pts, predicate="dwithin", distance=float(radius_m))
        near[gi, pi] = True
    top = near[: int(top_n)]
    return SiteAgreement(
        top_n=int(min(top_n, len(geoms))),
        radius_m=float(radius_m),
        top_near_site=int(top.any(axis=1).sum()),
        sites=len(pts),
        sites_near_hotspot=int(near.any(axis=0).sum()),
        sites_near_top=int(top.any(axis=0).sum()),
    )


def _share(values: np.ndarray) -> np.ndarray:
    total = float(values.sum())
    return values / total if total > 0 else np.zeros_like(values)


def _nearest_label(labels: np.ndarray, cell: float, reach_m: float) -> np.ndarray:
    """Label of the nearest labelled cell within ``reach_m`` of each cell (0 = none)."""
    from scipy import ndimage

    if not labels.any():
        return labels
    dist, (rr, cc) = ndimage.distance_transform_edt(labels == 0, return_indices=True)
    return np.where(dist * cell <= reach_m, labels[rr, cc], 0)


def road_closures(
    depth_m: xr.DataArray,
    roads: gpd.GeoDataFrame,
    *,
    mode: Literal["vehicles", "pedestrians"] = "vehicles",
    threshold_m: float | None = None,
) -> pd.Series:
    """Roads closed by water: True where the deepest water along the road exceeds the threshold.

    Parameters
    ----------
    depth_m
        Ponded depth [m], metric CRS.
    roads
        Road lines in the same CRS; the result is aligned with its rows (pass it as
        ``closed_edges`` to the road network).
    mode
        ``"vehicles"`` (default threshold 0.3 m) or ``"pedestrians"`` (0.5 m).
    threshold_m
        Override of the mode's threshold [m].

    Returns
    -------
    pandas.Series
        bool, index = ``roads.index``, name ``"closed"``; ``attrs["max_depth_m"]`` holds
        the per-road maximum depth array.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray, geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> d = np.zeros((2, 4)); d[0, 1] = 0.35
    >>> depth = xr.DataArray(d, dims=("y", "x"), coords={"y": [15.0, 5],
    ...     "x": [5.0, 15, 25, 35]}).rio.write_crs("EPSG:4548")
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 15), (40, 15)]),
    ...     LineString([(0, 5), (40, 5)])], crs="EPSG:4548")
    >>> road_closures(depth, roads).tolist(), road_closures(depth, roads, mode="pedestrians").tolist()
    ([True, False], [False, False])
    """
    defaults = {"vehicles": VEHICLE_CLOSURE_DEPTH_M, "pedestrians": PEDESTRIAN_CLOSURE_DEPTH_M}
    if mode not in defaults:
        raise ConfigError(f"mode must be one of {list(defaults)}, got {mode!r}.")
    limit = defaults[mode] if threshold_m is None else float(threshold_m)
    if not (np.isfinite(limit) and limit >= 0):
        raise ConfigError(f"threshold_m must be a depth >= 0 m, got {threshold_m!r}.")
    values, transform, cell = _grid_geometry(depth_m)
    _validate.same_crs(depth_m=depth_m, roads=roads)
    _validate.valid_geometry(roads, name="roads", geom_types=["LineString", "MultiLineString"])
    deepest = _road_max_depth(roads, values, transform, cell)
    out = pd.Series(deepest > limit, index=roads.index, name="closed")
    out.attrs["max_depth_m"] = deepest
    out.attrs["threshold_m"] = limit
    return out


@dataclass(frozen=True)
class MonitoringPlan:
    """Chosen monitoring sites and what they cover, against a uniform spread.

    Attributes
    ----------
    sites
        The k chosen hot-spot points, in the order picked, with the marginal ``gain``.
    covered_persons, covered_road_m
        Exposed persons and flooded road length within ``radius_m`` of a chosen site.
    uniform_persons, uniform_road_m
        The same for k sites on a regular grid over the hot spots' extent.
    total_persons, total_road_m
        Totals over all hot spots.
    """

    sites: gpd.GeoDataFrame
    covered_persons: float
    covered_road_m: float
    uniform_persons: float
    uniform_road_m: float
    total_persons: float
    total_road_m: float


def _coverage(site_xy, spot_xy, radius_m):
    from scipy.spatial import cKDTree

    if len(site_xy) == 0 or len(spot_xy) == 0:
        return np.zeros(len(spot_xy), dtype=bool)
    hits = cKDTree(site_xy).query_ball_point(spot_xy, r=radius_m)
    return np.array([len(h) > 0 for h in hits], dtype=bool)


def monitoring_sites(
    hotspots: Hotspots,
    *,
    k: int = 34,
    radius_m: float = 1000.0,
    road_weight: float = 0.5,
) -> MonitoringPlan:
    """Greedy maximum coverage of flood-exposed persons and road length by k sites.

    Candidates are the hot-spot points; a site covers every hot spot within ``radius_m``.
    Each hot spot is worth ``(1 - road_weight) * persons / total_persons + road_weight *
    road_length_m / total_road_m``; the greedy pick (1 - 1/e of the optimum) is compared with
    k sites spread on a regular grid over the hot spots' extent.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray, geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> d = np.zeros((4, 4)); d[1:3, 1:3] = 0.4
    >>> depth = xr.DataArray(d, dims=("y", "x"), coords={"y": [35.0, 25, 15, 5],
    ...     "x": [5.0, 15, 25, 35]}).rio.write_crs("EPSG:4548")
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 20), (40, 20)])], crs="EPSG:4548")
    >>> plan = monitoring_sites(waterlogging_hotspots(depth, roads), k=1)
    >>> len(plan.sites), plan.covered_road_m == plan.total_road_m
    (1, True)
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ConfigError(f"k must be a whole number of sites >= 1, got {k!r}.")
    if not (0.0 <= road_weight <= 1.0):
        raise ConfigError(f"road_weight must be in [0, 1], got {road_weight!r}.")
    if not (np.isfinite(radius_m) and radius_m > 0):
        raise ConfigError(f"radius_m must be > 0 m, got {radius_m!r}.")
    pts = hotspots.points
    xy = np.column_stack([pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()])
    persons = pts["persons"].to_numpy(dtype=float)
    road = pts["road_length_m"].to_numpy(dtype=float)
    tp, tr = persons.sum(), road.sum()
    value = (1 - road_weight) * (persons / tp if tp > 0 else 0 * persons) + road_weight * (
        road / tr if tr > 0 else 0 * road
    )
    from scipy.spatial import cKDTree

    covered = np.zeros(len(pts), dtype=bool)
    chosen: list[int] = []
    gains: list[float] = []
    if len(pts):
        tree = cKDTree(xy)
        reach = tree.query_ball_point(xy, r=radius_m)
        for _ in range(min(k, len(pts))):
            best, best_gain = -1, -1.0
            for i in range(len(pts)):
                if i in chosen:
                    continue
                idx = np.asarray(reach[i], dtype=np.int64)
                g = float(value[idx[~covered[idx]]].sum())
                if g > best_gain + 1e-15:
                    best, best_gain = i, g
            chosen.append(best)
            gains.append(best_gain)
            covered[np.asarray(reach[best], dtype=np.int64)] = True
    sites = pts.iloc[chosen].copy()
    sites["gain"] = gains
    # uniform spread: k points on a regular grid over the extent of the hot spots
    if len(pts):
        x0, y0 = xy.min(axis=0)
        x1, y1 = xy.max(axis=0)
        nx = max(1, int(np.ceil(np.sqrt(k * max(x1 - x0, 1.0) / max(y1 - y0, 1.0)))))
        ny = max(1, int(np.ceil(k / nx)))
        gx = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
        gy = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
        grid = np.array([(a, b) for b in gy for a in gx])[:k]
        ucov = _coverage(grid, xy, radius_m)
    else:
        ucov = covered
    return MonitoringPlan(
        sites=sites,
        covered_persons=float(persons[covered].sum()),
        covered_road_m=float(road[covered].sum()),
        uniform_persons=float(persons[ucov].sum()),
        uniform_road_m=float(road[ucov].sum()),
        total_persons=float(tp),
        total_road_m=float(tr),
    )
