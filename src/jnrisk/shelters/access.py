"""Accessibility to shelter capacity: enhanced two-step floating catchment area (E2SFCA).

Luo & Qi (2009), docs/references.md#e2sfca::

    R_j = S_j / sum_k P_k W(d_kj)          (supply-to-demand ratio of shelter j)
    A_i = sum_j R_j W(d_ij)                 (accessibility of block i)

over a long-format, sparse cost table (one row per reachable block-shelter pair), with the
distance-decay weight W a step function (default bands at 1/3, 2/3 and 3/3 of ``max_cost`` with
weights 1, 0.68, 0.22 as in Luo & Qi and PySAL ``access``) or a truncated Gaussian.
With S in persons of capacity and P in residents, A is "shelter places per resident".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError

__all__ = ["e2sfca", "step_weights", "gaussian_weights", "LUO_QI_STEPS"]

#: Luo & Qi (2009) step weights as fractions of the catchment: {upper bound: weight} [V via
#: PySAL access ``step_fn({10: 1, 20: 0.68, 30: 0.22})``].
LUO_QI_STEPS: Mapping[float, float] = {1 / 3: 1.0, 2 / 3: 0.68, 1.0: 0.22}

WeightName = Literal["step", "gaussian"]
_WEIGHTS = ("step", "gaussian")


def step_weights(cost: np.ndarray, steps: Mapping[float, float]) -> np.ndarray:
    """Weight of the first band whose upper bound is >= cost; 0 beyond the last band.

    Examples
    --------
    >>> import numpy as np
    >>> step_weights(np.array([0.0, 10.0, 15.0, 30.0, 31.0]), {10: 1.0, 20: 0.68, 30: 0.22})
    array([1.  , 1.  , 0.68, 0.22, 0.  ])
    """
    bounds = np.array(sorted(steps), dtype=np.float64)
    weights = np.array([steps[b] for b in sorted(steps)] + [0.0], dtype=np.float64)
    if not ((weights >= 0) & (weights <= 1)).all():
        raise ConfigError(
            f"steps: weights must lie in [0, 1] (1 = no distance decay), got {dict(steps)}; "
            "scale them so the nearest band has weight 1."
        )
    return weights[np.searchsorted(bounds, np.asarray(cost, dtype=np.float64), side="left")]


def gaussian_weights(cost: np.ndarray, d0: float) -> np.ndarray:
    """Compute the truncated Gaussian ``(exp(-(d/d0)**2/2) - exp(-1/2)) / (1 - exp(-1/2))``, d <= d0.

    Form from the Gaussian 2SFCA literature [assumed, docs/references.md#gaussian-2sfca]; 1 at d = 0, 0 at d >= d0.

    Examples
    --------
    >>> import numpy as np
    >>> gaussian_weights(np.array([0.0, 500.0, 600.0]), 500.0).round(3).tolist()
    [1.0, 0.0, 0.0]
    """
    from jnrisk._validate import real_number

    d0 = real_number("d0", d0, gt=0.0, unit="m")
    d = np.asarray(cost, dtype=np.float64)
    e = math.exp(-0.5)
    w = (np.exp(-0.5 * (d / d0) ** 2) - e) / (1.0 - e)
    return np.where(d <= d0, np.maximum(w, 0.0), 0.0)


def e2sfca(  # noqa: PLR0913  keyword-only decay options and column names
    demand: Any,
    supply: Any,
    costs: pd.DataFrame,
    *,
    max_cost: float,
    weight: WeightName | Callable[[np.ndarray], np.ndarray] = "step",
    steps: Mapping[float, float] | None = None,
    demand_col: str = "persons",
    supply_col: str = "capacity_persons",
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
    access_col: str = "access_per_person",
) -> Any:
    """E2SFCA accessibility of each demand row to supply.

    Parameters
    ----------
    demand
        (Geo)DataFrame of demand locations (blocks) with ``demand_col`` (persons, >= 0).
    supply
        (Geo)DataFrame of facilities (shelters) with ``supply_col`` (e.g. capacity persons).
    costs
        Long-format cost table: ``origin_col`` holds labels of ``demand.index``, ``dest_col``
        labels of ``supply.index``, ``cost_col`` the travel cost (e.g. walking metres). Pairs
        not listed are unreachable. Rows with cost > ``max_cost`` are ignored.
    max_cost
        Catchment size in the unit of ``cost_col``.
    weight
        ``"step"`` (bands ``steps``), ``"gaussian"`` (truncated at ``max_cost``) or a
        vectorised callable ``cost -> weight``.
    steps
        ``{upper bound: weight}`` in cost units; default :data:`LUO_QI_STEPS` scaled by
        ``max_cost``.
    access_col
        Name of the output column.

    Returns
    -------
    (Geo)DataFrame
        A copy of ``demand`` with ``access_col`` (supply per person; 0 where nothing is in
        reach). A facility whose weighted demand is 0 has ratio 0.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"persons": [100.0, 300.0]}, index=["a", "b"])
    >>> s = pd.DataFrame({"capacity_persons": [200.0]}, index=["s1"])
    >>> c = pd.DataFrame({"origin": ["a", "b"], "dest": ["s1", "s1"], "cost_m": [100.0, 400.0]})
    >>> # bands 200/400/600 m -> weights 1 and 0.68; R = 200 / (100 + 0.68*300)
    >>> e2sfca(d, s, c, max_cost=600.0)["access_per_person"].round(4).tolist()
    [0.6579, 0.4474]
    """
    if not (isinstance(max_cost, int | float) and math.isfinite(max_cost) and max_cost > 0):
        raise ConfigError(f"max_cost must be a finite number > 0, got {max_cost!r}.")
    if callable(weight):
        wfn: Callable[[np.ndarray], np.ndarray] = weight
    elif weight == "step":
        st = {b * max_cost: w for b, w in LUO_QI_STEPS.items()} if steps is None else dict(steps)
        wfn = lambda c: step_weights(c, st)  # noqa: E731
    elif weight == "gaussian":
        wfn = lambda c: gaussian_weights(c, float(max_cost))  # noqa: E731
    else:
        raise ConfigError(f"unknown weight {weight!r}; allowed: {list(_WEIGHTS)} or a callable.")

    pop = _validate.non_negative_values(demand, demand_col, name="demand")
    cap = _validate.non_negative_values(supply, supply_col, name="supply")
    for df, nm in ((demand, "demand"), (supply, "supply")):
        if not df.index.is_unique:
            dup = df.index[df.index.duplicated(keep=False)]
            raise DataError(
                f"{nm}: the index must be unique (the cost table refers to it) but "
                f"{_validate.describe_rows(dup)} repeat; reset_index() or renumber."
            )
    o, d, c = _cost_arrays(costs, demand.index, supply.index, origin_col, dest_col, cost_col)
    keep = c <= max_cost
    o, d, c = o[keep], d[keep], c[keep]
    w = np.asarray(wfn(c), dtype=np.float64)
    if w.shape != c.shape or not np.isfinite(w).all() or (w < 0).any():
        raise ConfigError("the weight function must return finite weights >= 0, one per cost.")
    weighted_demand = np.bincount(d, weights=pop[o] * w, minlength=len(supply))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weighted_demand > 0, cap / weighted_demand, 0.0)
    acc = np.bincount(o, weights=ratio[d] * w, minlength=len(demand))
    out = demand.copy()
    out[access_col] = acc
    return out


def _cost_arrays(
    costs: pd.DataFrame,
    demand_index: pd.Index,
    supply_index: pd.Index,
    origin_col: str,
    dest_col: str,
    cost_col: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    c = _validate.non_negative_values(costs, cost_col, name="costs")
    _validate.require_columns(costs, [origin_col, dest_col], name="costs")
    o = demand_index.get_indexer(costs[origin_col])
    d = supply_index.get_indexer(costs[dest_col])
    problems = _validate.Problems("costs")
    for pos, col, what in ((o, origin_col, "demand"), (d, dest_col, "supply")):
        bad = pos < 0
        if bad.any():
            vals = sorted({str(v) for v in costs[col].to_numpy()[bad]})[:5]
            problems.add(
                f"column {col!r} has labels {vals} that are not in the {what} index at "
                f"{_validate.describe_rows(costs.index[bad])}; the cost table must refer to "
                f"{what}.index."
            )
    if not problems:
        dup = pd.Series(o * (len(supply_index) + 1) + d).duplicated(keep=False).to_numpy()
        if dup.any():
            problems.add(
                f"repeated ({origin_col}, {dest_col}) pairs at "
                f"{_validate.describe_rows(costs.index[dup])}; keep one cost per pair "
                f"(costs.groupby([...]).min())."
            )
    problems.raise_if_any(DataError)
    return o.astype(np.int64), d.astype(np.int64), c
