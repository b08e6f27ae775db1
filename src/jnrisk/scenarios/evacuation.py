"""Scenario kind ``"evacuation"``: walking evacuation of a city in time.

Exact shelter allocation (with the scenario's road closures) -> street capacities from road
classes (defaults counted) -> Rayleigh departures -> link-queue loading to the shelters ->
arrival curves per district and sub-district, clearance times, congested streets, the
bottleneck streets worth widening and a staged departure plan for a 95 % target.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jnrisk.scenarios.config import param, validate_params
from jnrisk.scenarios.registry import ScenarioResult

__all__ = ["EvacuationParams", "run_evacuation"]


@dataclass(frozen=True)
class EvacuationParams:
    """Walking evacuation: departures, walking, capacity reductions and the plan's target.

    ``mean_departure_min`` is the mean of the Rayleigh departure curve (0: everyone at once);
    ``capacity_factor`` scales every street (debris, parked cars); ``target_95_min`` is the
    plan's target for the 95 % clearance; ``bottlenecks_top_k`` streets are re-run widened
    ``widen_factor`` times. With ``reassign_after_closures = false`` people keep the shelters
    of the intact-network plan and those cut off by the closures are reported as stranded.
    ``time_aware = true`` also re-chooses shelters by expected time (walk + queueing) and
    reports that plan's 95 % clearance.

    Examples
    --------
    >>> EvacuationParams().target_95_min
    60.0
    """

    mean_departure_min: float = param(15.0, kind=float, unit="minutes", ge=0, le=1440)
    free_speed_m_s: float = param(1.34, kind=float, unit="m/s", gt=0.2, le=3.0)
    capacity_factor: float = param(1.0, kind=float, unit="fraction", gt=0, le=10)
    output_interval_s: float = param(60.0, kind=float, unit="s", ge=10, le=3600)
    max_time_h: float = param(12.0, kind=float, unit="h", gt=0, le=72)
    target_95_min: float = param(60.0, kind=float, unit="minutes", gt=0, le=4320)
    wave_min: float = param(10.0, kind=float, unit="minutes", gt=0, le=720)
    bottlenecks_top_k: int = param(3, kind=int, unit="streets", ge=0, le=50)
    widen_factor: float = param(2.0, kind=float, unit="x capacity", gt=1, le=10)
    reassign_after_closures: bool = param(True, kind=bool)
    time_aware: bool = param(False, kind=bool)

    def __post_init__(self) -> None:
        validate_params(self)


def run_evacuation(scenario: Any, city: Any = None) -> ScenarioResult:
    """Run an evacuation scenario on ``city`` (see :mod:`jnrisk.scenarios.hazards`).

    Metrics: ``clearance_95_min``, ``clearance_100_min``, ``assigned_persons``,
    ``unassigned_persons`` (no shelter place within the walk), ``stranded_persons`` (shelter
    cut off by closures), ``congested_streets``, ``max_queue_persons``,
    ``default_capacity_arcs``, ``plan_met``, ``plan_shortfall_min``,
    ``plan_clearance_95_min``, ``best_widening_gain_95_min``, ``loading_status``, ``dt_s``
    (and ``time_aware_clearance_95_min``, ``time_aware_moved_persons`` with ``time_aware``).
    Tables: ``arrival_curve``, ``arrival_by_district``, ``staged_plan``, ``bottlenecks``;
    layer ``congested_streets``.

    Examples
    --------
    >>> from jnrisk.scenarios.evacuation import EvacuationParams
    >>> EvacuationParams(mean_departure_min=0).mean_departure_min  # everyone at once
    0.0
    """
    from jnrisk.allocation import allocate_shelters
    from jnrisk.evacuation import (
        DepartureCurve,
        allocation_groups,
        load_groups,
        rank_bottlenecks,
        staged_plan,
        street_capacities,
        time_aware_assignment,
    )
    from jnrisk.scenarios.hazards import _shelters, city_context, closed_edge_positions

    ctx = city_context(city)
    p: EvacuationParams = scenario.hazard
    c = ctx.city
    net = ctx.walk
    closed = closed_edge_positions(c.roads, scenario.network)
    shelters = _shelters(c, scenario.inventory_year)
    reassign = closed.size and p.reassign_after_closures
    alloc = allocate_shelters(c.population, shelters, net,
                              max_walk_m=scenario.allocation.max_walk_m,
                              m2_per_person=scenario.allocation.m2_per_person,
                              closed_edges=closed if reassign else None)
    a = alloc.summary()
    metrics: dict[str, Any] = {
        "total_persons": int(a["total_persons"]),
        "assigned_persons": int(a["served_persons"]),
        "unassigned_persons": int(a["unserved_persons"]),
        "closed_roads": int(closed.size),
    }
    if a["served_persons"] == 0:
        metrics.update(stranded_persons=0.0, clearance_95_min=float("nan"),
                       clearance_100_min=float("nan"), loading_status="nobody assigned")
        return ScenarioResult(metrics=metrics)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        cap = street_capacities(net, c.roads, free_speed_m_s=p.free_speed_m_s,
                                capacity_factor=p.capacity_factor,
                                closed_edges=closed if closed.size else None)
    groups = allocation_groups(alloc, net, population=c.population,
                               free_speed_m_s=p.free_speed_m_s)
    departure = (DepartureCurve.instant() if p.mean_departure_min == 0
                 else DepartureCurve.rayleigh(p.mean_departure_min * 60.0))
    kw = dict(departure=departure, output_interval_s=p.output_interval_s,
              max_time_s=p.max_time_h * 3600.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stranded persons and the status are in the metrics
        res = load_groups(net, cap, **groups.kwargs(), **kw)
        plan = staged_plan(net, cap, groups, target_95_s=p.target_95_min * 60.0,
                           wave_s=p.wave_min * 60.0, base=res, **kw)
        ranked = rank_bottlenecks(net, cap, groups, res, top_k=p.bottlenecks_top_k,
                                  widen_factor=p.widen_factor, **kw)
        aware = (time_aware_assignment(alloc, c.population, shelters, net, cap, res,
                                       free_speed_m_s=p.free_speed_m_s, **kw)
                 if p.time_aware else None)
    s = res.summary()
    metrics.update({
        "stranded_persons": float(s["stranded_persons"]),
        "clearance_95_min": s["clearance_95_s"] / 60.0,
        "clearance_100_min": s["clearance_100_s"] / 60.0,
        "loading_status": s["status"],
        "congested_streets": int(s["n_arcs_congested"]),
        "max_queue_persons": float(s["max_queue_persons"]),
        "default_capacity_arcs": int(cap.n_default_arcs),
        "plan_met": bool(plan.met),
        "plan_shortfall_min": plan.shortfall_s / 60.0,
        "plan_clearance_95_min": plan.clearance_95_s / 60.0,
        "best_widening_gain_95_min": float(ranked["gain_95_s"].max() / 60.0)
        if len(ranked) else 0.0,
        "dt_s": float(res.dt_s),
    })
    if aware is not None:
        metrics["time_aware_clearance_95_min"] = aware.clearance_95_s / 60.0
        metrics["time_aware_moved_persons"] = float(aware.moved_persons)
    curves = pd.DataFrame({"time_min": res.time_s / 60.0, "arrived_share": res.arrived_share})
    by_district = res.by_district.copy()
    by_district.columns = by_district.columns.astype(str)
    by_district = by_district.reset_index().assign(time_min=lambda d: d["time_s"] / 60.0)
    roads = c.roads
    arcs = res.arcs.loc[res.arcs["congested_s"] > 0]
    per_road = arcs.groupby("edge").agg(
        peak_queue_persons=("peak_queue_persons", "max"), congested_s=("congested_s", "max"),
        peak_flow_pps=("peak_flow_pps", "max"), bottleneck_s=("bottleneck_s", "max"))
    congested = roads.iloc[per_road.index.to_numpy(dtype=np.int64)][
        ["edge_id", "name", "road_class", "geometry"]].copy()
    for col in per_road.columns:
        congested[col] = per_road[col].to_numpy()
    ranked = ranked.assign(edge_id=roads["edge_id"].to_numpy()[ranked["edge"].to_numpy(
        dtype=np.int64)] if len(ranked) else [])
    stage = plan.delays.assign(subdistrict=lambda d: d["subdistrict"].astype(str))
    return ScenarioResult(
        metrics=metrics,
        tables={"arrival_curve": curves, "arrival_by_district": by_district,
                "staged_plan": stage, "bottlenecks": ranked},
        layers={"congested_streets": congested},
    )
