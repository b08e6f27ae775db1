"""GeoDataFrame level of the covering models: demand and candidate tables plus a cost table.

Each function checks the CRS and columns, builds the cover matrix from a long-format cost table
(``origin`` -> demand index, ``dest`` -> candidate index, ``cost``; e.g. from
``RoadNetwork.distances`` or a travel-time query), solves the array-level model of
:mod:`jnrisk.covering.models` and returns its :class:`~jnrisk.covering.SitingResult` with
``candidates`` (a copy with ``selected``) and ``demand`` (a copy with ``covered``) filled in.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from jnrisk import _validate
from jnrisk._errors import ConfigError
from jnrisk.covering.cover import cover_from_costs
from jnrisk.covering.models import (
    Method,
    SitingResult,
    capacitated_covering,
    maximal_covering,
    set_covering,
)

__all__ = ["capacitated_covering_sites", "maximal_covering_sites", "set_covering_sites"]


def _cover(demand: Any, candidates: Any, costs: pd.DataFrame, radius: float,
           cols: tuple[str, str, str]) -> Any:
    _validate.same_crs(demand=demand, candidates=candidates)
    origin_col, dest_col, cost_col = cols
    return cover_from_costs(costs, demand.index, candidates.index, radius=radius,
                            origin_col=origin_col, dest_col=dest_col, cost_col=cost_col)


def _with_tables(res: SitingResult, demand: Any, candidates: Any, cover: Any) -> SitingResult:
    out_c = res.to_geodataframe(candidates)
    y = out_c["selected"].to_numpy(dtype=float)
    out_d = demand.copy()
    out_d["covered"] = (cover @ y) > 0
    coverable = np.diff(cover.tocsr().indptr) > 0
    return dataclasses.replace(res, candidates=out_c, demand=out_d,
                               uncoverable=demand.index[~coverable])


def set_covering_sites(  # noqa: PLR0913  keyword-only model options and column names
    demand: Any,
    candidates: Any,
    costs: pd.DataFrame,
    *,
    radius: float,
    weight_col: str | None = None,
    min_covered_pct: float = 100.0,
    fixed_col: str | None = None,
    time_limit_s: float | None = None,
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
) -> SitingResult:
    """Select the fewest candidate sites that cover the demand within ``radius`` (LSCP).

    Parameters
    ----------
    demand, candidates
        GeoDataFrames in one CRS.
    costs
        Long-format cost table (``origin_col`` -> demand index, ``dest_col`` -> candidate
        index, ``cost_col`` in the units of ``radius``).
    radius
        Service radius (metres for ``cost_m``, seconds for a time column).
    weight_col
        Demand weight column (persons); default 1 per row.
    min_covered_pct
        100 covers every coverable row; below 100, at least this share of the total demand
        weight (rows nobody reaches included) must be covered.
    fixed_col
        Optional boolean column of ``candidates`` that are open anyway.

    Returns
    -------
    SitingResult
        With ``candidates`` (``selected``), ``demand`` (``covered``) and ``uncoverable``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point
    >>> d = gpd.GeoDataFrame(geometry=[Point(0, 0), Point(500, 0), Point(900, 0)],
    ...                      crs="EPSG:4548")
    >>> c = gpd.GeoDataFrame(geometry=[Point(100, 0), Point(800, 0)], crs="EPSG:4548")
    >>> costs = pd.DataFrame({"origin": [0, 1, 1, 2], "dest": [0, 0, 1, 1],
    ...                       "cost_m": [100.0, 400.0, 300.0, 100.0]})
    >>> r = set_covering_sites(d, c, costs, radius=350.0)
    >>> r.chosen.index.tolist(), r.demand["covered"].tolist()
    ([0, 1], [True, True, True])
    """
    pct = float(min_covered_pct)
    if not (0.0 < pct <= 100.0):
        raise ConfigError(f"min_covered_pct={min_covered_pct!r}; it must be in (0, 100].")
    cover = _cover(demand, candidates, costs, radius, (origin_col, dest_col, cost_col))
    w = (np.ones(len(demand)) if weight_col is None
         else _validate.non_negative_values(demand, weight_col, name="demand"))
    fixed = None
    if fixed_col is not None:
        _validate.require_columns(candidates, [fixed_col], name="candidates")
        fixed = candidates[fixed_col].to_numpy(dtype=bool)
    target = None if pct >= 100.0 else pct / 100.0 * float(w.sum())
    res = set_covering(cover, weights=w, min_covered=target, fixed=fixed,
                       time_limit_s=time_limit_s)
    return _with_tables(res, demand, candidates, cover)


def maximal_covering_sites(  # noqa: PLR0913  keyword-only model options and column names
    blocks: Any,
    candidates: Any,
    costs: pd.DataFrame,
    *,
    k: int,
    radius_m: float,
    persons_col: str = "persons",
    covered_col: str | None = None,
    method: Method = "auto",
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
) -> tuple[Any, SitingResult]:
    """Choose ``k`` candidate sites that newly cover the most residents within ``radius_m``.

    Parameters
    ----------
    blocks, candidates
        GeoDataFrames in one metric CRS; ``blocks[persons_col]`` in persons.
    costs
        Long-format walking-distance table (``origin_col`` -> blocks.index, ``dest_col`` ->
        candidates.index, ``cost_col`` in metres), e.g. from ``RoadNetwork.distances``.
    k, radius_m
        Sites to open and service radius [m].
    covered_col
        Optional boolean column of ``blocks``: already covered by an existing site
        (weight 0, so the objective counts newly covered persons only).

    Returns
    -------
    (GeoDataFrame, SitingResult)
        ``candidates`` with ``selected`` and the result (objective, bound, gap).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"persons": [100, 50]}, geometry=[Point(0, 0), Point(900, 0)],
    ...                      crs="EPSG:4548")
    >>> cand = gpd.GeoDataFrame(geometry=[Point(100, 0), Point(800, 0)], crs="EPSG:4548")
    >>> c = pd.DataFrame({"origin": [0, 1], "dest": [0, 1], "cost_m": [100.0, 100.0]})
    >>> g, r = maximal_covering_sites(b, cand, c, k=1, radius_m=500.0)
    >>> g["selected"].tolist(), r.objective
    ([True, False], 100.0)
    """
    cover = _cover(blocks, candidates, costs, radius_m, (origin_col, dest_col, cost_col))
    w = _validate.non_negative_values(blocks, persons_col, name="blocks")
    if covered_col is not None:
        _validate.require_columns(blocks, [covered_col], name="blocks")
        w = np.where(blocks[covered_col].to_numpy(dtype=bool), 0.0, w)
    res = _with_tables(maximal_covering(w, cover, k, method=method), blocks, candidates, cover)
    return res.candidates, res


def capacitated_covering_sites(  # noqa: PLR0913  keyword-only model options and column names
    blocks: Any,
    candidates: Any,
    costs: pd.DataFrame,
    *,
    radius_m: float,
    demand_col: str,
    capacity_col: str,
    site_cost_col: str | None = None,
    fixed_col: str | None = None,
    method: Method = "auto",
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
) -> tuple[Any, SitingResult]:
    """Open candidates so every person who can be placed gets a place within ``radius_m``.

    Minimises the total ``site_cost_col`` of the opened candidates (default: their number,
    spopt's capacitated LSCP); ``capacity_col`` holds persons per candidate. Persons no
    candidate can reach, or beyond the capacity in reach, stay unserved (not an error).

    Returns
    -------
    (GeoDataFrame, SitingResult)
        ``candidates`` with ``selected`` and ``assigned_persons``, and the result.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"need": [300, 100]}, geometry=[Point(0, 0), Point(900, 0)],
    ...                      crs="EPSG:4548")
    >>> cand = gpd.GeoDataFrame({"cap": [500, 120, 400]},
    ...     geometry=[Point(0, 50), Point(900, 50), Point(450, 0)], crs="EPSG:4548")
    >>> c = pd.DataFrame({"origin": [0, 0, 1, 1], "dest": [0, 2, 1, 2],
    ...                   "cost_m": [50.0, 450.0, 50.0, 450.0]})
    >>> g, r = capacitated_covering_sites(b, cand, c, radius_m=500.0, demand_col="need",
    ...                                   capacity_col="cap")
    >>> g["selected"].tolist(), r.objective
    ([False, False, True], 1.0)
    """
    cover = _cover(blocks, candidates, costs, radius_m, (origin_col, dest_col, cost_col))
    demand = _validate.non_negative_values(blocks, demand_col, name="blocks")
    cap = _validate.non_negative_values(candidates, capacity_col, name="candidates")
    site_cost = (None if site_cost_col is None
                 else _validate.non_negative_values(candidates, site_cost_col, name="candidates"))
    fixed = None
    if fixed_col is not None:
        _validate.require_columns(candidates, [fixed_col], name="candidates")
        fixed = candidates[fixed_col].to_numpy(dtype=bool)
    res = capacitated_covering(demand, cover, cap, cost=site_cost, fixed=fixed, method=method)
    res = _with_tables(res, blocks, candidates, cover)
    return res.candidates, res
