"""RoadNetwork.od_costs against all-pairs scipy Dijkstra; the CSR step; provenance fields."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk import ConfigError, DataError, SchemaError
from jnrisk.network import RoadNetwork, SnapResult, network_from_roads
from jnrisk.network._csr import csr_from_arcs

from .reference import scipy_distances
from .test_build import make_roads
from .test_kernels import random_csr

DIRECTIONS = ("auto", "from_origins", "to_destinations")


def _snapped(node, leg):
    return SnapResult(node=node, snap_distance_m=leg, too_far=np.zeros(node.size, bool), index=None)


def _brute(indptr, indices, w, n, o_node, o_leg, d_node, d_leg, cutoff, closed=None):
    """Dense origin x destination cost, inf beyond the cutoff (scipy all-pairs)."""
    full = scipy_distances(indptr, indices, w, n, np.arange(n), np.inf, closed)
    cost = o_leg[:, None] + full[np.ix_(o_node, d_node)] + d_leg[None, :]
    return np.where(cost <= cutoff, cost, np.inf)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 25),
    m=st.integers(0, 80),
    n_o=st.integers(0, 12),
    n_d=st.integers(0, 12),
    cutoff=st.sampled_from([0.0, 35.0, 120.0, 400.0, np.inf]),
    legs=st.booleans(),
    close=st.booleans(),
)
def test_od_costs_equal_brute_force(seed, n, m, n_o, n_d, cutoff, legs, close):
    rng = np.random.default_rng(seed)
    indptr, indices, w = random_csr(rng, n, m)
    net = RoadNetwork.from_csr(indptr, indices, w)
    o_node = rng.integers(0, n, n_o)  # repeated nodes on purpose
    d_node = rng.integers(0, n, n_d)
    o_leg = rng.uniform(0, 30, n_o) if legs else np.zeros(n_o)
    d_leg = rng.uniform(0, 30, n_d) if legs else np.zeros(n_d)
    closed = rng.random(m) < 0.2 if close else None
    want = _brute(indptr, indices, w, n, o_node, o_leg, d_node, d_leg, cutoff, closed)
    results = []
    for direction in DIRECTIONS:
        o = _snapped(o_node, o_leg) if legs else o_node
        d = _snapped(d_node, d_leg) if legs else d_node
        got = net.od_costs(o, d, cutoff, closed_edges=closed, direction=direction)
        assert got.shape == (n_o, n_d) and got.has_sorted_indices
        dense = np.full((n_o, n_d), np.inf)
        rows = np.repeat(np.arange(n_o), np.diff(got.indptr))
        dense[rows, got.indices] = got.data  # explicit zeros stay pairs
        np.testing.assert_allclose(dense, want, rtol=1e-12, atol=1e-9)
        results.append(got)
    for other in results[1:]:  # both search sides find the same pairs
        np.testing.assert_array_equal(other.indptr, results[0].indptr)
        np.testing.assert_array_equal(other.indices, results[0].indices)


def test_od_costs_direction_is_travel_origin_to_destination():
    net = RoadNetwork.from_csr([0, 1, 1], [1], [40.0])  # one arc 0 -> 1
    for direction in DIRECTIONS:
        assert net.od_costs([0], [1], 100.0, direction=direction).toarray().tolist() == [[40.0]]
        assert net.od_costs([1], [0], 100.0, direction=direction).nnz == 0


def test_od_costs_time_weight_and_closures_by_road_row():
    roads = make_roads(
        [
            (1, 2, [(0, 0), (100, 0)], {"oneway": True, "speed_kmh": 36.0}),
            (2, 3, [(100, 0), (200, 0)], {"oneway": True, "speed_kmh": 36.0}),
            (1, 3, [(0, 0), (100, 100), (200, 0)], {"oneway": False, "speed_kmh": 36.0}),
        ]
    )
    drive = network_from_roads(roads, "drive")
    a, c = 0, 2  # node ids 1 and 3
    t = drive.od_costs([a], [c], 100.0, weight="time_s").toarray()
    assert t[0, 0] == pytest.approx(20.0)
    for direction in DIRECTIONS:
        closed = drive.od_costs([a], [c], 1e9, weight="time_s", closed_edges=[1],
                                direction=direction).toarray()
        assert closed[0, 0] == pytest.approx(2 * np.hypot(100, 100) / 10.0)
    back = drive.od_costs([c], [a], 1e9, closed_edges=[2]).nnz  # only one-ways left
    assert back == 0


def test_walk_networks_skip_the_reversal_and_keep_bits():
    roads = make_roads(
        [(1, 2, [(0, 0), (100.3, 0)], {}), (2, 3, [(100.3, 0), (100.3, 77.1)], {}),
         (3, 1, [(100.3, 77.1), (0, 0)], {})]
    )
    walk = network_from_roads(roads, "walk")
    assert walk.is_symmetric and walk.reversed().is_symmetric
    a = walk.od_costs([0, 1, 2], [0, 1, 2], 1e9, direction="to_destinations")
    b = walk.distances([0, 1, 2], sort_indices=True).T.tocsr()
    np.testing.assert_array_equal(a.toarray(), b.toarray())


def test_od_costs_bad_input():
    net = RoadNetwork.from_csr([0, 1, 1], [1], [1.0], time_s=[1.0])
    with pytest.raises(ConfigError, match="direction"):
        net.od_costs([0], [1], 10.0, direction="both")
    with pytest.raises(ConfigError, match="cutoff='far'"):
        net.od_costs([0], [1], "far")
    with pytest.raises(DataError, match=r"destinations hold node indices outside 0..1 at row \[1\]"):
        net.od_costs([0], [1, 5], 10.0)
    with pytest.raises(SchemaError, match="origins"):
        net.od_costs([0.5], [1], 10.0)
    legs = _snapped(np.array([0]), np.array([3.0]))
    with pytest.raises(ConfigError, match="snap legs are metres"):
        net.od_costs(legs, [1], 10.0, weight="time_s")
    assert net.od_costs([], [1], 10.0).shape == (0, 1)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 3)), max_size=30),
       st.integers(0, 2), st.sampled_from([np.float64, np.int64, np.int32]))
def test_csr_from_arcs_equals_naive(arcs, unique, w_dtype):
    tail = np.array([a[0] for a in arcs], dtype=np.int64)
    head = np.array([a[1] for a in arcs], dtype=np.int64)
    w = np.array([a[2] for a in arcs], dtype=w_dtype)  # int keys take the packed-key sort
    indptr, order = csr_from_arcs(tail, 5, keys=(head, w), unique=unique)
    ranked = sorted(range(len(arcs)), key=lambda i: (arcs[i][0], arcs[i][1], arcs[i][2], i))
    seen, want = set(), []
    for i in ranked:
        group = arcs[i][: 1 + unique]
        if unique and group in seen:
            continue
        seen.add(group)
        want.append(i)
    assert order.tolist() == want
    assert indptr.tolist() == [0, *np.cumsum(np.bincount(tail[want], minlength=5)).tolist()]


@pytest.mark.parametrize("scale", [1, 2**20, 2**40])
def test_csr_from_arcs_wide_integer_keys_sort_like_lexsort(scale):
    rng = np.random.default_rng(scale % 97)
    rows = rng.integers(0, 50, 3000)
    cols = rng.integers(0, 40, 3000) * scale  # too wide to pack for 2**40: lexsort path
    _, order = csr_from_arcs(rows, 50, keys=(cols,))
    np.testing.assert_array_equal(order, np.lexsort((cols, rows)))
    many = rng.integers(0, 10 * scale, 3000) % 200_000  # one column, radix or packed sort
    _, by_row = csr_from_arcs(many, 200_000)
    np.testing.assert_array_equal(by_row, np.argsort(many, kind="stable"))


def test_mode_and_provenance_are_separate():
    raw = RoadNetwork.from_csr([0, 1, 2], [1, 0], [5.0, 5.0])
    assert raw.mode is None and raw.source == "csr" and not raw.is_reversed
    assert raw.arc_edge.tolist() == [0, 1] and raw.n_edges == 2
    rev = raw.reversed()
    assert rev.is_reversed and rev.source == "csr" and rev.reversed().is_reversed is False
    walk = RoadNetwork.from_csr([0, 1, 2], [1, 0], [5.0, 5.0], mode="walk")
    assert walk.is_symmetric and walk.summary()["mode"] == "walk"
    with pytest.raises(DataError, match="mode='walk' needs every arc to have a reverse"):
        RoadNetwork.from_csr([0, 1, 1], [1], [5.0], mode="walk")
    with pytest.raises(ConfigError, match="mode='csr'"):
        RoadNetwork.from_csr([0, 1, 1], [1], [5.0], mode="csr")
    roads = make_roads([(1, 2, [(0, 0), (100, 0)], {})])
    built = network_from_roads(roads, "walk")
    assert built.source == "roads" and built.mode == "walk"
    assert built.build_info["build_time_s"] > 0
    with pytest.raises(TypeError):
        built.build_info["rows_used"] = 0  # read-only, and never changed after wrapping
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.mode = "drive"


def test_closed_arcs_is_public_and_follows_reversal():
    net = RoadNetwork.from_csr([0, 2, 3, 3], [1, 2, 2], [1.0, 2.0, 3.0])
    assert net.closed_arcs(None).tolist() == [False] * 3
    rev = net.reversed()
    closed = rev.closed_arcs([2])  # original arc 2 (1 -> 2) is reversed arc 2 -> 1
    assert rev.arc_edge[closed].tolist() == [2]


def test_walking_coverage_walks_to_the_shelter_on_directed_networks():
    """Costs are block -> shelter (as in the allocation), also where arcs are one-way."""
    import geopandas as gpd
    from shapely.geometry import Point

    from jnrisk.shelters.coverage import shelter_coverage, walking_costs

    crs = "EPSG:4548"
    # 0 -> 1 is 100 m, 1 -> 0 is 900 m; block at node 0, shelter at node 1
    net = RoadNetwork.from_csr([0, 1, 2], [1, 0], [100.0, 900.0], x=[5e5, 5e5 + 100.0],
                               y=[4e6, 4e6], crs=crs)
    blocks = gpd.GeoDataFrame({"persons": [10]}, geometry=[Point(5e5, 4e6)], crs=crs)
    shel = gpd.GeoDataFrame({"class": ["emergency"]}, geometry=[Point(5e5 + 100.0, 4e6)],
                            crs=crs)
    assert walking_costs(net, blocks, shel, cutoff_m=1000.0)["cost_m"].tolist() == [100.0]
    far = shelter_coverage(blocks, shel, net, radius_m={"emergency": 50.0}).blocks
    near = shelter_coverage(blocks, shel, net, radius_m={"emergency": 500.0}).blocks
    assert far["dist_emergency_m"].tolist() == [100.0]  # beyond the radius: nearest_source
    assert near["dist_emergency_m"].tolist() == [100.0] and near["covered_emergency"].all()
