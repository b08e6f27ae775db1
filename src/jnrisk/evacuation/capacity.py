"""Street capacities for evacuation: how many people (or vehicles) an arc passes and holds.

Walking: a road's walkable width [m] (a ``width_col`` column, else a default by road class)
times the maximum specific flow of Weidmann's fundamental diagram (about 1.22 persons per metre
of width per second, (docs/references.md#weidmann-1993)) gives the arc's flow capacity; length
x width x jam density (5.4 p/m²) gives how many people it can hold before the queue spills back
onto the arcs upstream. Driving: lanes x 1,800 vehicles per hour per lane
(docs/references.md#hcm-lane-capacity), and one vehicle per 7.5 m of lane when jammed.

Every arc that used a default (no width column, or a missing value) is counted in
:attr:`StreetCapacity.n_default_arcs` and announced with a :class:`~jnrisk.JnriskWarning`: a
default is an assumption a planner must see.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataError, JnriskWarning, SchemaError
from jnrisk._validate import describe_rows

__all__ = [
    "DEFAULT_WALK_WIDTH_M",
    "FALLBACK_WALK_WIDTH_M",
    "JAM_SPACING_M_PER_VEHICLE",
    "LANE_CAPACITY_VEH_H",
    "WEIDMANN_FREE_SPEED_M_S",
    "WEIDMANN_GAMMA_P_M2",
    "WEIDMANN_JAM_DENSITY_P_M2",
    "StreetCapacity",
    "street_capacities",
    "weidmann_max_flow",
    "weidmann_speed",
]

#: Free walking speed [m/s] of Weidmann's fundamental diagram (docs/references.md#weidmann-1993).
WEIDMANN_FREE_SPEED_M_S = 1.34
#: Jam density [persons/m²], the density at which walking stops (Weidmann 1993).
WEIDMANN_JAM_DENSITY_P_M2 = 5.4
#: Shape constant gamma [persons/m²] of the Kladek speed-density formula used by Weidmann.
WEIDMANN_GAMMA_P_M2 = 1.913

#: Walkable width [m] by ``road_class`` when a road has no width value: both sidewalks at the
#: usual CJJ 37-2012 widths, carriageway excluded (vehicles, debris); see
#: (docs/references.md#walkable-width-defaults). Assumed values: override per road with a width
#: column or per class with ``width_m_by_class``.
DEFAULT_WALK_WIDTH_M: Mapping[str, float] = MappingProxyType(
    {
        "trunk": 6.0,
        "trunk_link": 3.0,
        "primary": 8.0,
        "primary_link": 4.0,
        "secondary": 6.0,
        "secondary_link": 4.0,
        "tertiary": 5.0,
        "tertiary_link": 4.0,
        "unclassified": 4.0,
        "residential": 4.0,
        "living_street": 4.0,
        "service": 3.0,
        "pedestrian": 6.0,
        "footway": 2.5,
        "track": 2.5,
        "path": 1.5,
        "steps": 2.0,
    }
)
#: Walkable width [m] of a ``road_class`` missing from the table.
FALLBACK_WALK_WIDTH_M = 3.0
#: Lane capacity [vehicles/h/lane] for driving (docs/references.md#hcm-lane-capacity).
LANE_CAPACITY_VEH_H = 1800.0
#: Length of lane [m] one vehicle takes in a standing queue (jam density 133 veh/km/lane).
JAM_SPACING_M_PER_VEHICLE = 7.5


def weidmann_speed(
    density_p_m2: Any,
    *,
    free_speed_m_s: float = WEIDMANN_FREE_SPEED_M_S,
    jam_density_p_m2: float = WEIDMANN_JAM_DENSITY_P_M2,
    gamma_p_m2: float = WEIDMANN_GAMMA_P_M2,
) -> np.ndarray:
    """Return the walking speed [m/s] at a crowd density (Weidmann's Kladek formula).

    ``v(k) = v_free * (1 - exp(-gamma * (1/k - 1/k_jam)))`` for ``0 < k < k_jam``; ``v_free``
    at ``k = 0`` and 0 at and above the jam density (docs/references.md#weidmann-1993).

    Examples
    --------
    >>> weidmann_speed([0.0, 1.0, 5.4]).round(3).tolist()
    [1.34, 1.058, 0.0]
    """
    k = np.asarray(density_p_m2, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        v = free_speed_m_s * (1.0 - np.exp(-gamma_p_m2 * (1.0 / k - 1.0 / jam_density_p_m2)))
    v = np.where(k <= 0, free_speed_m_s, v)
    return np.where(k >= jam_density_p_m2, 0.0, v)


def weidmann_max_flow(
    *,
    free_speed_m_s: float = WEIDMANN_FREE_SPEED_M_S,
    jam_density_p_m2: float = WEIDMANN_JAM_DENSITY_P_M2,
    gamma_p_m2: float = WEIDMANN_GAMMA_P_M2,
) -> tuple[float, float]:
    """Maximum specific flow [persons/(m s)] of the diagram and the density where it occurs.

    The flow ``q = k * v(k)`` peaks at about 1.22 persons per metre per second near 1.75 p/m²
    with Weidmann's constants, inside the 1.2-1.3 range of the pedestrian handbooks.

    Examples
    --------
    >>> q, k = weidmann_max_flow()
    >>> round(q, 2), round(k, 2)
    (1.22, 1.75)
    """
    from scipy.optimize import minimize_scalar

    def neg_flow(k: float) -> float:
        return -float(
            k * weidmann_speed(k, free_speed_m_s=free_speed_m_s,
                               jam_density_p_m2=jam_density_p_m2, gamma_p_m2=gamma_p_m2)
        )

    res = minimize_scalar(neg_flow, bounds=(1e-6, jam_density_p_m2), method="bounded",
                          options={"xatol": 1e-9})
    return float(-res.fun), float(res.x)


@dataclass(frozen=True, eq=False)
class StreetCapacity:
    """Per-arc capacities of a :class:`~jnrisk.network.RoadNetwork` for evacuation loading.

    Attributes
    ----------
    capacity_pps : float64[n_arcs]
        Flow capacity [persons/s] into and out of each arc (0 on closed arcs).
    storage_persons : float64[n_arcs]
        Persons the arc holds when jammed; a full arc blocks the arcs feeding it.
    free_time_s : float64[n_arcs]
        Free-flow travel time [s].
    closed : bool[n_arcs]
        Arcs removed (hazard closures); no route uses them.
    width_m : float64[n_arcs]
        Walkable width [m] (walk) or lanes (drive), before ``capacity_factor``.
    n_default_arcs : int
        Arcs whose width (or lanes) came from a default, not from the data.
    default_classes : mapping
        ``{road_class: number of arcs}`` of those defaults.
    unit : str
        ``"persons"`` (walk) or ``"persons in vehicles"`` (drive, ``persons_per_vehicle``
        per vehicle).
    """

    capacity_pps: np.ndarray
    storage_persons: np.ndarray
    free_time_s: np.ndarray
    closed: np.ndarray
    width_m: np.ndarray
    n_default_arcs: int = 0
    default_classes: Mapping[str, int] = field(default_factory=dict)
    unit: str = "persons"

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return int(self.capacity_pps.size)

    @classmethod
    def from_arrays(
        cls,
        network: Any,
        capacity_pps: Any,
        storage_persons: Any = np.inf,
        *,
        free_speed_m_s: float = WEIDMANN_FREE_SPEED_M_S,
        free_time_s: Any = None,
        closed: Any = None,
    ) -> StreetCapacity:
        """Capacities given per arc (for networks without road rows, or tests).

        Parameters
        ----------
        network : RoadNetwork
        capacity_pps : float or array [persons/s]
            Flow capacity of each arc, > 0 (a closed arc is ``closed``, not capacity 0).
        storage_persons : float or array
            Persons each arc holds (``inf`` = no spill-back).
        free_speed_m_s : float
            Walking speed giving ``free_time_s = weight_m / free_speed_m_s``.
        free_time_s : array, optional
            Free-flow times [s] instead of lengths / speed.
        closed : bool array, optional
            Arcs removed.

        Examples
        --------
        >>> from jnrisk.network import RoadNetwork
        >>> net = RoadNetwork.from_csr([0, 1, 1], [1], [134.0])
        >>> StreetCapacity.from_arrays(net, 2.0).free_time_s.tolist()
        [100.0]
        """
        n = network.n_arcs
        cap = np.broadcast_to(np.asarray(capacity_pps, dtype=np.float64), (n,)).copy()
        sto = np.broadcast_to(np.asarray(storage_persons, dtype=np.float64), (n,)).copy()
        if free_time_s is None:
            if not (math.isfinite(free_speed_m_s) and free_speed_m_s > 0):
                raise ConfigError(
                    f"free_speed_m_s={free_speed_m_s!r}; give a walking speed > 0 m/s "
                    f"(Weidmann: {WEIDMANN_FREE_SPEED_M_S})."
                )
            ft = np.asarray(network.weight_m, dtype=np.float64) / free_speed_m_s
        else:
            ft = np.broadcast_to(np.asarray(free_time_s, dtype=np.float64), (n,)).copy()
        cl = np.zeros(n, np.bool_) if closed is None else np.asarray(closed, dtype=np.bool_)
        out = cls(capacity_pps=cap, storage_persons=sto, free_time_s=ft, closed=cl.copy(),
                  width_m=np.full(n, np.nan))
        out.validate()
        return out

    def validate(self) -> None:
        """Raise :class:`~jnrisk.DataError` naming arcs with unusable capacities or times."""
        n = self.n_arcs
        for name in ("storage_persons", "free_time_s", "closed"):
            if getattr(self, name).shape != (n,):
                raise DataError(
                    f"StreetCapacity.{name} has shape {getattr(self, name).shape}; give one "
                    f"value per arc ({n:,})."
                )
        open_ = ~self.closed
        bad = np.flatnonzero(open_ & ~(self.capacity_pps > 0))
        if bad.size:
            raise DataError(
                f"capacity_pps is zero, negative or NaN at arc {describe_rows(bad)} (e.g. "
                f"{self.capacity_pps[bad[0]]!r} persons/s); an open street needs a capacity "
                f"> 0. Close the arc instead (closed_edges=) or fix its width / lanes."
            )
        bad = np.flatnonzero(open_ & ~(self.storage_persons > 0))
        if bad.size:
            raise DataError(
                f"storage_persons is zero, negative or NaN at arc {describe_rows(bad)}; an "
                f"open street must hold at least one person (length x width x jam density)."
            )
        bad = np.flatnonzero(~(np.isfinite(self.free_time_s) & (self.free_time_s >= 0)))
        if bad.size:
            raise DataError(
                f"free_time_s is negative or not finite at arc {describe_rows(bad)}; "
                f"check the network lengths and the walking speed."
            )

    def with_factor(self, factor: Any) -> StreetCapacity:
        """Return a copy with capacities (and storage) scaled per arc (debris, flooding).

        ``factor`` is a float or a float array per arc in ``[0, inf)``; arcs scaled to 0
        become closed.

        Examples
        --------
        >>> from jnrisk.network import RoadNetwork
        >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [10.0, 10.0])
        >>> c = StreetCapacity.from_arrays(net, 2.0, 50.0).with_factor([0.5, 0.0])
        >>> c.capacity_pps.tolist(), c.closed.tolist()
        ([1.0, 0.0], [False, True])
        """
        f = np.broadcast_to(np.asarray(factor, dtype=np.float64), (self.n_arcs,))
        bad = np.flatnonzero(~(np.isfinite(f) & (f >= 0)))
        if bad.size:
            raise ConfigError(
                f"capacity factor is negative or not finite at arc {describe_rows(bad)}; "
                f"give factors >= 0 (0 closes the arc, 1 keeps it as is)."
            )
        closed = self.closed | (f == 0)
        return StreetCapacity(
            capacity_pps=np.where(closed, 0.0, self.capacity_pps * f),
            storage_persons=np.where(closed, 0.0, self.storage_persons * np.maximum(f, 0)),
            free_time_s=self.free_time_s.copy(),
            closed=closed,
            width_m=self.width_m.copy(),
            n_default_arcs=self.n_default_arcs,
            default_classes=dict(self.default_classes),
            unit=self.unit,
        )

    def with_closed(self, closed_arcs: Any) -> StreetCapacity:
        """Return a copy with more arcs closed (bool mask per arc)."""
        c = np.asarray(closed_arcs, dtype=np.bool_)
        if c.shape != (self.n_arcs,):
            raise DataError(f"closed arc mask has shape {c.shape}; expected ({self.n_arcs},).")
        return self.with_factor(np.where(c, 0.0, 1.0))

    def summary(self) -> dict[str, Any]:
        """Totals a planner can check: default-width arcs and the capacity range."""
        open_ = ~self.closed
        cap = self.capacity_pps[open_]
        return {
            "n_arcs": self.n_arcs,
            "n_closed_arcs": int(self.closed.sum()),
            "n_default_arcs": int(self.n_default_arcs),
            "default_classes": dict(self.default_classes),
            "capacity_pps_min": float(cap.min()) if cap.size else math.nan,
            "capacity_pps_median": float(np.median(cap)) if cap.size else math.nan,
            "unit": self.unit,
        }


def _arc_rows(network: Any, roads: Any) -> np.ndarray:
    rows = np.asarray(network.arc_edge, dtype=np.int64)
    if roads is None:
        return rows
    if (rows < 0).any() or network.n_edges != len(roads):
        raise DataError(
            f"the network was not built from these roads (it has {network.n_edges:,} road "
            f"rows, roads has {len(roads):,}, and {int((rows < 0).sum()):,} arcs without a "
            f"road row); build it with jnrisk.network.network_from_roads(roads), or use "
            f"StreetCapacity.from_arrays for a network built from raw arrays."
        )
    return rows


def _column(roads: Any, col: str, rows: np.ndarray, *, what: str) -> np.ndarray:
    vals = roads[col].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    bad = np.isfinite(vals) & (vals <= 0)
    if bad.any():
        labels = roads.index.to_numpy()[np.unique(rows[bad])]
        raise DataError(
            f"roads: column {col!r} ({what}) is zero or negative at {describe_rows(labels)}; "
            f"give a value > 0, NaN for the road-class default, or close the road "
            f"(closed_edges=)."
        )
    return vals


def street_capacities(  # noqa: PLR0913  keyword-only model tables and column names
    network: Any,
    roads: Any,
    *,
    width_col: str = "walk_width_m",
    width_m_by_class: Mapping[str, float] | None = None,
    free_speed_m_s: float = WEIDMANN_FREE_SPEED_M_S,
    jam_density_p_m2: float = WEIDMANN_JAM_DENSITY_P_M2,
    lanes_col: str = "lanes",
    lane_capacity_veh_h: float = LANE_CAPACITY_VEH_H,
    persons_per_vehicle: float = 2.0,
    capacity_factor: Any = None,
    closed_edges: Any = None,
    warn_defaults: bool = True,
) -> StreetCapacity:
    """Flow capacity, storage and free-flow time of every arc of a road network.

    Parameters
    ----------
    network : RoadNetwork
        Built from ``roads`` by :func:`jnrisk.network.network_from_roads` (``"walk"`` or
        ``"drive"``).
    roads : geopandas.GeoDataFrame
        The roads the network was built from (``road_class``, optional ``width_col``,
        ``lanes_col``, ``oneway``).
    width_col : str
        Walkable width [m] per road; missing column or NaN -> the class default
        (:data:`DEFAULT_WALK_WIDTH_M`, overridable by ``width_m_by_class``), reported.
    free_speed_m_s, jam_density_p_m2 : float
        Weidmann's free walking speed [m/s] and jam density [p/m²]; the capacity per metre of
        width is the diagram's maximum flow (:func:`weidmann_max_flow`).
    lanes_col, lane_capacity_veh_h, persons_per_vehicle : str, float, float
        Drive networks: lanes per road (two-way roads: half each way, at least one), vehicles
        per hour per lane, and persons per evacuating vehicle (capacities are in persons).
    capacity_factor : float or array per road row, optional
        Multiplies capacity and storage (0.5 = half the street blocked by debris; 0 closes).
    closed_edges : bool mask or int positions of road rows, optional
        Roads removed (e.g. flood closures), as in ``network.distances``.
    warn_defaults : bool
        Warn (:class:`~jnrisk.JnriskWarning`) when defaults were used.

    Returns
    -------
    StreetCapacity

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from jnrisk.network import network_from_roads
    >>> roads = gpd.GeoDataFrame({"u": [1], "v": [2], "road_class": ["primary"],
    ...                           "walk_width_m": [5.0]},
    ...                          geometry=[LineString([(0, 0), (134, 0)])], crs="EPSG:4548")
    >>> cap = street_capacities(network_from_roads(roads), roads)
    >>> cap.capacity_pps.round(2).tolist(), cap.free_time_s.tolist(), cap.n_default_arcs
    ([6.12, 6.12], [100.0, 100.0], 0)
    """
    mode = getattr(network, "mode", None)
    if mode not in ("walk", "drive"):
        raise ConfigError(
            f"street_capacities needs a walk or drive network built from roads (mode "
            f"{mode!r}); for raw CSR networks use StreetCapacity.from_arrays."
        )
    for name, v in (("free_speed_m_s", free_speed_m_s), ("jam_density_p_m2", jam_density_p_m2),
                    ("lane_capacity_veh_h", lane_capacity_veh_h),
                    ("persons_per_vehicle", persons_per_vehicle)):
        if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
            raise ConfigError(f"{name}={v!r}; it must be a finite number > 0.")
    if not hasattr(roads, "columns"):
        raise SchemaError(
            f"roads must be the (Geo)DataFrame the network was built from, got "
            f"{type(roads).__name__}."
        )
    rows = _arc_rows(network, roads)
    n = network.n_arcs
    road_class = (
        roads["road_class"].astype("string").fillna("").to_numpy(dtype=object)[rows]
        if "road_class" in roads.columns
        else np.full(n, "", dtype=object)
    )
    length_m = np.asarray(network.weight_m, dtype=np.float64)
    if mode == "walk":
        table = dict(DEFAULT_WALK_WIDTH_M)
        if width_m_by_class is not None:
            table.update(width_m_by_class)
        bad = {k: v for k, v in table.items() if not (np.isfinite(v) and v > 0)}
        if bad:
            raise ConfigError(f"width_m_by_class has widths <= 0: {bad}; give metres > 0.")
        width = (_column(roads, width_col, rows, what="walkable width [m]")
                 if width_col in roads.columns else np.full(n, np.nan))
        default = ~np.isfinite(width)
        width[default] = [table.get(c, FALLBACK_WALK_WIDTH_M) for c in road_class[default]]
        q_max, _ = weidmann_max_flow(free_speed_m_s=free_speed_m_s,
                                     jam_density_p_m2=jam_density_p_m2)
        cap = width * q_max
        storage = length_m * width * jam_density_p_m2
        free_time = length_m / free_speed_m_s
        unit = "persons"
    else:
        if network.time_s is None:
            raise ConfigError("the drive network has no time_s; build it with network_from_roads.")
        lanes = (_column(roads, lanes_col, rows, what="lanes")
                 if lanes_col in roads.columns else np.full(n, np.nan))
        default = ~np.isfinite(lanes)
        lanes[default] = 2.0  # a two-lane two-way road: one lane each way
        oneway = (roads["oneway"].fillna(False).to_numpy(dtype=np.bool_)[rows]
                  if "oneway" in roads.columns else np.zeros(n, np.bool_))
        width = np.where(oneway, lanes, np.maximum(1.0, np.floor(lanes / 2.0)))
        cap = width * lane_capacity_veh_h / 3600.0 * persons_per_vehicle
        storage = length_m * width / JAM_SPACING_M_PER_VEHICLE * persons_per_vehicle
        storage = np.maximum(storage, persons_per_vehicle)  # a short link still holds a car
        free_time = np.asarray(network.time_s, dtype=np.float64).copy()
        unit = "persons in vehicles"
    classes, counts = np.unique(road_class[default].astype(str), return_counts=True)
    default_classes = {str(c) or "<no class>": int(k)
                       for c, k in zip(classes, counts, strict=True)}
    n_default = int(default.sum())
    if n_default and warn_defaults:
        what = f"column {width_col!r}" if mode == "walk" else f"column {lanes_col!r}"
        warnings.warn(
            f"street_capacities: {n_default:,} of {n:,} arcs have no {what} value and use the "
            f"road-class default ({default_classes}); add the column to use measured values.",
            JnriskWarning,
            stacklevel=2,
        )
    out = StreetCapacity(
        capacity_pps=cap,
        storage_persons=storage,
        free_time_s=free_time,
        closed=np.zeros(n, np.bool_),
        width_m=width.copy(),
        n_default_arcs=n_default,
        default_classes=default_classes,
        unit=unit,
    )
    factor = np.ones(n)
    if capacity_factor is not None:
        f = np.asarray(capacity_factor, dtype=np.float64)
        factor = f[rows] if f.ndim == 1 and f.size == network.n_edges else np.broadcast_to(f, (n,))
    if closed_edges is not None:
        closed = _closed_arcs(network, closed_edges)
        factor = np.where(closed, 0.0, factor)
    out = out.with_factor(factor) if (capacity_factor is not None or closed_edges is not None) \
        else out
    out.validate()
    return out


def _closed_arcs(network: Any, closed_edges: Any) -> np.ndarray:
    """Return per-arc closure flags.

    Per-arc closure flags from road-row positions or a row mask (as ``distances`` reads
    ``closed_edges``): the closed arcs are the ones missing from ``to_scipy``.
    """
    c = np.asarray(closed_edges)
    n_edges = network.n_edges
    if c.dtype == np.bool_:
        if c.shape != (n_edges,):
            raise DataError(
                f"closed_edges is a boolean mask of shape {c.shape}; give one flag per road "
                f"row ({n_edges:,}) or an array of row positions."
            )
        edge_closed = c
    else:
        if c.size and not np.issubdtype(c.dtype, np.integer):
            raise SchemaError(f"closed_edges has dtype {c.dtype}; give int row positions.")
        c = c.astype(np.int64).ravel()
        bad = np.flatnonzero((c < 0) | (c >= n_edges))
        if bad.size:
            raise DataError(
                f"closed_edges holds positions outside 0..{n_edges - 1} at "
                f"{describe_rows(bad)}; positions are row positions (iloc) of the roads."
            )
        edge_closed = np.zeros(n_edges, np.bool_)
        edge_closed[c] = True
    arc_edge = np.asarray(network.arc_edge, dtype=np.int64)
    if (arc_edge < 0).all():
        return edge_closed.copy()  # raw CSR network: closures index arcs
    return edge_closed[arc_edge]
