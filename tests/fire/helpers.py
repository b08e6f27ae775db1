"""Input factories shared by the fire tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

DATA = Path(__file__).parent / "data"
FWI_NAMES = ("ffmc", "dmc", "dc", "isi", "bui", "fwi", "dsr")


def series(values, *, start: str = "2024-03-01", dims=("time",)) -> xr.DataArray:
    """A daily DataArray with ``time`` last."""
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[-1]
    coords = {"time": pd.date_range(start, periods=n)}
    return xr.DataArray(values, dims=dims, coords=coords)


def random_weather(rng: np.random.Generator, n_cells: int, n_days: int, *, t_lo=-8.0):
    """Random but plausible daily weather (cell, time) as four DataArrays."""
    shape = (n_cells, n_days)
    dims = ("cell", "time")
    temp = series(rng.uniform(t_lo, 32.0, shape), dims=dims)
    rh = series(rng.uniform(8.0, 100.0, shape), dims=dims)
    wind = series(rng.uniform(0.0, 45.0, shape), dims=dims)
    wet = rng.random(shape) < 0.3
    rain = series(np.where(wet, rng.exponential(7.0, shape), 0.0), dims=dims)
    return temp, rh, wind, rain
