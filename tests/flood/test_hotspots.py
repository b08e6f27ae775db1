"""Hot spots, road closures and monitoring placement on small hand-built grids."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import LineString, Point

from jnrisk._errors import ConfigError, CRSError
from jnrisk.flood import monitoring_sites, road_closures, waterlogging_hotspots


def _depth(values, res=10.0):
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    return xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": res * (ny - np.arange(ny) - 0.5), "x": res * (np.arange(nx) + 0.5)},
    ).rio.write_crs("EPSG:4548")


@pytest.fixture
def scene():
    d = np.zeros((10, 10))
    d[1:3, 1:4] = 0.2  # spot A: 6 cells, max 0.2
    d[2, 2] = 0.6
    d[6:9, 6:9] = 0.4  # spot B: 9 cells, max 0.4
    d[5, 0] = 0.9  # deep but touches no road
    roads = gpd.GeoDataFrame(
        {"name": ["r_a", "r_b", "r_dry"]},
        geometry=[
            LineString([(0, 75), (100, 75)]),  # row 2 (y 70-80): crosses spot A
            LineString([(75, 0), (75, 100)]),  # column 7: crosses spot B
            LineString([(0, 45), (100, 45)]),  # row 5: dry except (5, 0)? no: x 0-10 is wet
        ],
        index=[10, 20, 30],
        crs="EPSG:4548",
    )
    pop = gpd.GeoDataFrame(
        {"persons": [100, 40, 7]},
        geometry=[Point(25, 75), Point(65, 25), Point(95, 95)],
        crs="EPSG:4548",
    )
    return _depth(d), roads, pop


def test_hotspots_measures_and_rank(scene):
    depth, roads, pop = scene
    before = roads.copy()
    hs = waterlogging_hotspots(depth, roads, pop, rank_by="depth")
    assert roads.equals(before)
    p = hs.polygons
    assert len(p) == 3  # A, B and the deep cell touched by r_dry
    assert p["rank"].tolist() == [1, 2, 3]
    assert p["max_depth_m"].tolist() == pytest.approx([0.9, 0.6, 0.4])
    a = p.iloc[1]
    assert a["area_m2"] == 600.0
    assert a["volume_m3"] == pytest.approx((5 * 0.2 + 0.6) * 100.0)
    assert a["persons"] == 100 and a["road_length_m"] == pytest.approx(30.0)
    b = p.iloc[2]
    assert b["persons"] == 40 and b["road_length_m"] == pytest.approx(30.0)
    assert p.geometry.area.tolist() == pytest.approx(p["area_m2"].tolist())
    # points at the deepest cell
    assert (hs.points.geometry.iloc[1].x, hs.points.geometry.iloc[1].y) == (25.0, 75.0)
    by_persons = waterlogging_hotspots(depth, roads, pop, rank_by="persons").polygons
    assert by_persons["persons"].tolist() == [100, 40, 0]
    assert int(hs.labels.max()) > 0 and hs.labels.rio.crs == depth.rio.crs


def test_threshold_excludes_shallow(scene):
    depth, roads, _ = scene
    hs = waterlogging_hotspots(depth, roads, threshold_m=0.5)
    assert hs.polygons["max_depth_m"].tolist() == pytest.approx([0.9, 0.6])
    assert hs.polygons["area_m2"].tolist() == [100.0, 100.0]


def test_road_closures(scene):
    depth, roads, _ = scene
    veh = road_closures(depth, roads)
    ped = road_closures(depth, roads, mode="pedestrians")
    assert veh.index.tolist() == [10, 20, 30]
    assert veh.tolist() == [True, True, True]  # 0.6, 0.4, 0.9 > 0.3
    assert ped.tolist() == [True, False, True]  # 0.6, 0.4, 0.9 vs 0.5
    assert veh.attrs["max_depth_m"].tolist() == pytest.approx([0.6, 0.4, 0.9])
    assert road_closures(depth, roads, threshold_m=1.0).sum() == 0


def test_monitoring_greedy_beats_or_equals_uniform(scene):
    depth, roads, pop = scene
    hs = waterlogging_hotspots(depth, roads, pop)
    plan = monitoring_sites(hs, k=1, radius_m=5.0, road_weight=0.0)
    assert plan.covered_persons == 100.0  # the single best site is spot A
    full = monitoring_sites(hs, k=3, radius_m=5.0)
    assert full.covered_persons == full.total_persons
    assert full.covered_road_m == pytest.approx(full.total_road_m)
    assert full.covered_persons >= full.uniform_persons


def test_bad_input(scene):
    depth, roads, pop = scene
    with pytest.raises(ConfigError, match=r"rank_by must be one of \['exposure', 'depth', 'volume'"):
        waterlogging_hotspots(depth, roads, rank_by="area")
    with pytest.raises(ConfigError, match=r"mode must be one of \['vehicles', 'pedestrians'\]"):
        road_closures(depth, roads, mode="bikes")
    with pytest.raises(CRSError, match=r"roads is in a geographic CRS \(EPSG:4326"):
        road_closures(depth, roads.set_crs("EPSG:4326", allow_override=True))
    hs = waterlogging_hotspots(depth, roads)
    with pytest.raises(ConfigError, match="k must be a whole number"):
        monitoring_sites(hs, k=0)


def test_exposure_score_by_hand(scene):
    """Score = 100 x depth factor x (0.5 persons + 0.3 class-weighted road + 0.2 facility
    shares), worked out by hand for the three spots of the scene."""
    depth, roads, pop = scene
    roads = roads.assign(road_class=["primary", "residential", "track"])
    schools = gpd.GeoDataFrame(geometry=[Point(65, 5), Point(55, 45), Point(500, 500)],
                               crs="EPSG:4548")
    hs = waterlogging_hotspots(depth, roads, pop, facilities={"schools": schools}, reach_m=15.0)
    p = hs.polygons.set_index("max_depth_m")
    # spot A (max 0.6): 100 persons of 140, road 30 m x 2.5 of (75 + 30 + 5), no school
    # spot B (max 0.4): 40 persons, road 30 m x 1, both schools within 15 m (10 m, 14.1 m)
    # deep cell (0.9): 0 persons, road 10 m x 0.5 (track), no school
    road_total = 30 * 2.5 + 30 * 1.0 + 10 * 0.5
    a = 100 * 0.6 * (0.5 * 100 / 140 + 0.3 * 75 / road_total)
    b = 100 * 0.4 * (0.5 * 40 / 140 + 0.3 * 30 / road_total + 0.2 * 1.0)
    c = 100 * 0.9 * (0.3 * 5 / road_total)
    assert p.loc[0.6, "exposure_score"] == pytest.approx(a)
    assert p.loc[0.4, "exposure_score"] == pytest.approx(b)
    assert p.loc[0.9, "exposure_score"] == pytest.approx(c)
    assert p.loc[[0.6, 0.4, 0.9], "n_schools"].tolist() == [0, 2, 0]  # the far one: none
    assert hs.polygons["rank"].tolist() == [1, 2, 3]
    assert hs.polygons["exposure_score"].is_monotonic_decreasing
    assert hs.polygons["exposure_score"].sum() <= 100.0
    assert "exposure_score" in hs.ranking and "schools" in hs.ranking
    assert hs.polygons.attrs["ranking"] == hs.ranking


def test_unmapped_deep_spot_is_an_artefact_and_ranks_last(scene):
    depth, roads, pop = scene
    d = depth.values.copy()
    d[8, 1] = 3.0  # deep, on no mapped site; r_dry does not touch it: add a road
    roads = roads.copy()
    roads.loc[40] = ["r_pit", LineString([(0, 15), (30, 15)])]
    hs = waterlogging_hotspots(depth.copy(data=d), roads, pop)
    deep = hs.polygons[hs.polygons["max_depth_m"] == 3.0].iloc[0]
    assert deep["dem_artefact"] and deep["exposure_score"] == 0.0
    assert deep["rank"] == len(hs.polygons)
    mapped = gpd.GeoDataFrame(geometry=[Point(15, 15)], crs="EPSG:4548")
    hs2 = waterlogging_hotspots(depth.copy(data=d), roads, pop, mapped=mapped)
    deep2 = hs2.polygons[hs2.polygons["max_depth_m"] == 3.0].iloc[0]
    assert deep2["mapped"] and not deep2["dem_artefact"] and deep2["exposure_score"] > 0


def test_more_residents_never_lower_the_score(scene):
    depth, roads, pop = scene
    base = waterlogging_hotspots(depth, roads, pop).polygons.set_index("max_depth_m")
    more = pop.copy()
    more.loc[0, "persons"] = 1000  # spot A gains residents
    after = waterlogging_hotspots(depth, roads, more).polygons.set_index("max_depth_m")
    assert after.loc[0.6, "exposure_score"] > base.loc[0.6, "exposure_score"]
    assert after.loc[0.4, "exposure_score"] < base.loc[0.4, "exposure_score"]  # shares


def test_bad_exposure_options(scene):
    depth, roads, pop = scene
    with pytest.raises(ConfigError, match="reach_m must be"):
        waterlogging_hotspots(depth, roads, reach_m=-1.0)
    with pytest.raises(ConfigError, match="depth_scale_m must be a depth > 0"):
        waterlogging_hotspots(depth, roads, depth_scale_m=0.0)
    with pytest.raises(ConfigError, match=r"facilities\['schools'\] must be a GeoDataFrame"):
        waterlogging_hotspots(depth, roads, facilities={"schools": [(1, 2)]})
