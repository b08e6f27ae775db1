"""Generate the synthetic daily station weather of Jinan bundled in ``data/weather/``.

Seeded and deterministic: ``python scripts/generate_weather.py`` rewrites
``data/weather/jinan_station_weather.nc`` byte-for-byte identical values. The numbers are a
*plausible* climate (dry windy spring, wet summer monsoon, cold dry winter), not observations:
see ``data/weather/README.md`` for the climatology used and its sources.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from scipy.special import ndtr

SEED = 20241101
START, END = "2015-01-01", "2024-12-31"

#: name, Chinese name, lon (deg E), lat (deg N), elevation (m) -- approximate town locations.
STATIONS = [
    ("Jinan", "济南", 117.05, 36.60, 170.0),
    ("Zhangqiu", "章丘", 117.53, 36.71, 120.0),
    ("Changqing", "长清", 116.73, 36.55, 60.0),
    ("Pingyin", "平阴", 116.45, 36.29, 90.0),
    ("Laiwu", "莱芜", 117.67, 36.21, 230.0),
    ("Jiyang", "济阳", 117.18, 36.98, 25.0),
    ("Shanghe", "商河", 117.15, 37.31, 20.0),
]

# Monthly climatology, January..December (approximate Jinan normals; README.md).
TEMP_MEAN_C = np.array([-0.4, 2.8, 8.8, 15.8, 21.8, 26.2, 27.5, 26.3, 22.2, 16.4, 8.8, 2.1])
NOON_EXCESS_C = np.array([3.5, 4.0, 4.5, 5.0, 5.0, 4.5, 3.5, 3.5, 4.0, 4.0, 3.5, 3.5])
RAIN_MM = np.array([6.0, 10.0, 15.0, 30.0, 55.0, 85.0, 200.0, 170.0, 65.0, 35.0, 20.0, 8.0])
RAIN_DAYS = np.array([3.0, 4.0, 4.0, 6.0, 7.0, 9.0, 14.0, 12.0, 8.0, 6.0, 5.0, 3.0])
RH_MEAN_PCT = np.array([53.0, 52.0, 49.0, 47.0, 52.0, 57.0, 74.0, 77.0, 68.0, 61.0, 59.0, 56.0])
WIND_NOON_KMH = np.array([12.0, 13.5, 16.0, 17.0, 15.0, 13.0, 11.0, 10.0, 10.0, 11.0, 12.5, 12.0])
DAYS_IN_MONTH = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _seasonal(monthly: np.ndarray, doy: np.ndarray) -> np.ndarray:
    """Smooth periodic interpolation of monthly values (mid-month anchors) to days of year."""
    mid = np.cumsum(DAYS_IN_MONTH) - DAYS_IN_MONTH / 2.0
    x = np.concatenate([mid - 365.25, mid, mid + 365.25])
    y = np.concatenate([monthly, monthly, monthly])
    return np.interp(doy, x, y)


def _ar1(rng: np.random.Generator, shape: tuple[int, ...], phi: float) -> np.ndarray:
    """Unit-variance AR(1) series along the last axis."""
    eps = rng.standard_normal(shape)
    out = np.empty(shape)
    out[..., 0] = eps[..., 0]
    s = np.sqrt(1.0 - phi * phi)
    for i in range(1, shape[-1]):
        out[..., i] = phi * out[..., i - 1] + s * eps[..., i]
    return out


def make_weather(seed: int = SEED, start: str = START, end: str = END) -> xr.Dataset:
    """Build the synthetic station weather (``station`` x ``time``)."""
    rng = np.random.default_rng(seed)
    time = pd.date_range(start, end, freq="D")
    n_t, n_s = len(time), len(STATIONS)
    doy = time.dayofyear.to_numpy(float) - 0.5
    month = time.month.to_numpy() - 1
    elev = np.array([s[4] for s in STATIONS])
    lat = np.array([s[3] for s in STATIONS])

    # rain occurrence: regional latent AR(1) (persistence, spatial correlation) + local noise
    p_wet = np.clip(RAIN_DAYS[month] / DAYS_IN_MONTH[month], 0.01, 0.9)
    regional = _ar1(rng, (n_t,), 0.55)
    local = rng.standard_normal((n_s, n_t))
    z = 0.85 * regional[None, :] + np.sqrt(1 - 0.85**2) * local
    wet = ndtr(z) < p_wet[None, :]
    mean_wet_mm = RAIN_MM[month] / RAIN_DAYS[month]
    shape_k = 0.75
    rain = np.where(wet, rng.gamma(shape_k, mean_wet_mm / shape_k, (n_s, n_t)), 0.0)
    rain = np.round(rain, 1)
    wet = rain > 0.0

    # temperature: seasonal + regional and local AR(1) anomalies, lapse rate, cooler rain days
    t_season = _seasonal(TEMP_MEAN_C, doy)
    t_anom = 2.6 * _ar1(rng, (n_t,), 0.75)[None, :] + 0.8 * _ar1(rng, (n_s, n_t), 0.5)
    t_mean = t_season[None, :] + t_anom - 0.0065 * (elev[:, None] - 100.0)
    t_mean -= 0.4 * (lat[:, None] - 36.6)
    t_mean -= np.where(wet, 2.0, 0.0)
    excess = _seasonal(NOON_EXCESS_C, doy)[None, :] * np.where(wet, 0.5, 1.0)
    temp_noon = t_mean + excess
    tmax = t_mean + 1.3 * excess + np.abs(0.6 * rng.standard_normal((n_s, n_t)))

    # humidity: seasonal noon RH, drier on warm anomalies, wetter on rain days
    rh_noon = _seasonal(RH_MEAN_PCT, doy)[None, :] - 12.0 - 1.2 * t_anom
    rh_noon += 9.0 * _ar1(rng, (n_t,), 0.6)[None, :] + 4.0 * rng.standard_normal((n_s, n_t))
    rh_noon += np.where(wet, 22.0, 0.0)
    rh_noon = np.clip(rh_noon, 8.0, 100.0)
    rh_min = np.clip(rh_noon - np.abs(3.0 + 2.0 * rng.standard_normal((n_s, n_t))), 5.0, 100.0)

    # wind: gamma around the seasonal noon mean, regionally correlated, flat north stronger
    w_mean = _seasonal(WIND_NOON_KMH, doy)[None, :] * (1.0 + 0.04 * (lat[:, None] - 36.6) * 10)
    gust = np.exp(0.2 * _ar1(rng, (n_t,), 0.5))[None, :]
    wind = rng.gamma(6.0, 1.0, (n_s, n_t)) / 6.0 * w_mean * gust / np.exp(0.2**2 / 2)
    wind = np.clip(wind, 0.0, 60.0)

    def var(values: np.ndarray, units: str, long_name: str) -> xr.DataArray:
        return xr.DataArray(
            np.round(values, 1).astype(np.float32),
            dims=("station", "time"),
            attrs={"units": units, "long_name": long_name},
        )

    ds = xr.Dataset(
        {
            "temp_c": var(temp_noon, "degC", "air temperature at local noon"),
            "tmax_c": var(tmax, "degC", "daily maximum air temperature"),
            "rh_pct": var(rh_noon, "%", "relative humidity at local noon"),
            "rh_min_pct": var(rh_min, "%", "daily minimum relative humidity"),
            "wind_kmh": var(wind, "km/h", "10-m wind speed at local noon"),
            "rain_mm": var(rain, "mm", "24-h precipitation ending at noon"),
        },
        coords={
            "station": [s[0] for s in STATIONS],
            "time": time,
            "name_zh": ("station", [s[1] for s in STATIONS]),
            "lon": ("station", np.array([s[2] for s in STATIONS]), {"units": "degrees_east"}),
            "lat": ("station", lat, {"units": "degrees_north"}),
            "elevation_m": ("station", elev, {"units": "m"}),
        },
        attrs={
            "title": "Synthetic daily fire weather for Jinan stations (NOT observations)",
            "synthetic": "yes",
            "generator": "scripts/generate_weather.py",
            "seed": seed,
            "fire_season_start": "11-01",
            "conventions": "CF-1.8",
        },
    )
    return ds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("--out", type=Path, default=root / "data/weather/jinan_station_weather.nc")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    ds = make_weather(args.seed)
    enc = {v: {"zlib": True, "complevel": 5} for v in ds.data_vars}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(args.out, encoding=enc, engine="netcdf4")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {ds.sizes})")


if __name__ == "__main__":
    main()
