"""FWI system, overwintering DC, danger levels and the LY/T 1172 score."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk import ConfigError, DataError, SchemaError
from jnrisk.fire import (
    LYT1172_LEVEL_THRESHOLDS,
    danger_level,
    fwi,
    lyt1172_score,
    overwintering_dc,
)

from .helpers import FWI_NAMES, random_weather, series


def _standard_inputs(inp: pd.DataFrame):
    time = pd.to_datetime(dict(year=inp.yr, month=inp.mon, day=inp.day))

    def da(col):
        return xr.DataArray(inp[col].to_numpy(float), dims="time", coords={"time": time})

    return da("temp"), da("rh"), da("ws"), da("prec")


def _half_ulp_4sig(values: np.ndarray) -> np.ndarray:
    """Half a unit of the 4th significant digit: the rounding of the published set."""
    mag = np.floor(np.log10(np.maximum(np.abs(values), 1e-12)))
    return 0.5 * 10.0 ** (mag - 3) + 1e-9


# --------------------------------------------------------------------------- standard test set
def test_standard_set_every_day_every_index(fwi_standard):
    inp, exp = fwi_standard
    assert len(inp) == 48
    out = fwi(*_standard_inputs(inp), lat=40.0)
    for name in FWI_NAMES:
        got = out[name].to_numpy()
        want = exp[name.upper()].to_numpy()
        tol = _half_ulp_4sig(want)
        bad = np.flatnonzero(np.abs(got - want) > tol)
        assert bad.size == 0, f"{name}: days {bad.tolist()} got {got[bad]} want {want[bad]}"


def test_standard_set_first_day_published_rounding(fwi_standard):
    inp, _ = fwi_standard
    out = fwi(*_standard_inputs(inp.iloc[:1]), lat=40.0)
    got = [round(float(out[k][0]), 1) for k in ("ffmc", "dmc", "dc", "isi", "bui", "fwi")]
    assert got == [87.6, 8.5, 19.0, 10.8, 8.5, 10.0]
    assert float(out["dsr"][0]) == pytest.approx(1.61, abs=0.005)


def test_shared_reference_matches_local_copy(shared_dir, fwi_standard):
    ref = shared_dir / "data" / "reference" / "fwi"
    inp = pd.read_csv(ref / "test_fwi_input.csv", sep=";")
    exp = pd.read_csv(ref / "cffdrs_r_expected_fwi_01.csv")
    pd.testing.assert_frame_equal(inp, fwi_standard[0])
    pd.testing.assert_frame_equal(exp, fwi_standard[1])


# --------------------------------------------------------------------------- xclim oracle
def test_against_xclim_random_weather(rng):
    """xclim agrees on DMC, DC and BUI (same equations and temperature floors, sub-zero days
    included). Its FFMC uses the textbook constant 147.2 (domain.md 3.1 pins 147.2772), so
    FFMC differs by < 0.5 % and ISI/FWI/DSR by a few percent."""
    fire = pytest.importorskip("xclim.indices.fire")
    temp, rh, wind, rain = random_weather(rng, 4, 150)
    ours = fwi(temp, rh, wind, rain, lat=36.7)
    for a, u in ((temp, "degC"), (rh, "%"), (wind, "km/h"), (rain, "mm/d")):
        a.attrs["units"] = u
    lat = xr.DataArray(np.full(4, 36.7), dims="cell", attrs={"units": "degrees_north"})
    start = {k: xr.full_like(lat, v) for k, v in (("ffmc0", 85.0), ("dmc0", 6.0), ("dc0", 15.0))}
    theirs = fire.fire_weather_ufunc(
        tas=temp, pr=rain, hurs=rh, sfcWind=wind, lat=lat, **start,
        indexes=["DC", "DMC", "FFMC", "ISI", "BUI", "FWI", "DSR"],
    )  # fmt: skip
    for name, rtol in (("dmc", 1e-9), ("dc", 1e-9), ("bui", 1e-9), ("ffmc", 5e-3)):
        np.testing.assert_allclose(ours[name], theirs[name.upper()], rtol=rtol, atol=1e-9)
    for name in ("isi", "fwi"):
        np.testing.assert_allclose(ours[name], theirs[name.upper()], rtol=0.08, atol=0.05)


# --------------------------------------------------------------------------- overwintering
@pytest.mark.parametrize(
    ("dcf", "rw", "a", "b", "floor", "expected"),
    [
        (300.0, 110.0, 0.75, 0.75, 15.0, 109.4657),
        (300.0, 110.0, 1.0, 0.9, 15.0, 16.35315),
        (100.0, 50.0, 0.75, 0.75, 15.0, 105.176),
        (1.0, 550.0, 0.75, 0.75, 10.0, 10.0),
    ],
)
def test_overwintering_dc_xclim_vectors(dcf, rw, a, b, floor, expected):
    got = overwintering_dc(dcf, rw, carry_over=a, wetting_efficiency=b, min_dc=floor)
    assert got == pytest.approx(expected, abs=5e-4)


def test_overwintering_dc_dataarray_and_bad_input():
    dcf = xr.DataArray([300.0, 100.0], dims="station")
    out = overwintering_dc(dcf, xr.DataArray([110.0, 50.0], dims="station"))
    assert isinstance(out, xr.DataArray)
    np.testing.assert_allclose(out, [109.4657, 105.176], atol=5e-4)
    with pytest.raises(DataError, match="winter_rain_mm must be >= 0"):
        overwintering_dc(300.0, -1.0)
    with pytest.raises(ConfigError, match="carry_over"):
        overwintering_dc(300.0, 1.0, carry_over=1.5)


# --------------------------------------------------------------------------- shapes, dask, NaN
def test_grid_dask_and_stations_agree(rng):
    temp, rh, wind, rain = random_weather(rng, 6, 40)
    whole = fwi(temp, rh, wind, rain, lat=36.7)
    assert whole["fwi"].dims == ("cell", "time")
    one = fwi(temp[2], rh[2], wind[2], rain[2], lat=36.7)
    for name in FWI_NAMES:
        np.testing.assert_array_equal(whole[name][2], one[name])
    chunked = [a.chunk({"cell": 2, "time": 10}) for a in (temp, rh, wind, rain)]
    lazy = fwi(*chunked, lat=36.7)
    assert lazy["fwi"].chunks is not None
    xr.testing.assert_equal(lazy.compute(), whole)


def test_inputs_not_modified(rng):
    arrays = random_weather(rng, 2, 10)
    before = [a.copy(deep=True) for a in arrays]
    fwi(*arrays, lat=36.7)
    lyt1172_score(*arrays)
    for a, b in zip(arrays, before, strict=True):
        xr.testing.assert_identical(a, b)


def test_missing_day_propagates_restarts_or_raises(rng):
    temp, rh, wind, rain = (a[0] for a in random_weather(rng, 1, 20))
    rh_nan = rh.copy()
    rh_nan[7] = np.nan
    prop = fwi(temp, rh_nan, wind, rain, lat=36.7)
    clean = fwi(temp, rh, wind, rain, lat=36.7)
    for name in FWI_NAMES:
        np.testing.assert_array_equal(prop[name][:7], clean[name][:7])
        assert prop[name][7:].isnull().all()
    rest = fwi(temp, rh_nan, wind, rain, lat=36.7, missing="restart")
    fresh = fwi(temp[8:], rh[8:], wind[8:], rain[8:], lat=36.7)
    assert rest["fwi"][7].isnull()
    for name in FWI_NAMES:
        np.testing.assert_array_equal(rest[name][8:], fresh[name])
    with pytest.raises(DataError, match=r"rh_pct has 1 missing .*2024-03-08"):
        fwi(temp, rh_nan, wind, rain, lat=36.7, missing="raise")


@settings(max_examples=25, deadline=None)
@given(
    temp=st.lists(st.floats(-20, 40), min_size=1, max_size=15),
    seed=st.integers(0, 2**32 - 1),
)
def test_outputs_in_range_and_rain_never_dries(temp, seed):
    rng = np.random.default_rng(seed)
    n = len(temp)
    t = series(temp)
    rh = series(rng.uniform(0.0, 100.0, n))
    wind = series(rng.uniform(0.0, 60.0, n))
    rain = series(np.where(rng.random(n) < 0.4, rng.exponential(10.0, n), 0.0))
    out = fwi(t, rh, wind, rain, lat=36.7)
    assert float(out["ffmc"].min()) >= 0.0 and float(out["ffmc"].max()) <= 101.0
    for name in FWI_NAMES:
        assert bool(np.isfinite(out[name]).all())
        assert float(out[name].min()) >= 0.0
    wetter = fwi(t, rh, wind, rain + 5.0, lat=36.7)
    for name in ("ffmc", "dmc", "dc"):
        assert bool((wetter[name] <= out[name] + 1e-9).all()), name


# --------------------------------------------------------------------------- bad input
def test_bad_ranges_collected_in_one_error():
    t = series([20.0, 21.0, 22.0])
    with pytest.raises(DataError) as err:
        fwi(t, series([50.0, 101.0, 40.0]), series([-3.0, 5.0, 5.0]), series([0, 0, 0]), lat=36.7)
    msg = str(err.value)
    assert "2 problems" in msg
    assert "rh_pct must lie in [0, 100]" in msg and "max 101" in msg and "2024-03-02" in msg
    assert "wind_kmh must lie in [0, 400]" in msg and "min -3" in msg


def test_missing_time_coordinate():
    bare = xr.DataArray([20.0, 21.0], dims="day")
    with pytest.raises(SchemaError, match="needs a 'time' dimension"):
        fwi(bare, bare, bare, bare, lat=36.7)
    with pytest.raises(SchemaError, match="must be an xarray.DataArray"):
        fwi(np.array([1.0]), series([1.0]), series([1.0]), series([1.0]), lat=36.7)


def test_time_gap_named():
    times = pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-05"])
    a = xr.DataArray([20.0, 21.0, 22.0], dims="time", coords={"time": times})
    with pytest.raises(DataError, match=r"2024-03-02 -> 2024-03-05 .*first step 3 days"):
        fwi(a, a * 2, a, a * 0, lat=36.7)


def test_mismatched_time_axes():
    with pytest.raises(DataError, match="different time axis"):
        fwi(series([20.0, 21.0]), series([40.0, 40.0], start="2024-03-02"),
            series([5.0, 5.0]), series([0.0, 0.0]), lat=36.7)  # fmt: skip


def test_config_errors():
    a = series([20.0])
    with pytest.raises(ConfigError, match=r"\['propagate', 'restart', 'raise'\]"):
        fwi(a, a, a, a, lat=36.7, missing="skip")
    with pytest.raises(ConfigError, match="between 30 and 90"):
        fwi(a, a, a, a, lat=10.0)
    with pytest.raises(ConfigError, match="ffmc0"):
        fwi(a, a, a, a, lat=36.7, ffmc0=120.0)


# --------------------------------------------------------------------------- danger levels
def test_danger_level_fwi_and_custom_thresholds():
    idx = xr.DataArray([0.0, 5.0, 5.01, 10.5, 20.0, 30.01, np.nan], dims="time")
    assert danger_level(idx).values.tolist() == [1, 1, 2, 3, 3, 5, 0]
    custom = danger_level(xr.DataArray([0.0, 1.5, 2.5, 3.5, 4.5]), thresholds=(1, 2, 3, 4))
    assert custom.values.tolist() == [1, 2, 3, 4, 5]
    assert custom.dtype == np.int8
    with pytest.raises(ConfigError, match="4 finite increasing"):
        danger_level(idx, thresholds=(5, 4, 3, 2))


def test_lyt1172_score_hand_computed():
    # day 1: tmax 22 -> 16, RH 30 -> 16, wind 15 km/h = force 3 -> 15, 1 dry day -> 5 => 52
    # day 2: tmax 24 -> 16, RH 20 -> 20, wind 30 km/h = force 5 -> 25, 2 dry days -> 10 => 71
    # day 3: tmax 8 -> 4, RH 70 -> 0, wind 5 km/h = force 1 -> 5, rain day -> 0 => 9
    score = lyt1172_score(series([22.0, 24.0, 8.0]), series([30.0, 20.0, 70.0]),
                          series([15.0, 30.0, 5.0]), series([0.0, 0.0, 6.0]))  # fmt: skip
    assert score.values.tolist() == [52.0, 71.0, 9.0]
    lev = danger_level(score, thresholds=LYT1172_LEVEL_THRESHOLDS)
    assert lev.values.tolist() == [3, 3, 1]
    corrected = lyt1172_score(series([22.0]), series([30.0]), series([15.0]), series([0.0]),
                              dry_days0=20, season_correction={3: 10})  # fmt: skip
    assert corrected.values.tolist() == [16 + 16 + 15 + 50 - 10.0]


def test_lyt1172_dry_days_count_and_boundaries():
    n = 14
    rain = np.zeros(n)
    rain[0] = 3.0
    rain[5] = 0.1  # counts as dry
    score = lyt1172_score(series(np.full(n, 0.0)), series(np.full(n, 90.0)),
                          series(np.zeros(n)), series(rain))  # fmt: skip
    # only the dry-day score and wind force 0 (5 points) remain
    dry = score.values - 5.0
    assert dry.tolist() == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 50, 50, 50]
    assert danger_level(xr.DataArray([25.0, 26.0, 50.0, 51.0, 72.0, 73.0, 90.0, 91.0]),
                        thresholds=LYT1172_LEVEL_THRESHOLDS).values.tolist() == [
        1, 2, 2, 3, 3, 4, 4, 5]  # fmt: skip
