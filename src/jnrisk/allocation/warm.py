"""Re-solving one city's shelter allocation after small changes, keeping the solver's state."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError
from jnrisk.allocation.allocate import (
    AllocationResult,
    _moved_flows,
    _prepare,
    _result,
    _walk_costs,
)
from jnrisk.allocation.solve import _as_count_array, _check_arcs, _solve_checked
from jnrisk.units import JINAN_SHELTER_M2_PER_PERSON

__all__ = ["AllocationSolver"]


class AllocationSolver:
    """Exact shelter allocation of one city that re-solves fast after small changes.

    The walking arcs of the intact network, the last optimum (flows and shelter prices) and
    the snapped nodes are kept. :meth:`solve` takes what changed (persons per block, places
    per shelter, closed roads) and starts from the last optimum: only the persons the change
    displaced are re-routed, and with closed roads only the shelters within ``max_walk_m``
    of a closed road get new walking distances. The answer is the same optimum as a cold
    :func:`jnrisk.allocation.allocate_shelters` (flows may differ among equal-cost ties).

    Parameters
    ----------
    population, shelters, network
        As in :func:`jnrisk.allocation.allocate_shelters` (fixed for the solver's life).
    max_walk_m, persons_col, capacity_col, m2_per_person, area_col, unserved_cost, max_snap_m
        As in :func:`jnrisk.allocation.allocate_shelters`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 3, 4], [1, 0, 2, 1], [500.0, 500.0, 700.0, 700.0],
    ...                            x=[0.0, 500.0, 1200.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    >>> blocks = gpd.GeoDataFrame({"persons": [300, 200]},
    ...                           geometry=[Point(0, 0), Point(1200, 0)], crs="EPSG:4548")
    >>> shelters = gpd.GeoDataFrame({"capacity_persons": [400]},
    ...                             geometry=[Point(500, 0)], crs="EPSG:4548")
    >>> solver = AllocationSolver(blocks, shelters, net)
    >>> solver.solve().summary()["unserved_persons"]
    100
    >>> solver.solve(capacity=[250]).summary()["unserved_persons"]
    250
    >>> solver.solve(closed_edges=[2, 3]).flows["persons"].tolist()  # road 1 - 2 closed
    [300]
    """

    def __init__(  # noqa: PLR0913  keyword-only options, same as allocate_shelters
        self,
        population: Any,
        shelters: Any,
        network: Any,
        *,
        max_walk_m: float = 2500.0,
        persons_col: str = "persons",
        capacity_col: str = "capacity_persons",
        m2_per_person: float = JINAN_SHELTER_M2_PER_PERSON,
        area_col: str = "effective_area_m2",
        unserved_cost: float | None = None,
        max_snap_m: float = 500.0,
    ) -> None:
        persons, capacity, indptr, shel, walk, snaps = _prepare(
            population,
            shelters,
            network,
            max_walk_m=max_walk_m,
            persons_col=persons_col,
            capacity_col=capacity_col,
            closed_edges=None,
            m2_per_person=m2_per_person,
            area_col=area_col,
            max_snap_m=max_snap_m,
        )
        self.population = population
        self.shelters = shelters
        self.network = network
        self.max_walk_m = float(max_walk_m)
        if unserved_cost is not None and not (
            math.isfinite(float(unserved_cost)) and float(unserved_cost) >= 0
        ):
            raise ConfigError(f"unserved_cost must be a finite number >= 0, got {unserved_cost!r}.")
        self.unserved_cost = unserved_cost
        self.persons = persons
        self.capacity = capacity
        _check_arcs(persons.shape[0], capacity.shape[0], indptr, shel, walk)
        self._base_arcs = (indptr, shel, walk)
        self._base_costs: dict = {}
        self._snaps = snaps
        self._last: AllocationResult | None = None

    @property
    def result(self) -> AllocationResult | None:
        """The last result of :meth:`solve` (None before the first)."""
        return self._last

    def solve(
        self, *, persons: Any = None, capacity: Any = None, closed_edges: Any = None
    ) -> AllocationResult:
        """Solve with these changes to the base problem (None: as given at construction).

        Parameters
        ----------
        persons : array of int, shape (n_blocks,), optional
            Persons per block, in the population's row order.
        capacity : array of int, shape (n_shelters,), optional
            Places per shelter, in the shelters' row order.
        closed_edges : bool mask or int positions of road rows, optional
            Roads closed (as in ``network.distances``); relative to the intact network, not
            to the previous call.

        Returns
        -------
        AllocationResult
            Same as :func:`jnrisk.allocation.allocate_shelters` on the changed inputs.
        """
        p = self._counts(persons, self.persons, "persons", "blocks")
        c = self._counts(capacity, self.capacity, "capacity", "shelters")
        indptr, shel, walk = self._arcs(closed_edges)
        warm = None
        if self._last is not None:
            last = self._last
            flow0 = _moved_flows(
                last.arc_indptr, last.arc_shelter, last.solution.flow, indptr, shel, c.shape[0]
            )
            from dataclasses import replace

            warm = replace(last.solution, flow=flow0)
        # the arcs come from the network and are valid; the intact ones keep their integer costs
        costs = self._base_costs if shel is self._base_arcs[1] else None
        sol = _solve_checked(p, c, indptr, shel, walk, self.unserved_cost, warm, costs)
        self._last = _result(
            self.population, self.shelters, p, c, indptr, shel, walk, sol, self.max_walk_m
        )
        return self._last

    def _counts(self, given: Any, base: np.ndarray, name: str, what: str) -> np.ndarray:
        if given is None:
            return base
        arr = _as_count_array(given, name)
        if arr.shape != base.shape:
            raise ConfigError(
                f"{name} has {arr.shape[0]:,} entries but the solver was built for "
                f"{base.shape[0]:,} {what}; give one value per row, in row order (build a new "
                f"AllocationSolver for other {what})."
            )
        return arr

    def _arcs(self, closed_edges: Any):
        """Return the arcs with these roads closed.

        Arcs with these roads closed: the intact arcs, with those of the shelters within
        reach of a closed road recomputed.
        """
        indptr, shel, walk = self._base_arcs
        if closed_edges is None:
            return indptr, shel, walk
        net = self.network
        arc_closed = net._arc_closed(closed_edges)
        if not arc_closed.any():
            return indptr, shel, walk
        b_node, b_snap, s_node, s_snap = self._snaps
        n_blocks, n_shel = b_node.shape[0], s_node.shape[0]
        if net.mode == "walk":
            tails = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))[arc_closed]
            ends = np.unique(np.concatenate([tails, np.asarray(net.indices)[arc_closed]]))
            # a walk through a closed road passes one of its ends within max_walk_m of the
            # shelter (undirected network: distance from the end = distance to it)
            _, d_end = net.nearest_source(ends, cutoff_m=self.max_walk_m)
            hit = np.flatnonzero(d_end[s_node] + s_snap <= self.max_walk_m)
        else:
            hit = np.arange(n_shel)
        if hit.size == 0:
            return indptr, shel, walk
        sub = _walk_costs(
            net, b_node, b_snap, s_node[hit], s_snap[hit], self.max_walk_m, closed_edges
        )
        sub_ptr, sub_shel, sub_walk = (
            sub.indptr.astype(np.int64), sub.indices.astype(np.int64), sub.data
        )
        affected = np.zeros(n_shel, bool)
        affected[hit] = True
        keep = ~affected[shel]
        blk = np.concatenate(
            [
                np.repeat(np.arange(n_blocks, dtype=np.int64), np.diff(indptr))[keep],
                np.repeat(np.arange(n_blocks, dtype=np.int64), np.diff(sub_ptr)),
            ]
        )
        order = np.argsort(blk, kind="stable")
        new_shel = np.concatenate([shel[keep], hit[sub_shel]])[order]
        new_walk = np.concatenate([walk[keep], sub_walk])[order]
        new_ptr = np.zeros(n_blocks + 1, np.int64)
        np.cumsum(np.bincount(blk, minlength=n_blocks), out=new_ptr[1:])
        return new_ptr, new_shel.astype(np.int64), new_walk
