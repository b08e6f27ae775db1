"""A binary min-heap on two parallel arrays (keys, values), shared by numba kernels.

Lazy deletion: callers push duplicates and skip stale entries when they pop. Pure functions on
arrays (numpy + numba only); the caller owns the arrays and grows them with :func:`heap_grow`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def heap_push(keys, vals, size, key, val):
    """Insert ``(key, val)`` into the heap of ``size`` items; return the new size."""
    i = size
    while i > 0:
        p = (i - 1) >> 1
        if keys[p] <= key:
            break
        keys[i] = keys[p]
        vals[i] = vals[p]
        i = p
    keys[i] = key
    vals[i] = val
    return size + 1


@njit(cache=True, nogil=True)
def heap_pop(keys, vals, size):
    """Remove the root (read ``keys[0], vals[0]`` first); return the new size."""
    size -= 1
    if size <= 0:
        return 0
    key = keys[size]
    val = vals[size]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and keys[c + 1] < keys[c]:
            c += 1
        if keys[c] >= key:
            break
        keys[i] = keys[c]
        vals[i] = vals[c]
        i = c
    keys[i] = key
    vals[i] = val
    return size


@njit(cache=True, nogil=True)
def heap_grow(keys, vals):
    """Return copies of ``keys, vals`` with twice the room (same dtypes)."""
    n = keys.shape[0] * 2
    k2 = np.empty(n, dtype=keys.dtype)
    v2 = np.empty(n, dtype=vals.dtype)
    k2[: keys.shape[0]] = keys
    v2[: vals.shape[0]] = vals
    return k2, v2
