"""The batch output folder: atomic per-scenario files, resume bookkeeping and ``collect``.

Layout of ``out/``::

    metrics/<id>.parquet        one row per scenario: parameters, status, metrics  (written LAST)
    layers/<id>.<name>.parquet  its layers as GeoParquet (default, ~7x faster to write), or
    layers/<id>.gpkg            all its layers in one GeoPackage (layer_format="gpkg")
    rasters/<id>.<name>.nc      its rasters (NetCDF)
    tables/<id>.<name>.parquet  its tables
    errors/<id>.json            a failed scenario: error type, message, traceback

Every file is written under a temporary name in the same folder (``.tmp-...``), flushed with
``fsync`` and moved into place with ``os.replace``, so a reader (or a re-run) sees either the
old file or the complete new one. A scenario is finished iff ``metrics/<id>.parquet`` exists;
because it is written last, a worker killed at any point leaves the scenario unfinished and
a re-run redoes it, overwriting whatever partial outputs it left.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataFileError, ResourceError

__all__ = [
    "OUTPUT_SUBDIRS",
    "atomic_write",
    "check_writable",
    "collect",
    "finished_ids",
    "LAYER_FORMATS",
    "check_layer_format",
    "read_metrics",
    "remove_stale_temp_files",
    "write_error",
    "write_result",
]

OUTPUT_SUBDIRS = ("metrics", "layers", "rasters", "tables", "errors")
_TMP_PREFIX = ".tmp-"
#: A temporary file untouched this long belongs to a dead writer: no writer spends an hour on
#: one file. Younger ones may belong to another batch writing into the same folder right now.
STALE_TMP_AGE_S = 3600.0


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | Path, writer: Callable[[Path], Any], *, tag: str = "") -> Path:
    """Write ``path`` atomically: ``writer(tmp)`` fills a temp file next to it, then rename.

    The temporary name keeps the suffix (drivers pick the format from it) and starts with
    ``.tmp-<tag>`` (a batch tags its files, so it can clean up after its killed workers
    without touching the files of another batch). On any error the temporary file is
    removed and ``path`` is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = atomic_write(p, lambda tmp: tmp.write_text("hello"))
    >>> p.read_text()
    'hello'
    """
    path = Path(path)
    tmp = path.with_name(f"{_TMP_PREFIX}{tag}{uuid.uuid4().hex[:12]}-{path.name}")
    try:
        writer(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):  # disk full, permissions, a vanished folder
            raise ResourceError(
                f"cannot write {str(path)!r} ({exc.strerror or exc}); free disk space or "
                f"fix the permissions there, or choose another output folder (--out)."
            ) from exc
        raise
    _fsync_dir(path.parent)
    return path


def check_writable(out: str | Path) -> Path:
    """Create ``out`` and its subfolders and prove each is writable; else ConfigError.

    Also removes ``.tmp-*`` files left by killed writers of an earlier run (those older than
    :data:`STALE_TMP_AGE_S`; younger ones may be another batch's files in progress).

    Examples
    --------
    >>> import tempfile
    >>> out = check_writable(tempfile.mkdtemp() + "/runs")
    >>> sorted(p.name for p in out.iterdir())
    ['errors', 'layers', 'metrics', 'rasters', 'tables']
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(
            f"output folder {str(out)!r} exists and is a file; pass a folder path (--out DIR)."
        )
    for sub in ("", *OUTPUT_SUBDIRS):
        folder = out / sub if sub else out
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f"{_TMP_PREFIX}probe-{uuid.uuid4().hex[:8]}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise ConfigError(
                f"output folder {str(folder)!r} is not writable ({exc.strerror or exc}); "
                f"choose another folder with --out / out=, or fix its permissions."
            ) from None
    remove_stale_temp_files(out, older_than_s=STALE_TMP_AGE_S)
    return out


