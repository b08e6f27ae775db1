"""Dispatch: k fastest teams vs scipy Dijkstra, many incidents vs a HiGHS LP, closures."""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point
from tests.rescue.reference import CRS, lp_transport, make_grid_net, points_at

from jnrisk._errors import ConfigError, DataError
from jnrisk.rescue import SPECIALTIES, check_teams
from jnrisk.rescue import dispatch_teams as _dispatch_teams
from jnrisk.rescue import fastest_teams as _fastest_teams

# The checks below compare drive times with a reference, so they set the turnout to 0; the
# turnout itself is tested in test_eta_includes_turnout.
dispatch_teams = functools.partial(_dispatch_teams, turnout_s=0.0)
fastest_teams = functools.partial(_fastest_teams, turnout_s=0.0)

_GRID = make_grid_net(6, 11)
_NET = _GRID.network()
_TIMES = _GRID.times()


def _teams(rng, n, grid=_GRID):
    nodes = rng.choice(grid.n_nodes, n)
    return nodes, points_at(
        grid, nodes, members=rng.integers(1, 30, n), specialty=rng.choice(SPECIALTIES, n)
    )


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_k_fastest_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    t_nodes, teams = _teams(rng, 15)
    inc = int(rng.integers(_GRID.n_nodes))
    got = fastest_teams(_NET, Point(_GRID.x[inc], _GRID.y[inc]), teams, k=4)
    eta = _TIMES[t_nodes, inc]
    order = np.lexsort((np.arange(eta.size), eta))
    order = order[np.isfinite(eta[order])][:4]
    assert got.index.tolist() == order.tolist()
    np.testing.assert_allclose(got["eta_s"].to_numpy(), eta[order], rtol=1e-12)
    assert got["rank"].tolist() == list(range(1, order.size + 1))
    assert got["members"].tolist() == teams["members"].to_numpy()[order].tolist()


def test_specialty_filter_and_congestion():
    rng = np.random.default_rng(7)
    t_nodes, teams = _teams(rng, 20)
    inc = 17
    got = fastest_teams(_NET, Point(_GRID.x[inc], _GRID.y[inc]), teams, k=3,
                        specialties=["water_rescue", "general"], congestion="evening_peak")
    assert set(got["specialty"]) <= {"water_rescue", "general"}
    eta = _TIMES[t_nodes, inc] * 1.6
    ok = np.isin(teams["specialty"].to_numpy(), ["water_rescue", "general"]) & np.isfinite(eta)
    want = np.sort(eta[ok])[:3]
    np.testing.assert_allclose(got["eta_s"].to_numpy(), want, rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.floats(0.0, 0.5))
def test_eta_monotone_under_closures(seed, p):
    rng = np.random.default_rng(seed)
    t_nodes, teams = _teams(rng, 8)
    inc = int(rng.integers(_GRID.n_nodes))
    pt = Point(_GRID.x[inc], _GRID.y[inc])
    closed = rng.random(_NET.n_arcs) < p
    more = closed | (rng.random(_NET.n_arcs) < 0.2)
    a = fastest_teams(_NET, pt, teams, k=8)
    b = fastest_teams(_NET, pt, teams, k=8, closed_edges=closed)
    c = fastest_teams(_NET, pt, teams, k=8, closed_edges=more)
    eta_a = a["eta_s"].reindex(teams.index, fill_value=np.inf).to_numpy()
    eta_b = b["eta_s"].reindex(teams.index, fill_value=np.inf).to_numpy()
    eta_c = c["eta_s"].reindex(teams.index, fill_value=np.inf).to_numpy()
    assert (eta_b >= eta_a).all() and (eta_c >= eta_b).all()
    # and the closed ETAs equal scipy's on the graph without those arcs
    ref = _GRID.times(closed_original=_closed_in_factory_order(closed))[t_nodes, inc]
    np.testing.assert_allclose(eta_b, ref, rtol=1e-12)


