"""Station siting (LSCP with HiGHS milp) against brute-force enumeration on small grids."""

from __future__ import annotations

import numpy as np
import pytest
from tests.rescue.reference import (
    brute_force_cover,
    brute_force_partial_cover,
    make_grid_net,
    points_at,
)

from jnrisk._errors import ConfigError, DataError
from jnrisk.rescue import site_stations

_GRID = make_grid_net(6, 21)
_NET = _GRID.network()
_TIMES = _GRID.times()


def _instance(seed, n_dem=12, n_cand=9, n_exist=1):
    rng = np.random.default_rng(seed)
    d_nodes = rng.choice(_GRID.n_nodes, n_dem, replace=False)
    c_nodes = rng.choice(_GRID.n_nodes, n_cand, replace=False)
    e_nodes = rng.choice(_GRID.n_nodes, n_exist, replace=False)
    demand = points_at(_GRID, d_nodes, persons=rng.integers(1, 1000, n_dem))
    return d_nodes, c_nodes, e_nodes, demand, points_at(_GRID, c_nodes), points_at(_GRID, e_nodes)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("max_time_s", [120.0, 240.0])
def test_full_cover_is_minimal(seed, max_time_s):
    d_nodes, c_nodes, e_nodes, demand, cand, exist = _instance(seed)
    res = site_stations(_NET, demand, cand, exist, max_time_s=max_time_s)
    cover = max_time_s >= _TIMES[np.ix_(d_nodes, c_nodes)].T.T  # demand x candidate
    cover = (_TIMES[np.ix_(c_nodes, d_nodes)] <= max_time_s).T
    old = (_TIMES[np.ix_(e_nodes, d_nodes)] <= max_time_s).any(axis=0)
    need = cover.any(axis=1) & ~old
    assert res.optimal and res.status in ("optimal", "nothing_to_do")
    assert res.n_new == brute_force_cover(cover, need)
    # the chosen set covers every coverable point
    chosen = cand.index.get_indexer(res.chosen.index)
    assert (old | cover[:, chosen].any(axis=1))[cover.any(axis=1) | old].all()
    assert set(res.uncoverable) == set(demand.index[~(cover.any(axis=1) | old)])
    assert res.demand["covered_by_existing"].to_numpy().tolist() == old.tolist()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("pct", [50.0, 80.0])
def test_partial_cover_is_minimal(seed, pct):
    d_nodes, c_nodes, e_nodes, demand, cand, exist = _instance(seed)
    max_t = 240.0
    cover = (_TIMES[np.ix_(c_nodes, d_nodes)] <= max_t).T
    old = (_TIMES[np.ix_(e_nodes, d_nodes)] <= max_t).any(axis=0)
    w = demand["persons"].to_numpy().astype(float)
    target = pct / 100 * w.sum()
    if w[cover.any(axis=1) | old].sum() < target:
        with pytest.raises(DataError, match="cannot be reached"):
            site_stations(_NET, demand, cand, exist, max_time_s=max_t, min_covered_pct=pct,
                          weight_col="persons")
        return
    res = site_stations(_NET, demand, cand, exist, max_time_s=max_t, min_covered_pct=pct,
                        weight_col="persons")
    assert res.n_new == brute_force_partial_cover(cover, w, target, old)
    assert res.covered_pct >= pct - 1e-9
    assert res.optimal


def test_bad_options():
    _, _, _, demand, cand, exist = _instance(0)
    with pytest.raises(ConfigError, match="min_covered_pct"):
        site_stations(_NET, demand, cand, min_covered_pct=120)
    with pytest.raises(ConfigError, match="max_time_s"):
        site_stations(_NET, demand, cand, max_time_s=0)
    with pytest.raises(DataError, match="empty"):
        site_stations(_NET, demand.iloc[:0], cand)
