"""Rothermel rate of spread and minimum-travel-time arrival on rasters."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from jnrisk import ConfigError, CRSError, DataError
from jnrisk.fire.spread import (
    FUEL_MODELS,
    FuelMoisture,
    arrival_time,
    length_to_breadth,
    perimeters,
    rothermel_ros,
    spread_rates,
)

from .reference import naive_arrival, rothermel_single_class

FT = 0.3048
KMH_FT_MIN = 1000 / 60 / FT


def grid(values, res=10.0, crs="EPSG:4548"):
    values = np.asarray(values)
    ny, nx = values.shape
    da = xr.DataArray(
        values, dims=("y", "x"),
        coords={"y": (np.arange(ny - 1, -1, -1) + 0.5) * res, "x": (np.arange(nx) + 0.5) * res},
    )  # fmt: skip
    return da.rio.write_crs(crs)


def centre(da):
    return float(da.x[da.sizes["x"] // 2]), float(da.y[da.sizes["y"] // 2])


# --------------------------------------------------------------------------- Rothermel
def test_fm1_hand_computed():
    """Hand calculation (domain.md 3.4 formulas, FM1, 1-h moisture 6 %): R0 = 4.606 ft/min,
    I_R = 826.2 Btu/ft2/min; midflame wind 8 km/h (437.4 ft/min): phi_W = 21.18, R = 102.2
    ft/min."""
    r = rothermel_ros(1, FuelMoisture(dead_1h_pct=6.0), wind_midflame_kmh=8.0)
    assert r.ros0_m_min / FT == pytest.approx(4.606, rel=2e-3)
    assert r.reaction_intensity_kw_m2 / 0.18927 == pytest.approx(826.2, rel=2e-3)
    assert r.phi_wind == pytest.approx(21.18, rel=5e-3)
    assert r.ros_m_min / FT == pytest.approx(102.2, rel=5e-3)
    assert not r.wind_limited


@settings(max_examples=30, deadline=None)
@given(
    code=st.sampled_from([1, 3]),
    m=st.floats(2.0, 30.0),
    wind=st.floats(0.0, 25.0),
    slope=st.floats(0.0, 80.0),
)
def test_single_class_models_match_reference(code, m, wind, slope):
    fm = FUEL_MODELS[code]
    r = rothermel_ros(code, FuelMoisture(dead_1h_pct=m), wind_midflame_kmh=wind,
                      slope_pct=slope, wind_limit=False)  # fmt: skip
    r0, rr, i_r = rothermel_single_class(fm.w_1h, fm.sav_1h, fm.depth_ft, fm.mx_dead_pct / 100,
                                         m / 100, wind * KMH_FT_MIN, slope / 100)  # fmt: skip
    assert r.ros0_m_min == pytest.approx(r0 * FT, rel=1e-9, abs=1e-12)
    assert r.ros_m_min == pytest.approx(rr * FT, rel=1e-9, abs=1e-12)
    if m >= fm.mx_dead_pct:
        assert r.ros_m_min < 1e-9


@settings(max_examples=30, deadline=None)
@given(code=st.sampled_from(sorted(FUEL_MODELS)), m=st.floats(3.0, 12.0),
       wind=st.floats(0.0, 20.0), slope=st.floats(0.0, 60.0))  # fmt: skip
def test_monotone_in_wind_slope_moisture(code, m, wind, slope):
    base = rothermel_ros(code, FuelMoisture(dead_1h_pct=m), wind_midflame_kmh=wind,
                         slope_pct=slope)  # fmt: skip
    assert base.ros_m_min >= base.ros0_m_min > 0
    windier = rothermel_ros(code, FuelMoisture(dead_1h_pct=m), wind_midflame_kmh=wind + 3,
                            slope_pct=slope)  # fmt: skip
    steeper = rothermel_ros(code, FuelMoisture(dead_1h_pct=m), wind_midflame_kmh=wind,
                            slope_pct=slope + 10)  # fmt: skip
    wetter = rothermel_ros(code, FuelMoisture(dead_1h_pct=m + 2), wind_midflame_kmh=wind,
                           slope_pct=slope)  # fmt: skip
    assert windier.ros_m_min >= base.ros_m_min - 1e-12
    assert steeper.ros_m_min >= base.ros_m_min - 1e-12
    assert wetter.ros0_m_min <= base.ros0_m_min + 1e-12


def test_against_pyretechnics():
    """pyretechnics (float32, Albini size-class weights, slope-tangential plane) agrees.

    Its table books FM10's live load as herbaceous (Anderson 1982: live woody), so both live
    moistures are set equal here."""
    sf = pytest.importorskip("pyretechnics.surface_fire")
    fmods = pytest.importorskip("pyretechnics.fuel_models")
    moist = FuelMoisture(6.0, 7.0, 8.0, 90.0, 90.0)
    for code in sorted(FUEL_MODELS):
        fm = fmods.moisturize(fmods.get_fuel_model(code), [0.06, 0.07, 0.08, 0.0, 0.90, 0.90])
        base = sf.calc_surface_fire_behavior_no_wind_no_slope(fm)
        ours = rothermel_ros(code, moist)
        assert ours.ros0_m_min == pytest.approx(base["base_spread_rate"], rel=1e-4), code
        for wind_kmh, slope in ((10.0, 0.0), (0.0, 0.3)):
            theirs = sf.calc_surface_fire_behavior_max(
                base, wind_kmh * 1000 / 60, 180.0, slope, 180.0, True, "rothermel"
            )
            ours = rothermel_ros(code, moist, wind_midflame_kmh=wind_kmh, slope_pct=100 * slope)
            assert ours.ros_m_min == pytest.approx(theirs["max_spread_rate"], rel=0.02), code
            if slope == 0.0:
                lw = float(length_to_breadth(ours.effective_wind_kmh))
                assert lw == pytest.approx(theirs["length_to_width_ratio"], rel=0.01), code


def test_length_to_breadth_forms():
    assert length_to_breadth(0.0) == 1.0
    assert float(length_to_breadth(1.609344 * 8)) == pytest.approx(3.0)
    assert float(length_to_breadth(0.0, shape="behave")) == pytest.approx(1.0, abs=1e-3)
    assert float(length_to_breadth(500.0, shape="behave")) == 8.0
    with pytest.raises(ConfigError, match="rothermel1991"):
        length_to_breadth(1.0, shape="anderson")


def test_unknown_fuel_model():
    with pytest.raises(ConfigError, match=r"available: \[1, 2, 3, 8, 9, 10\]"):
        rothermel_ros(42)


# --------------------------------------------------------------------------- MTT vs naive
@pytest.mark.parametrize("neighbours", [8, 16])
def test_mtt_matches_naive_dijkstra(neighbours, rng):
    from jnrisk.fire import _spread_kernels as kern

    for _ in range(3):
        ny, nx = rng.integers(5, 13, 2)
        rmax = rng.uniform(0.5, 5.0, (ny, nx))
        rmax[rng.random((ny, nx)) < 0.2] = 0.0
        rmax[0, 0] = np.nan
        theta = rng.uniform(-np.pi, np.pi, (ny, nx))
        ecc = rng.uniform(0.0, 0.9, (ny, nx))
        burn = np.argwhere(rmax > 0)
        pick = burn[rng.choice(len(burn), 2, replace=False)]
        t0 = np.array([0.0, rng.uniform(0, 20)])
        dx, dy = 30.0, -25.0
        got, status, _ = kern.mtt_arrival(rmax, np.cos(theta), np.sin(theta), ecc, dx, dy,
                                          pick[:, 0].copy(), pick[:, 1].copy(), t0,
                                          neighbours, np.inf)  # fmt: skip
        assert status == kern.STATUS_OK
        want = naive_arrival(rmax, theta, ecc, dx, dy, [tuple(p) for p in pick], t0, neighbours)
        np.testing.assert_allclose(got, want, rtol=1e-10)


# --------------------------------------------------------------------------- shapes
def test_circle_on_flat_ground_without_wind():
    lc = grid(np.full((121, 121), 5))
    t16 = arrival_time(lc, [centre(lc)])
    t8 = arrival_time(lc, [centre(lc)], neighbours=8)
    r = float(spread_rates(lc)["ros_m_min"][0, 0])
    xx, yy = np.meshgrid(lc.x - centre(lc)[0], lc.y - centre(lc)[1])
    d = np.hypot(xx, yy)
    far = d > 200.0
    err16 = t16.values[far] * r / d[far] - 1
    err8 = t8.values[far] * r / d[far] - 1
    assert err16.min() > -1e-9 and err16.max() < 0.03  # 16-stencil: within 3 %
    assert err8.min() > -1e-9 and err8.max() < 0.085  # 8-stencil: within 8.3 %
    t_draw = 450.0 / r  # radius 450 m
    g = perimeters(t16, [t_draw]).geometry.iloc[0]
    minx, miny, maxx, maxy = g.bounds
    assert (maxx - minx) / (maxy - miny) == pytest.approx(1.0, abs=0.03)
    assert g.area == pytest.approx(math.pi * 450.0**2, rel=0.08)


@pytest.mark.parametrize(("wind_from", "axis"), [(270.0, "east"), (0.0, "south")])
def test_wind_elongates_downwind_with_expected_ratio(wind_from, axis):
    lc = grid(np.full((151, 151), 5))
    cx, cy = float(lc.x[30]) if axis == "east" else centre(lc)[0], centre(lc)[1]
    if axis == "south":
        cy = float(lc.y[30])
    rates = spread_rates(lc, wind_kmh=20.0, wind_from_deg=wind_from)
    lw = float(rates["lw_ratio"][0, 0])
    assert lw == pytest.approx(1 + 0.25 * 20 * 0.4 / 1.609344, rel=0.05)  # capped? no: 8 km/h
    t = arrival_time(lc, [(cx, cy)], rates=rates)
    edge = float(t.values[75, -5]) if axis == "east" else float(t.values[-5, 75])
    g = perimeters(t, [0.9 * edge]).geometry.iloc[0]
    minx, miny, maxx, maxy = g.bounds
    length, breadth = (maxx - minx, maxy - miny) if axis == "east" else (maxy - miny, maxx - minx)
    assert length / breadth == pytest.approx(lw, rel=0.1)
    if axis == "east":
        assert maxx - cx > 10 * (cx - minx)  # head downwind, short backing fire
    else:
        assert cy - miny > 10 * (maxy - cy)


def test_fire_runs_faster_upslope():
    n = 81
    lc = grid(np.full((n, n), 5))
    z = np.repeat((lc.y.values * 0.3)[:, None], n, axis=1)  # 30 % slope rising to the north
    dem = lc.copy(data=z)
    rates = spread_rates(lc, dem)
    assert float(rates["direction_deg"][40, 40]) == pytest.approx(0.0, abs=1e-6)
    t = arrival_time(lc, [centre(lc)], dem=dem)
    assert float(t.values[5, 40]) < 0.7 * float(t.values[75, 40])  # north (up) vs south (down)


def test_non_burnable_barrier_and_gap():
    v = np.full((30, 30), 5)
    v[:, 15] = 4  # a one-cell river
    lc = grid(v)
    t = arrival_time(lc, [(float(lc.x[5]), float(lc.y[15]))])
    assert t[:, 16:].isnull().all() and t[:, 15].isnull().all()
    assert t[:, :15].notnull().all()
    v[20, 15] = 5  # a ford
    t2 = arrival_time(grid(v), [(float(lc.x[5]), float(lc.y[15]))])
    assert t2[:, 16:].notnull().all()
    d = np.full((20, 20), 5)
    np.fill_diagonal(d, 1)  # a diagonal built-up line: no corner cutting
    gd = grid(d)
    t3 = arrival_time(gd, [(float(gd.x[15]), float(gd.y[2]))])
    lower = np.tril(np.ones((20, 20), bool), -1)
    assert np.isnan(t3.values[lower]).all()


def test_max_time_and_ignition_times():
    lc = grid(np.full((50, 50), 5))
    full = arrival_time(lc, [centre(lc)])
    cut = arrival_time(lc, [centre(lc)], max_time_min=60.0)
    keep = full.values <= 60.0
    np.testing.assert_array_equal(cut.values[keep], full.values[keep])
    assert np.isnan(cut.values[~keep]).all()
    two = arrival_time(lc, [(float(lc.x[5]), float(lc.y[5])), (float(lc.x[45]), float(lc.y[45]))],
                       ignition_time_min=[0.0, 30.0])  # fmt: skip
    assert float(two[45, 45]) == 30.0 and float(two[5, 5]) == 0.0


def test_perimeters_grow_and_match_cells():
    lc = grid(np.full((60, 60), 5), res=20.0)
    t = arrival_time(lc, [centre(lc)])
    per = perimeters(t, [30.0, 60.0, 120.0])
    assert per.crs.to_epsg() == 4548
    assert list(per.time_min) == [30.0, 60.0, 120.0]
    assert per.area_m2.is_monotonic_increasing
    np.testing.assert_allclose(per.area_m2, per.cells * 400.0)


def test_inputs_not_modified_and_geodataframe_ignitions():
    v = np.full((20, 20), 5)
    v[:3] = 2
    lc = grid(v)
    before = lc.copy(deep=True)
    pts = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(*centre(lc))], crs="EPSG:4548",
                           index=[7])  # fmt: skip
    t = arrival_time(lc, pts, wind_kmh=10.0)
    xr.testing.assert_identical(lc, before)
    assert t.rio.crs.to_epsg() == 4548 and t.attrs["units"] == "min"


# --------------------------------------------------------------------------- bad input
def test_ignition_errors():
    v = np.full((20, 20), 5)
    v[0, 0] = 4
    lc = grid(v)
    with pytest.raises(DataError, match=r"outside the grid \(x 5\.\.195"):
        arrival_time(lc, [(-500.0, 10.0)])
    with pytest.raises(DataError, match=r"non-burnable cells \(land-cover codes \[4\]"):
        arrival_time(lc, [(float(lc.x[0]), float(lc.y[0]))])
    pts = gpd.GeoDataFrame(geometry=[Point(117.0, 36.6)], crs="EPSG:4326")
    with pytest.raises(CRSError, match="geographic"):
        arrival_time(lc, pts)
    with pytest.raises(ConfigError, match="use 8 or 16"):
        arrival_time(lc, [centre(lc)], neighbours=4)


def test_landcover_and_option_errors():
    v = np.full((10, 10), 5)
    v[2:4, 2:4] = 9
    lc = grid(v)
    with pytest.raises(DataError, match=r"not in fuel_map: 9 \(4 cells\)"):
        spread_rates(lc)
    with pytest.raises(ConfigError, match="unknown fuel model 77"):
        spread_rates(lc, fuel_map={5: 1, 9: 77})
    with pytest.raises(ConfigError, match=r"wind_kmh = -1.0 is out of range"):
        spread_rates(grid(np.full((10, 10), 5)), wind_kmh=-1.0)
    with pytest.raises(DataError, match="reproject_match"):
        spread_rates(grid(np.full((10, 10), 5)), grid(np.zeros((9, 10))))
    with pytest.raises(CRSError):
        spread_rates(grid(np.full((10, 10), 5), crs="EPSG:4326"))


def test_dem_nodata_only_on_non_burnable_cells():
    v = np.full((12, 12), 5)
    v[:, :3] = 4
    lc = grid(v)
    z = np.tile(np.arange(12.0) * 3.0, (12, 1))
    z[:, :2] = -9999.0
    dem = lc.copy(data=z).rio.write_nodata(-9999.0)
    rates = spread_rates(lc, dem)
    assert float(rates["ros_m_min"][5, 2]) == 0.0 and float(rates["ros_m_min"][5, 6]) > 0
    z[5, 6] = -9999.0
    with pytest.raises(DataError, match="nodata/NaN at 1 burnable cells"):
        spread_rates(lc, lc.copy(data=z).rio.write_nodata(-9999.0))
