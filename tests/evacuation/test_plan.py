"""Bottleneck ranking and the staged plan on small networks with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jnrisk.evacuation import (
    EvacuationGroups,
    StreetCapacity,
    load_groups,
    rank_bottlenecks,
    staged_plan,
)

from .conftest import from_arcs


def _two_zones():
    # zones A (node 0) and B (node 1) share the narrow street 2 -> 3 to the shelter (node 3)
    net = from_arcs(4, [0, 1, 2], [2, 2, 3], [134.0, 134.0, 134.0])
    cap = StreetCapacity.from_arrays(net, [5.0, 5.0, 1.0])
    groups = EvacuationGroups(
        origin_node=np.array([0, 1]), target_node=np.array([3, 3]),
        persons=np.array([300.0, 300.0]), offset_s=np.zeros(2), district=None,
        subdistrict=np.array(["A", "B"], dtype=object), labels=pd.DataFrame(index=range(2)))
    return net, cap, groups


def test_widening_the_shared_narrow_street_is_ranked_first_and_gains_what_the_law_says():
    net, cap, groups = _two_zones()
    base = load_groups(net, cap, **groups.kwargs(), dt_s=5.0)
    assert base.clearance_100_s == pytest.approx(200 + 600, abs=5.0)
    ranked = rank_bottlenecks(net, cap, groups, base, top_k=3, widen_factor=2.0, dt_s=5.0)
    assert ranked["arc"].iloc[0] == 2
    # twice the capacity: 600 persons pass in 300 s instead of 600 s
    assert ranked["gain_100_s"].iloc[0] == pytest.approx(300.0, abs=5.0)


def test_staged_plan_spreads_the_zones_and_keeps_the_target():
    net, cap, groups = _two_zones()
    plan = staged_plan(net, cap, groups, target_95_s=1500.0, wave_s=300.0, dt_s=5.0)
    assert plan.met and plan.shortfall_s == 0.0
    d = plan.delays.set_index("subdistrict")["delay_s"]
    assert sorted(d.tolist()) == [0.0, 600.0]  # one zone first, the other two waves later
    assert plan.clearance_95_s <= 1500.0
    assert plan.queued_person_s < plan.base_queued_person_s


def test_staged_plan_says_by_how_much_a_tight_target_is_missed():
    net, cap, groups = _two_zones()
    plan = staged_plan(net, cap, groups, target_95_s=400.0, dt_s=5.0)
    assert not plan.met
    assert plan.shortfall_s == pytest.approx(plan.base_clearance_95_s - 400.0)
    assert (plan.delays["delay_s"] == 0).all()


def test_time_aware_assignment_sends_people_around_a_jammed_street():
    import geopandas as gpd
    from shapely.geometry import Point

    from jnrisk.allocation import allocate_shelters
    from jnrisk.evacuation import allocation_groups, time_aware_assignment
    from jnrisk.network import RoadNetwork

    # block at node 0; near shelter (node 1) behind a narrow 134 m street, far shelter (node 2)
    # behind a wide 402 m street; each shelter has room for everyone
    net = RoadNetwork.from_csr([0, 2, 3, 4], [1, 2, 0, 0], [134.0, 402.0, 134.0, 402.0],
                               x=[0.0, 134.0, -402.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    cap = StreetCapacity.from_arrays(net, [0.2, 5.0, 0.2, 5.0])
    blocks = gpd.GeoDataFrame({"persons": [200], "district": ["A"], "town_id": [1]},
                              geometry=[Point(0, 0)], crs="EPSG:4548")
    shelters = gpd.GeoDataFrame({"capacity_persons": [200, 200]},
                                geometry=[Point(134, 0), Point(-402, 0)], crs="EPSG:4548")
    alloc = allocate_shelters(blocks, shelters, net)
    assert alloc.flows["shelter"].tolist() == [0]  # distance-optimal: the near shelter
    groups = allocation_groups(alloc, net, population=blocks)
    base = load_groups(net, cap, **groups.kwargs(), dt_s=5.0)
    assert base.clearance_100_s == pytest.approx(100 + 200 / 0.2, abs=5.0)
    ta = time_aware_assignment(alloc, blocks, shelters, net, cap, base, dt_s=5.0)
    assert ta.moved_persons > 0
    assert ta.clearance_95_s < 0.5 * ta.base_clearance_95_s
