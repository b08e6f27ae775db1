"""Run one scenario, or many on Dask distributed, with atomic, resumable outputs.

``run(scenario, city)`` dispatches to the kind's registered runner; notebooks, the CLI and the
batch runner all go through it. ``run_batch`` ships one task per unfinished scenario to a
Dask cluster (a local one by default, or ``scheduler="tcp://HOST:8786"``). Each worker loads
the city once, through ``city_loader(**city_args)``, into a per-process cache, so a task carries
only its scenario. Each task writes its own outputs (see :mod:`jnrisk.scenarios.store`): a
finished scenario is one whose metrics file exists, so a re-run with ``resume=True`` skips it,
and a worker killed mid-run loses nothing (the scheduler re-runs its task elsewhere) and
duplicates nothing (one metrics file per scenario id, replaced atomically).

The local cluster listens on 127.0.0.1 only, speaks TLS with a key made for the batch (no
other local user can submit code to it) and runs no HTTP server. A remote scheduler is reached
within ``connect_timeout_s`` (handshake included) or refused with a ConfigError; a ``tls://``
one needs its certificates (``security=``, a YAML file: :func:`load_security`). For a remote
scheduler, ``out`` must be a folder every worker can write (a shared disk), and
``city_loader`` must be importable on the workers.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jnrisk._errors import ConfigError, JnriskError, SolverError
from jnrisk._memory import ensure_fits, memory_budget_bytes, pairs_within_reach
from jnrisk._validate import real_number, whole_number
from jnrisk.scenarios.city import load_city
from jnrisk.scenarios.config import Scenario
from jnrisk.scenarios.registry import ScenarioResult, get_kind
from jnrisk.scenarios.store import (
    check_layer_format,
    check_writable,
    finished_ids,
    remove_stale_temp_files,
    write_error,
    write_result,
)

__all__ = [
    "BatchSummary",
    "batch_main",
    "load_security",
    "run",
    "run_batch",
    "worker_city",
]

_ADDRESS_RE = re.compile(r"^(tcp|tls)://\S+$")
_CLIENT_CHOICES = ("a distributed.Client", "None (start a LocalCluster)", "'synchronous'")
#: Seconds to reach an existing scheduler, handshake included, before giving up.
CONNECT_TIMEOUT_S = 20.0


# --------------------------------------------------------------------------------------------
# One scenario
# --------------------------------------------------------------------------------------------


def run(scenario: Scenario, city: Any = None) -> ScenarioResult:
    """Run one scenario with its kind's registered runner.

    Parameters
    ----------
    scenario
        A validated :class:`~jnrisk.scenarios.Scenario`.
    city
        Whatever the kind's runner needs (for the hazard kinds, the loaded Jinan data);
        the built-in ``synthetic_allocation`` kind ignores it.

    Returns
    -------
    ScenarioResult

    Examples
    --------
    >>> from jnrisk.scenarios import Scenario
    >>> s = Scenario.from_dict({"name": "t", "kind": "synthetic_allocation",
    ...                         "hazard": {"grid_size": 6}, "seed": 1})
    >>> sorted(run(s).layers)
    ['blocks', 'shelters']
    """
    if not isinstance(scenario, Scenario):
        raise ConfigError(
            f"run() needs a Scenario, got {type(scenario).__name__}; build one with "
            f"Scenario.from_dict(...) or load_scenarios(path)."
        )
    runner = _runner_for(scenario.kind)
    return _call_runner(runner, scenario, city)


def _runner_for(kind: str) -> Callable[[Scenario, Any], ScenarioResult]:
    spec = get_kind(kind)
    if spec.runner is None:
        raise ConfigError(
            f"scenario kind {kind!r} has no runner registered "
            f"({spec.description or spec.params_path}); give it one with "
            f"jnrisk.scenarios.register_kind({kind!r}, params_cls, runner)."
        )
    return spec.runner


#: Bytes per block-shelter pair within walking reach that an allocation holds at its peak
#: (arcs, candidate tables, solver arrays): 13 GB measured at 6,300 shelters and 10 km on
#: Jinan, where 51 M pairs lie within 10 km in a straight line.
ALLOCATION_BYTES_PER_PAIR = 256


def _check_reach(scenario: Scenario, city: Any) -> None:
    """Refuse a ``max_walk_m`` whose allocation cannot fit in memory on this city.

    Counts block-shelter pairs within ``max_walk_m`` in a straight line (an upper bound on the
    network pairs) and asks :func:`jnrisk._memory.ensure_fits` before the runner starts.
    """
    city = city if hasattr(city, "population") else getattr(city, "city", None)  # a context
    population = getattr(city, "population", None)
    shelters = getattr(city, "shelters", None)
    if not (hasattr(population, "geometry") and hasattr(shelters, "geometry")):
        return
    reach_m = float(scenario.allocation.max_walk_m)
    key = (id(population), id(shelters), len(population), len(shelters), reach_m)
    n_pairs = _PAIRS_CACHE.get(key)
    if n_pairs is None:
        import numpy as np

        def xy(gdf: Any) -> Any:
            pts = gdf.geometry.representative_point()
            return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])

        n_pairs = pairs_within_reach(xy(population), xy(shelters), reach_m)
        _PAIRS_CACHE[key] = n_pairs
    nbytes = float(n_pairs) * ALLOCATION_BYTES_PER_PAIR
    budget = memory_budget_bytes()
    # pairs grow about with the square of the reach: the reach that would fit, roughly
    fits_m = reach_m * min(1.0, (budget / nbytes) ** 0.5) if nbytes > 0 else reach_m
    ensure_fits(
        nbytes,
        what=(
            f"scenario {scenario.name!r}: the allocation within allocation.max_walk_m = "
            f"{reach_m:g} m ({n_pairs:,} block-shelter pairs in reach of "
            f"{len(population):,} blocks and {len(shelters):,} shelters)"
        ),
        fix=f"lower allocation.max_walk_m (about {fits_m:,.0f} m fits)",
        budget_bytes=budget,
    )


_PAIRS_CACHE: dict[tuple[Any, ...], int] = {}


def _call_runner(runner: Callable[..., Any], scenario: Scenario, city: Any) -> ScenarioResult:
    _check_reach(scenario, city)
    result = runner(scenario, city)
    if not isinstance(result, ScenarioResult):
        raise SolverError(
            f"the runner of kind {scenario.kind!r} ({getattr(runner, '__qualname__', runner)}) "
            f"returned {type(result).__name__}, not a ScenarioResult."
        )
    return result


# --------------------------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------------------------

def worker_city(loader: Callable[..., Any] | None, args: Mapping[str, Any] | None = None) -> Any:
    """Return ``loader(**args)``, loaded once per process (:func:`jnrisk.scenarios.load_city`).

    Batch tasks call this on the workers, so each worker process reads the city once.

    Examples
    --------
    >>> def loader(factor=1):
    ...     return {"factor": factor}
    >>> worker_city(loader, {"factor": 2}) is worker_city(loader, {"factor": 2})
    True
    """
    return load_city(loader, args)


def _version() -> str:
    from jnrisk import __version__

    return __version__


def _run_task(
    scenario: Scenario,
    runner: Callable[..., Any],
    out: str,
    city_loader: Callable[..., Any] | None,
    city_args: Mapping[str, Any],
    skip_finished_since: float | None,
    layer_format: str = "parquet",
    tmp_tag: str = "",
) -> dict[str, Any]:
    """One batch task: run the scenario and write its outputs; never raises on scenario errors.

    ``skip_finished_since``: ``None`` always runs; a time stamp ``t`` (``time.time()``) skips
    the scenario when its metrics file was written at or after ``t`` (0.0: whenever).
    """
    sid = scenario.scenario_id
    metrics_path = Path(out) / "metrics" / f"{sid}.parquet"
    if skip_finished_since is not None:
        try:
            finished = metrics_path.stat().st_mtime >= skip_finished_since
        except FileNotFoundError:
            finished = False
        if finished:
            # A retry after the worker died between writing the metrics and reporting back.
            return {"scenario_id": sid, "status": "skipped", "elapsed_s": 0.0}
    t0 = time.perf_counter()
    try:
        city = worker_city(city_loader, city_args)
        result = _call_runner(runner, scenario, city)
        elapsed = time.perf_counter() - t0
        write_result(
            out,
            scenario,
            result,
            extra={"elapsed_s": elapsed, "worker_pid": os.getpid(), "jnrisk_version": _version()},
            layer_format=layer_format,
            tag=tmp_tag,
        )
        return {"scenario_id": sid, "status": "ok", "elapsed_s": elapsed}
    except Exception as exc:
        elapsed = time.perf_counter() - t0
        info = {
            "error_type": type(exc).__name__,
            "message": str(exc),
            "traceback": traceback.format_exc(),
            "worker_pid": os.getpid(),
            "elapsed_s": elapsed,
        }
        try:
            write_error(out, scenario, info, tag=tmp_tag)
        except (OSError, JnriskError) as werr:  # disk full etc.: the summary still says why
            exc_text = f"{exc} (and the error file could not be written: {werr})"
            return {"scenario_id": sid, "status": "failed", "elapsed_s": elapsed,
                    "error": f"{type(exc).__name__}: {exc_text}"}  # fmt: skip
        return {
            "scenario_id": sid,
            "status": "failed",
            "elapsed_s": elapsed,
            "error": f"{type(exc).__name__}: {exc}",
        }


# --------------------------------------------------------------------------------------------
# Client side
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did.

    ``completed`` scenarios ran and wrote outputs now, ``skipped`` were already finished
    (resume), ``failed`` are recorded in ``out/errors/<id>.json`` (ids in ``failed_ids``,
    first error lines in ``errors``).
    """

    out: Path
    total: int
    completed: int
    skipped: int
    failed: int
    elapsed_s: float
    failed_ids: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)
    n_workers: int = 0

    @property
    def ok(self) -> bool:
        """True when no scenario failed."""
        return self.failed == 0

    def summary(self) -> str:
        """Return a short human-readable report (what the CLI prints)."""
        rate = self.completed / self.elapsed_s if self.elapsed_s > 0 else float("nan")
        lines = [
            f"jnrisk batch: {self.total} scenario(s) -> {self.out}",
            f"  completed {self.completed}, skipped (already finished) {self.skipped}, "
            f"failed {self.failed}; {self.elapsed_s:.1f} s on {self.n_workers} worker(s) "
            f"({rate:.2f} scenarios/s)",
        ]
        for sid in self.failed_ids[:10]:
            lines.append(f"  FAILED {sid}: {self.errors.get(sid, '')[:200]}")
        if self.failed > 10:
            lines.append(f"  ... and {self.failed - 10} more; see {self.out / 'errors'}")
        if self.failed:
            lines.append(f"  error details (tracebacks): {self.out / 'errors'}/<id>.json")
        return "\n".join(lines)