def _closed_in_factory_order(closed_csr: np.ndarray) -> np.ndarray:
    *_, order = _GRID.csr_arrays()
    out = np.zeros_like(closed_csr)
    out[order] = closed_csr
    return out


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_dispatch_optimum_matches_highs(seed):
    rng = np.random.default_rng(seed)
    t_nodes, teams = _teams(rng, 12)
    i_nodes = rng.choice(_GRID.n_nodes, 5)
    need = rng.integers(0, 60, 5)
    inc = points_at(_GRID, i_nodes, rescuers_required=need)
    max_eta = 900.0
    res = dispatch_teams(_NET, inc, teams, max_eta_s=max_eta)
    cost = _TIMES[np.ix_(t_nodes, i_nodes)]
    cost = np.where(cost <= max_eta, cost, np.inf)
    flow, travel = lp_transport(teams["members"].to_numpy(), need, cost)
    assert res.rescuers_assigned == round(flow)
    assert res.total_eta_person_s == pytest.approx(travel, rel=1e-9, abs=1e-6)
    # bookkeeping
    assert res.rescuers_unmet == need.sum() - res.rescuers_assigned
    assert (res.incidents["rescuers_assigned"] <= need).all()
    assert (res.teams["members_sent"] <= teams["members"]).all()
    assert (res.assignments["eta_s"] <= max_eta).all()
    assert res.assignments["members_sent"].sum() == res.rescuers_assigned
    np.testing.assert_allclose(
        res.assignments["eta_s"], cost[res.assignments["team_pos"], res.assignments["incident_pos"]]
    )


def test_dispatch_specialty_arcs():
    rng = np.random.default_rng(3)
    t_nodes, teams = _teams(rng, 14)
    i_nodes = rng.choice(_GRID.n_nodes, 4)
    need = np.array([20, 30, 10, 25])
    spec = np.array(["water_rescue", "collapse", "hazardous_chemicals", "mountain_forest"])
    inc = points_at(_GRID, i_nodes, rescuers_required=need, need=spec)
    res = dispatch_teams(_NET, inc, teams, incident_specialty_col="need", max_eta_s=1200.0)
    a = res.assignments
    t_spec = teams["specialty"].to_numpy()[a["team_pos"]]
    assert ((t_spec == spec[a["incident_pos"]]) | (t_spec == "general")).all()
    cost = _TIMES[np.ix_(t_nodes, i_nodes)]
    allowed = (teams["specialty"].to_numpy()[:, None] == spec[None, :]) | (
        teams["specialty"].to_numpy()[:, None] == "general"
    )
    cost = np.where((cost <= 1200.0) & allowed, cost, np.inf)
    flow, travel = lp_transport(teams["members"].to_numpy(), need, cost)
    assert res.rescuers_assigned == round(flow)
    assert res.total_eta_person_s == pytest.approx(travel, rel=1e-9, abs=1e-6)


def test_unmet_needs_reported_not_raised():
    rng = np.random.default_rng(5)
    _, teams = _teams(rng, 3)
    inc = points_at(_GRID, [0, 35], rescuers_required=[500, 400])
    res = dispatch_teams(_NET, inc, teams, max_eta_s=np.inf)
    assert res.rescuers_unmet >= 900 - teams["members"].sum()
    assert (res.incidents["rescuers_unmet"] >= 0).all()


# ---------------------------------------------------------------------- bad input
def test_teams_without_members_or_unknown_specialty():
    rng = np.random.default_rng(0)
    _, teams = _teams(rng, 6)
    bad = teams.copy()
    bad.loc[2, "members"] = 0
    bad.loc[4, "specialty"] = "diving"
    with pytest.raises(DataError) as e:
        check_teams(bad)
    msg = str(e.value)
    assert "2 problems" in msg and "row [2]" in msg and "row [4]" in msg
    assert "'diving'" in msg and "water_rescue" in msg
    with pytest.raises(DataError, match="members"):
        fastest_teams(_NET, Point(_GRID.x[0], _GRID.y[0]), bad)


def test_incident_outside_network():
    rng = np.random.default_rng(0)
    _, teams = _teams(rng, 4)
    far = gpd.GeoDataFrame({"rescuers_required": [5, 5]},
                           geometry=[Point(_GRID.x[0], _GRID.y[0]), Point(0, 0)], crs=CRS)
    with pytest.raises(DataError, match=r"1 of 2 incidents .* row \[1\]"):
        dispatch_teams(_NET, far, teams)
    with pytest.raises(DataError, match="outside the network"):
        fastest_teams(_NET, Point(0, 0), teams)


