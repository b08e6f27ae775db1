"""Exact evacuation / shelter-capacity allocation (a transportation problem, issue 4).

Array level (no geometry): :func:`solve_transport` (exact) and :func:`greedy_transport`
(nearest-shelter-with-room baseline), both returning a :class:`TransportSolution`.
Network level: :func:`allocate_shelters` and :func:`greedy_nearest`, returning an
:class:`AllocationResult` of GeoDataFrames; :class:`AllocationSolver` re-solves one city after
small changes (closed roads, capacities, persons) from its last optimum.
"""

from __future__ import annotations

from jnrisk.allocation.allocate import AllocationResult, allocate_shelters, greedy_nearest
from jnrisk.allocation.solve import (
    TransportSolution,
    default_unserved_cost,
    greedy_transport,
    solve_transport,
)
from jnrisk.allocation.warm import AllocationSolver

__all__ = [
    "AllocationResult",
    "AllocationSolver",
    "allocate_shelters",
    "greedy_nearest",
    "TransportSolution",
    "default_unserved_cost",
    "greedy_transport",
    "solve_transport",
]
