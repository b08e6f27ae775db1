"""The covering engine: hand-solved cases, brute force on small instances, invariants."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk._errors import ConfigError, CRSError, DataError
from jnrisk.covering import (
    SitingResult,
    cover_from_cost_matrix,
    maximal_covering,
    set_covering,
    set_covering_sites,
)

# 4 demand points on a line, 3 candidates; candidate j reaches points j and j+1
LINE = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]])


def _brute_lscp(a: np.ndarray, cost: np.ndarray, w=None, target=None) -> float:
    """Least cost of a set covering every coverable row (or weight >= target), by enumeration."""
    n, m = a.shape
    coverable = a.any(axis=1)
    best = np.inf
    for r in range(m + 1):
        for combo in itertools.combinations(range(m), r):
            hit = a[:, list(combo)].any(axis=1)
            ok = hit[coverable].all() if target is None else w[hit].sum() >= target - 1e-9
            if ok:
                best = min(best, cost[list(combo)].sum())
    return best


def _brute_mclp(w: np.ndarray, a: np.ndarray, k: int) -> float:
    return max(float(w[a[:, list(c)].any(axis=1)].sum())
               for c in itertools.combinations(range(a.shape[1]), k))


# ----------------------------------------------------------------------- hand-solved cases


def test_lscp_hand_solved():
    r = set_covering(LINE)
    # points 0 and 3 need candidates 0 and 2; together they cover all four
    assert r.selected.tolist() == [0, 2] and r.objective == 2.0 and r.n_new == 2
    assert r.status == "optimal" and r.optimal and r.gap_pct == 0.0 and r.bound == 2.0
    assert r.covered_persons == 4.0 and r.unserved_persons == 0.0 and r.model == "lscp"
    # a cheap middle site does not help: 0 and 3 still need their own sites
    assert set_covering(LINE, cost=[5.0, 1.0, 5.0]).objective == 10.0
    # candidate 2 closed: point 3 is uncoverable and reported, not an error
    r = set_covering(LINE, available=[True, True, False])
    assert r.selected.tolist() == [0, 1] and r.unserved_persons == 1.0
    # a fixed site is kept and counted
    r = set_covering(LINE, fixed=[False, True, False])
    assert r.selected.tolist() == [0, 1, 2] and r.objective == 3.0


def test_partial_lscp_hand_solved():
    w = np.array([10.0, 5.0, 7.0, 4.0])
    assert set_covering(LINE, weights=w, min_covered=15).selected.tolist() == [0]
    r = set_covering(LINE, weights=w, min_covered=16)
    assert r.n_new == 2 and r.covered_persons >= 16
    r = set_covering(LINE, weights=w, min_covered=0.0)
    assert r.status == "nothing_to_do" and r.n_new == 0


def test_mclp_hand_solved():
    w = np.array([10.0, 5.0, 7.0, 4.0])
    r = maximal_covering(w, LINE, 1, method="exact")
    assert r.selected.tolist() == [0] and r.objective == 15.0 and r.status == "optimal"
    assert maximal_covering(w, LINE, 2).objective == 26.0
    assert maximal_covering(w, LINE, 0).status == "nothing_to_do"


def test_cover_from_cost_matrix_dense_and_sparse():
    costs = np.array([[0.0, np.inf, 400.0], [np.nan, 100.0, 501.0]])
    want = np.array([[1, 0, 1], [0, 1, 0]], dtype=np.int8)
    np.testing.assert_array_equal(cover_from_cost_matrix(costs, 500).toarray(), want)
    # sparse: stored entries are the reachable pairs, an explicit zero is a 0 m pair
    s = sp.csr_matrix((np.array([0.0, 400.0, 100.0, 501.0]),
                       (np.array([0, 0, 1, 1]), np.array([0, 2, 1, 2]))), shape=(2, 3))
    np.testing.assert_array_equal(cover_from_cost_matrix(s, 500).toarray(), want)


# ----------------------------------------------------------------------- properties


covers = st.integers(2, 7).flatmap(lambda n: st.integers(1, 5).flatmap(
    lambda m: st.lists(st.lists(st.booleans(), min_size=m, max_size=m), min_size=n, max_size=n)))


@settings(max_examples=40, deadline=None)
@given(a=covers, seed=st.integers(0, 2**32 - 1))
def test_lscp_covers_every_coverable_row_at_least_cost(a, seed):
    a = np.array(a, dtype=np.int8)
    cost = np.random.default_rng(seed).integers(1, 10, a.shape[1]).astype(float)
    r = set_covering(a, cost=cost)
    hit = a[:, r.selected].any(axis=1)
    assert hit[a.any(axis=1)].all()
    assert r.objective == pytest.approx(_brute_lscp(a, cost))
    assert r.unserved_persons == float((~a.any(axis=1)).sum())


@settings(max_examples=40, deadline=None)
@given(a=covers, seed=st.integers(0, 2**32 - 1), share=st.floats(0.05, 1.0))
def test_partial_lscp_is_minimal(a, seed, share):
    a = np.array(a, dtype=np.int8)
    w = np.random.default_rng(seed).integers(0, 100, a.shape[0]).astype(float)
    target = share * float(w[a.any(axis=1)].sum())
    r = set_covering(a, weights=w, min_covered=target)
    assert r.covered_persons >= target - 1e-6
    assert r.objective == pytest.approx(_brute_lscp(a, np.ones(a.shape[1]), w, target))


@settings(max_examples=40, deadline=None)
@given(a=covers, seed=st.integers(0, 2**32 - 1))
def test_mclp_coverage_is_non_decreasing_in_p(a, seed):
    a = np.array(a, dtype=np.int8)
    w = np.random.default_rng(seed).integers(0, 100, a.shape[0]).astype(float)
    got = [maximal_covering(w, a, k, method="exact").objective for k in range(a.shape[1] + 1)]
    assert all(x <= y + 1e-9 for x, y in itertools.pairwise(got))
    assert got == pytest.approx([_brute_mclp(w, a, k) if k else 0.0 for k in range(len(got))])
    assert got[-1] == pytest.approx(float(w[a.any(axis=1)].sum()))


# ----------------------------------------------------------------------- GeoDataFrame level


def _line_frames():
    d = gpd.GeoDataFrame({"persons": [10, 5, 7, 4]}, index=list("abcd"),
                         geometry=gpd.points_from_xy([0, 1, 2, 3], [0] * 4), crs="EPSG:4548")
    c = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0.5, 1.5, 2.5], [0] * 3), crs="EPSG:4548")
    ii, jj = np.nonzero(LINE)
    costs = pd.DataFrame({"origin": d.index[ii], "dest": jj, "cost_m": 50.0})
    return d, c, costs


def test_set_covering_sites_tables():
    d, c, costs = _line_frames()
    r = set_covering_sites(d, c, costs, radius=100.0)
    assert isinstance(r, SitingResult)
    assert r.chosen.index.tolist() == [0, 2] and r.demand["covered"].all()
    assert len(r.uncoverable) == 0 and "selected" not in c
    r = set_covering_sites(d, c, costs, radius=100.0, weight_col="persons", min_covered_pct=50)
    assert r.chosen.index.tolist() == [0] and r.covered_pct == pytest.approx(100 * 15 / 26)
    r = set_covering_sites(d, c, costs[costs["origin"] != "d"], radius=100.0)
    assert r.uncoverable.tolist() == ["d"]


def test_bad_input_names_the_culprit():
    d, c, costs = _line_frames()
    with pytest.raises(DataError, match=r"min_covered=30 cannot be reached.*26 demand"):
        set_covering(LINE, weights=[10, 5, 7, 4], min_covered=30)
    with pytest.raises(DataError, match="cost must hold 3"):
        set_covering(LINE, cost=[1.0, -1.0, 1.0])
    with pytest.raises(DataError, match="weights must hold 4"):
        set_covering(LINE, weights=[1.0, 2.0])
    with pytest.raises(ConfigError, match="radius"):
        cover_from_cost_matrix(np.zeros((2, 2)), -1.0)
    with pytest.raises(DataError, match="negative"):
        cover_from_cost_matrix(np.array([[-1.0]]), 5.0)
    with pytest.raises(ConfigError, match="min_covered_pct"):
        set_covering_sites(d, c, costs, radius=100.0, min_covered_pct=0)
    with pytest.raises(CRSError):
        set_covering_sites(d.to_crs("EPSG:4326"), c, costs, radius=100.0)
    with pytest.raises(ConfigError, match="no candidate table"):
        _ = set_covering(LINE).chosen
