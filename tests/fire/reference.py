"""Slow, plainly correct versions of the fire kernels (test oracles)."""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

EIGHT = [(0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1)]
KNIGHT = [(-1, 2), (-2, 1), (-2, -1), (-1, -2), (1, -2), (2, -1), (2, 1), (1, 2)]


def _sign(v: int) -> int:
    return 1 if v > 0 else -1


def _crossed(dr: int, dc: int) -> tuple[list[tuple[int, int]], str]:
    """Cells a move passes beside/through and the rule: 'any' (diagonal) or 'all' (knight)."""
    if abs(dr) + abs(dc) == 1:
        return [], "all"
    if abs(dr) == 1 and abs(dc) == 1:
        return [(0, dc), (dr, 0)], "any"
    if abs(dc) == 2:
        return [(0, _sign(dc)), (dr, _sign(dc))], "all"
    return [(_sign(dr), 0), (_sign(dr), dc)], "all"


def naive_arrival(rmax, theta, ecc, dx, dy, sources, start_times, neighbours=16):
    """Arrival times by building the explicit graph and running scipy's Dijkstra."""
    ny, nx = rmax.shape
    burn = np.nan_to_num(rmax, nan=0.0) > 0
    offsets = EIGHT + (KNIGHT if neighbours == 16 else [])
    rows, cols, weights = [], [], []
    for r in range(ny):
        for c in range(nx):
            if not burn[r, c]:
                continue
            for dr, dc in offsets:
                r2, c2 = r + dr, c + dc
                if not (0 <= r2 < ny and 0 <= c2 < nx) or not burn[r2, c2]:
                    continue
                side, rule = _crossed(dr, dc)
                ok = [burn[r + a, c + b] for a, b in side]
                if side and ((rule == "any" and not any(ok)) or (rule == "all" and not all(ok))):
                    continue
                vx, vy = dc * dx, dr * dy
                d = math.hypot(vx, vy)
                phi = math.atan2(vy, vx)
                ra = rmax[r, c] * (1 - ecc[r, c]) / (1 - ecc[r, c] * math.cos(phi - theta[r, c]))
                rb = (
                    rmax[r2, c2]
                    * (1 - ecc[r2, c2])
                    / (1 - ecc[r2, c2] * math.cos(phi - theta[r2, c2]))
                )
                rows.append(r * nx + c)
                cols.append(r2 * nx + c2)
                weights.append(0.5 * d * (1 / ra + 1 / rb))
    graph = coo_matrix((weights, (rows, cols)), shape=(ny * nx, ny * nx)).tocsr()
    idx = [r * nx + c for r, c in sources]
    dist = dijkstra(graph, directed=True, indices=idx)
    best = np.min(dist + np.asarray(start_times, dtype=float)[:, None], axis=0)
    return best.reshape(ny, nx)


def rothermel_single_class(w0_lb_ft2, sav_1_ft, depth_ft, mx, m, wind_ft_min, tan_slope):
    """Rothermel (1972) for one dead size class, transcribed from domain.md 3.4 (US units).

    Returns (R0 ft/min, R ft/min, I_R Btu/ft2/min).
    """
    rho_p, s_t, s_e, h = 32.0, 0.0555, 0.01, 8000.0
    sigma = sav_1_ft
    rho_b = w0_lb_ft2 / depth_ft
    beta = rho_b / rho_p
    beta_op = 3.348 * sigma ** (-0.8189)
    gamma_max = sigma**1.5 / (495 + 0.0594 * sigma**1.5)
    a = 133 * sigma ** (-0.7913)
    gamma = gamma_max * (beta / beta_op) ** a * math.exp(a * (1 - beta / beta_op))
    rm = min(1.0, m / mx)
    eta_m = 1 - 2.59 * rm + 5.11 * rm**2 - 3.52 * rm**3
    eta_s = 0.174 * s_e ** (-0.19)
    i_r = gamma * w0_lb_ft2 * (1 - s_t) * h * eta_m * eta_s
    xi = math.exp((0.792 + 0.681 * sigma**0.5) * (beta + 0.1)) / (192 + 0.2595 * sigma)
    eps = math.exp(-138 / sigma)
    q_ig = 250 + 1116 * m
    r0 = i_r * xi / (rho_b * eps * q_ig)
    c = 7.47 * math.exp(-0.133 * sigma**0.55)
    b = 0.02526 * sigma**0.54
    e = 0.715 * math.exp(-3.59e-4 * sigma)
    phi_w = c * wind_ft_min**b * (beta / beta_op) ** (-e) if wind_ft_min > 0 else 0.0
    phi_s = 5.275 * beta ** (-0.3) * tan_slope**2
    return r0, r0 * (1 + phi_w + phi_s), i_r