def _check_scenarios(scenarios: Any) -> list[Scenario]:
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if isinstance(scenarios, (str, bytes, Path)):
        raise ConfigError(
            "run_batch() needs Scenario objects; for a file use load_scenarios(path) first "
            "(or batch_main(path, out=...))."
        )
    scenarios = list(scenarios)
    if not scenarios:
        raise ConfigError("run_batch(): no scenarios given (the list is empty).")
    bad = [i for i, s in enumerate(scenarios) if not isinstance(s, Scenario)]
    if bad:
        raise ConfigError(
            f"run_batch(): items at positions {bad[:5]} are not Scenario objects "
            f"(e.g. {type(scenarios[bad[0]]).__name__})."
        )
    first: dict[str, str] = {}
    for s in scenarios:
        if s.scenario_id in first:
            raise ConfigError(
                f"run_batch(): scenarios {first[s.scenario_id]!r} and {s.name!r} have identical "
                f"parameters (id {s.scenario_id}); remove one."
            )
        first[s.scenario_id] = s.name
    return scenarios


def load_security(security: Any) -> Any:
    """Return a ``distributed.security.Security`` for a remote scheduler, or ``None``.

    Parameters
    ----------
    security
        ``None`` (plain ``tcp://``), a ``distributed.security.Security``, or the path of a YAML
        file with the client's TLS files::

            tls_ca_file: ca.pem          # the certificate authority of the cluster
            tls_client_cert: client.pem  # this client's certificate ...
            tls_client_key: client.key   # ... and key (may sit in the cert file)
            require_encryption: true     # optional, default true

        Relative paths are read from the YAML file's folder.

    Raises
    ------
    ConfigError
        The file is missing, is not such a YAML mapping, has unknown keys, or names TLS files
        that do not exist.

    Examples
    --------
    >>> load_security(None) is None
    True
    >>> sec = load_security("cluster-tls.yaml")  # doctest: +SKIP
    """
    if security is None:
        return None
    from distributed.security import Security

    if isinstance(security, Security):
        return security
    if not isinstance(security, (str, Path)):
        raise ConfigError(
            f"security must be a distributed.security.Security or the path of a YAML file "
            f"with tls_ca_file, tls_client_cert and tls_client_key, got "
            f"{type(security).__name__} {security!r}."
        )
    import yaml

    path = Path(security).expanduser()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"security file {str(path)!r} does not exist.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"security file {str(path)!r} cannot be read as YAML ({type(exc).__name__}: "
            f"{exc}); write it as 'tls_ca_file: ca.pem' lines, UTF-8."
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"security file {str(path)!r} must be a YAML mapping with keys "
            f"{list(_SECURITY_KEYS)}, got {type(data).__name__}."
        )
    from jnrisk.scenarios.registry import did_you_mean

    unknown = [k for k in data if k not in _SECURITY_KEYS]
    if unknown:
        raise ConfigError(
            f"security file {str(path)!r}: unknown key {unknown[0]!r}"
            f"{did_you_mean(str(unknown[0]), list(_SECURITY_KEYS))}; allowed: "
            f"{list(_SECURITY_KEYS)}."
        )
    if not data.get("tls_ca_file") or not data.get("tls_client_cert"):
        raise ConfigError(
            f"security file {str(path)!r} needs at least tls_ca_file and tls_client_cert "
            f"(and tls_client_key unless the key is in the cert file)."
        )
    kwargs: dict[str, Any] = {"require_encryption": bool(data.get("require_encryption", True))}
    for key in ("tls_ca_file", "tls_client_cert", "tls_client_key"):
        if data.get(key) is None:
            continue
        file = Path(str(data[key])).expanduser()
        file = file if file.is_absolute() else path.parent / file
        if not file.is_file():
            raise ConfigError(
                f"security file {str(path)!r}: {key} {str(file)!r} does not exist; give the "
                f"path of the PEM file (relative paths are read from {str(path.parent)!r})."
            )
        kwargs[key] = str(file)
    return Security(**kwargs)


