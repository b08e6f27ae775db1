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
    with pytest.raises(ConfigError, match=r"danger_level = 7 is out of range: it must be >= 1 and <= 5"):
        rank_units(units, land, dem, villages=villages, fire_forces=forces, danger_level=7)


def test_village_on_a_non_burnable_cell_is_reached_at_its_edge():
    land, dem, units, villages, forces, _ = landscape()
    # the village "near B" sits on a built-up cell (code 1, never burns) inside forest
    col, row = int(1300 // 30), 60 - 1 - int(900 // 30)
    land = land.copy()
    land.values[row, col] = 1
    res = rank_units(units, land, dem, villages=villages, fire_forces=forces, wind_kmh=20.0,
                     wind_from_deg=270.0, horizon_min=240.0)  # fmt: skip
    b = res.table.set_index("unit_id").loc[11]
    arr = arrival_time(land, [(b["ignition_x"], b["ignition_y"])], dem=dem, wind_kmh=20.0,
                       wind_from_deg=270.0)  # fmt: skip
    assert not np.isfinite(arr.values[row, col])  # the village cell itself never burns
    ring = arr.values[row - 1:row + 2, col - 1:col + 2]
    assert np.nanmin(ring) <= 240.0
    hit = res.villages[res.villages["unit_id"] == 11]
    assert "near B" in set(hit["name"])
    assert float(hit.loc[hit["name"] == "near B", "arrival_min"].iloc[0]) == pytest.approx(
        float(np.nanmin(ring)))


def _line_network():
    from jnrisk.network import RoadNetwork

    # nodes every 600 m along y = 900; 60 s per link each way
    x = np.array([0.0, 600.0, 1200.0, 1800.0])
    indptr = [0, 1, 3, 5, 6]
    indices = [1, 0, 2, 1, 3, 2]
    return RoadNetwork.from_csr(indptr, indices, [600.0] * 6, time_s=[60.0] * 6, x=x,
                                y=np.full(4, 900.0), crs=CRS)  # fmt: skip


def test_access_time_by_road_network():
    land, dem, units, villages, forces, _ = landscape()
    forces = gpd.GeoDataFrame({"name": ["station"]}, geometry=[Point(0, 900)], crs=CRS)
    net = _line_network()
    res = rank_units(units, land, dem, villages=villages, fire_forces=forces, network=net)
    t = res.table.set_index("unit_id")
    # unit B's representative point is (900, 900): node 1 or 2 (300 m leg) after 60 or 120 s
    p = units.set_index("unit_id").geometry.loc[11].representative_point()
    node = int(np.argmin(np.abs(np.array([0.0, 600.0, 1200.0, 1800.0]) - p.x) + abs(p.y - 900)))
    leg = np.hypot(p.x - 600.0 * node, p.y - 900.0)
    expected = 60.0 * node / 60.0 + leg / (30.0 / 0.06)
    assert t.loc[11, "access_time_min"] == pytest.approx(expected)
    straight = rank_units(units, land, dem, villages=villages, fire_forces=forces)
    assert straight.table.set_index("unit_id").loc[11, "access_time_min"] != pytest.approx(
        expected)


def test_plans_evacuate_villages_at_risk_exactly(tmp_path):
    land, dem, units, villages, forces, water = landscape()
    res = rank_units(units, land, dem, villages=villages, fire_forces=forces, wind_kmh=20.0,
                     wind_from_deg=270.0, horizon_min=240.0)  # fmt: skip
    assert len(res.villages)
    shelters = gpd.GeoDataFrame({"name": ["school"], "capacity_persons": [100]},
                                geometry=[Point(1800, 900)], crs=CRS)  # fmt: skip
    files = write_unit_plans(res, tmp_path, water_points=water, fire_forces=forces,
                             shelters=shelters, walk_network=_line_network())  # fmt: skip
    page = (tmp_path / "unit_11.md").read_text(encoding="utf-8")
    assert "Evacuation of the villages at risk" in page
    evac = gpd.read_file(files[0], layer="evacuation")
    # capacity 100 is binding: the exact allocation places exactly 100 persons
    assert int(evac.loc[evac["unit_id"] == 11, "persons"].sum()) == 100
    assert "without a place" in page
