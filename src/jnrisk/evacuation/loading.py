"""Dynamic network loading: who is in a shelter when, where the crowd queues.

People of each block leave by a departure curve, walk the shortest route to the shelter the
allocation gave them, and queue where a street passes fewer people than arrive (a link-queue
model with spill-back, kernels in :mod:`jnrisk.evacuation._kernels`). :func:`load_groups` is
the array core (origin node, shelter node, persons per group); :func:`evacuate` takes an
:class:`~jnrisk.allocation.AllocationResult`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError, DataError, JnriskWarning, SolverError
from jnrisk._memory import ensure_fits
from jnrisk._validate import describe_rows
from jnrisk.evacuation import _kernels
from jnrisk.evacuation.capacity import WEIDMANN_FREE_SPEED_M_S, StreetCapacity
from jnrisk.evacuation.departure import DepartureCurve

__all__ = [
    "EvacuationGroups",
    "EvacuationResult",
    "allocation_groups",
    "evacuate",
    "load_groups",
    "shortest_routes",
]

#: Shortest free-flow time [s] an arc on a route may have (zero-length arcs cannot be timed).
MIN_ARC_TIME_S = 0.5


@dataclass(frozen=True, eq=False)
class EvacuationResult:
    """Arrival curves, clearance times and street congestion of one evacuation run.

    Attributes
    ----------
    time_s : float64 array
        End of each output interval [s] after the warning.
    arrived_share : float64 array
        Cumulative share of the routed persons in a shelter by ``time_s``.
    by_district, by_subdistrict : pandas.DataFrame
        Cumulative share arrived per zone (columns) by ``time_s`` (index).
    clearance_95_s, clearance_100_s : float
        Time [s] until 95 % / all routed persons are in a shelter (NaN if not reached).
    arcs : pandas.DataFrame
        One row per arc that carried people: ``arc``, ``edge`` (road row), ``peak_flow_pps``,
        ``peak_queue_persons`` (waiting at its end), ``congested_s`` (queue of >= 1 person),
        ``bottleneck_s`` (time its capacity, or its room when full, held people back),
        ``throughput_persons``, ``capacity_pps``.
    stranded : pandas.DataFrame
        Groups whose shelter cannot be reached (after closures): ``group``, ``persons`` and
        any labels given; they are not loaded and are counted, never dropped.
    total_persons, routed_persons, stranded_persons : float
    dt_s, output_interval_s : float
        Loading step and output interval [s].
    status : str
        ``"cleared"``, ``"horizon"`` (``max_time_s`` reached) or ``"gridlock"``.
    n_default_arcs : int
        Arcs whose capacity came from a default width / lane count.
    group_arrived_persons, group_last_arrival_s : float64 arrays
        Per group: persons arrived and the last arrival time [s].
    route_m : float64 array
        Route length [m] per group (inf when stranded).
    """

    time_s: np.ndarray
    arrived_share: np.ndarray
    by_district: pd.DataFrame
    by_subdistrict: pd.DataFrame
    clearance_95_s: float
    clearance_100_s: float
    arcs: pd.DataFrame
    stranded: pd.DataFrame
    total_persons: float
    routed_persons: float
    stranded_persons: float
    dt_s: float
    output_interval_s: float
    status: str
    n_default_arcs: int
    group_arrived_persons: np.ndarray = field(repr=False)
    group_last_arrival_s: np.ndarray = field(repr=False)
    route_m: np.ndarray = field(repr=False)
    info: dict = field(default_factory=dict, repr=False)

    def clearance_s(self, share: float) -> float:
        """Time [s] until ``share`` (0-1] of the routed persons are in a shelter.

        Linear within an output interval; the last person uses the exact arrival time.
        """
        if not 0 < share <= 1:
            raise ConfigError(f"share={share!r}; give a fraction in (0, 1].")
        if share >= 1.0 - 1e-12:
            return self.clearance_100_s
        return _crossing(self.time_s, self.arrived_share, share, self.output_interval_s)

    def summary(self) -> dict[str, Any]:
        """Plain numbers for reports and scenario metrics."""
        congested = self.arcs["congested_s"] > 0 if len(self.arcs) else np.zeros(0, bool)
        return {
            "total_persons": float(self.total_persons),
            "routed_persons": float(self.routed_persons),
            "stranded_persons": float(self.stranded_persons),
            "clearance_95_s": float(self.clearance_95_s),
            "clearance_100_s": float(self.clearance_100_s),
            "status": self.status,
            "dt_s": float(self.dt_s),
            "n_arcs_used": len(self.arcs),
            "n_arcs_congested": int(np.sum(congested)),
            "max_queue_persons": float(self.arcs["peak_queue_persons"].max())
            if len(self.arcs) else 0.0,
            "n_default_capacity_arcs": int(self.n_default_arcs),
        }


def _crossing(time_s: np.ndarray, cum: np.ndarray, share: float, step: float) -> float:
    """First time the cumulative curve reaches ``share`` (linear inside an interval)."""
    hit = np.flatnonzero(cum >= share - 1e-12)
    if hit.size == 0:
        return math.nan
    i = int(hit[0])
    prev = cum[i - 1] if i > 0 else 0.0
    t0 = time_s[i] - step
    if cum[i] <= prev:
        return float(time_s[i])
    return float(t0 + step * (share - prev) / (cum[i] - prev))


def _reverse_arcs(network: Any) -> tuple[np.ndarray, np.ndarray]:
    heads = np.asarray(network.indices, dtype=np.int64)
    order = np.argsort(heads, kind="stable").astype(np.int64)
    rev_indptr = np.zeros(network.n_nodes + 1, np.int64)
    np.cumsum(np.bincount(heads, minlength=network.n_nodes), out=rev_indptr[1:])
    return rev_indptr, order


def shortest_routes(network: Any, origin_node: Any, target_node: Any, *, closed: Any = None,
                    weight: str = "weight_m") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shortest route (CSR list of arc positions) of each (origin, target) pair.

    Returns ``route_ptr``, ``route_arcs`` and ``route_m`` (inf where the target cannot be
    reached from the origin; such a route is empty).

    Examples
    --------
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 2, 3, 4], [1, 2, 2, 0], [5.0, 20.0, 5.0, 1.0])
    >>> ptr, arcs, m = shortest_routes(net, [0, 2], [2, 1])
    >>> ptr.tolist(), arcs.tolist(), m.tolist()
    ([0, 2, 4], [0, 2, 3, 0], [10.0, 6.0])
    """
    o = np.asarray(origin_node, dtype=np.int64).ravel()
    t = np.asarray(target_node, dtype=np.int64).ravel()
    w = np.asarray(network.time_s if weight == "time_s" else network.weight_m, np.float64)
    cl = np.zeros(0, np.bool_) if closed is None else np.asarray(closed, np.bool_)
    rev_indptr, rev_arc = _reverse_arcs(network)
    tnodes, inv = np.unique(t, return_inverse=True)
    grp_sorted = np.argsort(inv, kind="stable").astype(np.int64)
    tgt_ptr = np.zeros(tnodes.size + 1, np.int64)
    np.cumsum(np.bincount(inv, minlength=tnodes.size), out=tgt_ptr[1:])
    return _kernels.routes_to_targets(
        np.asarray(network.indptr, np.int64), np.asarray(network.indices, np.int64), w, cl,
        rev_indptr, rev_arc, tnodes.astype(np.int64), tgt_ptr, grp_sorted, o)


