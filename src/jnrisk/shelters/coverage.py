"""Walking-distance coverage of shelters, district / sub-district tables, scenario demand.

* :func:`walking_costs` -- long-format block -> facility walking distances on the road network
  (bounded Dijkstra from the facilities, plus the straight snap legs at both ends).
* :func:`shelter_coverage` -- nearest shelter of each class and its walking distance per block,
  and whether the block lies within that class's service radius.
* :func:`area_table` -- population, shelters, effective area, m² per resident against 2 m²
  (today) and 3 m² (2035), share covered and unserved, by district or sub-district.
* :func:`city_m2_per_resident` -- the bureau's headline figure (m² per resident of the
  built-up area) from the layers, with how it was computed.
* :func:`scenario_shelter_demand` -- exact allocation (``jnrisk.allocation.solve_transport``) of
  displaced persons to the shelters that remain usable; unmet demand by district and the
  shelters that overflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError, SchemaError
from jnrisk.units import JINAN_SHELTER_M2_PER_PERSON, JINAN_SHELTER_M2_PER_PERSON_2035

__all__ = [
    "DEFAULT_RADIUS_M",
    "walking_costs",
    "ShelterCoverage",
    "shelter_coverage",
    "area_table",
    "city_m2_per_resident",
    "ShelterDemandResult",
    "scenario_shelter_demand",
]

#: Walking service radius [m] by shelter class: emergency ≈ 500 m (GB 50413-2007, ≈ 10 min)
#: [V]; fixed 2-3 km (GB 50413-2007) [V], 2,500 m used; central: as fixed (their fixed-shelter
#: role). Override per call.
DEFAULT_RADIUS_M: Mapping[str, float] = MappingProxyType(
    {"emergency": 500.0, "fixed": 2_500.0, "central": 2_500.0}
)


def _points(gdf: Any) -> Any:
    if (gdf.geometry.geom_type == "Point").all():
        return gdf
    out = gdf.copy()
    out.geometry = gdf.geometry.representative_point()
    return out


def walking_costs(
    network: Any,
    blocks: Any,
    targets: Any,
    *,
    cutoff_m: float,
    max_snap_m: float = 500.0,
    on_far: str = "warn",
) -> pd.DataFrame:
    """Compute walking distances [m] from blocks to targets (shelters, candidates) up to ``cutoff_m``.

    ``cost_m = snap(block) + network distance + snap(target)``, where ``snap`` is the straight
    leg to the nearest network node and the network distance is the walk from the block to
    the target (``RoadNetwork.od_costs``, a bounded Dijkstra from each target; on a directed
    network along the reversed arcs). Only pairs with ``cost_m <= cutoff_m`` are returned.

    Parameters
    ----------
    network
        A ``jnrisk.network.RoadNetwork`` with node coordinates (walk mode).
    blocks, targets
        GeoDataFrames (points, or polygons -> representative points) in the network's CRS.
    cutoff_m
        Largest walking distance kept [m].
    max_snap_m, on_far
        Passed to ``jnrisk.network.snap_points``.

    Returns
    -------
    DataFrame
        ``origin`` (blocks index label), ``dest`` (targets index label), ``cost_m``; sorted by
        origin position then cost.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 3, 4], [1, 0, 2, 1], [400.0, 400.0, 300.0, 300.0],
    ...                            x=[0.0, 400.0, 700.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    >>> b = gpd.GeoDataFrame(geometry=[Point(0, 10)], crs="EPSG:4548")
    >>> s = gpd.GeoDataFrame(geometry=[Point(700, 0), Point(400, 0)], index=["A", "B"],
    ...                      crs="EPSG:4548")
    >>> walking_costs(net, b, s, cutoff_m=1000.0).to_dict("list")
    {'origin': [0, 0], 'dest': ['B', 'A'], 'cost_m': [410.0, 710.0]}
    """
    from jnrisk.network import require_network, snap_points

    require_network(network)
    cutoff_m = _validate.real_number("cutoff_m", cutoff_m, ge=0.0, unit="m")
    _validate.unique_index(blocks, name="blocks")
    _validate.unique_index(targets, name="targets")
    _validate.same_crs(blocks=blocks, targets=targets)
    sb = snap_points(network, _points(blocks), max_snap_m=max_snap_m, on_far=on_far)
    st = snap_points(network, _points(targets), max_snap_m=max_snap_m, on_far=on_far)
    empty = pd.DataFrame(
        {
            "origin": blocks.index[:0],
            "dest": targets.index[:0],
            "cost_m": np.zeros(0),
        }
    )
    if len(blocks) == 0 or len(targets) == 0:
        return empty
    b_pos, t_pos, cost = _pair_costs(network, sb, st, cutoff_m)
    order = np.lexsort((cost, b_pos))
    return pd.DataFrame(
        {
            "origin": blocks.index.to_numpy()[b_pos[order]],
            "dest": targets.index.to_numpy()[t_pos[order]],
            "cost_m": cost[order],
        }
    )


def _pair_costs(
    network: Any, sb: Any, st: Any, cutoff_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (block position, target position, snap + network + snap metres) with cost <= cutoff.

    Walking to the targets (searched from the targets).
    """
    c = network.od_costs(sb, st, cutoff_m, direction="to_destinations")
    b_pos = np.repeat(np.arange(c.shape[0], dtype=np.int64), np.diff(c.indptr))
    return b_pos, c.indices.astype(np.int64), c.data


def _subset_snap(st: Any, pos: np.ndarray) -> Any:
    from jnrisk.network import SnapResult

    return SnapResult(
        node=st.node[pos],
        snap_distance_m=st.snap_distance_m[pos],
        too_far=st.too_far[pos],
        index=st.index[pos],
    )


@dataclass(frozen=True)
class ShelterCoverage:
    """Walking coverage of blocks by shelter class.

    Attributes
    ----------
    blocks
        Copy of the blocks with, per class ``c``: ``nearest_<c>`` (shelter index label or NA),
        ``dist_<c>_m`` (walking metres, inf when none is reachable) and ``covered_<c>``
        (within the class radius); plus ``covered_any``.
    summary
        One row per class: ``radius_m``, ``shelters``, ``persons``, ``covered_persons``,
        ``covered_pct``.
    """

    blocks: Any
    summary: pd.DataFrame

    def to_geodataframe(self) -> Any:
        """Return the blocks layer with the coverage columns."""
        return self.blocks


def shelter_coverage(
    blocks: Any,
    shelters: Any,
    network: Any,
    *,
    radius_m: Mapping[str, float] | None = None,
    class_col: str = "class",
    persons_col: str = "persons",
    max_snap_m: float = 500.0,
    on_far: str = "warn",
) -> ShelterCoverage:
    """Nearest shelter of each class by walking distance, and coverage within class radii.

    Within the class radius the nearest shelter and distance are exact (bounded Dijkstra from
    each shelter, both snap legs included). Beyond it, one multi-source Dijkstra per class
    (``RoadNetwork.nearest_source``) gives the shelter nearest by network distance from the
    block's node, with both snap legs added (an upper bound of the true nearest distance,
    which is also beyond the radius, so ``covered_<c>`` is exact).

    Parameters
    ----------
    blocks
        Population blocks with ``persons_col`` (points or polygons), metric CRS.
    shelters
        Shelters with ``class_col``; same CRS.
    network
        Walk ``RoadNetwork`` with node coordinates.
    radius_m
        Service radius per class [m]; default :data:`DEFAULT_RADIUS_M`. Classes present in
        ``shelters`` but missing here raise :class:`~jnrisk.ConfigError`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 3, 4], [1, 0, 2, 1], [400.0, 400.0, 300.0, 300.0],
    ...                            x=[0.0, 400.0, 700.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    >>> b = gpd.GeoDataFrame({"persons": [100, 50]}, geometry=[Point(0, 0), Point(700, 0)],
    ...                      crs="EPSG:4548")
    >>> s = gpd.GeoDataFrame({"class": ["emergency"]}, geometry=[Point(400, 0)],
    ...                      crs="EPSG:4548")
    >>> r = shelter_coverage(b, s, net)
    >>> r.blocks["dist_emergency_m"].tolist(), float(r.summary.loc["emergency", "covered_pct"])
    ([400.0, 300.0], 100.0)
    """
    from jnrisk.network import require_network, snap_points

    require_network(network)
    _validate.same_crs(blocks=blocks, shelters=shelters)
    persons = _validate.non_negative_values(blocks, persons_col, name="blocks")
    _validate.require_columns(shelters, [class_col], name="shelters")
    radii = dict(DEFAULT_RADIUS_M if radius_m is None else radius_m)
    classes = [c for c in pd.unique(shelters[class_col].dropna().astype(str))]
    missing = [c for c in classes if c not in radii]
    if missing:
        raise ConfigError(
            f"no service radius for shelter class(es) {missing}; radius_m has {sorted(radii)}. "
            f"Pass radius_m={{..., {missing[0]!r}: 1000.0}}."
        )
    sb = snap_points(network, _points(blocks), max_snap_m=max_snap_m, on_far=on_far)
    st = snap_points(network, _points(shelters), max_snap_m=max_snap_m, on_far=on_far)
    to_shelters = network if network.is_symmetric else network.reversed()
    out = blocks.copy()
    rows = []
    any_cov = np.zeros(len(blocks), dtype=bool)
    cls_arr = shelters[class_col].astype(str).to_numpy()
    order = sorted(radii, key=lambda c: radii[c])
    for c in [c for c in order if c in classes]:
        pos = np.flatnonzero(cls_arr == c)
        # walking *to* the shelter: on a directed network, search the reversed arcs
        label, dist = to_shelters.nearest_source(st.node[pos])
        lab = label[sb.node]
        reach = lab >= 0
        d = np.full(len(blocks), np.inf)
        d[reach] = dist[sb.node[reach]] + sb.snap_distance_m[reach]
        d[reach] += st.snap_distance_m[pos[lab[reach]]]
        near = np.full(len(blocks), -1, dtype=np.int64)
        near[reach] = pos[lab[reach]]
        # exact within the radius
        st_c = _subset_snap(st, pos)
        b_pos, t_pos, cost = _pair_costs(network, sb, st_c, radii[c])
        if len(b_pos):
            order = np.lexsort((t_pos, cost, b_pos))
            b_pos, t_pos, cost = b_pos[order], t_pos[order], cost[order]
            first = np.r_[True, b_pos[1:] != b_pos[:-1]]
            d[b_pos[first]] = cost[first]
            near[b_pos[first]] = pos[t_pos[first]]
        nearest = pd.Series(pd.NA, index=out.index, dtype=object)
        has = near >= 0
        nearest[has] = shelters.index.to_numpy()[near[has]]
        covered = d <= radii[c]
        any_cov |= covered
        out[f"nearest_{c}"] = nearest.to_numpy()
        out[f"dist_{c}_m"] = d
        out[f"covered_{c}"] = covered
        total = float(persons.sum())
        cov = float(persons[covered].sum())
        rows.append(
            {
                "class": c,
                "radius_m": float(radii[c]),
                "shelters": int(len(pos)),
                "persons": total,
                "covered_persons": cov,
                "covered_pct": 100.0 * cov / total if total > 0 else 0.0,
            }
        )
    out["covered_any"] = any_cov
    summary = pd.DataFrame(rows).set_index("class") if rows else pd.DataFrame()
    return ShelterCoverage(blocks=out, summary=summary)


def area_table(  # noqa: PLR0913  keyword-only column names and standards
    blocks: Any,
    shelters: Any,
    *,
    by: str = "district",
    persons_col: str = "persons",
    area_col: str = "effective_area_m2",
    built_up_col: str | None = "built_up",
    covered_col: str | None = None,
    unserved_col: str | None = None,
    m2_per_person_now: float = JINAN_SHELTER_M2_PER_PERSON,
    m2_per_person_target: float = JINAN_SHELTER_M2_PER_PERSON_2035,
) -> pd.DataFrame:
    """Shelter supply against population by area (district or sub-district).

    Both layers must carry the area key ``by`` (``"district"`` or ``"town_id"`` in the bundled
    data). Columns: ``persons``, ``persons_built_up`` (if ``built_up_col``), ``shelters``,
    ``effective_area_m2``, ``m2_per_resident``, ``shortfall_m2_now`` / ``shortfall_m2_target``
    (area missing to reach ``m2_per_person_now`` = 2 m² / ``m2_per_person_target`` = 3 m² per
    resident, >= 0), ``covered_pct`` (share of persons in blocks where ``covered_col`` is true)
    and ``unserved_persons`` (sum of ``unserved_col``) when those columns are given.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"persons": [1000, 3000], "district": ["A", "B"]},
    ...                      geometry=[Point(0, 0), Point(1, 1)], crs="EPSG:4548")
    >>> s = gpd.GeoDataFrame({"effective_area_m2": [4000.0], "district": ["A"]},
    ...                      geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> area_table(b, s, built_up_col=None)[["m2_per_resident", "shortfall_m2_now"]].to_dict()
    {'m2_per_resident': {'A': 4.0, 'B': 0.0}, 'shortfall_m2_now': {'A': 0.0, 'B': 6000.0}}
    """
    persons = _validate.non_negative_values(blocks, persons_col, name="blocks")
    area = _validate.non_negative_values(shelters, area_col, name="shelters")
    _validate.require_columns(blocks, [by], name="blocks")
    _validate.require_columns(shelters, [by], name="shelters")
    for need in (built_up_col, covered_col, unserved_col):
        if need is not None:
            _validate.require_columns(blocks, [need], name="blocks")
    key_b = blocks[by].to_numpy()
    g = pd.DataFrame({"persons": persons, by: key_b})
    if built_up_col is not None:
        g["persons_built_up"] = np.where(blocks[built_up_col].to_numpy(dtype=bool), persons, 0.0)
    if covered_col is not None:
        g["covered_persons"] = np.where(blocks[covered_col].to_numpy(dtype=bool), persons, 0.0)
    if unserved_col is not None:
        g["unserved_persons"] = _validate.non_negative_values(blocks, unserved_col, name="blocks")
    t = g.groupby(by, sort=True).sum()
    s = (
        pd.DataFrame({by: shelters[by].to_numpy(), "effective_area_m2": area})
        .groupby(by)
        .agg(shelters=("effective_area_m2", "size"), effective_area_m2=("effective_area_m2", "sum"))
    )
    t = t.join(s, how="outer")
    t["persons"] = t["persons"].fillna(0.0)
    t["shelters"] = t["shelters"].fillna(0).astype(np.int64)
    t["effective_area_m2"] = t["effective_area_m2"].fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t["m2_per_resident"] = np.where(
            t["persons"] > 0, t["effective_area_m2"] / t["persons"], np.nan
        )
    t["shortfall_m2_now"] = np.maximum(m2_per_person_now * t["persons"] - t["effective_area_m2"], 0)
    t["shortfall_m2_target"] = np.maximum(
        m2_per_person_target * t["persons"] - t["effective_area_m2"], 0
    )
    if covered_col is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            t["covered_pct"] = np.where(
                t["persons"] > 0, 100.0 * t["covered_persons"].fillna(0) / t["persons"], np.nan
            )
        t = t.drop(columns="covered_persons")
    t.index.name = by
    return t


def city_m2_per_resident(
    blocks: Any,
    shelters: Any,
    *,
    persons_col: str = "persons",
    area_col: str = "effective_area_m2",
    built_up_col: str = "built_up",
) -> dict[str, Any]:
    """Compute the city headline figure: shelter effective area per resident of the built-up area.

    ``m2_per_resident_built_up = Σ effective_area_m2 (all shelters) / Σ persons (blocks with
    built_up)``, the way the bureau states "人均 2 m² in the built-up area"; also per resident
    of the whole city.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"persons": [1000, 500], "built_up": [True, False]},
    ...                      geometry=[Point(0, 0), Point(1, 1)], crs="EPSG:4548")
    >>> s = gpd.GeoDataFrame({"effective_area_m2": [2500.0]}, geometry=[Point(0, 0)],
    ...                      crs="EPSG:4548")
    >>> city_m2_per_resident(b, s)["m2_per_resident_built_up"]
    2.5
    """
    persons = _validate.non_negative_values(blocks, persons_col, name="blocks")
    area = _validate.non_negative_values(shelters, area_col, name="shelters")
    _validate.require_columns(blocks, [built_up_col], name="blocks")
    bu = blocks[built_up_col].to_numpy(dtype=bool)
    total_area = float(area.sum())
    p_bu = float(persons[bu].sum())
    p_all = float(persons.sum())
    return {
        "shelters": int(len(shelters)),
        "effective_area_m2": total_area,
        "persons_built_up": p_bu,
        "persons_total": p_all,
        "m2_per_resident_built_up": total_area / p_bu if p_bu > 0 else float("nan"),
        "m2_per_resident_city": total_area / p_all if p_all > 0 else float("nan"),
        "how": (
            f"sum of {area_col} over all {len(shelters)} shelters ({total_area:,.0f} m²) divided "
            f"by the residents of blocks with {built_up_col} = True ({p_bu:,.0f} persons)"
        ),
    }


@dataclass(frozen=True)
class ShelterDemandResult:
    """Exact allocation of scenario shelter demand.

    Attributes
    ----------
    blocks
        Copy of the blocks with ``demand_persons`` (integer persons to place), ``served_persons``,
        ``unserved_persons`` and ``no_shelter_in_reach`` (no usable shelter within the walk).
    shelters
        Copy of the shelters with ``usable``, ``assigned_persons``, ``spare_persons``,
        ``unserved_in_reach_persons`` (unserved persons of blocks that could walk there) and
        ``overflow`` (full while people in reach are unserved).
    flows
        ``origin`` (block label), ``dest`` (shelter label), ``persons``, ``cost_m``.
    by_district
        Demand, served, unserved and ``unreachable_persons`` (unserved because no usable shelter
        is within ``max_walk_m``, as opposed to shelters in reach being full) per district.
    travel_person_m
        Total walking person-metres of the allocation.
    """

    blocks: Any
    shelters: Any
    flows: pd.DataFrame
    by_district: pd.DataFrame
    travel_person_m: float

    def to_geodataframe(self) -> Any:
        """Return the blocks layer with demand / served / unserved columns."""
        return self.blocks


def scenario_shelter_demand(  # noqa: PLR0913  keyword-only column names and walk limit
    blocks: Any,
    shelters: Any,
    network: Any | None = None,
    *,
    demand_col: str = "displaced_persons",
    capacity_col: str = "capacity_persons",
    usable_col: str | None = "usable",
    district_col: str = "district",
    max_walk_m: float = 2_500.0,
    costs: pd.DataFrame | None = None,
) -> ShelterDemandResult:
    """Place displaced persons in the usable shelters by the exact transportation optimum.

    Demand per block is ``round(demand_col)`` persons; supply is each usable shelter's
    ``capacity_col``; arcs are walking routes up to ``max_walk_m`` (from ``costs`` or
    :func:`walking_costs` on ``network``). The allocation (``jnrisk.allocation.
    solve_transport``) first places as many persons as possible, then minimises walking;
    whatever cannot be placed is unserved (never an error).

    Parameters
    ----------
    blocks
        Blocks with ``demand_col`` (e.g. from ``jnrisk.quake.displaced_persons``) and
        ``district_col``.
    shelters
        Shelters with ``capacity_col`` and, optionally, a boolean ``usable_col`` (e.g. from
        ``jnrisk.quake.shelter_usability``); pass ``usable_col=None`` to use all.
    network
        Walk ``RoadNetwork``; not needed when ``costs`` is given.
    costs
        Optional precomputed long-format table (``origin``, ``dest``, ``cost_m``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 3, 4], [1, 0, 2, 1], [400.0, 400.0, 300.0, 300.0],
    ...                            x=[0.0, 400.0, 700.0], y=[0.0, 0.0, 0.0], crs="EPSG:4548")
    >>> b = gpd.GeoDataFrame({"displaced_persons": [100, 50], "district": ["A", "A"]},
    ...                      geometry=[Point(0, 0), Point(700, 0)], crs="EPSG:4548")
    >>> s = gpd.GeoDataFrame({"capacity_persons": [120]}, geometry=[Point(400, 0)],
    ...                      crs="EPSG:4548")
    >>> r = scenario_shelter_demand(b, s, net, usable_col=None)
    >>> # the block 300 m from the shelter is served in full, 30 of the other stay unserved
    >>> r.blocks["unserved_persons"].tolist(), r.flows["persons"].tolist()
    ([30, 0], [70, 50])
    """
    from jnrisk.allocation import solve_transport
    from jnrisk.network import csr_from_arcs

    _validate.same_crs(blocks=blocks, shelters=shelters)
    demand_f = _validate.non_negative_values(blocks, demand_col, name="blocks")
    cap = _validate.non_negative_values(shelters, capacity_col, name="shelters", integer=True)
    _validate.require_columns(blocks, [district_col], name="blocks")
    if usable_col is not None:
        _validate.require_columns(shelters, [usable_col], name="shelters")
        usable = shelters[usable_col].to_numpy(dtype=bool)
    else:
        usable = np.ones(len(shelters), dtype=bool)
    for df, nm in ((blocks, "blocks"), (shelters, "shelters")):
        if not df.index.is_unique:
            raise DataError(f"{nm}: the index must be unique; reset_index() or renumber.")
    demand = np.round(demand_f).astype(np.int64)
    if costs is None:
        if network is None:
            raise ConfigError("give network= (a walk RoadNetwork) or a precomputed costs= table.")
        costs = walking_costs(network, blocks, shelters, cutoff_m=max_walk_m)
    for c in ("origin", "dest", "cost_m"):
        if c not in costs.columns:
            raise SchemaError(f"costs: missing column {c!r}; expected origin, dest, cost_m.")
    o = blocks.index.get_indexer(costs["origin"])
    d = shelters.index.get_indexer(costs["dest"])
    if (o < 0).any() or (d < 0).any():
        raise DataError("costs: origin/dest labels not in blocks.index / shelters.index.")
    cst = costs["cost_m"].to_numpy(dtype=np.float64)
    keep = (cst <= max_walk_m) & usable[d]
    o, d, cst = o[keep], d[keep], cst[keep]
    indptr, order = csr_from_arcs(o, len(blocks), keys=(cst,))
    o, d, cst = o[order], d[order], cst[order]
    cap_use = np.where(usable, cap, 0)
    sol = solve_transport(demand, cap_use, indptr, d, cst)
    flow = np.asarray(sol.flow, dtype=np.int64)
    unserved = np.asarray(sol.unserved, dtype=np.int64)
    served = demand - unserved
    b = blocks.copy()
    b["demand_persons"] = demand
    b["served_persons"] = served
    b["unserved_persons"] = unserved
    reachable = np.bincount(o, minlength=len(blocks)) > 0
    b["no_shelter_in_reach"] = ~reachable
    assigned = np.bincount(d, weights=flow, minlength=len(shelters)).astype(np.int64)
    in_reach = np.zeros(len(shelters))
    has_unserved = unserved[o] > 0
    # each unserved block counts once per shelter it could reach
    np.add.at(in_reach, d[has_unserved], unserved[o[has_unserved]])
    s = shelters.copy()
    s["usable"] = usable
    s["assigned_persons"] = assigned
    s["spare_persons"] = cap_use - assigned
    s["unserved_in_reach_persons"] = in_reach
    s["overflow"] = usable & (assigned >= cap_use) & (in_reach > 0)
    nz = flow > 0
    flows = pd.DataFrame(
        {
            "origin": blocks.index.to_numpy()[o[nz]],
            "dest": shelters.index.to_numpy()[d[nz]],
            "persons": flow[nz],
            "cost_m": cst[nz],
        }
    )
    by = (
        pd.DataFrame(
            {
                district_col: blocks[district_col].to_numpy(),
                "demand_persons": demand,
                "served_persons": served,
                "unserved_persons": unserved,
                "unreachable_persons": np.where(reachable, 0, demand),
            }
        )
        .groupby(district_col)
        .sum()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        by["unserved_pct"] = np.where(
            by["demand_persons"] > 0, 100.0 * by["unserved_persons"] / by["demand_persons"], 0.0
        )
    return ShelterDemandResult(
        blocks=b,
        shelters=s,
        flows=flows,
        by_district=by,
        travel_person_m=float((flow * cst).sum()),
    )