_SECURITY_KEYS = ("tls_ca_file", "tls_client_cert", "tls_client_key", "require_encryption")


def _in_thread(fn: Callable[[], Any], timeout_s: float) -> tuple[bool, Any, BaseException | None]:
    """Run ``fn`` in a daemon thread; (finished, result, error). A hung call is abandoned."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # reported to the caller
            box["error"] = exc

    t = threading.Thread(target=target, name="jnrisk-connect", daemon=True)
    t.start()
    t.join(timeout_s)
    if t.is_alive():
        return False, None, None
    return True, box.get("result"), box.get("error")


async def _probe_scheduler(address: str, connection_args: dict[str, Any], timeout_s: float) -> Any:
    """Connect, handshake and ask the peer who it is, all within ``timeout_s``."""
    import asyncio

    from distributed.comm import connect

    async def ask() -> Any:
        comm = await connect(address, timeout=timeout_s, deserialize=False, **connection_args)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    return await asyncio.wait_for(ask(), timeout_s)


def _connect(scheduler: str, security: Any = None, timeout_s: float | None = None) -> Any:
    """Connect a Client to ``scheduler``, or raise ConfigError within ``timeout_s`` (handshake included)."""
    import asyncio

    from distributed import Client

    timeout_s = CONNECT_TIMEOUT_S if timeout_s is None else timeout_s
    if not isinstance(scheduler, str) or not _ADDRESS_RE.match(scheduler):
        raise ConfigError(
            f"scheduler address {scheduler!r} is not valid; use 'tcp://HOST:PORT' "
            f"(e.g. tcp://10.0.0.5:8786), or 'tls://HOST:PORT' with security=."
        )
    security = load_security(security)
    tls = scheduler.startswith("tls://")
    if tls and security is None:
        raise ConfigError(
            f"scheduler {scheduler} uses TLS; pass the cluster's certificates with "
            f"--security FILE (security= in Python): a YAML file with tls_ca_file, "
            f"tls_client_cert and tls_client_key."
        )
    if security is not None and security.require_encryption and not tls:
        raise ConfigError(
            f"security= is given but the scheduler address {scheduler} is plain tcp://; "
            f"write tls://{scheduler.split('://', 1)[1]} (or drop security=)."
        )
    fix = (
        f"check the address, that `dask scheduler` runs there"
        f"{' with TLS and that the certificates match' if tls else ''}, or omit --scheduler to "
        f"use a local cluster"
    )
    args = security.get_connection_args("client") if security is not None else {}
    t0 = time.monotonic()
    _refuse_fast(scheduler, timeout_s, fix)
    done, identity, err = _in_thread(
        lambda: asyncio.run(_probe_scheduler(scheduler, args, timeout_s)), timeout_s + 1.0
    )
    if not done or err is not None or not isinstance(identity, dict):
        if not done or isinstance(err, (asyncio.TimeoutError, TimeoutError)):
            why = "no Dask handshake: nothing answers there, or it is not a Dask scheduler"
        elif isinstance(err, MemoryError) or not isinstance(err, OSError):
            why = f"it does not speak the Dask protocol: {type(err).__name__}"
        else:
            why = f"{type(err).__name__}: {str(err)[:120]}"
        raise ConfigError(
            f"cannot reach the Dask scheduler at {scheduler} within {timeout_s:g} s ({why}); "
            f"{fix}."
        )
    if identity.get("type") != "Scheduler":
        raise ConfigError(
            f"{scheduler} answers but is not a Dask scheduler (it says it is "
            f"{identity.get('type')!r}); give the scheduler's address, not a worker's."
        )
    left = max(1.0, timeout_s - (time.monotonic() - t0))
    done, client, err = _in_thread(
        lambda: Client(scheduler, timeout=f"{left}s", security=security, set_as_default=False),
        left + 1.0,
    )
    if not done or err is not None:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {scheduler} within {timeout_s:g} s "
            f"({type(err).__name__ if err is not None else 'no answer'}); {fix}."
        )
    return client


def _refuse_fast(scheduler: str, timeout_s: float, fix: str) -> None:
    """Fail at once on a closed port or an unknown host.

    Dask's connect would retry until the deadline.
    """
    import socket

    from distributed.comm.addressing import parse_host_port

    try:
        host, port = parse_host_port(scheduler.split("://", 1)[1])
    except ValueError:
        raise ConfigError(
            f"scheduler address {scheduler!r} has no valid port; use 'tcp://HOST:PORT' "
            f"(e.g. tcp://10.0.0.5:8786)."
        ) from None
    if not 1 <= int(port) <= 65535:
        raise ConfigError(
            f"scheduler address {scheduler!r}: port {port} is not 1-65535; use the port `dask "
            f"scheduler` printed (default 8786)."
        )
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except (ConnectionRefusedError, socket.gaierror) as exc:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}: "
            f"{exc.strerror or exc}); {fix}."
        ) from None
    except OSError:
        pass  # a timeout or an unreachable network: the probe reports it within the deadline


class _NoHttpServer:
    """Worker plugin: close the worker's HTTP server (metrics and health pages) on start-up."""

    name = "jnrisk-no-http"
    idempotent = True

    def setup(self, worker: Any) -> None:
        _stop_http(worker)

    def teardown(self, worker: Any) -> None:
        pass

    def transition(self, *args: Any, **kwargs: Any) -> None:
        pass


