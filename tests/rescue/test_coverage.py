"""Drive-time coverage against brute-force scipy Dijkstra on small random one-way grids."""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box
from tests.rescue.reference import CRS, make_grid_net, points_at

from jnrisk._errors import ConfigError, CRSError, DataError, SchemaError
from jnrisk.network import RoadNetwork
from jnrisk.rescue import (
    drive_time_coverage as _drive_time_coverage,
)
from jnrisk.rescue import (
    service_area_polygons,
    towns_not_reached,
)

# Most checks below compare pure drive times with a brute-force reference, so they set the
# turnout to 0; the turnout itself is tested in test_response_time_adds_turnout.
drive_time_coverage = functools.partial(_drive_time_coverage, turnout_s=0.0)

THRESHOLDS = (120.0, 240.0, 480.0)


def _city(seed: int, side: int = 7):
    g = make_grid_net(side, seed)
    rng = np.random.default_rng(seed)
    n = g.n_nodes
    fac_nodes = rng.choice(n, 3, replace=False)
    # one town per grid row band; blocks on random nodes
    blk_nodes = rng.choice(n, 25)
    band = (blk_nodes // side) * 3 // side  # 0..2
    pop = points_at(g, blk_nodes, persons=rng.integers(0, 500, blk_nodes.size), town_id=band)
    ys = np.linspace(g.y.min() - 100, g.y.max() + 100, 4)
    towns = gpd.GeoDataFrame(
        {"town_id": [0, 1, 2], "name": ["a", "b", "c"]},
        geometry=[box(g.x.min() - 100, ys[k], g.x.max() + 100, ys[k + 1]) for k in range(3)],
        crs=CRS,
    )
    fac = points_at(g, fac_nodes, station_id=np.arange(3))
    return g, fac_nodes, blk_nodes, pop, towns, fac


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("congestion", [1.0, 1.6])
def test_block_times_match_brute_force(seed, congestion):
    g, fac_nodes, blk_nodes, pop, towns, fac = _city(seed)
    res = drive_time_coverage(g.network(), fac, pop, towns, thresholds_s=THRESHOLDS,
                              congestion=congestion)
    ref = g.times()[fac_nodes][:, blk_nodes].min(axis=0) * congestion
    ref = np.where(ref <= THRESHOLDS[-1], ref, np.inf)
    np.testing.assert_allclose(res.block_time_s, ref, rtol=1e-12)
    persons = pop["persons"].to_numpy()
    for t, row in zip(THRESHOLDS, res.summary.itertuples(), strict=True):
        assert row.persons_reached == pytest.approx(persons[ref <= t].sum())
        for k in range(3):
            sel = pop["town_id"].to_numpy() == k
            tot = persons[sel].sum()
            want = 100.0 * persons[sel & (ref <= t)].sum() / tot if tot else np.nan
            lab = f"persons_reached_pct_{t / 60:g}min"
            got = res.towns[lab].iloc[k]
            assert (np.isnan(want) and np.isnan(got)) or got == pytest.approx(want)


def test_towns_centres_and_reasons():
    g, fac_nodes, _, pop, towns, fac = _city(5)
    net = g.network()
    res = drive_time_coverage(net, fac, pop, towns, thresholds_s=THRESHOLDS)
    centres = towns.representative_point()
    from scipy.spatial import cKDTree

    _, cnode = cKDTree(np.column_stack([g.x, g.y])).query(
        np.column_stack([centres.x, centres.y])
    )
    ref = g.times()[fac_nodes][:, cnode].min(axis=0)
    ref = np.where(ref <= THRESHOLDS[-1], ref, np.inf)
    np.testing.assert_allclose(res.towns["centre_time_s"].to_numpy(), ref)
    for t in THRESHOLDS:
        bad = towns_not_reached(res, t)
        assert set(bad.index) == set(towns.index[~(ref <= t)])
        assert bad["reason"].str.len().gt(10).all()
    # inputs untouched, index kept
    assert "centre_time_s" not in towns.columns
    assert res.towns.index.equals(towns.index)


def test_unreached_reasons_name_the_cause():
    # two separate roads: the station is on the first, town 2's centre on the second
    net = RoadNetwork.from_csr(
        [0, 1, 2, 3, 4], [1, 0, 3, 2], [1000.0] * 4, time_s=[600.0] * 4,
        x=[0.0, 1000.0, 5000.0, 6000.0], y=[0.0] * 4, crs=CRS,
    )
    net = RoadNetwork.from_csr(
        net.indptr, net.indices, net.weight_m, time_s=net.time_s,
        x=net.x + 500_000, y=net.y + 4_050_000, crs=CRS,
    )
    st = gpd.GeoDataFrame({"town_id": [1]}, geometry=[Point(500_000, 4_050_000)], crs=CRS)
    x0, y0 = 500_000, 4_050_000
    towns = gpd.GeoDataFrame(
        {"town_id": [1, 2, 3]},
        geometry=[box(x0 + 700, y0 - 300, x0 + 1300, y0 + 300),
                  box(x0 + 5700, y0 - 300, x0 + 6300, y0 + 300),
                  box(x0 + 20_000, y0 + 20_000, x0 + 20_600, y0 + 20_600)],
        crs=CRS,
    )
    pop = gpd.GeoDataFrame({"persons": [5], "town_id": [1]},
                           geometry=[Point(x0 + 1000, y0)], crs=CRS)
    res = drive_time_coverage(net, st, pop, towns, thresholds_s=[300, 900])
    bad = res.not_reached(300)
    assert bad.index.tolist() == [0, 1, 2]
    assert "10.0 min > 5 min" in bad.loc[0, "reason"]
    assert "its own facility needs 10.0 min" in bad.loc[0, "reason"]
    assert "no facility reaches" in bad.loc[1, "reason"]
    assert "no facility of its own" in bad.loc[1, "reason"]
    assert "off the road network" in bad.loc[2, "reason"]
    assert res.not_reached(900).index.tolist() == [1, 2]
    with pytest.raises(ConfigError, match="largest threshold"):
        res.not_reached(1000)


def test_closures_never_help():
    g, fac_nodes, _, pop, towns, fac = _city(4)
    net = g.network()
    rng = np.random.default_rng(0)
    closed = rng.random(net.n_arcs) < 0.2
    a = drive_time_coverage(net, fac, pop, towns, thresholds_s=THRESHOLDS)
    b = drive_time_coverage(net, fac, pop, towns, thresholds_s=THRESHOLDS, closed_edges=closed)
    assert (b.block_time_s >= a.block_time_s).all()
    assert (b.summary["persons_reached"] <= a.summary["persons_reached"]).all()


def test_polygons_nested_and_cells():
    g, _, _, pop, towns, fac = _city(6)
    res = drive_time_coverage(g.network(), fac, pop, towns, thresholds_s=THRESHOLDS)
    polys = res.polygons(cell_m=300.0)
    assert polys["threshold_s"].tolist() == sorted(THRESHOLDS, reverse=True)
    geoms = polys.geometry.to_list()
    for big, small in zip(geoms, geoms[1:], strict=False):
        assert big.buffer(1e-6).contains(small)
    reached = res.node_time_s <= THRESHOLDS[-1]
    from shapely import points

    assert geoms[0].buffer(1e-6).contains(points(res.node_x[reached], res.node_y[reached])).all()
    per = res.polygons(cell_m=300.0, by_facility=True)
    assert set(per["facility"]) <= {0, 1, 2}
    assert polys.crs == CRS


def test_polygon_area_by_hand():
    gdf = service_area_polygons([0.0, 150.0, 1000.0], [0.0, 0.0, 0.0], [0.0, 10.0, 50.0],
                                [20.0, 60.0], cell_m=100.0)
    assert gdf["area_m2"].tolist() == [30_000.0, 20_000.0]


def test_reversed_network_matches_transpose():
    g = make_grid_net(5, 9)
    net = g.network()
    rev = net.reversed()
    a = net.to_scipy("time_s").toarray()
    b = rev.to_scipy("time_s").toarray()
    np.testing.assert_array_equal(a.T, b)
    np.testing.assert_array_equal(rev.time_s, net.time_s[rev.arc_edge])


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "thresholds, text",
    [((600, 300), "strictly increasing"), ((300, 300), "strictly increasing"),
     ((), "empty"), ((-5, 10), "> 0"), ((np.nan,), "> 0")],
)
def test_thresholds_not_increasing(thresholds, text):
    g, _, _, pop, towns, fac = _city(1)
    with pytest.raises(ConfigError, match=text):
        drive_time_coverage(g.network(), fac, pop, towns, thresholds_s=thresholds)