def remove_stale_temp_files(
    out: str | Path, *, tag: str = "", older_than_s: float | None = None
) -> int:
    """Delete ``.tmp-<tag>*`` files left in the output subfolders by killed writers.

    ``tag`` limits the sweep to one batch's files; ``older_than_s`` to files not modified for
    that long. Returns the number removed.

    Examples
    --------
    >>> import tempfile
    >>> out = check_writable(tempfile.mkdtemp())
    >>> _ = (out / "metrics" / ".tmp-ab12-x.parquet").write_text("")
    >>> remove_stale_temp_files(out, tag="ab12-"), remove_stale_temp_files(out)
    (1, 0)
    """
    import time

    n = 0
    now = time.time()
    for sub in OUTPUT_SUBDIRS:
        folder = Path(out) / sub
        if not folder.is_dir():
            continue
        for stale in folder.glob(f"{_TMP_PREFIX}{tag}*"):
            with contextlib.suppress(OSError):
                if older_than_s is not None and now - stale.stat().st_mtime < older_than_s:
                    continue
                stale.unlink()
                n += 1
    return n


def finished_ids(out: str | Path) -> set[str]:
    """Ids of scenarios whose metrics file exists (the definition of finished).

    Examples
    --------
    >>> import tempfile
    >>> from jnrisk.scenarios import expand_sweep, run_batch
    >>> runs = expand_sweep({"name": "s", "kind": "synthetic_allocation",
    ...                      "hazard": {"grid_size": 5}}, {"seed": [1, 2]})
    >>> out = tempfile.mkdtemp()
    >>> _ = run_batch(runs, out=out, client="synchronous", progress=False)
    >>> finished_ids(out) == {s.scenario_id for s in runs}
    True
    """
    folder = Path(out) / "metrics"
    if not folder.is_dir():
        return set()
    return {
        p.name[: -len(".parquet")]
        for p in folder.iterdir()
        if p.name.endswith(".parquet") and not p.name.startswith(_TMP_PREFIX)
    }


