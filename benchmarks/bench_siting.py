"""Benchmark: the covering engine (jnrisk.covering, behind jnrisk.shelters.site_new) vs spopt + CBC.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_siting.py [--radius 1000] [--k 10 50]
        [--spopt-timeout 300] [--sizes 2000 10000 all] [--no-spopt]

Instance: the bundled Jinan city (all 50,000 population blocks, the 1,000 synthetic candidate
sites, the 630 shelters) when ``jnrisk.datasets.jinan()`` loads, otherwise the seeded grid city
of ``benchmarks/_citygen.py``. Walking distances come from the walk road network
(``walking_costs``); a block is "already covered" if any existing shelter is within the radius,
so the MCLP maximises the newly covered population. Everything above is built outside the
timers. ``--sizes`` sweeps subsets of the blocks (seeded sample; ``all`` = every block).

For each size and k it times: jnrisk exact (HiGHS MILP on rows aggregated by coverage
pattern), jnrisk heuristic (greedy + Lagrangian bound, reports the gap) and spopt
``MCLP.from_cost_matrix(...).solve(PULP_CBC_CMD)`` in the same process on the same instance
(the dense cost matrix of the relevant blocks, i.e. uncovered blocks with a candidate in
reach). spopt is time-boxed with SIGALRM (model building and the CBC call); if it does not
finish, the script says so. Then the capacitated covering for the district with the largest
2 m² shortfall (exact vs heuristic vs spopt capacitated LSCP, minimising the number of sites).

There are no numba kernels in the covering engine; the network distances use jnrisk.network (its first
call is reported separately as compile/cache-load time).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


def load_city():
    """(blocks, shelters, candidates, roads, label)."""
    try:
        from jnrisk.datasets import jinan

        c = jinan()
        return c.population, c.shelters, c.candidates, c.roads, "bundled Jinan"
    except Exception as e:  # noqa: BLE001 - fall back to the seeded grid city
        print(f"(jinan() not available: {type(e).__name__}: {e}; using the grid city)")
        import geopandas as gpd

        from _citygen import make_grid_city

        roads, blocks, shelters = make_grid_city(
            n_nodes=200_000, n_blocks=50_000, n_shelters=630, seed=0
        )
        rng = np.random.default_rng(1)
        xy = rng.uniform(
            [roads.total_bounds[0], roads.total_bounds[1]],
            [roads.total_bounds[2], roads.total_bounds[3]],
            (1000, 2),
        )
        cands = gpd.GeoDataFrame(
            {"effective_area_m2": rng.uniform(2_000, 50_000, 1000)},
            geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
            crs=roads.crs,
        )
        return blocks, shelters, cands, roads, "grid city (seed 0)"


def spopt_mclp(dist, weights, radius, k, timeout_s):
    import pulp
    from spopt.locate import MCLP

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(timeout_s))
    t = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = MCLP.from_cost_matrix(dist, weights, service_radius=radius, p_facilities=k)
            m = m.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=timeout_s))
        return time.perf_counter() - t, float(pulp.value(m.problem.objective))
    except _Timeout:
        return None, None
    finally:
        signal.alarm(0)


def spopt_lscp_cap(dist, demand, cap, radius, timeout_s):
    import pulp
    from spopt.locate import LSCP

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(timeout_s))
    t = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = LSCP.from_cost_matrix(
                dist, service_radius=radius, demand_quantity_arr=demand, facility_capacity_arr=cap
            )
            m = m.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=timeout_s))
        return time.perf_counter() - t, float(pulp.value(m.problem.objective))
    except _Timeout:
        return None, None
    finally:
        signal.alarm(0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--radius", type=float, default=1000.0)
    ap.add_argument("--k", type=int, nargs="+", default=[10, 50])
    ap.add_argument("--sizes", nargs="+", default=["2000", "10000", "all"])
    ap.add_argument("--spopt-timeout", type=float, default=300.0)
    ap.add_argument("--no-spopt", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import scipy.sparse as sp

    from jnrisk.covering import capacitated_covering, maximal_covering
    from jnrisk.network import network_from_roads
    from jnrisk.shelters.coverage import walking_costs

    t0 = time.perf_counter()
    blocks, shelters, cands, roads, label = load_city()
    net = network_from_roads(roads, mode="walk", on_disconnected="ignore")
    print(f"city: {label}; {len(blocks):,} blocks, {len(cands):,} candidates, "
          f"{len(shelters):,} shelters, {net.n_nodes:,} walk nodes "
          f"(loaded + built in {time.perf_counter() - t0:.1f} s)")
    t = time.perf_counter()
    net.distances(np.array([0]), cutoff_m=10.0)
    print(f"network kernel first call (numba compile or cache load): "
          f"{time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c_cand = walking_costs(net, blocks, cands, cutoff_m=args.radius, on_far="ignore")
        c_shel = walking_costs(net, blocks, shelters, cutoff_m=args.radius, on_far="ignore")
    print(f"walking costs within {args.radius:g} m: {len(c_cand):,} block-candidate pairs, "
          f"{len(c_shel):,} block-shelter pairs ({time.perf_counter() - t:.1f} s, not timed "
          f"below)")
    covered = np.zeros(len(blocks), dtype=bool)
    covered[blocks.index.get_indexer(c_shel["origin"].unique())] = True
    persons = blocks["persons"].to_numpy(dtype=float)
    w_all = np.where(covered, 0.0, persons)
    bi = blocks.index.get_indexer(c_cand["origin"])
    cj = cands.index.get_indexer(c_cand["dest"])
    print(f"population {persons.sum():,.0f}; already within {args.radius:g} m of a shelter: "
          f"{persons[covered].sum():,.0f} ({100 * persons[covered].sum() / persons.sum():.1f} %)")

    rng = np.random.default_rng(args.seed)
    print("\n== MCLP: k new sites maximising newly covered persons ==")
    print(f"{'blocks':>8} {'k':>4} {'exact s':>8} {'heur s':>8} {'gap %':>7} {'heur/opt':>9} "
          f"{'spopt s':>9} {'spopt/exact':>11} {'same opt':>8}")
    for size in args.sizes:
        n = len(blocks) if size == "all" else min(int(size), len(blocks))
        rows = np.sort(rng.choice(len(blocks), n, replace=False)) if n < len(blocks) else None
        if rows is None:
            w = w_all
            sel = np.ones(len(bi), dtype=bool)
            pos = np.arange(len(blocks))
        else:
            w = w_all[rows]
            pos = np.full(len(blocks), -1)
            pos[rows] = np.arange(n)
            sel = pos[bi] >= 0
        a = sp.csr_matrix((np.ones(int(sel.sum())), (pos[bi[sel]], cj[sel])),
                          shape=(n, len(cands)))
        for k in args.k:
            t = time.perf_counter()
            ex = maximal_covering(w, a, k, method="exact")
            t_ex = time.perf_counter() - t
            t = time.perf_counter()
            he = maximal_covering(w, a, k, method="heuristic")
            t_he = time.perf_counter() - t
            sp_txt, ratio, same = "skipped", "", ""
            if not args.no_spopt:
                # relevant rows: weight > 0 and some candidate in reach (others cannot change
                # the optimum); dense costs, inf where out of reach
                rel = np.flatnonzero((w > 0) & (np.diff(a.indptr) > 0))
                mb = rel.size * len(cands) * 8 / 1e6
                if mb > 2_000:
                    sp_txt = f"skip({mb:.0f}MB)"
                else:
                    dense = np.full((rel.size, len(cands)), np.inf)
                    sub = a[rel].tocoo()
                    # coverage is all MCLP uses: 0 marks "within the radius", inf "out of it"
                    dense[sub.row, sub.col] = 0.0
                    t_sp, obj_sp = spopt_mclp(dense, w[rel], args.radius, k, args.spopt_timeout)
                    if t_sp is None:
                        sp_txt = f">{args.spopt_timeout:.0f} DNF"
                    else:
                        sp_txt = f"{t_sp:.2f}"
                        ratio = f"{t_sp / t_ex:.1f}x"
                        same = "yes" if abs(obj_sp - ex.objective) <= 1e-6 * max(
                            1.0, ex.objective) else f"NO {obj_sp:.0f}"
            print(f"{n:>8} {k:>4} {t_ex:>8.2f} {t_he:>8.2f} {he.gap_pct:>7.3f} "
                  f"{he.objective / max(ex.objective, 1e-9):>9.5f} {sp_txt:>9} {ratio:>11} "
                  f"{same:>8}")
            print(f"         newly covered: exact {ex.objective:,.0f} persons, heuristic "
                  f"{he.objective:,.0f}, bound {he.bound:,.0f}")

    print("\n== Capacitated covering: close the worst district's 2 m² shortfall ==")
    d = blocks["district"].to_numpy()
    area_by = shelters.groupby("district")["effective_area_m2"].sum()
    pop_by = blocks.groupby("district")["persons"].sum()
    short = (2.0 * pop_by - area_by.reindex(pop_by.index).fillna(0)).clip(lower=0)
    worst = short.idxmax()
    print(f"district {worst}: shortfall {short[worst]:,.0f} m² "
          f"({short[worst] / 2:,.0f} persons at 2 m²)")
    # demand: uncovered blocks of the district, scaled so the total equals the shortfall
    in_d = (d == worst) & ~covered
    dem = np.where(in_d, persons, 0.0)
    if dem.sum() > 0:
        dem *= min(1.0, (short[worst] / 2.0) / dem.sum())
    cand_ok = cands["district"].to_numpy() == worst
    rows = np.flatnonzero(dem > 0)
    keep = np.isin(bi, rows) & cand_ok[cj]
    rpos = np.full(len(blocks), -1)
    rpos[rows] = np.arange(len(rows))
    cols = np.flatnonzero(cand_ok)
    cpos = np.full(len(cands), -1)
    cpos[cols] = np.arange(len(cols))
    a = sp.csr_matrix((np.ones(int(keep.sum())), (rpos[bi[keep]], cpos[cj[keep]])),
                      shape=(len(rows), len(cols)))
    cap = np.floor(cands["effective_area_m2"].to_numpy()[cols] / 2.0)
    dd = np.round(dem[rows])
    print(f"{len(rows):,} blocks, {len(cols):,} candidates, {a.nnz:,} pairs, "
          f"{dd.sum():,.0f} persons to place")
    for method in ("exact", "heuristic"):
        t = time.perf_counter()
        r = capacitated_covering(dd, a, cap, method=method, time_limit_s=args.spopt_timeout)
        print(f"jnrisk {method:>9}: {r.objective:.0f} sites, bound {r.bound:.2f}, gap "
              f"{r.gap_pct:.2f} %, placed {r.covered_persons:,.0f}, unserved "
              f"{r.unserved_persons:,.0f} ({time.perf_counter() - t:.2f} s)")
        if method == "exact":
            t_ex, ex_obj, ex_r = time.perf_counter() - t, r.objective, r
    if not args.no_spopt:
        # spopt's capacitated LSCP must serve every block: give it the servable part of the
        # demand (what the exact optimum places per block). Any cheaper site set serving it
        # would also place the maximum, so both optima are equal.
        served = np.bincount(ex_r.assignment["block"], weights=ex_r.assignment["persons"],
                             minlength=len(dd))
        reach = served > 1e-9
        dense = np.where(a[reach].toarray() > 0, 0.0, np.inf)
        print(f"spopt instance: {int(reach.sum()):,} blocks with servable demand "
              f"({served.sum():,.0f} persons)")
        t_sp, obj_sp = spopt_lscp_cap(dense, served[reach], cap, args.radius,
                                      args.spopt_timeout)
        if t_sp is None:
            print(f"spopt LSCP (capacitated) + CBC: did not finish in {args.spopt_timeout:.0f} s")
        else:
            print(f"spopt LSCP (capacitated) + CBC: {obj_sp:.0f} sites ({t_sp:.2f} s, "
                  f"{t_sp / t_ex:.1f}x jnrisk exact); same optimum: "
                  f"{'yes' if abs(obj_sp - ex_obj) < 1e-6 else 'NO'}")


if __name__ == "__main__":
    main()
