"""Tests of jnrisk.quake: attenuation, damage, displaced persons, bad input."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from shapely.geometry import Point

from jnrisk import quake
from jnrisk._errors import ConfigError, CRSError, DataError, JnriskError, SchemaError
from jnrisk.quake import (
    DAMAGE_STATES,
    DEFAULT_DPM,
    WANG_2000_EASTERN_CHINA,
    DisplacementFractions,
    QuakeScenario,
    axis_radius_km,
    damage_state_probabilities,
    displaced_persons,
    epicentral_intensity,
    intensity_at_offsets,
    intensity_at_points,
    scenario_intensity,
)

C = WANG_2000_EASTERN_CHINA


def _forward_long(m: float, r_km: float) -> float:
    """Hand formula: I_a = 5.019 + 1.446 M - 4.136 lg(R + 24)."""
    return 5.019 + 1.446 * m - 4.136 * math.log10(r_km + 24.0)


def _forward_short(m: float, r_km: float) -> float:
    """Hand formula: I_b = 2.240 + 1.446 M - 3.070 lg(R + 9)."""
    return 2.240 + 1.446 * m - 3.070 * math.log10(r_km + 9.0)


def _reference_intensity(x_km: float, y_km: float, m: float, floor: float = 1.0) -> float:
    """Slow, plain version: brentq on the ellipse equation with hand-written inverses."""
    i0 = min(_forward_long(m, 0.0), _forward_short(m, 0.0))
    if x_km == 0 and y_km == 0:
        return i0

    def ra(i: float) -> float:
        return max(10 ** ((5.019 + 1.446 * m - i) / 4.136) - 24.0, 0.0)

    def rb(i: float) -> float:
        return max(10 ** ((2.240 + 1.446 * m - i) / 3.070) - 9.0, 0.0)

    def f(i: float) -> float:
        a, b = ra(i), rb(i)
        gx = (x_km / a) ** 2 if x_km else 0.0
        gy = (y_km / b) ** 2 if y_km else 0.0
        return gx + gy - 1.0

    if f(floor) >= 0:
        return floor
    hi = i0 - 1e-12
    if f(hi) <= 0:
        return i0
    return brentq(f, floor, hi, xtol=1e-12)


# ------------------------------------------------------------------------- hand-computed cases


@pytest.mark.parametrize("m", [5.0, 6.0, 7.0])
def test_epicentral_intensity_matches_catalogue_rule(m: float) -> None:
    i0 = epicentral_intensity(m)
    # both axes agree at R = 0 (self-consistency, domain.md §4.2)
    assert abs(_forward_long(m, 0.0) - _forward_short(m, 0.0)) < 1e-3
    assert i0 == pytest.approx(min(_forward_long(m, 0.0), _forward_short(m, 0.0)))
    # catalogue rule I0 = 0.24 + 1.29 M (1983 catalogue); the slopes differ (1.446 vs 1.29),
    # so the two agree best near M6 and drift by ~0.16 per magnitude unit away from it
    assert abs(i0 - (0.24 + 1.29 * m)) < 0.01 + 0.16 * abs(m - 6.0)


def test_m6_epicentre_is_about_8() -> None:
    assert epicentral_intensity(6.0) == pytest.approx(7.99, abs=0.005)
    assert epicentral_intensity(7.0) == pytest.approx(9.43, abs=0.005)
    i = intensity_at_offsets(np.array([0.0]), np.array([0.0]), 6.0)
    assert i[0] == pytest.approx(7.986, abs=1e-3)


def test_axis_radius_hand_values() -> None:
    # R_a(I=6, M=6) = 10**((5.019 + 8.676 - 6)/4.136) - 24
    assert axis_radius_km(6.0, 6.0, axis="long") == pytest.approx(
        10 ** (7.695 / 4.136) - 24.0, rel=1e-12
    )
    assert axis_radius_km(6.0, 6.0, axis="short") == pytest.approx(
        10 ** (4.916 / 3.070) - 9.0, rel=1e-12
    )
    # above I0 the radius is zero, never negative
    assert axis_radius_km(9.0, 6.0, axis="long") == 0.0


@pytest.mark.parametrize("r_km", [0.5, 5.0, 20.0, 48.5, 100.0])
@pytest.mark.parametrize("m", [5.5, 6.0, 7.0])
def test_on_axis_sites_follow_the_axis_equation(r_km: float, m: float) -> None:
    got = intensity_at_offsets(np.array([r_km, 0.0]), np.array([0.0, r_km]), m)
    assert got[0] == pytest.approx(_forward_long(m, r_km), abs=1e-6)
    assert got[1] == pytest.approx(_forward_short(m, r_km), abs=1e-6)
    # the long axis attenuates slower than the short one
    assert got[0] > got[1]


def test_off_axis_matches_reference(rng: np.random.Generator) -> None:
    x = rng.uniform(-150, 150, 200)
    y = rng.uniform(-150, 150, 200)
    for m in (5.0, 6.5):
        got = intensity_at_offsets(x, y, m)
        ref = np.array([_reference_intensity(a, b, m) for a, b in zip(x, y, strict=True)])
        np.testing.assert_allclose(got, ref, atol=1e-7)


def test_fault_azimuth_rotates_the_ellipse() -> None:
    r_m = axis_radius_km(6.0, 6.0, axis="long") * 1000.0
    for az in (0.0, 45.0, 120.0, 300.0):
        s = QuakeScenario(1000.0, 2000.0, magnitude=6.0, fault_azimuth_deg=az)
        a = math.radians(az)
        along = np.array([[1000.0 + r_m * math.sin(a), 2000.0 + r_m * math.cos(a)]])
        across = np.array([[1000.0 + r_m * math.cos(a), 2000.0 - r_m * math.sin(a)]])
        assert intensity_at_points(along, s)[0] == pytest.approx(6.0, abs=1e-6)
        assert intensity_at_points(across, s)[0] < 6.0


def test_far_sites_are_clipped_at_the_floor() -> None:
    i = intensity_at_offsets(np.array([5000.0]), np.array([5000.0]), 5.0, min_intensity=2.0)
    assert i[0] == 2.0


def test_scenario_intensity_keeps_input_and_index() -> None:
    b = gpd.GeoDataFrame(
        {"persons": [10, 20]},
        geometry=[Point(0, 0).buffer(100), Point(10_000, 0).buffer(100)],
        index=[7, 9],
        crs="EPSG:4548",
    )
    before = b.copy()
    out = scenario_intensity(b, QuakeScenario(0.0, 0.0, magnitude=6.0))
    pd.testing.assert_frame_equal(b, before)
    assert list(out.index) == [7, 9] and "intensity" not in b
    assert out.crs == b.crs
    # polygons use a representative point (within 100 m of the epicentre here)
    assert out["intensity"].iloc[0] == pytest.approx(epicentral_intensity(6.0), abs=5e-3)


# ------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(
    m=st.floats(4.0, 8.0),
    d1=st.floats(0.0, 300.0),
    dd=st.floats(0.0, 100.0),
    theta=st.floats(0.0, 2 * math.pi),
)
def test_monotone_in_distance(m: float, d1: float, dd: float, theta: float) -> None:
    c, s = math.cos(theta), math.sin(theta)
    d = np.array([d1, d1 + dd])
    i = intensity_at_offsets(d * c, d * s, m)
    assert i[1] <= i[0] + 1e-9
    assert i.max() <= epicentral_intensity(m) + 1e-12


@settings(max_examples=60, deadline=None)
@given(
    m1=st.floats(4.0, 8.0),
    dm=st.floats(0.0, 1.0),
    x=st.floats(-200.0, 200.0),
    y=st.floats(-200.0, 200.0),
)
def test_monotone_in_magnitude(m1: float, dm: float, x: float, y: float) -> None:
    m2 = min(m1 + dm, 8.0)
    a = intensity_at_offsets(np.array([x]), np.array([y]), m1)[0]
    b = intensity_at_offsets(np.array([x]), np.array([y]), m2)[0]
    assert b >= a - 1e-9


def test_dpm_rows_are_distributions_and_damage_grows_with_intensity() -> None:
    p = DEFAULT_DPM[list(DAMAGE_STATES)].to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    grid = np.linspace(1.0, 12.0, 111)
    for cls in quake.VULNERABILITY_CLASSES:
        probs = damage_state_probabilities(grid, cls)
        np.testing.assert_allclose(probs.sum(axis=1), 1.0)
        # stochastic dominance: P(state >= k) never decreases with intensity
        exceed = np.cumsum(probs[:, ::-1], axis=1)[:, ::-1]
        assert (np.diff(exceed, axis=0) >= -1e-12).all()
    # every site takes the row of its zone floor(I): 7.0 and 7.99 are zone VII, 8.0 zone VIII
    for i in (7.0, 7.5, 7.99):
        got = damage_state_probabilities(i, "brick_concrete")[0]
        np.testing.assert_allclose(got, [0.60, 0.27, 0.10, 0.03, 0.0])
    got = damage_state_probabilities(8.0, "brick_concrete")[0]
    np.testing.assert_allclose(got, [0.30, 0.33, 0.25, 0.10, 0.02])
    # zone V and below: undamaged; above X: the top row
    np.testing.assert_allclose(damage_state_probabilities(3.0, "rural")[0], [1, 0, 0, 0, 0])
    np.testing.assert_allclose(damage_state_probabilities(5.99, "rural")[0], [1, 0, 0, 0, 0])
    np.testing.assert_allclose(damage_state_probabilities(11.5, "rural")[0], [0, .02, .08, .3, .6])


def test_intensity_vi_and_below_displaces_almost_nobody() -> None:
    frac = DisplacementFractions().as_array()
    for cls in quake.VULNERABILITY_CLASSES:
        share = damage_state_probabilities(np.linspace(1.0, 6.999, 60), cls) @ frac
        assert share.max() < 0.015, cls  # zone VI and below: < 1.5 %, rural houses included
    # moderate damage is habitable by default
    assert DisplacementFractions().moderate <= 0.2


def test_building_stock_shares_sum_to_one() -> None:
    s = quake.building_stock_shares()
    assert len(s) == 12
    np.testing.assert_allclose(s[list(quake.VULNERABILITY_CLASSES)].sum(axis=1), 1.0)
    assert "SYNTHETIC" in s.attrs["provenance"]


def _blocks(n: int, rng: np.random.Generator, *, spread_m: float = 60_000.0) -> gpd.GeoDataFrame:
    stock = quake.building_stock_shares()
    return gpd.GeoDataFrame(
        {
            "persons": rng.integers(0, 5000, n),
            "district": rng.choice(stock.index.to_numpy(), n),
        },
        geometry=gpd.points_from_xy(
            rng.uniform(-spread_m, spread_m, n), rng.uniform(-spread_m, spread_m, n)
        ),
        crs="EPSG:4548",
    )


@settings(max_examples=15, deadline=None)
@given(
    m=st.floats(4.0, 8.0),
    seed=st.integers(0, 10_000),
    fm=st.floats(0.0, 1.0),
    fs=st.floats(0.0, 1.0),
)
def test_displaced_never_exceeds_population(m: float, seed: int, fm: float, fs: float) -> None:
    rng = np.random.default_rng(seed)
    b = _blocks(30, rng, spread_m=30_000.0)
    fr = DisplacementFractions(slight=fs, moderate=fm, severe=1.0, collapse=1.0)
    out = displaced_persons(b, QuakeScenario(0.0, 0.0, magnitude=m), fractions=fr)
    d = out["displaced_persons"].to_numpy()
    assert (d >= 0).all() and (d <= b["persons"].to_numpy() + 1e-9).all()
    np.testing.assert_allclose(out[[f"p_{s}" for s in DAMAGE_STATES]].sum(axis=1), 1.0)


def test_displaced_hand_value_and_district_keys(rng: np.random.Generator) -> None:
    # one block at the epicentre of an M6 in Lixia: I0 = 7.986 -> the zone-VII row
    i0 = epicentral_intensity(6.0)
    stock = quake.building_stock_shares().loc["历下区"]
    frac = np.array([0, 0, 0.05, 0.7, 1.0])
    expected = 0.0
    assert 7.0 <= i0 < 8.0  # zone VII
    for cls in quake.VULNERABILITY_CLASSES:
        row = DEFAULT_DPM.loc[cls].loc[7].to_numpy()
        expected += stock[cls] * float(row @ frac)
    for key in ("历下区", "Lixia", 370102):
        b = gpd.GeoDataFrame(
            {"persons": [1000], "district": [key]}, geometry=[Point(0, 0)], crs="EPSG:4548"
        )
        out = displaced_persons(b, QuakeScenario(0.0, 0.0, magnitude=6.0))
        assert out["displaced_persons"].iloc[0] == pytest.approx(1000 * expected, rel=1e-9)


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"magnitude": 9.5}, "magnitude=9.5"),
        ({"magnitude": 3.0}, "[4.0, 8.0]"),
        ({"depth_m": 10.0}, "depth_m=10"),
        ({"depth_m": 150_000.0}, "in metres"),
        ({"fault_azimuth_deg": 360.0}, "fault_azimuth_deg=360"),
        ({"magnitude": float("nan")}, "finite"),
    ],
)
def test_bad_scenario(kwargs: dict, needle: str) -> None:
    args = {"epicentre_x_m": 0.0, "epicentre_y_m": 0.0, "magnitude": 6.0} | kwargs
    with pytest.raises(ConfigError) as e:
        QuakeScenario(**args)
    assert needle in str(e.value)


def test_bad_scenario_collects_all_problems() -> None:
    with pytest.raises(ConfigError, match="2 problems"):
        QuakeScenario(0.0, 0.0, magnitude=10.0, depth_m=0.0)


def test_scenario_in_degrees_rejected() -> None:
    with pytest.raises(CRSError, match="degrees"):
        QuakeScenario(117.0, 36.6, magnitude=6.0, crs="EPSG:4326")


def test_blocks_in_degrees_rejected() -> None:
    b = gpd.GeoDataFrame(
        {"persons": [1], "district": ["历下区"]}, geometry=[Point(117, 36.6)], crs="EPSG:4326"
    )
    with pytest.raises(CRSError, match="to_crs"):
        displaced_persons(b, QuakeScenario(0.0, 0.0, magnitude=6.0))


def test_unknown_options() -> None:
    with pytest.raises(ConfigError, match="allowed"):
        damage_state_probabilities(7.0, "steel")
    with pytest.raises(ConfigError, match="wang2000_east"):
        epicentral_intensity(6.0, coefficients="nope")
    with pytest.raises(ConfigError, match=r"\[0, 1\]"):
        DisplacementFractions(moderate=1.5)


def test_bad_blocks(rng: np.random.Generator) -> None:
    s = QuakeScenario(0.0, 0.0, magnitude=6.0)
    b = _blocks(5, rng)
    with pytest.raises(SchemaError, match="persons"):
        displaced_persons(b.drop(columns="persons"), s)
    bad = b.copy()
    bad.loc[bad.index[2], "persons"] = -4
    with pytest.raises(DataError, match=r"rows? \[2\]"):
        displaced_persons(bad, s)
    bad = b.copy()
    bad["district"] = bad["district"].astype(object)
    bad.loc[bad.index[1], "district"] = "Atlantis"
    with pytest.raises(DataError, match="Atlantis"):
        displaced_persons(bad, s)
    bad_dpm = DEFAULT_DPM.copy()
    bad_dpm.iloc[3, 0] = 0.9
    with pytest.raises(JnriskError, match="sum to 1"):
        displaced_persons(b, s, dpm=bad_dpm)


def test_emergency_evacuees(rng: np.random.Generator) -> None:
    b = _blocks(40, rng, spread_m=80_000.0)
    s = QuakeScenario(0.0, 0.0, magnitude=6.5)
    out = quake.emergency_evacuees(b, s, presence_factor=0.7)
    hit = out["intensity"] >= 7.0
    np.testing.assert_allclose(out["evacuees_persons"], np.where(hit, 0.7 * b["persons"], 0.0))
    assert hit.any() and (~hit).any()
    with pytest.raises(ConfigError, match="presence_factor"):
        quake.emergency_evacuees(b, s, presence_factor=1.5)


def test_default_scenario_and_shelter_usability() -> None:
    s = quake.default_scenario()
    assert s.magnitude == 6.0 and s.crs == "EPSG:4548"
    sh = gpd.GeoDataFrame(
        geometry=[Point(s.epicentre_x_m, s.epicentre_y_m), Point(s.epicentre_x_m, 0.0)],
        crs="EPSG:4548",
    )
    u = quake.shelter_usability(sh, s, max_intensity=7.5)
    assert u["usable"].tolist() == [False, True]
    assert quake.shelter_usability(sh, s)["usable"].all()  # I0(M6) = 7.99 <= VIII


@pytest.mark.parametrize("bad", [10.0, 3.0, float("nan"), float("inf"), "six", None])
def test_magnitude_is_range_checked_where_it_enters(bad) -> None:
    for call in (
        lambda: epicentral_intensity(bad),
        lambda: axis_radius_km(6.0, bad),
        lambda: intensity_at_offsets(np.zeros(1), np.zeros(1), bad),
        lambda: quake.isoseismal_areas_km2(bad),
    ):
        with pytest.raises(ConfigError, match="magnitude"):
            call()


def test_intensity_never_exceeds_xii_and_bad_intensity_is_named() -> None:
    assert epicentral_intensity(quake.MAGNITUDE_RANGE[1]) <= 12.0
    for bad in (13.8, 0.0, float("nan")):
        with pytest.raises(DataError, match="intensity"):
            damage_state_probabilities(bad, "rc_frame")


def test_scenario_config_takes_the_quake_limits() -> None:
    from jnrisk.scenarios import QuakeParams

    hi = quake.MAGNITUDE_RANGE[1]
    ok = QuakeParams(epicentre_lon=117.0, epicentre_lat=36.6, magnitude=hi)
    QuakeScenario(0.0, 0.0, magnitude=ok.magnitude)
    for kw, needle in (
        ({"magnitude": 10.0}, "magnitude"),
        ({"magnitude": float("nan")}, "magnitude"),
    ):
        base = {"epicentre_lon": 117.0, "epicentre_lat": 36.6, "magnitude": 6.0}
        with pytest.raises(ConfigError, match=needle):
            QuakeParams(**{**base, **kw})


def test_displaced_range_brackets_central_and_is_repeatable(rng: np.random.Generator) -> None:
    b = _blocks(200, rng, spread_m=40_000.0)
    s = QuakeScenario(0.0, 0.0, magnitude=6.5)
    a = displaced_persons(b, s).attrs["displaced_persons_range"]
    again = displaced_persons(b, s).attrs["displaced_persons_range"]
    assert a == again
    assert 0 < a["low"] < a["central"] < a["high"]
    with pytest.raises(ConfigError, match="intensity_sigma"):
        quake.DisplacementRange(intensity_sigma=-1.0)


@pytest.mark.parametrize(("kw", "needle"), [
    ({"min_intensity": float("nan")}, "min_intensity"),
    ({"min_intensity": 13.0}, "min_intensity"),
    ({"presence_factor": 1.5}, "presence_factor"),
])
def test_emergency_evacuees_bad_options(kw, needle, rng: np.random.Generator) -> None:
    b = _blocks(5, rng)
    with pytest.raises(ConfigError, match=needle):
        quake.emergency_evacuees(b, QuakeScenario(0.0, 0.0, magnitude=6.0), **kw)
