"""The built-in synthetic_allocation kind, against a plain heap-Dijkstra + greedy reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scen_reference import reference_assign

from jnrisk._errors import DataError
from jnrisk.scenarios import Scenario, SyntheticAllocationParams, run
from jnrisk.scenarios.synthetic import grid_edges, solve_instance, synthetic_instance


def scenario(seed=1, walk=2500.0, area=2.0, closed=(), **hazard):
    return Scenario.from_dict(
        {
            "name": "syn",
            "kind": "synthetic_allocation",
            "hazard": hazard,
            "seed": seed,
            "allocation": {"max_walk_m": walk, "m2_per_person": area},
            "network": {"closed_edges": list(closed)},
        }
    )


def test_grid_edges_hand_computed():
    u, v = grid_edges(3)
    assert u.size == 12  # 2 * 3 * (3 - 1)
    pairs = set(zip(u.tolist(), v.tolist(), strict=True))
    assert (0, 1) in pairs and (0, 3) in pairs and (4, 5) in pairs and (5, 8) in pairs
    assert all(b - a in (1, 3) for a, b in pairs)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("walk", [300.0, 1200.0, 5000.0])
def test_matches_reference(seed, walk):
    p = SyntheticAllocationParams(grid_size=8, n_blocks=25, n_shelters=4,
                                  shelter_area_m2_mean=3000.0)
    inst = synthetic_instance(p, seed=seed, closed_edges=(0, 5, 17), m2_per_person=2.0)
    b, s, x, d = solve_instance(inst, max_walk_m=walk)
    ref = reference_assign(inst, walk)
    assert [(int(i), int(j), int(k)) for i, j, k in zip(b, s, x, strict=True)] == [
        r[:3] for r in ref
    ]
    np.testing.assert_allclose(d, [r[3] for r in ref], rtol=1e-12)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    walk=st.floats(50, 6000),
    area=st.floats(0.5, 5),
    n=st.integers(2, 9),
    n_blocks=st.integers(1, 30),
)
def test_invariants(seed, walk, area, n, n_blocks):
    s = scenario(seed=seed, walk=walk, area=area, grid_size=n, n_blocks=n_blocks,
                 n_shelters=min(3, n * n), persons_mean=200.0, shelter_area_m2_mean=2000.0)
    r = run(s)
    m = r.metrics
    blocks, shelters, a = r.layers["blocks"], r.layers["shelters"], r.tables["assignments"]
    # served + unserved = population, per block and in total
    assert m["served_persons"] + m["unserved_persons"] == m["total_persons"]
    assert (blocks["served_persons"] + blocks["unserved_persons"] == blocks["persons"]).all()
    # no shelter over capacity; assignments only within the walking cutoff
    assert (shelters["load_persons"] <= shelters["capacity_persons"]).all()
    assert (a["walk_m"] <= walk).all() and (a["persons"] > 0).all()
    assert 0.0 <= m["served_pct"] <= 100.0
    # the raster holds exactly the unserved persons
    assert float(r.rasters["unserved_persons"].sum()) == pytest.approx(m["unserved_persons"])


def test_deterministic_per_seed_and_seed_matters():
    a, b, c = run(scenario(seed=5)), run(scenario(seed=5)), run(scenario(seed=6))
    assert a.metrics == b.metrics
    assert a.tables["assignments"].equals(b.tables["assignments"])
    assert a.metrics != c.metrics


def test_layers_are_metric_crs_and_raster_has_units():
    r = run(scenario())
    assert r.layers["blocks"].crs.to_epsg() == 4548
    assert r.rasters["unserved_persons"].attrs["units"] == "persons"
    assert r.rasters["unserved_persons"].rio.crs.to_epsg() == 4548


def test_closing_every_edge_leaves_only_colocated_people_served():
    n = 4
    all_edges = tuple(range(2 * n * (n - 1)))
    r = run(scenario(grid_size=n, closed=all_edges, n_shelters=2, n_blocks=10))
    a = r.tables["assignments"]
    assert (a["walk_m"] == 0).all()


def test_closed_edge_out_of_range_is_data_error():
    with pytest.raises(DataError, match=r"closed_edges \[999\] do not exist.*edge ids 0\.\.59"):
        run(scenario(grid_size=6, closed=(1, 999)))


def test_more_shelters_than_nodes_is_config_error():
    from jnrisk._errors import ConfigError

    with pytest.raises(ConfigError, match="n_shelters = 10 exceeds the 9 grid nodes"):
        SyntheticAllocationParams(grid_size=3, n_shelters=10)