def _stop_http(server: Any) -> None:
    http = getattr(server, "http_server", None)
    if http is not None:
        http.stop()


def _local_client(workers: int | None) -> Any:
    """Start a LocalCluster on loopback: TLS with a throw-away key, and no HTTP server anywhere.

    Without TLS any local user could submit code to the scheduler; the key exists only in
    this process and its workers. Dask always starts HTTP servers (metrics, health, the
    dashboard), so their routes are emptied and their sockets closed.
    """
    import logging

    import dask
    from distributed import Client, LocalCluster
    from distributed.diagnostics.plugin import WorkerPlugin
    from distributed.security import Security

    n = workers if workers is not None else max(1, min(2, os.cpu_count() or 1))
    # The statistical profiler only feeds the dashboard (disabled here); its 100 Hz sampling
    # thread costs CPU and, on busy machines, GIL convoys that stretch every task.
    # Scenarios are independent, similar tasks: hand them all to the workers at once
    # (worker-saturation inf) instead of one scheduler round trip per task; work stealing
    # still balances them and a lost worker's tasks are still rescheduled.
    settings = {
        "distributed.worker.profile.enabled": False,
        "distributed.scheduler.worker-saturation": float("inf"),
        "distributed.scheduler.http.routes": [],
        "distributed.worker.http.routes": [],
    }
    try:
        security = Security.temporary()
    except ImportError:  # pragma: no cover - cryptography is in the dask extra
        raise ImportError(
            "the batch cluster makes a TLS key for this run and needs the cryptography "
            "package: pip install 'jnrisk[dask]'"
        ) from None
    with dask.config.set(settings):
        cluster = LocalCluster(
            n_workers=n,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            protocol="tls://",
            security=security,
            dashboard_address=None,
            worker_dashboard_address=None,
            silence_logs=logging.ERROR,
            # One Dask thread per process: numba's parallel kernels get one thread too, so the
            # workers do not oversubscribe the cores (Dask already pins OMP/MKL/OpenBLAS to 1).
            env={"NUMBA_NUM_THREADS": "1"},
        )
    _stop_http(cluster.scheduler)
    client = Client(cluster, security=security, set_as_default=False)

    class NoHttp(_NoHttpServer, WorkerPlugin):
        pass

    client.register_plugin(NoHttp())
    return client


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix(self, **kw: Any) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(progress: bool, *, total: int, initial: int) -> Any:
    if not progress:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover
        raise ImportError(
            "the batch progress bar needs tqdm: pip install 'jnrisk[dask]' (or progress=False)"
        ) from None
    return tqdm(
        total=total, initial=initial, unit="scenario", desc="jnrisk batch", file=sys.stderr
    )


