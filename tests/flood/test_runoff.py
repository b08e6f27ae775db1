"""SCS-CN runoff: hand-computed values, Hawkins conversion, grids, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk._errors import ConfigError, DataError
from jnrisk.flood import runoff


def _grid(values, *, res=10.0, crs="EPSG:4548", nodata=None):
    values = np.asarray(values)
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={
            "y": 4000000.0 - res * (np.arange(ny) + 0.5),
            "x": 500000.0 + res * (np.arange(nx) + 0.5),
        },
    ).rio.write_crs(crs)
    if nodata is not None:
        da = da.rio.write_nodata(nodata)
    return da


@pytest.mark.parametrize(
    ("p", "cn", "lam", "want"),
    [
        # S = 25400/80 - 254 = 63.5; Ia = 12.7; Q = 87.3^2 / 150.8
        (100.0, 80.0, 0.2, 87.3**2 / 150.8),
        (10.0, 80.0, 0.2, 0.0),  # P < Ia
        (50.0, 100.0, 0.2, 50.0),
        # Hawkins: S05 = 25.4 * 1.33 * 2.5^1.15 mm
        (100.0, 80.0, 0.05, None),
    ],
)
def test_scs_hand_values(p, cn, lam, want):
    if want is None:
        s = 25.4 * 1.33 * 2.5**1.15
        want = (p - 0.05 * s) ** 2 / (p - 0.05 * s + s)
    assert float(runoff.scs_runoff_mm(p, cn, ia_ratio=lam)) == pytest.approx(want, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(p=st.floats(0, 500), cn=st.floats(30, 100), lam=st.sampled_from([0.2, 0.05]))
def test_runoff_bounded_and_monotone(p, cn, lam):
    q = float(runoff.scs_runoff_mm(p, cn, ia_ratio=lam))
    q2 = float(runoff.scs_runoff_mm(p + 1.0, cn, ia_ratio=lam))
    assert 0.0 <= q <= p + 1e-9
    assert q2 >= q


def test_grid_runoff_with_nodata_keeps_coords():
    lc = _grid(np.array([[1, 2, 3], [4, 5, 0]], dtype=np.int16), nodata=0)
    sg = _grid(np.array([[1, 2, 3], [4, 4, 4]], dtype=np.int16))
    before = lc.copy(deep=True)
    q = runoff.runoff_depth(80.0, lc, sg, ia_ratio=0.2)
    xr.testing.assert_identical(lc, before)
    assert q.attrs["units"] == "mm" and q.rio.crs == lc.rio.crs
    np.testing.assert_array_equal(q.x, lc.x)
    cn = np.array([[89.0, 55.0, 85.0], [100.0, 84.0, np.nan]])
    np.testing.assert_allclose(q.values, runoff.scs_runoff_mm(80.0, cn), equal_nan=True)
    assert np.isnan(q.values[1, 2])


def test_custom_cn_table():
    lc = _grid(np.array([[7, 7]]))
    q = runoff.curve_number(lc, "A", cn_table={7: (50.0, 60.0, 70.0, 80.0)})
    assert q.values.tolist() == [[50.0, 50.0]]


def test_unknown_landcover_code():
    lc = _grid(np.array([[1, 9, 9], [12, 2, 3]]))
    with pytest.raises(
        DataError, match=r"9 \(2 cells\), 12 \(1 cells\).*Known codes: \[1, 2, 3, 4, 5\]"
    ):
        runoff.runoff_depth(50.0, lc)


def test_misaligned_soil_grid():
    lc = _grid(np.ones((3, 3), dtype=int))
    sg = _grid(np.ones((3, 3), dtype=int), res=20.0)
    with pytest.raises(DataError, match="not aligned.*reproject_match"):
        runoff.curve_number(lc, sg)
    with pytest.raises(DataError, match=r"soil_group has shape \(2, 3\) but landcover is \(3, 3\)"):
        runoff.curve_number(lc, _grid(np.ones((2, 3), dtype=int)))


def test_bad_options_and_rain():
    lc = _grid(np.ones((2, 2), dtype=int))
    with pytest.raises(ConfigError, match=r"ia_ratio must be 0.2 .* or 0.05"):
        runoff.runoff_depth(50.0, lc, ia_ratio=0.1)
    with pytest.raises(DataError, match="rain_mm must be >= 0 mm; found minimum -5"):
        runoff.runoff_depth(-5.0, lc)
    with pytest.raises(ConfigError, match="soil_group must be 'A'-'D'"):
        runoff.curve_number(lc, "E")
    with pytest.raises(DataError, match="fractional"):
        runoff.curve_number(_grid(np.array([[1.5, 2.0]])))
