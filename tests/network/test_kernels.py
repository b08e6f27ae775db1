"""Bounded Dijkstra and nearest-source labelling against scipy.sparse.csgraph and a naive heap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk import ConfigError, DataError, SchemaError
from jnrisk.network import RoadNetwork, _kernels

from .reference import naive_dijkstra, scipy_distances


def random_csr(rng, n, m, *, int_weights=False, zero_frac=0.05):
    tail = rng.integers(0, n, m)
    head = rng.integers(0, n, m)
    if int_weights:
        w = rng.integers(0, 4, m).astype(float)
    else:
        w = rng.uniform(0.0, 100.0, m)
        w[rng.random(m) < zero_frac] = 0.0
    order = np.argsort(tail, kind="stable")
    tail, head, w = tail[order], head[order], w[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return indptr, head.astype(np.int64), w


def assert_matches_scipy(net, D, sources, cutoff, closed_arcs=None):
    ref = scipy_distances(net.indptr, net.indices, net.weight_m, net.n_nodes, sources, cutoff,
                          closed_arcs)
    assert D.shape == (len(sources), net.n_nodes)
    assert D.dtype == np.float64
    # reached set: exactly scipy's finite entries (scipy keeps d <= limit, as we do)
    stored = np.zeros(D.shape, dtype=bool)
    rows = np.repeat(np.arange(D.shape[0]), np.diff(D.indptr))
    stored[rows, D.indices] = True
    np.testing.assert_array_equal(stored, np.isfinite(ref))
    np.testing.assert_allclose(D.toarray()[stored], ref[stored], rtol=0, atol=1e-9)
    # explicit zero at each source's own column
    for r, s in enumerate(sources):
        row = D.indices[D.indptr[r]:D.indptr[r + 1]]
        assert s in row
        assert D[r, s] == 0.0
    for r in range(D.shape[0]):  # each reached node stored once per row
        row = D.indices[D.indptr[r]:D.indptr[r + 1]]
        assert np.unique(row).size == row.size


graphs = st.tuples(
    st.integers(1, 40),  # nodes
    st.integers(0, 160),  # arcs
    st.integers(0, 2**32 - 1),  # seed
    st.sampled_from([np.inf, 0.0, 25.0, 80.0, 150.0]),
    st.booleans(),  # integer weights (many exact ties)
)


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_distances_equal_scipy_on_random_graphs(params):
    n, m, seed, cutoff, int_w = params
    rng = np.random.default_rng(seed)
    indptr, indices, w = random_csr(rng, n, m, int_weights=int_w)
    net = RoadNetwork.from_csr(indptr, indices, w)
    sources = rng.integers(0, n, rng.integers(0, 8))
    if sources.size > 1:
        sources[-1] = sources[0]  # duplicates allowed
    cut = cutoff if not int_w else (np.inf if np.isinf(cutoff) else round(cutoff / 25))
    D = net.distances(sources, cut, n_threads=2)
    assert_matches_scipy(net, D, sources, cut)
    S = net.distances(sources, cut, sort_indices=True)
    assert S.has_sorted_indices
    for r in range(S.shape[0]):
        assert (np.diff(S.indices[S.indptr[r]:S.indptr[r + 1]]) > 0).all()
    assert abs(S - D).nnz == 0 and S.nnz == D.nnz


@settings(max_examples=40, deadline=None)
@given(graphs)
def test_closures_equal_scipy_without_those_arcs(params):
    n, m, seed, cutoff, int_w = params
    rng = np.random.default_rng(seed)
    indptr, indices, w = random_csr(rng, n, m, int_weights=int_w)
    net = RoadNetwork.from_csr(indptr, indices, w)
    closed = rng.random(m) < 0.3
    sources = rng.integers(0, n, 3)
    D = net.distances(sources, cutoff, closed_edges=closed)
    assert_matches_scipy(net, D, sources, cutoff, closed)
    # the same closure given as positions
    D2 = net.distances(sources, cutoff, closed_edges=np.flatnonzero(closed))
    assert (D != D2).nnz == 0 and D.nnz == D2.nnz


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_nearest_source_equals_argmin_of_scipy(params):
    n, m, seed, cutoff, _ = params
    rng = np.random.default_rng(seed)
    # integer weights: equal distances are exact ties, which must go to the smallest index
    indptr, indices, w = random_csr(rng, n, m, int_weights=True)
    net = RoadNetwork.from_csr(indptr, indices, w)
    sources = rng.integers(0, n, rng.integers(1, 6))
    cut = np.inf if np.isinf(cutoff) else round(cutoff / 25)
    ref = scipy_distances(indptr, indices, w, n, sources, cut)
    best = ref.min(axis=0)
    expect = np.where(np.isfinite(best), np.argmin(ref, axis=0), -1)
    for method in ("auto", "dijkstra"):
        nearest, dist = net.nearest_source(sources, cut, method=method)
        np.testing.assert_array_equal(dist, best)
        np.testing.assert_array_equal(nearest, expect)
    # the breadth-first phase may hand over to the heap at any scan
    for budget in ((0.0, 1), (0.2, 0), (1.0, 3), (np.inf, 0)):
        lab, d, status = _kernels.nearest_source_labels(
            indptr, indices, w, np.zeros(0, bool), sources, cut, *budget)
        assert status == _kernels.STATUS_OK
        np.testing.assert_array_equal(d, best)
        np.testing.assert_array_equal(lab, expect)


budgets = st.sampled_from([(0.0, 0), (0.0, 3), (0.3, 0), (1.0, 2), (3.0, 256), (np.inf, 0)])


@settings(max_examples=80, deadline=None)
@given(graphs, budgets)
def test_every_switch_point_gives_the_dijkstra_result(params, budget):
    """The breadth-first phase may hand over to Dijkstra at any scan: same bits, any budget."""
    n, m, seed, cutoff, int_w = params
    rng = np.random.default_rng(seed)
    indptr, indices, w = random_csr(rng, n, m, int_weights=int_w)
    sources = rng.integers(0, n, rng.integers(1, 6))
    closed = rng.random(m) < 0.2 if seed % 2 else np.zeros(0, bool)
    ref = scipy_distances(indptr, indices, w, n, sources, cutoff, closed if closed.size else None)
    counts, cols, vals, status = _kernels.bounded_rows(
        indptr, indices, w, closed, sources, cutoff, False, np.empty(0, np.int32), *budget)
    assert status == _kernels.STATUS_OK
    starts = np.r_[0, np.cumsum(counts)]
    for r in range(sources.size):
        c, v = cols[starts[r]:starts[r + 1]], vals[starts[r]:starts[r + 1]]
        assert np.unique(c).size == c.size
        np.testing.assert_array_equal(np.sort(c), np.flatnonzero(np.isfinite(ref[r])))
        np.testing.assert_allclose(v, ref[r, c], rtol=0, atol=1e-9)


def test_auto_and_dijkstra_methods_agree_bit_for_bit_on_a_bad_case_for_fifo():
    """Bellman-Ford's bad case: the source reaches every node early by a long direct arc and
    a chain of short arcs improves them against the queue order, one step per round
    (O(k^2) scans): "auto" must hand over to Dijkstra and give the same bits."""
    k = 400
    tail = [0] * (k - 1) + list(range(2, k))
    head = list(range(1, k)) + list(range(1, k - 1))
    w = [1000.0 - 2 * i for i in range(1, k)] + [1.0] * (k - 2)
    order = np.argsort(tail, kind="stable")
    tail, head, w = np.array(tail)[order], np.array(head)[order], np.array(w)[order]
    indptr = np.zeros(k + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=k), out=indptr[1:])
    net = RoadNetwork.from_csr(indptr, head, w)
    a = net.distances([0, 5, 0], sort_indices=True)
    b = net.distances([0, 5, 0], sort_indices=True, method="dijkstra")
    assert (a != b).nnz == 0 and a.nnz == b.nnz
    ref = scipy_distances(indptr, head, w, k, [0, 5, 0])
    np.testing.assert_array_equal(a.toarray(), np.where(np.isfinite(ref), ref, 0.0))
    # the chain does win: node 1 is reached through node k-1
    assert a[0, 1] == 1000.0 - 2 * (k - 1) + (k - 2)
    with pytest.raises(ConfigError, match="method"):
        net.distances([0], method="bfs")


def test_distances_match_naive_heap_dijkstra(rng):
    indptr, indices, w = random_csr(rng, 300, 1500)
    net = RoadNetwork.from_csr(indptr, indices, w)
    sources = rng.integers(0, 300, 10)
    D = net.distances(sources, 120.0, n_threads=1)
    for r, s in enumerate(sources):
        ref = naive_dijkstra(indptr, indices, w, s, 120.0)
        got = dict(zip(D.indices[D.indptr[r]:D.indptr[r + 1]].tolist(),
                       D.data[D.indptr[r]:D.indptr[r + 1]].tolist(), strict=True))
        assert got.keys() == ref.keys()
        for k in ref:
            assert got[k] == pytest.approx(ref[k], abs=1e-9)


def test_threads_do_not_change_the_result(rng):
    indptr, indices, w = random_csr(rng, 500, 3000)
    net = RoadNetwork.from_csr(indptr, indices, w)
    sources = rng.integers(0, 500, 37)
    a = net.distances(sources, 150.0, n_threads=1)
    b = net.distances(sources, 150.0, n_threads=3)
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


def test_cutoff_is_inclusive_and_explicit_zeros_kept():
    # 0 -(0)-> 1 -(5)-> 2 -(5)-> 3
    net = RoadNetwork.from_csr([0, 1, 2, 3, 3], [1, 2, 3], [0.0, 5.0, 5.0])
    D = net.distances([0], 5.0, sort_indices=True)
    assert D.indices.tolist() == [0, 1, 2]
    assert D.data.tolist() == [0.0, 0.0, 5.0]
    assert D.nnz == 3  # both zeros are stored
    assert net.distances([3]).indices.tolist() == [3]  # isolated sink reaches only itself


def test_empty_sources_give_empty_matrix():
    net = RoadNetwork.from_csr([0, 1, 1], [1], [1.0])
    D = net.distances([], 10.0)
    assert D.shape == (0, 2) and D.nnz == 0
    nearest, dist = net.nearest_source([])
    assert nearest.tolist() == [-1, -1] and np.isinf(dist).all()


def test_inputs_not_modified_and_arrays_read_only(rng):
    indptr, indices, w = random_csr(rng, 20, 60)
    copies = [a.copy() for a in (indptr, indices, w)]
    net = RoadNetwork.from_csr(indptr, indices, w)
    sources = np.array([3, 1, 3])
    closed = np.zeros(60, bool)
    closed[::3] = True
    net.distances(sources, 50.0, closed_edges=closed)
    net.nearest_source(sources)
    for a, b in zip((indptr, indices, w), copies, strict=True):
        np.testing.assert_array_equal(a, b)
    assert sources.tolist() == [3, 1, 3] and closed.sum() == 20
    for arr in (net.indptr, net.indices, net.weight_m):
        assert not arr.flags.writeable
    w[0] = 1e9  # the network holds its own copy
    assert net.weight_m[0] != 1e9


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        (([0, 1, 3], [1, 0, 1], [1.0, np.nan, 2.0]), DataError, ["weight_m", "NaN", "arc"]),
        (([0, 1, 3], [1, 0, 1], [1.0, -2.0, 2.0]), DataError, ["negative", "arc row [1]"]),
        (([0, 1, 3], [1, 5, 1], [1.0, 1.0, 2.0]), DataError, ["indices outside 0..1"]),
        (([0, 2, 1], [1, 0], [1.0, 1.0]), DataError, ["indptr"]),
        (([], [], []), DataError, ["indptr is empty"]),
        (([0.0, 1.0], [0], [1.0]), SchemaError, ["indptr", "integer"]),
    ],
)
def test_from_csr_bad_input(args, error, words):
    with pytest.raises(error) as exc:
        RoadNetwork.from_csr(*args)
    for word in words:
        assert word in str(exc.value)


def test_query_bad_input():
    net = RoadNetwork.from_csr([0, 1, 1], [1], [1.0])
    with pytest.raises(DataError, match="outside 0..1"):
        net.distances([0, 2])
    with pytest.raises(SchemaError, match="node indices"):
        net.distances([0.5])
    with pytest.raises(DataError, match="cutoff_m"):
        net.distances([0], -1.0)
    with pytest.raises(DataError, match="cutoff_m"):
        net.nearest_source([0], np.nan)
    with pytest.raises(ConfigError, match=r"\['weight_m', 'time_s'\]"):
        net.distances([0], weight="length")
    with pytest.raises(ConfigError, match="no travel times"):
        net.distances([0], weight="time_s")
    with pytest.raises(DataError, match="one flag per input road row"):
        net.distances([0], closed_edges=np.zeros(5, bool))
    with pytest.raises(DataError, match="iloc"):
        net.distances([0], closed_edges=[7])


def test_components_and_summary():
    # 0 <-> 1, 2 -> 3 (weakly connected), 4 alone
    net = RoadNetwork.from_csr([0, 1, 2, 3, 3, 3], [1, 0, 3], [1.0, 1.0, 2.0])
    labels = net.components()
    assert labels[0] == labels[1] and labels[2] == labels[3]
    assert len(set(labels.tolist())) == 3 and labels[4] == 2
    s = net.summary()
    assert s["n_components"] == 3 and s["n_nodes"] == 5 and s["n_arcs"] == 3
    assert s["largest_component_nodes"] == 2 and s["isolated_nodes"] == 1
    assert "build_time_s" in s


@settings(max_examples=30, deadline=None)
@given(graphs)
def test_reversed_network_equals_scipy_transpose(params):
    n, m, seed, cutoff, _ = params
    rng = np.random.default_rng(seed)
    indptr, indices, w = random_csr(rng, n, m)
    net = RoadNetwork.from_csr(indptr, indices, w)
    rev = net.reversed()
    sources = rng.integers(0, n, 3)
    closed = rng.random(m) < 0.2
    D = rev.distances(sources, cutoff, closed_edges=closed)
    # scipy on the transposed graph without the closed arcs
    tail = np.repeat(np.arange(n), np.diff(indptr))
    keep = ~closed
    t_indptr = np.zeros(n + 1, dtype=np.int64)
    order = np.argsort(indices[keep], kind="stable")
    np.cumsum(np.bincount(indices[keep], minlength=n), out=t_indptr[1:])
    ref = scipy_distances(t_indptr, tail[keep][order], w[keep][order], n, sources, cutoff)
    np.testing.assert_allclose(D.toarray(), np.where(np.isfinite(ref), ref, 0.0), atol=1e-9)
    assert D.nnz == np.isfinite(ref).sum()
    twice = rev.reversed()
    assert abs(twice.distances(sources, cutoff) - net.distances(sources, cutoff)).nnz == 0
