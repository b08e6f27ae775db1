"""DEM conditioning for ponding: remove closed depressions that are DEM artefacts.

Closed depressions that no map shows and that are deeper than water ever stands in the city's
streets are DEM artefacts, not lakes.

A 90 m DEM (and the bundled synthetic one, whose relief is built from noise) holds many closed
basins: noise in the hills makes pits tens of metres deep that a real valley would drain
through. Fill-and-spill would store a storm's runoff in them as lakes. :func:`condition_dem`
keeps a depression when it contains a mapped low point (an underpass or depression from a
waterlogging list) or when it is no deeper than :data:`PLAUSIBLE_PONDING_DEPTH_M`; every other
depression is filled to its spill level with a tiny gradient (Priority-Flood with epsilon,
Barnes et al. 2014), so water flows across it as it would through the real, breached terrain
(docs/references.md#dem-conditioning).

:func:`implausible_depths` flags ponded depths above the same limit outside mapped low
points: what remains there after a run is a DEM artefact, not a street flood
(docs/references.md#plausible-ponding-depth).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError
from jnrisk.flood import _kernels
from jnrisk.flood.ponding import _check_nodata_mode, _raise_status, _read_dem, _wrap

__all__ = [
    "PLAUSIBLE_PONDING_DEPTH_M",
    "ConditionedDem",
    "condition_dem",
    "mapped_cells",
    "implausible_depths",
]

#: Deepest water a street holds outside a mapped underpass or depression [m] (assumed from
#: Jinan's observed floods, docs/references.md#plausible-ponding-depth).
PLAUSIBLE_PONDING_DEPTH_M = 2.0
_EPSILON_M = 1e-4


def mapped_cells(
    grid: xr.DataArray,
    sites: gpd.GeoDataFrame | xr.DataArray | None,
    *,
    name: str = "mapped",
) -> np.ndarray:
    """Boolean mask of the cells holding a mapped low point and their 8 neighbours.

    ``sites`` is a point layer in ``grid``'s CRS (e.g. ``city.depressions``) or a boolean grid
    aligned with it; ``None`` gives an empty mask. The neighbours absorb the offset between a
    mapped point and the DEM's lowest cell.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray, geopandas as gpd
    >>> g = xr.DataArray(np.zeros((4, 4)), dims=("y", "x"), coords={"y": [35.0, 25, 15, 5],
    ...     "x": [5.0, 15, 25, 35]}).rio.write_crs("EPSG:4548")
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5.0], [35.0]), crs="EPSG:4548")
    >>> mapped_cells(g, pts).astype(int).tolist()
    [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    """
    from scipy import ndimage

    from jnrisk.flood._raster import check_aligned

    out = np.zeros(grid.shape, dtype=bool)
    if sites is None:
        return out
    if isinstance(sites, xr.DataArray):
        check_aligned(grid, sites, "dem", name)
        out = np.asarray(sites.values).astype(bool)
    else:
        _validate.same_crs(dem=grid, **{name: sites})
        _validate.valid_geometry(sites, name=name, geom_types=["Point"])
        inv = ~grid.rio.transform()
        col, row = inv * (sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy())
        row = np.floor(row).astype(np.int64)
        col = np.floor(col).astype(np.int64)
        ok = (row >= 0) & (row < grid.shape[0]) & (col >= 0) & (col < grid.shape[1])
        out[row[ok], col[ok]] = True
    return ndimage.binary_dilation(out, structure=np.ones((3, 3), dtype=bool))


def mapped_water(depth: np.ndarray, near_site: np.ndarray) -> np.ndarray:
    """Cells of the ponded areas (8-connected cells with water) that touch a mapped site."""
    from scipy import ndimage

    labels, n = ndimage.label(depth > 0, structure=np.ones((3, 3), dtype=bool))
    exempt = np.zeros(n + 1, dtype=bool)
    exempt[np.unique(labels[near_site])] = True
    exempt[0] = False
    return exempt[labels]


@dataclass(frozen=True)
class ConditionedDem:
    """Outcome of :func:`condition_dem`.

    Attributes
    ----------
    dem
        Conditioned elevation [m] (float64), same grid; artefact depressions filled.
    depressions
        One row per closed depression of the input: ``max_depth_m``, ``area_m2``,
        ``volume_m3`` (to the spill level), ``mapped`` (holds a mapped low point) and
        ``artefact`` (filled by the conditioning).
    filled_cells
        Boolean grid of the cells raised by the conditioning.
    mapped_depressions
        Boolean grid of the cells of the depressions that hold a mapped site; pass it as
        ``mapped`` to :func:`implausible_depths` and :func:`waterlogging_hotspots` so that
        every pool of such a depression is exempt, not only the one touching the site.
    """

    dem: xr.DataArray
    depressions: pd.DataFrame
    filled_cells: xr.DataArray
    mapped_depressions: xr.DataArray

    @property
    def removed_volume_m3(self) -> float:
        """Storage [m³] of the filled artefact depressions."""
        return float(self.depressions.loc[self.depressions["artefact"], "volume_m3"].sum())


def condition_dem(
    dem: xr.DataArray,
    *,
    mapped: gpd.GeoDataFrame | xr.DataArray | None = None,
    max_depth_m: float = PLAUSIBLE_PONDING_DEPTH_M,
    nodata: Literal["outlet", "wall"] = "outlet",
) -> ConditionedDem:
    """Fill the closed depressions deeper than ``max_depth_m`` that hold no mapped low point.

    Parameters
    ----------
    dem
        Elevation [m], projected metric CRS, square cells.
    mapped
        Mapped underpasses / depressions (points in the DEM's CRS, or a boolean grid): a
        depression containing one, or next to one, is kept whatever its depth.
    max_depth_m
        Depth [m] above which an unmapped depression is an artefact
        (default :data:`PLAUSIBLE_PONDING_DEPTH_M`).
    nodata
        ``"outlet"`` (default) or ``"wall"``, as in :func:`jnrisk.flood.fill_depressions`.

    Returns
    -------
    ConditionedDem

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> z = np.array([[9, 9, 9, 9, 9], [9, 1, 9, 8.5, 9], [9, 9, 9, 9, 9.0]])
    >>> dem = xr.DataArray(z, dims=("y", "x"), coords={"y": [25.0, 15, 5],
    ...     "x": [5.0, 15, 25, 35, 45]}).rio.write_crs("EPSG:4548")
    >>> out = condition_dem(dem, max_depth_m=2.0)  # the 8 m pit goes, the 0.5 m one stays
    >>> out.depressions[["max_depth_m", "artefact"]].values.tolist()
    [[8.0, True], [0.5, False]]
    >>> float(out.dem[1, 1]) > 9.0, float(out.dem[1, 3])
    (True, 8.5)
    """
    from scipy import ndimage

    wall = _check_nodata_mode(nodata)
    limit = float(max_depth_m)
    if not (math.isfinite(limit) and limit >= 0):
        raise ConfigError(f"max_depth_m must be a depth >= 0 m, got {max_depth_m!r}.")
    d = _read_dem(dem, float64=True)
    z = d.values
    nd = z.dtype.type(d.nodata)
    filled, _, n_enc, status = _kernels.priority_flood(z, nd, d.has_nodata, wall, 0.0, False)
    _raise_status(status, "condition_dem", n_enc)
    valid = _kernels.valid_mask(z, nd, d.has_nodata)
    depth = np.where(valid, filled - z, 0.0)
    labels, n = ndimage.label(depth > 0, structure=np.ones((3, 3), dtype=bool))
    idx = np.arange(1, n + 1)
    area = d.cellsize_m**2
    if n:
        max_depth = np.asarray(ndimage.maximum(depth, labels, idx), dtype=float)
        volume = np.asarray(ndimage.sum(depth, labels, idx), dtype=float) * area
    else:
        max_depth = volume = np.zeros(0)
    count = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    near = mapped_cells(dem, mapped)
    is_mapped = np.zeros(n + 1, dtype=bool)
    is_mapped[np.unique(labels[near])] = True
    is_mapped = is_mapped[1:]
    artefact = (max_depth > limit) & ~is_mapped
    table = pd.DataFrame(
        {"max_depth_m": max_depth, "area_m2": count * area, "volume_m3": volume,
         "mapped": is_mapped, "artefact": artefact},
        index=pd.RangeIndex(1, n + 1, name="depression"),
    )
    lift = np.concatenate([[False], artefact])[labels]
    out = z.copy()
    if lift.any():
        eps_filled, _, _, status = _kernels.priority_flood(
            z, nd, d.has_nodata, wall, _EPSILON_M, False
        )
        _raise_status(status, "condition_dem")
        out[lift] = eps_filled[lift]
    if not np.isfinite(out[valid]).all():
        raise DataError("condition_dem: the conditioned DEM is not finite (internal error).")
    cond = _wrap(dem, out, name=dem.name or "dem", units="m", nodata=dem.rio.nodata)
    cond.attrs["conditioning"] = (
        f"{int(artefact.sum())} unmapped depressions deeper than {limit:g} m filled"
    )
    mask = _wrap(dem, lift, name="filled_cells", units="1", nodata=None)
    kept = _wrap(dem, np.concatenate([[False], is_mapped])[labels], name="mapped_depressions",
                 units="1", nodata=None)
    return ConditionedDem(dem=cond, depressions=table, filled_cells=mask, mapped_depressions=kept)


def implausible_depths(
    depth_m: xr.DataArray,
    *,
    mapped: gpd.GeoDataFrame | xr.DataArray | None = None,
    limit_m: float = PLAUSIBLE_PONDING_DEPTH_M,
) -> xr.DataArray:
    """Cells ponded deeper than ``limit_m`` outside mapped low points: DEM artefacts.

    A ponded area (8-connected wet cells) that contains or touches a mapped site is exempt as
    a whole: an underpass can hold several metres.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> d = np.zeros((3, 3)); d[1, 1] = 3.0
    >>> depth = xr.DataArray(d, dims=("y", "x"), coords={"y": [25.0, 15, 5],
    ...     "x": [5.0, 15, 25]}).rio.write_crs("EPSG:4548")
    >>> int(implausible_depths(depth).sum())
    1
    """
    from jnrisk.flood._raster import check_min_shape

    check_min_shape(depth_m, "depth_m")
    limit = float(limit_m)
    if not (math.isfinite(limit) and limit >= 0):
        raise ConfigError(f"limit_m must be a depth >= 0 m, got {limit_m!r}.")
    values = np.nan_to_num(np.asarray(depth_m.values, dtype=float), nan=0.0)
    flag = (values > limit) & ~mapped_water(values, mapped_cells(depth_m, mapped))
    out = depth_m.copy(data=flag)
    out.name = "dem_artefact"
    out.attrs = {"units": "1", "limit_m": limit}
    return out