def _import_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:  # pragma: no cover
        raise ImportError(
            "run_batch needs Dask distributed: pip install 'jnrisk[dask]'"
        ) from None


def run_batch(  # noqa: PLR0913  keyword-only options, mirror the `jnrisk batch` flags
    scenarios: Sequence[Scenario],
    *,
    out: str | Path,
    city_loader: Callable[..., Any] | None = None,
    city_args: Mapping[str, Any] | None = None,
    client: Any = None,
    scheduler: str | None = None,
    workers: int | None = None,
    resume: bool = True,
    progress: bool = True,
    retries: int = 0,
    layer_format: str = "parquet",
    security: Any = None,
    connect_timeout_s: float | None = None,
) -> BatchSummary:
    """Run scenarios on Dask distributed and write their outputs under ``out``.

    Parameters
    ----------
    scenarios
        Validated scenarios (e.g. from :func:`load_scenarios`); ids must be distinct.
    out
        Output folder (created). See :mod:`jnrisk.scenarios.store` for the layout.
    city_loader, city_args
        ``city_loader(**city_args)`` builds the data the runners receive as ``city``; it runs
        once per worker process (cached), never per task. ``None`` gives ``city=None``.
        Must be a module-level function (workers import it by name).
    client
        ``None`` starts a ``LocalCluster`` (processes, one thread each) for this batch and
        closes it afterwards; a ``distributed.Client`` is used as is (and left open);
        ``"synchronous"`` runs the tasks one by one in this process (debugging, doctests).
    scheduler
        Address of an existing scheduler, ``"tcp://HOST:8786"`` or ``"tls://HOST:8786"``
        (instead of ``client``). Anything that is not a Dask scheduler answering within
        ``connect_timeout_s`` (handshake included) -> ConfigError before any work.
        The local cluster started otherwise listens on 127.0.0.1 only, speaks TLS with a
        key made for this batch, and runs no HTTP server (no dashboard).
    workers
        Worker processes of the local cluster (default ``min(2, cpu_count)``).
    resume
        Skip scenarios whose metrics file already exists in ``out``.
    progress
        Show a tqdm progress bar (counts, rate, ETA) on stderr.
    retries
        Dask retries of a task whose worker died (a runner error is not retried: it is
        recorded in ``out/errors``).
    layer_format
        ``"parquet"`` (GeoParquet, one file per layer; default) or ``"gpkg"`` (one
        GeoPackage per scenario; about 7x slower to write for small layers).
    security
        TLS credentials for a ``tls://`` scheduler: a ``distributed.security.Security`` or
        the path of a YAML file (see :func:`load_security`).
    connect_timeout_s
        Deadline to reach ``scheduler``, handshake included (default
        :data:`CONNECT_TIMEOUT_S`, 20 s).

    Returns
    -------
    BatchSummary
        Failed scenarios do not stop the batch; they are counted and recorded.

    Examples
    --------
    >>> import tempfile
    >>> from jnrisk.scenarios import expand_sweep
    >>> runs = expand_sweep({"name": "s", "kind": "synthetic_allocation",
    ...                      "hazard": {"grid_size": 5}}, {"seed": [1, 2, 3]})
    >>> out = tempfile.mkdtemp()
    >>> run_batch(runs, out=out, client="synchronous", progress=False).completed
    3
    >>> run_batch(runs, out=out, client="synchronous", progress=False).skipped
    3
    """
    # ---- everything that can be wrong is checked before any work ------------------------
    scenarios = _check_scenarios(scenarios)
    runners = {kind: _runner_for(kind) for kind in sorted({s.kind for s in scenarios})}
    if city_loader is not None and not callable(city_loader):
        raise ConfigError(f"city_loader must be callable, got {city_loader!r}.")
    if city_args is not None and not isinstance(city_args, Mapping):
        raise ConfigError(f"city_args must be a dict of keyword arguments, got {city_args!r}.")
    city_args = dict(city_args or {})
    if workers is not None:
        workers = whole_number("workers", workers, ge=1, le=1024)
    check_layer_format(layer_format)
    retries = whole_number("retries", retries, ge=0, le=100)
    if connect_timeout_s is not None:
        connect_timeout_s = real_number("connect_timeout_s", connect_timeout_s, gt=0, le=3600,
                                        unit="s")  # fmt: skip
    if security is not None and scheduler is None:
        raise ConfigError(
            "security= is for a remote scheduler (scheduler='tls://HOST:PORT'); the local "
            "cluster makes its own key. Drop security= or give scheduler=."
        )
    if not isinstance(out, (str, Path)) and not hasattr(out, "__fspath__"):
        raise ConfigError(f"out must be a folder path, got {type(out).__name__} {out!r}.")
    synchronous = _check_cluster_choice(client, scheduler, workers)
    own_client = False
    if scheduler is not None:  # reaching the scheduler is part of the checks: before any file
        _import_dask()
        client = _connect(scheduler, security, connect_timeout_s)
        own_client = True
    try:
        out = check_writable(Path(out).expanduser().resolve())
    except BaseException:
        if own_client:
            client.close()
        raise
    done = finished_ids(out) if resume else set()
    todo = [s for s in scenarios if s.scenario_id not in done]
    skipped = len(scenarios) - len(todo)
    # Tasks skip scenarios finished since this moment (a retry after a worker died right after
    # writing the metrics), or any finished scenario when resuming. (With a remote cluster
    # and resume=False this compares worker-side file times with this machine's clock.)
    skip_since = 0.0 if resume else time.time()
    # Temporary files of this batch carry its tag: at the end it removes what its killed
    # workers left, and nothing another batch on the same folder is writing.
    tmp_tag = f"{uuid.uuid4().hex[:8]}-"

    if not synchronous:
        _import_dask()
        if client is None:
            client = _local_client(workers)
            own_client = True

    task = functools.partial(
        _run_task, out=str(out), city_loader=city_loader, city_args=city_args,
        skip_finished_since=skip_since, layer_format=layer_format, tmp_tag=tmp_tag,
    )  # fmt: skip
    t0 = time.perf_counter()
    results: list[dict[str, Any]] = []
    bar = _progress_bar(progress, total=len(scenarios), initial=skipped)
    n_workers = 1
    try:
        if synchronous:
            for s in todo:
                res = task(s, runners[s.kind], skip_finished_since=0.0 if resume else None)
                results.append(res)
                bar.update(1)
                bar.set_postfix(failed=sum(r["status"] == "failed" for r in results))
        elif todo:
            results = _run_distributed(client, todo, runners, out, task, retries, bar, tmp_tag)
        if not synchronous:
            n_workers = len(client.scheduler_info().get("workers", {}))
    finally:
        bar.close()
        if own_client:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
    # Writers killed mid-file (a lost worker) leave .tmp-* files; every task is over now.
    remove_stale_temp_files(out, tag=tmp_tag)
    failed = [r for r in results if r["status"] == "failed"]
    return BatchSummary(
        out=out,
        total=len(scenarios),
        completed=sum(r["status"] == "ok" for r in results),
        skipped=skipped + sum(r["status"] == "skipped" for r in results),
        failed=len(failed),
        elapsed_s=time.perf_counter() - t0,
        failed_ids=tuple(r["scenario_id"] for r in failed),
        errors={r["scenario_id"]: r.get("error", "") for r in failed},
        n_workers=n_workers,
    )


