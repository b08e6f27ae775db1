"""Sweeps and scenario files: expansion, stable ids, the example files, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk._errors import ConfigError, DataFileError
from jnrisk.scenarios import expand_sweep, load_scenarios, scenarios_from_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "scenarios"
BASE = {"name": "storm", "kind": "flood", "hazard": {"peak_ratio": 0.4}}


def test_product_order_names_and_points():
    runs = expand_sweep(BASE, {"return_period_yr": [2, 5, 10], "duration_min": [60, 120]})
    assert len(runs) == 6
    assert [(s.hazard.return_period_yr, s.hazard.duration_min) for s in runs] == [
        (2.0, 60.0), (2.0, 120.0), (5.0, 60.0), (5.0, 120.0), (10.0, 60.0), (10.0, 120.0)
    ]
    assert runs[0].name == "storm[return_period_yr=2,duration_min=60]"
    assert runs[3].sweep_point == (("return_period_yr", 5), ("duration_min", 120))
    assert len({s.scenario_id for s in runs}) == 6


def test_ids_are_stable_across_expansions_and_axis_order():
    a = expand_sweep(BASE, {"return_period_yr": [2, 5], "duration_min": [60, 120]})
    b = expand_sweep(BASE, {"duration_min": [120, 60], "return_period_yr": [5, 2]})
    assert {s.scenario_id for s in a} == {s.scenario_id for s in b}


def test_sections_top_level_and_dotted_axes():
    base = {"name": "q", "kind": "quake", "hazard": {"epicentre_lon": 117.0, "epicentre_lat": 36.6,
                                                     "shelter_standard": "allocation"}}
    runs = expand_sweep(
        base,
        {
            "hazard.magnitude": [5.5, 6.5],
            "inventory_year": [2023, 2024],
            "max_walk_m": [500, 1000],
            "allocation.m2_per_person": [2.0, 3.0],
        },
    )
    assert len(runs) == 16
    assert {s.inventory_year for s in runs} == {2023, 2024}
    assert {s.allocation.max_walk_m for s in runs} == {500.0, 1000.0}
    assert {s.allocation.m2_per_person for s in runs} == {2.0, 3.0}
    flood = {"name": "f", "kind": "flood", "hazard": {"return_period_yr": 5, "duration_min": 60}}
    runs = expand_sweep(flood, {"closed_bridges": [[], ["B1", "B2"]]})
    assert {s.network.closed_bridges for s in runs} == {(), ("B1", "B2")}
    with pytest.raises(ConfigError, match=r"point 'f\[seed=1\]'.*does not use seed = 1"):
        expand_sweep(flood, {"seed": [1, 2]})


@settings(max_examples=25, deadline=None)
@given(
    rp=st.lists(st.integers(1, 1000), min_size=1, max_size=5, unique=True),
    dur=st.lists(st.integers(1, 864).map(lambda k: 5 * k), min_size=1, max_size=4, unique=True),
)
def test_sweep_size_is_product_and_ids_unique(rp, dur):
    runs = expand_sweep(BASE, {"return_period_yr": rp, "duration_min": dur})
    assert len(runs) == len(rp) * len(dur)
    assert len({s.scenario_id for s in runs}) == len(runs)


@pytest.mark.parametrize(
    ("axes", "fragments"),
    [
        ({}, ["the sweep is empty"]),
        ({"return_period_yr": []}, ["axis 'return_period_yr' is an empty list"]),
        ({"return_period": [2, 5]}, ["unknown sweep axis 'return_period'", "did you mean 'return_period_yr'"]),
        ({"return_period_yr": 5}, ["must be a list of values", "return_period_yr = [5]"]),
        ({"return_period_yr": [2, 2]}, ["repeats value(s) [2]"]),
        ({"return_period_yr": [2], "hazard.return_period_yr": [5]}, ["set the same field"]),
        ({"return_period_yr": [2, -1], "duration_min": [60]}, ["point 'storm[return_period_yr=-1,duration_min=60]'", "out of range"]),
        ({"seed": list(range(400)), "return_period_yr": list(range(1, 301))}, ["120,000 points", "limit"]),
    ],
)
def test_bad_sweeps(axes, fragments):
    with pytest.raises(ConfigError) as info:
        expand_sweep(BASE, axes, where="f.toml.sweep")
    for fragment in fragments:
        assert fragment in str(info.value)


def test_file_with_defaults_and_scenarios(tmp_path):
    p = tmp_path / "pair.toml"
    p.write_text(
        '[defaults]\nkind = "synthetic_allocation"\n[defaults.hazard]\ngrid_size = 5\n'
        '[[scenarios]]\nname = "a"\nseed = 1\n'
        '[[scenarios]]\nname = "b"\n[scenarios.hazard]\nn_blocks = 3\n[scenarios.sweep]\nseed = [1, 2]\n'
    )
    runs = load_scenarios(p)
    assert [s.name for s in runs] == ["a", "b[seed=1]", "b[seed=2]"]
    assert all(s.hazard.grid_size == 5 for s in runs)
    assert runs[1].hazard.n_blocks == 3 and runs[0].hazard.n_blocks == 60


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"scenarios": []}, "non-empty array"),
        ({"scenarios": [{"name": "a", "kind": "flood"}], "kind": "flood"},
         "may only hold 'scenarios' and 'defaults'"),
        ({"defaults": {}, "name": "a"}, "[defaults] is only used together with [[scenarios]]"),
        ({"scenarios": [{"name": "a", "kind": "synthetic_allocation", "hazard": {}},
                        {"name": "b", "kind": "synthetic_allocation", "hazard": {}}]},
         "'a' and 'b' have identical parameters"),
        ({"name": "a", "hazard": {}, "sweep": {"seed": [1]}}, "missing required key 'kind'"),
    ],
)
def test_bad_files(data, fragment):
    with pytest.raises(ConfigError) as info:
        scenarios_from_dict(data, where="f.toml")
    assert fragment in str(info.value)


def test_missing_and_malformed_file(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        load_scenarios(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(DataFileError, match="bad.toml' is not valid TOML"):
        load_scenarios(bad)


def test_unknown_key_in_file_names_the_file(tmp_path):
    p = tmp_path / "typo.toml"
    p.write_text('name = "a"\nkind = "flood"\nseeed = 3\n[hazard]\nreturn_period_yr = 2\nduration_min = 60\n')
    with pytest.raises(ConfigError, match=r"typo.toml: unknown key 'seeed' \(did you mean 'seed'\?\)"):
        load_scenarios(p)


@pytest.mark.parametrize(
    ("file", "n", "kind"),
    [
        ("flood_return_periods.toml", 12, "flood"),
        ("quake_epicentres.toml", 12, "quake"),
        ("inventory_2023_vs_2024.toml", 2, "quake"),
        ("closed_bridges.toml", 2, "flood"),
        ("fire_weather_days.toml", 3, "fire"),
        ("synthetic_demo.toml", 30, "synthetic_allocation"),
    ],
)
def test_example_files_validate(file, n, kind):
    runs = load_scenarios(EXAMPLES / file)
    assert len(runs) == n
    assert {s.kind for s in runs} == {kind}
    assert len({s.scenario_id for s in runs}) == n


def test_example_inventory_pair_differs_only_in_year():
    a, b = load_scenarios(EXAMPLES / "inventory_2023_vs_2024.toml")
    assert (a.inventory_year, b.inventory_year) == (2023, 2024)
    assert a.hazard == b.hazard and a.allocation == b.allocation
