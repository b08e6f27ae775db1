"""Tests of jnrisk.shelters.site_new against brute force, PySAL spopt (CBC) and invariants."""

from __future__ import annotations

import itertools
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from jnrisk._errors import ConfigError, CRSError, DataError
from jnrisk.shelters.site_new import (
    capacitated_covering,
    capacitated_covering_sites,
    cover_from_costs,
    maximal_covering,
    maximal_covering_sites,
)


def _instance(rng: np.random.Generator, n: int, m: int, radius: float = 350.0):
    demand_xy = rng.uniform(0, 1000, (n, 2))
    cand_xy = rng.uniform(0, 1000, (m, 2))
    dist = np.linalg.norm(demand_xy[:, None, :] - cand_xy[None, :, :], axis=2)
    weights = rng.integers(1, 500, n).astype(float)
    return dist, weights, (dist <= radius).astype(np.int8), radius


def _brute_mclp(w: np.ndarray, a: np.ndarray, k: int) -> float:
    best = 0.0
    for combo in itertools.combinations(range(a.shape[1]), k):
        best = max(best, float(w[a[:, list(combo)].any(axis=1)].sum()))
    return best


def _servable(d, cap, a, open_) -> float:
    pairs = [(i, j) for i in range(a.shape[0]) for j in range(a.shape[1]) if a[i, j] and open_[j]]
    if not pairs:
        return 0.0
    n, m = a.shape
    A = np.zeros((n + m, len(pairs)))
    for p, (i, j) in enumerate(pairs):
        A[i, p] = 1
        A[n + j, p] = 1
    res = linprog(-np.ones(len(pairs)), A_ub=A, b_ub=np.concatenate([d, cap]), method="highs")
    return -res.fun


def _brute_cscp(d, cap, a, cost) -> float:
    m = a.shape[1]
    best_served = _servable(d, cap, a, np.ones(m, bool))
    best = np.inf
    for r in range(m + 1):
        for combo in itertools.combinations(range(m), r):
            open_ = np.zeros(m, bool)
            open_[list(combo)] = True
            c = cost[open_].sum()
            if c < best and _servable(d, cap, a, open_) >= best_served - 1e-6:
                best = c
    return best


# ------------------------------------------------------------------------- MCLP


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_mclp_exact_matches_brute_force(seed: int, k: int) -> None:
    _, w, a, _ = _instance(np.random.default_rng(seed), 25, 7)
    r = maximal_covering(w, a, k, method="exact")
    assert r.objective == pytest.approx(_brute_mclp(w, a, k))
    assert len(r.selected) == k and r.gap_pct == 0.0
    h = maximal_covering(w, a, k, method="heuristic")
    assert h.objective <= r.objective + 1e-9
    assert h.bound >= r.objective - 1e-6  # a valid upper bound
    assert h.gap_pct == pytest.approx(100 * (h.bound - h.objective) / h.bound, abs=1e-6)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 6))
def test_mclp_more_sites_never_cover_less(seed: int, k: int) -> None:
    _, w, a, _ = _instance(np.random.default_rng(seed), 40, 12)
    r1 = maximal_covering(w, a, k, method="exact")
    r2 = maximal_covering(w, a, k + 1, method="exact")
    assert r2.objective >= r1.objective - 1e-9
    assert r1.objective + r1.unserved_persons == pytest.approx(w.sum())


def test_mclp_matches_spopt_cbc(rng: np.random.Generator) -> None:
    pulp = pytest.importorskip("pulp")
    spopt_locate = pytest.importorskip("spopt.locate")
    for k in (2, 5):
        dist, w, a, radius = _instance(rng, 60, 15)
        if k:
            ours = maximal_covering(w, a, k, method="exact")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = spopt_locate.MCLP.from_cost_matrix(
                    dist, w.astype(int), service_radius=radius, p_facilities=k
                )
                model = model.solve(pulp.PULP_CBC_CMD(msg=False))
            theirs = pulp.value(model.problem.objective)
            assert ours.objective == pytest.approx(theirs)