def _zones(values: Any, n: int, name: str) -> tuple[np.ndarray, list[Any]]:
    if values is None:
        return np.zeros(n, np.int64), ["all"]
    arr = pd.Series(np.asarray(values, dtype=object)).fillna("<none>").to_numpy(dtype=object)
    if arr.size != n:
        raise DataError(f"{name} has {arr.size} labels for {n} groups; give one per group.")
    codes, uniques = pd.factorize(arr, sort=True)
    return codes.astype(np.int64), list(uniques)


def load_groups(  # noqa: C901, PLR0913, PLR0915  checks every group column before the kernel runs
    network: Any,
    capacity: StreetCapacity,
    origin_node: Any,
    target_node: Any,
    persons: Any,
    *,
    departure: DepartureCurve | list[DepartureCurve] | None = None,
    curve_of: Any = None,
    offset_s: Any = None,
    district: Any = None,
    subdistrict: Any = None,
    dt_s: float | None = None,
    output_interval_s: float = 60.0,
    max_time_s: float = 12 * 3600.0,
    weight: str = "weight_m",
    labels: pd.DataFrame | None = None,
) -> EvacuationResult:
    """Load groups of people onto the network and follow them to their shelters.

    Parameters
    ----------
    network : RoadNetwork
    capacity : StreetCapacity
        Per-arc capacity, storage and free-flow time (:func:`street_capacities`); its closed
        arcs are avoided by the routes.
    origin_node, target_node : int arrays
        Node of each group's block and of its shelter.
    persons : float array
        Persons per group (>= 0).
    departure : DepartureCurve or list of them
        When people leave (default: everyone at once at t = 0).
    curve_of : int array, optional
        Index into ``departure`` per group (default 0).
    offset_s : float array, optional
        Extra delay per group [s] before its curve starts (walk to the network, staged
        departure).
    district, subdistrict : arrays of labels, optional
        Zones of each group for the arrival curves.
    dt_s : float, optional
        Loading step [s]. Default: the shortest free-flow time of an arc on a route (at most
        ``output_interval_s``). A step longer than that arc's free-flow time would let people
        skip it, so it raises :class:`~jnrisk.ConfigError` naming the arc.
    output_interval_s : float
        Resolution of the arrival curves [s] (default 1 minute).
    max_time_s : float
        Stop loading after this time [s] (status ``"horizon"``).
    weight : {"weight_m", "time_s"}
        What the routes minimise.
    labels : pandas.DataFrame, optional
        One row per group, copied into ``stranded``.

    Returns
    -------
    EvacuationResult

    Examples
    --------
    A 134 m corridor (100 s at 1.34 m/s) passing 1 person/s: 60 people are in after
    100 s + 60 s.

    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 1], [1], [134.0])
    >>> cap = StreetCapacity.from_arrays(net, 1.0)
    >>> res = load_groups(net, cap, [0], [1], [60.0], dt_s=1.0)
    >>> res.clearance_100_s
    160.0
    """
    o = np.asarray(origin_node, dtype=np.int64).ravel()
    t = np.asarray(target_node, dtype=np.int64).ravel()
    p = np.asarray(persons, dtype=np.float64).ravel()
    n = o.size
    if t.size != n or p.size != n:
        raise DataError(
            f"origin_node, target_node and persons need one value per group; got "
            f"{o.size}, {t.size} and {p.size}."
        )
    bad = np.flatnonzero(~(np.isfinite(p) & (p >= 0)))
    if bad.size:
        raise DataError(f"persons is negative or not finite at group {describe_rows(bad)}.")
    for name, arr in (("origin_node", o), ("target_node", t)):
        out = np.flatnonzero((arr < 0) | (arr >= network.n_nodes))
        if out.size:
            raise DataError(
                f"{name} outside 0..{network.n_nodes - 1} at group {describe_rows(out)}."
            )
    if not isinstance(capacity, StreetCapacity) or capacity.n_arcs != network.n_arcs:
        raise DataError(
            f"capacity must be a StreetCapacity of this network ({network.n_arcs:,} arcs); "
            f"build it with street_capacities(network, roads)."
        )
    capacity.validate()
    if not (math.isfinite(output_interval_s) and output_interval_s > 0):
        raise ConfigError(f"output_interval_s={output_interval_s!r}; give seconds > 0.")
    if not (math.isfinite(max_time_s) and max_time_s > 0):
        raise ConfigError(f"max_time_s={max_time_s!r}; give seconds > 0.")
    curves = [DepartureCurve.instant()] if departure is None else (
        [departure] if isinstance(departure, DepartureCurve) else list(departure))
    if not curves or not all(isinstance(c, DepartureCurve) for c in curves):
        raise ConfigError("departure must be a DepartureCurve or a non-empty list of them.")
    cof = np.zeros(n, np.int64) if curve_of is None else np.asarray(curve_of, np.int64).ravel()
    if cof.size != n or ((cof < 0) | (cof >= len(curves))).any():
        raise ConfigError(
            f"curve_of must give one index in 0..{len(curves) - 1} per group ({n})."
        )
    off = np.zeros(n) if offset_s is None else np.broadcast_to(
        np.asarray(offset_s, np.float64), (n,)).copy()
    if not (np.isfinite(off) & (off >= 0)).all():
        bad = np.flatnonzero(~(np.isfinite(off) & (off >= 0)))
        raise ConfigError(f"offset_s is negative or not finite at group {describe_rows(bad)}.")

    route_ptr, route_arcs, route_m = shortest_routes(
        network, o, t, closed=capacity.closed, weight=weight)
    stranded_mask = ~np.isfinite(route_m)
    used = np.unique(route_arcs)
    ft_used = capacity.free_time_s[used] if used.size else np.array([output_interval_s])
    short = int(np.argmin(ft_used)) if used.size else -1
    min_ft = float(ft_used.min())
    if used.size and min_ft < MIN_ARC_TIME_S:
        arcs = used[ft_used < MIN_ARC_TIME_S]
        raise ConfigError(
            f"arc {describe_rows(arcs)} on the routes take(s) {min_ft:.3g} s at free flow "
            f"(length {float(network.weight_m[arcs[0]]):.3g} m), below {MIN_ARC_TIME_S} s; "
            f"merge such nodes when building the network (node_tolerance_m) so every arc "
            f"can be timed."
        )
    if dt_s is None:
        dt = min(float(output_interval_s), min_ft)
    else:
        dt = float(dt_s)
        if not (math.isfinite(dt) and dt > 0):
            raise ConfigError(f"dt_s={dt_s!r}; give a loading step in seconds > 0.")
        if used.size and dt > min_ft * (1 + 1e-9):
            a = int(used[short])
            raise ConfigError(
                f"dt_s={dt:g} s is longer than the free-flow time of arc {a} on a route "
                f"({min_ft:.3g} s for {float(network.weight_m[a]):.3g} m): people would skip "
                f"it in one step. Use dt_s <= {math.floor(min_ft * 1000) / 1000:g} or leave "
                f"dt_s=None to choose it."
            )
    if output_interval_s < dt:
        raise ConfigError(
            f"output_interval_s={output_interval_s:g} is shorter than the step {dt:g} s."
        )

    loaded = np.where(stranded_mask, 0.0, p)
    steps = [c.step_shares(dt) for c in curves]
    curve_ptr = np.zeros(len(curves) + 1, np.int64)
    np.cumsum([s.size for s in steps], out=curve_ptr[1:])
    curve_shares = np.concatenate(steps)
    off_steps = np.floor(off / dt + 1e-9).astype(np.int64)
    z1, names1 = _zones(district, n, "district")
    z2, names2 = _zones(subdistrict, n, "subdistrict")
    max_steps = int(math.ceil(max_time_s / dt))
    n_bins = int(max_steps * dt / output_interval_s) + 2
    pool = max(1024, 4 * n)
    ensure_fits(
        n_bins * 8.0 * (len(names1) + len(names2) + 1) + network.n_arcs * 120.0 + pool * 40.0,
        what=f"the evacuation loading ({network.n_arcs:,} arcs, {n:,} groups, {n_bins:,} "
        f"output intervals)",
        fix="raise output_interval_s or lower max_time_s",
    )
    # the kernel sees only the arcs on routes, renumbered: a small, cache-friendly state
    local = np.searchsorted(used, route_arcs).astype(np.int64)
    (arr_city, arr_z1, arr_z2, peak_out_u, peak_q_u, cong_u, bind_u, through_u, g_arr, g_last,
     n_steps, status, lost, n_packets) = _kernels.load_network(
        capacity.capacity_pps[used], capacity.storage_persons[used],
        capacity.free_time_s[used], route_ptr, local, loaded, off_steps, cof, curve_ptr,
        curve_shares, z1, len(names1), z2, len(names2), dt, float(output_interval_s),
        max_steps, pool)
    peak_out, peak_q, cong, bind, through = (np.zeros(network.n_arcs) for _ in range(5))
    peak_out[used], peak_q[used], cong[used], bind[used], through[used] = (
        peak_out_u, peak_q_u, cong_u, bind_u, through_u)
    routed = float(loaded.sum())
    if abs(float(lost)) > 1e-6 * max(routed, 1.0):
        raise SolverError(
            f"evacuation loading lost {lost:.3g} of {routed:,.0f} persons to rounding; "
            f"please report this network."
        )
    status_txt = {_kernels.STATUS_OK: "cleared", _kernels.STATUS_HORIZON: "horizon",
                  _kernels.STATUS_GRIDLOCK: "gridlock"}[int(status)]
    last_bin = int(n_steps * dt / output_interval_s) + 1
    end_bin = min(last_bin + 1, arr_city.size)
    time_s = (np.arange(end_bin) + 1) * float(output_interval_s)
    denom = routed if routed > 0 else 1.0
    cum = np.cumsum(arr_city[:end_bin]) / denom

    def per_zone(arr: np.ndarray, codes: np.ndarray, names: list[Any]) -> pd.DataFrame:
        tot = np.bincount(codes, weights=loaded, minlength=len(names))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.cumsum(arr[:, :end_bin], axis=1) / tot[:, None]
        return pd.DataFrame(share.T, index=pd.Index(time_s, name="time_s"),
                            columns=pd.Index(names, name="zone"))

    done = g_arr >= loaded - 1e-6 * np.maximum(loaded, 1.0)
    if routed > 0 and done.all():
        c100 = float(np.nanmax(np.where(loaded > 0, g_last, np.nan)))
    else:
        c100 = math.nan if routed > 0 else 0.0
    c95 = _crossing(time_s, cum, 0.95, float(output_interval_s)) if routed > 0 else 0.0
    if np.isfinite(c100) and np.isfinite(c95):
        c95 = min(c95, c100)
    carried = np.flatnonzero(through > 0)
    arcs = pd.DataFrame({
        "arc": carried,
        "edge": np.asarray(network.arc_edge)[carried],
        "peak_flow_pps": peak_out[carried],
        "peak_queue_persons": np.maximum(peak_q[carried], 0.0),
        "congested_s": cong[carried] * dt,
        "bottleneck_s": bind[carried] * dt,
        "throughput_persons": through[carried],
        "capacity_pps": capacity.capacity_pps[carried],
    })
    sidx = np.flatnonzero(stranded_mask & (p > 0))
    stranded = pd.DataFrame({"group": sidx, "persons": p[sidx]})
    if labels is not None:
        stranded = pd.concat([stranded, labels.iloc[sidx].reset_index(drop=True)], axis=1)
    if status_txt != "cleared":
        warnings.warn(
            f"evacuation loading stopped with status {status_txt!r} at {n_steps * dt:,.0f} s "
            f"with {routed - float(g_arr.sum()):,.0f} persons still on the way; "
            + ("raise max_time_s." if status_txt == "horizon" else
               "queues block each other in a cycle (spill-back gridlock); check capacities."),
            JnriskWarning, stacklevel=2)
    if sidx.size:
        warnings.warn(
            f"{float(p[sidx].sum()):,.0f} persons in {sidx.size:,} groups cannot reach their "
            f"shelter (closures); they are reported in `stranded`, not loaded.",
            JnriskWarning, stacklevel=2)
    return EvacuationResult(
        time_s=time_s,
        arrived_share=cum,
        by_district=per_zone(arr_z1, z1, names1),
        by_subdistrict=per_zone(arr_z2, z2, names2),
        clearance_95_s=float(c95),
        clearance_100_s=float(c100),
        arcs=arcs,
        stranded=stranded,
        total_persons=float(p.sum()),
        routed_persons=routed,
        stranded_persons=float(p[stranded_mask].sum()),
        dt_s=dt,
        output_interval_s=float(output_interval_s),
        status=status_txt,
        n_default_arcs=int(capacity.n_default_arcs),
        group_arrived_persons=g_arr,
        group_last_arrival_s=g_last,
        route_m=route_m,
        info={"steps": int(n_steps), "packets": int(n_packets), "lost_persons": float(lost),
              "default_classes": dict(capacity.default_classes)},
    )


