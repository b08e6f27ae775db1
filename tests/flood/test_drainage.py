"""Sewer drainage: capacity from the storm formula, runoff above capacity ponds."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from jnrisk._errors import ConfigError, DataError
from jnrisk.flood import (
    JINAN_PLACEHOLDER_UNVERIFIED,
    StormFormula,
    chicago_hyetograph,
    drainage_capacity,
    excess_runoff,
    hyetograph_from_table,
    jinan_pipe_return_periods,
    runoff_depth,
)


def grid(values, cell=10.0):
    values = np.asarray(values)
    ny, nx = values.shape
    return xr.DataArray(values, dims=("y", "x"), coords={
        "y": cell * (ny - np.arange(ny) - 0.5), "x": cell * (np.arange(nx) + 0.5),
    }).rio.write_crs("EPSG:4548")


def test_capacity_is_the_q_form_by_hand():
    # q = 4700 (1 + 0.753 lg 3) / (20 + 17.5)^0.898 L/(s ha); 1 L/(s ha) = 60/167 mm/h in
    # the GB 50014 rounding; times the design runoff coefficient 0.65
    q = 4700 * (1 + 0.753 * math.log10(3)) / (20 + 17.5) ** 0.898
    lc = grid(np.array([[1, 2], [3, 1]]))
    cap = drainage_capacity(lc, JINAN_PLACEHOLDER_UNVERIFIED, return_period_yr=3)
    assert cap.values[0, 0] == pytest.approx(0.65 * q * 60 / 167, rel=1e-12)
    assert cap.values[0, 1] == 0.0 and cap.values[1, 0] == 0.0  # forest, farmland: no sewers
    assert cap.attrs["units"] == "mm/h" and cap.rio.crs == lc.rio.crs


def test_capacity_per_district_mapping():
    lc = grid(np.ones((2, 4), dtype=int))
    districts = gpd.GeoDataFrame({"name_en": ["West", "East"]},
                                 geometry=[box(0, 0, 20, 20), box(20, 0, 40, 20)],
                                 crs="EPSG:4548")
    f = JINAN_PLACEHOLDER_UNVERIFIED
    cap = drainage_capacity(lc, f, return_period_yr={"West": 2, "East": 5}, districts=districts)
    assert cap.values[:, :2] == pytest.approx(0.65 * f.intensity_mm_h(20, 2))
    assert cap.values[:, 2:] == pytest.approx(0.65 * f.intensity_mm_h(20, 5))
    with pytest.raises(ConfigError, match=r"no value for districts \['East'\]"):
        drainage_capacity(lc, f, return_period_yr={"West": 2}, districts=districts)
    with pytest.raises(ConfigError, match="districts is needed"):
        drainage_capacity(lc, f, return_period_yr={"West": 2})
    with pytest.raises(ConfigError, match="return_period_yr must be >= 1 year"):
        drainage_capacity(lc, f, return_period_yr=0.5)
    with pytest.raises(ConfigError, match="runoff_coefficient must be in"):
        drainage_capacity(lc, f, runoff_coefficient=1.5)


def test_jinan_defaults_cover_every_bundled_district():
    periods = jinan_pipe_return_periods()
    assert len(periods) == 12 and set(periods.values()) == {2.0, 3.0}


def test_no_drainage_gives_the_event_scs_runoff():
    lc = grid(np.array([[1, 2, 3], [4, 5, 1]]))
    storm = chicago_hyetograph(JINAN_PLACEHOLDER_UNVERIFIED, 50, 120)
    ex = excess_runoff(storm, lc, 0.0)
    ref = runoff_depth(storm.total_mm, lc)
    np.testing.assert_allclose(ex.values, ref.values, rtol=1e-12, atol=1e-12)


def test_excess_by_hand_on_water_cells():
    storm = hyetograph_from_table([10.0, 40.0, 10.0], dt_min=60)
    lc = grid(np.full((2, 2), 4))  # CN 100: runoff = rain in every step
    assert float(excess_runoff(storm, lc, 20.0)[0, 0]) == pytest.approx(20.0)
    assert float(excess_runoff(storm, lc, 60.0)[0, 0]) == 0.0
    assert excess_runoff(storm, lc, 20.0).attrs["drained_mm_mean"] == pytest.approx(40.0)


@settings(max_examples=40, deadline=None)
@given(
    rain=st.lists(st.floats(0, 60), min_size=1, max_size=12),
    cap_lo=st.floats(0, 80),
    extra=st.floats(0, 80),
    code=st.sampled_from([1, 2, 3, 4, 5]),
)
def test_excess_is_between_zero_and_runoff_and_falls_with_capacity(rain, cap_lo, extra, code):
    storm = hyetograph_from_table(rain, dt_min=10)
    lc = grid(np.full((2, 2), code))
    full = excess_runoff(storm, lc, 0.0).values
    lo = excess_runoff(storm, lc, cap_lo).values
    hi = excess_runoff(storm, lc, cap_lo + extra).values
    assert np.all(lo >= -1e-12) and np.all(lo <= full + 1e-9)
    assert np.all(hi <= lo + 1e-9)


def test_bad_drainage_grids():
    lc = grid(np.ones((2, 2), dtype=int))
    storm = hyetograph_from_table([10.0], dt_min=60)
    with pytest.raises(DataError, match="drainage_mm_h must be finite and >= 0"):
        excess_runoff(storm, lc, lc.copy(data=np.full((2, 2), -1.0)))
    with pytest.raises(DataError, match="drainage_mm_h is not aligned with landcover"):
        excess_runoff(storm, lc, grid(np.zeros((2, 2)), cell=20.0))
    with pytest.raises(ConfigError, match="drainage_mm_h must be a finite rate"):
        excess_runoff(storm, lc, float("nan"))
    with pytest.raises(DataError, match="landcover must be a 2-D grid of at least 2 x 2"):
        excess_runoff(storm, grid(np.ones((1, 3), dtype=int)), 0.0)


def test_storm_formula_intensity_is_used_at_the_design_duration():
    f = StormFormula(a1_mm_min=10.0, c=0.8, b_min=10.0, n=0.7)
    lc = grid(np.ones((2, 2), dtype=int))
    short = drainage_capacity(lc, f, return_period_yr=3, design_duration_min=10).values[0, 0]
    long = drainage_capacity(lc, f, return_period_yr=3, design_duration_min=60).values[0, 0]
    assert short > long  # shorter design duration, higher intensity, bigger pipes
