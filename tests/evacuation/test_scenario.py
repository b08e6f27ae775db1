"""The evacuation scenario kind on a small synthetic city."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from jnrisk._errors import ConfigError
from jnrisk.scenarios import Scenario, registered_kinds
from jnrisk.scenarios.evacuation import EvacuationParams, run_evacuation
from jnrisk.scenarios.hazards import CityContext


def test_evacuation_is_a_built_in_kind():
    spec = registered_kinds()["evacuation"]
    assert spec.params_cls is EvacuationParams and spec.runner is run_evacuation

CRS = "EPSG:4548"


def _grid_city(side: int = 6, spacing: float = 150.0):
    ids = np.arange(side * side).reshape(side, side)
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    xy = {int(i): (500_000.0 + (i % side) * spacing, 4_050_000.0 + (i // side) * spacing)
          for i in ids.ravel()}
    roads = gpd.GeoDataFrame(
        {"edge_id": np.arange(u.size) + 100, "u": u, "v": v, "road_class": "residential",
         "name": "", "bridge": False, "lanes": 2, "oneway": False},
        geometry=[LineString([xy[int(a)], xy[int(b)]]) for a, b in zip(u, v, strict=True)],
        crs=CRS)
    rng = np.random.default_rng(3)
    nodes = rng.choice(side * side, 12, replace=False)
    population = gpd.GeoDataFrame(
        {"persons": rng.integers(200, 900, 12), "district": np.where(nodes % 2, "East", "West"),
         "town_id": nodes % 4},
        geometry=[Point(xy[int(n)]) for n in nodes], crs=CRS)
    shelters = gpd.GeoDataFrame(
        {"effective_area_m2": [8000.0, 8000.0], "built_year": [2000, 2000]},
        geometry=[Point(xy[0]), Point(xy[side * side - 1])], crs=CRS)
    return SimpleNamespace(roads=roads, population=population, shelters=shelters)


@pytest.fixture(scope="module")
def ctx():
    return CityContext(_grid_city())


def test_runner_reports_clearance_plan_and_congested_streets(ctx):
    sc = Scenario.from_dict({"name": "evac", "kind": "evacuation",
                             "hazard": {"mean_departure_min": 5, "target_95_min": 60,
                                        "bottlenecks_top_k": 2, "time_aware": True}})
    out = run_evacuation(sc, ctx)
    m = out.metrics
    assert m["loading_status"] == "cleared"
    assert 0 < m["clearance_95_min"] <= m["clearance_100_min"]
    assert m["assigned_persons"] + m["unassigned_persons"] == m["total_persons"]
    assert m["default_capacity_arcs"] > 0  # the grid has no width column: reported
    curve = out.tables["arrival_curve"]
    assert curve["arrived_share"].is_monotonic_increasing
    assert curve["arrived_share"].iloc[-1] == pytest.approx(1.0)
    assert set(out.tables["arrival_by_district"].columns) >= {"East", "West", "time_min"}
    assert "delay_s" in out.tables["staged_plan"]
    assert out.layers["congested_streets"].crs is not None
    assert m["time_aware_clearance_95_min"] <= m["clearance_95_min"] + 1e-9


def test_closures_strand_people_of_the_intact_plan_or_reassign_them(ctx):
    roads = ctx.city.roads
    # cut off the shelter at node 0: close every road touching it
    touching = roads.loc[roads["u"].isin([0]) | roads["v"].isin([0]), "edge_id"].tolist()
    keep = Scenario.from_dict({"name": "keep", "kind": "evacuation",
                               "hazard": {"reassign_after_closures": False,
                                          "bottlenecks_top_k": 0},
                               "network": {"closed_edges": touching}})
    m = run_evacuation(keep, ctx).metrics
    assert m["closed_roads"] == 2
    assert m["stranded_persons"] > 0  # assigned to the cut-off shelter: counted, not dropped
    again = Scenario.from_dict({"name": "again", "kind": "evacuation",
                                "hazard": {"bottlenecks_top_k": 0},
                                "network": {"closed_edges": touching}})
    m2 = run_evacuation(again, ctx).metrics
    assert m2["stranded_persons"] == 0
    assert m2["unassigned_persons"] >= m["unassigned_persons"]


def test_params_are_validated():
    with pytest.raises(ConfigError, match="widen_factor"):
        EvacuationParams(widen_factor=1.0)
