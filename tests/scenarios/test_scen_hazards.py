"""Hazard runners of the scenario kinds on the bundled city (one context per module)."""

from __future__ import annotations

import numpy as np
import pytest

from jnrisk._errors import ConfigError
from jnrisk.scenarios import (
    FireParams,
    NetworkChanges,
    RescueParams,
    Scenario,
    load_scenarios,
    run,
)
from jnrisk.scenarios.hazards import CityContext, city_context, closed_edge_positions


@pytest.fixture(scope="module")
def ctx() -> CityContext:
    from jnrisk.datasets import jinan

    return city_context(jinan(2024))


def test_context_is_cached_per_city(ctx):
    assert city_context(ctx) is ctx
    assert city_context(ctx.city) is city_context(ctx.city)


def test_closed_bridges_by_name_and_edges_by_id(ctx):
    roads = ctx.city.roads
    name = roads.loc[roads["bridge"], "name"].iloc[0]
    pos = closed_edge_positions(roads, NetworkChanges(closed_bridges=[name]))
    assert len(pos) >= 1 and set(roads.iloc[pos]["name"]) == {name}
    ids = roads["edge_id"].iloc[[3, 7]].tolist()
    assert closed_edge_positions(roads, NetworkChanges(closed_edges=ids)).tolist() == [3, 7]


def test_unknown_bridge_name_is_a_config_error_with_suggestion(ctx):
    roads = ctx.city.roads
    name = roads.loc[roads["bridge"], "name"].iloc[0]
    with pytest.raises(ConfigError, match="did you mean"):
        closed_edge_positions(roads, NetworkChanges(closed_bridges=[name[:-1] + "X"]))
    with pytest.raises(ConfigError, match="edge_id"):
        closed_edge_positions(roads, NetworkChanges(closed_edges=[10**12]))


def test_fire_runner_is_monotone_in_wind(ctx):
    def burned(wind: float) -> float:
        s = Scenario(name="f", kind="fire", hazard=FireParams(
            ignition_lon=117.05, ignition_lat=36.52, temperature_c=18.0,
            relative_humidity_pct=20.0, wind_speed_kmh=wind, wind_from_deg=315.0,
            duration_min=120.0))
        return run(s, ctx).metrics["burned_area_m2"]

    calm, windy = burned(5.0), burned(40.0)
    assert 0 < calm < windy


def test_rescue_runner_closures_never_make_teams_faster(ctx):
    base = Scenario(name="r", kind="rescue", hazard=RescueParams(
        incident_lon=117.0, incident_lat=36.65, teams_required=3))
    roads = ctx.city.roads
    near = roads[roads["road_class"].isin(["primary", "secondary"])].index[:200]
    closed = Scenario.from_dict({**base.to_dict(), "network": {
        "closed_edges": roads.loc[near, "edge_id"].tolist()}})
    a, b = run(base, ctx).metrics, run(closed, ctx).metrics
    assert a["teams_found"] == 3
    assert b["first_eta_s"] >= a["first_eta_s"] - 1e-9
    assert b["last_eta_s"] >= a["last_eta_s"] - 1e-9


def test_example_scenario_files_validate():
    from pathlib import Path

    files = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.toml"))
    assert files
    for f in files:
        scenarios = load_scenarios(f)
        assert scenarios and len({s.scenario_id for s in scenarios}) == len(scenarios)
        assert np.all([s.kind for s in scenarios])


def test_flood_runner_default_storm_is_believable(ctx):
    """The default 50-year, 2-hour storm with sewers, conditioned DEM and exposure ranking."""
    from jnrisk.scenarios import FloodParams

    res = run(Scenario(name="storm", kind="flood",
                       hazard=FloodParams(return_period_yr=50, duration_min=120)), ctx)
    m = res.metrics
    hs = res.layers["hotspots"]
    assert m["sewer_drained_m3"] > 0 and m["dem_pits_filled"] > 0
    assert m["runoff_m3"] == pytest.approx(m["ponded_m3"] + m["outflow_m3"], rel=1e-9)
    # no water deeper than the plausibility limit outside a mapped underpass/depression
    assert m["dem_artefact_cells"] == 0
    unmapped = hs[~hs["mapped"]]
    assert unmapped["max_depth_m"].max() <= 2.0 + 1e-9
    assert hs["max_depth_m"].max() <= 6.0  # deepest mapped underpass in the bundled DEM: 5.5 m
    # ranked by exposure, and the result says so
    assert hs["exposure_score"].is_monotonic_decreasing and hs["rank"].tolist()[:3] == [1, 2, 3]
    assert hs.iloc[0]["persons"] > 0 and "exposure_score" in m["hotspot_ranking"]
    # against the mapped waterlogging sites (names from the real lists, positions synthetic)
    assert m["mapped_sites"] == 42 and m["top10_hotspots_near_mapped_site"] >= 3