def test_mclp_heuristic_at_moderate_scale(rng: np.random.Generator) -> None:
    _, w, a, _ = _instance(rng, 800, 80, radius=150.0)
    ex = maximal_covering(w, a, 10, method="exact")
    h = maximal_covering(w, a, 10, method="heuristic")
    assert h.objective <= ex.objective + 1e-9 <= h.bound + 1e-6
    assert h.gap_pct < 10.0  # greedy + Lagrangian is close on random instances


def test_mclp_already_covered_and_edge_cases() -> None:
    a = np.array([[1, 0], [1, 1], [0, 1]])
    w = np.array([10.0, 5.0, 7.0])
    r = maximal_covering(np.array([0.0, 5.0, 7.0]), a, 1)
    assert r.selected.tolist() == [1] and r.objective == 12.0
    assert maximal_covering(w, a, 0).objective == 0.0
    assert maximal_covering(w, a, 5).objective == 22.0  # k capped at the candidates
    assert maximal_covering(np.zeros(3), a, 1).objective == 0.0


# ------------------------------------------------------------------------- capacitated LSCP


@pytest.mark.parametrize(("seed", "by_area"), [(0, False), (1, True), (2, True)])
def test_cscp_exact_matches_brute_force(seed: int, by_area: bool) -> None:
    rng = np.random.default_rng(100 + seed)
    _, d, a, _ = _instance(rng, 15, 6, radius=400.0)
    cap = rng.integers(300, 1500, 6).astype(float)
    area = rng.integers(2_000, 20_000, 6).astype(float)
    for cost in [area if by_area else None]:
        r = capacitated_covering(d, a, cap, cost=cost, method="exact")
        c = np.ones(6) if cost is None else cost
        assert r.objective == pytest.approx(_brute_cscp(d, cap, a, c))
        # the assignment respects capacity, reach and demand
        asg = r.assignment
        assert (
            asg.groupby("candidate")["persons"].sum()
            <= cap[asg.groupby("candidate").size().index] + 1e-6
        ).all()
        assert a[asg["block"], asg["candidate"]].all()
        assert set(asg["candidate"]) <= set(r.selected.tolist())
        per_block = asg.groupby("block")["persons"].sum().reindex(range(15), fill_value=0)
        assert (per_block <= d + 1e-6).all()
        assert r.covered_persons + r.unserved_persons == pytest.approx(d.sum())
        h = capacitated_covering(d, a, cap, cost=cost, method="heuristic")
        assert h.covered_persons == pytest.approx(r.covered_persons, rel=1e-6)
        assert h.objective >= r.objective - 1e-9 and h.bound <= r.objective + 1e-6


def test_cscp_matches_spopt_capacitated_lscp(rng: np.random.Generator) -> None:
    pulp = pytest.importorskip("pulp")
    spopt_locate = pytest.importorskip("spopt.locate")
    done = 0
    while done < 2:
        dist, d, a, radius = _instance(rng, 40, 12, radius=450.0)
        cap = rng.integers(1500, 5000, 12).astype(float)
        if not a.any(axis=1).all() or cap.sum() < d.sum():
            continue
        ours = capacitated_covering(d, a, cap, method="exact")
        if ours.unserved_persons > 1e-6:
            continue  # spopt's LSCP requires every block to be served
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = spopt_locate.LSCP.from_cost_matrix(
                dist, service_radius=radius, demand_quantity_arr=d, facility_capacity_arr=cap
            )
            model = model.solve(pulp.PULP_CBC_CMD(msg=False))
        assert ours.objective == pytest.approx(pulp.value(model.problem.objective))
        done += 1


def test_cscp_unserved_is_reported_not_raised() -> None:
    a = np.array([[1, 0], [0, 1], [0, 0]])
    r = capacitated_covering(np.array([100.0, 300.0, 50.0]), a, np.array([200.0, 200.0]))
    assert r.selected.tolist() == [0, 1]
    assert r.covered_persons == pytest.approx(300.0)
    assert r.unserved_persons == pytest.approx(150.0)


