"""Network-level shelter allocation: GeoDataFrames + a road network in, GeoDataFrames out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataError, SchemaError
from jnrisk._validate import (
    non_negative_values,
    real_number,
    require_columns,
    same_crs,
    valid_geometry,
)
from jnrisk.allocation.solve import TransportSolution, greedy_transport, solve_transport
from jnrisk.units import JINAN_SHELTER_M2_PER_PERSON

__all__ = ["AllocationResult", "allocate_shelters", "greedy_nearest"]

#: Largest count (persons, places) and largest column total the solver accepts: its sums
#: and flows are int64.
COUNT_LIMIT = 2**62


@dataclass(frozen=True)
class AllocationResult:
    """Who walks to which shelter.

    ``flows``, ``shelters`` and ``unserved`` are built from the arrays on first access (and
    then kept): a caller that only needs ``summary()`` or ``solution`` does not pay for the
    GeoDataFrames.

    Attributes
    ----------
    flows : geopandas.GeoDataFrame
        One row per (block, shelter) pair that carries people: ``block`` (population index
        label), ``shelter`` (shelters index label), ``persons``, ``walk_m`` and a straight
        LineString block -> shelter (for maps; the walk itself follows the roads). A block
        may be split between shelters.
    shelters : geopandas.GeoDataFrame
        The input shelters (same index) plus ``capacity_persons``, ``assigned_persons``,
        ``utilisation_pct``, ``full`` and ``shelter_price`` (how many person-metres of the
        objective one more place there would save, penalty of the unserved included; NaN for
        the greedy baseline).
    unserved : geopandas.GeoDataFrame
        The population rows with unserved persons: input columns plus ``served_persons`` and
        ``unserved_persons``.
    solution : TransportSolution
        The array-level solution (arc flows, prices, objective), reusable as ``warm_start``.
    max_walk_m : float
        The walking limit used.
    total_persons : int
        Sum of the population's persons.
    arc_indptr, arc_shelter, arc_walk_m : numpy.ndarray
        Every allowed (block, shelter) pair in CSR form by block position (the arcs of
        ``solution.flow``): shelter positions and walk [m].
    """

    solution: TransportSolution
    max_walk_m: float
    total_persons: int = 0
    arc_indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64), repr=False)
    arc_shelter: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    arc_walk_m: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    #: (population, shelters, persons, capacity) the tables are built from
    _inputs: tuple = field(default=(), repr=False, compare=False)

    def _assigned(self) -> np.ndarray:
        fs = self.arc_shelter[self.solution.flow > 0]
        flow = self.solution.flow[self.solution.flow > 0]
        n_shel = self._inputs[3].shape[0]
        return np.bincount(fs, weights=flow, minlength=n_shel).astype(np.int64)

    @cached_property
    def flows(self) -> Any:
        """Block -> shelter assignments: ``block_id``, ``shelter_id``, persons and walk [m]."""
        import geopandas as gpd
        import pandas as pd
        import shapely

        population, shelters, persons, _ = self._inputs
        sol = self.solution
        blk = np.repeat(np.arange(persons.shape[0], dtype=np.int64), np.diff(self.arc_indptr))
        on = sol.flow > 0
        fb, fs = blk[on], self.arc_shelter[on]
        bxy = shapely.get_coordinates(population.geometry.to_numpy())
        sxy = shapely.get_coordinates(shelters.geometry.to_numpy())
        coords = np.stack([bxy[fb], sxy[fs]], axis=1) if fb.size else np.zeros((0, 2, 2))
        flows = gpd.GeoDataFrame(
            {
                "block": population.index.to_numpy()[fb],
                "shelter": shelters.index.to_numpy()[fs],
                "persons": sol.flow[on],
                "walk_m": self.arc_walk_m[on],
            },
            geometry=shapely.linestrings(coords) if fb.size else gpd.GeoSeries([]),
            crs=population.crs,
        )
        flows.index = pd.RangeIndex(len(flows))
        return flows

    @cached_property
    def shelters(self) -> Any:
        """Shelters with capacity, assigned persons, utilisation [%], ``full`` and price."""
        _, shelters, _, capacity = self._inputs
        assigned = self._assigned()
        sh = shelters.copy()
        sh["capacity_persons"] = capacity
        sh["assigned_persons"] = assigned
        with np.errstate(divide="ignore", invalid="ignore"):
            sh["utilisation_pct"] = np.where(capacity > 0, 100.0 * assigned / capacity, np.nan)
        sh["full"] = (assigned >= capacity) & (capacity > 0)
        sh["shelter_price"] = self.solution.shelter_price
        return sh

    @cached_property
    def unserved(self) -> Any:
        """Blocks with persons left without a shelter place within reach."""
        import geopandas as gpd

        population, _, persons, _ = self._inputs
        sol = self.solution
        mask = sol.unserved > 0
        un = population.loc[mask].copy()
        un["served_persons"] = (persons - sol.unserved)[mask]
        un["unserved_persons"] = sol.unserved[mask]
        if not isinstance(un, gpd.GeoDataFrame):  # pragma: no cover - loc keeps the type
            un = gpd.GeoDataFrame(un, geometry=population.geometry.name, crs=population.crs)
        return un

    def to_geodataframe(self):
        """Return the ``flows`` GeoDataFrame (one row per block -> shelter assignment)."""
        return self.flows

    def summary(self) -> dict[str, Any]:
        """Summarise served / unserved persons, person-weighted walks and shelter counts.

        Walk quantiles are person-weighted (the walk of the median *person*), in metres.
        ``n_shelters_short`` counts shelters with a positive ``shelter_price``: full shelters
        where one more place would reduce the objective (someone unserved or walking further).
        """
        # from the arrays behind ``flows`` and ``shelters`` (same numbers, no tables built)
        on = self.solution.flow > 0
        persons = self.solution.flow[on].astype(np.float64)
        walk = np.asarray(self.arc_walk_m[on], dtype=np.float64)
        served = int(persons.sum())
        out: dict[str, Any] = {
            "total_persons": int(self.total_persons),
            "served_persons": served,
            "unserved_persons": int(self.solution.unserved.sum()),
            "served_pct": 100.0 * served / self.total_persons if self.total_persons else 100.0,
        }
        if served:
            order = np.argsort(walk, kind="stable")
            w, p = walk[order], persons[order]
            cum = np.cumsum(p)

            def q(frac: float) -> float:
                return float(w[np.searchsorted(cum, frac * cum[-1], side="left")])

            out.update(
                mean_walk_m=float(np.dot(w, p) / cum[-1]),
                median_walk_m=q(0.5),
                p95_walk_m=q(0.95),
                max_walk_m=float(w[-1]),
            )
        else:
            out.update(
                mean_walk_m=math.nan,
                median_walk_m=math.nan,
                p95_walk_m=math.nan,
                max_walk_m=math.nan,
            )
        capacity = self._inputs[3]
        assigned = self._assigned()
        price = self.solution.shelter_price
        out.update(
            total_walk_person_m=float(self.solution.travel),
            objective=float(self.solution.objective),
            n_shelters=int(capacity.shape[0]),
            n_full_shelters=int(((assigned >= capacity) & (capacity > 0)).sum()),
            n_shelters_short=int(np.nansum(price > 0)),
            n_overloaded_shelters=int((assigned > capacity).sum()),
            status=self.solution.status,
        )
        return out


def _points(gdf: Any, name: str) -> None:
    import geopandas as gpd
    import shapely

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise SchemaError(f"{name} must be a geopandas.GeoDataFrame, got {type(gdf).__name__}.")
    # all present, non-empty, valid Points: the common case, checked on the shapely array
    # (geopandas' geom_type strings cost more); anything else gets the full messages
    g = gdf.geometry.to_numpy()
    points = (shapely.get_type_id(g) == 0).all() and not shapely.is_empty(g).any()
    if points and shapely.is_valid(g).all():
        return
    valid_geometry(gdf, name=name, geom_types=["Point"])


def _unique_index(gdf: Any, name: str) -> None:
    dup = gdf.index.duplicated(keep=False)
    if dup.any():
        from jnrisk._validate import describe_rows

        labels = list(dict.fromkeys(gdf.index[dup]))
        raise SchemaError(
            f"{name}: index labels must be unique (flows and unserved rows are reported by "
            f"label) but {len(labels):,} label(s) repeat (e.g. {labels[:5]}) at "
            f"{describe_rows(np.flatnonzero(dup))} (positions); call "
            f"{name}.reset_index(drop=True), or reset_index() to keep the old labels as a "
            f"column."
        )


def _within_int64_totals(df: Any, column: str, values: np.ndarray, *, name: str) -> None:
    """Check counts stay below COUNT_LIMIT one by one and in total (the solver sums them)."""
    from jnrisk._validate import describe_rows

    big = values > COUNT_LIMIT
    if big.any():
        raise DataError(
            f"{name}: column {column!r} has values beyond what int64 totals allow "
            f"(> 2**62 = {COUNT_LIMIT:.3g}) at {describe_rows(df.index[big])} "
            f"(e.g. {float(values[big][0]):.4g}); check the column's units, or drop those rows."
        )
    total = float(np.nansum(values))
    if total > COUNT_LIMIT:
        top = np.argsort(values)[::-1][:5]
        raise DataError(
            f"{name}: column {column!r} sums to {total:.4g}, beyond what int64 totals allow "
            f"(2**62 = {COUNT_LIMIT:.3g}); the largest values are at "
            f"{describe_rows(df.index[top])}. Check the column's units, or split the problem."
        )


def _count_column(df: Any, column: str, *, name: str) -> np.ndarray:
    """Read whole counts >= 0 as int64.

    Whole counts >= 0 as int64, read exactly (no float round trip for integer columns),
    checked against int64 totals before any cast.
    """
    import pandas as pd

    require_columns(df, [column], name=name)
    series = df[column]
    if pd.api.types.is_bool_dtype(series.dtype) or not (
        pd.api.types.is_numeric_dtype(series.dtype) or series.empty
    ):
        raise SchemaError(
            f"{name}: column {column!r} has dtype {series.dtype}, expected whole numbers of "
            f"persons. Convert it with pd.to_numeric(df[{column!r}]) (and round it)."
        )
    raw = series.to_numpy()
    if np.issubdtype(raw.dtype, np.integer):
        as_float = raw.astype(np.float64)
        _within_int64_totals(df, column, as_float, name=name)
        neg = raw < 0
        if neg.any():
            non_negative_values(df, column, name=name, integer=True)  # names the rows
        return raw.astype(np.int64)
    as_float = series.to_numpy(dtype=np.float64, na_value=np.nan)
    _within_int64_totals(df, column, np.where(np.isfinite(as_float), as_float, 0.0), name=name)
    return non_negative_values(df, column, name=name, integer=True)


def _capacity(shelters: Any, capacity_col: str, area_col: str, m2_per_person: float):
    if capacity_col in shelters.columns:
        return _count_column(shelters, capacity_col, name="shelters")
    if area_col in shelters.columns:
        area = non_negative_values(shelters, area_col, name="shelters")
        cap = np.floor(area / m2_per_person + 1e-9)
        _within_int64_totals(shelters, area_col, cap, name="shelters")
        return cap.astype(np.int64)
    raise SchemaError(
        f"shelters: neither capacity column {capacity_col!r} nor area column {area_col!r} "
        f"is present (columns: {list(shelters.columns)[:20]}); pass capacity_col= or "
        f"area_col= naming your column."
    )


def _snap_both(network: Any, population: Any, shelters: Any, max_snap_m: float):
    """Snap both layers to their nearest nodes; name the layer of any point off the network.

    Same answer as :func:`jnrisk.network.snap_points` (both use
    :func:`jnrisk.network.snap.nearest_nodes`), with the errors named by layer.
    """
    import shapely

    from jnrisk._validate import describe_rows

    x, y = getattr(network, "x", None), getattr(network, "y", None)
    n = len(population)
    if (
        x is None
        or y is None
        or network.crs is None
        or network.n_nodes == 0
        or not max_snap_m >= 0
        or n + len(shelters) == 0
    ):
        node, dist = _snap_points_both(network, population, shelters, max_snap_m)
    else:
        from jnrisk.network.snap import nearest_nodes

        xy = np.concatenate(
            [
                shapely.get_coordinates(population.geometry.to_numpy()),
                shapely.get_coordinates(shelters.geometry.to_numpy()),
            ]
        )
        node, dist = nearest_nodes(x, y, xy)
    far = dist > max_snap_m
    out = []
    for name, gdf, sl in (
        ("population", population, slice(0, n)),
        ("shelters", shelters, slice(n, None)),
    ):
        nd, d, f = node[sl], dist[sl], far[sl]
        if f.any():
            raise DataError(
                f"{name}: {int(f.sum()):,} of {len(f):,} points lie more than "
                f"{max_snap_m:g} m from the network (up to {d[f].max():,.0f} m) at "
                f"{describe_rows(gdf.index[f])}; they are off the network (outside its "
                f"extent, a missing road, or a wrong CRS/location). Fix them, extend the "
                f"roads, or raise max_snap_m."
            )
        out.append((nd, d))
    return out


def _snap_points_both(network: Any, population: Any, shelters: Any, max_snap_m: float):
    """Snap both layers to the network.

    Both layers through :func:`snap_points` (which raises on a network without nodes or
    coordinates, and on a bad ``max_snap_m``).
    """
    import geopandas as gpd
    import pandas as pd

    from jnrisk.network import snap_points

    both = gpd.GeoDataFrame(
        geometry=pd.concat(
            [population.geometry.reset_index(drop=True), shelters.geometry.reset_index(drop=True)],
            ignore_index=True,
        ),
        crs=population.crs,
    )
    snap = snap_points(network, both, max_snap_m=max_snap_m, on_far="ignore")
    return snap.node, snap.snap_distance_m


def _prepare(  # noqa: PLR0913  the options of allocate_shelters and greedy_nearest, passed on
    population,
    shelters,
    network,
    *,
    max_walk_m,
    persons_col,
    capacity_col,
    closed_edges,
    m2_per_person,
    area_col,
    max_snap_m,
):
    from jnrisk.network import require_network

    require_network(network)
    max_walk_m = real_number("max_walk_m", max_walk_m, ge=0.0, unit="m")
    m2_per_person = real_number("m2_per_person", m2_per_person, gt=0.0, unit="m2 per person")
    _points(population, "population")
    _points(shelters, "shelters")
    same_crs(population=population, shelters=shelters, network=network)
    if not (isinstance(max_walk_m, int | float) and math.isfinite(max_walk_m) and max_walk_m >= 0):
        raise ConfigError(f"max_walk_m={max_walk_m!r}; give a finite distance >= 0 in metres.")
    if not (math.isfinite(m2_per_person) and m2_per_person > 0):
        raise ConfigError(
            f"m2_per_person={m2_per_person!r}; give the effective area per person in m² "
            f"(> 0; Jinan standard {JINAN_SHELTER_M2_PER_PERSON})."
        )
    _unique_index(population, "population")
    _unique_index(shelters, "shelters")
    persons = _count_column(population, persons_col, name="population")
    capacity = _capacity(shelters, capacity_col, area_col, m2_per_person)
    (b_node, b_dist), (s_node, s_dist) = _snap_both(network, population, shelters, max_snap_m)
    walk = _walk_costs(network, b_node, b_dist, s_node, s_dist, float(max_walk_m), closed_edges)
    return (persons, capacity, walk.indptr.astype(np.int64), walk.indices.astype(np.int64),
            walk.data, (b_node, b_dist, s_node, s_dist))


def _walk_costs(network, block_node, block_snap, shel_node, shel_snap, max_walk_m, closed_edges):
    """Compute block x shelter walks [m] within ``max_walk_m``.

    Blocks x shelters walk [m] = snap + network + snap, pairs within ``max_walk_m`` (walking
    *to* the shelter: searched from the shelters).
    """
    from jnrisk.network import SnapResult

    def snapped(node, dist):
        return SnapResult(node=node, snap_distance_m=dist, too_far=np.zeros(node.size, bool),
                          index=None)

    return network.od_costs(
        snapped(block_node, block_snap), snapped(shel_node, shel_snap), max_walk_m,
        closed_edges=closed_edges, direction="to_destinations",
    )


def _warm_start(warm_start: Any, population: Any, shelters: Any, indptr, shel) -> Any:
    """Turn the previous optimum into a start for this problem.

    The previous optimum as a start for this problem: its prices matched on the shelters'
    index and its flows moved onto this problem's arcs by (block, shelter).
    """
    if warm_start is None or isinstance(warm_start, TransportSolution | np.ndarray):
        return warm_start
    if not isinstance(warm_start, AllocationResult):
        raise ConfigError(
            f"warm_start must be an AllocationResult, a TransportSolution or an array of "
            f"shelter prices, got {type(warm_start).__name__}."
        )
    prev_pop, prev_shel = warm_start._inputs[0], warm_start._inputs[1]
    if not prev_pop.index.equals(population.index):
        n0, n1 = len(prev_pop), len(population)
        m = min(n0, n1)
        diff = np.flatnonzero(prev_pop.index[:m] != population.index[:m])
        where = (
            f"first different label at position {int(diff[0])}: "
            f"{prev_pop.index[diff[0]]!r} then, {population.index[diff[0]]!r} now"
            if diff.size
            else "the labels agree on the shorter one"
        )
        raise ConfigError(
            f"warm_start was solved for other population blocks ({n0:,} blocks then, {n1:,} "
            f"now; {where}); warm-start only a re-solve of the same blocks (same index), or "
            f"pass warm_start=None."
        )
    pos = prev_shel.index.get_indexer(shelters.index)
    if (pos < 0).any():
        from jnrisk._validate import describe_rows

        raise ConfigError(
            f"warm_start was solved without the shelters at "
            f"{describe_rows(shelters.index[pos < 0])}; warm-start only from a result that "
            f"had every current shelter (dropping shelters is fine), or pass warm_start=None."
        )
    prev = warm_start.solution
    n_shel = len(shelters)
    cur_of_prev = np.full(len(prev_shel), -1, np.int64)
    cur_of_prev[pos] = np.arange(n_shel)
    flow0 = _moved_flows(
        warm_start.arc_indptr, cur_of_prev[warm_start.arc_shelter], prev.flow, indptr, shel, n_shel
    )
    return replace(prev, flow=flow0, shelter_price=prev.shelter_price[pos])


def _moved_flows(prev_indptr, prev_shel, prev_flow, indptr, shel, n_shel) -> np.ndarray:
    """Move earlier flows onto this problem's arcs.

    Flows of the arcs (block, prev_shel) put on the same (block, shelter) of ``indptr,
    shel``; 0 where the pair is new (``prev_shel`` -1: a shelter that is gone).
    """
    if (
        prev_indptr.shape == indptr.shape
        and prev_shel.shape == shel.shape
        and np.array_equal(prev_indptr, indptr)
        and np.array_equal(prev_shel, shel)
    ):
        return prev_flow
    n_blocks = indptr.shape[0] - 1
    pb = np.repeat(np.arange(n_blocks, dtype=np.int64), np.diff(prev_indptr))
    on = (prev_flow > 0) & (prev_shel >= 0)
    keys_prev = pb[on] * n_shel + prev_shel[on]
    order = np.argsort(keys_prev)
    kp, fp = keys_prev[order], prev_flow[on][order]
    keys = np.repeat(np.arange(n_blocks, dtype=np.int64), np.diff(indptr)) * n_shel + shel
    if kp.size == 0:
        return np.zeros(shel.shape[0], np.int64)
    at = np.minimum(np.searchsorted(kp, keys), kp.size - 1)
    return np.where(kp[at] == keys, fp[at], 0).astype(np.int64)


def _result(population, shelters, persons, capacity, indptr, shel, walk, sol, max_walk_m):  # noqa: PLR0913  the solved arrays and their inputs
    return AllocationResult(
        solution=sol,
        max_walk_m=float(max_walk_m),
        total_persons=int(persons.sum()),
        arc_indptr=indptr,
        arc_shelter=shel,
        arc_walk_m=walk,
        # shallow copies: copy-on-write keeps the caller's later edits out of the tables
        _inputs=(population.copy(deep=False), shelters.copy(deep=False), persons, capacity),
    )


def allocate_shelters(  # noqa: PLR0913  keyword-only model options and column names
    population: Any,
    shelters: Any,
    network: Any,
    *,
    max_walk_m: float = 2500.0,
    persons_col: str = "persons",
    capacity_col: str = "capacity_persons",
    closed_edges: Any = None,
    m2_per_person: float = JINAN_SHELTER_M2_PER_PERSON,
    area_col: str = "effective_area_m2",
    warm_start: Any = None,
    unserved_cost: float | None = None,
    max_snap_m: float = 500.0,
) -> AllocationResult:
    """Exact walking allocation of people to shelters with limited places.

    Places as many persons as possible within ``max_walk_m``, then minimises the total walk
    (person-metres); see :func:`jnrisk.allocation.solve_transport` for the model.

    Parameters
    ----------
    population : geopandas.GeoDataFrame
        Population blocks (Points) with a persons column (whole persons >= 0).
    shelters : geopandas.GeoDataFrame
        Shelters (Points) with ``capacity_col`` [persons], or else ``area_col`` [m²] from which
        capacity = floor(area / ``m2_per_person``).
    network : jnrisk.network.RoadNetwork
        Walking network with node coordinates, in the same metric CRS as both layers.
    max_walk_m : float
        Longest allowed walk [m]. ``walk_m`` = straight snap distance of the block to its
        nearest node + network distance + snap distance of the shelter; pairs with
        ``walk_m > max_walk_m`` are not allowed. Default 2,500 m (GB 50413 fixed shelters).
    persons_col, capacity_col, area_col : str
        Column names.
    closed_edges : bool mask or int positions of road rows, optional
        Roads closed (e.g. flooded); passed to ``network.distances``.
    m2_per_person : float
        Effective area per person [m²] when capacity comes from area (Jinan standard 2.0).
    warm_start : AllocationResult, TransportSolution or array, optional
        A previous result of the same blocks (e.g. before closing roads, losing a shelter or
        changing persons or capacities): its shelter prices (matched on the shelters' index)
        and its flows (matched by block and shelter) seed the solver, so only the persons the
        change displaced are re-routed. Same optimum as a cold solve. A result for other
        blocks, or without one of the current shelters, raises :class:`~jnrisk.ConfigError`.
        For many re-solves of one city, :class:`AllocationSolver` also keeps the walking
        distances.
    unserved_cost : float, optional
        Penalty per unserved person [m]; default makes serving people come first.
    max_snap_m : float
        Blocks or shelters farther than this [m] from every network node raise
        :class:`~jnrisk.DataError` (they are off the network).

    Returns
    -------
    AllocationResult
        ``flows``, ``shelters``, ``unserved`` GeoDataFrames, the array ``solution`` and
        ``summary()``.

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
    >>> res = allocate_shelters(blocks, shelters, net)
    >>> res.flows[["block", "shelter", "persons"]].values.tolist()
    [[0, 0, 300], [1, 0, 100]]
    >>> res.flows["walk_m"].tolist()
    [500.0, 700.0]
    >>> res.summary()["unserved_persons"]
    100
    """
    persons, capacity, indptr, shel, walk, _ = _prepare(
        population,
        shelters,
        network,
        max_walk_m=max_walk_m,
        persons_col=persons_col,
        capacity_col=capacity_col,
        closed_edges=closed_edges,
        m2_per_person=m2_per_person,
        area_col=area_col,
        max_snap_m=max_snap_m,
    )
    sol = solve_transport(
        persons,
        capacity,
        indptr,
        shel,
        walk,
        unserved_cost=unserved_cost,
        warm_start=_warm_start(warm_start, population, shelters, indptr, shel),
    )
    return _result(population, shelters, persons, capacity, indptr, shel, walk, sol, max_walk_m)


def greedy_nearest(  # noqa: PLR0913  keyword-only options, same as allocate_shelters
    population: Any,
    shelters: Any,
    network: Any,
    *,
    max_walk_m: float = 2500.0,
    persons_col: str = "persons",
    capacity_col: str = "capacity_persons",
    closed_edges: Any = None,
    m2_per_person: float = JINAN_SHELTER_M2_PER_PERSON,
    area_col: str = "effective_area_m2",
    unserved_cost: float | None = None,
    max_snap_m: float = 500.0,
) -> AllocationResult:
    """Baseline: blocks (nearest first) fill their nearest shelter with room, then the next.

    Same inputs and outputs as :func:`allocate_shelters` (``shelter_price`` is NaN). Compare
    ``summary()`` of both to see what the exact optimum gains.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2], [1, 0], [100.0, 100.0],
    ...                            x=[0.0, 100.0], y=[0.0, 0.0], crs="EPSG:4548")
    >>> blocks = gpd.GeoDataFrame({"persons": [5]}, geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> shelters = gpd.GeoDataFrame({"capacity_persons": [3]}, geometry=[Point(100, 0)],
    ...                             crs="EPSG:4548")
    >>> greedy_nearest(blocks, shelters, net).summary()["served_persons"]
    3
    """
    persons, capacity, indptr, shel, walk, _ = _prepare(
        population,
        shelters,
        network,
        max_walk_m=max_walk_m,
        persons_col=persons_col,
        capacity_col=capacity_col,
        closed_edges=closed_edges,
        m2_per_person=m2_per_person,
        area_col=area_col,
        max_snap_m=max_snap_m,
    )
    sol = greedy_transport(persons, capacity, indptr, shel, walk, unserved_cost=unserved_cost)
    return _result(population, shelters, persons, capacity, indptr, shel, walk, sol, max_walk_m)
