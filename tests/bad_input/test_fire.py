"""Bad inputs to jnrisk.fire: weather (FWI, LY/T 1172), spread, zones."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jnrisk._errors import ConfigError, CRSError, DataError, DataFileError, SchemaError
from jnrisk.fire import (
    FuelMoisture,
    arrival_time,
    beaufort_force,
    danger_level,
    fwi,
    load_station_weather,
    lyt1172_score,
    moisture_from_ffmc,
    overwintering_dc,
    perimeters,
    rank_units,
    rothermel_ros,
    spread_rates,
)

from .conftest import X0, Y0, daily, dup_index, expect, points, raster

DAYS = 5


def weather(stations=("A", "B")):
    return (
        daily(np.full((len(stations), DAYS), 18.0), stations=stations),
        daily(np.full((len(stations), DAYS), 40.0), stations=stations),
        daily(np.full((len(stations), DAYS), 15.0), stations=stations),
        daily(np.zeros((len(stations), DAYS)), stations=stations),
    )


def call_fwi(**kw):
    t, h, w, r = weather()
    args = {"temp_c": t, "rh_pct": h, "wind_kmh": w, "rain_mm": r, "lat": 36.7, **kw}
    return lambda: fwi(args.pop("temp_c"), args.pop("rh_pct"), args.pop("wind_kmh"),
                       args.pop("rain_mm"), **args)  # fmt: skip


def test_valid_fwi_accepts_numpy_scalars():
    # np.int64 / np.float32 where a float is accepted must work
    out = call_fwi(lat=np.float32(36.7), ffmc0=np.int64(85), dmc0=np.int64(6), dc0=np.int64(15))()
    assert np.isfinite(out["fwi"].values).all()


def _misaligned(kind):
    t, h, w, r = weather()
    if kind == "other-stations":
        h = weather(("A", "C"))[1]
    elif kind == "reordered":
        h = h.isel(station=[1, 0])
    elif kind == "fewer":
        h = h.isel(station=[0])
    return lambda: fwi(t, h, w, r, lat=36.7)


FWI_CASES = [
    pytest.param(_misaligned("other-stations"), DataError,
                 ["rh_pct and temp_c differ along 'station'", r"\['C'\]", "xr.align"],
                 id="misaligned-station-labels"),
    pytest.param(_misaligned("reordered"), DataError, ["another order"], id="station-order"),
    pytest.param(_misaligned("fewer"), DataError, ["1 vs 2 entries"], id="station-count"),
    pytest.param(call_fwi(lat="36.7"), ConfigError, ["fwi: lat must be degrees north"],
                 id="lat-string"),
    pytest.param(call_fwi(lat=math.nan), DataError, ["lat must be finite"], id="lat-nan"),
    pytest.param(call_fwi(lat=10.0), ConfigError, ["lat must be between 30 and 90"],
                 id="lat-out-of-band"),
    pytest.param(call_fwi(ffmc0="85"), ConfigError, ["fwi: ffmc0 must be a number"],
                 id="ffmc0-string"),
    pytest.param(call_fwi(ffmc0=math.nan), ConfigError, ["ffmc0 must be a finite"],
                 id="ffmc0-nan"),
    pytest.param(call_fwi(ffmc0=120.0), ConfigError, ["ffmc0 = 120.0 is out of range"],
                 id="ffmc0-above-101"),
    pytest.param(call_fwi(dc0=-1), ConfigError, ["dc0 = -1 is out of range"], id="dc0-negative"),
    pytest.param(call_fwi(dmc0=True), ConfigError, ["dmc0 must be a number"], id="dmc0-bool"),
    pytest.param(call_fwi(missing="skip"), ConfigError, ["missing='skip' is not allowed"],
                 id="missing-mode"),
    pytest.param(call_fwi(temp_c=np.zeros(DAYS)), SchemaError,
                 ["temp_c must be an xarray.DataArray"], id="not-a-dataarray"),
    pytest.param(call_fwi(wind_kmh=daily(np.full((2, DAYS), -5.0), stations="AB")), DataError,
                 [r"wind_kmh must lie in \[0, 400\]"], id="wind-negative"),
    pytest.param(call_fwi(rh_pct=daily(np.full((2, DAYS), 140.0), stations="AB")), DataError,
                 [r"rh_pct must lie in \[0, 100\]"], id="rh-above-100"),
    pytest.param(call_fwi(rain_mm=daily(np.zeros((2, DAYS)), stations="AB").astype(str)),
                 SchemaError, ["rain_mm has dtype <U"], id="rain-strings"),
    pytest.param(call_fwi(rain_mm=daily(np.zeros((2, DAYS)), stations="AB", start="2024-04-01")),
                 DataError, ["rain_mm has a different time axis"], id="time-misaligned"),
    pytest.param(call_fwi(temp_c=daily(np.zeros((2, 0)), stations="AB"),
                          rh_pct=daily(np.zeros((2, 0)), stations="AB"),
                          wind_kmh=daily(np.zeros((2, 0)), stations="AB"),
                          rain_mm=daily(np.zeros((2, 0)), stations="AB")),
                 DataError, ["time axis is empty"], id="empty"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "fragments"), FWI_CASES)
def test_fwi(call, error, fragments):
    expect(call, error, *fragments)


def test_fwi_too_large_for_memory(monkeypatch):
    monkeypatch.setenv("JNRISK_MEMORY_BUDGET_BYTES", "1M")
    t = daily(np.full((3000, DAYS), 18.0), stations=[f"s{i}" for i in range(3000)])
    h, w, r = t.copy(data=np.full(t.shape, 40.0)), t.copy(data=np.full(t.shape, 9.0)), t * 0
    from jnrisk._errors import ResourceError

    expect(lambda: fwi(t, h, w, r, lat=36.7), ResourceError, "the FWI stack",
           "JNRISK_MEMORY_BUDGET_BYTES")  # fmt: skip


LYT_CASES = [
    pytest.param({"dry_days0": -1}, ConfigError, "dry_days0 = -1 is out of range", id="dry-neg"),
    pytest.param({"dry_days0": 1.5}, ConfigError, "dry_days0 must be a whole", id="dry-frac"),
    pytest.param({"dry_days0": "3"}, ConfigError, "dry_days0 must be a number", id="dry-str"),
    pytest.param({"dry_day_max_mm": math.inf}, ConfigError, "dry_day_max_mm must be a finite",
                 id="dry-mm-inf"),
    pytest.param({"season_correction": {13: 5}}, ConfigError, r"months \[13\] are not 1..12",
                 id="month-13"),
    pytest.param({"season_correction": {7: "ten"}}, ConfigError,
                 r"season_correction\[7\] must be a number", id="correction-str"),
    pytest.param({"season_correction": [7, 10]}, ConfigError,
                 "season_correction must be a dict", id="correction-list"),
]  # fmt: skip


@pytest.mark.parametrize(("kw", "error", "fragment"), LYT_CASES)
def test_lyt1172(kw, error, fragment):
    t, h, w, r = weather()
    expect(lambda: lyt1172_score(t, h, w, r, **kw), error, fragment)


def test_lyt1172_misaligned_stations():
    t, h, w, r = weather()
    expect(lambda: lyt1172_score(t, h, w.isel(station=[1, 0]), r), DataError,
           "wind_kmh and tmax_c differ along 'station'")  # fmt: skip


SCALAR_CASES = [
    pytest.param(lambda: overwintering_dc(300.0, 100.0, carry_over=1.5), ConfigError,
                 "carry_over = 1.5 is out of range", id="owdc-carry"),
    pytest.param(lambda: overwintering_dc("300", 100.0), ConfigError,
                 "dc_fall must be numbers", id="owdc-str"),
    pytest.param(lambda: overwintering_dc(300.0, -1.0), DataError, "winter_rain_mm must be >= 0",
                 id="owdc-neg-rain"),
    pytest.param(lambda: overwintering_dc(300.0, 100.0, min_dc=math.nan), ConfigError,
                 "min_dc must be a finite", id="owdc-nan"),
    pytest.param(lambda: danger_level(daily([1.0, 2.0]), thresholds=[5, 10, 20]), ConfigError,
                 "thresholds must be 4 finite increasing", id="danger-3-thresholds"),
    pytest.param(lambda: danger_level(daily([1.0]), thresholds=["a", "b", "c", "d"]),
                 ConfigError, "thresholds must be 4", id="danger-str-thresholds"),
    pytest.param(lambda: danger_level(["high"]), ConfigError, "danger_level: index must be numbers",
                 id="danger-str-index"),
    pytest.param(lambda: beaufort_force("fast"), ConfigError, "wind_kmh must be numbers",
                 id="beaufort-fast"),
    pytest.param(lambda: beaufort_force([-3.0]), DataError, "wind_kmh must be >= 0",
                 id="beaufort-negative"),
    pytest.param(lambda: moisture_from_ffmc("92"), ConfigError, "ffmc must be a number",
                 id="ffmc-str"),
    pytest.param(lambda: moisture_from_ffmc(math.nan), ConfigError, "ffmc must be a finite",
                 id="ffmc-nan"),
    pytest.param(lambda: moisture_from_ffmc(150), ConfigError, "ffmc = 150 is out of range",
                 id="ffmc-150"),
    pytest.param(lambda: FuelMoisture(dead_1h_pct="6"), ConfigError,
                 "FuelMoisture.dead_1h_pct must be a number", id="moisture-str"),
    pytest.param(lambda: FuelMoisture(live_herb_pct=0), ConfigError,
                 "live_herb_pct = 0 is out of range", id="moisture-zero"),
    pytest.param(lambda: rothermel_ros(1, wind_midflame_kmh="fast"), ConfigError,
                 "wind_midflame_kmh must be a number", id="ros-wind-fast"),
    pytest.param(lambda: rothermel_ros(1, slope_pct=math.inf), ConfigError,
                 "slope_pct must be a finite", id="ros-slope-inf"),
    pytest.param(lambda: rothermel_ros(1, wind_midflame_kmh=-2), ConfigError,
                 "wind_midflame_kmh = -2 is out of range", id="ros-wind-neg"),
    pytest.param(lambda: rothermel_ros([1]), ConfigError, r"unknown fuel model \[1\]",
                 id="ros-fuel-list"),
    pytest.param(lambda: rothermel_ros(True), ConfigError, "unknown fuel model True",
                 id="ros-fuel-bool"),
    pytest.param(lambda: rothermel_ros(1, {"dead_1h_pct": 6}), ConfigError,
                 "moisture must be a FuelMoisture", id="ros-moisture-dict"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "fragment"), SCALAR_CASES)
def test_fire_scalars(call, error, fragment):
    expect(call, error, fragment)


def test_rothermel_accepts_numpy_scalars():
    r = rothermel_ros(np.int64(1), wind_midflame_kmh=np.int64(8), slope_pct=np.float32(10))
    assert r.ros_m_min > 0


def land(shape=(12, 12), **kw):
    return raster(np.full(shape, 5), **kw)


SPREAD_CASES = [
    pytest.param(lambda: spread_rates(land((1, 1))), DataError,
                 "landcover must be at least 2 x 2", id="1x1"),
    pytest.param(lambda: spread_rates(land((1, 30))), DataError,
                 "landcover must be at least 2 x 2", id="1xN"),
    pytest.param(lambda: spread_rates(np.full((5, 5), 5)), SchemaError,
                 "landcover must be a 2-D xarray.DataArray", id="numpy"),
    pytest.param(lambda: spread_rates(land(crs=None)), CRSError, "landcover has no CRS",
                 id="no-crs"),
    pytest.param(lambda: spread_rates(land(), raster(np.zeros((12, 12)), x0=X0 + 5000)),
                 DataError, "dem is not on the grid of landcover: its origin is 5000 m east",
                 id="dem-5km-away"),
    pytest.param(lambda: spread_rates(land(), raster(np.zeros((12, 12)), dx=90.0)),
                 DataError, "dem has cells of 90", id="dem-other-resolution"),
    pytest.param(lambda: spread_rates(land(), firebreaks=raster(np.zeros((11, 12)), crs=None)),
                 DataError, "firebreaks has 11 x 12 cells", id="firebreaks-shape"),
    pytest.param(lambda: spread_rates(land(), wind_kmh="fast"), ConfigError,
                 "spread_rates: wind_kmh must be a number", id="wind-fast"),
    pytest.param(lambda: spread_rates(land(), wind_kmh=math.nan), ConfigError,
                 "wind_kmh must be a finite", id="wind-nan"),
    pytest.param(lambda: spread_rates(land(), wind_from_deg=math.inf), ConfigError,
                 "wind_from_deg must be a finite", id="direction-inf"),
    pytest.param(lambda: spread_rates(land(), wind_adjustment=0), ConfigError,
                 "wind_adjustment = 0 is out of range", id="waf-zero"),
    pytest.param(lambda: spread_rates(land(), shape="circle"), ConfigError,
                 "shape='circle'", id="shape"),
    pytest.param(lambda: spread_rates(land(), fuel_map=[(5, 1)]), ConfigError,
                 "fuel_map must be a dict", id="fuel-map-list"),
    pytest.param(lambda: spread_rates(land(), moisture=6.0), ConfigError,
                 "moisture must be a FuelMoisture", id="moisture-float"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "fragment"), SPREAD_CASES)
def test_spread_rates(call, error, fragment):
    expect(call, error, fragment)


def test_spread_rates_too_large_for_memory(monkeypatch):
    from jnrisk._errors import ResourceError

    monkeypatch.setenv("JNRISK_MEMORY_BUDGET_BYTES", "64K")
    expect(lambda: spread_rates(land((60, 60))), ResourceError,
           "spread_rates' working grids on 60 x 60 cells", "coarsen")  # fmt: skip


CENTRE = (X0 + 150.0, Y0 + 150.0)
ARRIVAL_CASES = [
    pytest.param({"ignitions": [(math.nan, CENTRE[1])]}, DataError,
                 r"ignitions: non-finite .* at rows \[0\]", id="ignition-nan"),
    pytest.param({"ignitions": [CENTRE, (math.inf, 0.0)]}, DataError,
                 r"non-finite .* at rows \[1\]", id="ignition-inf"),
    pytest.param({"ignitions": [("a", "b")]}, ConfigError, "ignitions must be numbers",
                 id="ignition-strings"),
    pytest.param({"ignitions": [(1.0, 2.0, 3.0)]}, ConfigError, r"\(n, 2\) array",
                 id="ignition-3-columns"),
    pytest.param({"ignitions": np.zeros((0, 2))}, DataError, "ignitions is empty", id="empty"),
    pytest.param({"ignitions": [(X0 - 9000.0, Y0)]}, DataError, "lie outside the grid",
                 id="outside"),
    pytest.param({"max_time_min": "1h"}, ConfigError, "max_time_min must be a number",
                 id="max-time-str"),
    pytest.param({"max_time_min": -5}, ConfigError, "max_time_min = -5 is out of range",
                 id="max-time-neg"),
    pytest.param({"ignition_time_min": [math.nan]}, DataError, "ignition_time_min must hold",
                 id="t0-nan"),
    pytest.param({"ignition_time_min": ["now"]}, ConfigError, "ignition_time_min must be numbers",
                 id="t0-str"),
    pytest.param({"neighbours": 4}, ConfigError, "neighbours=4", id="neighbours"),
    pytest.param({"rates": {"ros_m_min": 1}}, ConfigError, "rates must be the Dataset",
                 id="rates-dict"),
]  # fmt: skip


@pytest.mark.parametrize(("kw", "error", "fragment"), ARRIVAL_CASES)
def test_arrival_time(kw, error, fragment):
    kw = {"ignitions": [CENTRE], **kw}
    expect(lambda: arrival_time(land(), **kw), error, fragment)


def test_arrival_time_geodataframe_ignitions():
    ign = points([(150.0, 150.0), (150.0, 160.0)])
    ign.index = [3, 3]
    expect(lambda: arrival_time(land(), ign), DataError, "ignitions: index labels must be unique")
    rates = spread_rates(land((10, 10)))
    expect(lambda: arrival_time(land(), [CENTRE], rates=rates), DataError,
           "rates has 10 x 10 cells but landcover has 12 x 12")  # fmt: skip
    ok = arrival_time(land(), [CENTRE], max_time_min=np.int64(30), neighbours=np.int64(8))
    assert float(ok.min()) == 0.0


@pytest.mark.parametrize(("times", "fragment"), [
    ([math.nan], r"times_min\[0\] must be a finite"),
    ([10, -1], r"times_min\[1\] = -1 is out of range"),
    (["10"], r"times_min\[0\] must be a number"),
    ("10", "times_min must be a list"),
])  # fmt: skip
def test_perimeters(times, fragment):
    arr = arrival_time(land(), [CENTRE])
    expect(lambda: perimeters(arr, times), ConfigError, fragment)


def zones_inputs():
    import geopandas as gpd
    from shapely.geometry import box

    lc = land((20, 20))
    dem = raster(np.tile(np.arange(20.0), (20, 1)))
    units = gpd.GeoDataFrame({"unit_id": [1, 2]},
                             geometry=[box(X0, Y0, X0 + 280, Y0 + 560),
                                       box(X0 + 290, Y0, X0 + 560, Y0 + 560)],
                             crs=lc.rio.crs)  # fmt: skip
    villages = points([(100.0, 100.0), (400.0, 400.0)], persons=[50, 80])
    forces = points([(500.0, 50.0)], name=["brigade"])
    return lc, dem, units, villages, forces


def _zones(**kw):
    lc, dem, units, villages, forces = zones_inputs()
    args = {"units": units, "landcover": lc, "dem": dem, "villages": villages,
            "fire_forces": forces}  # fmt: skip
    for key, value in kw.items():
        args[key] = value(args[key]) if callable(value) else value
    return lambda: rank_units(args.pop("units"), args.pop("landcover"), args.pop("dem"), **args)


def _set(col, values):
    def f(g):
        g = g.copy()
        g[col] = values
        return g

    return f


ZONES_CASES = [
    pytest.param(_zones(villages=dup_index), DataError, "villages: index labels must be unique",
                 id="villages-dup-index"),
    pytest.param(_zones(units=_set("unit_id", [1, 1])), DataError,
                 "units: column 'unit_id' must be unique", id="unit-id-dup"),
    pytest.param(_zones(villages=_set("persons", [-5, 10])), DataError,
                 "villages: column 'persons' has negative values", id="persons-neg"),
    pytest.param(_zones(villages=_set("persons", [2**63, 10])), DataError,
                 "villages: column 'persons' has values beyond the int64 range",
                 id="persons-beyond-int64"),
    pytest.param(_zones(villages=_set("persons", ["many", "few"])), SchemaError,
                 "villages: column 'persons' has dtype", id="persons-str"),
    pytest.param(_zones(dem=lambda d: d.assign_coords(x=d.x + 5000.0)), DataError,
                 "dem is not on the grid of landcover", id="dem-misaligned"),
    pytest.param(_zones(horizon_min="2h"), ConfigError, "horizon_min must be a number",
                 id="horizon-str"),
    pytest.param(_zones(horizon_min=0), ConfigError, "horizon_min = 0 is out of range",
                 id="horizon-zero"),
    pytest.param(_zones(danger_level=7), ConfigError, "danger_level = 7 is out of range",
                 id="danger-7"),
    pytest.param(_zones(danger_level={1: 0}), ConfigError,
                 "danger_level of unit 1 = 0 is out of range", id="danger-map-0"),
    pytest.param(_zones(weights={"fuel": "high"}), ConfigError,
                 r"weights\['fuel'\] must be a number", id="weight-str"),
    pytest.param(_zones(weights={"fuel": 0.0}), ConfigError, "positive sum", id="weight-zero"),
    pytest.param(_zones(access_speed_kmh=math.inf), ConfigError,
                 "access_speed_kmh must be a finite", id="speed-inf"),
    pytest.param(_zones(fire_forces=lambda g: g.iloc[:0]), DataError, "fire_forces is empty",
                 id="no-forces"),
    pytest.param(_zones(villages=lambda g: g.to_crs("EPSG:4326")), CRSError,
                 "villages is in a geographic CRS", id="villages-degrees"),
    pytest.param(_zones(units=lambda g: g.drop(columns="unit_id")), SchemaError,
                 r"units: missing column\(s\) \['unit_id'\]", id="no-unit-id"),
    pytest.param(_zones(fire_forces=[(1, 2)]), ConfigError, "fire_forces must be a GeoDataFrame",
                 id="forces-list"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "fragment"), ZONES_CASES)
def test_rank_units(call, error, fragment):
    expect(call, error, fragment)


def test_rank_units_nan_village():
    from shapely.geometry import Point

    lc, dem, units, villages, forces = zones_inputs()
    villages = villages.copy()
    villages.loc[1, "geometry"] = Point(math.nan, math.nan)
    expect(lambda: rank_units(units, lc, dem, villages=villages, fire_forces=forces), DataError,
           r"villages: non-finite .* at row \[1\]")  # fmt: skip


@pytest.mark.parametrize(("kw", "error", "fragment"), [
    ({"stations": "Jinan"}, ConfigError, r"stations must be a list of names.*\['Jinan'\]"),
    ({"stations": ["Atlantis"]}, ConfigError, r"unknown station\(s\) \['Atlantis'\]"),
    ({"start": "yesterday-ish"}, ConfigError, "start='yesterday-ish' is not a date"),
    ({"start": "2024-05-01", "end": "2024-04-01"}, ConfigError, "is after end"),
    ({"path": 42}, ConfigError, "path must be a file path"),
    ({"path": "/nonexistent/weather.nc"}, DataFileError, "/nonexistent/weather.nc does not exist"),
])  # fmt: skip
def test_load_station_weather(kw, error, fragment):
    expect(lambda: load_station_weather(**kw), error, fragment)


def test_load_station_weather_corrupt_file(tmp_path):
    bad = tmp_path / "w.nc"
    bad.write_bytes(b"\x00\x01 not netcdf" * 10)
    expect(lambda: load_station_weather(bad), DataFileError, f"{bad}.* cannot be read")
