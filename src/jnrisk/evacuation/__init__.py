"""Evacuation in time: street capacities, departure curves, dynamic loading, exact bounds."""

from __future__ import annotations

from jnrisk.evacuation.capacity import (
    DEFAULT_WALK_WIDTH_M,
    LANE_CAPACITY_VEH_H,
    WEIDMANN_FREE_SPEED_M_S,
    WEIDMANN_JAM_DENSITY_P_M2,
    StreetCapacity,
    street_capacities,
    weidmann_max_flow,
    weidmann_speed,
)
from jnrisk.evacuation.departure import DepartureCurve
from jnrisk.evacuation.exact import ClearanceBound, quickest_clearance
from jnrisk.evacuation.loading import (
    EvacuationGroups,
    EvacuationResult,
    allocation_groups,
    evacuate,
    load_groups,
    shortest_routes,
)
from jnrisk.evacuation.plan import StagedPlan, rank_bottlenecks, staged_plan

__all__ = [
    "ClearanceBound",
    "DEFAULT_WALK_WIDTH_M",
    "LANE_CAPACITY_VEH_H",
    "WEIDMANN_FREE_SPEED_M_S",
    "WEIDMANN_JAM_DENSITY_P_M2",
    "DepartureCurve",
    "EvacuationGroups",
    "EvacuationResult",
    "allocation_groups",
    "StagedPlan",
    "StreetCapacity",
    "evacuate",
    "load_groups",
    "quickest_clearance",
    "rank_bottlenecks",
    "staged_plan",
    "shortest_routes",
    "street_capacities",
    "weidmann_max_flow",
    "weidmann_speed",
]
