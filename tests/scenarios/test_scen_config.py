"""Scenario model: validation messages, dict round trip, stable ids, the kind registry."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk._errors import ConfigError
from jnrisk.scenarios import (
    AllocationOptions,
    FloodParams,
    NetworkChanges,
    QuakeParams,
    Scenario,
    ScenarioResult,
    get_kind,
    register_kind,
    registered_kinds,
    run,
)


def flood(**hazard):
    h = {"return_period_yr": 50, "duration_min": 120}
    h.update(hazard)
    return {"name": "storm", "kind": "flood", "hazard": h}


def test_defaults_and_normalisation():
    s = Scenario.from_dict(flood())
    assert s.hazard == FloodParams(return_period_yr=50.0, duration_min=120.0, peak_ratio=0.4,
                                   pipe_return_period_central_yr=3.0,
                                   pipe_return_period_other_yr=2.0)
    assert isinstance(s.hazard.return_period_yr, float)  # ints become floats
    assert s.inventory_year == 2024
    assert s.allocation == AllocationOptions(max_walk_m=2500.0, m2_per_person=2.0)
    assert s.network == NetworkChanges()
    assert s.seed == 0


def test_frozen():
    s = Scenario.from_dict(flood())
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.seed = 3  # type: ignore[misc]


def test_id_ignores_name_and_list_order_but_not_parameters():
    a = Scenario.from_dict({**flood(), "network": {"closed_edges": [3, 1]}})
    b = Scenario.from_dict({**flood(), "name": "other", "network": {"closed_edges": [1, 3]}})
    c = Scenario.from_dict({**flood(), "inventory_year": 2023})
    d = Scenario.from_dict(flood(return_period_yr=50.0))  # 50 == 50.0
    assert a.scenario_id == b.scenario_id
    assert a.scenario_id != c.scenario_id
    assert Scenario.from_dict(flood()).scenario_id == d.scenario_id
    assert len(a.scenario_id) == 12 and int(a.scenario_id, 16) >= 0


def test_id_is_pinned():
    # The id is a promise to users with finished batch folders: changing the canonical form
    # must be deliberate (bump _ID_SCHEMA in config.py and update this value).
    s = Scenario.from_dict(flood())
    assert json.loads(s.canonical_json())["hazard"]["return_period_yr"] == 50.0
    assert s.scenario_id == Scenario.from_dict(flood()).scenario_id
    # Written out by hand: the documented canonical form (sorted keys, no spaces, floats).
    expected_json = (
        '{"_id_schema":1,"allocation":{"m2_per_person":2.0,"max_walk_m":2500.0},'
        '"hazard":{"duration_min":120.0,"peak_ratio":0.4,"pipe_design_duration_min":20.0,'
        '"pipe_return_period_central_yr":3.0,"pipe_return_period_other_yr":2.0,'
        '"plausible_depth_m":2.0,"return_period_yr":50.0},'
        '"inventory_year":2024,"kind":"flood",'
        '"network":{"closed_bridges":[],"closed_edges":[]},"seed":0}'
    )
    assert s.canonical_json() == expected_json
    assert s.scenario_id == hashlib.sha256(expected_json.encode()).hexdigest()[:12]


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({**flood(), "inventry_year": 2024}, ["unknown key 'inventry_year'", "did you mean 'inventory_year'"]),
        (flood(return_period=50), ["unknown key 'return_period'", "did you mean 'return_period_yr'"]),
        ({**flood(), "allocation": {"max_walk_km": 2.5}}, ["allocation", "'max_walk_km'", "did you mean 'max_walk_m'"]),
        ({**flood(), "network": {"closed_bridge": ["B1"]}}, ["did you mean 'closed_bridges'"]),
        ({**flood(), "kind": "flod"}, ["unknown scenario kind 'flod'", "did you mean 'flood'", "registered kinds"]),
        ({**flood(), "inventory_year": 2022}, ["inventory_year = 2022", "[2023, 2024]"]),
        ({**flood(), "inventory_year": "2024"}, ["inventory_year must be a number", "str"]),
        (flood(return_period_yr="50 yr"), ["hazard.return_period_yr must be a number", "in years", "bare number"]),
        (flood(duration_min=-5), ["hazard.duration_min = -5.0 is out of range", "> 0", "minutes"]),
        (flood(peak_ratio=1.5), ["peak_ratio = 1.5", "<= 1"]),
        (flood(duration_min=62), ["duration_min = 62.0", "whole multiple of 5"]),
        (flood(return_period_yr=True), ["must be a number", "bool"]),
        (flood(return_period_yr=float("nan")), ["must be finite"]),
        ({**flood(), "seed": 1.5}, ["seed must be a whole number"]),
        ({**flood(), "seed": -1}, ["seed = -1 is out of range", ">= 0"]),
        ({**flood(), "allocation": {"max_walk_m": "2500 m"}}, ["allocation.max_walk_m", "in m", "2500 not '2500 m'"]),
        ({**flood(), "network": {"closed_edges": [1, 1]}}, ["closed_edges lists [1] more than once"]),
        ({**flood(), "network": {"closed_edges": [-3]}}, ["closed_edges must hold non-negative whole numbers"]),
        ({**flood(), "network": {"closed_bridges": "B1"}}, ["closed_bridges must be a list", "['B1']"]),
        ({"name": "x", "kind": "flood"}, ["missing required key(s) ['hazard']"]),
        ({"name": "x", "kind": "flood", "hazard": {"duration_min": 60}}, ["hazard: missing required key(s) ['return_period_yr']"]),
        ({**flood(), "name": ""}, ["name must be a non-empty string"]),
        ({**flood(), "sweep": {"seed": [1]}}, ["'sweep' table", "scenarios_from_dict"]),
        ({**flood(), "hazard": [1, 2]}, ["hazard must be a FloodParams (or a dict of its fields)", "got list"]),
    ],
)
def test_bad_input_names_key_and_fix(data, fragments):
    with pytest.raises(ConfigError) as info:
        Scenario.from_dict(data)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_quake_ranges_and_units():
    ok = QuakeParams(epicentre_lon=117.0, epicentre_lat=36.65, magnitude=6)
    assert ok.magnitude == 6.0 and ok.shelter_standard == "jinan_2024"
    with pytest.raises(ConfigError, match=r"QuakeParams.epicentre_lon = 500000.0 is out of range.*degrees east"):
        QuakeParams(epicentre_lon=500000, epicentre_lat=36.6, magnitude=6)
    with pytest.raises(ConfigError, match=r"magnitude = 9.1 .*<= 8 in Ms"):
        QuakeParams(epicentre_lon=117, epicentre_lat=36.6, magnitude=9.1)


def test_hazard_instance_of_wrong_class():
    with pytest.raises(ConfigError, match="hazard must be a FloodParams"):
        Scenario(name="x", kind="flood", hazard=QuakeParams(117.0, 36.6, 6.0))


hazard_strategy = st.builds(
    dict,
    return_period_yr=st.sampled_from([1, 2, 5, 10.5, 20, 50, 100, 1000]),
    duration_min=st.integers(1, 864).map(lambda k: 5.0 * k),
    peak_ratio=st.floats(min_value=0.01, max_value=0.99),
)


@settings(max_examples=60, deadline=None)
@given(
    hazard=hazard_strategy,
    year=st.sampled_from([2023, 2024]),
    seed=st.integers(0, 2**63 - 1),
    edges=st.lists(st.integers(0, 10**6), unique=True, max_size=5),
    bridges=st.lists(st.text("ABCDEFG-0123456789", min_size=1, max_size=8), unique=True, max_size=4),
    walk=st.floats(min_value=1, max_value=50_000),
    area=st.floats(min_value=0.1, max_value=50),
)
def test_round_trip_dict_and_json(hazard, year, seed, edges, bridges, walk, area):
    register_kind("test_all_options", FloodParams)  # reads every scenario option
    s = Scenario.from_dict(
        {
            "name": "rt",
            "kind": "test_all_options",
            "hazard": hazard,
            "network": {"closed_edges": edges, "closed_bridges": bridges},
            "inventory_year": year,
            "allocation": {"max_walk_m": walk, "m2_per_person": area},
            "seed": seed,
        }
    )
    d = s.to_dict()
    assert Scenario.from_dict(d) == s
    again = Scenario.from_dict(json.loads(json.dumps(d)))
    assert again == s and again.scenario_id == s.scenario_id


def test_round_trip_keeps_sweep_point():
    s = Scenario.from_dict({**flood(), "sweep_point": {"return_period_yr": 50, "seed": 0}})
    assert s.sweep_point == (("return_period_yr", 50), ("seed", 0))
    assert Scenario.from_dict(s.to_dict()) == s
    assert s.scenario_id == Scenario.from_dict(flood()).scenario_id


def test_from_toml(tmp_path):
    p = tmp_path / "one.toml"
    p.write_text(
        'name = "storm"\nkind = "flood"\ninventory_year = 2023\n'
        "[hazard]\nreturn_period_yr = 20\nduration_min = 60\n"
        '[network]\nclosed_bridges = ["JN-B001"]\n'
    )
    s = Scenario.from_toml(p)
    assert s.inventory_year == 2023 and s.network.closed_bridges == ("JN-B001",)


# ---- registry ------------------------------------------------------------------------------


def test_hazard_kinds_declared_without_runner():
    kinds = registered_kinds()
    for kind in ("quake", "flood", "fire", "rescue", "synthetic_allocation"):
        assert kind in kinds
    assert kinds["synthetic_allocation"].runner is not None


@dataclasses.dataclass(frozen=True)
class _NoRunnerParams:
    level: int = 1


def test_run_kind_without_runner_says_so():
    from jnrisk.scenarios import register_kind

    register_kind("test_declared_only", _NoRunnerParams)  # declared, no runner (yet)
    s = Scenario.from_dict({"name": "d", "kind": "test_declared_only", "hazard": {}})
    assert get_kind("test_declared_only").runner is None
    with pytest.raises(ConfigError, match=r"kind 'test_declared_only' has no runner registered"):
        run(s)


def test_run_rejects_non_scenario():
    with pytest.raises(ConfigError, match="run\\(\\) needs a Scenario, got dict"):
        run({"kind": "flood"})


def test_register_kind_checks():
    @dataclasses.dataclass
    class NotFrozen:
        a: int = 1

    with pytest.raises(ConfigError, match="must be frozen"):
        register_kind("test_notfrozen", NotFrozen)
    with pytest.raises(ConfigError, match="must be a dataclass type"):
        register_kind("test_notdc", int)
    with pytest.raises(ConfigError, match="lower-case"):
        register_kind("Bad Kind", FloodParams)
    with pytest.raises(ConfigError, match="already registered"):
        register_kind("flood", QuakeParams)


def test_register_runner_later_upgrades_declaration():
    @dataclasses.dataclass(frozen=True)
    class P:
        x: int = 1

    register_kind("test_later", P)
    s = Scenario(name="l", kind="test_later", hazard={})
    with pytest.raises(ConfigError, match="no runner"):
        run(s)
    register_kind("test_later", P, _later_runner)
    assert run(s).metrics == {"x": 1}


def _later_runner(scenario, city):
    return ScenarioResult(metrics={"x": scenario.hazard.x})


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"metrics": {"bad name": 1}}, "invalid name(s)"),
        ({"metrics": {"status": 1}}, "reserved"),
        ({"metrics": {"a": [1, 2]}}, "metrics must be int, float, str or bool"),
        ({"metrics": {}, "layers": [1]}, "layers must be a dict"),
    ],
)
def test_scenario_result_validation(kwargs, fragment):
    with pytest.raises(ConfigError) as info:
        ScenarioResult(**kwargs)
    assert fragment in str(info.value)


def test_scenario_result_numpy_scalars_become_python():
    import numpy as np

    r = ScenarioResult(metrics={"a": np.int64(3), "b": np.float32(0.5), "c": np.bool_(True)})
    assert type(r.metrics["a"]) is int and type(r.metrics["b"]) is float
    assert r.metrics["c"] is True


@pytest.mark.parametrize(
    ("kind", "extra", "fragment"),
    [
        ("fire", {"seed": 3}, "kind 'fire' does not use seed = 3"),
        ("fire", {"allocation": {"max_walk_m": 900}}, "allocation.max_walk_m = 900.0"),
        ("rescue", {"inventory_year": 2023}, "inventory_year = 2023 (its runner reads only network"),
        ("flood", {"allocation": {"m2_per_person": 3.0}}, "allocation.m2_per_person = 3.0"),
        ("quake", {"network": {"closed_edges": [4]}}, "network.closed_edges = [4]"),
    ],
)
def test_options_a_kind_does_not_read_are_rejected(kind, extra, fragment):
    hazard = {
        "fire": {"ignition_lon": 117.05, "ignition_lat": 36.52, "temperature_c": 18,
                 "relative_humidity_pct": 20, "wind_speed_kmh": 20},
        "rescue": {"incident_lon": 117.0, "incident_lat": 36.65},
        "flood": {"return_period_yr": 5, "duration_min": 60},
        "quake": {"epicentre_lon": 117.0, "epicentre_lat": 36.65, "magnitude": 6.0},
    }[kind]
    with pytest.raises(ConfigError) as info:
        Scenario.from_dict({"name": "u", "kind": kind, "hazard": hazard, **extra})
    assert fragment in str(info.value) and "would change the scenario id" in str(info.value)
    # defaults written out explicitly are fine
    Scenario.from_dict({"name": "u", "kind": kind, "hazard": hazard, "seed": 0,
                        "inventory_year": 2024, "allocation": {"m2_per_person": 2.0}})


def test_register_kind_options_are_checked():
    with pytest.raises(ConfigError, match="unknown option"):
        register_kind("test_bad_option", FloodParams, options=["allocation.max_walk_km"])
