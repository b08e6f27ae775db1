"""Bad rasters fail before any work with a DataError naming the argument and the fix."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from jnrisk._errors import DataError, SchemaError
from jnrisk.flood import (
    fill_depressions,
    flow_accumulation,
    flow_direction,
    ponding_depth,
    runoff_depth,
    waterlogging_hotspots,
)


def grid(values, x0=0.0, y0=0.0, cell=10.0, crs="EPSG:4548"):
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    da = xr.DataArray(values, dims=("y", "x"), coords={
        "y": y0 + cell * (ny - np.arange(ny) - 0.5), "x": x0 + cell * (np.arange(nx) + 0.5)})
    return da.rio.write_crs(crs) if crs else da


DEM = grid(np.array([[5, 5, 5, 5], [5, 1, 2, 5], [5, 5, 3, 5], [5, 5, 5, 5.0]]))


@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (5, 1)])
@pytest.mark.parametrize("func", [
    fill_depressions, flow_direction, flow_accumulation, lambda d: ponding_depth(d, 10.0)])
def test_dem_smaller_than_2x2_is_refused(shape, func):
    dem = grid(np.arange(np.prod(shape), dtype=float).reshape(shape))
    with pytest.raises(DataError, match=r"dem must be a 2-D grid of at least 2 x 2 cells.*"
                                        + rf"\({shape[0]}, {shape[1]}\)"):
        func(dem)


def test_depth_grid_smaller_than_2x2_is_refused():
    import geopandas as gpd
    from shapely.geometry import LineString

    roads = gpd.GeoDataFrame(geometry=[LineString([(0, 5), (10, 5)])], crs="EPSG:4548")
    with pytest.raises(DataError, match="depth_m must be a 2-D grid of at least 2 x 2"):
        waterlogging_hotspots(grid([[0.5]]), roads)


def test_runoff_on_a_shifted_grid_is_refused_with_the_offset():
    far = grid(np.full((4, 4), 100.0), x0=5000.0)
    with pytest.raises(DataError, match=r"runoff_mm is not aligned with dem: origin offset by "
                                        r"\(\+5,000\.000, \+0\.000\) m.*reproject_match"):
        ponding_depth(DEM, far)


def test_runoff_with_another_cell_size_or_crs_is_refused():
    with pytest.raises(DataError, match=r"runoff_mm is not aligned.*cell size \(20, -20\)"):
        ponding_depth(DEM, grid(np.full((4, 4), 1.0), cell=20.0))
    with pytest.raises(DataError, match=r"runoff_mm is not aligned.*CRS EPSG:32650"):
        ponding_depth(DEM, grid(np.full((4, 4), 1.0), crs="EPSG:32650"))


def test_runoff_without_coordinates_or_other_shape_is_refused():
    bare = xr.DataArray(np.full((4, 4), 1.0), dims=("y", "x"))
    with pytest.raises(DataError, match="runoff_mm has no x/y coordinates"):
        ponding_depth(DEM, bare)
    with pytest.raises(DataError, match=r"runoff_mm has shape \(3, 4\) but dem is \(4, 4\)"):
        ponding_depth(DEM, grid(np.full((3, 4), 1.0)))


def test_aligned_runoff_is_accepted_and_matches_the_scalar():
    same = DEM.copy(data=np.full((4, 4), 100.0))
    assert ponding_depth(DEM, same).ponded_m3 == ponding_depth(DEM, 100.0).ponded_m3


def test_weights_and_rain_grids_are_checked_by_transform():
    with pytest.raises(DataError, match=r"weights is not aligned with dem: origin offset by "
                                        r"\(\+0\.000, -90\.000\) m"):
        flow_accumulation(DEM, weights=grid(np.ones((4, 4)), y0=-90.0))
    lc = grid(np.ones((4, 4)))
    with pytest.raises(DataError, match=r"rain_mm is not aligned with landcover: origin offset"):
        runoff_depth(grid(np.full((4, 4), 50.0), x0=90.0), lc)


@pytest.mark.parametrize("bad", [np.full((4, 4), 10.0), "10 mm", True, None])
def test_runoff_that_is_not_a_depth_or_a_grid_is_refused(bad):
    with pytest.raises(SchemaError, match=r"runoff_mm must be one depth in mm or an "
                                          r"xarray.DataArray on dem's grid"):
        ponding_depth(DEM, bad)