def test_cscp_fixed_sites_are_kept() -> None:
    a = np.array([[1, 1], [1, 1]])
    r = capacitated_covering(
        np.array([10.0, 10.0]), a, np.array([100.0, 100.0]), fixed=np.array([False, True])
    )
    assert r.selected.tolist() == [1]


# ------------------------------------------------------------------------- front end, bad input


def test_cover_and_front_end(rng: np.random.Generator) -> None:
    dist, w, a, radius = _instance(rng, 30, 6)
    blocks = gpd.GeoDataFrame(
        {"persons": w, "covered": rng.random(30) < 0.3},
        geometry=gpd.points_from_xy(rng.uniform(0, 1, 30), rng.uniform(0, 1, 30)),
        index=pd.Index([f"b{i}" for i in range(30)]),
        crs="EPSG:4548",
    )
    cands = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(np.arange(6.0), np.zeros(6)), crs="EPSG:4548"
    )
    ii, jj = np.nonzero(dist <= 2 * radius)
    costs = pd.DataFrame(
        {"origin": blocks.index[ii], "dest": cands.index[jj], "cost_m": dist[ii, jj]}
    )
    cov = cover_from_costs(costs, blocks.index, cands.index, radius=radius)
    np.testing.assert_array_equal(cov.toarray(), a)
    g, r = maximal_covering_sites(blocks, cands, costs, k=2, radius_m=radius, covered_col="covered")
    w_new = np.where(blocks["covered"], 0.0, w)
    assert r.objective == pytest.approx(_brute_mclp(w_new, a, 2))
    assert g["selected"].sum() == 2 and "selected" not in cands
    with pytest.raises(CRSError):
        maximal_covering_sites(blocks.to_crs("EPSG:4326"), cands, costs, k=2, radius_m=radius)
    bad = costs.copy()
    bad.loc[0, "dest"] = 99
    with pytest.raises(DataError, match=r"\['99'\]"):
        cover_from_costs(bad, blocks.index, cands.index, radius=radius)


def test_bad_input() -> None:
    a = np.array([[1, 0], [0, 1]])
    with pytest.raises(ConfigError, match="allowed"):
        maximal_covering(np.ones(2), a, 1, method="cbc")
    with pytest.raises(ConfigError, match="k must"):
        maximal_covering(np.ones(2), a, -1)
    with pytest.raises(DataError, match="rows"):
        maximal_covering(np.ones(3), a, 1)
    with pytest.raises(DataError, match=">= 0"):
        maximal_covering(np.array([1.0, -1.0]), a, 1)
    with pytest.raises(DataError, match="capacity_persons"):
        capacitated_covering(np.ones(2), a, np.ones(3))
    with pytest.raises(DataError, match="cost"):
        capacitated_covering(np.ones(2), a, np.ones(2), cost=np.array([1.0, np.nan]))


def test_capacitated_front_end(rng: np.random.Generator) -> None:
    dist, d, a, radius = _instance(rng, 15, 6, radius=400.0)
    blocks = gpd.GeoDataFrame(
        {"unserved_persons": d},
        geometry=gpd.points_from_xy(np.zeros(15), np.zeros(15)),
        crs="EPSG:4548",
    )
    area = rng.integers(2_000, 20_000, 6).astype(float)
    cands = gpd.GeoDataFrame(
        {"effective_area_m2": area},
        geometry=gpd.points_from_xy(np.zeros(6), np.zeros(6)),
        crs="EPSG:4548",
    )
    ii, jj = np.nonzero(dist <= radius)
    costs = pd.DataFrame({"origin": ii, "dest": jj, "cost_m": dist[ii, jj]})
    g, r = capacitated_covering_sites(blocks, cands, costs, radius_m=radius)
    cap = np.floor(area / 2.0)
    assert r.objective == pytest.approx(_brute_cscp(d, cap, a, area))
    assert (g["capacity_persons"] == cap).all()
    assert g.loc[g["selected"], "assigned_persons"].sum() == pytest.approx(r.covered_persons)
    with pytest.raises(ConfigError, match="allowed"):
        capacitated_covering_sites(blocks, cands, costs, radius_m=radius, objective="cost")
