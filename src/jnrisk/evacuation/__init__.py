"""Evacuation in time: clearance, where the crowd jams, who should leave first.

How long until everyone is in a shelter, where the crowd jams, who should leave first.

- :func:`street_capacities`: flow capacity, storage and free-flow time per arc (Weidmann's
  walking diagram, lane capacity for driving; defaults counted and announced).
- :class:`DepartureCurve`: when people leave (instant, Rayleigh, S-curve, table).
- :func:`evacuate` / :func:`load_groups`: link-queue loading with spill-back (numba) along the
  shortest routes to the allocated shelters: arrival curves per district and sub-district,
  clearance times, per-street peak flow, queue and congested time, stranded persons.
- :func:`quickest_clearance`: the exact time-expanded LP bound (HiGHS) for small networks.
- :func:`rank_bottlenecks`, :func:`staged_plan`: streets worth widening, and a staged departure
  plan for a 95 % clearance target; :func:`time_aware_assignment` re-chooses shelters by
  expected time (walk + queueing) and compares with the distance-optimal allocation.
"""

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
from jnrisk.evacuation.plan import (
    StagedPlan,
    TimeAwareAssignment,
    rank_bottlenecks,
    staged_plan,
    time_aware_assignment,
)

__all__ = [
    "DEFAULT_WALK_WIDTH_M",
    "LANE_CAPACITY_VEH_H",
    "WEIDMANN_FREE_SPEED_M_S",
    "WEIDMANN_JAM_DENSITY_P_M2",
    "ClearanceBound",
    "DepartureCurve",
    "EvacuationGroups",
    "EvacuationResult",
    "StagedPlan",
    "StreetCapacity",
    "TimeAwareAssignment",
    "allocation_groups",
    "evacuate",
    "load_groups",
    "quickest_clearance",
    "rank_bottlenecks",
    "shortest_routes",
    "staged_plan",
    "street_capacities",
    "weidmann_max_flow",
    "time_aware_assignment",
    "weidmann_speed",
]
