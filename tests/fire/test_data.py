"""The bundled synthetic station weather: loader, generator reproducibility, seasonality."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from jnrisk import ConfigError, DataFileError
from jnrisk.fire import fwi, load_station_weather

REPO = Path(__file__).resolve().parents[2]


def test_loader_structure():
    ds = load_station_weather()
    assert dict(ds.sizes) == {"station": 7, "time": 3653}
    assert ds.attrs["synthetic"] == "yes" and ds.attrs["fire_season_start"] == "11-01"
    for v in ("temp_c", "tmax_c", "rh_pct", "rh_min_pct", "wind_kmh", "rain_mm"):
        assert ds[v].dtype == np.float64
        assert bool(np.isfinite(ds[v]).all()), v
    assert float(ds.rh_pct.max()) <= 100.0 and float(ds.wind_kmh.min()) >= 0.0
    assert bool((ds.tmax_c >= ds.temp_c - 0.15).all())
    assert bool((ds.rh_min_pct <= ds.rh_pct + 0.05).all())
    sub = load_station_weather(stations=["Laiwu"], start="2024-11-01", end="2024-11-30")
    assert dict(sub.sizes) == {"station": 1, "time": 30}


def test_generator_reproduces_file():
    script = REPO / "scripts" / "generate_weather.py"
    if not script.is_file():
        pytest.skip("scripts/generate_weather.py not in this tree")
    spec = importlib.util.spec_from_file_location("generate_weather", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fresh = mod.make_weather(mod.SEED)
    stored = load_station_weather()
    for v in fresh.data_vars:
        np.testing.assert_allclose(fresh[v].astype(float), stored[v], atol=1e-4)


def test_dry_windy_spring_wet_summer():
    ds = load_station_weather()
    month = ds["time"].dt.month
    spring = month.isin([3, 4, 5])
    summer = month.isin([6, 7, 8])
    assert float(ds.rh_pct.where(spring).mean()) < float(ds.rh_pct.where(summer).mean()) - 10
    assert float(ds.wind_kmh.where(spring).mean()) > float(ds.wind_kmh.where(summer).mean())
    rain_year = float(ds.rain_mm.sum()) / 10 / ds.sizes["station"]
    assert 500.0 < rain_year < 900.0
    out = fwi(ds.temp_c, ds.rh_pct, ds.wind_kmh, ds.rain_mm, lat=36.7, missing="raise")
    by_month = out.fwi.groupby("time.month").mean().mean("station")
    assert float(by_month.sel(month=[3, 4, 5]).mean()) > 2 * float(
        by_month.sel(month=[7, 8]).mean()
    )


def test_loader_errors(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        load_station_weather(tmp_path / "nope.nc")
    bad = tmp_path / "bad.nc"
    bad.write_text("not netcdf")
    with pytest.raises(DataFileError, match="cannot be read"):
        load_station_weather(bad)
    with pytest.raises(ConfigError, match="unknown station"):
        load_station_weather(stations=["Qingdao"])
