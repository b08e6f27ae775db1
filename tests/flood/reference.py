"""Slow, plainly correct reference versions of the flood kernels (for tests only).

Written for clarity, not speed: plain Python loops over small grids.
"""

from __future__ import annotations

import math

import numpy as np

NBRS = [(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)]  # E SE S SW W NW N NE
CODES = [1, 2, 4, 8, 16, 32, 64, 128]
DIST = [1.0, math.sqrt(2.0), 1.0, math.sqrt(2.0), 1.0, math.sqrt(2.0), 1.0, math.sqrt(2.0)]


def neighbours(shape, r, c):
    ny, nx = shape
    for k, (dr, dc) in enumerate(NBRS):
        rr, cc = r + dr, c + dc
        if 0 <= rr < ny and 0 <= cc < nx:
            yield k, rr, cc


def seeds(valid, *, wall):
    """Border data cells, plus data cells next to nodata unless nodata is a wall."""
    ny, nx = valid.shape
    out = np.zeros_like(valid)
    for r in range(ny):
        for c in range(nx):
            if not valid[r, c]:
                continue
            if (
                r in (0, ny - 1)
                or c in (0, nx - 1)
                or not wall
                and any(not valid[rr, cc] for _, rr, cc in neighbours(valid.shape, r, c))
            ):
                out[r, c] = True
    return out


def fill_reference(z, valid, *, wall=False):
    """Filled elevation = lowest possible 'highest point' on any path to an outlet.

    Planchon & Darboux-style relaxation: start at +inf inside, at z on outlets, and lower
    W(c) = max(z(c), min over neighbours W(n)) until nothing changes.
    """
    s = seeds(valid, wall=wall)
    w = np.where(s, z, np.inf).astype(float)
    w[~valid] = np.nan
    changed = True
    while changed:
        changed = False
        for r in range(z.shape[0]):
            for c in range(z.shape[1]):
                if not valid[r, c] or s[r, c]:
                    continue
                best = min(
                    (w[rr, cc] for _, rr, cc in neighbours(z.shape, r, c) if valid[rr, cc]),
                    default=np.inf,
                )
                new = max(z[r, c], best)
                if new < w[r, c]:
                    w[r, c] = new
                    changed = True
    return w


def accumulation_reference(fdir):
    """Walk every cell's path downstream, adding one to each cell passed (itself included)."""
    ny, nx = fdir.shape
    acc = np.zeros((ny, nx))
    acc[fdir == 255] = np.nan
    for r in range(ny):
        for c in range(nx):
            if fdir[r, c] == 255:
                continue
            rr, cc = r, c
            for _ in range(ny * nx + 1):
                acc[rr, cc] += 1
                code = int(fdir[rr, cc])
                if code == 0:
                    break
                dr, dc = NBRS[CODES.index(code)]
                rr, cc = rr + dr, cc + dc
                if not (0 <= rr < ny and 0 <= cc < nx) or fdir[rr, cc] == 255:
                    break
            else:
                raise AssertionError("cycle")
    return acc


def steepest_down(z, valid, r, c):
    """D8 steepest strictly lower neighbour (first in E, SE, S, ... order on ties) or None."""
    best, out = 0.0, None
    for k, rr, cc in neighbours(z.shape, r, c):
        if not valid[rr, cc]:
            continue
        s = (z[r, c] - z[rr, cc]) / DIST[k]
        if s > best:
            best, out = s, (rr, cc)
    return out


def ponding_reference(z, valid, water, *, wall=False):
    """Pour each cell's water (depth units) parcel by parcel and let it find its level.

    A parcel runs down the steepest descent to a pit; the lake there (cells at the same
    water-surface height, 8-connected) either touches an outlet (water leaves), has a lower
    neighbour (water spills there and runs on), or rises to the next-lowest neighbour or until
    the parcel is used up. Returns (water-surface minus ground depth, outflow).
    """
    z = np.asarray(z, dtype=float)
    outlet = seeds(valid, wall=wall)
    surface = np.where(valid, z, np.nan)
    outflow = 0.0
    cells = [(r, c) for r in range(z.shape[0]) for c in range(z.shape[1]) if valid[r, c]]
    for r0, c0 in cells:
        v = float(water[r0, c0])
        if v <= 0:
            continue
        # run down the bare-ground steepest descent (as the D8 routing does)
        r, c = r0, c0
        while (nxt := steepest_down(z, valid, r, c)) is not None:
            r, c = nxt
        while v > 1e-300:
            level = surface[r, c]
            lake, stack = {(r, c)}, [(r, c)]
            while stack:
                a, b = stack.pop()
                for _, aa, bb in neighbours(z.shape, a, b):
                    if valid[aa, bb] and (aa, bb) not in lake and surface[aa, bb] == level:
                        lake.add((aa, bb))
                        stack.append((aa, bb))
            if any(outlet[a, b] for a, b in lake):
                outflow += v
                break
            rim = {
                (aa, bb)
                for a, b in lake
                for _, aa, bb in neighbours(z.shape, a, b)
                if valid[aa, bb] and (aa, bb) not in lake
            }
            lower = sorted(p for p in rim if surface[p] < level)
            if lower:  # spill: run down from the lowest rim cell
                r, c = min(lower, key=lambda p: surface[p])
                while (nxt := steepest_down(surface, valid, r, c)) is not None:
                    r, c = nxt
                continue
            nxt_level = min((surface[p] for p in rim), default=np.inf)
            room = len(lake) * (nxt_level - level)
            if v <= room:
                for p in lake:
                    surface[p] = level + v / len(lake)
                v = 0.0
            else:
                for p in lake:
                    surface[p] = nxt_level
                v -= room
    depth = np.where(valid, surface - z, np.nan)
    return depth, outflow
