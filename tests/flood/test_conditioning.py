"""DEM conditioning: unmapped deep pits are filled, mapped and shallow ones kept."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jnrisk._errors import ConfigError, DataError
from jnrisk.flood import condition_dem, fill_depressions, implausible_depths, ponding_depth


def grid(values, cell=10.0):
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    return xr.DataArray(values, dims=("y", "x"), coords={
        "y": cell * (ny - np.arange(ny) - 0.5), "x": cell * (np.arange(nx) + 0.5),
    }).rio.write_crs("EPSG:4548")


# a 6 m pit at (1, 1) and a 0.5 m pit at (1, 4), in a plateau at 9 m draining east at (1, 6)
Z = np.array([
    [9, 9, 9, 9, 9, 9, 9],
    [9, 3, 9, 9, 8.5, 9, 8],
    [9, 9, 9, 9, 9, 9, 9.0],
])


def test_deep_unmapped_pit_is_filled_and_shallow_one_kept():
    out = condition_dem(grid(Z), max_depth_m=2.0)
    t = out.depressions
    assert t["max_depth_m"].tolist() == pytest.approx([6.0, 0.5])
    assert t["artefact"].tolist() == [True, False]
    assert out.removed_volume_m3 == pytest.approx(6.0 * 100.0)
    assert out.filled_cells.values.sum() == 1 and bool(out.filled_cells.values[1, 1])
    assert 9.0 < out.dem.values[1, 1] < 9.01 and out.dem.values[1, 4] == 8.5
    # the water that fell on the pit now flows on instead of standing 6 m deep
    before = ponding_depth(grid(Z), 100.0).depth_m.values
    after = ponding_depth(out.dem, 100.0).depth_m.values
    assert before[1, 1] > 0 and after[1, 1] == 0.0 and after[1, 4] > 0


def test_mapped_pit_is_kept_whatever_its_depth():
    site = gpd.GeoDataFrame(geometry=gpd.points_from_xy([25.0], [15.0]), crs="EPSG:4548")
    out = condition_dem(grid(Z), mapped=site, max_depth_m=2.0)  # next to the 6 m pit
    assert out.depressions["mapped"].tolist() == [True, False]
    assert not out.depressions["artefact"].any()
    np.testing.assert_array_equal(out.dem.values, Z)
    assert out.mapped_depressions.values.sum() == 1 and bool(out.mapped_depressions.values[1, 1])


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(3, 12), st.integers(3, 12)),
              elements=st.floats(0, 20).map(lambda v: round(v, 1))),
       st.sampled_from([0.5, 1.0, 2.0, 5.0]))
def test_conditioning_only_raises_and_leaves_no_deep_pit(z, limit):
    dem = grid(z)
    out = condition_dem(dem, max_depth_m=limit)
    c = out.dem.values
    assert np.all(c >= z)
    np.testing.assert_array_equal(c[~out.filled_cells.values], z[~out.filled_cells.values])
    # what is left: no depression deeper than the limit (independent check by a pure fill)
    left = fill_depressions(out.dem).values - c
    assert left.max() <= limit + 1e-9


def test_implausible_depths_exempt_mapped_areas():
    d = np.zeros((4, 4))
    d[1, 1], d[2, 3] = 3.0, 2.5
    depth = grid(d)
    assert implausible_depths(depth).values.sum() == 2
    site = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5.0], [35.0]), crs="EPSG:4548")
    flags = implausible_depths(depth, mapped=site)
    assert not flags.values[1, 1] and flags.values[2, 3]
    assert implausible_depths(depth, limit_m=5.0).values.sum() == 0


def test_bad_conditioning_options():
    with pytest.raises(ConfigError, match="max_depth_m must be a depth >= 0"):
        condition_dem(grid(Z), max_depth_m=-1)
    with pytest.raises(DataError, match="mapped is not aligned with dem"):
        condition_dem(grid(Z), mapped=grid(np.zeros((3, 7)), cell=20.0) > 0)
    with pytest.raises(ConfigError, match="limit_m must be a depth >= 0"):
        implausible_depths(grid(Z), limit_m=float("nan"))
