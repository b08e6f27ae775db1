"""Benchmark of jnrisk.fire: FWI on a year of gridded weather, MTT spread on a large raster.

Run from the repository root::

    .venv/bin/python benchmarks/bench_fire.py                 # full sizes (minutes, ~3 GB)
    .venv/bin/python benchmarks/bench_fire.py --quick         # small sizes, a smoke run

Sections (each prints wall and CPU time; the CPU time is the honest number on a shared box):

* ``fwi``: 365 days on an N x N grid (default 1000 x 1000 = 1e6 cells), processed in blocks of
  rows (the inputs of a full year at 1e6 cells are 2.9 GB per variable in float64); inputs are
  built outside the timer. xclim's ``fire_weather_ufunc`` runs in the same process on a
  sized-down grid (default 100 x 100); the ratio is per cell-day.
* ``spread``: arrival times on an N x N grid (default 4000 x 4000 = 16e6 cells, 30 m) from 10
  ignitions with a synthetic DEM and land cover, wind 15 km/h; the spread-rate step (NumPy) and
  the Dijkstra kernel are timed separately, peak RSS of a fresh child process is reported.
  scipy.sparse.csgraph.dijkstra (min_only, multi-source) on the same graph runs on a smaller
  grid (default 1000 x 1000) and both answers are checked equal there.

numba compile time is reported separately (first call on a tiny input; a warm cache makes it
a load time).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import xarray as xr


def _clock():
    return time.perf_counter(), time.process_time()


def _since(t):
    w, c = _clock()
    return w - t[0], c - t[1]


def _weather_block(rng, n_cells, days, base):
    """Per-cell weather: a station-like base series plus smooth per-cell offsets."""
    off_t = rng.normal(0.0, 1.5, (n_cells, 1))
    off_h = rng.normal(0.0, 5.0, (n_cells, 1))
    scale_w = rng.uniform(0.7, 1.3, (n_cells, 1))
    wet_scale = rng.uniform(0.6, 1.4, (n_cells, 1))
    temp = base["temp_c"][None, :] + off_t
    rh = np.clip(base["rh_pct"][None, :] + off_h, 5.0, 100.0)
    wind = base["wind_kmh"][None, :] * scale_w
    rain = base["rain_mm"][None, :] * wet_scale
    coords = {"time": days}
    dims = ("cell", "time")
    return [xr.DataArray(a, dims=dims, coords=coords) for a in (temp, rh, wind, rain)]


def bench_fwi(n, n_xclim, block_rows, seed=0):
    from jnrisk.fire import fwi, load_station_weather

    ws = load_station_weather(stations=["Jinan"], start="2024-01-01", end="2024-12-30")
    days = pd.DatetimeIndex(ws["time"].values)
    base = {k: ws[k].values[0] for k in ("temp_c", "rh_pct", "wind_kmh", "rain_mm")}
    rng = np.random.default_rng(seed)

    t = _clock()
    tiny = _weather_block(rng, 2, days[:3], {k: v[:3] for k, v in base.items()})
    fwi(*tiny, lat=36.7)
    compile_w, compile_c = _since(t)
    print(f"[fwi] numba compile/load + first call: {compile_w:.2f} s wall, {compile_c:.2f} s cpu")

    n_cells = n * n
    per_block = block_rows * n
    total_w = total_c = 0.0
    fwi_max = np.empty(n_cells)
    for start in range(0, n_cells, per_block):
        stop = min(start + per_block, n_cells)
        block = _weather_block(rng, stop - start, days, base)  # outside the timer
        t = _clock()
        out = fwi(*block, lat=36.7)
        w, c = _since(t)
        total_w += w
        total_c += c
        fwi_max[start:stop] = out["fwi"].max("time").values
        del out, block
    cd = n_cells * len(days)
    print(
        f"[fwi] jnrisk {n}x{n} x {len(days)} days ({cd:,} cell-days): {total_w:.1f} s wall, "
        f"{total_c:.1f} s cpu -> {cd / total_c / 1e6:.2f} M cell-days per cpu-second; "
        f"mean annual max FWI {fwi_max.mean():.1f}"
    )

    result = {"fwi_cells": n_cells, "fwi_days": len(days), "fwi_wall_s": total_w,
              "fwi_cpu_s": total_c}  # fmt: skip
    try:
        from xclim.indices.fire import fire_weather_ufunc
    except ImportError:
        print("[fwi] xclim not installed: no comparison (pip install xclim)")
        return result
    m = n_xclim * n_xclim
    block = _weather_block(np.random.default_rng(seed + 1), m, days, base)
    for a, u in zip(block, ("degC", "%", "km/h", "mm/d"), strict=True):
        a.attrs["units"] = u
    lat = xr.DataArray(np.full(m, 36.7), dims="cell", attrs={"units": "degrees_north"})
    start_codes = {k: xr.full_like(lat, v) for k, v in (("ffmc0", 85.0), ("dmc0", 6.0),
                                                         ("dc0", 15.0))}  # fmt: skip
    kw = dict(indexes=["DC", "DMC", "FFMC", "ISI", "BUI", "FWI", "DSR"])
    small = [a.isel(cell=slice(0, 2)) for a in block]
    t = _clock()
    fire_weather_ufunc(
        tas=small[0],
        pr=small[3],
        hurs=small[1],
        sfcWind=small[2],
        lat=lat[:2],
        **{k: v[:2] for k, v in start_codes.items()},
        **kw,
    )
    xc_compile = _since(t)
    t = _clock()
    theirs = fire_weather_ufunc(tas=block[0], pr=block[3], hurs=block[1], sfcWind=block[2],
                                lat=lat, **start_codes, **kw)  # fmt: skip
    xw, xc = _since(t)
    t = _clock()
    ours = fwi(*block, lat=36.7)
    ow, oc = _since(t)
    agree = float(np.nanmax(np.abs(ours["dc"].values - theirs["DC"].values)))
    print(
        f"[fwi] xclim compile/first call {xc_compile[0]:.2f} s; xclim {n_xclim}x{n_xclim} "
        f"({m * len(days):,} cell-days): {xw:.2f} s wall, {xc:.2f} s cpu; jnrisk same block "
        f"{ow:.2f} s wall, {oc:.2f} s cpu -> jnrisk {xc / oc:.1f}x faster (cpu), "
        f"{xw / ow:.1f}x (wall); max |DC diff| {agree:.1e}"
    )
    xclim_full_est = xc * (n * n) / m
    print(f"[fwi] xclim extrapolated to {n}x{n}: ~{xclim_full_est:.0f} cpu-s")
    result.update(xclim_cells=m, xclim_cpu_s=xc, jnrisk_same_cpu_s=oc)
    return result


def _landscape(n, seed=0, res=30.0):
    import rioxarray  # noqa: F401

    rng = np.random.default_rng(seed)
    y = (np.arange(n - 1, -1, -1) + 0.5) * res
    x = (np.arange(n) + 0.5) * res
    # DEM: a few smooth hills (separable Gaussians keep memory low)
    z = np.zeros((n, n))
    for _ in range(12):
        cy, cx = rng.uniform(0, n * res, 2)
        s = rng.uniform(0.05, 0.2) * n * res
        h = rng.uniform(100, 600)
        z += h * np.outer(
            np.exp(-((y - cy) ** 2) / (2 * s * s)), np.exp(-((x - cx) ** 2) / (2 * s * s))
        )
    lc = np.full((n, n), 2, dtype=np.int64)  # forest
    coarse = rng.random((n // 50 + 1, n // 50 + 1))
    patch = np.kron(coarse, np.ones((50, 50)))[:n, :n]
    lc[patch < 0.25] = 5  # grass
    lc[patch > 0.93] = 3  # farmland
    lc[(patch > 0.90) & (patch <= 0.93)] = 1  # built-up
    lc[:, n // 3] = 4  # a river
    lc[::97, n // 3] = 2  # with fords
    coords = {"y": y, "x": x}
    land = xr.DataArray(lc, dims=("y", "x"), coords=coords).rio.write_crs("EPSG:4548")
    dem = xr.DataArray(z, dims=("y", "x"), coords=coords).rio.write_crs("EPSG:4548")
    return land, dem


def _ignitions(land, k, seed=0):
    rng = np.random.default_rng(seed + 7)
    burn = np.argwhere(land.values == 2)
    pick = burn[rng.choice(len(burn), k, replace=False)]
    return np.column_stack([land.x.values[pick[:, 1]], land.y.values[pick[:, 0]]])


def bench_spread(n, n_ignitions, neighbours):
    """Runs in a fresh process so that the peak RSS is this section's."""
    from jnrisk.fire import _spread_kernels as kern
    from jnrisk.fire import arrival_time, spread_rates

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    land_s, _ = _landscape(20)
    t = _clock()
    arrival_time(land_s, _ignitions(land_s, 1), wind_kmh=15.0, neighbours=neighbours)
    cw, cc = _since(t)
    land, dem = _landscape(n)
    ign = _ignitions(land, n_ignitions)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = _clock()
    rates = spread_rates(land, dem, wind_kmh=15.0, wind_from_deg=300.0)
    rw, rc = _since(t)
    t = _clock()
    arr = arrival_time(land, ign, rates=rates, neighbours=neighbours)
    aw, ac = _since(t)
    rss2 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    burned = int(np.isfinite(arr.values).sum())
    return {"n": n, "compile_wall_s": cw, "compile_cpu_s": cc, "rates_wall_s": rw,
            "rates_cpu_s": rc, "mtt_wall_s": aw, "mtt_cpu_s": ac, "rss_start_mb": rss0,
            "rss_inputs_mb": rss1, "rss_peak_mb": rss2, "reached": burned,
            "median_arrival_h": float(np.nanmedian(arr.values)) / 60,
            "kernel": kern.__name__}  # fmt: skip