def _metrics_row(scenario: Any, metrics: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    from jnrisk.scenarios.config import params_to_dict

    row: dict[str, Any] = {
        "scenario_id": scenario.scenario_id,
        "name": scenario.name,
        "kind": scenario.kind,
        "inventory_year": scenario.inventory_year,
        "seed": scenario.seed,
    }
    for section in ("hazard", "allocation"):
        for k, v in params_to_dict(getattr(scenario, section)).items():
            row[f"{section}.{k}"] = v
    net = params_to_dict(scenario.network)
    row["network.closed_edges"] = json.dumps(net["closed_edges"])
    row["network.closed_bridges"] = json.dumps(net["closed_bridges"])
    row["sweep_axes"] = json.dumps([k for k, _ in scenario.sweep_point])
    row["scenario_json"] = json.dumps(scenario.to_dict(), sort_keys=True)
    row.update(extra)
    row.update(metrics)
    return row


LAYER_FORMATS = ("parquet", "gpkg")


def _local_dask_scheduler() -> Any:
    """Write the rasters with the local synchronous scheduler (and so a local lock).

    Inside a Dask worker, xarray's NetCDF writer takes a *distributed* lock (scheduler round
    trips: measured 150 ms instead of 23 ms per small file); the rasters are in memory.
    """
    try:
        import dask
    except ImportError:  # pragma: no cover - dask is an optional extra
        return contextlib.nullcontext()
    return dask.config.set(scheduler="synchronous")


def check_layer_format(layer_format: str) -> str:
    """Return ``layer_format`` if allowed, else raise ConfigError listing the choices.

    Examples
    --------
    >>> check_layer_format("gpkg")
    'gpkg'
    >>> check_layer_format("shp")
    Traceback (most recent call last):
        ...
    jnrisk._errors.ConfigError: layer_format='shp' is not allowed; allowed: ['parquet', 'gpkg'] (GeoParquet or GeoPackage).
    """
    if layer_format not in LAYER_FORMATS:
        raise ConfigError(
            f"layer_format={layer_format!r} is not allowed; allowed: {list(LAYER_FORMATS)} "
            f"(GeoParquet or GeoPackage)."
        )
    return layer_format


def write_result(
    out: str | Path,
    scenario: Any,
    result: Any,
    *,
    extra: dict[str, Any],
    layer_format: str = "parquet",
    tag: str = "",
) -> None:
    """Write one scenario's tables, layers and rasters, then (last) its metrics row.

    ``tag`` marks the temporary files (see :func:`atomic_write`).

    Examples
    --------
    >>> import tempfile
    >>> from jnrisk.scenarios import Scenario
    >>> from jnrisk.scenarios.synthetic import run_synthetic_allocation
    >>> s = Scenario.from_dict({"name": "t", "kind": "synthetic_allocation",
    ...                         "hazard": {"grid_size": 5}})
    >>> out = check_writable(tempfile.mkdtemp())
    >>> write_result(out, s, run_synthetic_allocation(s), extra={"elapsed_s": 0.1})
    >>> finished_ids(out) == {s.scenario_id}
    True
    """
    import pandas as pd

    check_layer_format(layer_format)
    out = Path(out)
    sid = scenario.scenario_id
    for name, table in result.tables.items():
        atomic_write(
            out / "tables" / f"{sid}.{name}.parquet", lambda tmp, t=table: t.to_parquet(tmp),
            tag=tag,
        )
    if result.layers and layer_format == "parquet":
        for name, layer in result.layers.items():
            atomic_write(
                out / "layers" / f"{sid}.{name}.parquet",
                lambda tmp, g=layer: g.to_parquet(tmp),
                tag=tag,
            )
    elif result.layers:

        def _write_layers(tmp: Path) -> None:
            for name, layer in result.layers.items():
                layer.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")

        atomic_write(out / "layers" / f"{sid}.gpkg", _write_layers, tag=tag)
    for name, raster in result.rasters.items():

        def _write_raster(tmp: Path, r: Any = raster, n: str = name) -> None:
            da = r if r.name == n else r.rename(n)
            with _local_dask_scheduler():
                da.to_netcdf(tmp)

        atomic_write(out / "rasters" / f"{sid}.{name}.nc", _write_raster, tag=tag)
    row = _metrics_row(scenario, result.metrics, {**extra, "status": "ok"})
    frame = pd.DataFrame([row])
    atomic_write(
        out / "metrics" / f"{sid}.parquet", lambda tmp: frame.to_parquet(tmp), tag=tag
    )
    # A success supersedes an error recorded by an earlier attempt.
    with contextlib.suppress(FileNotFoundError):
        (out / "errors" / f"{sid}.json").unlink()


def write_error(out: str | Path, scenario: Any, error: dict[str, Any], *, tag: str = "") -> Path:
    """Record a failed scenario in ``errors/<id>.json`` (atomically).

    Examples
    --------
    >>> import tempfile
    >>> from jnrisk.scenarios import Scenario
    >>> s = Scenario.from_dict({"name": "t", "kind": "synthetic_allocation",
    ...                         "hazard": {"grid_size": 5}})
    >>> out = check_writable(tempfile.mkdtemp())
    >>> p = write_error(out, s, {"error_type": "ValueError", "message": "no shelters",
    ...                          "traceback": "", "worker_pid": None})
    >>> p.relative_to(out).as_posix() == f"errors/{s.scenario_id}.json"
    True
    """
    payload = {
        "scenario_id": scenario.scenario_id,
        "name": scenario.name,
        "scenario": scenario.to_dict(),
        **error,
    }
    text = json.dumps(payload, indent=2, sort_keys=True, default=str)
    return atomic_write(
        Path(out) / "errors" / f"{scenario.scenario_id}.json",
        lambda tmp: tmp.write_text(text, encoding="utf-8"),
        tag=tag,
    )


def read_metrics(out: str | Path, *, ids: Iterable[str] | None = None) -> Any:
    """Read the metrics rows of ``out`` into one DataFrame (one row per finished scenario).

    Examples
    --------
    >>> import tempfile
    >>> from jnrisk.scenarios import expand_sweep, run_batch
    >>> runs = expand_sweep({"name": "s", "kind": "synthetic_allocation",
    ...                      "hazard": {"grid_size": 5}}, {"seed": [1, 2]})
    >>> out = tempfile.mkdtemp()
    >>> _ = run_batch(runs, out=out, client="synchronous", progress=False)
    >>> m = read_metrics(out)
    >>> len(m), sorted(m["seed"].tolist())
    (2, [1, 2])
    """
    import pandas as pd

    if not isinstance(out, (str, Path)) and not hasattr(out, "__fspath__"):
        raise ConfigError(f"out must be a batch output folder path, got {out!r}.")
    folder = Path(out) / "metrics"
    if not folder.is_dir():
        raise DataFileError(
            f"{str(out)!r} has no metrics/ folder; is it the output folder of run_batch?"
        )
    wanted = None if ids is None else set(ids)
    frames = []
    for path in sorted(folder.glob("*.parquet")):
        if path.name.startswith(_TMP_PREFIX):
            continue
        if wanted is not None and path.stem not in wanted:
            continue
        try:
            frames.append(pd.read_parquet(path))
        except Exception as exc:  # corrupt file: name it
            raise DataFileError(f"metrics file {str(path)!r} cannot be read: {exc}") from exc
    if not frames:
        return pd.DataFrame(columns=["scenario_id"])
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values("scenario_id", kind="stable").reset_index(drop=True)


_PARAM_PREFIXES = ("hazard.", "allocation.", "network.")
_BOOKKEEPING = {"status", "elapsed_s", "worker_pid", "sweep_axes", "scenario_json",
                "jnrisk_version"}


def _axis_column(df: Any, axis: str) -> str | None:
    for col in (axis, f"hazard.{axis}", f"allocation.{axis}", f"network.{axis}"):
        if col in df.columns:
            return col
    return None


def collect(out: str | Path) -> Any:
    """Gather the metrics of a batch folder into an ``xarray.Dataset``.

    When all finished scenarios come from one sweep (same kind and axes) and form a full grid,
    the dataset has one dimension per sweep axis; otherwise it has a ``scenario`` dimension
    (the scenario ids) with the parameters as coordinates. Metrics are data variables.

    Examples
    --------
    >>> import tempfile
    >>> from jnrisk.scenarios import expand_sweep, run_batch
    >>> base = {"name": "g", "kind": "synthetic_allocation", "hazard": {"grid_size": 5}}
    >>> runs = expand_sweep(base, {"seed": [1, 2], "max_walk_m": [500.0, 1000.0]})
    >>> out = tempfile.mkdtemp()
    >>> _ = run_batch(runs, out=out, client="synchronous", progress=False)
    >>> collect(out)["served_persons"].dims
    ('seed', 'max_walk_m')
    """
    import xarray as xr

    df = read_metrics(out)
    if df.empty:
        return xr.Dataset(coords={"scenario": np.array([], dtype=object)})
    metric_cols = [
        c
        for c in df.columns
        if c not in _BOOKKEEPING
        and c not in ("scenario_id", "name", "kind", "inventory_year", "seed")
        and not c.startswith(_PARAM_PREFIXES)
    ]
    param_cols = [
        c
        for c in df.columns
        if c in ("name", "kind", "inventory_year", "seed") or c.startswith(_PARAM_PREFIXES)
    ]
    axes_sets = set(df["sweep_axes"]) if "sweep_axes" in df.columns else {"[]"}
    kinds = set(df["kind"])
    if len(axes_sets) == 1 and len(kinds) == 1:
        axes = json.loads(next(iter(axes_sets)))
        cols = [_axis_column(df, a) for a in axes]
        if axes and all(cols):
            sub = df[cols].copy()
            sub.columns = axes
            n_grid = 1
            for a in axes:
                n_grid *= sub[a].nunique()
            if n_grid == len(df) and not sub.duplicated().any():
                indexed = df.copy()
                for a, c in zip(axes, cols, strict=True):
                    indexed[a] = df[c]
                indexed = indexed.set_index(axes)
                keep = [c for c in [*metric_cols, "scenario_id", "name", "status", "elapsed_s"]
                        if c in indexed.columns]
                ds = xr.Dataset.from_dataframe(indexed[keep])
                ds = ds.set_coords([c for c in ("scenario_id", "name") if c in ds])
                ds.attrs["kind"] = next(iter(kinds))
                ds.attrs["source"] = str(out)
                return ds
    frame = df.set_index("scenario_id")
    frame.index.name = "scenario"
    ds = xr.Dataset.from_dataframe(frame[[c for c in metric_cols if c in frame.columns]])
    for c in param_cols:
        ds = ds.assign_coords({c: ("scenario", frame[c].to_numpy())})
    ds.attrs["source"] = str(out)
    return ds

