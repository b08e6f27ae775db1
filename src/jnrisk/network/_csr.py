"""Compressed sparse rows from a list of arcs: sort by row, drop repeats, count, cumulate."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["csr_from_arcs"]


def csr_from_arcs(
    rows: np.ndarray,
    n_rows: int,
    *,
    keys: Sequence[np.ndarray] = (),
    unique: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Order arcs into CSR form: by row, then by ``keys``; optionally one arc per group.

    Parameters
    ----------
    rows : int array
        Row (tail node, block, ...) of each arc, in ``0..n_rows-1``.
    n_rows : int
        Number of rows of the result.
    keys : sequence of arrays
        Secondary sort keys, most significant first (e.g. ``(head, length)``). Ties keep the
        input order (the sort is stable).
    unique : int
        When > 0, keep only the first arc of each group of equal ``(row, *keys[:unique])``
        (e.g. ``unique=1`` with ``keys=(head, length)``: the shortest of parallel arcs).

    Returns
    -------
    indptr : int64[n_rows + 1]
        Arcs of row ``r`` are ``order[indptr[r]:indptr[r+1]]``.
    order : int64 array
        Input positions of the kept arcs, in CSR order; index every per-arc array with it.

    Examples
    --------
    >>> tail = np.array([1, 0, 1, 1])
    >>> head = np.array([2, 1, 0, 2])
    >>> length = np.array([5.0, 1.0, 2.0, 3.0])
    >>> indptr, order = csr_from_arcs(tail, 3, keys=(head, length), unique=1)
    >>> indptr.tolist(), order.tolist()  # the 5 m arc 1 -> 2 loses to the 3 m one
    ([0, 1, 3, 3], [1, 2, 3])
    """
    rows = np.asarray(rows)
    if keys:
        order = np.lexsort(tuple(reversed([np.asarray(k) for k in keys])) + (rows,))
    else:
        order = np.argsort(rows, kind="stable")
    if unique > 0 and order.size > 1:
        repeat = np.ones(order.size, dtype=np.bool_)
        repeat[0] = False
        for col in (rows, *keys[:unique]):
            c = np.asarray(col)[order]
            repeat[1:] &= c[1:] == c[:-1]
        order = order[~repeat]
    indptr = np.zeros(int(n_rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[order], minlength=int(n_rows)), out=indptr[1:])
    return indptr, order.astype(np.int64, copy=False)
