"""Benchmark jnrisk.scenarios.run_batch: N small scenarios, 1 vs 2 Dask workers.

Measures throughput (scenarios/s), per-scenario overhead (batch wall time per scenario minus
the pure in-process compute time per scenario) and peak memory (RSS of the client plus all
worker processes, sampled with psutil). Competitors, in the same process:

* ``compute``      - ``run(scenario)`` in a loop: the work itself, no outputs written;
* ``serial``       - ``run_batch(client="synchronous")``: the same tasks and outputs, no Dask;
* ``dask-1``/``dask-2`` - ``run_batch`` on a LocalCluster with 1 / 2 worker processes.

Cluster start-up is timed separately, outside the batch timer, and the workers are warmed
(imports, first file writes) with a small batch into a scratch folder first. There are no numba
kernels in jnrisk.scenarios, so there is no JIT compile time to report.

``--refusals`` instead times how fast bad input is refused: a scheduler address where a socket
accepts and never answers, an HTTP server, a closed port and a TLS scheduler with the wrong key
(each must give a ConfigError within the connect deadline, default 20 s), and a scenario file
sweeping 200,000 values (refused before expansion).

Usage::

    .venv/bin/python benchmarks/bench_batch.py               # 200 scenarios
    .venv/bin/python benchmarks/bench_batch.py --n 40         # quick look
    .venv/bin/python benchmarks/bench_batch.py --refusals     # time to refuse bad input
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil


def make_scenarios(n: int, *, grid_size: int, offset: int = 0):
    from jnrisk.scenarios import expand_sweep

    base = {
        "name": "bench",
        "kind": "synthetic_allocation",
        "hazard": {"grid_size": grid_size, "n_blocks": 60, "n_shelters": 5},
    }
    return expand_sweep(base, {"seed": list(range(offset, offset + n))})


class PeakRSS:
    """Sample the summed RSS of a set of processes in a background thread."""

    def __init__(self, pids: list[int], interval_s: float = 0.05) -> None:
        self.procs = [psutil.Process(p) for p in pids]
        self.interval_s = interval_s
        self.peak_total = 0
        self.peak_each: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in self.procs:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.peak_each[p.pid] = max(self.peak_each.get(p.pid, 0), rss)
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bench_compute(scenarios) -> dict:
    from jnrisk.scenarios import run

    run(scenarios[0])  # warm imports
    with PeakRSS([os.getpid()]) as mem:
        t0 = time.perf_counter()
        for s in scenarios:
            run(s)
        dt = time.perf_counter() - t0
    return {"wall_s": dt, "peak_rss_mb": mem.peak_total / 2**20}


def bench_serial(scenarios, warm, root: Path) -> dict:
    from jnrisk.scenarios import run_batch

    run_batch(warm, out=root / "warm-serial", client="synchronous", progress=False)
    with PeakRSS([os.getpid()]) as mem:
        t0 = time.perf_counter()
        s = run_batch(scenarios, out=root / "serial", client="synchronous", progress=False)
        dt = time.perf_counter() - t0
    assert s.completed == len(scenarios), s.summary()
    return {"wall_s": dt, "peak_rss_mb": mem.peak_total / 2**20}


def bench_dask(scenarios, warm, root: Path, n_workers: int) -> dict:
    from jnrisk.scenarios import run_batch
    from jnrisk.scenarios.batch import _local_client

    t0 = time.perf_counter()
    # Exactly the cluster run_batch starts by default (processes, 1 thread, no profiler).
    client = _local_client(n_workers)
    cluster = client.cluster
    startup = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        run_batch(warm, out=root / f"warm-{n_workers}", client=client, progress=False)
        warmup = time.perf_counter() - t0
        pids = [os.getpid(), *client.run(os.getpid).values()]
        with PeakRSS(pids) as mem:
            t0 = time.perf_counter()
            s = run_batch(scenarios, out=root / f"dask-{n_workers}", client=client,
                          progress=False)
            dt = time.perf_counter() - t0
        assert s.completed == len(scenarios), s.summary()
        # resume pass: everything is skipped; measures the bookkeeping cost alone
        t0 = time.perf_counter()
        r = run_batch(scenarios, out=root / f"dask-{n_workers}", client=client, progress=False)
        resume = time.perf_counter() - t0
        assert r.skipped == len(scenarios)
    finally:
        client.close()
        cluster.close()
    worker_peaks = [v / 2**20 for k, v in mem.peak_each.items() if k != os.getpid()]
    return {
        "wall_s": dt,
        "startup_s": startup,
        "warmup_s": warmup,
        "resume_all_skipped_s": resume,
        "peak_rss_mb": mem.peak_total / 2**20,
        "peak_worker_rss_mb": max(worker_peaks) if worker_peaks else float("nan"),
    }


def _timed_refusal(call) -> dict:
    from jnrisk._errors import JnriskError

    t0, c0 = time.perf_counter(), time.process_time()
    try:
        call()
        outcome = "ACCEPTED (bug)"
    except JnriskError as exc:
        outcome = f"{type(exc).__name__}: {str(exc)[:90]}"
    return {"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
            "outcome": outcome}


def bench_refusals(deadline_s: float | None) -> dict:
    """Time to refuse: three non-schedulers, a TLS scheduler with the wrong key, a huge sweep."""
    import http.server
    import socket

    from distributed.security import Security

    from jnrisk.scenarios import load_scenarios, run_batch, scenarios_from_dict
    from jnrisk.scenarios.batch import _local_client

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # the kernel accepts; nobody ever reads or writes

    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    closed = probe.getsockname()[1]
    probe.close()
    secured = _local_client(1)
    root = Path(tempfile.mkdtemp(prefix="jnrisk-bench-refuse-"))
    scen = make_scenarios(1, grid_size=5)
    targets = {
        "silent socket": (f"tcp://127.0.0.1:{silent.getsockname()[1]}", None),
        "HTTP server": (f"tcp://127.0.0.1:{web.server_address[1]}", None),
        "closed port": (f"tcp://127.0.0.1:{closed}", None),
        "TLS, wrong key": (secured.scheduler.address, Security.temporary()),
    }
    out: dict[str, dict] = {}
    try:
        for name, (addr, sec) in targets.items():
            out[name] = _timed_refusal(lambda a=addr, s=sec: run_batch(
                scen, out=root / "o", scheduler=a, security=s, progress=False,
                connect_timeout_s=deadline_s))  # fmt: skip
        f = root / "big.toml"
        f.write_text('name = "s"\nkind = "synthetic_allocation"\n[hazard]\n[sweep]\nseed = ['
                     + ",".join(map(str, range(200_000))) + "]\n")  # fmt: skip
        out["sweep 200k values (file)"] = _timed_refusal(lambda: load_scenarios(f))
        data = {"name": "s", "kind": "synthetic_allocation", "hazard": {},
                "sweep": {"seed": list(range(200_000))}}  # fmt: skip
        out["sweep 200k values (parsed)"] = _timed_refusal(lambda: scenarios_from_dict(data))
        grid = {"name": "s", "kind": "synthetic_allocation", "hazard": {},
                "sweep": {"seed": list(range(1000)), "max_walk_m": [float(v + 1) for v in
                                                                    range(1000)]}}  # fmt: skip
        out["sweep 1000 x 1000 (parsed)"] = _timed_refusal(lambda: scenarios_from_dict(grid))
        from jnrisk.scenarios.sweep import MAX_SWEEP_POINTS

        dup = {"name": "d", "kind": "synthetic_allocation", "hazard": {},
               "sweep": {"seed": [*range(MAX_SWEEP_POINTS - 1), 5]}}  # fmt: skip
        out[f"sweep {MAX_SWEEP_POINTS:,} values, one repeat"] = _timed_refusal(
            lambda: scenarios_from_dict(dup))
    finally:
        web.shutdown()
        silent.close()
        cluster = secured.cluster
        secured.close()
        cluster.close()
        shutil.rmtree(root, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="scenarios per configuration")
    parser.add_argument("--grid-size", type=int, default=15, help="synthetic grid side (nodes)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", default=str(Path(__file__).with_name("out") / "batch"))
    parser.add_argument("--refusals", action="store_true",
                        help="time the refusal of bad schedulers and sweeps instead")
    parser.add_argument("--deadline", type=float, default=None,
                        help="connect deadline for --refusals (default: run_batch's, 20 s)")
    args = parser.parse_args()
    if args.refusals:
        res = bench_refusals(args.deadline)
        print(f"\njnrisk batch refusals (load avg {os.getloadavg()[0]:.1f}, "
              f"{psutil.cpu_count()} CPUs)")
        print(f"{'bad input':<28}{'wall s':>8}{'cpu s':>8}  outcome")
        for name, r in res.items():
            print(f"{name:<28}{r['wall_s']:>8.2f}{r['cpu_s']:>8.2f}  {r['outcome']}")
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench_refusals.json").write_text(json.dumps(res, indent=2))
        return

    scenarios = make_scenarios(args.n, grid_size=args.grid_size)
    warm = make_scenarios(4, grid_size=args.grid_size, offset=10**6)
    root = Path(tempfile.mkdtemp(prefix="jnrisk-bench-batch-"))
    results: dict[str, dict] = {}
    try:
        results["compute"] = bench_compute(scenarios)
        results["serial"] = bench_serial(scenarios, warm, root)
        for w in args.workers:
            results[f"dask-{w}"] = bench_dask(scenarios, warm, root, w)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    n = args.n
    compute_per = results["compute"]["wall_s"] / n
    print(f"\njnrisk batch benchmark: {n} synthetic_allocation scenarios "
          f"(grid {args.grid_size}x{args.grid_size}, 60 blocks, 5 shelters); "
          f"{psutil.cpu_count()} CPUs, load avg {os.getloadavg()[0]:.1f}")
    print(f"{'config':<10}{'wall s':>9}{'scen/s':>9}{'ms/scen':>9}{'overhead ms':>13}"
          f"{'peak RSS MB':>13}{'speed-up vs serial':>20}")
    serial_wall = results["serial"]["wall_s"]
    for name, r in results.items():
        per_ms = 1000 * r["wall_s"] / n
        r["scenarios_per_s"] = n / r["wall_s"]
        r["ms_per_scenario"] = per_ms
        r["overhead_ms_per_scenario"] = per_ms - 1000 * compute_per
        print(f"{name:<10}{r['wall_s']:>9.2f}{r['scenarios_per_s']:>9.1f}{per_ms:>9.1f}"
              f"{r['overhead_ms_per_scenario']:>13.1f}{r['peak_rss_mb']:>13.0f}"
              f"{serial_wall / r['wall_s']:>20.2f}")
    for w in args.workers:
        r = results[f"dask-{w}"]
        print(f"dask-{w}: cluster start-up {r['startup_s']:.1f} s, warm-up batch "
              f"{r['warmup_s']:.1f} s, resume of {n} finished scenarios "
              f"{r['resume_all_skipped_s']:.2f} s, peak worker RSS "
              f"{r['peak_worker_rss_mb']:.0f} MB")
    if {"dask-1", "dask-2"} <= results.keys():
        print(f"ratio dask-2 / dask-1 throughput: "
              f"{results['dask-1']['wall_s'] / results['dask-2']['wall_s']:.2f}x")
    print("numba compile time: n/a (jnrisk.scenarios has no numba kernels)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"n": n, "grid_size": args.grid_size, "cpus": psutil.cpu_count(),
            "load_avg_1min": os.getloadavg()[0], "python": platform.python_version()}
    (out / "bench_batch.json").write_text(json.dumps({"meta": meta, "results": results},
                                                     indent=2))
    print(f"results: {out / 'bench_batch.json'}")


if __name__ == "__main__":
    main()