def _check_cluster_choice(client: Any, scheduler: str | None, workers: int | None) -> bool:
    """Check that one way to run was chosen; return whether the batch runs synchronously."""
    synchronous = isinstance(client, str)
    if synchronous and client != "synchronous":
        raise ConfigError(f"client={client!r} is not allowed; allowed: {list(_CLIENT_CHOICES)}.")
    if client is not None and scheduler is not None:
        raise ConfigError("give either client= or scheduler=, not both.")
    if workers is not None and (client is not None or scheduler is not None):
        raise ConfigError(
            "workers= sizes the local cluster run_batch starts; with client= or scheduler= "
            "the cluster is already sized. Drop workers= (or scale the cluster itself)."
        )
    return synchronous


def _run_distributed(
    client: Any,
    todo: list[Scenario],
    runners: dict[str, Callable[..., Any]],
    out: Path,
    task: Callable[..., dict[str, Any]],
    retries: int,
    bar: Any,
    tmp_tag: str,
) -> list[dict[str, Any]]:
    """Submit one task per scenario (``task(scenario, runner)``) and collect the results."""
    from distributed import as_completed

    token = tmp_tag.rstrip("-")
    by_key: dict[str, Scenario] = {}
    futures = []
    for s in todo:
        key = f"jnrisk-scenario-{s.scenario_id}-{token}"
        by_key[key] = s
        futures.append(
            client.submit(task, s, runners[s.kind], key=key, pure=False, retries=retries)
        )
    results: list[dict[str, Any]] = []
    n_failed = 0
    for fut in as_completed(futures, loop=client.loop):
        scenario = by_key[fut.key]
        try:
            res = fut.result()
        except Exception as exc:  # KilledWorker, CancelledError, a lost scheduler ...
            if (out / "metrics" / f"{scenario.scenario_id}.parquet").exists():
                res = {"scenario_id": scenario.scenario_id, "status": "ok", "elapsed_s": 0.0}
            else:
                info = {
                    "error_type": type(exc).__name__,
                    "message": str(exc),
                    "traceback": "".join(traceback.format_exception(exc)),
                    "worker_pid": None,
                }
                with contextlib.suppress(OSError, JnriskError):  # a full disk: summary only
                    write_error(out, scenario, info, tag=tmp_tag)
                res = {
                    "scenario_id": scenario.scenario_id,
                    "status": "failed",
                    "elapsed_s": 0.0,
                    "error": f"{type(exc).__name__}: {exc}",
                }
        fut.release()
        results.append(res)
        n_failed += res["status"] == "failed"
        bar.update(1)
        bar.set_postfix(failed=n_failed)
    return results


