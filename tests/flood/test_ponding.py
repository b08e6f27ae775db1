"""Priority-Flood, D8, accumulation and fill-and-spill against plain reference versions."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.flood import reference as ref

from jnrisk._errors import ConfigError, CRSError, DataError, SchemaError
from jnrisk.flood import (
    _kernels,
    accumulation_from_direction,
    fill_depressions,
    flow_accumulation,
    flow_direction,
    ponding_depth,
)


def make_dem(values, *, res=10.0, crs="EPSG:4548", nodata=-9999.0):
    values = np.asarray(values)
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={
            "y": 4000000.0 - res * (np.arange(ny) + 0.5),
            "x": 500000.0 + res * (np.arange(nx) + 0.5),
        },
        attrs={"long_name": "elevation"},
    )
    if crs is not None:
        da = da.rio.write_crs(crs)
    if nodata is not None:
        da = da.rio.write_nodata(nodata)
    return da


def random_dem(seed, shape=(14, 17), holes=0.08, ints=False):
    rng = np.random.default_rng(seed)
    z = rng.random(shape) * 10.0
    z = (z + np.roll(z, 1, 0) + np.roll(z, 1, 1)) / 3.0  # some structure, many pits
    if ints:
        z = np.round(z)
    z[rng.random(shape) < holes] = -9999.0
    return z


def _valid(z):
    return z != -9999.0


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("wall", [False, True])
def test_fill_matches_reference(seed, wall):
    z = random_dem(seed, ints=seed % 2 == 1)
    valid = _valid(z)
    want = ref.fill_reference(z, valid, wall=wall)
    if np.isinf(want).any():
        with pytest.raises(DataError, match="enclosed by nodata"):
            fill_depressions(make_dem(z), nodata="wall" if wall else "outlet")
        return
    got = fill_depressions(make_dem(z), nodata="wall" if wall else "outlet").values
    np.testing.assert_array_equal(got[valid], want[valid])
    np.testing.assert_array_equal(got[~valid], z[~valid])


def test_fill_float32_stays_float32_and_input_untouched():
    z = random_dem(3).astype(np.float32)
    dem = make_dem(z)
    before = dem.copy(deep=True)
    out = fill_depressions(dem)
    xr.testing.assert_identical(dem, before)
    assert out.dtype == np.float32
    assert out.rio.crs == dem.rio.crs and out.rio.nodata == dem.rio.nodata
    assert out.rio.transform() == dem.rio.transform()
    assert out.attrs["units"] == "m" and out.attrs["long_name"] == "elevation"
    want = ref.fill_reference(z.astype(float), _valid(z))
    np.testing.assert_array_equal(out.values[_valid(z)], want[_valid(z)].astype(np.float32))


@pytest.mark.parametrize("seed", range(4))
def test_epsilon_fill_drains_everywhere(seed):
    z = random_dem(seed, ints=True)
    valid = _valid(z)
    eps = 1e-3
    out = fill_depressions(make_dem(z), epsilon_m=eps).values
    pure = ref.fill_reference(z, valid)
    assert np.all(out[valid] >= pure[valid])
    assert np.all(out[valid] - pure[valid] < eps * z.size)
    outlets = ref.seeds(valid, wall=False)
    for r, c in zip(*np.nonzero(valid & ~outlets), strict=True):
        lower = [out[rr, cc] for _, rr, cc in ref.neighbours(z.shape, r, c) if valid[rr, cc]]
        assert min(lower) < out[r, c]


@pytest.mark.parametrize("seed", range(6))
def test_flow_direction_drains_and_accumulation_matches_reference(seed):
    z = random_dem(seed, ints=seed % 2 == 0)
    valid = _valid(z)
    dem = make_dem(z)
    fdir = flow_direction(dem)
    d = fdir.values
    assert fdir.dtype == np.uint8 and fdir.rio.nodata == 255
    assert np.all((d == 255) == ~valid)
    filled = ref.fill_reference(z, valid)
    for r, c in zip(*np.nonzero(valid), strict=True):
        down = ref.steepest_down(filled, valid, r, c)
        if down is not None:  # steepest strictly lower neighbour on the filled DEM
            k = ref.NBRS.index((down[0] - r, down[1] - c))
            assert d[r, c] == ref.CODES[k]
        elif d[r, c] != 0:  # flat: points to an equal neighbour
            dr, dc = ref.NBRS[ref.CODES.index(int(d[r, c]))]
            assert filled[r + dr, c + dc] == filled[r, c]
    acc = flow_accumulation(dem).values
    want = ref.accumulation_reference(d)  # raises on cycles: every cell reaches an outlet
    np.testing.assert_array_equal(np.isnan(acc), ~valid)
    np.testing.assert_array_equal(acc[valid], want[valid])
    assert np.nansum(acc[valid & (d == 0)]) >= valid.sum()  # all water leaves somewhere


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("wall", [False, True])
def test_ponding_matches_parcel_simulation(seed, wall):
    rng = np.random.default_rng(100 + seed)
    z = random_dem(seed, shape=(11, 13), holes=0.05)
    valid = _valid(z)
    runoff_mm = np.where(valid, rng.random(z.shape) * 400.0, 0.0)
    res = ponding_depth(
        make_dem(z), make_dem(runoff_mm, nodata=None), nodata="wall" if wall else "outlet"
    )
    want, want_out = ref.ponding_reference(z, valid, runoff_mm / 1000.0, wall=wall)
    np.testing.assert_allclose(res.depth_m.values[valid], want[valid], rtol=1e-9, atol=1e-9)
    assert res.outflow_m3 == pytest.approx(want_out * 100.0, rel=1e-9, abs=1e-9)
    assert abs(res.balance_error_m3) <= 1e-6 * res.runoff_m3


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    ny=st.integers(3, 25),
    nx=st.integers(3, 25),
    holes=st.sampled_from([0.0, 0.1, 0.3]),
    ints=st.booleans(),
    scale=st.sampled_from([0.001, 0.1, 10.0, 1e4]),
)
def test_ponding_mass_balance_and_bounds(seed, ny, nx, holes, ints, scale):
    rng = np.random.default_rng(seed)
    z = random_dem(seed, shape=(ny, nx), holes=holes, ints=ints) + 0.0
    valid = _valid(z)
    if not valid.any():
        return
    z[valid] += 100.0  # elevations far from zero
    runoff = rng.random((ny, nx)) * scale
    res = ponding_depth(make_dem(z), make_dem(runoff, nodata=None))
    d = res.depth_m.values
    assert abs(res.balance_error_m3) <= 1e-6 * res.runoff_m3 + 1e-12
    assert res.ponded_m3 >= -1e-12 and res.outflow_m3 >= -1e-12
    filled = fill_depressions(make_dem(z)).values
    assert np.all(d[valid] >= 0)
    assert np.all(z[valid] + d[valid] <= filled[valid] + 1e-9 * (1 + np.abs(filled[valid])))


@pytest.mark.parametrize("seed", range(4))
def test_ponding_with_unlimited_runoff_equals_fill(seed):
    z = random_dem(seed, ints=seed % 2 == 0)
    valid = _valid(z)
    res = ponding_depth(make_dem(z), 1e6)
    filled = fill_depressions(make_dem(z)).values
    np.testing.assert_allclose(res.depth_m.values[valid], (filled - z)[valid], atol=1e-6)


def test_dem_contract_errors():
    z = random_dem(1)
    with pytest.raises(CRSError, match="geographic CRS"):
        fill_depressions(make_dem(z, crs="EPSG:4326"))
    with pytest.raises(CRSError, match="no CRS"):
        flow_direction(make_dem(z, crs=None))
    dem = make_dem(z)
    rect = dem.assign_coords(x=500000.0 + 20.0 * np.arange(z.shape[1]))
    with pytest.raises(DataError, match=r"non-square cells \(20 m x 10 m\)"):
        ponding_depth(rect, 10.0)
    with pytest.raises(ConfigError, match=r"nodata must be one of \['outlet', 'wall'\]"):
        fill_depressions(dem, nodata="sink")
    with pytest.raises(SchemaError, match="must be 2-D"):
        fill_depressions(dem.expand_dims(band=[1]))
    with pytest.raises(DataError, match="every cell is nodata"):
        fill_depressions(make_dem(np.full((3, 3), -9999.0)))
    with pytest.raises(ConfigError, match="epsilon_m.*>= 0"):
        fill_depressions(dem, epsilon_m=-1)


def test_ponding_bad_runoff():
    z = random_dem(2)
    dem = make_dem(z)
    neg = np.zeros(z.shape)
    neg[3, 4] = -2.0
    with pytest.raises(DataError, match=r"negative on 1 cells \(minimum -2 mm\)"):
        ponding_depth(dem, make_dem(neg, nodata=None))
    nan = np.zeros(z.shape)
    nan[~_valid(z)] = np.nan
    nan[5, 5] = np.nan
    n_bad = int((_valid(z) & np.isnan(nan)).sum())
    with pytest.raises(DataError, match=rf"NaN/inf on {n_bad} data cells.*fillna\(0\)"):
        ponding_depth(dem, make_dem(nan, nodata=None))
    with pytest.raises(DataError, match=r"shape \(2, 2\)"):
        ponding_depth(dem, make_dem(np.zeros((2, 2)), nodata=None))


def test_enclosed_region_with_walls():
    z = np.full((7, 7), 5.0)
    z[1:6, 1:6] = -9999.0
    z[3, 3] = 1.0  # an island of data inside a nodata ring
    with pytest.raises(DataError, match="1 data cells are enclosed by nodata"):
        fill_depressions(make_dem(z), nodata="wall")
    out = fill_depressions(make_dem(z)).values  # outlet: the island drains into the hole
    assert out[3, 3] == 1.0
    res = ponding_depth(make_dem(z), 10.0, nodata="wall")  # sealed: it keeps its water
    assert res.depth_m.values[3, 3] == pytest.approx(0.01)


def test_direction_codes_checked():
    bad = xr.DataArray(np.array([[3, 1]], dtype=np.uint8), dims=("y", "x"))
    with pytest.raises(DataError, match=r"codes other than ESRI D8.*\[3\]"):
        accumulation_from_direction(bad)
    cycle = xr.DataArray(np.array([[1, 16]], dtype=np.uint8), dims=("y", "x"))
    with pytest.raises(DataError, match="cycle"):
        accumulation_from_direction(cycle)


def test_kernel_does_not_write_input():
    z = random_dem(5)
    keep = z.copy()
    _kernels.priority_flood(z, -9999.0, True, False, 0.0, True)
    _kernels.fill_spill(z, -9999.0, True, False, np.ones(z.size))
    np.testing.assert_array_equal(z, keep)


def test_fill_spill_phases_reproduce_the_single_kernel_bit_for_bit():
    """Outputs of the fill-and-spill kernel on a seeded DEM, hashed before it was split into
    phases; any change in arithmetic or order shows up here."""
    import hashlib

    from scipy.ndimage import zoom

    rng = np.random.default_rng(20241231)
    coarse = rng.random((8, 8)) * 20.0
    z = zoom(coarse, 300 / 7, order=1)[:300, :300] + rng.random((300, 300)) * 2.0
    z[:10, :15] = -9999.0
    w = rng.random(z.size) * 0.05
    out = _kernels.fill_spill(np.ascontiguousarray(z), -9999.0, True, False, w)
    h = hashlib.sha256()
    for x in out:
        h.update(np.ascontiguousarray(np.asarray(x, dtype=np.float64)).tobytes())
    assert out[3] == 8779
    assert h.hexdigest() == "12a1b28f30ac75a1675d1777ba2c2d606fc089d71450cf3450f8bd953893d208"
