"""Array-level exact solver: oracles (HiGHS, OR-Tools), certificate, greedy, warm start, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk import ConfigError, DataError, JnriskError, SchemaError
from jnrisk.allocation import greedy_transport, solve_transport

from .reference import (
    check_certificate,
    lp_objective,
    ortools_objective,
    random_instance,
)


@st.composite
def instances(draw, float_costs=False):
    n_src = draw(st.integers(1, 12))
    n_shel = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.sampled_from([0.0, 0.3, 0.6, 1.0]))
    max_cost = draw(st.sampled_from([0, 1, 3, 50]))  # small max -> many ties
    max_cap = draw(st.sampled_from([0, 3, 15, 60]))  # capacity below / above demand
    rng = np.random.default_rng(seed)
    return random_instance(
        rng,
        n_src,
        n_shel,
        density=density,
        max_cost=max_cost,
        max_cap=max_cap,
        float_costs=float_costs,
    )


@settings(max_examples=120, deadline=None)
@given(inst=instances())
def test_matches_highs_and_certificate(inst):
    sol = solve_transport(*inst)
    lp, _ = lp_objective(*inst, sol.unserved_cost)
    assert sol.objective == pytest.approx(lp, rel=1e-9, abs=1e-6)
    check_certificate(*inst, sol)
    assert sol.objective == sol.travel + sol.unserved_cost * sol.unserved.sum()


@settings(max_examples=60, deadline=None)
@given(inst=instances())
def test_matches_ortools(inst):
    pytest.importorskip("ortools")
    sol = solve_transport(*inst)
    assert sol.objective == ortools_objective(*inst, int(sol.unserved_cost))


@settings(max_examples=60, deadline=None)
@given(inst=instances(float_costs=True))
def test_float_costs_match_highs(inst):
    sol = solve_transport(*inst)
    lp, _ = lp_objective(*inst, sol.unserved_cost)
    assert sol.objective == pytest.approx(lp, rel=1e-9, abs=1e-9)
    check_certificate(*inst, sol, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(inst=instances(), penalty=st.sampled_from([0, 1, 10, 40]))
def test_user_penalty_matches_highs(inst, penalty):
    sol = solve_transport(*inst, unserved_cost=penalty)
    lp, _ = lp_objective(*inst, penalty)
    assert sol.objective == pytest.approx(lp, rel=1e-9, abs=1e-6)
    check_certificate(*inst, sol)


@settings(max_examples=60, deadline=None)
@given(inst=instances())
def test_greedy_never_beats_exact(inst):
    exact = solve_transport(*inst)
    greedy = greedy_transport(*inst)
    assert greedy.unserved_cost == exact.unserved_cost
    assert greedy.objective >= exact.objective
    served = np.bincount(
        np.repeat(np.arange(len(inst[0])), np.diff(inst[2])),
        weights=greedy.flow,
        minlength=len(inst[0]),
    )
    np.testing.assert_array_equal(served + greedy.unserved, inst[0])


@settings(max_examples=40, deadline=None)
@given(inst=instances(), data=st.data())
def test_price_is_saving_of_one_more_place(inst, data):
    sol = solve_transport(*inst)
    supply, capacity, indptr, shelter, cost = inst
    j = data.draw(st.integers(0, len(capacity) - 1))
    cap2 = capacity.copy()
    cap2[j] += 1
    more = solve_transport(supply, cap2, indptr, shelter, cost, unserved_cost=sol.unserved_cost)
    assert sol.objective - more.objective == pytest.approx(sol.shelter_price[j], abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(inst=instances(), data=st.data())
def test_warm_start_gives_cold_optimum(inst, data):
    supply, capacity, indptr, shelter, cost = inst
    prev = solve_transport(*inst)
    # a small change: one shelter lost or resized, some arcs longer (closed edges)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    cap2 = capacity.copy()
    cap2[rng.integers(len(cap2))] = rng.integers(0, 20)
    cost2 = cost + rng.integers(0, 2, len(cost)) * rng.integers(0, 30, len(cost))
    supply2 = supply + rng.integers(0, 2, len(supply))
    m = prev.unserved_cost * 3
    cold = solve_transport(supply2, cap2, indptr, shelter, cost2, unserved_cost=m)
    warm = solve_transport(supply2, cap2, indptr, shelter, cost2, unserved_cost=m, warm_start=prev)
    assert warm.objective == cold.objective
    check_certificate(supply2, cap2, indptr, shelter, cost2, warm)
    np.testing.assert_allclose(warm.shelter_price, cold.shelter_price)
    # an arbitrary (even nonsense) price vector as warm start is still exact
    junk = rng.integers(0, 100, len(capacity)).astype(float)
    assert (
        solve_transport(
            supply2, cap2, indptr, shelter, cost2, unserved_cost=m, warm_start=junk
        ).objective
        == cold.objective
    )


def test_hand_computed_case():
    # blocks A (5 persons) and B (5) ; shelters X (cap 5) near both, Y (cap 5) far from A only
    supply = [5, 5]
    capacity = [5, 5]
    indptr = [0, 2, 3]
    shelter = [0, 1, 0]
    cost = [100, 400, 200]
    sol = solve_transport(supply, capacity, indptr, shelter, cost)
    # greedy-by-nearest would put A in X and leave B unserved; optimum moves A to Y
    assert sol.flow.tolist() == [0, 5, 5]
    assert sol.unserved.tolist() == [0, 0]
    assert sol.travel == 5 * 400 + 5 * 200
    greedy = greedy_transport(supply, capacity, indptr, shelter, cost)
    assert greedy.unserved.tolist() == [0, 5]


def test_empty_and_degenerate():
    sol = solve_transport(np.zeros(0, np.int64), np.zeros(0, np.int64), [0], [], [])
    assert sol.objective == 0 and sol.flow.size == 0
    sol = solve_transport([4], [], [0, 0], np.zeros(0, np.int64), np.zeros(0))
    assert sol.unserved.tolist() == [4]
    sol = solve_transport([0, 0], [3], [0, 1, 2], [0, 0], [1, 2])
    assert sol.objective == 0 and sol.shelter_price.tolist() == [0.0]


def test_realistic_small_city_matches_highs(rng):
    # 400 blocks on a 10 km square, 12 shelters, Euclidean metres within 2,500 m
    xy_b = rng.uniform(0, 10_000, (400, 2))
    xy_s = rng.uniform(0, 10_000, (12, 2))
    persons = rng.integers(0, 400, 400)
    capacity = rng.integers(0, 9_000, 12)
    d = np.hypot(*(xy_b[:, None, :] - xy_s[None, :, :]).transpose(2, 0, 1)) * 1.3
    ok = d <= 2_500
    indptr = np.concatenate([[0], np.cumsum(ok.sum(1))])
    shelter = np.nonzero(ok)[1]
    cost = np.rint(d[ok]).astype(np.int64)
    sol = solve_transport(persons, capacity, indptr, shelter, cost)
    lp, duals = lp_objective(persons, capacity, indptr, shelter, cost, sol.unserved_cost)
    assert sol.objective == pytest.approx(lp, rel=1e-12)
    check_certificate(persons, capacity, indptr, shelter, cost, sol)
    assert sol.objective == ortools_objective(
        persons, capacity, indptr, shelter, cost, int(sol.unserved_cost)
    )
    g = greedy_transport(persons, capacity, indptr, shelter, cost)
    assert g.objective >= sol.objective


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"supply": [-1, 2]}, DataError, ["supply", "negative", "index [0]"]),
        ({"capacity": [3, -2]}, DataError, ["capacity", "negative", "index [1]"]),
        ({"supply": [1.5, 2]}, DataError, ["whole persons"]),
        ({"cost": [1.0, np.nan, 2.0]}, DataError, ["NaN", "arc [1]"]),
        ({"cost": [1.0, np.inf, 2.0]}, DataError, ["infinite", "arc [1]"]),
        ({"cost": [1, -3, 2]}, DataError, [">= 0", "arc [1]"]),
        ({"shelter": [0, 2, 1]}, DataError, ["[0, 2)", "arc [1]"]),
        ({"shelter": [0, -1, 1]}, DataError, ["out of range"]),
        ({"indptr": [0, 3]}, SchemaError, ["len(supply) + 1 = 3"]),
        ({"indptr": [0, 2, 1]}, SchemaError, ["never decrease"]),
        ({"cost": [1, 2]}, SchemaError, ["same length"]),
        ({"unserved_cost": -1}, ConfigError, ["unserved_cost"]),
        ({"unserved_cost": float("nan")}, ConfigError, ["unserved_cost"]),
    ],
)
def test_bad_input(kwargs, error, words):
    args = {
        "supply": [2, 3],
        "capacity": [3, 3],
        "indptr": [0, 2, 3],
        "shelter": [0, 1, 1],
        "cost": [1, 2, 3],
    }
    args.update(kwargs)
    uc = args.pop("unserved_cost", None)
    with pytest.raises(error) as exc:
        solve_transport(*args.values(), unserved_cost=uc)
    assert isinstance(exc.value, JnriskError)
    for w in words:
        assert w in str(exc.value)


def test_warm_start_wrong_length():
    with pytest.raises(SchemaError, match="same shelters"):
        solve_transport([1], [1], [0, 1], [0], [1], warm_start=np.zeros(3))


def test_inputs_not_mutated(rng):
    inst = random_instance(rng, 8, 3)
    copies = [a.copy() for a in inst]
    solve_transport(*inst)
    greedy_transport(*inst)
    for a, b in zip(inst, copies, strict=True):
        np.testing.assert_array_equal(a, b)