def test_bad_inputs():
    g, _, _, pop, towns, fac = _city(1)
    net = g.network()
    with pytest.raises(ConfigError, match="congestion"):
        drive_time_coverage(net, fac, pop, towns, congestion="rush")
    with pytest.raises(ConfigError, match=">= 1"):
        drive_time_coverage(net, fac, pop, towns, congestion=0.5)
    neg = pop.copy()
    neg.loc[3, "persons"] = -4
    with pytest.raises(DataError, match=r"negative values at row \[3\]"):
        drive_time_coverage(net, fac, neg, towns)
    with pytest.raises(SchemaError, match="persons"):
        drive_time_coverage(net, fac, pop.drop(columns="persons"), towns)
    with pytest.raises(CRSError):
        drive_time_coverage(net, fac.to_crs("EPSG:4326"), pop, towns)
    far = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=CRS)
    with pytest.raises(DataError, match="none of the 1 points"):
        drive_time_coverage(net, far, pop, towns)
    odd = pop.copy()
    odd["town_id"] = 99
    with pytest.raises(DataError, match="not in towns"):
        drive_time_coverage(net, fac, odd, towns)
    walk = RoadNetwork.from_csr([0, 1, 1], [1], [1.0], x=[500_000.0, 500_001.0],
                                y=[4_050_000.0] * 2, crs=CRS)
    with pytest.raises(ConfigError, match="time_s"):
        drive_time_coverage(walk, fac, pop, towns)
    with pytest.raises(ConfigError, match="net must be a RoadNetwork"):
        drive_time_coverage("net", fac, pop, towns)