# --------------------------------------------------------------------------------------------
# The `jnrisk batch` command (its arguments are parsed by jnrisk.cli)
# --------------------------------------------------------------------------------------------


def batch_main(  # noqa: PLR0913  keyword-only options, mirror the `jnrisk batch` flags
    file: str | Path,
    *,
    out: str | Path,
    scheduler: str | None = None,
    resume: bool = True,
    workers: int | None = None,
    city_loader: Callable[..., Any] | None = None,
    city_args: Mapping[str, Any] | None = None,
    progress: bool = True,
    security: Any = None,
    connect_timeout_s: float | None = None,
) -> int:
    """``jnrisk batch FILE``: load, validate and run a scenario file; print a summary.

    ``security`` and ``connect_timeout_s`` are passed to :func:`run_batch`. Returns the exit
    code: 0 all finished, 1 some scenarios failed (recorded in ``out/errors``), 2 bad input
    (nothing was run; the message is printed on stderr).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> batch_main(pathlib.Path(tempfile.mkdtemp()) / "missing.toml", out=tempfile.mkdtemp())
    2
    >>> batch_main("scenarios.toml", out="runs", workers=2)  # doctest: +SKIP
    """
    from jnrisk.scenarios.sweep import load_scenarios

    try:
        scenarios = load_scenarios(file)
        summary = run_batch(
            scenarios,
            out=out,
            scheduler=scheduler,
            resume=resume,
            workers=workers,
            city_loader=city_loader,
            city_args=city_args,
            progress=progress,
            security=security,
            connect_timeout_s=connect_timeout_s,
        )
    except JnriskError as exc:
        print(f"jnrisk: error: {exc}", file=sys.stderr)
        return 2
    print(summary.summary())
    return 0 if summary.ok else 1
