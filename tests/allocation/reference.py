"""Slow, plainly correct references for the allocation tests (independent of jnrisk's kernels)."""

from __future__ import annotations

import numpy as np


def random_instance(
    rng: np.random.Generator,
    n_src: int,
    n_shel: int,
    *,
    density: float = 0.5,
    max_cost: int = 50,
    max_supply: int = 9,
    max_cap: int = 15,
    float_costs: bool = False,
):
    """A random sparse instance in CSR form: (supply, capacity, indptr, shelter, cost)."""
    supply = rng.integers(0, max_supply + 1, n_src)
    capacity = rng.integers(0, max_cap + 1, n_shel)
    indptr = [0]
    shelter: list[int] = []
    for _ in range(n_src):
        js = np.flatnonzero(rng.random(n_shel) < density)
        shelter.extend(js.tolist())
        indptr.append(len(shelter))
    n_arcs = len(shelter)
    cost = rng.random(n_arcs) * max_cost if float_costs else rng.integers(0, max_cost + 1, n_arcs)
    return (
        supply.astype(np.int64),
        capacity.astype(np.int64),
        np.asarray(indptr, np.int64),
        np.asarray(shelter, np.int64),
        cost,
    )


def lp_objective(supply, capacity, indptr, shelter, cost, unserved_cost):
    """Optimal objective with scipy ``linprog(method="highs")`` (LP = IP: totally unimodular)."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    n_src, n_shel, n_arcs = len(supply), len(capacity), len(shelter)
    src = np.repeat(np.arange(n_src), np.diff(indptr))
    c = np.concatenate([np.asarray(cost, float), np.full(n_src, float(unserved_cost))])
    a_eq = coo_matrix(
        (
            np.ones(n_arcs + n_src),
            (np.concatenate([src, np.arange(n_src)]), np.arange(n_arcs + n_src)),
        ),
        shape=(n_src, n_arcs + n_src),
    )
    a_ub = coo_matrix(
        (np.ones(n_arcs), (shelter, np.arange(n_arcs))), shape=(n_shel, n_arcs + n_src)
    )
    res = linprog(
        c,
        A_ub=a_ub if n_shel else None,
        b_ub=capacity if n_shel else None,
        A_eq=a_eq if n_src else None,
        b_eq=supply if n_src else None,
        bounds=(0, None),
        method="highs",
    )
    assert res.status == 0, res.message
    duals = -res.ineqlin.marginals if n_shel else np.zeros(0)
    return float(res.fun), duals


def ortools_objective(supply, capacity, indptr, shelter, cost, unserved_cost) -> int:
    """Optimal objective with OR-Tools ``SimpleMinCostFlow`` (integer costs only)."""
    from ortools.graph.python import min_cost_flow

    n_src, n_shel = len(supply), len(capacity)
    total = int(np.sum(supply))
    unserved_node, sink = n_src + n_shel, n_src + n_shel + 1
    smcf = min_cost_flow.SimpleMinCostFlow()
    src = np.repeat(np.arange(n_src), np.diff(indptr))
    for k in range(len(shelter)):
        smcf.add_arc_with_capacity_and_unit_cost(
            int(src[k]), n_src + int(shelter[k]), int(supply[src[k]]), int(cost[k])
        )
    for i in range(n_src):
        smcf.add_arc_with_capacity_and_unit_cost(
            i, unserved_node, int(supply[i]), int(unserved_cost)
        )
        smcf.set_node_supply(i, int(supply[i]))
    for j in range(n_shel):
        smcf.add_arc_with_capacity_and_unit_cost(n_src + j, sink, int(capacity[j]), 0)
    smcf.add_arc_with_capacity_and_unit_cost(unserved_node, sink, total, 0)
    smcf.set_node_supply(sink, -total)
    status = smcf.solve()
    assert status == smcf.OPTIMAL, status
    return int(smcf.optimal_cost())


def check_certificate(supply, capacity, indptr, shelter, cost, sol, *, rtol=0.0):
    """Primal feasibility, integrality and complementary slackness of ``sol`` (asserts)."""
    n_src = len(supply)
    src = np.repeat(np.arange(n_src), np.diff(indptr))
    flow, unserved, price = sol.flow, sol.unserved, sol.shelter_price
    assert flow.dtype == np.int64 and unserved.dtype == np.int64
    assert (flow >= 0).all() and (unserved >= 0).all()
    served = np.bincount(src, weights=flow, minlength=n_src) if n_src else np.zeros(0)
    np.testing.assert_array_equal(served + unserved, supply)
    used = np.bincount(shelter, weights=flow, minlength=len(capacity))
    assert (used <= capacity).all()
    m = sol.unserved_cost
    tol = rtol * max(m, 1.0)
    assert (price >= -tol).all()
    cp = np.asarray(cost, float) + price[shelter]
    v = np.full(n_src, m, dtype=float)
    if len(shelter):
        np.minimum.at(v, src, cp)
    on = flow > 0
    np.testing.assert_allclose(cp[on], v[src[on]], rtol=0, atol=tol)
    assert np.all(np.abs(v[unserved > 0] - m) <= tol)
    full = used == capacity
    assert np.all(full[price > tol])
