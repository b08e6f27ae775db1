"""Where to act and who leaves when: bottleneck ranking and a staged departure plan.

Both re-run the loading model (:func:`~jnrisk.evacuation.load_groups`) on changed inputs, so
what they report is measured, not estimated: a street's gain is the clearance time saved when
only that street is widened; a plan's clearance is the one of a run with those delays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError
from jnrisk.evacuation.capacity import StreetCapacity
from jnrisk.evacuation.loading import EvacuationGroups, EvacuationResult, load_groups

__all__ = [
    "StagedPlan",
    "TimeAwareAssignment",
    "rank_bottlenecks",
    "staged_plan",
    "time_aware_assignment",
]


def _widen(network: Any, capacity: StreetCapacity, arc: int, factor: float) -> StreetCapacity:
    """Capacity with one street widened: every arc of the arc's road row (both directions)."""
    edge = np.asarray(network.arc_edge)
    arcs = np.flatnonzero(edge == edge[arc]) if edge[arc] >= 0 else np.array([arc])
    f = np.ones(capacity.n_arcs)
    f[arcs] = factor
    f[capacity.closed] = 0.0
    return capacity.with_factor(f)


def rank_bottlenecks(
    network: Any,
    capacity: StreetCapacity,
    groups: EvacuationGroups,
    base: EvacuationResult,
    *,
    top_k: int = 5,
    widen_factor: float = 2.0,
    **load_kw: Any,
) -> pd.DataFrame:
    """Rank the streets whose widening most shortens the clearance (measured by re-runs).

    The ``top_k`` arcs that held people back longest in ``base`` (``bottleneck_s``) are
    candidates; for each, the
    loading is run again with that street's capacity and storage times ``widen_factor``
    (both directions of a walk street) - a marshal or an opened barrier, say.

    Parameters
    ----------
    network, capacity, groups
        The inputs of ``base``.
    base : EvacuationResult
        The run to improve on.
    top_k : int
        Candidates to re-run (each costs one loading).
    widen_factor : float
        Capacity multiplier (> 1).
    **load_kw
        Further arguments of ``base`` (``departure``, ``dt_s``, ...).

    Returns
    -------
    pandas.DataFrame
        ``arc``, ``edge``, ``bottleneck_s``, ``clearance_95_s``, ``clearance_100_s``
        (after widening), ``gain_95_s``, ``gain_100_s``; best first.

    Examples
    --------
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [134.0, 134.0])
    >>> cap = StreetCapacity.from_arrays(net, [1.0, 0.5])
    >>> g = EvacuationGroups(np.array([0]), np.array([2]), np.array([100.0]), np.zeros(1),
    ...                      None, None, pd.DataFrame(index=range(1)))
    >>> base = load_groups(net, cap, **g.kwargs(), dt_s=5.0)
    >>> r = rank_bottlenecks(net, cap, g, base, dt_s=5.0)
    >>> r["arc"].tolist(), r["gain_100_s"].round().tolist()  # the narrow arc 1 first
    ([1, 0], [100.0, 0.0])
    """
    if not (isinstance(top_k, int) and top_k >= 0):
        raise ConfigError(f"top_k={top_k!r}; give a whole number >= 0.")
    if not (isinstance(widen_factor, int | float) and widen_factor > 1):
        raise ConfigError(f"widen_factor={widen_factor!r}; give a multiplier > 1.")
    # a queue stands on the arc *before* the street that holds people back: rank the
    # streets by how long they were the limit, then by the people they passed
    arcs = base.arcs.loc[base.arcs["bottleneck_s"] > 0]
    arcs = arcs.sort_values(["bottleneck_s", "throughput_persons"], ascending=False,
                            kind="stable")
    # one candidate per street
    arcs = arcs.drop_duplicates("edge") if (arcs["edge"] >= 0).all() else arcs
    rows = []
    for arc, edge, q in arcs[["arc", "edge", "bottleneck_s"]].head(top_k).itertuples(
            index=False):
        cap = _widen(network, capacity, int(arc), float(widen_factor))
        res = load_groups(network, cap, **groups.kwargs(), **load_kw)
        rows.append({
            "arc": int(arc), "edge": int(edge), "bottleneck_s": float(q),
            "clearance_95_s": res.clearance_95_s, "clearance_100_s": res.clearance_100_s,
            "gain_95_s": base.clearance_95_s - res.clearance_95_s,
            "gain_100_s": base.clearance_100_s - res.clearance_100_s,
        })
    out = pd.DataFrame(rows, columns=["arc", "edge", "bottleneck_s", "clearance_95_s",
                                      "clearance_100_s", "gain_95_s", "gain_100_s"])
    return out.sort_values(["gain_95_s", "gain_100_s"], ascending=False,
                           kind="stable").reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class StagedPlan:
    """A staged departure plan and what it achieves.

    Attributes
    ----------
    delays : pandas.DataFrame
        One row per sub-district: ``subdistrict``, ``persons``, ``delay_s`` (after the
        warning), ``clearance_95_s`` of that sub-district without and with the plan.
    target_95_s : float
    clearance_95_s, base_clearance_95_s : float
        City 95 % clearance with the plan and with everyone leaving on the curve.
    shortfall_s : float
        How much the plan misses the target by (0 when met).
    queued_person_s, base_queued_person_s : float
        Sum over streets of peak queue x congested time [person s], a crowding measure the
        plan lowers.
    result : EvacuationResult
        The run with the plan.
    """

    delays: pd.DataFrame
    target_95_s: float
    clearance_95_s: float
    base_clearance_95_s: float
    shortfall_s: float
    queued_person_s: float
    base_queued_person_s: float
    result: EvacuationResult

    @property
    def met(self) -> bool:
        """Whether the plan brings the 95 % clearance under the target."""
        return self.shortfall_s <= 0


