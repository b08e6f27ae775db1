"""numba kernels of fire spread: minimum travel time (Dijkstra) on a raster.

Pure functions on NumPy arrays; imports only numpy, numba and math. Never raise on user data:
they return a status code (``STATUS_*``) that the wrapper (:mod:`jnrisk.fire.spread`) turns into
an exception. Iterative, no recursion; caller arrays are only read.

Spread rate in a direction ``phi`` (radians, map x east / y north) from a cell whose head fire
spreads at ``rmax`` towards ``theta`` with ellipse eccentricity ``e`` (ignition at a focus,
docs/references.md#rothermel-1972)::

    R(phi) = rmax (1 - e) / (1 - e cos(phi - theta))

The travel time along an edge of length ``d`` between cells a and b is
``d / 2 * (1 / R_a(phi) + 1 / R_b(phi))`` (half the path in each cell). Non-burnable cells have
``rmax <= 0`` (or NaN) and are never entered. Moves that cut corners are limited: a diagonal
move needs at least one of its two side cells burnable; a 16-neighbour (knight) move needs both
cells it crosses burnable, so a one-cell firebreak stops it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

STATUS_OK = 0
STATUS_SOURCE_OUTSIDE = 1
STATUS_SOURCE_NOT_BURNABLE = 2
STATUS_TOO_LARGE = 3

#: Neighbour offsets (drow, dcol): 8 first, then the 8 knight moves of the 16-stencil.
OFFSETS = np.array(
    [
        (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1),
        (-1, 2), (-2, 1), (-2, -1), (-1, -2), (1, -2), (2, -1), (2, 1), (1, 2),
    ],
    dtype=np.int64,
)  # fmt: skip


@njit(cache=True, nogil=True)
def _burnable(rmax, r, c):
    v = rmax[r, c]
    return v > 0.0  # NaN compares False


@njit(cache=True, nogil=True)
def move_allowed(rmax, r, c, dr, dc):
    """Corner rule for a move from (r, c) by (dr, dc); the target is checked by the caller."""
    adr = abs(dr)
    adc = abs(dc)
    if adr + adc == 1:
        return True
    if adr == 1 and adc == 1:
        return _burnable(rmax, r, c + dc) or _burnable(rmax, r + dr, c)
    sr = 1 if dr > 0 else -1
    sc = 1 if dc > 0 else -1
    if adc == 2:  # crosses (r, c+sc) and (r+sr, c+sc)
        return _burnable(rmax, r, c + sc) and _burnable(rmax, r + sr, c + sc)
    # adr == 2: crosses (r+sr, c) and (r+sr, c+sc)
    return _burnable(rmax, r + sr, c) and _burnable(rmax, r + sr, c + sc)


@njit(cache=True, nogil=True)
def edge_time(rmax, cos_t, sin_t, ecc, r, c, r2, c2, ux, uy, dist):
    """Travel time (min) from cell (r, c) to (r2, c2) along the unit vector (ux, uy)."""
    ea = ecc[r, c]
    ra = rmax[r, c] * (1.0 - ea) / (1.0 - ea * (ux * cos_t[r, c] + uy * sin_t[r, c]))
    eb = ecc[r2, c2]
    rb = rmax[r2, c2] * (1.0 - eb) / (1.0 - eb * (ux * cos_t[r2, c2] + uy * sin_t[r2, c2]))
    return 0.5 * dist * (1.0 / ra + 1.0 / rb)


@njit(cache=True, nogil=True)
def _sift_up(heap, pos, key, i):
    item = heap[i]
    k = key[item]
    while i > 0:
        parent = (i - 1) >> 1
        p_item = heap[parent]
        if key[p_item] <= k:
            break
        heap[i] = p_item
        pos[p_item] = i
        i = parent
    heap[i] = item
    pos[item] = i


@njit(cache=True, nogil=True)
def _sift_down(heap, pos, key, i, size):
    item = heap[i]
    k = key[item]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        right = child + 1
        if right < size and key[heap[right]] < key[heap[child]]:
            child = right
        c_item = heap[child]
        if key[c_item] >= k:
            break
        heap[i] = c_item
        pos[c_item] = i
        i = child
    heap[i] = item
    pos[item] = i


@njit(cache=True, nogil=True)
def mtt_arrival(rmax, cos_t, sin_t, ecc, dx, dy, src_row, src_col, src_time, n_neighbours,
                max_time):  # fmt: skip
    """Minimum-travel-time arrival (min) from sources; returns (arrival, status, bad_source).

    ``rmax`` (m/min), ``cos_t``/``sin_t`` (direction of maximum spread in map coordinates),
    ``ecc`` are 2-D float64 arrays of one shape. ``dx``/``dy`` are the map offsets (m) of one
    column / one row step (``dy`` is negative on north-up rasters). Cells not reached (or
    reached after ``max_time``) stay ``inf``.
    """
    ny, nx = rmax.shape
    n = ny * nx
    arrival = np.full((ny, nx), np.inf)
    if n >= 2**31 - 1:
        return arrival, STATUS_TOO_LARGE, -1
    for s in range(src_row.shape[0]):
        r = src_row[s]
        c = src_col[s]
        if r < 0 or r >= ny or c < 0 or c >= nx:
            return arrival, STATUS_SOURCE_OUTSIDE, s
        if not _burnable(rmax, r, c):
            return arrival, STATUS_SOURCE_NOT_BURNABLE, s
    key = arrival.ravel()  # a view: key[i] is arrival of cell i
    heap = np.empty(n, dtype=np.int32)
    pos = np.full(n, -1, dtype=np.int32)  # -1 never queued, -2 settled
    size = 0
    for s in range(src_row.shape[0]):
        i = src_row[s] * nx + src_col[s]
        t0 = src_time[s]
        if t0 < key[i]:
            key[i] = t0
            if pos[i] == -1:
                heap[size] = i
                pos[i] = size
                size += 1
                _sift_up(heap, pos, key, size - 1)
            else:
                _sift_up(heap, pos, key, pos[i])
    # per-direction geometry
    m = n_neighbours
    ux = np.empty(m)
    uy = np.empty(m)
    dist = np.empty(m)
    for k in range(m):
        ddx = OFFSETS[k, 1] * dx
        ddy = OFFSETS[k, 0] * dy
        d = math.sqrt(ddx * ddx + ddy * ddy)
        dist[k] = d
        ux[k] = ddx / d
        uy[k] = ddy / d
    while size > 0:
        u = heap[0]
        size -= 1
        if size > 0:
            heap[0] = heap[size]
            pos[heap[0]] = 0
            _sift_down(heap, pos, key, 0, size)
        pos[u] = -2
        tu = key[u]
        if tu > max_time:
            key[u] = np.inf
            # everything still queued is later still
            for j in range(size):
                key[heap[j]] = np.inf
            break
        r = u // nx
        c = u - r * nx
        for k in range(m):
            dr = OFFSETS[k, 0]
            dc = OFFSETS[k, 1]
            r2 = r + dr
            c2 = c + dc
            if r2 < 0 or r2 >= ny or c2 < 0 or c2 >= nx:
                continue
            v = r2 * nx + c2
            if pos[v] == -2 or not _burnable(rmax, r2, c2):
                continue
            if not move_allowed(rmax, r, c, dr, dc):
                continue
            t = tu + edge_time(rmax, cos_t, sin_t, ecc, r, c, r2, c2, ux[k], uy[k], dist[k])
            if t < key[v]:
                key[v] = t
                if pos[v] == -1:
                    heap[size] = v
                    pos[v] = size
                    size += 1
                    _sift_up(heap, pos, key, size - 1)
                else:
                    _sift_up(heap, pos, key, pos[v])
    return arrival, STATUS_OK, -1
