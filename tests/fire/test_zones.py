"""Risk ranking of forest units and plan pages on a small synthetic landscape."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import Point, box

from jnrisk import ConfigError
from jnrisk.fire import arrival_time
from jnrisk.fire.zones import rank_units, write_unit_plans

CRS = "EPSG:4548"


def landscape(n=60, res=30.0):
    lc = np.full((n, n), 2)
    lc[:, 40:] = 3
    coords = {"y": (np.arange(n - 1, -1, -1) + 0.5) * res, "x": (np.arange(n) + 0.5) * res}
    land = xr.DataArray(lc, dims=("y", "x"), coords=coords).rio.write_crs(CRS)
    z = np.add.outer(np.zeros(n), np.arange(n) * 3.0)  # rising to the east
    z[:, :20] = 60.0  # unit A: a flat plateau at the foot of B's 10 % slope
    dem = land.copy(data=z.astype(float))
    units = gpd.GeoDataFrame(
        {"unit_id": [10, 11], "name": ["A", "B"]},
        geometry=[box(0, 0, 600, 1800), box(600, 0, 1200, 1800)], crs=CRS,
    )  # fmt: skip
    villages = gpd.GeoDataFrame(
        {"name": ["near B", "far"], "persons": [300, 50]},
        geometry=[Point(1300, 900), Point(1790, 1790)], crs=CRS,
    )  # fmt: skip
    forces = gpd.GeoDataFrame({"name": ["station"]}, geometry=[Point(100, 100)], crs=CRS)
    water = gpd.GeoDataFrame({"kind": ["pool", "tank"], "volume_m3": [500.0, 50.0]},
                             geometry=[Point(300, 300), Point(900, 900)], crs=CRS)  # fmt: skip
    return land, dem, units, villages, forces, water


def test_rank_units_components_and_order(tmp_path):
    land, dem, units, villages, forces, water = landscape()
    before = units.copy()
    res = rank_units(units, land, dem, villages=villages, fire_forces=forces, wind_kmh=20.0,
                     wind_from_deg=270.0, horizon_min=120.0)  # fmt: skip
    t = res.table
    assert list(t["unit_id"]) == [11, 10]  # B: steeper, farther from the force, reaches people
    assert list(t["risk_rank"]) == [1, 2]
    b = t.set_index("unit_id").loc[11]
    assert b["mean_slope_pct"] == pytest.approx(9.75, abs=1e-6)  # col 20: half a step
    assert b["burnable_pct"] == 100.0
    # the ranking's village hits agree with a direct arrival-time run
    arr = arrival_time(land, [(b["ignition_x"], b["ignition_y"])], dem=dem, wind_kmh=20.0,
                       wind_from_deg=270.0)  # fmt: skip
    t_near = float(arr.sel(x=1305.0, y=915.0, method="nearest"))
    assert (t_near <= 120.0) == (b["villages_reached"] >= 1)
    assert set(res.villages["unit_id"]) <= {10, 11}
    assert t["risk_score"].min() >= 0.0 and t["risk_score"].max() <= 1.0
    assert units.equals(before)
    files = write_unit_plans(res, tmp_path, water_points=water, fire_forces=forces)
    assert files[0].name == "fire_plans.gpkg" and len(files) == 3
    page = (tmp_path / "unit_11.md").read_text(encoding="utf-8")
    assert "# Fire plan: B (unit 11)" in page and "Nearest water points" in page
    layers = gpd.list_layers(files[0])["name"].tolist()
    assert "units" in layers and "water_points" in layers


def test_rank_units_bad_options():
    land, dem, units, villages, forces, _ = landscape(20)
    with pytest.raises(ConfigError, match="unknown weight"):
        rank_units(units, land, dem, villages=villages, fire_forces=forces, weights={"wind": 1})
    with pytest.raises(ConfigError, match="not 1-5"):
        rank_units(units, land, dem, villages=villages, fire_forces=forces, danger_level=7)
