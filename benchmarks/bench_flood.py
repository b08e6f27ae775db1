"""Benchmark: Priority-Flood depression filling, jnrisk vs pysheds (same process), and the
fill-and-spill kernel on its own.

Builds a seeded synthetic DEM with many depressions outside the timers, warms both JITs on a
small DEM (compile times reported separately), then times each fill and samples the
process's resident memory during the call (peak extra memory = peak RSS - RSS before).

Competitors: pysheds ``Grid.fill_depressions`` (numba Priority-Flood +FIFO; fills its input
in place, so it gets a copy made outside the timer). xarray-spatial's hydrology (``fill_d8``)
needs Python >= 3.12 and RichDEM does not install on 3.11: both are reported as unavailable.

Usage::

    .venv/bin/python benchmarks/bench_flood.py            # 4000 x 4000 (default)
    .venv/bin/python benchmarks/bench_flood.py --full     # 10,000 x 10,000 (~0.8 GB DEM)
    .venv/bin/python benchmarks/bench_flood.py --size 2000 --repeat 3
    .venv/bin/python benchmarks/bench_flood.py --spill-size 1500   # fill-and-spill DEM side

Fill-and-spill (``_kernels.fill_spill``, the engine of ``ponding_depth``) is timed on its own
DEM (default 2000 x 2000, 50 mm of water on every cell) with the time per phase.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time

# pysheds 0.5 fails to compile its fill when numba loads part of it from the on-disk cache
# (KeyError on its `count` generator); a fresh cache directory avoids it. jnrisk then
# compiles afresh too, which the script reports separately.
os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="bench_flood_numba_"))

import numpy as np  # noqa: E402
import psutil  # noqa: E402
import rioxarray  # noqa: F401, E402
import xarray as xr  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from jnrisk.flood import _kernels, fill_depressions  # noqa: E402


def make_dem(n: int, seed: int = 0, dtype=np.float64) -> np.ndarray:
    """Rolling terrain (coarse noise, bilinear upsampled) + fine noise -> many pits."""
    from scipy.ndimage import zoom

    rng = np.random.default_rng(seed)
    coarse = rng.random((n // 50 + 2, n // 50 + 2)) * 50.0
    z = zoom(coarse, n / (coarse.shape[0] - 1), order=1)[:n, :n]
    z = z.astype(dtype, copy=False)
    z += rng.random((n, n), dtype=np.float32 if dtype == np.float32 else np.float64) * 2.0
    return np.ascontiguousarray(z)


def as_dataarray(z: np.ndarray, res_m: float = 10.0) -> xr.DataArray:
    ny, nx = z.shape
    return (
        xr.DataArray(
            z,
            dims=("y", "x"),
            coords={
                "y": 4_000_000.0 - res_m * (np.arange(ny) + 0.5),
                "x": 500_000.0 + res_m * (np.arange(nx) + 0.5),
            },
        )
        .rio.write_crs("EPSG:4548")
        .rio.write_nodata(-9999.0)
    )


class PeakRSS:
    """Sample the process RSS every few ms in a thread while a (nogil) call runs."""

    def __init__(self, interval_s: float = 0.005) -> None:
        self.proc = psutil.Process()
        self.interval_s = interval_s

    def __enter__(self):
        self.before = self.proc.memory_info().rss
        self.peak = self.before
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.interval_s)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def extra_bytes(self) -> int:
        return self.peak - self.before


def timed(fn, repeat: int):
    best, extra, out = np.inf, 0, None
    for _ in range(repeat):
        out = None
        with PeakRSS() as mem:
            t0 = time.perf_counter()
            out = fn()
            dt = time.perf_counter() - t0
        best = min(best, dt)
        extra = max(extra, mem.extra_bytes)
    return best, extra, out


def bench_fill_spill(n: int, seed: int, repeat: int) -> None:
    """Time the fill-and-spill kernel (warm) on an n x n DEM with 50 mm on every cell."""
    small = make_dem(200, seed=1)
    _kernels.fill_spill(small, -9999.0, True, False, np.full(small.size, 0.05))
    z = make_dem(n, seed=seed)
    water = np.full(z.size, 0.05)
    s, mem, out = timed(lambda: _kernels.fill_spill(z, -9999.0, True, False, water), repeat)
    depth = out[0]
    print(
        f"jnrisk fill_spill {n:,} x {n:,}: {s:.2f} s, peak extra {mem / z.nbytes:.2f} x DEM; "
        f"{out[3]:,} pits, {np.count_nonzero(depth > 0) / depth.size * 100:.1f} % of cells wet, "
        f"checksum {float(np.nansum(depth)):.6f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--size", type=int, default=4000, help="DEM side in cells (default 4000)")
    ap.add_argument("--full", action="store_true", help="10,000 x 10,000 (the issue's size)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-pysheds", action="store_true")
    ap.add_argument("--spill-size", type=int, default=2000,
                    help="fill-and-spill DEM side in cells (default 2000; 0 skips it)")
    args = ap.parse_args()
    n = 10_000 if args.full else args.size

    # --- warm-up / compile (small DEM) ---
    small = make_dem(200, seed=1)
    t0 = time.perf_counter()
    fill_depressions(as_dataarray(small))
    jn_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    fill_depressions(as_dataarray(small))
    jn_warm_small = time.perf_counter() - t0

    pysheds = None
    if not args.no_pysheds:
        try:
            from pysheds.grid import Grid
            from pysheds.sview import Raster, ViewFinder

            pysheds = (Grid, Raster, ViewFinder)
        except ImportError as exc:
            print(f"pysheds: not available ({exc})")
    ps_compile = float("nan")
    if pysheds is not None:
        Grid, Raster, ViewFinder = pysheds
        vf = ViewFinder(shape=small.shape, nodata=-9999.0)
        t0 = time.perf_counter()
        Grid(viewfinder=vf).fill_depressions(Raster(small.copy(), viewfinder=vf))
        ps_compile = time.perf_counter() - t0

    # --- inputs (outside the timers) ---
    t0 = time.perf_counter()
    z = make_dem(n, seed=args.seed)
    dem = as_dataarray(z)
    build_s = time.perf_counter() - t0
    dem_bytes = z.nbytes
    print(f"DEM {n:,} x {n:,} float64 = {dem_bytes / 2**20:,.0f} MiB (built in {build_s:.1f} s)")
    print(f"jnrisk compile+first call (200x200): {jn_compile:.2f} s; warm: {jn_warm_small:.4f} s")
    if pysheds is not None:
        print(f"pysheds compile+first call (200x200): {ps_compile:.2f} s")

    jn_s, jn_mem, jn_out = timed(lambda: fill_depressions(dem), args.repeat)
    jn_filled = np.asarray(jn_out.values)
    del jn_out
    print(
        f"jnrisk fill_depressions: {jn_s:.2f} s, peak extra memory {jn_mem / 2**20:,.0f} MiB "
        f"= {jn_mem / dem_bytes:.2f} x DEM (output included); "
        f"{(jn_filled != z).mean() * 100:.1f} % of cells raised"
    )
    k_s, k_mem, k_out = timed(
        lambda: _kernels.priority_flood(z, -9999.0, True, False, 0.0, False), args.repeat
    )
    del k_out
    print(f"jnrisk kernel only:      {k_s:.2f} s, peak extra {k_mem / dem_bytes:.2f} x DEM")

    if pysheds is not None:
        Grid, Raster, ViewFinder = pysheds
        vf = ViewFinder(shape=z.shape, nodata=-9999.0)
        grid = Grid(viewfinder=vf)
        ps_best, ps_mem = np.inf, 0
        for _ in range(args.repeat):
            r = Raster(z.copy(), viewfinder=vf)  # pysheds fills in place: copy outside the timer
            with PeakRSS() as mem:
                t0 = time.perf_counter()
                ps_out = grid.fill_depressions(r)
                dt = time.perf_counter() - t0
            ps_best = min(ps_best, dt)
            ps_mem = max(ps_mem, mem.extra_bytes)
        same = np.array_equal(np.asarray(ps_out), jn_filled)
        del ps_out, r
        print(
            f"pysheds fill_depressions: {ps_best:.2f} s, peak extra memory "
            f"{ps_mem / 2**20:,.0f} MiB = {ps_mem / dem_bytes:.2f} x DEM (fills in place)"
        )
        print(f"same filled DEM as jnrisk: {same}")
        print(f"ratio pysheds / jnrisk (wall): {ps_best / jn_s:.2f}x")
    if args.spill_size:
        bench_fill_spill(args.spill_size, args.seed, args.repeat)
    print("xarray-spatial: fill_d8 needs xarray-spatial >= 0.6 (Python >= 3.12): not run")
    print("RichDEM: does not install on Python 3.11: not run")
    cpu = psutil.cpu_count()
    print(f"machine: {cpu} logical cores, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
