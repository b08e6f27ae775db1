"""Sparse cover matrices: which candidate site reaches which demand point within a radius.

``cover[i, j] = 1`` when candidate ``j`` reaches demand ``i`` (network distance or travel time
within the service radius). Every covering model of :mod:`jnrisk.covering` works on this one
matrix (``scipy.sparse`` CSR, ``int8``, demand x candidates), built either from a cost matrix
(:func:`cover_from_cost_matrix`, the array level) or from a long-format cost table keyed by the
GeoDataFrames' indexes (:func:`cover_from_costs`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError

__all__ = ["cover_from_cost_matrix", "cover_from_costs"]


def _check_radius(radius: Any) -> float:
    if isinstance(radius, bool) or not isinstance(radius, int | float | np.number):
        raise ConfigError(f"radius must be a number >= 0 (cost units), got {radius!r}.")
    r = float(radius)
    if not (np.isfinite(r) and r >= 0):
        raise ConfigError(f"radius must be a finite number >= 0 (cost units), got {radius!r}.")
    return r


def cover_from_cost_matrix(cost_matrix: Any, radius: float) -> sp.csr_matrix:
    """Cover matrix from a demand x candidate cost matrix (metres, seconds, ...).

    Parameters
    ----------
    cost_matrix
        Dense array (``inf`` or ``NaN`` = unreachable) or a ``scipy.sparse`` matrix whose
        stored entries are the reachable pairs (explicit zeros count as cost 0).
    radius
        Service radius in the units of the costs; a pair is covered when cost <= radius.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``int8`` 0/1 matrix of the same shape.

    Examples
    --------
    >>> import numpy as np
    >>> cover_from_cost_matrix(np.array([[100.0, 900.0], [np.inf, 0.0]]), 500).toarray()
    array([[1, 0],
           [0, 1]], dtype=int8)
    """
    r = _check_radius(radius)
    if sp.issparse(cost_matrix):
        coo = sp.coo_matrix(cost_matrix)
        if coo.ndim != 2:
            raise DataError(f"cost_matrix must be 2-D, got shape {coo.shape}.")
        vals = np.asarray(coo.data, dtype=np.float64)
        if (vals < 0).any() or np.isnan(vals).any():
            raise DataError("cost_matrix has negative or NaN costs; costs are >= 0.")
        keep = vals <= r
        rows, cols, shape = coo.row[keep], coo.col[keep], coo.shape
    else:
        a = np.asarray(cost_matrix, dtype=np.float64)
        if a.ndim != 2:
            raise DataError(f"cost_matrix must be 2-D (demand x candidates), got shape {a.shape}.")
        if (a < 0).any():
            raise DataError("cost_matrix has negative costs; costs are >= 0.")
        rows, cols = np.nonzero(a <= r)  # NaN and inf compare False
        shape = a.shape
    m = sp.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=shape)
    m.sum_duplicates()
    m.data[:] = 1
    return m


def cover_from_costs(
    costs: pd.DataFrame,
    demand_index: pd.Index,
    candidate_index: pd.Index,
    *,
    radius: float,
    origin_col: str = "origin",
    dest_col: str = "dest",
    cost_col: str = "cost_m",
) -> sp.csr_matrix:
    """Cover matrix (demand x candidates) from a long-format cost table.

    ``cover[i, j] = 1`` when the table has a row (i, j) with cost <= ``radius``. Labels in
    ``origin_col``/``dest_col`` are looked up in ``demand_index``/``candidate_index``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"origin": [0, 0, 1], "dest": ["a", "b", "b"], "cost_m": [10, 900, 5]})
    >>> cover_from_costs(c, pd.RangeIndex(2), pd.Index(["a", "b"]), radius=500).toarray()
    array([[1, 0],
           [0, 1]], dtype=int8)
    """
    r = _check_radius(radius)
    cost = _validate.non_negative_values(costs, cost_col, name="costs")
    _validate.require_columns(costs, [origin_col, dest_col], name="costs")
    o = demand_index.get_indexer(costs[origin_col])
    d = candidate_index.get_indexer(costs[dest_col])
    problems = _validate.Problems("costs")
    for pos, col, what in ((o, origin_col, "demand"), (d, dest_col, "candidate")):
        if (pos < 0).any():
            vals = sorted({str(v) for v in costs[col].to_numpy()[pos < 0]})[:5]
            problems.add(
                f"column {col!r} has labels {vals} not in the {what} index at "
                f"{_validate.describe_rows(costs.index[pos < 0])}"
            )
    problems.raise_if_any(DataError)
    keep = cost <= r
    m = sp.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (o[keep], d[keep])),
        shape=(len(demand_index), len(candidate_index)),
    )
    m.sum_duplicates()
    m.data[:] = 1
    return m


def as_cover(cover: Any, n_demand: int | None = None) -> sp.csr_matrix:
    """Normalise a 0/1 matrix (dense or sparse) to the CSR ``int8`` cover form.

    Examples
    --------
    >>> as_cover([[0, 2], [1, 0]]).toarray()
    array([[0, 1],
           [1, 0]], dtype=int8)
    """
    m = sp.csr_matrix(cover)
    if m.ndim != 2:
        raise DataError(f"cover must be 2-D (demand x candidates), got shape {m.shape}.")
    if n_demand is not None and m.shape[0] != n_demand:
        raise DataError(
            f"cover has {m.shape[0]} rows but there are {n_demand} demand values; one row per "
            f"demand point."
        )
    m = (m != 0).astype(np.int8).tocsr()
    m.eliminate_zeros()
    return m
