"""Relief supplies: allocate displaced persons to warehouses by drive time; reserve standards.

Jinan's published stocking standard (docs/references.md#jinan-supplies-standard): supplies for
40,000-60,000 people at city level and 5,000-7,000 people per district.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError, DataError
from jnrisk._validate import describe_rows, non_negative_values, require_columns
from jnrisk.rescue._common import check_network, check_points, check_time, congestion_factor, snap
from jnrisk.rescue._common import time_matrix as _time_matrix

__all__ = [
    "CITY_RESERVE_STANDARD_PERSONS",
    "DISTRICT_RESERVE_STANDARD_PERSONS",
    "DEFAULT_SUPPLY_DAYS",
    "SuppliesResult",
    "allocate_supplies",
    "reserve_standards",
]

#: City-level reserve standard [persons] (docs/references.md#jinan-supplies-standard).
CITY_RESERVE_STANDARD_PERSONS = (40_000, 60_000)
#: District-level reserve standard [persons] (docs/references.md#jinan-supplies-standard).
DISTRICT_RESERVE_STANDARD_PERSONS = (5_000, 7_000)
#: Days of supplies per person used to turn ``stock_person_days`` into persons served.
#: [M] assumption: the bundled synthetic warehouses hold 7 person-days per person of capacity;
#: no published Jinan figure was found. Override with ``days=``.
DEFAULT_SUPPLY_DAYS = 7.0


def _warehouse_persons(warehouses: Any, stock_col: str, days: float) -> np.ndarray:
    stock = non_negative_values(warehouses, stock_col, name="warehouses")
    return np.floor(stock / days + 1e-9).astype(np.int64)


def reserve_standards(
    warehouses: Any,
    *,
    stock_col: str = "stock_person_days",
    days: float = DEFAULT_SUPPLY_DAYS,
    level_col: str = "level",
    district_col: str = "district",
    city_standard_persons: tuple[int, int] = CITY_RESERVE_STANDARD_PERSONS,
    district_standard_persons: tuple[int, int] = DISTRICT_RESERVE_STANDARD_PERSONS,
) -> pd.DataFrame:
    """Compare reserves with the 40-60 k (city) and 5-7 k (district) standards.

    Parameters
    ----------
    warehouses : DataFrame or GeoDataFrame
        With ``stock_col`` [person-days, >= 0], ``level_col`` (``"city"`` or ``"district"``)
        and ``district_col``.
    days : float
        Days of supply per person (stock persons = floor(stock / days)).

    Returns
    -------
    pandas.DataFrame
        One row per reserve (the city, then each district): ``level``, ``district``,
        ``stock_persons``, ``standard_min_persons``, ``standard_max_persons``,
        ``shortfall_persons`` (to the minimum, >= 0) and ``status``
        (``"below"``, ``"within"``, ``"above"``).

    Examples
    --------
    >>> import pandas as pd
    >>> wh = pd.DataFrame({"stock_person_days": [350_000, 28_000], "level": ["city", "district"],
    ...                    "district": ["A", "B"]})
    >>> reserve_standards(wh)[["level", "stock_persons", "status"]].values.tolist()
    [['city', 50000, 'within'], ['district', 4000, 'below']]
    """
    days = check_time(days, name="days")
    require_columns(warehouses, [stock_col, level_col, district_col], name="warehouses")
    persons = _warehouse_persons(warehouses, stock_col, days)
    level = warehouses[level_col].astype(object).to_numpy()
    bad = ~np.isin(level, np.asarray(["city", "district"], dtype=object))
    if bad.any():
        raise DataError(
            f"warehouses: column {level_col!r} must be 'city' or 'district'; found "
            f"{sorted({str(v) for v in level[bad]})[:5]} at "
            f"{describe_rows(warehouses.index[bad])}."
        )
    rows = []
    city = level == "city"
    rows.append(("city", "(city)", int(persons[city].sum()), *city_standard_persons))
    district = warehouses[district_col].astype(object).to_numpy()
    for d in pd.unique(district[~city]):
        sel = (~city) & (district == d)
        rows.append(("district", d, int(persons[sel].sum()), *district_standard_persons))
    out = pd.DataFrame(
        rows,
        columns=["level", "district", "stock_persons", "standard_min_persons",
                 "standard_max_persons"],
    )
    out["shortfall_persons"] = np.maximum(out["standard_min_persons"] - out["stock_persons"], 0)
    out["status"] = np.where(
        out["stock_persons"] < out["standard_min_persons"],
        "below",
        np.where(out["stock_persons"] > out["standard_max_persons"], "above", "within"),
    )
    return out


@dataclass(frozen=True, eq=False)
class SuppliesResult:
    """Allocation of displaced persons to warehouses (see :func:`allocate_supplies`).

    Attributes
    ----------
    flows : pandas.DataFrame
        One row per (block, warehouse) with persons supplied: ``block``, ``warehouse`` (index
        labels), ``persons``, ``time_s``.
    districts : pandas.DataFrame
        Per district: ``displaced_persons``, ``supplied_persons``, ``shortfall_persons``
        (displaced left without supplies), ``district_stock_persons`` (district-level
        warehouses located there), ``standard_min_persons``/``standard_max_persons`` and
        ``displaced_over_standard_max`` (displaced persons beyond what the 5-7 k standard plans
        for).
    warehouses : geopandas.GeoDataFrame
        Copy of the warehouses with ``stock_persons``, ``supplied_persons`` and
        ``remaining_persons``.
    standards : pandas.DataFrame
        :func:`reserve_standards` of the warehouses.
    total_time_person_s : float
        Sum over supplied persons of the warehouse drive time [person-s] (minimised).
    displaced_persons, supplied_persons, shortfall_persons : int
        Totals.
    """

    flows: pd.DataFrame
    districts: pd.DataFrame
    warehouses: Any
    standards: pd.DataFrame
    total_time_person_s: float
    displaced_persons: int
    supplied_persons: int
    shortfall_persons: int


def allocate_supplies(  # noqa: PLR0913  keyword-only routing options and column names
    net: Any,
    displaced: Any,
    warehouses: Any,
    *,
    persons_col: str = "displaced_persons",
    stock_col: str = "stock_person_days",
    days: float = DEFAULT_SUPPLY_DAYS,
    district_col: str = "district",
    level_col: str = "level",
    max_time_s: float = np.inf,
    closed_edges: Any = None,
    congestion: float | str = 1.0,
    max_snap_m: float = 1000.0,
) -> SuppliesResult:
    """Supply displaced persons from warehouses, minimising total drive time (exact).

    A transportation problem solved by :func:`jnrisk.allocation.solve_transport`: displaced
    blocks are the sources with arcs (supply = displaced persons; arcs to every warehouse
    reachable within ``max_time_s``), warehouses the capacitated side (capacity =
    ``floor(stock / days)`` persons). As many persons as possible are supplied, then the total
    warehouse-to-block drive time is minimised; the rest is the shortfall.

    Parameters
    ----------
    net : RoadNetwork
        Drive network with ``time_s``.
    displaced : geopandas.GeoDataFrame
        Points (blocks) with ``persons_col`` (whole persons >= 0) and ``district_col``.
        Blocks off the network get no supplies.
    warehouses : geopandas.GeoDataFrame
        Points with ``stock_col`` [person-days, >= 0], ``level_col`` and ``district_col``.
    days : float
        Days of supply per person.
    max_time_s : float
        Longest allowed delivery drive [s] (``inf``: any reachable warehouse).
    closed_edges, congestion, max_snap_m
        As in :func:`jnrisk.rescue.drive_time_coverage`.

    Returns
    -------
    SuppliesResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2], [1, 0], [900.0, 900.0], time_s=[60.0, 60.0],
    ...                            x=[0.0, 900.0], y=[0.0, 0.0], crs="EPSG:4548")
    >>> wh = gpd.GeoDataFrame({"stock_person_days": [70.0], "level": ["district"],
    ...                        "district": ["A"]}, geometry=[Point(0, 0)], crs="EPSG:4548")
    >>> blocks = gpd.GeoDataFrame({"displaced_persons": [6, 8], "district": ["A", "A"]},
    ...                           geometry=[Point(0, 0), Point(900, 0)], crs="EPSG:4548")
    >>> res = allocate_supplies(net, blocks, wh)
    >>> res.supplied_persons, res.shortfall_persons, res.total_time_person_s
    (10, 4, 240.0)
    """
    from jnrisk.allocation import solve_transport

    check_network(net)
    days = check_time(days, name="days")
    max_t = check_time(max_time_s, name="max_time_s", allow_inf=True)
    factor = congestion_factor(congestion)
    check_points(displaced, name="displaced")
    check_points(warehouses, name="warehouses")
    if len(warehouses) == 0:
        raise ConfigError("warehouses is empty; give at least one warehouse.")
    require_columns(displaced, [persons_col, district_col], name="displaced")
    persons = non_negative_values(displaced, persons_col, name="displaced", integer=True)
    standards = reserve_standards(
        warehouses, stock_col=stock_col, days=days, level_col=level_col,
        district_col=district_col,
    )
    cap = _warehouse_persons(warehouses, stock_col, days)

    b_node, _, b_on = snap(net, displaced, name="displaced", max_snap_m=max_snap_m)
    w_node, _, w_on = snap(net, warehouses, name="warehouses", max_snap_m=max_snap_m)
    b_use = np.flatnonzero(b_on & (persons > 0))
    w_use = np.flatnonzero(w_on)
    # drive time from warehouse to block, arranged by block (the side with the arcs)
    ptr_u, col_u, t_u = _time_matrix(
        net, w_node[w_use], b_node[b_use], cutoff_s=max_t, factor=factor,
        closed_edges=closed_edges,
    )
    wh_of = w_use[np.repeat(np.arange(w_use.size), np.diff(ptr_u))]
    blk_of = b_use[col_u]
    order = np.lexsort((wh_of, blk_of))
    blk_of, wh_of, t_arc = blk_of[order], wh_of[order], t_u[order]
    n_b = len(displaced)
    indptr = np.zeros(n_b + 1, dtype=np.int64)
    np.cumsum(np.bincount(blk_of, minlength=n_b), out=indptr[1:])
    sol = solve_transport(persons, np.where(w_on, cap, 0), indptr, wh_of, t_arc)
    flow = sol.flow
    used = flow > 0
    flows = pd.DataFrame(
        {
            "block": np.asarray(displaced.index, dtype=object)[blk_of[used]],
            "warehouse": np.asarray(warehouses.index, dtype=object)[wh_of[used]],
            "persons": flow[used],
            "time_s": t_arc[used],
        }
    )
    supplied_b = np.bincount(blk_of, weights=flow, minlength=n_b).astype(np.int64)
    dist_b = displaced[district_col].astype(object).to_numpy()
    per = pd.DataFrame(
        {"district": dist_b, "displaced_persons": persons, "supplied_persons": supplied_b}
    ).groupby("district", sort=False, as_index=False).sum()
    per["shortfall_persons"] = per["displaced_persons"] - per["supplied_persons"]
    dstd = standards[standards["level"] == "district"].set_index("district")["stock_persons"]
    per["district_stock_persons"] = per["district"].map(dstd).fillna(0).astype(np.int64)
    per["standard_min_persons"] = DISTRICT_RESERVE_STANDARD_PERSONS[0]
    per["standard_max_persons"] = DISTRICT_RESERVE_STANDARD_PERSONS[1]
    per["displaced_over_standard_max"] = np.maximum(
        per["displaced_persons"] - per["standard_max_persons"], 0
    )
    out_wh = warehouses.copy()
    got = np.bincount(wh_of, weights=flow, minlength=len(warehouses)).astype(np.int64)
    out_wh["stock_persons"] = cap
    out_wh["supplied_persons"] = got
    out_wh["remaining_persons"] = cap - got
    total = int(persons.sum())
    served = int(flow.sum())
    return SuppliesResult(
        flows=flows,
        districts=per,
        warehouses=out_wh,
        standards=standards,
        total_time_person_s=float(sol.travel),
        displaced_persons=total,
        supplied_persons=served,
        shortfall_persons=total - served,
    )
