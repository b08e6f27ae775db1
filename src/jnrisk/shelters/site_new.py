"""Where to add shelters: maximal covering and capacitated covering of residents.

Models as in (docs/references.md#lscp-mclp).

Shelter front end of the covering engine :mod:`jnrisk.covering` (one model, one
:class:`~jnrisk.covering.SitingResult`):

* :func:`maximal_covering_sites` (MCLP): open ``k`` candidates to newly cover the most
  residents within a walking radius (blocks already covered by existing shelters get weight 0);
* :func:`capacitated_covering_sites` (capacitated LSCP): close a district's shortfall, each
  person within the radius of an opened candidate whose effective area has room for them, at
  least total new area (or fewest sites).

The array-level models (:func:`maximal_covering`, :func:`capacitated_covering`) and the cover
matrix builder (:func:`cover_from_costs`) are the engine's, re-exported here.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from jnrisk import _validate
from jnrisk._errors import ConfigError
from jnrisk.covering import (
    SitingResult,
    capacitated_covering,
    cover_from_costs,
    maximal_covering,
    maximal_covering_sites,
)
from jnrisk.covering import capacitated_covering_sites as _capacitated_sites
from jnrisk.covering.models import Method
from jnrisk.units import JINAN_SHELTER_M2_PER_PERSON

__all__ = [
    "SitingResult",
    "cover_from_costs",
    "maximal_covering",
    "capacitated_covering",
    "maximal_covering_sites",
    "capacitated_covering_sites",
]

_OBJECTIVES = ("area", "count")


def capacitated_covering_sites(  # noqa: PLR0913  keyword-only model options and column names
    blocks: Any,
    candidates: Any,
    costs: pd.DataFrame,
    *,
    radius_m: float,
    demand_col: str = "unserved_persons",
    area_col: str = "effective_area_m2",
    m2_per_person: float = JINAN_SHELTER_M2_PER_PERSON,
    objective: Literal["area", "count"] = "area",
    method: Method = "auto",
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
) -> tuple[Any, SitingResult]:
    """Close a shortfall: open candidates so every servable person gets a place within reach.

    Typical use: the blocks and candidates of one district, ``demand_col`` = persons without a
    place (e.g. ``unserved_persons`` after the allocation, or the shortfall spread over
    uncovered blocks). Each candidate holds ``floor(area / m2_per_person)`` persons (default
    :data:`jnrisk.units.JINAN_SHELTER_M2_PER_PERSON`). ``objective="area"`` minimises the total
    new effective area [m²] (default), ``"count"`` the number of sites (spopt's capacitated
    LSCP). Persons no candidate can reach stay unserved.

    Returns
    -------
    (GeoDataFrame, SitingResult)
        ``candidates`` with ``selected``, ``assigned_persons`` and ``capacity_persons``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point
    >>> b = gpd.GeoDataFrame({"unserved_persons": [3000, 1000]},
    ...                      geometry=[Point(0, 0), Point(900, 0)], crs="EPSG:4548")
    >>> cand = gpd.GeoDataFrame({"effective_area_m2": [10_000.0, 2_500.0, 6_000.0]},
    ...                         geometry=[Point(0, 50), Point(900, 50), Point(450, 0)],
    ...                         crs="EPSG:4548")
    >>> c = pd.DataFrame({"origin": [0, 0, 1, 1], "dest": [0, 2, 1, 2],
    ...                   "cost_m": [50.0, 450.0, 50.0, 450.0]})
    >>> # the middle site (3,000 places) takes block 0; block 1 needs the small site too
    >>> g, r = capacitated_covering_sites(b, cand, c, radius_m=500.0)
    >>> g["selected"].tolist(), r.objective, r.unserved_persons
    ([False, True, True], 8500.0, 0.0)
    """
    if objective not in _OBJECTIVES:
        raise ConfigError(f"unknown objective {objective!r}; allowed: {list(_OBJECTIVES)}.")
    if not (isinstance(m2_per_person, int | float) and m2_per_person > 0):
        raise ConfigError(f"m2_per_person must be > 0, got {m2_per_person!r}.")
    area = _validate.non_negative_values(candidates, area_col, name="candidates")
    cap = np.floor(area / m2_per_person + 1e-9).astype(np.int64)
    out, res = _capacitated_sites(
        blocks,
        candidates.assign(capacity_persons=cap),
        costs,
        radius_m=radius_m,
        demand_col=demand_col,
        capacity_col="capacity_persons",
        site_cost_col=area_col if objective == "area" else None,
        method=method,
        origin_col=origin_col,
        dest_col=dest_col,
        cost_col=cost_col,
    )
    return out, res