def bench_spread_vs_scipy(n, neighbours):
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    from jnrisk.fire import _spread_kernels as kern
    from jnrisk.fire import arrival_time, spread_rates

    land, dem = _landscape(n, seed=3)
    ign = _ignitions(land, 10, seed=3)
    rates = spread_rates(land, dem, wind_kmh=15.0, wind_from_deg=300.0)
    arrival_time(land, ign[:1], rates=rates, neighbours=neighbours)  # warm
    t = _clock()
    ours = arrival_time(land, ign, rates=rates, neighbours=neighbours).values
    ow, oc = _since(t)
    # the same graph for scipy, built with NumPy (outside the timer)
    ros = rates["ros_m_min"].values
    theta = np.radians(90.0 - rates["direction_deg"].values)
    ecc = rates["eccentricity"].values
    dx = float(land.x[1] - land.x[0])
    dy = float(land.y[1] - land.y[0])
    burn = ros > 0
    rr, cc = np.mgrid[0:n, 0:n]
    src, dst, wts = [], [], []
    for dr, dc in kern.OFFSETS[:neighbours]:
        r2, c2 = rr + dr, cc + dc
        ok = (r2 >= 0) & (r2 < n) & (c2 >= 0) & (c2 < n)
        r2c, c2c = np.clip(r2, 0, n - 1), np.clip(c2, 0, n - 1)
        ok &= burn & burn[r2c, c2c]

        def b(a, o):
            return burn[np.clip(rr + a, 0, n - 1), np.clip(cc + o, 0, n - 1)]

        if abs(dr) == 1 and abs(dc) == 1:
            ok &= b(0, dc) | b(dr, 0)
        elif abs(dc) == 2:
            ok &= b(0, np.sign(dc)) & b(dr, np.sign(dc))
        elif abs(dr) == 2:
            ok &= b(np.sign(dr), 0) & b(np.sign(dr), dc)
        vx, vy = dc * dx, dr * dy
        d = np.hypot(vx, vy)
        phi = np.arctan2(vy, vx)
        ra = ros * (1 - ecc) / (1 - ecc * np.cos(phi - theta))
        rb_ = (
            ros[r2c, c2c]
            * (1 - ecc[r2c, c2c])
            / (1 - ecc[r2c, c2c] * np.cos(phi - theta[r2c, c2c]))
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            w = 0.5 * d * (1 / ra + 1 / rb_)
        src.append((rr * n + cc)[ok])
        dst.append((r2c * n + c2c)[ok])
        wts.append(w[ok])
    graph = csr_matrix((np.concatenate(wts), (np.concatenate(src), np.concatenate(dst))),
                       shape=(n * n, n * n))  # fmt: skip
    rows = np.floor((ign[:, 1] - float(land.y[0])) / dy + 0.5).astype(int)
    cols = np.floor((ign[:, 0] - float(land.x[0])) / dx + 0.5).astype(int)
    t = _clock()
    theirs = dijkstra(graph, directed=True, indices=rows * n + cols, min_only=True)
    sw, sc = _since(t)
    theirs = theirs.reshape(n, n)
    theirs[~np.isfinite(theirs)] = np.nan
    same = np.allclose(ours, theirs, rtol=1e-9, equal_nan=True)
    print(
        f"[spread] {n}x{n}, 10 ignitions, {neighbours} neighbours: jnrisk {ow:.2f} s wall / "
        f"{oc:.2f} s cpu; scipy dijkstra(min_only) {sw:.2f} s wall / {sc:.2f} s cpu -> "
        f"{sc / oc:.1f}x (cpu), {sw / ow:.1f}x (wall); answers equal: {same}"
    )


def main():
    p = argparse.ArgumentParser(description="jnrisk.fire benchmarks")
    p.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    p.add_argument("--section", choices=["all", "fwi", "spread", "spread-child"], default="all")
    p.add_argument("--fwi-size", type=int, default=1000)
    p.add_argument("--xclim-size", type=int, default=100)
    p.add_argument("--block-rows", type=int, default=10)
    p.add_argument("--spread-size", type=int, default=4000)
    p.add_argument("--scipy-size", type=int, default=1000)
    p.add_argument("--ignitions", type=int, default=10)
    p.add_argument("--neighbours", type=int, default=16, choices=[8, 16])
    a = p.parse_args()
    if a.quick:
        a.fwi_size, a.xclim_size, a.spread_size, a.scipy_size = 100, 30, 500, 200
    if a.section == "spread-child":
        print(json.dumps(bench_spread(a.spread_size, a.ignitions, a.neighbours)))
        return
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load avg "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    if a.section in ("all", "fwi"):
        bench_fwi(a.fwi_size, a.xclim_size, a.block_rows)
    if a.section in ("all", "spread"):
        cmd = [sys.executable, __file__, "--section", "spread-child", "--spread-size",
               str(a.spread_size), "--ignitions", str(a.ignitions), "--neighbours",
               str(a.neighbours)]  # fmt: skip
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True)
                         .stdout.strip().splitlines()[-1])  # fmt: skip
        n = res["n"]
        print(f"[spread] numba compile/load + first call: {res['compile_wall_s']:.2f} s wall")
        print(
            f"[spread] {n}x{n} ({n * n / 1e6:.0f} M cells), {a.ignitions} ignitions, "
            f"{a.neighbours} neighbours: spread_rates {res['rates_wall_s']:.1f} s wall / "
            f"{res['rates_cpu_s']:.1f} s cpu; arrival_time (MTT) {res['mtt_wall_s']:.1f} s "
            f"wall / {res['mtt_cpu_s']:.1f} s cpu; reached {res['reached']:,} cells, median "
            f"arrival {res['median_arrival_h']:.1f} h"
        )
        print(
            f"[spread] peak RSS {res['rss_peak_mb']:.0f} MB (interpreter+libs "
            f"{res['rss_start_mb']:.0f} MB, after building inputs {res['rss_inputs_mb']:.0f} "
            f"MB) -> spread working set ~{res['rss_peak_mb'] - res['rss_inputs_mb']:.0f} MB"
        )
        bench_spread_vs_scipy(a.scipy_size, a.neighbours)


if __name__ == "__main__":
    main()
