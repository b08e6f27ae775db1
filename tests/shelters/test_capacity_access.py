"""Tests of jnrisk.shelters.capacity and jnrisk.shelters.access (E2SFCA)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from jnrisk._errors import ConfigError, CRSError, DataError, SchemaError
from jnrisk.shelters import STANDARDS, PerCapitaStandard, e2sfca, shelter_capacity
from jnrisk.shelters.access import gaussian_weights, step_weights


def _shelters() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "class": ["emergency", "short_term", "long_term"],
            "effective_area_m2": [2_000.0, 10_000.0, 90_000.0],
        },
        geometry=[box(0, 0, 50, 40), box(100, 0, 200, 100), box(300, 0, 600, 300)],
        index=pd.Index([11, 12, 13], name="shelter_id"),
        crs="EPSG:4548",
    )


# ------------------------------------------------------------------------- capacity


@pytest.mark.parametrize(
    ("standard", "expected"),
    [
        ("jinan_2024", [1000, 5000, 45000]),
        ("gb21734_min", [1333, 6666, 60000]),
        ("jinan_2035", [666, 3333, 30000]),
        ("gb51143_stay", [4000, 5000, 20000]),
        (2.5, [800, 4000, 36000]),
    ],
)
def test_capacity_hand_values(standard, expected) -> None:
    s = _shelters()
    before = s.copy()
    out = shelter_capacity(s, standard=standard)
    assert out["capacity_persons"].tolist() == expected
    assert out["capacity_persons"].dtype == np.int64
    pd.testing.assert_frame_equal(s, before)
    assert out.index.equals(s.index) and out.crs == s.crs


def test_standards_are_documented() -> None:
    assert STANDARDS["jinan_2024"].for_class("anything") == 2.0
    assert STANDARDS["gb21734_min"].for_class("I") == 1.5
    assert STANDARDS["jinan_2035"].for_class("fixed") == 3.0
    for std in STANDARDS.values():
        assert std.source


def test_bad_capacity_input() -> None:
    s = _shelters()
    with pytest.raises(SchemaError, match="effective_area_m2"):
        shelter_capacity(s.drop(columns="effective_area_m2"))
    with pytest.raises(SchemaError, match="class"):
        shelter_capacity(s.drop(columns="class"))
    bad = s.copy()
    bad.loc[12, "effective_area_m2"] = np.nan
    bad.loc[13, "class"] = None
    with pytest.raises(DataError) as e:
        shelter_capacity(bad)
    msg = str(e.value)
    assert "2 problems" in msg and "row [12]" in msg and "row [13]" in msg
    dup = s.copy()
    dup.index = pd.Index([11, 11, 13])
    with pytest.raises(DataError, match=r"unique.*\['11'\]"):
        shelter_capacity(dup)
    with pytest.raises(DataError, match="code"):
        shelter_capacity(s.assign(code=["a", "b", "a"]), id_col="code")
    inv = s.copy()
    inv.loc[12, "geometry"] = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])  # bow-tie
    with pytest.raises(DataError, match=r"invalid geometry at row \[12\]"):
        shelter_capacity(inv, check_overlaps=False)
    over = s.copy()
    over.loc[13, "geometry"] = box(150, 50, 400, 300)
    with pytest.raises(DataError, match=r"overlap.*\(12, 13\)"):
        shelter_capacity(over)
    with pytest.raises(CRSError, match="degrees"):
        shelter_capacity(s.set_crs("EPSG:4326", allow_override=True))
    with pytest.raises(ConfigError, match="allowed"):
        shelter_capacity(s, standard="beijing")
    with pytest.raises(ConfigError, match="known classes"):
        shelter_capacity(s, standard=PerCapitaStandard("x", {"fixed": 2.0}, "t"))
    with pytest.raises(ConfigError, match="> 0"):
        PerCapitaStandard("x", {"*": 0.0}, "t")


# ------------------------------------------------------------------------- E2SFCA


def _hand_case():
    demand = pd.DataFrame({"persons": [1000.0, 2000.0, 500.0]}, index=["b1", "b2", "b3"])
    supply = pd.DataFrame({"capacity_persons": [600.0, 900.0]}, index=["s1", "s2"])
    costs = pd.DataFrame(
        {
            "origin": ["b1", "b1", "b2", "b2", "b3"],
            "dest": ["s1", "s2", "s1", "s2", "s2"],
            "cost_m": [100.0, 800.0, 350.0, 200.0, 700.0],
        }
    )
    return demand, supply, costs


def test_e2sfca_hand_computed() -> None:
    demand, supply, costs = _hand_case()
    steps = {300.0: 1.0, 600.0: 0.5, 900.0: 0.25}
    out = e2sfca(demand, supply, costs, max_cost=900.0, steps=steps)
    # weights: b1-s1 1, b1-s2 0.25, b2-s1 0.5, b2-s2 1, b3-s2 0.25
    r1 = 600.0 / (1000 * 1 + 2000 * 0.5)  # 0.3
    r2 = 900.0 / (1000 * 0.25 + 2000 * 1 + 500 * 0.25)  # 0.378947...
    expected = [r1 * 1 + r2 * 0.25, r1 * 0.5 + r2 * 1, r2 * 0.25]
    np.testing.assert_allclose(out["access_per_person"], expected, rtol=1e-12)
    # a smaller catchment drops pairs beyond it
    out = e2sfca(demand, supply, costs, max_cost=400.0, steps={400.0: 1.0})
    np.testing.assert_allclose(
        out["access_per_person"], [600 / 3000, 600 / 3000 + 900 / 2000, 0.0], rtol=1e-12
    )


def test_weights() -> None:
    np.testing.assert_allclose(
        step_weights(np.array([0, 300, 301, 900, 901.0]), {300: 1, 600: 0.5, 900: 0.25}),
        [1, 1, 0.5, 0.25, 0],
    )
    g = gaussian_weights(np.linspace(0, 1200, 13), 1000.0)
    assert g[0] == 1.0 and g[10] == pytest.approx(0.0, abs=1e-12) and (g[11:] == 0).all()
    assert (np.diff(g) <= 0).all()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), weight=st.sampled_from(["step", "gaussian"]))
def test_e2sfca_conserves_weighted_supply(seed: int, weight: str) -> None:
    """sum_i P_i A_i = sum_j S_j over facilities with weighted demand > 0 (a 2SFCA identity)."""
    demand, supply, costs = _random_case(np.random.default_rng(seed), 30, 6)
    out = e2sfca(demand, supply, costs, max_cost=1000.0, weight=weight)
    # only pairs whose weight is > 0 count toward "served" facilities
    if weight == "step":
        w = step_weights(costs["cost_m"].to_numpy(), {1000 / 3: 1.0, 2000 / 3: 0.68, 1000: 0.22})
    else:
        w = gaussian_weights(costs["cost_m"].to_numpy(), 1000.0)
    wd = (
        pd.Series(demand.loc[costs["origin"], "persons"].to_numpy() * w)
        .groupby(costs["dest"].to_numpy())
        .sum()
    )
    served = wd[wd > 0].index
    total = float((demand["persons"] * out["access_per_person"]).sum())
    assert total == pytest.approx(float(supply.loc[served, "capacity_persons"].sum()), rel=1e-9)


def _random_case(rng: np.random.Generator, n: int, m: int):
    demand = pd.DataFrame(
        {"persons": rng.integers(1, 3000, n).astype(float)}, index=[f"b{i}" for i in range(n)]
    )
    supply = pd.DataFrame(
        {"capacity_persons": rng.integers(100, 5000, m).astype(float)},
        index=[f"s{j}" for j in range(m)],
    )
    pairs = [(i, j) for i in range(n) for j in range(m) if rng.random() < 0.5]
    costs = pd.DataFrame(
        {
            "origin": [f"b{i}" for i, _ in pairs],
            "dest": [f"s{j}" for _, j in pairs],
            "cost_m": rng.uniform(0, 1200, len(pairs)).round(1),
        }
    )
    return demand, supply, costs


def test_e2sfca_matches_pysal_access(rng: np.random.Generator) -> None:
    access_mod = pytest.importorskip("access")
    demand, supply, costs = _random_case(rng, 40, 8)
    steps = {400.0: 1.0, 800.0: 0.68, 1200.0: 0.22}
    ours = e2sfca(demand, supply, costs, max_cost=1200.0, steps=steps)["access_per_person"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = access_mod.Access(
            demand_df=demand.rename_axis("geoid").reset_index(),
            demand_index="geoid",
            demand_value="persons",
            supply_df=supply.rename_axis("geoid").reset_index(),
            supply_index="geoid",
            supply_value="capacity_persons",
            cost_df=costs,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost_m",
        )
        theirs = a.enhanced_two_stage_fca(
            max_cost=1200.0, weight_fn=access_mod.weights.step_fn(steps)
        )
    col = [c for c in theirs.columns if "e2sfca" in c][0]
    t = theirs[col].reindex(demand.index).fillna(0.0)
    assert (t > 0).sum() > 20  # a real comparison, not zeros against zeros
    np.testing.assert_allclose(ours.to_numpy(), t.to_numpy(), rtol=1e-10, atol=1e-12)


def test_e2sfca_bad_input() -> None:
    demand, supply, costs = _hand_case()
    with pytest.raises(ConfigError, match="allowed"):
        e2sfca(demand, supply, costs, max_cost=900.0, weight="cosine")
    with pytest.raises(ConfigError, match="max_cost"):
        e2sfca(demand, supply, costs, max_cost=-1.0)
    bad = costs.copy()
    bad.loc[2, "dest"] = "s9"
    with pytest.raises(DataError, match=r"\['s9'\].*row \[2\]"):
        e2sfca(demand, supply, bad, max_cost=900.0)
    bad = pd.concat([costs, costs.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataError, match="repeated"):
        e2sfca(demand, supply, bad, max_cost=900.0)
    bad = costs.copy()
    bad.loc[1, "cost_m"] = -5.0
    with pytest.raises(DataError, match="negative"):
        e2sfca(demand, supply, bad, max_cost=900.0)
    with pytest.raises(SchemaError, match="persons"):
        e2sfca(demand.rename(columns={"persons": "pop"}), supply, costs, max_cost=900.0)


def test_e2sfca_keeps_geodataframe() -> None:
    demand, supply, costs = _hand_case()
    g = gpd.GeoDataFrame(demand, geometry=[Point(0, 0)] * 3, crs="EPSG:4548")
    out = e2sfca(g, supply, costs, max_cost=900.0)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == g.crs
    assert "access_per_person" not in g


def test_gb50413_per_capita_and_site_minimums():
    import geopandas as gpd
    from shapely.geometry import Point

    from jnrisk.shelters import shelter_capacity

    s = gpd.GeoDataFrame(
        {"class": ["emergency", "fixed", "emergency"],
         "effective_area_m2": [999.0, 20_000.0, 4_000.0]},
        geometry=[Point(0, 0), Point(1000, 0), Point(2000, 0)], crs="EPSG:4548",
    )
    out = shelter_capacity(s, standard="gb50413")
    # 8.2.8: emergency 1 m2, fixed 2 m2 per person
    assert out["capacity_persons"].tolist() == [999, 10_000, 4_000]
    # 8.2.9: emergency sites need >= 0.1 ha, fixed >= 1 ha
    assert out["below_gb50413_site_min"].tolist() == [True, False, False]
    assert "GB 50413-2007" in out.attrs["capacity_standard"]


def test_standards_table_makes_the_emergency_conflict_explicit():
    from jnrisk.shelters.capacity import STANDARDS, standards_table

    t = standards_table().set_index(["standard", "shelter_class"])
    # GB 51143's 0.5 m2 houses twice as many people as GB 50413's 1 m2 on the same area
    assert t.loc[("gb51143_stay", "emergency"), "capacity_vs_gb50413"] == 2.0
    assert bool(t.loc[("gb51143_stay", "emergency"), "conflict"])
    assert "doubles emergency capacity" in STANDARDS["gb51143_stay"].source
    assert "assumed" in STANDARDS["gb51143_stay"].source
    assert not t.loc["gb50413", "conflict"].any()
    # Jinan's 2 m2 everywhere halves emergency capacity against GB 50413
    assert t.loc[("jinan_2024", "emergency"), "capacity_vs_gb50413"] == 0.5


def test_quake_scenario_chooses_the_shelter_standard():
    from jnrisk._errors import ConfigError
    from jnrisk.scenarios import QuakeParams

    p = QuakeParams(epicentre_lon=117.0, epicentre_lat=36.6, magnitude=6.0,
                    shelter_standard="gb50413")
    assert p.shelter_standard == "gb50413"
    with pytest.raises(ConfigError, match="shelter_standard"):
        QuakeParams(epicentre_lon=117.0, epicentre_lat=36.6, magnitude=6.0,
                    shelter_standard="gb9999")
