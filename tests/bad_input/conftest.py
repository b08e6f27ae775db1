"""Small valid inputs for the bad-input catalogue; each test breaks one thing.

Every case asserts the exception type AND that the message names the culprit (argument,
column, row or file). ``expect`` fails when the call returns: no silent answer on bad input.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from shapely.geometry import LineString, Point

CRS = "EPSG:4548"
X0, Y0 = 500_000.0, 4_050_000.0
SIDE = 5
SPACING_M = 100.0


def expect(call, error, *fragments):
    """Run ``call()``; it must raise ``error`` with every fragment in the message."""
    with pytest.raises(error) as info:
        result = call()
        pytest.fail(f"returned {type(result).__name__} on bad input")  # pragma: no cover
    message = str(info.value)
    for fragment in fragments:
        assert re.search(fragment, message), f"{fragment!r} not in {message!r}"
    return message


def dup_index(frame):
    """A copy of ``frame`` whose index labels all repeat (label 0)."""
    frame = frame.copy()
    frame.index = [0] * len(frame)
    return frame


def grid_roads(side: int = SIDE, spacing: float = SPACING_M) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for i in range(side):
        for j in range(side):
            a = i * side + j
            for b, (di, dj) in ((a + 1, (0, 1)), (a + side, (1, 0))):
                if i + di < side and j + dj < side:
                    rows.append({"u": a, "v": b, "road_class": "residential", "oneway": False})
                    geoms.append(LineString([(X0 + j * spacing, Y0 + i * spacing),
                                             (X0 + (j + dj) * spacing, Y0 + (i + di) * spacing)]))
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=CRS)


def points(xy, crs=CRS, **columns) -> gpd.GeoDataFrame:
    geoms = [Point(X0 + x, Y0 + y) for x, y in xy]
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=geoms, crs=crs)


@pytest.fixture(scope="session")
def roads() -> gpd.GeoDataFrame:
    return grid_roads()


@pytest.fixture(scope="session")
def network(roads):
    from jnrisk.network import network_from_roads

    return network_from_roads(roads, "walk")


@pytest.fixture
def blocks() -> gpd.GeoDataFrame:
    return points([(10, 10), (210, 190), (390, 400)], persons=[100, 250, 80],
                  district=["A", "A", "B"])


@pytest.fixture
def shelters() -> gpd.GeoDataFrame:
    return points([(0, 0), (400, 400)], capacity_persons=[200, 300],
                  effective_area_m2=[400.0, 600.0], **{"class": ["I", "II"]})


def raster(values, *, dx: float = 30.0, x0: float = X0, y0: float = Y0, crs=CRS):
    values = np.asarray(values)
    ny, nx = values.shape
    da = xr.DataArray(values, dims=("y", "x"),
                      coords={"y": y0 + (ny - 1 - np.arange(ny)) * dx,
                              "x": x0 + np.arange(nx) * dx})  # fmt: skip
    return da.rio.write_crs(crs) if crs else da


def daily(values, *, stations=None, start="2024-03-01"):
    values = np.asarray(values, dtype=np.float64)
    time = pd.date_range(start, periods=values.shape[-1])
    if stations is None:
        return xr.DataArray(values, dims="time", coords={"time": time})
    return xr.DataArray(values, dims=("station", "time"),
                        coords={"station": list(stations), "time": time})  # fmt: skip
