"""Network-level allocation: walk distances, exact optimum, warm start, baseline, errors."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from jnrisk import ConfigError, CRSError, DataError, SchemaError
from jnrisk.allocation import allocate_shelters, greedy_nearest

from .reference import check_certificate, lp_objective

CRS = "EPSG:4548"
SIDE = 14
SPACING_M = 100.0


def grid_roads(seed: int = 3):
    """A SIDE x SIDE street grid (100 m, jittered lengths), some segments missing."""
    rng = np.random.default_rng(seed)
    ii, jj = np.divmod(np.arange(SIDE * SIDE), SIDE)
    x, y = jj * SPACING_M, ii * SPACING_M
    right = np.flatnonzero(jj < SIDE - 1)
    up = np.flatnonzero(ii < SIDE - 1)
    u = np.concatenate([right, up])
    v = np.concatenate([right + 1, up + SIDE])
    keep = rng.random(u.size) > 0.08
    u, v = u[keep], v[keep]
    coords = np.stack([np.c_[x[u], y[u]], np.c_[x[v], y[v]]], axis=1)
    return gpd.GeoDataFrame(
        {"u": u, "v": v, "length_m": SPACING_M * rng.uniform(1.0, 1.15, u.size)},
        geometry=shapely.linestrings(coords),
        crs=CRS,
    )


@pytest.fixture(scope="module")
def city():
    from jnrisk.network import network_from_roads

    rng = np.random.default_rng(11)
    roads = grid_roads()
    net = network_from_roads(roads, "walk", on_disconnected="ignore")
    ext = (SIDE - 1) * SPACING_M
    blocks = gpd.GeoDataFrame(
        {"persons": rng.integers(0, 300, 90)},
        geometry=shapely.points(rng.uniform(0, ext, 90), rng.uniform(0, ext, 90)),
        crs=CRS,
        index=np.arange(1000, 1090),
    )
    shelters = gpd.GeoDataFrame(
        {"effective_area_m2": rng.uniform(0, 2_500, 8)},
        geometry=shapely.points(rng.uniform(0, ext, 8), rng.uniform(0, ext, 8)),
        crs=CRS,
        index=[f"S{i}" for i in range(8)],
    )
    return roads, net, blocks, shelters


def reference_arcs(net, blocks, shelters, max_walk_m, closed_edges=None):
    """Walk metres with scipy's Dijkstra and a KD-tree (independent of jnrisk's arc builder)."""
    from scipy.sparse.csgraph import dijkstra
    from scipy.spatial import cKDTree

    tree = cKDTree(np.c_[net.x, net.y])
    sb, nb = tree.query(shapely.get_coordinates(blocks.geometry.to_numpy()))
    ss, ns = tree.query(shapely.get_coordinates(shelters.geometry.to_numpy()))
    d = dijkstra(net.to_scipy(closed_edges=closed_edges), indices=ns)[:, nb]  # S x P
    walk = (d + ss[:, None] + sb[None, :]).T
    ok = walk <= max_walk_m
    indptr = np.concatenate([[0], np.cumsum(ok.sum(1))])
    return indptr, np.nonzero(ok)[1], walk[ok]


def test_matches_reference_arcs_and_highs(city):
    _, net, blocks, shelters = city
    res = allocate_shelters(blocks, shelters, net, max_walk_m=600.0)
    sol = res.solution
    indptr, shel, walk = reference_arcs(net, blocks, shelters, 600.0)
    capacity = np.floor(shelters["effective_area_m2"].to_numpy() / 2.0).astype(np.int64)
    persons = blocks["persons"].to_numpy()
    lp, _ = lp_objective(persons, capacity, indptr, shel, walk, sol.unserved_cost)
    assert sol.objective == pytest.approx(lp, rel=1e-9)
    # same arcs as the independent reference (order within a block may differ)
    assert np.array_equal(res.arc_indptr, indptr)
    blk = np.repeat(np.arange(len(blocks)), np.diff(indptr))
    mine = np.lexsort((res.arc_shelter, blk))
    ref = np.lexsort((shel, blk))
    np.testing.assert_array_equal(res.arc_shelter[mine], shel[ref])
    np.testing.assert_allclose(res.arc_walk_m[mine], walk[ref], rtol=1e-12)
    check_certificate(
        persons, capacity, res.arc_indptr, res.arc_shelter, res.arc_walk_m, sol, rtol=1e-9
    )
    # the flows table is consistent with the inputs
    f = res.flows
    assert (f["walk_m"] <= 600.0).all() and (f["persons"] > 0).all()
    served = f.groupby("block")["persons"].sum().reindex(blocks.index, fill_value=0)
    unserved = res.unserved["unserved_persons"].reindex(blocks.index, fill_value=0)
    np.testing.assert_array_equal(served + unserved, persons)
    sh = res.shelters
    assert list(sh.index) == list(shelters.index)
    np.testing.assert_array_equal(sh["capacity_persons"], capacity)
    assert (sh["assigned_persons"] <= sh["capacity_persons"]).all()
    assert f.crs == blocks.crs and f.geom_type.eq("LineString").all()
    s = res.summary()
    assert s["served_persons"] + s["unserved_persons"] == persons.sum()
    assert 0 <= s["median_walk_m"] <= s["p95_walk_m"] <= s["max_walk_m"] <= 600.0
    assert s["n_overloaded_shelters"] == 0


def test_greedy_baseline_is_not_better(city):
    _, net, blocks, shelters = city
    exact = allocate_shelters(blocks, shelters, net, max_walk_m=800.0)
    greedy = greedy_nearest(blocks, shelters, net, max_walk_m=800.0)
    assert greedy.solution.objective >= exact.solution.objective
    assert greedy.summary()["served_persons"] <= exact.summary()["served_persons"]
    assert greedy.shelters["shelter_price"].isna().all()


def test_closed_roads_and_warm_start(city):
    roads, net, blocks, shelters = city
    before = allocate_shelters(blocks, shelters, net, max_walk_m=700.0)
    closed = np.random.default_rng(5).choice(len(roads), 40, replace=False)
    cold = allocate_shelters(blocks, shelters, net, max_walk_m=700.0, closed_edges=closed)
    warm = allocate_shelters(
        blocks, shelters, net, max_walk_m=700.0, closed_edges=closed, warm_start=before
    )
    assert warm.solution.objective == cold.solution.objective
    _, _, walk = reference_arcs(net, blocks, shelters, 700.0, closed_edges=closed)
    np.testing.assert_allclose(np.sort(cold.arc_walk_m), np.sort(walk), rtol=1e-12)
    assert cold.solution.objective >= before.solution.objective
    # one shelter lost: drop its row; warm start matches prices by the shelters' index
    fewer = shelters.drop(index="S3")
    cold2 = allocate_shelters(blocks, fewer, net, max_walk_m=700.0)
    warm2 = allocate_shelters(blocks, fewer, net, max_walk_m=700.0, warm_start=before)
    assert warm2.solution.objective == cold2.solution.objective
    assert warm2.summary()["served_persons"] <= before.summary()["served_persons"]


def test_capacity_column_wins_and_m2_per_person(city):
    _, net, blocks, shelters = city
    s3 = shelters.assign(capacity_persons=100)
    res = allocate_shelters(blocks, s3, net)
    assert (res.shelters["capacity_persons"] == 100).all()
    res3 = allocate_shelters(blocks, shelters, net, m2_per_person=3.0)
    expected = np.floor(shelters["effective_area_m2"].to_numpy() / 3.0)
    np.testing.assert_array_equal(res3.shelters["capacity_persons"], expected)


def test_directed_csr_network_walks_towards_the_shelter():
    from jnrisk.network import RoadNetwork

    # one-way street 0 -> 1 -> 2; shelter at node 2, blocks at 0 (can reach it) and at 2
    net = RoadNetwork.from_csr(
        [0, 1, 2, 2], [1, 2], [100.0, 100.0], x=[0.0, 100.0, 200.0], y=[0.0, 0.0, 0.0], crs=CRS
    )
    blocks = gpd.GeoDataFrame(
        {"persons": [4, 1]}, geometry=shapely.points([0, 200], [0, 0]), crs=CRS
    )
    shelters = gpd.GeoDataFrame(
        {"capacity_persons": [10]}, geometry=shapely.points([200], [0]), crs=CRS
    )
    res = allocate_shelters(blocks, shelters, net)
    assert sorted(res.flows["walk_m"].tolist()) == [0.0, 200.0]
    back = gpd.GeoDataFrame({"capacity_persons": [10]}, geometry=shapely.points([0], [0]), crs=CRS)
    res2 = allocate_shelters(blocks, back, net)
    assert res2.summary()["unserved_persons"] == 1  # block at node 2 cannot walk back


def test_inputs_not_mutated(city):
    _, net, blocks, shelters = city
    b0, s0 = blocks.copy(), shelters.copy()
    allocate_shelters(blocks, shelters, net)
    assert blocks.equals(b0) and shelters.equals(s0)


def test_tables_are_snapshots_and_agree_with_summary(city):
    _, net, blocks, shelters = city
    b, s = blocks.copy(), shelters.copy()
    res = allocate_shelters(b, s, net, max_walk_m=500.0)
    # the tables are built on first access: later edits of the inputs must not leak in
    b["persons"] = -1
    b.geometry = b.geometry.translate(7, 7)
    s.loc[s.index[0], "effective_area_m2"] = -3.0
    un, sh, fl = res.unserved, res.shelters, res.flows
    assert un["persons"].gt(0).all() and sh["effective_area_m2"].ge(0).all()
    np.testing.assert_array_equal(
        shapely.get_coordinates(fl.geometry.to_numpy())[0::2],
        shapely.get_coordinates(blocks.geometry.loc[fl["block"]].to_numpy()),
    )
    assert res.shelters is sh  # built once
    # summary() (from the arrays) says what the tables say
    smry = res.summary()
    assert smry["served_persons"] == fl["persons"].sum()
    assert smry["max_walk_m"] == fl["walk_m"].max()
    assert smry["n_full_shelters"] == sh["full"].sum()
    assert smry["n_shelters_short"] == (sh["shelter_price"] > 0).sum()
    assert smry["n_shelters"] == len(sh) == len(shelters)
    assert smry["unserved_persons"] == un["unserved_persons"].sum()


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (lambda b, s: (b.to_crs("EPSG:32650"), s), CRSError, ["EPSG:32650", "to_crs"]),
        (lambda b, s: (b.to_crs("EPSG:4326"), s), CRSError, ["geographic"]),
        (lambda b, s: (b.assign(persons=-b["persons"] - 1), s), DataError, ["negative"]),
        (lambda b, s: (b.drop(columns="persons"), s), SchemaError, ["persons"]),
        (
            lambda b, s: (b, s.drop(columns="effective_area_m2")),
            SchemaError,
            ["capacity_persons", "effective_area_m2"],
        ),
        (lambda b, s: (b, s.assign(effective_area_m2=np.nan)), DataError, ["NaN"]),
        (
            lambda b, s: (b.set_geometry(b.geometry.translate(50_000, 0)), s),
            DataError,
            ["population", "from the network"],
        ),
        (
            lambda b, s: (b, s.set_geometry(s.geometry.translate(0, -9_000))),
            DataError,
            ["shelters", "from the network"],
        ),
        (lambda b, s: (b.set_geometry(b.buffer(5)), s), DataError, ["Point"]),
        (
            lambda b, s: (b, s.set_geometry([None, *s.geometry.iloc[1:]], crs=s.crs)),
            DataError,
            ["shelters", "missing or empty", "S0"],
        ),
        (
            lambda b, s: (b.set_geometry([shapely.Point(), *b.geometry.iloc[1:]], crs=b.crs), s),
            DataError,
            ["population", "missing or empty", "1000"],
        ),
    ],
)
def test_bad_input(city, change, error, words):
    _, net, blocks, shelters = city
    b, s = change(blocks, shelters)
    with pytest.raises(error) as exc:
        allocate_shelters(b, s, net)
    for w in words:
        assert w in str(exc.value)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"m2_per_person": 0.0}, ["m2_per_person"]),
        ({"max_walk_m": -5.0}, ["max_walk_m"]),
        ({"warm_start": "yesterday"}, ["warm_start"]),
    ],
)
def test_bad_options(city, kwargs, words):
    _, net, blocks, shelters = city
    with pytest.raises(ConfigError) as exc:
        allocate_shelters(blocks, shelters, net, **kwargs)
    for w in words:
        assert w in str(exc.value)
