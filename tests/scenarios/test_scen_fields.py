"""Every field of every hazard parameter class changes what its runner computes.

A validated, hashed field that the runner ignores would give sweeps of identical results under
different scenario ids. The walk is generic: a field added later is varied too (inside its
declared limits), so it must reach the model as well.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from jnrisk._errors import ConfigError
from jnrisk.scenarios import Scenario, get_kind, run
from jnrisk.scenarios.hazards import city_context

#: A cheap base scenario per kind (hazard parameters only).
BASE = {
    "quake": {"epicentre_lon": 117.0, "epicentre_lat": 36.65, "magnitude": 6.0},
    "fire": {"ignition_lon": 117.05, "ignition_lat": 36.52, "temperature_c": 18.0,
             "relative_humidity_pct": 20.0, "wind_speed_kmh": 20.0, "wind_from_deg": 315.0,
             "duration_min": 120.0},
    # on the Yellow River's north bank: the fifth team crosses a bridge
    "rescue": {"incident_lon": 117.01, "incident_lat": 36.75, "teams_required": 5},
    "flood": {"return_period_yr": 5.0, "duration_min": 60.0},
    "synthetic_allocation": {},
}
#: Small variations that keep the run cheap and inside the city; other fields get a generic one.
VARY = {
    ("quake", "epicentre_lon"): 117.1,
    ("quake", "epicentre_lat"): 36.7,
    ("quake", "magnitude"): 6.5,
    ("quake", "azimuth_deg"): 60.0,
    ("fire", "ignition_lon"): 117.06,
    ("fire", "ignition_lat"): 36.53,
    ("fire", "temperature_c"): 28.0,
    ("fire", "relative_humidity_pct"): 45.0,
    ("fire", "wind_speed_kmh"): 35.0,
    ("fire", "wind_from_deg"): 135.0,
    ("fire", "rain_24h_mm"): 6.0,
    ("fire", "duration_min"): 60.0,
    ("rescue", "incident_lon"): 117.05,
    ("rescue", "incident_lat"): 36.70,
    ("rescue", "max_response_s"): 30.0,
    ("rescue", "teams_required"): 6,
    ("flood", "return_period_yr"): 20.0,
    ("flood", "duration_min"): 120.0,
    ("flood", "peak_ratio"): 0.6,
    # the first other choices ('allocation' at 2 m2, 'night' at factor 1.0) equal the defaults
    ("quake", "shelter_standard"): "gb50413",
    ("rescue", "period"): "morning_peak",
}
#: Fields known not to reach the model yet (strict xfail: the test says when they do).
IGNORED = {
}


def _generic_variation(field: dataclasses.Field, value):
    meta = field.metadata
    kind = meta.get("jnrisk_kind")
    if meta.get("choices"):
        return next(c for c in meta["choices"] if c != value)
    if kind is bool:
        return not value
    if kind in (int, float):
        lo = meta.get("ge", meta.get("gt"))
        hi = meta.get("le", meta.get("lt"))
        step = meta.get("multiple_of") or (1 if kind is int else None)
        for cand in (value * 1.5, value + 1, value * 0.5, value - 1):
            if step:
                cand = round(cand / step) * step
            cand = kind(cand)
            if cand == value or (lo is not None and cand < lo) or (hi is not None and cand > hi):
                continue
            if (meta.get("gt") is not None and cand <= meta["gt"]) or (
                    meta.get("lt") is not None and cand >= meta["lt"]):
                continue
            return cand
    raise AssertionError(f"no generic variation for {field.name}; add one to VARY")


def _cases(kinds):
    out = []
    for kind in kinds:
        for f in dataclasses.fields(get_kind(kind).params_cls):
            marks = ()
            if (kind, f.name) in IGNORED:
                marks = (pytest.mark.xfail(strict=True, reason=IGNORED[(kind, f.name)]),)
            out.append(pytest.param(kind, f.name, marks=marks, id=f"{kind}.{f.name}"))
    return out


@pytest.fixture(scope="module")
def ctx():
    from jnrisk.datasets import jinan

    return city_context(jinan(2024))


def _scenario(kind: str, **changes) -> Scenario:
    return Scenario(name="walk", kind=kind, hazard={**BASE[kind], **changes})


def _varied(kind: str, name: str) -> Scenario:
    base = _scenario(kind)
    value = VARY.get((kind, name))
    if value is None:
        field = next(f for f in dataclasses.fields(base.hazard) if f.name == name)
        value = _generic_variation(field, getattr(base.hazard, name))
    varied = _scenario(kind, **{name: value})
    assert varied.scenario_id != base.scenario_id
    return varied


def _same(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    for k in a:
        x, y = a[k], b[k]
        if isinstance(x, float) and isinstance(y, float):
            if not (x == y or (math.isnan(x) and math.isnan(y))):
                return False
        elif x != y:
            return False
    return True


_base_cache: dict = {}


def _base_metrics(kind, ctx):
    if kind not in _base_cache:
        _base_cache[kind] = run(_scenario(kind), ctx).metrics
    return _base_cache[kind]


@pytest.mark.parametrize(("kind", "name"), _cases(["quake", "fire", "rescue",
                                                   "synthetic_allocation"]))
def test_every_field_changes_the_result(kind, name, ctx):
    varied = run(_varied(kind, name), ctx).metrics
    assert not _same(varied, _base_metrics(kind, ctx)), f"{kind}.{name} changed nothing"


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "name"), _cases(["flood"]))
def test_every_flood_field_changes_the_result(kind, name, ctx):
    varied = run(_varied(kind, name), ctx).metrics
    assert not _same(varied, _base_metrics(kind, ctx)), f"{kind}.{name} changed nothing"


def _option_value(kind: str, option: str, ctx):
    """A variation of a scenario option (``"allocation.max_walk_m"``, ...) that a run notices."""
    simple = {"allocation.max_walk_m": 1000.0, "allocation.m2_per_person": 3.0,
              "inventory_year": 2023, "seed": 1}
    if option in simple:
        return simple[option]
    if kind == "synthetic_allocation":
        return list(range(0, 120, 3))  # grid edge ids
    roads = ctx.city.roads
    if option == "network.closed_bridges":
        return sorted(set(roads.loc[roads["bridge"].astype(bool), "name"].astype(str)))
    # close every road within 1.5 km of the scenario's location
    from pyproj import Transformer

    h = BASE[kind]
    lon = h.get("incident_lon", h.get("epicentre_lon", 117.0))
    lat = h.get("incident_lat", h.get("epicentre_lat", 36.65))
    x, y = Transformer.from_crs("EPSG:4326", roads.crs, always_xy=True).transform(lon, lat)
    near = roads.geometry.distance(__import__("shapely").Point(x, y)) < 1500.0
    return roads.loc[near, "edge_id"].astype(int).tolist()


def _with_option(kind: str, option: str, value) -> Scenario:
    d = _scenario(kind).to_dict()
    section, _, key = option.rpartition(".")
    if section:
        d[section][key] = value
    else:
        d[key] = value
    return Scenario.from_dict(d)


def _option_cases(kinds):
    return [pytest.param(k, o, id=f"{k}.{o}") for k in kinds for o in get_kind(k).options]


@pytest.mark.parametrize(("kind", "option"), _option_cases(["quake", "rescue",
                                                            "synthetic_allocation"]))
def test_every_option_a_kind_reads_changes_the_result(kind, option, ctx):
    value = _option_value(kind, option, ctx)
    if (kind, option) == ("quake", "allocation.m2_per_person"):
        # a quake reads m2_per_person when its shelter standard is 'allocation'
        d = _scenario(kind).to_dict()
        d["hazard"]["shelter_standard"] = "allocation"
        base = run(Scenario.from_dict(d), ctx).metrics
        d["allocation"]["m2_per_person"] = value
        varied_scenario = Scenario.from_dict(d)
    else:
        base = _base_metrics(kind, ctx)
        varied_scenario = _with_option(kind, option, value)
    varied = run(varied_scenario, ctx).metrics
    assert not _same(varied, base), f"{kind}: {option} changed nothing"


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "option"), _option_cases(["flood"]))
def test_every_flood_option_changes_the_result(kind, option, ctx, monkeypatch):
    varied = _with_option(kind, option, _option_value(kind, option, ctx))
    if not option.startswith("network."):
        metrics = run(varied, ctx).metrics
        assert not _same(metrics, _base_metrics(kind, ctx)), f"{kind}: {option} changed nothing"
        return
    # closing the Yellow River bridges moves no one within a 2.5 km walk; check instead that
    # the closures reach the re-solved allocation
    import jnrisk.allocation

    seen = []

    def record(*args, **kwargs):
        if kwargs.get("closed_edges") is None:
            return real(*args, **kwargs)
        seen.append(np.sort(np.asarray(kwargs["closed_edges"])))
        raise _Stop

    real = jnrisk.allocation.allocate_shelters
    monkeypatch.setattr(jnrisk.allocation, "allocate_shelters", record)
    for s in (_scenario(kind), varied):
        with pytest.raises(_Stop):
            run(s, ctx)
    assert not np.array_equal(*seen), f"{kind}: {option} does not reach the allocation"


class _Stop(Exception):
    pass


@pytest.mark.parametrize(("kind", "name"), _cases(["flood"]))
def test_every_flood_field_reaches_the_ponding_model(kind, name, ctx, monkeypatch):
    """What run_flood hands to the ponding model (fast; the full run above is slow)."""
    import jnrisk.flood

    seen = []

    def record(*args, **kwargs):
        seen.append((args, kwargs))
        raise _Stop

    monkeypatch.setattr(jnrisk.flood, "ponding_depth", record)
    for s in (_scenario(kind), _varied(kind, name)):
        with pytest.raises(_Stop):
            run(s, ctx)
    (a_args, a_kw), (b_args, b_kw) = seen
    assert a_kw.keys() == b_kw.keys() and len(a_args) == len(b_args)
    same = all(_equal(x, y) for x, y in zip(a_args, b_args, strict=True)) and all(
        _equal(a_kw[k], b_kw[k]) for k in a_kw)
    assert not same, f"{kind}.{name} does not reach the ponding model"


def _equal(x, y) -> bool:
    if hasattr(x, "equals"):
        return bool(x.equals(y))
    return bool(np.array_equal(np.asarray(x), np.asarray(y)))


def test_rain_lowers_the_fine_fuel_code(ctx):
    dry = run(_scenario("fire"), ctx).metrics
    wet = run(_scenario("fire", rain_24h_mm=10.0), ctx).metrics
    assert wet["ffmc"] < dry["ffmc"]
    assert wet["fine_fuel_moisture_pct"] > dry["fine_fuel_moisture_pct"]
    assert wet["burned_area_m2"] <= dry["burned_area_m2"]


@pytest.mark.parametrize(
    ("kind", "changes", "match"),
    [
        ("quake", {"depth_km": 12.0}, r"unknown key 'depth_km'"),
        ("quake", {"magnitude": 8.9}, r"hazard\.magnitude = 8\.9 is out of range"),
        ("flood", {"duration_min": 62.0}, r"hazard\.duration_min = 62\.0 must be a whole multiple"),
        ("flood", {"return_period_yr": 0.5}, r"hazard\.return_period_yr = 0\.5 is out of range"),
        ("fire", {"ignition_lat": 20.0}, r"hazard\.ignition_lat = 20\.0 is out of range"),
        ("fire", {"temperature_c": 65.0}, r"hazard\.temperature_c = 65\.0 is out of range"),
    ],
)
def test_limits_are_the_models_own(kind, changes, match):
    with pytest.raises(ConfigError, match=match):
        Scenario.from_dict({"name": "x", "kind": kind, "hazard": {**BASE[kind], **changes}})


def test_model_limits_pass_validation_and_run_edges():
    """The edges of each model's own range validate (so config is not stricter by accident)."""
    from jnrisk.fire.weather import FWI_LATITUDE_RANGE_DEG
    from jnrisk.flood.storm import PEAK_RATIO_RANGE, STORM_STEP_MIN
    from jnrisk.quake import MAGNITUDE_RANGE, QuakeScenario

    for m in MAGNITUDE_RANGE:
        s = _scenario("quake", magnitude=m)
        QuakeScenario(0.0, 0.0, magnitude=s.hazard.magnitude)
    for r in PEAK_RATIO_RANGE:
        _scenario("flood", peak_ratio=r, duration_min=STORM_STEP_MIN)
    for lat in FWI_LATITUDE_RANGE_DEG:
        _scenario("fire", ignition_lat=lat)
