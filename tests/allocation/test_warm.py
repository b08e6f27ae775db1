"""Warm re-solves: the same optimum as a cold solve after random changes, and clear errors
when the previous result belongs to another problem."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk import ConfigError, JnriskError
from jnrisk.allocation import AllocationSolver, allocate_shelters, solve_transport

from .reference import check_certificate, lp_objective, random_instance
from .test_allocate import city  # noqa: F401  (module fixture)


@settings(max_examples=120, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_src=st.integers(1, 14),
    n_shel=st.integers(1, 7),
    kind=st.sampled_from(["capacity", "supply", "cost", "arcs", "all"]),
)
def test_warm_flows_give_the_cold_optimum(seed, n_src, n_shel, kind):
    """Flows and prices of the previous optimum as a start: same objective as a cold solve
    (and as HiGHS), complementary slackness holds, and the smallest prices agree."""
    rng = np.random.default_rng(seed)
    supply, capacity, indptr, shelter, cost = random_instance(
        rng, n_src, n_shel, density=0.6, max_cost=20, max_cap=25
    )
    prev = solve_transport(supply, capacity, indptr, shelter, cost)
    s2, c2, cost2, sh2 = supply.copy(), capacity.copy(), cost.copy(), shelter.copy()
    if kind in ("capacity", "all"):
        j = rng.integers(n_shel)
        c2[j] = max(0, c2[j] - rng.integers(0, 10))
    if kind in ("supply", "all"):
        s2 = s2 + rng.integers(0, 2, n_src) * rng.integers(0, 6, n_src)
    if kind in ("cost", "all"):
        cost2 = cost2 + rng.integers(0, 2, cost2.size) * rng.integers(0, 15, cost2.size)
    if kind in ("arcs", "all") and sh2.size:
        sh2 = (sh2 + rng.integers(0, 2, sh2.size)) % n_shel  # arcs moved: flows land anywhere
        order = [
            np.unique(sh2[a:b], return_index=True)[1] + a
            for a, b in zip(indptr[:-1], indptr[1:], strict=True)
        ]
        keep = np.concatenate(order) if order else np.zeros(0, int)
        keep = np.sort(keep)
        blk = np.repeat(np.arange(n_src), np.diff(indptr))[keep]
        sh2, cost2 = sh2[keep], cost2[keep]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(blk, minlength=n_src))])
    m = prev.unserved_cost * 2
    inst = (s2, c2, indptr, sh2, cost2)
    cold = solve_transport(*inst, unserved_cost=m)
    flows = prev.flow if prev.flow.size == sh2.size else None
    warm_start = prev if flows is not None else prev.shelter_price
    warm = solve_transport(*inst, unserved_cost=m, warm_start=warm_start)
    assert warm.objective == cold.objective
    assert warm.served == cold.served
    lp, _ = lp_objective(*inst, m)
    assert warm.objective == pytest.approx(lp, rel=1e-9, abs=1e-6)
    check_certificate(*inst, warm)
    np.testing.assert_allclose(warm.shelter_price, cold.shelter_price)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_solver_matches_cold_allocation(city, data):  # noqa: F811
    roads, net, blocks, shelters = city
    solver = _solver(city)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    kind = data.draw(st.sampled_from(["roads", "capacity", "persons", "mixed"]))
    closed = capacity = persons = None
    b, s = blocks, shelters
    cap0 = solver.capacity
    if kind in ("roads", "mixed"):
        closed = rng.choice(len(roads), int(rng.integers(1, 40)), replace=False)
    if kind in ("capacity", "mixed"):
        capacity = (cap0 * rng.uniform(0.5, 1.0, cap0.size)).astype(np.int64)
        s = shelters.assign(capacity_persons=capacity)
    if kind in ("persons", "mixed"):
        persons = (blocks["persons"].to_numpy() * rng.uniform(1.0, 1.3, len(blocks))).astype(
            np.int64
        )
        b = blocks.assign(persons=persons)
    warm = solver.solve(closed_edges=closed, capacity=capacity, persons=persons)
    cold = allocate_shelters(b, s, net, max_walk_m=700.0, closed_edges=closed)
    assert warm.solution.objective == pytest.approx(cold.solution.objective, rel=1e-12)
    assert warm.summary()["served_persons"] == cold.summary()["served_persons"]
    # the same allowed pairs and walks (the solver recomputed only the shelters near closures)
    np.testing.assert_allclose(np.sort(warm.arc_walk_m), np.sort(cold.arc_walk_m), rtol=1e-12)
    np.testing.assert_allclose(
        warm.solution.shelter_price, cold.solution.shelter_price, rtol=1e-9, atol=1e-6
    )


_SOLVERS: dict = {}


def _solver(city):  # noqa: F811
    """One solver per test module, re-used across examples (its state carries over)."""
    if "s" not in _SOLVERS:
        _, net, blocks, shelters = city
        _SOLVERS["s"] = AllocationSolver(blocks, shelters, net, max_walk_m=700.0)
    return _SOLVERS["s"]


def test_warm_start_from_other_blocks_or_shelters_is_refused(city):  # noqa: F811
    _, net, blocks, shelters = city
    base = allocate_shelters(blocks, shelters, net, max_walk_m=700.0)
    with pytest.raises(ConfigError) as exc:
        allocate_shelters(blocks.iloc[:-3], shelters, net, max_walk_m=700.0, warm_start=base)
    assert "population blocks" in str(exc.value) and "90 blocks then, 87 now" in str(exc.value)
    other = blocks.set_axis(np.arange(len(blocks)) + 5000)
    with pytest.raises(JnriskError) as exc:
        allocate_shelters(other, shelters, net, max_walk_m=700.0, warm_start=base)
    assert "1000" in str(exc.value) and "5000" in str(exc.value)
    more = shelters.rename(index={"S5": "S99"})
    with pytest.raises(ConfigError) as exc:
        allocate_shelters(blocks, more, net, max_walk_m=700.0, warm_start=base)
    assert "S99" in str(exc.value) and "without the shelters" in str(exc.value)


def test_solver_bad_changes(city):  # noqa: F811
    solver = _solver(city)
    with pytest.raises(ConfigError) as exc:
        solver.solve(capacity=[1, 2, 3])
    assert "capacity" in str(exc.value) and "8 shelters" in str(exc.value)
    with pytest.raises(JnriskError) as exc:
        solver.solve(persons=-np.ones(90))
    assert "persons" in str(exc.value) and "negative" in str(exc.value)


def test_warm_path_reroutes_only_the_displaced(city):  # noqa: F811
    """After a capacity cut in one shelter the warm solve needs far fewer searches."""
    _, net, blocks, shelters = city
    solver = AllocationSolver(blocks, shelters, net, max_walk_m=700.0)
    cold = solver.solve()
    cap = solver.capacity.copy()
    cap[int(np.argmax(cap))] //= 2
    warm = solver.solve(capacity=cap)
    assert warm.solution.n_searches < max(cold.solution.n_searches, 4) / 2