@dataclass(frozen=True, eq=False)
class EvacuationGroups:
    """The groups of an allocation, ready for :func:`load_groups` (``**groups.kwargs()``).

    Attributes
    ----------
    origin_node, target_node : int64 arrays
        Network node of each group's block and shelter.
    persons : float64 array
    offset_s : float64 array
        Off-network walk [s] (block to its node, shelter's node to the shelter).
    district, subdistrict : object arrays or None
        Zone labels per group.
    labels : pandas.DataFrame
        ``block`` and ``shelter`` labels per group.
    """

    origin_node: np.ndarray
    target_node: np.ndarray
    persons: np.ndarray
    offset_s: np.ndarray
    district: Any
    subdistrict: Any
    labels: pd.DataFrame

    def kwargs(self, delay_by_subdistrict: Any = None) -> dict[str, Any]:
        """Return the keyword arguments of :func:`load_groups`.

        Keyword arguments of :func:`load_groups`, with an optional staged delay [s] per
        sub-district label.
        """
        off = self.offset_s
        if delay_by_subdistrict:
            if self.subdistrict is None:
                raise ConfigError("a delay per sub-district needs groups built with population=.")
            delay = pd.Series(self.subdistrict).map(dict(delay_by_subdistrict)).fillna(0.0)
            off = off + delay.to_numpy(dtype=np.float64)
        return dict(origin_node=self.origin_node, target_node=self.target_node,
                    persons=self.persons, offset_s=off, district=self.district,
                    subdistrict=self.subdistrict, labels=self.labels)