def _crowding(res: EvacuationResult) -> float:
    a = res.arcs
    return float((a["peak_queue_persons"] * a["congested_s"]).sum()) if len(a) else 0.0


def _zone_t95(res: EvacuationResult) -> pd.Series:
    from jnrisk.evacuation.loading import _crossing

    out = {}
    for z in res.by_subdistrict.columns:
        out[z] = _crossing(res.time_s, res.by_subdistrict[z].to_numpy(), 0.95,
                           res.output_interval_s)
    return pd.Series(out, dtype=float)


def staged_plan(
    network: Any,
    capacity: StreetCapacity,
    groups: EvacuationGroups,
    *,
    target_95_s: float,
    wave_s: float = 600.0,
    max_waves: int = 3,
    base: EvacuationResult | None = None,
    **load_kw: Any,
) -> StagedPlan:
    """Which sub-districts leave when, keeping the city's 95 % clearance under a target.

    Sub-districts that clear early in the unstaged run can wait: they are spread over waves
    ``0, wave_s, 2 wave_s, ...`` (at most ``max_waves``), the most slack (target minus their
    own 95 % clearance) leaving last and none beyond its slack. Staging spreads the crowd
    and shortens the queues; a staged run is kept only if it meets the target and lowers the
    crowding (peak queue x congested time); otherwise the delays are halved (three tries),
    then dropped (everyone leaves on the curve). If even the
    unstaged run misses the target, the plan says by how much (``shortfall_s``): no
    departure order can make the streets pass people faster; widen the bottlenecks
    (:func:`rank_bottlenecks`) or add shelters.

    Parameters
    ----------
    network, capacity, groups
        As for :func:`load_groups` (``groups`` built with ``population=`` so sub-districts
        are known).
    target_95_s : float
        Target for the city's 95 % clearance [s].
    wave_s : float
        Delay between waves [s].
    max_waves : int
        Longest delay, in waves.
    base : EvacuationResult, optional
        The unstaged run, if already computed.
    **load_kw
        Further arguments of :func:`load_groups` (``departure``, ``dt_s``, ...).

    Returns
    -------
    StagedPlan

    Examples
    --------
    Two sub-districts share one street passing 1 person/s to the shelter: with a 25-minute
    target, one leaves 10 minutes after the other and the queue is shorter.

    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 3, 3], [2, 2, 3], [134.0, 134.0, 134.0])
    >>> cap = StreetCapacity.from_arrays(net, [5.0, 5.0, 1.0])
    >>> g = EvacuationGroups(np.array([0, 1]), np.array([3, 3]), np.array([300.0, 300.0]),
    ...                      np.zeros(2), None, np.array(["A", "B"], dtype=object),
    ...                      pd.DataFrame(index=range(2)))
    >>> plan = staged_plan(net, cap, g, target_95_s=1500.0, wave_s=600.0, max_waves=1,
    ...                    dt_s=5.0)
    >>> plan.delays["delay_s"].tolist(), plan.met
    ([0.0, 600.0], True)
    >>> plan.queued_person_s < plan.base_queued_person_s
    True
    """
    if not (isinstance(target_95_s, int | float) and math.isfinite(target_95_s)
            and target_95_s > 0):
        raise ConfigError(f"target_95_s={target_95_s!r}; give a time in seconds > 0.")
    if not (isinstance(wave_s, int | float) and wave_s > 0):
        raise ConfigError(f"wave_s={wave_s!r}; give seconds > 0.")
    if groups.subdistrict is None:
        raise ConfigError("staged_plan needs groups with sub-districts "
                          "(allocation_groups(..., population=...)).")
    if base is None:
        base = load_groups(network, capacity, **groups.kwargs(), **load_kw)
    t95 = _zone_t95(base)
    persons = pd.Series(groups.persons).groupby(
        pd.Series(groups.subdistrict).fillna("<none>").to_numpy()).sum()
    delays = pd.Series(0.0, index=t95.index)
    result = base
    best = _crowding(base)
    if base.clearance_95_s <= target_95_s and t95.size > 1:
        # spread the sub-districts over the waves: the earliest to clear in the unstaged run
        # (the most slack) leave last, each within its own slack
        slack = (target_95_s - t95).clip(lower=0).fillna(0.0)
        rank = slack.rank(method="first").to_numpy() - 1.0
        spread = np.floor(rank * (max_waves + 1) / t95.size)
        waves = np.minimum(spread, np.floor(slack.to_numpy() / wave_s))
        proposal = pd.Series(np.minimum(waves, max_waves) * wave_s, index=t95.index)
        for _ in range(3):
            if not (proposal > 0).any():
                break
            res = load_groups(network, capacity,
                              **groups.kwargs(proposal[proposal > 0].to_dict()), **load_kw)
            crowd = _crowding(res)
            if res.clearance_95_s <= target_95_s and crowd < best:
                delays, result, best = proposal, res, crowd
                break
            proposal = np.floor(proposal / 2.0 / wave_s) * wave_s
    after = _zone_t95(result)
    table = pd.DataFrame({
        "subdistrict": t95.index,
        "persons": persons.reindex(t95.index).fillna(0.0).to_numpy(),
        "delay_s": delays.reindex(t95.index).to_numpy(),
        "clearance_95_s_before": t95.to_numpy(),
        "clearance_95_s_after": after.reindex(t95.index).to_numpy(),
    }).sort_values(["delay_s", "subdistrict"], kind="stable").reset_index(drop=True)
    return StagedPlan(
        delays=table,
        target_95_s=float(target_95_s),
        clearance_95_s=float(result.clearance_95_s),
        base_clearance_95_s=float(base.clearance_95_s),
        shortfall_s=max(0.0, float(result.clearance_95_s) - float(target_95_s)),
        queued_person_s=_crowding(result),
        base_queued_person_s=_crowding(base),
        result=result,
    )


