"""Tests of jnrisk.shelters.coverage: walking costs, class coverage, tables, scenario demand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import Point

from jnrisk._errors import ConfigError, CRSError
from jnrisk.network import RoadNetwork
from jnrisk.shelters.coverage import (
    area_table,
    city_m2_per_resident,
    scenario_shelter_demand,
    shelter_coverage,
    walking_costs,
)

CRS = "EPSG:4548"


def _grid_network(side: int, spacing: float, rng: np.random.Generator):
    """Undirected jittered grid as a RoadNetwork plus its dense scipy matrix."""
    n = side * side
    ii, jj = np.divmod(np.arange(n), side)
    x = jj * spacing + rng.uniform(-5, 5, n)
    y = ii * spacing + rng.uniform(-5, 5, n)
    u, v = [], []
    for a in range(n):
        if a % side < side - 1:
            u.append(a)
            v.append(a + 1)
        if a + side < n:
            u.append(a)
            v.append(a + side)
    u, v = np.array(u), np.array(v)
    keep = rng.random(len(u)) > 0.1
    u, v = u[keep], v[keep]
    w = np.hypot(x[u] - x[v], y[u] - y[v]) * rng.uniform(1.0, 1.2, len(u))
    mat = sp.coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n)
    ).tocsr()
    mat.sort_indices()
    net = RoadNetwork.from_csr(mat.indptr, mat.indices, mat.data, x=x, y=y, crs=CRS)
    return net, mat, x, y


def _points(rng, k, extent, **cols):
    return gpd.GeoDataFrame(
        cols,
        geometry=gpd.points_from_xy(rng.uniform(0, extent, k), rng.uniform(0, extent, k)),
        crs=CRS,
    )


def _reference_costs(mat, x, y, blocks, targets):
    """Dense all-pairs reference: snap legs + scipy Dijkstra."""
    nodes = np.column_stack([x, y])

    def snap(g):
        xy = np.column_stack([g.geometry.x, g.geometry.y])
        d = np.linalg.norm(xy[:, None, :] - nodes[None, :, :], axis=2)
        return d.argmin(axis=1), d.min(axis=1)

    nb, db = snap(blocks)
    nt, dt = snap(targets)
    dist = dijkstra(mat, directed=True, indices=nt)  # targets x nodes
    return db[:, None] + dist[:, nb].T + dt[None, :]


def test_walking_costs_match_dense_reference(rng: np.random.Generator) -> None:
    net, mat, x, y = _grid_network(12, 100.0, rng)
    blocks = _points(rng, 40, 1100, persons=rng.integers(1, 100, 40))
    targets = _points(rng, 6, 1100)
    targets.index = [f"s{i}" for i in range(6)]
    ref = _reference_costs(mat, x, y, blocks, targets)
    got = walking_costs(net, blocks, targets, cutoff_m=700.0)
    dense = np.full(ref.shape, np.inf)
    dense[blocks.index.get_indexer(got["origin"]), targets.index.get_indexer(got["dest"])] = got[
        "cost_m"
    ]
    expect = np.where(ref <= 700.0, ref, np.inf)
    np.testing.assert_allclose(dense, expect, rtol=1e-12)
    assert (
        got.groupby("origin", sort=False)["cost_m"].apply(lambda s: s.is_monotonic_increasing)
    ).all()


def test_shelter_coverage_matches_reference(rng: np.random.Generator) -> None:
    net, mat, x, y = _grid_network(12, 100.0, rng)
    blocks = _points(rng, 50, 1100, persons=rng.integers(1, 100, 50).astype(float))
    shelters = _points(rng, 8, 1100, **{"class": ["emergency"] * 5 + ["fixed"] * 3})
    radius = {"emergency": 300.0, "fixed": 800.0}
    before = blocks.copy()
    r = shelter_coverage(blocks, shelters, net, radius_m=radius)
    pd.testing.assert_frame_equal(blocks, before)
    ref = _reference_costs(mat, x, y, blocks, shelters)
    for c, rad in radius.items():
        cols = np.flatnonzero(shelters["class"].to_numpy() == c)
        best = ref[:, cols].min(axis=1)
        got = r.blocks[f"dist_{c}_m"].to_numpy()
        inside = best <= rad
        np.testing.assert_allclose(got[inside], best[inside], rtol=1e-12)  # exact in the radius
        assert (got[~inside] >= best[~inside] - 1e-9).all()  # beyond: an upper bound
        assert (got[~inside] > rad).all()
        np.testing.assert_array_equal(r.blocks[f"covered_{c}"], best <= rad)
        exp_pct = 100 * blocks["persons"][best <= rad].sum() / blocks["persons"].sum()
        assert r.summary.loc[c, "covered_pct"] == pytest.approx(exp_pct)
    with pytest.raises(ConfigError, match="fixed"):
        shelter_coverage(blocks, shelters, net, radius_m={"emergency": 500.0})
    with pytest.raises(CRSError):
        shelter_coverage(blocks.to_crs("EPSG:4326"), shelters, net, radius_m=radius)


def test_area_table_and_city_figure() -> None:
    blocks = gpd.GeoDataFrame(
        {
            "persons": [1000.0, 2000.0, 500.0, 1500.0],
            "district": ["A", "A", "B", "C"],
            "built_up": [True, True, False, True],
            "covered": [True, False, True, False],
            "unserved": [0.0, 10.0, 5.0, 0.0],
        },
        geometry=[Point(i, 0) for i in range(4)],
        crs=CRS,
    )
    shelters = gpd.GeoDataFrame(
        {"effective_area_m2": [3000.0, 3000.0, 2000.0], "district": ["A", "A", "B"]},
        geometry=[Point(i, 1) for i in range(3)],
        crs=CRS,
    )
    t = area_table(blocks, shelters, covered_col="covered", unserved_col="unserved")
    assert t.loc["A", "m2_per_resident"] == pytest.approx(2.0)
    assert t.loc["A", "shortfall_m2_now"] == 0.0
    assert t.loc["A", "shortfall_m2_target"] == pytest.approx(3000.0)
    assert t.loc["B", "m2_per_resident"] == pytest.approx(4.0)
    assert t.loc["C", "shelters"] == 0 and t.loc["C", "shortfall_m2_now"] == 3000.0
    assert t.loc["A", "covered_pct"] == pytest.approx(100 / 3)
    assert t.loc["A", "unserved_persons"] == 10.0
    assert t.loc["A", "persons_built_up"] == 3000.0
    fig = city_m2_per_resident(blocks, shelters)
    assert fig["m2_per_resident_built_up"] == pytest.approx(8000 / 4500)
    assert "built_up" in fig["how"]


def _lp_reference(demand, cap, o, d, c):
    """Lexicographic LP: max served, then min travel (HiGHS)."""
    n_arc = len(o)
    a_b = sp.csr_matrix((np.ones(n_arc), (o, np.arange(n_arc))), shape=(len(demand), n_arc))
    a_s = sp.csr_matrix((np.ones(n_arc), (d, np.arange(n_arc))), shape=(len(cap), n_arc))
    a_ub = sp.vstack([a_b, a_s])
    b_ub = np.concatenate([demand, cap])
    r1 = linprog(-np.ones(n_arc), A_ub=a_ub, b_ub=b_ub, method="highs")
    served = -r1.fun
    r2 = linprog(
        c,
        A_ub=sp.vstack([a_ub, -np.ones((1, n_arc))]),
        b_ub=np.concatenate([b_ub, [-served + 1e-7]]),
        method="highs",
    )
    return served, r2.fun


def test_scenario_demand_is_the_exact_optimum(rng: np.random.Generator) -> None:
    net, _, _, _ = _grid_network(12, 100.0, rng)
    blocks = _points(
        rng,
        60,
        1100,
        displaced_persons=rng.uniform(0, 300, 60),
        district=rng.choice(["A", "B"], 60),
    )
    shelters = _points(rng, 7, 1100, capacity_persons=rng.integers(200, 1500, 7))
    shelters["usable"] = [True, True, True, False, True, True, True]
    r = scenario_shelter_demand(blocks, shelters, net, max_walk_m=600.0)
    costs = walking_costs(net, blocks, shelters, cutoff_m=600.0)
    use = shelters["usable"].to_numpy()[shelters.index.get_indexer(costs["dest"])]
    costs = costs[use]
    demand = np.round(blocks["displaced_persons"].to_numpy())
    served, travel = _lp_reference(
        demand,
        shelters["capacity_persons"].to_numpy(float),
        blocks.index.get_indexer(costs["origin"]),
        shelters.index.get_indexer(costs["dest"]),
        costs["cost_m"].to_numpy(),
    )
    assert r.blocks["served_persons"].sum() == pytest.approx(served)
    assert r.travel_person_m == pytest.approx(travel, rel=1e-6)
    assert (r.blocks["served_persons"] + r.blocks["unserved_persons"] == demand).all()
    assert r.shelters.loc[3, "assigned_persons"] == 0
    assert (r.shelters["assigned_persons"] <= r.shelters["capacity_persons"]).all()
    assert (r.flows["cost_m"] <= 600.0).all()
    assert r.by_district["unserved_persons"].sum() == r.blocks["unserved_persons"].sum()
    assert (r.by_district["unreachable_persons"] <= r.by_district["unserved_persons"]).all()
    far = r.blocks["no_shelter_in_reach"]
    assert (r.blocks.loc[far, "served_persons"] == 0).all()
    # overflow: full and somebody in reach left out
    full = r.shelters["spare_persons"] == 0
    assert (r.shelters["overflow"] <= full).all()


def test_quake_to_shelter_demand_end_to_end(rng: np.random.Generator) -> None:
    from jnrisk.quake import QuakeScenario, displaced_persons, shelter_usability

    net, _, _, _ = _grid_network(10, 100.0, rng)
    blocks = _points(rng, 30, 900, persons=rng.integers(100, 3000, 30), district="历下区")
    shelters = _points(rng, 5, 900, capacity_persons=rng.integers(50, 400, 5))
    sc = QuakeScenario(450.0, 450.0, magnitude=6.5, fault_azimuth_deg=30.0)
    disp = displaced_persons(blocks, sc)
    sh = shelter_usability(shelters, sc, max_intensity=9.0)
    r = scenario_shelter_demand(disp, sh, net, max_walk_m=800.0)
    assert (r.blocks["demand_persons"] <= blocks["persons"]).all()
    assert r.by_district.index.tolist() == ["历下区"]
    tot = r.by_district.loc["历下区"]
    assert tot["served_persons"] + tot["unserved_persons"] == tot["demand_persons"]