def allocation_groups(
    allocation: Any,
    network: Any,
    *,
    population: Any = None,
    district_col: str = "district",
    subdistrict_col: str = "town_id",
    free_speed_m_s: float = WEIDMANN_FREE_SPEED_M_S,
    max_snap_m: float = 500.0,
) -> EvacuationGroups:
    """One group per (block, shelter) flow of an allocation, snapped to ``network``.

    See :func:`evacuate` for the parameters.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.allocation import allocate_shelters
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2], [1, 0], [100.0, 100.0], x=[0.0, 100.0],
    ...                            y=[0.0, 0.0], crs="EPSG:4548")
    >>> blocks = gpd.GeoDataFrame({"persons": [30]}, geometry=[Point(0, 10)], crs="EPSG:4548")
    >>> shelters = gpd.GeoDataFrame({"capacity_persons": [50]}, geometry=[Point(100, 0)],
    ...                             crs="EPSG:4548")
    >>> g = allocation_groups(allocate_shelters(blocks, shelters, net), net)
    >>> g.origin_node.tolist(), g.target_node.tolist(), g.persons.tolist()
    ([0], [1], [30.0])
    >>> round(float(g.offset_s[0]), 2)  # 10 m from the block to its node at 1.34 m/s
    7.46
    """
    import geopandas as gpd
    import shapely

    from jnrisk.network import snap_points

    flows = allocation.flows
    if len(flows) == 0:
        raise DataError("the allocation places nobody in a shelter; nothing to evacuate.")
    if not (isinstance(free_speed_m_s, int | float) and free_speed_m_s > 0):
        raise ConfigError(f"free_speed_m_s={free_speed_m_s!r}; give a speed > 0 m/s.")
    coords = shapely.get_coordinates(flows.geometry.to_numpy()).reshape(-1, 2, 2)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(
        np.concatenate([coords[:, 0, 0], coords[:, 1, 0]]),
        np.concatenate([coords[:, 0, 1], coords[:, 1, 1]])), crs=flows.crs)
    snap = snap_points(network, pts, max_snap_m=max_snap_m, on_far="raise")
    nf = len(flows)
    off = (snap.snap_distance_m[:nf] + snap.snap_distance_m[nf:]) / float(free_speed_m_s)
    district = subdistrict = None
    if population is not None:
        for col in (district_col, subdistrict_col):
            if col not in population.columns:
                raise DataError(
                    f"population has no column {col!r} for the arrival curves (columns: "
                    f"{list(population.columns)[:15]}); pass district_col=/subdistrict_col=."
                )
        rows = population.index.get_indexer(flows["block"])
        if (rows < 0).any():
            raise DataError("population is not the allocation's population (index differs).")
        district = population[district_col].to_numpy()[rows]
        subdistrict = population[subdistrict_col].to_numpy()[rows]
    labels = pd.DataFrame({"block": flows["block"].to_numpy(),
                           "shelter": flows["shelter"].to_numpy()})
    return EvacuationGroups(
        origin_node=snap.node[:nf].astype(np.int64), target_node=snap.node[nf:].astype(np.int64),
        persons=flows["persons"].to_numpy(dtype=np.float64), offset_s=off, district=district,
        subdistrict=subdistrict, labels=labels)