@pytest.mark.slow
def test_bundled_city_station_claim():
    """The 161-sub-district claim on the bundled (synthetic) city: every failure explained."""
    import warnings

    from jnrisk.datasets import jinan
    from jnrisk.network import network_from_roads

    city = jinan()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = network_from_roads(city.roads, "drive")
    res = drive_time_coverage(net, city.stations, city.population, city.towns)
    assert len(res.towns) == 161
    s = res.summary
    assert (np.diff(s["persons_reached"]) >= 0).all()
    bad = res.not_reached(900)
    assert len(bad) == 161 - int(s.loc[2, "towns_centre_reached"])
    assert bad["reason"].str.contains("min").all()


@pytest.mark.parametrize("turnout", [0.0, 60.0, 150.0])
@pytest.mark.parametrize("congestion", [1.0, 1.6])
def test_response_time_adds_turnout(turnout, congestion):
    """Response time = turnout + drive x congestion; a 300 s band keeps 300 - turnout of
    driving, so 5-min coverage with 60 s of turnout is exactly the 240 s drive-time band."""
    g, fac_nodes, blk_nodes, pop, towns, fac = _city(2)
    bands = tuple(sorted({*THRESHOLDS, 300.0}))
    res = _drive_time_coverage(g.network(), fac, pop, towns, thresholds_s=bands,
                               congestion=congestion, turnout_s=turnout)
    drive = g.times()[fac_nodes][:, blk_nodes].min(axis=0) * congestion
    ref = np.where(turnout + drive <= bands[-1], turnout + drive, np.inf)
    np.testing.assert_allclose(res.block_time_s, ref, rtol=1e-12)
    persons = pop["persons"].to_numpy()
    five = res.summary.set_index("threshold_s").loc[300.0, "persons_reached"]
    assert five == pytest.approx(persons[drive <= 300.0 - turnout].sum())
    assert res.turnout_s == turnout


def test_turnout_default_and_bad_values():
    from jnrisk.rescue.coverage import DEFAULT_TURNOUT_S, RESPONSE_TARGETS

    g, _, _, pop, towns, fac = _city(3)
    res = _drive_time_coverage(g.network(), fac, pop, towns, thresholds_s=THRESHOLDS)
    assert res.turnout_s == DEFAULT_TURNOUT_S == 60.0
    assert np.nanmin(res.block_time_s) >= 60.0
    fire, joint = RESPONSE_TARGETS["fire_station"], RESPONSE_TARGETS["joint_rescue_station"]
    assert fire.response_s - fire.turnout_s == 240.0 and joint.response_s > fire.response_s
    for bad in (-1.0, float("nan"), "fast", 1e6):
        with pytest.raises(ConfigError, match="turnout_s"):
            _drive_time_coverage(g.network(), fac, pop, towns, turnout_s=bad)
