"""Supplies allocation vs a HiGHS LP; reserve standards by hand; negative stocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.rescue.reference import lp_transport, make_grid_net, points_at

from jnrisk._errors import DataError
from jnrisk.rescue import allocate_supplies, reserve_standards

_GRID = make_grid_net(6, 31)
_NET = _GRID.network()
_TIMES = _GRID.times()


def _instance(seed):
    rng = np.random.default_rng(seed)
    b_nodes = rng.choice(_GRID.n_nodes, 15)
    w_nodes = rng.choice(_GRID.n_nodes, 3, replace=False)
    blocks = points_at(_GRID, b_nodes, displaced_persons=rng.integers(0, 400, 15),
                       district=rng.choice(["A", "B", "C"], 15))
    wh = points_at(_GRID, w_nodes, stock_person_days=rng.integers(0, 12_000, 3).astype(float),
                   level=["city", "district", "district"], district=["A", "B", "C"])
    return b_nodes, w_nodes, blocks, wh


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("max_time_s", [300.0, np.inf])
def test_allocation_matches_highs(seed, max_time_s):
    b_nodes, w_nodes, blocks, wh = _instance(seed)
    res = allocate_supplies(_NET, blocks, wh, max_time_s=max_time_s, days=7.0)
    cap = np.floor(wh["stock_person_days"].to_numpy() / 7.0)
    cost = _TIMES[np.ix_(w_nodes, b_nodes)].T  # blocks x warehouses, warehouse -> block
    cost = np.where(cost <= max_time_s, cost, np.inf)
    flow, travel = lp_transport(blocks["displaced_persons"].to_numpy(), cap, cost)
    assert res.supplied_persons == round(flow)
    assert res.total_time_person_s == pytest.approx(travel, rel=1e-9, abs=1e-6)
    assert res.shortfall_persons == blocks["displaced_persons"].sum() - res.supplied_persons
    d = res.districts.set_index("district")
    want = blocks.groupby("district")["displaced_persons"].sum()
    assert d["displaced_persons"].reindex(want.index).tolist() == want.tolist()
    assert (d["shortfall_persons"] >= 0).all()
    assert d["supplied_persons"].sum() == res.supplied_persons
    assert (res.warehouses["supplied_persons"] <= res.warehouses["stock_persons"]).all()


def test_reserve_standards_by_hand():
    wh = pd.DataFrame(
        {
            "stock_person_days": [280_000.0, 35_000.0, 49_000.0, 56_000.0, 7.0],
            "level": ["city", "district", "district", "district", "district"],
            "district": ["X", "A", "B", "C", "C"],
        }
    )
    out = reserve_standards(wh, days=7.0)
    assert out["district"].tolist() == ["(city)", "A", "B", "C"]
    assert out["stock_persons"].tolist() == [40_000, 5_000, 7_000, 8_001]
    assert out["status"].tolist() == ["within", "within", "within", "above"]
    out2 = reserve_standards(wh.assign(stock_person_days=[0.0, 34_993.0, 0, 0, 0]))
    assert out2["status"].tolist() == ["below", "below", "below", "below"]
    assert out2["shortfall_persons"].tolist() == [40_000, 1, 5_000, 5_000]


def test_negative_stock_and_bad_level():
    _, _, blocks, wh = _instance(0)
    bad = wh.copy()
    bad.loc[1, "stock_person_days"] = -10.0
    with pytest.raises(DataError, match=r"negative values at row \[1\]"):
        allocate_supplies(_NET, blocks, bad)
    bad = wh.copy()
    bad.loc[2, "level"] = "province"
    with pytest.raises(DataError, match="'province'"):
        allocate_supplies(_NET, blocks, bad)
    neg = blocks.copy()
    neg.loc[0, "displaced_persons"] = -3
    with pytest.raises(DataError, match="negative"):
        allocate_supplies(_NET, neg, wh)