def evacuate(  # noqa: PLR0913  keyword-only departure, routing and output options
    allocation: Any,
    network: Any,
    capacity: StreetCapacity,
    *,
    population: Any = None,
    district_col: str = "district",
    subdistrict_col: str = "town_id",
    departure: DepartureCurve | None = None,
    free_speed_m_s: float = WEIDMANN_FREE_SPEED_M_S,
    delay_by_subdistrict: Any = None,
    dt_s: float | None = None,
    output_interval_s: float = 60.0,
    max_time_s: float = 12 * 3600.0,
    max_snap_m: float = 500.0,
) -> EvacuationResult:
    """Evacuate the people of a shelter allocation over the network, in time.

    Every (block, shelter) flow of the allocation becomes a group that leaves by
    ``departure`` and walks the shortest route to its shelter. The walk from the block to its
    nearest node and from the shelter's node to the shelter (straight lines, free speed) is
    added before departure. People the allocation left unserved are not loaded (see
    ``allocation.summary()``); people whose shelter cannot be reached on this network (closures
    in ``capacity``) are ``stranded``.

    Parameters
    ----------
    allocation : jnrisk.allocation.AllocationResult
    network : RoadNetwork
        The network the allocation was computed on.
    capacity : StreetCapacity
        From :func:`street_capacities` (closures and reduced capacities included).
    population : geopandas.GeoDataFrame, optional
        The allocation's population (same index) for the zone columns.
    district_col, subdistrict_col : str
        Zone columns of ``population`` for the arrival curves.
    departure : DepartureCurve, optional
        Default: Rayleigh with a 15-minute mean (docs/references.md#rayleigh-departure).
    free_speed_m_s : float
        Speed [m/s] of the off-network walk.
    delay_by_subdistrict : mapping, optional
        Extra departure delay [s] per sub-district label (a staged plan).
    dt_s, output_interval_s, max_time_s
        As in :func:`load_groups`.
    max_snap_m : float
        Blocks and shelters farther from the network raise (as in the allocation).

    Returns
    -------
    EvacuationResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.allocation import allocate_shelters
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2], [1, 0], [268.0, 268.0], x=[0.0, 268.0],
    ...                            y=[0.0, 0.0], crs="EPSG:4548")
    >>> blocks = gpd.GeoDataFrame({"persons": [120], "district": ["A"], "town_id": [1]},
    ...                           geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> shelters = gpd.GeoDataFrame({"capacity_persons": [500]}, geometry=[Point(268, 0)],
    ...                             crs="EPSG:4548")
    >>> alloc = allocate_shelters(blocks, shelters, net)
    >>> cap = StreetCapacity.from_arrays(net, 2.0)
    >>> res = evacuate(alloc, net, cap, population=blocks, departure=DepartureCurve.instant())
    >>> res.clearance_100_s  # 200 s walk + 120 persons / 2 per second
    260.0
    """
    groups = allocation_groups(allocation, network, population=population,
                               district_col=district_col, subdistrict_col=subdistrict_col,
                               free_speed_m_s=free_speed_m_s, max_snap_m=max_snap_m)
    return load_groups(
        network, capacity, **groups.kwargs(delay_by_subdistrict),
        departure=departure if departure is not None else DepartureCurve.rayleigh(900.0),
        dt_s=dt_s, output_interval_s=output_interval_s, max_time_s=max_time_s,
        weight="time_s" if network.mode == "drive" else "weight_m",
    )