def test_bad_options():
    rng = np.random.default_rng(0)
    _, teams = _teams(rng, 4)
    pt = Point(_GRID.x[0], _GRID.y[0])
    with pytest.raises(ConfigError, match="k="):
        fastest_teams(_NET, pt, teams, k=0)
    with pytest.raises(ConfigError, match="unknown"):
        fastest_teams(_NET, pt, teams, specialties=["divers"])
    with pytest.raises(ConfigError, match="max_eta_s"):
        fastest_teams(_NET, pt, teams, max_eta_s=-1)
    inc = points_at(_GRID, [3], rescuers_required=[-2])
    with pytest.raises(DataError, match="negative"):
        dispatch_teams(_NET, inc, teams)


def test_inputs_not_modified_and_index_kept():
    rng = np.random.default_rng(9)
    _, teams = _teams(rng, 6)
    teams.index = [f"t{k}" for k in range(6)]
    inc = points_at(_GRID, [2, 30], rescuers_required=[12, 7])
    inc.index = ["flood-a", "flood-b"]
    before_t, before_i = teams.copy(), inc.copy()
    res = dispatch_teams(_NET, inc, teams, max_eta_s=np.inf)
    best = fastest_teams(_NET, inc.geometry.iloc[0], teams, k=3)
    pd.testing.assert_frame_equal(teams, before_t)
    pd.testing.assert_frame_equal(inc, before_i)
    assert res.incidents.index.tolist() == ["flood-a", "flood-b"]
    assert res.teams.index.equals(teams.index)
    assert set(res.assignments["team"]) <= set(teams.index)
    assert set(best.index) <= set(teams.index)


def test_eta_includes_turnout():
    from jnrisk.network import RoadNetwork

    net = RoadNetwork.from_csr([0, 1, 2, 2], [2, 2], [900.0, 300.0], time_s=[90.0, 30.0],
                               x=[0.0, 500.0, 800.0], y=[0.0, 0.0, 0.0], crs=CRS)
    teams = gpd.GeoDataFrame({"members": [20, 8], "specialty": ["general", "collapse"]},
                             geometry=[Point(0, 0), Point(500, 0)], crs=CRS)
    best = _fastest_teams(net, Point(800, 0), teams, k=2)  # default turnout 60 s
    assert best["eta_s"].tolist() == [90.0, 150.0]
    slow = _fastest_teams(net, Point(800, 0), teams, k=2, turnout_s=120.0, congestion=2.0)
    assert slow["eta_s"].tolist() == [180.0, 300.0]
    # a 100 s limit leaves 40 s of driving after the default turnout: only the 30 s team
    assert _fastest_teams(net, Point(800, 0), teams, k=2, max_eta_s=100.0)["eta_s"].tolist() \
        == [90.0]
    inc = gpd.GeoDataFrame({"rescuers_required": [4]}, geometry=[Point(800, 0)], crs=CRS)
    res = _dispatch_teams(net, inc, teams, turnout_s=60.0)
    assert res.assignments["eta_s"].min() == 90.0
    with pytest.raises(ConfigError, match="turnout_s"):
        _fastest_teams(net, Point(800, 0), teams, turnout_s=-5)


def test_rescue_scenario_carries_turnout_and_period():
    from jnrisk.datasets import jinan
    from jnrisk.scenarios import RescueParams, Scenario, run
    from jnrisk.scenarios.hazards import city_context

    ctx = city_context(jinan(2024))

    def eta(**kw):
        s = Scenario(name="r", kind="rescue", hazard=RescueParams(
            incident_lon=117.0, incident_lat=36.65, **kw))
        return run(s, ctx).metrics

    base = eta()
    assert base["turnout_s"] == 60.0 and base["congestion_factor"] == 1.0
    no_turnout = eta(turnout_s=0.0)
    assert base["first_eta_s"] - no_turnout["first_eta_s"] == pytest.approx(60.0)
    peak = eta(period="morning_peak", turnout_s=0.0)
    assert peak["first_eta_s"] == pytest.approx(1.7 * no_turnout["first_eta_s"])
    with pytest.raises(ConfigError, match="period"):
        RescueParams(incident_lon=117.0, incident_lat=36.65, period="rush")
    with pytest.raises(ConfigError, match="turnout_s"):
        RescueParams(incident_lon=117.0, incident_lat=36.65, turnout_s=-1.0)