@dataclass(frozen=True, eq=False)
class TimeAwareAssignment:
    """Shelters re-chosen by expected evacuation time instead of walking distance.

    Attributes
    ----------
    groups : EvacuationGroups
        The time-aware (block, shelter) groups.
    result : EvacuationResult
        Loading of ``groups``.
    base_clearance_95_s, clearance_95_s : float
        95 % clearance of the distance-optimal and of the time-aware assignment.
    moved_persons : float
        Persons sent to another shelter than in the distance-optimal allocation.
    """

    groups: EvacuationGroups
    result: EvacuationResult
    base_clearance_95_s: float
    clearance_95_s: float
    moved_persons: float


def time_aware_assignment(  # noqa: PLR0913  keyword-only loading and iteration options
    allocation: Any,
    population: Any,
    shelters: Any,
    network: Any,
    capacity: StreetCapacity,
    base: EvacuationResult,
    *,
    free_speed_m_s: float = 1.34,
    iterations: int = 2,
    subdistrict_col: str = "town_id",
    district_col: str = "district",
    **load_kw: Any,
) -> TimeAwareAssignment:
    """Re-assign shelters by expected time: walk plus the queueing the last run showed.

    Every allowed (block, shelter) pair of the allocation gets the cost
    ``walk_m / free_speed + sum of delays on its route`` [s], where a street that held people
    back delays each of them by half the time it needed to pass everyone it carried
    (``0.5 * throughput / capacity``); the exact transport problem is solved again on these
    costs (same shelter places) and loaded. Delays are averaged over ``iterations``
    (successive averages) so people do not all jump to the other shelter at once. A heuristic:
    the returned plan is the best run seen, the distance-optimal one included.

    Parameters
    ----------
    allocation : AllocationResult
        The distance-optimal allocation (its candidate pairs and shelter places are reused).
    population, shelters : geopandas.GeoDataFrame
        The allocation's inputs (same order).
    network, capacity, base
        As for :func:`rank_bottlenecks`; ``base`` is the run of the distance-optimal groups.
    iterations : int
        Re-assignments to try.

    Returns
    -------
    TimeAwareAssignment

    Examples
    --------
    The near shelter lies behind a street passing 0.2 persons/s, the far one behind a wide
    street: by time, people go around.

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.allocation import allocate_shelters
    >>> from jnrisk.evacuation import allocation_groups
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 2, 3, 4], [1, 2, 0, 0], [134.0, 402.0, 134.0, 402.0],
    ...                            x=[0.0, 134.0, -402.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    >>> cap = StreetCapacity.from_arrays(net, [0.2, 5.0, 0.2, 5.0])
    >>> blocks = gpd.GeoDataFrame({"persons": [200], "district": ["A"], "town_id": [1]},
    ...                           geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> shelters = gpd.GeoDataFrame({"capacity_persons": [200, 200]},
    ...                             geometry=[Point(134, 0), Point(-402, 0)], crs="EPSG:4548")
    >>> alloc = allocate_shelters(blocks, shelters, net)
    >>> base = load_groups(net, cap, **allocation_groups(alloc, net).kwargs(), dt_s=5.0)
    >>> ta = time_aware_assignment(alloc, blocks, shelters, net, cap, base, dt_s=5.0)
    >>> round(ta.base_clearance_95_s), round(ta.clearance_95_s), ta.moved_persons
    (1055, 340, 200.0)
    """
    from jnrisk.allocation import solve_transport
    from jnrisk.evacuation.loading import shortest_routes
    from jnrisk.network import snap_points

    if not (isinstance(iterations, int) and iterations >= 1):
        raise ConfigError(f"iterations={iterations!r}; give a whole number >= 1.")
    sol = allocation.solution
    indptr = np.asarray(allocation.arc_indptr, np.int64)
    shel = np.asarray(allocation.arc_shelter, np.int64)
    walk = np.asarray(allocation.arc_walk_m, np.float64)
    blk = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    supply = (np.bincount(blk, weights=sol.flow, minlength=indptr.size - 1)
              + sol.unserved).astype(np.int64)
    places = allocation.shelters["capacity_persons"].to_numpy(dtype=np.int64)
    b_node = snap_points(network, population, on_far="ignore").node
    s_node = snap_points(network, shelters, on_far="ignore").node
    ptr, arcs, route_m = shortest_routes(network, b_node[blk], s_node[shel],
                                         closed=capacity.closed)
    reach = np.isfinite(route_m)
    off_walk = np.where(reach, np.maximum(walk - np.where(reach, route_m, 0.0), 0.0), 0.0)
    zones = {}
    for name, col in (("district", district_col), ("subdistrict", subdistrict_col)):
        zones[name] = population[col].to_numpy() if col in population.columns else None

    def arc_delay(res: EvacuationResult) -> np.ndarray:
        d = np.zeros(network.n_arcs)
        a = res.arcs.loc[res.arcs["bottleneck_s"] > 0]
        d[a["arc"].to_numpy()] = 0.5 * a["throughput_persons"].to_numpy() / \
            a["capacity_pps"].to_numpy()
        return d

    best = (base, None, 0.0)
    delay = arc_delay(base)
    base_flow = sol.flow
    for k in range(1, iterations + 1):
        on_route = np.add.reduceat(delay[arcs], ptr[:-1]) if arcs.size else np.zeros(blk.size)
        on_route = np.where(np.diff(ptr) > 0, on_route, 0.0)
        cost = np.where(reach, np.rint(walk / free_speed_m_s + on_route), 10 ** 9)
        new = solve_transport(supply, places, indptr, shel, cost.astype(np.int64))
        on = (new.flow > 0) & reach
        groups = EvacuationGroups(
            origin_node=b_node[blk[on]].astype(np.int64),
            target_node=s_node[shel[on]].astype(np.int64),
            persons=new.flow[on].astype(np.float64),
            offset_s=off_walk[on] / free_speed_m_s,
            district=None if zones["district"] is None else zones["district"][blk[on]],
            subdistrict=None if zones["subdistrict"] is None else zones["subdistrict"][blk[on]],
            labels=pd.DataFrame({"block": population.index.to_numpy()[blk[on]],
                                 "shelter": shelters.index.to_numpy()[shel[on]]}),
        )
        res = load_groups(network, capacity, **groups.kwargs(), **load_kw)
        moved = float(np.abs(new.flow - base_flow).sum()) / 2.0
        if res.clearance_95_s < best[0].clearance_95_s:
            best = (res, groups, moved)
        delay = (1.0 - 1.0 / (k + 1)) * delay + (1.0 / (k + 1)) * arc_delay(res)
    res, groups, moved = best
    if groups is None:  # nothing better than the distance-optimal plan
        from jnrisk.evacuation.loading import allocation_groups

        groups = allocation_groups(allocation, network, population=population,
                                   district_col=district_col, subdistrict_col=subdistrict_col,
                                   free_speed_m_s=free_speed_m_s)
    return TimeAwareAssignment(groups=groups, result=res,
                               base_clearance_95_s=float(base.clearance_95_s),
                               clearance_95_s=float(res.clearance_95_s), moved_persons=moved)
